/**
 * Smoke test of the benchmark: `runBench({ quick: true })` completes, stops what it started and
 * reports finite numbers for every part. No timing assertion: speed is the benchmark's business,
 * not the test suite's.
 */
import assert from "node:assert/strict";
import { runBench } from "./bench.ts";

const finite = (what: string, value: number) =>
  assert.ok(Number.isFinite(value) && value > 0, `${what} should be a positive number: ${value}`);

Deno.test("bench --quick completes and reports numbers for every part", async () => {
  const lines: string[] = [];
  const report = await runBench({ quick: true, profile: true, print: (l) => lines.push(l) });

  const { wire } = report;
  for (const s of [wire.baseline, wire.memory, wire.sqliteFull, wire.baselineAfterSync]) {
    assert.ok(s.roundTrip.n > 0, `${s.name}: no sample`);
    finite(`${s.name} median`, s.roundTrip.median);
    finite(`${s.name} p95`, s.roundTrip.p95);
  }
  finite("sqlite NORMAL median", report.wire.sqliteNormal.roundTrip.median);
  finite("memory handler median", report.wire.memory.handlerSync?.median ?? Number.NaN);

  assert.ok(report.log.events >= 3_000, `log has ${report.log.events} events`);
  finite("replay rate", report.replay.replayRate);
  finite("fold rate", report.replay.foldRate);
  finite("field-rate replay rate", report.fieldReplayRate);
  finite("replay rate in a process of its own", report.denseReplayRate);
  finite("replay from SQLite rate", report.startup.sqliteReplayRate);
  finite("evolve rate", report.startup.evolveRate);
  finite("start() on the SQLite log, ms", report.startup.startMs);
  assert.equal(report.startup.events, report.log.events);
  assert.ok(report.replay.byType.length > 3, "per-type breakdown");
  assert.ok(report.replay.byType.some((c) => c.type === "MeterValuesMeasured"));

  for (const a of [report.append.memory, report.append.sqliteNormal, report.append.sqliteFull]) {
    finite(`${a.name} rate`, a.rate);
  }
  assert.ok(Number.isFinite(report.memory.foldRetainedPer100k));

  assert.equal(report.targets.length, 5);
  const text = lines.join("\n");
  assert.match(text, /1\. Handler → wire/);
  assert.match(text, /2\. Replay/);
  assert.match(text, /replay\(SqliteEventStore\)/);
  assert.match(text, /ChargePoint\.start\(\) on the SQLite file/);
  assert.match(text, /3\. EventLog\.append/);
  assert.match(text, /4\. Memory/);
  assert.match(text, /5\. Profiles/);
  assert.match(text, /targets met/);
  for (const c of report.targets.filter((t) => !t.met)) {
    assert.ok(
      text.includes(`TARGET MISSED: ${c.what}`),
      `missing TARGET MISSED line for ${c.what}`,
    );
  }
});
