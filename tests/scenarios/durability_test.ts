/**
 * Durability of the event log: every event is synced to disk before anything derived from it is
 * sent, except the central system's answers to the charge point's own CALLs (CALLRESULT,
 * CALLERROR), which defer their sync to the next append (`AppendOptions.deferSync`). Losing such
 * an answer to a power loss is the same as a power loss just before it arrived: the next synced
 * append syncs every deferred one before it, so only a suffix of answers can be lost.
 *
 * Runs against a real SQLite file (synchronous FULL, the default), recording the options of every
 * append, and checks the log read back from the file replays the live run.
 */
import assert from "node:assert/strict";
import { ScriptedCsms } from "../support/scripted_csms.ts";
import { assertReplays, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import type { AppendOptions } from "../../core/event_store.ts";
import { SqliteEventStore } from "../../core/sqlite_event_store.ts";
import type { RecordedEvent } from "../../events/envelope.ts";

/** A SQLite store that records, for each appended event, whether it deferred its sync. */
class RecordingStore extends SqliteEventStore {
  readonly deferred = new Map<number, boolean>();
  override append(event: RecordedEvent, options?: AppendOptions): void {
    super.append(event, options);
    this.deferred.set(event.seq, options?.deferSync === true);
  }
}

/** The message type of a received frame's text (2 CALL, 3 CALLRESULT, 4 CALLERROR). */
function messageType(event: RecordedEvent): number {
  return (JSON.parse((event.data as { text: string }).text) as unknown[])[0] as number;
}

Deno.test("durability: only answers to the charge point's CALLs defer their sync; CSMS CALLs and every other event are synced", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await using csms = await ScriptedCsms.start();
    csms.respond("DataTransfer", { error: { code: "NotImplemented", description: "no vendor" } });
    const store = new RecordingStore(`${dir}/events.db`);
    const h = makeChargePoint(csms.url, {
      store,
      configuration: { MeterValueSampleInterval: "60" },
    });
    const cp = h.cp;
    await cp.start();
    await csms.waitFor("StatusNotification", 3);

    cp.onSessionStarted(1, "s-1", "EVConnected");
    assert.equal((await cp.authorizeIdToken("TAG-1")).status, "Accepted");
    cp.onMeterValues(1, {
      powerMeter: { timestamp: new Date(h.clock.now()), energyWhImport: { total: 10 } },
    });
    cp.onTransactionStarted(1, "s-1", "TAG-1", 10, undefined, new Date(h.clock.now()));
    await csms.waitFor("StartTransaction");
    await until(() => cp.state.inFlight === undefined, "StartTransaction answered");
    await h.clock.advance(60_000);
    await csms.waitFor("MeterValues");
    await until(() => cp.state.inFlight === undefined, "MeterValues answered");
    // A CALLERROR answer, and CALLs from the central system (answered by the charge point).
    await cp.dataTransfer("acme", "x", "{}");
    await csms.call("GetConfiguration", { key: ["HeartbeatInterval"] });
    await csms.call("TriggerMessage", { requestedMessage: "Heartbeat" });
    await csms.waitFor("Heartbeat");
    await until(() => cp.state.inFlight === undefined, "Heartbeat answered");
    cp.onTransactionStopped(1, "s-1", "EVDisconnected", new Date(h.clock.now()), 20);
    await csms.waitFor("StopTransaction");
    await until(() => cp.state.inFlight === undefined, "StopTransaction answered");
    await cp.stop();

    const events = [...store.read()];
    const kinds = new Map<string, number>();
    for (const event of events) {
      const answer = event.type === "FrameReceived" && messageType(event) !== 2;
      assert.equal(
        store.deferred.get(event.seq),
        answer,
        `seq ${event.seq} ${event.type}: deferred only if an answer`,
      );
      const kind = event.type === "FrameReceived" ? `frame ${messageType(event)}` : "other";
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    // All three kinds were seen: CALLs from the CSMS, CALLRESULTs and the CALLERROR.
    assert.ok((kinds.get("frame 2") ?? 0) >= 2, JSON.stringify([...kinds]));
    assert.ok((kinds.get("frame 3") ?? 0) >= 5, JSON.stringify([...kinds]));
    assert.equal(kinds.get("frame 4"), 1, JSON.stringify([...kinds]));
    assertAllValid(csms.frames);
    store.close();

    // The file holds every event, deferred or not, and replays the live run.
    const reopened = new SqliteEventStore(`${dir}/events.db`);
    try {
      assert.deepEqual([...reopened.read()], events);
      assertReplays({ ...h, store: reopened });
    } finally {
      reopened.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
