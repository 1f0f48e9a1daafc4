/**
 * The `diagnosticsUpload` plugin: provides the `uploadDiagnostics` (GetDiagnostics) and
 * `uploadLogs` (GetLog) callbacks, unless the firmware provides them itself.
 *
 * On a request it collects the requested time window (central system time, as the request gives
 * it: the charge point's times are shifted by `ctx.timeOffsetMs()`) into a gzipped tar archive
 * and uploads it to the given location over HTTP(S) (PUT to `<location>/<fileName>`, or a
 * multipart POST) or FTP/FTPS (into the location directory), see `file_transfer.ts`:
 *
 * - GetDiagnostics and GetLog `DiagnosticsLog`: `events.jsonl`, the events of the event log whose
 *   time is in the window (secrets redacted), `library-log.jsonl`, the library's own log lines
 *   of the window (`ctx.logLines()`, a bounded memory of the last lines), and `security.jsonl`,
 *   the security log entries (of the `securityLog` plugin's file) in the window;
 * - GetLog `SecurityLog`: `security.jsonl` only;
 * - every archive has a `manifest.json` (charge point, log type, window, time offset, counts) and
 *   the files of the `extraFiles` option (the firmware's own logs).
 *
 * Progress goes through `onLogStatusNotification`: DiagnosticsStatusNotification (`Uploading`,
 * `Uploaded`, `UploadFailed`) for GetDiagnostics, LogStatusNotification with the request's id
 * (`Uploading`, `Uploaded`, `UploadFailure`, `PermissionDenied`, `NotSupportedOperation`,
 * `BadMessage`) for GetLog. `Uploading` is reported at every attempt. A failure the server
 * gives as permanent (permission, unsupported operation, bad message) is not retried; others are
 * retried `retries` times, `retryInterval` seconds apart (on the plugin's clock). A new request
 * cancels the upload going on (GetLog then answers `AcceptedCanceled`; an upload of the other
 * kind cancelled so is reported failed). A location that is not an `http(s)://` or `ftp(s)://`
 * URL: GetDiagnostics answers without a `fileName` and GetLog `Rejected`.
 *
 * After a restart, an upload the previous process accepted and did not finish (found in the
 * event log) is attempted again, with the same file name, once the central system accepted the
 * BootNotification, if its retries allow (each `Uploading` reported was an attempt); else its
 * failure is reported.
 *
 * @module
 */
import type { Plugin, PluginContext } from "../core/plugin.ts";
import type { RecordedEvent } from "../events/envelope.ts";
import type { DiagnosticsRequest } from "../core/requests/get_diagnostics.ts";
import type { LogRequest } from "../core/requests/get_log.ts";
import { redactSecrets } from "../core/secrets.ts";
import { readSecurityLog } from "./security_log.ts";
import { TransferError, type TransferFailure, transferUrl, uploadFile } from "./file_transfer.ts";
import {
  type AcceptedRequest,
  csmsNow,
  lastAcceptedRequest,
  opt,
  pause,
  whenRegistered,
} from "./jobs.ts";

/**
 * A file put into the archive.
 *
 * @example
 * ```ts
 * import type { ArchiveFile } from "./diagnostics_upload.ts";
 * const f: ArchiveFile = { name: "firmware.log", data: "boot ok\n" };
 * ```
 */
export interface ArchiveFile {
  /** Path inside the archive (≤ 100 bytes). */
  readonly name: string;
  /** Content. */
  readonly data: Uint8Array | string;
}

/**
 * What an upload collects: the log type and the time window (RFC 3339, central system time, both
 * ends included).
 *
 * @example
 * ```ts
 * import type { LogWindow } from "./diagnostics_upload.ts";
 * const w: LogWindow = { logType: "SecurityLog", from: "2026-01-01T00:00:00Z" };
 * ```
 */
export interface LogWindow {
  /** `Diagnostics` for GetDiagnostics, else the GetLog log type. */
  readonly logType: "Diagnostics" | "DiagnosticsLog" | "SecurityLog";
  /** Oldest time included. */
  readonly from?: string;
  /** Latest time included. */
  readonly to?: string;
}

/**
 * Options of {@linkcode diagnosticsUpload}.
 *
 * @example
 * ```ts
 * import type { DiagnosticsUploadOptions } from "./diagnostics_upload.ts";
 * const options: DiagnosticsUploadOptions = { httpMethod: "POST", retries: 3, retryIntervalS: 30 };
 * ```
 */
export interface DiagnosticsUploadOptions {
  /** PEM roots trusted for HTTPS/FTPS uploads (default: the system's). */
  readonly caCerts?: readonly string[];
  /** Ports of `ftps://` locations with implicit TLS (default `[990]`). */
  readonly implicitFtpsPorts?: readonly number[];
  /** HTTP method of uploads (default `PUT`). */
  readonly httpMethod?: "PUT" | "POST";
  /** The `securityLog` plugin's file (default `data/<chargePointId>/security.log`, its default). */
  readonly securityLogPath?: string;
  /** Rotated files of the security log (default 5, its default). */
  readonly securityLogMaxFiles?: number;
  /** Retries when the request gives none (default 2). */
  readonly retries?: number;
  /** Seconds between retries when the request gives none (default 60). */
  readonly retryIntervalS?: number;
  /** Bound of one upload attempt in ms, on the plugin's clock (default 120000). */
  readonly timeoutMs?: number;
  /** More files for the archive (e.g. the firmware's own logs of the window). */
  readonly extraFiles?: (
    window: LogWindow,
  ) => readonly ArchiveFile[] | Promise<readonly ArchiveFile[]>;
}

interface Job {
  readonly requestId: number;
  readonly location: string;
  readonly fileName: string;
  readonly window: LogWindow;
  readonly retries: number;
  readonly retryIntervalMs: number;
  /** Attempts made already (before a restart). */
  readonly attemptsMade: number;
  readonly abort: AbortController;
}

/**
 * Uploads diagnostics (GetDiagnostics) and logs (GetLog).
 *
 * @example
 * ```ts
 * import { diagnosticsUpload } from "./diagnostics_upload.ts";
 * import { securityLog } from "./security_log.ts";
 * const plugins = [securityLog({ path: "data/CP-1/security.log" }),
 *   diagnosticsUpload({ securityLogPath: "data/CP-1/security.log" })];
 * console.log(plugins[1].name); // "diagnostics-upload"
 * ```
 */
export function diagnosticsUpload(options: DiagnosticsUploadOptions = {}): Plugin {
  return {
    name: "diagnostics-upload",
    setup(ctx) {
      let current: Job | undefined;
      /**
       * One entry per call of a provided callback, in call order: its job starts once the
       * callback's `CallbackCompleted` is folded (the answer is then on the wire). `replaced` is
       * the upload it cancelled.
       */
      const starting: { callback: string; job?: Job; replaced?: Job }[] = [];
      const timers = new Set<number>();
      const stops: (() => void)[] = [];
      // What the previous process left: the last accepted upload.
      const past = lastAcceptedRequest(ctx.readEvents(1), {
        actions: { uploadDiagnostics: "GetDiagnostics", uploadLogs: "GetLog" },
        accepted: (callback, result) => {
          const r = (typeof result === "object" && result !== null ? result : {}) as Record<
            string,
            unknown
          >;
          return callback === "uploadDiagnostics"
            ? typeof r.fileName === "string"
            : (r.status === "Accepted" || r.status === "AcceptedCanceled") &&
              typeof r.filename === "string";
        },
        statusEvent: "LogStatusChanged",
        requestId: (callback, payload) =>
          callback === "uploadDiagnostics" ? -1 : Number(payload.requestId),
      }).request;

      const newJob: NewJob = (
        requestId,
        location,
        window,
        retries,
        retryInterval,
        fileName,
        attemptsMade = 0,
      ) => ({
        requestId,
        location,
        fileName: fileName ??
          archiveName(ctx.chargePointId, window.logType, requestId, csmsNow(ctx)),
        window,
        retries: Math.max(0, retries ?? options.retries ?? 2),
        retryIntervalMs: Math.max(0, retryInterval ?? options.retryIntervalS ?? 60) * 1000,
        attemptsMade,
        abort: new AbortController(),
      });
      /** Cancels the upload going on; returns it if there was one. */
      const cancelCurrent = (): Job | undefined => {
        const job = current;
        current = undefined;
        for (const s of starting) s.job?.abort.abort();
        if (job === undefined || job.abort.signal.aborted) return undefined;
        job.abort.abort();
        return job;
      };
      const start = (job: Job): void => {
        current = job;
        run(ctx, options, job, timers).finally(() => {
          if (current === job) current = undefined;
        });
      };

      ctx.provideCallback("uploadDiagnostics", (request: DiagnosticsRequest) => {
        if (transferUrl(request.location) === undefined) {
          ctx.logger.warn(`GetDiagnostics: unsupported location ${request.location}`);
          starting.push({ callback: "uploadDiagnostics" });
          return {};
        }
        const replaced = cancelCurrent();
        const job = newJob(
          -1,
          request.location,
          {
            logType: "Diagnostics",
            ...opt({ from: request.startTime, to: request.stopTime }),
          },
          request.retries,
          request.retryInterval,
        );
        starting.push({ callback: "uploadDiagnostics", job, ...opt({ replaced }) });
        return { fileName: job.fileName };
      });

      ctx.provideCallback("uploadLogs", (request: LogRequest) => {
        if (transferUrl(request.log.remoteLocation) === undefined) {
          ctx.logger.warn(`GetLog ${request.requestId}: unsupported location`);
          starting.push({ callback: "uploadLogs" });
          return { status: "Rejected" };
        }
        const replaced = cancelCurrent();
        const job = newJob(
          request.requestId,
          request.log.remoteLocation,
          {
            logType: request.logType,
            ...opt({ from: request.log.oldestTimestamp, to: request.log.latestTimestamp }),
          },
          request.retries,
          request.retryInterval,
        );
        starting.push({ callback: "uploadLogs", job, ...opt({ replaced }) });
        return {
          status: replaced === undefined ? "Accepted" : "AcceptedCanceled",
          filename: job.fileName,
        };
      });

      stops.push(ctx.subscribe((event) => {
        const data = event.data as { callback: string; ok: boolean };
        const index = starting.findIndex((s) => s.callback === data.callback);
        if (index < 0) return; // the firmware's own callback, or cancelled
        const [{ job, replaced }] = starting.splice(index, 1);
        if (job === undefined || !data.ok || job.abort.signal.aborted) return;
        // The answer is on the wire now: the statuses follow it. A cancelled upload of the other
        // kind would otherwise stay Uploading for the central system: it failed.
        if (replaced !== undefined && (replaced.requestId === -1) !== (job.requestId === -1)) {
          report(ctx, replaced, "Cancelled");
        }
        start(job);
      }, { types: ["CallbackCompleted"] }));

      // After a restart: attempt again what the previous process left, once registered.
      stops.push(ctx.subscribe(() => {
        stops.push(whenRegistered(ctx, () => {
          if (current !== undefined || starting.length > 0) return; // a new request replaced it
          const job = pastJob(ctx, past, newJob);
          if (job === undefined) return;
          if (job.attemptsMade > job.retries) {
            ctx.logger.warn(`${describe(job)}: no attempt left after the restart`);
            report(ctx, job, "Failed");
            return;
          }
          ctx.logger.info(`${describe(job)}: attempted again after a restart`);
          start(job);
        }));
      }, { types: ["ChargePointStarted"] }));

      return {
        [Symbol.dispose]() {
          for (const stop of stops) stop();
          cancelCurrent();
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
  window: LogWindow,
  retries: number | undefined,
  retryInterval: number | undefined,
  fileName?: string,
  attemptsMade?: number,
) => Job;

/** The unfinished upload of the previous process, as a job (same file name), if any. */
function pastJob(
  ctx: PluginContext,
  past: AcceptedRequest | undefined,
  newJob: NewJob,
): Job | undefined {
  if (past === undefined || !ctx.providesCallback(past.callback as "uploadLogs")) return undefined;
  const last = past.statuses.at(-1);
  if (last !== undefined && last !== "Uploading") return undefined; // it ended
  const p = past.payload;
  const result = past.result as Record<string, unknown>;
  const str = (v: unknown) => typeof v === "string" ? v : undefined;
  const num = (v: unknown) => typeof v === "number" ? v : undefined;
  const attempts = past.statuses.filter((s) => s === "Uploading").length;
  if (past.callback === "uploadDiagnostics") {
    return newJob(
      -1,
      str(p.location) ?? "",
      { logType: "Diagnostics", ...opt({ from: str(p.startTime), to: str(p.stopTime) }) },
      num(p.retries),
      num(p.retryInterval),
      str(result.fileName),
      attempts,
    );
  }
  const log = (typeof p.log === "object" && p.log !== null ? p.log : {}) as Record<
    string,
    unknown
  >;
  return newJob(
    past.requestId,
    str(log.remoteLocation) ?? "",
    {
      logType: p.logType === "SecurityLog" ? "SecurityLog" : "DiagnosticsLog",
      ...opt({ from: str(log.oldestTimestamp), to: str(log.latestTimestamp) }),
    },
    num(p.retries),
    num(p.retryInterval),
    str(result.filename),
    attempts,
  );
}

/** One upload: archive, then attempts until uploaded, a permanent failure or no retry left. */
async function run(
  ctx: PluginContext,
  options: DiagnosticsUploadOptions,
  job: Job,
  timers: Set<number>,
): Promise<void> {
  const signal = job.abort.signal;
  let archive: Uint8Array;
  try {
    archive = await buildArchive(ctx, options, job.window);
  } catch (error) {
    ctx.logger.error(`${describe(job)}: the archive could not be made`, { error });
    if (!signal.aborted) report(ctx, job, "Failed");
    return;
  }
  for (let attempt = job.attemptsMade;; attempt++) {
    if (signal.aborted) return;
    report(ctx, job, "Uploading");
    try {
      const where = await uploadFile(job.location, job.fileName, archive, {
        clock: ctx.clock,
        timeoutMs: options.timeoutMs ?? 120_000,
        signal,
        ...opt({
          caCerts: options.caCerts,
          httpMethod: options.httpMethod,
          implicitFtpsPorts: options.implicitFtpsPorts,
        }),
      });
      if (signal.aborted) return;
      ctx.logger.info(`${describe(job)}: uploaded to ${where}`);
      report(ctx, job, "Uploaded");
      return;
    } catch (error) {
      if (signal.aborted) return;
      const kind: TransferFailure = error instanceof TransferError ? error.kind : "Failed";
      const last = (error instanceof TransferError && error.permanent) || attempt >= job.retries;
      ctx.logger.warn(
        `${describe(job)}: attempt ${attempt + 1} failed (${String(error)})${
          last ? "" : `; retry in ${job.retryIntervalMs} ms`
        }`,
      );
      if (last) {
        report(ctx, job, kind);
        return;
      }
      await pause(ctx, job.retryIntervalMs, signal, timers);
    }
  }
}

function describe(job: Job): string {
  return job.requestId === -1 ? "GetDiagnostics" : `GetLog ${job.requestId}`;
}

/** Reports a status; the failure kinds map to what the message can carry. */
function report(
  ctx: PluginContext,
  job: Job,
  status: "Uploading" | "Uploaded" | TransferFailure,
): void {
  let reported: string = status;
  if (job.requestId === -1) {
    if (status !== "Uploading" && status !== "Uploaded") reported = "UploadFailed";
  } else if (status === "Failed" || status === "Cancelled") {
    reported = "UploadFailure";
  }
  try {
    ctx.onLogStatusNotification(job.requestId, reported);
  } catch (error) {
    ctx.logger.warn(`${describe(job)}: status ${reported} not reported`, { error });
  }
}

/** Whether `time` (ms, central system time) is in the window. */
function inWindow(time: number, window: LogWindow): boolean {
  if (window.from !== undefined && time < Date.parse(window.from)) return false;
  if (window.to !== undefined && time > Date.parse(window.to)) return false;
  return true;
}

/** The gzipped tar archive of the window. */
async function buildArchive(
  ctx: PluginContext,
  options: DiagnosticsUploadOptions,
  window: LogWindow,
): Promise<Uint8Array> {
  const files: ArchiveFile[] = [];
  // Event times are the charge point's; the window is the central system's.
  const offset = ctx.timeOffsetMs();
  let events = 0;
  let libraryLogLines = 0;
  if (window.logType !== "SecurityLog") {
    let text = "";
    for (const event of ctx.readEvents(1)) {
      if (!inWindow(Date.parse(event.at) + offset, window)) continue;
      text += JSON.stringify(redactSecrets(event as RecordedEvent)) + "\n";
      events++;
    }
    files.push({ name: "events.jsonl", data: text });
    const lines = ctx.logLines().filter((l) => inWindow(Date.parse(l.at), window));
    libraryLogLines = lines.length;
    files.push({
      name: "library-log.jsonl",
      data: lines.map((l) => JSON.stringify(l) + "\n").join(""),
    });
  }
  const path = options.securityLogPath ?? `data/${ctx.chargePointId}/security.log`;
  let unreadable = 0;
  const entries = readSecurityLog(path, options.securityLogMaxFiles ?? 5, () => unreadable++)
    .filter((e) => inWindow(Date.parse(e.timestamp), window));
  if (unreadable > 0) {
    ctx.logger.warn(`${unreadable} unreadable security log line(s) skipped (${path})`);
  }
  files.push({
    name: "security.jsonl",
    data: entries.map((e) => JSON.stringify(e) + "\n").join(""),
  });
  const extra = await options.extraFiles?.(window) ?? [];
  const now = csmsNow(ctx);
  const manifest = {
    chargePointId: ctx.chargePointId,
    logType: window.logType,
    ...opt({ from: window.from, to: window.to }),
    createdAt: new Date(now).toISOString(),
    timeOffsetMs: offset,
    events,
    ...(window.logType === "SecurityLog" ? {} : { libraryLogLines }),
    securityLogEntries: entries.length,
    ...(unreadable > 0 ? { securityLogUnreadableLines: unreadable } : {}),
    files: [...files, ...extra].map((f) => f.name),
  };
  return await gzip(
    tar([
      { name: "manifest.json", data: JSON.stringify(manifest, null, 2) + "\n" },
      ...files,
      ...extra,
    ], now),
  );
}

/** `diagnostics-CP-1-20260101T000000Z.tar.gz`, `security-log-CP-1-7-...` for GetLog. */
function archiveName(
  chargePointId: string,
  logType: LogWindow["logType"],
  requestId: number,
  now: number,
): string {
  const id = chargePointId.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 100);
  const stamp = new Date(now).toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
  const kind = logType === "Diagnostics"
    ? "diagnostics"
    : logType === "SecurityLog"
    ? "security-log"
    : "diagnostics-log";
  return `${kind}-${id}${requestId === -1 ? "" : `-${requestId}`}-${stamp}.tar.gz`;
}

// ---- archive ---------------------------------------------------------------------------------

const encoder = new TextEncoder();

/** A POSIX ustar archive of `files` (regular files, mode 0644, modified at `mtime` ms). */
function tar(files: readonly ArchiveFile[], mtime: number): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const file of files) {
    const data = typeof file.data === "string" ? encoder.encode(file.data) : file.data;
    const header = new Uint8Array(512);
    const put = (offset: number, length: number, text: string) =>
      header.set(encoder.encode(text).subarray(0, length), offset);
    const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, "0");
    put(0, 100, file.name);
    put(100, 8, octal(0o644, 8));
    put(108, 8, octal(0, 8));
    put(116, 8, octal(0, 8));
    put(124, 12, octal(data.length, 12));
    put(136, 12, octal(Math.floor(mtime / 1000), 12));
    put(148, 8, "        ");
    put(156, 1, "0");
    put(257, 6, "ustar\0");
    put(263, 2, "00");
    let sum = 0;
    for (const byte of header) sum += byte;
    put(148, 8, `${octal(sum, 7)}\0`);
    blocks.push(header, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let offset = 0;
  for (const b of blocks) {
    out.set(b, offset);
    offset += b.length;
  }
  return out;
}

async function gzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
