/**
 * Part 2 (replay speed) and part 4 (memory): `replay(store)` over a realistic log from a
 * MemoryEventStore, the fold alone (`fold()` over an in-memory array, no schema checks), the
 * pieces of a replay (store iteration, schema checks, fold), a per-event-type cost breakdown of
 * `step` and `checkEvent`, and the heap retained per 100k events folded.
 *
 * @module
 */
import { type EventStore, exportJsonl, type RecordedEvent, replay } from "../../mod.ts";
import { type ChargePointEvent, checkEvent } from "../../events/mod.ts";
import { fold, step } from "../../core/step.ts";
import { initialState, type State } from "../../core/state.ts";
import { makeGc, median, prng } from "./stats.ts";

/** Sizes of part 2. */
export interface ReplayOptions {
  /** Timed repetitions of each measurement (the median is reported). */
  readonly repetitions: number;
  /** Sampled (state, event) pairs per event type for the breakdown. */
  readonly samplesPerType: number;
  /** Minimum time spent timing one event type in the breakdown (ms). */
  readonly minMsPerType: number;
}

/** Cost of one event type. */
export interface TypeCost {
  /** Event type. */
  readonly type: string;
  /** Events of this type in the log. */
  readonly count: number;
  /** `step` cost, ns per event. */
  readonly stepNs: number;
  /** `checkEvent` (zod) cost, ns per event. */
  readonly checkNs: number;
  /** Share of the estimated replay time (count × step; a replay does not check), 0..1. */
  readonly share: number;
}

/** What part 2 measured. */
export interface ReplayResult {
  /** Events in the log. */
  readonly events: number;
  /** `replay(store)`, events/s (median of repetitions). */
  readonly replayRate: number;
  /** `fold(events)` over an array, no schema checks, events/s. */
  readonly foldRate: number;
  /** Iterating the store alone, events/s. */
  readonly readRate: number;
  /** `checkEvent` alone over every event, events/s. */
  readonly checkRate: number;
  /** Per event type, most expensive first. */
  readonly byType: readonly TypeCost[];
}

/** What part 4 measured. */
export interface MemoryResult {
  /** Whether the numbers were taken after a forced GC. */
  readonly gc: boolean;
  /** Heap retained by the state after folding, per 100k events (bytes). */
  readonly foldRetainedPer100k: number;
  /** Heap retained by a `replay()` result (state + every frame text), per 100k events (bytes). */
  readonly replayRetainedPer100k: number;
  /** Heap growth during the fold before any collection, per 100k events (bytes; garbage included). */
  readonly foldAllocatedPer100k: number;
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function rate(events: number, ms: number): number {
  return (events / ms) * 1000;
}

/** Folds `events`, keeping up to `k` (state before, event) pairs per type (reservoir sample). */
function samplePairs(
  events: readonly ChargePointEvent[],
  k: number,
): Map<string, { seen: number; pairs: [State, ChargePointEvent][] }> {
  const random = prng(7);
  const byType = new Map<string, { seen: number; pairs: [State, ChargePointEvent][] }>();
  let state = initialState();
  for (const event of events) {
    let entry = byType.get(event.type);
    if (entry === undefined) byType.set(event.type, entry = { seen: 0, pairs: [] });
    entry.seen++;
    if (entry.pairs.length < k) entry.pairs.push([state, event]);
    else {
      const j = Math.floor(random() * entry.seen);
      if (j < k) entry.pairs[j] = [state, event];
    }
    state = step(state, event).state;
  }
  return byType;
}

/**
 * ns per call of `fn` over `items`: the median of 5 chunks, each repeating the items for at least
 * `minMs / 5` (a GC pause or a deoptimisation then spoils one chunk, not the result).
 */
function perItemNs<T>(items: readonly T[], fn: (item: T) => void, minMs: number): number {
  for (const item of items) fn(item); // warm-up
  const chunks: number[] = [];
  for (let chunk = 0; chunk < 5; chunk++) {
    let calls = 0;
    const t0 = performance.now();
    let elapsed = 0;
    do {
      for (const item of items) fn(item);
      calls += items.length;
      elapsed = performance.now() - t0;
    } while (elapsed < minMs / 5);
    chunks.push((elapsed * 1e6) / calls);
  }
  return median(chunks);
}

/** Runs part 2 over `store`. */
export function replayBench(store: EventStore, options: ReplayOptions): ReplayResult {
  const recorded: RecordedEvent[] = [...store.read(1)];
  const events: ChargePointEvent[] = recorded.map((e) => {
    const checked = checkEvent(e);
    if (!checked.ok) throw new Error(`generated log is invalid at seq ${e.seq}: ${checked.reason}`);
    return checked.event;
  });
  const n = events.length;
  // Warm-up of every path before timing.
  replay(store);
  fold(events);

  const replayMs: number[] = [];
  const foldMs: number[] = [];
  const readMs: number[] = [];
  const checkMs: number[] = [];
  let sink = 0;
  for (let i = 0; i < options.repetitions; i++) {
    replayMs.push(time(() => (sink += replay(store).events)));
    foldMs.push(time(() => (sink += fold(events).frames.length)));
    readMs.push(time(() => {
      for (const e of store.read(1)) sink += e.seq;
    }));
    checkMs.push(time(() => {
      for (const e of recorded) if (checkEvent(e).ok) sink++;
    }));
  }
  if (sink === 0) throw new Error("unreachable: nothing was measured");

  const pairs = samplePairs(events, options.samplesPerType);
  const costs: Omit<TypeCost, "share">[] = [];
  for (const [type, { seen, pairs: list }] of pairs) {
    const stepNs = perItemNs(list, ([s, e]) => void step(s, e), options.minMsPerType);
    const checkNs = perItemNs(list, ([, e]) => void checkEvent(e), options.minMsPerType);
    costs.push({ type, count: seen, stepNs, checkNs });
  }
  const total = costs.reduce((sum, c) => sum + c.count * c.stepNs, 0);
  const byType = costs
    .map((c) => ({ ...c, share: (c.count * c.stepNs) / total }))
    .sort((a, b) => b.share - a.share);

  return {
    events: n,
    replayRate: rate(n, median(replayMs)),
    foldRate: rate(n, median(foldMs)),
    readRate: rate(n, median(readMs)),
    checkRate: rate(n, median(checkMs)),
    byType,
  };
}

/** What {@linkcode replayRateInChild} measured. */
export interface ChildReplayRate {
  /** The median of `rates`, events/s. */
  readonly rate: number;
  /** The rate of each process, in the order they ran, events/s. */
  readonly rates: readonly number[];
}

/**
 * `replay()` of `store`'s log in fresh Deno processes (see `replay_child.ts`), one after the
 * other: in each, events/s over `repetitions` timed runs after a warm-up run; the median over
 * the `processes`. A process holds only the log and the result, as a user's replay does: in the
 * benchmark's own process, the garbage collector also walks the benchmark's copies of the log,
 * and the rate varies with what ran before. Whole processes vary too on this machine (by up to
 * a fifth, the first after the log was built most often), hence several.
 */
export async function replayRateInChild(
  store: EventStore,
  repetitions: number,
  processes: number,
): Promise<ChildReplayRate> {
  const dir = await Deno.makeTempDir({ prefix: "ocpp16-bench-" });
  try {
    const path = `${dir}/log.jsonl`;
    await Deno.writeTextFile(path, exportJsonl(store.read(1)));
    // Nothing of this process's collector left to run beside the child (2 CPUs here).
    makeGc()?.();
    const rates: number[] = [];
    for (let i = 0; i < processes; i++) rates.push(await childRate(dir, path, repetitions));
    return { rate: median(rates), rates };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** One child process replaying `path` (see {@linkcode replayRateInChild}), events/s. */
async function childRate(dir: string, path: string, repetitions: number): Promise<number> {
  const child = new URL("./replay_child.ts", import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", `--allow-read=${dir}`, child, path, String(repetitions)],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout).trim();
  if (!output.success) {
    throw new Error(`replay child failed: ${new TextDecoder().decode(output.stderr)}`);
  }
  const result = JSON.parse(text) as { events: number; ms: number[] };
  // The mean, not the median: every few runs, one also pays for the major collection of the
  // results before it (about 45 MB each), and the median would fall on either side.
  return rate(result.events * result.ms.length, result.ms.reduce((a, b) => a + b, 0));
}

/** Runs part 4 over `store` (heap numbers are meaningful only with a forced GC). */
export function memoryBench(store: EventStore): MemoryResult {
  const gc = makeGc() ?? (() => {});
  const events = [...store.read(1)] as ChargePointEvent[];
  const per100k = (bytes: number) => (bytes / events.length) * 100_000;

  gc();
  const before = Deno.memoryUsage().heapUsed;
  let state = initialState();
  for (const event of events) state = step(state, event).state;
  const allocated = Deno.memoryUsage().heapUsed - before;
  gc();
  const foldRetained = Deno.memoryUsage().heapUsed - before;
  if (state.connectors.length === 0) throw new Error("unreachable");
  state = initialState();

  gc();
  const before2 = Deno.memoryUsage().heapUsed;
  const result = replay(store);
  gc();
  const replayRetained = Deno.memoryUsage().heapUsed - before2;
  if (result.events !== events.length) throw new Error("replay did not see every event");

  return {
    gc: makeGc() !== undefined,
    foldRetainedPer100k: per100k(foldRetained),
    replayRetainedPer100k: per100k(replayRetained),
    foldAllocatedPer100k: per100k(allocated),
  };
}
