/**
 * A small RFC 6455 WebSocket client on Deno's own sockets (`Deno.connect`, `Deno.connectTls`).
 *
 * Unlike the built-in `WebSocket`, it can send ping frames (OCPP `WebSocketPingInterval`), tells
 * the HTTP status of a refused upgrade (`FailedToAuthenticateAtCentralSystem` on 401), and
 * supports TLS client certificates. Text messages only: OCPP-J never uses binary frames.
 * Userinfo of the URL (`ws://user:password@host`) becomes a Basic `Authorization` header when no
 * such header is given; it never appears in an error (nor its `value`).
 *
 * @module
 */
import { ChargePointError, InvalidArgumentError } from "./errors.ts";
import { redactUrl } from "./secrets.ts";

/**
 * Options of {@linkcode connectWebSocket}.
 *
 * @example
 * ```ts
 * import { basicAuthHeader, type WebSocketConnectOptions } from "./websocket_client.ts";
 * const options: WebSocketConnectOptions = {
 *   protocols: ["ocpp1.6"],
 *   headers: { Authorization: basicAuthHeader("CP-1", "secret") },
 *   handshakeTimeoutMs: 10_000,
 * };
 * ```
 */
export interface WebSocketConnectOptions {
  /** Subprotocols offered in `Sec-WebSocket-Protocol`, e.g. `["ocpp1.6"]`. */
  protocols?: string[];
  /** Extra handshake headers, e.g. `Authorization`. Handshake headers themselves are refused. */
  headers?: Record<string, string>;
  /** PEM roots trusted for `wss:` in addition to the default roots (unused by `ws:`). */
  caCerts?: string[];
  /** PEM client certificate chain for TLS client authentication (`wss:` only, with `clientKey`). */
  clientCert?: string;
  /** PEM private key of `clientCert`. */
  clientKey?: string;
  /** Bound of connect + TLS + HTTP upgrade, in ms (default 30000). */
  handshakeTimeoutMs?: number;
  /** Aborts the connection attempt (not an established connection: use `close()`). */
  signal?: AbortSignal;
  /** Largest accepted message in bytes (default 16 MiB); bigger closes with 1009. */
  maxMessageBytes?: number;
  /** Bound of the close handshake in ms (default 5000); then the socket is closed anyway. */
  closeTimeoutMs?: number;
}

/**
 * An open WebSocket connection. Assign the handlers right after {@linkcode connectWebSocket}
 * resolves (frames are read from the next macrotask on). An exception thrown by a handler is
 * passed to `reportError`, like one thrown by a listener of the built-in `WebSocket`.
 *
 * @example
 * ```ts ignore
 * import { connectWebSocket } from "./websocket_client.ts";
 * const ws = await connectWebSocket("ws://127.0.0.1:9000/ocpp/CP-1", { protocols: ["ocpp1.6"] });
 * ws.onMessage = (text) => console.log(text);
 * ws.onClose = (code, reason) => console.log("closed", code, reason);
 * ws.send('[2,"1","Heartbeat",{}]');
 * ws.close(1000);
 * ```
 */
export interface WebSocketConnection {
  /** The subprotocol the server selected ("" if none was offered). */
  readonly protocol: string;
  /** Resolves once the socket is closed, `onClose` was called and no read or write is pending. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Sends a (masked) text frame; throws {@linkcode WebSocketError} `NOT_OPEN` once closing. */
  send(text: string): void;
  /** Sends a ping frame (payload at most 125 bytes); throws `NOT_OPEN` once closing. */
  ping(payload?: Uint8Array): void;
  /** Starts the close handshake (code 1000 or 3000..4999); no-op if already closing. */
  close(code?: number, reason?: string): void;
  /** Called with each complete text message. */
  onMessage: ((text: string) => void) | undefined;
  /** Called with the payload of each pong frame. */
  onPong: ((payload: Uint8Array) => void) | undefined;
  /**
   * Called exactly once: with the peer's close code/reason, the code this client failed the
   * connection with (1002, 1003, 1007, 1009), or 1006 when the socket broke or a close timed out.
   */
  onClose: ((code: number, reason: string) => void) | undefined;
}

/**
 * Why {@linkcode connectWebSocket} failed, or `NOT_OPEN` for a send/ping on a closing connection.
 *
 * @example
 * ```ts
 * import type { WebSocketErrorCode } from "./websocket_client.ts";
 * const retryable = (code: WebSocketErrorCode) => code !== "PROTOCOL_MISMATCH";
 * ```
 */
export type WebSocketErrorCode =
  | "HANDSHAKE_FAILED"
  | "HTTP_STATUS"
  | "PROTOCOL_MISMATCH"
  | "TLS_FAILED"
  | "CONNECT_FAILED"
  | "NOT_OPEN"
  | "TIMEOUT"
  | "ABORTED";

/**
 * A WebSocket failure; `status` holds the HTTP status when the upgrade was refused.
 *
 * @example
 * ```ts ignore
 * import { connectWebSocket, WebSocketError } from "./websocket_client.ts";
 * try {
 *   await connectWebSocket("ws://127.0.0.1:9000/ocpp/CP-1", { protocols: ["ocpp1.6"] });
 * } catch (e) {
 *   if (e instanceof WebSocketError && e.status === 401) console.log("bad credentials");
 * }
 * ```
 */
export class WebSocketError extends ChargePointError {
  /** What failed. */
  declare readonly code: WebSocketErrorCode;
  /** HTTP status of a refused upgrade (code `HTTP_STATUS`). */
  readonly status?: number;
  /** `status` is given for code `HTTP_STATUS`. */
  constructor(
    code: WebSocketErrorCode,
    message: string,
    options?: ErrorOptions & { status?: number },
  ) {
    super(code, message, options);
    this.name = "WebSocketError";
    this.status = options?.status;
  }
}

/**
 * `Authorization` header value for HTTP Basic authentication (RFC 7617, UTF-8). The password may
 * be raw bytes (a hex AuthorizationKey stands for bytes that need not be UTF-8).
 *
 * @example
 * ```ts
 * import { basicAuthHeader } from "./websocket_client.ts";
 * console.log(basicAuthHeader("CP-1", "secret")); // "Basic Q1AtMTpzZWNyZXQ="
 * console.log(basicAuthHeader("CP-1", new Uint8Array([0xff, 0x00]))); // "Basic Q1AtMTr/AA=="
 * ```
 */
export function basicAuthHeader(username: string, password: string | Uint8Array): string {
  if (username.includes(":")) {
    throw new InvalidArgumentError("username", username, "must not contain ':'");
  }
  const user = new TextEncoder().encode(`${username}:`);
  const pass = typeof password === "string" ? new TextEncoder().encode(password) : password;
  return "Basic " + base64(concat([user, pass]));
}

/**
 * Opens a WebSocket connection to a `ws:` or `wss:` URL. Rejects with {@linkcode WebSocketError}
 * (`CONNECT_FAILED`, `TLS_FAILED`, `HTTP_STATUS`, `HANDSHAKE_FAILED`, `PROTOCOL_MISMATCH`,
 * `TIMEOUT`, `ABORTED`), or {@linkcode InvalidArgumentError} for a bad URL or option.
 *
 * @example
 * ```ts ignore
 * import { basicAuthHeader, connectWebSocket } from "./websocket_client.ts";
 * const ws = await connectWebSocket("wss://csms.example.com/ocpp/CP-1", {
 *   protocols: ["ocpp1.6"],
 *   headers: { Authorization: basicAuthHeader("CP-1", "secret") },
 * });
 * ws.onPong = () => console.log("CSMS alive");
 * ws.ping();
 * ```
 */
export async function connectWebSocket(
  url: string,
  options: WebSocketConnectOptions = {},
): Promise<WebSocketConnection> {
  const target = parseTarget(url, options);
  if (options.signal?.aborted) throw new WebSocketError("ABORTED", "connection attempt aborted");
  const attempt: Attempt = { abort: new AbortController() };
  let rejectEarly: (e: WebSocketError) => void = () => {};
  const early = new Promise<never>((_, reject) => (rejectEarly = reject));
  const stop = (error: WebSocketError) => {
    attempt.error ??= error;
    attempt.abort.abort();
    closeQuietly(attempt.conn);
    rejectEarly(attempt.error);
  };
  const ms = options.handshakeTimeoutMs ?? 30_000;
  const timer = setTimeout(
    () => stop(new WebSocketError("TIMEOUT", `no handshake in ${ms} ms`)),
    ms,
  );
  const onAbort = () => stop(new WebSocketError("ABORTED", "connection attempt aborted"));
  options.signal?.addEventListener("abort", onAbort);
  const handshaking = handshake(target, options, attempt);
  // If stop() wins the race this rejection only repeats attempt.error, else the race reports it.
  handshaking.catch((e: unknown) => void e);
  try {
    return await Promise.race([handshaking, early]);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RESERVED_HEADERS = ["host", "upgrade", "connection", "sec-websocket-key"];

interface Target {
  secure: boolean;
  hostname: string;
  port: number;
  host: string;
  path: string;
  headers: [string, string][];
  protocols: string[];
}

interface Attempt {
  abort: AbortController;
  conn?: Deno.Conn;
  error?: WebSocketError;
}

function parseTarget(url: string, o: WebSocketConnectOptions): Target {
  let u: URL;
  try {
    u = new URL(url);
  } catch (_invalid) {
    // The parser's message quotes the text, password included: not passed on.
    throw new InvalidArgumentError("url", redactUrl(url), "not a URL");
  }
  if (u.protocol !== "ws:" && u.protocol !== "wss:") {
    throw new InvalidArgumentError("url", redactUrl(url), "scheme must be ws: or wss:");
  }
  const secure = u.protocol === "wss:";
  if (!secure && o.clientCert) {
    throw new InvalidArgumentError("url", redactUrl(url), "a client certificate needs a wss: URL");
  }
  if (!o.clientCert !== !o.clientKey) {
    throw new InvalidArgumentError("clientKey", "(hidden)", "clientCert and clientKey go together");
  }
  const headers = Object.entries(o.headers ?? {});
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (
      !TOKEN.test(name) || RESERVED_HEADERS.includes(lower) || lower.startsWith("sec-websocket")
    ) {
      throw new InvalidArgumentError("headers", name, "invalid or reserved header name");
    }
    if (/[\r\n\0]/.test(value)) throw new InvalidArgumentError("headers", name, "invalid value");
  }
  if (u.username && !headers.some(([n]) => n.toLowerCase() === "authorization")) {
    const [user, pass] = [decodeURIComponent(u.username), decodeURIComponent(u.password)];
    headers.push(["Authorization", basicAuthHeader(user, pass)]);
  }
  const protocols = o.protocols ?? [];
  const bad = protocols.find((p) => !TOKEN.test(p));
  if (bad !== undefined) throw new InvalidArgumentError("protocols", bad, "not a token");
  return {
    secure,
    hostname: u.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: Number(u.port || (secure ? 443 : 80)),
    host: u.host, // URL drops default ports, so the port is kept only when not default
    path: (u.pathname || "/") + u.search,
    headers,
    protocols,
  };
}

async function handshake(t: Target, o: WebSocketConnectOptions, a: Attempt): Promise<Connection> {
  try {
    const conn = await dial(t, o, a);
    const key = base64(crypto.getRandomValues(new Uint8Array(16)));
    const lines = [
      `GET ${t.path} HTTP/1.1`,
      `Host: ${t.host}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Key: ${key}`,
      "Sec-WebSocket-Version: 13",
      ...(t.protocols.length ? [`Sec-WebSocket-Protocol: ${t.protocols.join(", ")}`] : []),
      ...t.headers.map(([name, value]) => `${name}: ${value}`),
    ];
    await writeAll(conn, new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"));
    const { status, headers, rest } = await readResponseHead(conn);
    if (status !== 101) {
      throw new WebSocketError("HTTP_STATUS", `upgrade refused with HTTP ${status}`, { status });
    }
    const one = (name: string) => headers.get(name)?.join(",").trim().toLowerCase() ?? "";
    const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(key + GUID));
    if (one("upgrade") !== "websocket" || !one("connection").split(/\s*,\s*/).includes("upgrade")) {
      throw new WebSocketError("HANDSHAKE_FAILED", "missing Upgrade/Connection headers");
    }
    if (headers.get("sec-websocket-accept")?.join() !== base64(new Uint8Array(digest))) {
      throw new WebSocketError("HANDSHAKE_FAILED", "wrong Sec-WebSocket-Accept");
    }
    if (headers.has("sec-websocket-extensions")) {
      throw new WebSocketError("HANDSHAKE_FAILED", "server selected an extension not offered");
    }
    const selected = headers.get("sec-websocket-protocol")?.join(",").trim() ?? "";
    if (selected !== "" ? !t.protocols.includes(selected) : t.protocols.length > 0) {
      const offered = t.protocols.join(", ") || "none";
      throw new WebSocketError(
        "PROTOCOL_MISMATCH",
        `server selected subprotocol "${selected}", offered: ${offered}`,
      );
    }
    if (a.error) throw a.error;
    return new Connection(conn, rest, selected, o);
  } catch (e) {
    closeQuietly(a.conn);
    if (a.error) throw a.error;
    if (e instanceof WebSocketError) throw e;
    // TLS 1.3 reports a refused client certificate as an alert on the first read.
    const tls = t.secure && e instanceof Deno.errors.InvalidData;
    const message = `handshake with ${t.host} failed: ${errorText(e)}`;
    throw new WebSocketError(tls ? "TLS_FAILED" : "HANDSHAKE_FAILED", message, { cause: e });
  }
}

async function dial(t: Target, o: WebSocketConnectOptions, a: Attempt): Promise<Deno.Conn> {
  const where = `${t.hostname}:${t.port}`;
  let tls: Deno.TlsConn;
  try {
    const { hostname, port } = t;
    if (!t.secure) {
      const tcp = await Deno.connect({ hostname, port, signal: a.abort.signal });
      tcp.setNoDelay(true); // one OCPP-J frame = one write: do not let Nagle hold the next one
      return (a.conn = tcp);
    }
    const client = o.clientCert && o.clientKey ? { cert: o.clientCert, key: o.clientKey } : {};
    a.conn = tls = await Deno.connectTls({ hostname, port, caCerts: o.caCerts, ...client });
  } catch (e) {
    throw a.error ??
      new WebSocketError("CONNECT_FAILED", `cannot connect to ${where}: ${errorText(e)}`, {
        cause: e,
      });
  }
  if (a.error) throw a.error; // connectTls has no signal: a late connection is closed here
  try {
    await tls.handshake();
  } catch (e) {
    throw a.error ??
      new WebSocketError("TLS_FAILED", `TLS with ${where} failed: ${errorText(e)}`, { cause: e });
  }
  return tls;
}

async function readResponseHead(conn: Deno.Conn) {
  let buf: Uint8Array = new Uint8Array(0);
  const chunk = new Uint8Array(4096);
  for (let end = -1; end < 0; end = indexOfHeadEnd(buf)) {
    if (buf.length > 65536) throw new WebSocketError("HANDSHAKE_FAILED", "response head too big");
    const n = await conn.read(chunk);
    if (n === null) throw new WebSocketError("HANDSHAKE_FAILED", "connection closed in handshake");
    buf = concat([buf, chunk.subarray(0, n)]);
  }
  const end = indexOfHeadEnd(buf);
  const [statusLine, ...lines] = new TextDecoder().decode(buf.subarray(0, end)).split("\r\n");
  const match = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
  if (!match) throw new WebSocketError("HANDSHAKE_FAILED", `bad status line: ${statusLine}`);
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new WebSocketError("HANDSHAKE_FAILED", `bad header line: ${line}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return { status: Number(match[1]), headers, rest: buf.slice(end + 4) };
}

function indexOfHeadEnd(buf: Uint8Array): number {
  for (let i = 0; i + 3 < buf.length; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) return i;
  }
  return -1;
}

/** A protocol violation by the peer: the connection is failed with `code`. */
class ProtocolError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

const OP = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

class Connection implements WebSocketConnection {
  onMessage: ((text: string) => void) | undefined;
  onPong: ((payload: Uint8Array) => void) | undefined;
  onClose: ((code: number, reason: string) => void) | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;
  #state: "open" | "closing" | "closed" = "open";
  #closeInfo = { code: 1006, reason: "" };
  #writes: Promise<void> = Promise.resolve();
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  #fragments: Uint8Array[] | undefined;
  #fragmentBytes = 0;
  #pending: Uint8Array;
  readonly #chunk = new Uint8Array(16384);
  readonly #maxBytes: number;
  readonly #closeTimeoutMs: number;
  readonly #conn: Deno.Conn;
  readonly protocol: string;

  constructor(conn: Deno.Conn, rest: Uint8Array, protocol: string, o: WebSocketConnectOptions) {
    this.#conn = conn;
    this.protocol = protocol;
    this.#pending = rest;
    this.#maxBytes = o.maxMessageBytes ?? 16 * 1024 * 1024;
    this.#closeTimeoutMs = o.closeTimeoutMs ?? 5000;
    // Start reading on the next macrotask so the caller can assign handlers first.
    this.closed = new Promise((resolve) => setTimeout(resolve, 0)).then(() => this.#run());
  }

  send(text: string): void {
    this.#requireOpen();
    this.#queue(OP.text, new TextEncoder().encode(text));
  }

  ping(payload: Uint8Array = new Uint8Array(0)): void {
    if (payload.length > 125) throw new InvalidArgumentError("payload", payload.length, "> 125");
    this.#requireOpen();
    this.#queue(OP.ping, payload);
  }

  close(code = 1000, reason = ""): void {
    if (code !== 1000 && (code < 3000 || code > 4999)) {
      throw new InvalidArgumentError("code", code, "must be 1000 or 3000..4999");
    }
    const payload = closePayload(code, reason);
    if (payload.length > 125) throw new InvalidArgumentError("reason", reason, "> 123 bytes");
    if (this.#state !== "open") return;
    this.#queue(OP.close, payload);
    this.#state = "closing";
    this.#closeTimer = setTimeout(
      () => this.#finish(1006, "close handshake timed out"),
      this.#closeTimeoutMs,
    );
  }

  #requireOpen(): void {
    if (this.#state !== "open") {
      throw new WebSocketError("NOT_OPEN", `connection is ${this.#state}`);
    }
  }

  #queue(opcode: number, payload: Uint8Array): void {
    const frame = encodeFrame(opcode, payload);
    this.#writes = this.#writes.then(() => writeAll(this.#conn, frame)).catch((e: unknown) => {
      // Once closed, writes fail because this side closed the socket: nothing left to report.
      if (this.#state !== "closed") this.#finish(1006, `write failed: ${errorText(e)}`);
    });
  }

  async #run(): Promise<{ code: number; reason: string }> {
    try {
      while (await this.#step());
    } catch (e) {
      if (e instanceof ProtocolError) await this.#fail(e.code, e.message);
      else if (this.#state !== "closed") this.#finish(1006, `connection lost: ${errorText(e)}`);
      // else: the pending read was interrupted because this side closed the socket
    }
    await this.#writes;
    return this.#closeInfo;
  }

  /** Reads one frame; false once the connection is closed. */
  async #step(): Promise<boolean> {
    const [b0, b1] = await this.#read(2);
    const fin = (b0 & 0x80) !== 0, opcode = b0 & 0x0f;
    if (b0 & 0x70) throw new ProtocolError(1002, "reserved bits set");
    if (b1 & 0x80) throw new ProtocolError(1002, "masked server frame");
    let length = b1 & 0x7f;
    if (length === 126) length = view(await this.#read(2)).getUint16(0);
    else if (length === 127) {
      const big = view(await this.#read(8)).getBigUint64(0);
      length = big > BigInt(this.#maxBytes) ? Infinity : Number(big);
    }
    if (opcode >= OP.close) {
      if (!fin || length > 125) throw new ProtocolError(1002, "bad control frame");
      return this.#control(opcode, await this.#read(length));
    }
    if (opcode > OP.binary) throw new ProtocolError(1002, `unknown opcode ${opcode}`);
    if ((opcode === OP.continuation) !== (this.#fragments !== undefined)) {
      throw new ProtocolError(1002, "unexpected continuation state");
    }
    if (opcode === OP.binary) throw new ProtocolError(1003, "binary messages are not supported");
    if (this.#fragmentBytes + length > this.#maxBytes) {
      throw new ProtocolError(1009, `message bigger than ${this.#maxBytes} bytes`);
    }
    const payload = await this.#read(length);
    if (fin && !this.#fragments) return this.#deliver(payload);
    (this.#fragments ??= []).push(payload);
    this.#fragmentBytes += length;
    if (!fin) return true;
    const whole = concat(this.#fragments);
    [this.#fragments, this.#fragmentBytes] = [undefined, 0];
    return this.#deliver(whole);
  }

  #deliver(payload: Uint8Array): boolean {
    const text = decodeUtf8(payload);
    emit(() => this.onMessage?.(text));
    return true;
  }

  async #control(opcode: number, payload: Uint8Array): Promise<boolean> {
    if (opcode === OP.ping) {
      if (this.#state === "open") this.#queue(OP.pong, payload);
    } else if (opcode === OP.pong) {
      emit(() => this.onPong?.(payload));
    } else {
      if (payload.length === 1) throw new ProtocolError(1002, "close payload of 1 byte");
      const code = payload.length ? view(payload).getUint16(0) : 1005;
      const valid = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
        (code >= 3000 && code <= 4999);
      if (payload.length && !valid) throw new ProtocolError(1002, `invalid close code ${code}`);
      const reason = decodeUtf8(payload.subarray(2));
      if (this.#state === "open") {
        this.#state = "closing";
        this.#queue(OP.close, payload); // echo code and reason
        await this.#flush();
      }
      this.#finish(code, reason);
    }
    return this.#state !== "closed";
  }

  async #fail(code: number, reason: string): Promise<void> {
    if (this.#state === "open") this.#queue(OP.close, closePayload(code, reason));
    this.#state = "closing";
    await this.#flush();
    this.#finish(code, reason);
  }

  /** Waits for queued writes, at most `closeTimeoutMs`. */
  async #flush(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bound = new Promise<void>((done) => {
      timer = setTimeout(done, this.#closeTimeoutMs);
    });
    await Promise.race([this.#writes, bound]);
    clearTimeout(timer);
  }

  #finish(code: number, reason: string): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#closeInfo = { code, reason };
    clearTimeout(this.#closeTimer);
    closeQuietly(this.#conn); // also interrupts a pending read
    emit(() => this.onClose?.(code, reason));
  }

  async #read(n: number): Promise<Uint8Array> {
    if (this.#pending.length < n && n <= 4096) {
      while (this.#pending.length < n) {
        const got = await this.#conn.read(this.#chunk);
        if (got === null) throw new Error("connection closed by peer");
        this.#pending = concat([this.#pending, this.#chunk.subarray(0, got)]);
      }
    }
    const out = new Uint8Array(n);
    let filled = Math.min(n, this.#pending.length);
    out.set(this.#pending.subarray(0, filled));
    this.#pending = this.#pending.subarray(filled);
    while (filled < n) {
      const got = await this.#conn.read(out.subarray(filled));
      if (got === null) throw new Error("connection closed by peer");
      filled += got;
    }
    return out;
  }
}

function encodeFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const len = payload.length;
  const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const frame = new Uint8Array(6 + ext + len);
  frame[0] = 0x80 | opcode;
  frame[1] = 0x80 | (ext === 0 ? len : ext === 2 ? 126 : 127);
  if (ext === 2) view(frame).setUint16(2, len);
  if (ext === 8) view(frame).setBigUint64(2, BigInt(len));
  const mask = crypto.getRandomValues(new Uint8Array(4));
  frame.set(mask, 2 + ext);
  for (let i = 0, at = 6 + ext; i < len; i++) frame[at + i] = payload[i] ^ mask[i & 3];
  return frame;
}

function closePayload(code: number, reason: string): Uint8Array {
  const text = new TextEncoder().encode(reason);
  const payload = new Uint8Array(2 + text.length);
  view(payload).setUint16(0, code);
  payload.set(text, 2);
  return payload;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch (e) {
    throw new ProtocolError(1007, `invalid UTF-8 (${errorText(e)})`);
  }
}

function emit(handler: () => void): void {
  try {
    handler();
  } catch (e) {
    reportError(e); // same treatment as a throwing listener of the built-in WebSocket
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

function closeQuietly(conn: Deno.Conn | undefined): void {
  try {
    conn?.close();
  } catch (e) {
    // Closing twice throws BadResource: the socket is closed either way, as wanted.
    if (!(e instanceof Deno.errors.BadResource)) throw e;
  }
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
