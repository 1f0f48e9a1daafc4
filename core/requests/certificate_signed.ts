/**
 * CertificateSigned (Security Whitepaper A02/A03): the signed charge point certificate. A chain
 * longer than `CertificateSignedMaxChainSize` is `Rejected` at once; otherwise the
 * `certificateSigned(certificateChain, { commonName, securityProfile })` callback (built in over
 * the certificate store unless the firmware provides it) checks it (A02.FR.06: the key of the
 * pending request, the validity period, the common name, a chain up to an installed
 * CentralSystemRootCertificate) and installs it. `Rejected` raises
 * `InvalidChargePointCertificate` (A02.FR.07). `Accepted` re-arms the renewal timer, and under
 * security profile 3 the charge point reconnects with the new certificate (A02.FR.08), keeping
 * the previous one until that connection opened, and falling back to it when it fails
 * (`security/profile.ts`). Under profile 3 a CertificateSigned that arrives while another
 * security change is being applied is `Rejected` (noted, no security event: the certificate was
 * not looked at).
 *
 * @module
 */
import { intKey } from "../configuration.ts";
import { raiseSecurityEvent } from "../connector_reducer.ts";
import { beginSecurityTransition, currentProfile } from "../security/profile.ts";
import { certificateOutcome } from "./certificate_outcome.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";
import { armCertificateRenewal, certificateCommonName } from "./sign_certificate.ts";

/**
 * Handler of CertificateSigned.
 *
 * @example
 * ```ts
 * import { certificateSignedRequest } from "./certificate_signed.ts";
 * console.log(typeof certificateSignedRequest.resume); // "function"
 * ```
 */
export const certificateSignedRequest: RequestHandler<"CertificateSigned"> = defineRequest(
  "CertificateSigned",
  {
    handle(d, id, request) {
      const max = intKey(d.state.config, "CertificateSignedMaxChainSize", 10_000);
      if (request.certificateChain.length > max) {
        d.note(
          `CertificateSigned rejected: chain longer than CertificateSignedMaxChainSize (${max})`,
        );
        d.reply(id, { status: "Rejected" });
        raiseSecurityEvent(d, "InvalidChargePointCertificate", "certificate chain too long");
        return;
      }
      if (!d.hasCallback("certificateSigned")) {
        d.note("CertificateSigned rejected: no certificate management");
        d.reply(id, { status: "Rejected" });
        return;
      }
      const securityProfile = currentProfile(d.state.config);
      if (securityProfile === 3 && d.state.securityTransition !== undefined) {
        d.note("CertificateSigned rejected: a security change is being applied");
        d.reply(id, { status: "Rejected" });
        return;
      }
      d.awaitCallback(
        { callback: "certificateSigned", messageId: id, action: "CertificateSigned", context: {} },
        request.certificateChain,
        { commonName: certificateCommonName(d.state), securityProfile },
      );
    },
    resume(d, pending, outcome) {
      const { status, reason, result } = certificateOutcome(
        outcome,
        ["Accepted", "Rejected"],
        "Rejected",
      );
      d.reply(pending.messageId, { status });
      if (status === "Rejected") {
        d.note(`CertificateSigned rejected: ${reason ?? "invalid certificate"}`);
        raiseSecurityEvent(d, "InvalidChargePointCertificate", reason ?? "invalid certificate");
        return;
      }
      d.note("CertificateSigned: new charge point certificate installed");
      const validTo = result?.validTo;
      if (typeof validTo === "string") armCertificateRenewal(d, validTo);
      if (currentProfile(d.state.config) === 3 && d.state.securityTransition === undefined) {
        beginSecurityTransition(d, "CertificateSigned", 3);
      }
    },
  },
);
