import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { z } from "../../core/deps.ts";
import {
  type ErrorInfo,
  errorInfoSchema,
  type Measurement,
  type MeasurementData,
  measurementSchema,
  phasesSchema,
} from "../../events/measurement.ts";

/** Parses and returns the human-readable error, failing if parsing succeeded. */
function rejection(schema: z.ZodType, input: unknown): string {
  const r = schema.safeParse(input);
  ok(!r.success, `expected rejection of ${JSON.stringify(input)}`);
  return z.prettifyError(r.error);
}

const pm = (extra: Record<string, unknown> = {}) => ({
  powerMeter: { timestamp: "2026-03-01T12:00:00Z", energyWhImport: { total: 1000 }, ...extra },
});

Deno.test("measurement: minimal valid, timestamp normalised to ISO UTC with millis", () => {
  const m = measurementSchema.parse(pm());
  deepStrictEqual(m, {
    powerMeter: { timestamp: "2026-03-01T12:00:00.000Z", energyWhImport: { total: 1000 } },
  });
});

Deno.test("measurement: full valid measurement keeps every field", () => {
  const input: Measurement = {
    powerMeter: {
      timestamp: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)),
      energyWhImport: { total: 1500.5, L1: 500, L2: 500.25, L3: 500.25 },
      meterId: "M-1",
      phaseSeqError: false,
      energyWhExport: { total: 0, L1: 0 },
      powerW: { total: -7200, L1: -2400, L2: -2400, L3: -2400 },
      voltageV: { DC: 400, L1: 230, L2: 231, L3: 229 },
      var: { total: 10, VARphA: 3, VARphB: 3, VARphC: 4 },
      currentA: { DC: 10, L1: 16, L2: 16, L3: 16, N: 0.5 },
      frequencyHz: { L1: 50, L2: 50.01, L3: 49.99 },
    },
    socPercent: { value: 55.5, location: "EV" },
    temperatureC: [{ value: 41, location: "Body" }, { value: -5 }],
    rpm: { value: 1200 },
  };
  const out: MeasurementData = measurementSchema.parse(input);
  deepStrictEqual(out, {
    ...input,
    powerMeter: { ...input.powerMeter, timestamp: "2026-01-02T03:04:05.678Z" },
  });
});

Deno.test("measurement: Date and offset timestamps are normalised to the same UTC instant", () => {
  const forms = [
    "2026-06-30T23:30:00Z",
    "2026-07-01T01:30:00+02:00",
    "2026-06-30T18:30:00-05:00",
    "2026-06-30T23:30:00.000Z",
    new Date("2026-06-30T23:30:00Z"),
  ];
  for (const timestamp of forms) {
    const m = measurementSchema.parse({ powerMeter: { timestamp, energyWhImport: { total: 0 } } });
    strictEqual(m.powerMeter.timestamp, "2026-06-30T23:30:00.000Z", String(timestamp));
  }
  // sub-millisecond digits are cut to milliseconds
  strictEqual(
    measurementSchema.parse(pm({ timestamp: "2026-01-01T00:00:00.123456+00:00" })).powerMeter
      .timestamp,
    "2026-01-01T00:00:00.123Z",
  );
});

Deno.test("measurement: bad timestamps are rejected with a clear message", () => {
  for (
    const timestamp of [
      "2026-01-01", // date only
      "2026-01-01T00:00:00", // no offset (local time is ambiguous)
      "2026-01-01T00:00Z", // no seconds
      "2026-02-30T00:00:00Z", // impossible day
      "yesterday",
      "",
      1767225600000, // epoch millis
      new Date(NaN),
      new Date(8.64e15), // year 275760: not representable in RFC 3339
      null,
    ]
  ) {
    const msg = rejection(measurementSchema, pm({ timestamp }));
    match(msg, /timestamp/, String(timestamp));
  }
  match(rejection(measurementSchema, pm({ timestamp: "soon" })), /RFC 3339/);
});

Deno.test("measurement: negative energy registers are invalid (import, export, phases)", () => {
  for (
    const extra of [
      { energyWhImport: { total: -1 } },
      { energyWhImport: { total: 1, L2: -0.5 } },
      { energyWhExport: { total: -10 } },
      { energyWhExport: { total: 10, L3: -1 } },
    ]
  ) {
    match(rejection(measurementSchema, pm(extra)), /energy register cannot be negative/);
  }
  // zero is fine, negative power is fine (export)
  ok(
    measurementSchema.safeParse(pm({ energyWhImport: { total: 0 }, powerW: { total: -1 } }))
      .success,
  );
});

Deno.test("measurement: unknown keys are rejected, naming the key and the allowed keys", () => {
  const msg = rejection(measurementSchema, {
    powerMeter: { timestamp: "2026-01-01T00:00:00Z", enrgyWhImport: { total: 1 } },
  });
  match(msg, /unknown key "enrgyWhImport"/);
  match(msg, /allowed: timestamp, energyWhImport/);
  match(rejection(measurementSchema, { ...pm(), soc: { value: 1 } }), /unknown key "soc"/);
  match(rejection(measurementSchema, pm({ powerW: { total: 1, l1: 2 } })), /unknown key "l1"/);
  match(
    rejection(measurementSchema, pm({ currentA: { L1: 1, L4: 2, X: 3 } })),
    /unknown keys "L4", "X"/,
  );
  match(
    rejection(measurementSchema, { ...pm(), temperatureC: [{ value: 1, loc: "Body" }] }),
    /unknown key "loc"/,
  );
});

Deno.test("measurement: wrong types and non-finite numbers are rejected", () => {
  const bad: unknown[] = [
    undefined,
    null,
    "m",
    {},
    { powerMeter: { timestamp: "2026-01-01T00:00:00Z" } }, // energyWhImport is required
    pm({ energyWhImport: { total: "1000" } }),
    pm({ energyWhImport: { L1: 1 } }), // total required
    pm({ energyWhImport: { total: NaN } }),
    pm({ energyWhImport: { total: Infinity } }),
    pm({ powerW: { total: -Infinity } }),
    pm({ meterId: 7 }),
    pm({ phaseSeqError: "no" }),
    pm({ frequencyHz: { L2: 50 } }), // L1 required
    pm({ var: { VARphA: 1 } }), // total required
    { ...pm(), temperatureC: { value: 1 } }, // must be an array
    { ...pm(), rpm: { value: "fast" } },
    { ...pm(), socPercent: { value: 101 } },
    { ...pm(), socPercent: { value: -1 } },
    { ...pm(), socPercent: { value: 50, location: 3 } },
  ];
  for (const input of bad) {
    ok(!measurementSchema.safeParse(input).success, JSON.stringify(input) ?? String(input));
  }
  match(rejection(measurementSchema, pm({ powerW: { total: NaN } })), /finite number/);
  match(rejection(measurementSchema, { ...pm(), socPercent: { value: 120 } }), /SoC/);
});

Deno.test("phasesSchema: total required, phases optional, strict", () => {
  deepStrictEqual(phasesSchema.parse({ total: -3, L3: 1 }), { total: -3, L3: 1 });
  ok(!phasesSchema.safeParse({ L1: 1 }).success);
  ok(!phasesSchema.safeParse({ total: 1, N: 1 }).success);
});

Deno.test("measurement: parsing does not mutate the input", () => {
  const input = pm({ timestamp: "2026-01-01T01:00:00+01:00" });
  const copy = structuredClone(input);
  measurementSchema.parse(input);
  deepStrictEqual(input, copy);
});

// ---------------------------------------------------------------------------------------------
// ErrorInfo
// ---------------------------------------------------------------------------------------------

Deno.test("errorInfo: minimal and full valid", () => {
  deepStrictEqual(
    errorInfoSchema.parse({ uuid: "e1", errorCode: "GroundFailure", isFault: true }),
    {
      uuid: "e1",
      errorCode: "GroundFailure",
      isFault: true,
    },
  );
  const full: ErrorInfo = {
    uuid: "e2",
    errorCode: "HighTemperature",
    isFault: false,
    info: "derating",
    vendorId: "com.acme",
    vendorErrorCode: "T-17",
    timestamp: "2026-01-01T10:00:00+10:00",
  };
  deepStrictEqual(errorInfoSchema.parse(full), { ...full, timestamp: "2026-01-01T00:00:00.000Z" });
  strictEqual(
    errorInfoSchema.parse({ ...full, timestamp: new Date(0) }).timestamp,
    "1970-01-01T00:00:00.000Z",
  );
});

Deno.test("errorInfo: every ChargePointErrorCode but NoError is accepted", () => {
  const codes = [
    "ConnectorLockFailure",
    "EVCommunicationError",
    "GroundFailure",
    "HighTemperature",
    "InternalError",
    "LocalListConflict",
    "OtherError",
    "OverCurrentFailure",
    "PowerMeterFailure",
    "PowerSwitchFailure",
    "ReaderFailure",
    "ResetFailure",
    "UnderVoltage",
    "OverVoltage",
    "WeakSignal",
  ];
  for (const errorCode of codes) {
    ok(errorInfoSchema.safeParse({ uuid: "u", errorCode, isFault: false }).success, errorCode);
  }
});

Deno.test("errorInfo: NoError is rejected with a message pointing to the clearing handlers", () => {
  const msg = rejection(errorInfoSchema, { uuid: "u", errorCode: "NoError", isFault: false });
  match(msg, /"NoError" is not an error/);
  match(msg, /onErrorCleared/);
});

Deno.test("errorInfo: invalid values are rejected", () => {
  const base = { uuid: "u", errorCode: "GroundFailure", isFault: true };
  match(rejection(errorInfoSchema, { ...base, uuid: "" }), /uuid must not be empty/);
  match(
    rejection(errorInfoSchema, { ...base, errorCode: "groundfailure" }),
    /ChargePointErrorCode/,
  );
  match(rejection(errorInfoSchema, { ...base, vendorCode: "x" }), /unknown key "vendorCode"/);
  for (
    const bad of [
      { ...base, uuid: 1 },
      { ...base, isFault: "true" },
      { ...base, isFault: undefined },
      { uuid: "u", errorCode: "GroundFailure" },
      { ...base, info: 5 },
      { ...base, timestamp: "2026-01-01" },
      { ...base, timestamp: new Date(NaN) },
    ]
  ) {
    ok(!errorInfoSchema.safeParse(bad).success, JSON.stringify(bad));
  }
});

Deno.test("errorInfo: strings are truncated like libocpp (50 / 255 / 50)", () => {
  const e = errorInfoSchema.parse({
    uuid: "u",
    errorCode: "OtherError",
    isFault: false,
    info: "i".repeat(51),
    vendorId: "v".repeat(256),
    vendorErrorCode: "🔥".repeat(60),
  });
  strictEqual(e.info, "i".repeat(50));
  strictEqual(e.vendorId, "v".repeat(255));
  strictEqual(e.vendorErrorCode, "🔥".repeat(50));
  // exactly at the limit: unchanged
  strictEqual(
    errorInfoSchema.parse({
      uuid: "u",
      errorCode: "OtherError",
      isFault: false,
      info: "x".repeat(50),
    })
      .info,
    "x".repeat(50),
  );
});
