/**
 * A Deno-native, scripted OCPP 1.6-J central system (CSMS) for precise tests: raw frames, fuzzing,
 * refused upgrades. It does NOT validate anything itself (use {@link FrameValidator} from
 * `ocpp_schema.ts` on {@link ScriptedCsms.frames}); for an independent, strict peer use `RpcCsms`.
 *
 * Direction naming: every frame is named from the CHARGE POINT's side of the wire — `"fromCp"` is
 * a frame the charge point sent (the CSMS received it), `"toCp"` a frame the CSMS sent to the
 * charge point. `assertAllValid(csms.frames)` understands this naming.
 *
 * This module also holds what both test CSMS peers share: the reply types, the default replies
 * ({@link ResponseTable}) and bounded condition waiting ({@link Waiters}).
 *
 * @module
 */

/** A timer handle (a number in Deno, a `Timeout` in Node's typings). */
type Timer = ReturnType<typeof setTimeout>;

/** Every wait of this module is bounded; this is the default bound. */
export const DEFAULT_TIMEOUT_MS = 5000;

/** A CALLERROR the CSMS answers with. */
export interface CsmsErrorReply {
  /** The CALLERROR: `code` (e.g. `"InternalError"`), `description` (default `""`), `details` ({}). */
  readonly error: {
    readonly code: string;
    readonly description?: string;
    readonly details?: Readonly<Record<string, unknown>>;
  };
}

/** Never answer the CALL (the charge point times out). */
export interface CsmsNoReply {
  /** Always `true`. */
  readonly noReply: true;
}

/** Answer with `reply` after `delayMs` milliseconds. */
export interface CsmsDelayedReply {
  /** Delay before answering, in milliseconds. */
  readonly delayMs: number;
  /** The answer given after the delay. */
  readonly reply: CsmsReply;
}

/**
 * How the CSMS answers one CALL: a CALLRESULT payload (any object without the keys `error`,
 * `noReply`, `delayMs`; no OCPP 1.6 `.conf` payload has them), a CALLERROR, no answer, or a delayed
 * answer.
 */
export type CsmsReply =
  | CsmsErrorReply
  | CsmsNoReply
  | CsmsDelayedReply
  | Readonly<Record<string, unknown>>;

/** A CALL the charge point sent, as given to responder functions. */
export interface IncomingCall {
  /** The charge point identity (last path segment of the WebSocket URL). */
  readonly identity: string;
  /** The OCPP action, e.g. `"BootNotification"`. */
  readonly action: string;
  /** The CALL payload, unchecked. */
  readonly params: unknown;
  /** The CALL's message id. */
  readonly messageId: string;
  /** Arrival time, epoch milliseconds. */
  readonly at: number;
}

/**
 * What {@link ResponseTable.respond} accepts for an action: one reply (used for every CALL), a list
 * of replies used in order (the last one repeats), or a function computing the reply.
 */
export type CsmsResponder =
  | CsmsReply
  | readonly CsmsReply[]
  | ((call: IncomingCall) => CsmsReply | Promise<CsmsReply>);

/** A reply reduced to what goes on the wire, after any delay. */
export type ResolvedReply =
  | { readonly kind: "result"; readonly payload: unknown; readonly delayMs: number }
  | {
    readonly kind: "error";
    readonly code: string;
    readonly description: string;
    readonly details: Readonly<Record<string, unknown>>;
    readonly delayMs: number;
  }
  | { readonly kind: "noReply"; readonly delayMs: number };

/** Actions answered with an empty CALLRESULT payload by default. */
const EMPTY_RESULT_ACTIONS = new Set([
  "StatusNotification",
  "MeterValues",
  "DiagnosticsStatusNotification",
  "FirmwareStatusNotification",
  "LogStatusNotification",
  "SecurityEventNotification",
  "SignedFirmwareStatusNotification",
  "StopTransaction",
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The reply table of a test CSMS: default answers for every CALL a 1.6 charge point sends, with
 * per-action overrides.
 *
 * Defaults: BootNotification `{status:"Accepted", currentTime, interval:300}`, Heartbeat
 * `{currentTime}`, Authorize `{idTagInfo:{status:"Accepted"}}`, StartTransaction
 * `{transactionId: 1, 2, 3..., idTagInfo:{status:"Accepted"}}`, DataTransfer and SignCertificate
 * `{status:"Accepted"}`, StatusNotification, MeterValues, StopTransaction and the *Notification
 * actions `{}`; any other action gets a `NotImplemented` CALLERROR. `currentTime` is
 * `new Date().toISOString()` at the time of the answer.
 */
export class ResponseTable {
  readonly #overrides = new Map<string, { responder: CsmsResponder; used: number }>();
  #nextTransactionId = 1;

  /** Overrides the reply for `action`; `undefined` restores the default. */
  respond(action: string, responder: CsmsResponder | undefined): void {
    if (responder === undefined) this.#overrides.delete(action);
    else this.#overrides.set(action, { responder, used: 0 });
  }

  /** Restores every default (the transaction id counter keeps counting). */
  reset(): void {
    this.#overrides.clear();
  }

  /** The default reply to `action` (increments the transaction id for StartTransaction). */
  defaultReply(action: string): CsmsReply {
    const currentTime = new Date().toISOString();
    if (EMPTY_RESULT_ACTIONS.has(action)) return {};
    switch (action) {
      case "BootNotification":
        return { status: "Accepted", currentTime, interval: 300 };
      case "Heartbeat":
        return { currentTime };
      case "Authorize":
        return { idTagInfo: { status: "Accepted" } };
      case "StartTransaction":
        return { transactionId: this.#nextTransactionId++, idTagInfo: { status: "Accepted" } };
      case "DataTransfer":
      case "SignCertificate":
        return { status: "Accepted" };
      default:
        return {
          error: { code: "NotImplemented", description: `test CSMS has no reply for ${action}` },
        };
    }
  }

  /** Computes the reply to `call` (override or default), unwrapping delays. */
  async replyFor(call: IncomingCall): Promise<ResolvedReply> {
    const override = this.#overrides.get(call.action);
    let reply: CsmsReply;
    if (override === undefined) {
      reply = this.defaultReply(call.action);
    } else if (typeof override.responder === "function") {
      reply = await override.responder(call);
    } else if (Array.isArray(override.responder)) {
      const list: readonly CsmsReply[] = override.responder;
      if (list.length === 0) throw new Error(`empty reply list for ${call.action}`);
      reply = list[Math.min(override.used, list.length - 1)];
      override.used++;
    } else {
      reply = override.responder as CsmsReply;
    }
    return resolveReply(reply, 0);
  }
}

function resolveReply(reply: CsmsReply, delayMs: number): ResolvedReply {
  if ("delayMs" in reply && typeof reply.delayMs === "number" && "reply" in reply) {
    return resolveReply(reply.reply as CsmsReply, delayMs + reply.delayMs);
  }
  if ("noReply" in reply && reply.noReply === true) return { kind: "noReply", delayMs };
  if ("error" in reply && isRecord(reply.error)) {
    const { code, description, details } = reply.error;
    return {
      kind: "error",
      code: String(code),
      description: typeof description === "string" ? description : "",
      details: isRecord(details) ? details : {},
      delayMs,
    };
  }
  return { kind: "result", payload: reply, delayMs };
}

/**
 * Bounded waiting for conditions on a peer's recorded state. Call {@link Waiters.notify} after
 * every state change; {@link Waiters.rejectAll} on shutdown (clears every timer).
 */
export class Waiters {
  readonly #waiting = new Set<() => void>();
  readonly #failures = new Set<(reason: Error) => void>();

  /**
   * Resolves with `check()`'s first non-`undefined` result; rejects after `timeoutMs` with
   * `Error("timed out after <ms> ms waiting for <describe()>")`.
   */
  wait<T>(check: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiting.delete(poll);
        this.#failures.delete(fail);
      };
      const poll = () => {
        let value: T | undefined;
        try {
          value = check();
        } catch (error) {
          done();
          reject(error);
          return;
        }
        if (value !== undefined) {
          done();
          resolve(value);
        }
      };
      const fail = (reason: Error) => {
        done();
        reject(reason);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}`));
      }, timeoutMs);
      this.#waiting.add(poll);
      this.#failures.add(fail);
    });
  }

  /** Re-checks every pending condition. */
  notify(): void {
    for (const poll of [...this.#waiting]) poll();
  }

  /** Rejects every pending wait with `reason`. */
  rejectAll(reason: string): void {
    for (const fail of [...this.#failures]) fail(new Error(reason));
  }
}

/** Describes the CALLs in `calls` (for timeout messages): `"BootNotification×1, Heartbeat×2"`. */
export function summarizeActions(calls: readonly { action: string }[]): string {
  if (calls.length === 0) return "no CALL at all";
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(call.action, (counts.get(call.action) ?? 0) + 1);
  return [...counts].map(([action, n]) => `${action}×${n}`).join(", ");
}

/** A CALLERROR answer (or a local failure) to a CALL the test CSMS sent. */
export class CsmsCallError extends Error {
  /** The CALLERROR code as sent by the charge point, e.g. `"NotSupported"`. */
  readonly code: string;
  /** The CALLERROR description. */
  readonly description: string;
  /** The CALLERROR details. */
  readonly details: unknown;

  /** Creates the error; the message is `"<action> → CALLERROR <code>: <description>"`. */
  constructor(action: string, code: string, description: string, details: unknown) {
    super(`${action} → CALLERROR ${code}: ${description}`);
    this.name = "CsmsCallError";
    this.code = code;
    this.description = description;
    this.details = details;
  }
}

// ---------------------------------------------------------------------------------------------
// ScriptedCsms
// ---------------------------------------------------------------------------------------------

/** An HTTP request the scripted CSMS got (WebSocket upgrade or not) and what it did with it. */
export interface UpgradeRequestInfo {
  /** URL path, e.g. `"/CP-1"`. */
  readonly path: string;
  /** Last path segment, URI-decoded: the charge point identity. */
  readonly identity: string;
  /** Request headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Subprotocols offered in `Sec-WebSocket-Protocol`. */
  readonly protocols: readonly string[];
  /** The subprotocol selected, `""` if none. */
  readonly protocol: string;
  /** 101 when upgraded, otherwise the HTTP status answered (401, 426, ...). */
  readonly status: number;
  /** Why the request was refused (when `status` is not 101). */
  readonly refusal?: string;
  /** Arrival time, epoch milliseconds. */
  readonly at: number;
}

/** A WebSocket frame, named from the charge point's side (see the module documentation). */
export interface CsmsFrame {
  /** `"fromCp"`: the charge point sent it; `"toCp"`: the CSMS sent it. */
  readonly dir: "fromCp" | "toCp";
  /** The frame text (binary frames are decoded as UTF-8 and flagged). */
  readonly text: string;
  /** `JSON.parse(text)`, or `undefined` when it is not JSON. */
  readonly message: unknown;
  /** `true` for a binary frame (OCPP-J only uses text frames). */
  readonly binary: boolean;
  /** 1-based number of the WebSocket connection it went over. */
  readonly connection: number;
  /** Time, epoch milliseconds. */
  readonly at: number;
}

/** A CALL the charge point sent, with the connection it came over. */
export interface ScriptedReceivedCall extends IncomingCall {
  /** 1-based number of the WebSocket connection. */
  readonly connection: number;
}

/** How a WebSocket connection ended. */
export interface ConnectionClose {
  /** 1-based connection number. */
  readonly connection: number;
  /** The close code (1005 when the peer gave none, 1006 when the TCP connection dropped). */
  readonly code: number;
  /** The close reason. */
  readonly reason: string;
  /** Whether the closing handshake completed. */
  readonly wasClean: boolean;
  /** Time, epoch milliseconds. */
  readonly at: number;
}

/** Options of {@link ScriptedCsms.start}. */
export interface ScriptedCsmsOptions {
  /** Port to listen on (127.0.0.1 only); default 0 = any free port. */
  readonly port?: number;
  /**
   * Refuse WebSocket upgrades: a fixed HTTP status (e.g. 401, 404, 503) or a function deciding per
   * request (return `undefined` to accept).
   */
  readonly rejectUpgrade?:
    | number
    | ((request: Omit<UpgradeRequestInfo, "status" | "protocol">) => number | undefined);
  /** Require HTTP Basic auth with these credentials; anything else is refused with 401. */
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /**
   * The subprotocol to select when the charge point offers it: default `"ocpp1.6"`; `null` never
   * selects one (the charge point should then give up the connection).
   */
  readonly subprotocol?: string | null;
  /** Answer the charge point's CALLs from the reply table; default `true`. */
  readonly autoRespond?: boolean;
  /** Serve `wss:` with this PEM certificate (chain) and key (security profile 2 tests). */
  readonly tls?: { readonly cert: string; readonly key: string };
}

interface PendingCall {
  readonly action: string;
  readonly resolve: (payload: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: Timer;
}

interface Connection {
  readonly number: number;
  readonly socket: WebSocket;
  readonly identity: string;
  readonly closed: Promise<void>;
  /** The socket opened once. */
  opened: boolean;
  /** The socket is open now. */
  open: boolean;
}

/** Why the Basic credentials are refused, or `undefined` when they are right (or not required). */
function basicAuthProblem(
  header: string | null,
  expected: ScriptedCsmsOptions["basicAuth"],
): string | undefined {
  if (expected === undefined) return undefined;
  if (header === null) return "no Authorization header";
  const match = /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (match === null) return "Authorization header is not Basic";
  let decoded: string;
  try {
    const bytes = Uint8Array.from(atob(match[1]), (c) => c.charCodeAt(0));
    decoded = new TextDecoder().decode(bytes);
  } catch (error) {
    return `Authorization header is not base64 (${String(error)})`;
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return "Basic credentials without a colon";
  if (decoded.slice(0, colon) !== expected.username) return "wrong username";
  if (decoded.slice(colon + 1) !== expected.password) return "wrong password";
  return undefined;
}

/**
 * A scripted CSMS on `ws://127.0.0.1:<port>` (the charge point appends `/<identity>`).
 *
 * It answers the charge point's CALLs from a {@link ResponseTable} (same defaults as `RpcCsms`),
 * records every frame and lets the test push raw text, send CALLs and wait for frames — every wait
 * bounded. Several successive connections are supported; {@link ScriptedCsms.sendRaw} and
 * {@link ScriptedCsms.call} use the most recent open one.
 *
 * @example
 * ```ts
 * await using csms = await ScriptedCsms.start();
 * const ws = new WebSocket(`${csms.url}/CP-1`, "ocpp1.6");
 * // ... ws sends a BootNotification CALL ...
 * await csms.waitFor("BootNotification");
 * ```
 */
export class ScriptedCsms {
  /** The TCP port it listens on. */
  readonly port: number;
  /** Every HTTP request received, upgraded or refused. */
  readonly requests: UpgradeRequestInfo[] = [];
  /** Every frame, both directions, in order. */
  readonly frames: CsmsFrame[] = [];
  /** Every well-formed CALL (`[2, "<id>", "<action>", payload]`) the charge point sent. */
  readonly received: ScriptedReceivedCall[] = [];
  /** Every connection close, in order. */
  readonly closes: ConnectionClose[] = [];
  /** Every WebSocket error event (a close always follows). */
  readonly socketErrors: { connection: number; message: string; at: number }[] = [];

  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #options: ScriptedCsmsOptions;
  readonly #responses = new ResponseTable();
  readonly #waiters = new Waiters();
  readonly #connections: Connection[] = [];
  readonly #pendingCalls = new Map<string, PendingCall>();
  /** Delayed replies waiting: timer → wake-up (with `false` when the CSMS stops). */
  readonly #timers = new Map<Timer, (elapsed: boolean) => void>();
  /** Frames (by index in `frames`) already returned by nextFromCp. */
  readonly #consumed = new Set<number>();
  #nextCallId = 1;
  #stopped = false;

  private constructor(options: ScriptedCsmsOptions) {
    this.#options = options;
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: options.port ?? 0, onListen: () => {}, ...options.tls },
      (request) => this.#handle(request),
    );
    this.port = this.#server.addr.port;
  }

  /** Starts listening on 127.0.0.1 (the port is known once this resolves). */
  static start(options: ScriptedCsmsOptions = {}): Promise<ScriptedCsms> {
    return Promise.resolve(new ScriptedCsms(options));
  }

  /** `ws://127.0.0.1:<port>` (`wss://` with `tls`); the charge point appends `/<identity>`. */
  get url(): string {
    return `${this.#options.tls === undefined ? "ws" : "wss"}://127.0.0.1:${this.port}`;
  }

  /** Number of WebSocket upgrades accepted since start (reconnections count). */
  get connectionCount(): number {
    return this.#connections.length;
  }

  /** Number of WebSocket connections currently open. */
  get openConnections(): number {
    return this.#connections.filter((c) => c.open).length;
  }

  /** Overrides the reply to the charge point's `action` CALLs; `undefined` restores the default. */
  respond(action: string, responder: CsmsResponder | undefined): void {
    this.#responses.respond(action, responder);
  }

  /** Restores every default reply. */
  resetResponses(): void {
    this.#responses.reset();
  }

  /**
   * Sends `text` as is (invalid JSON, wrong arrays...) to the most recent open connection.
   *
   * @throws Error when no connection is open.
   */
  sendRaw(text: string): void {
    this.#send(this.#current(), text);
  }

  /**
   * Sends a well-formed CALL `[2, "<id>", action, payload]` and resolves with the CALLRESULT
   * payload; rejects with a {@link CsmsCallError} on a CALLERROR, or an Error after `timeoutMs`.
   */
  call(action: string, payload: unknown, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<unknown> {
    const connection = this.#current();
    const id = `csms-${this.#nextCallId++}`;
    const promise = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pendingCalls.delete(id);
        reject(new Error(`${action} CALL "${id}" got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pendingCalls.set(id, { action, resolve, reject, timer });
    });
    this.#send(connection, JSON.stringify([2, id, action, payload]));
    return promise;
  }

  /**
   * Resolves with the first frame from the charge point that `predicate` accepts and that no
   * earlier `nextFromCp` returned (frames are checked in arrival order, including frames that
   * arrived before this call; frames that do not match stay available). Bounded by `timeoutMs`.
   */
  nextFromCp(
    predicate: (frame: CsmsFrame) => boolean = () => true,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<CsmsFrame> {
    return this.#waiters.wait(
      () => {
        const index = this.frames.findIndex((frame, i) =>
          frame.dir === "fromCp" && !this.#consumed.has(i) && predicate(frame)
        );
        if (index < 0) return undefined;
        this.#consumed.add(index);
        return this.frames[index];
      },
      timeoutMs,
      () => {
        const fromCp = this.frames.filter((f) => f.dir === "fromCp").map((f) => f.text);
        return `a matching frame from the charge point; got ${fromCp.length}: ${
          fromCp.slice(-5).join(" | ")
        }`;
      },
    );
  }

  /** Marks every frame received so far as seen: the next `nextFromCp` only sees newer frames. */
  skipReceivedFrames(): void {
    this.frames.forEach((frame, i) => {
      if (frame.dir === "fromCp") this.#consumed.add(i);
    });
  }

  /** Resolves with the `action` CALLs once at least `count` arrived (bounded by `timeoutMs`). */
  waitFor(
    action: string,
    count = 1,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<ScriptedReceivedCall[]> {
    return this.#waiters.wait(
      () => {
        const calls = this.received.filter((c) => c.action === action);
        return calls.length >= count ? calls : undefined;
      },
      timeoutMs,
      () => `${count}× ${action}; received ${summarizeActions(this.received)}`,
    );
  }

  /** Resolves once at least `count` connections have opened since start (bounded). */
  async waitForConnection(count = 1, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const opened = () => this.#connections.filter((c) => c.opened).length;
    await this.#waiters.wait(
      () => (opened() >= count ? true : undefined),
      timeoutMs,
      () => `${count} open connection(s); got ${opened()}`,
    );
  }

  /** Resolves with `check()`'s first non-`undefined` value, re-checked on every event (bounded). */
  waitUntil<T>(
    check: () => T | undefined,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    what = "condition",
  ): Promise<T> {
    return this.#waiters.wait(check, timeoutMs, () => what);
  }

  /** Closes every open connection with `code` (default 1000) and waits for the close (bounded). */
  async disconnect(code = 1000, reason = ""): Promise<void> {
    await this.#closeAll(code, reason);
  }

  /** Closes the connections (1001), shuts the server down, fails pending waits and calls. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#closeAll(1001, "CSMS stopping");
    for (const [timer, wake] of this.#timers) {
      clearTimeout(timer);
      wake(false);
    }
    this.#timers.clear();
    for (const [id, pending] of this.#pendingCalls) {
      clearTimeout(pending.timer);
      pending.reject(new Error(`${pending.action} CALL "${id}" aborted: CSMS stopped`));
    }
    this.#pendingCalls.clear();
    this.#waiters.rejectAll("scripted CSMS stopped");
    await this.#server.shutdown();
    await this.#server.finished;
  }

  /** Same as {@link ScriptedCsms.stop}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  #current(): Connection {
    const connection = this.#connections.findLast((c) => c.open);
    if (connection === undefined) throw new Error("scripted CSMS: no open connection");
    return connection;
  }

  #send(connection: Connection, text: string): void {
    connection.socket.send(text);
    this.#record("toCp", text, false, connection.number);
  }

  #record(dir: CsmsFrame["dir"], text: string, binary: boolean, connection: number): CsmsFrame {
    let message: unknown = undefined;
    try {
      message = JSON.parse(text);
    } catch (_notJson) {
      // Not JSON (a test may send or provoke garbage on purpose): `message` stays undefined.
    }
    const frame: CsmsFrame = { dir, text, message, binary, connection, at: Date.now() };
    this.frames.push(frame);
    this.#waiters.notify();
    return frame;
  }

  #handle(request: Request): Response {
    const url = new URL(request.url);
    const headers = Object.fromEntries(request.headers);
    const protocols = (request.headers.get("sec-websocket-protocol") ?? "")
      .split(",").map((p) => p.trim()).filter((p) => p !== "");
    const identity = decodeURIComponent(url.pathname.split("/").pop() ?? "");
    const base = { path: url.pathname, identity, headers, protocols, at: Date.now() };
    const refuse = (status: number, body: string, extra: Record<string, string> = {}) => {
      this.requests.push({ ...base, protocol: "", status, refusal: body });
      this.#waiters.notify();
      return new Response(body, { status, headers: extra });
    };

    if (this.#stopped) return refuse(503, "stopping");
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return refuse(426, "WebSocket upgrade required");
    }
    const rejection = typeof this.#options.rejectUpgrade === "function"
      ? this.#options.rejectUpgrade(base)
      : this.#options.rejectUpgrade;
    if (rejection !== undefined) return refuse(rejection, "refused by test");
    const authProblem = basicAuthProblem(
      request.headers.get("authorization"),
      this.#options.basicAuth,
    );
    if (authProblem !== undefined) {
      return refuse(401, `Unauthorized: ${authProblem}`, {
        "www-authenticate": 'Basic realm="OCPP"',
      });
    }

    const wanted = this.#options.subprotocol === undefined ? "ocpp1.6" : this.#options.subprotocol;
    const protocol = wanted !== null && protocols.includes(wanted) ? wanted : "";
    const { socket, response } = protocol === ""
      ? Deno.upgradeWebSocket(request)
      : Deno.upgradeWebSocket(request, { protocol });
    this.requests.push({ ...base, protocol, status: 101 });
    this.#attach(socket, identity);
    return response;
  }

  #attach(socket: WebSocket, identity: string): void {
    const number = this.#connections.length + 1;
    let markClosed: () => void = () => {};
    const closed = new Promise<void>((resolve) => (markClosed = resolve));
    const connection: Connection = {
      number,
      socket,
      identity,
      closed,
      opened: false,
      open: false,
    };
    this.#connections.push(connection);
    socket.onopen = () => {
      connection.opened = true;
      connection.open = true;
      this.#waiters.notify();
    };
    socket.onmessage = (event: MessageEvent) => {
      const binary = typeof event.data !== "string";
      const text = binary
        ? new TextDecoder().decode(new Uint8Array(event.data as ArrayBuffer))
        : event.data as string;
      const frame = this.#record("fromCp", text, binary, number);
      this.#onFrame(connection, frame);
    };
    socket.onerror = (event: Event) => {
      // The close event follows and records the outcome; keep the cause for debugging.
      const message = event instanceof ErrorEvent ? event.message : event.type;
      this.socketErrors.push({ connection: number, message, at: Date.now() });
    };
    socket.onclose = (event: CloseEvent) => {
      connection.open = false;
      this.closes.push({
        connection: number,
        code: event.code,
        reason: event.reason,
        wasClean: event.wasClean,
        at: Date.now(),
      });
      markClosed();
      this.#waiters.notify();
    };
  }

  #onFrame(connection: Connection, frame: CsmsFrame): void {
    const message = frame.message;
    if (!Array.isArray(message) || typeof message[1] !== "string") return;
    const [type, id] = message;
    if (type === 2 && typeof message[2] === "string") {
      const call: ScriptedReceivedCall = {
        identity: connection.identity,
        action: message[2],
        params: message[3],
        messageId: id,
        at: frame.at,
        connection: connection.number,
      };
      this.received.push(call);
      this.#waiters.notify();
      if (this.#options.autoRespond ?? true) void this.#autoRespond(connection, call);
      return;
    }
    const pending = this.#pendingCalls.get(id);
    if (pending === undefined || (type !== 3 && type !== 4)) return;
    this.#pendingCalls.delete(id);
    clearTimeout(pending.timer);
    if (type === 3) {
      pending.resolve(message[2]);
    } else {
      pending.reject(
        new CsmsCallError(
          pending.action,
          String(message[2]),
          typeof message[3] === "string" ? message[3] : JSON.stringify(message[3]),
          message[4],
        ),
      );
    }
  }

  async #autoRespond(connection: Connection, call: ScriptedReceivedCall): Promise<void> {
    let reply: ResolvedReply;
    try {
      reply = await this.#responses.replyFor(call);
    } catch (error) {
      reply = {
        kind: "error",
        code: "InternalError",
        description: `test responder failed: ${String(error)}`,
        details: {},
        delayMs: 0,
      };
    }
    if (reply.delayMs > 0) {
      const elapsed = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          resolve(true);
        }, reply.delayMs);
        this.#timers.set(timer, resolve);
      });
      if (!elapsed) return;
    }
    if (reply.kind === "noReply" || !connection.open || this.#stopped) return;
    const frame = reply.kind === "result"
      ? [3, call.messageId, reply.payload]
      : [4, call.messageId, reply.code, reply.description, reply.details];
    this.#send(connection, JSON.stringify(frame));
  }

  async #closeAll(code: number, reason: string): Promise<void> {
    const open = this.#connections.filter((c) => c.socket.readyState <= WebSocket.OPEN);
    for (const connection of open) connection.socket.close(code, reason);
    let timer: Timer | undefined;
    const timeout = new Promise<void>((
      resolve,
    ) => (timer = setTimeout(resolve, DEFAULT_TIMEOUT_MS)));
    await Promise.race([Promise.all(open.map((c) => c.closed)), timeout]);
    clearTimeout(timer);
  }
}
