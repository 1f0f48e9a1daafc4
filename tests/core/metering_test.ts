/**
 * Metering in the fold (no network): measurand items with phases and their validation, clock
 * boundaries, periodic sampling anchored at the transaction start, clock-aligned sampling of every
 * connector, Transaction.Begin/End values and StopTransaction's bounded `transactionData`.
 */
import assert from "node:assert/strict";
import {
  buildMeterValue,
  MEASURANDS,
  type MeterValue,
  parseMeasurandItem,
  parseMeasurandList,
  SUPPORTED_READINGS,
  validateMeasurandKey,
} from "../../core/meter_values.ts";
import {
  alignedFired,
  armAligned,
  MAX_TRANSACTION_DATA_CHARS,
  MAX_TRANSACTION_METER_VALUES,
  measurandItems,
  meteringConfigChanged,
  meterValueFor,
  nextClockBoundary,
  thinMeterValues,
  TIMER_ALIGNED,
} from "../../core/metering.ts";
import { Draft } from "../../core/draft.ts";
import { fold } from "../../core/step.ts";
import { ChargePoint } from "../../core/charge_point.ts";
import { MemoryEventStore } from "../../core/memory_event_store.ts";
import { InvalidArgumentError } from "../../core/errors.ts";
import { checkConfiguration } from "../../core/configuration_keys.ts";
import { initialState, newConnector } from "../../core/state.ts";
import type { MeasurementData } from "../../events/measurement.ts";
import {
  callsIn,
  type FoldScript,
  preamble,
  type SentCall,
  START_DATA,
} from "./support/fold_script.ts";
import { validateCallPayload } from "../support/ocpp_schema.ts";

const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);

/** A measurement with every source the library maps. */
const FULL: MeasurementData = {
  powerMeter: {
    timestamp: "2026-01-01T00:00:00.000Z",
    energyWhImport: { total: 1000, L1: 300, L2: 300, L3: 400 },
    energyWhExport: { total: 5, L1: 1, L2: 2, L3: 2 },
    powerW: { total: 11000, L1: 3600, L2: 3700, L3: 3700 },
    var: { total: 10, VARphA: 3, VARphB: 3, VARphC: 4 },
    voltageV: { DC: 400, L1: 230, L2: 231, L3: 229 },
    currentA: { DC: 20, L1: 16, L2: 15, L3: 14, N: 1 },
    frequencyHz: { L1: 50, L2: 50.1, L3: 49.9 },
  },
  socPercent: { value: 42 },
  temperatureC: [{ value: 30, location: "Body" }],
  rpm: { value: 900 },
};

Deno.test("nextClockBoundary: midnight UTC plus whole intervals, restarting every day", () => {
  const t = at("2026-01-01T00:07:00Z");
  assert.equal(iso(nextClockBoundary(t, 900)), "2026-01-01T00:15:00.000Z");
  // On a boundary: the next one.
  assert.equal(iso(nextClockBoundary(at("2026-01-01T00:15:00Z"), 900)), "2026-01-01T00:30:00.000Z");
  assert.equal(iso(nextClockBoundary(at("2026-01-01T23:59:59Z"), 900)), "2026-01-02T00:00:00.000Z");
  assert.equal(iso(nextClockBoundary(t, 20)), "2026-01-01T00:07:20.000Z");
  // 7 h does not divide a day: 00, 07, 14, 21, then midnight again.
  assert.equal(
    iso(nextClockBoundary(at("2026-01-01T20:00:00Z"), 25_200)),
    "2026-01-01T21:00:00.000Z",
  );
  assert.equal(
    iso(nextClockBoundary(at("2026-01-01T21:00:00Z"), 25_200)),
    "2026-01-02T00:00:00.000Z",
  );
  assert.equal(iso(nextClockBoundary(t, 86_400)), "2026-01-02T00:00:00.000Z");
  assert.equal(iso(nextClockBoundary(t, 100_000)), "2026-01-02T00:00:00.000Z");
});

Deno.test("measurand items: a measurand or a measurand with an OCPP phase", () => {
  assert.deepEqual(parseMeasurandItem("Current.Import.N"), {
    measurand: "Current.Import",
    phase: "N",
  });
  assert.deepEqual(parseMeasurandItem("Voltage.L1-N"), { measurand: "Voltage", phase: "L1-N" });
  assert.deepEqual(parseMeasurandItem("Energy.Active.Import.Register"), {
    measurand: "Energy.Active.Import.Register",
  });
  for (const bad of ["Energy", "Voltage.L4", "Voltage.", ".L1", "voltage.L1", "Voltage.l1", ""]) {
    assert.equal(parseMeasurandItem(bad), undefined, bad);
  }
  assert.deepEqual(parseMeasurandList("Voltage.L1, Current.Import.L2,Voltage.L1"), {
    ok: true,
    measurands: ["Voltage.L1", "Current.Import.L2"],
  });
});

Deno.test("validateMeasurandKey: syntax, what the library can produce, MaxLength; normalised", () => {
  assert.deepEqual(validateMeasurandKey(""), { ok: true, value: "" });
  assert.deepEqual(validateMeasurandKey(" SoC ,Voltage.L1,SoC"), {
    ok: true,
    value: "SoC,Voltage.L1",
  });
  assert.deepEqual(validateMeasurandKey("SoC,,Voltage"), {
    ok: false,
    reason: "empty item in measurand list",
  });
  assert.deepEqual(validateMeasurandKey("Energy"), {
    ok: false,
    reason: 'unknown measurand "Energy"',
  });
  assert.deepEqual(validateMeasurandKey("SoC,Power.Factor"), {
    ok: false,
    reason: 'measurand "Power.Factor" is not supported by this charge point',
  });
  assert.deepEqual(validateMeasurandKey("Voltage.L1-N"), {
    ok: false,
    reason: "phase L1-N of Voltage is not supported by this charge point (L1, L2, L3)",
  });
  assert.deepEqual(validateMeasurandKey("SoC.L1"), {
    ok: false,
    reason: "phase L1 of SoC is not supported by this charge point (no phases)",
  });
  assert.deepEqual(validateMeasurandKey("SoC,Voltage,Frequency.L2", 2), {
    ok: false,
    reason: "3 items, at most 2 allowed",
  });
  assert.equal(validateMeasurandKey("SoC,Voltage", 2).ok, true);
  // Every supported reading is accepted, every other measurand refused.
  for (const m of MEASURANDS) {
    assert.equal(validateMeasurandKey(m).ok, SUPPORTED_READINGS[m] !== undefined, m);
  }
});

Deno.test("SUPPORTED_READINGS is exactly what a full measurement produces", () => {
  for (const m of MEASURANDS) {
    const values = buildMeterValue(
      FULL,
      [m],
      "Sample.Periodic",
      { currentA: 32, powerW: 22000 },
    )?.sampledValue ?? [];
    const produced = values.map((v) => v.phase ?? "total");
    assert.deepEqual(produced, [...(SUPPORTED_READINGS[m] ?? [])], m);
  }
});

Deno.test("buildMeterValue: a phase item selects that phase only; order of first appearance", () => {
  const sv = buildMeterValue(
    FULL,
    ["Current.Import.L1", "SoC", "Current.Import.N", "Voltage.L2", "Voltage", "Frequency.L3"],
    "Sample.Clock",
  )!.sampledValue.map((v) => `${v.measurand}/${v.phase ?? "-"}`);
  assert.deepEqual(sv, [
    "Current.Import/L1",
    "Current.Import/N",
    "SoC/-",
    "Voltage/-",
    "Voltage/L1",
    "Voltage/L2",
    "Voltage/L3",
    "Frequency/L3",
  ]);
  // A phase the measurement lacks is skipped, never zero.
  const pm = { timestamp: "2026-01-01T00:00:00.000Z", energyWhImport: { total: 1 } };
  assert.equal(buildMeterValue({ powerMeter: pm }, ["Current.Import.L1"], "Trigger"), undefined);
});

Deno.test("measurandItems: lenient, cached, empty sampled/aligned lists mean the energy register", () => {
  assert.deepEqual(measurandItems({ MeterValuesSampledData: "" }, "MeterValuesSampledData"), [
    "Energy.Active.Import.Register",
  ]);
  assert.deepEqual(measurandItems({}, "MeterValuesAlignedData"), ["Energy.Active.Import.Register"]);
  assert.deepEqual(measurandItems({ StopTxnAlignedData: " " }, "StopTxnAlignedData"), []);
  const config = { MeterValuesSampledData: "SoC, Bogus,Voltage.L1,SoC" };
  const first = measurandItems(config, "MeterValuesSampledData");
  assert.deepEqual(first, ["SoC", "Voltage.L1"]);
  assert.equal(measurandItems(config, "MeterValuesSampledData"), first, "parsed once");
});

Deno.test("thinMeterValues: every second dropped, first and last kept", () => {
  assert.deepEqual(thinMeterValues([]), []);
  assert.deepEqual(thinMeterValues([1]), [1]);
  assert.deepEqual(thinMeterValues([1, 2]), [1, 2]);
  assert.deepEqual(thinMeterValues([0, 1, 2, 3, 4]), [0, 2, 4]);
  assert.deepEqual(thinMeterValues([0, 1, 2, 3, 4, 5]), [0, 2, 4, 5]);
});

function measurement(whTotal: number, timestamp: string): MeasurementData {
  return {
    powerMeter: {
      timestamp,
      energyWhImport: { total: whTotal, L1: whTotal / 2, L2: whTotal / 2 },
      powerW: { total: 7000 },
      currentA: { L1: 16, L2: 16 },
    },
  };
}

function meterValuesOf(calls: readonly SentCall[]): Record<string, unknown>[] {
  return calls.filter((c) => c.action === "MeterValues").map((c) => c.payload);
}

function stamps(payloads: readonly Record<string, unknown>[]): string[] {
  return payloads.map((p) => (p.meterValue as MeterValue[])[0].timestamp);
}

/** The context of a MeterValues payload (one meter value, one context). */
function contextOf(p: Record<string, unknown>): string | undefined {
  return (p.meterValue as MeterValue[])[0].sampledValue[0].context;
}

/** Every MeterValues the fold sent so far with `context`. */
function sentWith(s: FoldScript, context: string): Record<string, unknown>[] {
  return meterValuesOf(callsIn(s.frames)).filter((p) => contextOf(p) === context);
}

/**
 * Fires timer `name` after the firmware reported a measurement (`wh`) of each of `connectors`
 * one second before it is due; returns the CALLs sent meanwhile.
 */
function fireMeasured(s: FoldScript, name: string, connectors: number[], wh = 1000): SentCall[] {
  const due = s.state.timers[name]!;
  const at = Math.max(s.now, due - 1000);
  for (const c of connectors) {
    s.add("MeterValuesMeasured", { connector: c, measurement: measurement(wh, iso(at)) }, at);
  }
  return [...callsIn(s.fire(name).effects.frames), ...s.drain()];
}

Deno.test("fold: periodic samples whole intervals after the start, late firings keep the schedule, restart resumes it", () => {
  const s = preamble({
    MeterValueSampleInterval: "60",
    MeterValuesSampledData: "Energy.Active.Import.Register,Current.Import.L2",
  });
  s.add("MeterValuesMeasured", { connector: 1, measurement: measurement(100, iso(s.now)) });
  const started = s.now + 500;
  s.add("TransactionStarted", {
    connector: 1,
    sessionId: "s1",
    idToken: "TAG",
    meterStartWh: 100,
    timestamp: iso(started),
  }, started);
  s.drain();
  assert.equal(s.state.timers["sample:1"], started + 60_000);
  fireMeasured(s, "sample:1", [1], 160);
  // Fired 7 s late: the timestamp is still the scheduled time, the next one stays on schedule.
  const due = s.state.timers["sample:1"]!;
  assert.equal(due, started + 120_000);
  s.add("MeterValuesMeasured", { connector: 1, measurement: measurement(220, iso(due)) }, due);
  s.add("TimerFired", { timer: "sample:1", due }, due + 7000);
  s.drain();
  assert.equal(s.state.timers["sample:1"], started + 180_000);
  // The process restarts 100 s later: the schedule continues from the start, missed ticks skipped.
  s.add("ChargePointStarted", {
    chargePointId: "CP-1",
    csmsUrl: "ws://127.0.0.1:9000/ocpp",
    connectors: 2,
    configuration: {
      MeterValueSampleInterval: "60",
      MeterValuesSampledData: "Energy.Active.Import.Register,Current.Import.L2",
    },
    bootNotification: { chargePointVendor: "Acme", chargePointModel: "AC22" },
    callbacks: [],
    responseTimeoutMs: 30_000,
  }, started + 220_000);
  assert.equal(s.state.timers["sample:1"], started + 240_000);
  s.add("ConnectionOpened", { url: "ws://127.0.0.1:9000/ocpp/CP-1", protocol: "ocpp1.6" });
  s.drain();
  fireMeasured(s, "sample:1", [1], 300);
  const mv = sentWith(s, "Sample.Periodic");
  assert.deepEqual(stamps(mv), [
    iso(started + 60_000),
    iso(started + 120_000),
    iso(started + 240_000),
  ]);
  for (const p of mv) {
    assert.equal(p.transactionId, 1);
    const values = (p.meterValue as MeterValue[])[0].sampledValue;
    assert.deepEqual(values.map((v) => [v.measurand, v.phase, v.context]), [
      ["Energy.Active.Import.Register", undefined, "Sample.Periodic"],
      ["Energy.Active.Import.Register", "L1", "Sample.Periodic"],
      ["Energy.Active.Import.Register", "L2", "Sample.Periodic"],
      ["Current.Import", "L2", "Sample.Periodic"],
    ]);
    assert.equal(validateCallPayload("MeterValues", p), undefined);
  }
  // MeterValueSampleInterval changed by the central system: re-armed on the start's grid.
  const answer = s.csmsCall("ChangeConfiguration", {
    key: "MeterValueSampleInterval",
    value: "90",
  });
  assert.deepEqual(answer.answer, { status: "Accepted" });
  const k = Math.floor((s.now - started) / 90_000) + 1;
  assert.equal(s.state.timers["sample:1"], started + k * 90_000);
});

Deno.test("fold: clock-aligned values on the boundaries for every connector with a measurement", () => {
  const s = preamble({
    ClockAlignedDataInterval: "900",
    MeterValuesAlignedData: "Energy.Active.Import.Register,Power.Active.Import",
    MeterValueSampleInterval: "0",
  });
  // Armed at ChargePointStarted (00:00:01): the next boundary is 00:15.
  assert.equal(s.state.timers[TIMER_ALIGNED], at("2026-01-01T00:15:00Z"));
  s.add("MeterValuesMeasured", { connector: 0, measurement: measurement(50_000, iso(s.now)) });
  s.add("MeterValuesMeasured", { connector: 1, measurement: measurement(100, iso(s.now)) });
  s.add("TransactionStarted", {
    connector: 1,
    sessionId: "s1",
    idToken: "TAG",
    meterStartWh: 100,
    timestamp: iso(s.now),
  });
  s.drain();
  const sent: SentCall[] = [];
  for (let i = 0; i < 3; i++) sent.push(...fireMeasured(s, TIMER_ALIGNED, [0, 1]));
  const mv = meterValuesOf(sent);
  assert.deepEqual(mv.map((p) => [p.connectorId, p.transactionId]), [
    [0, undefined],
    [1, 1],
    [0, undefined],
    [1, 1],
    [0, undefined],
    [1, 1],
  ]);
  assert.deepEqual(stamps(mv), [
    "2026-01-01T00:15:00.000Z",
    "2026-01-01T00:15:00.000Z",
    "2026-01-01T00:30:00.000Z",
    "2026-01-01T00:30:00.000Z",
    "2026-01-01T00:45:00.000Z",
    "2026-01-01T00:45:00.000Z",
  ]);
  for (const p of mv) {
    const values = (p.meterValue as MeterValue[])[0].sampledValue;
    assert.ok(values.every((v) => v.context === "Sample.Clock"));
    assert.deepEqual(
      new Set(values.map((v) => v.measurand)),
      new Set([
        "Energy.Active.Import.Register",
        "Power.Active.Import",
      ]),
    );
    assert.equal(validateCallPayload("MeterValues", p), undefined);
  }
  assert.equal(s.state.timers[TIMER_ALIGNED], at("2026-01-01T01:00:00Z"));
});

Deno.test("fold: the clock-aligned timer follows the central system's clock offset", () => {
  const s = preamble({ ClockAlignedDataInterval: "900" });
  // The central system's clock is 2 min 30 s ahead: 00:15 there is 00:12:30 here.
  s.fire("heartbeat");
  const call = s.state.inFlight!;
  assert.equal(call.action, "Heartbeat");
  const answeredAt = s.now + 1000;
  s.add("FrameReceived", {
    text: JSON.stringify([3, call.id, { currentTime: iso(answeredAt + 150_000) }]),
  }, answeredAt);
  const offset = s.state.timeOffsetMs;
  assert.equal(offset, 150_000);
  const boundary = nextClockBoundary(s.now + offset, 900);
  assert.equal(s.state.timers[TIMER_ALIGNED], boundary - offset);
  s.add("MeterValuesMeasured", { connector: 2, measurement: measurement(7, iso(s.now)) });
  const sent = [...callsIn(s.fire(TIMER_ALIGNED).effects.frames), ...s.drain()];
  assert.deepEqual(stamps(meterValuesOf(sent)), [iso(boundary)]);
});

Deno.test("fold: Transaction.Begin/End, StopTxnSampledData and StopTxnAlignedData in transactionData", () => {
  const s = preamble({
    MeterValueSampleInterval: "300",
    ClockAlignedDataInterval: "600",
    MeterValuesSampledData: "Power.Active.Import",
    MeterValuesAlignedData: "Power.Active.Import",
    StopTxnSampledData: "Energy.Active.Import.Register,Current.Import.L1",
    StopTxnAlignedData: "Energy.Active.Import.Register",
  });
  // The EV is plugged in, measured, and the transaction starts minutes later.
  s.add("SessionStarted", { connector: 1, sessionId: "s1", reason: "EVConnected" });
  s.add("MeterValuesMeasured", { connector: 1, measurement: measurement(990, iso(s.now)) });
  const started = at("2026-01-01T00:05:00Z");
  s.add("TransactionStarted", {
    connector: 1,
    sessionId: "s1",
    idToken: "TAG",
    meterStartWh: 1000,
    timestamp: iso(started),
    signedMeterValue: "OCMF|{begin}",
  }, started);
  s.drain();
  // Samples at 00:10, 00:15, 00:20; boundaries at 00:10, 00:20 (the clock timer, armed first,
  // fires first when both are due at once).
  const stopAt = at("2026-01-01T00:21:00Z");
  while (Math.min(...Object.values(s.state.timers)) < stopAt) {
    const [name] = Object.entries(s.state.timers).sort((a, b) => a[1] - b[1])[0];
    if (name === "heartbeat") {
      s.fire(name);
      s.drain();
      continue;
    }
    s.add("MeterValuesMeasured", {
      connector: 1,
      measurement: measurement(1000 + (s.state.timers[name]! - started) / 1000, iso(s.now)),
    }, s.state.timers[name]! - 1);
    s.fire(name);
    s.drain();
  }
  s.add("TransactionStopped", {
    connector: 1,
    sessionId: "s1",
    reason: "Local",
    timestamp: iso(stopAt),
    energyWhImport: 2000,
    signedMeterValue: "OCMF|{end}",
  }, stopAt);
  const stop = [...callsIn(s.last!.effects.frames), ...s.drain()].find((c) =>
    c.action === "StopTransaction"
  )!;
  assert.equal(validateCallPayload("StopTransaction", stop.payload), undefined);
  const data = stop.payload.transactionData as MeterValue[];
  assert.deepEqual(
    data.map((mv) => [
      mv.timestamp.slice(11, 19),
      mv.sampledValue.map((v) =>
        `${v.context}:${v.measurand ?? v.format}${v.phase ? "." + v.phase : ""}=${v.value}`
      ),
    ]),
    [
      ["00:05:00", [
        "Transaction.Begin:Energy.Active.Import.Register=1000.00",
        "Transaction.Begin:Current.Import.L1=16.00",
        "Transaction.Begin:SignedData=OCMF|{begin}",
      ]],
      ["00:10:00", [
        "Sample.Clock:Energy.Active.Import.Register=1300.00",
        "Sample.Clock:Energy.Active.Import.Register.L1=650.00",
        "Sample.Clock:Energy.Active.Import.Register.L2=650.00",
      ]],
      ["00:10:00", [
        "Sample.Periodic:Energy.Active.Import.Register=1300.00",
        "Sample.Periodic:Energy.Active.Import.Register.L1=650.00",
        "Sample.Periodic:Energy.Active.Import.Register.L2=650.00",
        "Sample.Periodic:Current.Import.L1=16.00",
      ]],
      ["00:15:00", [
        "Sample.Periodic:Energy.Active.Import.Register=1600.00",
        "Sample.Periodic:Energy.Active.Import.Register.L1=800.00",
        "Sample.Periodic:Energy.Active.Import.Register.L2=800.00",
        "Sample.Periodic:Current.Import.L1=16.00",
      ]],
      ["00:20:00", [
        "Sample.Clock:Energy.Active.Import.Register=1900.00",
        "Sample.Clock:Energy.Active.Import.Register.L1=950.00",
        "Sample.Clock:Energy.Active.Import.Register.L2=950.00",
      ]],
      ["00:20:00", [
        "Sample.Periodic:Energy.Active.Import.Register=1900.00",
        "Sample.Periodic:Energy.Active.Import.Register.L1=950.00",
        "Sample.Periodic:Energy.Active.Import.Register.L2=950.00",
        "Sample.Periodic:Current.Import.L1=16.00",
      ]],
      ["00:21:00", [
        "Transaction.End:Energy.Active.Import.Register=2000.00",
        "Transaction.End:Current.Import.L1=16.00",
        "Transaction.End:SignedData=OCMF|{end}",
      ]],
    ],
  );
  assert.equal(s.state.connectors[1].transaction, undefined);
  assert.equal(s.state.timers["sample:1"], undefined);
});

Deno.test("fold: no StopTxn data configured and no signed values → no transactionData", () => {
  const s = preamble({ MeterValueSampleInterval: "60" });
  s.add("TransactionStarted", {
    connector: 2,
    sessionId: "s",
    idToken: "TAG",
    meterStartWh: 0,
    timestamp: iso(s.now),
  });
  s.drain();
  s.fire("sample:2"); // no measurement: skipped with a note
  assert.match(s.last!.effects.notes.join("\n"), /no measurement yet/);
  s.add("TransactionStopped", {
    connector: 2,
    sessionId: "s",
    reason: "Local",
    timestamp: iso(s.now),
    energyWhImport: 10,
  });
  const stop = [...callsIn(s.last!.effects.frames), ...s.drain()].find((c) =>
    c.action === "StopTransaction"
  )!;
  assert.equal("transactionData" in stop.payload, false);
  assert.equal(validateCallPayload("StopTransaction", stop.payload), undefined);
});

Deno.test("fold: a long transaction keeps a bounded transactionData (first and last kept)", () => {
  const s = preamble({
    MeterValueSampleInterval: "1",
    MeterValuesSampledData: "Energy.Active.Import.Register",
    StopTxnSampledData: "Energy.Active.Import.Register,Power.Active.Import,Current.Import",
    HeartbeatInterval: "0",
  });
  s.add("MeterValuesMeasured", { connector: 1, measurement: measurement(0, iso(s.now)) });
  const started = s.now + 1000;
  s.add("TransactionStarted", {
    connector: 1,
    sessionId: "s",
    idToken: "TAG",
    meterStartWh: 0,
    timestamp: iso(started),
  }, started);
  s.drain();
  for (let i = 0; i < 1000; i++) {
    fireMeasured(s, "sample:1", [1], i);
    const kept = s.state.connectors[1].transaction!.meterValues!;
    assert.ok(kept.length <= MAX_TRANSACTION_METER_VALUES);
  }
  const kept = s.state.connectors[1].transaction!.meterValues!;
  assert.equal(kept[0].sampledValue[0].context, "Transaction.Begin");
  assert.equal(kept.at(-1)!.timestamp, iso(started + 1000 * 1000));
  s.add("TransactionStopped", {
    connector: 1,
    sessionId: "s",
    reason: "Local",
    timestamp: iso(s.now),
    energyWhImport: 10,
  });
  const stop = [...callsIn(s.last!.effects.frames), ...s.drain()].find((c) =>
    c.action === "StopTransaction"
  )!;
  const data = stop.payload.transactionData as MeterValue[];
  assert.ok(JSON.stringify(data).length <= MAX_TRANSACTION_DATA_CHARS);
  assert.equal(data[0].sampledValue[0].context, "Transaction.Begin");
  assert.equal(data.at(-1)!.sampledValue[0].context, "Transaction.End");
  assert.equal(data.at(-2)!.timestamp, iso(started + 1000 * 1000), "the last sample is kept");
  const times = data.map((mv) => Date.parse(mv.timestamp));
  assert.deepEqual(times, [...times].sort((a, b) => a - b), "chronological");
  assert.equal(validateCallPayload("StopTransaction", stop.payload), undefined);
});

Deno.test("armAligned / meteringConfigChanged / meterValueFor on a draft", () => {
  const d = new Draft(initialState(), "01JD0000000000000000000000", at("2026-01-01T00:07:00Z"));
  d.set({ connectors: [newConnector(0), newConnector(1)] });
  armAligned(d);
  assert.equal(d.state.timers[TIMER_ALIGNED], undefined, "interval 0: off");
  d.setConfig({ ClockAlignedDataInterval: "900" });
  meteringConfigChanged(d, "ClockAlignedDataInterval");
  assert.equal(d.state.timers[TIMER_ALIGNED], at("2026-01-01T00:15:00Z"));
  d.setConfig({ ClockAlignedDataInterval: "0" });
  meteringConfigChanged(d, "ClockAlignedDataInterval");
  assert.equal(d.state.timers[TIMER_ALIGNED], undefined);
  // The Trigger helper: the sampled measurands and the offered maximum.
  assert.equal(meterValueFor(d, 1, "Trigger"), undefined, "no measurement");
  d.setConfig({ MeterValuesSampledData: "Energy.Active.Import.Register,Current.Offered" });
  d.updateConnector(1, { measurement: FULL, maxCurrentA: 16 });
  const mv = meterValueFor(d, 1, "Trigger")!;
  assert.equal(mv.timestamp, "2026-01-01T00:07:00.000Z");
  assert.deepEqual(mv.sampledValue.map((v) => [v.measurand, v.phase, v.value, v.context]), [
    ["Energy.Active.Import.Register", undefined, "1000.00", "Trigger"],
    ["Energy.Active.Import.Register", "L1", "300.00", "Trigger"],
    ["Energy.Active.Import.Register", "L2", "300.00", "Trigger"],
    ["Energy.Active.Import.Register", "L3", "400.00", "Trigger"],
    ["Current.Offered", undefined, "16.00", "Trigger"],
  ]);
  // alignedFired without an interval (disabled meanwhile) sends nothing.
  alignedFired(d, d.now);
  assert.equal(d.state.outbox.size, 0);
});

Deno.test("fold: ChangeConfiguration of a measurand list: invalid refused with the reason noted, phases used", () => {
  const s = preamble({ MeterValueSampleInterval: "60" });
  const refused = s.add("FrameReceived", {
    text: JSON.stringify([2, "c1", "ChangeConfiguration", {
      key: "MeterValuesSampledData",
      value: "Energy.Active.Import.Register,Energy",
    }]),
  });
  assert.deepEqual(JSON.parse(refused.effects.frames[0]!), [3, "c1", { status: "Rejected" }]);
  assert.match(
    refused.effects.warnings.join("\n"),
    /MeterValuesSampledData.*unknown measurand "Energy"/,
  );
  const answer = s.csmsCall("ChangeConfiguration", {
    key: "MeterValuesSampledData",
    value: "Current.Import.L3 , SoC",
  });
  assert.deepEqual(answer.answer, { status: "Accepted" });
  assert.equal(s.state.config.MeterValuesSampledData, "Current.Import.L3,SoC");
  s.add("TransactionStarted", {
    connector: 1,
    sessionId: "s",
    idToken: "TAG",
    meterStartWh: 0,
    timestamp: iso(s.now),
  });
  s.drain();
  s.add("MeterValuesMeasured", {
    connector: 1,
    measurement: { ...FULL, powerMeter: { ...FULL.powerMeter, timestamp: iso(s.now) } },
  });
  const sent = [...callsIn(s.fire("sample:1").effects.frames), ...s.drain()];
  const [p] = meterValuesOf(sent);
  assert.deepEqual(
    (p.meterValue as MeterValue[])[0].sampledValue.map((v) => [v.measurand, v.phase, v.value]),
    [["Current.Import", "L3", "14.00"], ["SoC", undefined, "42.00"]],
  );
});

Deno.test("fold: ChangeConfiguration of ClockAlignedDataInterval arms and disarms the clock timer", () => {
  const s = preamble({});
  assert.equal(s.state.timers[TIMER_ALIGNED], undefined, "0 by default: off");
  assert.deepEqual(
    s.csmsCall("ChangeConfiguration", { key: "ClockAlignedDataInterval", value: "60" }).answer,
    { status: "Accepted" },
  );
  assert.equal(s.state.timers[TIMER_ALIGNED], nextClockBoundary(s.now, 60));
  s.csmsCall("ChangeConfiguration", { key: "ClockAlignedDataInterval", value: "0" });
  assert.equal(s.state.timers[TIMER_ALIGNED], undefined);
});

/** The meter value kept for StopTransaction, as `measurand=value` (`SignedData=…` for signed). */
function readingsOf(mv: MeterValue): string[] {
  return mv.sampledValue.map((v) => `${v.measurand ?? v.format}=${v.value}`);
}

Deno.test("fold: a sample skips a measurement taken more than one interval before it is due (periodic and clock-aligned), with a note", () => {
  const s = preamble({
    MeterValueSampleInterval: "60",
    ClockAlignedDataInterval: "900",
    HeartbeatInterval: "0",
  });
  s.add("SessionStarted", { connector: 1, sessionId: "s1", reason: "Authorized" });
  const started = s.now + 1000;
  s.add("TransactionStarted", {
    connector: 1,
    sessionId: "s1",
    idToken: "TAG",
    meterStartWh: 1000,
    timestamp: iso(started),
  }, started);
  s.drain();
  // Measured exactly one interval before the first sample is due: within its interval, sent.
  s.add("MeterValuesMeasured", { connector: 0, measurement: measurement(9000, iso(started)) });
  s.add("MeterValuesMeasured", { connector: 1, measurement: measurement(1000, iso(started)) });
  s.fire("sample:1");
  s.drain();
  assert.deepEqual(stamps(sentWith(s, "Sample.Periodic")), [iso(started + 60_000)]);
  // Nothing new for the next interval: that sample is skipped, the next one stays armed.
  const skipped = s.fire("sample:1");
  assert.match(
    skipped.effects.notes.join("\n"),
    new RegExp(
      `connector 1: latest measurement \\(${iso(started)}\\) is older than one interval ` +
        `before the sample due at ${iso(started + 120_000)}: periodic sample skipped`,
    ),
  );
  assert.deepEqual(callsIn(skipped.effects.frames), []);
  assert.equal(s.state.timers["sample:1"], started + 180_000);
  // A fresh reading: samples again, on the start's schedule.
  fireMeasured(s, "sample:1", [1], 1100);
  assert.deepEqual(stamps(sentWith(s, "Sample.Periodic")), [
    iso(started + 60_000),
    iso(started + 180_000),
  ]);
  // Clock-aligned at 00:15: connector 0 (measured at the start) is within the interval
  // 00:00–00:15; at 00:30 it is not (skipped with a note), connector 1 is measured afresh.
  fireMeasured(s, TIMER_ALIGNED, [1], 1200);
  const boundary = s.state.timers[TIMER_ALIGNED]!;
  s.add("MeterValuesMeasured", {
    connector: 1,
    measurement: measurement(1300, iso(boundary - 1000)),
  }, boundary - 1000);
  const late = s.fire(TIMER_ALIGNED);
  s.drain();
  assert.match(
    late.effects.notes.join("\n"),
    /connector 0: latest measurement .* older than one interval before the boundary 2026-01-01T00:30:00.000Z: clock-aligned sample skipped/,
  );
  assert.deepEqual(
    sentWith(s, "Sample.Clock").map((p) => [p.connectorId, stamps([p])[0]]),
    [
      [0, "2026-01-01T00:15:00.000Z"],
      [1, "2026-01-01T00:15:00.000Z"],
      [1, "2026-01-01T00:30:00.000Z"],
    ],
  );
  for (const p of meterValuesOf(callsIn(s.frames))) {
    assert.equal(validateCallPayload("MeterValues", p), undefined);
  }
  assert.deepEqual(fold(s.events).frames, s.frames, "replays to the same frames");
});

Deno.test("fold: Transaction.Begin takes no reading from before the session (the previous car), Transaction.End none from before the transaction", () => {
  const s = preamble({
    MeterValueSampleInterval: "0",
    StopTxnSampledData: "Energy.Active.Import.Register,SoC",
    HeartbeatInterval: "0",
  });
  const soc = (wh: number, percent: number): MeasurementData => ({
    powerMeter: { timestamp: iso(s.now), energyWhImport: { total: wh } },
    socPercent: { value: percent },
  });
  const start = (session: string, wh: number, at: number) =>
    s.add("TransactionStarted", {
      connector: 1,
      sessionId: session,
      idToken: "TAG",
      meterStartWh: wh,
      timestamp: iso(at),
      signedMeterValue: `OCMF|begin-${session}`,
    }, at);
  const stop = (session: string, wh: number) => {
    s.add("TransactionStopped", {
      connector: 1,
      sessionId: session,
      reason: "Local",
      timestamp: iso(s.now),
      energyWhImport: wh,
    });
    const calls = [...callsIn(s.last!.effects.frames), ...s.drain()];
    const payload = calls.find((c) => c.action === "StopTransaction")!.payload;
    assert.equal(validateCallPayload("StopTransaction", payload), undefined);
    return (payload.transactionData as MeterValue[]).map(readingsOf);
  };
  // The previous car: plugged in, SoC 80 %, unplugged without a transaction.
  s.add("SessionStarted", { connector: 1, sessionId: "old", reason: "EVConnected" });
  s.add("MeterValuesMeasured", { connector: 1, measurement: soc(500, 80) });
  s.add("SessionStopped", { connector: 1, sessionId: "old" });
  // 45 minutes later the next car starts at once, before the meter reported again: its
  // Begin and End carry the firmware's register values and the signed values, no old SoC.
  s.add(
    "SessionStarted",
    { connector: 1, sessionId: "new", reason: "Authorized" },
    s.now + 2_700_000,
  );
  start("new", 500, s.now + 1000);
  s.drain();
  s.add("TransactionStopped", {
    connector: 1,
    sessionId: "new",
    reason: "Local",
    timestamp: iso(s.now + 1000),
    energyWhImport: 510,
    signedMeterValue: "OCMF|end-new",
  }, s.now + 1000);
  const first =
    [...callsIn(s.last!.effects.frames), ...s.drain()].find((c) => c.action === "StopTransaction")!
      .payload;
  assert.equal(validateCallPayload("StopTransaction", first), undefined);
  assert.deepEqual((first.transactionData as MeterValue[]).map(readingsOf), [
    ["Energy.Active.Import.Register=500.00", "SignedData=OCMF|begin-new"],
    ["Energy.Active.Import.Register=510.00", "SignedData=OCMF|end-new"],
  ]);
  s.add("SessionStopped", { connector: 1, sessionId: "new" });
  // A session measured before its transaction: Begin takes that reading, End the latest one.
  s.add("SessionStarted", { connector: 1, sessionId: "third", reason: "EVConnected" });
  s.add("MeterValuesMeasured", { connector: 1, measurement: soc(510, 20) });
  start("third", 510, s.now + 60_000);
  s.drain();
  s.add("MeterValuesMeasured", { connector: 1, measurement: soc(9000, 60) });
  assert.deepEqual(stop("third", 9000), [
    ["Energy.Active.Import.Register=510.00", "SoC=20.00", "SignedData=OCMF|begin-third"],
    ["Energy.Active.Import.Register=9000.00", "SoC=60.00"],
  ]);
  assert.deepEqual(fold(s.events).frames, s.frames, "replays to the same frames");
});

/** The central system answers a triggered Heartbeat with a clock `aheadMs` ahead of ours. */
function correctClock(s: FoldScript, aheadMs: number): void {
  s.add("FrameReceived", {
    text: JSON.stringify([2, `hb-${s.now}`, "TriggerMessage", { requestedMessage: "Heartbeat" }]),
  });
  const call = s.state.inFlight!;
  assert.equal(call.action, "Heartbeat");
  s.add("FrameReceived", {
    text: JSON.stringify([3, call.id, { currentTime: iso(s.now + aheadMs) }]),
  }, s.now);
  assert.equal(s.state.timeOffsetMs, aheadMs);
}

Deno.test("fold: a clock offset change mid-transaction keeps periodic timestamps one interval apart and clock-aligned ones on the central system's boundaries, none twice", () => {
  const s = preamble({
    MeterValueSampleInterval: "60",
    ClockAlignedDataInterval: "300",
    HeartbeatInterval: "0",
  });
  s.add("SessionStarted", { connector: 1, sessionId: "s1", reason: "Authorized" });
  const started = s.now + 1000;
  s.add("TransactionStarted", {
    connector: 1,
    sessionId: "s1",
    idToken: "TAG",
    meterStartWh: 0,
    timestamp: iso(started),
  }, started);
  s.drain();
  const expectedClock: string[] = [];
  let periodic = 0;
  let corrected = 0;
  for (let i = 0; i < 40 && s.now < started + 1_200_000; i++) {
    const [name, due] = Object.entries(s.state.timers).filter(([n]) =>
      n === "sample:1" || n === TIMER_ALIGNED
    ).sort((a, b) =>
      a[1] - b[1]
    )[0];
    if (name === TIMER_ALIGNED) expectedClock.push(iso(due + s.state.timeOffsetMs));
    fireMeasured(s, name, [1], i);
    if (name === "sample:1" && ++periodic === 3) correctClock(s, 90_000); // 90 s ahead
    if (name === TIMER_ALIGNED && corrected++ === 1) {
      // Moved back 2 minutes right after a boundary: that boundary is not sampled again.
      const last = Date.parse(expectedClock.at(-1)!);
      correctClock(s, -30_000);
      assert.equal(s.state.timers[TIMER_ALIGNED], last + 300_000 + 30_000);
    }
  }
  assert.ok(corrected >= 3, "boundaries after both corrections");
  const times = stamps(sentWith(s, "Sample.Periodic")).map(Date.parse);
  assert.ok(times.length >= 19);
  times.forEach((t, k) => assert.equal(t, started + (k + 1) * 60_000, `sample ${k + 1}`));
  const clock = stamps(sentWith(s, "Sample.Clock"));
  assert.deepEqual(clock, expectedClock);
  for (const [k, t] of clock.entries()) {
    assert.equal(Date.parse(t) % 300_000, 0, `${t} on a boundary`);
    if (k > 0) assert.ok(t > clock[k - 1], "each boundary once, in order");
  }
  assert.deepEqual(fold(s.events).frames, s.frames, "replays to the same frames");
});

Deno.test("fold: a restart during a transaction sends Interruption.Begin (last reading before it) and Interruption.End (first after); not for a transaction that is not resumed", () => {
  const configuration = {
    MeterValueSampleInterval: "0",
    MeterValuesSampledData: "Energy.Active.Import.Register,SoC",
    StopTxnSampledData: "Energy.Active.Import.Register",
    HeartbeatInterval: "0",
  };
  const s = preamble(configuration);
  const reading = (wh: number, percent: number): MeasurementData => ({
    powerMeter: { timestamp: iso(s.now), energyWhImport: { total: wh } },
    socPercent: { value: percent },
  });
  s.add("SessionStarted", { connector: 1, sessionId: "s1", reason: "Authorized" });
  s.add("TransactionStarted", {
    connector: 1,
    sessionId: "s1",
    idToken: "TAG",
    meterStartWh: 1000,
    timestamp: iso(s.now),
  });
  s.drain();
  const before = s.now;
  s.add("MeterValuesMeasured", { connector: 1, measurement: reading(1200, 30) });
  // Power loss; five minutes later the process starts again and the session goes on.
  s.add("ChargePointStarted", { ...START_DATA, configuration }, s.now + 300_000);
  assert.equal(s.state.connectors[1].transaction?.interrupted, true);
  s.add("ConnectionOpened", { url: "ws://127.0.0.1:9000/ocpp/CP-1", protocol: "ocpp1.6" });
  s.drain();
  const after = s.now;
  s.add("MeterValuesMeasured", { connector: 1, measurement: reading(1210, 31) }, s.now + 2000);
  s.drain();
  s.add("MeterValuesMeasured", { connector: 1, measurement: reading(1300, 35) });
  s.drain();
  assert.equal(s.state.connectors[1].transaction?.interrupted, undefined);
  const interruption = [
    ...sentWith(s, "Interruption.Begin"),
    ...sentWith(s, "Interruption.End"),
  ];
  assert.deepEqual(
    interruption.map((p) => [
      p.transactionId,
      stamps([p])[0],
      readingsOf((p.meterValue as MeterValue[])[0]),
    ]),
    [
      [1, iso(before), ["Energy.Active.Import.Register=1200.00", "SoC=30.00"]],
      [1, iso(after), ["Energy.Active.Import.Register=1210.00", "SoC=31.00"]],
    ],
  );
  s.add("TransactionStopped", {
    connector: 1,
    sessionId: "s1",
    reason: "Local",
    timestamp: iso(s.now),
    energyWhImport: 1300,
  });
  const stop =
    [...callsIn(s.last!.effects.frames), ...s.drain()].find((c) => c.action === "StopTransaction")!
      .payload;
  assert.equal(validateCallPayload("StopTransaction", stop), undefined);
  assert.deepEqual(
    (stop.transactionData as MeterValue[]).map((mv) => mv.sampledValue[0].context),
    ["Transaction.Begin", "Interruption.Begin", "Interruption.End", "Transaction.End"],
  );
  for (const p of interruption) assert.equal(validateCallPayload("MeterValues", p), undefined);

  // A transaction the restart does not resume (PowerLoss): no interruption value.
  s.add("SessionStarted", { connector: 2, sessionId: "s2", reason: "Authorized" });
  s.add("TransactionStarted", {
    connector: 2,
    sessionId: "s2",
    idToken: "TAG",
    meterStartWh: 0,
    timestamp: iso(s.now),
  });
  s.drain();
  s.add("MeterValuesMeasured", { connector: 2, measurement: reading(50, 10) });
  s.add("ChargePointStarted", { ...START_DATA, configuration, resumeSessionIds: [] });
  assert.equal(s.state.connectors[2].transaction?.interrupted, undefined);
  assert.equal(
    [...s.state.outbox].filter((c) => c.action === "MeterValues").length,
    0,
    "nothing queued for the stopped transaction",
  );
  assert.deepEqual(fold(s.events).frames, s.frames, "replays to the same frames");
});

Deno.test("ChargePoint constructor: the metering keys are checked like ChangeConfiguration checks them (…MaxLength included)", () => {
  const make = (configuration: Record<string, string>) =>
    new ChargePoint({
      chargePointId: "CP-1",
      csmsUrl: "ws://127.0.0.1:9/ocpp",
      connectors: 1,
      bootNotification: { chargePointVendor: "Acme", chargePointModel: "AC22" },
      store: new MemoryEventStore(),
      configuration,
    });
  const refused = (
    configuration: Record<string, string>,
    argument: string,
    value: string,
    reason: string,
  ) =>
    assert.throws(() => make(configuration), (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError, String(error));
      assert.equal(error.code, "INVALID_ARGUMENT");
      assert.equal(error.argument, argument);
      assert.equal(error.value, value);
      assert.equal(error.message, `Invalid ${argument}: ${reason}`);
      return true;
    });
  refused(
    { MeterValuesSampledData: "SoC,Voltage,Frequency", MeterValuesSampledDataMaxLength: "2" },
    "configuration.MeterValuesSampledData",
    "SoC,Voltage,Frequency",
    "3 items, at most 2 allowed (MeterValuesSampledDataMaxLength)",
  );
  // The default list counts too: one item is more than a MaxLength of 0.
  refused(
    { MeterValuesAlignedDataMaxLength: "0" },
    "configuration.MeterValuesAlignedData",
    "Energy.Active.Import.Register",
    "1 items, at most 0 allowed (MeterValuesAlignedDataMaxLength)",
  );
  refused(
    { StopTxnSampledData: "SoC,Voltage", StopTxnSampledDataMaxLength: "1" },
    "configuration.StopTxnSampledData",
    "SoC,Voltage",
    "2 items, at most 1 allowed (StopTxnSampledDataMaxLength)",
  );
  refused(
    { StopTxnAlignedDataMaxLength: "many" },
    "configuration.StopTxnAlignedDataMaxLength",
    "many",
    "not a non-negative integer",
  );
  refused(
    { stoptxnaligneddata: "Power.Factor" },
    "configuration.StopTxnAlignedData",
    "Power.Factor",
    'measurand "Power.Factor" is not supported by this charge point',
  );
  refused(
    { metervaluesampleinterval: "-1" },
    "configuration.MeterValueSampleInterval",
    "-1",
    "not a non-negative integer",
  );
  refused(
    { ClockAlignedDataInterval: "86401" },
    "configuration.ClockAlignedDataInterval",
    "86401",
    "must be between 0 and 86400",
  );
  refused(
    { MinimumStatusDuration: "1.5" },
    "configuration.MinimumStatusDuration",
    "1.5",
    "not a non-negative integer",
  );
  // Within the limits: constructed.
  make({
    MeterValuesSampledData: "SoC,Voltage.L2",
    MeterValuesSampledDataMaxLength: "2",
    StopTxnAlignedDataMaxLength: "0",
    MinimumStatusDuration: "5",
  });
  assert.deepEqual(checkConfiguration({}, 2), undefined, "the defaults are valid");
});
