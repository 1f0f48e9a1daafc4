/**
 * Metering against real central systems on 127.0.0.1, time driven by a manual clock that starts
 * off a boundary (00:07:00 UTC): periodic values exactly one sample interval apart from the
 * transaction start, clock-aligned values exactly on the boundaries for every connector with a
 * measurement (also connector 0 and outside transactions), only the configured measurands and
 * phases, StopTransaction's transactionData, and an outage during which everything is queued and
 * then delivered in order, with the original timestamps and the real transactionId. Every frame
 * validates against the official OCPP 1.6 schemas and the log replays to the frames sent.
 *
 * The central systems answer `currentTime` from the manual clock, so the charge point's clock
 * offset stays 0 and the expected timestamps are exact.
 */
import assert from "node:assert/strict";
import { RpcCsms } from "../support/rpc_csms.ts";
import { ScriptedCsms } from "../support/scripted_csms.ts";
import { assertReplays, type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import { ManualClock } from "../../core/clock.ts";
import type { MeterValue, SampledValue } from "../../core/meter_values.ts";
import type { Logger } from "../../core/logger.ts";

type Params = Record<string, unknown>;

const START = Date.parse("2026-01-01T00:07:00Z");
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const NO_JITTER = {
  RetryBackoffWaitMinimum: "3",
  RetryBackoffRandomRange: "0",
  RetryBackoffRepeatTimes: "2",
};

/** Everything sent is delivered and answered. */
function delivered(h: Harness): () => boolean {
  return () => h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0;
}

/**
 * Moves the clock to `target` from timer to timer; after each step `feed` reports new
 * measurements and `settled` must hold (e.g. every CALL answered over real I/O before the clock
 * can pass its 30 s response timeout).
 */
async function runTo(
  h: Harness,
  target: number,
  settled: () => boolean,
  feed: () => void = () => {},
): Promise<void> {
  for (let i = 0; i < 10_000 && h.clock.now() < target; i++) {
    await until(settled, `settled at ${iso(h.clock.now())}`);
    const now = h.clock.now();
    const dues = Object.values(h.cp.state.timers).filter((t) => t > now);
    await h.clock.advance(Math.min(target, ...dues) - now);
    feed();
  }
  await until(settled, `settled at ${iso(h.clock.now())}`);
  assert.equal(h.clock.now(), target);
}

/** Energy 1 Wh per second since START, per phase a third; every source of an AC meter. */
function reading(h: Harness, connector: number, base: number): void {
  const t = h.clock.now();
  const wh = base + (t - START) / 1000;
  h.cp.onMeterValues(connector, {
    powerMeter: {
      timestamp: new Date(t),
      energyWhImport: { total: wh, L1: wh / 3, L2: wh / 3, L3: wh / 3 },
      powerW: { total: 3600, L1: 1200, L2: 1200, L3: 1200 },
      currentA: { L1: 5.2, L2: 5.2, L3: 5.2, N: 0.1 },
      voltageV: { L1: 230, L2: 231, L3: 229 },
      frequencyHz: { L1: 50 },
    },
    socPercent: { value: 40 + (t - START) / MIN },
  });
}

function meterValue(p: Params): MeterValue {
  const list = p.meterValue as MeterValue[];
  assert.equal(list.length, 1);
  return list[0]!;
}

function readings(mv: MeterValue): string[] {
  return mv.sampledValue.map((v: SampledValue) => `${v.measurand}${v.phase ? "." + v.phase : ""}`);
}

Deno.test("sampled and clock-aligned meter values over a whole transaction (ocpp-rpc strict)", async () => {
  await using csms = await RpcCsms.start();
  const clock = new ManualClock(START);
  const h = makeChargePoint(csms.url, {
    clock,
    configuration: {
      MeterValueSampleInterval: "240",
      ClockAlignedDataInterval: "900",
      // Temperature: configured, but this meter has none → never sent (not as zero).
      MeterValuesSampledData:
        "Energy.Active.Import.Register,Power.Active.Import,Current.Import.L1,SoC,Temperature",
      MeterValuesAlignedData: "Energy.Active.Import.Register,Voltage",
      StopTxnSampledData: "Energy.Active.Import.Register",
      StopTxnAlignedData: "Energy.Active.Import.Register",
      WebSocketPingInterval: "0",
    },
  });
  const now = () => iso(clock.now());
  csms.respond(
    "BootNotification",
    () => ({ status: "Accepted", currentTime: now(), interval: 86_400 }),
  );
  csms.respond("Heartbeat", () => ({ currentTime: now() }));
  const cp = h.cp;
  const feed = () => {
    reading(h, 0, 100_000);
    reading(h, 1, 1000);
  };

  await cp.start();
  await csms.waitFor("StatusNotification", 3);
  feed();
  await runTo(h, START + 30_000, delivered(h), feed);
  const txStart = clock.now(); // 00:07:30
  cp.onSessionStarted(1, "s-1", "Authorized");
  cp.onTransactionStarted(1, "s-1", "TAG-0001", 1030, undefined, new Date(txStart));
  cp.onResumeCharging(1);
  await csms.waitFor("StartTransaction", 1);
  await until(delivered(h), "StartTransaction answered");

  const txStop = Date.parse("2026-01-01T00:47:10Z");
  await runTo(h, txStop, delivered(h), feed);
  cp.onTransactionStopped(1, "s-1", "Local", new Date(txStop), 1000 + (txStop - START) / 1000);
  await csms.waitFor("StopTransaction", 1);
  cp.onSessionStopped(1, "s-1");
  // After the transaction, connector 1 is still metered on the clock, without transactionId.
  await runTo(h, Date.parse("2026-01-01T01:00:30Z"), delivered(h), feed);
  await cp.stop();

  const meterValues = csms.received.filter((c) => c.action === "MeterValues").map((c) =>
    c.params as Params
  );
  const periodic = meterValues.filter((p) =>
    meterValue(p).sampledValue.every((v) => v.context === "Sample.Periodic")
  );
  const clocked = meterValues.filter((p) =>
    meterValue(p).sampledValue.every((v) => v.context === "Sample.Clock")
  );
  assert.equal(periodic.length + clocked.length, meterValues.length, "one context per message");

  // Periodic: every 240 s from the start, 00:11:30 … 00:43:30, all with the transactionId.
  const expectedPeriodic = Array.from({ length: 9 }, (_, k) => iso(txStart + (k + 1) * 240_000));
  assert.deepEqual(periodic.map((p) => meterValue(p).timestamp), expectedPeriodic);
  assert.ok(periodic.every((p) => p.connectorId === 1 && p.transactionId === 1));
  for (const p of periodic) {
    assert.deepEqual(readings(meterValue(p)), [
      "Energy.Active.Import.Register",
      "Energy.Active.Import.Register.L1",
      "Energy.Active.Import.Register.L2",
      "Energy.Active.Import.Register.L3",
      "Power.Active.Import",
      "Power.Active.Import.L1",
      "Power.Active.Import.L2",
      "Power.Active.Import.L3",
      "Current.Import.L1",
      "SoC",
    ]);
  }
  const energies = periodic.map((p) => Number(meterValue(p).sampledValue[0]!.value));
  assert.ok(energies.every((e, i) => i === 0 || e > energies[i - 1]!), "the register grows");

  // Clock-aligned: exactly on :15/:30/:45/:00 for connectors 0 and 1 (connector 2 has no meter).
  assert.deepEqual(
    clocked.map((p) => [meterValue(p).timestamp.slice(11, 19), p.connectorId, p.transactionId]),
    [
      ["00:15:00", 0, undefined],
      ["00:15:00", 1, 1],
      ["00:30:00", 0, undefined],
      ["00:30:00", 1, 1],
      ["00:45:00", 0, undefined],
      ["00:45:00", 1, 1],
      ["01:00:00", 0, undefined],
      ["01:00:00", 1, undefined],
    ],
  );
  for (const p of clocked) {
    assert.deepEqual(readings(meterValue(p)), [
      "Energy.Active.Import.Register",
      "Energy.Active.Import.Register.L1",
      "Energy.Active.Import.Register.L2",
      "Energy.Active.Import.Register.L3",
      "Voltage.L1",
      "Voltage.L2",
      "Voltage.L3",
    ]);
  }

  // StopTransaction: Begin, the periodic and clock-aligned energy register in time order, End.
  const stop = csms.received.find((c) => c.action === "StopTransaction")?.params as Params;
  assert.equal(stop.transactionId, 1);
  const data = stop.transactionData as MeterValue[];
  const summary = data.map((mv) => [mv.timestamp.slice(11, 19), mv.sampledValue[0]!.context]);
  const expected: [string, string][] = [["00:07:30", "Transaction.Begin"]];
  for (
    const t of [
      ...expectedPeriodic,
      "2026-01-01T00:15:00.000Z",
      "2026-01-01T00:30:00.000Z",
      "2026-01-01T00:45:00.000Z",
    ].sort()
  ) {
    expected.push([t.slice(11, 19), t.endsWith(":30.000Z") ? "Sample.Periodic" : "Sample.Clock"]);
  }
  expected.push(["00:47:10", "Transaction.End"]);
  assert.deepEqual(summary, expected);
  assert.ok(
    data.every((mv) =>
      mv.sampledValue.every((v) => v.measurand === "Energy.Active.Import.Register")
    ),
    "StopTxn*Data: only the energy register",
  );
  assert.equal(data[0]!.sampledValue[0]!.value, "1030.00", "Transaction.Begin = meterStart");
  assert.equal(data.at(-1)!.sampledValue[0]!.value, `${1000 + (txStop - START) / 1000}.00`);

  for (const call of csms.received) {
    assert.equal(call.validationError, undefined, `${call.action} rejected by ocpp-rpc strict`);
  }
  assertAllValid(csms.frames);
  assertReplays(h);
});

Deno.test("outage: queued meter values keep their timestamps and order and get the real transactionId", async () => {
  const clock = new ManualClock(START);
  const now = () => iso(clock.now());
  const bootAnswer = () => ({ status: "Accepted", currentTime: now(), interval: 86_400 });
  const csms = await ScriptedCsms.start();
  const port = csms.port;
  csms.respond("BootNotification", bootAnswer);
  const h = makeChargePoint(csms.url, {
    clock,
    configuration: {
      ...NO_JITTER,
      MeterValueSampleInterval: "60",
      ClockAlignedDataInterval: "300",
      MeterValuesSampledData: "Energy.Active.Import.Register,Power.Active.Import",
      MeterValuesAlignedData: "Energy.Active.Import.Register",
      StopTxnSampledData: "Energy.Active.Import.Register",
      WebSocketPingInterval: "0",
    },
  });
  const feed = () => {
    reading(h, 0, 100_000);
    reading(h, 1, 1000);
  };
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  feed();

  await csms.stop(); // the central system goes away
  await until(() => h.cp.state.link === "Disconnected", "link down");
  // Offline: the transaction starts and runs 12 minutes; everything is queued.
  const txStart = clock.now();
  h.cp.onSessionStarted(1, "s-1", "Authorized");
  h.cp.onTransactionStarted(1, "s-1", "TAG-0001", 1000, undefined, new Date(txStart));
  h.cp.onResumeCharging(1);
  await runTo(h, START + 12 * MIN, () => h.cp.state.link !== "Connecting", feed);
  const queued = [...h.cp.state.outbox].filter((c) => c.action === "MeterValues").map((c) =>
    c.payload
  );
  // 12 periodic (00:08 … 00:19) + 2 boundaries (00:10, 00:15) × 2 connectors.
  assert.equal(queued.length, 12 + 4);
  assert.ok(queued.every((p) => !("transactionId" in p)), "the transactionId is not known yet");

  await using back = await ScriptedCsms.start({ port });
  back.respond("BootNotification", bootAnswer);
  back.respond("StartTransaction", { transactionId: 4711, idTagInfo: { status: "Accepted" } });
  // The next reconnect attempt is at most 12 s away (backoff capped); then the queue drains.
  for (let i = 0; i < 13 && h.cp.state.link !== "Open"; i++) {
    await clock.advance(1000);
    feed();
    await until(() => h.cp.state.link !== "Connecting", "connection attempt done");
  }
  assert.equal(h.cp.state.link, "Open");
  // The backlog is flushed at most MessageQueueFlushRate (10) messages per second.
  for (let i = 0; i < 5 && !delivered(h)(); i++) {
    await until(() => delivered(h)() || "retry" in h.cp.state.timers, "backlog window sent");
    if (!delivered(h)()) await clock.advance(1000);
  }
  await until(delivered(h), "queue delivered");

  const calls = back.received.filter((c) =>
    c.action === "StartTransaction" || c.action === "MeterValues"
  );
  assert.equal(calls[0]!.action, "StartTransaction", "the start first");
  const delivered_ = calls.slice(1).map((c) => c.params as Params);
  assert.ok(delivered_.length >= queued.length);
  // Same values, same order, same timestamps; the real transactionId filled in on connector 1.
  assert.deepEqual(
    delivered_.slice(0, queued.length).map(({ transactionId: _, ...rest }) => rest),
    queued,
  );
  for (const p of delivered_) {
    assert.equal(p.transactionId, p.connectorId === 1 ? 4711 : undefined);
  }
  const stamps1 = delivered_.filter((p) => p.connectorId === 1).map((p) =>
    Date.parse(meterValue(p).timestamp)
  );
  assert.deepEqual(stamps1, [...stamps1].sort((a, b) => a - b), "in time order");
  const periodic = delivered_.filter((p) =>
    meterValue(p).sampledValue[0]!.context === "Sample.Periodic"
  ).map((p) => Date.parse(meterValue(p).timestamp));
  periodic.forEach((t, k) => assert.equal(t, txStart + (k + 1) * MIN, "one interval apart"));
  const clockStamps = delivered_.filter((p) =>
    meterValue(p).sampledValue[0]!.context === "Sample.Clock"
  ).map((p) => meterValue(p).timestamp.slice(11, 19));
  assert.deepEqual(clockStamps.slice(0, 4), ["00:10:00", "00:10:00", "00:15:00", "00:15:00"]);

  // Online again: the stop carries the real id and the offline samples in its transactionData.
  const txStop = clock.now();
  h.cp.onTransactionStopped(1, "s-1", "Local", new Date(txStop), 1000 + (txStop - START) / 1000);
  await back.waitFor("StopTransaction", 1);
  await until(delivered(h), "StopTransaction answered");
  await h.cp.stop();
  const stop = back.received.find((c) => c.action === "StopTransaction")!.params as Params;
  assert.equal(stop.transactionId, 4711);
  const data = stop.transactionData as MeterValue[];
  assert.equal(data[0]!.sampledValue[0]!.context, "Transaction.Begin");
  assert.equal(data.at(-1)!.sampledValue[0]!.context, "Transaction.End");
  assert.deepEqual(
    data.slice(1, -1).map((mv) => Date.parse(mv.timestamp)),
    periodic.filter((t) => t < txStop),
    "the periodic register values of the whole transaction",
  );

  assertAllValid(csms.frames);
  assertAllValid(back.frames);
  assertReplays(h);
});

/** A logger that keeps the lines logged at warn level. */
function warnings(lines: string[]): Logger {
  const ignore = () => {};
  return { debug: ignore, info: ignore, warn: (m) => void lines.push(m), error: ignore };
}

Deno.test("ChangeConfiguration of the metering keys: invalid values and lists beyond …MaxLength are Rejected end to end, each reason logged at warn", async () => {
  await using csms = await RpcCsms.start();
  const lines: string[] = [];
  const h = makeChargePoint(csms.url, {
    logger: warnings(lines),
    configuration: {
      MeterValuesSampledDataMaxLength: "3",
      MeterValuesAlignedDataMaxLength: "2",
      StopTxnSampledDataMaxLength: "2",
      StopTxnAlignedDataMaxLength: "1",
      WebSocketPingInterval: "0",
    },
  });
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  const before = { ...h.cp.state.config };
  const cases: [string, string, string][] = [
    ["MeterValueSampleInterval", "-1", "not a non-negative integer"],
    ["MeterValueSampleInterval", "abc", "not a non-negative integer"],
    ["ClockAlignedDataInterval", "86401", "must be between 0 and 86400"],
    ["ClockAlignedDataInterval", "1.5", "not a non-negative integer"],
    [
      "MeterValuesSampledData",
      "Power.Factor",
      'measurand "Power.Factor" is not supported by this charge point',
    ],
    [
      "MeterValuesSampledData",
      "Voltage.L1-N",
      "phase L1-N of Voltage is not supported by this charge point (L1, L2, L3)",
    ],
    [
      "MeterValuesAlignedData",
      "Energy.Active.Import.Register,Energy",
      'unknown measurand "Energy"',
    ],
    ["StopTxnSampledData", "SoC,,Voltage", "empty item in measurand list"],
    [
      "StopTxnAlignedData",
      "Current.Export",
      'measurand "Current.Export" is not supported by this charge point',
    ],
    [
      "MeterValuesSampledData",
      "SoC,Voltage,Frequency,Temperature",
      "4 items, at most 3 allowed (MeterValuesSampledDataMaxLength)",
    ],
    [
      "MeterValuesAlignedData",
      "SoC,Voltage,Frequency",
      "3 items, at most 2 allowed (MeterValuesAlignedDataMaxLength)",
    ],
    [
      "StopTxnSampledData",
      "SoC,Voltage,RPM",
      "3 items, at most 2 allowed (StopTxnSampledDataMaxLength)",
    ],
    [
      "StopTxnAlignedData",
      "SoC,Voltage",
      "2 items, at most 1 allowed (StopTxnAlignedDataMaxLength)",
    ],
  ];
  for (const [key, value] of cases) {
    assert.deepEqual(
      await csms.call("CP-1", "ChangeConfiguration", { key, value }),
      { status: "Rejected" },
      `${key}=${value}`,
    );
  }
  assert.deepEqual(
    await csms.call("CP-1", "ChangeConfiguration", {
      key: "MeterValuesSampledDataMaxLength",
      value: "10",
    }),
    { status: "Rejected" },
  );
  assert.deepEqual(h.cp.state.config, before, "nothing changed");
  assert.deepEqual(lines, [
    ...cases.map(([key, value, reason]) =>
      `ChangeConfiguration ${key}=${JSON.stringify(value)} rejected: ${reason}`
    ),
    "ChangeConfiguration MeterValuesSampledDataMaxLength rejected: read-only",
  ]);
  // At the limits: accepted.
  for (
    const [key, value] of [
      ["MeterValuesSampledData", "SoC,Voltage,Frequency"],
      ["StopTxnAlignedData", "Energy.Active.Import.Register"],
      ["ClockAlignedDataInterval", "86400"],
    ]
  ) {
    assert.deepEqual(
      await csms.call("CP-1", "ChangeConfiguration", { key, value }),
      { status: "Accepted" },
      `${key}=${value}`,
    );
  }
  await h.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h);
});

Deno.test("on the wire: signed Transaction.Begin/End values in StopTransaction, every reading with its phase, location and unit, exported power positive (ocpp-rpc strict)", async () => {
  await using csms = await RpcCsms.start();
  const clock = new ManualClock(START);
  const now = () => iso(clock.now());
  csms.respond(
    "BootNotification",
    () => ({ status: "Accepted", currentTime: now(), interval: 86_400 }),
  );
  const h = makeChargePoint(csms.url, {
    clock,
    configuration: {
      MeterValueSampleInterval: "60",
      MeterValuesSampledData: "Energy.Active.Import.Register,Energy.Active.Export.Register," +
        "Power.Active.Import,Power.Active.Export,Voltage,Frequency,SoC,Temperature,RPM",
      StopTxnSampledData: "Energy.Active.Export.Register,SoC",
      WebSocketPingInterval: "0",
    },
  });
  const cp = h.cp;
  /** A DC-coupled V2G charger feeding back on L1 and L3 while L2 still draws. */
  const measure = (exportWh: number, soc: number) =>
    cp.onMeterValues(1, {
      powerMeter: {
        timestamp: new Date(clock.now()),
        energyWhImport: { total: 5000 },
        energyWhExport: { total: exportWh, L1: exportWh / 2, L3: exportWh / 2 },
        powerW: { total: -6400, L1: -3800, L2: 1200, L3: -3800 },
        voltageV: { L1: 230.1, L2: 229.5, L3: 231 },
        frequencyHz: { L1: 50.01, L2: 50, L3: 49.99 },
      },
      socPercent: { value: soc },
      temperatureC: [{ value: 41.5, location: "Body" }, { value: 28, location: "cable" }],
      rpm: { value: 1800, location: "Inlet" },
    });

  await cp.start();
  await csms.waitFor("StatusNotification", 3);
  await until(delivered(h), "booted");
  cp.onSessionStarted(1, "s-1", "Authorized");
  measure(100, 80);
  const begin = 'OCMF|{"RD":[{"RV":5.000,"ST":"G"}]}|{"SA":"ECDSA-secp256r1-SHA256"}';
  cp.onTransactionStarted(1, "s-1", "TAG-0001", 5000, undefined, new Date(clock.now()), begin);
  await csms.waitFor("StartTransaction", 1);
  await until(delivered(h), "StartTransaction answered");
  await clock.advance(59_000);
  measure(110, 79);
  await clock.advance(1_000);
  await csms.waitFor("MeterValues", 1);
  await until(delivered(h), "MeterValues answered");
  const sampled = meterValue(
    csms.received.find((c) => c.action === "MeterValues")!.params as Params,
  );
  assert.deepEqual(
    sampled.sampledValue.map((v) => [v.measurand, v.phase, v.value, v.unit, v.location]),
    [
      ["Energy.Active.Import.Register", undefined, "5000.00", "Wh", "Outlet"],
      ["Energy.Active.Export.Register", undefined, "110.00", "Wh", undefined],
      ["Energy.Active.Export.Register", "L1", "55.00", "Wh", undefined],
      ["Energy.Active.Export.Register", "L3", "55.00", "Wh", undefined],
      ["Power.Active.Import", undefined, "0.00", "W", "Outlet"],
      ["Power.Active.Import", "L1", "0.00", "W", "Outlet"],
      ["Power.Active.Import", "L2", "1200.00", "W", "Outlet"],
      ["Power.Active.Import", "L3", "0.00", "W", "Outlet"],
      ["Power.Active.Export", undefined, "6400.00", "W", "Outlet"],
      ["Power.Active.Export", "L1", "3800.00", "W", "Outlet"],
      ["Power.Active.Export", "L2", "0.00", "W", "Outlet"],
      ["Power.Active.Export", "L3", "3800.00", "W", "Outlet"],
      ["Voltage", "L1", "230.10", "V", "Outlet"],
      ["Voltage", "L2", "229.50", "V", "Outlet"],
      ["Voltage", "L3", "231.00", "V", "Outlet"],
      ["Frequency", "L1", "50.01", undefined, undefined],
      ["Frequency", "L2", "50.00", undefined, undefined],
      ["Frequency", "L3", "49.99", undefined, undefined],
      ["SoC", undefined, "79.00", "Percent", "EV"],
      ["Temperature", undefined, "41.50", "Celsius", "Body"],
      ["Temperature", undefined, "28.00", "Celsius", "Cable"],
      ["RPM", undefined, "1800.00", undefined, "Inlet"],
    ],
  );
  assert.ok(sampled.sampledValue.every((v) => v.context === "Sample.Periodic"));

  await clock.advance(20_000);
  measure(140, 78);
  const end = 'OCMF|{"RD":[{"RV":5.000,"ST":"G"},{"RV":4.860}]}|{"SD":"3045"}';
  cp.onTransactionStopped(1, "s-1", "EVDisconnected", new Date(clock.now()), 5000, undefined, end);
  await csms.waitFor("StopTransaction", 1);
  await until(delivered(h), "StopTransaction answered");
  await cp.stop();

  const stop = csms.received.find((c) => c.action === "StopTransaction")!.params as Params;
  const data = stop.transactionData as MeterValue[];
  const rows = (mv: MeterValue) =>
    mv.sampledValue.map((v) => [v.context, v.format, v.measurand, v.phase, v.value]);
  assert.deepEqual(rows(data[0]!), [
    ["Transaction.Begin", "Raw", "Energy.Active.Export.Register", undefined, "100.00"],
    ["Transaction.Begin", "Raw", "Energy.Active.Export.Register", "L1", "50.00"],
    ["Transaction.Begin", "Raw", "Energy.Active.Export.Register", "L3", "50.00"],
    ["Transaction.Begin", "Raw", "SoC", undefined, "80.00"],
    ["Transaction.Begin", "SignedData", undefined, undefined, begin],
  ]);
  assert.equal(data[1]!.sampledValue[0]!.context, "Sample.Periodic");
  assert.deepEqual(rows(data.at(-1)!), [
    ["Transaction.End", "Raw", "Energy.Active.Export.Register", undefined, "140.00"],
    ["Transaction.End", "Raw", "Energy.Active.Export.Register", "L1", "70.00"],
    ["Transaction.End", "Raw", "Energy.Active.Export.Register", "L3", "70.00"],
    ["Transaction.End", "Raw", "SoC", undefined, "78.00"],
    ["Transaction.End", "SignedData", undefined, undefined, end],
  ]);
  assert.equal(data.length, 3);
  for (const call of csms.received) {
    assert.equal(call.validationError, undefined, `${call.action} rejected by ocpp-rpc strict`);
  }
  assertAllValid(csms.frames);
  assertReplays(h);
});

Deno.test("restart mid-transaction: a new process on the same store resumes the periodic samples on the start's grid, one interval apart, with Interruption.Begin/End values", async () => {
  await using csms = await RpcCsms.start();
  const clock = new ManualClock(START);
  const now = () => iso(clock.now());
  csms.respond(
    "BootNotification",
    () => ({ status: "Accepted", currentTime: now(), interval: 86_400 }),
  );
  const configuration = {
    MeterValueSampleInterval: "60",
    MeterValuesSampledData: "Energy.Active.Import.Register,SoC",
    StopTxnSampledData: "Energy.Active.Import.Register",
    WebSocketPingInterval: "0",
  };
  const first = makeChargePoint(csms.url, { clock, configuration });
  await first.cp.start();
  await csms.waitFor("StatusNotification", 3);
  await until(delivered(first), "booted");
  first.cp.onSessionStarted(1, "s-1", "Authorized");
  reading(first, 1, 1000);
  const txStart = clock.now();
  first.cp.onTransactionStarted(1, "s-1", "TAG-0001", 1000, undefined, new Date(txStart));
  first.cp.onResumeCharging(1);
  await csms.waitFor("StartTransaction", 1);
  await runTo(first, txStart + 150_000, delivered(first), () => reading(first, 1, 1000));
  const lastBefore = clock.now(); // the last reading of the first process
  await first.cp.stop(); // the power goes

  await clock.advance(100_000); // down for 100 s: the samples due at 180 s and 240 s are missed
  const second = makeChargePoint(csms.url, { clock, configuration, store: first.store });
  await second.cp.start(); // the firmware continues every session (no resumeSessionIds)
  await csms.waitFor("StatusNotification", 6);
  await until(delivered(second), "booted again, Interruption.Begin sent");
  const firstAfter = clock.now();
  reading(second, 1, 1000);
  await runTo(second, txStart + 400_000, delivered(second), () => reading(second, 1, 1000));
  const txStop = clock.now();
  second.cp.onTransactionStopped(1, "s-1", "Local", new Date(txStop), 1400);
  await csms.waitFor("StopTransaction", 1);
  await until(delivered(second), "StopTransaction answered");
  await second.cp.stop();

  const meterValues = csms.received.filter((c) => c.action === "MeterValues").map((c) =>
    c.params as Params
  );
  assert.ok(meterValues.every((p) => p.transactionId === 1 && p.connectorId === 1));
  const byContext = (context: string) =>
    meterValues.filter((p) => meterValue(p).sampledValue[0]!.context === context).map((p) =>
      meterValue(p).timestamp
    );
  assert.deepEqual(
    byContext("Sample.Periodic"),
    [60_000, 120_000, 300_000, 360_000].map((ms) => iso(txStart + ms)),
    "the start's grid: missed ones skipped, then one interval apart again",
  );
  assert.deepEqual(byContext("Interruption.Begin"), [iso(lastBefore)]);
  assert.deepEqual(byContext("Interruption.End"), [iso(firstAfter)]);
  const [interruptedAt] = meterValues.filter((p) =>
    meterValue(p).sampledValue[0]!.context === "Interruption.Begin"
  );
  assert.deepEqual(readings(meterValue(interruptedAt!)), [
    "Energy.Active.Import.Register",
    "Energy.Active.Import.Register.L1",
    "Energy.Active.Import.Register.L2",
    "Energy.Active.Import.Register.L3",
    "SoC",
  ]);
  const stop = csms.received.find((c) => c.action === "StopTransaction")!.params as Params;
  assert.deepEqual(
    (stop.transactionData as MeterValue[]).map((mv) => [
      mv.sampledValue[0]!.context,
      mv.timestamp,
    ]),
    [
      ["Transaction.Begin", iso(txStart)],
      ["Sample.Periodic", iso(txStart + 60_000)],
      ["Sample.Periodic", iso(txStart + 120_000)],
      ["Interruption.Begin", iso(lastBefore)],
      ["Interruption.End", iso(firstAfter)],
      ["Sample.Periodic", iso(txStart + 300_000)],
      ["Sample.Periodic", iso(txStart + 360_000)],
      ["Transaction.End", iso(txStop)],
    ],
  );
  for (const call of csms.received) {
    assert.equal(call.validationError, undefined, `${call.action} rejected by ocpp-rpc strict`);
  }
  assertAllValid(csms.frames);
  assertReplays(second, { before: [first] });
});

Deno.test("TriggerMessage MeterValues while the StartTransaction is unanswered: sent behind it, with the transactionId of its answer", async () => {
  await using csms = await ScriptedCsms.start();
  const clock = new ManualClock(START);
  let release: () => void = () => {};
  const answered = new Promise<void>((resolve) => release = resolve);
  csms.respond("StartTransaction", async () => {
    await answered;
    return { transactionId: 77, idTagInfo: { status: "Accepted" } };
  });
  const h = makeChargePoint(csms.url, {
    clock,
    configuration: {
      MeterValueSampleInterval: "0",
      MeterValuesSampledData: "Energy.Active.Import.Register,SoC",
      WebSocketPingInterval: "0",
    },
  });
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  await until(delivered(h), "booted");
  h.cp.onSessionStarted(1, "s-1", "Authorized");
  h.cp.onTransactionStarted(1, "s-1", "TAG-0001", 1000, undefined, new Date(clock.now()));
  reading(h, 1, 1000);
  await csms.waitFor("StartTransaction", 1);
  assert.deepEqual(
    await csms.call("TriggerMessage", { requestedMessage: "MeterValues", connectorId: 1 }),
    { status: "Accepted" },
  );
  assert.equal(csms.received.filter((c) => c.action === "MeterValues").length, 0);
  release();
  await csms.waitFor("MeterValues", 1);
  await until(delivered(h), "MeterValues answered");
  await h.cp.stop();
  const triggered = csms.received.find((c) => c.action === "MeterValues")!.params as Params;
  assert.deepEqual(Object.keys(triggered), ["connectorId", "transactionId", "meterValue"]);
  assert.equal(triggered.transactionId, 77);
  assert.deepEqual(
    meterValue(triggered).sampledValue.map((v) => [v.context, v.measurand]),
    [
      ["Trigger", "Energy.Active.Import.Register"],
      ["Trigger", "Energy.Active.Import.Register"],
      ["Trigger", "Energy.Active.Import.Register"],
      ["Trigger", "Energy.Active.Import.Register"],
      ["Trigger", "SoC"],
    ],
  );
  assertAllValid(csms.frames);
  assertReplays(h);
});
