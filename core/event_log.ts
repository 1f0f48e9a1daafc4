/**
 * The event log: appends events to an {@linkcode EventStore} and publishes them to subscribers.
 *
 * @module
 */
import type { RecordedEvent } from "../events/envelope.ts";
import { type Clock, systemClock } from "./clock.ts";
import { monotonicFactory } from "./deps.ts";
import type { AppendOptions, EventStore } from "./event_store.ts";
import { formatIso } from "./iso_time.ts";

/**
 * A subscriber of an {@linkcode EventLog}: called once per appended event, synchronously.
 *
 * @example
 * ```ts
 * import type { EventLogListener } from "./event_log.ts";
 * const listener: EventLogListener = (event) => console.log(event.seq, event.type);
 * ```
 */
export type EventLogListener = (event: RecordedEvent) => void;

/**
 * Options of {@linkcode EventLog}.
 *
 * @example
 * ```ts
 * import type { EventLogOptions } from "./event_log.ts";
 * import { ManualClock } from "./clock.ts";
 * const options: EventLogOptions = {
 *   clock: new ManualClock(),
 *   onListenerError: (error, event) => console.error(`listener failed on seq ${event.seq}`, error),
 * };
 * ```
 */
export interface EventLogOptions {
  /** Source of the `at` time and of the ULID time (default: the system clock). */
  readonly clock?: Clock;
  /**
   * Called with the error a listener threw and the event it was handling. Default: the error is
   * kept in {@linkcode EventLog.listenerErrors} (the last {@linkcode LISTENER_ERRORS_KEPT}).
   */
  readonly onListenerError?: (error: unknown, event: RecordedEvent) => void;
}

/**
 * Options of {@linkcode EventLog.subscribe}.
 *
 * @example
 * ```ts
 * import type { SubscribeOptions } from "./event_log.ts";
 * const options: SubscribeOptions = { types: ["TransactionStarted", "TransactionStopped"] };
 * ```
 */
export interface SubscribeOptions {
  /** Only events of these types reach the listener (default: every event). */
  readonly types?: readonly string[];
}

/**
 * A listener failure kept by an {@linkcode EventLog} that has no `onListenerError`.
 *
 * @example
 * ```ts
 * import type { ListenerError } from "./event_log.ts";
 * const report = (e: ListenerError) => `seq ${e.event.seq}: ${String(e.error)}`;
 * ```
 */
export interface ListenerError {
  /** What the listener threw. */
  readonly error: unknown;
  /** The event the listener was handling. */
  readonly event: RecordedEvent;
}

/**
 * How many listener errors an {@linkcode EventLog} without `onListenerError` keeps.
 *
 * @example
 * ```ts
 * import { LISTENER_ERRORS_KEPT } from "./event_log.ts";
 * console.log(LISTENER_ERRORS_KEPT); // 100
 * ```
 */
export const LISTENER_ERRORS_KEPT = 100;

interface Subscription {
  readonly listener: EventLogListener;
  readonly types: ReadonlySet<string> | undefined;
  active: boolean;
}

/**
 * The append-only log every change of the charge point goes through. `append` builds the
 * envelope (a monotonic ULID `id`, the next gap-free `seq`, the clock's time as `at`), stores it
 * and only then publishes it to the subscribers, synchronously and in subscription order.
 *
 * Guarantees:
 * - An event reaches no listener unless the store accepted it; a store failure propagates from
 *   `append` and nothing is published.
 * - Every listener sees the events in `seq` order. A listener may itself call `append`: the new
 *   event is stored at once (and `append` returns it), but it is published only after the
 *   current event has reached every listener.
 * - Listeners are isolated: one that throws stops neither `append` nor the other listeners; its
 *   error goes to `onListenerError` or to {@linkcode EventLog.listenerErrors}.
 * - Ids sort like seqs, also across restarts: an id's time part is the clock's time, or 1 ms
 *   after the last stored id's time when the clock is behind it.
 *
 * `data` must be a JSON value (durable stores keep it as JSON text); it is neither copied nor
 * frozen, so it must not be mutated after the append.
 *
 * @example
 * ```ts
 * import { EventLog } from "./event_log.ts";
 * import { MemoryEventStore } from "./memory_event_store.ts";
 * import { ManualClock } from "./clock.ts";
 * const log = new EventLog(new MemoryEventStore(), { clock: new ManualClock() });
 * const stop = log.subscribe((e) => console.log(e.seq, e.type), { types: ["ConnectorEnabled"] });
 * log.append("ConnectorEnabled", { connector: 1 }); // logs: 1 ConnectorEnabled
 * stop();
 * console.log(log.lastSeq); // 1
 * ```
 */
export class EventLog {
  #store: EventStore;
  #clock: Clock;
  #ulid: (seedTime?: number) => string;
  #minIdTime: number;
  #subscriptions: readonly Subscription[] = [];
  #onListenerError: ((error: unknown, event: RecordedEvent) => void) | undefined;
  #listenerErrors: ListenerError[] = [];
  #publishing = false;
  #pending: RecordedEvent[] = [];
  #atTime = Number.NaN;
  #at = "";

  /**
   * A log over `store`, which may already hold events (the next append continues its seqs).
   *
   * @example
   * ```ts
   * import { EventLog } from "./event_log.ts";
   * import { MemoryEventStore } from "./memory_event_store.ts";
   * const log = new EventLog(new MemoryEventStore());
   * ```
   */
  constructor(store: EventStore, options: EventLogOptions = {}) {
    this.#store = store;
    this.#clock = options.clock ?? systemClock;
    this.#onListenerError = options.onListenerError;
    this.#ulid = monotonicFactory();
    this.#minIdTime = 1; // a ULID seed of 0 would mean "now" to the factory
    const last = store.lastSeq();
    if (last > 0) {
      for (const event of store.read(last)) {
        const time = ulidTime(event.id);
        if (time !== undefined) this.#minIdTime = time + 1;
      }
    }
  }

  /**
   * Appends an event of `type` with `data` (a JSON value) and returns it once stored; then
   * publishes it (see the class documentation for the order when called from a listener).
   * `options` go to the store ({@linkcode AppendOptions.deferSync}).
   * Throws what the store throws (a `StorageError`), having published nothing, and a `TypeError`
   * when `data` is `undefined`.
   *
   * @example
   * ```ts
   * import { EventLog } from "./event_log.ts";
   * import { MemoryEventStore } from "./memory_event_store.ts";
   * const log = new EventLog(new MemoryEventStore());
   * const event = log.append("ConnectorEnabled", { connector: 1 });
   * console.log(event.seq, event.id.length); // 1 26
   * ```
   */
  append(type: string, data: unknown, options?: AppendOptions): RecordedEvent {
    if (data === undefined) throw new TypeError(`event ${type}: data must be a JSON value`);
    const now = this.#clock.now();
    if (now !== this.#atTime) {
      // Formatting is the costliest step of an append: reuse it within the same millisecond.
      this.#at = formatIso(now);
      this.#atTime = now;
    }
    const event: RecordedEvent = {
      id: this.#ulid(now > this.#minIdTime ? now : this.#minIdTime),
      seq: this.#store.lastSeq() + 1,
      at: this.#at,
      type,
      data,
    };
    this.#store.append(event, options);
    if (this.#publishing) {
      this.#pending.push(event);
    } else {
      this.#publishAll(event);
    }
    return event;
  }

  #publishAll(first: RecordedEvent): void {
    this.#publishing = true;
    try {
      this.#publish(first);
      const pending = this.#pending;
      for (let i = 0; i < pending.length; i++) this.#publish(pending[i]);
    } finally {
      this.#pending.length = 0;
      this.#publishing = false;
    }
  }

  #publish(event: RecordedEvent): void {
    const subscriptions = this.#subscriptions;
    for (let i = 0; i < subscriptions.length; i++) {
      const s = subscriptions[i];
      if (!s.active || (s.types !== undefined && !s.types.has(event.type))) continue;
      try {
        s.listener(event);
      } catch (error) {
        this.#listenerFailed(error, event);
      }
    }
  }

  #listenerFailed(error: unknown, event: RecordedEvent): void {
    if (this.#onListenerError !== undefined) {
      try {
        this.#onListenerError(error, event);
        return;
      } catch (handlerError) {
        this.#keep(
          new AggregateError([error, handlerError], "onListenerError threw", {
            cause: handlerError,
          }),
          event,
        );
        return;
      }
    }
    this.#keep(error, event);
  }

  #keep(error: unknown, event: RecordedEvent): void {
    if (this.#listenerErrors.length >= LISTENER_ERRORS_KEPT) this.#listenerErrors.shift();
    this.#listenerErrors.push({ error, event });
  }

  /**
   * Calls `listener` with every event appended from now on (of the given `types` only, when
   * given), after the listeners subscribed before it. Returns a function that unsubscribes it
   * (effective at once, also in the middle of a publication; calling it again does nothing).
   *
   * @example
   * ```ts
   * import { EventLog } from "./event_log.ts";
   * import { MemoryEventStore } from "./memory_event_store.ts";
   * const log = new EventLog(new MemoryEventStore());
   * const seen: number[] = [];
   * const unsubscribe = log.subscribe((e) => seen.push(e.seq));
   * log.append("A", {});
   * unsubscribe();
   * log.append("A", {});
   * console.log(seen); // [1]
   * ```
   */
  subscribe(listener: EventLogListener, options: SubscribeOptions = {}): () => void {
    const subscription: Subscription = {
      listener,
      types: options.types === undefined ? undefined : new Set(options.types),
      active: true,
    };
    // Copy on (un)subscribe, so a publication in progress iterates a stable array.
    this.#subscriptions = [...this.#subscriptions, subscription];
    return () => {
      if (!subscription.active) return;
      subscription.active = false;
      this.#subscriptions = this.#subscriptions.filter((s) => s !== subscription);
    };
  }

  /**
   * The last listener errors (oldest first, at most {@linkcode LISTENER_ERRORS_KEPT}), when no
   * `onListenerError` was given; also errors that `onListenerError` itself threw.
   *
   * @example
   * ```ts
   * import { EventLog } from "./event_log.ts";
   * import { MemoryEventStore } from "./memory_event_store.ts";
   * const log = new EventLog(new MemoryEventStore());
   * log.subscribe(() => { throw new Error("boom"); });
   * log.append("A", {});
   * console.log(log.listenerErrors.length); // 1
   * ```
   */
  get listenerErrors(): readonly ListenerError[] {
    return this.#listenerErrors;
  }

  /**
   * The stored events with `seq >= fromSeq` (default 1), in order, straight from the store.
   *
   * @example
   * ```ts
   * import { EventLog } from "./event_log.ts";
   * import { MemoryEventStore } from "./memory_event_store.ts";
   * const log = new EventLog(new MemoryEventStore());
   * log.append("A", 1);
   * log.append("B", 2);
   * console.log([...log.read(2)].map((e) => e.type)); // ["B"]
   * ```
   */
  read(fromSeq: number = 1): Iterable<RecordedEvent> {
    return this.#store.read(fromSeq);
  }

  /**
   * The `seq` of the last stored event, 0 when the log is empty.
   *
   * @example
   * ```ts
   * import { EventLog } from "./event_log.ts";
   * import { MemoryEventStore } from "./memory_event_store.ts";
   * console.log(new EventLog(new MemoryEventStore()).lastSeq); // 0
   * ```
   */
  get lastSeq(): number {
    return this.#store.lastSeq();
  }

  /**
   * Iterates every stored event, in order (same as `read(1)`).
   *
   * @example
   * ```ts
   * import { EventLog } from "./event_log.ts";
   * import { MemoryEventStore } from "./memory_event_store.ts";
   * const log = new EventLog(new MemoryEventStore());
   * log.append("A", {});
   * for (const event of log) console.log(event.seq);
   * ```
   */
  [Symbol.iterator](): Iterator<RecordedEvent> {
    return this.#store.read(1)[Symbol.iterator]();
  }
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** The time part of a ULID in ms, or `undefined` when `id` does not start with one. */
function ulidTime(id: string): number | undefined {
  if (id.length !== 26) return undefined;
  let time = 0;
  for (let i = 0; i < 10; i++) {
    const digit = CROCKFORD.indexOf(id[i].toUpperCase());
    if (digit < 0) return undefined;
    time = time * 32 + digit;
  }
  return time <= 281474976710655 ? time : undefined;
}
