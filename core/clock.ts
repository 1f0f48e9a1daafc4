/**
 * Time as an input: every timer of the charge point goes through a {@linkcode Clock}.
 *
 * @module
 */

/**
 * A source of time and timers. The system clock wraps `Date.now` and `setTimeout`; the
 * {@linkcode ManualClock} lets tests move time forward by hand.
 *
 * @example
 * ```ts
 * import { systemClock } from "./clock.ts";
 * const t = systemClock.now();
 * ```
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds; returns a handle for {@linkcode Clock.clearTimer}. */
  setTimer(fn: () => void, ms: number): number;
  /** Cancels a timer made by {@linkcode Clock.setTimer}; unknown handles are ignored. */
  clearTimer(handle: number): void;
}

/**
 * The longest delay a runtime timer takes (2^31 − 1 ms, about 24.8 days): `setTimeout` fires a
 * longer delay after about 1 ms.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * What {@linkcode SystemClock} runs on: the runtime's time and timers (replaceable in tests).
 *
 * @example
 * ```ts
 * import type { TimerRuntime } from "./clock.ts";
 * const runtime: TimerRuntime = {
 *   now: () => Date.now(),
 *   setTimeout: (fn, ms) => setTimeout(fn, ms),
 *   clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
 * };
 * ```
 */
export interface TimerRuntime {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Calls `fn` after `ms` (at most {@linkcode MAX_TIMER_DELAY_MS}); returns an id. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer of `setTimeout`. */
  clearTimeout(id: unknown): void;
}

const RUNTIME: TimerRuntime = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

/**
 * The real clock: `Date.now()` and the runtime's timers. A delay longer than the runtime takes
 * ({@linkcode MAX_TIMER_DELAY_MS}) is waited in chunks, re-armed until the due time is reached,
 * so a timer weeks ahead (a retrieveDate, a reservation expiry) fires on time.
 *
 * @example
 * ```ts
 * import { SystemClock } from "./clock.ts";
 * const clock = new SystemClock();
 * const h = clock.setTimer(() => {}, 40 * 24 * 3600 * 1000); // 40 days ahead
 * clock.clearTimer(h);
 * ```
 */
export class SystemClock implements Clock {
  readonly #runtime: TimerRuntime;
  /** Runtime timer of each handle (the current chunk of a long delay). */
  #handles = new Map<number, unknown>();
  #next = 1;

  /** A clock on `runtime` (default: `Date.now`, `setTimeout`, `clearTimeout`). */
  constructor(runtime: TimerRuntime = RUNTIME) {
    this.#runtime = runtime;
  }

  /** Milliseconds since the Unix epoch. */
  now(): number {
    return this.#runtime.now();
  }

  /** Calls `fn` once `ms` milliseconds from now (any length). */
  setTimer(fn: () => void, ms: number): number {
    const handle = this.#next++;
    const due = this.#runtime.now() + Math.max(0, ms);
    const arm = (): void => {
      const left = due - this.#runtime.now();
      if (left > MAX_TIMER_DELAY_MS) {
        this.#handles.set(handle, this.#runtime.setTimeout(arm, MAX_TIMER_DELAY_MS));
        return;
      }
      this.#handles.set(
        handle,
        this.#runtime.setTimeout(() => {
          this.#handles.delete(handle);
          fn();
        }, Math.max(0, left)),
      );
    };
    arm();
    return handle;
  }

  /** Cancels a timer; unknown handles are ignored. */
  clearTimer(handle: number): void {
    const timer = this.#handles.get(handle);
    if (timer === undefined) return;
    this.#runtime.clearTimeout(timer);
    this.#handles.delete(handle);
  }
}

/**
 * The real clock (a {@linkcode SystemClock} on the runtime's timers).
 *
 * @example
 * ```ts
 * import { systemClock } from "./clock.ts";
 * const h = systemClock.setTimer(() => {}, 10);
 * systemClock.clearTimer(h);
 * ```
 */
export const systemClock: Clock = new SystemClock();

interface ManualTimer {
  handle: number;
  due: number;
  fn: () => void;
}

/**
 * A clock that only moves when told to. Timers fire in due order during {@linkcode ManualClock.advance};
 * between two timers, pending promise jobs run, so async reactions settle before the next timer.
 *
 * @example
 * ```ts
 * import { ManualClock } from "./clock.ts";
 * const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
 * let fired = false;
 * clock.setTimer(() => (fired = true), 60_000);
 * await clock.advance(60_000);
 * console.assert(fired);
 * ```
 */
export class ManualClock implements Clock {
  #now: number;
  #timers: ManualTimer[] = [];
  #next = 1;

  /** Starts at `start` milliseconds since the epoch (default 2026-01-01T00:00:00Z). */
  constructor(start: number = Date.parse("2026-01-01T00:00:00Z")) {
    this.#now = start;
  }

  /** The current manual time. */
  now(): number {
    return this.#now;
  }

  /** Registers a timer due at `now() + ms`. */
  setTimer(fn: () => void, ms: number): number {
    const handle = this.#next++;
    this.#timers.push({ handle, due: this.#now + Math.max(0, ms), fn });
    return handle;
  }

  /** Cancels a timer. */
  clearTimer(handle: number): void {
    this.#timers = this.#timers.filter((t) => t.handle !== handle);
  }

  /** Number of timers not yet fired. */
  get pending(): number {
    return this.#timers.length;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due, in order (also timers that
   * fired timers set, as long as they fall within the window). Bounded: at most 100 000 firings.
   */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (let i = 0; i < 100_000; i++) {
      await settle();
      let first: ManualTimer | undefined;
      for (const t of this.#timers) {
        if (t.due <= end && (first === undefined || t.due < first.due)) first = t;
      }
      if (first === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== first);
      this.#now = Math.max(this.#now, first.due);
      first.fn();
    }
    this.#now = end;
    await settle();
  }
}

/** Lets queued promise jobs and zero-delay macrotasks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((r) => setTimeout(r, 0));
}
