/**
 * Security profiles of the OCPP 1.6 Security Whitepaper (edition 3), the part the fold decides:
 *
 * | profile | URL      | the charge point authenticates with    | the central system with |
 * | ------- | -------- | -------------------------------------- | ----------------------- |
 * | 0       | as given | Basic auth when a password is known    | TLS when `wss:`         |
 * | 1       | `ws:`    | HTTP Basic (charge point id + key)     | –                       |
 * | 2       | `wss:`   | HTTP Basic                             | server certificate      |
 * | 3       | `wss:`   | TLS client certificate                 | server certificate      |
 *
 * **The URL rule.** The URL of a profile is `security.csmsUrls[profile]` when given, else
 * `csmsUrl` when its scheme fits the profile; a URL is never rewritten (no silent `ws:` → `wss:`
 * that would send a plain-text configuration mistake to a host that may not serve TLS). Without a
 * URL for the profile in effect, `start()` throws {@linkcode SecurityProfileError}
 * `URL_SCHEME_MISMATCH` naming the option to set; an upgrade to a profile without a URL is
 * `Rejected` (`checkSecurityProfile`). To allow the upgrade 1 → 2/3 on the same host, give its
 * `wss://` URL in `security.csmsUrls`.
 *
 * The profile in effect is the configuration key `SecurityProfile`. A change is an upgrade only
 * (A05.FR.01: a lower or equal value is `Rejected`); the shell checks the prerequisites (the
 * `checkSecurityProfile` callback, so the answer is in the log): an AuthorizationKey for 1/2, a
 * CentralSystemRootCertificate for 2/3, a valid charge point certificate for 3, and a URL of the
 * right scheme. Accepted, the charge point closes the connection after {@linkcode
 * SECURITY_RECONNECT_DELAY_MS} (the answer is sent first) and connects once with the new
 * profile (the state's `securityTransition`): when that works, `SecurityProfile` takes the new
 * value (kept across restarts) and `ReconfigurationOfSecurityParameters` is raised; when it fails,
 * it falls back to the previous profile at once (A05.FR.08).
 *
 * An accepted CertificateSigned under profile 3 reconnects the same way, with a fallback: the new
 * certificate is used for that one attempt, the previous one stays installed; when the
 * connection opens the new one replaces it (`chargePointCertificateSwitched(true)`), when it
 * fails the charge point reconnects at once with the previous one
 * (`chargePointCertificateSwitched(false)`, the new one is dropped). An accepted AuthorizationKey
 * (profiles 1 and 2) reconnects without a fallback (the old key is gone).
 *
 * Failed connection attempts raise the whitepaper's events: HTTP 401 →
 * `FailedToAuthenticateAtCentralSystem`; a central system certificate that cannot be verified
 * (unknown issuer, expired, wrong name: `invalid peer certificate` from TLS) →
 * `InvalidCentralSystemCertificate` (A00.FR.309/413); a TLS alert by which the central system
 * refuses the charge point's certificate (`CertificateRequired`, `BadCertificate`, `UnknownCA`,
 * ...) → `FailedToAuthenticateAtCentralSystem`; alert `ProtocolVersion` (or rustls finding no
 * common version) → `InvalidTLSVersion`; alert `HandshakeFailure` or `InsufficientSecurity` (or
 * no common cipher suite) → `InvalidTLSCipherSuite` (under TLS 1.2 a server that requires a client
 * certificate it did not get may also answer `HandshakeFailure`: TLS does not say which). The
 * reason text of the `ConnectionClosed` event is what is classified, so a replay raises the same
 * events.
 *
 * @module
 */
import type { EventData } from "../../events/mod.ts";
import type { Draft } from "../draft.ts";
import { ChargePointError } from "../errors.ts";
import type { State } from "../state.ts";
import { raiseSecurityEvent } from "../connector_reducer.ts";
import {
  certificateRenewalDue,
  startCertificateRenewal,
  TIMER_CERTIFICATE_RENEWAL,
} from "../requests/sign_certificate.ts";

/**
 * A security profile number.
 *
 * @example
 * ```ts
 * import type { SecurityProfileNumber } from "./profile.ts";
 * const p: SecurityProfileNumber = 2;
 * ```
 */
export type SecurityProfileNumber = 0 | 1 | 2 | 3;

/**
 * A reconnection for security reasons in progress (see the module documentation).
 *
 * @example
 * ```ts
 * import type { SecurityTransition } from "./profile.ts";
 * const t: SecurityTransition = { reason: "SecurityProfile", from: 1, to: 2, phase: "waiting" };
 * ```
 */
export interface SecurityTransition {
  /** What changed: the profile (with fallback), the password or the client certificate. */
  readonly reason: "SecurityProfile" | "AuthorizationKey" | "CertificateSigned";
  /** The profile in effect before (the fallback). */
  readonly from: SecurityProfileNumber;
  /** The profile to connect with. */
  readonly to: SecurityProfileNumber;
  /**
   * `waiting`: the answer is out, the link closes when the timer fires; `closing`: the link is
   * being closed; `connecting`: the attempt with the new settings is under way.
   */
  readonly phase: "waiting" | "closing" | "connecting";
}

/**
 * A security configuration that cannot work: a URL whose scheme does not fit the profile, or a
 * profile whose credentials are missing. Thrown by `start()` and the constructor.
 *
 * @example
 * ```ts
 * import { SecurityProfileError } from "./profile.ts";
 * const e = new SecurityProfileError("URL_SCHEME_MISMATCH", "profile 2 needs a wss:// URL");
 * console.log(e.code);
 * ```
 */
export class SecurityProfileError extends ChargePointError {
  /** `URL_SCHEME_MISMATCH`, `MISSING_AUTHORIZATION_KEY` or `MISSING_CLIENT_CERTIFICATE`. */
  declare readonly code:
    | "URL_SCHEME_MISMATCH"
    | "MISSING_AUTHORIZATION_KEY"
    | "MISSING_CLIENT_CERTIFICATE";
  /** `code` says what is wrong; the message never contains a secret. */
  constructor(
    code: "URL_SCHEME_MISMATCH" | "MISSING_AUTHORIZATION_KEY" | "MISSING_CLIENT_CERTIFICATE",
    message: string,
  ) {
    super(code, message);
    this.name = "SecurityProfileError";
  }
}

/** Timer that closes the link to apply new security settings. */
export const TIMER_SECURITY_RECONNECT = "securityReconnect";

/** Delay between the accepting answer and the reconnection, in ms (the answer goes out first). */
export const SECURITY_RECONNECT_DELAY_MS = 1000;

/**
 * A change of the central system's time larger than this raises `SettingSystemTime` (when the
 * firmware sets its clock, i.e. provides `setSystemTime`), in ms.
 */
export const SETTING_SYSTEM_TIME_THRESHOLD_MS = 60_000;

/**
 * The profile in effect: the `SecurityProfile` key (0 when absent or invalid).
 *
 * @example
 * ```ts
 * import { currentProfile } from "./profile.ts";
 * console.log(currentProfile({ SecurityProfile: "2" })); // 2
 * ```
 */
export function currentProfile(config: Readonly<Record<string, string>>): SecurityProfileNumber {
  const n = Number(config.SecurityProfile ?? "0");
  return n === 1 || n === 2 || n === 3 ? n : 0;
}

/**
 * The profile the next connection uses: the new one while a transition connects, else the
 * profile in effect.
 *
 * @example
 * ```ts
 * import { connectionProfile } from "./profile.ts";
 * import { initialState } from "../state.ts";
 * console.log(connectionProfile(initialState())); // 0
 * ```
 */
export function connectionProfile(state: State): SecurityProfileNumber {
  const t = state.securityTransition;
  return t !== undefined && t.phase === "connecting" ? t.to : currentProfile(state.config);
}

/**
 * The URL scheme a profile needs (`undefined`: any, profile 0).
 *
 * @example
 * ```ts
 * import { schemeOf } from "./profile.ts";
 * console.log(schemeOf(1), schemeOf(3)); // "ws:" "wss:"
 * ```
 */
export function schemeOf(profile: SecurityProfileNumber): "ws:" | "wss:" | undefined {
  return profile === 0 ? undefined : profile === 1 ? "ws:" : "wss:";
}

/**
 * The central system URL for a profile (see "The URL rule" in the module documentation):
 * `urls[profile]` when given, else `csmsUrl` when its scheme fits. Otherwise the result is the
 * reason (a string starting with "no "), naming the option to set.
 *
 * @example
 * ```ts
 * import { urlForProfile } from "./profile.ts";
 * console.log(urlForProfile("wss://127.0.0.1:9000/ocpp", 2, {})); // { url: "wss://127.0.0.1:9000/ocpp" }
 * console.log(urlForProfile("ws://127.0.0.1:9000/ocpp", 2, { 2: "wss://h/ocpp" })); // { url: "wss://h/ocpp" }
 * console.log(urlForProfile("ws://h/ocpp", 3, {}).startsWith("no ")); // true
 * ```
 */
export function urlForProfile(
  csmsUrl: string,
  profile: SecurityProfileNumber,
  urls: Readonly<Partial<Record<SecurityProfileNumber, string>>>,
): { readonly url: string } | string {
  const explicit = urls[profile];
  if (explicit !== undefined) return { url: explicit };
  const wanted = schemeOf(profile);
  if (wanted === undefined || csmsUrl.startsWith(`${wanted}//`)) return { url: csmsUrl };
  return `no ${wanted}// URL for security profile ${profile}: csmsUrl is ${
    csmsUrl.split("//")[0]
  }// (give a ${wanted}// csmsUrl or security.csmsUrls[${profile}])`;
}

/**
 * Checks the explicit per-profile URLs: each must use the scheme of its profile.
 *
 * @example
 * ```ts
 * import { checkProfileUrls } from "./profile.ts";
 * checkProfileUrls({ 2: "wss://csms.example.com/ocpp" }); // ok
 * ```
 */
export function checkProfileUrls(
  urls: Readonly<Partial<Record<SecurityProfileNumber, string>>>,
): void {
  for (const [key, url] of Object.entries(urls)) {
    const profile = Number(key) as SecurityProfileNumber;
    const wanted = schemeOf(profile);
    if (![0, 1, 2, 3].includes(profile)) {
      throw new SecurityProfileError("URL_SCHEME_MISMATCH", `no security profile ${key}`);
    }
    if (typeof url !== "string" || !/^wss?:\/\//.test(url)) {
      throw new SecurityProfileError(
        "URL_SCHEME_MISMATCH",
        `security.csmsUrls[${key}] must be a ws:// or wss:// URL`,
      );
    }
    if (wanted !== undefined && !url.startsWith(`${wanted}//`)) {
      throw new SecurityProfileError(
        "URL_SCHEME_MISMATCH",
        `security profile ${profile} needs a ${wanted}// URL, security.csmsUrls[${key}] is ${
          url.split("//")[0]
        }//`,
      );
    }
  }
}

/**
 * The HTTP Basic password an AuthorizationKey stands for: 32 to 40 hexadecimal digits (an even
 * number) are the hexadecimal representation of a 16..20-byte password (A00.FR.205; the OCPP
 * 1.6 test tool expects the decoded bytes in the header); any other value is the password itself
 * (UTF-8), for central systems that send it as text.
 *
 * @example
 * ```ts
 * import { authorizationKeyPassword } from "./profile.ts";
 * console.log(authorizationKeyPassword("00112233445566778899AABBCCDDEEFF").length); // 16
 * console.log(new TextDecoder().decode(authorizationKeyPassword("plain-text-password")));
 * ```
 */
export function authorizationKeyPassword(key: string): Uint8Array {
  if (isHexRepresentation(key)) {
    const bytes = new Uint8Array(key.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(key.slice(2 * i, 2 * i + 2), 16);
    return bytes;
  }
  return new TextEncoder().encode(key);
}

/**
 * Whether an AuthorizationKey is the hexadecimal representation of its password (32..40
 * hexadecimal digits, an even number). Depends only on the length and the positions of the hex
 * digits, which the log mask of `secrets.ts` keeps.
 *
 * @example
 * ```ts
 * import { isHexRepresentation } from "./profile.ts";
 * console.log(isHexRepresentation("0".repeat(32)), isHexRepresentation("0".repeat(16))); // true false
 * ```
 */
export function isHexRepresentation(key: string): boolean {
  return key.length >= 32 && key.length <= 40 && key.length % 2 === 0 &&
    /^[0-9A-Fa-f]*$/.test(key);
}

// ---- the fold ---------------------------------------------------------------------------------

/** Starts a reconnection for new security settings (the answer is already out). */
export function beginSecurityTransition(
  d: Draft,
  reason: SecurityTransition["reason"],
  to: SecurityProfileNumber,
): void {
  const from = currentProfile(d.state.config);
  d.set({ securityTransition: { reason, from, to, phase: "waiting" } });
  d.setTimer(TIMER_SECURITY_RECONNECT, d.now + SECURITY_RECONNECT_DELAY_MS);
}

/**
 * `ChargePointStarted`: a transition of the previous process is over (not applied: an unproven
 * charge point certificate is dropped). (`StartupOfTheDevice` is raised by `ChargePoint.start()`.)
 */
export function securityStarted(d: Draft): void {
  const t = d.state.securityTransition;
  if (t !== undefined) {
    d.note("security change of the previous process abandoned by the restart");
    d.set({ securityTransition: undefined });
    if (t.reason === "CertificateSigned") certificateSwitched(d, false);
  }
}

/** Tells the certificate management whether the new charge point certificate is in use. */
function certificateSwitched(d: Draft, ok: boolean): void {
  if (d.hasCallback("chargePointCertificateSwitched")) {
    d.callback("chargePointCertificateSwitched", ok);
  }
}

/** Whether `name` is a timer of this module (see {@linkcode securityTimerFired}). */
export function isSecurityTimer(name: string): boolean {
  return name === TIMER_SECURITY_RECONNECT || name === TIMER_CERTIFICATE_RENEWAL;
}

/** A security timer fired (the reconnection for new settings, the certificate renewal). */
export function securityTimerFired(d: Draft, name: string): void {
  if (name === TIMER_SECURITY_RECONNECT) securityReconnectFired(d);
  else if (name === TIMER_CERTIFICATE_RENEWAL) certificateRenewalDue(d);
}

/** The reconnect timer fired: closes the link (or connects at once when it is down). */
export function securityReconnectFired(d: Draft): void {
  const t = d.state.securityTransition;
  if (t === undefined || t.phase !== "waiting") return;
  if (d.state.link === "Disconnected") {
    d.set({ securityTransition: { ...t, phase: "connecting" } });
    if (d.state.running && d.state.linkWanted) {
      d.clearTimer("reconnect");
      d.set({ link: "Connecting" });
      d.effects.connect = true;
    }
    return;
  }
  d.set({ securityTransition: { ...t, phase: "closing" } });
  d.note(`${t.reason} changed: reconnecting with security profile ${t.to}`);
  d.effects.disconnect = true;
}

/** The link opened: a transition that was connecting succeeded. */
export function securityOpened(d: Draft): void {
  const t = d.state.securityTransition;
  if (t === undefined || t.phase !== "connecting") return;
  d.set({ securityTransition: undefined });
  if (t.reason === "AuthorizationKey") {
    d.note("reconnected with the new password");
    return;
  }
  if (t.reason === "CertificateSigned") {
    d.note("reconnected with the new charge point certificate: it replaces the previous one");
    certificateSwitched(d, true);
    return;
  }
  d.setConfig({ SecurityProfile: String(t.to) });
  d.note(`security profile ${t.to} in effect (was ${t.from})`);
  raiseSecurityEvent(
    d,
    "ReconfigurationOfSecurityParameters",
    `SecurityProfile changed from ${t.from} to ${t.to}`,
  );
  d.callback("configurationKeyChanged", "SecurityProfile", String(t.to));
}

/**
 * The link closed or an attempt failed: raises the security event of the failure and moves a
 * transition on. Returns true when the next attempt must start at once (no backoff).
 */
export function securityClosed(d: Draft, data: EventData<"ConnectionClosed">): boolean {
  if (!data.wasOpen) raiseConnectionFailure(d, data);
  const t = d.state.securityTransition;
  if (t === undefined) return false;
  if (t.phase === "waiting" || t.phase === "closing") {
    // The old connection is gone: the next attempt uses the new settings, at once.
    d.clearTimer(TIMER_SECURITY_RECONNECT);
    d.set({ securityTransition: { ...t, phase: "connecting" } });
    return true;
  }
  d.set({ securityTransition: undefined });
  if (t.reason === "SecurityProfile") {
    d.note(
      `security profile ${t.to} failed (${data.reason}): falling back to profile ${t.from}`,
    );
    return true;
  }
  if (t.reason === "CertificateSigned") {
    d.note(
      `the new charge point certificate failed (${data.reason}): falling back to the previous one`,
    );
    certificateSwitched(d, false);
    // The renewal follows the certificate in use again.
    startCertificateRenewal(d);
    return true;
  }
  return false;
}

/** Raises the security event a failed connection attempt stands for, if any. */
function raiseConnectionFailure(d: Draft, data: EventData<"ConnectionClosed">): void {
  if (data.httpStatus === 401) {
    raiseSecurityEvent(
      d,
      "FailedToAuthenticateAtCentralSystem",
      `HTTP 401 on upgrade: ${data.reason}`,
    );
    return;
  }
  // The profile of the attempt that failed (a transition is still "connecting" here).
  const kind = classifyConnectionFailure(data.reason, connectionProfile(d.state));
  const eventType = {
    CentralSystemCertificate: "InvalidCentralSystemCertificate",
    ChargePointRejected: "FailedToAuthenticateAtCentralSystem",
    TlsVersion: "InvalidTLSVersion",
    TlsCipherSuite: "InvalidTLSCipherSuite",
    none: undefined,
  }[kind ?? "none"];
  if (eventType !== undefined) raiseSecurityEvent(d, eventType, data.reason);
}

/**
 * What a failed connection attempt's reason says about security: the central system's
 * certificate could not be verified, the central system refused the charge point's TLS
 * credentials, no common TLS version, no common cipher suite, or none of these.
 *
 * Under security profile 3 (`profile`), a central system that ends the connection during the
 * WebSocket upgrade without a word (no TLS alert, no HTTP answer) is also counted as refusing the
 * charge point's certificate: under TLS 1.3 a server checks the client certificate after the
 * handshake and may just drop the connection (its alert, if any, lost with the reset).
 *
 * @example
 * ```ts
 * import { classifyConnectionFailure } from "./profile.ts";
 * console.log(classifyConnectionFailure("TLS with 127.0.0.1:1 failed: invalid peer certificate: UnknownIssuer"));
 * // "CentralSystemCertificate"
 * console.log(classifyConnectionFailure("received fatal alert: CertificateRequired"));
 * // "ChargePointRejected"
 * console.log(classifyConnectionFailure("received fatal alert: ProtocolVersion")); // "TlsVersion"
 * console.log(classifyConnectionFailure("received fatal alert: HandshakeFailure")); // "TlsCipherSuite"
 * console.log(classifyConnectionFailure("connection closed in handshake", 3)); // "ChargePointRejected"
 * ```
 */
export function classifyConnectionFailure(
  reason: string,
  profile: SecurityProfileNumber = 0,
):
  | "CentralSystemCertificate"
  | "ChargePointRejected"
  | "TlsVersion"
  | "TlsCipherSuite"
  | undefined {
  if (
    /invalid peer certificate|certificate verify failed|self[- ]signed certificate/i.test(reason)
  ) {
    return "CentralSystemCertificate";
  }
  if (
    /fatal alert: ?(CertificateRequired|BadCertificate|UnknownCA|CertificateExpired|CertificateRevoked|CertificateUnknown|UnsupportedCertificate|AccessDenied)/i
      .test(reason)
  ) {
    return "ChargePointRejected";
  }
  if (
    profile === 3 &&
    /^handshake with .* failed: peer closed connection without sending TLS close_notify|^connection closed in handshake$/
      .test(reason)
  ) {
    return "ChargePointRejected";
  }
  if (
    /fatal alert: ?ProtocolVersion|peer is incompatible: ?\w*(Version|Tls1[23])/i.test(reason)
  ) {
    return "TlsVersion";
  }
  if (
    /fatal alert: ?(HandshakeFailure|InsufficientSecurity)|NoCipherSuitesInCommon|SelectedUnofferedCipherSuite/i
      .test(reason)
  ) {
    return "TlsCipherSuite";
  }
  return undefined;
}

/**
 * The central system's time moved the offset by `changeMs`: raises `SettingSystemTime` when the
 * firmware sets its clock from it (`setSystemTime`) and the change is larger than
 * {@linkcode SETTING_SYSTEM_TIME_THRESHOLD_MS}.
 *
 * @example
 * ```ts ignore
 * systemTimeSet(d, before, after);
 * ```
 */
export function systemTimeSet(d: Draft, offsetBefore: number, offsetAfter: number): void {
  if (!d.hasCallback("setSystemTime")) return;
  const change = offsetAfter - offsetBefore;
  if (Math.abs(change) <= SETTING_SYSTEM_TIME_THRESHOLD_MS) return;
  raiseSecurityEvent(
    d,
    "SettingSystemTime",
    `time set from the central system: ${change > 0 ? "+" : ""}${Math.round(change / 1000)} s`,
  );
}
