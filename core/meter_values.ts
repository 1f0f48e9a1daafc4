/**
 * Builds OCPP 1.6 `MeterValue`s from the latest firmware {@linkcode MeasurementData}, like
 * libocpp's `get_latest_meter_value` (pure: no clock, no I/O).
 *
 * Each configured measurand is expanded to its total followed by its phases, and a sampled value
 * is emitted only where the measurement has the value (a measurand the meter does not provide is
 * skipped, never sent as zero). Values are strings with two decimals, `format` is `Raw`, `context`
 * as requested, and the meter value's timestamp is the power meter's.
 *
 * | Measurand | Source | unit | location |
 * |---|---|---|---|
 * | Energy.Active.Import.Register | `energyWhImport` total, L1..L3 | Wh | Outlet |
 * | Energy.Active.Export.Register | `energyWhExport` total, L1..L3 | Wh | (none, like libocpp) |
 * | Power.Active.Import | `powerW` total, L1..L3 | W | Outlet |
 * | Power.Reactive.Import | `var` total, VARphA/B/C as L1/L2/L3 | var | Outlet |
 * | Voltage | `voltageV`: total = `DC`, L1..L3 | V | Outlet |
 * | Current.Import | `currentA`: total = `DC`, L1..L3, N | A | Outlet |
 * | Frequency | `frequencyHz` L1..L3 (no total) | (none) | (none) |
 * | Current.Offered / Power.Offered | `offered.currentA` / `offered.powerW` | A / W | Outlet |
 * | SoC | `socPercent` | Percent | entry's, else EV |
 * | Temperature | one per `temperatureC` entry | Celsius | entry's, else EV |
 * | RPM | `rpm` | (none) | entry's, else EV |
 * | all others | not produced | | |
 *
 * Decisions where libocpp and the OCPP 1.6 spec differ or are silent:
 *
 * - **Voltage phases are `L1`, `L2`, `L3`**, as libocpp sends them, not `L1-N`… The 1.6 spec
 *   allows both ("L1: measured on L1", "L1-N: measured on L1 to N") and does not say whether the
 *   firmware's `voltageV.L1` is line-to-neutral or line-to-line, so the libocpp spelling (which
 *   claims less) is kept.
 * - **Current.Import phase `N` is emitted** when `currentA.N` is present (libocpp never emits it;
 *   the spec allows phase N for current).
 * - **Current.Offered / Power.Offered are emitted only when a value was offered** (libocpp sends its
 *   default 0 when the firmware never called `on_max_current_offered`/`on_max_power_offered`).
 * - **Power.Reactive.Import is produced** from `var` (libocpp produces no reactive measurand); the
 *   value is passed through with its sign.
 * - **Locations** given as free text (SoC, Temperature, RPM) are matched case-insensitively against
 *   the OCPP `Location` enum (Body, Cable, EV, Inlet, Outlet) and spelled canonically; any other
 *   text is dropped (libocpp throws on an unknown location string). Absent → `EV` like libocpp.
 * - **RPM has no unit**: OCPP 1.6 `UnitOfMeasure` has none for revolutions per minute.
 * - **Temperature is one sampled value per `temperatureC` entry**, in array order.
 * - Unknown or repeated measurands in the configured list are ignored (a repeated one is emitted
 *   once); {@linkcode parseMeasurandList} is the place that rejects unknown names.
 *
 * @module
 */
import type { LocatedValue, MeasurementData } from "../events/measurement.ts";

/** `true` iff A and B are the same type. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;
type Assert<T extends true> = T;

const _MEASURANDS = [
  "Energy.Active.Export.Register",
  "Energy.Active.Import.Register",
  "Energy.Reactive.Export.Register",
  "Energy.Reactive.Import.Register",
  "Energy.Active.Export.Interval",
  "Energy.Active.Import.Interval",
  "Energy.Reactive.Export.Interval",
  "Energy.Reactive.Import.Interval",
  "Power.Active.Export",
  "Power.Active.Import",
  "Power.Offered",
  "Power.Reactive.Export",
  "Power.Reactive.Import",
  "Power.Factor",
  "Current.Import",
  "Current.Export",
  "Current.Offered",
  "Voltage",
  "Frequency",
  "Temperature",
  "SoC",
  "RPM",
] as const;
type _MeasurandComplete = Assert<Equals<typeof _MEASURANDS[number], Measurand>>;

/**
 * The 22 OCPP 1.6 measurands, in the order of the spec's `Measurand` enum.
 *
 * @example
 * ```ts
 * import { MEASURANDS } from "./meter_values.ts";
 * console.log(MEASURANDS.length); // 22
 * ```
 */
export const MEASURANDS: readonly Measurand[] = _MEASURANDS;

/**
 * An OCPP 1.6 measurand.
 *
 * @example
 * ```ts
 * import type { Measurand } from "./meter_values.ts";
 * const m: Measurand = "Energy.Active.Import.Register";
 * ```
 */
export type Measurand =
  | "Energy.Active.Export.Register"
  | "Energy.Active.Import.Register"
  | "Energy.Reactive.Export.Register"
  | "Energy.Reactive.Import.Register"
  | "Energy.Active.Export.Interval"
  | "Energy.Active.Import.Interval"
  | "Energy.Reactive.Export.Interval"
  | "Energy.Reactive.Import.Interval"
  | "Power.Active.Export"
  | "Power.Active.Import"
  | "Power.Offered"
  | "Power.Reactive.Export"
  | "Power.Reactive.Import"
  | "Power.Factor"
  | "Current.Import"
  | "Current.Export"
  | "Current.Offered"
  | "Voltage"
  | "Frequency"
  | "Temperature"
  | "SoC"
  | "RPM";

const _READING_CONTEXTS = [
  "Interruption.Begin",
  "Interruption.End",
  "Other",
  "Sample.Clock",
  "Sample.Periodic",
  "Transaction.Begin",
  "Transaction.End",
  "Trigger",
] as const;
type _ReadingContextComplete = Assert<Equals<typeof _READING_CONTEXTS[number], ReadingContext>>;

/**
 * The eight OCPP 1.6 `ReadingContext` values.
 *
 * @example
 * ```ts
 * import { READING_CONTEXTS } from "./meter_values.ts";
 * console.log(READING_CONTEXTS.includes("Sample.Periodic")); // true
 * ```
 */
export const READING_CONTEXTS: readonly ReadingContext[] = _READING_CONTEXTS;

/**
 * Why a meter value was taken (OCPP 1.6 `ReadingContext`).
 *
 * @example
 * ```ts
 * import type { ReadingContext } from "./meter_values.ts";
 * const c: ReadingContext = "Sample.Clock";
 * ```
 */
export type ReadingContext =
  | "Interruption.Begin"
  | "Interruption.End"
  | "Other"
  | "Sample.Clock"
  | "Sample.Periodic"
  | "Transaction.Begin"
  | "Transaction.End"
  | "Trigger";

const _PHASES = [
  "L1",
  "L2",
  "L3",
  "N",
  "L1-N",
  "L2-N",
  "L3-N",
  "L1-L2",
  "L2-L3",
  "L3-L1",
] as const;
type _PhaseComplete = Assert<Equals<typeof _PHASES[number], Phase>>;

/**
 * The OCPP 1.6 `Phase` values.
 *
 * @example
 * ```ts
 * import { PHASES } from "./meter_values.ts";
 * console.log(PHASES.includes("L1-N")); // true
 * ```
 */
export const PHASES: readonly Phase[] = _PHASES;

/**
 * An OCPP 1.6 phase.
 *
 * @example
 * ```ts
 * import type { Phase } from "./meter_values.ts";
 * const p: Phase = "L2";
 * ```
 */
export type Phase =
  | "L1"
  | "L2"
  | "L3"
  | "N"
  | "L1-N"
  | "L2-N"
  | "L3-N"
  | "L1-L2"
  | "L2-L3"
  | "L3-L1";

const _LOCATIONS = ["Body", "Cable", "EV", "Inlet", "Outlet"] as const;
type _LocationComplete = Assert<Equals<typeof _LOCATIONS[number], Location>>;

/**
 * The OCPP 1.6 `Location` values.
 *
 * @example
 * ```ts
 * import { LOCATIONS } from "./meter_values.ts";
 * console.log(LOCATIONS.includes("Outlet")); // true
 * ```
 */
export const LOCATIONS: readonly Location[] = _LOCATIONS;

/**
 * Where a value was measured (OCPP 1.6 `Location`).
 *
 * @example
 * ```ts
 * import type { Location } from "./meter_values.ts";
 * const l: Location = "Inlet";
 * ```
 */
export type Location = "Body" | "Cable" | "EV" | "Inlet" | "Outlet";

const _UNITS_OF_MEASURE = [
  "Wh",
  "kWh",
  "varh",
  "kvarh",
  "W",
  "kW",
  "VA",
  "kVA",
  "var",
  "kvar",
  "A",
  "V",
  "K",
  "Celcius",
  "Celsius",
  "Fahrenheit",
  "Percent",
] as const;
type _UnitOfMeasureComplete = Assert<Equals<typeof _UNITS_OF_MEASURE[number], UnitOfMeasure>>;

/**
 * The OCPP 1.6 `UnitOfMeasure` values (the JSON schema lists both `Celcius` and `Celsius`; this
 * library emits `Celsius`).
 *
 * @example
 * ```ts
 * import { UNITS_OF_MEASURE } from "./meter_values.ts";
 * console.log(UNITS_OF_MEASURE.includes("Wh")); // true
 * ```
 */
export const UNITS_OF_MEASURE: readonly UnitOfMeasure[] = _UNITS_OF_MEASURE;

/**
 * An OCPP 1.6 unit of measure.
 *
 * @example
 * ```ts
 * import type { UnitOfMeasure } from "./meter_values.ts";
 * const u: UnitOfMeasure = "kWh";
 * ```
 */
export type UnitOfMeasure =
  | "Wh"
  | "kWh"
  | "varh"
  | "kvarh"
  | "W"
  | "kW"
  | "VA"
  | "kVA"
  | "var"
  | "kvar"
  | "A"
  | "V"
  | "K"
  | "Celcius"
  | "Celsius"
  | "Fahrenheit"
  | "Percent";

/**
 * OCPP 1.6 `ValueFormat`.
 *
 * @example
 * ```ts
 * import type { ValueFormat } from "./meter_values.ts";
 * const f: ValueFormat = "Raw";
 * ```
 */
export type ValueFormat = "Raw" | "SignedData";

/**
 * One OCPP 1.6 `SampledValue`. Keys appear in this order in built values (the spec's order), so
 * serialised frames are deterministic.
 *
 * @example
 * ```ts
 * import type { SampledValue } from "./meter_values.ts";
 * const v: SampledValue = {
 *   value: "1500.00", context: "Sample.Periodic", format: "Raw",
 *   measurand: "Energy.Active.Import.Register", location: "Outlet", unit: "Wh",
 * };
 * ```
 */
export interface SampledValue {
  /** The value as a string (`"1500.00"`), or signed data. */
  value: string;
  /** Why the value was taken; absent means `Sample.Periodic`. */
  context?: ReadingContext;
  /** `Raw` or `SignedData`; absent means `Raw`. */
  format?: ValueFormat;
  /** What was measured; absent means `Energy.Active.Import.Register`. */
  measurand?: Measurand;
  /** The phase; absent means the overall value. */
  phase?: Phase;
  /** Where it was measured; absent means `Outlet`. */
  location?: Location;
  /** The unit; absent means `Wh`. */
  unit?: UnitOfMeasure;
}

/**
 * One OCPP 1.6 `MeterValue`: a timestamp and its sampled values.
 *
 * @example
 * ```ts
 * import type { MeterValue } from "./meter_values.ts";
 * const mv: MeterValue = { timestamp: "2026-01-01T00:00:00.000Z", sampledValue: [{ value: "0.00" }] };
 * ```
 */
export interface MeterValue {
  /** ISO 8601 time of the sample. */
  timestamp: string;
  /** At least one sampled value. */
  sampledValue: SampledValue[];
}

/**
 * Result of {@linkcode parseMeasurandList}.
 *
 * @example
 * ```ts
 * import type { MeasurandListResult } from "./meter_values.ts";
 * const r: MeasurandListResult = { ok: false, reason: 'unknown measurand "Foo"' };
 * ```
 */
export type MeasurandListResult =
  | { readonly ok: true; readonly measurands: readonly Measurand[] }
  | { readonly ok: false; readonly reason: string };

const MEASURAND_SET: ReadonlySet<string> = new Set(MEASURANDS);

/**
 * `true` if `name` is one of the 22 OCPP 1.6 measurands (case-sensitive, as the spec spells them).
 *
 * @example
 * ```ts
 * import { isMeasurand } from "./meter_values.ts";
 * console.log(isMeasurand("SoC"), isMeasurand("soc")); // true false
 * ```
 */
export function isMeasurand(name: string): name is Measurand {
  return MEASURAND_SET.has(name);
}

/**
 * Parses a comma-separated measurand list (the value of `MeterValuesSampledData`,
 * `MeterValuesAlignedData`, `StopTxnSampledData`, `StopTxnAlignedData`). Spaces around items are
 * trimmed; an empty or blank string is the empty list; an empty item (`"A,,B"`, trailing comma) or
 * an unknown name fails with a reason. Order is kept; a repeated measurand is kept once.
 *
 * @example
 * ```ts
 * import { parseMeasurandList } from "./meter_values.ts";
 * console.log(parseMeasurandList("Energy.Active.Import.Register, SoC"));
 * // { ok: true, measurands: ["Energy.Active.Import.Register", "SoC"] }
 * console.log(parseMeasurandList("Energy,SoC"));
 * // { ok: false, reason: 'unknown measurand "Energy"' }
 * ```
 */
export function parseMeasurandList(csv: string): MeasurandListResult {
  if (csv.trim() === "") return { ok: true, measurands: [] };
  const measurands: Measurand[] = [];
  for (const raw of csv.split(",")) {
    const item = raw.trim();
    if (item === "") return { ok: false, reason: "empty item in measurand list" };
    if (!isMeasurand(item)) {
      return { ok: false, reason: `unknown measurand ${JSON.stringify(item)}` };
    }
    if (!measurands.includes(item)) measurands.push(item);
  }
  return { ok: true, measurands };
}

/**
 * Formats a reading like libocpp's `double_to_string`: fixed, two decimals (`toFixed(2)`);
 * a negative value that rounds to zero is written `"0.00"`, not `"-0.00"`.
 *
 * @example
 * ```ts
 * import { formatReading } from "./meter_values.ts";
 * console.log(formatReading(1234.5678)); // "1234.57"
 * console.log(formatReading(-0.001)); // "0.00"
 * ```
 */
export function formatReading(value: number): string {
  const s = value.toFixed(2);
  return s === "-0.00" ? "0.00" : s;
}

const LOCATION_BY_LOWER: ReadonlyMap<string, Location> = new Map(
  LOCATIONS.map((l) => [l.toLowerCase(), l]),
);

/**
 * Maps free text to an OCPP `Location`, case-insensitively and ignoring surrounding spaces;
 * `undefined` when it is not one of Body, Cable, EV, Inlet, Outlet.
 *
 * @example
 * ```ts
 * import { toLocation } from "./meter_values.ts";
 * console.log(toLocation("inlet")); // "Inlet"
 * console.log(toLocation("battery")); // undefined
 * ```
 */
export function toLocation(text: string | undefined): Location | undefined {
  return text === undefined ? undefined : LOCATION_BY_LOWER.get(text.trim().toLowerCase());
}

/** What one configured measurand contributes: (phase, value) pairs plus unit/location. */
interface Source {
  readonly unit?: UnitOfMeasure;
  readonly location?: Location;
  readonly readings: readonly (readonly [Phase | undefined, number | undefined])[];
}

function located(
  entry: LocatedValue | undefined,
  unit: UnitOfMeasure | undefined,
): Source[] {
  if (entry === undefined) return [];
  const location = entry.location === undefined ? "EV" : toLocation(entry.location);
  return [{ unit, location, readings: [[undefined, entry.value]] }];
}

function sources(
  measurand: Measurand,
  m: MeasurementData,
  offered: { currentA?: number; powerW?: number } | undefined,
): Source[] {
  const pm = m.powerMeter;
  switch (measurand) {
    case "Energy.Active.Import.Register": {
      const e = pm.energyWhImport;
      return [{
        unit: "Wh",
        location: "Outlet",
        readings: [[undefined, e.total], ["L1", e.L1], ["L2", e.L2], ["L3", e.L3]],
      }];
    }
    case "Energy.Active.Export.Register": {
      const e = pm.energyWhExport;
      if (e === undefined) return [];
      return [{
        unit: "Wh",
        readings: [[undefined, e.total], ["L1", e.L1], ["L2", e.L2], ["L3", e.L3]],
      }];
    }
    case "Power.Active.Import": {
      const p = pm.powerW;
      if (p === undefined) return [];
      return [{
        unit: "W",
        location: "Outlet",
        readings: [[undefined, p.total], ["L1", p.L1], ["L2", p.L2], ["L3", p.L3]],
      }];
    }
    case "Power.Reactive.Import": {
      const q = pm.var;
      if (q === undefined) return [];
      return [{
        unit: "var",
        location: "Outlet",
        readings: [[undefined, q.total], ["L1", q.VARphA], ["L2", q.VARphB], ["L3", q.VARphC]],
      }];
    }
    case "Voltage": {
      const v = pm.voltageV;
      if (v === undefined) return [];
      return [{
        unit: "V",
        location: "Outlet",
        readings: [[undefined, v.DC], ["L1", v.L1], ["L2", v.L2], ["L3", v.L3]],
      }];
    }
    case "Current.Import": {
      const c = pm.currentA;
      if (c === undefined) return [];
      return [{
        unit: "A",
        location: "Outlet",
        readings: [[undefined, c.DC], ["L1", c.L1], ["L2", c.L2], ["L3", c.L3], ["N", c.N]],
      }];
    }
    case "Frequency": {
      const f = pm.frequencyHz;
      if (f === undefined) return [];
      return [{ readings: [["L1", f.L1], ["L2", f.L2], ["L3", f.L3]] }];
    }
    case "Current.Offered":
      return [{ unit: "A", location: "Outlet", readings: [[undefined, offered?.currentA]] }];
    case "Power.Offered":
      return [{ unit: "W", location: "Outlet", readings: [[undefined, offered?.powerW]] }];
    case "SoC":
      return located(m.socPercent, "Percent");
    case "Temperature":
      return (m.temperatureC ?? []).flatMap((t) => located(t, "Celsius"));
    case "RPM":
      return located(m.rpm, undefined);
    default:
      return [];
  }
}

/**
 * Builds the meter value for the configured `measurands` from `measurement` (libocpp
 * `get_latest_meter_value`, see the module doc for the table and the deviations). Returns
 * `undefined` when no sampled value results (then nothing should be sent).
 *
 * @param measurement The latest validated measurement of the connector.
 * @param measurands The configured measurands (e.g. parsed `MeterValuesSampledData`).
 * @param context The reading context of every sampled value.
 * @param offered The latest `onMaxCurrentOffered` (A) / `onMaxPowerOffered` (W) values, if any.
 * @param timestampOverride Use this ISO timestamp instead of the power meter's.
 *
 * @example
 * ```ts
 * import { buildMeterValue } from "./meter_values.ts";
 * const mv = buildMeterValue(
 *   {
 *     powerMeter: {
 *       timestamp: "2026-01-01T00:00:00.000Z",
 *       energyWhImport: { total: 1500, L1: 500 },
 *     },
 *   },
 *   ["Energy.Active.Import.Register", "Power.Active.Import"],
 *   "Sample.Periodic",
 * );
 * console.log(mv?.sampledValue.map((v) => `${v.value} ${v.phase ?? "total"}`));
 * // ["1500.00 total", "500.00 L1"]  (no power: the meter does not provide it)
 * ```
 */
export function buildMeterValue(
  measurement: MeasurementData,
  measurands: readonly string[],
  context: ReadingContext,
  offered?: { currentA?: number; powerW?: number },
  timestampOverride?: string,
): MeterValue | undefined {
  const sampledValue: SampledValue[] = [];
  const seen = new Set<string>();
  for (const name of measurands) {
    if (!isMeasurand(name) || seen.has(name)) continue;
    seen.add(name);
    for (const source of sources(name, measurement, offered)) {
      for (const [phase, value] of source.readings) {
        if (value === undefined || !Number.isFinite(value)) continue;
        const sv: SampledValue = { value: formatReading(value), context, format: "Raw" };
        sv.measurand = name;
        if (phase !== undefined) sv.phase = phase;
        if (source.location !== undefined) sv.location = source.location;
        if (source.unit !== undefined) sv.unit = source.unit;
        sampledValue.push(sv);
      }
    }
  }
  if (sampledValue.length === 0) return undefined;
  return { timestamp: timestampOverride ?? measurement.powerMeter.timestamp, sampledValue };
}
