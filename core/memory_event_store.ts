/**
 * An {@linkcode EventStore} kept in memory, for tests, demos and short-lived charge points.
 *
 * @module
 */
import type { RecordedEvent } from "../events/envelope.ts";
import type { EventStore } from "./event_store.ts";
import { StorageError } from "./errors.ts";

/**
 * An array-backed {@linkcode EventStore}: the event with `seq` n sits at index n - 1, so
 * `append` is a push and `read(fromSeq)` starts in O(1). Nothing survives the process.
 *
 * The store keeps the event objects it is given (no copy): callers must not mutate an event,
 * nor its `data`, after appending it. `read` yields the events stored when `read` was called
 * (a snapshot of the range, not of the objects); events appended while iterating are not
 * yielded. After {@linkcode MemoryEventStore.close}, every call but `close` throws a
 * `StorageError`; calling `close` again does nothing.
 *
 * @example
 * ```ts
 * import { MemoryEventStore } from "./memory_event_store.ts";
 * const store = new MemoryEventStore();
 * store.append({ id: "01JD0000000000000000000001", seq: 1, at: "2026-01-01T00:00:00.000Z", type: "A", data: {} });
 * store.append({ id: "01JD0000000000000000000002", seq: 2, at: "2026-01-01T00:00:00.000Z", type: "B", data: null });
 * for (const e of store.read(2)) console.log(e.seq, e.type); // 2 B
 * store.close();
 * ```
 */
export class MemoryEventStore implements EventStore {
  #events: RecordedEvent[] = [];
  #closed = false;

  /**
   * Stores `event`, which must have `seq === lastSeq() + 1`; otherwise throws a `StorageError`
   * of code `STORAGE_CONFLICT` and stores nothing.
   *
   * @example
   * ```ts
   * import { MemoryEventStore } from "./memory_event_store.ts";
   * const store = new MemoryEventStore();
   * store.append({ id: "01JD0000000000000000000001", seq: 1, at: "2026-01-01T00:00:00.000Z", type: "A", data: 1 });
   * ```
   */
  append(event: RecordedEvent): void {
    if (this.#closed) throw closedError("append");
    const expected = this.#events.length + 1;
    if (event.seq !== expected) {
      throw new StorageError(
        "STORAGE_CONFLICT",
        `cannot append seq ${event.seq}: the next seq is ${expected}`,
      );
    }
    this.#events.push(event);
  }

  /**
   * The events with `seq >= fromSeq` (default 1) that are stored now, in `seq` order. Throws a
   * `RangeError` when `fromSeq` is not an integer.
   *
   * @example
   * ```ts
   * import { MemoryEventStore } from "./memory_event_store.ts";
   * const store = new MemoryEventStore();
   * console.log([...store.read()].length); // 0
   * ```
   */
  read(fromSeq: number = 1): Iterable<RecordedEvent> {
    if (this.#closed) throw closedError("read");
    if (!Number.isInteger(fromSeq)) throw new RangeError(`fromSeq must be an integer: ${fromSeq}`);
    return new Cursor(
      this.#events,
      Math.max(fromSeq, 1) - 1,
      this.#events.length,
      () => this.#closed,
    );
  }

  /**
   * The `seq` of the last stored event, 0 when empty.
   *
   * @example
   * ```ts
   * import { MemoryEventStore } from "./memory_event_store.ts";
   * console.log(new MemoryEventStore().lastSeq()); // 0
   * ```
   */
  lastSeq(): number {
    if (this.#closed) throw closedError("lastSeq");
    return this.#events.length;
  }

  /**
   * Drops the events; further `append`, `read` and `lastSeq` calls throw a `StorageError`.
   * A second `close` does nothing.
   *
   * @example
   * ```ts
   * import { MemoryEventStore } from "./memory_event_store.ts";
   * const store = new MemoryEventStore();
   * store.close();
   * ```
   */
  close(): void {
    this.#closed = true;
    this.#events = [];
  }
}

function closedError(operation: string): StorageError {
  return new StorageError(
    operation === "append" ? "STORAGE_WRITE_FAILED" : "STORAGE_READ_FAILED",
    `cannot ${operation}: the event store is closed`,
  );
}

/**
 * The events at indexes `[start, end)` of `events`, each `next` throwing once the store is
 * closed. A class rather than a generator: a replay takes every event of the log through it, and
 * resuming a generator costs several times a call that V8 can inline.
 */
class Cursor implements IterableIterator<RecordedEvent> {
  readonly #events: readonly RecordedEvent[];
  readonly #end: number;
  readonly #closed: () => boolean;
  #next: number;

  constructor(
    events: readonly RecordedEvent[],
    start: number,
    end: number,
    closed: () => boolean,
  ) {
    this.#events = events;
    this.#next = start;
    this.#end = end;
    this.#closed = closed;
  }

  next(): IteratorResult<RecordedEvent, undefined> {
    if (this.#closed()) throw closedError("read");
    if (this.#next >= this.#end) return { value: undefined, done: true };
    return { value: this.#events[this.#next++], done: false };
  }

  [Symbol.iterator](): this {
    return this;
  }
}
