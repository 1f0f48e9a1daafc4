/**
 * The state of the charge point: what the fold of the event log gives. Plain immutable data.
 *
 * @module
 */
import type { ChargePointStatus, ConnectorErrors } from "./connector_fsm.ts";
import { NO_ERRORS } from "./connector_fsm.ts";
import type { MeasurementData } from "../events/measurement.ts";
import type { MeterValue } from "./meter_values.ts";
import { Queue } from "./persistent_queue.ts";
import type { ActionName } from "./ocpp/actions.ts";
import type { Reservation } from "./reservations.ts";
import type { LocalAuthList } from "./local_auth_list.ts";
import type { Deauthorization } from "./invalid_id.ts";
import type { SecurityTransition } from "./security/profile.ts";

/** A transaction running on a connector. */
export interface TransactionState {
  /** Local reference: the id of the `TransactionStarted` event. */
  readonly ref: string;
  /** The firmware's session id. */
  readonly sessionId: string;
  /** idTag that started it. */
  readonly idTag: string;
  /** Meter value at start, in Wh. */
  readonly meterStartWh: number;
  /** ISO start time given by the firmware. */
  readonly startedAt: string;
  /** Reservation consumed by the start, if any. */
  readonly reservationId?: number;
  /** Event time of the start (ms since the epoch): periodic samples are whole intervals after it. */
  readonly sampledFrom?: number;
  /**
   * The central system's clock offset (ms) when the transaction started: periodic samples are
   * timestamped with it, so they stay exactly one interval apart when the offset changes.
   */
  readonly sampleOffsetMs?: number;
  /**
   * The process restarted during the transaction: the first measurement after it is sent as an
   * `Interruption.End` value (see `metering.ts`).
   */
  readonly interrupted?: boolean;
  /**
   * Meter values kept for StopTransaction's `transactionData` (Transaction.Begin, the
   * `StopTxnSampledData`/`StopTxnAlignedData` samples), bounded (see `metering.ts`).
   */
  readonly meterValues?: readonly MeterValue[];
  /**
   * The StartTransaction answer's idTagInfo was not Accepted: what was done about it (see
   * `invalid_id.ts`).
   */
  readonly deauthorized?: Deauthorization;
}

/** One connector (0 is the charge point as a whole). */
export interface ConnectorState {
  /** Connector id, 0..n. */
  readonly id: number;
  /** Status stored by the state machine (Faulted is an overlay computed from `errors`). */
  readonly stored: ChargePointStatus;
  /** Active errors by uuid. */
  readonly errors: ConnectorErrors;
  /** Availability set by ChangeAvailability (persisted). */
  readonly operative: boolean;
  /** Availability change waiting for the running transaction to end. */
  readonly scheduledAvailability?: "Operative" | "Inoperative";
  /** Latest measurement given by `onMeterValues`. */
  readonly measurement?: MeasurementData;
  /** From `onMaxCurrentOffered`, in A. */
  readonly maxCurrentA?: number;
  /** From `onMaxPowerOffered`, in W. */
  readonly maxPowerW?: number;
  /** The running transaction. */
  readonly transaction?: TransactionState;
  /** Current session id (between `onSessionStarted` and `onSessionStopped`). */
  readonly sessionId?: string;
  /** Event time (ms since the epoch) of the latest `onSessionStarted`. */
  readonly sessionStartedAt?: number;
  /**
   * A StatusNotification waiting for `MinimumStatusDuration` (timer `status:<id>`), as it will be
   * sent (see `status_duration.ts`).
   */
  readonly pendingStatus?: Readonly<Record<string, unknown>>;
}

/** A CALL waiting in the outbox or in flight. */
export interface OutgoingCall {
  /** OCPP-J message id; kept across retries. */
  readonly id: string;
  /** OCPP action. */
  readonly action: ActionName;
  /** Request payload (without an injected transactionId). */
  readonly payload: Readonly<Record<string, unknown>>;
  /** Transaction messages are kept while offline and retried; normal ones are not. */
  readonly kind: "transaction" | "normal";
  /** Id of the event that asked for the call, to answer a waiting caller. */
  readonly ref?: string;
  /** Local transaction reference whose CSMS transactionId is put into the payload when sent. */
  readonly txRef?: string;
  /** How many times it was sent. */
  readonly attempts: number;
  /** Not sent before this time (ms since epoch). */
  readonly notBefore: number;
  /** Sent on request of TriggerMessage: allowed before the BootNotification is accepted. */
  readonly triggered?: boolean;
}

/**
 * A firmware callback whose result the fold waits for, e.g. to answer a central system request.
 * Plain data: the continuation is named by the request's action.
 */
export interface PendingCallback {
  /** Callback name. */
  readonly callback: string;
  /** The central system CALL to answer when the result arrives. */
  readonly messageId: string;
  /** Its action: selects the request handler that resumes. */
  readonly action: ActionName;
  /** What the handler needs to resume (plain JSON). */
  readonly context: Readonly<Record<string, unknown>>;
}

/** An entry of the authorization cache: the last idTagInfo the central system gave for an idTag. */
export interface AuthCacheEntry {
  /** Accepted, Blocked, Expired, Invalid or ConcurrentTx. */
  readonly status: string;
  /** Expiry of the authorization (RFC 3339). */
  readonly expiryDate?: string;
  /** Parent (group) idTag. */
  readonly parentIdTag?: string;
  /** When the entry was written (central-system-aligned ISO time). */
  readonly updatedAt: string;
}

/** A Reset accepted but not performed yet: running transactions are being stopped first. */
export interface PendingReset {
  /** Type of the reset. */
  readonly type: "Hard" | "Soft";
  /** When it was accepted (ms since the epoch, event time). */
  readonly acceptedAt: number;
  /** The ResetOrReboot security event it raised is folded (its notification, if any, queued). */
  readonly eventRaised: boolean;
}

/**
 * Pacing of the backlog flushed after the link (re)opens: at most `MessageQueueFlushRate`
 * transaction-related CALLs of the backlog per second (see `outbox.ts`).
 */
export interface FlushPacing {
  /** Backlog messages still paced (the transaction-related CALLs queued when the link opened). */
  readonly remaining: number;
  /** Start of the current one-second window (ms since the epoch, event time). */
  readonly windowStart: number;
  /** Backlog messages sent in the current window. */
  readonly sent: number;
}

/** Status of the registration at the central system (BootNotification). */
export type Registration = "None" | "Pending" | "Accepted" | "Rejected";

/** The whole state. */
export interface State {
  /** True between ChargePointStarted and ChargePointStopped. */
  readonly running: boolean;
  /** Charge point identity. */
  readonly chargePointId: string;
  /** Central system URL (without the identity segment). */
  readonly csmsUrl: string;
  /** Names of the firmware callbacks provided. */
  readonly callbacks: readonly string[];
  /** Effective configuration. */
  readonly config: Readonly<Record<string, string>>;
  /**
   * Values changed after start (ChangeConfiguration, BootNotification interval): they survive a
   * restart, over the constructor's configuration.
   */
  readonly configChanges: Readonly<Record<string, string>>;
  /** BootNotification request fields. */
  readonly bootNotification: Readonly<Record<string, string>>;
  /** Connectors 0..n. */
  readonly connectors: readonly ConnectorState[];
  /** Registration status. */
  readonly registration: Registration;
  /** A BootNotification must be sent as soon as possible. */
  readonly bootDue: boolean;
  /** Link status. */
  readonly link: "Disconnected" | "Connecting" | "Open";
  /** False after `disconnect()`: no automatic reconnect. */
  readonly linkWanted: boolean;
  /** Failed connection attempts since the last successful one. */
  readonly reconnectAttempts: number;
  /** CALLs waiting to be sent, in order. */
  readonly outbox: Queue<OutgoingCall>;
  /** The CALL waiting for its answer. */
  readonly inFlight?: OutgoingCall;
  /** Backlog pacing while the link is usable (open and accepted); undefined otherwise. */
  readonly flush: FlushPacing | undefined;
  /** CSMS transactionId by local transaction reference. */
  readonly transactionIds: Readonly<Record<string, number>>;
  /** Armed timers: name → due time (ms since epoch). */
  readonly timers: Readonly<Record<string, number>>;
  /** Central system time minus local time, in ms (from BootNotification/Heartbeat answers). */
  readonly timeOffsetMs: number;
  /**
   * The last clock-aligned boundary sampled (ms since the epoch, central system's clock): a
   * boundary is never sampled twice, also when the clock offset moves back.
   */
  readonly alignedBoundary?: number;
  /** Last DiagnosticsStatusNotification status. */
  readonly diagnosticsStatus: string;
  /**
   * Last status of an UpdateFirmware (also the steps FirmwareStatusNotification cannot carry,
   * e.g. `DownloadScheduled`; see `requests/transfer_status.ts`).
   */
  readonly firmwareStatus: string;
  /** Last LogStatusNotification. */
  readonly logStatus: { readonly requestId: number; readonly status: string } | undefined;
  /** Last SignedFirmwareStatusNotification. */
  readonly signedFirmwareStatus:
    | { readonly requestId: number; readonly status: string }
    | undefined;
  /**
   * Connectors made inoperative for a firmware installation, to make operative again after it
   * (`FirmwareInstallHoldChanged`, see `requests/update_firmware.ts`); undefined: no hold.
   */
  readonly firmwareHold: readonly number[] | undefined;
  /** How long to wait for a CALLRESULT, in ms. */
  readonly responseTimeoutMs: number;
  /** Callbacks whose results are awaited, by callback reference. */
  readonly pendingCallbacks: Readonly<Record<string, PendingCallback>>;
  /** Accepted reservations by reservationId (as a string); see `reservations.ts`. */
  readonly reservations: Readonly<Record<string, Reservation>>;
  /** Connectors shown Reserved because they are kept free for connector-0 reservations. */
  readonly reservationHolds: readonly number[];
  /** The Local Authorization List (SendLocalList); see `local_auth_list.ts`. */
  readonly localList: LocalAuthList;
  /**
   * Authorization cache by idTag: filled from Authorize, StartTransaction and StopTransaction
   * answers while `AuthorizationCacheEnabled` is true, emptied by ClearCache; kept across restarts.
   */
  readonly authCache: Readonly<Record<string, AuthCacheEntry>>;
  /**
   * `authorizeIdToken` calls waiting for an Authorize.req: idTag by the id of the
   * `AuthorizeRequested` event (see `authorization.ts`).
   */
  readonly pendingAuthorizations: Readonly<Record<string, string>>;
  /**
   * A Reset waiting for running transactions to stop and the transaction-related messages to be
   * delivered (cleared by a restart).
   */
  readonly pendingReset: PendingReset | undefined;
  /**
   * A reconnection with new security settings (SecurityProfile upgrade, AuthorizationKey,
   * CertificateSigned) in progress; see `security/profile.ts`. Cleared by a restart.
   */
  readonly securityTransition: SecurityTransition | undefined;
  /**
   * Ids of the last CALLs answered that were sent once (bounded, see
   * `security/replayed_answers.ts`): another answer to one of them is a replay.
   */
  readonly answeredIds: readonly string[];
  /**
   * The outbox dropped CALLs at `MessageQueueSizeThreshold` and `MemoryExhaustion` was raised;
   * false again once a CALL is added below the threshold (see `outbox.ts`).
   */
  readonly outboxFull: boolean;
  /**
   * Follow-up events the fold raised (security events, outbox notifications, PowerLoss stops)
   * that the log does not hold yet, oldest first: each leaves the list when it is folded. What a
   * killed process left here is raised again at the next `ChargePointStarted` (see
   * `crash_recovery.ts`), so no raised event is lost.
   */
  readonly raising: readonly RaisedEvent[];
}

/** A follow-up event raised by the fold, to be appended by the shell. */
export interface RaisedEvent {
  /** Event type. */
  readonly type: string;
  /** Event data (plain JSON). */
  readonly data: unknown;
}

/**
 * A connector in its initial state.
 *
 * @example
 * ```ts
 * import { newConnector } from "./state.ts";
 * console.log(newConnector(1).stored); // "Available"
 * ```
 */
export function newConnector(id: number): ConnectorState {
  return { id, stored: "Available", errors: NO_ERRORS, operative: true };
}

/**
 * The state before any event.
 *
 * @example
 * ```ts
 * import { initialState } from "./state.ts";
 * console.log(initialState().registration); // "None"
 * ```
 */
export function initialState(): State {
  return {
    running: false,
    chargePointId: "",
    csmsUrl: "",
    callbacks: [],
    config: {},
    configChanges: {},
    bootNotification: {},
    connectors: [newConnector(0)],
    registration: "None",
    bootDue: false,
    link: "Disconnected",
    linkWanted: false,
    reconnectAttempts: 0,
    outbox: Queue.empty(),
    flush: undefined,
    transactionIds: {},
    timers: {},
    timeOffsetMs: 0,
    diagnosticsStatus: "Idle",
    firmwareStatus: "Idle",
    logStatus: undefined,
    signedFirmwareStatus: undefined,
    firmwareHold: undefined,
    responseTimeoutMs: 30_000,
    pendingCallbacks: {},
    reservations: {},
    reservationHolds: [],
    localList: { version: 0, entries: {} },
    authCache: {},
    pendingAuthorizations: {},
    pendingReset: undefined,
    securityTransition: undefined,
    answeredIds: [],
    outboxFull: false,
    raising: [],
  };
}
