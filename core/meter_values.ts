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
 * | Power.Active.Import | `powerW` total, L1..L3 where ≥ 0, else 0 | W | Outlet |
 * | Power.Active.Export | −`powerW` total, L1..L3 where `powerW` ≤ 0, else 0 | W | Outlet |
 * | Power.Reactive.Import | `var` total, VARphA/B/C as L1/L2/L3, where ≥ 0, else 0 | var | Outlet |
 * | Power.Reactive.Export | −`var` (as above) where `var` ≤ 0, else 0 | var | Outlet |
 * | Voltage | `voltageV`: total = `DC`, L1..L3 | V | Outlet |
 * | Current.Import | `currentA`: total = `DC`, L1..L3, N | A | Outlet |
 * | Frequency | `frequencyHz` L1..L3 (no total) | (none) | (none) |
 * | Current.Offered / Power.Offered | `offered.currentA` / `offered.powerW` | A / W | Outlet |
 * | SoC | `socPercent` | Percent | entry's, else EV |
 * | Temperature | one per `temperatureC` entry | Celsius | entry's, else none |
 * | RPM | `rpm` | (none) | entry's, else none |
 * | all others | not produced (and refused by {@linkcode validateMeasurandKey}) | | |
 *
 * A configured item is a measurand (its total and every phase the measurement has, like libocpp)
 * or, as OCPP 1.6 §9.1 allows ("Where applicable, the Measurand is combined with the optional
 * phase; for instance: Voltage.L1"), a measurand with one phase: `Current.Import.L2` gives only
 * the L2 current. {@linkcode SUPPORTED_READINGS} lists what can be produced.
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
 * - **Power flows by direction, never negative**: the firmware's `powerW` (and `var`) is negative
 *   when power flows out of the EV, i.e. to the grid. OCPP 1.6 has a measurand per direction
 *   ("Power.Active.Export: instantaneous active power exported by EV"), so a negative reading is
 *   `Power.Active.Export` with the positive value and `Power.Active.Import` 0 (per phase as
 *   well: one phase may import while another exports), and the other way round. libocpp sends
 *   `Power.Active.Import` with the sign and no export measurand (nor any reactive one).
 * - **Temperature and RPM without a location carry none** (OCPP's default, `Outlet`): libocpp
 *   does so for Temperature; for RPM it writes `EV`, but the OCPP 1.6 compliance test (TC_070)
 *   expects location `EV` only for SoC, and a fan or a housing sensor is not in the EV.
 * - **Locations** given as free text (SoC, Temperature, RPM) are matched case-insensitively against
 *   the OCPP `Location` enum (Body, Cable, EV, Inlet, Outlet) and spelled canonically; any other
 *   text is dropped (libocpp throws on an unknown location string). Absent → `EV` like libocpp.
 * - **RPM has no unit**: OCPP 1.6 `UnitOfMeasure` has none for revolutions per minute.
 * - **Temperature is one sampled value per `temperatureC` entry**, in array order.
 * - Unknown or repeated items in the configured list are ignored (a repeated reading is emitted
 *   once); {@linkcode parseMeasurandList} rejects unknown names, {@linkcode validateMeasurandKey}
 *   also what this library can never produce (for ChangeConfiguration).
 *
 * @module
 */
import type { LocatedValue, MeasurementData } from "../events/measurement.ts";
import { TWO_DIGITS } from "./iso_time.ts";

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
  | { readonly ok: true; readonly measurands: readonly MeasurandItem[] }
  | { readonly ok: false; readonly reason: string };

/**
 * One item of a measurand list: a measurand, or a measurand with a phase (`"Voltage.L1"`,
 * OCPP 1.6 §9.1 `MeterValuesSampledData`).
 *
 * @example
 * ```ts
 * import type { MeasurandItem } from "./meter_values.ts";
 * const items: MeasurandItem[] = ["Energy.Active.Import.Register", "Current.Import.L1"];
 * ```
 */
export type MeasurandItem = Measurand | `${Measurand}.${Phase}`;

const MEASURAND_SET: ReadonlySet<string> = new Set(MEASURANDS);
const PHASE_SET: ReadonlySet<string> = new Set(PHASES);

/**
 * Splits a measurand list item into its measurand and optional phase; `undefined` when it is
 * neither a measurand nor a measurand followed by `.` and an OCPP phase.
 *
 * @example
 * ```ts
 * import { parseMeasurandItem } from "./meter_values.ts";
 * console.log(parseMeasurandItem("Current.Import.L2")); // { measurand: "Current.Import", phase: "L2" }
 * console.log(parseMeasurandItem("Voltage")); // { measurand: "Voltage" }
 * console.log(parseMeasurandItem("Voltage.L4")); // undefined
 * ```
 */
export function parseMeasurandItem(
  item: string,
): { readonly measurand: Measurand; readonly phase?: Phase } | undefined {
  if (isMeasurand(item)) return { measurand: item };
  const dot = item.lastIndexOf(".");
  if (dot < 0) return undefined;
  const measurand = item.slice(0, dot);
  const phase = item.slice(dot + 1);
  if (!isMeasurand(measurand) || !PHASE_SET.has(phase)) return undefined;
  return { measurand, phase: phase as Phase };
}

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
 * `MeterValuesAlignedData`, `StopTxnSampledData`, `StopTxnAlignedData`). An item is a measurand
 * or a measurand with a phase (`Voltage.L1`, see {@linkcode parseMeasurandItem}). Spaces around
 * items are trimmed; an empty or blank string is the empty list; an empty item (`"A,,B"`,
 * trailing comma) or an unknown name fails with a reason. Order is kept; a repeated item is kept
 * once. Whether the library can produce an item is checked by {@linkcode validateMeasurandKey}.
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
  const measurands: MeasurandItem[] = [];
  for (const raw of csv.split(",")) {
    const item = raw.trim();
    if (item === "") return { ok: false, reason: "empty item in measurand list" };
    if (parseMeasurandItem(item) === undefined) {
      return { ok: false, reason: `unknown measurand ${JSON.stringify(item)}` };
    }
    if (!measurands.includes(item as MeasurandItem)) measurands.push(item as MeasurandItem);
  }
  return { ok: true, measurands };
}

/**
 * The readings this library can produce, by measurand: `"total"` for the value without a phase,
 * else the phases (see the module table). Measurands not listed are never produced.
 *
 * @example
 * ```ts
 * import { SUPPORTED_READINGS } from "./meter_values.ts";
 * console.log(SUPPORTED_READINGS.Frequency); // ["L1", "L2", "L3"]
 * console.log(SUPPORTED_READINGS["Power.Factor"]); // undefined
 * ```
 */
export const SUPPORTED_READINGS: Readonly<
  Partial<Record<Measurand, readonly ("total" | Phase)[]>>
> = {
  "Energy.Active.Import.Register": ["total", "L1", "L2", "L3"],
  "Energy.Active.Export.Register": ["total", "L1", "L2", "L3"],
  "Power.Active.Import": ["total", "L1", "L2", "L3"],
  "Power.Active.Export": ["total", "L1", "L2", "L3"],
  "Power.Reactive.Import": ["total", "L1", "L2", "L3"],
  "Power.Reactive.Export": ["total", "L1", "L2", "L3"],
  "Voltage": ["total", "L1", "L2", "L3"],
  "Current.Import": ["total", "L1", "L2", "L3", "N"],
  "Frequency": ["L1", "L2", "L3"],
  "Current.Offered": ["total"],
  "Power.Offered": ["total"],
  "SoC": ["total"],
  "Temperature": ["total"],
  "RPM": ["total"],
};

/**
 * Validates the value of a measurand list key (`MeterValuesSampledData`, `MeterValuesAlignedData`,
 * `StopTxnSampledData`, `StopTxnAlignedData`) for ChangeConfiguration: the syntax of
 * {@linkcode parseMeasurandList}, every item producible by this library
 * ({@linkcode SUPPORTED_READINGS}: `Power.Factor` or `Voltage.L1-N` would never be sent, so they
 * are refused rather than silently missing), and at most `maxItems` items (the key's
 * `…MaxLength`, when configured). Gives the normalised value (items trimmed, repeats removed,
 * joined with `,`) or the reason of the refusal.
 *
 * @example
 * ```ts
 * import { validateMeasurandKey } from "./meter_values.ts";
 * console.log(validateMeasurandKey(" SoC , Voltage.L1"));
 * // { ok: true, value: "SoC,Voltage.L1" }
 * console.log(validateMeasurandKey("Power.Factor"));
 * // { ok: false, reason: 'measurand "Power.Factor" is not supported by this charge point' }
 * console.log(validateMeasurandKey("SoC,Voltage", 1));
 * // { ok: false, reason: "2 items, at most 1 allowed" }
 * ```
 */
export function validateMeasurandKey(
  value: string,
  maxItems?: number,
):
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly reason: string } {
  const parsed = parseMeasurandList(value);
  if (!parsed.ok) return parsed;
  for (const item of parsed.measurands) {
    const { measurand, phase } = parseMeasurandItem(item)!;
    const supported = SUPPORTED_READINGS[measurand];
    if (supported === undefined) {
      return {
        ok: false,
        reason: `measurand ${JSON.stringify(measurand)} is not supported by this charge point`,
      };
    }
    if (phase !== undefined && !supported.includes(phase)) {
      return {
        ok: false,
        reason: `phase ${phase} of ${measurand} is not supported by this charge point (${
          supported.filter((p) => p !== "total").join(", ") || "no phases"
        })`,
      };
    }
  }
  if (maxItems !== undefined && parsed.measurands.length > maxItems) {
    return { ok: false, reason: `${parsed.measurands.length} items, at most ${maxItems} allowed` };
  }
  return { ok: true, value: parsed.measurands.join(",") };
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
  // A safe integer's digits are exact: what toFixed writes before ".00" (and -0 gives "0").
  if (Number.isSafeInteger(value)) return `${value}.00`;
  const magnitude = Math.abs(value);
  const scaled = magnitude * 100;
  if (scaled < FAST_SCALED_LIMIT) {
    // Below 2^32, `scaled` is within 2^-21 of the exact product: unless its fraction is near
    // one half, it rounds to the same number of cents as toFixed, which rounds the exact value.
    const floor = Math.floor(scaled);
    const fraction = scaled - floor;
    if (fraction < 0.5 - TIE_MARGIN || fraction > 0.5 + TIE_MARGIN) {
      const cents = fraction < 0.5 ? floor : floor + 1;
      if (cents === 0) return "0.00";
      const rest = cents % 100;
      return `${value < 0 ? "-" : ""}${(cents - rest) / 100}.${TWO_DIGITS[rest]}`;
    }
  }
  const s = value.toFixed(2);
  return s === "-0.00" ? "0.00" : s;
}

/** Readings × 100 below this are rounded without `toFixed` (see {@linkcode formatReading}). */
const FAST_SCALED_LIMIT = 2 ** 32;
/** How close to a tie (x.5 cents) a reading goes to `toFixed`: far above the error (2^-21). */
const TIE_MARGIN = 1e-4;

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

/**
 * The labels of the readings one measurand gives from one source: unit, location and the phase
 * of each value (`undefined` for the total). Shapes are constants (one per source and location),
 * so the JSON text of what follows a value is worked out once per shape, measurand and context.
 */
interface Shape {
  readonly unit?: UnitOfMeasure;
  readonly location?: Location;
  readonly phases: readonly (Phase | undefined)[];
}

const TOTAL_AND_PHASES = [undefined, "L1", "L2", "L3"] as const;
const ENERGY_IMPORT: Shape = { unit: "Wh", location: "Outlet", phases: TOTAL_AND_PHASES };
const ENERGY_EXPORT: Shape = { unit: "Wh", phases: TOTAL_AND_PHASES };
const POWER: Shape = { unit: "W", location: "Outlet", phases: TOTAL_AND_PHASES };
const REACTIVE: Shape = { unit: "var", location: "Outlet", phases: TOTAL_AND_PHASES };
const VOLTAGE: Shape = { unit: "V", location: "Outlet", phases: TOTAL_AND_PHASES };
const CURRENT: Shape = { unit: "A", location: "Outlet", phases: [...TOTAL_AND_PHASES, "N"] };
const FREQUENCY: Shape = { phases: ["L1", "L2", "L3"] };
const CURRENT_OFFERED: Shape = { unit: "A", location: "Outlet", phases: [undefined] };
const POWER_OFFERED: Shape = { unit: "W", location: "Outlet", phases: [undefined] };

/** The single-value shapes of `unit` by location (SoC, Temperature, RPM). */
const locatedShapes = new Map<UnitOfMeasure | undefined, Map<Location | undefined, Shape>>();

function locatedShape(unit: UnitOfMeasure | undefined, location: Location | undefined): Shape {
  let byLocation = locatedShapes.get(unit);
  if (byLocation === undefined) locatedShapes.set(unit, byLocation = new Map());
  let shape = byLocation.get(location);
  if (shape === undefined) {
    shape = {
      ...(unit === undefined ? {} : { unit }),
      ...(location === undefined ? {} : { location }),
      phases: [undefined],
    };
    byLocation.set(location, shape);
  }
  return shape;
}

/** The imported part of a signed power reading (positive into the EV): the value where ≥ 0. */
function imported(v: number | undefined): number | undefined {
  return v === undefined ? undefined : Math.max(0, v);
}

/** The exported part of a signed power reading: minus the value where ≤ 0, else 0. */
function exported(v: number | undefined): number | undefined {
  return v === undefined ? undefined : Math.max(0, -v);
}

/**
 * The sampled values of one meter value as they are built, with their JSON text: the readings
 * of each configured measurand are added one by one, straight from the measurement.
 */
class MeterValueBuilder {
  readonly values: SampledValue[] = [];
  /**
   * The JSON text of `values`, comma-separated, less the tail of the last one: each value is
   * added as two pieces, the tail of the one before joined with the opening of the next (a
   * constant) and its digits.
   */
  #head = "";
  /** The tail of the last value added (see {@linkcode tailsOf}). */
  #tail = "";
  /** The same followed by `,{"value":"`; before the first value, `{"value":"`. */
  #tailOpen = VALUE_OPEN;
  readonly #context: ReadingContext;
  #measurand: Measurand = "Energy.Active.Import.Register";
  #phases: "all" | ReadonlySet<Phase> = "all";
  #shape: Shape | undefined;
  #tails: Tails = { close: [], closeOpen: [] };

  constructor(context: ReadingContext) {
    this.#context = context;
  }

  /** The readings added next are of `measurand`, keeping those of `phases`. */
  select(measurand: Measurand, phases: "all" | ReadonlySet<Phase>): void {
    this.#measurand = measurand;
    this.#phases = phases;
    this.#shape = undefined;
  }

  /** Adds reading `i` of `shape` (its phase is `shape.phases[i]`), unless absent or not selected. */
  add(shape: Shape, i: number, reading: number | undefined): void {
    if (reading === undefined || !Number.isFinite(reading)) return;
    const phase = shape.phases[i];
    const phases = this.#phases;
    if (phases !== "all" && (phase === undefined || !phases.has(phase))) return;
    if (shape !== this.#shape) {
      this.#shape = shape;
      this.#tails = tailsOf(shape, this.#measurand, this.#context);
    }
    // Digits, sign, point (or an exponent): JSON text without escaping.
    const value = formatReading(reading);
    this.values.push(sampledValue(value, this.#context, this.#measurand, phase, shape));
    this.#head = this.#head + this.#tailOpen + value;
    this.#tail = this.#tails.close[i];
    this.#tailOpen = this.#tails.closeOpen[i];
  }

  /** The JSON text of `values`, comma-separated. */
  get text(): string {
    return this.#head + this.#tail;
  }

  /** Adds a total and up to three phases (the order of `TOTAL_AND_PHASES`). */
  addPhases(
    shape: Shape,
    total: number | undefined,
    l1: number | undefined,
    l2: number | undefined,
    l3: number | undefined,
  ): void {
    this.add(shape, 0, total);
    this.add(shape, 1, l1);
    this.add(shape, 2, l2);
    this.add(shape, 3, l3);
  }

  /** Adds a located value (SoC, Temperature, RPM) with the location given or `fallback`. */
  addLocated(
    entry: LocatedValue | undefined,
    unit: UnitOfMeasure | undefined,
    fallback: Location | undefined,
  ): void {
    if (entry === undefined) return;
    const location = entry.location === undefined ? fallback : toLocation(entry.location);
    this.add(locatedShape(unit, location), 0, entry.value);
  }
}

/** Adds the readings of `measurand` that `m` (and `offered`) give to `b`. */
function addReadings(
  b: MeterValueBuilder,
  measurand: Measurand,
  m: MeasurementData,
  offered: { currentA?: number; powerW?: number } | undefined,
): void {
  const pm = m.powerMeter;
  switch (measurand) {
    case "Energy.Active.Import.Register": {
      const e = pm.energyWhImport;
      b.addPhases(ENERGY_IMPORT, e.total, e.L1, e.L2, e.L3);
      return;
    }
    case "Energy.Active.Export.Register": {
      const e = pm.energyWhExport;
      if (e !== undefined) b.addPhases(ENERGY_EXPORT, e.total, e.L1, e.L2, e.L3);
      return;
    }
    case "Power.Active.Import":
    case "Power.Active.Export": {
      const p = pm.powerW;
      if (p === undefined) return;
      const part = measurand === "Power.Active.Import" ? imported : exported;
      b.addPhases(POWER, part(p.total), part(p.L1), part(p.L2), part(p.L3));
      return;
    }
    case "Power.Reactive.Import":
    case "Power.Reactive.Export": {
      const q = pm.var;
      if (q === undefined) return;
      const part = measurand === "Power.Reactive.Import" ? imported : exported;
      b.addPhases(REACTIVE, part(q.total), part(q.VARphA), part(q.VARphB), part(q.VARphC));
      return;
    }
    case "Voltage": {
      const v = pm.voltageV;
      if (v !== undefined) b.addPhases(VOLTAGE, v.DC, v.L1, v.L2, v.L3);
      return;
    }
    case "Current.Import": {
      const c = pm.currentA;
      if (c === undefined) return;
      b.addPhases(CURRENT, c.DC, c.L1, c.L2, c.L3);
      b.add(CURRENT, 4, c.N);
      return;
    }
    case "Frequency": {
      const f = pm.frequencyHz;
      if (f === undefined) return;
      b.add(FREQUENCY, 0, f.L1);
      b.add(FREQUENCY, 1, f.L2);
      b.add(FREQUENCY, 2, f.L3);
      return;
    }
    case "Current.Offered":
      b.add(CURRENT_OFFERED, 0, offered?.currentA);
      return;
    case "Power.Offered":
      b.add(POWER_OFFERED, 0, offered?.powerW);
      return;
    case "SoC":
      b.addLocated(m.socPercent, "Percent", "EV");
      return;
    case "Temperature":
      for (const t of m.temperatureC ?? []) b.addLocated(t, "Celsius", undefined);
      return;
    case "RPM":
      b.addLocated(m.rpm, undefined, undefined);
      return;
  }
}

/** What a list of configured items selects, by measurand in the order of first appearance. */
type Selection = ReadonlyMap<Measurand, "all" | ReadonlySet<Phase>>;

/** Selections by list (the lists of the configuration are parsed once and kept). */
const selections = new WeakMap<readonly string[], Selection>();

function selectionOf(measurands: readonly string[]): Selection {
  let selected = selections.get(measurands);
  if (selected !== undefined) return selected;
  // Every reading ("all") or the listed phases ("total" is never selected alone: a bare
  // measurand means all readings).
  const map = new Map<Measurand, "all" | Set<Phase>>();
  for (const item of measurands) {
    const parsed = parseMeasurandItem(item);
    if (parsed === undefined) continue;
    const { measurand, phase } = parsed;
    const current = map.get(measurand);
    if (phase === undefined) map.set(measurand, "all");
    else if (current === undefined) map.set(measurand, new Set([phase]));
    else if (current !== "all") current.add(phase);
  }
  selections.set(measurands, selected = map);
  return selected;
}

function sampledValue(
  value: string,
  context: ReadingContext,
  measurand: Measurand,
  phase: Phase | undefined,
  shape: Shape,
): SampledValue {
  // One literal per set of keys (always in this order): each is built in one allocation.
  const { location, unit } = shape;
  if (phase === undefined) {
    if (location === undefined) {
      return unit === undefined
        ? { value, context, format: "Raw", measurand }
        : { value, context, format: "Raw", measurand, unit };
    }
    return unit === undefined
      ? { value, context, format: "Raw", measurand, location }
      : { value, context, format: "Raw", measurand, location, unit };
  }
  if (location === undefined) {
    return unit === undefined
      ? { value, context, format: "Raw", measurand, phase }
      : { value, context, format: "Raw", measurand, phase, unit };
  }
  return unit === undefined
    ? { value, context, format: "Raw", measurand, phase, location }
    : { value, context, format: "Raw", measurand, phase, location, unit };
}

/** `{"value":"` : every sampled value built here starts so. */
const VALUE_OPEN = '{"value":"';

/** The JSON text after each value of a shape (from its closing quote). */
interface Tails {
  /** By phase index, up to the end of the sampled value. */
  readonly close: readonly string[];
  /** The same followed by the opening of a next sampled value, `,{"value":"`. */
  readonly closeOpen: readonly string[];
}

/** The tails of each shape, by context and measurand. */
const tails = new Map<Shape, Map<ReadingContext, Map<Measurand, Tails>>>();

function tailsOf(shape: Shape, measurand: Measurand, context: ReadingContext): Tails {
  let byContext = tails.get(shape);
  if (byContext === undefined) tails.set(shape, byContext = new Map());
  let byMeasurand = byContext.get(context);
  if (byMeasurand === undefined) byContext.set(context, byMeasurand = new Map());
  let texts = byMeasurand.get(measurand);
  if (texts === undefined) {
    // The text of the sampled value with an empty value, less `{"value":"`: exactly what
    // JSON.stringify writes after any value that needs no escaping.
    const close = shape.phases.map((phase) =>
      JSON.stringify(sampledValue("", context, measurand, phase, shape)).slice(VALUE_OPEN.length)
    );
    texts = { close, closeOpen: close.map((tail) => `${tail},${VALUE_OPEN}`) };
    byMeasurand.set(measurand, texts);
  }
  return texts;
}

/**
 * The meter values built last, with the JSON text of each of their sampled values: a meter value
 * is mostly encoded right after it is built (a sample goes out in the same step), so a few
 * suffice. Found by identity. Like all state, a meter value is never changed in place; one whose
 * list of sampled values was replaced or grown since is encoded anew.
 */
const RECENT = 16;

/** A meter value built here, with what it was built with and the text of each sampled value. */
interface Built {
  readonly meterValue: MeterValue;
  readonly sampledValue: readonly SampledValue[];
  readonly length: number;
  /** The JSON text of the sampled values, comma-separated (without the brackets). */
  readonly text: string;
}

const recent: (Built | undefined)[] = new Array(RECENT).fill(undefined);
let recentNext = 0;

function remember(meterValue: MeterValue, text: string): void {
  const { sampledValue } = meterValue;
  recent[recentNext] = { meterValue, sampledValue, length: sampledValue.length, text };
  recentNext = (recentNext + 1) % RECENT;
}

/**
 * `JSON.stringify(meterValue)`. One of the last 16 meter values {@linkcode buildMeterValue} built
 * is put together from the texts of its sampled values, written while it was built (the periodic
 * samples are most of what a charge point sends); any other by `JSON.stringify`.
 *
 * @example
 * ```ts
 * import { buildMeterValue, meterValueJson } from "./meter_values.ts";
 * const mv = buildMeterValue(
 *   { powerMeter: { timestamp: "2026-01-01T00:00:00.000Z", energyWhImport: { total: 15 } } },
 *   ["Energy.Active.Import.Register"],
 *   "Sample.Periodic",
 * )!;
 * console.log(meterValueJson(mv) === JSON.stringify(mv)); // true
 * ```
 */
export function meterValueJson(meterValue: MeterValue): string {
  let built: Built | undefined;
  for (const b of recent) if (b?.meterValue === meterValue) built = b;
  const values = meterValue.sampledValue;
  if (built === undefined || built.sampledValue !== values || built.length !== values.length) {
    return JSON.stringify(meterValue);
  }
  return `{"timestamp":${JSON.stringify(meterValue.timestamp)},"sampledValue":[${built.text}]}`;
}

function isObjectArray(value: unknown): value is MeterValue[] {
  return Array.isArray(value) && value.every((v) => typeof v === "object" && v !== null);
}

/**
 * `JSON.stringify(payload)` for a MeterValues (or StopTransaction) payload, writing its meter
 * values with {@linkcode meterValueJson}; every other field is encoded by `JSON.stringify`.
 *
 * @example
 * ```ts
 * import { meterValuesPayloadJson } from "./meter_values.ts";
 * const payload = { connectorId: 1, meterValue: [{ timestamp: "2026-01-01T00:00:00.000Z", sampledValue: [{ value: "1.00" }] }] };
 * console.log(meterValuesPayloadJson(payload) === JSON.stringify(payload)); // true
 * ```
 */
export function meterValuesPayloadJson(payload: Readonly<Record<string, unknown>>): string {
  let out = "";
  for (const key of Object.keys(payload)) {
    const value = payload[key];
    if (value === undefined) continue; // as JSON.stringify
    const text = (key === "meterValue" || key === "transactionData") && isObjectArray(value)
      ? `[${value.map(meterValueJson).join(",")}]`
      : JSON.stringify(value);
    out += `${out === "" ? "" : ","}${JSON.stringify(key)}:${text}`;
  }
  return `{${out}}`;
}

/**
 * Builds the meter value for the configured `measurands` from `measurement` (libocpp
 * `get_latest_meter_value`, see the module doc for the table and the deviations). Returns
 * `undefined` when no sampled value results (then nothing should be sent).
 *
 * @param measurement The latest validated measurement of the connector.
 * @param measurands The configured items (e.g. parsed `MeterValuesSampledData`): measurands, or
 *   measurands with a phase (`"Current.Import.L1"`) to select one phase; unknown items are ignored.
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
  const b = new MeterValueBuilder(context);
  for (const [name, phases] of selectionOf(measurands)) {
    b.select(name, phases);
    addReadings(b, name, measurement, offered);
  }
  if (b.values.length === 0) return undefined;
  const timestamp = timestampOverride ?? measurement.powerMeter.timestamp;
  const meterValue: MeterValue = { timestamp, sampledValue: b.values };
  remember(meterValue, b.text);
  return meterValue;
}
