/**
 * Part 2b: replay and start-up from a SQLite file. The generated log is copied into a
 * SqliteEventStore (WAL, synchronous NORMAL) in a temporary directory; then, side by side:
 * `replay(sqliteStore)` (read the file + type check + fold with frames), the fold alone without
 * frames (`evolve` over an in-memory array: what a start must at least do), and
 * `ChargePoint.start()` on the file (read + type check + fold without frames + plugin and
 * security set-up), with a transport that never connects so nothing else runs.
 *
 * @module
 */
import { ChargePoint, type EventStore, replay, SqliteEventStore } from "../../mod.ts";
import type { Transport, TransportConnection } from "../../core/transport.ts";
import type { ChargePointEvent } from "../../events/mod.ts";
import { evolve } from "../../core/step.ts";
import { initialState } from "../../core/state.ts";
import { ManualClock } from "../../core/clock.ts";
import { median } from "./stats.ts";

/** What part 2b measured. */
export interface StartupResult {
  /** Events in the SQLite file. */
  readonly events: number;
  /** `replay(store)` on the SQLite file, events/s (median). */
  readonly sqliteReplayRate: number;
  /** The fold without frames over an in-memory array, events/s (median). */
  readonly evolveRate: number;
  /** `ChargePoint.start()` on the SQLite file, ms (median). */
  readonly startMs: number;
  /** The fold without frames of the same events, ms (median). */
  readonly evolveMs: number;
}

/** A transport whose connection attempts never complete: `start()` does nothing on the network. */
const silentTransport: Transport = {
  connect(): TransportConnection {
    return { send: () => {}, ping: () => {}, close: () => {} };
  },
};

function timeMs(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** Runs part 2b over a copy of `source` in a SQLite file (removed afterwards). */
export async function startupBench(
  source: EventStore,
  repetitions: number,
): Promise<StartupResult> {
  const dir = await Deno.makeTempDir({ prefix: "ocpp16-bench-" });
  const store = new SqliteEventStore(`${dir}/log.sqlite`, { synchronous: "NORMAL" });
  try {
    for (const e of source.read(1)) store.append(e);
    const events = [...source.read(1)] as ChargePointEvent[];
    const n = events.length;
    const evolveAll = () => {
      let state = initialState();
      for (const e of events) state = evolve(state, e);
      if (state.connectors.length === 0) throw new Error("unreachable: nothing folded");
    };
    replay(store); // warm-up
    evolveAll();
    const replayMs: number[] = [];
    const evolveMs: number[] = [];
    const startMs: number[] = [];
    for (let i = 0; i < repetitions; i++) {
      replayMs.push(timeMs(() => void replay(store)));
      evolveMs.push(timeMs(evolveAll));
      const cp = new ChargePoint({
        chargePointId: "CP-SIM",
        csmsUrl: "ws://127.0.0.1:9/ocpp",
        connectors: 2,
        store,
        clock: new ManualClock(Date.parse(events[n - 1].at)),
        transport: silentTransport,
        bootNotification: { chargePointVendor: "Acme", chargePointModel: "AC22" },
      });
      const t0 = performance.now();
      await cp.start();
      startMs.push(performance.now() - t0);
      await cp.stop();
    }
    return {
      events: n,
      sqliteReplayRate: (n / median(replayMs)) * 1000,
      evolveRate: (n / median(evolveMs)) * 1000,
      startMs: median(startMs),
      evolveMs: median(evolveMs),
    };
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
}
