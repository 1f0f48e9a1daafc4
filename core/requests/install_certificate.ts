/**
 * InstallCertificate (Security Whitepaper M05): installs a CentralSystemRootCertificate or a
 * ManufacturerRootCertificate through the `installCertificate(certificateType, certificate,
 * { maxLength, additionalRootCertificateCheck })` callback (built into the charge point over its
 * certificate store unless the firmware provides it). The callback's status is the answer
 * (`Accepted`, `Rejected`: invalid or `CertificateStoreMaxLength` reached, `Failed`: could not be
 * stored). A CentralSystemRootCertificate rejected because it is invalid raises
 * `InvalidCentralSystemCertificate`; one rejected because the store is full does not (the
 * callback says so with `cause: "CertificateStoreMaxLength"`; a bare `"Rejected"` means invalid).
 *
 * @module
 */
import { boolKey } from "../configuration.ts";
import { raiseSecurityEvent } from "../connector_reducer.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";
import { certificateOutcome } from "./certificate_outcome.ts";

/**
 * Handler of InstallCertificate.
 *
 * @example
 * ```ts
 * import { installCertificateRequest } from "./install_certificate.ts";
 * console.log(typeof installCertificateRequest.resume); // "function"
 * ```
 */
export const installCertificateRequest: RequestHandler<"InstallCertificate"> = defineRequest(
  "InstallCertificate",
  {
    handle(d, id, request) {
      if (!d.hasCallback("installCertificate")) {
        d.note("InstallCertificate rejected: no certificate management");
        d.reply(id, { status: "Rejected" });
        return;
      }
      const limit = d.state.config.CertificateStoreMaxLength;
      d.awaitCallback(
        {
          callback: "installCertificate",
          messageId: id,
          action: "InstallCertificate",
          context: { certificateType: request.certificateType },
        },
        request.certificateType,
        request.certificate,
        {
          ...(limit !== undefined && /^\s*\d+\s*$/.test(limit) ? { maxLength: Number(limit) } : {}),
          additionalRootCertificateCheck: boolKey(
            d.state.config,
            "AdditionalRootCertificateCheck",
            false,
          ),
        },
      );
    },
    resume(d, pending, outcome) {
      const { status, reason, result } = certificateOutcome(
        outcome,
        ["Accepted", "Rejected", "Failed"],
        "Failed",
      );
      const type = String(pending.context.certificateType);
      d.note(`InstallCertificate ${type}: ${status}${reason === undefined ? "" : ` (${reason})`}`);
      d.reply(pending.messageId, { status });
      const storeFull = result?.cause === "CertificateStoreMaxLength";
      if (status === "Rejected" && type === "CentralSystemRootCertificate" && !storeFull) {
        raiseSecurityEvent(
          d,
          "InvalidCentralSystemCertificate",
          reason ?? "InstallCertificate rejected",
        );
      }
    },
  },
);
