/**
 * The current status of uploads (GetDiagnostics, GetLog) and firmware updates (UpdateFirmware,
 * SignedUpdateFirmware), as TriggerMessage and ExtendedTriggerMessage report it: the status of the
 * operation going on, `Idle` once it ended (OCPP 1.6 §7.23/§7.27: `Idle` only in a triggered
 * notification; Security Whitepaper: a triggered LogStatusNotification or
 * SignedFirmwareStatusNotification carries no `requestId` when nothing is ongoing).
 *
 * The charge point has one firmware: UpdateFirmware and SignedUpdateFirmware are one update going
 * on at a time, and a status of one ends what the other reported. A plain update goes through the
 * same steps as a signed one but FirmwareStatusNotification (1.6) has no status for the waits
 * (`DownloadScheduled`, `DownloadPaused`, `InstallScheduled`, `InstallRebooting`): they are
 * recorded (so ExtendedTriggerMessage reports them) and not sent. A restart
 * (`ChargePointStarted`) ends every status: whoever runs the operation reports it again.
 *
 * @module
 */
import type { State } from "../state.ts";
import type { Draft } from "../draft.ts";
import { sendNormal } from "../outbox.ts";
import { FIRMWARE_STATUSES } from "../../events/handler_events.ts";

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
 * What `onFirmwareUpdateStatusNotification(-1, status)` accepts: the statuses of
 * FirmwareStatusNotification and the steps of an update it cannot carry (recorded, not sent);
 * `InstallVerificationFailed` is sent as `InstallationFailed`. A plain update has no signature:
 * `SignatureVerified` and `InvalidSignature` are refused.
 *
 * @example
 * ```ts
 * import { PLAIN_FIRMWARE_STATUSES } from "./transfer_status.ts";
 * console.log(PLAIN_FIRMWARE_STATUSES.includes("DownloadScheduled")); // true
 * ```
 */
export const PLAIN_FIRMWARE_STATUSES: readonly string[] = [
  ...FIRMWARE_STATUSES,
  "DownloadScheduled",
  "DownloadPaused",
  "InstallScheduled",
  "InstallRebooting",
  "InstallVerificationFailed",
];

/** 1.6 FirmwareStatus of a step (the wait before a download is not a 1.6 status: `Idle`). */
const AS_FIRMWARE_STATUS: Readonly<Record<string, string>> = {
  DownloadScheduled: "Idle",
  DownloadPaused: "Downloading",
  SignatureVerified: "Downloaded",
  InstallScheduled: "Downloaded",
  InstallRebooting: "Installing",
  InstallVerificationFailed: "InstallationFailed",
  InvalidSignature: "InstallationFailed",
};

/**
 * Folds a firmware status (`FirmwareUpdateStatusChanged`): records it as the status of the update
 * going on and sends FirmwareStatusNotification (requestId -1; the waits it cannot carry are only
 * recorded) or SignedFirmwareStatusNotification.
 *
 * @example
 * ```ts ignore
 * firmwareStatusChanged(d, -1, "DownloadScheduled"); // recorded, nothing sent
 * ```
 */
export function firmwareStatusChanged(d: Draft, requestId: number, status: string): void {
  if (requestId === -1) {
    const signed = d.state.signedFirmwareStatus;
    const endsSigned = signed !== undefined && FIRMWARE_ONGOING.has(signed.status);
    d.set({ firmwareStatus: status, ...(endsSigned ? { signedFirmwareStatus: undefined } : {}) });
    const sent = AS_FIRMWARE_STATUS[status] === "InstallationFailed"
      ? "InstallationFailed"
      : status;
    if ((FIRMWARE_STATUSES as readonly string[]).includes(sent)) {
      sendNormal(d, "FirmwareStatusNotification", { status: sent });
    } else {
      d.note(`firmware status ${status} recorded: FirmwareStatusNotification cannot carry it`);
    }
    return;
  }
  const endsPlain = FIRMWARE_ONGOING.has(d.state.firmwareStatus);
  d.set({
    signedFirmwareStatus: { requestId, status },
    ...(endsPlain ? { firmwareStatus: "Idle" } : {}),
  });
  sendNormal(d, "SignedFirmwareStatusNotification", { status, requestId });
}

/**
 * The statuses at a restart: nothing is going on until whoever runs the operation reports it
 * again (the `diagnosticsUpload` and `firmwareUpdate` plugins resume theirs).
 *
 * @example
 * ```ts
 * import { restartedTransferStatus } from "./transfer_status.ts";
 * console.log(restartedTransferStatus().firmwareStatus); // "Idle"
 * ```
 */
export function restartedTransferStatus(): Pick<
  State,
  "diagnosticsStatus" | "firmwareStatus" | "logStatus" | "signedFirmwareStatus"
> {
  return {
    diagnosticsStatus: "Idle",
    firmwareStatus: "Idle",
    logStatus: undefined,
    signedFirmwareStatus: undefined,
  };
}

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

/** The status of the firmware update going on (plain first: at most one is ongoing). */
function ongoingFirmware(state: State): { status: string; requestId?: number } | undefined {
  if (FIRMWARE_ONGOING.has(state.firmwareStatus)) return { status: state.firmwareStatus };
  const signed = state.signedFirmwareStatus;
  return signed !== undefined && FIRMWARE_ONGOING.has(signed.status) ? signed : undefined;
}

/**
 * Payload of a triggered FirmwareStatusNotification: the 1.6 status of the update going on (plain
 * or signed; a step 1.6 has no status for is reported as the last one it has: `Downloading` while
 * a download waits for its retry, `Downloaded` until the installation starts, `Idle` before the
 * first download), or `Idle`.
 *
 * @example
 * ```ts
 * import { triggeredFirmwareStatus } from "./transfer_status.ts";
 * import { initialState } from "../state.ts";
 * console.log(triggeredFirmwareStatus(initialState())); // { status: "Idle" }
 * ```
 */
export function triggeredFirmwareStatus(state: State): { status: string } {
  const status = ongoingFirmware(state)?.status ?? "Idle";
  return { status: AS_FIRMWARE_STATUS[status] ?? status };
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
 * signed update, `{ status }` of an ongoing plain update (every step, e.g. `DownloadScheduled`; it
 * has no requestId), or `{ status: "Idle" }`.
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
  const ongoing = ongoingFirmware(state);
  if (ongoing === undefined) return { status: "Idle" };
  return ongoing.requestId === undefined
    ? { status: ongoing.status }
    : { status: ongoing.status, requestId: ongoing.requestId };
}
