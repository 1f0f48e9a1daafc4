/**
 * The `ChargePoint` facade against bad input from the firmware: every handler validates its
 * arguments, throws an `InvalidArgumentError` naming the bad argument and saying what was wrong,
 * and appends nothing; handlers before `start()` / after `stop()` throw a `StateError`; valid calls
 * append exactly one event of the expected type.
 */
import assert from "node:assert/strict";
import type { ChargePoint } from "../../core/charge_point.ts";
import { InvalidArgumentError, StateError } from "../../core/errors.ts";
import type { ErrorInfo, Measurement } from "../../events/measurement.ts";
import type { Reason } from "../../events/handler_events.ts";
import { makeChargePoint, until } from "../support/harness.ts";
import { ScriptedCsms } from "../support/scripted_csms.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import { replay } from "../../core/replay.ts";
import { MemoryEventStore } from "../../core/memory_event_store.ts";

/** A value of the wrong type, as untyped (JavaScript) firmware code could pass it. */
function bad<T>(value: unknown): T {
  return value as T;
}

/** A `ws://` URL on 127.0.0.1 where nothing listens: the charge point keeps trying to connect. */
function closedPortUrl(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return `ws://127.0.0.1:${port}`;
}

const T0 = new Date("2026-01-01T00:00:00.000Z");

function measurement(overrides: Partial<Measurement["powerMeter"]> = {}): Measurement {
  return { powerMeter: { timestamp: T0, energyWhImport: { total: 1000 }, ...overrides } };
}

const FAULT: ErrorInfo = { uuid: "e-1", errorCode: "GroundFailure", isFault: true };

/** One call of a handler with a bad argument, and what the error must say. */
interface BadCall {
  /** What is wrong, for the step name. */
  readonly name: string;
  /** Calls the handler. */
  readonly call: (cp: ChargePoint) => unknown;
  /** Expected `error.argument`. */
  readonly argument: string | RegExp;
  /** `error.message` must match. */
  readonly message: RegExp;
  /** Expected `error.value` (checked when given). */
  readonly value?: unknown;
}

/** Outcome of a handler call: what it threw (sync, or as a rejected promise) and the log growth. */
async function attempt(
  cp: ChargePoint,
  call: (cp: ChargePoint) => unknown,
): Promise<{ error: unknown; threw: boolean; appended: number; returned: unknown }> {
  const before = cp.log.lastSeq;
  let returned: unknown;
  let error: unknown;
  let threw = false;
  try {
    returned = call(cp);
  } catch (e) {
    error = e;
    threw = true;
  }
  // Read synchronously: replies from the network are appended later, never during the call.
  const appended = cp.log.lastSeq - before;
  if (!threw && returned instanceof Promise) {
    try {
      returned = await returned;
    } catch (e) {
      error = e;
      threw = true;
    }
  }
  return { error, threw, appended, returned };
}

// ---------------------------------------------------------------------------------------------
// The table of bad calls
// ---------------------------------------------------------------------------------------------

/** Every handler that takes a connector, with whether connector 0 (the whole charge point) is valid. */
const CONNECTOR_HANDLERS: readonly {
  readonly handler: string;
  readonly zero: boolean;
  readonly call: (cp: ChargePoint, connector: number) => unknown;
}[] = [
  { handler: "onMeterValues", zero: true, call: (cp, c) => cp.onMeterValues(c, measurement()) },
  { handler: "onMaxCurrentOffered", zero: false, call: (cp, c) => cp.onMaxCurrentOffered(c, 16) },
  { handler: "onMaxPowerOffered", zero: false, call: (cp, c) => cp.onMaxPowerOffered(c, 11000) },
  {
    handler: "onSessionStarted",
    zero: false,
    call: (cp, c) => cp.onSessionStarted(c, "s-1", "EVConnected"),
  },
  { handler: "onSessionStopped", zero: false, call: (cp, c) => cp.onSessionStopped(c, "s-1") },
  {
    handler: "onTransactionStarted",
    zero: false,
    call: (cp, c) => cp.onTransactionStarted(c, "s-1", "TAG-1", 0, undefined, T0),
  },
  {
    handler: "onTransactionStopped",
    zero: false,
    call: (cp, c) => cp.onTransactionStopped(c, "s-1", "Local", T0, 100),
  },
  { handler: "onSuspendChargingEv", zero: false, call: (cp, c) => cp.onSuspendChargingEv(c) },
  { handler: "onSuspendChargingEvse", zero: false, call: (cp, c) => cp.onSuspendChargingEvse(c) },
  { handler: "onResumeCharging", zero: false, call: (cp, c) => cp.onResumeCharging(c) },
  { handler: "onError", zero: true, call: (cp, c) => cp.onError(c, FAULT) },
  { handler: "onErrorCleared", zero: true, call: (cp, c) => cp.onErrorCleared(c, "e-1") },
  { handler: "onAllErrorsCleared", zero: true, call: (cp, c) => cp.onAllErrorsCleared(c) },
  { handler: "onReservationStart", zero: false, call: (cp, c) => cp.onReservationStart(c) },
  { handler: "onReservationEnd", zero: false, call: (cp, c) => cp.onReservationEnd(c) },
  { handler: "onEnabled", zero: true, call: (cp, c) => cp.onEnabled(c) },
  { handler: "onDisabled", zero: true, call: (cp, c) => cp.onDisabled(c) },
  { handler: "onPluginTimeout", zero: false, call: (cp, c) => cp.onPluginTimeout(c) },
];

const BAD_CONNECTORS: readonly { readonly label: string; readonly value: unknown }[] = [
  { label: "3 (only 2 connectors)", value: 3 },
  { label: "-1", value: -1 },
  { label: "1.5", value: 1.5 },
  { label: "NaN", value: NaN },
  { label: 'the string "1"', value: "1" },
  { label: "undefined", value: undefined },
];

function connectorCases(): BadCall[] {
  const cases: BadCall[] = [];
  for (const h of CONNECTOR_HANDLERS) {
    const values = h.zero ? BAD_CONNECTORS : [{ label: "0", value: 0 }, ...BAD_CONNECTORS];
    for (const { label, value } of values) {
      cases.push({
        name: `${h.handler}: connector ${label}`,
        call: (cp) => h.call(cp, bad<number>(value)),
        argument: "connector",
        message: h.zero ? /connector id 0\.\.2/ : /connector id 1\.\.2/,
        value,
      });
    }
  }
  // An out-of-range but well-formed connectorId is not an error for onChangeAvailability: like the
  // central system's ChangeAvailability (and libocpp) it is answered Rejected (see the valid calls).
  for (const { label, value } of BAD_CONNECTORS.filter((b) => b.value !== 3)) {
    cases.push({
      name: `onChangeAvailability: connectorId ${label}`,
      call: (cp) => cp.onChangeAvailability({ connectorId: bad<number>(value), type: "Operative" }),
      argument: /^(request\.)?connectorId$/,
      message: /connector|number|integer|>=|≥|0\.\.2/i,
      value,
    });
  }
  return cases;
}

const LONG_21 = "T".repeat(21);

const BAD_VALUES: readonly BadCall[] = [
  // onMeterValues: negative registers, wrong types, unknown keys, invalid dates
  {
    name: "onMeterValues: negative energy import total",
    call: (cp) => cp.onMeterValues(1, measurement({ energyWhImport: { total: -1 } })),
    argument: "measurement.powerMeter.energyWhImport.total",
    message: /negative/,
    value: -1,
  },
  {
    name: "onMeterValues: negative energy import on phase L2",
    call: (cp) => cp.onMeterValues(1, measurement({ energyWhImport: { total: 10, L2: -0.5 } })),
    argument: "measurement.powerMeter.energyWhImport.L2",
    message: /negative/,
    value: -0.5,
  },
  {
    name: "onMeterValues: negative energy export total",
    call: (cp) => cp.onMeterValues(1, measurement({ energyWhExport: { total: -3 } })),
    argument: "measurement.powerMeter.energyWhExport.total",
    message: /negative/,
    value: -3,
  },
  {
    name: "onMeterValues: energy as a string",
    call: (cp) => cp.onMeterValues(1, measurement({ energyWhImport: { total: bad("1000") } })),
    argument: "measurement.powerMeter.energyWhImport.total",
    message: /finite number/,
    value: "1000",
  },
  {
    name: "onMeterValues: power NaN",
    call: (cp) => cp.onMeterValues(1, measurement({ powerW: { total: NaN } })),
    argument: "measurement.powerMeter.powerW.total",
    message: /finite number/,
  },
  {
    name: "onMeterValues: SoC above 100 %",
    call: (cp) => cp.onMeterValues(1, { ...measurement(), socPercent: { value: 101 } }),
    argument: "measurement.socPercent.value",
    message: /0\.\.100/,
    value: 101,
  },
  {
    name: "onMeterValues: unknown key in powerMeter",
    call: (cp) =>
      cp.onMeterValues(1, measurement(bad<Partial<Measurement["powerMeter"]>>({ voltage: 230 }))),
    argument: "measurement.powerMeter",
    message: /unknown key "voltage"/,
  },
  {
    name: "onMeterValues: unknown key in Measurement",
    call: (cp) => cp.onMeterValues(1, bad<Measurement>({ ...measurement(), soc: 50 })),
    argument: "measurement",
    message: /unknown key "soc"/,
  },
  {
    name: "onMeterValues: unknown key in a phase object (typo L4)",
    call: (cp) => cp.onMeterValues(1, measurement({ energyWhImport: bad({ total: 1, L4: 1 }) })),
    argument: "measurement.powerMeter.energyWhImport",
    message: /unknown key "L4"/,
  },
  {
    name: "onMeterValues: invalid Date",
    call: (cp) => cp.onMeterValues(1, measurement({ timestamp: new Date(NaN) })),
    argument: "measurement.powerMeter.timestamp",
    message: /valid Date|RFC 3339/,
  },
  {
    name: "onMeterValues: timestamp string without offset",
    call: (cp) => cp.onMeterValues(1, measurement({ timestamp: "2026-01-01T12:00:00" })),
    argument: "measurement.powerMeter.timestamp",
    message: /RFC 3339/,
  },
  {
    name: "onMeterValues: measurement null",
    call: (cp) => cp.onMeterValues(1, bad<Measurement>(null)),
    argument: "measurement",
    message: /object|expected/i,
    value: null,
  },
  // onMaxCurrentOffered / onMaxPowerOffered
  {
    name: "onMaxCurrentOffered: string",
    call: (cp) => cp.onMaxCurrentOffered(1, bad<number>("16")),
    argument: "maxCurrent",
    message: /number/,
    value: "16",
  },
  {
    name: "onMaxCurrentOffered: NaN",
    call: (cp) => cp.onMaxCurrentOffered(1, NaN),
    argument: "maxCurrent",
    message: /number|NaN/,
  },
  {
    name: "onMaxPowerOffered: string",
    call: (cp) => cp.onMaxPowerOffered(1, bad<number>("11000")),
    argument: "maxPower",
    message: /number/,
    value: "11000",
  },
  {
    name: "onMaxPowerOffered: Infinity",
    call: (cp) => cp.onMaxPowerOffered(1, Infinity),
    argument: "maxPower",
    message: /number|finite|Infinity/i,
  },
  // onSessionStarted / onSessionStopped
  {
    name: "onSessionStarted: unknown reason",
    call: (cp) => cp.onSessionStarted(1, "s-1", bad<"EVConnected">("Plugged")),
    argument: "reason",
    message: /EVConnected.*Authorized/,
    value: "Plugged",
  },
  {
    name: "onSessionStarted: sessionId a number",
    call: (cp) => cp.onSessionStarted(1, bad<string>(42), "EVConnected"),
    argument: "sessionId",
    message: /string/,
    value: 42,
  },
  {
    name: "onSessionStarted: empty sessionId",
    call: (cp) => cp.onSessionStarted(1, "", "EVConnected"),
    argument: "sessionId",
    message: />=1|at least|empty/i,
    value: "",
  },
  {
    name: "onSessionStarted: sessionLoggingPath a number",
    call: (cp) => cp.onSessionStarted(1, "s-1", "Authorized", bad<string>(7)),
    argument: "sessionLoggingPath",
    message: /string/,
    value: 7,
  },
  {
    name: "onSessionStopped: sessionId a number",
    call: (cp) => cp.onSessionStopped(1, bad<string>(1)),
    argument: "sessionId",
    message: /string/,
    value: 1,
  },
  // onTransactionStarted
  {
    name: "onTransactionStarted: idToken longer than 20",
    call: (cp) => cp.onTransactionStarted(1, "s-1", LONG_21, 0, undefined, T0),
    argument: "idToken",
    message: /20/,
    value: LONG_21,
  },
  {
    name: "onTransactionStarted: empty idToken",
    call: (cp) => cp.onTransactionStarted(1, "s-1", "", 0, undefined, T0),
    argument: "idToken",
    message: />=1|at least|empty/i,
    value: "",
  },
  {
    name: "onTransactionStarted: idToken a number",
    call: (cp) => cp.onTransactionStarted(1, "s-1", bad<string>(1234), 0, undefined, T0),
    argument: "idToken",
    message: /string/,
    value: 1234,
  },
  {
    name: "onTransactionStarted: negative meterStart",
    call: (cp) => cp.onTransactionStarted(1, "s-1", "TAG-1", -1, undefined, T0),
    argument: "meterStart",
    message: />=0|negative|non-?negative/i,
    value: -1,
  },
  {
    name: "onTransactionStarted: meterStart a string",
    call: (cp) => cp.onTransactionStarted(1, "s-1", "TAG-1", bad<number>("0"), undefined, T0),
    argument: "meterStart",
    message: /number/,
    value: "0",
  },
  {
    name: "onTransactionStarted: reservationId 1.5",
    call: (cp) => cp.onTransactionStarted(1, "s-1", "TAG-1", 0, 1.5, T0),
    argument: "reservationId",
    message: /int/i,
    value: 1.5,
  },
  {
    name: "onTransactionStarted: invalid Date",
    call: (cp) => cp.onTransactionStarted(1, "s-1", "TAG-1", 0, undefined, new Date("nope")),
    argument: "timestamp",
    message: /valid Date/,
  },
  {
    name: "onTransactionStarted: timestamp a string, not a Date",
    call: (cp) =>
      cp.onTransactionStarted(1, "s-1", "TAG-1", 0, undefined, bad<Date>(T0.toISOString())),
    argument: "timestamp",
    message: /valid Date/,
    value: T0.toISOString(),
  },
  {
    name: "onTransactionStarted: signedMeterValue a number",
    call: (cp) => cp.onTransactionStarted(1, "s-1", "TAG-1", 0, undefined, T0, bad<string>(5)),
    argument: "signedMeterValue",
    message: /string/,
    value: 5,
  },
  // onTransactionStopped
  {
    name: "onTransactionStopped: unknown reason",
    call: (cp) => cp.onTransactionStopped(1, "s-1", bad<Reason>("Unplugged"), T0, 100),
    argument: "reason",
    message: /EVDisconnected/,
    value: "Unplugged",
  },
  {
    name: "onTransactionStopped: negative energyWhImport",
    call: (cp) => cp.onTransactionStopped(1, "s-1", "Local", T0, -100),
    argument: "energyWhImport",
    message: />=0|negative|non-?negative/i,
    value: -100,
  },
  {
    name: "onTransactionStopped: idTagEnd longer than 20",
    call: (cp) => cp.onTransactionStopped(1, "s-1", "Local", T0, 100, LONG_21),
    argument: "idTagEnd",
    message: /20/,
    value: LONG_21,
  },
  {
    name: "onTransactionStopped: invalid Date",
    call: (cp) => cp.onTransactionStopped(1, "s-1", "Local", new Date(NaN), 100),
    argument: "timestamp",
    message: /valid Date/,
  },
  {
    name: "onTransactionStopped: energyWhImport a string",
    call: (cp) => cp.onTransactionStopped(1, "s-1", "Local", T0, bad<number>("100")),
    argument: "energyWhImport",
    message: /number/,
    value: "100",
  },
  // onSuspendChargingEv / onSuspendChargingEvse
  {
    name: "onSuspendChargingEv: info longer than 50",
    call: (cp) => cp.onSuspendChargingEv(1, "i".repeat(51)),
    argument: "info",
    message: /50/,
  },
  {
    name: "onSuspendChargingEvse: info a number",
    call: (cp) => cp.onSuspendChargingEvse(1, bad<string>(3)),
    argument: "info",
    message: /string/,
    value: 3,
  },
  // onError
  {
    name: "onError: unknown errorCode",
    call: (cp) => cp.onError(1, { ...FAULT, errorCode: bad("CableOnFire") }),
    argument: "errorInfo.errorCode",
    message: /ChargePointErrorCode/,
    value: "CableOnFire",
  },
  {
    name: "onError: errorCode NoError",
    call: (cp) => cp.onError(1, { ...FAULT, errorCode: "NoError" }),
    argument: "errorInfo.errorCode",
    message: /NoError/,
    value: "NoError",
  },
  {
    name: "onError: unknown key in ErrorInfo",
    call: (cp) => cp.onError(1, bad<ErrorInfo>({ ...FAULT, severity: "high" })),
    argument: "errorInfo",
    message: /unknown key "severity"/,
  },
  {
    name: "onError: empty uuid",
    call: (cp) => cp.onError(1, { ...FAULT, uuid: "" }),
    argument: "errorInfo.uuid",
    message: /empty/,
    value: "",
  },
  {
    name: "onError: isFault a string",
    call: (cp) => cp.onError(1, { ...FAULT, isFault: bad<boolean>("yes") }),
    argument: "errorInfo.isFault",
    message: /bool/i,
    value: "yes",
  },
  {
    name: "onError: invalid Date",
    call: (cp) => cp.onError(1, { ...FAULT, timestamp: new Date(NaN) }),
    argument: "errorInfo.timestamp",
    message: /valid Date|RFC 3339/,
  },
  {
    name: "onError: errorInfo undefined",
    call: (cp) => cp.onError(1, bad<ErrorInfo>(undefined)),
    argument: "errorInfo",
    message: /object|expected/i,
  },
  // onErrorCleared
  {
    name: "onErrorCleared: empty uuid",
    call: (cp) => cp.onErrorCleared(1, ""),
    argument: "uuid",
    message: />=1|at least|empty/i,
    value: "",
  },
  {
    name: "onErrorCleared: uuid a number",
    call: (cp) => cp.onErrorCleared(1, bad<string>(5)),
    argument: "uuid",
    message: /string/,
    value: 5,
  },
  // onLogStatusNotification
  {
    name: "onLogStatusNotification: unknown status",
    call: (cp) => cp.onLogStatusNotification(-1, "Bogus"),
    argument: "logStatus",
    message: /Idle/,
    value: "Bogus",
  },
  {
    name: "onLogStatusNotification: DiagnosticsStatus value for a log request",
    call: (cp) => cp.onLogStatusNotification(3, "UploadFailed"),
    argument: "logStatus",
    message: /UploadFailure/,
    value: "UploadFailed",
  },
  {
    name: "onLogStatusNotification: UploadLogStatus value for diagnostics (-1)",
    call: (cp) => cp.onLogStatusNotification(-1, "BadMessage"),
    argument: "logStatus",
    message: /Uploaded/,
    value: "BadMessage",
  },
  {
    name: "onLogStatusNotification: status a number",
    call: (cp) => cp.onLogStatusNotification(-1, bad<string>(1)),
    argument: "logStatus",
    message: /Idle/,
    value: 1,
  },
  {
    name: "onLogStatusNotification: requestId 1.5",
    call: (cp) => cp.onLogStatusNotification(1.5, "Idle"),
    argument: "requestId",
    message: /int/i,
    value: 1.5,
  },
  {
    name: "onLogStatusNotification: requestId a string",
    call: (cp) => cp.onLogStatusNotification(bad<number>("1"), "Idle"),
    argument: "requestId",
    message: /number/,
    value: "1",
  },
  // onFirmwareUpdateStatusNotification
  {
    name: "onFirmwareUpdateStatusNotification: signed-only status for FirmwareStatusNotification",
    call: (cp) => cp.onFirmwareUpdateStatusNotification(-1, "InvalidSignature"),
    argument: "status",
    message: /Downloaded/,
    value: "InvalidSignature",
  },
  {
    name: "onFirmwareUpdateStatusNotification: unknown status",
    call: (cp) => cp.onFirmwareUpdateStatusNotification(4, "Flashing"),
    argument: "status",
    message: /SignatureVerified/,
    value: "Flashing",
  },
  {
    name: "onFirmwareUpdateStatusNotification: requestId NaN",
    call: (cp) => cp.onFirmwareUpdateStatusNotification(NaN, "Idle"),
    argument: "requestId",
    message: /number|int/i,
  },
  // onSecurityEvent
  {
    name: "onSecurityEvent: empty eventType",
    call: (cp) => cp.onSecurityEvent(""),
    argument: "eventType",
    message: />=1|at least|empty/i,
    value: "",
  },
  {
    name: "onSecurityEvent: eventType longer than 50",
    call: (cp) => cp.onSecurityEvent("E".repeat(51)),
    argument: "eventType",
    message: /50/,
  },
  {
    name: "onSecurityEvent: eventType a number",
    call: (cp) => cp.onSecurityEvent(bad<string>(7)),
    argument: "eventType",
    message: /string/,
    value: 7,
  },
  {
    name: "onSecurityEvent: techInfo longer than 255",
    call: (cp) => cp.onSecurityEvent("InvalidMessages", "t".repeat(256)),
    argument: "techInfo",
    message: /255/,
  },
  {
    name: "onSecurityEvent: critical a string",
    call: (cp) => cp.onSecurityEvent("InvalidMessages", undefined, bad<boolean>("yes")),
    argument: "critical",
    message: /bool/i,
    value: "yes",
  },
  {
    name: "onSecurityEvent: invalid Date",
    call: (cp) => cp.onSecurityEvent("InvalidMessages", undefined, undefined, new Date(NaN)),
    argument: "timestamp",
    message: /valid Date/,
  },
  // onChangeAvailability
  {
    name: "onChangeAvailability: unknown type",
    call: (cp) => cp.onChangeAvailability({ connectorId: 1, type: bad<"Operative">("Broken") }),
    argument: /^(request\.)?type$/,
    message: /Inoperative.*Operative|Operative.*Inoperative/,
    value: "Broken",
  },
  {
    name: "onChangeAvailability: request undefined",
    call: (cp) =>
      cp.onChangeAvailability(bad<{ connectorId: number; type: "Operative" }>(undefined)),
    argument: "request",
    message: /object|expected/i,
  },
  // authorizeIdToken
  {
    name: "authorizeIdToken: idToken longer than 20",
    call: (cp) => cp.authorizeIdToken(LONG_21),
    argument: "idToken",
    message: /20/,
    value: LONG_21,
  },
  {
    name: "authorizeIdToken: empty idToken",
    call: (cp) => cp.authorizeIdToken(""),
    argument: "idToken",
    message: />=1|at least|empty/i,
    value: "",
  },
  {
    name: "authorizeIdToken: idToken a number",
    call: (cp) => cp.authorizeIdToken(bad<string>(42)),
    argument: "idToken",
    message: /string/,
    value: 42,
  },
  // dataTransfer
  {
    name: "dataTransfer: empty vendorId",
    call: (cp) => cp.dataTransfer(""),
    argument: "vendorId",
    message: />=1|at least|empty/i,
    value: "",
  },
  {
    name: "dataTransfer: vendorId longer than 255",
    call: (cp) => cp.dataTransfer("v".repeat(256)),
    argument: "vendorId",
    message: /255/,
  },
  {
    name: "dataTransfer: messageId longer than 50",
    call: (cp) => cp.dataTransfer("Acme", "m".repeat(51)),
    argument: "messageId",
    message: /50/,
  },
  {
    name: "dataTransfer: data a number",
    call: (cp) => cp.dataTransfer("Acme", "m", bad<string>(12)),
    argument: "data",
    message: /string/,
    value: 12,
  },
  // getCompositeSchedules
  {
    name: "getCompositeSchedules: negative duration",
    call: (cp) => cp.getCompositeSchedules(-1),
    argument: "durationS",
    message: /integer/,
    value: -1,
  },
  {
    name: "getCompositeSchedules: duration a string",
    call: (cp) => cp.getCompositeSchedules(bad<number>("60")),
    argument: "durationS",
    message: /integer/,
    value: "60",
  },
  {
    name: "getCompositeSchedules: duration NaN",
    call: (cp) => cp.getCompositeSchedules(NaN),
    argument: "durationS",
    message: /integer/,
  },
  {
    name: "getCompositeSchedules: unknown unit",
    call: (cp) => cp.getCompositeSchedules(60, bad<"A">("kW")),
    argument: "unit",
    message: /"?A"?.*"?W"?/,
    value: "kW",
  },
];

Deno.test("bad firmware input: every handler throws InvalidArgumentError naming the argument and appends nothing", async (t) => {
  const h = makeChargePoint(closedPortUrl());
  await h.cp.start();
  try {
    for (const c of [...connectorCases(), ...BAD_VALUES]) {
      await t.step(c.name, async () => {
        const { error, threw, appended, returned } = await attempt(h.cp, c.call);
        assert.ok(threw, `did not throw; returned ${JSON.stringify(returned)}`);
        assert.equal(appended, 0, `appended ${appended} event(s)`);
        assert.ok(
          error instanceof InvalidArgumentError,
          `threw ${String(error)} instead of an InvalidArgumentError`,
        );
        assert.equal(error.code, "INVALID_ARGUMENT");
        if (typeof c.argument === "string") assert.equal(error.argument, c.argument);
        else assert.match(error.argument, c.argument);
        assert.match(error.message, c.message);
        if ("value" in c) assert.deepEqual(error.value, c.value);
      });
    }
  } finally {
    await h.cp.stop();
  }
  assert.equal(h.clock.pending, 0, "timers left after stop()");
});

/** Each handler with valid arguments (for the state checks). */
const VALID_CALLS: readonly {
  readonly handler: string;
  readonly call: (cp: ChargePoint) => unknown;
}[] = [
  { handler: "onMeterValues", call: (cp) => cp.onMeterValues(1, measurement()) },
  { handler: "onMaxCurrentOffered", call: (cp) => cp.onMaxCurrentOffered(1, 16) },
  { handler: "onMaxPowerOffered", call: (cp) => cp.onMaxPowerOffered(1, 11000) },
  { handler: "onSessionStarted", call: (cp) => cp.onSessionStarted(1, "s-1", "EVConnected") },
  { handler: "onSessionStopped", call: (cp) => cp.onSessionStopped(1, "s-1") },
  {
    handler: "onTransactionStarted",
    call: (cp) => cp.onTransactionStarted(1, "s-1", "TAG-1", 0, undefined, T0),
  },
  {
    handler: "onTransactionStopped",
    call: (cp) => cp.onTransactionStopped(1, "s-1", "Local", T0, 10),
  },
  { handler: "onSuspendChargingEv", call: (cp) => cp.onSuspendChargingEv(1) },
  { handler: "onSuspendChargingEvse", call: (cp) => cp.onSuspendChargingEvse(1) },
  { handler: "onResumeCharging", call: (cp) => cp.onResumeCharging(1) },
  { handler: "onError", call: (cp) => cp.onError(1, FAULT) },
  { handler: "onErrorCleared", call: (cp) => cp.onErrorCleared(1, "e-1") },
  { handler: "onAllErrorsCleared", call: (cp) => cp.onAllErrorsCleared(1) },
  { handler: "onLogStatusNotification", call: (cp) => cp.onLogStatusNotification(-1, "Idle") },
  {
    handler: "onFirmwareUpdateStatusNotification",
    call: (cp) => cp.onFirmwareUpdateStatusNotification(-1, "Idle"),
  },
  { handler: "onReservationStart", call: (cp) => cp.onReservationStart(1) },
  { handler: "onReservationEnd", call: (cp) => cp.onReservationEnd(1) },
  { handler: "onEnabled", call: (cp) => cp.onEnabled(1) },
  { handler: "onDisabled", call: (cp) => cp.onDisabled(1) },
  { handler: "onPluginTimeout", call: (cp) => cp.onPluginTimeout(1) },
  { handler: "onSecurityEvent", call: (cp) => cp.onSecurityEvent("InvalidMessages") },
  {
    handler: "onChangeAvailability",
    call: (cp) => cp.onChangeAvailability({ connectorId: 1, type: "Operative" }),
  },
  { handler: "authorizeIdToken", call: (cp) => cp.authorizeIdToken("TAG-1") },
  { handler: "dataTransfer", call: (cp) => cp.dataTransfer("Acme") },
  { handler: "getCompositeSchedules", call: (cp) => cp.getCompositeSchedules(60) },
];

async function assertStateError(
  cp: ChargePoint,
  handler: string,
  call: (cp: ChargePoint) => unknown,
  code: "NOT_STARTED" | "STOPPED",
): Promise<void> {
  const { error, threw, appended, returned } = await attempt(cp, call);
  assert.ok(threw, `${handler} did not throw; returned ${JSON.stringify(returned)}`);
  assert.equal(appended, 0, `${handler}: appended ${appended} event(s)`);
  assert.ok(error instanceof StateError, `${handler} threw ${String(error)}, not a StateError`);
  assert.equal(error.code, code, `${handler}: ${error.message}`);
}

Deno.test("handlers before start() throw StateError NOT_STARTED and append nothing", async (t) => {
  const h = makeChargePoint(closedPortUrl());
  for (const { handler, call } of VALID_CALLS) {
    await t.step(handler, () => assertStateError(h.cp, handler, call, "NOT_STARTED"));
  }
  assert.equal(h.cp.log.lastSeq, 0);
  assert.equal(h.clock.pending, 0);
});

Deno.test("handlers after stop() throw StateError STOPPED and append nothing", async (t) => {
  const h = makeChargePoint(closedPortUrl());
  await h.cp.start();
  await h.cp.stop();
  assert.equal(h.clock.pending, 0, "timers left after stop()");
  const seq = h.cp.log.lastSeq;
  for (const { handler, call } of VALID_CALLS) {
    await t.step(handler, () => assertStateError(h.cp, handler, call, "STOPPED"));
  }
  assert.equal(h.cp.log.lastSeq, seq);
});

Deno.test("against a closed port: start() keeps trying to connect; stop() leaves no timer", async () => {
  const h = makeChargePoint(closedPortUrl());
  await h.cp.start();
  await until(
    () => [...h.cp.log.read(1)].some((e) => e.type === "ConnectionClosed"),
    "the failed connection attempt",
  );
  assert.equal(h.cp.state.link, "Disconnected");
  assert.ok(h.clock.pending >= 1, "a reconnect timer is armed");
  await h.cp.stop();
  assert.equal(h.clock.pending, 0);
  assert.equal(h.cp.state.running, false);
  assert.deepEqual(h.sent, []);
});

/** A valid call, the event type it must append (none for a query) and a check of its result. */
interface ValidCall {
  readonly name: string;
  readonly call: (cp: ChargePoint) => unknown;
  readonly type: string | undefined;
  readonly check?: (returned: unknown, cp: ChargePoint) => void;
}

const VALID_SEQUENCE: readonly ValidCall[] = [
  {
    name: "onMeterValues on connector 0 with an RFC 3339 timestamp with offset",
    call: (cp) => cp.onMeterValues(0, measurement({ timestamp: "2026-01-01T12:00:00+02:00" })),
    type: "MeterValuesMeasured",
  },
  {
    name: "onMeterValues with every optional field",
    call: (cp) =>
      cp.onMeterValues(1, {
        powerMeter: {
          timestamp: T0,
          energyWhImport: { total: 0, L1: 0, L2: 0, L3: 0 },
          energyWhExport: { total: 5 },
          powerW: { total: -100 },
          voltageV: { L1: 230 },
          var: { total: 1 },
          currentA: { N: 0.5 },
          frequencyHz: { L1: 50 },
          meterId: "M-1",
          phaseSeqError: false,
        },
        socPercent: { value: 100, location: "EV" },
        temperatureC: [{ value: -5.5, location: "Body" }],
        rpm: { value: 1200 },
      }),
    type: "MeterValuesMeasured",
  },
  {
    name: "onMaxCurrentOffered",
    call: (cp) => cp.onMaxCurrentOffered(1, 32),
    type: "MaxCurrentOfferedChanged",
  },
  {
    name: "onMaxPowerOffered",
    call: (cp) => cp.onMaxPowerOffered(2, 22000),
    type: "MaxPowerOfferedChanged",
  },
  {
    name: "onSessionStarted",
    call: (cp) => cp.onSessionStarted(1, "s-1", "EVConnected", "/tmp/session-1"),
    type: "SessionStarted",
    check: (_r, cp) => assert.equal(cp.connectorStatus(1), "Preparing"),
  },
  {
    name: "onTransactionStarted with a 20-character idToken",
    call: (cp) => cp.onTransactionStarted(1, "s-1", "T".repeat(20), 1000.4, undefined, T0),
    type: "TransactionStarted",
  },
  {
    name: "onResumeCharging",
    call: (cp) => cp.onResumeCharging(1),
    type: "ChargingResumed",
    check: (_r, cp) => assert.equal(cp.connectorStatus(1), "Charging"),
  },
  {
    name: "onSuspendChargingEv with a 50-character info",
    call: (cp) => cp.onSuspendChargingEv(1, "i".repeat(50)),
    type: "ChargingSuspendedByEv",
    check: (_r, cp) => assert.equal(cp.connectorStatus(1), "SuspendedEV"),
  },
  {
    name: "onSuspendChargingEvse",
    call: (cp) => cp.onSuspendChargingEvse(1),
    type: "ChargingSuspendedByEvse",
    check: (_r, cp) => assert.equal(cp.connectorStatus(1), "SuspendedEVSE"),
  },
  {
    name: "onTransactionStopped",
    call: (cp) => cp.onTransactionStopped(1, "s-1", "Local", T0, 2000, "TAG-1"),
    type: "TransactionStopped",
    check: (_r, cp) => assert.equal(cp.connectorStatus(1), "Finishing"),
  },
  {
    name: "onSessionStopped",
    call: (cp) => cp.onSessionStopped(1, "s-1"),
    type: "SessionStopped",
    check: (_r, cp) => assert.equal(cp.connectorStatus(1), "Available"),
  },
  {
    name: "onError with over-long info (truncated, not rejected)",
    call: (cp) => cp.onError(2, { ...FAULT, info: "x".repeat(80), timestamp: T0 }),
    type: "ErrorRaised",
    check: (_r, cp) => assert.equal(cp.connectorStatus(2), "Faulted"),
  },
  {
    name: "onErrorCleared",
    call: (cp) => cp.onErrorCleared(2, "e-1"),
    type: "ErrorCleared",
    check: (_r, cp) => assert.equal(cp.connectorStatus(2), "Available"),
  },
  {
    name: "onAllErrorsCleared on connector 0",
    call: (cp) => cp.onAllErrorsCleared(0),
    type: "AllErrorsCleared",
  },
  {
    name: "onLogStatusNotification for diagnostics",
    call: (cp) => cp.onLogStatusNotification(-1, "Uploading"),
    type: "LogStatusChanged",
  },
  {
    name: "onLogStatusNotification for a log request",
    call: (cp) => cp.onLogStatusNotification(7, "Uploaded"),
    type: "LogStatusChanged",
  },
  {
    name: "onFirmwareUpdateStatusNotification",
    call: (cp) => cp.onFirmwareUpdateStatusNotification(-1, "Downloading"),
    type: "FirmwareUpdateStatusChanged",
  },
  {
    name: "onFirmwareUpdateStatusNotification for a signed update",
    call: (cp) => cp.onFirmwareUpdateStatusNotification(3, "SignatureVerified"),
    type: "FirmwareUpdateStatusChanged",
  },
  {
    name: "onReservationStart",
    call: (cp) => cp.onReservationStart(2),
    type: "ReservationStarted",
    check: (_r, cp) => assert.equal(cp.connectorStatus(2), "Reserved"),
  },
  {
    name: "onReservationEnd",
    call: (cp) => cp.onReservationEnd(2),
    type: "ReservationEnded",
    check: (_r, cp) => assert.equal(cp.connectorStatus(2), "Available"),
  },
  {
    name: "onDisabled",
    call: (cp) => cp.onDisabled(2),
    type: "ConnectorDisabled",
    check: (_r, cp) => assert.equal(cp.connectorStatus(2), "Unavailable"),
  },
  {
    name: "onEnabled",
    call: (cp) => cp.onEnabled(2),
    type: "ConnectorEnabled",
    check: (_r, cp) => assert.equal(cp.connectorStatus(2), "Available"),
  },
  {
    name: "onSessionStarted then onPluginTimeout",
    call: (cp) => cp.onSessionStarted(2, "s-2", "EVConnected"),
    type: "SessionStarted",
  },
  {
    name: "onPluginTimeout",
    call: (cp) => cp.onPluginTimeout(2),
    type: "PluginTimedOut",
    check: (_r, cp) => assert.equal(cp.connectorStatus(2), "Finishing"),
  },
  {
    name: "onSecurityEvent with every argument",
    call: (cp) => cp.onSecurityEvent("StartupOfTheDevice", "boot", true, T0),
    type: "SecurityEventOccurred",
  },
  {
    name: "onChangeAvailability",
    call: (cp) => cp.onChangeAvailability({ connectorId: 1, type: "Inoperative" }),
    type: "AvailabilityChangeRequested",
    check: (r, cp) => {
      assert.deepEqual(r, { status: "Accepted" });
      assert.equal(cp.connectorStatus(1), "Unavailable");
    },
  },
  {
    name: "onChangeAvailability of an unknown connector is Rejected, like the CSMS request",
    call: (cp) => cp.onChangeAvailability({ connectorId: 3, type: "Inoperative" }),
    type: "AvailabilityChangeRequested",
    check: (r, cp) => {
      assert.deepEqual(r, { status: "Rejected" });
      assert.notEqual(cp.connectorStatus(2), "Unavailable");
    },
  },
  {
    name: "authorizeIdToken",
    call: (cp) => cp.authorizeIdToken("TAG-1"),
    type: "AuthorizeRequested",
    check: (r) => assert.deepEqual(r, { status: "Accepted" }),
  },
  {
    name: "dataTransfer",
    call: (cp) => cp.dataTransfer("Acme", "hello", "{}"),
    type: "DataTransferRequested",
    check: (r) => assert.deepEqual(r, { status: "Accepted" }),
  },
  {
    name: "getCompositeSchedules (a query: appends nothing)",
    call: (cp) => cp.getCompositeSchedules(3600, "W"),
    type: undefined,
    check: (r) => {
      const schedules = r as Record<number, { chargingRateUnit: string; duration: number }>;
      assert.deepEqual(Object.keys(schedules), ["0", "1", "2"]);
      assert.equal(schedules[1]?.chargingRateUnit, "W");
      assert.equal(schedules[1]?.duration, 3600);
    },
  },
];

Deno.test("valid handler calls append exactly one event of the handler's type", async (t) => {
  await using csms = await ScriptedCsms.start();
  const h = makeChargePoint(csms.url);
  await h.cp.start();
  try {
    await csms.waitFor("StatusNotification", 3);
    for (const v of VALID_SEQUENCE) {
      await t.step(v.name, async () => {
        const before = h.cp.log.lastSeq;
        const { error, threw, appended, returned } = await attempt(h.cp, v.call);
        assert.ok(!threw, `threw ${String(error)}`);
        if (v.type === undefined) {
          assert.equal(appended, 0);
        } else {
          assert.equal(appended, 1, `appended ${appended} events`);
          const [event] = [...h.cp.log.read(before + 1)];
          assert.equal(event?.type, v.type);
        }
        v.check?.(returned, h.cp);
      });
    }
  } finally {
    await h.cp.stop();
  }
  assertAllValid(csms.frames);
  assert.deepEqual(replay(h.store).frames, h.sent);
});

Deno.test("the event of a valid call holds the normalised arguments", async () => {
  const h = makeChargePoint(closedPortUrl());
  await h.cp.start();
  try {
    const before = h.cp.log.lastSeq;
    h.cp.onTransactionStarted(2, "s-9", "TAG-9", 12.5, 4, new Date("2026-02-03T04:05:06+01:00"));
    h.cp.onMeterValues(2, measurement({ timestamp: "2026-01-01T12:00:00+02:00" }));
    h.cp.onError(2, { ...FAULT, info: "x".repeat(80) });
    const events = [...h.cp.log.read(before + 1)];
    assert.deepEqual(events.map((e) => e.type), [
      "TransactionStarted",
      "MeterValuesMeasured",
      "ErrorRaised",
    ]);
    assert.deepEqual(events[0]?.data, {
      connector: 2,
      sessionId: "s-9",
      idToken: "TAG-9",
      meterStartWh: 12.5,
      reservationId: 4,
      timestamp: "2026-02-03T03:05:06.000Z",
    });
    assert.deepEqual(events[1]?.data, {
      connector: 2,
      measurement: {
        powerMeter: { timestamp: "2026-01-01T10:00:00.000Z", energyWhImport: { total: 1000 } },
      },
    });
    assert.deepEqual(events[2]?.data, { connector: 2, error: { ...FAULT, info: "x".repeat(50) } });
  } finally {
    await h.cp.stop();
  }
});

Deno.test("constructor: every registry key of `configuration` is checked like ChangeConfiguration (vendor keys kept, secrets masked in the error)", () => {
  const make = (configuration: Record<string, string>) =>
    makeChargePoint("ws://127.0.0.1:1", { configuration });
  const refused = (configuration: Record<string, string>, name: string, reason: RegExp) => {
    assert.throws(() => make(configuration), (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError, String(error));
      assert.equal(error.code, "INVALID_ARGUMENT");
      assert.equal(error.argument, `configuration.${name}`);
      assert.match(error.message, reason);
      return true;
    });
  };
  refused({ HeartbeatInterval: "abc" }, "HeartbeatInterval", /not a non-negative integer/);
  refused({ heartbeatinterval: "-1" }, "HeartbeatInterval", /not a non-negative integer/);
  refused({ LocalAuthorizeOffline: "yes" }, "LocalAuthorizeOffline", /true or false/);
  refused({ ConnectorPhaseRotation: "7.RST" }, "ConnectorPhaseRotation", /does not exist/);
  const secret = "short-key";
  assert.throws(() => make({ AuthorizationKey: secret }), (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError);
    assert.equal(error.argument, "configuration.AuthorizationKey");
    assert.ok(!error.message.includes(secret), error.message);
    return true;
  });
  // Valid values, unknown vendor keys and their case: constructed.
  make({
    HeartbeatInterval: "300",
    LocalAuthorizeOffline: "TRUE",
    ConnectorPhaseRotation: "1.RST",
    VendorSpecificThing: "anything at all",
  });
});

Deno.test("start() on a store holding an event of an unknown type refuses with a StateError naming its seq (stored data is not validated again)", async () => {
  const store = new MemoryEventStore();
  store.append({
    id: "01JD0000000000000000000001",
    seq: 1,
    at: T0.toISOString(),
    type: "Bogus",
    data: {},
  });
  const h = makeChargePoint(closedPortUrl(), { store });
  await assert.rejects(() => h.cp.start(), (error: unknown) => {
    assert.ok(error instanceof StateError, String(error));
    assert.match(error.message, /event 1 of the store is invalid: unknown type "Bogus"/);
    return true;
  });
  assert.equal(store.lastSeq(), 1, "nothing appended");
});
