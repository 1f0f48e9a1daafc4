// An independent OCPP 1.6-J CSMS for tests: the npm package `ocpp-rpc` (RPCServer, strict mode on
// "ocpp1.6"), run under Node as a child process of `rpc_csms.ts` (under Deno its server can miss
// the first frame of a new connection).
//
// Usage: node rpc_csms_node.cjs '<json options>'
//   options: { port?: number, basicAuth?: { username, password }, requireSubprotocol?: boolean,
//              pingIntervalMs?: number }
//
// Control protocol, JSON lines:
//   stdout (events):   { event: "ready", port }
//                      { event: "connection", connection, identity, protocol, headers, endpoint, at }
//                      { event: "upgradeRejected", identity, status, message, headers, at }
//                      { event: "frame", connection, identity, dir: "fromCp" | "toCp", text, at }
//                      { event: "call", connection, identity, messageId, action, params, at,
//                        awaitingAnswer, validationError?, reply?, replyValidationError? }
//                      { event: "reply", connection, messageId, reply?, replyValidationError? }
//                      { event: "badMessage", connection, identity, text, error, response, at }
//                      { event: "disconnect", connection, identity, code, reason, at }
//                      { event: "result", id, ok, value? , error? }   (answer to a command)
//                      { event: "log", message }
//   stdin (commands):  { id, cmd: "answer", connection, messageId, reply }
//                      { id, cmd: "call", identity, action, params, timeoutMs }
//                      { id, cmd: "sendRaw", identity, text }
//                      { id, cmd: "disconnect", identity, code, reason, force }
//                      { id, cmd: "restart", downtimeMs, code, force }
//                      { id, cmd: "stop" }
// The process also stops when stdin ends (the parent went away).
"use strict";

const path = require("node:path");
const readline = require("node:readline");
const { once } = require("node:events");

const ocppRpc = require(path.join(__dirname, "..", "..", "node_modules", "ocpp-rpc"));
const { RPCServer, createRPCError, NOREPLY, TimeoutError } = ocppRpc;

const options = JSON.parse(process.argv[2] || "{}");
const PING_INTERVAL_MS = options.pingIntervalMs ?? 30000;
const REQUIRE_SUBPROTOCOL = options.requireSubprotocol ?? true;
const CLOSE_GRACE_MS = 3000;

function emit(message) {
  process.stdout.write(JSON.stringify(message) + "\n");
}

// For "ocpp1.6", ocpp-rpc rewrites these codes when it SENDS a CALLERROR (OCPP 1.6-J errata);
// the errors its validator raises still carry the 2.0 names. Records use the wire names.
const CODES_16 = {
  FormatViolation: "FormationViolation",
  OccurenceConstraintViolation: "OccurrenceConstraintViolation",
};

function errorInfo(err) {
  if (err === null || typeof err !== "object") return { code: "Error", description: String(err) };
  const code = err.rpcErrorCode || err.name || "Error";
  return {
    code: CODES_16[code] || code,
    description: err.message || err.rpcErrorMessage || "",
    details: err.details ?? {},
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** connection number → { connection, identity, client, open: Map<messageId, rec>, ... } */
const connections = new Map();
let nextConnection = 1;
/** `${connection}:${messageId}` → resolve(answer) for CALLs waiting for the Deno side. */
const pendingAnswers = new Map();
let server = null;
let httpServer = null;
let port = options.port ?? 0;
let stopping = false;

function checkBasicAuth(headers) {
  if (!options.basicAuth) return undefined;
  const header = headers.authorization;
  if (!header) return "no Authorization header";
  const match = /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return "Authorization header is not Basic";
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return "Basic credentials without a colon";
  if (decoded.slice(0, colon) !== options.basicAuth.username) return "wrong username";
  if (decoded.slice(colon + 1) !== options.basicAuth.password) return "wrong password";
  return undefined;
}

function createServer() {
  const rpc = new RPCServer({
    protocols: ["ocpp1.6"],
    strictMode: true,
    pingIntervalMs: PING_INTERVAL_MS,
    callTimeoutMs: 30000,
  });
  rpc.auth((accept, reject, handshake) => {
    const problem = checkBasicAuth(handshake.headers);
    if (problem) return reject(401, `Unauthorized: ${problem}`);
    if (REQUIRE_SUBPROTOCOL && !handshake.protocols.has("ocpp1.6")) {
      return reject(400, "the ocpp1.6 subprotocol is required");
    }
    accept();
  });
  rpc.on("upgradeAborted", ({ error, identity, request }) => {
    emit({
      event: "upgradeRejected",
      identity,
      status: error && typeof error.code === "number" ? error.code : 500,
      message: error && error.message ? error.message : String(error),
      headers: request.headers,
      at: Date.now(),
    });
  });
  rpc.on("error", (err) => emit({ event: "log", message: `server error: ${err && err.stack}` }));
  rpc.on("client", onClient);
  return rpc;
}

function onClient(client) {
  const connection = nextConnection++;
  const identity = client.identity;
  const conn = {
    connection,
    identity,
    client,
    /** messageId → record of a CALL from the charge point not answered yet */
    open: new Map(),
    /** messageId → raw CALLRESULT/CALLERROR the charge point sent (answers to our CALLs) */
    inboundResponses: new Map(),
    /** errors of our CALLs → messageId */
    callErrorIds: new WeakMap(),
    /** errors of our CALLs that are strict-mode failures → "request" | "result" */
    validationErrors: new WeakMap(),
    closed: false,
  };
  connections.set(connection, conn);
  emit({
    event: "connection",
    connection,
    identity,
    protocol: client.protocol || "",
    headers: client.handshake.headers,
    endpoint: client.handshake.endpoint,
    at: Date.now(),
  });

  client.on("message", ({ message, outbound }) => {
    emit({
      event: "frame",
      connection,
      identity,
      dir: outbound ? "toCp" : "fromCp",
      text: String(message),
      at: Date.now(),
    });
  });

  client.on("call", ({ outbound, payload }) => {
    if (outbound) return;
    const [, messageId, action, params] = payload;
    const rec = {
      event: "call",
      connection,
      identity,
      messageId,
      action,
      params,
      at: Date.now(),
      awaitingAnswer: false,
      flushed: false,
    };
    conn.open.set(messageId, rec);
    // Strict validation, the handler call and a CALLERROR answer all happen synchronously after
    // this event: flush on the next tick so the record carries them.
    process.nextTick(() => {
      rec.flushed = true;
      const { flushed: _flushed, ...line } = rec;
      emit(line);
    });
  });

  client.on("strictValidationFailure", (failure) => {
    const info = errorInfo(failure.error);
    if (failure.isCall && !failure.outbound) {
      // An invalid CALL from the charge point: ocpp-rpc answers it with a CALLERROR itself.
      const rec = conn.open.get(failure.messageId);
      if (rec) rec.validationError = info;
    } else if (!failure.isCall && failure.outbound) {
      // Our own (test-configured) answer was invalid: ocpp-rpc sent InternalError instead.
      const rec = conn.open.get(failure.messageId);
      if (rec && !rec.flushed) rec.replyValidationError = info;
      else {
        emit({
          event: "reply",
          connection,
          messageId: failure.messageId,
          replyValidationError: info,
        });
      }
    } else {
      // Our CALL (outbound) or the charge point's CALLRESULT to it (inbound) is invalid.
      conn.validationErrors.set(failure.error, failure.isCall ? "request" : "result");
    }
  });

  client.on("response", ({ outbound, payload }) => {
    if (!Array.isArray(payload)) return;
    const [type, messageId] = payload;
    if (!outbound) {
      conn.inboundResponses.set(messageId, payload);
      return;
    }
    const reply = type === 3
      ? { kind: "result", payload: payload[2] }
      : { kind: "error", code: payload[2], description: payload[3], details: payload[4] };
    const rec = conn.open.get(messageId);
    conn.open.delete(messageId);
    if (rec && !rec.flushed) rec.reply = reply;
    else emit({ event: "reply", connection, messageId, reply });
  });

  client.on("callError", ({ outbound, messageId, error }) => {
    if (outbound && error && typeof error === "object") conn.callErrorIds.set(error, messageId);
  });

  client.on("badMessage", ({ buffer, error, response }) => {
    emit({
      event: "badMessage",
      connection,
      identity,
      text: String(buffer),
      error: errorInfo(error),
      response,
      at: Date.now(),
    });
  });

  client.on("close", ({ code, reason }) => {
    conn.closed = true;
    for (const [key, resolve] of pendingAnswers) {
      if (key.startsWith(`${connection}:`)) resolve({ kind: "noReply" });
    }
    emit({
      event: "disconnect",
      connection,
      identity,
      code,
      reason: String(reason ?? ""),
      at: Date.now(),
    });
  });

  client.handle(({ messageId, signal }) => {
    const rec = conn.open.get(messageId);
    if (rec) rec.awaitingAnswer = true;
    const key = `${connection}:${messageId}`;
    return new Promise((resolve) => {
      pendingAnswers.set(key, resolve);
      signal.addEventListener("abort", () => resolve({ kind: "noReply" }));
    }).then((answer) => {
      pendingAnswers.delete(key);
      if (answer.kind === "noReply") return NOREPLY;
      if (answer.kind === "error") {
        const err = createRPCError(answer.code, answer.description, answer.details ?? {});
        // Keep codes ocpp-rpc does not know (it would send GenericError); note that for
        // "ocpp1.6" ocpp-rpc itself rewrites FormatViolation → FormationViolation and
        // OccurenceConstraintViolation → OccurrenceConstraintViolation (OCPP 1.6-J errata).
        err.rpcErrorCode = answer.code;
        throw err;
      }
      return answer.payload;
    });
  });
}

function findClient(identity) {
  let found;
  for (const conn of connections.values()) {
    if (conn.identity === identity && !conn.closed) found = conn;
  }
  return found;
}

async function doCall({ identity, action, params, timeoutMs }) {
  const conn = findClient(identity);
  if (!conn) {
    return {
      ok: false,
      error: {
        code: "NotConnected",
        description: `no open connection for ${identity}`,
        source: "notConnected",
      },
    };
  }
  try {
    const value = await conn.client.call(action, params, { callTimeoutMs: timeoutMs ?? 30000 });
    return { ok: true, value };
  } catch (err) {
    const messageId = conn.callErrorIds.get(err);
    const raw = messageId === undefined ? undefined : conn.inboundResponses.get(messageId);
    if (Array.isArray(raw) && raw[0] === 4) {
      return {
        ok: false,
        error: {
          code: raw[2],
          description: raw[3],
          details: raw[4],
          source: "callError",
          messageId,
        },
      };
    }
    const validation = conn.validationErrors.get(err);
    if (validation) {
      return {
        ok: false,
        error: {
          ...errorInfo(err),
          source: validation === "request" ? "requestValidation" : "resultValidation",
          messageId,
        },
      };
    }
    if (err instanceof TimeoutError) {
      return {
        ok: false,
        error: { code: "Timeout", description: err.message, source: "timeout", messageId },
      };
    }
    return { ok: false, error: { ...errorInfo(err), source: "other", messageId } };
  }
}

async function closeClient(conn, { code, reason, force }) {
  if (conn.closed) return;
  const closed = once(conn.client, "close");
  conn.client.close({ code, reason, force }).catch((err) => {
    emit({ event: "log", message: `close ${conn.identity}: ${err && err.message}` });
  });
  let timer;
  const timeout = new Promise((
    resolve,
  ) => (timer = setTimeout(resolve, CLOSE_GRACE_MS, "timeout")));
  const outcome = await Promise.race([closed, timeout]);
  clearTimeout(timer);
  if (outcome === "timeout" && !conn.closed) {
    emit({
      event: "log",
      message: `${conn.identity} did not complete the close handshake: terminating`,
    });
    conn.client.close({ force: true }).catch(() => {});
    await Promise.race([once(conn.client, "close"), sleep(CLOSE_GRACE_MS)]);
  }
}

async function closeServer({ code = 1001, reason = "CSMS going away", force = false } = {}) {
  const rpc = server;
  const http = httpServer;
  server = null;
  httpServer = null;
  if (!rpc) return;
  // Stop accepting connections first, so nobody connects while the others are being closed.
  http.close();
  const open = [...connections.values()].filter((c) => !c.closed);
  await Promise.all(open.map((conn) => closeClient(conn, { code, reason, force })));
  let timer;
  await Promise.race([
    rpc.close({ code, reason, force: true }),
    new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS))),
  ]);
  clearTimeout(timer);
}

async function listen() {
  // Rebinding right after a close can transiently fail: retry for up to 2 s.
  for (let attempt = 0;; attempt++) {
    const rpc = createServer();
    try {
      const http = await rpc.listen(port, "127.0.0.1");
      port = http.address().port;
      server = rpc;
      httpServer = http;
      return;
    } catch (err) {
      await rpc.close({ force: true });
      if (err.code !== "EADDRINUSE" || attempt >= 20) throw err;
      await sleep(100);
    }
  }
}

async function handle(command) {
  switch (command.cmd) {
    case "answer": {
      const resolve = pendingAnswers.get(`${command.connection}:${command.messageId}`);
      if (resolve) resolve(command.reply);
      return { ok: true, value: resolve !== undefined };
    }
    case "call":
      return await doCall(command);
    case "sendRaw": {
      const conn = findClient(command.identity);
      if (!conn) {
        return {
          ok: false,
          error: {
            code: "NotConnected",
            description: `no open connection for ${command.identity}`,
          },
        };
      }
      conn.client.sendRaw(command.text);
      return { ok: true };
    }
    case "disconnect": {
      const conn = findClient(command.identity);
      if (!conn) {
        return {
          ok: false,
          error: {
            code: "NotConnected",
            description: `no open connection for ${command.identity}`,
          },
        };
      }
      await closeClient(conn, {
        code: command.code ?? 1000,
        reason: command.reason ?? "",
        force: command.force === true,
      });
      return { ok: true };
    }
    case "restart": {
      await closeServer({ code: command.code ?? 1001, force: command.force === true });
      if (command.downtimeMs) await sleep(command.downtimeMs);
      await listen();
      return { ok: true, value: { port } };
    }
    case "stop":
      await stop(0, command.id);
      return undefined;
    default:
      return { ok: false, error: { code: "UnknownCommand", description: String(command.cmd) } };
  }
}

async function stop(exitCode, id) {
  if (stopping) return;
  stopping = true;
  for (const resolve of pendingAnswers.values()) resolve({ kind: "noReply" });
  try {
    await closeServer({ code: 1001, reason: "CSMS stopping" });
  } catch (err) {
    emit({ event: "log", message: `stop: ${err && err.stack}` });
  }
  if (id !== undefined) emit({ event: "result", id, ok: true });
  process.exit(exitCode);
}

async function main() {
  await listen();
  emit({ event: "ready", port });
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on("line", (line) => {
    if (line.trim() === "") return;
    let command;
    try {
      command = JSON.parse(line);
    } catch (err) {
      emit({ event: "log", message: `unparsable command ${line}: ${err.message}` });
      return;
    }
    handle(command).then(
      (result) => {
        if (result !== undefined) emit({ event: "result", id: command.id, ...result });
      },
      (err) => emit({ event: "result", id: command.id, ok: false, error: errorInfo(err) }),
    );
  });
  lines.on("close", () => stop(0));
}

main().catch((err) => {
  process.stderr.write(`rpc_csms_node: ${err && err.stack ? err.stack : String(err)}\n`);
  process.exit(1);
});
