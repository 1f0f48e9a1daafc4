/**
 * The behaviour every {@linkcode EventStore} adapter must have, as a shared test suite.
 *
 * @module
 */
import { deepStrictEqual as deepEqual, strictEqual as equal, throws } from "node:assert/strict";
import type { RecordedEvent } from "../../events/envelope.ts";
import type { EventStore } from "../../core/event_store.ts";
import { StorageError } from "../../core/errors.ts";

/**
 * A store under test and how to dispose of what was made for it (temp files); `cleanup` runs
 * after the test, once the test closed the store.
 *
 * @example
 * ```ts
 * import { MemoryEventStore } from "../../core/memory_event_store.ts";
 * import type { EventStoreFixture } from "./event_store_contract.ts";
 * const fixture: EventStoreFixture = { store: new MemoryEventStore(), cleanup: async () => {} };
 * ```
 */
export interface EventStoreFixture {
  /** The store, empty. */
  readonly store: EventStore;
  /** Removes what the fixture made; the store is closed already. */
  cleanup(): Promise<void>;
}

/**
 * An event with `seq`, a 26-character id derived from it and some data.
 *
 * @example
 * ```ts
 * import { eventAt } from "./event_store_contract.ts";
 * console.log(eventAt(3).id); // 01JD0000000000000000000003
 * ```
 */
export function eventAt(seq: number, data: unknown = { seq, text: `event ${seq}` }): RecordedEvent {
  return {
    id: `01JD${String(seq).padStart(22, "0")}`,
    seq,
    at: new Date(Date.UTC(2026, 0, 1) + seq).toISOString(),
    type: seq % 2 === 0 ? "Even" : "Odd",
    data,
  };
}

/**
 * Asserts that `fn` throws a `StorageError` of `code` and returns it.
 *
 * @example
 * ```ts
 * import { StorageError } from "../../core/errors.ts";
 * import { storageError } from "./event_store_contract.ts";
 * storageError(() => {
 *   throw new StorageError("STORAGE_CORRUPT", "x");
 * }, "STORAGE_CORRUPT");
 * ```
 */
export function storageError(fn: () => unknown, code: string): StorageError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof StorageError)) {
    throw new Error(`expected a StorageError ${code}, got ${String(caught)}`, { cause: caught });
  }
  equal(caught.code, code, `expected ${code}, got ${caught.code}: ${caught.message}`);
  return caught;
}

/**
 * Registers the shared `EventStore` tests under `name`; `makeStore` gives a fresh, empty store
 * for each test.
 *
 * @example
 * ```ts
 * import { MemoryEventStore } from "../../core/memory_event_store.ts";
 * import { runEventStoreContract } from "./event_store_contract.ts";
 * runEventStoreContract("MemoryEventStore", () =>
 *   Promise.resolve({ store: new MemoryEventStore(), cleanup: () => Promise.resolve() }));
 * ```
 */
export function runEventStoreContract(
  name: string,
  makeStore: () => Promise<EventStoreFixture>,
  options: { readonly bulk?: number } = {},
): void {
  const bulk = options.bulk ?? 10_000;
  function contract(title: string, body: (store: EventStore) => void | Promise<void>): void {
    Deno.test(`${name} contract: ${title}`, async () => {
      const fixture = await makeStore();
      try {
        await body(fixture.store);
      } finally {
        fixture.store.close();
        await fixture.cleanup();
      }
    });
  }

  contract("an empty store has lastSeq 0 and reads nothing", (store) => {
    equal(store.lastSeq(), 0);
    deepEqual([...store.read()], []);
    deepEqual([...store.read(1)], []);
    deepEqual([...store.read(5)], []);
  });

  contract("append then read round-trips the envelope and JSON data", (store) => {
    const events = [
      eventAt(1),
      eventAt(2, null),
      eventAt(3, [1, "two", { three: 3.5 }, true, null]),
      eventAt(4, 'text with \n newline, quotes " and unicode ✓ 😀'),
      eventAt(5, { nested: { deep: { list: [{ a: -0.25 }], empty: {} } }, zero: 0, f: false }),
      eventAt(6, 42),
    ];
    for (const e of events) store.append(e);
    equal(store.lastSeq(), 6);
    deepEqual([...store.read()], events);
  });

  contract("seqs are gap-free: lastSeq follows each append", (store) => {
    for (let seq = 1; seq <= 50; seq++) {
      store.append(eventAt(seq));
      equal(store.lastSeq(), seq);
    }
    deepEqual([...store.read()].map((e) => e.seq), Array.from({ length: 50 }, (_, i) => i + 1));
  });

  contract("a wrong seq is refused with STORAGE_CONFLICT and nothing is stored", (store) => {
    for (const seq of [0, 2, -1, 1.5]) {
      storageError(() => store.append(eventAt(seq)), "STORAGE_CONFLICT");
    }
    equal(store.lastSeq(), 0);
    store.append(eventAt(1));
    store.append(eventAt(2));
    for (const seq of [1, 2, 4, 100]) {
      storageError(() => store.append(eventAt(seq, "intruder")), "STORAGE_CONFLICT");
    }
    equal(store.lastSeq(), 2);
    deepEqual([...store.read()], [eventAt(1), eventAt(2)]);
    store.append(eventAt(3));
    equal(store.lastSeq(), 3);
  });

  contract("read from the middle, from the end and past the end", (store) => {
    for (let seq = 1; seq <= 20; seq++) store.append(eventAt(seq));
    deepEqual([...store.read(11)].map((e) => e.seq), [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    deepEqual([...store.read(20)], [eventAt(20)]);
    deepEqual([...store.read(21)], []);
    deepEqual([...store.read(0)].length, 20);
    throws(() => store.read(1.5), RangeError);
  });

  contract("read yields the events stored when it was called", (store) => {
    for (let seq = 1; seq <= 3; seq++) store.append(eventAt(seq));
    const seen: number[] = [];
    for (const e of store.read()) {
      seen.push(e.seq);
      store.append(eventAt(store.lastSeq() + 1));
    }
    deepEqual(seen, [1, 2, 3]);
    equal(store.lastSeq(), 6);
  });

  contract("two reads can be iterated at the same time", (store) => {
    for (let seq = 1; seq <= 5; seq++) store.append(eventAt(seq));
    const pairs: string[] = [];
    for (const a of store.read(4)) {
      for (const b of store.read(3)) pairs.push(`${a.seq}${b.seq}`);
    }
    deepEqual(pairs, ["43", "44", "45", "53", "54", "55"]);
    // Leaving a read early releases it: the next read works from the start.
    for (const e of store.read()) if (e.seq === 2) break;
    equal([...store.read()].length, 5);
  });

  contract("after close every call throws a StorageError; close again is a no-op", (store) => {
    store.append(eventAt(1));
    store.close();
    store.close();
    storageError(() => store.append(eventAt(2)), "STORAGE_WRITE_FAILED");
    storageError(() => store.lastSeq(), "STORAGE_READ_FAILED");
    storageError(() => [...store.read()], "STORAGE_READ_FAILED");
  });

  contract("closing in the middle of a read makes the read throw", (store) => {
    for (let seq = 1; seq <= 3; seq++) store.append(eventAt(seq));
    const iterator = store.read()[Symbol.iterator]();
    equal(iterator.next().value?.seq, 1);
    store.close();
    storageError(() => iterator.next(), "STORAGE_READ_FAILED");
  });

  contract(`${bulk} events round trip`, (store) => {
    const n = bulk;
    for (let seq = 1; seq <= n; seq++) store.append(eventAt(seq));
    equal(store.lastSeq(), n);
    let expected = 1;
    for (const e of store.read()) deepEqual(e, eventAt(expected++));
    equal(expected, n + 1);
    deepEqual([...store.read(n - 1)], [eventAt(n - 1), eventAt(n)]);
  });
}
