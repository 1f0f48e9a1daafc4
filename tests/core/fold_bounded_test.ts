/**
 * The fold is incremental: O(1) per event, never a re-read of the log (a structural proof, not a
 * timing). (1) Folding a long realistic log (tests/bench/session_log.ts: sessions, meter values,
 * faults, reconnects), the state stays as large after ten times the events as after the first
 * part: nothing in it keeps history. (2) A running ChargePoint reads its store once, at
 * `start()`, and never again while it handles events.
 */
import assert from "node:assert/strict";
import { MemoryEventStore } from "../../core/memory_event_store.ts";
import type { RecordedEvent } from "../../events/envelope.ts";
import type { ChargePointEvent } from "../../events/mod.ts";
import { step } from "../../core/step.ts";
import { initialState, type State } from "../../core/state.ts";
import { generateSessionLog } from "../bench/session_log.ts";

/** A measure of everything the state holds: its JSON length plus the outbox entries. */
function size(state: State): number {
  return JSON.stringify(state).length + JSON.stringify([...state.outbox]).length;
}

/** A memory store that counts the calls of `read`. */
class CountingStore extends MemoryEventStore {
  reads = 0;
  override read(fromSeq?: number): Iterable<RecordedEvent> {
    this.reads++;
    return super.read(fromSeq);
  }
}

Deno.test("fold: the state after 10× the events is no larger than after the first tenth (no history kept)", async () => {
  const log = await generateSessionLog({ targetEvents: 40_000 });
  const events = [...log.store.read(1)] as ChargePointEvent[];
  assert.ok(log.sessions >= 20, `${log.sessions} sessions`);
  const tenth = Math.floor(events.length / 10);
  let state = initialState();
  let firstMax = 0;
  let lastMax = 0;
  for (let i = 0; i < events.length; i++) {
    state = step(state, events[i]).state;
    if (i % 50 !== 0) continue;
    // The first tenth after boot, against the last tenth.
    if (i >= 200 && i < tenth) firstMax = Math.max(firstMax, size(state));
    if (i >= events.length - tenth) lastMax = Math.max(lastMax, size(state));
  }
  assert.ok(firstMax > 0 && lastMax > 0);
  // Counters (message ids, seqs) gain a few digits (about 2 % here); anything kept per event or
  // per session grows with them (one transactionId kept per session alone adds about 10 %).
  assert.ok(
    lastMax <= firstMax * 1.05,
    `state grew from ${firstMax} to ${lastMax} characters over ${events.length} events`,
  );
  const keys = (r: object) => Object.keys(r).length;
  assert.ok(keys(state.transactionIds) <= 2 + state.outbox.size, "transactionIds forgotten");
  assert.ok(keys(state.timers) <= 20, `${keys(state.timers)} timers`);
});

Deno.test("ChargePoint: the store is read once at start(), never while handling events", async () => {
  const store = new CountingStore();
  const log = await generateSessionLog({ targetEvents: 5_000, store });
  assert.ok(log.events >= 5_000 && log.sessions >= 2);
  assert.equal(store.reads, 1, "read only by start()");
});
