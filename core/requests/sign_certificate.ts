/**
 * SignCertificate (Security Whitepaper A02/A03): the charge point asks the central system to have
 * a new charge point certificate signed. Started by ExtendedTriggerMessage
 * `SignChargePointCertificate` ({@linkcode requestChargePointCertificate}) or by the renewal
 * timer one month before the certificate expires (A03.FR.02).
 *
 * The key pair and the CSR are made by the `signCertificate({ commonName, organization })`
 * callback (built in: ECDSA P-256 on WebCrypto, the private key kept in the certificate store,
 * never in the log); its result `{ csr }` is the SignCertificate.req. `commonName` is the charge
 * box serial number of the BootNotification (else the charge point serial number, else the
 * charge point id), `organization` the `CpoName` key, which must be set (A02 prerequisite). A
 * failed CSR raises `CSRGenerationFailed`. The central system answers later with
 * CertificateSigned (`certificate_signed.ts`).
 *
 * Renewal: once the first BootNotification of the process is accepted (the central system's time
 * is known), the `clientCertificateInfo()` callback gives the expiry of the charge point
 * certificate (when there is one); the timer `certificateRenewal` fires 30 days before it
 * (re-armed by every accepted CertificateSigned). Offline at that time, it tries again an hour
 * later. A SignCertificate.conf `Rejected` of a renewal is noted and the renewal is tried again
 * {@linkcode RENEWAL_REJECTED_RETRY_MS} later (one of ExtendedTriggerMessage is only noted: the
 * central system asked and refused). A request the central system accepted but never answered
 * with CertificateSigned is not retried before the next renewal time (A03 error handling).
 *
 * @module
 */
import type { Draft } from "../draft.ts";
import { raiseSecurityEvent } from "../connector_reducer.ts";
import { canSendNormal, sendNormal, sendTriggered } from "../outbox.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";

/** Timer of the renewal of the charge point certificate. */
export const TIMER_CERTIFICATE_RENEWAL = "certificateRenewal";

/** The renewal starts this long before the certificate expires (one month), in ms. */
export const RENEW_BEFORE_MS = 30 * 24 * 3600_000;

/** Retry of a renewal that found the link down, in ms. */
const RENEWAL_RETRY_MS = 3600_000;

/**
 * Retry of a renewal whose SignCertificate the central system `Rejected`, in ms (12 hours, the
 * period of libocpp's certificate checks).
 */
export const RENEWAL_REJECTED_RETRY_MS = 12 * 3600_000;

/**
 * The common name of the charge point's certificate requests: `chargeBoxSerialNumber`, else
 * `chargePointSerialNumber`, else the charge point id.
 *
 * @example
 * ```ts
 * import { certificateCommonName } from "./sign_certificate.ts";
 * import { initialState } from "../state.ts";
 * console.log(certificateCommonName({ ...initialState(), chargePointId: "CP-1" })); // "CP-1"
 * ```
 */
export function certificateCommonName(
  state: {
    readonly bootNotification: Readonly<Record<string, string>>;
    readonly chargePointId: string;
  },
): string {
  const boot = state.bootNotification;
  return boot.chargeBoxSerialNumber ?? boot.chargePointSerialNumber ?? state.chargePointId;
}

/**
 * Starts a certificate signing request: asks the `signCertificate` callback for a CSR, which is
 * sent as SignCertificate.req when it arrives. Returns why it cannot (`Rejected`: no `CpoName`;
 * `NotImplemented`: no certificate management), or `undefined` when started. For the
 * ExtendedTriggerMessage hook: an empty list of messages means Accepted.
 *
 * @example
 * ```ts ignore
 * const refusal = requestChargePointCertificate(d, "ExtendedTriggerMessage");
 * ```
 */
export function requestChargePointCertificate(
  d: Draft,
  why: "ExtendedTriggerMessage" | "renewal",
): { readonly status: "Rejected" | "NotImplemented"; readonly why: string } | undefined {
  const organization = d.state.config.CpoName;
  if (organization === undefined || organization.trim() === "") {
    return { status: "Rejected", why: "CpoName is not set" };
  }
  if (!d.hasCallback("signCertificate")) {
    return { status: "NotImplemented", why: "no certificate management" };
  }
  d.awaitCallback(
    { callback: "signCertificate", messageId: "", action: "SignCertificate", context: { why } },
    { commonName: certificateCommonName(d.state), organization },
  );
  return undefined;
}

/**
 * Arms the renewal timer for a certificate valid until `validTo` (central system time).
 *
 * @example
 * ```ts ignore
 * armCertificateRenewal(d, "2027-01-01T00:00:00.000Z");
 * ```
 */
export function armCertificateRenewal(d: Draft, validTo: string): void {
  const end = Date.parse(validTo);
  if (Number.isNaN(end)) return;
  // Timers run on the local clock; validTo is on the central system's.
  d.setTimer(
    TIMER_CERTIFICATE_RENEWAL,
    Math.max(d.now, end - d.state.timeOffsetMs - RENEW_BEFORE_MS),
  );
}

/**
 * The first BootNotification of the process was accepted (so the central system's time is
 * known): asks for the expiry of the client certificate, if there is one, to plan its renewal.
 */
export function startCertificateRenewal(d: Draft): void {
  if (!d.hasCallback("clientCertificateInfo")) return;
  d.awaitCallback({
    callback: "clientCertificateInfo",
    messageId: "",
    action: "SignCertificate",
    context: { why: "info" },
  });
}

/** The renewal timer fired. */
export function certificateRenewalDue(d: Draft): void {
  if (!canSendNormal(d)) {
    d.note("certificate renewal: offline, trying again in an hour");
    d.setTimer(TIMER_CERTIFICATE_RENEWAL, d.now + RENEWAL_RETRY_MS);
    return;
  }
  const refusal = requestChargePointCertificate(d, "renewal");
  if (refusal !== undefined) d.note(`certificate renewal not started: ${refusal.why}`);
}

/**
 * The central system answered a SignCertificate.req: `Rejected` is noted, and a renewal (not
 * triggered by ExtendedTriggerMessage) is tried again {@linkcode RENEWAL_REJECTED_RETRY_MS}
 * later. `Accepted`: the CertificateSigned follows.
 *
 * @example
 * ```ts ignore
 * signCertificateAnswered(d, call, { status: "Rejected" });
 * ```
 */
export function signCertificateAnswered(
  d: Draft,
  call: { readonly triggered?: boolean },
  payload: Readonly<Record<string, unknown>>,
): void {
  if (payload.status !== "Rejected") return;
  if (call.triggered === true) {
    d.note("SignCertificate (ExtendedTriggerMessage) rejected by the central system");
    return;
  }
  d.note(
    `SignCertificate (renewal) rejected by the central system: renewal again in ${
      RENEWAL_REJECTED_RETRY_MS / 3600_000
    } h`,
  );
  d.setTimer(TIMER_CERTIFICATE_RENEWAL, d.now + RENEWAL_REJECTED_RETRY_MS);
}

/**
 * Continuations of the charge point's own certificate requests (registered under
 * `SignCertificate`, an action the central system never sends: its `handle` is not reached).
 *
 * @example
 * ```ts
 * import { signCertificateContinuation } from "./sign_certificate.ts";
 * console.log(typeof signCertificateContinuation.resume); // "function"
 * ```
 */
export const signCertificateContinuation: RequestHandler<"SignCertificate"> = defineRequest(
  "SignCertificate",
  {
    handle(d, id) {
      d.replyError(id, "NotSupported", "SignCertificate is sent by the charge point");
    },
    resume(d, pending, outcome) {
      if (pending.context.why === "info") {
        const validTo = outcome.ok && typeof outcome.result === "object" && outcome.result !== null
          ? (outcome.result as Record<string, unknown>).validTo
          : undefined;
        if (typeof validTo === "string") armCertificateRenewal(d, validTo);
        return;
      }
      const csr = outcome.ok && typeof outcome.result === "object" && outcome.result !== null
        ? (outcome.result as Record<string, unknown>).csr
        : outcome.ok && typeof outcome.result === "string"
        ? outcome.result
        : undefined;
      if (typeof csr !== "string" || !csr.includes("CERTIFICATE REQUEST") || csr.length > 5500) {
        const why = outcome.ok ? "no PEM CSR in the result" : outcome.error;
        d.note(`certificate signing request failed: ${why}`);
        raiseSecurityEvent(d, "CSRGenerationFailed", why);
        return;
      }
      if (pending.context.why === "ExtendedTriggerMessage") {
        sendTriggered(d, "SignCertificate", { csr });
      } else sendNormal(d, "SignCertificate", { csr });
    },
  },
);
