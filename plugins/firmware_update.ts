/**
 * The `firmwareUpdate` plugin: provides the `updateFirmware` (UpdateFirmware) and
 * `signedUpdateFirmware` (SignedUpdateFirmware, Security Whitepaper L01) callbacks, unless the
 * firmware provides them itself, and hands the downloaded image to the firmware's `install`.
 *
 * A signed update is answered from the signing certificate: `InvalidCertificate` when it does not
 * chain up to one of the manufacturer root certificates (`manufacturerRoots`), or is not valid now
 * (the core then raises `InvalidFirmwareSigningCertificate`); `AcceptedCanceled` when it replaces an
 * update not yet installing (which is cancelled), `Rejected` while one installs; else `Accepted`.
 *
 * Then, reported through `onFirmwareUpdateStatusNotification` (requestId -1 for UpdateFirmware:
 * FirmwareStatusNotification carries only the 1.6 statuses, the core records the others for
 * ExtendedTriggerMessage); times of the request are the central system's (`ctx.timeOffsetMs()`):
 *
 * 1. `DownloadScheduled` and a wait on the plugin's clock until `retrieveDate(Time)`;
 * 2. `Downloading`; a failed download is retried `retries` times `retryInterval` seconds apart
 *    (`DownloadPaused` while waiting), then `DownloadFailed`;
 * 3. `Downloaded`;
 * 4. (signed) the signature of the image is verified with WebCrypto, SHA-256 with the signing
 *    certificate's key: RSASSA-PKCS1-v1_5, RSA-PSS (salt of 32 bytes or the maximum) or ECDSA
 *    (DER or raw signature): `SignatureVerified`, or `InvalidSignature` and the end (the core raises
 *    `InvalidFirmwareSignature`, once);
 * 5. `InstallScheduled` while waiting for `installDateTime`; then the connectors are held
 *    (`ctx.holdConnectorsForFirmware`: free ones Unavailable at once, busy ones when their
 *    transaction ends) and, while transactions run, `InstallScheduled` until they end;
 * 6. `Installing`, then `install(image, request)`: its result `Installed` (the default),
 *    `InstallRebooting` (the charger reboots; the connectors stay held), `InstallVerificationFailed`
 *    or `InstallationFailed` (also when it throws); the connectors are released unless rebooting.
 *
 * After a restart (the update is found in the event log, once the central system accepted the
 * BootNotification): an update that was installing is confirmed by `confirmInstallation` (default
 * `Installed`: the restart is the reboot the installation asked for) and reported, and the
 * connectors are released; an update not installed yet starts again from its download (the image
 * is not kept), with the retries its failed attempts left (none left: `DownloadFailed`).
 *
 * The manufacturer roots are a seam for a certificate store: a list of PEM certificates or a
 * function returning them (asked at each request).
 *
 * @module
 */
import type { Plugin, PluginContext } from "../core/plugin.ts";
import { loadX509 } from "../core/deps.ts";
import type { FirmwareUpdateRequest } from "../core/requests/update_firmware.ts";
import type {
  SignedFirmwareUpdateRequest,
  SignedFirmwareUpdateStatus,
} from "../core/requests/signed_update_firmware.ts";
import { downloadFile, TransferError } from "./file_transfer.ts";
import { csmsNow, lastAcceptedRequest, opt, pause, pauseUntil, whenRegistered } from "./jobs.ts";

/**
 * What `install` is told about the image.
 *
 * @example
 * ```ts
 * import type { FirmwareInstallRequest } from "./firmware_update.ts";
 * const r: FirmwareInstallRequest = { requestId: -1, location: "ftp://127.0.0.1/fw.bin", signed: false };
 * ```
 */
export interface FirmwareInstallRequest {
  /** -1 for UpdateFirmware, else the SignedUpdateFirmware requestId. */
  readonly requestId: number;
  /** Where the image came from. */
  readonly location: string;
  /** Whether its signature was verified (SignedUpdateFirmware). */
  readonly signed: boolean;
  /** PEM signing certificate (signed updates). */
  readonly signingCertificate?: string;
  /** Base64 signature (signed updates). */
  readonly signature?: string;
}

/**
 * How the installation ended, as `install` returns it.
 *
 * @example
 * ```ts
 * import type { InstallOutcome } from "./firmware_update.ts";
 * const outcome: InstallOutcome = "InstallRebooting";
 * ```
 */
export type InstallOutcome =
  | "Installed"
  | "InstallRebooting"
  | "InstallationFailed"
  | "InstallVerificationFailed";

/**
 * PEM manufacturer root certificates, or a function giving them (e.g. from a certificate store).
 *
 * @example
 * ```ts
 * import type { TrustAnchors } from "./firmware_update.ts";
 * const roots: TrustAnchors = () => ["-----BEGIN CERTIFICATE-----\n..."];
 * ```
 */
export type TrustAnchors =
  | readonly string[]
  | (() => readonly string[] | Promise<readonly string[]>);

/**
 * Options of {@linkcode firmwareUpdate}.
 *
 * @example
 * ```ts
 * import type { FirmwareUpdateOptions } from "./firmware_update.ts";
 * const options: FirmwareUpdateOptions = {
 *   install: (image) => console.log(`installing ${image.length} bytes`),
 *   manufacturerRoots: [],
 * };
 * ```
 */
export interface FirmwareUpdateOptions {
  /** Installs the image (the firmware's part); throwing means `InstallationFailed`. */
  install(
    image: Uint8Array,
    request: FirmwareInstallRequest,
  ): void | InstallOutcome | Promise<void | InstallOutcome>;
  /**
   * After a restart that interrupted an installation (last status `Installing` or
   * `InstallRebooting`): how it ended, e.g. from the running firmware version (default
   * `Installed`; throwing means `InstallationFailed`).
   */
  confirmInstallation?(
    request: FirmwareInstallRequest,
  ):
    | "Installed"
    | "InstallationFailed"
    | "InstallVerificationFailed"
    | Promise<"Installed" | "InstallationFailed" | "InstallVerificationFailed">;
  /** The manufacturer roots signed firmware must chain up to (default: none, all refused). */
  readonly manufacturerRoots?: TrustAnchors;
  /** PEM roots trusted for HTTPS/FTPS downloads (default: the system's). */
  readonly caCerts?: readonly string[];
  /** Ports of `ftps://` locations with implicit TLS (default `[990]`). */
  readonly implicitFtpsPorts?: readonly number[];
  /** Retries when the request gives none (default 2). */
  readonly retries?: number;
  /** Seconds between retries when the request gives none (default 60). */
  readonly retryIntervalS?: number;
  /** Bound of one download attempt in ms, on the plugin's clock (default 600000). */
  readonly timeoutMs?: number;
  /** Largest image accepted, in bytes (default 512 MiB). */
  readonly maxBytes?: number;
}

interface Job {
  readonly requestId: number;
  readonly location: string;
  /** Not downloaded before (central system time, RFC 3339). */
  readonly retrieveDate: string;
  /** Not installed before (central system time, RFC 3339). */
  readonly installDate?: string;
  readonly retries: number;
  readonly retryIntervalMs: number;
  /** Download attempts that failed already (before a restart). */
  readonly failedAttempts: number;
  readonly signingCertificate?: string;
  readonly signature?: string;
  readonly abort: AbortController;
  installing: boolean;
}

/** Statuses after which nothing is left to do. */
const FINAL: ReadonlySet<string> = new Set([
  "Installed",
  "DownloadFailed",
  "InstallationFailed",
  "InstallVerificationFailed",
  "InvalidSignature",
]);

/**
 * Downloads, verifies and installs firmware (UpdateFirmware, SignedUpdateFirmware).
 *
 * @example
 * ```ts
 * import { firmwareUpdate } from "./firmware_update.ts";
 * const plugin = firmwareUpdate({
 *   install: async (image) => { await Deno.writeFile("/tmp/next-firmware.bin", image); return "InstallRebooting"; },
 *   manufacturerRoots: () => [],
 * });
 * console.log(plugin.name); // "firmware-update"
 * ```
 */
export function firmwareUpdate(options: FirmwareUpdateOptions): Plugin {
  return {
    name: "firmware-update",
    setup(ctx) {
      let current: Job | undefined;
      /**
       * One entry per call of a provided callback, in call order: its job starts once the
       * callback's `CallbackCompleted` is folded (the answer is then on the wire).
       */
      const starting: { callback: string; job?: Job }[] = [];
      const timers = new Set<number>();
      const stops: (() => void)[] = [];
      // What the previous process left: the last accepted update and the connectors' hold.
      const past = lastAcceptedRequest(ctx.readEvents(1), {
        actions: { updateFirmware: "UpdateFirmware", signedUpdateFirmware: "SignedUpdateFirmware" },
        accepted: (callback, result) =>
          callback === "updateFirmware" || result === "Accepted" || result === "AcceptedCanceled",
        statusEvent: "FirmwareUpdateStatusChanged",
        requestId: (callback, payload) =>
          callback === "updateFirmware" ? -1 : Number(payload.requestId),
      });
      const holds = { held: past.held };
      const hold = (wanted: boolean): void => {
        if (holds.held === wanted) return;
        try {
          ctx.holdConnectorsForFirmware(wanted);
          holds.held = wanted;
        } catch (error) {
          ctx.logger.warn(`firmware: connectors not ${wanted ? "held" : "released"}`, { error });
        }
      };

      const cancelAll = (): void => {
        for (const s of starting) s.job?.abort.abort();
        current?.abort.abort();
        current = undefined;
      };
      const newJob: NewJob = (
        requestId,
        location,
        retrieve,
        install,
        retries,
        retryInterval,
        signed,
        failedAttempts = 0,
      ) => ({
        requestId,
        location,
        retrieveDate: retrieve,
        ...opt({ installDate: install }),
        retries: Math.max(0, retries ?? options.retries ?? 2),
        retryIntervalMs: Math.max(0, retryInterval ?? options.retryIntervalS ?? 60) * 1000,
        failedAttempts,
        ...(signed ?? {}),
        abort: new AbortController(),
        installing: false,
      });
      const start = (job: Job): void => {
        current = job;
        run(ctx, options, job, timers, hold).finally(() => {
          if (current === job) current = undefined;
        });
      };

      ctx.provideCallback("updateFirmware", (request: FirmwareUpdateRequest) => {
        if (current?.installing) {
          ctx.logger.warn("UpdateFirmware ignored: an installation is going on");
          starting.push({ callback: "updateFirmware" });
          return;
        }
        cancelAll();
        starting.push({
          callback: "updateFirmware",
          job: newJob(
            -1,
            request.location,
            request.retrieveDate,
            undefined,
            request.retries,
            request.retryInterval,
          ),
        });
      });

      ctx.provideCallback(
        "signedUpdateFirmware",
        async (request: SignedFirmwareUpdateRequest): Promise<SignedFirmwareUpdateStatus> => {
          const { firmware } = request;
          let problem: string | undefined;
          try {
            const roots = typeof options.manufacturerRoots === "function"
              ? await options.manufacturerRoots()
              : options.manufacturerRoots ?? [];
            problem = await checkSigningCertificate(
              firmware.signingCertificate,
              roots,
              new Date(csmsNow(ctx)),
            );
          } catch (error) {
            problem = `unreadable: ${String(error)}`;
          }
          if (problem !== undefined) {
            ctx.logger.warn(`SignedUpdateFirmware ${request.requestId}: certificate ${problem}`);
            starting.push({ callback: "signedUpdateFirmware" });
            return "InvalidCertificate";
          }
          if (current?.installing) {
            starting.push({ callback: "signedUpdateFirmware" });
            return "Rejected";
          }
          const replaced = current !== undefined ||
            starting.some((s) => s.job !== undefined && !s.job.abort.signal.aborted);
          cancelAll();
          starting.push({
            callback: "signedUpdateFirmware",
            job: newJob(
              request.requestId,
              firmware.location,
              firmware.retrieveDateTime,
              firmware.installDateTime,
              request.retries,
              request.retryInterval,
              { signingCertificate: firmware.signingCertificate, signature: firmware.signature },
            ),
          });
          return replaced ? "AcceptedCanceled" : "Accepted";
        },
      );

      stops.push(ctx.subscribe((event) => {
        const data = event.data as { callback: string; ok: boolean; result?: unknown };
        const index = starting.findIndex((s) => s.callback === data.callback);
        if (index < 0) return; // the firmware's own callback, or cancelled
        const [{ job }] = starting.splice(index, 1);
        if (job === undefined || !data.ok || job.abort.signal.aborted) return;
        // The answer is on the wire now: the statuses follow it.
        start(job);
      }, { types: ["CallbackCompleted"] }));

      // After a restart: resume what the previous process left, once registered.
      stops.push(ctx.subscribe(() => {
        stops.push(whenRegistered(ctx, () => {
          if (current !== undefined || starting.length > 0) return; // a new request replaced it
          resume(ctx, options, past.request, hold, (job) => start(job), newJob);
        }));
      }, { types: ["ChargePointStarted"] }));

      return {
        [Symbol.dispose]() {
          for (const stop of stops) stop();
          cancelAll();
          for (const t of timers) ctx.clock.clearTimer(t);
          timers.clear();
        },
      };
    },
  };
}

type NewJob = (
  requestId: number,
  location: string,
  retrieve: string,
  install: string | undefined,
  retries: number | undefined,
  retryInterval: number | undefined,
  signed?: { signingCertificate: string; signature: string },
  failedAttempts?: number,
) => Job;

/** Resumes (or ends) the update the previous process accepted and did not finish. */
function resume(
  ctx: PluginContext,
  options: FirmwareUpdateOptions,
  past: ReturnType<typeof lastAcceptedRequest>["request"],
  hold: (wanted: boolean) => void,
  start: (job: Job) => void,
  newJob: NewJob,
): void {
  const last = past?.statuses.at(-1);
  if (past === undefined || !ctx.providesCallback(past.callback as "updateFirmware")) {
    return;
  }
  if (last !== undefined && FINAL.has(last)) {
    hold(false); // a hold left by an update that ended
    return;
  }
  const p = past.payload;
  const signed = past.callback === "signedUpdateFirmware";
  const firmware = (signed ? p.firmware : p) as Record<string, unknown>;
  const str = (v: unknown) => typeof v === "string" ? v : undefined;
  const num = (v: unknown) => typeof v === "number" ? v : undefined;
  const failed = past.statuses.filter((s) => s === "Downloading").length -
    past.statuses.filter((s) => s === "Downloaded").length;
  const job = newJob(
    past.requestId,
    str(firmware.location) ?? "",
    str(signed ? firmware.retrieveDateTime : firmware.retrieveDate) ?? past.at,
    signed ? str(firmware.installDateTime) : undefined,
    num(p.retries),
    num(p.retryInterval),
    signed
      ? {
        signingCertificate: str(firmware.signingCertificate) ?? "",
        signature: str(firmware.signature) ?? "",
      }
      : undefined,
    Math.max(0, failed),
  );
  const request = installRequest(job);
  if (last === "Installing" || last === "InstallRebooting") {
    ctx.logger.info(`firmware ${job.requestId}: the installation was interrupted by a restart`);
    confirm(ctx, options, request).then((outcome) => {
      report(ctx, job, outcome);
      hold(false);
    });
    return;
  }
  if (job.failedAttempts > job.retries) {
    report(ctx, job, "DownloadFailed");
    hold(false);
    return;
  }
  ctx.logger.info(
    `firmware ${job.requestId}: resumed after a restart (last status ${last ?? "none"})`,
  );
  start(job);
}

/** How an installation interrupted by a restart ended (`confirmInstallation`, default Installed). */
async function confirm(
  ctx: PluginContext,
  options: FirmwareUpdateOptions,
  request: FirmwareInstallRequest,
): Promise<InstallOutcome> {
  if (options.confirmInstallation === undefined) return "Installed";
  try {
    return await options.confirmInstallation(request);
  } catch (error) {
    ctx.logger.error(`firmware ${request.requestId}: confirmInstallation failed`, { error });
    return "InstallationFailed";
  }
}

function installRequest(job: Job): FirmwareInstallRequest {
  const signed = job.signature !== undefined && job.signingCertificate !== undefined;
  return {
    requestId: job.requestId,
    location: job.location,
    signed,
    ...(signed ? { signingCertificate: job.signingCertificate, signature: job.signature } : {}),
  };
}

/** One update: schedule, download (retried), verify, wait, hold the connectors, install. */
async function run(
  ctx: PluginContext,
  options: FirmwareUpdateOptions,
  job: Job,
  timers: Set<number>,
  hold: (wanted: boolean) => void,
): Promise<void> {
  const signal = job.abort.signal;
  let rebooting = false;
  try {
    if (Date.parse(job.retrieveDate) > csmsNow(ctx)) {
      report(ctx, job, "DownloadScheduled");
      await pauseUntil(ctx, job.retrieveDate, signal, timers);
    }
    let image: Uint8Array | undefined;
    for (let attempt = job.failedAttempts; image === undefined; attempt++) {
      if (signal.aborted) return;
      report(ctx, job, "Downloading");
      try {
        image = await downloadFile(job.location, {
          clock: ctx.clock,
          timeoutMs: options.timeoutMs ?? 600_000,
          maxBytes: options.maxBytes ?? 512 * 1024 * 1024,
          signal,
          ...opt({ caCerts: options.caCerts, implicitFtpsPorts: options.implicitFtpsPorts }),
        });
      } catch (error) {
        if (signal.aborted) return;
        const last = (error instanceof TransferError && error.permanent) || attempt >= job.retries;
        ctx.logger.warn(
          `firmware ${job.requestId}: download attempt ${attempt + 1} failed (${String(error)})`,
        );
        if (last) {
          report(ctx, job, "DownloadFailed");
          return;
        }
        report(ctx, job, "DownloadPaused");
        await pause(ctx, job.retryIntervalMs, signal, timers);
      }
    }
    if (signal.aborted) return;
    report(ctx, job, "Downloaded");
    const request = installRequest(job);
    if (request.signed) {
      let valid = false;
      try {
        valid = await verifySignature(image, job.signature ?? "", job.signingCertificate ?? "");
      } catch (error) {
        ctx.logger.warn(`firmware ${job.requestId}: signature not verifiable`, { error });
      }
      if (signal.aborted) return;
      if (!valid) {
        // The core raises InvalidFirmwareSignature for this status: not raised here.
        report(ctx, job, "InvalidSignature");
        return;
      }
      report(ctx, job, "SignatureVerified");
    }
    let scheduled = false;
    if (job.installDate !== undefined && Date.parse(job.installDate) > csmsNow(ctx)) {
      report(ctx, job, "InstallScheduled");
      scheduled = true;
      await pauseUntil(ctx, job.installDate, signal, timers);
    }
    if (signal.aborted) return;
    // Connectors not in use become Unavailable now, the others when their transaction ends.
    hold(true);
    if (ctx.hasRunningTransaction()) {
      if (!scheduled) report(ctx, job, "InstallScheduled");
      ctx.logger.info(`firmware ${job.requestId}: waiting for the transactions to end`);
      await noTransaction(ctx, signal);
      if (signal.aborted) return;
    }
    job.installing = true;
    report(ctx, job, "Installing");
    let outcome: InstallOutcome;
    try {
      outcome = (await options.install(image, request)) ?? "Installed";
    } catch (error) {
      ctx.logger.error(`firmware ${job.requestId}: install failed`, { error });
      outcome = "InstallationFailed";
    }
    rebooting = outcome === "InstallRebooting";
    report(ctx, job, outcome);
  } finally {
    // Rebooting: the connectors stay held until the installation is confirmed after the restart.
    if (!rebooting) hold(false);
  }
}

/** Reports a status (the core sends what FirmwareStatusNotification can carry). */
function report(ctx: PluginContext, job: Job, status: string): void {
  try {
    ctx.onFirmwareUpdateStatusNotification(job.requestId, status);
  } catch (error) {
    ctx.logger.warn(`firmware ${job.requestId}: status ${status} not reported`, { error });
  }
}

/** Resolves once no transaction runs (checked after every TransactionStopped) or on cancel. */
function noTransaction(ctx: PluginContext, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stop();
      signal.removeEventListener("abort", done);
      resolve();
    };
    const stop = ctx.subscribe(() => {
      if (!ctx.hasRunningTransaction()) done();
    }, { types: ["TransactionStopped", "ChargePointStarted"] });
    signal.addEventListener("abort", done, { once: true });
    if (!ctx.hasRunningTransaction()) done();
  });
}

// ---- certificates and signatures --------------------------------------------------------------

/** The PEM certificate blocks of `text`. */
function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/**
 * Why the signing certificate (optionally followed by intermediates) does not chain up to one of
 * `roots` at `now`, or `undefined` when it does. Every certificate of the chain must be valid at
 * `now` and every issuer a CA.
 *
 * @example
 * ```ts ignore
 * import { checkSigningCertificate } from "./firmware_update.ts";
 * const problem = await checkSigningCertificate(signingPem, [rootPem], new Date());
 * ```
 */
export async function checkSigningCertificate(
  signingCertificate: string,
  roots: readonly string[],
  now: Date,
): Promise<string | undefined> {
  const x509 = await loadX509();
  const chain = pemBlocks(signingCertificate).map((pem) => new x509.X509Certificate(pem));
  const anchors = roots.flatMap(pemBlocks).map((pem) => new x509.X509Certificate(pem));
  if (chain.length === 0) return "missing (no PEM certificate)";
  if (anchors.length === 0) return "not verifiable: no manufacturer root certificate installed";
  const validAt = (c: InstanceType<typeof x509.X509Certificate>) =>
    c.notBefore.getTime() <= now.getTime() && now.getTime() <= c.notAfter.getTime();
  const isCa = (c: InstanceType<typeof x509.X509Certificate>) =>
    c.getExtension(x509.BasicConstraintsExtension)?.ca === true;
  const issued = async (
    child: InstanceType<typeof x509.X509Certificate>,
    parent: InstanceType<typeof x509.X509Certificate>,
  ) =>
    child.issuer === parent.subject && isCa(parent) && validAt(parent) &&
    await child.verify({ publicKey: parent.publicKey, signatureOnly: true });
  let cert = chain[0];
  const pool = chain.slice(1);
  for (let depth = 0; depth < 10; depth++) {
    if (!validAt(cert)) return `${cert.subject} is not valid at ${now.toISOString()}`;
    if (anchors.some((a) => a.equal(cert))) return undefined;
    for (const root of anchors) if (await issued(cert, root)) return undefined;
    let next: InstanceType<typeof x509.X509Certificate> | undefined;
    for (const candidate of pool) {
      if (await issued(cert, candidate)) {
        next = candidate;
        break;
      }
    }
    if (next === undefined) return `${cert.subject} is not issued by a manufacturer root`;
    cert = next;
  }
  return "chain too long";
}

/**
 * Whether `signature` (Base64) is a SHA-256 signature of `image` by the key of the first
 * certificate of `signingCertificate` (RSASSA-PKCS1-v1_5, RSA-PSS or ECDSA).
 *
 * @example
 * ```ts ignore
 * import { verifySignature } from "./firmware_update.ts";
 * const ok = await verifySignature(image, signatureBase64, signingPem);
 * ```
 */
export async function verifySignature(
  image: Uint8Array,
  signature: string,
  signingCertificate: string,
): Promise<boolean> {
  const x509 = await loadX509();
  const [pem] = pemBlocks(signingCertificate);
  if (pem === undefined) return false;
  const cert = new x509.X509Certificate(pem);
  const spki = cert.publicKey.rawData;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = Uint8Array.from(atob(signature.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
  } catch {
    return false;
  }
  const data = image as Uint8Array<ArrayBuffer>;
  const algorithm = cert.publicKey.algorithm as { name: string; namedCurve?: string };
  if (algorithm.name === "ECDSA") {
    const curve = algorithm.namedCurve ?? "P-256";
    const size = curve === "P-521" ? 66 : curve === "P-384" ? 48 : 32;
    const key = await crypto.subtle.importKey(
      "spki",
      spki,
      { name: "ECDSA", namedCurve: curve },
      false,
      ["verify"],
    );
    const raw = bytes.length === 2 * size ? bytes : derToRaw(bytes, size);
    return raw !== undefined &&
      await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, raw, data);
  }
  const pkcs1 = await crypto.subtle.importKey(
    "spki",
    spki,
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    false,
    ["verify"],
  );
  if (await crypto.subtle.verify("RSASSA-PKCS1-v1_5", pkcs1, bytes, data)) return true;
  const pss = await crypto.subtle.importKey(
    "spki",
    spki,
    { name: "RSA-PSS", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const modulusBytes = bytes.length;
  for (const saltLength of [32, modulusBytes - 32 - 2]) {
    if (saltLength < 0) continue;
    if (await crypto.subtle.verify({ name: "RSA-PSS", saltLength }, pss, bytes, data)) return true;
  }
  return false;
}

/** A DER `SEQUENCE { INTEGER r, INTEGER s }` as the raw `r || s` WebCrypto verifies. */
function derToRaw(der: Uint8Array, size: number): Uint8Array<ArrayBuffer> | undefined {
  let i = 0;
  const length = (): number | undefined => {
    const first = der[i++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    const n = first & 0x7f;
    let value = 0;
    for (let k = 0; k < n; k++) value = (value << 8) | (der[i++] ?? 0);
    return value;
  };
  if (der[i++] !== 0x30 || length() === undefined) return undefined;
  const out = new Uint8Array(2 * size);
  for (let part = 0; part < 2; part++) {
    if (der[i++] !== 0x02) return undefined;
    const n = length();
    if (n === undefined || i + n > der.length) return undefined;
    let value = der.subarray(i, i + n);
    i += n;
    while (value.length > size && value[0] === 0) value = value.subarray(1);
    if (value.length > size) return undefined;
    out.set(value, part * size + size - value.length);
  }
  return out;
}
