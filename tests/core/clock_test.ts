/**
 * The clocks. The system clock waits delays longer than a runtime timer takes (2^31 − 1 ms, about
 * 24.8 days; `setTimeout` fires those after ~1 ms) in chunks; shown on a fake runtime whose time
 * only moves when the test says, so no test waits real days.
 */
import assert from "node:assert/strict";
import { MAX_TIMER_DELAY_MS, SystemClock, type TimerRuntime } from "../../core/clock.ts";

/** A runtime with a hand-moved time; keeps the delays asked for and fires due timers in order. */
class FakeRuntime implements TimerRuntime {
  time = Date.parse("2026-01-01T00:00:00Z");
  readonly asked: number[] = [];
  #timers = new Map<number, { due: number; fn: () => void }>();
  #next = 1;
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): number {
    // A real runtime fires a longer delay at once: refuse it so the test would see it.
    assert.ok(ms <= MAX_TIMER_DELAY_MS, `delay ${ms} ms is longer than a runtime timer takes`);
    this.asked.push(ms);
    const id = this.#next++;
    this.#timers.set(id, { due: this.time + ms, fn });
    return id;
  }
  clearTimeout(id: unknown): void {
    this.#timers.delete(id as number);
  }
  get pending(): number {
    return this.#timers.size;
  }
  /** Moves to `time`, firing what falls due in order (bounded). */
  advanceTo(time: number): void {
    for (let i = 0; i < 1000; i++) {
      let first: [number, { due: number; fn: () => void }] | undefined;
      for (const entry of this.#timers) {
        if (entry[1].due <= time && (first === undefined || entry[1].due < first[1].due)) {
          first = entry;
        }
      }
      if (first === undefined) break;
      this.#timers.delete(first[0]);
      this.time = Math.max(this.time, first[1].due);
      first[1].fn();
    }
    this.time = time;
  }
}

const DAY = 24 * 3600 * 1000;

Deno.test("SystemClock: a timer 60 days ahead is waited in chunks and fires on its due time, not before", () => {
  const runtime = new FakeRuntime();
  const clock = new SystemClock(runtime);
  const start = runtime.now();
  const fired: number[] = [];
  clock.setTimer(() => fired.push(runtime.now()), 60 * DAY);
  assert.deepEqual(runtime.asked, [MAX_TIMER_DELAY_MS]);
  runtime.advanceTo(start + 59 * DAY);
  assert.deepEqual(fired, [], "not before it is due");
  assert.deepEqual(runtime.asked, [
    MAX_TIMER_DELAY_MS,
    MAX_TIMER_DELAY_MS,
    60 * DAY - 2 * MAX_TIMER_DELAY_MS,
  ]);
  runtime.advanceTo(start + 61 * DAY);
  assert.deepEqual(fired, [start + 60 * DAY]);
  assert.equal(runtime.pending, 0);
});

Deno.test("SystemClock: a long timer cleared between two chunks never fires; short timers are one runtime timer", () => {
  const runtime = new FakeRuntime();
  const clock = new SystemClock(runtime);
  const start = runtime.now();
  let fired = 0;
  const long = clock.setTimer(() => fired++, 30 * DAY);
  runtime.advanceTo(start + 26 * DAY); // the first chunk ended, the second is armed
  assert.equal(runtime.pending, 1);
  clock.clearTimer(long);
  assert.equal(runtime.pending, 0);
  runtime.advanceTo(start + 40 * DAY);
  assert.equal(fired, 0);

  const short = clock.setTimer(() => fired++, 1000);
  assert.equal(runtime.asked.at(-1), 1000);
  clock.setTimer(() => fired++, -5); // overdue: at once
  assert.equal(runtime.asked.at(-1), 0);
  clock.clearTimer(short);
  clock.clearTimer(9999); // unknown: ignored
  runtime.advanceTo(runtime.now() + 2000);
  assert.equal(fired, 1);
});

Deno.test("SystemClock: a chunk that fires late (runtime suspended) takes the remaining time from the clock", () => {
  const runtime = new FakeRuntime();
  const clock = new SystemClock(runtime);
  const start = runtime.now();
  const fired: number[] = [];
  clock.setTimer(() => fired.push(runtime.now()), 40 * DAY);
  // The machine slept: the first chunk fires 10 days late.
  runtime.time = start + MAX_TIMER_DELAY_MS + 10 * DAY;
  runtime.advanceTo(runtime.time);
  assert.equal(runtime.asked.at(-1), 40 * DAY - MAX_TIMER_DELAY_MS - 10 * DAY);
  runtime.advanceTo(start + 40 * DAY);
  assert.deepEqual(fired, [start + 40 * DAY]);
});
