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
 * The real clock: `Date.now()` and the runtime's timers.
 *
 * @example
 * ```ts
 * import { systemClock } from "./clock.ts";
 * const h = systemClock.setTimer(() => {}, 10);
 * systemClock.clearTimer(h);
 * ```
 */
export const systemClock: Clock = new (class SystemClock implements Clock {
  #handles = new Map<number, ReturnType<typeof setTimeout>>();
  #next = 1;
  now(): number {
    return Date.now();
  }
  setTimer(fn: () => void, ms: number): number {
    const handle = this.#next++;
    this.#handles.set(
      handle,
      setTimeout(() => {
        this.#handles.delete(handle);
        fn();
      }, Math.max(0, ms)),
    );
    return handle;
  }
  clearTimer(handle: number): void {
    const timer = this.#handles.get(handle);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#handles.delete(handle);
  }
})();

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
