import { deepStrictEqual as deepEqual, ok, strictEqual as equal, throws } from "node:assert/strict";
import type { RecordedEvent } from "../../events/envelope.ts";
import { recordedEventSchema } from "../../events/envelope.ts";
import { ManualClock } from "../../core/clock.ts";
import { StorageError } from "../../core/errors.ts";
import { EventLog, LISTENER_ERRORS_KEPT } from "../../core/event_log.ts";
import type { EventStore } from "../../core/event_store.ts";
import { MemoryEventStore } from "../../core/memory_event_store.ts";
import { storageError } from "./event_store_contract.ts";

const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const START = Date.parse("2026-01-01T00:00:00Z");

function newLog(clock = new ManualClock(START)): { log: EventLog; store: MemoryEventStore } {
  const store = new MemoryEventStore();
  return { log: new EventLog(store, { clock }), store };
}

Deno.test("EventLog: envelopes have ULID ids, gap-free seqs and the clock's time", async () => {
  const clock = new ManualClock(START);
  const { log, store } = newLog(clock);
  const first = log.append("A", { n: 1 });
  await clock.advance(1_500);
  const second = log.append("B", [1, 2]);
  deepEqual(first, { ...first, seq: 1, at: "2026-01-01T00:00:00.000Z", type: "A", data: { n: 1 } });
  deepEqual(second, { ...second, seq: 2, at: "2026-01-01T00:00:01.500Z", type: "B", data: [1, 2] });
  for (const e of [first, second]) {
    ok(ULID.test(e.id), e.id);
    ok(recordedEventSchema.safeParse(e).success);
  }
  // The ULID time part is the clock's time.
  equal(ulidTime(first.id), START);
  equal(ulidTime(second.id), START + 1_500);
  deepEqual([...store.read()], [first, second]);
  deepEqual([...log], [first, second]);
  deepEqual([...log.read(2)], [second]);
  equal(log.lastSeq, 2);
});

Deno.test("EventLog: ids are monotonic within the same millisecond and when the clock goes back", () => {
  let now = START;
  const clock = new ManualClock(START);
  const log = new EventLog(new MemoryEventStore(), {
    clock: { ...clockLike(clock), now: () => now },
  });
  const ids: string[] = [];
  for (let i = 0; i < 5_000; i++) {
    if (i === 3_000) now = START - 60_000; // the clock jumps back a minute
    ids.push(log.append("Tick", i).id);
  }
  for (let i = 1; i < ids.length; i++) ok(ids[i - 1] < ids[i], `${ids[i - 1]} < ${ids[i]}`);
  equal(new Set(ids).size, ids.length);
});

Deno.test("EventLog: ids keep sorting like seqs over a store reopened with an earlier clock", () => {
  const store = new MemoryEventStore();
  const before = new EventLog(store, { clock: new ManualClock(START + 3_600_000) });
  const last = before.append("A", 1);
  const after = new EventLog(store, { clock: new ManualClock(START) });
  const next = after.append("B", 2);
  equal(next.seq, 2);
  ok(last.id < next.id, `${last.id} < ${next.id}`);
  equal(next.at, "2026-01-01T00:00:00.000Z");
});

Deno.test("EventLog: subscribe, unsubscribe and the type filter", () => {
  const { log } = newLog();
  const all: string[] = [];
  const onlyB: string[] = [];
  const stopAll = log.subscribe((e) => all.push(`${e.seq}${e.type}`));
  const stopB = log.subscribe((e) => onlyB.push(`${e.seq}${e.type}`), { types: ["B", "C"] });
  log.append("A", {});
  log.append("B", {});
  log.append("C", {});
  stopAll();
  stopAll(); // a second call does nothing
  log.append("B", {});
  stopB();
  log.append("B", {});
  deepEqual(all, ["1A", "2B", "3C"]);
  deepEqual(onlyB, ["2B", "3C", "4B"]);
});

Deno.test("EventLog: listeners are called in subscription order with the stored event", () => {
  const { log, store } = newLog();
  const calls: string[] = [];
  log.subscribe((e) => {
    calls.push("first");
    equal(store.lastSeq(), e.seq, "the event is stored before it is published");
  });
  log.subscribe(() => calls.push("second"));
  log.subscribe(() => calls.push("third"));
  const event = log.append("A", null);
  deepEqual(calls, ["first", "second", "third"]);
  equal([...store.read()][0], event);
});

Deno.test("EventLog: a throwing listener stops neither the append nor the other listeners", () => {
  const { log } = newLog();
  const seen: number[] = [];
  const boom = new Error("boom");
  log.subscribe(() => {
    throw boom;
  });
  log.subscribe((e) => seen.push(e.seq));
  const event = log.append("A", {});
  log.append("A", {});
  deepEqual(seen, [1, 2]);
  equal(log.listenerErrors.length, 2);
  equal(log.listenerErrors[0].error, boom);
  equal(log.listenerErrors[0].event, event);
});

Deno.test("EventLog: only the last listener errors are kept", () => {
  const { log } = newLog();
  log.subscribe((e) => {
    throw new Error(`failed on ${e.seq}`);
  });
  for (let i = 0; i < LISTENER_ERRORS_KEPT + 20; i++) log.append("A", i);
  equal(log.listenerErrors.length, LISTENER_ERRORS_KEPT);
  equal(log.listenerErrors[0].event.seq, 21);
  equal(log.listenerErrors[LISTENER_ERRORS_KEPT - 1].event.seq, LISTENER_ERRORS_KEPT + 20);
});

Deno.test("EventLog: onListenerError receives listener errors; if it throws, the error is kept", () => {
  const reported: Array<[unknown, number]> = [];
  let handlerFails = false;
  const log = new EventLog(new MemoryEventStore(), {
    clock: new ManualClock(START),
    onListenerError: (error, event) => {
      if (handlerFails) throw new Error("handler failed");
      reported.push([error, event.seq]);
    },
  });
  const boom = new Error("boom");
  log.subscribe(() => {
    throw boom;
  });
  log.append("A", {});
  deepEqual(reported, [[boom, 1]]);
  equal(log.listenerErrors.length, 0);
  handlerFails = true;
  log.append("A", {});
  equal(log.listenerErrors.length, 1);
  ok(log.listenerErrors[0].error instanceof AggregateError);
  equal((log.listenerErrors[0].error as AggregateError).errors[0], boom);
});

Deno.test("EventLog: an append from a listener is published after the current event reached everyone", () => {
  const { log } = newLog();
  const trace: string[] = [];
  const returned: number[] = [];
  log.subscribe((e) => {
    trace.push(`L1 ${e.seq}${e.type}`);
    if (e.type === "A") {
      const nested = log.append("B", {}); // stored at once, published later
      returned.push(nested.seq);
      equal(log.lastSeq, nested.seq);
      log.append("C", {});
    }
    if (e.type === "B") log.append("D", {});
  });
  log.subscribe((e) => trace.push(`L2 ${e.seq}${e.type}`));
  const seenByThird: number[] = [];
  log.subscribe((e) => seenByThird.push(e.seq));
  log.append("A", {});
  deepEqual(returned, [2]);
  deepEqual(trace, [
    "L1 1A",
    "L2 1A",
    "L1 2B",
    "L2 2B",
    "L1 3C",
    "L2 3C",
    "L1 4D",
    "L2 4D",
  ]);
  deepEqual(seenByThird, [1, 2, 3, 4]);
  equal(log.lastSeq, 4);
  // Publication is over: the next append is published at once.
  log.append("E", {});
  deepEqual(seenByThird, [1, 2, 3, 4, 5]);
});

Deno.test("EventLog: a listener subscribed or unsubscribed during a publication", () => {
  const { log } = newLog();
  const late: number[] = [];
  const second: number[] = [];
  let stopSecond = () => {};
  log.subscribe((e) => {
    if (e.seq === 1) {
      stopSecond(); // unsubscribed before it got event 1
      log.subscribe((x) => late.push(x.seq));
      log.append("Nested", {});
    }
  });
  stopSecond = log.subscribe((e) => second.push(e.seq));
  log.append("A", {});
  deepEqual(second, []);
  deepEqual(late, [2], "a listener subscribed during event 1 sees the events after it");
});

Deno.test("EventLog: when the store fails nothing is published and the error propagates", () => {
  const inner = new MemoryEventStore();
  let fail = false;
  const failing: EventStore = {
    append(event: RecordedEvent) {
      if (fail) throw new StorageError("STORAGE_WRITE_FAILED", "disk full");
      inner.append(event);
    },
    read: (fromSeq?: number) => inner.read(fromSeq),
    lastSeq: () => inner.lastSeq(),
    close: () => inner.close(),
  };
  const log = new EventLog(failing, { clock: new ManualClock(START) });
  const seen: number[] = [];
  log.subscribe((e) => seen.push(e.seq));
  log.append("A", {});
  fail = true;
  storageError(() => log.append("B", {}), "STORAGE_WRITE_FAILED");
  equal(log.lastSeq, 1);
  deepEqual(seen, [1]);
  fail = false;
  equal(log.append("C", {}).seq, 2);
  deepEqual(seen, [1, 2]);
  // A failing nested append throws into the listener (kept as a listener error), not the caller.
  log.subscribe((e) => {
    if (e.type === "D") {
      fail = true;
      try {
        log.append("E", {});
      } finally {
        fail = false;
      }
    }
  });
  log.append("D", {});
  deepEqual(seen, [1, 2, 3]);
  ok(log.listenerErrors[0].error instanceof StorageError);
  failing.close();
});

Deno.test("EventLog: undefined data is refused before anything is stored", () => {
  const { log, store } = newLog();
  throws(() => log.append("A", undefined), TypeError);
  equal(store.lastSeq(), 0);
});

Deno.test("EventLog: a closed store makes append throw a StorageError", () => {
  const { log, store } = newLog();
  store.close();
  throws(() => log.append("A", {}), StorageError);
});

/** Decodes the time part (first 10 Crockford base32 characters) of a ULID. */
function ulidTime(id: string): number {
  let time = 0;
  for (const c of id.slice(0, 10)) time = time * 32 + "0123456789ABCDEFGHJKMNPQRSTVWXYZ".indexOf(c);
  return time;
}

/** The timer methods of `clock`, bound. */
function clockLike(clock: ManualClock) {
  return {
    now: () => clock.now(),
    setTimer: (fn: () => void, ms: number) => clock.setTimer(fn, ms),
    clearTimer: (handle: number) => clock.clearTimer(handle),
  };
}
