/**
 * The `diagnosticsUpload` plugin: provides the `uploadDiagnostics` (GetDiagnostics) and
 * `uploadLogs` (GetLog) callbacks, unless the firmware provides them itself.
 *
 * On a request it collects the requested time window into a gzipped tar archive and uploads it
 * to the given location over HTTP(S) (PUT to `<location>/<fileName>`, or a multipart POST) or
 * FTP/FTPS (into the location directory), see `file_transfer.ts`:
 *
 * - GetDiagnostics and GetLog `DiagnosticsLog`: `events.jsonl`, the events of the event log whose
 *   time (`at`) is in the window (secrets redacted), and `security.jsonl`, the security log
 *   entries (of the `securityLog` plugin's file) in the window;
 * - GetLog `SecurityLog`: `security.jsonl` only;
 * - every archive has a `manifest.json` (charge point, log type, window, counts) and the files
 *   of the `extraFiles` option (the firmware's own logs).
 *
 * Progress goes through `onLogStatusNotification`: DiagnosticsStatusNotification (`Uploading`,
 * `Uploaded`, `UploadFailed`) for GetDiagnostics, LogStatusNotification with the request's id
 * (`Uploading`, `Uploaded`, `UploadFailure`, `PermissionDenied`, `NotSupportedOperation`,
 * `BadMessage`) for GetLog. `Uploading` is reported at every attempt. A failure the server
 * gives as permanent (permission, unsupported operation, bad message) is not retried; others are
 * retried `retries` times, `retryInterval` seconds apart (on the plugin's clock). A new request
 * cancels the upload going on (GetLog then answers `AcceptedCanceled`). A location that is not an
 * `http(s)://` or `ftp(s)://` URL: GetDiagnostics answers without a `fileName` and GetLog
 * `Rejected`.
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
 * What an upload collects: the log type and the time window (RFC 3339, both ends included).
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
       * callback's `CallbackCompleted` is folded (the answer is then on the wire).
       */
      const starting: { callback: string; job?: Job }[] = [];
      const timers = new Set<number>();

      const newJob = (
        requestId: number,
        location: string,
        window: LogWindow,
        retries: number | undefined,
        retryInterval: number | undefined,
      ): Job => ({
        requestId,
        location,
        fileName: archiveName(ctx.chargePointId, window.logType, requestId, ctx.clock.now()),
        window,
        retries: Math.max(0, retries ?? options.retries ?? 2),
        retryIntervalMs: Math.max(0, retryInterval ?? options.retryIntervalS ?? 60) * 1000,
        abort: new AbortController(),
      });
      /** Cancels the upload going on; true if there was one. */
      const cancelCurrent = (): boolean => {
        const job = current;
        current = undefined;
        for (const s of starting) s.job?.abort.abort();
        if (job === undefined || job.abort.signal.aborted) return false;
        job.abort.abort();
        return true;
      };

      ctx.provideCallback("uploadDiagnostics", (request: DiagnosticsRequest) => {
        if (transferUrl(request.location) === undefined) {
          ctx.logger.warn(`GetDiagnostics: unsupported location ${request.location}`);
          starting.push({ callback: "uploadDiagnostics" });
          return {};
        }
        cancelCurrent();
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
        starting.push({ callback: "uploadDiagnostics", job });
        return { fileName: job.fileName };
      });

      ctx.provideCallback("uploadLogs", (request: LogRequest) => {
        if (transferUrl(request.log.remoteLocation) === undefined) {
          ctx.logger.warn(`GetLog ${request.requestId}: unsupported location`);
          starting.push({ callback: "uploadLogs" });
          return { status: "Rejected" };
        }
        const canceled = cancelCurrent();
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
        starting.push({ callback: "uploadLogs", job });
        return { status: canceled ? "AcceptedCanceled" : "Accepted", filename: job.fileName };
      });

      const stop = ctx.subscribe((event) => {
        const data = event.data as { callback: string; ok: boolean };
        const index = starting.findIndex((s) => s.callback === data.callback);
        if (index < 0) return; // the firmware's own callback, or cancelled
        const [{ job }] = starting.splice(index, 1);
        if (job === undefined || !data.ok || job.abort.signal.aborted) return;
        current = job;
        // The answer is on the wire now: the statuses follow it.
        run(ctx, options, job, timers).finally(() => {
          if (current === job) current = undefined;
        });
      }, { types: ["CallbackCompleted"] });

      return {
        [Symbol.dispose]() {
          stop();
          cancelCurrent();
          for (const t of timers) ctx.clock.clearTimer(t);
          timers.clear();
        },
      };
    },
  };
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
  for (let attempt = 0;; attempt++) {
    if (signal.aborted) return;
    report(ctx, job, "Uploading");
    try {
      const where = await uploadFile(job.location, job.fileName, archive, {
        clock: ctx.clock,
        timeoutMs: options.timeoutMs ?? 120_000,
        signal,
        ...opt({ caCerts: options.caCerts, httpMethod: options.httpMethod }),
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

/** Waits `ms` on the plugin's clock; resolves early when cancelled. */
function pause(
  ctx: PluginContext,
  ms: number,
  signal: AbortSignal,
  timers: Set<number>,
): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      ctx.clock.clearTimer(handle);
      timers.delete(handle);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const handle = ctx.clock.setTimer(done, ms);
    timers.add(handle);
    signal.addEventListener("abort", done, { once: true });
  });
}

function inWindow(time: string, window: LogWindow): boolean {
  const t = Date.parse(time);
  if (window.from !== undefined && t < Date.parse(window.from)) return false;
  if (window.to !== undefined && t > Date.parse(window.to)) return false;
  return true;
}

/** The gzipped tar archive of the window. */
async function buildArchive(
  ctx: PluginContext,
  options: DiagnosticsUploadOptions,
  window: LogWindow,
): Promise<Uint8Array> {
  const files: ArchiveFile[] = [];
  let events = 0;
  if (window.logType !== "SecurityLog") {
    let text = "";
    for (const event of ctx.readEvents(1)) {
      if (!inWindow(event.at, window)) continue;
      text += JSON.stringify(redactSecrets(event as RecordedEvent)) + "\n";
      events++;
    }
    files.push({ name: "events.jsonl", data: text });
  }
  const path = options.securityLogPath ?? `data/${ctx.chargePointId}/security.log`;
  const entries = readSecurityLog(path, options.securityLogMaxFiles ?? 5)
    .filter((e) => inWindow(e.timestamp, window));
  files.push({
    name: "security.jsonl",
    data: entries.map((e) => JSON.stringify(e) + "\n").join(""),
  });
  const extra = await options.extraFiles?.(window) ?? [];
  const manifest = {
    chargePointId: ctx.chargePointId,
    logType: window.logType,
    ...opt({ from: window.from, to: window.to }),
    createdAt: new Date(ctx.clock.now()).toISOString(),
    events,
    securityLogEntries: entries.length,
    files: [...files, ...extra].map((f) => f.name),
  };
  return await gzip(
    tar([
      { name: "manifest.json", data: JSON.stringify(manifest, null, 2) + "\n" },
      ...files,
      ...extra,
    ], ctx.clock.now()),
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

/** Copies the defined entries of `o`. */
function opt<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
