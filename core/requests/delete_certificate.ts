/**
 * DeleteCertificate (Security Whitepaper M04): deletes an installed root certificate named by its
 * hash data through the `deleteCertificate(certificateHashData, { securityProfile })` callback
 * (built in over the certificate store unless the firmware provides it): `Accepted`, `NotFound`,
 * or `Failed` (could not be deleted, or the last CentralSystemRootCertificate while a TLS
 * profile is in use, M04.FR.06). The charge point certificate cannot be deleted (M04.FR.05).
 *
 * @module
 */
import { currentProfile } from "../security/profile.ts";
import { certificateOutcome } from "./certificate_outcome.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";

/**
 * Handler of DeleteCertificate.
 *
 * @example
 * ```ts
 * import { deleteCertificateRequest } from "./delete_certificate.ts";
 * console.log(typeof deleteCertificateRequest.resume); // "function"
 * ```
 */
export const deleteCertificateRequest: RequestHandler<"DeleteCertificate"> = defineRequest(
  "DeleteCertificate",
  {
    handle(d, id, request) {
      if (!d.hasCallback("deleteCertificate")) {
        d.note("DeleteCertificate failed: no certificate management");
        d.reply(id, { status: "Failed" });
        return;
      }
      d.awaitCallback(
        { callback: "deleteCertificate", messageId: id, action: "DeleteCertificate", context: {} },
        request.certificateHashData,
        { securityProfile: currentProfile(d.state.config) },
      );
    },
    resume(d, pending, outcome) {
      const { status, reason } = certificateOutcome(
        outcome,
        ["Accepted", "Failed", "NotFound"],
        "Failed",
      );
      d.note(`DeleteCertificate: ${status}${reason === undefined ? "" : ` (${reason})`}`);
      d.reply(pending.messageId, { status });
    },
  },
);
