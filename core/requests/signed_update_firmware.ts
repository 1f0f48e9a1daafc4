/**
 * SignedUpdateFirmware (Security Whitepaper, use case L01): the `signedUpdateFirmware` callback
 * (the firmware's, or the `firmwareUpdate` plugin's) checks the signing certificate and answers
 * the status; a result that is not a valid status (or a throw) answers `Rejected`. When it answers
 * `InvalidCertificate`, the core raises the security event `InvalidFirmwareSigningCertificate`
 * (once, from the recorded result). Progress is then reported through
 * `onFirmwareUpdateStatusNotification(requestId, status)` (SignedFirmwareStatusNotification);
 * `InvalidSignature` raises `InvalidFirmwareSignature` in the core. Without the callback: `Rejected`.
 *
 * @module
 */
import { raiseSecurityEvent } from "../connector_reducer.ts";
import { signedUpdateFirmwareStatusSchema } from "../ocpp/security.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";

/**
 * A SignedUpdateFirmware request as given to the `signedUpdateFirmware` callback.
 *
 * @example
 * ```ts
 * import type { SignedFirmwareUpdateRequest } from "./signed_update_firmware.ts";
 * const r: SignedFirmwareUpdateRequest = {
 *   requestId: 3,
 *   firmware: {
 *     location: "https://127.0.0.1:8443/fw/1.2.0.bin",
 *     retrieveDateTime: "2026-01-01T02:00:00Z",
 *     signingCertificate: "-----BEGIN CERTIFICATE-----\n...",
 *     signature: "MEUCIQ...",
 *   },
 * };
 * ```
 */
export interface SignedFirmwareUpdateRequest {
  /** Id echoed in every SignedFirmwareStatusNotification of this update. */
  readonly requestId: number;
  /** How many times to retry a failed download. */
  readonly retries?: number;
  /** Seconds between retries. */
  readonly retryInterval?: number;
  /** The firmware and how to verify it. */
  readonly firmware: {
    /** URL of the firmware image. */
    readonly location: string;
    /** Not retrieved before this time (RFC 3339). */
    readonly retrieveDateTime: string;
    /** Not installed before this time (RFC 3339). */
    readonly installDateTime?: string;
    /** PEM signing certificate (optionally followed by intermediate certificates). */
    readonly signingCertificate: string;
    /** Base64 signature of the image with the signing certificate's key (SHA-256). */
    readonly signature: string;
  };
}

/**
 * The answer of the `signedUpdateFirmware` callback (SignedUpdateFirmware.conf status).
 *
 * @example
 * ```ts
 * import type { SignedFirmwareUpdateStatus } from "./signed_update_firmware.ts";
 * const s: SignedFirmwareUpdateStatus = "InvalidCertificate";
 * ```
 */
export type SignedFirmwareUpdateStatus =
  | "Accepted"
  | "Rejected"
  | "AcceptedCanceled"
  | "InvalidCertificate"
  | "RevokedCertificate";

/**
 * Handler of SignedUpdateFirmware.
 *
 * @example
 * ```ts
 * import { signedUpdateFirmwareRequest } from "./signed_update_firmware.ts";
 * console.log(typeof signedUpdateFirmwareRequest.resume); // "function"
 * ```
 */
export const signedUpdateFirmwareRequest: RequestHandler<"SignedUpdateFirmware"> = defineRequest(
  "SignedUpdateFirmware",
  {
    handle(d, id, request) {
      if (!d.hasCallback("signedUpdateFirmware")) {
        d.note("SignedUpdateFirmware rejected: no signedUpdateFirmware callback");
        d.reply(id, { status: "Rejected" });
        return;
      }
      d.awaitCallback(
        {
          callback: "signedUpdateFirmware",
          messageId: id,
          action: "SignedUpdateFirmware",
          context: { requestId: request.requestId },
        },
        { ...request, firmware: { ...request.firmware } },
      );
    },
    resume(d, pending, outcome) {
      if (!outcome.ok) {
        d.note(`SignedUpdateFirmware: signedUpdateFirmware failed (${outcome.error}); Rejected`);
        d.reply(pending.messageId, { status: "Rejected" });
        return;
      }
      const checked = signedUpdateFirmwareStatusSchema.safeParse(outcome.result);
      if (!checked.success) {
        d.note(
          `SignedUpdateFirmware: invalid result of signedUpdateFirmware ${
            JSON.stringify(outcome.result) ?? "undefined"
          }; Rejected`,
        );
        d.reply(pending.messageId, { status: "Rejected" });
        return;
      }
      d.reply(pending.messageId, { status: checked.data });
      if (checked.data === "InvalidCertificate") {
        raiseSecurityEvent(
          d,
          "InvalidFirmwareSigningCertificate",
          `signing certificate of firmware update request ${String(pending.context.requestId)}`,
        );
      }
    },
  },
);
