/**
 * The storage port of the event log.
 *
 * @module
 */
import type { RecordedEvent } from "../events/envelope.ts";

/**
 * Options of {@linkcode EventStore.append}.
 *
 * @example
 * ```ts
 * import type { AppendOptions } from "./event_store.ts";
 * const options: AppendOptions = { deferSync: true };
 * ```
 */
export interface AppendOptions {
  /**
   * The event may become durable with the next append that does not defer (default `false`).
   * A store that syncs to disk may then skip the sync: the event still survives a crash of the
   * process, and a power loss can only lose a suffix of deferred events. A store may ignore it.
   * The charge point defers only the answers of the central system to its own CALLs (see
   * ARCHITECTURE.md, Durability).
   */
  readonly deferSync?: boolean;
}

/**
 * Where the events of one log are kept. Appends are synchronous and durable when they return
 * (handlers are synchronous and an event is stored before anything derived from it is sent),
 * unless the append defers its sync ({@linkcode AppendOptions.deferSync}).
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
  append(event: RecordedEvent, options?: AppendOptions): void;
  /** The events with `seq >= fromSeq` (default 1), in order. */
  read(fromSeq?: number): Iterable<RecordedEvent>;
  /** The `seq` of the last stored event, 0 when empty. */
  lastSeq(): number;
  /** Releases the underlying resources; further calls throw. */
  close(): void;
}
