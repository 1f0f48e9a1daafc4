/**
 * The storage port of the event log.
 *
 * @module
 */
import type { RecordedEvent } from "../events/envelope.ts";

/**
 * Where the events of one log are kept. Appends are synchronous and durable when they return
 * (handlers are synchronous and an event is stored before anything derived from it is sent).
 * The store does not assign `seq`: the {@linkcode EventLog} does, and the store refuses an event
 * whose `seq` is not `lastSeq() + 1` with a `StorageError` of code `STORAGE_CONFLICT`.
 *
 * @example
 * ```ts
 * import { MemoryEventStore } from "./memory_event_store.ts";
 * const store = new MemoryEventStore();
 * store.append({ id: "01JD0000000000000000000000", seq: 1, at: "2026-01-01T00:00:00.000Z", type: "X", data: {} });
 * console.log(store.lastSeq()); // 1
 * ```
 */
export interface EventStore {
  /** Persists one event; throws `StorageError` (STORAGE_WRITE_FAILED / STORAGE_CONFLICT) and stores nothing on failure. */
  append(event: RecordedEvent): void;
  /** The events with `seq >= fromSeq` (default 1), in order. */
  read(fromSeq?: number): Iterable<RecordedEvent>;
  /** The `seq` of the last stored event, 0 when empty. */
  lastSeq(): number;
  /** Releases the underlying resources; further calls throw. */
  close(): void;
}
