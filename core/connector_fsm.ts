/**
 * The connector state machine of libocpp's OCPP 1.6 charge point (`charge_point_state_machine.cpp`),
 * as pure functions.
 *
 * Two parts:
 *
 * - **The stored state** moves by {@linkcode transition} over the nine {@linkcode FSM_EVENTS}, with
 *   exactly libocpp's `FSM_DEF` table. An event without a transition returns `undefined` and is
 *   ignored (no StatusNotification). There are no self-transitions, so repeating an event never
 *   produces a duplicate notification. A *stored* `Faulted` (only possible as an initial state) has
 *   no transitions at all: libocpp leaves it only through the I1..I8 events, which it never fires.
 * - **Faulted is an overlay**: active errors are kept by uuid in {@linkcode ConnectorErrors}; the
 *   reported status is `Faulted` while any active error is a fault, else the stored state
 *   ({@linkcode reportedStatus}). Events keep moving the stored state while faulted.
 *
 * The `statusAfter*` helpers say which StatusNotification fields (if any) a step produces.
 * Error clearing follows **libocpp 0.25+** (commit `0135dc76`), not 0.24.x: clearing an unknown
 * uuid is ignored; if a fault is still active nothing is sent; otherwise the stored state is sent
 * with the latest remaining error's fields, or `NoError` when none remain. (0.24.x sent nothing when
 * non-fault errors remained, and sent `NoError` for an unknown uuid.)
 *
 * "Latest error" is the most recently *raised* still-active error (insertion order). libocpp takes
 * the maximum timestamp; with timestamps taken from the clock at raise time these agree, and
 * insertion order has no ties.
 *
 * Error strings are truncated like libocpp's `ErrorInfo` constructor (info 50, vendorId 255,
 * vendorErrorCode 50), counting Unicode code points (libocpp counts UTF-8 bytes and can cut a
 * character in half; the OCPP schema limits are in characters).
 *
 * @module
 */

/** `true` iff A and B are the same type. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;
type Assert<T extends true> = T;

const _CHARGE_POINT_STATUSES = [
  "Available",
  "Preparing",
  "Charging",
  "SuspendedEVSE",
  "SuspendedEV",
  "Finishing",
  "Reserved",
  "Unavailable",
  "Faulted",
] as const;
type _ChargePointStatusComplete = Assert<
  Equals<typeof _CHARGE_POINT_STATUSES[number], ChargePointStatus>
>;

/**
 * The nine OCPP 1.6 `ChargePointStatus` values, in the order of the spec.
 *
 * @example
 * ```ts
 * import { CHARGE_POINT_STATUSES } from "./connector_fsm.ts";
 * console.log(CHARGE_POINT_STATUSES.includes("Charging")); // true
 * ```
 */
export const CHARGE_POINT_STATUSES: readonly ChargePointStatus[] = _CHARGE_POINT_STATUSES;

/**
 * An OCPP 1.6 connector status.
 *
 * @example
 * ```ts
 * import type { ChargePointStatus } from "./connector_fsm.ts";
 * const s: ChargePointStatus = "SuspendedEV";
 * ```
 */
export type ChargePointStatus =
  | "Available"
  | "Preparing"
  | "Charging"
  | "SuspendedEVSE"
  | "SuspendedEV"
  | "Finishing"
  | "Reserved"
  | "Unavailable"
  | "Faulted";

const _FSM_EVENTS = [
  "BecomeAvailable",
  "UsageInitiated",
  "StartCharging",
  "PauseChargingEV",
  "PauseChargingEVSE",
  "ReserveConnector",
  "TransactionStoppedAndUserActionRequired",
  "ChangeAvailabilityToUnavailable",
  "ReservationEnd",
] as const;
type _FsmEventComplete = Assert<Equals<typeof _FSM_EVENTS[number], FsmEvent>>;

/**
 * The nine events of libocpp's connector FSM (`FSMEvent` without the never-fired I1..I8).
 *
 * @example
 * ```ts
 * import { FSM_EVENTS } from "./connector_fsm.ts";
 * console.log(FSM_EVENTS.length); // 9
 * ```
 */
export const FSM_EVENTS: readonly FsmEvent[] = _FSM_EVENTS;

/**
 * An event of the connector FSM.
 *
 * @example
 * ```ts
 * import type { FsmEvent } from "./connector_fsm.ts";
 * const e: FsmEvent = "UsageInitiated";
 * ```
 */
export type FsmEvent =
  | "BecomeAvailable"
  | "UsageInitiated"
  | "StartCharging"
  | "PauseChargingEV"
  | "PauseChargingEVSE"
  | "ReserveConnector"
  | "TransactionStoppedAndUserActionRequired"
  | "ChangeAvailabilityToUnavailable"
  | "ReservationEnd";

const _CHARGE_POINT_ERROR_CODES = [
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
] as const;
type _ChargePointErrorCodeComplete = Assert<
  Equals<typeof _CHARGE_POINT_ERROR_CODES[number], ChargePointErrorCode>
>;

/**
 * The 16 OCPP 1.6 `ChargePointErrorCode` values (including `NoError`).
 *
 * @example
 * ```ts
 * import { CHARGE_POINT_ERROR_CODES } from "./connector_fsm.ts";
 * console.log(CHARGE_POINT_ERROR_CODES.length); // 16
 * ```
 */
export const CHARGE_POINT_ERROR_CODES: readonly ChargePointErrorCode[] = _CHARGE_POINT_ERROR_CODES;

/**
 * An OCPP 1.6 `ChargePointErrorCode`.
 *
 * @example
 * ```ts
 * import type { ChargePointErrorCode } from "./connector_fsm.ts";
 * const c: ChargePointErrorCode = "GroundFailure";
 * ```
 */
export type ChargePointErrorCode =
  | "ConnectorLockFailure"
  | "EVCommunicationError"
  | "GroundFailure"
  | "HighTemperature"
  | "InternalError"
  | "LocalListConflict"
  | "NoError"
  | "OtherError"
  | "OverCurrentFailure"
  | "PowerMeterFailure"
  | "PowerSwitchFailure"
  | "ReaderFailure"
  | "ResetFailure"
  | "UnderVoltage"
  | "OverVoltage"
  | "WeakSignal";

type Row = Readonly<Partial<Record<FsmEvent, ChargePointStatus>>>;

/** libocpp `FSM_DEF` (v0.24.2 … 0.31), one row per stored state; a missing cell = ignored. */
const TABLE: Readonly<Record<ChargePointStatus, Row>> = {
  Available: {
    UsageInitiated: "Preparing",
    StartCharging: "Charging",
    PauseChargingEV: "SuspendedEV",
    PauseChargingEVSE: "SuspendedEVSE",
    ReserveConnector: "Reserved",
    ChangeAvailabilityToUnavailable: "Unavailable",
  },
  Preparing: {
    BecomeAvailable: "Available",
    StartCharging: "Charging",
    PauseChargingEV: "SuspendedEV",
    PauseChargingEVSE: "SuspendedEVSE",
    TransactionStoppedAndUserActionRequired: "Finishing",
  },
  Charging: {
    BecomeAvailable: "Available",
    PauseChargingEV: "SuspendedEV",
    PauseChargingEVSE: "SuspendedEVSE",
    TransactionStoppedAndUserActionRequired: "Finishing",
    ChangeAvailabilityToUnavailable: "Unavailable",
  },
  SuspendedEV: {
    BecomeAvailable: "Available",
    StartCharging: "Charging",
    PauseChargingEVSE: "SuspendedEVSE",
    TransactionStoppedAndUserActionRequired: "Finishing",
    ChangeAvailabilityToUnavailable: "Unavailable",
  },
  SuspendedEVSE: {
    BecomeAvailable: "Available",
    StartCharging: "Charging",
    PauseChargingEV: "SuspendedEV",
    TransactionStoppedAndUserActionRequired: "Finishing",
    ChangeAvailabilityToUnavailable: "Unavailable",
  },
  Finishing: {
    BecomeAvailable: "Available",
    UsageInitiated: "Preparing",
    ChangeAvailabilityToUnavailable: "Unavailable",
  },
  Reserved: {
    BecomeAvailable: "Available",
    UsageInitiated: "Preparing",
    ChangeAvailabilityToUnavailable: "Unavailable",
    ReservationEnd: "Available",
  },
  Unavailable: {
    BecomeAvailable: "Available",
    UsageInitiated: "Preparing",
    StartCharging: "Charging",
    PauseChargingEV: "SuspendedEV",
    PauseChargingEVSE: "SuspendedEVSE",
  },
  Faulted: {},
};

/**
 * The stored state after `event` in `state`, or `undefined` when libocpp's table has no transition
 * (the event is ignored and no StatusNotification is sent). Pure.
 *
 * @example
 * ```ts
 * import { transition } from "./connector_fsm.ts";
 * console.log(transition("Available", "UsageInitiated")); // "Preparing"
 * console.log(transition("Preparing", "ChangeAvailabilityToUnavailable")); // undefined
 * console.log(transition("Faulted", "BecomeAvailable")); // undefined (stored Faulted is sticky)
 * ```
 */
export function transition(
  state: ChargePointStatus,
  event: FsmEvent,
): ChargePointStatus | undefined {
  return TABLE[state][event];
}

/**
 * Maximum lengths of the `ErrorInfo` strings, as libocpp's constructor truncates them (and as the
 * StatusNotification.req schema limits them).
 *
 * @example
 * ```ts
 * import { ERROR_INFO_MAX_LENGTHS } from "./connector_fsm.ts";
 * console.log(ERROR_INFO_MAX_LENGTHS.info); // 50
 * ```
 */
export const ERROR_INFO_MAX_LENGTHS: Readonly<
  { info: number; vendorId: number; vendorErrorCode: number }
> = Object.freeze({ info: 50, vendorId: 255, vendorErrorCode: 50 });

/**
 * Cuts `text` to at most `max` Unicode code points (never splits a surrogate pair);
 * `undefined` stays `undefined`.
 *
 * @example
 * ```ts
 * import { truncate } from "./connector_fsm.ts";
 * console.log(truncate("abcdef", 3)); // "abc"
 * console.log(truncate(undefined, 3)); // undefined
 * ```
 */
export function truncate(text: string, max: number): string;
/** Overload: `undefined` passes through. */
export function truncate(text: string | undefined, max: number): string | undefined;
export function truncate(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  if (text.length <= max) return text; // UTF-16 length ≥ code point count
  const points = Array.from(text);
  return points.length <= max ? text : points.slice(0, max).join("");
}

/**
 * One active error of a connector, as kept by the FSM (libocpp `ErrorInfo`).
 *
 * @example
 * ```ts
 * import type { ActiveError } from "./connector_fsm.ts";
 * const e: ActiveError = {
 *   uuid: "e1", errorCode: "GroundFailure", isFault: true, timestamp: "2026-01-01T00:00:00.000Z",
 * };
 * ```
 */
export interface ActiveError {
  /** Identifies the error for clearing; unique among the active errors of a connector. */
  readonly uuid: string;
  /** The OCPP error code reported in StatusNotification.req. */
  readonly errorCode: ChargePointErrorCode;
  /** `true` makes the connector report `Faulted` while the error is active. */
  readonly isFault: boolean;
  /** Free text, at most 50 characters. */
  readonly info?: string;
  /** Vendor identifier, at most 255 characters. */
  readonly vendorId?: string;
  /** Vendor-specific error code, at most 50 characters. */
  readonly vendorErrorCode?: string;
  /** ISO 8601 UTC time the error was raised. */
  readonly timestamp: string;
}

/**
 * Returns `e` with `info`, `vendorId` and `vendorErrorCode` truncated to
 * {@linkcode ERROR_INFO_MAX_LENGTHS} (the same object if nothing was too long). Absent fields stay
 * absent.
 *
 * @example
 * ```ts
 * import { truncateErrorInfo } from "./connector_fsm.ts";
 * const e = truncateErrorInfo({ info: "x".repeat(80) });
 * console.log(e.info?.length); // 50
 * ```
 */
export function truncateErrorInfo<
  T extends {
    readonly info?: string;
    readonly vendorId?: string;
    readonly vendorErrorCode?: string;
  },
>(e: T): T {
  const info = truncate(e.info, ERROR_INFO_MAX_LENGTHS.info);
  const vendorId = truncate(e.vendorId, ERROR_INFO_MAX_LENGTHS.vendorId);
  const vendorErrorCode = truncate(e.vendorErrorCode, ERROR_INFO_MAX_LENGTHS.vendorErrorCode);
  if (info === e.info && vendorId === e.vendorId && vendorErrorCode === e.vendorErrorCode) return e;
  const patch: { info?: string; vendorId?: string; vendorErrorCode?: string } = {};
  if (info !== undefined) patch.info = info;
  if (vendorId !== undefined) patch.vendorId = vendorId;
  if (vendorErrorCode !== undefined) patch.vendorErrorCode = vendorErrorCode;
  return { ...e, ...patch };
}

/**
 * The active errors of one connector: unique by uuid, in the order they were raised (the last
 * entry is the latest). Immutable: the helpers return a new value, or the **same** object when
 * nothing changed, so callers can detect a no-op with `===`. Plain data (JSON-serialisable).
 *
 * @example
 * ```ts
 * import { addError, NO_ERRORS } from "./connector_fsm.ts";
 * const errors = addError(NO_ERRORS, {
 *   uuid: "e1", errorCode: "HighTemperature", isFault: false, timestamp: "2026-01-01T00:00:00.000Z",
 * });
 * console.log(errors.active.length); // 1
 * ```
 */
export interface ConnectorErrors {
  /** Active errors, oldest first; uuids are unique. */
  readonly active: readonly ActiveError[];
}

/**
 * The empty (frozen) {@linkcode ConnectorErrors}.
 *
 * @example
 * ```ts
 * import { isFaulted, NO_ERRORS } from "./connector_fsm.ts";
 * console.log(isFaulted(NO_ERRORS)); // false
 * ```
 */
export const NO_ERRORS: ConnectorErrors = Object.freeze({ active: Object.freeze([]) });

/**
 * Adds an error (its strings truncated). A uuid that is already active leaves everything
 * unchanged and returns the **same** object (libocpp: duplicate uuid ignored, nothing sent).
 *
 * @example
 * ```ts
 * import { addError, NO_ERRORS } from "./connector_fsm.ts";
 * const e = { uuid: "e1", errorCode: "GroundFailure", isFault: true, timestamp: "2026-01-01T00:00:00Z" } as const;
 * const once = addError(NO_ERRORS, e);
 * console.log(addError(once, e) === once); // true
 * ```
 */
export function addError(errors: ConnectorErrors, e: ActiveError): ConnectorErrors {
  if (errors.active.some((x) => x.uuid === e.uuid)) return errors;
  return { active: [...errors.active, truncateErrorInfo(e)] };
}

/**
 * Removes the error with `uuid`; an unknown uuid returns the **same** object.
 *
 * @example
 * ```ts
 * import { addError, clearError, NO_ERRORS } from "./connector_fsm.ts";
 * const errors = addError(NO_ERRORS, {
 *   uuid: "e1", errorCode: "GroundFailure", isFault: true, timestamp: "2026-01-01T00:00:00Z",
 * });
 * console.log(clearError(errors, "e1").active.length); // 0
 * console.log(clearError(errors, "nope") === errors); // true
 * ```
 */
export function clearError(errors: ConnectorErrors, uuid: string): ConnectorErrors {
  const i = errors.active.findIndex((x) => x.uuid === uuid);
  if (i < 0) return errors;
  return { active: errors.active.filter((_, j) => j !== i) };
}

/**
 * Removes every error. Already empty → the same object.
 *
 * @example
 * ```ts
 * import { clearAllErrors, NO_ERRORS } from "./connector_fsm.ts";
 * console.log(clearAllErrors(NO_ERRORS) === NO_ERRORS); // true
 * ```
 */
export function clearAllErrors(errors: ConnectorErrors): ConnectorErrors {
  return errors.active.length === 0 ? errors : NO_ERRORS;
}

/**
 * `true` iff at least one active error is a fault.
 *
 * @example
 * ```ts
 * import { addError, isFaulted, NO_ERRORS } from "./connector_fsm.ts";
 * const errors = addError(NO_ERRORS, {
 *   uuid: "e1", errorCode: "HighTemperature", isFault: false, timestamp: "2026-01-01T00:00:00Z",
 * });
 * console.log(isFaulted(errors)); // false
 * ```
 */
export function isFaulted(errors: ConnectorErrors): boolean {
  return errors.active.some((x) => x.isFault);
}

/**
 * The most recently raised still-active error, or `undefined` when there is none.
 *
 * @example
 * ```ts
 * import { addError, latestError, NO_ERRORS } from "./connector_fsm.ts";
 * const t = "2026-01-01T00:00:00Z";
 * let errors = addError(NO_ERRORS, { uuid: "a", errorCode: "GroundFailure", isFault: false, timestamp: t });
 * errors = addError(errors, { uuid: "b", errorCode: "WeakSignal", isFault: false, timestamp: t });
 * console.log(latestError(errors)?.uuid); // "b"
 * ```
 */
export function latestError(errors: ConnectorErrors): ActiveError | undefined {
  return errors.active[errors.active.length - 1];
}

/**
 * The status the connector reports: `Faulted` while any active error is a fault, else `stored`.
 *
 * @example
 * ```ts
 * import { addError, NO_ERRORS, reportedStatus } from "./connector_fsm.ts";
 * const errors = addError(NO_ERRORS, {
 *   uuid: "e1", errorCode: "GroundFailure", isFault: true, timestamp: "2026-01-01T00:00:00Z",
 * });
 * console.log(reportedStatus("Charging", errors)); // "Faulted"
 * console.log(reportedStatus("Charging", NO_ERRORS)); // "Charging"
 * ```
 */
export function reportedStatus(
  stored: ChargePointStatus,
  errors: ConnectorErrors,
): ChargePointStatus {
  return isFaulted(errors) ? "Faulted" : stored;
}

/**
 * The fields of one StatusNotification.req that a step produces (the caller adds `connectorId`
 * and `timestamp`). Optional fields are absent, never `undefined`.
 *
 * @example
 * ```ts
 * import type { StatusNotificationFields } from "./connector_fsm.ts";
 * const n: StatusNotificationFields = { status: "Available", errorCode: "NoError" };
 * ```
 */
export interface StatusNotificationFields {
  /** The reported status (`Faulted` when a fault is active). */
  readonly status: ChargePointStatus;
  /** The error code, `NoError` when no error is reported. */
  readonly errorCode: ChargePointErrorCode;
  /** Free text, at most 50 characters. */
  readonly info?: string;
  /** Vendor identifier, at most 255 characters. */
  readonly vendorId?: string;
  /** Vendor-specific error code, at most 50 characters. */
  readonly vendorErrorCode?: string;
}

function fields(
  status: ChargePointStatus,
  errorCode: ChargePointErrorCode,
  info: string | undefined,
  vendorId: string | undefined,
  vendorErrorCode: string | undefined,
): StatusNotificationFields {
  const out: {
    status: ChargePointStatus;
    errorCode: ChargePointErrorCode;
    info?: string;
    vendorId?: string;
    vendorErrorCode?: string;
  } = { status, errorCode };
  const i = truncate(info, ERROR_INFO_MAX_LENGTHS.info);
  const v = truncate(vendorId, ERROR_INFO_MAX_LENGTHS.vendorId);
  const c = truncate(vendorErrorCode, ERROR_INFO_MAX_LENGTHS.vendorErrorCode);
  if (i !== undefined) out.info = i;
  if (v !== undefined) out.vendorId = v;
  if (c !== undefined) out.vendorErrorCode = c;
  return out;
}

/**
 * The notification after raising `error` on a connector whose errors *before* were `before`
 * (libocpp `handle_error`): `undefined` if the uuid is already active (ignored); otherwise always a
 * notification — `Faulted` if any error (including this one) is a fault, else the stored state —
 * with the code, info and vendor fields of **this** error.
 *
 * @example
 * ```ts
 * import { NO_ERRORS, statusAfterErrorRaised } from "./connector_fsm.ts";
 * const n = statusAfterErrorRaised("Available", NO_ERRORS, {
 *   uuid: "e1", errorCode: "ConnectorLockFailure", isFault: true, timestamp: "2026-01-01T00:00:00Z",
 * });
 * console.log(n); // { status: "Faulted", errorCode: "ConnectorLockFailure" }
 * ```
 */
export function statusAfterErrorRaised(
  stored: ChargePointStatus,
  before: ConnectorErrors,
  error: ActiveError,
): StatusNotificationFields | undefined {
  const after = addError(before, error);
  if (after === before) return undefined;
  return fields(
    reportedStatus(stored, after),
    error.errorCode,
    error.info,
    error.vendorId,
    error.vendorErrorCode,
  );
}

/**
 * The notification after clearing `uuid` on a connector whose errors *before* were `before`,
 * with **libocpp 0.25+** rules: unknown uuid → `undefined`; still faulted after removal →
 * `undefined`; otherwise the stored state with the latest remaining error's code/info/vendor
 * fields, or `NoError` when no error remains.
 *
 * @example
 * ```ts
 * import { addError, NO_ERRORS, statusAfterErrorCleared } from "./connector_fsm.ts";
 * const errors = addError(NO_ERRORS, {
 *   uuid: "e1", errorCode: "GroundFailure", isFault: true, timestamp: "2026-01-01T00:00:00Z",
 * });
 * console.log(statusAfterErrorCleared("Available", errors, "e1"));
 * // { status: "Available", errorCode: "NoError" }
 * console.log(statusAfterErrorCleared("Available", errors, "unknown")); // undefined
 * ```
 */
export function statusAfterErrorCleared(
  stored: ChargePointStatus,
  before: ConnectorErrors,
  uuid: string,
): StatusNotificationFields | undefined {
  const after = clearError(before, uuid);
  if (after === before || isFaulted(after)) return undefined;
  return currentStatus(stored, after);
}

/**
 * The notification after clearing all errors (libocpp `handle_all_errors_cleared`): always the
 * stored state with `NoError`, even if no error was active.
 *
 * @example
 * ```ts
 * import { statusAfterAllErrorsCleared } from "./connector_fsm.ts";
 * console.log(statusAfterAllErrorsCleared("Charging")); // { status: "Charging", errorCode: "NoError" }
 * ```
 */
export function statusAfterAllErrorsCleared(stored: ChargePointStatus): StatusNotificationFields {
  return fields(stored, "NoError", undefined, undefined, undefined);
}

/**
 * The notification after a transition to `next` (libocpp `handle_event`): `undefined` while
 * faulted (the stored state still moves, nothing is sent); otherwise `next` with the latest
 * error's code/vendorId/vendorErrorCode (or `NoError`) and `info` = the event's info.
 * Call it only when {@linkcode transition} returned a state.
 *
 * @example
 * ```ts
 * import { NO_ERRORS, statusAfterTransition, transition } from "./connector_fsm.ts";
 * const next = transition("Available", "UsageInitiated");
 * if (next) console.log(statusAfterTransition(next, NO_ERRORS, "EVConnected"));
 * // { status: "Preparing", errorCode: "NoError", info: "EVConnected" }
 * ```
 */
export function statusAfterTransition(
  next: ChargePointStatus,
  errors: ConnectorErrors,
  info?: string,
): StatusNotificationFields | undefined {
  if (isFaulted(errors)) return undefined;
  const latest = latestError(errors);
  return fields(
    next,
    latest?.errorCode ?? "NoError",
    info,
    latest?.vendorId,
    latest?.vendorErrorCode,
  );
}

/**
 * The notification describing the connector as it is now (libocpp `trigger_status_notification`,
 * used after boot, reconnect and TriggerMessage): {@linkcode reportedStatus} with the latest
 * error's code/info/vendor fields, or `NoError`.
 *
 * @example
 * ```ts
 * import { currentStatus, NO_ERRORS } from "./connector_fsm.ts";
 * console.log(currentStatus("Unavailable", NO_ERRORS)); // { status: "Unavailable", errorCode: "NoError" }
 * ```
 */
export function currentStatus(
  stored: ChargePointStatus,
  errors: ConnectorErrors,
): StatusNotificationFields {
  const latest = latestError(errors);
  if (latest === undefined) {
    return fields(reportedStatus(stored, errors), "NoError", undefined, undefined, undefined);
  }
  return fields(
    reportedStatus(stored, errors),
    latest.errorCode,
    latest.info,
    latest.vendorId,
    latest.vendorErrorCode,
  );
}
