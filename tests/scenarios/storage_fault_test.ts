/**
 * Storage faults: a full disk or a read-only (or locked) store makes handlers throw a typed
 * `StorageError`, the in-memory state does not advance for the refused event, the log is never
 * corrupted, and the charge point recovers when storage comes back:
 *
 * - the next handler call works (events the shell could not record are recorded first, in order);
 * - a frame from the central system that could not be stored is lost: the charge point closes the
 *   connection so both sides resend what is unanswered, and reconnects once the store
 *   works; its own transaction CALL goes again with the same message id;
 * - a timer whose firing could not be stored fires again (a periodic sample keeps its time).
 *
 * Faults come from a real SQLite file: full (`max_page_count` on the store's connection, through
 * `SqliteEventStore.limitWrites`: SQLite answers `SQLITE_FULL` exactly as on a full disk),
 * read-only (`query_only`: `SQLITE_READONLY`, as a read-only file; file permissions cannot
 * simulate it for a process running as root, nor for a file already open) and locked by another
 * connection (`BEGIN IMMEDIATE`, short busy timeout); and from a wrapping store that throws on
 * demand (`FaultyStore`), for the paths that are the same whatever the store.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ScriptedCsms } from "../support/scripted_csms.ts";
import { assertReplays, type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import { replay } from "../../core/replay.ts";
import type { EventStore } from "../../core/event_store.ts";
import type { RecordedEvent } from "../../events/envelope.ts";
import { FaultyStore } from "../support/faulty_store.ts";
import { SqliteEventStore } from "../../core/sqlite_event_store.ts";
import { StorageError } from "../../core/errors.ts";

type Params = Record<string, unknown>;

const CONFIG = {
  RetryBackoffWaitMinimum: "3",
  RetryBackoffRandomRange: "0",
  MeterValueSampleInterval: "60",
};

/** A CSMS whose StartTransaction answer depends only on the message id (a resend gets the same). */
async function csmsWithStableIds(): Promise<ScriptedCsms> {
  const csms = await ScriptedCsms.start();
  const ids = new Map<string, number>();
  csms.respond("StartTransaction", (call) => {
    if (!ids.has(call.messageId)) ids.set(call.messageId, 100 + ids.size);
    return { transactionId: ids.get(call.messageId), idTagInfo: { status: "Accepted" } };
  });
  return csms;
}

function drained(h: Harness): boolean {
  return h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0;
}

function storageError(fn: () => unknown): StorageError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof StorageError, `a StorageError, got ${String(error)}`);
    assert.equal(error.code, "STORAGE_WRITE_FAILED");
    return error;
  }
  assert.fail("expected a StorageError");
}

/** The stored log is whole: seqs 1..n without a gap, every event of a known type. */
function assertLogIntact(store: EventStore): void {
  const events = [...store.read(1)];
  events.forEach((e, i) => assert.equal(e.seq, i + 1));
  assert.equal(events.length, store.lastSeq());
  replay(store, { validate: true });
}

Deno.test("storage fault: a handler throws StorageError, the state does not move, the next call after recovery works", async () => {
  await using csms = await csmsWithStableIds();
  const store = new FaultyStore();
  const h = makeChargePoint(csms.url, { store, configuration: CONFIG });
  const at = () => new Date(h.clock.now());
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  h.cp.onSessionStarted(1, "s-1", "Authorized");
  h.cp.onTransactionStarted(1, "s-1", "TAG-1", 1000, undefined, at());
  await until(() => drained(h), "start answered");

  for (const fault of ["disk full", "read-only"] as const) {
    store.fault = fault;
    const before = h.cp.state;
    const seq = store.lastSeq();
    const error = storageError(() => h.cp.onTransactionStopped(1, "s-1", "Local", at(), 1500));
    assert.ok(error.cause instanceof Error, "the store's error is the cause");
    storageError(() =>
      h.cp.onMeterValues(1, { powerMeter: { timestamp: at(), energyWhImport: { total: 1400 } } })
    );
    storageError(() => h.cp.onSecurityEvent("TamperDetectionActivated"));
    assert.equal(h.cp.state, before, "the in-memory state did not advance");
    assert.equal(store.lastSeq(), seq, "nothing stored");
    assert.equal(h.cp.connectorStatus(1), "Preparing");
  }

  store.fault = undefined;
  h.cp.onTransactionStopped(1, "s-1", "Local", at(), 1500);
  await csms.waitFor("StopTransaction");
  await until(() => drained(h), "stop answered");
  const stop = csms.received.find((c) => c.action === "StopTransaction")?.params as Params;
  assert.equal(stop.transactionId, 100);
  assert.equal(h.cp.connectorStatus(1), "Finishing");
  await h.cp.stop();
  assertLogIntact(store);
  assertAllValid(csms.frames);
  assertReplays(h);
});

Deno.test("storage fault: an answer that cannot be stored closes the connection; after recovery the charge point reconnects and resends with the same id", async () => {
  await using csms = await csmsWithStableIds();
  const store = new FaultyStore();
  const h = makeChargePoint(csms.url, { store, configuration: CONFIG });
  const at = () => new Date(h.clock.now());
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  h.cp.onSessionStarted(1, "s-1", "Authorized");
  await until(() => drained(h), "status answered");

  // The disk fills up while the StartTransaction is on its way: its answer cannot be stored.
  let arrived: () => void = () => {};
  const held = new Promise<void>((resolve) => (arrived = resolve));
  const ids = new Map<string, number>();
  csms.respond("StartTransaction", async (call) => {
    if (!ids.has(call.messageId)) {
      ids.set(call.messageId, 7);
      store.fault = "disk full";
      arrived();
    }
    await held;
    return { transactionId: 7, idTagInfo: { status: "Accepted" } };
  });
  h.cp.onTransactionStarted(1, "s-1", "TAG-1", 1000, undefined, at());
  const start = h.cp.state.inFlight;
  assert.equal(start?.action, "StartTransaction");
  await held;
  await until(() => csms.closes.length === 1, "the charge point closed the connection");
  assert.deepEqual([csms.closes[0]?.code, csms.closes[0]?.reason], [1000, "event store failed"]);
  assert.equal(h.cp.state.inFlight?.id, start?.id, "the answer was not folded");
  assert.equal(h.cp.state.link, "Open", "the close is not recorded yet");
  // A central system CALL cannot be answered meanwhile (there is no connection to answer on).
  assert.equal(csms.openConnections, 0);
  storageError(() => h.cp.onResumeCharging(1));

  // Still failing: the retry changes nothing.
  await h.clock.advance(1000);
  assert.equal(h.cp.state.link, "Open");
  store.fault = undefined;
  await h.clock.advance(1000); // the retry records the ConnectionClosed
  assert.equal(h.cp.state.link, "Disconnected");
  await h.clock.advance(3000); // the reconnect backoff
  await csms.waitForConnection(2);
  await until(() => drained(h), "outbox delivered");
  const starts = csms.received.filter((c) => c.action === "StartTransaction");
  assert.deepEqual(starts.map((c) => c.messageId), [start?.id, start?.id], "resent, same id");
  assert.equal(Object.values(h.cp.state.transactionIds)[0], 7);
  h.cp.onResumeCharging(1);
  h.cp.onTransactionStopped(1, "s-1", "Local", at(), 1200);
  await csms.waitFor("StopTransaction");
  await until(() => drained(h), "stop answered");
  assert.equal(
    (csms.received.find((c) => c.action === "StopTransaction")?.params as Params).transactionId,
    7,
  );
  const closed = [...store.read(1)].filter((e) => e.type === "ConnectionClosed");
  assert.match((closed[0]?.data as { reason: string }).reason, /event store failed/);
  await h.cp.stop();
  assertLogIntact(store);
  assertAllValid(csms.frames);
  assertReplays(h);
});

Deno.test("storage fault: a timer firing that cannot be stored fires again after recovery; the sample keeps its time", async () => {
  await using csms = await csmsWithStableIds();
  const store = new FaultyStore();
  const h = makeChargePoint(csms.url, { store, configuration: CONFIG });
  const t0 = h.clock.now();
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  h.cp.onSessionStarted(1, "s-1", "Authorized");
  h.cp.onTransactionStarted(1, "s-1", "TAG-1", 1000, undefined, new Date(t0));
  h.cp.onMeterValues(1, {
    powerMeter: { timestamp: new Date(t0), energyWhImport: { total: 1000 } },
  });
  await until(() => drained(h), "start answered");

  store.fault = "read-only";
  await h.clock.advance(60_000); // the sample is due; its TimerFired is refused
  assert.ok(store.refused > 0);
  assert.equal(h.cp.state.timers["sample:1"], t0 + 60_000, "still armed in the state");
  await h.clock.advance(5_000);
  store.fault = undefined;
  await h.clock.advance(1_000);
  await csms.waitFor("MeterValues");
  await until(() => drained(h), "sample answered");
  const mv = csms.received.find((c) => c.action === "MeterValues")?.params as {
    meterValue: { timestamp: string }[];
  };
  const offset = h.cp.state.timeOffsetMs; // the central system's clock
  assert.equal(mv.meterValue[0]?.timestamp, new Date(t0 + 60_000 + offset).toISOString());
  assert.equal(h.cp.state.timers["sample:1"], t0 + 120_000, "the next one is armed");
  await h.cp.stop();
  assertLogIntact(store);
  assertReplays(h);
});

Deno.test("storage fault: stop() during a fault still stops; a new process on the store recovers", async () => {
  await using csms = await csmsWithStableIds();
  const store = new FaultyStore();
  const h = makeChargePoint(csms.url, { store, configuration: CONFIG });
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  h.cp.onSessionStarted(1, "s-1", "Authorized");
  h.cp.onTransactionStarted(1, "s-1", "TAG-1", 1000, undefined, new Date(h.clock.now()));
  await until(() => drained(h), "start answered");
  store.fault = "disk full";
  await h.cp.stop(); // does not throw
  await until(() => csms.openConnections === 0, "connection closed");
  store.fault = undefined;
  assertLogIntact(store);

  const again = makeChargePoint(csms.url, { store, configuration: CONFIG });
  await again.cp.start({ resumeSessionIds: ["s-1"] });
  await csms.waitForConnection(2);
  await until(() => again.cp.state.registration === "Accepted" && drained(again), "booted");
  again.cp.onTransactionStopped(1, "s-1", "Local", new Date(again.clock.now()), 1100);
  await csms.waitFor("StopTransaction");
  await until(() => drained(again), "stop answered");
  assert.equal(
    (csms.received.find((c) => c.action === "StopTransaction")?.params as Params).transactionId,
    100,
  );
  await again.cp.stop();
  assertLogIntact(store);
});

Deno.test("storage fault: a SQLite store locked by another connection refuses appends with a StorageError and works again when released", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/cp.sqlite`;
  const store = new SqliteEventStore(path, { busyTimeoutMs: 20 });
  const other = new DatabaseSync(path);
  try {
    await using csms = await csmsWithStableIds();
    const h = makeChargePoint(csms.url, { store, configuration: CONFIG });
    const at = () => new Date(h.clock.now());
    await h.cp.start();
    await csms.waitFor("StatusNotification", 3);
    h.cp.onSessionStarted(1, "s-1", "Authorized");
    h.cp.onTransactionStarted(1, "s-1", "TAG-1", 1000, undefined, at());
    await until(() => drained(h), "start answered");

    other.exec("BEGIN IMMEDIATE"); // the write lock is taken, as by another process
    const before = h.cp.state;
    const seq = store.lastSeq();
    const error = storageError(() => h.cp.onTransactionStopped(1, "s-1", "Local", at(), 1300));
    assert.ok(/locked|busy/i.test(error.message), error.message);
    assert.equal(h.cp.state, before);
    assert.equal(store.lastSeq(), seq);
    other.exec("ROLLBACK");

    h.cp.onTransactionStopped(1, "s-1", "Local", at(), 1300);
    await csms.waitFor("StopTransaction");
    await until(() => drained(h), "stop answered");
    await h.cp.stop();
    store.close();
    const reopened = new SqliteEventStore(path);
    try {
      assertLogIntact(reopened);
      assertReplays(h, { store: reopened });
    } finally {
      reopened.close();
    }
    assertAllValid(csms.frames);
  } finally {
    other.close();
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/** Refuses appends of one event type (as a read-only file would) while `refuseType` is set. */
class TypeRefusingStore extends FaultyStore {
  refuseType: string | undefined;

  override append(event: RecordedEvent): void {
    if (event.type === this.refuseType) {
      this.refused++;
      throw new Error("attempt to write a readonly database (SQLITE_READONLY)");
    }
    super.append(event);
  }
}

/** The techInfo of every InvalidMessages security event stored. */
function invalidMessages(store: EventStore): unknown[] {
  return [...store.read(1)].filter((e) =>
    e.type === "SecurityEventOccurred" &&
    (e.data as { eventType: string }).eventType === "InvalidMessages"
  ).map((e) => (e.data as Params).techInfo);
}

Deno.test("storage fault: a follow-up event the store refuses is not lost: the storage retry records it, or the next start raises it again, once", async () => {
  await using csms = await csmsWithStableIds();
  const store = new TypeRefusingStore();
  const h = makeChargePoint(csms.url, { store, configuration: CONFIG });
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  store.refuseType = "SecurityEventOccurred";
  csms.sendRaw("garbage 1"); // stored; the InvalidMessages it raises is refused
  await until(() => store.refused === 1, "InvalidMessages refused");
  assert.deepEqual(h.cp.state.raising.map((r) => r.type), ["SecurityEventOccurred"]);
  store.refuseType = undefined;
  await h.clock.advance(1_000); // the storage retry
  assert.deepEqual(invalidMessages(store), ["garbage 1"]);
  assert.deepEqual(h.cp.state.raising, []);

  // The process stops with a refused one: the next process raises it at its start.
  store.refuseType = "SecurityEventOccurred";
  csms.sendRaw("garbage 2");
  await until(() => store.refused === 2, "InvalidMessages refused");
  await h.cp.stop();
  store.refuseType = undefined;
  const again = makeChargePoint(csms.url, { store, configuration: CONFIG });
  await again.cp.start();
  assert.deepEqual(invalidMessages(store), ["garbage 1", "garbage 2"]);
  assert.deepEqual(again.cp.state.raising, []);
  await again.cp.stop();
  assertLogIntact(store);
  assertReplays(again, { before: [h] });
});

/** Runs `fn` with a SQLite event store on a new file, removed afterwards. */
async function withSqliteFile(
  fn: (path: string, store: SqliteEventStore) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/cp.sqlite`;
  const store = new SqliteEventStore(path);
  try {
    await fn(path, store);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** SQLite's own check of the file (`PRAGMA integrity_check`), from another connection. */
function integrity(path: string): string {
  const db = new DatabaseSync(path);
  try {
    return String(db.prepare("PRAGMA integrity_check").get()?.integrity_check);
  } finally {
    db.close();
  }
}

/** The stored events as JSON text, to compare before and after a fault. */
function snapshot(store: EventStore): string[] {
  return [...store.read(1)].map((e) => JSON.stringify(e));
}

Deno.test("storage fault: a full SQLite file (SQLITE_FULL): handlers throw StorageError, the file stays whole; with room again MemoryExhaustion is recorded and sent, the sample fires, the stop is delivered", async () => {
  await withSqliteFile(async (path, store) => {
    await using csms = await csmsWithStableIds();
    const h = makeChargePoint(csms.url, { store, configuration: CONFIG });
    const t0 = h.clock.now();
    const at = () => new Date(h.clock.now());
    await h.cp.start();
    await csms.waitFor("StatusNotification", 3);
    h.cp.onSessionStarted(1, "s-1", "Authorized");
    h.cp.onTransactionStarted(1, "s-1", "TAG-1", 1000, undefined, at());
    await until(() => drained(h), "start answered");

    // The file may not grow any more: measurements are stored until SQLite finds no room.
    store.limitWrites({ maxBytes: 0 });
    let full: StorageError | undefined;
    for (let wh = 1001; wh < 20_000 && full === undefined; wh++) {
      try {
        h.cp.onMeterValues(1, { powerMeter: { timestamp: at(), energyWhImport: { total: wh } } });
      } catch (error) {
        assert.ok(error instanceof StorageError, `a StorageError, got ${String(error)}`);
        full = error;
      }
    }
    assert.ok(full !== undefined, "the file became full");
    assert.equal(full.code, "STORAGE_WRITE_FAILED");
    assert.match(full.message, /database or disk is full/);
    const before = h.cp.state;
    const stored = snapshot(store);
    storageError(() => h.cp.onTransactionStopped(1, "s-1", "Local", at(), 1500));
    await h.clock.advance(60_000); // the periodic sample is due: its firing is refused too
    assert.equal(h.cp.state, before, "the state did not move");
    assert.deepEqual(snapshot(store), stored, "nothing half-written");
    assert.equal(h.cp.state.timers["sample:1"], t0 + 60_000, "the sample is still due");
    assert.equal(integrity(path), "ok");

    store.limitWrites({}); // room again
    await h.clock.advance(1_000); // the storage retry: MemoryExhaustion recorded, the sample fires
    await csms.waitFor("MeterValues");
    await csms.waitFor("SecurityEventNotification", 2); // StartupOfTheDevice, MemoryExhaustion
    h.cp.onTransactionStopped(1, "s-1", "Local", at(), 1500);
    await csms.waitFor("StopTransaction");
    await until(() => drained(h), "everything answered");

    const events = [...store.read(1)];
    assert.deepEqual(events.slice(0, stored.length).map((e) => JSON.stringify(e)), stored);
    const exhausted = events.filter((e) =>
      e.type === "SecurityEventOccurred" &&
      (e.data as { eventType: string }).eventType === "MemoryExhaustion"
    );
    assert.equal(exhausted.length, 1, "MemoryExhaustion once per episode");
    assert.deepEqual(
      csms.received.filter((c) => c.action === "SecurityEventNotification")
        .map((c) => (c.params as { type: string }).type),
      ["StartupOfTheDevice", "MemoryExhaustion"],
    );
    const mv = csms.received.filter((c) => c.action === "MeterValues");
    assert.equal(mv.length, 1, "the sample once");
    assert.equal(
      (mv[0]?.params as { meterValue: { timestamp: string }[] }).meterValue[0]?.timestamp,
      new Date(t0 + 60_000 + h.cp.state.timeOffsetMs).toISOString(),
      "at its own time",
    );
    const stops = csms.received.filter((c) => c.action === "StopTransaction");
    assert.deepEqual(stops.map((c) => (c.params as Params).transactionId), [100]);
    await h.cp.stop();
    assert.equal(integrity(path), "ok");
    assertLogIntact(store);
    assertReplays(h);
    assertAllValid(csms.frames);
  });
});

Deno.test("storage fault: a read-only SQLite store (SQLITE_READONLY): handlers throw StorageError, a central system CALL that cannot be stored closes the link; writable again, the charge point reconnects, answers and delivers the stop", async () => {
  await withSqliteFile(async (path, store) => {
    await using csms = await csmsWithStableIds();
    const h = makeChargePoint(csms.url, { store, configuration: CONFIG });
    const at = () => new Date(h.clock.now());
    await h.cp.start();
    await csms.waitFor("StatusNotification", 3);
    h.cp.onSessionStarted(1, "s-1", "Authorized");
    h.cp.onTransactionStarted(1, "s-1", "TAG-1", 1000, undefined, at());
    await until(() => drained(h), "start answered");
    const stored = snapshot(store);

    store.limitWrites({ readOnly: true });
    const error = storageError(() => h.cp.onTransactionStopped(1, "s-1", "Local", at(), 1500));
    assert.match(error.message, /readonly database/);
    storageError(() => h.cp.onSecurityEvent("TamperDetectionActivated"));
    // A request of the central system cannot be recorded: unanswered, the link is closed.
    const lost = JSON.stringify([2, "lost-1", "TriggerMessage", { requestedMessage: "Heartbeat" }]);
    csms.sendRaw(lost);
    await until(() => csms.closes.length === 1, "the charge point closed the connection");
    assert.equal(csms.closes[0]?.reason, "event store failed");
    await h.clock.advance(1_000); // the retry: still read-only
    assert.equal(h.cp.state.link, "Open", "its close is not recorded yet");
    assert.deepEqual(snapshot(store), stored, "nothing written");
    assert.equal(integrity(path), "ok");

    store.limitWrites({});
    await h.clock.advance(1_000); // the retry records the ConnectionClosed
    assert.equal(h.cp.state.link, "Disconnected");
    await h.clock.advance(3_000); // the reconnect backoff
    await csms.waitForConnection(2);
    await until(() => h.cp.state.link === "Open" && drained(h), "reconnected");
    assert.deepEqual(
      await csms.call("TriggerMessage", { requestedMessage: "Heartbeat" }),
      { status: "Accepted" },
      "the central system's request sent again is answered",
    );
    await csms.waitFor("Heartbeat");
    h.cp.onTransactionStopped(1, "s-1", "Local", at(), 1500);
    await csms.waitFor("StopTransaction");
    await until(() => drained(h), "stop answered");
    assert.equal(
      (csms.received.find((c) => c.action === "StopTransaction")?.params as Params).transactionId,
      100,
    );
    const events = [...store.read(1)];
    assert.deepEqual(events.slice(0, stored.length).map((e) => JSON.stringify(e)), stored);
    assert.ok(
      !events.some((e) => e.type === "FrameReceived" && (e.data as Params).text === lost),
      "the unrecorded request left no trace",
    );
    await h.cp.stop();
    assert.equal(integrity(path), "ok");
    assertLogIntact(store);
    assertReplays(h);
    assertAllValid(csms.frames);
  });
});
