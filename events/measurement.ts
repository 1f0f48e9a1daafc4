/**
 * Schemas of what the firmware reports: a power-meter {@linkcode Measurement} (libocpp
 * `Measurement`, for `onMeterValues`) and an {@linkcode ErrorInfo} (libocpp `ErrorInfo`, for
 * `onError`).
 *
 * Every object is strict: an unknown key (a firmware typo such as `enrgyWhImport`) is rejected with
 * a message naming the key and the allowed keys. Numbers must be finite (zod 4 rejects `NaN` and
 * `±Infinity`). Energy registers (`energyWhImport`, `energyWhExport`, every phase) must be ≥ 0;
 * `socPercent.value` must be within 0..100. Power, current and reactive power may be negative
 * (power: flowing out of the EV, see `powerW`).
 *
 * Timestamps accept a valid `Date` or an RFC 3339 date-time string with any offset
 * (`2026-01-01T12:00:00+02:00`, seconds required, no offset-less local times) and are normalised
 * to an ISO UTC string (`2026-01-01T10:00:00.000Z`, millisecond precision).
 *
 * The input types ({@linkcode Measurement}, {@linkcode ErrorInfo}) are what firmware passes; the
 * output types ({@linkcode MeasurementData}, {@linkcode ErrorInfoData}) are what is stored in
 * events. They are written out as interfaces (so `mod.ts` can export them without exposing zod) and
 * checked at compile time to be exactly `z.input` / `z.output` of the schemas; the exported schemas
 * are typed `z.ZodType<Output, Input>` with them. The schemas are for the event vocabulary; do not
 * re-export them from `mod.ts` (`deno doc --lint` rejects zod types in the public API).
 *
 * @module
 */
import { z } from "../core/deps.ts";
import {
  CHARGE_POINT_ERROR_CODES,
  type ChargePointErrorCode,
  ERROR_INFO_MAX_LENGTHS,
  truncate,
} from "../core/connector_fsm.ts";

/** `z.strictObject` whose unknown-key message names the offending and the allowed keys. */
function strict<S extends z.core.$ZodShape>(shape: S) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown key${issue.keys.length > 1 ? "s" : ""} ${
          issue.keys.map((k) => JSON.stringify(k)).join(", ")
        } (allowed: ${allowed})`
        : undefined,
  });
}

const TIMESTAMP_MESSAGE =
  "expected a valid Date or an RFC 3339 date-time string with offset, e.g. 2026-01-01T12:00:00Z";

const dateSchema = z.date({ error: TIMESTAMP_MESSAGE }).refine((d) => {
  const y = d.getUTCFullYear();
  return y >= 0 && y <= 9999;
}, { error: "timestamp year must be within 0000..9999" });

/**
 * A point in time: a `Date` or an RFC 3339 string with offset, normalised to ISO UTC `...Z`.
 */
/** Already canonical (UTC, milliseconds): kept as is, which keeps replaying stored events cheap. */
const CANONICAL_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const timestampSchema = z
  .union([z.iso.datetime({ offset: true, error: TIMESTAMP_MESSAGE }), dateSchema], {
    error: TIMESTAMP_MESSAGE,
  })
  .transform((v) =>
    typeof v === "string" && CANONICAL_TIMESTAMP.test(v)
      ? v
      : (typeof v === "string" ? new Date(v) : v).toISOString()
  );

const num = z.number({ error: "expected a finite number" });
const energy = num.min(0, { error: "an energy register cannot be negative" });

/** See the exported, typed schema below. */
const phasesObject = strict({
  total: num,
  L1: num.optional(),
  L2: num.optional(),
  L3: num.optional(),
});

const energyPhasesSchema = strict({
  total: energy,
  L1: energy.optional(),
  L2: energy.optional(),
  L3: energy.optional(),
});

const locatedValue = strict({ value: num, location: z.string().optional() });

const powerMeterSchema = strict({
  timestamp: timestampSchema,
  energyWhImport: energyPhasesSchema,
  meterId: z.string().optional(),
  phaseSeqError: z.boolean().optional(),
  energyWhExport: energyPhasesSchema.optional(),
  powerW: phasesObject.optional(),
  voltageV: strict({
    DC: num.optional(),
    L1: num.optional(),
    L2: num.optional(),
    L3: num.optional(),
  }).optional(),
  var: strict({
    total: num,
    VARphA: num.optional(),
    VARphB: num.optional(),
    VARphC: num.optional(),
  }).optional(),
  currentA: strict({
    DC: num.optional(),
    L1: num.optional(),
    L2: num.optional(),
    L3: num.optional(),
    N: num.optional(),
  }).optional(),
  frequencyHz: strict({ L1: num, L2: num.optional(), L3: num.optional() }).optional(),
});

/** See the exported, typed schema below. */
const measurementObject = strict({
  powerMeter: powerMeterSchema,
  socPercent: strict({
    value: num.min(0, { error: "SoC is a percentage (0..100)" }).max(100, {
      error: "SoC is a percentage (0..100)",
    }),
    location: z.string().optional(),
  }).optional(),
  temperatureC: z.array(locatedValue).optional(),
  rpm: locatedValue.optional(),
});

const limited = (max: number) => z.string().transform((s) => truncate(s, max));

/** See the exported, typed schema below. */
const errorInfoObject = strict({
  uuid: z.string({ error: "expected a string" }).min(1, { error: "uuid must not be empty" }),
  errorCode: z.enum(CHARGE_POINT_ERROR_CODES, {
    error: `expected an OCPP 1.6 ChargePointErrorCode: ${
      CHARGE_POINT_ERROR_CODES.filter((c) => c !== "NoError").join(", ")
    }`,
  }).refine((c) => c !== "NoError", {
    error:
      '"NoError" is not an error; clear errors with onErrorCleared(uuid) or onAllErrorsCleared()',
  }),
  isFault: z.boolean(),
  info: limited(ERROR_INFO_MAX_LENGTHS.info).optional(),
  vendorId: limited(ERROR_INFO_MAX_LENGTHS.vendorId).optional(),
  vendorErrorCode: limited(ERROR_INFO_MAX_LENGTHS.vendorErrorCode).optional(),
  timestamp: timestampSchema.optional(),
});

/**
 * A total and optional per-phase values (libocpp `Powermeter` sub-structure).
 *
 * @example
 * ```ts
 * import type { Phases } from "./measurement.ts";
 * const p: Phases = { total: 11000, L1: 3666, L2: 3667, L3: 3667 };
 * ```
 */
export interface Phases {
  /** Sum over all phases. */
  total: number;
  /** Phase L1. */
  L1?: number;
  /** Phase L2. */
  L2?: number;
  /** Phase L3. */
  L3?: number;
}

/**
 * A located value (SoC, temperature, RPM): `location` is free text; when building MeterValues it
 * is mapped (case-insensitively) to an OCPP `Location` (Body, Cable, EV, Inlet, Outlet) or dropped.
 *
 * @example
 * ```ts
 * import type { LocatedValue } from "./measurement.ts";
 * const t: LocatedValue = { value: 41.5, location: "Body" };
 * ```
 */
export interface LocatedValue {
  /** The value. */
  value: number;
  /** Where it was measured. */
  location?: string;
}

/**
 * Power-meter readings with the timestamp as given by the firmware (input side).
 *
 * @example
 * ```ts
 * import type { PowerMeter } from "./measurement.ts";
 * const pm: PowerMeter = { timestamp: new Date(0), energyWhImport: { total: 0 } };
 * ```
 */
export interface PowerMeter {
  /** When the meter was read: a `Date` or an RFC 3339 string with offset. */
  timestamp: Date | string;
  /** Imported active energy register in Wh (≥ 0). */
  energyWhImport: Phases;
  /** Meter identification. */
  meterId?: string;
  /** The meter detected a phase sequence error. */
  phaseSeqError?: boolean;
  /** Exported active energy register in Wh (≥ 0). */
  energyWhExport?: Phases;
  /**
   * Active power in W, positive into the EV, negative when the EV feeds power back (reported as
   * `Power.Active.Export`, positive; `Power.Active.Import` is then 0), per phase likewise.
   */
  powerW?: Phases;
  /** Voltage in V; `DC` is reported as the total. */
  voltageV?: { DC?: number; L1?: number; L2?: number; L3?: number };
  /**
   * Reactive power in var, per phase A/B/C = L1/L2/L3; like `powerW`, negative values are
   * reported as `Power.Reactive.Export`.
   */
  var?: { total: number; VARphA?: number; VARphB?: number; VARphC?: number };
  /** Current in A; `DC` is reported as the total, `N` is the neutral conductor. */
  currentA?: { DC?: number; L1?: number; L2?: number; L3?: number; N?: number };
  /** Grid frequency in Hz per phase. */
  frequencyHz?: { L1: number; L2?: number; L3?: number };
}

/**
 * {@linkcode PowerMeter} as stored in events: the timestamp is an ISO UTC string.
 *
 * @example
 * ```ts
 * import type { PowerMeterData } from "./measurement.ts";
 * const pm: PowerMeterData = { timestamp: "2026-01-01T00:00:00.000Z", energyWhImport: { total: 0 } };
 * ```
 */
export interface PowerMeterData extends Omit<PowerMeter, "timestamp"> {
  /** ISO 8601 UTC time (`...Z`) the meter was read. */
  timestamp: string;
}

/**
 * What the firmware passes to `onMeterValues` (libocpp `Measurement`, camelCase).
 *
 * @example
 * ```ts
 * import type { Measurement } from "./measurement.ts";
 * const m: Measurement = {
 *   powerMeter: { timestamp: new Date(), energyWhImport: { total: 12345 }, powerW: { total: 7200 } },
 *   socPercent: { value: 42 },
 * };
 * ```
 */
export interface Measurement {
  /** The power meter readings. */
  powerMeter: PowerMeter;
  /** State of charge of the EV in percent (0..100). */
  socPercent?: LocatedValue;
  /** Temperatures in °C, one entry per sensor. */
  temperatureC?: LocatedValue[];
  /** Fan speed or similar, in revolutions per minute. */
  rpm?: LocatedValue;
}

/**
 * A {@linkcode Measurement} after validation, as stored in events.
 *
 * @example
 * ```ts
 * import type { MeasurementData } from "./measurement.ts";
 * const m: MeasurementData = {
 *   powerMeter: { timestamp: "2026-01-01T00:00:00.000Z", energyWhImport: { total: 12345 } },
 * };
 * ```
 */
export interface MeasurementData extends Omit<Measurement, "powerMeter"> {
  /** The power meter readings with a normalised timestamp. */
  powerMeter: PowerMeterData;
}

/**
 * What the firmware passes to `onError` (libocpp `ErrorInfo`, camelCase).
 *
 * @example
 * ```ts
 * import type { ErrorInfo } from "./measurement.ts";
 * const e: ErrorInfo = { uuid: "lock-1", errorCode: "ConnectorLockFailure", isFault: true };
 * ```
 */
export interface ErrorInfo {
  /** Identifies the error for `onErrorCleared`; non-empty. */
  uuid: string;
  /** The OCPP error code; `NoError` is rejected. */
  errorCode: ChargePointErrorCode;
  /** `true` makes the connector report `Faulted` while the error is active. */
  isFault: boolean;
  /** Free text, truncated to 50 characters. */
  info?: string;
  /** Vendor identifier, truncated to 255 characters. */
  vendorId?: string;
  /** Vendor-specific error code, truncated to 50 characters. */
  vendorErrorCode?: string;
  /** When the error occurred; absent = when the handler was called. */
  timestamp?: Date | string;
}

/**
 * An {@linkcode ErrorInfo} after validation, as stored in events: strings truncated, timestamp (if
 * any) an ISO UTC string, `errorCode` not `NoError`.
 *
 * @example
 * ```ts
 * import type { ErrorInfoData } from "./measurement.ts";
 * const e: ErrorInfoData = { uuid: "lock-1", errorCode: "ConnectorLockFailure", isFault: true };
 * ```
 */
export interface ErrorInfoData extends Omit<ErrorInfo, "timestamp" | "errorCode"> {
  /** The OCPP error code, never `NoError`. */
  errorCode: Exclude<ChargePointErrorCode, "NoError">;
  /** ISO 8601 UTC time (`...Z`). */
  timestamp?: string;
}

// Compile-time proof that the interfaces are exactly the schemas' input/output types.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;
type Assert<T extends true> = T;
type _Checks = [
  Assert<Equals<z.input<typeof phasesObject>, Phases>>,
  Assert<Equals<z.output<typeof phasesObject>, Phases>>,
  Assert<Equals<z.input<typeof measurementObject>, Measurement>>,
  Assert<Equals<z.output<typeof measurementObject>, MeasurementData>>,
  Assert<Equals<z.input<typeof errorInfoObject>, ErrorInfo>>,
  Assert<Equals<z.output<typeof errorInfoObject>, ErrorInfoData>>,
];

/**
 * Zod schema of {@linkcode Phases}: a total and optional per-phase values, all finite.
 *
 * @example
 * ```ts
 * import { phasesSchema } from "./measurement.ts";
 * console.log(phasesSchema.parse({ total: 7200, L1: 2400 }).total); // 7200
 * ```
 */
export const phasesSchema: z.ZodType<Phases, Phases> = phasesObject;

/**
 * Zod schema of a {@linkcode Measurement}; parses to {@linkcode MeasurementData}.
 *
 * @example
 * ```ts
 * import { measurementSchema } from "./measurement.ts";
 * const m = measurementSchema.parse({
 *   powerMeter: { timestamp: "2026-01-01T12:00:00+01:00", energyWhImport: { total: 1500 } },
 * });
 * console.log(m.powerMeter.timestamp); // "2026-01-01T11:00:00.000Z"
 * ```
 */
export const measurementSchema: z.ZodType<MeasurementData, Measurement> = measurementObject;

/**
 * Zod schema of an {@linkcode ErrorInfo}; parses to {@linkcode ErrorInfoData}. `errorCode` must be
 * an OCPP 1.6 `ChargePointErrorCode` other than `NoError` (errors are cleared with
 * `onErrorCleared` / `onAllErrorsCleared`, not raised as `NoError`). `info`, `vendorId` and
 * `vendorErrorCode` are truncated to 50 / 255 / 50 characters like libocpp.
 *
 * @example
 * ```ts
 * import { errorInfoSchema } from "./measurement.ts";
 * const e = errorInfoSchema.parse({ uuid: "e1", errorCode: "GroundFailure", isFault: true });
 * console.log(e.isFault); // true
 * ```
 */
export const errorInfoSchema: z.ZodType<ErrorInfoData, ErrorInfo> = errorInfoObject;
