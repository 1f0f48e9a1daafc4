/**
 * Transactions across connection losses, modelled on the OCTT charge-point test cases of OCPP
 * 1.6 (TC_036 connection loss during a transaction, TC_037_1 offline start with a valid idTag,
 * TC_038 offline stop, TC_039 a transaction entirely offline), plus a long outage flushed at
 * `MessageQueueFlushRate` and a StartTransaction the central system keeps refusing (parked: it
 * holds its own transaction, not the others). The central system (a ScriptedCsms on 127.0.0.1) goes away and comes
 * back on the same port; after the reconnect it must receive every queued message, in order,
 * exactly once, with the right transactionId, and the periodic meter values one sample interval
 * apart. Every frame is checked against the official schemas and the log replays to the frames
 * sent. (The invalid-idTag variants of TC_037 belong to the StartTransaction idTagInfo tests.)
 */
import assert from "node:assert/strict";
import { ScriptedCsms, type ScriptedReceivedCall } from "../support/scripted_csms.ts";
import { assertReplays, type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";

type Params = Record<string, unknown>;

const MIN = 60_000;
const CONFIG = {
  RetryBackoffWaitMinimum: "3",
  RetryBackoffRandomRange: "0",
  RetryBackoffRepeatTimes: "2",
  MeterValueSampleInterval: "60",
  MeterValuesSampledData: "Energy.Active.Import.Register",
};
const TX_ACTIONS = new Set(["StartTransaction", "MeterValues", "StopTransaction"]);

/** A charge point with its central system; no heartbeats (interval one day). */
async function online(config: Record<string, string> = {}): Promise<
  { h: Harness; csms: ScriptedCsms; port: number }
> {
  const csms = await ScriptedCsms.start();
  const h = makeChargePoint(csms.url, { configuration: { ...CONFIG, ...config } });
  csms.respond("BootNotification", bootAnswer(h));
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  return { h, csms, port: csms.port };
}

/** Boot accepted on the manual clock's time (offset 0: the expected timestamps are exact). */
function bootAnswer(h: Harness): () => Params {
  return () => ({
    status: "Accepted",
    currentTime: new Date(h.clock.now()).toISOString(),
    interval: 86_400,
  });
}

/** Nothing queued or in flight. */
function drained(h: Harness): boolean {
  return h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0;
}

/** The central system goes away. */
async function goAway(h: Harness, csms: ScriptedCsms): Promise<void> {
  await csms.stop();
  await until(() => h.cp.state.link === "Disconnected", "link down");
}

/** The central system comes back on `port`; the clock moves until the charge point reconnects. */
async function comeBack(
  h: Harness,
  port: number,
  prepare: (back: ScriptedCsms) => void = () => {},
): Promise<ScriptedCsms> {
  const back = await ScriptedCsms.start({ port });
  back.respond("BootNotification", bootAnswer(h));
  prepare(back);
  const link = () => h.cp.state.link;
  for (let i = 0; i < 30 && link() !== "Open"; i++) {
    await until(() => link() !== "Connecting", "connection attempt done");
    if (link() !== "Open") await h.clock.advance(1000);
  }
  await until(() => h.cp.state.link === "Open", "reconnected");
  return back;
}

/** Waits until the outbox is delivered, moving the clock one second per pacing window. */
async function flush(h: Harness): Promise<void> {
  for (let i = 0; i < 60 && !drained(h); i++) {
    await until(() => drained(h) || "retry" in h.cp.state.timers, "backlog window sent");
    if (!drained(h)) await h.clock.advance(1000);
  }
  await until(() => drained(h), "outbox delivered");
}

/** One minute of charging offline: a meter reading, then the sample interval elapses. */
async function chargeOneMinute(h: Harness, connector: number, wh: number): Promise<void> {
  h.cp.onMeterValues(connector, {
    powerMeter: { timestamp: new Date(h.clock.now()), energyWhImport: { total: wh } },
  });
  await h.clock.advance(MIN);
}

function txCalls(...peers: ScriptedCsms[]): ScriptedReceivedCall[] {
  return peers.flatMap((p) => p.received).filter((c) => TX_ACTIONS.has(c.action));
}

function stamp(call: ScriptedReceivedCall): number {
  const mv = (call.params as { meterValue: { timestamp: string }[] }).meterValue;
  return Date.parse(mv[0]!.timestamp);
}

/**
 * Every transaction message exactly once across every connection: the frames counted per action
 * are `expected`, no message id arrives twice, and no two arrive with the same content under
 * different ids.
 */
function assertExactlyOnce(
  calls: readonly ScriptedReceivedCall[],
  expected: Readonly<Record<string, number>>,
): void {
  const counts: Record<string, number> = {};
  for (const c of calls) counts[c.action] = (counts[c.action] ?? 0) + 1;
  assert.deepEqual(counts, expected, "frames received per action");
  const ids = calls.map((c) => c.messageId);
  assert.equal(new Set(ids).size, ids.length, `a message arrived twice: ${ids.join(", ")}`);
  const contents = calls.map((c) => `${c.action} ${JSON.stringify(c.params)}`);
  assert.equal(new Set(contents).size, contents.length, "a message arrived twice under two ids");
  for (const c of calls) {
    if (c.action === "StopTransaction" || c.action === "MeterValues") {
      assert.notEqual((c.params as Params).transactionId, -1, "never a placeholder id");
    }
  }
}

function finish(h: Harness, ...peers: ScriptedCsms[]): void {
  for (const p of peers) assertAllValid(p.frames);
  assertReplays(h);
}

Deno.test("TC_036_CS connection loss during a transaction: the samples taken offline arrive after the reconnect, in order, once, one interval apart", async () => {
  const { h, csms, port } = await online();
  const t0 = h.clock.now();
  h.cp.onSessionStarted(1, "s-1", "Authorized");
  h.cp.onTransactionStarted(1, "s-1", "TAG-1", 1000, undefined, new Date(t0));
  h.cp.onResumeCharging(1);
  await csms.waitFor("StartTransaction");
  await until(() => drained(h), "start answered");
  const transactionId = 1; // the first id of the default answers

  await goAway(h, csms);
  for (let minute = 1; minute <= 5; minute++) await chargeOneMinute(h, 1, 1000 + minute * 100);
  assert.equal(h.cp.state.outbox.size, 5, "five samples queued");

  await using back = await comeBack(h, port);
  await flush(h);
  const meterValues = back.received.filter((c) => c.action === "MeterValues");
  assert.equal(meterValues.length, 5);
  assert.ok(meterValues.every((c) => (c.params as Params).transactionId === transactionId));
  assert.deepEqual(
    meterValues.map(stamp),
    [1, 2, 3, 4, 5].map((k) => t0 + k * MIN),
    "one sample interval apart, oldest first",
  );
  const status1 = back.received.filter((c) => c.action === "StatusNotification")
    .map((c) => c.params as Params).filter((p) => p.connectorId === 1);
  assert.deepEqual(status1.map((p) => p.status), ["Charging"], "only the current status");

  h.cp.onTransactionStopped(1, "s-1", "Local", new Date(h.clock.now()), 1600, "TAG-1");
  await back.waitFor("StopTransaction");
  await until(() => drained(h), "stop answered");
  const stop = back.received.find((c) => c.action === "StopTransaction")?.params as Params;
  assert.equal(stop.transactionId, transactionId);
  assertExactlyOnce(txCalls(csms, back), {
    StartTransaction: 1,
    MeterValues: 5,
    StopTransaction: 1,
  });
  await h.cp.stop();
  finish(h, csms, back);
});

Deno.test("TC_037_1_CS offline start transaction (valid idTag): the StartTransaction goes first; the samples behind it carry the id of its answer", async () => {
  const { h, csms, port } = await online();
  await goAway(h, csms);
  const t0 = h.clock.now();
  h.cp.onSessionStarted(1, "s-1", "Authorized");
  h.cp.onTransactionStarted(1, "s-1", "TAG-1", 2000, undefined, new Date(t0));
  h.cp.onResumeCharging(1);
  for (let minute = 1; minute <= 3; minute++) await chargeOneMinute(h, 1, 2000 + minute * 50);

  await using back = await comeBack(h, port, (back) => {
    back.respond("StartTransaction", { transactionId: 4242, idTagInfo: { status: "Accepted" } });
  });
  await flush(h);
  const tx = txCalls(back);
  assert.deepEqual(tx.map((c) => c.action), [
    "StartTransaction",
    "MeterValues",
    "MeterValues",
    "MeterValues",
  ]);
  const start = tx[0]!.params as Params;
  assert.equal(start.timestamp, new Date(t0).toISOString(), "the time it really started");
  assert.equal(start.meterStart, 2000);
  assert.ok(tx.slice(1).every((c) => (c.params as Params).transactionId === 4242));
  assert.deepEqual(tx.slice(1).map(stamp), [1, 2, 3].map((k) => t0 + k * MIN));
  assert.equal(h.cp.connectorStatus(1), "Charging");

  h.cp.onTransactionStopped(1, "s-1", "EVDisconnected", new Date(h.clock.now()), 2200);
  await back.waitFor("StopTransaction");
  await until(() => drained(h), "stop answered");
  assert.equal(
    (back.received.find((c) => c.action === "StopTransaction")?.params as Params).transactionId,
    4242,
  );
  assertExactlyOnce(txCalls(csms, back), {
    StartTransaction: 1,
    MeterValues: 3,
    StopTransaction: 1,
  });
  await h.cp.stop();
  finish(h, csms, back);
});

Deno.test("TC_038_CS offline stop transaction: the StopTransaction made offline is delivered after the samples, with the transactionId", async () => {
  const { h, csms, port } = await online();
  const t0 = h.clock.now();
  h.cp.onSessionStarted(2, "s-2", "EVConnected");
  h.cp.onTransactionStarted(2, "s-2", "TAG-2", 500, undefined, new Date(t0));
  h.cp.onResumeCharging(2);
  await csms.waitFor("StartTransaction");
  await until(() => drained(h), "start answered");

  await goAway(h, csms);
  for (let minute = 1; minute <= 2; minute++) await chargeOneMinute(h, 2, 500 + minute * 10);
  const tStop = h.clock.now();
  h.cp.onTransactionStopped(2, "s-2", "Local", new Date(tStop), 530, "TAG-2");
  h.cp.onSessionStopped(2, "s-2");
  assert.equal(h.cp.connectorStatus(2), "Available");

  await using back = await comeBack(h, port);
  await flush(h);
  const tx = txCalls(back);
  assert.deepEqual(tx.map((c) => c.action), ["MeterValues", "MeterValues", "StopTransaction"]);
  assert.ok(tx.every((c) => (c.params as Params).transactionId === 1));
  assert.deepEqual(tx.slice(0, 2).map(stamp), [t0 + MIN, t0 + 2 * MIN]);
  const stop = tx[2]!.params as Params;
  assert.deepEqual([stop.meterStop, stop.timestamp, stop.reason, stop.idTag], [
    530,
    new Date(tStop).toISOString(),
    "Local",
    "TAG-2",
  ]);
  const status2 = back.received.filter((c) => c.action === "StatusNotification")
    .map((c) => c.params as Params).filter((p) => p.connectorId === 2);
  assert.deepEqual(status2.map((p) => p.status), ["Available"], "only the current status");
  assertExactlyOnce(txCalls(csms, back), {
    StartTransaction: 1,
    MeterValues: 2,
    StopTransaction: 1,
  });
  await h.cp.stop();
  finish(h, csms, back);
});

Deno.test("TC_039_CS offline transaction: start, samples and stop all offline; the StopTransaction waits for the StartTransaction answer", async () => {
  const { h, csms, port } = await online();
  await goAway(h, csms);
  const t0 = h.clock.now();
  h.cp.onSessionStarted(1, "s-1", "Authorized");
  h.cp.onTransactionStarted(1, "s-1", "TAG-9", 0, undefined, new Date(t0));
  h.cp.onResumeCharging(1);
  for (let minute = 1; minute <= 3; minute++) await chargeOneMinute(h, 1, minute * 200);
  h.cp.onTransactionStopped(1, "s-1", "EVDisconnected", new Date(h.clock.now()), 650);
  h.cp.onSessionStopped(1, "s-1");
  assert.equal(h.cp.state.outbox.size, 5);

  // A slow answer: nothing of the transaction may overtake it.
  await using back = await comeBack(h, port, (back) => {
    back.respond("StartTransaction", {
      delayMs: 150,
      reply: { transactionId: 31337, idTagInfo: { status: "Accepted" } },
    });
  });
  await flush(h);
  const tx = txCalls(back);
  assert.deepEqual(tx.map((c) => c.action), [
    "StartTransaction",
    "MeterValues",
    "MeterValues",
    "MeterValues",
    "StopTransaction",
  ]);
  assert.ok(tx.slice(1).every((c) => (c.params as Params).transactionId === 31337));
  assert.deepEqual(tx.slice(1, 4).map(stamp), [1, 2, 3].map((k) => t0 + k * MIN));
  const answerAt = back.frames.findIndex((f) =>
    f.dir === "toCp" && Array.isArray(f.message) && f.message[0] === 3 &&
    f.message[1] === tx[0]!.messageId
  );
  const firstAfter = back.frames.findIndex((f) =>
    f.dir === "fromCp" && Array.isArray(f.message) && f.message[1] === tx[1]!.messageId
  );
  assert.ok(answerAt >= 0 && answerAt < firstAfter, "sent only after the StartTransaction answer");
  assertExactlyOnce(txCalls(csms, back), {
    StartTransaction: 1,
    MeterValues: 3,
    StopTransaction: 1,
  });
  await h.cp.stop();
  finish(h, csms, back);
});

Deno.test("a long outage: the backlog is flushed at most MessageQueueFlushRate messages per second, in order, once", async () => {
  const { h, csms, port } = await online({ MessageQueueFlushRate: "10" });
  const t0 = h.clock.now();
  h.cp.onSessionStarted(1, "s-1", "Authorized");
  h.cp.onTransactionStarted(1, "s-1", "TAG-1", 0, undefined, new Date(t0));
  h.cp.onResumeCharging(1);
  await csms.waitFor("StartTransaction");
  await until(() => drained(h), "start answered");
  await goAway(h, csms);
  for (let minute = 1; minute <= 25; minute++) await chargeOneMinute(h, 1, minute * 100);
  assert.equal(h.cp.state.outbox.size, 25);

  await using back = await comeBack(h, port);
  const meterValues = () => back.received.filter((c) => c.action === "MeterValues");
  const perWindow: number[] = [];
  for (let second = 0; second < 3; second++) {
    await until(() => drained(h) || "retry" in h.cp.state.timers, "window sent");
    perWindow.push(meterValues().length);
    await h.clock.advance(1000);
  }
  await until(() => drained(h), "outbox delivered");
  assert.deepEqual(perWindow, [10, 20, 25], "10 per second");
  assert.deepEqual(
    meterValues().map(stamp),
    Array.from({ length: 25 }, (_, k) => t0 + (k + 1) * MIN),
  );
  assert.ok(meterValues().every((c) => (c.params as Params).transactionId === 1));
  const firstStatus = back.received.findIndex((c) => c.action === "StatusNotification");
  assert.ok(
    firstStatus >= 0 && firstStatus <= 10,
    "the current status does not wait for the backlog",
  );
  assertExactlyOnce(txCalls(csms, back), { StartTransaction: 1, MeterValues: 25 });
  await h.cp.stop();
  finish(h, csms, back);
});

Deno.test("a StartTransaction the central system keeps refusing is retried (same id, never dropped) but parked after TransactionMessageAttempts: the other connector's transaction is delivered meanwhile, its own StopTransaction waits", async () => {
  const { h, csms } = await online({
    TransactionMessageAttempts: "2",
    TransactionMessageRetryInterval: "10",
  });
  let refuse = true;
  csms.respond(
    "StartTransaction",
    (call) =>
      (call.params as Params).connectorId === 1
        ? refuse ? { error: { code: "InternalError", description: "not now" } } : {
          transactionId: 8,
          idTagInfo: { status: "Accepted" },
        }
        : { transactionId: 9, idTagInfo: { status: "Accepted" } },
  );
  const at = () => new Date(h.clock.now());
  const starts = () => csms.received.filter((c) => c.action === "StartTransaction");
  h.cp.onSessionStarted(1, "s-1", "Authorized");
  h.cp.onTransactionStarted(1, "s-1", "TAG-1", 100, undefined, at());
  await csms.waitFor("StartTransaction", 1);
  await until(() => h.cp.state.inFlight === undefined, "refused");
  h.cp.onSessionStarted(2, "s-2", "Authorized");
  h.cp.onTransactionStarted(2, "s-2", "TAG-2", 200, undefined, at());
  await until(() => h.cp.state.inFlight === undefined, "statuses answered");
  assert.equal(starts().length, 1, "within TransactionMessageAttempts everything waits");

  await h.clock.advance(10_000); // the retry: refused again, now parked
  await csms.waitFor("StartTransaction", 3);
  await until(
    () => h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 1,
    "connector 2's StartTransaction answered, connector 1's parked",
  );
  assert.deepEqual(starts().map((c) => (c.params as Params).connectorId), [1, 1, 2]);
  h.cp.onTransactionStopped(2, "s-2", "Local", at(), 250);
  h.cp.onTransactionStopped(1, "s-1", "Local", at(), 150);
  await csms.waitFor("StopTransaction", 1);
  await until(() => h.cp.state.inFlight === undefined, "stop answered");
  assert.deepEqual(
    csms.received.filter((c) => c.action === "StopTransaction").map((c) =>
      (c.params as Params).transactionId
    ),
    [9],
    "connector 1's StopTransaction waits for its StartTransaction",
  );

  refuse = false;
  await h.clock.advance(60_000); // the parked StartTransaction is retried
  await csms.waitFor("StopTransaction", 2);
  await until(() => drained(h), "all delivered");
  const first = starts()[0]!.messageId;
  assert.deepEqual(
    starts().filter((c) => (c.params as Params).connectorId === 1).map((c) => c.messageId),
    [first, first, first],
    "the same message id every time",
  );
  assert.deepEqual(
    csms.received.filter((c) => c.action === "StopTransaction").map((c) =>
      (c.params as Params).transactionId
    ),
    [9, 8],
  );
  const failed = [...h.cp.log.read(1)].filter((e) => e.type === "TransactionMessageFailed")
    .map((e) => (e.data as Params).outcome);
  assert.deepEqual(failed, ["Retry", "Retry"]);
  await h.cp.stop();
  finish(h, csms);
  await csms.stop();
});
