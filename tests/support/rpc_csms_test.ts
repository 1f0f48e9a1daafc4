import assert from "node:assert/strict";
import { assertAllValid } from "./ocpp_schema.ts";
import { RpcCallError, RpcCsms } from "./rpc_csms.ts";

const NOW = "2026-01-01T00:00:00.000Z";
const BOOT = { chargePointVendor: "Acme", chargePointModel: "X1" };
const STATUS = { connectorId: 1, errorCode: "NoError", status: "Available", timestamp: NOW };

/** A plain Deno WebSocket client with bounded waits, standing in for the charge point. */
class TestClient {
  readonly ws: WebSocket;
  readonly inbox: unknown[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<CloseEvent>;
  openError: unknown = undefined;
  #read = 0;
  #wake: () => void = () => {};

  constructor(url: string, protocols: string | string[] = "ocpp1.6") {
    this.ws = new WebSocket(url, protocols);
    this.opened = new Promise((resolve, reject) => {
      this.ws.addEventListener("open", () => resolve());
      this.ws.addEventListener("close", (e) => reject(new Error(`closed before open: ${e.code}`)));
    });
    // Refused clients are awaited with assert.rejects; mark the rejection handled meanwhile.
    this.opened.catch((error: unknown) => (this.openError = error));
    this.closed = new Promise((resolve) => this.ws.addEventListener("close", resolve));
    this.ws.addEventListener("message", (e: MessageEvent) => {
      this.inbox.push(JSON.parse(String(e.data)));
      this.#wake();
    });
  }

  send(value: unknown): void {
    this.ws.send(typeof value === "string" ? value : JSON.stringify(value));
  }

  /** The next frame received, parsed (bounded). */
  async next(timeoutMs = 3000): Promise<unknown[]> {
    if (this.#read >= this.inbox.length) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        new Promise<void>((resolve) => (this.#wake = resolve)),
        new Promise<void>((_, reject) => {
          timer = setTimeout(() => reject(new Error("test client: no frame")), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
    }
    const frame = this.inbox[this.#read++];
    assert.ok(Array.isArray(frame), `not an array: ${JSON.stringify(frame)}`);
    return frame;
  }

  /** Sends a CALL and returns the answer frame. */
  async ask(id: string, action: string, payload: unknown): Promise<unknown[]> {
    this.send([2, id, action, payload]);
    const answer = await this.next();
    assert.equal(answer[1], id, `answer to ${id}: ${JSON.stringify(answer)}`);
    return answer;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
    await this.closed;
  }
}

Deno.test("rpc_csms: BootNotification, invalid StatusNotification, CSMS call()", async () => {
  await using csms = await RpcCsms.start();
  assert.match(csms.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
  const cp = new TestClient(`${csms.url}/CP-1`);
  await cp.opened;
  assert.equal(cp.ws.protocol, "ocpp1.6");

  const boot = await cp.ask("b1", "BootNotification", BOOT);
  assert.equal(boot[0], 3);
  const conf = boot[2] as Record<string, unknown>;
  assert.equal(conf.status, "Accepted");
  assert.equal(conf.interval, 300);
  assert.ok(Math.abs(Date.parse(String(conf.currentTime)) - Date.now()) < 60_000);
  const [received] = await csms.waitFor("BootNotification");
  assert.equal(received.identity, "CP-1");
  assert.equal(received.messageId, "b1");
  assert.deepEqual(received.params, BOOT);
  assert.equal(received.validationError, undefined);
  assert.deepEqual(csms.connections.map((c) => [c.identity, c.protocol]), [["CP-1", "ocpp1.6"]]);

  // Schema-invalid StatusNotification: ocpp-rpc answers the CALLERROR itself, we record it.
  const bad = await cp.ask("s1", "StatusNotification", { ...STATUS, status: "Sleeping" });
  assert.equal(bad[0], 4);
  assert.equal(bad[2], "FormationViolation");
  const [status] = await csms.waitFor("StatusNotification");
  assert.equal(status.validationError?.code, "FormationViolation");
  assert.match(status.validationError?.description ?? "", /must be equal to one of the allowed/);
  assert.equal(status.reply?.kind, "error");

  // The CSMS calls the charge point.
  const reset = csms.call("CP-1", "Reset", { type: "Hard" });
  const call = await cp.next();
  assert.deepEqual([call[0], call[2], call[3]], [2, "Reset", { type: "Hard" }]);
  cp.send([3, call[1], { status: "Accepted" }]);
  assert.deepEqual(await reset, { status: "Accepted" });

  await csms.waitUntil(() => (csms.frames.length >= 6 ? true : undefined));
  assert.deepEqual(csms.frames.map((f) => f.dir), [
    "fromCp",
    "toCp",
    "fromCp",
    "toCp",
    "toCp",
    "fromCp",
  ]);
  await cp.close();
  await csms.waitUntil(() => csms.disconnects[0]);
  assert.equal(csms.disconnects[0].code, 1000);
});

Deno.test("rpc_csms: what ocpp-rpc strict mode answers to each kind of bad frame", async () => {
  await using csms = await RpcCsms.start();
  const cp = new TestClient(`${csms.url}/CP-1`);
  await cp.opened;
  const cases: [string, string, unknown, string][] = [
    ["type", "StatusNotification", { ...STATUS, connectorId: "1" }, "TypeConstraintViolation"],
    [
      "missing",
      "StatusNotification",
      { connectorId: 1, status: "Available" },
      "OccurrenceConstraintViolation",
    ],
    ["extra", "StatusNotification", { ...STATUS, colour: "red" }, "PropertyConstraintViolation"],
    ["enum", "StatusNotification", { ...STATUS, errorCode: "Oops" }, "FormationViolation"],
    ["length", "Authorize", { idTag: "x".repeat(21) }, "FormationViolation"],
    ["date", "StatusNotification", { ...STATUS, timestamp: "yesterday" }, "FormationViolation"],
    ["unknown", "Frobnicate", {}, "ProtocolError"],
    ["payload", "Heartbeat", [], "TypeConstraintViolation"],
  ];
  for (const [id, action, payload, code] of cases) {
    const answer = await cp.ask(id, action, payload);
    assert.equal(answer[0], 4, `${id}: ${JSON.stringify(answer)}`);
    assert.equal(answer[2], code, `${id}: ${JSON.stringify(answer)}`);
  }
  await csms.waitUntil(() => (csms.received.length >= cases.length ? true : undefined));
  assert.deepEqual(
    csms.received.map((c) => [c.messageId, c.validationError?.code, c.reply?.kind]),
    cases.map(([id, , , code]) => [id, code, "error"]),
  );

  // Frames ocpp-rpc cannot process at all: answered with 2.0 framework codes, even on ocpp1.6.
  cp.send("{not json");
  assert.deepEqual((await cp.next()).slice(0, 3), [4, "-1", "RpcFrameworkError"]);
  cp.send([2, 5, "Heartbeat", {}]);
  assert.deepEqual((await cp.next()).slice(0, 3), [4, "-1", "RpcFrameworkError"]);
  cp.send([7, "x", "Heartbeat", {}]);
  assert.deepEqual((await cp.next()).slice(0, 3), [4, "-1", "MessageTypeNotSupported"]);
  cp.send([2, "a1", 42, {}]);
  assert.deepEqual((await cp.next()).slice(0, 3), [4, "a1", "RpcFrameworkError"]);
  await csms.waitUntil(() => (csms.badMessages.length >= 4 ? true : undefined));
  assert.deepEqual(csms.badMessages.map((b) => b.error.code), [
    "RpcFrameworkError",
    "RpcFrameworkError",
    "MessageTypeNotSupported",
    "RpcFrameworkError",
  ]);
  await cp.close();
});

Deno.test("rpc_csms: respond() overrides and default transaction ids", async () => {
  await using csms = await RpcCsms.start();
  const cp = new TestClient(`${csms.url}/CP-1`);
  await cp.opened;
  const start = { connectorId: 1, idTag: "T", meterStart: 0, timestamp: NOW };
  assert.equal((await cp.ask("t1", "StartTransaction", start))[2] instanceof Object, true);
  assert.deepEqual((await cp.ask("t2", "StartTransaction", start))[2], {
    transactionId: 2,
    idTagInfo: { status: "Accepted" },
  });
  assert.deepEqual((await cp.ask("h0", "Heartbeat", {}))[0], 3);

  csms.respond("Authorize", [{ idTagInfo: { status: "Invalid" } }, {
    idTagInfo: { status: "Expired" },
  }]);
  assert.deepEqual((await cp.ask("a1", "Authorize", { idTag: "T" }))[2], {
    idTagInfo: { status: "Invalid" },
  });
  assert.deepEqual((await cp.ask("a2", "Authorize", { idTag: "T" }))[2], {
    idTagInfo: { status: "Expired" },
  });
  assert.deepEqual((await cp.ask("a3", "Authorize", { idTag: "T" }))[2], {
    idTagInfo: { status: "Expired" },
  });

  csms.respond("DataTransfer", { error: { code: "NotSupported", description: "no vendor" } });
  assert.deepEqual(await cp.ask("d1", "DataTransfer", { vendorId: "V" }), [
    4,
    "d1",
    "NotSupported",
    "no vendor",
    {},
  ]);

  // Codes ocpp-rpc does not know are still sent as given.
  csms.respond("DataTransfer", { error: { code: "VendorSpecific", details: { a: 1 } } });
  assert.deepEqual(await cp.ask("d2", "DataTransfer", { vendorId: "V" }), [
    4,
    "d2",
    "VendorSpecific",
    "",
    { a: 1 },
  ]);

  // An invalid configured answer: ocpp-rpc strict mode sends InternalError instead.
  csms.respond("Heartbeat", { currentTime: "not a date" });
  const internal = await cp.ask("h1", "Heartbeat", {});
  assert.equal(internal[2], "InternalError");
  const heartbeat = await csms.waitUntil(() =>
    csms.received.find((c) => c.messageId === "h1" && c.replyValidationError)
  );
  assert.equal(heartbeat.replyValidationError?.code, "FormationViolation");

  csms.respond("Heartbeat", { noReply: true });
  cp.send([2, "h2", "Heartbeat", {}]);
  await csms.waitUntil(() => csms.received.find((c) => c.messageId === "h2"));
  await assert.rejects(cp.next(300), /no frame/);
  // The charge point may then answer... nothing; the test CSMS can still push raw frames.
  await csms.sendRaw("CP-1", JSON.stringify([3, "h2", { currentTime: NOW }]));
  assert.deepEqual(await cp.next(), [3, "h2", { currentTime: NOW }]);

  csms.respond("Heartbeat", { delayMs: 200, reply: { currentTime: NOW } });
  const before = Date.now();
  assert.deepEqual((await cp.ask("h3", "Heartbeat", {}))[2], { currentTime: NOW });
  assert.ok(Date.now() - before >= 190);
  await cp.close();
});

Deno.test("rpc_csms: call() failures carry the code and where it failed", async () => {
  await using csms = await RpcCsms.start();
  const cp = new TestClient(`${csms.url}/CP-1`);
  await cp.opened;
  await csms.waitForConnection("CP-1");
  const failure = async (promise: Promise<unknown>): Promise<RpcCallError> => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof RpcCallError, String(error));
    return error;
  };

  // The charge point answers a CALLERROR: the code exactly as sent (1.6 spelling kept).
  const p1 = csms.call("CP-1", "ClearCache", {});
  const c1 = await cp.next();
  cp.send([4, c1[1], "OccurenceConstraintViolation", "nope", { x: 1 }]);
  const e1 = await failure(p1);
  assert.deepEqual([e1.source, e1.code, e1.description, e1.details], [
    "callError",
    "OccurenceConstraintViolation",
    "nope",
    { x: 1 },
  ]);

  // Its CALLRESULT breaks the .conf schema.
  const p2 = csms.call("CP-1", "ClearCache", {});
  const c2 = await cp.next();
  cp.send([3, c2[1], { status: "Maybe" }]);
  const e2 = await failure(p2);
  assert.deepEqual([e2.source, e2.code], ["resultValidation", "FormationViolation"]);

  // Our own params break the .req schema: nothing is sent.
  const e3 = await failure(csms.call("CP-1", "Reset", { type: "Sideways" }));
  assert.deepEqual([e3.source, e3.code], ["requestValidation", "FormationViolation"]);

  // No answer in time.
  const e4 = await failure(csms.call("CP-1", "ClearCache", {}, 200));
  assert.equal(e4.source, "timeout");
  await cp.next(); // the unanswered CALL

  const e5 = await failure(csms.call("CP-9", "ClearCache", {}));
  assert.equal(e5.source, "notConnected");
  await cp.close();
});

Deno.test("rpc_csms: Basic auth (401) and the required subprotocol (400)", async () => {
  await using csms = await RpcCsms.start({ basicAuth: { username: "CP-1", password: "s3cret" } });
  const anonymous = new TestClient(`${csms.url}/CP-1`);
  await assert.rejects(anonymous.opened);
  await anonymous.closed;
  const wrong = new TestClient(`ws://CP-1:bad@127.0.0.1:${csms.port}/CP-1`);
  await assert.rejects(wrong.opened);
  await wrong.closed;
  const noProtocol = new TestClient(`ws://CP-1:s3cret@127.0.0.1:${csms.port}/CP-1`, []);
  await assert.rejects(noProtocol.opened);
  await noProtocol.closed;
  const right = new TestClient(`ws://CP-1:s3cret@127.0.0.1:${csms.port}/CP-1`);
  await right.opened;
  await csms.waitUntil(() => (csms.rejectedUpgrades.length >= 3 ? true : undefined));
  assert.deepEqual(csms.rejectedUpgrades.map((r) => [r.status, r.message]), [
    [401, "Unauthorized: no Authorization header"],
    [401, "Unauthorized: wrong password"],
    [400, "the ocpp1.6 subprotocol is required"],
  ]);
  const [connection] = await csms.waitForConnection("CP-1");
  assert.equal(connection.headers.authorization, `Basic ${btoa("CP-1:s3cret")}`);
  assert.equal(connection.headers["sec-websocket-protocol"], "ocpp1.6");
  await right.close();
});

Deno.test("rpc_csms: disconnect (clean and forced) and restart on the same port", async () => {
  await using csms = await RpcCsms.start();
  const port = csms.port;
  const first = new TestClient(`${csms.url}/CP-1`);
  await first.opened;
  await csms.waitForConnection("CP-1");
  await csms.disconnect("CP-1", { code: 4001, reason: "go away" });
  const closed = await first.closed;
  assert.deepEqual([closed.code, closed.reason], [4001, "go away"]);

  const second = new TestClient(`${csms.url}/CP-1`);
  await second.opened;
  await csms.waitForConnection("CP-1", 2);
  await csms.disconnect("CP-1", { force: true });
  // TCP dropped without a close frame: Deno's WebSocket reports code 0 (not 1006), not clean.
  const dropped = await second.closed;
  assert.equal(dropped.wasClean, false);
  assert.notEqual(dropped.code, 1000);

  const third = new TestClient(`${csms.url}/CP-1`);
  await third.opened;
  await csms.waitForConnection("CP-1", 3);
  const restarting = csms.restart({ downtimeMs: 500 }).then(() => "restarted", (e: unknown) => e);
  assert.equal((await third.closed).code, 1001);
  // While down, connections are refused.
  const refused = new TestClient(`${csms.url}/CP-1`);
  await assert.rejects(refused.opened);
  await refused.closed;
  assert.equal(await restarting, "restarted");
  assert.equal(csms.port, port);

  const fourth = new TestClient(`${csms.url}/CP-1`);
  await fourth.opened;
  assert.equal((await fourth.ask("b", "BootNotification", BOOT))[0], 3);
  assert.equal(csms.connections.length, 4);
  await fourth.close();
  assertAllValid(csms.frames.filter((f) => f.connection === 4));
});

Deno.test("rpc_csms: stop() ends the Node process and rejects pending waits", async () => {
  const csms = await RpcCsms.start();
  const cp = new TestClient(`${csms.url}/CP-1`);
  await cp.opened;
  const pending = assert.rejects(csms.waitFor("Heartbeat", 1, 5000), /stopped|exited/);
  await csms.stop();
  await pending;
  assert.equal((await cp.closed).code, 1001);
  await csms.stop(); // idempotent
  await assert.rejects(csms.call("CP-1", "ClearCache", {}), /exited/);
});
