/**
 * An event store that refuses appends on demand, like a full disk or a read-only database, for
 * tests of storage faults (the messages are SQLite's, which the charge point classifies).
 *
 * @module
 */
import type { EventStore } from "../../core/event_store.ts";
import { MemoryEventStore } from "../../core/memory_event_store.ts";
import type { RecordedEvent } from "../../events/envelope.ts";

/**
 * Refuses appends while `fault` is set (counted in `refused`); otherwise a memory store.
 *
 * @example
 * ```ts ignore
 * const store = new FaultyStore();
 * store.fault = "disk full"; // the next append throws "database or disk is full (SQLITE_FULL)"
 * ```
 */
export class FaultyStore implements EventStore {
  /** The fault appends meet, if any. */
  fault: "disk full" | "read-only" | undefined;
  /** Appends refused so far. */
  refused = 0;
  /** The store behind. */
  readonly inner: MemoryEventStore = new MemoryEventStore();

  /** Appends, or throws the error of `fault`. */
  append(event: RecordedEvent): void {
    if (this.fault === "disk full") {
      this.refused++;
      throw new Error("database or disk is full (SQLITE_FULL)");
    }
    if (this.fault === "read-only") {
      this.refused++;
      throw new Error("attempt to write a readonly database (SQLITE_READONLY)");
    }
    this.inner.append(event);
  }

  /** Reads from the store behind. */
  read(fromSeq?: number): Iterable<RecordedEvent> {
    return this.inner.read(fromSeq);
  }

  /** The last seq of the store behind. */
  lastSeq(): number {
    return this.inner.lastSeq();
  }

  /** Closes the store behind. */
  close(): void {
    this.inner.close();
  }
}
