/**
 * Part 1: handler → wire. A critical `onSecurityEvent` (→ SecurityEventNotification, a queued
 * transaction-class message) on a running `ChargePoint`, measured from the handler call until its
 * CALLRESULT has come back and been folded (the next CALL could go), against the same CALL sent by
 * a bare ocpp-rpc `RPCClient` and awaited. Both talk to the same ocpp-rpc `RPCServer` in a Node
 * child process on 127.0.0.1 that answers at once, in-process. Sequential round trips (one CALL in
 * flight, as OCPP wants), real system clock, subjects interleaved in rounds so drift hits all alike.
 *
 * Why this peer: a separate process keeps the central system's CPU work off the measured event
 * loop (a Deno.serve peer in the same process would share its two cores and its loop with both
 * subjects), ocpp-rpc's server is the neutral OCPP-J implementation the baseline client was built
 * for, and answering in-process (strictMode off, no validation, pings off) keeps its cost small
 * and identical for both. `tests/support/rpc_csms.ts` is not used: it routes every answer through
 * the test process over stdin/stdout, which adds a pipe round trip to every call and compresses
 * the ratios towards 1. The baseline client runs under Deno (it proved reliable there: a lost
 * frame would fail the run through `callTimeoutMs`); the same client under Node is reported for
 * information.
 *
 * @module
 */
import { RPCClient } from "ocpp-rpc";
import { ChargePoint, type EventStore, MemoryEventStore, SqliteEventStore } from "../../mod.ts";
import { NodeCsms, runNodeClient } from "./node_peer.ts";
import { summarize, type Summary } from "./stats.ts";

/** Sizes of part 1. */
export interface WireOptions {
  /** Unmeasured round trips per subject before measuring. */
  readonly warmup: number;
  /** Measured round trips per subject. */
  readonly iterations: number;
  /** Rounds the iterations are spread over (subjects alternate between rounds). */
  readonly rounds: number;
  /** Stop measuring a subject once its measured time exceeds this (ms). */
  readonly budgetMsPerSubject: number;
  /** Also run the bare client hosted by Node (information). */
  readonly nodeClient: boolean;
}

/** Result of one subject. */
export interface WireSubject {
  /** Label. */
  readonly name: string;
  /** Round trip handler call (or `client.call`) → CALLRESULT folded, µs. */
  readonly roundTrip: Summary;
  /** For a ChargePoint: time until the handler returned (validation, durable append, fold, send), µs. */
  readonly handlerSync?: Summary;
}

/** What part 1 measured. */
export interface WireResult {
  /** ocpp-rpc RPCClient under Deno (the baseline). */
  readonly baseline: WireSubject;
  /** ocpp-rpc RPCClient under Node (information), when run. */
  readonly nodeBaseline?: WireSubject;
  /** ChargePoint with MemoryEventStore. */
  readonly memory: WireSubject;
  /** ChargePoint with SqliteEventStore WAL + synchronous FULL. */
  readonly sqliteFull: WireSubject;
  /** ChargePoint with SqliteEventStore WAL + synchronous NORMAL. */
  readonly sqliteNormal: WireSubject;
  /** The baseline client, each call right after an fsync of a scratch file (information). */
  readonly baselineAfterSync: WireSubject;
}

const ACTION = "SecurityEventNotification";
/** A round trip not answered within this fails the benchmark loudly instead of hanging it. */
const STUCK_MS = 10_000;

interface Runner {
  readonly name: string;
  readonly samples: number[];
  readonly sync: number[];
  spent: number;
  once(measure: boolean): Promise<void>;
  /** Fails a round trip that has waited longer than {@linkcode STUCK_MS} (watchdog, every second). */
  check?(now: number): void;
  close(): Promise<void>;
}

/**
 * The bare client. With `syncFile`, each call comes right after (not timed) a 4 KiB write and an
 * `fdatasync` of that file, as a ChargePoint's call comes after its FULL append: what the sync
 * alone costs the network round trip that follows (the process slept in the kernel, its caches
 * went cold), which no store can avoid.
 */
async function bareClient(url: string, syncFile?: Deno.FsFile): Promise<Runner> {
  const page = new Uint8Array(4096).fill(0x2a);
  const client = new RPCClient(
    {
      endpoint: url,
      identity: syncFile === undefined ? "BENCH-BARE" : "BENCH-BARE-SYNC",
      protocols: ["ocpp1.6"],
      strictMode: false,
      reconnect: false,
      pingIntervalMs: 0,
      // ocpp-rpc's typings mark every option as required; the rest take their defaults.
    } as ConstructorParameters<typeof RPCClient>[0],
  );
  await client.connect();
  const runner: Runner = {
    name: syncFile === undefined ? "ocpp-rpc RPCClient (Deno)" : "  the same, after an fsync",
    samples: [],
    sync: [],
    spent: 0,
    async once(measure) {
      if (syncFile !== undefined) {
        // Overwrite the same page (as the WAL is, after its first checkpoint), then sync it.
        syncFile.seekSync(0, Deno.SeekMode.Start);
        syncFile.writeSync(page);
        syncFile.syncDataSync();
      }
      const t0 = performance.now();
      await client.call(ACTION, {
        type: "SettingSystemTime",
        timestamp: new Date().toISOString(),
        techInfo: "bench",
      });
      const dt = performance.now() - t0;
      if (measure) {
        runner.samples.push(dt * 1000);
        runner.spent += dt;
      }
    },
    async close() {
      await client.close({ code: 1000, force: true });
    },
  };
  return runner;
}

async function chargePointRunner(
  name: string,
  url: string,
  identity: string,
  store: EventStore,
): Promise<Runner> {
  const cp = new ChargePoint({
    chargePointId: identity,
    csmsUrl: url,
    connectors: 2,
    store,
    configuration: { HeartbeatInterval: "3600", MeterValueSampleInterval: "0" },
    bootNotification: { chargePointVendor: "Bench", chargePointModel: "AC22" },
  });
  let answered: (() => void) | undefined;
  let waiting: { since: number; fail: (error: Error) => void } | undefined;
  let idleWaiter: (() => void) | undefined;
  const idle = () =>
    cp.state.registration === "Accepted" && cp.state.inFlight === undefined &&
    cp.state.outbox.size === 0;
  // Subscribed after the facade's own listener: the answer is folded when this runs.
  cp.log.subscribe(() => {
    if (answered !== undefined && cp.state.inFlight === undefined) {
      const resolve = answered;
      answered = undefined;
      resolve();
    }
    if (idleWaiter !== undefined && idle()) idleWaiter();
  }, { types: ["FrameReceived"] });
  await cp.start();
  if (!idle()) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      new Promise<void>((resolve) => (idleWaiter = resolve)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${name}: not registered and idle within 10 s`)),
          10_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    idleWaiter = undefined;
  }
  const runner: Runner = {
    name,
    samples: [],
    sync: [],
    spent: 0,
    async once(measure) {
      const done = new Promise<void>((resolve, reject) => {
        answered = resolve;
        waiting = { since: performance.now(), fail: reject };
      });
      const t0 = performance.now();
      cp.onSecurityEvent("SettingSystemTime", "bench", true);
      const t1 = performance.now();
      await done;
      const t2 = performance.now();
      waiting = undefined;
      if (measure) {
        runner.sync.push((t1 - t0) * 1000);
        runner.samples.push((t2 - t0) * 1000);
        runner.spent += t2 - t0;
      }
    },
    check(now) {
      if (waiting !== undefined && now - waiting.since > STUCK_MS) {
        waiting.fail(new Error(`${name}: no CALLRESULT within ${STUCK_MS} ms`));
        waiting = undefined;
      }
    },
    async close() {
      await cp.stop();
      store.close();
    },
  };
  return runner;
}

function subject(r: Runner): WireSubject {
  return {
    name: r.name,
    roundTrip: summarize(r.samples),
    ...(r.sync.length > 0 ? { handlerSync: summarize(r.sync) } : {}),
  };
}

/** Runs part 1 and stops everything it started. */
export async function wireBench(options: WireOptions): Promise<WireResult> {
  const dir = await Deno.makeTempDir({ prefix: "ocpp16-bench-wire-" });
  const csms = await NodeCsms.start();
  const runners: Runner[] = [];
  const syncFile = await Deno.open(`${dir}/sync-probe`, { write: true, create: true });
  const watchdog = setInterval(() => {
    for (const r of runners) r.check?.(performance.now());
  }, 1000);
  try {
    runners.push(await bareClient(csms.url));
    runners.push(
      await chargePointRunner(
        "ChargePoint + memory",
        csms.url,
        "BENCH-MEM",
        new MemoryEventStore(),
      ),
    );
    runners.push(
      await chargePointRunner(
        "ChargePoint + SQLite WAL FULL",
        csms.url,
        "BENCH-FULL",
        new SqliteEventStore(`${dir}/full.sqlite`, { synchronous: "FULL" }),
      ),
    );
    runners.push(
      await chargePointRunner(
        "ChargePoint + SQLite WAL NORMAL",
        csms.url,
        "BENCH-NORMAL",
        new SqliteEventStore(`${dir}/normal.sqlite`, { synchronous: "NORMAL" }),
      ),
    );
    runners.push(await bareClient(csms.url, syncFile));
    for (const r of runners) for (let i = 0; i < options.warmup; i++) await r.once(false);
    const perRound = Math.max(1, Math.ceil(options.iterations / options.rounds));
    for (let round = 0; round < options.rounds; round++) {
      // Rotate the order so no subject always runs right after the same one.
      for (let k = 0; k < runners.length; k++) {
        const r = runners[(round + k) % runners.length];
        for (let i = 0; i < perRound && r.samples.length < options.iterations; i++) {
          if (r.spent > options.budgetMsPerSubject) break;
          await r.once(true);
        }
      }
    }
    let nodeBaseline: WireSubject | undefined;
    if (options.nodeClient) {
      const samples = await runNodeClient({
        url: csms.url,
        identity: "BENCH-BARE-NODE",
        action: ACTION,
        warmup: options.warmup,
        iterations: options.iterations,
      });
      nodeBaseline = { name: "ocpp-rpc RPCClient (Node)", roundTrip: summarize(samples) };
    }
    return {
      baseline: subject(runners[0]),
      memory: subject(runners[1]),
      sqliteFull: subject(runners[2]),
      sqliteNormal: subject(runners[3]),
      baselineAfterSync: subject(runners[4]),
      ...(nodeBaseline === undefined ? {} : { nodeBaseline }),
    };
  } finally {
    clearInterval(watchdog);
    for (const r of runners) {
      try {
        await r.close();
      } catch (error) {
        console.error(`closing ${r.name}: ${String(error)}`);
      }
    }
    syncFile.close();
    await csms.stop();
    await Deno.remove(dir, { recursive: true });
  }
}
