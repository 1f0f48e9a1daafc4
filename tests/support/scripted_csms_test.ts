import assert from "node:assert/strict";
import { assertAllValid } from "./ocpp_schema.ts";
import { CsmsCallError, type CsmsFrame, ScriptedCsms } from "./scripted_csms.ts";

const NOW = "2026-01-01T00:00:00.000Z";
const BOOT = { chargePointVendor: "Acme", chargePointModel: "X1" };

/** A plain Deno WebSocket client with bounded waits, standing in for the charge point. */
class TestClient {
  readonly ws: WebSocket;
  readonly inbox: string[] = [];
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
    // A failed upgrade rejects `opened`; tests that expect it await it with assert.rejects, the
    // others await it directly. Mark it handled so a refused client is no unhandled rejection.
    this.opened.catch((error: unknown) => (this.openError = error));
    this.closed = new Promise((resolve) => this.ws.addEventListener("close", resolve));
    this.ws.addEventListener("message", (e: MessageEvent) => {
      this.inbox.push(String(e.data));
      this.#wake();
    });
  }

  send(value: unknown[]): void {
    this.ws.send(JSON.stringify(value));
  }

  /** The next frame received (bounded). */
  async next(timeoutMs = 3000): Promise<unknown> {
    if (this.#read >= this.inbox.length) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        new Promise<void>((resolve) => (this.#wake = resolve)),
        new Promise<void>((_, reject) => {
          timer = setTimeout(() => reject(new Error("test client: no frame")), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
    }
    return JSON.parse(this.inbox[this.#read++]);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
    await this.closed;
  }
}

Deno.test("scripted_csms: BootNotification round trip, records request and frames", async () => {
  await using csms = await ScriptedCsms.start();
  assert.match(csms.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
  const client = new TestClient(`${csms.url}/CP%201`);
  await client.opened;
  assert.equal(client.ws.protocol, "ocpp1.6");
  client.send([2, "b1", "BootNotification", BOOT]);
  const answer = await client.next();
  assert.ok(Array.isArray(answer));
  assert.equal(answer[0], 3);
  assert.equal(answer[1], "b1");
  const payload = answer[2] as Record<string, unknown>;
  assert.equal(payload.status, "Accepted");
  assert.equal(payload.interval, 300);
  assert.ok(!Number.isNaN(Date.parse(String(payload.currentTime))));

  const [boot] = await csms.waitFor("BootNotification");
  assert.equal(boot.identity, "CP 1");
  assert.deepEqual(boot.params, BOOT);
  assert.equal(boot.messageId, "b1");
  assert.equal(csms.requests.length, 1);
  assert.equal(csms.requests[0].path, "/CP%201");
  assert.equal(csms.requests[0].status, 101);
  assert.equal(csms.requests[0].protocol, "ocpp1.6");
  assert.deepEqual(csms.requests[0].protocols, ["ocpp1.6"]);
  assert.equal(csms.connectionCount, 1);
  assert.equal(csms.openConnections, 1);
  assert.deepEqual(csms.frames.map((f) => f.dir), ["fromCp", "toCp"]);
  assertAllValid(csms.frames);
  await client.close();
});

Deno.test("scripted_csms: default replies and every kind of override", async () => {
  await using csms = await ScriptedCsms.start();
  const client = new TestClient(`${csms.url}/CP-1`);
  await client.opened;
  const ask = async (action: string, params: unknown = {}) => {
    client.send([2, `m-${action}`, action, params]);
    return await client.next();
  };
  const start = { connectorId: 1, idTag: "T", meterStart: 0, timestamp: NOW };
  assert.deepEqual(await ask("StartTransaction", start), [3, "m-StartTransaction", {
    transactionId: 1,
    idTagInfo: { status: "Accepted" },
  }]);
  assert.deepEqual((await ask("StartTransaction", start) as unknown[])[2], {
    transactionId: 2,
    idTagInfo: { status: "Accepted" },
  });
  assert.deepEqual(await ask("StatusNotification"), [3, "m-StatusNotification", {}]);
  assert.deepEqual(await ask("Authorize"), [3, "m-Authorize", {
    idTagInfo: { status: "Accepted" },
  }]);
  assert.deepEqual(await ask("DataTransfer"), [3, "m-DataTransfer", { status: "Accepted" }]);
  const unknown = await ask("Frobnicate") as unknown[];
  assert.equal(unknown[0], 4);
  assert.equal(unknown[2], "NotImplemented");

  // Fixed payload.
  csms.respond("Authorize", { idTagInfo: { status: "Blocked" } });
  assert.deepEqual((await ask("Authorize") as unknown[])[2], { idTagInfo: { status: "Blocked" } });
  // Sequence: the last one repeats.
  csms.respond("Heartbeat", [{ currentTime: "a" }, { currentTime: "b" }]);
  assert.deepEqual((await ask("Heartbeat") as unknown[])[2], { currentTime: "a" });
  assert.deepEqual((await ask("Heartbeat") as unknown[])[2], { currentTime: "b" });
  assert.deepEqual((await ask("Heartbeat") as unknown[])[2], { currentTime: "b" });
  // CALLERROR.
  csms.respond("MeterValues", { error: { code: "InternalError", description: "db down" } });
  assert.deepEqual(await ask("MeterValues"), [4, "m-MeterValues", "InternalError", "db down", {}]);
  // Function, async.
  csms.respond(
    "DataTransfer",
    (call) => Promise.resolve({ status: "Accepted", data: call.messageId }),
  );
  assert.deepEqual((await ask("DataTransfer") as unknown[])[2], {
    status: "Accepted",
    data: "m-DataTransfer",
  });
  // Delayed.
  csms.respond("Heartbeat", { delayMs: 150, reply: { currentTime: NOW } });
  const before = Date.now();
  assert.deepEqual((await ask("Heartbeat") as unknown[])[2], { currentTime: NOW });
  assert.ok(Date.now() - before >= 140);
  // No reply at all; then back to the default.
  csms.respond("StatusNotification", { noReply: true });
  client.send([2, "silent", "StatusNotification", {}]);
  await csms.waitFor("StatusNotification", 2);
  await assert.rejects(client.next(300), /no frame/);
  csms.respond("StatusNotification", undefined);
  assert.deepEqual(await ask("StatusNotification"), [3, "m-StatusNotification", {}]);
  await client.close();
});

Deno.test("scripted_csms: sendRaw, nextFromCp and call()", async () => {
  await using csms = await ScriptedCsms.start({ autoRespond: false });
  const client = new TestClient(`${csms.url}/CP-1`);
  await client.opened;
  await csms.waitForConnection();

  csms.sendRaw("this is not json");
  assert.equal(await client.next().catch(() => "unparsable"), "unparsable");
  client.send([4, "-1", "FormationViolation", "not JSON", {}]);
  const error = await csms.nextFromCp((f: CsmsFrame) =>
    Array.isArray(f.message) && f.message[0] === 4
  );
  assert.equal((error.message as unknown[])[2], "FormationViolation");
  assert.equal(csms.frames[0].dir, "toCp");
  assert.equal(csms.frames[0].message, undefined);

  // Frames are returned once each, in order; non-matching ones stay available.
  client.send([2, "h1", "Heartbeat", {}]);
  client.send([2, "h2", "Heartbeat", {}]);
  const second = await csms.nextFromCp((f) => (f.message as unknown[])[1] === "h2");
  assert.equal((second.message as unknown[])[1], "h2");
  const first = await csms.nextFromCp();
  assert.equal((first.message as unknown[])[1], "h1");
  await assert.rejects(csms.nextFromCp(undefined, 100), /timed out after 100 ms/);
  assert.equal(csms.received.length, 2); // recorded even without auto-responding

  // call(): CALLRESULT.
  const reset = csms.call("Reset", { type: "Soft" });
  const resetCall = await client.next() as unknown[];
  assert.deepEqual(resetCall.slice(2), ["Reset", { type: "Soft" }]);
  client.send([3, resetCall[1], { status: "Accepted" }]);
  assert.deepEqual(await reset, { status: "Accepted" });

  // call(): CALLERROR → CsmsCallError with the code.
  const unlock = csms.call("UnlockConnector", { connectorId: 1 });
  const unlockCall = await client.next() as unknown[];
  client.send([4, unlockCall[1], "NotSupported", "no lock", { a: 1 }]);
  const failure = await unlock.then(() => undefined, (e: unknown) => e);
  assert.ok(failure instanceof CsmsCallError);
  assert.equal(failure.code, "NotSupported");
  assert.equal(failure.description, "no lock");
  assert.deepEqual(failure.details, { a: 1 });

  // call(): no answer → bounded.
  await assert.rejects(csms.call("ClearCache", {}, 100), /got no answer within 100 ms/);
  await client.close();
});

Deno.test("scripted_csms: refuses upgrades with any status, and checks Basic auth", async () => {
  await using refusing = await ScriptedCsms.start({ rejectUpgrade: 503 });
  const refused = new TestClient(`${refusing.url}/CP-1`);
  await assert.rejects(refused.opened);
  await refused.closed;
  assert.equal(refusing.requests[0].status, 503);
  assert.equal(refusing.requests[0].refusal, "refused by test");
  assert.equal(refusing.connectionCount, 0);

  await using csms = await ScriptedCsms.start({
    basicAuth: { username: "CP-1", password: "s3cret" },
  });
  const anonymous = new TestClient(`${csms.url}/CP-1`);
  await assert.rejects(anonymous.opened);
  await anonymous.closed;
  const wrong = new TestClient(`ws://CP-1:nope@127.0.0.1:${csms.port}/CP-1`);
  await assert.rejects(wrong.opened);
  await wrong.closed;
  const right = new TestClient(`ws://CP-1:s3cret@127.0.0.1:${csms.port}/CP-1`);
  await right.opened;
  assert.deepEqual(csms.requests.map((r) => r.status), [401, 401, 101]);
  assert.deepEqual(csms.requests.map((r) => r.refusal), [
    "Unauthorized: no Authorization header",
    "Unauthorized: wrong password",
    undefined,
  ]);
  assert.equal(csms.requests[2].headers.authorization, `Basic ${btoa("CP-1:s3cret")}`);
  await right.close();
});

Deno.test("scripted_csms: subprotocol selection can be switched off", async () => {
  await using csms = await ScriptedCsms.start({ subprotocol: null });
  const client = new TestClient(`${csms.url}/CP-1`, ["ocpp1.6"]);
  // RFC 6455 lets the upgrade succeed without a subprotocol; the client sees "" and must decide.
  await client.opened;
  assert.equal(client.ws.protocol, "");
  assert.equal(csms.requests[0].protocol, "");
  assert.deepEqual(csms.requests[0].protocols, ["ocpp1.6"]);
  await client.close();
});

Deno.test("scripted_csms: disconnect, reconnection count and stop", async () => {
  const csms = await ScriptedCsms.start();
  const first = new TestClient(`${csms.url}/CP-1`);
  await first.opened;
  await csms.waitForConnection(1);
  await csms.disconnect(4000, "bye");
  const event = await first.closed;
  assert.equal(event.code, 4000);
  assert.equal(event.reason, "bye");
  assert.equal(csms.openConnections, 0);
  assert.throws(() => csms.sendRaw("x"), /no open connection/);

  const second = new TestClient(`${csms.url}/CP-1`);
  await second.opened;
  await csms.waitForConnection(2);
  assert.equal(csms.connectionCount, 2);
  second.send([2, "h", "Heartbeat", {}]);
  assert.equal((await second.next() as unknown[])[0], 3);
  assert.equal(csms.received[0].connection, 2);

  const pending = assert.rejects(csms.waitFor("BootNotification", 1, 5000), /CSMS stopped/);
  await csms.stop();
  await pending;
  const closed = await second.closed;
  assert.equal(closed.code, 1001);
  assert.deepEqual(csms.closes.map((c) => c.code), [4000, 1001]);
  await csms.stop(); // idempotent
});
