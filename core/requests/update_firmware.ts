/**
 * UpdateFirmware (Firmware Management): answered at once (UpdateFirmware.conf is empty) and the
 * `updateFirmware` callback (the firmware's, or the `firmwareUpdate` plugin's) is called with the
 * request; it reports progress through `onFirmwareUpdateStatusNotification(-1, status)`
 * (FirmwareStatusNotification). Without the callback the charge point does not support the
 * operation: CALLERROR `NotSupported`.
 *
 * Before an installation the connectors are held (`FirmwareInstallHoldChanged`, see
 * {@linkcode holdForFirmwareInstall}), for UpdateFirmware and SignedUpdateFirmware alike.
 *
 * @module
 */
import type { Draft } from "../draft.ts";
import { changeAvailability } from "../connector_reducer.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";

/**
 * An UpdateFirmware request as given to the `updateFirmware` callback.
 *
 * @example
 * ```ts
 * import type { FirmwareUpdateRequest } from "./update_firmware.ts";
 * const r: FirmwareUpdateRequest = {
 *   location: "https://127.0.0.1:8443/fw/1.2.0.bin",
 *   retrieveDate: "2026-01-01T02:00:00Z",
 * };
 * ```
 */
export interface FirmwareUpdateRequest {
  /** URL of the firmware image. */
  readonly location: string;
  /** Not retrieved before this time (RFC 3339). */
  readonly retrieveDate: string;
  /** How many times to retry a failed download. */
  readonly retries?: number;
  /** Seconds between retries. */
  readonly retryInterval?: number;
}

/**
 * Handler of UpdateFirmware.
 *
 * @example
 * ```ts
 * import { updateFirmwareRequest } from "./update_firmware.ts";
 * console.log(typeof updateFirmwareRequest.handle); // "function"
 * ```
 */
export const updateFirmwareRequest: RequestHandler<"UpdateFirmware"> = defineRequest(
  "UpdateFirmware",
  {
    handle(d, id, request) {
      if (!d.hasCallback("updateFirmware")) {
        d.note("UpdateFirmware not supported: no updateFirmware callback");
        d.replyError(id, "NotSupported", "UpdateFirmware is not supported");
        return;
      }
      d.reply(id, {});
      d.callback("updateFirmware", { ...request });
    },
  },
);

/**
 * Folds `FirmwareInstallHoldChanged`: the connectors are held for a firmware installation (OCPP 1.6
 * §5.16, Security Whitepaper L01: connectors not in use are set Unavailable while the installation
 * waits for the transactions to end; libocpp's "all connectors unavailable"). With `hold`, every
 * operative connector 1..n becomes inoperative through the ChangeAvailability machinery: at once
 * when free (StatusNotification Unavailable, `disableEvse`), when its transaction ends otherwise
 * (so no new transaction starts and RemoteStartTransaction is refused). The connectors taken are
 * kept in `firmwareHold` (persisted across restarts: an installation that reboots keeps them until
 * it is confirmed). Without `hold`, exactly those become operative again (or their scheduled
 * change is dropped while their transaction still runs); connectors that were inoperative before,
 * or that a ChangeAvailability named during the hold ({@linkcode leaveFirmwareHold}), stay as they
 * are.
 *
 * @example
 * ```ts ignore
 * holdForFirmwareInstall(d, true); // before Installing
 * holdForFirmwareInstall(d, false); // Installed, InstallationFailed, cancelled
 * ```
 */
export function holdForFirmwareInstall(d: Draft, hold: boolean): void {
  const held = d.state.firmwareHold;
  if (hold) {
    if (held !== undefined) {
      d.note("connectors already held for a firmware installation");
      return;
    }
    const taken: number[] = [];
    for (const c of d.state.connectors) {
      if (c.id === 0 || !c.operative || c.scheduledAvailability === "Inoperative") continue;
      changeAvailability(d, c.id, "Inoperative");
      taken.push(c.id);
    }
    d.set({ firmwareHold: taken });
    return;
  }
  if (held === undefined) {
    d.note("no connectors held for a firmware installation");
    return;
  }
  d.set({ firmwareHold: undefined });
  for (const id of held) {
    const c = d.state.connectors[id];
    if (c === undefined) continue; // fewer connectors since
    if (c.transaction !== undefined) {
      if (c.scheduledAvailability === "Inoperative") {
        d.updateConnector(id, { scheduledAvailability: undefined });
      }
    } else {
      changeAvailability(d, id, "Operative");
    }
  }
}

/**
 * A ChangeAvailability (of the central system or the firmware) decides for the connectors it
 * names: they leave the firmware installation hold, so that its release does not undo it.
 *
 * @example
 * ```ts ignore
 * leaveFirmwareHold(d, 2); // connector 2 keeps what ChangeAvailability made of it
 * ```
 */
export function leaveFirmwareHold(d: Draft, connectorId: number): void {
  const held = d.state.firmwareHold;
  if (held === undefined || (connectorId !== 0 && !held.includes(connectorId))) return;
  d.set({ firmwareHold: connectorId === 0 ? [] : held.filter((id) => id !== connectorId) });
}
