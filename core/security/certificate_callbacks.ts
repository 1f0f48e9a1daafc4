/**
 * The certificate callbacks a firmware may provide to manage certificates itself (e.g. in a
 * secure element). Without them the charge point's built-in implementation over its
 * `CertificateStore` is used (`connection_security.ts`). Their results are recorded in the log:
 * they must never contain a private key.
 *
 * **Provide them together.** The built-in callbacks share the certificate store and its cache;
 * a firmware that takes over some of them takes over all of them (the charge point logs a
 * warning otherwise) and keeps the certificates in the `security.certificateStore` it gives:
 * the connection's TLS material (CentralSystemRootCertificates, the charge point certificate and
 * key) is read from that store, again after every `installCertificate`, `deleteCertificate`,
 * `certificateSigned` and `chargePointCertificateSwitched` result.
 *
 * @module
 */
import type { RootCertificateType } from "../certificate_store.ts";

/**
 * Hash data of a certificate (`CertificateHashDataType`, whitepaper edition 3): hex hashes of the
 * issuer's name (DER) and public key, the serial number in hex without leading zeroes.
 *
 * @example
 * ```ts
 * import type { CertificateHashData } from "./certificate_callbacks.ts";
 * const h: CertificateHashData = {
 *   hashAlgorithm: "SHA256", issuerNameHash: "AB12", issuerKeyHash: "CD34", serialNumber: "1000",
 * };
 * ```
 */
export interface CertificateHashData {
  /** SHA256, SHA384 or SHA512. */
  readonly hashAlgorithm: "SHA256" | "SHA384" | "SHA512";
  /** Hash of the DER encoding of the issuer's name. */
  readonly issuerNameHash: string;
  /** Hash of the issuer's public key. */
  readonly issuerKeyHash: string;
  /** Serial number in hex, without leading zeroes. */
  readonly serialNumber: string;
}

/**
 * Certificate operations the firmware may take over (all optional).
 *
 * @example
 * ```ts
 * import type { CertificateCallbacks } from "./certificate_callbacks.ts";
 * const callbacks: CertificateCallbacks = {
 *   getInstalledCertificateIds: () => [],
 *   installCertificate: () => "Rejected",
 * };
 * ```
 */
export interface CertificateCallbacks {
  /**
   * InstallCertificate: install a root certificate (PEM). `Rejected` when it is invalid or
   * `limits.maxLength` (CertificateStoreMaxLength) certificates are installed, `Failed` when it
   * cannot be stored.
   */
  installCertificate?(
    certificateType: RootCertificateType,
    certificate: string,
    limits: { readonly maxLength?: number; readonly additionalRootCertificateCheck: boolean },
  ): InstallCertificateResult | Promise<InstallCertificateResult>;
  /**
   * DeleteCertificate: delete the root certificate with this hash data; `Failed` for the last
   * CentralSystemRootCertificate while `context.securityProfile` is 2 or 3.
   */
  deleteCertificate?(
    certificateHashData: CertificateHashData,
    context: { readonly securityProfile: number },
  ): DeleteCertificateResult | Promise<DeleteCertificateResult>;
  /** GetInstalledCertificateIds: the hash data of the installed roots of a type. */
  getInstalledCertificateIds?(
    certificateType: RootCertificateType,
  ): CertificateHashData[] | Promise<CertificateHashData[]>;
  /**
   * Make a key pair and a PEM certificate signing request for this subject (the private key
   * stays in the firmware); the result is `{ csr }`.
   */
  signCertificate?(
    subject: { readonly commonName: string; readonly organization: string },
  ): { csr: string } | Promise<{ csr: string }>;
  /**
   * CertificateSigned: check and install the signed charge point certificate chain (PEM);
   * `validTo` (ISO time) plans the renewal. Under security profile 3 the new certificate and key
   * are installed beside the current ones (`setNewChargePointCredentials` of the store): the
   * connection tries them once, and `chargePointCertificateSwitched` tells how that went.
   */
  certificateSigned?(
    certificateChain: string,
    context: { readonly commonName: string; readonly securityProfile: number },
  ): CertificateSignedResult | Promise<CertificateSignedResult>;
  /**
   * After a CertificateSigned under security profile 3: `true` when a connection with the new
   * certificate opened (it replaces the previous one), `false` when it failed or the process
   * restarted before (the new one is dropped, the previous one stays).
   */
  chargePointCertificateSwitched?(ok: boolean): void | Promise<void>;
  /**
   * ChangeConfiguration SecurityProfile: whether the prerequisites of `profile` are met (an
   * AuthorizationKey for 1 and 2, a valid CentralSystemRootCertificate for 2 and 3, a valid
   * charge point certificate for 3, a URL of the profile's scheme).
   */
  checkSecurityProfile?(
    profile: number,
  ): SecurityProfileCheck | Promise<SecurityProfileCheck>;
  /**
   * The expiry (`validTo`, ISO time) of the charge point certificate, to plan its renewal; `{}`
   * when there is none. Asked once the first BootNotification of the process is accepted.
   */
  clientCertificateInfo?(): { validTo?: string } | Promise<{ validTo?: string }>;
}

/**
 * Result of `checkSecurityProfile`: `ok`, or why not (for the notes).
 *
 * @example
 * ```ts
 * import type { SecurityProfileCheck } from "./certificate_callbacks.ts";
 * const r: SecurityProfileCheck = { ok: false, reason: "no CentralSystemRootCertificate installed" };
 * ```
 */
export interface SecurityProfileCheck {
  /** Whether the profile can be used. */
  readonly ok: boolean;
  /** Why not. */
  readonly reason?: string;
}

/**
 * Result of `installCertificate`: the status, or the status with a reason (for the notes) and,
 * for `Rejected`, its cause: `InvalidCertificate` (the default; raises
 * `InvalidCentralSystemCertificate` for a CentralSystemRootCertificate) or
 * `CertificateStoreMaxLength` (the store is full: no security event).
 *
 * @example
 * ```ts
 * import type { InstallCertificateResult } from "./certificate_callbacks.ts";
 * const r: InstallCertificateResult = { status: "Rejected", reason: "expired", cause: "InvalidCertificate" };
 * ```
 */
export type InstallCertificateResult =
  | "Accepted"
  | "Rejected"
  | "Failed"
  | {
    readonly status: "Accepted" | "Rejected" | "Failed";
    readonly reason?: string;
    readonly cause?: "InvalidCertificate" | "CertificateStoreMaxLength";
  };

/**
 * Result of `deleteCertificate`.
 *
 * @example
 * ```ts
 * import type { DeleteCertificateResult } from "./certificate_callbacks.ts";
 * const r: DeleteCertificateResult = "NotFound";
 * ```
 */
export type DeleteCertificateResult =
  | "Accepted"
  | "Failed"
  | "NotFound"
  | { readonly status: "Accepted" | "Failed" | "NotFound"; readonly reason?: string };

/**
 * Result of `certificateSigned`.
 *
 * @example
 * ```ts
 * import type { CertificateSignedResult } from "./certificate_callbacks.ts";
 * const r: CertificateSignedResult = { status: "Accepted", validTo: "2027-01-01T00:00:00.000Z" };
 * ```
 */
export type CertificateSignedResult =
  | "Accepted"
  | "Rejected"
  | {
    readonly status: "Accepted" | "Rejected";
    readonly reason?: string;
    readonly validTo?: string;
  };
