/**
 * File transfers of the plugins: uploads (diagnostics, logs) and downloads (firmware) over
 * HTTP(S) and FTP/FTPS, each bounded by a timeout on the plugin's clock and cancellable.
 *
 * - `http://`, `https://`: an upload is a `PUT` of the file to `<location>/<fileName>` (default) or
 *   a `POST` of `multipart/form-data` (field `file`) to the location itself; a download is a
 *   `GET`. Credentials in the URL become a Basic `Authorization` header. `caCerts` are the roots
 *   trusted for HTTPS (`Deno.createHttpClient`).
 * - `ftp://`, `ftps://` (explicit TLS, `AUTH TLS`; implicit TLS on port 990 or the ports of
 *   `implicitFtpsPorts`): passive
 *   mode with `basic-ftp`; user and password from the URL (default anonymous). An upload goes
 *   into the directory of the location path, a download fetches the location path.
 *
 * Failures are {@linkcode TransferError}s whose `kind` tells what the server said: the spec's
 * `PermissionDenied` (HTTP 401/403/407, FTP 530/532/550/553), `NotSupportedOperation` (HTTP
 * 405/501, FTP 502/504), `BadMessage` (HTTP 400, FTP 500/501/503) are `permanent` (retrying
 * cannot help); anything else (timeouts, connection errors, 5xx, ...) is `Failed`. A 550 answer
 * to the RETR of a download (no such file, e.g. not published yet) is `Failed` too: retried.
 *
 * @module
 */
import { Readable, Writable } from "node:stream";
import type { Clock } from "../core/clock.ts";
import { loadBasicFtp } from "../core/deps.ts";

/**
 * Why a transfer failed.
 *
 * @example
 * ```ts
 * import type { TransferFailure } from "./file_transfer.ts";
 * const kind: TransferFailure = "PermissionDenied";
 * ```
 */
export type TransferFailure =
  | "PermissionDenied"
  | "NotSupportedOperation"
  | "BadMessage"
  | "Failed"
  | "Cancelled";

/**
 * A failed transfer.
 *
 * @example
 * ```ts
 * import { TransferError } from "./file_transfer.ts";
 * const e = new TransferError("PermissionDenied", "HTTP 403");
 * console.log(e.permanent); // true
 * ```
 */
export class TransferError extends Error {
  /** What the server (or the link) said. */
  readonly kind: TransferFailure;

  /** Creates the error. */
  constructor(kind: TransferFailure, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TransferError";
    this.kind = kind;
  }

  /** Whether retrying cannot help. */
  get permanent(): boolean {
    return this.kind !== "Failed";
  }
}

/**
 * How transfers are made.
 *
 * @example
 * ```ts
 * import type { TransferOptions } from "./file_transfer.ts";
 * import { systemClock } from "../core/clock.ts";
 * const options: TransferOptions = { clock: systemClock, timeoutMs: 60_000 };
 * ```
 */
export interface TransferOptions {
  /** The clock the timeout runs on. */
  readonly clock: Clock;
  /** Bound of one transfer, in ms. */
  readonly timeoutMs: number;
  /** PEM roots trusted for HTTPS and FTPS (default: the system's). */
  readonly caCerts?: readonly string[];
  /** Cancels the transfer. */
  readonly signal?: AbortSignal;
  /** Largest download accepted, in bytes. */
  readonly maxBytes?: number;
  /** HTTP method of uploads (default `PUT`). */
  readonly httpMethod?: "PUT" | "POST";
  /**
   * Ports of `ftps://` locations that speak implicit TLS (TLS from the first byte) rather than
   * explicit `AUTH TLS` (default `[990]`).
   */
  readonly implicitFtpsPorts?: readonly number[];
}

/** The URL schemes the transfers support. */
const SCHEMES: ReadonlySet<string> = new Set(["http:", "https:", "ftp:", "ftps:"]);

/**
 * The location as a URL when its scheme is supported, else `undefined`.
 *
 * @example
 * ```ts
 * import { transferUrl } from "./file_transfer.ts";
 * console.log(transferUrl("ftp://127.0.0.1/up/")?.protocol); // "ftp:"
 * console.log(transferUrl("sftp://127.0.0.1/up/")); // undefined
 * ```
 */
export function transferUrl(location: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return undefined;
  }
  return SCHEMES.has(url.protocol) ? url : undefined;
}

/**
 * Uploads `data` as `fileName` into the directory `location`; resolves with where it went.
 *
 * @example
 * ```ts ignore
 * import { uploadFile } from "./file_transfer.ts";
 * import { systemClock } from "../core/clock.ts";
 * await uploadFile("ftp://user:pw@127.0.0.1:2121/upload/", "diag.tar.gz", bytes, {
 *   clock: systemClock,
 *   timeoutMs: 60_000,
 * });
 * ```
 */
export function uploadFile(
  location: string,
  fileName: string,
  data: Uint8Array,
  options: TransferOptions,
): Promise<string> {
  const url = transferUrl(location);
  if (url === undefined) {
    return Promise.reject(
      new TransferError("NotSupportedOperation", `unsupported location ${location}`),
    );
  }
  return bounded(
    options,
    (signal) =>
      url.protocol.startsWith("http")
        ? httpUpload(url, fileName, data, options, signal)
        : ftpUpload(url, fileName, data, options, signal),
  );
}

/**
 * Downloads the file at `location`.
 *
 * @example
 * ```ts ignore
 * import { downloadFile } from "./file_transfer.ts";
 * import { systemClock } from "../core/clock.ts";
 * const image = await downloadFile("https://127.0.0.1:8443/fw.bin", {
 *   clock: systemClock,
 *   timeoutMs: 300_000,
 * });
 * ```
 */
export function downloadFile(location: string, options: TransferOptions): Promise<Uint8Array> {
  const url = transferUrl(location);
  if (url === undefined) {
    return Promise.reject(
      new TransferError("NotSupportedOperation", `unsupported location ${location}`),
    );
  }
  return bounded(
    options,
    (signal) =>
      url.protocol.startsWith("http")
        ? httpDownload(url, options, signal)
        : ftpDownload(url, options, signal),
  );
}

/** Runs `work` with a signal that aborts on cancellation or after the timeout (plugin clock). */
async function bounded<T>(
  options: TransferOptions,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const timeout = new AbortController();
  const signal = options.signal === undefined
    ? timeout.signal
    : AbortSignal.any([options.signal, timeout.signal]);
  if (signal.aborted) throw new TransferError("Cancelled", "cancelled");
  const timer = options.clock.setTimer(
    () =>
      timeout.abort(new TransferError("Failed", `no completion within ${options.timeoutMs} ms`)),
    options.timeoutMs,
  );
  try {
    return await work(signal);
  } catch (error) {
    if (options.signal?.aborted) throw new TransferError("Cancelled", "cancelled");
    if (timeout.signal.aborted) throw timeout.signal.reason;
    if (error instanceof TransferError) throw error;
    throw new TransferError("Failed", String(error), { cause: error });
  } finally {
    options.clock.clearTimer(timer);
  }
}

// ---- HTTP ----------------------------------------------------------------------------------

function httpFailure(status: number): TransferFailure {
  if (status === 401 || status === 403 || status === 407) return "PermissionDenied";
  if (status === 405 || status === 501) return "NotSupportedOperation";
  if (status === 400) return "BadMessage";
  return "Failed";
}

/** The URL without credentials, and the Basic header they make. */
function splitCredentials(url: URL): { url: URL; headers: Record<string, string> } {
  if (url.username === "" && url.password === "") return { url, headers: {} };
  const plain = new URL(url);
  plain.username = "";
  plain.password = "";
  const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  const bytes = new TextEncoder().encode(pair);
  return {
    url: plain,
    headers: { authorization: `Basic ${btoa(String.fromCharCode(...bytes))}` },
  };
}

/** `fetch` trusting `caCerts`; a response that is not 2xx is a {@linkcode TransferError}. */
async function httpRequest<T>(
  url: URL,
  init: RequestInit,
  options: TransferOptions,
  read: (response: Response) => Promise<T>,
): Promise<T> {
  const client = options.caCerts === undefined || options.caCerts.length === 0
    ? undefined
    : Deno.createHttpClient({ caCerts: [...options.caCerts] });
  try {
    const response = await fetch(url, client === undefined ? init : { ...init, client });
    if (!response.ok) {
      await response.body?.cancel();
      throw new TransferError(
        httpFailure(response.status),
        `HTTP ${response.status} ${response.statusText} from ${url.origin}${url.pathname}`,
      );
    }
    return await read(response);
  } finally {
    client?.close();
  }
}

function httpUpload(
  url: URL,
  fileName: string,
  data: Uint8Array,
  options: TransferOptions,
  signal: AbortSignal,
): Promise<string> {
  const { url: target, headers } = splitCredentials(url);
  const body = data as Uint8Array<ArrayBuffer>;
  let init: RequestInit;
  if ((options.httpMethod ?? "PUT") === "POST") {
    const form = new FormData();
    form.append("file", new Blob([body]), fileName);
    init = { method: "POST", headers, body: form, signal };
  } else {
    target.pathname = target.pathname.replace(/\/?$/, "/") + encodeURIComponent(fileName);
    init = {
      method: "PUT",
      headers: { ...headers, "content-type": "application/octet-stream" },
      body,
      signal,
    };
  }
  return httpRequest(target, init, options, async (response) => {
    await response.body?.cancel();
    return `${target.origin}${target.pathname}`;
  });
}

function httpDownload(
  url: URL,
  options: TransferOptions,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const { url: target, headers } = splitCredentials(url);
  return httpRequest(target, { headers, signal }, options, async (response) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += chunk.length;
      if (options.maxBytes !== undefined && size > options.maxBytes) {
        throw new TransferError("Failed", `larger than ${options.maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
    return concat(chunks, size);
  });
}

// ---- FTP -----------------------------------------------------------------------------------

function ftpFailure(code: number): TransferFailure {
  if (code === 530 || code === 532 || code === 550 || code === 553) return "PermissionDenied";
  if (code === 502 || code === 504) return "NotSupportedOperation";
  if (code === 500 || code === 501 || code === 503) return "BadMessage";
  return "Failed";
}

type FtpModule = Awaited<ReturnType<typeof loadBasicFtp>>;
type FtpClient = InstanceType<FtpModule["Client"]>;

async function withFtp<T>(
  url: URL,
  options: TransferOptions,
  signal: AbortSignal,
  work: (client: FtpClient, ftp: FtpModule) => Promise<T>,
): Promise<T> {
  const ftp = await loadBasicFtp();
  const client = new ftp.Client(options.timeoutMs);
  const abort = () => client.close();
  signal.addEventListener("abort", abort, { once: true });
  try {
    const implicit = (options.implicitFtpsPorts ?? [990]).includes(Number(url.port || 21));
    const secure = url.protocol === "ftps:" ? (implicit ? "implicit" : true) : false;
    await client.access({
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port: url.port === "" ? (secure === "implicit" ? 990 : 21) : Number(url.port),
      user: url.username === "" ? "anonymous" : decodeURIComponent(url.username),
      password: url.username === "" ? "anonymous@" : decodeURIComponent(url.password),
      secure,
      ...(options.caCerts === undefined ? {} : { secureOptions: { ca: [...options.caCerts] } }),
    });
    return await work(client, ftp);
  } catch (error) {
    if (error instanceof ftp.FTPError) {
      throw new TransferError(ftpFailure(error.code), `FTP ${error.message}`, { cause: error });
    }
    throw error;
  } finally {
    signal.removeEventListener("abort", abort);
    client.close();
  }
}

function ftpUpload(
  url: URL,
  fileName: string,
  data: Uint8Array,
  options: TransferOptions,
  signal: AbortSignal,
): Promise<string> {
  return withFtp(url, options, signal, async (client) => {
    const dir = decodeURIComponent(url.pathname);
    if (dir !== "" && dir !== "/") await client.cd(dir);
    await client.uploadFrom(Readable.from([data]), fileName);
    return `${url.protocol}//${url.host}${dir.replace(/\/?$/, "/")}${fileName}`;
  });
}

function ftpDownload(
  url: URL,
  options: TransferOptions,
  signal: AbortSignal,
): Promise<Uint8Array> {
  return withFtp(url, options, signal, async (client, ftp) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const sink = new Writable({
      write(chunk: Uint8Array, _encoding, done) {
        size += chunk.length;
        if (options.maxBytes !== undefined && size > options.maxBytes) {
          done(new TransferError("Failed", `larger than ${options.maxBytes} bytes`));
          return;
        }
        chunks.push(new Uint8Array(chunk));
        done();
      },
    });
    const path = decodeURIComponent(url.pathname);
    try {
      await client.downloadTo(sink, path);
    } catch (error) {
      // 550 to RETR: the file is not there (yet). It may be published later, so it is retried,
      // unlike a 550 that refuses a login or a directory.
      if (error instanceof ftp.FTPError && error.code === 550) {
        throw new TransferError("Failed", `FTP ${error.message} (RETR ${path})`, { cause: error });
      }
      throw error;
    }
    return concat(chunks, size);
  });
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
