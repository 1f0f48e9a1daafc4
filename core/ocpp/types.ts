/**
 * Shared OCPP 1.6 data types: primitive field schemas (bounded strings, date-times, integers,
 * URIs, one-decimal numbers) and the composite types used by more than one message
 * (IdTagInfo, MeterValue/SampledValue, ChargingProfile, CertificateHashData, …).
 *
 * The authoritative definition is the official OCPP 1.6 JSON schema bundle (including the
 * Security Whitepaper extension). Every schema here accepts exactly what the JSON schema
 * accepts, validated with ajv + ajv-formats the way the `ocpp-rpc` strict mode peer does,
 * with three deliberate exceptions documented on {@link dateTimeSchema},
 * {@link integerSchema} and {@link uriSchema}.
 *
 * Object key order follows the JSON schema's `properties` order; `validateCall`'s error
 * selection relies on that to report the same first error as ajv.
 *
 * @module
 */
import { z } from "../deps.ts";

/**
 * A string of at most `max` characters (JSON schema `maxLength`). Like ajv, zod counts
 * Unicode code points, not UTF-16 code units: `"😀"` has length 1 here although
 * `"😀".length === 2`. Too-long values produce a zod `too_big` issue with `origin: "string"`.
 *
 * @example
 * ```ts
 * boundedString(5).safeParse("hello").success; // true
 * boundedString(5).safeParse("hello!").success; // false
 * boundedString(1).safeParse("😀").success; // true
 * ```
 */
export function boundedString(max: number): z.ZodString {
  return z.string().max(max);
}

/**
 * OCPP `CiString20Type` (case-insensitive string, at most 20 characters).
 *
 * @example
 * ```ts
 * ciString20Schema.parse("04E91C5A");
 * ```
 */
export const ciString20Schema = boundedString(20);
/**
 * OCPP `CiString25Type` (case-insensitive string, at most 25 characters).
 *
 * @example
 * ```ts
 * ciString25Schema.parse("SN-0001");
 * ```
 */
export const ciString25Schema = boundedString(25);
/**
 * OCPP `CiString50Type` (case-insensitive string, at most 50 characters).
 *
 * @example
 * ```ts
 * ciString50Schema.parse("HeartbeatInterval");
 * ```
 */
export const ciString50Schema = boundedString(50);
/**
 * OCPP `CiString255Type` (case-insensitive string, at most 255 characters).
 *
 * @example
 * ```ts
 * ciString255Schema.parse("com.example.vendor");
 * ```
 */
export const ciString255Schema = boundedString(255);
/**
 * OCPP `CiString500Type` (case-insensitive string, at most 500 characters).
 *
 * @example
 * ```ts
 * ciString500Schema.parse("Core,FirmwareManagement,SmartCharging");
 * ```
 */
export const ciString500Schema = boundedString(500);

/**
 * A case-insensitive string of at most 20 characters.
 *
 * @example
 * ```ts
 * const vendor: CiString20 = "ACME";
 * ```
 */
export type CiString20 = z.infer<typeof ciString20Schema>;
/**
 * A case-insensitive string of at most 25 characters.
 *
 * @example
 * ```ts
 * const serial: CiString25 = "SN-0001";
 * ```
 */
export type CiString25 = z.infer<typeof ciString25Schema>;
/**
 * A case-insensitive string of at most 50 characters.
 *
 * @example
 * ```ts
 * const key: CiString50 = "HeartbeatInterval";
 * ```
 */
export type CiString50 = z.infer<typeof ciString50Schema>;
/**
 * A case-insensitive string of at most 255 characters.
 *
 * @example
 * ```ts
 * const vendorId: CiString255 = "com.example.vendor";
 * ```
 */
export type CiString255 = z.infer<typeof ciString255Schema>;
/**
 * A case-insensitive string of at most 500 characters.
 *
 * @example
 * ```ts
 * const value: CiString500 = "Core,SmartCharging";
 * ```
 */
export type CiString500 = z.infer<typeof ciString500Schema>;

/**
 * OCPP `IdToken`: the identifier of an RFID card or other authorisation token (CiString20).
 *
 * @example
 * ```ts
 * idTokenSchema.parse("04E91C5A");
 * ```
 */
export const idTokenSchema = ciString20Schema;
/**
 * An authorisation identifier, at most 20 characters.
 *
 * @example
 * ```ts
 * const tag: IdToken = "04E91C5A";
 * ```
 */
export type IdToken = z.infer<typeof idTokenSchema>;

/**
 * JSON schema `format: "date-time"` (RFC 3339 with a mandatory offset): `Z` or `±HH:MM`,
 * seconds required, any number of fraction digits, calendar-valid date.
 *
 * Deliberately a little stricter than ajv-formats, which also accepts a lower-case `t`/`z`,
 * a space instead of `T`, `±HH` / `±HHMM` offsets and a leap second `:60`; every value this
 * schema accepts is accepted by ajv and parses with `new Date()`.
 *
 * @example
 * ```ts
 * dateTimeSchema.parse("2024-05-01T12:00:00Z");
 * dateTimeSchema.parse("2024-05-01T14:00:00.250+02:00");
 * ```
 */
export const dateTimeSchema = z.iso.datetime({ offset: true });
/**
 * An RFC 3339 date-time string with offset, e.g. `"2024-05-01T12:00:00Z"`.
 *
 * @example
 * ```ts
 * const at: DateTime = "2024-05-01T12:00:00Z";
 * ```
 */
export type DateTime = z.infer<typeof dateTimeSchema>;

/**
 * JSON schema `type: "integer"`. Deliberately limited to the safe integer range
 * (±(2^53 − 1)); ajv would also accept larger integral numbers, which cannot be represented
 * exactly after `JSON.parse` and would silently corrupt ids. Type errors carry the message
 * `"expected integer"` (zod itself reports `expected: "number"` for a string input).
 *
 * @example
 * ```ts
 * integerSchema.parse(42);
 * integerSchema.safeParse(1.5).success; // false
 * ```
 */
export const integerSchema = z.number({ error: "expected integer" }).int({
  error: "expected integer",
});

/**
 * The tolerance `ocpp-rpc` uses for `multipleOf` (it replaces ajv's exact check, which
 * rejects e.g. `16.1` because `16.1 / 0.1` is not an integer in binary floating point).
 */
const MULTIPLE_OF_EPSILON = 1e-6;

/**
 * JSON schema `type: "number", multipleOf: 0.1`: a decimal with at most one fractional
 * digit, as used for charging limits. Mirrors the `ocpp-rpc` peer's float-tolerant check.
 *
 * @example
 * ```ts
 * decimalTenthSchema.parse(16.1);
 * decimalTenthSchema.safeParse(16.15).success; // false
 * ```
 */
export const decimalTenthSchema = z.number().check((ctx) => {
  const ratio = ctx.value / 0.1;
  if (!(Math.abs(Math.round(ratio) - ratio) < MULTIPLE_OF_EPSILON)) {
    ctx.issues.push({
      code: "not_multiple_of",
      divisor: 0.1,
      origin: "number",
      input: ctx.value,
      message: "expected a multiple of 0.1",
    });
  }
});

/**
 * RFC 3986 characters: scheme, then only unreserved, reserved or percent-encoded octets.
 */
const URI_SHAPE =
  /^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;

/**
 * JSON schema `format: "uri"`: an absolute URI (scheme required) made only of RFC 3986
 * characters that the WHATWG URL parser also accepts. Agrees with ajv-formats on ordinary
 * values (`ftp://user:pass@host/path`, `https://…`, `urn:…`); for degenerate values such as
 * `"http://"` (no host) this schema is stricter.
 *
 * @example
 * ```ts
 * uriSchema.parse("ftp://user:secret@diag.example.com/upload/");
 * uriSchema.safeParse("not a uri").success; // false
 * ```
 */
export const uriSchema = z.string().check((ctx) => {
  const value = ctx.value;
  if (!URI_SHAPE.test(value) || !URL.canParse(value)) {
    ctx.issues.push({
      code: "invalid_format",
      format: "uri",
      origin: "string",
      input: value,
      message: "expected an absolute URI",
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Authorisation

/**
 * OCPP `AuthorizationStatus`.
 *
 * @example
 * ```ts
 * authorizationStatusSchema.parse("Accepted");
 * ```
 */
export const authorizationStatusSchema = z.enum([
  "Accepted",
  "Blocked",
  "Expired",
  "Invalid",
  "ConcurrentTx",
]);
/**
 * Result of an authorisation: `Accepted`, `Blocked`, `Expired`, `Invalid` or `ConcurrentTx`.
 *
 * @example
 * ```ts
 * const status: AuthorizationStatus = "Blocked";
 * ```
 */
export type AuthorizationStatus = z.infer<typeof authorizationStatusSchema>;

/**
 * OCPP `IdTagInfo`: status of an identifier plus optional expiry and parent (group) tag.
 *
 * @example
 * ```ts
 * idTagInfoSchema.parse({ status: "Accepted", expiryDate: "2030-01-01T00:00:00Z" });
 * ```
 */
export const idTagInfoSchema = z.strictObject({
  expiryDate: dateTimeSchema.optional(),
  parentIdTag: idTokenSchema.optional(),
  status: authorizationStatusSchema,
});
/**
 * Authorisation information about an identifier.
 *
 * @example
 * ```ts
 * const info: IdTagInfo = { status: "Accepted", parentIdTag: "FLEET-1" };
 * ```
 */
export type IdTagInfo = z.infer<typeof idTagInfoSchema>;

// ---------------------------------------------------------------------------------------------
// Connector status

/**
 * OCPP `ChargePointStatus` (status of a connector, or of the whole charge point for id 0).
 *
 * @example
 * ```ts
 * chargePointStatusSchema.parse("Charging");
 * ```
 */
export const chargePointStatusSchema = z.enum([
  "Available",
  "Preparing",
  "Charging",
  "SuspendedEVSE",
  "SuspendedEV",
  "Finishing",
  "Reserved",
  "Unavailable",
  "Faulted",
]);
/**
 * Connector status as reported in StatusNotification.
 *
 * @example
 * ```ts
 * const status: ChargePointStatus = "SuspendedEV";
 * ```
 */
export type ChargePointStatus = z.infer<typeof chargePointStatusSchema>;

/**
 * OCPP `ChargePointErrorCode`.
 *
 * @example
 * ```ts
 * chargePointErrorCodeSchema.parse("NoError");
 * ```
 */
export const chargePointErrorCodeSchema = z.enum([
  "ConnectorLockFailure",
  "EVCommunicationError",
  "GroundFailure",
  "HighTemperature",
  "InternalError",
  "LocalListConflict",
  "NoError",
  "OtherError",
  "OverCurrentFailure",
  "PowerMeterFailure",
  "PowerSwitchFailure",
  "ReaderFailure",
  "ResetFailure",
  "UnderVoltage",
  "OverVoltage",
  "WeakSignal",
]);
/**
 * Error code reported in StatusNotification (`NoError` when healthy).
 *
 * @example
 * ```ts
 * const code: ChargePointErrorCode = "GroundFailure";
 * ```
 */
export type ChargePointErrorCode = z.infer<typeof chargePointErrorCodeSchema>;

// ---------------------------------------------------------------------------------------------
// Meter values

/**
 * OCPP `ReadingContext`: why a sampled value was taken.
 *
 * @example
 * ```ts
 * readingContextSchema.parse("Sample.Periodic");
 * ```
 */
export const readingContextSchema = z.enum([
  "Interruption.Begin",
  "Interruption.End",
  "Sample.Clock",
  "Sample.Periodic",
  "Transaction.Begin",
  "Transaction.End",
  "Trigger",
  "Other",
]);
/**
 * Context of a sampled value.
 *
 * @example
 * ```ts
 * const context: ReadingContext = "Transaction.Begin";
 * ```
 */
export type ReadingContext = z.infer<typeof readingContextSchema>;

/**
 * OCPP `ValueFormat`: `Raw` (a decimal number) or `SignedData`.
 *
 * @example
 * ```ts
 * valueFormatSchema.parse("Raw");
 * ```
 */
export const valueFormatSchema = z.enum(["Raw", "SignedData"]);
/**
 * Format of a sampled value.
 *
 * @example
 * ```ts
 * const format: ValueFormat = "SignedData";
 * ```
 */
export type ValueFormat = z.infer<typeof valueFormatSchema>;

/**
 * OCPP `Measurand`: what a sampled value measures.
 *
 * @example
 * ```ts
 * measurandSchema.parse("Energy.Active.Import.Register");
 * ```
 */
export const measurandSchema = z.enum([
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
]);
/**
 * A measurand name.
 *
 * @example
 * ```ts
 * const measurand: Measurand = "Power.Active.Import";
 * ```
 */
export type Measurand = z.infer<typeof measurandSchema>;

/**
 * OCPP `Phase`: the phase(s) a sampled value applies to.
 *
 * @example
 * ```ts
 * phaseSchema.parse("L1-N");
 * ```
 */
export const phaseSchema = z.enum([
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
]);
/**
 * A phase designation.
 *
 * @example
 * ```ts
 * const phase: Phase = "L2";
 * ```
 */
export type Phase = z.infer<typeof phaseSchema>;

/**
 * OCPP `Location`: where a sampled value was measured.
 *
 * @example
 * ```ts
 * locationSchema.parse("Outlet");
 * ```
 */
export const locationSchema = z.enum(["Cable", "EV", "Inlet", "Outlet", "Body"]);
/**
 * A measurement location.
 *
 * @example
 * ```ts
 * const location: Location = "EV";
 * ```
 */
export type Location = z.infer<typeof locationSchema>;

/**
 * OCPP `UnitOfMeasure`. The official JSON schema lists both the historical misspelling
 * `Celcius` and `Celsius`; both are accepted.
 *
 * @example
 * ```ts
 * unitOfMeasureSchema.parse("kWh");
 * ```
 */
export const unitOfMeasureSchema = z.enum([
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
]);
/**
 * A unit of measure.
 *
 * @example
 * ```ts
 * const unit: UnitOfMeasure = "Wh";
 * ```
 */
export type UnitOfMeasure = z.infer<typeof unitOfMeasureSchema>;

/**
 * OCPP `SampledValue`: one reading. `value` is a string (decimal for `Raw`, opaque for
 * `SignedData`) with no length limit.
 *
 * @example
 * ```ts
 * sampledValueSchema.parse({ value: "1234", measurand: "Energy.Active.Import.Register", unit: "Wh" });
 * ```
 */
export const sampledValueSchema = z.strictObject({
  value: z.string(),
  context: readingContextSchema.optional(),
  format: valueFormatSchema.optional(),
  measurand: measurandSchema.optional(),
  phase: phaseSchema.optional(),
  location: locationSchema.optional(),
  unit: unitOfMeasureSchema.optional(),
});
/**
 * A single sampled value.
 *
 * @example
 * ```ts
 * const sample: SampledValue = { value: "16.0", measurand: "Current.Import", unit: "A" };
 * ```
 */
export type SampledValue = z.infer<typeof sampledValueSchema>;

/**
 * OCPP `MeterValue`: a timestamp with one or more sampled values. The JSON schema sets no
 * `minItems`, so an empty `sampledValue` array is accepted even though the spec says 1..*.
 *
 * @example
 * ```ts
 * meterValueSchema.parse({ timestamp: "2024-05-01T12:00:00Z", sampledValue: [{ value: "0" }] });
 * ```
 */
export const meterValueSchema = z.strictObject({
  timestamp: dateTimeSchema,
  sampledValue: z.array(sampledValueSchema),
});
/**
 * Sampled values taken at one point in time.
 *
 * @example
 * ```ts
 * const mv: MeterValue = { timestamp: "2024-05-01T12:00:00Z", sampledValue: [{ value: "42" }] };
 * ```
 */
export type MeterValue = z.infer<typeof meterValueSchema>;

// ---------------------------------------------------------------------------------------------
// Smart charging

/**
 * OCPP `ChargingProfilePurposeType`.
 *
 * @example
 * ```ts
 * chargingProfilePurposeSchema.parse("TxDefaultProfile");
 * ```
 */
export const chargingProfilePurposeSchema = z.enum([
  "ChargePointMaxProfile",
  "TxDefaultProfile",
  "TxProfile",
]);
/**
 * Purpose of a charging profile.
 *
 * @example
 * ```ts
 * const purpose: ChargingProfilePurpose = "TxProfile";
 * ```
 */
export type ChargingProfilePurpose = z.infer<typeof chargingProfilePurposeSchema>;

/**
 * OCPP `ChargingProfileKindType`.
 *
 * @example
 * ```ts
 * chargingProfileKindSchema.parse("Absolute");
 * ```
 */
export const chargingProfileKindSchema = z.enum(["Absolute", "Recurring", "Relative"]);
/**
 * Kind of a charging profile.
 *
 * @example
 * ```ts
 * const kind: ChargingProfileKind = "Recurring";
 * ```
 */
export type ChargingProfileKind = z.infer<typeof chargingProfileKindSchema>;

/**
 * OCPP `RecurrencyKindType`.
 *
 * @example
 * ```ts
 * recurrencyKindSchema.parse("Daily");
 * ```
 */
export const recurrencyKindSchema = z.enum(["Daily", "Weekly"]);
/**
 * Recurrence of a `Recurring` charging profile.
 *
 * @example
 * ```ts
 * const recurrency: RecurrencyKind = "Weekly";
 * ```
 */
export type RecurrencyKind = z.infer<typeof recurrencyKindSchema>;

/**
 * OCPP `ChargingRateUnitType`: `A` (amperes) or `W` (watts).
 *
 * @example
 * ```ts
 * chargingRateUnitSchema.parse("A");
 * ```
 */
export const chargingRateUnitSchema = z.enum(["A", "W"]);
/**
 * Unit of a charging schedule.
 *
 * @example
 * ```ts
 * const unit: ChargingRateUnit = "W";
 * ```
 */
export type ChargingRateUnit = z.infer<typeof chargingRateUnitSchema>;

/**
 * OCPP `ChargingSchedulePeriod`: a limit starting `startPeriod` seconds after the schedule
 * start. `limit` has at most one decimal digit.
 *
 * @example
 * ```ts
 * chargingSchedulePeriodSchema.parse({ startPeriod: 0, limit: 16.5, numberPhases: 3 });
 * ```
 */
export const chargingSchedulePeriodSchema = z.strictObject({
  startPeriod: integerSchema,
  limit: decimalTenthSchema,
  numberPhases: integerSchema.optional(),
});
/**
 * One period of a charging schedule.
 *
 * @example
 * ```ts
 * const period: ChargingSchedulePeriod = { startPeriod: 3600, limit: 10 };
 * ```
 */
export type ChargingSchedulePeriod = z.infer<typeof chargingSchedulePeriodSchema>;

/**
 * OCPP `ChargingSchedule`. The JSON schema sets no `minItems` on `chargingSchedulePeriod`.
 *
 * @example
 * ```ts
 * chargingScheduleSchema.parse({
 *   chargingRateUnit: "A",
 *   chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }],
 * });
 * ```
 */
export const chargingScheduleSchema = z.strictObject({
  duration: integerSchema.optional(),
  startSchedule: dateTimeSchema.optional(),
  chargingRateUnit: chargingRateUnitSchema,
  chargingSchedulePeriod: z.array(chargingSchedulePeriodSchema),
  minChargingRate: decimalTenthSchema.optional(),
});
/**
 * A charging schedule.
 *
 * @example
 * ```ts
 * const schedule: ChargingSchedule = {
 *   chargingRateUnit: "W",
 *   chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }],
 * };
 * ```
 */
export type ChargingSchedule = z.infer<typeof chargingScheduleSchema>;

/**
 * OCPP `ChargingProfile` (named `csChargingProfiles` in SetChargingProfile.req and
 * `chargingProfile` in RemoteStartTransaction.req).
 *
 * @example
 * ```ts
 * chargingProfileSchema.parse({
 *   chargingProfileId: 1,
 *   stackLevel: 0,
 *   chargingProfilePurpose: "TxDefaultProfile",
 *   chargingProfileKind: "Absolute",
 *   chargingSchedule: { chargingRateUnit: "A", chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
 * });
 * ```
 */
export const chargingProfileSchema = z.strictObject({
  chargingProfileId: integerSchema,
  transactionId: integerSchema.optional(),
  stackLevel: integerSchema,
  chargingProfilePurpose: chargingProfilePurposeSchema,
  chargingProfileKind: chargingProfileKindSchema,
  recurrencyKind: recurrencyKindSchema.optional(),
  validFrom: dateTimeSchema.optional(),
  validTo: dateTimeSchema.optional(),
  chargingSchedule: chargingScheduleSchema,
});
/**
 * A charging profile.
 *
 * @example
 * ```ts
 * const profile: ChargingProfile = {
 *   chargingProfileId: 7,
 *   stackLevel: 1,
 *   chargingProfilePurpose: "ChargePointMaxProfile",
 *   chargingProfileKind: "Recurring",
 *   recurrencyKind: "Daily",
 *   chargingSchedule: { chargingRateUnit: "A", chargingSchedulePeriod: [{ startPeriod: 0, limit: 32 }] },
 * };
 * ```
 */
export type ChargingProfile = z.infer<typeof chargingProfileSchema>;

// ---------------------------------------------------------------------------------------------
// Security whitepaper

/**
 * Security whitepaper `HashAlgorithmEnumType`.
 *
 * @example
 * ```ts
 * hashAlgorithmSchema.parse("SHA256");
 * ```
 */
export const hashAlgorithmSchema = z.enum(["SHA256", "SHA384", "SHA512"]);
/**
 * Hash algorithm used in certificate hash data.
 *
 * @example
 * ```ts
 * const algorithm: HashAlgorithm = "SHA384";
 * ```
 */
export type HashAlgorithm = z.infer<typeof hashAlgorithmSchema>;

/**
 * Security whitepaper `CertificateHashDataType`: identifies an installed certificate.
 *
 * @example
 * ```ts
 * certificateHashDataSchema.parse({
 *   hashAlgorithm: "SHA256",
 *   issuerNameHash: "a1b2",
 *   issuerKeyHash: "c3d4",
 *   serialNumber: "0123",
 * });
 * ```
 */
export const certificateHashDataSchema = z.strictObject({
  hashAlgorithm: hashAlgorithmSchema,
  issuerNameHash: boundedString(128),
  issuerKeyHash: boundedString(128),
  serialNumber: boundedString(40),
});
/**
 * Hash data identifying a certificate.
 *
 * @example
 * ```ts
 * const hash: CertificateHashData = {
 *   hashAlgorithm: "SHA256",
 *   issuerNameHash: "a1b2",
 *   issuerKeyHash: "c3d4",
 *   serialNumber: "0123",
 * };
 * ```
 */
export type CertificateHashData = z.infer<typeof certificateHashDataSchema>;

/**
 * Security whitepaper `CertificateUseEnumType`.
 *
 * @example
 * ```ts
 * certificateUseSchema.parse("CentralSystemRootCertificate");
 * ```
 */
export const certificateUseSchema = z.enum([
  "CentralSystemRootCertificate",
  "ManufacturerRootCertificate",
]);
/**
 * Kind of root certificate.
 *
 * @example
 * ```ts
 * const use: CertificateUse = "ManufacturerRootCertificate";
 * ```
 */
export type CertificateUse = z.infer<typeof certificateUseSchema>;
