/**
 * The security events the library raises itself (OCPP 1.6 Security Whitepaper, "Security events"),
 * each checked at the moment it is raised (the event that raises it comes right before it in the
 * log) against a scripted central system on 127.0.0.1: StartupOfTheDevice, InvalidMessages,
 * AttemptedReplayAttacks, MemoryExhaustion (outbox and event store). The TLS ones
 * (InvalidTLSVersion, InvalidTLSCipherSuite, InvalidCentralSystemCertificate,
 * FailedToAuthenticateAtCentralSystem) are in security_profile_test.ts, the certificate ones in
 * certificate_management_test.ts.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ScriptedCsms } from "../support/scripted_csms.ts";
import { assertReplays, type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import { StorageError } from "../../core/errors.ts";
import { FaultyStore } from "../support/faulty_store.ts";

type Params = Record<string, unknown>;

/** Events after `seq` as `type`, or `SecurityEventOccurred:<eventType>`. */
function since(h: Harness, seq: number): string[] {
  return [...h.store.read(seq + 1)].map((e) =>
    e.type === "SecurityEventOccurred"
      ? `SecurityEventOccurred:${(e.data as { eventType: string }).eventType}`
      : e.type
  );
}

/** The SecurityEventNotification types the central system received. */
function notified(csms: ScriptedCsms): string[] {
  return csms.received.filter((c) => c.action === "SecurityEventNotification")
    .map((c) => (c.params as { type: string }).type);
}

/** Stops the charge point; its log replays to its states and the frames sent (by it and `before`). */
async function stopped(h: Harness, before: readonly Harness[] = []): Promise<void> {
  await h.cp.stop();
  assertReplays(h, { before });
}

/** Waits until every CALL of the charge point is answered. */
function quiet(h: Harness): Promise<void> {
  return until(() => h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0, "quiet");
}

Deno.test("StartupOfTheDevice: raised by start(), right after ChargePointStarted, sent once registered", async () => {
  await using csms = await ScriptedCsms.start();
  const h = makeChargePoint(csms.url);
  await h.cp.start();
  const [started, startup] = [...h.store.read(1)];
  assert.equal(started.type, "ChargePointStarted");
  assert.equal(startup.type, "SecurityEventOccurred");
  assert.deepEqual(
    { ...(startup.data as Params), timestamp: undefined },
    {
      eventType: "StartupOfTheDevice",
      techInfo: "The Charge Point has booted",
      internal: true,
      timestamp: undefined,
    },
  );
  await csms.waitFor("SecurityEventNotification");
  assert.deepEqual(notified(csms), ["StartupOfTheDevice"]);
  const boot = csms.received.findIndex((c) => c.action === "BootNotification");
  const sen = csms.received.findIndex((c) => c.action === "SecurityEventNotification");
  assert.ok(boot < sen, "after the BootNotification");
  await quiet(h);
  await stopped(h);

  // Every start is a startup of the device.
  const again = makeChargePoint(csms.url, { store: h.store });
  await again.cp.start();
  await csms.waitFor("SecurityEventNotification", 2);
  assert.deepEqual(notified(csms), ["StartupOfTheDevice", "StartupOfTheDevice"]);
  await quiet(again);
  await stopped(again, [h]);
  assertAllValid(csms.frames);
});

Deno.test("InvalidMessages: a CALL whose payload fails its schema and an invalid CALLRESULT raise it; an unknown action does not", async () => {
  await using csms = await ScriptedCsms.start();
  const h = makeChargePoint(csms.url);
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  await quiet(h);

  let mark = h.store.lastSeq();
  await assert.rejects(csms.call("ChangeConfiguration", { key: "HeartbeatInterval" }));
  await until(() => since(h, mark).length >= 2, "event");
  assert.deepEqual(since(h, mark), ["FrameReceived", "SecurityEventOccurred:InvalidMessages"]);
  const [invalid] = [...h.store.read(mark + 2)];
  assert.match(String((invalid.data as Params).techInfo), /"ChangeConfiguration"/);

  mark = h.store.lastSeq();
  await assert.rejects(csms.call("NoSuchAction", {}));
  assert.deepEqual(since(h, mark), ["FrameReceived"], "NotImplemented, not an invalid message");

  // The answer to the charge point's Heartbeat does not fit Heartbeat.conf.
  csms.respond("Heartbeat", { currentTime: 5 });
  mark = h.store.lastSeq();
  assert.deepEqual(
    await csms.call("TriggerMessage", { requestedMessage: "Heartbeat" }),
    { status: "Accepted" },
  );
  await until(() => since(h, mark).includes("SecurityEventOccurred:InvalidMessages"), "event");
  const events = since(h, mark);
  const at = events.indexOf("SecurityEventOccurred:InvalidMessages");
  assert.equal(events[at - 1], "FrameReceived", "raised by the answer");
  const answer = [...h.store.read(mark + at)][0];
  assert.match(String((answer.data as { text: string }).text), /^\[3,.*"currentTime":5/);
  assert.deepEqual(notified(csms), ["StartupOfTheDevice"], "not critical: not sent");
  await stopped(h);
  assertAllValid(csms.frames);
});

Deno.test("AttemptedReplayAttacks: a second answer to a CALL already answered raises it; an answer to an unknown id is only ignored", async () => {
  await using csms = await ScriptedCsms.start();
  const h = makeChargePoint(csms.url);
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  await quiet(h);

  const bootAnswer = csms.frames.find((f) =>
    f.dir === "toCp" && Array.isArray(f.message) && f.message[0] === 3 &&
    f.message[1] === csms.received.find((c) => c.action === "BootNotification")?.messageId
  );
  assert.ok(bootAnswer !== undefined);
  let mark = h.store.lastSeq();
  csms.sendRaw(bootAnswer.text);
  await until(() => since(h, mark).length >= 2, "event");
  assert.deepEqual(since(h, mark), [
    "FrameReceived",
    "SecurityEventOccurred:AttemptedReplayAttacks",
  ]);
  assert.equal(h.cp.state.registration, "Accepted", "the replayed answer changes nothing");

  mark = h.store.lastSeq();
  csms.sendRaw('[3,"never-sent-1",{}]');
  csms.sendRaw('[4,"never-sent-2","InternalError","",{}]');
  await until(() => since(h, mark).length >= 2, "frames");
  // A ping round trip: the frames were folded, nothing came after them.
  assert.deepEqual(
    await csms.call("TriggerMessage", { requestedMessage: "Heartbeat" }),
    { status: "Accepted" },
  );
  assert.deepEqual(since(h, mark).slice(0, 3), ["FrameReceived", "FrameReceived", "FrameReceived"]);
  assert.ok(!since(h, mark).includes("SecurityEventOccurred:AttemptedReplayAttacks"));
  await stopped(h);
  assertAllValid(csms.frames);
});

Deno.test("MemoryExhaustion: the outbox dropping at MessageQueueSizeThreshold raises it once, and it is delivered", async () => {
  await using csms = await ScriptedCsms.start();
  const h = makeChargePoint(csms.url, { configuration: { MessageQueueSizeThreshold: "3" } });
  await h.cp.start();
  await csms.waitFor("SecurityEventNotification"); // StartupOfTheDevice
  await quiet(h);
  h.cp.disconnect();
  await until(() => h.cp.state.link === "Disconnected", "offline");

  const mark = h.store.lastSeq();
  for (let i = 1; i <= 5; i++) h.cp.onSecurityEvent("TamperDetectionActivated", `case ${i}`);
  await until(
    () => [...h.cp.state.outbox].some((c) => c.payload.type === "MemoryExhaustion"),
    "MemoryExhaustion queued",
  );
  const events = since(h, mark);
  const first = events.indexOf("TransactionMessagesDropped");
  assert.equal(events[first + 1], "SecurityEventOccurred:MemoryExhaustion", "raised by the drop");
  assert.equal(
    events.filter((e) => e === "SecurityEventOccurred:MemoryExhaustion").length,
    1,
    "once while its notification is queued",
  );
  const queued = [...h.cp.state.outbox].map((c) => c.payload.type);
  assert.ok(queued.includes("MemoryExhaustion"), queued.join(", "));

  h.cp.connect();
  await csms.waitFor("SecurityEventNotification", 1 + queued.length);
  assert.deepEqual(notified(csms).slice(1), queued);
  await stopped(h);
  assertAllValid(csms.frames);
});

Deno.test("MemoryExhaustion: a full event store raises it once (not a read-only one), recorded first when the store has room", async () => {
  await using csms = await ScriptedCsms.start();
  const store = new FaultyStore();
  const h = makeChargePoint(csms.url, { store });
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  await quiet(h);
  const tamper = () => h.cp.onSecurityEvent("TamperDetectionActivated", "lid open");

  store.fault = "read-only";
  assert.throws(tamper, StorageError);
  store.fault = undefined;
  let mark = h.store.lastSeq();
  tamper();
  assert.deepEqual(since(h, mark), ["SecurityEventOccurred:TamperDetectionActivated"]);
  await quiet(h); // its notification answered: no frame arrives while the store is full

  store.fault = "disk full";
  await h.clock.advance(60_000);
  const fullAt = new Date(h.clock.now() + h.cp.state.timeOffsetMs).toISOString();
  assert.throws(tamper, StorageError);
  assert.throws(tamper, StorageError); // the same episode: raised once
  store.fault = undefined;
  mark = h.store.lastSeq();
  tamper();
  assert.deepEqual(since(h, mark), [
    "SecurityEventOccurred:MemoryExhaustion",
    "SecurityEventOccurred:TamperDetectionActivated",
  ]);
  const [exhausted] = [...h.store.read(mark + 1)];
  assert.equal((exhausted.data as Params).timestamp, fullAt, "the time the store was full");
  await csms.waitFor("SecurityEventNotification", 4);
  assert.deepEqual(notified(csms), [
    "StartupOfTheDevice",
    "TamperDetectionActivated",
    "MemoryExhaustion",
    "TamperDetectionActivated",
  ]);
  await stopped(h);
  assertAllValid(csms.frames);
});
