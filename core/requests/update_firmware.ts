/**
 * UpdateFirmware (Firmware Management): answered at once (UpdateFirmware.conf is empty) and the
 * `updateFirmware` callback (the firmware's, or the `firmwareUpdate` plugin's) is called with the
 * request; it reports progress through `onFirmwareUpdateStatusNotification(-1, status)`
 * (FirmwareStatusNotification). Without the callback the charge point does not support the
 * operation: CALLERROR `NotSupported`.
 *
 * @module
 */
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
