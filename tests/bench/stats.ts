/**
 * Small statistics and formatting helpers of the benchmark.
 *
 * @module
 */

/** Summary of a list of samples (µs). */
export interface Summary {
  /** Number of samples. */
  readonly n: number;
  /** Median. */
  readonly median: number;
  /** 95th percentile (nearest rank). */
  readonly p95: number;
  /** Mean. */
  readonly mean: number;
  /** Smallest sample. */
  readonly min: number;
}

/** The median, p95, mean and min of `samples` (NaN for an empty list). */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) {
    return { n: 0, median: Number.NaN, p95: Number.NaN, mean: Number.NaN, min: Number.NaN };
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  let sum = 0;
  for (const s of sorted) sum += s;
  return {
    n: sorted.length,
    median: sorted.length % 2 === 1
      ? sorted[(sorted.length - 1) / 2]
      : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2,
    p95: rank(0.95),
    mean: sum / sorted.length,
    min: sorted[0],
  };
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  return summarize(values).median;
}

/** A number with a thousands separator and `digits` decimals. */
export function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Bytes as KiB/MiB. */
export function fmtBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs >= 1024 * 1024) return `${fmt(bytes / 1024 / 1024, 1)} MiB`;
  if (abs >= 1024) return `${fmt(bytes / 1024, 1)} KiB`;
  return `${fmt(bytes)} B`;
}

/** Renders rows as an aligned text table (first row is the header). */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  }
  const line = (row: readonly string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ")
      .trimEnd();
  const out = [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const row of rows.slice(1)) out.push(line(row));
  return out.join("\n");
}

/** Lets pending promise jobs run (`ticks` turns of the microtask queue). */
export async function microtasks(ticks = 8): Promise<void> {
  for (let i = 0; i < ticks; i++) await Promise.resolve();
}

/** A deterministic PRNG (mulberry32) giving floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs V8's garbage collector when it can be exposed (through `node:v8` + `node:vm`). */
export function makeGc(): (() => void) | undefined {
  return gcFunction;
}

let gcFunction: (() => void) | undefined;
try {
  const v8 = await import("node:v8");
  const vm = await import("node:vm");
  v8.setFlagsFromString("--expose-gc");
  const gc: unknown = vm.runInNewContext("gc");
  if (typeof gc === "function") gcFunction = () => gc();
} catch (error) {
  // No forced GC on this runtime: the heap numbers are then printed as taken without one
  // (`MemoryResult.gc` is false), and the reason goes to stderr.
  console.error(`bench: cannot expose V8's gc(): ${String(error)}`);
  gcFunction = undefined;
}
