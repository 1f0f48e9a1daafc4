/**
 * An independent OCPP 1.6-J central system (CSMS) for tests: the npm package `ocpp-rpc`'s
 * `RPCServer` with `strictMode: true` and `protocols: ["ocpp1.6"]`, run under Node as a child
 * process (`rpc_csms_node.cjs`; under Deno its server can miss the first frame of a new
 * connection). This class drives it over JSON lines on the child's stdin/stdout.
 *
 * Strict mode validates every CALL the charge point sends against the official 1.6 schemas and
 * answers invalid ones with a CALLERROR itself; {@link RpcCsms.received} records those failures
 * ({@link RpcReceivedCall.validationError}). What ocpp-rpc 2.2.1 answers (observed, see
 * `rpc_csms_test.ts`):
 *
 * | problem in the CALL from the charge point      | CALLERROR it sends (id, code)            |
 * | ---------------------------------------------- | ---------------------------------------- |
 * | wrong JSON type (`"1"` for an integer, `[]`)   | id, `TypeConstraintViolation`            |
 * | missing required field                         | id, `OccurrenceConstraintViolation` [1]  |
 * | additional property                            | id, `PropertyConstraintViolation`        |
 * | maxLength, enum, date-time format              | id, `FormationViolation`                 |
 * | unknown action (no 1.6 schema)                 | id, `ProtocolError`                      |
 * | action not a string                            | id, `RpcFrameworkError` [2]              |
 * | not JSON, not an array, id not a string        | `"-1"`, `RpcFrameworkError` [2]          |
 * | unknown message type number (e.g. 7)           | `"-1"`, `MessageTypeNotSupported` [2]    |
 *
 * [1] ocpp-rpc applies the OCPP 1.6-J errata spelling "Occurrence"; the official 1.6 list has
 * "OccurenceConstraintViolation". [2] OCPP 2.0.1 codes, sent even on an ocpp1.6 connection.
 * Only ajv's FIRST error decides the code. The codes recorded in `validationError` (and
 * `replyValidationError`, and RpcCallError for strict-mode failures) use the same 1.6 names as the
 * wire (ocpp-rpc's validator raises `FormatViolation`/`OccurenceConstraintViolation` internally).
 * Frames of the last three rows are listed in {@link RpcCsms.badMessages}, not in `received`.
 *
 * Replies configured with {@link RpcCsms.respond} are validated too: an invalid `.conf` payload
 * makes ocpp-rpc answer `InternalError` instead (recorded as `replyValidationError`). For
 * arbitrary invalid answers, use `{ noReply: true }` plus {@link RpcCsms.sendRaw}, or ScriptedCsms.
 *
 * @module
 */
import {
  type CsmsResponder,
  DEFAULT_TIMEOUT_MS,
  type ResolvedReply,
  ResponseTable,
  summarizeActions,
  Waiters,
} from "./scripted_csms.ts";

const SCRIPT = new URL("./rpc_csms_node.cjs", import.meta.url);
const REPO_ROOT = new URL("../../", import.meta.url);

/** A timer handle (a number in Deno, a `Timeout` in Node's typings). */
type Timer = ReturnType<typeof setTimeout>;

/** Options of {@link RpcCsms.start}. */
export interface RpcCsmsOptions {
  /** Require HTTP Basic auth with these credentials; anything else gets HTTP 401. */
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /** Port on 127.0.0.1; default 0 = any free port. */
  readonly port?: number;
  /** Refuse (HTTP 400) upgrades that do not offer `ocpp1.6`; default `true`. */
  readonly requireSubprotocol?: boolean;
  /** ocpp-rpc WebSocket ping interval (ms); default 30000, 0 disables pings. */
  readonly pingIntervalMs?: number;
  /** Bound on waiting for the child to be ready, default 10000 ms. */
  readonly startTimeoutMs?: number;
}

/** A CALLERROR code/description/details. */
export interface RpcErrorInfo {
  /** The error code, e.g. `"TypeConstraintViolation"`. */
  readonly code: string;
  /** The description (ajv's message for strict-mode failures). */
  readonly description: string;
  /** The details (ajv's errors and the data for strict-mode failures). */
  readonly details?: unknown;
}

/** What the CSMS answered to a CALL of the charge point. */
export type RpcReplySent =
  | { readonly kind: "result"; readonly payload: unknown }
  | {
    readonly kind: "error";
    readonly code: string;
    readonly description: string;
    readonly details: unknown;
  };

/** A CALL the charge point sent. */
export interface RpcReceivedCall {
  /** 1-based connection number (reconnections get new numbers). */
  readonly connection: number;
  /** The charge point identity (last path segment). */
  readonly identity: string;
  /** The action, e.g. `"StatusNotification"`. */
  readonly action: string;
  /** The payload as sent. */
  readonly params: unknown;
  /** The CALL's message id. */
  readonly messageId: string;
  /** Arrival time in the Node process, epoch milliseconds. */
  readonly at: number;
  /** The strict-mode failure, when the payload broke the official schema. */
  readonly validationError?: RpcErrorInfo;
  /** What the CSMS answered (set as soon as known; absent while pending or with `noReply`). */
  reply?: RpcReplySent;
  /** Set when the configured answer broke the `.conf` schema (ocpp-rpc sent InternalError). */
  replyValidationError?: RpcErrorInfo;
}

/** An accepted WebSocket connection. */
export interface RpcConnection {
  /** 1-based connection number. */
  readonly connection: number;
  /** The charge point identity. */
  readonly identity: string;
  /** The negotiated subprotocol (`""` if none). */
  readonly protocol: string;
  /** The upgrade request headers (lower-case names, as Node gives them). */
  readonly headers: Readonly<Record<string, string | string[]>>;
  /** The URL path without the identity (e.g. `"/"`). */
  readonly endpoint: string;
  /** Time, epoch milliseconds. */
  readonly at: number;
}

/** A refused WebSocket upgrade. */
export interface RpcRejectedUpgrade {
  /** The identity in the URL. */
  readonly identity: string;
  /** The HTTP status answered (401 for bad credentials). */
  readonly status: number;
  /** Why. */
  readonly message: string;
  /** The request headers. */
  readonly headers: Readonly<Record<string, string | string[]>>;
  /** Time, epoch milliseconds. */
  readonly at: number;
}

/** A frame, named from the charge point's side: `"fromCp"` it sent, `"toCp"` it received. */
export interface RpcFrame {
  /** 1-based connection number. */
  readonly connection: number;
  /** The charge point identity. */
  readonly identity: string;
  /** Direction, from the charge point's side. */
  readonly dir: "fromCp" | "toCp";
  /** The frame text. */
  readonly text: string;
  /** Time, epoch milliseconds. */
  readonly at: number;
}

/** A frame ocpp-rpc could not process at all (not JSON, not an array...). */
export interface RpcBadMessage {
  /** 1-based connection number. */
  readonly connection: number;
  /** The charge point identity. */
  readonly identity: string;
  /** The frame text. */
  readonly text: string;
  /** The error ocpp-rpc raised. */
  readonly error: RpcErrorInfo;
  /** The CALLERROR frame it answered with, if any. */
  readonly response: unknown;
  /** Time, epoch milliseconds. */
  readonly at: number;
}

/** The end of a connection. */
export interface RpcDisconnect {
  /** 1-based connection number. */
  readonly connection: number;
  /** The charge point identity. */
  readonly identity: string;
  /** The close code. */
  readonly code: number;
  /** The close reason. */
  readonly reason: string;
  /** Time, epoch milliseconds. */
  readonly at: number;
}

/** Where a failed {@link RpcCsms.call} failed. */
export type RpcCallFailure =
  | "callError"
  | "resultValidation"
  | "requestValidation"
  | "timeout"
  | "notConnected"
  | "other";

/** A failed {@link RpcCsms.call}: the charge point's CALLERROR, or why there is no answer. */
export class RpcCallError extends Error {
  /** The CALLERROR code exactly as the charge point sent it (or a strict-mode/local code). */
  readonly code: string;
  /** The description. */
  readonly description: string;
  /** The details. */
  readonly details: unknown;
  /**
   * `"callError"`: the charge point answered a CALLERROR; `"resultValidation"`: its CALLRESULT
   * broke the `.conf` schema; `"requestValidation"`: our own params broke the `.req` schema (not
   * sent); `"timeout"`, `"notConnected"`, `"other"`.
   */
  readonly source: RpcCallFailure;

  /** Creates the error; the message is `"<action>: <source> <code>: <description>"`. */
  constructor(action: string, info: RpcErrorInfo, source: RpcCallFailure) {
    super(`${action}: ${source} ${info.code}: ${info.description}`);
    this.name = "RpcCallError";
    this.code = info.code;
    this.description = info.description;
    this.details = info.details;
    this.source = source;
  }
}

interface PendingRequest {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: Timer;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asErrorInfo(value: unknown): RpcErrorInfo {
  if (!isRecord(value)) return { code: "Error", description: String(value) };
  return {
    code: String(value.code),
    description: typeof value.description === "string" ? value.description : "",
    details: value.details,
  };
}

function asReply(value: unknown): RpcReplySent | undefined {
  if (!isRecord(value)) return undefined;
  if (value.kind === "result") return { kind: "result", payload: value.payload };
  return {
    kind: "error",
    code: String(value.code),
    description: String(value.description ?? ""),
    details: value.details,
  };
}

/**
 * The ocpp-rpc CSMS peer. Start with {@link RpcCsms.start}, always {@link RpcCsms.stop} (or
 * `await using`).
 *
 * @example
 * ```ts
 * await using csms = await RpcCsms.start();
 * // connect the charge point to `${csms.url}/CP-1` ...
 * await csms.waitFor("BootNotification");
 * const result = await csms.call("CP-1", "Reset", { type: "Soft" });
 * ```
 */
export class RpcCsms {
  /** Every CALL the charge point sent, in arrival order (invalid ones too). */
  readonly received: RpcReceivedCall[] = [];
  /** Every accepted connection. */
  readonly connections: RpcConnection[] = [];
  /** Every refused upgrade (bad credentials, missing subprotocol). */
  readonly rejectedUpgrades: RpcRejectedUpgrade[] = [];
  /** Every frame, both directions, in the order ocpp-rpc saw them. */
  readonly frames: RpcFrame[] = [];
  /** Frames ocpp-rpc could not process at all. */
  readonly badMessages: RpcBadMessage[] = [];
  /** Every end of connection. */
  readonly disconnects: RpcDisconnect[] = [];
  /** Diagnostic lines from the Node side. */
  readonly logs: string[] = [];

  #port = 0;
  readonly #child: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  readonly #encoder = new TextEncoder();
  readonly #responses = new ResponseTable();
  readonly #waiters = new Waiters();
  readonly #pending = new Map<number, PendingRequest>();
  readonly #delays = new Map<Timer, (elapsed: boolean) => void>();
  readonly #stdoutDone: Promise<void>;
  readonly #stderrDone: Promise<void>;
  readonly #status: Promise<Deno.CommandStatus>;
  #stderr = "";
  #nextId = 1;
  #exited = false;
  #stopped = false;
  #onReady: (port: number) => void = () => {};

  private constructor(options: RpcCsmsOptions) {
    const config = {
      port: options.port ?? 0,
      basicAuth: options.basicAuth,
      requireSubprotocol: options.requireSubprotocol ?? true,
      pingIntervalMs: options.pingIntervalMs ?? 30000,
    };
    this.#child = new Deno.Command("node", {
      args: [SCRIPT.pathname, JSON.stringify(config)],
      cwd: REPO_ROOT.pathname,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#stdin = this.#child.stdin.getWriter();
    this.#stdoutDone = this.#readStdout();
    this.#stderrDone = this.#readStderr();
    this.#status = this.#child.status.then((status) => {
      this.#exited = true;
      for (const [id, pending] of this.#pending) {
        clearTimeout(pending.timer);
        pending.reject(new Error(`ocpp-rpc CSMS exited (${status.code}) before answering #${id}`));
      }
      this.#pending.clear();
      this.#waiters.rejectAll(`ocpp-rpc CSMS process exited with code ${status.code}`);
      return status;
    });
  }

  /**
   * Spawns `node tests/support/rpc_csms_node.cjs` and resolves once it listens; rejects (with the
   * child's stderr) if it is not ready within `startTimeoutMs` (default 10 s).
   */
  static async start(options: RpcCsmsOptions = {}): Promise<RpcCsms> {
    const csms = new RpcCsms(options);
    const timeoutMs = options.startTimeoutMs ?? 10_000;
    let timer: Timer | undefined;
    try {
      csms.#port = await Promise.race([
        new Promise<number>((resolve) => (csms.#onReady = resolve)),
        csms.#status.then((status) => {
          throw new Error(`exited with code ${status.code} before being ready`);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`not ready within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      await csms.stop();
      throw new Error(
        `ocpp-rpc CSMS failed to start: ${error instanceof Error ? error.message : String(error)}` +
          `\n--- stderr ---\n${csms.#stderr}`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
    return csms;
  }

  /** The port on 127.0.0.1. */
  get port(): number {
    return this.#port;
  }

  /** `ws://127.0.0.1:<port>`; the charge point appends `/<chargePointId>`. */
  get url(): string {
    return `ws://127.0.0.1:${this.#port}`;
  }

  /** What the Node process wrote to stderr so far. */
  get stderr(): string {
    return this.#stderr;
  }

  /**
   * Overrides the answer to the charge point's `action` CALLs: a payload, a list of payloads used in
   * order (the last repeats), `{ error: { code, description } }` for a CALLERROR, `{ noReply:
   * true }`, `{ delayMs, reply }`, or a function. `undefined` restores the default.
   * CALLERROR codes are sent as given, except that ocpp-rpc rewrites `FormatViolation` →
   * `FormationViolation` and `OccurenceConstraintViolation` → `OccurrenceConstraintViolation` on
   * ocpp1.6; payloads that break the `.conf` schema are replaced by an `InternalError` CALLERROR.
   */
  respond(action: string, responder: CsmsResponder | undefined): void {
    this.#responses.respond(action, responder);
  }

  /** Restores every default answer. */
  resetResponses(): void {
    this.#responses.reset();
  }

  /**
   * Resolves with the `action` CALLs once at least `count` arrived; rejects after `timeoutMs` with
   * a message listing what did arrive.
   */
  waitFor(action: string, count = 1, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RpcReceivedCall[]> {
    return this.#waiters.wait(
      () => {
        const calls = this.received.filter((c) => c.action === action);
        return calls.length >= count ? calls : undefined;
      },
      timeoutMs,
      () => `${count}× ${action}; received ${summarizeActions(this.received)}`,
    );
  }

  /** Resolves once at least `count` connections of `identity` (any if omitted) were accepted. */
  waitForConnection(
    identity?: string,
    count = 1,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<RpcConnection[]> {
    return this.#waiters.wait(
      () => {
        const list = this.connections.filter((c) =>
          identity === undefined || c.identity === identity
        );
        return list.length >= count ? list : undefined;
      },
      timeoutMs,
      () =>
        `${count} connection(s) of ${identity ?? "any identity"}; got ${this.connections.length}`,
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

  /**
   * Sends a CALL to the connected charge point `identity` and resolves with its CALLRESULT payload;
   * rejects with an {@link RpcCallError} (`code` exactly as the charge point sent it).
   * Strict mode also rejects our own invalid params (not sent) and a CALLRESULT that breaks the
   * `.conf` schema.
   */
  async call(
    identity: string,
    action: string,
    params: unknown,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<unknown> {
    const answer = await this.#request(
      { cmd: "call", identity, action, params, timeoutMs },
      timeoutMs + 5000,
    );
    if (!isRecord(answer)) throw new Error(`malformed answer from the ocpp-rpc CSMS`);
    if (answer.ok === true) return answer.value;
    const info = asErrorInfo(answer.error);
    const source = isRecord(answer.error) ? String(answer.error.source ?? "other") : "other";
    throw new RpcCallError(action, info, source as RpcCallFailure);
  }

  /** Sends `text` as is to the charge point `identity` (to answer something invalid by hand). */
  async sendRaw(identity: string, text: string): Promise<void> {
    const answer = await this.#request({ cmd: "sendRaw", identity, text });
    if (isRecord(answer) && answer.ok !== true) {
      throw new Error(`sendRaw: ${asErrorInfo(answer.error).description}`);
    }
  }

  /**
   * Closes the connection of `identity` with `code` (default 1000) and waits for it to end; with
   * `force` the TCP connection is dropped without a close handshake (the charge point sees 1006).
   */
  async disconnect(
    identity: string,
    options: { code?: number; reason?: string; force?: boolean } = {},
  ): Promise<void> {
    const answer = await this.#request({ cmd: "disconnect", identity, ...options });
    if (isRecord(answer) && answer.ok !== true) {
      throw new Error(`disconnect: ${asErrorInfo(answer.error).description}`);
    }
  }

  /**
   * The CSMS goes away and comes back on the SAME port: closes every connection (code 1001, or
   * `force` to drop them), stops listening, waits `downtimeMs` (connections are refused meanwhile),
   * then listens again with a fresh ocpp-rpc server. Recorded lists are kept.
   */
  async restart(
    options: { downtimeMs?: number; code?: number; force?: boolean } = {},
  ): Promise<void> {
    const answer = await this.#request(
      { cmd: "restart", ...options },
      (options.downtimeMs ?? 0) + 20_000,
    );
    if (isRecord(answer) && answer.ok !== true) {
      throw new Error(`restart: ${asErrorInfo(answer.error).description}`);
    }
  }

  /**
   * Closes everything and ends the Node process: waits for it to exit, kills it if it has not
   * within 5 s. Idempotent.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const [timer, wake] of this.#delays) {
      clearTimeout(timer);
      wake(false);
    }
    this.#delays.clear();
    if (!this.#exited) {
      await this.#request({ cmd: "stop" }, 5000).catch((error: unknown) => {
        this.logs.push(`stop command failed: ${String(error)}`);
      });
    }
    await this.#stdin.close().catch((error: unknown) => {
      // Closing stdin of an exited process fails with a broken pipe: nothing left to close.
      this.logs.push(`closing stdin: ${String(error)}`);
    });
    let timer: Timer | undefined;
    const exited = await Promise.race([
      this.#status.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 5000))),
    ]);
    clearTimeout(timer);
    if (!exited) {
      this.logs.push("the Node process did not exit within 5 s: killed");
      this.#child.kill("SIGKILL");
      await this.#status;
    }
    await Promise.all([this.#stdoutDone, this.#stderrDone]);
    this.#waiters.rejectAll("ocpp-rpc CSMS stopped");
  }

  /** Same as {@link RpcCsms.stop}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  #request(command: Record<string, unknown>, timeoutMs = 10_000): Promise<unknown> {
    if (this.#exited) {
      return Promise.reject(new Error(`ocpp-rpc CSMS process has exited (${String(command.cmd)})`));
    }
    const id = this.#nextId++;
    const promise = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`ocpp-rpc CSMS did not answer ${String(command.cmd)} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
    });
    this.#write({ id, ...command });
    return promise;
  }

  #write(message: Record<string, unknown>): void {
    this.#stdin.write(this.#encoder.encode(JSON.stringify(message) + "\n")).catch(
      (error: unknown) => this.logs.push(`writing to the Node process failed: ${String(error)}`),
    );
  }

  async #readStdout(): Promise<void> {
    let buffered = "";
    for await (const chunk of this.#child.stdout.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.trim() !== "") this.#onLine(line);
        newline = buffered.indexOf("\n");
      }
    }
    if (buffered.trim() !== "") this.#onLine(buffered);
  }

  async #readStderr(): Promise<void> {
    for await (const chunk of this.#child.stderr.pipeThrough(new TextDecoderStream())) {
      this.#stderr += chunk;
    }
  }

  #onLine(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch (error) {
      this.logs.push(`unparsable line from the Node process (${String(error)}): ${line}`);
      return;
    }
    if (!isRecord(message)) return;
    this.#onEvent(message);
    this.#waiters.notify();
  }

  #onEvent(m: Record<string, unknown>): void {
    switch (m.event) {
      case "ready":
        this.#onReady(Number(m.port));
        return;
      case "result": {
        const pending = this.#pending.get(Number(m.id));
        if (pending === undefined) return;
        this.#pending.delete(Number(m.id));
        clearTimeout(pending.timer);
        pending.resolve(m);
        return;
      }
      case "connection":
        this.connections.push({
          connection: Number(m.connection),
          identity: String(m.identity),
          protocol: String(m.protocol),
          headers: isRecord(m.headers) ? m.headers as Record<string, string | string[]> : {},
          endpoint: String(m.endpoint),
          at: Number(m.at),
        });
        return;
      case "upgradeRejected":
        this.rejectedUpgrades.push({
          identity: String(m.identity),
          status: Number(m.status),
          message: String(m.message),
          headers: isRecord(m.headers) ? m.headers as Record<string, string | string[]> : {},
          at: Number(m.at),
        });
        return;
      case "frame":
        this.frames.push({
          connection: Number(m.connection),
          identity: String(m.identity),
          dir: m.dir === "toCp" ? "toCp" : "fromCp",
          text: String(m.text),
          at: Number(m.at),
        });
        return;
      case "call":
        this.#onCall(m);
        return;
      case "reply": {
        const record = this.received.findLast((c) =>
          c.connection === Number(m.connection) && c.messageId === m.messageId
        );
        if (record === undefined) return;
        const reply = asReply(m.reply);
        if (reply !== undefined) record.reply = reply;
        if (m.replyValidationError !== undefined) {
          record.replyValidationError = asErrorInfo(m.replyValidationError);
        }
        return;
      }
      case "badMessage":
        this.badMessages.push({
          connection: Number(m.connection),
          identity: String(m.identity),
          text: String(m.text),
          error: asErrorInfo(m.error),
          response: m.response,
          at: Number(m.at),
        });
        return;
      case "disconnect":
        this.disconnects.push({
          connection: Number(m.connection),
          identity: String(m.identity),
          code: Number(m.code),
          reason: String(m.reason),
          at: Number(m.at),
        });
        return;
      case "log":
        this.logs.push(String(m.message));
        return;
      default:
        this.logs.push(`unknown event from the Node process: ${JSON.stringify(m)}`);
    }
  }

  #onCall(m: Record<string, unknown>): void {
    const record: RpcReceivedCall = {
      connection: Number(m.connection),
      identity: String(m.identity),
      action: String(m.action),
      params: m.params,
      messageId: String(m.messageId),
      at: Number(m.at),
      ...(m.validationError === undefined
        ? {}
        : { validationError: asErrorInfo(m.validationError) }),
    };
    const reply = asReply(m.reply);
    if (reply !== undefined) record.reply = reply;
    if (m.replyValidationError !== undefined) {
      record.replyValidationError = asErrorInfo(m.replyValidationError);
    }
    this.received.push(record);
    if (m.awaitingAnswer === true) void this.#answer(record);
  }

  async #answer(call: RpcReceivedCall): Promise<void> {
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
          this.#delays.delete(timer);
          resolve(true);
        }, reply.delayMs);
        this.#delays.set(timer, resolve);
      });
      if (!elapsed) return;
    }
    if (this.#stopped || this.#exited) return;
    this.#write({
      id: this.#nextId++,
      cmd: "answer",
      connection: call.connection,
      messageId: call.messageId,
      reply: reply.kind === "result"
        ? { kind: "result", payload: reply.payload }
        : reply.kind === "error"
        ? {
          kind: "error",
          code: reply.code,
          description: reply.description,
          details: reply.details,
        }
        : { kind: "noReply" },
    });
  }
}
