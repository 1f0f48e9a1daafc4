import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { Ajv } from "ajv";
import fc from "fast-check";
import ocpp16Schemas from "ocpp-rpc/lib/schemas/ocpp1_6.json" with { type: "json" };
import {
  buildMeterValue,
  formatReading,
  isMeasurand,
  LOCATIONS,
  MEASURANDS,
  type MeterValue,
  meterValueJson,
  meterValuesPayloadJson,
  parseMeasurandList,
  READING_CONTEXTS,
  type SampledValue,
  toLocation,
} from "../../core/meter_values.ts";
import {
  type Measurement,
  type MeasurementData,
  measurementSchema,
} from "../../events/measurement.ts";

const TS = "2026-05-01T08:00:00.000Z";

/** A validated measurement (goes through the real schema, as the charge point would). */
function data(
  m: Omit<Measurement, "powerMeter"> & { powerMeter?: Partial<Measurement["powerMeter"]> } = {},
): MeasurementData {
  return measurementSchema.parse({
    ...m,
    powerMeter: { timestamp: TS, energyWhImport: { total: 0 }, ...m.powerMeter },
  });
}

/** Sampled values only, for compact assertions. */
function values(
  m: MeasurementData,
  measurands: string[],
  offered?: { currentA?: number; powerW?: number },
): SampledValue[] {
  return buildMeterValue(m, measurands, "Sample.Periodic", offered)?.sampledValue ?? [];
}

const P = { context: "Sample.Periodic", format: "Raw" } as const;

Deno.test("MEASURANDS: the 22 OCPP 1.6 measurands", () => {
  strictEqual(MEASURANDS.length, 22);
  strictEqual(new Set(MEASURANDS).size, 22);
  for (
    const m of [
      "Energy.Active.Export.Register",
      "Energy.Reactive.Import.Interval",
      "Power.Factor",
      "Current.Export",
      "Frequency",
      "RPM",
      "SoC",
    ]
  ) ok(isMeasurand(m), m);
  ok(!isMeasurand("soc"));
  strictEqual(READING_CONTEXTS.length, 8);
  deepStrictEqual([...LOCATIONS].sort(), ["Body", "Cable", "EV", "Inlet", "Outlet"]);
});

Deno.test("parseMeasurandList: valid lists, trimming, empty, duplicates", () => {
  deepStrictEqual(parseMeasurandList(""), { ok: true, measurands: [] });
  deepStrictEqual(parseMeasurandList("   "), { ok: true, measurands: [] });
  deepStrictEqual(parseMeasurandList("Energy.Active.Import.Register"), {
    ok: true,
    measurands: ["Energy.Active.Import.Register"],
  });
  deepStrictEqual(parseMeasurandList(" SoC ,Voltage,  Current.Import "), {
    ok: true,
    measurands: ["SoC", "Voltage", "Current.Import"],
  });
  deepStrictEqual(parseMeasurandList("SoC,Voltage,SoC"), {
    ok: true,
    measurands: ["SoC", "Voltage"],
  });
  const all = parseMeasurandList(MEASURANDS.join(","));
  deepStrictEqual(all, { ok: true, measurands: [...MEASURANDS] });
});

Deno.test("parseMeasurandList: unknown names and empty items give a reason", () => {
  deepStrictEqual(parseMeasurandList("Energy,SoC"), {
    ok: false,
    reason: 'unknown measurand "Energy"',
  });
  deepStrictEqual(parseMeasurandList("soc"), { ok: false, reason: 'unknown measurand "soc"' });
  deepStrictEqual(parseMeasurandList("Voltage.L9"), {
    ok: false,
    reason: 'unknown measurand "Voltage.L9"',
  });
  deepStrictEqual(parseMeasurandList("Voltage.").ok, false);
  deepStrictEqual(parseMeasurandList("Volt.L1").ok, false);
  for (const csv of ["SoC,", ",SoC", "SoC,,Voltage", ","]) {
    deepStrictEqual(parseMeasurandList(csv), { ok: false, reason: "empty item in measurand list" });
  }
  // semicolons are not separators
  strictEqual(parseMeasurandList("SoC;Voltage").ok, false);
});

Deno.test("formatReading: two decimals like libocpp double_to_string", () => {
  strictEqual(formatReading(0), "0.00");
  strictEqual(formatReading(1500), "1500.00");
  strictEqual(formatReading(1234.5678), "1234.57");
  strictEqual(formatReading(0.125), "0.13");
  strictEqual(formatReading(-7200.4), "-7200.40");
  strictEqual(formatReading(-0.001), "0.00");
  strictEqual(formatReading(123456789.987), "123456789.99");
  strictEqual(formatReading(-0), "0.00");
  strictEqual(formatReading(2 ** 60), "1152921504606846976.00"); // toFixed's exact digits
});

Deno.test("formatReading: toFixed(2) (with -0.00 as 0.00) for any number", () => {
  const exact = (v: number) => {
    const s = v.toFixed(2);
    return s === "-0.00" ? "0.00" : s;
  };
  fc.assert(
    fc.property(
      fc.oneof(
        fc.integer(),
        fc.maxSafeInteger(),
        fc.double({ noNaN: true }),
        fc.constant(2 ** 53),
        // Readings of meters: up to 3 decimals, ties (x.xx5) included, around 2^32 cents.
        fc.integer({ min: -1e12, max: 1e12 }).map((n) => n / 1000),
        fc.integer({ min: -1e9, max: 1e9 }).map((n) => n / 100 + 0.005),
        fc.double({ min: 4.2e7, max: 4.4e7, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
      ),
      (v) => strictEqual(formatReading(v), exact(v)),
    ),
    { numRuns: 10_000 },
  );
});

Deno.test("timestamp: the power meter's, or the override; context and format on every value", () => {
  const m = data({ powerMeter: { energyWhImport: { total: 10 } } });
  const mv = buildMeterValue(m, ["Energy.Active.Import.Register"], "Sample.Clock");
  deepStrictEqual(
    mv,
    {
      timestamp: TS,
      sampledValue: [{
        value: "10.00",
        context: "Sample.Clock",
        format: "Raw",
        measurand: "Energy.Active.Import.Register",
        location: "Outlet",
        unit: "Wh",
      }],
    } satisfies MeterValue,
  );
  strictEqual(
    buildMeterValue(
      m,
      ["Energy.Active.Import.Register"],
      "Trigger",
      undefined,
      "2026-05-01T08:15:00Z",
    )
      ?.timestamp,
    "2026-05-01T08:15:00Z",
  );
  for (const context of READING_CONTEXTS) {
    const sv = buildMeterValue(m, ["Energy.Active.Import.Register"], context)!.sampledValue[0];
    strictEqual(sv.context, context);
    strictEqual(sv.format, "Raw");
  }
});

Deno.test("sampled value keys are in spec order (deterministic JSON)", () => {
  const sv = values(data({ powerMeter: { voltageV: { L1: 230 } } }), ["Voltage"])[0];
  deepStrictEqual(Object.keys(sv), [
    "value",
    "context",
    "format",
    "measurand",
    "phase",
    "location",
    "unit",
  ]);
});

Deno.test("Energy.Active.Import.Register: total only, and total + phases", () => {
  deepStrictEqual(
    values(data({ powerMeter: { energyWhImport: { total: 1500.555 } } }), [
      "Energy.Active.Import.Register",
    ]),
    [{
      value: "1500.56",
      ...P,
      measurand: "Energy.Active.Import.Register",
      location: "Outlet",
      unit: "Wh",
    }],
  );
  const m = data({ powerMeter: { energyWhImport: { total: 30, L1: 10, L2: 10, L3: 10 } } });
  deepStrictEqual(values(m, ["Energy.Active.Import.Register"]).map((v) => [v.phase, v.value]), [
    [undefined, "30.00"],
    ["L1", "10.00"],
    ["L2", "10.00"],
    ["L3", "10.00"],
  ]);
  // only the phases the meter provides
  const l2 = data({ powerMeter: { energyWhImport: { total: 5, L2: 5 } } });
  deepStrictEqual(values(l2, ["Energy.Active.Import.Register"]).map((v) => v.phase), [
    undefined,
    "L2",
  ]);
});

Deno.test("Energy.Active.Export.Register: from energyWhExport, Wh, no location; skipped if absent", () => {
  deepStrictEqual(values(data(), ["Energy.Active.Export.Register"]), []);
  deepStrictEqual(
    values(data({ powerMeter: { energyWhExport: { total: 7, L1: 7 } } }), [
      "Energy.Active.Export.Register",
    ]),
    [
      { value: "7.00", ...P, measurand: "Energy.Active.Export.Register", unit: "Wh" },
      { value: "7.00", ...P, measurand: "Energy.Active.Export.Register", phase: "L1", unit: "Wh" },
    ],
  );
});

Deno.test("Power.Active.Import/Export: W, Outlet, by direction and never negative, per phase; skipped if absent", () => {
  deepStrictEqual(values(data(), ["Power.Active.Import", "Power.Active.Export"]), []);
  // The EV feeds 3000 W back in total: L1 still draws 500 W, L3 exports 3500 W.
  const v2g = data({ powerMeter: { powerW: { total: -3000, L1: 500, L3: -3500 } } });
  deepStrictEqual(values(v2g, ["Power.Active.Import"]), [
    { value: "0.00", ...P, measurand: "Power.Active.Import", location: "Outlet", unit: "W" },
    {
      value: "500.00",
      ...P,
      measurand: "Power.Active.Import",
      phase: "L1",
      location: "Outlet",
      unit: "W",
    },
    {
      value: "0.00",
      ...P,
      measurand: "Power.Active.Import",
      phase: "L3",
      location: "Outlet",
      unit: "W",
    },
  ]);
  deepStrictEqual(
    values(v2g, ["Power.Active.Export"]).map((v) => [v.phase, v.value, v.unit, v.location]),
    [[undefined, "3000.00", "W", "Outlet"], ["L1", "0.00", "W", "Outlet"], [
      "L3",
      "3500.00",
      "W",
      "Outlet",
    ]],
  );
  // Charging: the import as measured, the export 0; a phase item selects one direction's phase.
  const charging = data({ powerMeter: { powerW: { total: 7200, L2: 7200 } } });
  deepStrictEqual(
    values(charging, ["Power.Active.Export", "Power.Active.Import.L2"]).map((v) => [
      v.measurand,
      v.phase,
      v.value,
    ]),
    [
      ["Power.Active.Export", undefined, "0.00"],
      ["Power.Active.Export", "L2", "0.00"],
      ["Power.Active.Import", "L2", "7200.00"],
    ],
  );
  ok(values(v2g, [...MEASURANDS]).every((v) => !v.value.startsWith("-")), "never negative");
});

Deno.test("Power.Reactive.Import/Export: from var by direction, unit var, VARphA/B/C as L1/L2/L3", () => {
  deepStrictEqual(values(data(), ["Power.Reactive.Import", "Power.Reactive.Export"]), []);
  const out = values(
    data({ powerMeter: { var: { total: 9, VARphA: 1, VARphB: -3, VARphC: 11 } } }),
    ["Power.Reactive.Import", "Power.Reactive.Export"],
  );
  deepStrictEqual(out.map((v) => [v.measurand, v.phase, v.value, v.unit, v.location]), [
    ["Power.Reactive.Import", undefined, "9.00", "var", "Outlet"],
    ["Power.Reactive.Import", "L1", "1.00", "var", "Outlet"],
    ["Power.Reactive.Import", "L2", "0.00", "var", "Outlet"],
    ["Power.Reactive.Import", "L3", "11.00", "var", "Outlet"],
    ["Power.Reactive.Export", undefined, "0.00", "var", "Outlet"],
    ["Power.Reactive.Export", "L1", "0.00", "var", "Outlet"],
    ["Power.Reactive.Export", "L2", "3.00", "var", "Outlet"],
    ["Power.Reactive.Export", "L3", "0.00", "var", "Outlet"],
  ]);
});

Deno.test("Voltage: total from DC, phases L1..L3 (libocpp spelling), V, Outlet", () => {
  deepStrictEqual(values(data(), ["Voltage"]), []);
  const ac = values(data({ powerMeter: { voltageV: { L1: 230.1, L2: 229.9, L3: 231 } } }), [
    "Voltage",
  ]);
  deepStrictEqual(ac.map((v) => [v.phase, v.value]), [["L1", "230.10"], ["L2", "229.90"], [
    "L3",
    "231.00",
  ]]);
  ok(ac.every((v) => v.unit === "V" && v.location === "Outlet" && v.measurand === "Voltage"));
  const dc = values(data({ powerMeter: { voltageV: { DC: 400 } } }), ["Voltage"]);
  deepStrictEqual(dc, [{
    value: "400.00",
    ...P,
    measurand: "Voltage",
    location: "Outlet",
    unit: "V",
  }]);
});

Deno.test("Current.Import: total from DC, L1..L3 and N, A, Outlet", () => {
  deepStrictEqual(values(data(), ["Current.Import"]), []);
  const out = values(
    data({ powerMeter: { currentA: { DC: 100, L1: 16, L2: 15.5, L3: 16.25, N: 0.3 } } }),
    ["Current.Import"],
  );
  deepStrictEqual(out.map((v) => [v.phase, v.value]), [
    [undefined, "100.00"],
    ["L1", "16.00"],
    ["L2", "15.50"],
    ["L3", "16.25"],
    ["N", "0.30"],
  ]);
  ok(out.every((v) => v.unit === "A" && v.location === "Outlet"));
  // AC without DC: no total entry
  deepStrictEqual(
    values(data({ powerMeter: { currentA: { L1: 6 } } }), ["Current.Import"]).map((v) => v.phase),
    ["L1"],
  );
});

Deno.test("Frequency: phases only, no total, no unit, no location", () => {
  deepStrictEqual(values(data(), ["Frequency"]), []);
  deepStrictEqual(
    values(data({ powerMeter: { frequencyHz: { L1: 50, L3: 49.98 } } }), ["Frequency"]),
    [
      { value: "50.00", ...P, measurand: "Frequency", phase: "L1" },
      { value: "49.98", ...P, measurand: "Frequency", phase: "L3" },
    ],
  );
});

Deno.test("Current.Offered / Power.Offered: from offered values, skipped when not offered", () => {
  const m = data();
  deepStrictEqual(values(m, ["Current.Offered", "Power.Offered"]), []);
  deepStrictEqual(values(m, ["Current.Offered", "Power.Offered"], { currentA: 32 }), [
    { value: "32.00", ...P, measurand: "Current.Offered", location: "Outlet", unit: "A" },
  ]);
  deepStrictEqual(values(m, ["Current.Offered", "Power.Offered"], { currentA: 0, powerW: 11000 }), [
    { value: "0.00", ...P, measurand: "Current.Offered", location: "Outlet", unit: "A" },
    { value: "11000.00", ...P, measurand: "Power.Offered", location: "Outlet", unit: "W" },
  ]);
});

Deno.test("SoC: Percent, location from the measurement or EV", () => {
  deepStrictEqual(values(data(), ["SoC"]), []);
  deepStrictEqual(values(data({ socPercent: { value: 80.456 } }), ["SoC"]), [
    { value: "80.46", ...P, measurand: "SoC", location: "EV", unit: "Percent" },
  ]);
  strictEqual(
    values(data({ socPercent: { value: 1, location: "cable" } }), ["SoC"])[0].location,
    "Cable",
  );
});

Deno.test("Temperature: one value per entry, Celsius, location mapped or none (not EV)", () => {
  deepStrictEqual(values(data(), ["Temperature"]), []);
  deepStrictEqual(values(data({ temperatureC: [] }), ["Temperature"]), []);
  const out = values(
    data({
      temperatureC: [
        { value: 41.2, location: "Body" },
        { value: 25 },
        { value: -3.5, location: " inlet " },
        { value: 60, location: "PowerModule" },
      ],
    }),
    ["Temperature"],
  );
  deepStrictEqual(out, [
    { value: "41.20", ...P, measurand: "Temperature", location: "Body", unit: "Celsius" },
    { value: "25.00", ...P, measurand: "Temperature", unit: "Celsius" },
    { value: "-3.50", ...P, measurand: "Temperature", location: "Inlet", unit: "Celsius" },
    { value: "60.00", ...P, measurand: "Temperature", unit: "Celsius" },
  ]);
});

Deno.test("RPM: no unit (none in OCPP 1.6), location from the measurement or none (not EV)", () => {
  deepStrictEqual(values(data(), ["RPM"]), []);
  deepStrictEqual(values(data({ rpm: { value: 1500, location: "Body" } }), ["RPM"]), [
    { value: "1500.00", ...P, measurand: "RPM", location: "Body" },
  ]);
  deepStrictEqual(values(data({ rpm: { value: 10 } }), ["RPM"])[0].location, undefined);
});

Deno.test("measurands the Measurement cannot provide are skipped, never zero", () => {
  const rich = data({
    powerMeter: {
      energyWhImport: { total: 1, L1: 1 },
      energyWhExport: { total: 1 },
      powerW: { total: 1 },
      var: { total: 1 },
      voltageV: { DC: 1 },
      currentA: { DC: 1 },
      frequencyHz: { L1: 50 },
    },
    socPercent: { value: 1 },
    temperatureC: [{ value: 1 }],
    rpm: { value: 1 },
  });
  const never = [
    "Energy.Reactive.Export.Register",
    "Energy.Reactive.Import.Register",
    "Energy.Active.Export.Interval",
    "Energy.Active.Import.Interval",
    "Energy.Reactive.Export.Interval",
    "Energy.Reactive.Import.Interval",
    "Power.Factor",
    "Current.Export",
  ];
  strictEqual(
    buildMeterValue(rich, never, "Sample.Periodic", { currentA: 1, powerW: 1 }),
    undefined,
  );
  // and no value anywhere is a made-up zero (the export of power drawn is a measured 0)
  const all = values(rich, [...MEASURANDS], { currentA: 1, powerW: 1 });
  deepStrictEqual(all.filter((v) => v.value === "0.00").map((v) => v.measurand), [
    "Power.Active.Export",
    "Power.Reactive.Export",
  ]);
  deepStrictEqual(
    [...new Set(all.map((v) => v.measurand))],
    [
      "Energy.Active.Export.Register",
      "Energy.Active.Import.Register",
      "Power.Active.Export",
      "Power.Active.Import",
      "Power.Offered",
      "Power.Reactive.Export",
      "Power.Reactive.Import",
      "Current.Import",
      "Current.Offered",
      "Voltage",
      "Frequency",
      "Temperature",
      "SoC",
      "RPM",
    ],
  );
});

Deno.test("returns undefined when nothing results; empty list gives undefined", () => {
  const m = data({ powerMeter: { energyWhImport: { total: 5 } } });
  strictEqual(buildMeterValue(m, [], "Sample.Periodic"), undefined);
  strictEqual(
    buildMeterValue(m, ["SoC", "Voltage", "Power.Offered"], "Sample.Periodic"),
    undefined,
  );
});

Deno.test("order follows the configured list; unknown and repeated measurands are ignored", () => {
  const m = data({
    powerMeter: { energyWhImport: { total: 3 }, powerW: { total: 2 } },
    socPercent: { value: 1 },
  });
  deepStrictEqual(
    values(m, ["SoC", "Bogus", "Power.Active.Import", "SoC", "Energy.Active.Import.Register"]).map((
      v,
    ) => v.measurand),
    ["SoC", "Power.Active.Import", "Energy.Active.Import.Register"],
  );
});

Deno.test("mixed AC measurement, end to end, as it would appear in MeterValues.req", () => {
  const m = data({
    powerMeter: {
      timestamp: "2026-05-01T10:00:00+02:00",
      energyWhImport: { total: 12345.678, L1: 4115.226, L2: 4115.226, L3: 4115.226 },
      powerW: { total: 11040, L1: 3680, L2: 3680, L3: 3680 },
      voltageV: { L1: 230, L2: 230, L3: 230 },
      currentA: { L1: 16, L2: 16, L3: 16 },
    },
  });
  const mv = buildMeterValue(
    m,
    ["Energy.Active.Import.Register", "Power.Active.Import", "Current.Import", "Current.Offered"],
    "Sample.Periodic",
    { currentA: 16 },
  )!;
  strictEqual(mv.timestamp, "2026-05-01T08:00:00.000Z");
  strictEqual(mv.sampledValue.length, 4 + 4 + 3 + 1);
  deepStrictEqual(mv.sampledValue[0], {
    value: "12345.68",
    ...P,
    measurand: "Energy.Active.Import.Register",
    location: "Outlet",
    unit: "Wh",
  });
  strictEqual(mv.sampledValue.at(-1)?.measurand, "Current.Offered");
});

Deno.test("toLocation: case-insensitive mapping to the OCPP Location enum", () => {
  strictEqual(toLocation("Outlet"), "Outlet");
  strictEqual(toLocation("ev"), "EV");
  strictEqual(toLocation("BODY"), "Body");
  strictEqual(toLocation("Battery"), undefined);
  strictEqual(toLocation(""), undefined);
  strictEqual(toLocation(undefined), undefined);
});

Deno.test("every built value validates against the official OCPP 1.6 MeterValues.req schema", () => {
  // ocpp-rpc ships the OCA JSON schemas; `$id` "urn:..." is dropped (ajv cannot serialise it).
  const { $id: _id, ...schema } = (ocpp16Schemas as { $id: string }[]).find((s) =>
    s.$id === "urn:MeterValues.req"
  )!;
  const validate = new Ajv({ strict: false, validateFormats: false }).compile(schema);
  const m = data({
    powerMeter: {
      energyWhImport: { total: 1, L1: 1, L2: 1, L3: 1 },
      energyWhExport: { total: 1, L1: 1, L2: 1, L3: 1 },
      powerW: { total: 1, L1: 1, L2: 1, L3: 1 },
      var: { total: 1, VARphA: 1, VARphB: 1, VARphC: 1 },
      voltageV: { DC: 1, L1: 1, L2: 1, L3: 1 },
      currentA: { DC: 1, L1: 1, L2: 1, L3: 1, N: 1 },
      frequencyHz: { L1: 50, L2: 50, L3: 50 },
    },
    socPercent: { value: 1, location: "weird" },
    temperatureC: [{ value: 1 }, { value: 2, location: "Cable" }, { value: 3, location: "??" }],
    rpm: { value: 1 },
  });
  for (const context of READING_CONTEXTS) {
    const mv = buildMeterValue(m, [...MEASURANDS], context, { currentA: 1, powerW: 1 })!;
    strictEqual(mv.sampledValue.length, 6 * 4 + 4 + 5 + 3 + 2 + 1 + 3 + 1);
    const request = { connectorId: 1, transactionId: 7, meterValue: [mv] };
    ok(validate(request), JSON.stringify(validate.errors));
  }
});

Deno.test("meterValueJson/meterValuesPayloadJson: exactly JSON.stringify, fast path or not", () => {
  const reading = fc.oneof(
    fc.double({ noNaN: false }),
    fc.integer({ min: -1e6, max: 1e9 }),
    fc.constant(undefined),
  );
  const phases = fc.record({ total: reading, L1: reading, L2: reading, L3: reading });
  const located = fc.record({
    value: fc.double({ noNaN: true, noDefaultInfinity: true }),
    location: fc.option(fc.constantFrom("EV", "inlet", "Cable", "weird"), { nil: undefined }),
  });
  const measurement = fc.record({
    energy: phases,
    power: fc.option(phases, { nil: undefined }),
    current: fc.option(phases, { nil: undefined }),
    soc: fc.option(located, { nil: undefined }),
    temperatures: fc.array(located, { maxLength: 3 }),
  });
  const item = fc.constantFrom(
    ...MEASURANDS,
    "Current.Import.L2",
    "Voltage.L1",
    "Power.Active.Import.L3",
    "Nonsense",
  );
  fc.assert(
    fc.property(
      measurement,
      fc.array(item, { maxLength: 8 }),
      fc.constantFrom(...READING_CONTEXTS),
      fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
      fc.integer({ min: 0, max: 20 }),
      (m, items, context, timestamp, builtSince) => {
        const drop = (r: Record<string, number | undefined>) =>
          Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
        const mv = buildMeterValue(
          {
            powerMeter: {
              timestamp: TS,
              energyWhImport: { total: 0, ...drop(m.energy) },
              ...(m.power === undefined ? {} : { powerW: drop(m.power) }),
              ...(m.current === undefined ? {} : { currentA: drop(m.current) }),
            },
            ...(m.soc === undefined ? {} : { socPercent: m.soc }),
            temperatureC: m.temperatures,
          } as MeasurementData,
          items,
          context,
          { currentA: 16 },
          timestamp,
        );
        if (mv === undefined) return;
        // Older meter values fall out of the recent ones: then JSON.stringify does it.
        for (let i = 0; i < builtSince; i++) buildMeterValue(data(), ["SoC", "Voltage"], context);
        strictEqual(meterValueJson(mv), JSON.stringify(mv));
        for (
          const payload of [
            { connectorId: 1, meterValue: [mv] },
            { connectorId: 2, transactionId: 7, meterValue: [mv, mv] },
            { transactionId: undefined, connectorId: 0, meterValue: [mv], extra: 'a"b' },
            {
              transactionId: 3,
              meterStop: 5,
              timestamp: TS,
              reason: "Local",
              transactionData: [mv],
            },
            { connectorId: 1, meterValue: [mv, undefined, null, 7] },
            { connectorId: 1, meterValue: "not a list" },
          ]
        ) {
          strictEqual(meterValuesPayloadJson(payload), JSON.stringify(payload));
        }
      },
    ),
    { numRuns: 3_000 },
  );
});

Deno.test("meterValueJson: a meter value whose sampled values were replaced is encoded anew", () => {
  const m = data({ powerMeter: { energyWhImport: { total: 1, L1: 1 } } });
  const mv = buildMeterValue(m, ["Energy.Active.Import.Register"], "Sample.Periodic")!;
  const grown: MeterValue = mv;
  grown.sampledValue.push({ value: "9.00" });
  strictEqual(meterValueJson(grown), JSON.stringify(grown));
  const other = buildMeterValue(m, ["Energy.Active.Import.Register"], "Sample.Clock")!;
  other.sampledValue = [{ value: "1.00", unit: "kWh" }, { value: "2.00" }];
  strictEqual(meterValueJson(other), JSON.stringify(other));
});
