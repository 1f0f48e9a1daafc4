/**
 * The shell side of the security profiles and the certificate management: it holds the secrets
 * (the Basic-auth password, in memory only) and the TLS material (read from the
 * {@linkcode CertificateStore}), builds what each connection uses from the profile the fold
 * decided, and implements the certificate callbacks the fold awaits (`installCertificate`,
 * `deleteCertificate`, `getInstalledCertificateIds`, `signCertificate`, `certificateSigned`,
 * `chargePointCertificateSwitched`, `checkSecurityProfile`, `clientCertificateInfo`) when the
 * firmware does not provide them.
 *
 * TLS trust: the central system's certificate must chain to an installed
 * CentralSystemRootCertificate, to one of `security.caCerts`, or to a root of the system's trust
 * store (Deno's `connectTls` adds `caCerts` to its default roots; with `DENO_TLS_CA_STORE=system`
 * those are the operating system's). The charge point certificate used by a connection is the
 * current one of the store (else `security.clientCertificate`/`clientKey`); while a
 * CertificateSigned under profile 3 is being tried, the new one.
 *
 * Their results are recorded as `CallbackCompleted` events, so answers replay; they never carry
 * a private key or a password (a CSR and certificate hash data are public).
 *
 * @module
 */
import type {
  CertificateStore,
  ChargePointCredentials,
  RootCertificateType,
} from "../certificate_store.ts";
import type { Clock } from "../clock.ts";
import type { Logger } from "../logger.ts";
import type { State } from "../state.ts";
import { basicAuthHeader } from "../websocket_client.ts";
import { ChargePointError } from "../errors.ts";
import {
  authorizationKeyPassword,
  checkProfileUrls,
  connectionProfile,
  SecurityProfileError,
  type SecurityProfileNumber,
  urlForProfile,
} from "./profile.ts";
import {
  certificateInfo,
  createCsr,
  findIssuer,
  type HashData,
  hashData,
  keyMatches,
  splitPem,
  verifyChain,
} from "./x509.ts";

/**
 * The security material a charge point starts with (the `security` option of `ChargePoint`).
 *
 * @example
 * ```ts
 * import type { SecurityMaterial } from "./connection_security.ts";
 * const m: SecurityMaterial = { authorizationKey: "00112233445566778899AABBCCDDEEFF" };
 * ```
 */
export interface SecurityMaterial {
  /** Password of HTTP Basic authentication, used as it is (user = charge point id). */
  readonly basicAuthPassword?: string;
  /**
   * The AuthorizationKey (as the central system set it: 32..40 hex digits stand for the bytes
   * they encode, other text is the password itself). Used when `basicAuthPassword` is not given.
   */
  readonly authorizationKey?: string;
  /** PEM roots trusted for the central system's certificate, besides the installed ones. */
  readonly caCerts?: readonly string[];
  /** PEM client certificate (chain) used when the store has none. */
  readonly clientCertificate?: string;
  /** PEM private key of `clientCertificate`. */
  readonly clientKey?: string;
  /** Where certificates live (default: files under `data/<chargePointId>-certificates`). */
  readonly certificateStore?: CertificateStore;
  /**
   * URL per security profile, overriding `csmsUrl` (each with the scheme of its profile); needed
   * for a profile whose scheme `csmsUrl` does not have (no URL is ever rewritten).
   */
  readonly csmsUrls?: Readonly<Partial<Record<SecurityProfileNumber, string>>>;
}

/**
 * What one connection uses.
 *
 * @example
 * ```ts
 * import type { ConnectionSettings } from "./connection_security.ts";
 * const s: ConnectionSettings = { url: "ws://127.0.0.1:9000/ocpp/CP-1", profile: 0, headers: {} };
 * ```
 */
export interface ConnectionSettings {
  /** Full URL, the charge point id appended. */
  readonly url: string;
  /** The security profile it implements. */
  readonly profile: SecurityProfileNumber;
  /** Handshake headers (Basic auth). */
  readonly headers: Readonly<Record<string, string>>;
  /** Roots trusted besides the system's. */
  readonly caCerts?: readonly string[];
  /** Client certificate (chain), PEM. */
  readonly clientCert?: string;
  /** Its key, PEM. */
  readonly clientKey?: string;
}

/** Certificates starting this long after now are accepted (clock skew), in ms. */
const NOT_BEFORE_TOLERANCE_MS = 5 * 60_000;

const ROOT_TYPES: readonly RootCertificateType[] = [
  "CentralSystemRootCertificate",
  "ManufacturerRootCertificate",
];

/** A function the charge point can call as a firmware callback. */
type Callback = (...args: unknown[]) => unknown;

/**
 * See the module documentation.
 *
 * @example
 * ```ts ignore
 * const security = new ConnectionSecurity({ chargePointId: "CP-1", csmsUrl, material: {}, clock, logger, state: () => s, store });
 * await security.load();
 * const settings = security.connectionSettings(s);
 * ```
 */
export class ConnectionSecurity {
  readonly #chargePointId: string;
  readonly #csmsUrl: string;
  readonly #material: SecurityMaterial;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #state: () => State;
  readonly #store: CertificateStore;
  /** The Basic-auth password, in memory only. */
  #password: Uint8Array | undefined;
  /** Installed CentralSystemRootCertificates (cache of the store, for synchronous connects). */
  #roots: string[] = [];
  #credentials: ChargePointCredentials | undefined;
  /** Installed by CertificateSigned under profile 3, used by the next connection only. */
  #newCredentials: ChargePointCredentials | undefined;

  /** Checks the per-profile URLs (throws {@linkcode SecurityProfileError}). */
  constructor(options: {
    readonly chargePointId: string;
    readonly csmsUrl: string;
    readonly material: SecurityMaterial;
    readonly configuredAuthorizationKey?: string;
    readonly clock: Clock;
    readonly logger: Logger;
    readonly state: () => State;
    readonly store: CertificateStore;
  }) {
    this.#chargePointId = options.chargePointId;
    this.#csmsUrl = options.csmsUrl.replace(/\/+$/, "");
    this.#material = options.material;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#state = options.state;
    this.#store = options.store;
    checkProfileUrls(this.#material.csmsUrls ?? {});
    const m = options.material;
    if (m.basicAuthPassword !== undefined) {
      this.#password = new TextEncoder().encode(m.basicAuthPassword);
    } else {
      const key = m.authorizationKey ?? options.configuredAuthorizationKey;
      if (key !== undefined) this.#password = authorizationKeyPassword(key);
    }
  }

  /** The certificate store. */
  get store(): CertificateStore {
    return this.#store;
  }

  /** Whether a Basic-auth password is known. */
  get hasPassword(): boolean {
    return this.#password !== undefined;
  }

  /** Whether a client certificate is available (store or options). */
  get hasClientCertificate(): boolean {
    return this.#clientCredentials() !== undefined;
  }

  /**
   * Reads the installed certificates (at start, and after every result of a certificate
   * callback, the firmware's or the built-in one).
   */
  async load(): Promise<void> {
    this.#roots = await this.#store.roots("CentralSystemRootCertificate");
    this.#credentials = await this.#store.chargePointCredentials();
    this.#newCredentials = await this.#store.newChargePointCredentials();
  }

  /** The central system accepted a new AuthorizationKey: the password of the next connection. */
  authorizationKeyAccepted(key: string): void {
    this.#password = authorizationKeyPassword(key);
  }

  /**
   * Throws {@linkcode SecurityProfileError} when the charge point cannot connect with `profile`:
   * no URL of its scheme, no password for 1/2, no client certificate for 3.
   */
  checkStart(profile: SecurityProfileNumber): void {
    const url = urlForProfile(this.#csmsUrl, profile, this.#material.csmsUrls ?? {});
    if (typeof url === "string") {
      throw new SecurityProfileError(
        "URL_SCHEME_MISMATCH",
        `cannot start with security profile ${profile}: ${url}`,
      );
    }
    if ((profile === 1 || profile === 2) && this.#password === undefined) {
      throw new SecurityProfileError(
        "MISSING_AUTHORIZATION_KEY",
        `security profile ${profile} needs an AuthorizationKey (security.authorizationKey or security.basicAuthPassword)`,
      );
    }
    if (profile === 3 && this.#clientCredentials() === undefined) {
      throw new SecurityProfileError(
        "MISSING_CLIENT_CERTIFICATE",
        "security profile 3 needs a charge point certificate (in the certificate store or security.clientCertificate/clientKey)",
      );
    }
  }

  /** What the next connection uses, for the profile the fold decided. */
  connectionSettings(state: State): ConnectionSettings {
    const profile = connectionProfile(state);
    const resolved = urlForProfile(this.#csmsUrl, profile, this.#material.csmsUrls ?? {});
    let base = this.#csmsUrl;
    if (typeof resolved === "string") this.#logger.error(resolved);
    else base = resolved.url.replace(/\/+$/, "");
    const url = `${base}/${encodeURIComponent(this.#chargePointId)}`;
    const headers: Record<string, string> = {};
    if (this.#password !== undefined && profile !== 3) {
      headers.Authorization = basicAuthHeader(this.#chargePointId, this.#password);
    }
    if (!url.startsWith("wss:")) return { url, profile, headers };
    const caCerts = [...(this.#material.caCerts ?? []), ...this.#roots];
    const t = state.securityTransition;
    const trying = t?.reason === "CertificateSigned" && t.phase === "connecting"
      ? this.#newCredentials
      : undefined;
    const client = profile === 3 || profile === 0 ? trying ?? this.#clientCredentials() : undefined;
    return {
      url,
      profile,
      headers,
      ...(caCerts.length > 0 ? { caCerts } : {}),
      ...(client === undefined
        ? {}
        : { clientCert: client.certificateChain, clientKey: client.privateKey }),
    };
  }

  /** The built-in certificate callbacks (see the module documentation). */
  callbacks(): Map<string, Callback> {
    const map = new Map<string, Callback>([
      ["checkSecurityProfile", (p) => this.#checkSecurityProfile(Number(p))],
      [
        "installCertificate",
        (t, pem, c) => this.#install(t as RootCertificateType, String(pem), c),
      ],
      ["deleteCertificate", (h, c) => this.#delete(h as HashData, c)],
      ["getInstalledCertificateIds", (t) => this.#installedIds(t as RootCertificateType)],
      ["signCertificate", (s) => this.#sign(s)],
      ["certificateSigned", (chain, c) => this.#certificateSigned(String(chain), c)],
      ["chargePointCertificateSwitched", (ok) => this.#switched(ok === true)],
    ]);
    if (this.#clientCredentials() !== undefined) {
      map.set("clientCertificateInfo", () => this.#clientCertificateInfo());
    }
    return map;
  }

  // ---- callbacks --------------------------------------------------------------------------------

  /** Central-system-aligned time. */
  #now(): Date {
    return new Date(this.#clock.now() + this.#state().timeOffsetMs);
  }

  #clientCredentials(): ChargePointCredentials | undefined {
    if (this.#credentials !== undefined) return this.#credentials;
    const m = this.#material;
    return m.clientCertificate !== undefined && m.clientKey !== undefined
      ? { certificateChain: m.clientCertificate, privateKey: m.clientKey }
      : undefined;
  }

  /** Every CentralSystemRootCertificate trusted: installed and given. */
  #allCsmsRoots(): string[] {
    return [...this.#roots, ...(this.#material.caCerts ?? [])];
  }

  async #checkSecurityProfile(profile: number): Promise<{ ok: boolean; reason?: string }> {
    if (profile !== 1 && profile !== 2 && profile !== 3) {
      return { ok: false, reason: `no security profile ${profile}` };
    }
    const url = urlForProfile(this.#csmsUrl, profile, this.#material.csmsUrls ?? {});
    if (typeof url === "string") return { ok: false, reason: url };
    if ((profile === 1 || profile === 2) && this.#password === undefined) {
      return { ok: false, reason: "no AuthorizationKey" };
    }
    const now = this.#now();
    if (profile >= 2) {
      let valid = false;
      for (const root of this.#allCsmsRoots()) {
        const info = await certificateInfo(root).catch(() => undefined);
        if (info !== undefined && info.notAfter > now) valid = true;
      }
      if (!valid) return { ok: false, reason: "no valid CentralSystemRootCertificate installed" };
    }
    if (profile === 3) {
      const client = this.#clientCredentials();
      const leaf = client === undefined ? undefined : splitPem(client.certificateChain)[0];
      const info = leaf === undefined
        ? undefined
        : await certificateInfo(leaf).catch(() => undefined);
      if (info === undefined || info.notAfter <= now) {
        return { ok: false, reason: "no valid charge point certificate installed" };
      }
    }
    return { ok: true };
  }

  async #install(
    type: RootCertificateType,
    pem: string,
    context: unknown,
  ): Promise<
    {
      status: "Accepted" | "Rejected" | "Failed";
      reason?: string;
      cause?: "CertificateStoreMaxLength";
    }
  > {
    const { maxLength, additionalRootCertificateCheck } = (context ?? {}) as {
      maxLength?: number;
      additionalRootCertificateCheck?: boolean;
    };
    const blocks = splitPem(pem);
    if (blocks.length !== 1) {
      return { status: "Rejected", reason: `${blocks.length} PEM certificates, expected one` };
    }
    const info = await certificateInfo(blocks[0]).catch(() => undefined);
    if (info === undefined) return { status: "Rejected", reason: "not an X.509 certificate" };
    if (!info.isCa) {
      return { status: "Rejected", reason: `${info.subject} is not a CA certificate` };
    }
    if (info.notAfter < this.#now()) {
      return {
        status: "Rejected",
        reason: `${info.subject} expired ${info.notAfter.toISOString()}`,
      };
    }
    const installed = await this.#store.roots(type);
    const normalised = normalise(blocks[0]);
    if (installed.some((p) => normalise(p) === normalised)) return { status: "Accepted" };
    let total = 0;
    for (const t of ROOT_TYPES) total += (await this.#store.roots(t)).length;
    if (maxLength !== undefined && total >= maxLength) {
      return {
        status: "Rejected",
        reason: `CertificateStoreMaxLength (${maxLength}) reached`,
        cause: "CertificateStoreMaxLength",
      };
    }
    let keep: string | undefined;
    if (
      additionalRootCertificateCheck && type === "CentralSystemRootCertificate" && installed.length
    ) {
      keep = await findIssuer(blocks[0], installed);
      if (keep === undefined || keep === blocks[0]) {
        return {
          status: "Rejected",
          reason: "not signed by the installed CentralSystemRootCertificate",
        };
      }
    }
    const failure = await this.#tryStore("installing a root", async () => {
      await this.#store.addRoot(type, blocks[0]);
      if (keep !== undefined) {
        // AdditionalRootCertificateCheck: the new root replaces the old, which stays as fallback.
        for (const old of installed) if (old !== keep) await this.#store.removeRoot(type, old);
      }
      await this.load();
    });
    return failure === undefined ? { status: "Accepted" } : { status: "Failed", reason: failure };
  }

  async #rootHashes(type: RootCertificateType, algorithm: HashData["hashAlgorithm"]) {
    const roots = await this.#store.roots(type);
    const out: { pem: string; hash: HashData }[] = [];
    for (const pem of roots) {
      const issuer = (await findIssuer(pem, roots).catch(() => undefined)) ?? pem;
      const hash = await hashData(pem, issuer, algorithm).catch(() => undefined);
      if (hash !== undefined) out.push({ pem, hash });
    }
    return out;
  }

  async #installedIds(type: RootCertificateType): Promise<HashData[]> {
    return (await this.#rootHashes(type, "SHA256")).map((r) => r.hash);
  }

  async #delete(
    wanted: HashData,
    context: unknown,
  ): Promise<{ status: "Accepted" | "Failed" | "NotFound"; reason?: string }> {
    const { securityProfile } = (context ?? {}) as { securityProfile?: number };
    const same = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();
    const serial = (s: string) => s.replace(/^0+(?=.)/, "");
    for (const type of ROOT_TYPES) {
      for (const { pem, hash } of await this.#rootHashes(type, wanted.hashAlgorithm)) {
        if (
          !same(hash.issuerNameHash, wanted.issuerNameHash) ||
          !same(hash.issuerKeyHash, wanted.issuerKeyHash) ||
          !same(serial(hash.serialNumber), serial(wanted.serialNumber))
        ) continue;
        if (
          type === "CentralSystemRootCertificate" && (securityProfile ?? 0) >= 2 &&
          this.#allCsmsRoots().filter((p) => normalise(p) !== normalise(pem)).length === 0
        ) {
          return { status: "Failed", reason: "the last CentralSystemRootCertificate is in use" };
        }
        const failure = await this.#tryStore("deleting a root", async () => {
          await this.#store.removeRoot(type, pem);
          await this.load();
        });
        return failure === undefined
          ? { status: "Accepted" }
          : { status: "Failed", reason: failure };
      }
    }
    return { status: "NotFound" };
  }

  async #sign(subject: unknown): Promise<{ csr: string }> {
    const { commonName, organization } = subject as { commonName: string; organization: string };
    const { csr, privateKey } = await createCsr({ commonName, organization });
    await this.#storing(
      "keeping the key of the signing request",
      () => this.#store.setPendingKey(privateKey),
    );
    return { csr };
  }

  /**
   * Runs a store operation; a failure is logged and returned as a reason that names only the
   * kind of error (the store's message could quote what it was given, a private key included, and
   * callback results and errors are recorded in the log). `undefined` when it worked.
   */
  async #tryStore(what: string, operation: () => Promise<unknown>): Promise<string | undefined> {
    try {
      await operation();
      return undefined;
    } catch (error) {
      this.#logger.error(`certificate store: ${what} failed`, { error: errorName(error) });
      return `certificate store: ${what} failed (${errorName(error)})`;
    }
  }

  /** `#tryStore`, throwing a {@linkcode CertificateStoreFailure}. */
  async #storing(what: string, operation: () => Promise<unknown>): Promise<void> {
    const failure = await this.#tryStore(what, operation);
    if (failure !== undefined) throw new CertificateStoreFailure(failure);
  }

  async #certificateSigned(
    chain: string,
    context: unknown,
  ): Promise<{ status: "Accepted" | "Rejected"; reason?: string; validTo?: string }> {
    const { commonName, securityProfile } = (context ?? {}) as {
      commonName?: string;
      securityProfile?: number;
    };
    const certs = splitPem(chain);
    if (certs.length === 0) return { status: "Rejected", reason: "no PEM certificate" };
    const pending = await this.#store.pendingKey();
    if (pending === undefined) {
      return { status: "Rejected", reason: "no certificate signing request is pending" };
    }
    const info = await certificateInfo(certs[0]).catch(() => undefined);
    if (info === undefined) return { status: "Rejected", reason: "not an X.509 certificate" };
    if (!(await keyMatches(certs[0], pending))) {
      return { status: "Rejected", reason: "not the key of the pending signing request" };
    }
    if (info.isCa) return { status: "Rejected", reason: "a CA certificate" };
    if (commonName !== undefined && info.commonName !== commonName) {
      return {
        status: "Rejected",
        reason: `CN is ${info.commonName ?? "absent"}, not ${commonName}`,
      };
    }
    const now = this.#now();
    if (info.notBefore.getTime() > now.getTime() + NOT_BEFORE_TOLERANCE_MS) {
      return { status: "Rejected", reason: `not valid before ${info.notBefore.toISOString()}` };
    }
    const problem = await verifyChain(certs, this.#allCsmsRoots(), now);
    if (problem !== undefined) return { status: "Rejected", reason: problem };
    const failure = await this.#tryStore("saving the charge point certificate", async () => {
      const credentials = { certificateChain: certs.join(""), privateKey: pending };
      // Under profile 3 the previous certificate stays until a connection proved the new one.
      if (securityProfile === 3) await this.#store.setNewChargePointCredentials(credentials);
      else await this.#store.setChargePointCredentials(credentials);
      await this.#store.setPendingKey(undefined);
      await this.load();
    });
    if (failure !== undefined) return { status: "Rejected", reason: failure };
    return { status: "Accepted", validTo: info.notAfter.toISOString() };
  }

  /**
   * The connection with the new certificate opened (`ok`: it replaces the current one) or failed
   * (it is dropped). Memory first, synchronously: the next connection must use the right one.
   */
  async #switched(ok: boolean): Promise<void> {
    if (ok && this.#newCredentials !== undefined) this.#credentials = this.#newCredentials;
    this.#newCredentials = undefined;
    if (ok) {
      await this.#storing(
        "committing the new certificate",
        () => this.#store.commitNewChargePointCredentials(),
      );
    } else {
      await this.#storing(
        "dropping the new certificate",
        () => this.#store.setNewChargePointCredentials(undefined),
      );
    }
    await this.load();
  }

  async #clientCertificateInfo(): Promise<{ validTo?: string }> {
    const client = this.#clientCredentials();
    const leaf = client === undefined ? undefined : splitPem(client.certificateChain)[0];
    if (leaf === undefined) return {};
    return { validTo: (await certificateInfo(leaf)).notAfter.toISOString() };
  }
}

/** A certificate store operation failed (the message names only the kind of error). */
class CertificateStoreFailure extends ChargePointError {
  constructor(message: string) {
    super("CERTIFICATE_STORE_FAILED", message);
    this.name = "CertificateStoreFailure";
  }
}

function normalise(pem: string): string {
  return pem.replace(/\r\n?/g, "\n").trim();
}

/** The kind of an error, never its message (which could quote a path or data). */
function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "error";
}
