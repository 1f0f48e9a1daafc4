/**
 * Part 3: `EventLog.append` rate on SqliteEventStore (WAL, synchronous FULL and NORMAL) against
 * MemoryEventStore, appending the (type, data) pairs of a realistic log in order, with no
 * subscriber. Each store runs for a bounded number of events or time, whichever ends first.
 *
 * @module
 */
import { EventLog, type EventStore, MemoryEventStore, SqliteEventStore } from "../../mod.ts";
import { summarize, type Summary } from "./stats.ts";

/** Sizes of part 3. */
export interface AppendOptions {
  /** Events appended to the memory store. */
  readonly memoryEvents: number;
  /** At most this many events per SQLite store. */
  readonly sqliteEvents: number;
  /** At most this long per store (ms). */
  readonly budgetMs: number;
}

/** One store's append rate. */
export interface AppendRate {
  /** Label. */
  readonly name: string;
  /** Events appended. */
  readonly events: number;
  /** Events per second. */
  readonly rate: number;
  /** Per-append latency (µs), one append in 16 timed alone. */
  readonly latency: Summary;
}

/** What part 3 measured. */
export interface AppendResult {
  /** MemoryEventStore (the baseline). */
  readonly memory: AppendRate;
  /** SqliteEventStore WAL + synchronous NORMAL. */
  readonly sqliteNormal: AppendRate;
  /** SqliteEventStore WAL + synchronous FULL. */
  readonly sqliteFull: AppendRate;
}

function run(
  name: string,
  store: EventStore,
  payloads: readonly { type: string; data: unknown }[],
  max: number,
  budgetMs: number,
): AppendRate {
  const log = new EventLog(store);
  // Warm-up: a few appends, also creating the WAL.
  for (let i = 0; i < 50; i++) {
    log.append(payloads[i % payloads.length].type, payloads[i % payloads.length].data);
  }
  const latencies: number[] = [];
  const t0 = performance.now();
  let elapsed = 0;
  let n = 0;
  while (n < max && elapsed < budgetMs) {
    const p = payloads[n % payloads.length];
    if ((n & 15) === 0) {
      // One append in 16 is timed alone (latency); the clock is read only then (rate).
      const a = performance.now();
      log.append(p.type, p.data);
      const b = performance.now();
      latencies.push((b - a) * 1000);
      elapsed = b - t0;
    } else {
      log.append(p.type, p.data);
    }
    n++;
  }
  elapsed = performance.now() - t0;
  return { name, events: n, rate: (n / elapsed) * 1000, latency: summarize(latencies) };
}

/** Runs part 3 with the payloads of `source` (read once into memory). */
export async function appendBench(
  source: EventStore,
  options: AppendOptions,
): Promise<AppendResult> {
  const payloads = [...source.read(1)].map((e) => ({ type: e.type, data: e.data }));
  const dir = await Deno.makeTempDir({ prefix: "ocpp16-bench-append-" });
  const stores: EventStore[] = [];
  const open = <S extends EventStore>(store: S): S => {
    stores.push(store);
    return store;
  };
  try {
    const memory = run(
      "MemoryEventStore",
      open(new MemoryEventStore()),
      payloads,
      options.memoryEvents,
      options.budgetMs,
    );
    const sqliteNormal = run(
      "SqliteEventStore WAL NORMAL",
      open(new SqliteEventStore(`${dir}/normal.sqlite`, { synchronous: "NORMAL" })),
      payloads,
      options.sqliteEvents,
      options.budgetMs,
    );
    const sqliteFull = run(
      "SqliteEventStore WAL FULL",
      open(new SqliteEventStore(`${dir}/full.sqlite`, { synchronous: "FULL" })),
      payloads,
      options.sqliteEvents,
      options.budgetMs,
    );
    return { memory, sqliteNormal, sqliteFull };
  } finally {
    for (const store of stores) store.close();
    await Deno.remove(dir, { recursive: true });
  }
}
