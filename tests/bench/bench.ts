/**
 * `deno task bench`: the performance benchmark of the charge point (not a test). It measures, side
 * by side in one run, and prints absolute numbers and ratios against baselines measured in the same
 * run, with whether each target of the performance issue is met:
 *
 * 1. Handler → wire: a critical `onSecurityEvent` until its SecurityEventNotification is answered,
 *    against the same CALL from a bare ocpp-rpc `RPCClient`, both against one ocpp-rpc `RPCServer`
 *    in a Node child process on 127.0.0.1. Targets: ≤ 1.3× (memory store), ≤ 2× (SQLite WAL).
 * 2. Replay: events/s of `replay(store)` on a realistic generated log (from memory and from a
 *    SQLite file), and of the fold alone; `ChargePoint.start()` on the SQLite file against the
 *    fold without frames. Target: ≥ 1M events/s. Breakdown per event type.
 * 3. SQLite append rate (FULL, NORMAL) against MemoryEventStore.
 * 4. Heap retained per 100k events folded (information).
 *
 * Flags: `--quick` (tiny sizes, for the smoke test), `--profile` (also print CPU hot spots of the
 * replay and of the handler path). The exit code is 0 even when a target is missed; missed targets
 * are printed as `TARGET MISSED` lines. Importable: {@linkcode runBench}.
 *
 * `deno task bench` runs it with V8's memory reducer off: after the heavy allocation of building a
 * log, the reducer's collections in this process ran while a replay child was being timed, on
 * the other of the 2 CPUs, and took about 10 % (up to 20 %) off the child's rate.
 *
 * @module
 */
import { ChargePoint, MemoryEventStore, replay, systemClock } from "../../mod.ts";
import { appendBench, type AppendResult } from "./append_bench.ts";
import { profile, topOwnInclusive, topSelf } from "./profile.ts";
import {
  memoryBench,
  type MemoryResult,
  replayBench,
  replayRateInChild,
  type ReplayResult,
} from "./replay_bench.ts";
import { generateSessionLog, SimCsms } from "./session_log.ts";
import { startupBench, type StartupResult } from "./startup_bench.ts";
import { fmt, fmtBytes, makeGc, table } from "./stats.ts";
import { wireBench, type WireResult, type WireSubject } from "./wire_bench.ts";

/** Options of {@linkcode runBench}. */
export interface BenchOptions {
  /** Tiny sizes (seconds instead of a minute or two); the numbers are not meaningful. */
  readonly quick?: boolean;
  /** Also profile the replay and the handler path and print the hot spots. */
  readonly profile?: boolean;
  /** Where lines go (default `console.log`). */
  readonly print?: (line: string) => void;
}

/** A target and whether it was met. */
export interface TargetCheck {
  /** What was measured. */
  readonly what: string;
  /** Measured value, in the unit of `target`. */
  readonly value: number;
  /** The target, e.g. `≤ 1.3×`. */
  readonly target: string;
  /** Whether it was met. */
  readonly met: boolean;
}

/** Everything one run measured. */
export interface BenchReport {
  /** Part 1. */
  readonly wire: WireResult;
  /** The generated log of part 2. */
  readonly log: { events: number; simulatedHours: number; sessions: number; wallMs: number };
  /** Part 2. */
  readonly replay: ReplayResult;
  /** Part 2: replay of the generated log in a process of its own, events/s. */
  readonly denseReplayRate: number;
  /** Part 2: the same for the field-rate log (1 s readings, 60 s sampling), events/s. */
  readonly fieldReplayRate: number;
  /** Part 2b: replay and start-up from a SQLite file. */
  readonly startup: StartupResult;
  /** Part 3. */
  readonly append: AppendResult;
  /** Part 4. */
  readonly memory: MemoryResult;
  /** Every target, met or not. */
  readonly targets: readonly TargetCheck[];
  /** Wall time of each part, ms. */
  readonly partMs: Readonly<Record<string, number>>;
}

const SIZES = {
  full: {
    wire: {
      warmup: 200,
      iterations: 2000,
      rounds: 10,
      budgetMsPerSubject: 12_000,
      nodeClient: true,
    },
    logEvents: 150_000,
    replay: {
      repetitions: 3,
      childRepetitions: 7,
      childProcesses: 3,
      samplesPerType: 500,
      minMsPerType: 100,
    },
    append: { memoryEvents: 200_000, sqliteEvents: 50_000, budgetMs: 5_000 },
  },
  quick: {
    wire: { warmup: 5, iterations: 20, rounds: 2, budgetMsPerSubject: 2_000, nodeClient: true },
    logEvents: 3_000,
    replay: {
      repetitions: 1,
      childRepetitions: 1,
      childProcesses: 1,
      samplesPerType: 20,
      minMsPerType: 2,
    },
    append: { memoryEvents: 2_000, sqliteEvents: 200, budgetMs: 500 },
  },
} as const;

const us = (v: number) => fmt(v, 0);
const ratio = (v: number) => `${fmt(v, 2)}×`;

/** Runs the benchmark and prints its tables; resolves with the numbers. */
export async function runBench(options: BenchOptions = {}): Promise<BenchReport> {
  const print = options.print ?? ((line: string) => console.log(line));
  const sizes = options.quick ? SIZES.quick : SIZES.full;
  const partMs: Record<string, number> = {};
  const targets: TargetCheck[] = [];
  const check = (what: string, value: number, target: string, met: boolean) =>
    targets.push({ what, value, target, met });

  print(
    `ocpp16 charge point benchmark${
      options.quick ? " (--quick: sizes too small to mean much)" : ""
    }`,
  );
  print(
    `deno ${Deno.version.deno}, v8 ${Deno.version.v8}, ${Deno.build.os}/${Deno.build.arch}, ` +
      `${navigator.hardwareConcurrency} CPUs, forced GC ${makeGc() === undefined ? "no" : "yes"}`,
  );

  // ---- 1. handler → wire --------------------------------------------------------------------
  let t = performance.now();
  const wire = await wireBench(sizes.wire);
  partMs.wire = performance.now() - t;
  const base = wire.baseline.roundTrip;
  const wireRow = (s: WireSubject, target?: { max: number; label: string }) => {
    const r = s.roundTrip.median / base.median;
    const met = target === undefined ? undefined : r <= target.max;
    if (target !== undefined) {
      check(`handler → wire, ${s.name} (median ratio)`, r, target.label, r <= target.max);
    }
    return [
      s.name,
      String(s.roundTrip.n),
      us(s.roundTrip.median),
      us(s.roundTrip.p95),
      s.handlerSync === undefined ? "-" : us(s.handlerSync.median),
      s.handlerSync === undefined ? "-" : us(s.handlerSync.p95),
      ratio(r),
      ratio(s.roundTrip.p95 / base.p95),
      target?.label ?? "baseline",
      met === undefined ? "" : met ? "met" : "MISSED",
    ];
  };
  print("");
  print(
    "1. Handler → wire: SecurityEventNotification round trip (handler call → CALLRESULT folded), " +
      "sequential, same ocpp-rpc RPCServer (Node child, 127.0.0.1, answers in-process)",
  );
  print(table([
    [
      "subject",
      "n",
      "median µs",
      "p95 µs",
      "handler µs",
      "handler p95",
      "ratio med",
      "ratio p95",
      "target",
      "",
    ],
    wireRow(wire.baseline),
    wireRow(wire.memory, { max: 1.3, label: "≤ 1.30×" }),
    wireRow(wire.sqliteNormal, { max: 2, label: "≤ 2.00×" }),
    wireRow(wire.sqliteFull, { max: 2, label: "≤ 2.00×" }),
    ...[wire.baselineAfterSync, wire.nodeBaseline].flatMap((s) => {
      if (s === undefined) return [];
      const row = wireRow(s);
      row[8] = "info";
      return [row];
    }),
  ]));
  print(
    "   handler µs = until the handler returned (validate, append durably, fold, queue the frame); " +
      "ratios against the Deno-hosted RPCClient row.",
  );

  // ---- 2. replay ----------------------------------------------------------------------------
  t = performance.now();
  const log = await generateSessionLog({ targetEvents: sizes.logEvents });
  const { childRepetitions, childProcesses } = sizes.replay;
  const dense = await replayRateInChild(log.store, childRepetitions, childProcesses);
  const rep = replayBench(log.store, sizes.replay);
  const startup = await startupBench(log.store, sizes.replay.repetitions);
  // The same simulation as the field would log it: the meter read every second (as EVerest's
  // power meter publishes), sampled every minute.
  const field = await (async () => {
    const l = await generateSessionLog({
      targetEvents: sizes.logEvents,
      readingIntervalMs: 1000,
      sampleIntervalS: 60,
    });
    return {
      events: l.events,
      ...await replayRateInChild(l.store, childRepetitions, childProcesses),
    };
  })();
  partMs.replay = performance.now() - t;
  const M = 1_000_000;
  check("replay, dense log (own process) events/s", dense.rate, "≥ 1,000,000/s", dense.rate >= M);
  check(
    "replay, field-rate log (own process) events/s",
    field.rate,
    "≥ 1,000,000/s",
    field.rate >= M,
  );
  print("");
  print(
    `2. Replay: generated log of ${fmt(log.events)} events (${
      fmt(log.simulatedHours, 1)
    } simulated ` +
      `hours, ${log.sessions} sessions on 2 connectors, a reading every 2 s, 15 values sampled ` +
      `every 10 s, generated in ${fmt(log.wallMs / 1000, 1)} s), and a field-rate log`,
  );
  print(table([
    ["measurement", "events/s", "µs/event", "vs 1M/s", "target", ""],
    ...[
      ["replay(MemoryEventStore), in a process of its own", dense.rate, true],
      ["  the same, in the benchmark's process", rep.replayRate, false],
      [
        `  field-rate log (${fmt(field.events)} events: 1 s readings, 60 s sampling)`,
        field.rate,
        true,
      ],
      ["replay(SqliteEventStore) (read file + type check + step)", startup.sqliteReplayRate, false],
      ["fold(events) (step with frames, array)", rep.foldRate, false],
      ["  evolve (step without frames, array)", startup.evolveRate, false],
      ["  MemoryEventStore iteration only", rep.readRate, false],
      ["  checkEvent (zod; only replay({ validate: true }))", rep.checkRate, false],
    ].map(([name, r, targeted]) => [
      name as string,
      fmt(r as number),
      fmt(1e6 / (r as number), 2),
      ratio((r as number) / M),
      targeted ? "≥ 1M/s" : "info",
      targeted ? ((r as number) >= M ? "met" : "MISSED") : "",
    ]),
  ]));
  const rates = (r: readonly number[]) => r.map((v) => fmt(v)).join(" / ");
  print(
    `   in a process of its own: the median of ${childProcesses} processes run one after the ` +
      `other, each the mean of ${childRepetitions} runs after a warm-up run: dense log ` +
      `${rates(dense.rates)}, field-rate log ${rates(field.rates)} events/s.`,
  );
  print(
    `   ChargePoint.start() on the SQLite file (read + type check + fold without frames + ` +
      `set-up): ${fmt(startup.startMs, 1)} ms for ${fmt(startup.events)} events = ` +
      `${ratio(startup.startMs / startup.evolveMs)} the fold without frames ` +
      `(${fmt(startup.evolveMs, 1)} ms); a start never validates the stored data again.`,
  );
  print("   cost per event type (step and checkEvent timed on sampled (state, event) pairs):");
  print(table([
    ["event type", "count", "% of log", "step ns", "check ns", "% of replay"],
    ...rep.byType.map((c) => [
      c.type,
      fmt(c.count),
      fmt((c.count / rep.events) * 100, 1),
      fmt(c.stepNs),
      fmt(c.checkNs),
      fmt(c.share * 100, 1),
    ]),
  ]));

  // ---- 4. memory (uses the same log) --------------------------------------------------------
  t = performance.now();
  const memory = memoryBench(log.store);
  partMs.memory = performance.now() - t;

  // ---- 3. append ----------------------------------------------------------------------------
  t = performance.now();
  const append = await appendBench(log.store, sizes.append);
  partMs.append = performance.now() - t;
  print("");
  print("3. EventLog.append rate (payloads of the generated log, no subscriber)");
  print(table([
    ["store", "events", "events/s", "vs memory", "median µs", "p95 µs", "target"],
    ...[append.memory, append.sqliteNormal, append.sqliteFull].map((a) => [
      a.name,
      fmt(a.events),
      fmt(a.rate),
      ratio(a.rate / append.memory.rate),
      fmt(a.latency.median, 1),
      fmt(a.latency.p95, 1),
      a === append.memory ? "baseline" : "info",
    ]),
  ]));

  // The floor of a FULL round trip: the memory round trip plus one synced append (the handler's
  // event, durable before its CALL is sent), what a sync costs the round trip after it (part 1's
  // bare client after an fsync), and one NORMAL-speed append (the FrameReceived of the answer
  // defers its sync to the next append).
  const fullAppend = append.sqliteFull.latency.median;
  const deferredAppend = append.sqliteNormal.latency.median;
  const afterSync = Math.max(0, wire.baselineAfterSync.roundTrip.median - base.median);
  const floor = wire.memory.roundTrip.median + fullAppend + afterSync + deferredAppend;
  print(
    `   SQLite FULL floor: memory round trip ${us(wire.memory.roundTrip.median)} µs + FULL ` +
      `append ${us(fullAppend)} µs + round trip slowed by the sync ${us(afterSync)} µs (part 1) ` +
      `+ deferred (NORMAL) append ${us(deferredAppend)} µs (part 3) = ${us(floor)} µs = ` +
      `${ratio(floor / base.median)} the baseline; ≤ 2× needs a synced append ≤ ${
        us(Math.max(0, 2 * base.median - wire.memory.roundTrip.median - afterSync - deferredAppend))
      } µs on this disk.`,
  );

  print("");
  print(`4. Memory (Deno.memoryUsage().heapUsed${memory.gc ? ", after a forced GC" : ", no GC"})`);
  print(table([
    ["measurement", "per 100k events"],
    ["heap retained by the folded state", fmtBytes(memory.foldRetainedPer100k)],
    ["heap retained by a replay() result (state + frames)", fmtBytes(memory.replayRetainedPer100k)],
  ]));

  if (options.profile) {
    await printProfiles(print, log.store, options.quick === true);
  }

  print("");
  print(
    `parts: ${Object.entries(partMs).map(([k, v]) => `${k} ${fmt(v / 1000, 1)} s`).join(", ")}`,
  );
  for (const c of targets) {
    if (!c.met) {
      print(
        `TARGET MISSED: ${c.what} = ${fmt(c.value, c.value < 100 ? 2 : 0)}, target ${c.target}`,
      );
    }
  }
  const met = targets.filter((c) => c.met).length;
  print(`${met} of ${targets.length} targets met`);
  return {
    wire,
    log: {
      events: log.events,
      simulatedHours: log.simulatedHours,
      sessions: log.sessions,
      wallMs: log.wallMs,
    },
    replay: rep,
    denseReplayRate: dense.rate,
    fieldReplayRate: field.rate,
    startup,
    append,
    memory,
    targets,
    partMs,
  };
}

/** CPU hot spots of `replay()` and of the handler path (`onSecurityEvent` + its answer). */
async function printProfiles(
  print: (line: string) => void,
  store: MemoryEventStore,
  quick: boolean,
): Promise<void> {
  const show = (title: string, spots: Awaited<ReturnType<typeof profile>>) => {
    print(`   ${title}: top self time`);
    print(table([
      ["function", "self %", "incl %"],
      ...topSelf(spots, 15).map((s) => [s.where, fmt(s.self * 100, 1), fmt(s.total * 100, 1)]),
    ]));
    print(`   ${title}: own code by inclusive time`);
    print(table([
      ["function", "self %", "incl %"],
      ...topOwnInclusive(spots, 15).map((s) => [
        s.where,
        fmt(s.self * 100, 1),
        fmt(s.total * 100, 1),
      ]),
    ]));
  };
  print("");
  print(
    "5. Profiles (V8 sampling profiler through node:inspector; lines are of the transpiled JS)",
  );
  try {
    show("replay(store)", await profile(() => void replay(store), 100));
  } catch (error) {
    // E.g. another inspector client holds the profiler (coverage runs): not the benchmark's failure.
    print(`   profiler unavailable: ${String(error)}`);
    return;
  }

  // The handler path without network: a simulated central system answering on a microtask.
  const csms = new SimCsms(systemClock);
  const cp = new ChargePoint({
    chargePointId: "CP-PROFILE",
    csmsUrl: "ws://127.0.0.1:9/ocpp",
    connectors: 2,
    store: new MemoryEventStore(),
    transport: csms,
    configuration: { HeartbeatInterval: "3600", MeterValueSampleInterval: "0" },
    bootNotification: { chargePointVendor: "Bench", chargePointModel: "AC22" },
  });
  const settle = async () => {
    for (let i = 0; i < 8; i++) await Promise.resolve();
  };
  await cp.start();
  for (let i = 0; i < 10; i++) await settle();
  const rounds = async (n: number) => {
    for (let i = 0; i < n; i++) {
      cp.onSecurityEvent("SettingSystemTime", "bench", true);
      await settle();
    }
  };
  await rounds(quick ? 50 : 2_000);
  show(
    "handler path (onSecurityEvent → frame → CALLRESULT folded, memory store)",
    await profile(() => rounds(quick ? 200 : 20_000), 100),
  );
  await cp.stop();
}

if (import.meta.main) {
  await runBench({
    quick: Deno.args.includes("--quick"),
    profile: Deno.args.includes("--profile"),
  });
}
