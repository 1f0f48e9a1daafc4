/**
 * The current status of uploads (GetDiagnostics, GetLog) and firmware updates (UpdateFirmware,
 * SignedUpdateFirmware), as TriggerMessage and ExtendedTriggerMessage report it: the last status
 * while the operation is ongoing, `Idle` once it ended (OCPP 1.6 §7.23/§7.27: `Idle` only in a
 * triggered notification; Security Whitepaper: a triggered LogStatusNotification or
 * SignedFirmwareStatusNotification carries no `requestId` when nothing is ongoing).
 *
 * @module
 */
import type { State } from "../state.ts";

/** Upload statuses of an upload still going on. */
const UPLOAD_ONGOING: ReadonlySet<string> = new Set(["Uploading"]);

/** Firmware statuses of an update still going on (the others end it). */
const FIRMWARE_ONGOING: ReadonlySet<string> = new Set([
  "Downloading",
  "Downloaded",
  "DownloadScheduled",
  "DownloadPaused",
  "SignatureVerified",
  "InstallScheduled",
  "Installing",
  "InstallRebooting",
]);

/**
 * Payload of a triggered DiagnosticsStatusNotification.
 *
 * @example
 * ```ts
 * import { triggeredDiagnosticsStatus } from "./transfer_status.ts";
 * import { initialState } from "../state.ts";
 * console.log(triggeredDiagnosticsStatus(initialState())); // { status: "Idle" }
 * ```
 */
export function triggeredDiagnosticsStatus(state: State): { status: string } {
  return { status: UPLOAD_ONGOING.has(state.diagnosticsStatus) ? state.diagnosticsStatus : "Idle" };
}

/**
 * Payload of a triggered FirmwareStatusNotification.
 *
 * @example
 * ```ts
 * import { triggeredFirmwareStatus } from "./transfer_status.ts";
 * import { initialState } from "../state.ts";
 * console.log(triggeredFirmwareStatus(initialState())); // { status: "Idle" }
 * ```
 */
export function triggeredFirmwareStatus(state: State): { status: string } {
  return { status: FIRMWARE_ONGOING.has(state.firmwareStatus) ? state.firmwareStatus : "Idle" };
}

/**
 * Payload of a triggered LogStatusNotification: `{ status, requestId }` of the ongoing upload, or
 * `{ status: "Idle" }`.
 *
 * @example
 * ```ts
 * import { triggeredLogStatus } from "./transfer_status.ts";
 * import { initialState } from "../state.ts";
 * console.log(triggeredLogStatus(initialState())); // { status: "Idle" }
 * ```
 */
export function triggeredLogStatus(state: State): { status: string; requestId?: number } {
  const last = state.logStatus;
  return last !== undefined && UPLOAD_ONGOING.has(last.status)
    ? { status: last.status, requestId: last.requestId }
    : { status: "Idle" };
}

/**
 * Payload of a triggered SignedFirmwareStatusNotification: `{ status, requestId }` of the ongoing
 * signed update, or `{ status: "Idle" }`.
 *
 * @example
 * ```ts
 * import { triggeredSignedFirmwareStatus } from "./transfer_status.ts";
 * import { initialState } from "../state.ts";
 * console.log(triggeredSignedFirmwareStatus(initialState())); // { status: "Idle" }
 * ```
 */
export function triggeredSignedFirmwareStatus(
  state: State,
): { status: string; requestId?: number } {
  const last = state.signedFirmwareStatus;
  return last !== undefined && FIRMWARE_ONGOING.has(last.status)
    ? { status: last.status, requestId: last.requestId }
    : { status: "Idle" };
}
