/**
 * The `ChargePoint` facade: the firmware's handlers, start/stop, and the thin shell that turns
 * the effects of the fold into I/O (WebSocket frames, timers, firmware callbacks).
 *
 * @module
 */
import type { RecordedEvent } from "../events/envelope.ts";
import {
  type ChargePointEvent,
  EVENT_SCHEMAS,
  type EventData,
  type EventType,
} from "../events/mod.ts";
import {
  DIAGNOSTICS_STATUSES,
  type Reason,
  SIGNED_FIRMWARE_STATUSES,
  UPLOAD_LOG_STATUSES,
} from "../events/handler_events.ts";
import type { ErrorInfo, Measurement } from "../events/measurement.ts";
import { type Clock, systemClock } from "./clock.ts";
import { canonicalConfiguration, checkConfiguration, isSecretKey } from "./configuration_keys.ts";
import { redactFrame, redactUrl } from "./secrets.ts";
import { type ChargePointStatus, reportedStatus } from "./connector_fsm.ts";
import { InvalidArgumentError, StateError, StorageError } from "./errors.ts";
import { EventLog } from "./event_log.ts";
import type { AppendOptions, EventStore } from "./event_store.ts";
import { type Logger, LogRing, silentLogger } from "./logger.ts";
import type { EventOutcome, Plugin, PluginContext } from "./plugin.ts";
import { SqliteEventStore } from "./sqlite_event_store.ts";
import { initialState, type State } from "./state.ts";
import { evolve, step, type StepResult } from "./step.ts";
import type { Effects } from "./draft.ts";
import { type Transport, type TransportConnection, webSocketTransport } from "./transport.ts";
import { isAnswerText } from "./rpc_frame.ts";
import type { CertificateStore } from "./certificate_store.ts";
import { FileCertificateStore } from "./certificate_store.ts";
import { ConnectionSecurity } from "./security/connection_security.ts";
import type { CertificateCallbacks } from "./security/certificate_callbacks.ts";
import { currentProfile, type SecurityProfileNumber } from "./security/profile.ts";
import { isEventType } from "../events/mod.ts";
import { knownParent, type ReservationCheck, reservationCheck } from "./reservations.ts";
import { PLAIN_FIRMWARE_STATUSES } from "./requests/transfer_status.ts";
import type { DiagnosticsRequest, DiagnosticsUploadReply } from "./requests/get_diagnostics.ts";
import type { LogRequest, LogUploadReply } from "./requests/get_log.ts";
import type { FirmwareUpdateRequest } from "./requests/update_firmware.ts";
import type {
  SignedFirmwareUpdateRequest,
  SignedFirmwareUpdateStatus,
} from "./requests/signed_update_firmware.ts";

/** Fields of BootNotification.req the charge point reports. */
export interface BootNotificationFields {
  /** Vendor, ≤ 20 characters. */
  readonly chargePointVendor: string;
  /** Model, ≤ 20 characters. */
  readonly chargePointModel: string;
  /** ≤ 25 characters. */
  readonly chargePointSerialNumber?: string;
  /** ≤ 25 characters. */
  readonly chargeBoxSerialNumber?: string;
  /** ≤ 50 characters. */
  readonly firmwareVersion?: string;
  /** ≤ 20 characters. */
  readonly iccid?: string;
  /** ≤ 20 characters. */
  readonly imsi?: string;
  /** ≤ 25 characters. */
  readonly meterType?: string;
  /** ≤ 25 characters. */
  readonly meterSerialNumber?: string;
}

/**
 * TLS and authentication material (security profiles 1-3, see `security/profile.ts`). The
 * profile in effect is the `SecurityProfile` configuration key (default 0).
 */
export interface SecurityOptions {
  /** Password of HTTP Basic authentication, used as it is (user = charge point id). Never logged. */
  readonly basicAuthPassword?: string;
  /**
   * The AuthorizationKey as the central system set it (what `authorizationKeyChanged` gave): 32
   * to 40 hexadecimal digits stand for the bytes they encode, other text is the password itself.
   * Used when `basicAuthPassword` is not given. Never logged.
   */
  readonly authorizationKey?: string;
  /**
   * PEM roots trusted for the central system's certificate, besides the installed
   * CentralSystemRootCertificates and the system's roots.
   */
  readonly caCerts?: readonly string[];
  /** PEM client certificate (profile 3) used while the certificate store has none. */
  readonly clientCertificate?: string;
  /** PEM private key of the client certificate. Never logged. */
  readonly clientKey?: string;
  /**
   * Where installed root certificates, the charge point certificate and its private key are kept
   * (default: PEM files under `data/<chargePointId>-certificates`).
   */
  readonly certificateStore?: CertificateStore;
  /**
   * Central system URL per security profile, overriding `csmsUrl` (each must use the scheme of
   * its profile: `ws://` for 1, `wss://` for 2 and 3). Without one, `csmsUrl` is used when its
   * scheme fits the profile; a URL is never rewritten, so `start()` with a profile whose scheme
   * `csmsUrl` lacks throws `SecurityProfileError` (`URL_SCHEME_MISMATCH`), and an upgrade to such
   * a profile is `Rejected`. E.g. `csmsUrl: "ws://csms/ocpp"` with `{ 2: "wss://csms/ocpp" }`
   * allows the upgrade 1 → 2 on the same host.
   */
  readonly csmsUrls?: Readonly<Partial<Record<SecurityProfileNumber, string>>>;
  /**
   * Called with the new AuthorizationKey when the central system changed it (it is used from the
   * next connection on, but lives only in memory and not in the log): store it securely and pass
   * it as `authorizationKey` at the next start.
   */
  readonly authorizationKeyChanged?: (authorizationKey: string) => void | Promise<void>;
}

/**
 * Callbacks into the firmware, for requests that need something physical. All optional; a missing
 * one makes the matching central system request answer `Rejected`/`NotSupported`. Each call and its
 * result are recorded as events.
 */
export interface ChargePointCallbacks extends CertificateCallbacks {
  /** Make a connector operative; the firmware then calls `onEnabled`. */
  enableEvse?(connector: number): boolean | Promise<boolean>;
  /** Make a connector inoperative; the firmware then calls `onDisabled`. */
  disableEvse?(connector: number): boolean | Promise<boolean>;
  /** Pause charging (StartTransaction answered with a non-Accepted idTag). */
  pauseCharging?(connector: number): boolean | Promise<boolean>;
  /** Resume charging. */
  resumeCharging?(connector: number): boolean | Promise<boolean>;
  /**
   * RemoteStartTransaction accepted: start a transaction for `idToken` on one of `connectors`
   * (the firmware chooses), authorizing it first unless `prevalidated`
   * (`prevalidated = !AuthorizeRemoteTxRequests`); `chargingProfile` is the TxProfile of the
   * request, if any. The firmware then calls `onTransactionStarted`.
   */
  provideToken?(
    idToken: string,
    connectors: number[],
    prevalidated: boolean,
    chargingProfile?: ChargingProfile,
  ): void | Promise<void>;
  /** Stop the transaction on a connector; the firmware then calls `onTransactionStopped`. */
  stopTransaction?(connector: number, reason: Reason): boolean | Promise<boolean>;
  /** Unlock a connector (UnlockConnector; `UnlockConnectorOnEVSideDisconnect`). */
  unlockConnector?(connector: number): UnlockStatus | Promise<UnlockStatus>;
  /** Whether a reset of this type may happen now. */
  isResetAllowed?(type: "Hard" | "Soft"): boolean | Promise<boolean>;
  /** Reset the charger now (running transactions were stopped or the wait for it ended). */
  reset?(type: "Hard" | "Soft"): void | Promise<void>;
  /** The central system's time (RFC 3339). */
  setSystemTime?(time: string): void | Promise<void>;
  /** ConnectionTimeOut changed, in seconds. */
  setConnectionTimeout?(seconds: number): void | Promise<void>;
  /** The link went up (true) or down (false). */
  connectionStateChanged?(connected: boolean): void | Promise<void>;
  /** A BootNotification answer arrived. */
  bootNotificationResponse?(response: Record<string, unknown>): void | Promise<void>;
  /**
   * The central system changed a configuration key (ChangeConfiguration; the value is valid and
   * normalised). The result is the answer: nothing or `"Accepted"` puts the value in effect now,
   * `"RebootRequired"` keeps it for the next start (the firmware applies it when it reboots),
   * `"Rejected"` (or a throw) leaves the key as it was. Also called, result ignored, when a
   * SecurityProfile upgrade took effect and (with `********`) for an accepted AuthorizationKey.
   */
  configurationKeyChanged?(
    key: string,
    value: string,
  ): void | ConfigurationKeyChangeStatus | Promise<void | ConfigurationKeyChangeStatus>;
  /**
   * ReserveNow that the library can honour (connector 0 = any connector; `expiryDate` in UTC):
   * the answer is the status. Without this callback the library accepts by itself.
   */
  reserveNow?(
    reservationId: number,
    connector: number,
    expiryDate: string,
    idTag: string,
    parentIdTag?: string,
  ):
    | "Accepted"
    | "Faulted"
    | "Occupied"
    | "Rejected"
    | "Unavailable"
    | Promise<"Accepted" | "Faulted" | "Occupied" | "Rejected" | "Unavailable">;
  /**
   * A reservation ended without a transaction: cancelled by the central system, expired, or
   * terminated (connector Faulted/Unavailable). The result is ignored.
   */
  cancelReservation?(reservationId: number): unknown;
  /**
   * GetDiagnostics: start uploading diagnostics to `request.location`; the result's `fileName` is
   * the answer. Report progress with `onLogStatusNotification(-1, status)`.
   */
  uploadDiagnostics?(
    request: DiagnosticsRequest,
  ): DiagnosticsUploadReply | Promise<DiagnosticsUploadReply>;
  /**
   * UpdateFirmware (answered at once): download and install the firmware. Report progress with
   * `onFirmwareUpdateStatusNotification(-1, status)`.
   */
  updateFirmware?(request: FirmwareUpdateRequest): void | Promise<void>;
  /**
   * SignedUpdateFirmware: check the signing certificate and answer; then download, verify the
   * signature and install. Report progress with `onFirmwareUpdateStatusNotification(requestId, status)`.
   */
  signedUpdateFirmware?(
    request: SignedFirmwareUpdateRequest,
  ): SignedFirmwareUpdateStatus | Promise<SignedFirmwareUpdateStatus>;
  /**
   * GetLog: start uploading the log; the result is the answer. Report progress with
   * `onLogStatusNotification(requestId, status)`.
   */
  uploadLogs?(request: LogRequest): LogUploadReply | Promise<LogUploadReply>;
  /** Charging profiles changed. */
  signalSetChargingProfiles?(): void | Promise<void>;
  /** A DataTransfer request from the central system; the result is the answer. */
  dataTransfer?(request: CsmsDataTransfer): DataTransferReply | Promise<DataTransferReply>;
}

/** Result of unlocking a connector. */
export type UnlockStatus = "Unlocked" | "UnlockFailed" | "NotSupported";

/** The firmware's answer to a configuration change (`configurationKeyChanged`). */
export type ConfigurationKeyChangeStatus = "Accepted" | "Rejected" | "RebootRequired";

/** A DataTransfer request of the central system, as given to the `dataTransfer` callback. */
export interface CsmsDataTransfer {
  /** Vendor identifier, ≤ 255 characters. */
  readonly vendorId: string;
  /** Message identifier, ≤ 50 characters. */
  readonly messageId?: string;
  /** Data, any length. */
  readonly data?: string;
}

/** The firmware's answer to a DataTransfer of the central system. */
export interface DataTransferReply {
  /** Accepted, Rejected, UnknownMessageId or UnknownVendorId. */
  readonly status: "Accepted" | "Rejected" | "UnknownMessageId" | "UnknownVendorId";
  /** Data returned. */
  readonly data?: string;
}

/** Options of {@linkcode ChargePoint}. */
export interface ChargePointOptions {
  /** Identity; appended to `csmsUrl` as its last path segment. */
  readonly chargePointId: string;
  /** Central system URL, `ws://` or `wss://`. */
  readonly csmsUrl: string;
  /** Number of connectors (ids 1..n). */
  readonly connectors: number;
  /** The event store (default: SQLite at `data/<chargePointId>.sqlite`). */
  readonly store?: EventStore;
  /**
   * OCPP configuration keys (strings). Every key of the registry is checked like
   * ChangeConfiguration checks it (type, range, allowed items, `…MaxLength` limits): an invalid
   * one makes the constructor throw an `InvalidArgumentError`. Unknown (vendor) keys are kept as
   * given.
   */
  readonly configuration?: Readonly<Record<string, string>>;
  /** BootNotification fields. */
  readonly bootNotification: BootNotificationFields;
  /** Authentication and TLS. */
  readonly security?: SecurityOptions;
  /** Plugins, set up by `start()` in order. */
  readonly plugins?: readonly Plugin[];
  /** Firmware callbacks. */
  readonly callbacks?: ChargePointCallbacks;
  /** Time source (default: the system clock). */
  readonly clock?: Clock;
  /** Where notes and failures are written (default: nowhere). */
  readonly logger?: Logger;
  /** Transport (default: WebSocket over Deno sockets). */
  readonly transport?: Transport;
  /** How long to wait for the answer to a CALL, in ms (default 30000). */
  readonly responseTimeoutMs?: number;
}

/**
 * Options of {@linkcode ChargePoint.start}.
 *
 * @example
 * ```ts
 * import type { StartOptions } from "./charge_point.ts";
 * // After a power loss the firmware knows that only session "s-2" goes on.
 * const options: StartOptions = { resumeSessionIds: ["s-2"] };
 * ```
 */
export interface StartOptions {
  /**
   * The sessions the firmware continues after this (re)start. A transaction that was running
   * when the previous process ended and whose session is not listed is stopped with reason
   * `PowerLoss` (StopTransaction with the last known meter value and its time), and its
   * connector becomes Available (Unavailable if inoperative). Omitted: every running transaction
   * continues and the firmware reports its end with `onTransactionStopped`.
   */
  readonly resumeSessionIds?: readonly string[];
}

/** Milliseconds between attempts to record events the store refused (see `#storageFault`). */
const STORAGE_RETRY_MS = 1000;
/** Most refused events kept in memory to be recorded when the store works again. */
const MAX_UNRECORDED = 1000;

/** Certificate callbacks after which the certificate store is read again. */
const CERTIFICATE_CHANGING_CALLBACKS: ReadonlySet<string> = new Set([
  "installCertificate",
  "deleteCertificate",
  "certificateSigned",
  "chargePointCertificateSwitched",
]);

/** idTagInfo of an authorization. */
export interface IdTagInfo {
  /** Accepted, Blocked, Expired, Invalid or ConcurrentTx. */
  readonly status: string;
  /** Expiry of the authorization (RFC 3339). */
  readonly expiryDate?: string;
  /** Parent idTag. */
  readonly parentIdTag?: string;
}

/** Answer of a DataTransfer. */
export interface DataTransferResult {
  /** Accepted, Rejected, UnknownMessageId or UnknownVendorId. */
  readonly status: string;
  /** Data returned. */
  readonly data?: string;
}

/** One period of a charging schedule. */
export interface ChargingSchedulePeriod {
  /** Start of the period, in seconds from the start of the schedule. */
  readonly startPeriod: number;
  /** Limit in the unit of the schedule (one decimal). */
  readonly limit: number;
  /** Number of phases that may be used. */
  readonly numberPhases?: number;
}

/** A charging schedule (OCPP `ChargingSchedule`). */
export interface ChargingSchedule {
  /** Length in seconds. */
  readonly duration?: number;
  /** Start (RFC 3339) for absolute profiles. */
  readonly startSchedule?: string;
  /** Unit of the limits. */
  readonly chargingRateUnit: "A" | "W";
  /** Limits in time order. */
  readonly chargingSchedulePeriod: readonly ChargingSchedulePeriod[];
  /** Minimum charging rate the EV supports. */
  readonly minChargingRate?: number;
}

/** A charging profile (OCPP `ChargingProfile`), e.g. the TxProfile of a RemoteStartTransaction. */
export interface ChargingProfile {
  /** Id of the profile. */
  readonly chargingProfileId: number;
  /** Transaction the profile applies to (TxProfile). */
  readonly transactionId?: number;
  /** Priority among profiles of the same purpose. */
  readonly stackLevel: number;
  /** Purpose of the profile. */
  readonly chargingProfilePurpose: "ChargePointMaxProfile" | "TxDefaultProfile" | "TxProfile";
  /** How the schedule's start is determined. */
  readonly chargingProfileKind: "Absolute" | "Recurring" | "Relative";
  /** Recurrence of a Recurring profile. */
  readonly recurrencyKind?: "Daily" | "Weekly";
  /** Valid from (RFC 3339). */
  readonly validFrom?: string;
  /** Valid until (RFC 3339). */
  readonly validTo?: string;
  /** The schedule. */
  readonly chargingSchedule: ChargingSchedule;
}

/** Composite charging schedule of a connector. */
export interface CompositeSchedule {
  /** Unit of the limits. */
  readonly chargingRateUnit: "A" | "W";
  /** Length of the schedule in seconds. */
  readonly duration: number;
  /** Start of the schedule (RFC 3339). */
  readonly startSchedule: string;
  /** Limits in time order; empty when no charging profile limits the connector. */
  readonly chargingSchedulePeriod: readonly {
    startPeriod: number;
    limit: number;
    numberPhases?: number;
  }[];
}

type Answer = { ok: true; payload: Record<string, unknown> } | { ok: false; reason: string };

const HANDLER_CONNECTOR_ZERO_ALLOWED = new Set([
  "MeterValuesMeasured",
  "ErrorRaised",
  "ErrorCleared",
  "AllErrorsCleared",
  "ConnectorEnabled",
  "ConnectorDisabled",
]);

/**
 * An OCPP 1.6-J charge point whose every decision comes from its event log.
 *
 * @example
 * ```ts ignore
 * import { ChargePoint, MemoryEventStore } from "../mod.ts";
 * const cp = new ChargePoint({
 *   chargePointId: "CP-1",
 *   csmsUrl: "ws://127.0.0.1:9000/ocpp",
 *   connectors: 2,
 *   store: new MemoryEventStore(),
 *   bootNotification: { chargePointVendor: "Acme", chargePointModel: "AC22" },
 * });
 * await cp.start();
 * cp.onSessionStarted(1, "session-1", "EVConnected");
 * console.log(cp.connectorStatus(1)); // "Preparing"
 * await cp.stop();
 * ```
 */
export class ChargePoint {
  readonly #options: ChargePointOptions;
  readonly #store: EventStore;
  readonly #ownsStore: boolean;
  readonly #log: EventLog;
  readonly #clock: Clock;
  /** The user's logger, wrapped: the last lines are kept for diagnostics (see `logger.ts`). */
  readonly #logger: LogRing;
  readonly #transport: Transport;
  /** Secrets, TLS material and the certificate callbacks (see `security/connection_security.ts`). */
  readonly #security: ConnectionSecurity;
  /** The secret of the frame being folded, until the fold accepts it (see secrets.ts). */
  #pendingSecret: string | undefined;
  #state: State = initialState();
  #started = false;
  #stopped = false;
  #connection: TransportConnection | undefined;
  #timers = new Map<string, { due: number; handle: number }>();
  #waiting = new Map<string, (answer: Answer) => void>();
  #early = new Map<string, Answer>();
  #returns = new Map<string, unknown>();
  #pluginListeners: {
    plugin: string;
    listener: (e: RecordedEvent, outcome: EventOutcome) => void | Promise<void>;
    types?: ReadonlySet<string>;
  }[] = [];
  /** Callbacks provided by plugins (used when the firmware does not provide them), by name. */
  #provided = new Map<string, { plugin: string; fn: (...args: unknown[]) => unknown }>();
  /** Set when `ChargePointStarted` is appended: the callback list is fixed from then on. */
  #callbacksFixed = false;
  #disposables: (Disposable | AsyncDisposable)[] = [];
  /** Events of the shell the store refused, recorded (in order) before the next append. */
  #unrecorded: { type: string; data: unknown }[] = [];
  /** Clock timer of the next attempt to record them and re-arm lost timers. */
  #storageRetry: number | undefined;
  /** The store reported it is full and `MemoryExhaustion` was raised (until an append works). */
  #storageFull = false;

  /** Creates a charge point; nothing happens until {@linkcode ChargePoint.start}. */
  constructor(options: ChargePointOptions) {
    if (!Number.isInteger(options.connectors) || options.connectors < 1) {
      throw new InvalidArgumentError("connectors", options.connectors, "must be an integer ≥ 1");
    }
    if (options.chargePointId.length === 0) {
      throw new InvalidArgumentError("chargePointId", options.chargePointId, "must not be empty");
    }
    if (!/^wss?:\/\//.test(options.csmsUrl)) {
      throw new InvalidArgumentError(
        "csmsUrl",
        redactUrl(options.csmsUrl),
        "must start with ws:// or wss://",
      );
    }
    // Every registry key follows the rules ChangeConfiguration applies (…MaxLength included).
    const invalid = checkConfiguration(options.configuration ?? {}, options.connectors);
    if (invalid !== undefined) {
      throw new InvalidArgumentError(
        `configuration.${invalid.key}`,
        invalid.value,
        invalid.reason,
      );
    }
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#logger = new LogRing(
      options.logger ?? silentLogger,
      () => this.#clock.now() + this.#state.timeOffsetMs,
    );
    this.#transport = options.transport ?? webSocketTransport();
    this.#ownsStore = options.store === undefined;
    this.#store = options.store ?? new SqliteEventStore(`data/${options.chargePointId}.sqlite`);
    const configuredKey = Object.entries(options.configuration ?? {}).find(([k]) => isSecretKey(k));
    this.#security = new ConnectionSecurity({
      chargePointId: options.chargePointId,
      csmsUrl: options.csmsUrl,
      material: options.security ?? {},
      ...opt({ configuredAuthorizationKey: configuredKey?.[1] }),
      clock: this.#clock,
      logger: this.#logger,
      state: () => this.#state,
      store: options.security?.certificateStore ??
        new FileCertificateStore(
          `data/${encodeURIComponent(options.chargePointId)}-certificates`,
        ),
    });
    this.#log = new EventLog(this.#store, {
      clock: this.#clock,
      onListenerError: (error, event) =>
        this.#logger.error(`log listener failed on event ${event.seq} (${event.type})`, { error }),
    });
    this.#log.subscribe((event) => this.#apply(event));
  }

  /** The event log: subscribe, iterate, export. */
  get log(): EventLog {
    return this.#log;
  }

  /** The current derived state (read-only snapshot). */
  get state(): State {
    return this.#state;
  }

  /**
   * Replays the store, sets up the plugins, and starts connecting (BootNotification, then
   * StatusNotifications once accepted). What the previous process left undelivered in the
   * outbox is sent again (the CALL it had in flight with the same message id), in order.
   *
   * `options.resumeSessionIds` tells which sessions the firmware continues after a restart (see
   * {@linkcode StartOptions}); a running transaction of any other session is stopped with reason
   * `PowerLoss`. `start()` without it lets every running transaction continue. Throws a
   * `StorageError` when the store cannot be read or `ChargePointStarted` cannot be stored.
   *
   * @example
   * ```ts ignore
   * // The firmware restarted after a power loss; the EV on connector 2 still charges.
   * await cp.start({ resumeSessionIds: ["session-on-connector-2"] });
   * ```
   */
  async start(options: StartOptions = {}): Promise<void> {
    if (this.#started) throw new StateError("ALREADY_STARTED", "start() was already called");
    const resume = options.resumeSessionIds;
    if (
      resume !== undefined &&
      (!Array.isArray(resume) || !resume.every((id) => typeof id === "string"))
    ) {
      throw new InvalidArgumentError("resumeSessionIds", resume, "must be an array of strings");
    }
    this.#started = true;
    // The stored events were validated when they were appended: only their type is checked
    // here (like `replay`), so a start costs the fold of the log, not its schema validation.
    let state = initialState();
    for (const recorded of this.#store.read(1)) {
      if (!isEventType(recorded.type)) {
        throw new StateError(
          "STOPPED",
          `event ${recorded.seq} of the store is invalid: unknown type "${recorded.type}"`,
        );
      }
      state = evolve(state, recorded as ChargePointEvent);
    }
    this.#state = state;
    try {
      // The profile in effect must be usable: URL scheme, password, client certificate.
      await this.#security.load();
      this.#security.checkStart(
        currentProfile({
          ...canonicalConfiguration(this.#options.configuration ?? {}),
          ...state.configChanges,
        }),
      );
    } catch (error) {
      this.#started = false;
      throw error;
    }
    for (const plugin of this.#options.plugins ?? []) {
      const staged = new Map<string, (...args: unknown[]) => unknown>();
      const ctx = this.#pluginContext(plugin.name, staged);
      try {
        const disposable = await plugin.setup(ctx);
        if (disposable !== undefined) this.#disposables.push(disposable);
      } catch (error) {
        // Isolated: what it provided is dropped, the other plugins and the charge point go on.
        this.#logger.error(`plugin ${plugin.name} failed to set up`, { error });
        continue;
      }
      this.#adoptCallbacks(plugin.name, staged);
    }
    // The built-in certificate management, for what neither the firmware nor a plugin provides.
    const own = (this.#options.callbacks ?? {}) as Record<string, unknown>;
    const builtIn = this.#security.callbacks();
    const taken = [...builtIn.keys()].filter((n) =>
      typeof own[n] === "function" || this.#provided.has(n)
    );
    if (taken.length > 0 && taken.length < builtIn.size) {
      this.#logger.warn(
        `certificate callbacks are provided together: ${taken.join(", ")} provided, ` +
          "the built-in ones are used for the others over the same certificate store",
      );
    }
    for (const [name, fn] of builtIn) {
      if (typeof own[name] !== "function" && !this.#provided.has(name)) {
        this.#provided.set(name, { plugin: "certificate management", fn });
      }
    }
    this.#callbacksFixed = true;
    const configuration: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.#options.configuration ?? {})) {
      if (!isSecretKey(key)) configuration[key] = value;
    }
    const boot: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.#options.bootNotification)) {
      if (typeof value === "string") boot[key] = value;
    }
    this.#append("ChargePointStarted", {
      chargePointId: this.#options.chargePointId,
      csmsUrl: redactUrl(this.#options.csmsUrl),
      connectors: this.#options.connectors,
      configuration,
      bootNotification: boot,
      callbacks: [
        ...Object.keys(this.#options.callbacks ?? {}).filter((k) =>
          typeof (this.#options.callbacks as Record<string, unknown>)[k] === "function"
        ),
        ...this.#provided.keys(),
      ].sort(),
      responseTimeoutMs: this.#options.responseTimeoutMs ?? 30_000,
      ...(resume === undefined ? {} : { resumeSessionIds: [...resume] }),
    });
    // As libocpp's start(): the whitepaper's StartupOfTheDevice (critical: sent once registered).
    this.#append("SecurityEventOccurred", {
      eventType: "StartupOfTheDevice",
      techInfo: "The Charge Point has booted",
      timestamp: new Date(this.#clock.now() + this.#state.timeOffsetMs).toISOString(),
      internal: true,
    });
  }

  /** Closes the connection, stops the timers and the plugins. The store is closed if it is the default one. */
  async stop(): Promise<void> {
    if (!this.#started || this.#stopped) return;
    try {
      this.#append("ChargePointStopped", {});
    } catch (error) {
      // Stopping goes on: for the next start() this is like a crash, which it recovers from.
      this.#logger.error("ChargePointStopped could not be stored", { error });
    }
    this.#stopped = true;
    if (this.#storageRetry !== undefined) this.#clock.clearTimer(this.#storageRetry);
    this.#storageRetry = undefined;
    for (const t of this.#timers.values()) this.#clock.clearTimer(t.handle);
    this.#timers.clear();
    this.#connection?.close(1000, "stopped");
    this.#connection = undefined;
    for (const d of this.#disposables.reverse()) {
      try {
        if (Symbol.asyncDispose in d) await d[Symbol.asyncDispose]();
        else d[Symbol.dispose]();
      } catch (error) {
        this.#logger.error("plugin dispose failed", { error });
      }
    }
    for (const resolve of this.#waiting.values()) resolve({ ok: false, reason: "stopped" });
    this.#waiting.clear();
    if (this.#ownsStore) this.#store.close();
  }

  /** The reported status of a connector (0 = the charge point); Faulted while a fault is active. */
  connectorStatus(connector: number): ChargePointStatus {
    const c = this.#state.connectors[connector];
    if (c === undefined) throw new InvalidArgumentError("connector", connector, this.#range(true));
    return reportedStatus(c.stored, c.errors);
  }

  /**
   * Whether `idTag` may use `connector` as far as reservations go (ask before starting a
   * transaction): `NotReserved` or `ReservedForToken` allow it; `ReservedForOtherToken` refuses;
   * `ReservedForOtherTokenAndHasParentToken`: ask again with the idTag's parent. Without
   * `parentIdTag`, the parent known from the local list or the authorization cache is used.
   */
  reservationCheck(connector: number, idTag: string, parentIdTag?: string): ReservationCheck {
    if (
      typeof connector !== "number" || !Number.isInteger(connector) || connector < 1 ||
      connector > this.#options.connectors
    ) {
      throw new InvalidArgumentError("connector", connector, this.#range(false));
    }
    if (typeof idTag !== "string") {
      throw new InvalidArgumentError("idTag", idTag, "must be a string");
    }
    const parent = parentIdTag ??
      knownParent(this.#state, idTag, this.#clock.now() + this.#state.timeOffsetMs);
    return reservationCheck(this.#state, connector, idTag, parent);
  }

  // ---- handlers -------------------------------------------------------------------------------

  /** Stores the latest measurement of a connector (sends nothing by itself). */
  onMeterValues(connector: number, measurement: Measurement): void {
    this.#handle("MeterValuesMeasured", { connector, measurement });
  }

  /** Stores the maximum current offered to the EV, in A. */
  onMaxCurrentOffered(connector: number, maxCurrent: number): void {
    this.#handle("MaxCurrentOfferedChanged", { connector, maxCurrentA: maxCurrent }, {
      maxCurrentA: "maxCurrent",
    });
  }

  /** Stores the maximum power offered to the EV, in W. */
  onMaxPowerOffered(connector: number, maxPower: number): void {
    this.#handle("MaxPowerOfferedChanged", { connector, maxPowerW: maxPower }, {
      maxPowerW: "maxPower",
    });
  }

  /** A session started (first interaction: EV connected or user authorized). */
  onSessionStarted(
    connector: number,
    sessionId: string,
    reason: "EVConnected" | "Authorized",
    sessionLoggingPath?: string,
  ): void {
    this.#handle("SessionStarted", {
      connector,
      sessionId,
      reason,
      ...opt({ sessionLoggingPath }),
    });
  }

  /** The session ended (EV disconnected). */
  onSessionStopped(connector: number, sessionId: string): void {
    this.#handle("SessionStopped", { connector, sessionId });
  }

  /** A transaction started: sends StartTransaction. */
  onTransactionStarted(
    connector: number,
    sessionId: string,
    idToken: string,
    meterStart: number,
    reservationId: number | undefined,
    timestamp: Date,
    signedMeterValue?: string,
  ): void {
    this.#handle("TransactionStarted", {
      connector,
      sessionId,
      idToken,
      meterStartWh: meterStart,
      ...opt({ reservationId, signedMeterValue }),
      timestamp: isoDate("timestamp", timestamp),
    }, { meterStartWh: "meterStart" });
  }

  /** A transaction stopped: sends StopTransaction. */
  onTransactionStopped(
    connector: number,
    sessionId: string,
    reason: Reason,
    timestamp: Date,
    energyWhImport: number,
    idTagEnd?: string,
    signedMeterValue?: string,
  ): void {
    this.#handle("TransactionStopped", {
      connector,
      sessionId,
      reason,
      timestamp: isoDate("timestamp", timestamp),
      energyWhImport,
      ...opt({ idTagEnd, signedMeterValue }),
    });
  }

  /** The EV suspended charging. */
  onSuspendChargingEv(connector: number, info?: string): void {
    this.#handle("ChargingSuspendedByEv", { connector, ...opt({ info }) });
  }

  /** The EVSE suspended charging. */
  onSuspendChargingEvse(connector: number, info?: string): void {
    this.#handle("ChargingSuspendedByEvse", { connector, ...opt({ info }) });
  }

  /** Charging (re)started. */
  onResumeCharging(connector: number): void {
    this.#handle("ChargingResumed", { connector });
  }

  /** An error is present; faults (`isFault`) make the connector Faulted. */
  onError(connector: number, errorInfo: ErrorInfo): void {
    this.#handle("ErrorRaised", { connector, error: errorInfo }, { error: "errorInfo" });
  }

  /** The error with this uuid is gone. */
  onErrorCleared(connector: number, uuid: string): void {
    this.#handle("ErrorCleared", { connector, uuid });
  }

  /** All errors of the connector are gone. */
  onAllErrorsCleared(connector: number): void {
    this.#handle("AllErrorsCleared", { connector });
  }

  /** Upload status: requestId -1 → DiagnosticsStatusNotification, else LogStatusNotification. */
  onLogStatusNotification(requestId: number, logStatus: string): void {
    const allowed: readonly string[] = requestId === -1
      ? [...DIAGNOSTICS_STATUSES, "UploadFailure"]
      : UPLOAD_LOG_STATUSES;
    if (!allowed.includes(logStatus)) {
      throw new InvalidArgumentError(
        "logStatus",
        logStatus,
        `must be one of ${allowed.join(", ")}`,
      );
    }
    this.#handle("LogStatusChanged", { requestId, status: logStatus });
  }

  /** Firmware status: requestId -1 → FirmwareStatusNotification, else SignedFirmwareStatusNotification. */
  onFirmwareUpdateStatusNotification(requestId: number, status: string): void {
    // -1: also the steps FirmwareStatusNotification cannot carry (recorded, not sent).
    const allowed: readonly string[] = requestId === -1
      ? PLAIN_FIRMWARE_STATUSES
      : SIGNED_FIRMWARE_STATUSES;
    if (!allowed.includes(status)) {
      throw new InvalidArgumentError("status", status, `must be one of ${allowed.join(", ")}`);
    }
    this.#handle("FirmwareUpdateStatusChanged", { requestId, status });
  }

  /** A reservation started on the connector. */
  onReservationStart(connector: number): void {
    this.#handle("ReservationStarted", { connector });
  }

  /** The reservation of the connector ended. */
  onReservationEnd(connector: number): void {
    this.#handle("ReservationEnded", { connector });
  }

  /** The connector became operational. */
  onEnabled(connector: number): void {
    this.#handle("ConnectorEnabled", { connector });
  }

  /** The connector became inoperative. */
  onDisabled(connector: number): void {
    this.#handle("ConnectorDisabled", { connector });
  }

  /** An EV was plugged in but no authorization came within ConnectionTimeOut. */
  onPluginTimeout(connector: number): void {
    this.#handle("PluginTimedOut", { connector });
  }

  /** A security event: written to the security log; critical ones are sent to the central system. */
  onSecurityEvent(
    eventType: string,
    techInfo?: string,
    critical?: boolean,
    timestamp?: Date,
  ): void {
    this.#handle("SecurityEventOccurred", {
      eventType,
      ...opt({ techInfo, critical }),
      timestamp: timestamp === undefined
        ? new Date(this.#clock.now() + this.#state.timeOffsetMs).toISOString()
        : isoDate("timestamp", timestamp),
    });
  }

  /** Handles a ChangeAvailability as if the central system had sent it. */
  onChangeAvailability(
    request: { connectorId: number; type: "Inoperative" | "Operative" },
  ): { status: "Accepted" | "Rejected" | "Scheduled" } {
    this.#requireRunning();
    if (typeof request !== "object" || request === null) {
      throw new InvalidArgumentError("request", request, "must be an object { connectorId, type }");
    }
    const event = this.#handle("AvailabilityChangeRequested", {
      connectorId: request.connectorId,
      type: request.type,
    });
    if (!this.#returns.has(event.id)) {
      throw new StateError("STOPPED", "onChangeAvailability called from inside an event listener");
    }
    const status = this.#returns.get(event.id) as "Accepted" | "Rejected" | "Scheduled";
    this.#returns.delete(event.id);
    return { status };
  }

  /**
   * Authorizes an idTag: from the Local Authorization List or the Authorization Cache
   * (`LocalPreAuthorize`), by an Authorize.req, or offline (`LocalAuthorizeOffline`,
   * `AllowOfflineTxForUnknownId`). The decision is made in the fold (`core/authorization.ts`), so
   * a replay of the log gives the same answer.
   */
  async authorizeIdToken(idToken: string): Promise<IdTagInfo> {
    const answer = await this.#request("AuthorizeRequested", { idTag: idToken }, {
      idTag: "idToken",
    });
    if (answer.ok) return answer.payload.idTagInfo as IdTagInfo;
    // The fold always answers; only stop() leaves a caller without an answer.
    return { status: "Invalid" };
  }

  /** Sends a DataTransfer; resolves undefined when offline or unanswered. */
  async dataTransfer(
    vendorId: string,
    messageId?: string,
    data?: string,
  ): Promise<DataTransferResult | undefined> {
    const answer = await this.#request("DataTransferRequested", {
      vendorId,
      ...opt({ messageId, data }),
    });
    return answer.ok ? answer.payload as unknown as DataTransferResult : undefined;
  }

  /**
   * Composite schedules of connectors 0..n for `durationS` seconds from now. No smart charging
   * profile is installed by this version, so every schedule has no limiting period.
   */
  getCompositeSchedules(
    durationS: number,
    unit: "A" | "W" = "A",
  ): Record<number, CompositeSchedule> {
    this.#requireRunning();
    if (!Number.isInteger(durationS) || durationS < 0) {
      throw new InvalidArgumentError("durationS", durationS, "must be an integer ≥ 0");
    }
    if (unit !== "A" && unit !== "W") {
      throw new InvalidArgumentError("unit", unit, 'must be "A" or "W"');
    }
    const start = new Date(this.#clock.now() + this.#state.timeOffsetMs).toISOString();
    const out: Record<number, CompositeSchedule> = {};
    for (const c of this.#state.connectors) {
      out[c.id] = {
        chargingRateUnit: unit,
        duration: durationS,
        startSchedule: start,
        chargingSchedulePeriod: [],
      };
    }
    return out;
  }

  /** Connects (again) after {@linkcode ChargePoint.disconnect}. */
  connect(): void {
    this.#requireRunning();
    this.#append("ConnectRequested", {});
  }

  /** Closes the connection and stays offline until {@linkcode ChargePoint.connect}. */
  disconnect(): void {
    this.#requireRunning();
    this.#append("DisconnectRequested", {});
  }

  // ---- shell ----------------------------------------------------------------------------------

  #requireRunning(): void {
    if (!this.#started) throw new StateError("NOT_STARTED", "call start() first");
    if (this.#stopped) throw new StateError("STOPPED", "the charge point was stopped");
  }

  #range(zero: boolean): string {
    return `must be a connector id ${zero ? 0 : 1}..${this.#options.connectors}`;
  }

  /** Validates handler arguments, appends the event and returns it. Nothing is appended on error. */
  #handle<T extends EventType>(
    type: T,
    data: Record<string, unknown>,
    names: Readonly<Record<string, string>> = {},
  ): RecordedEvent {
    this.#requireRunning();
    if ("connector" in data) {
      const c = data.connector;
      const min = HANDLER_CONNECTOR_ZERO_ALLOWED.has(type) ? 0 : 1;
      if (
        typeof c !== "number" || !Number.isInteger(c) || c < min || c > this.#options.connectors
      ) {
        throw new InvalidArgumentError("connector", c, this.#range(min === 0));
      }
    }
    const parsed = EVENT_SCHEMAS[type].safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const [head, ...rest] = issue?.path ?? [];
      const path = head === undefined
        ? ""
        : [names[String(head)] ?? String(head), ...rest.map(String)].join(".");
      const value = issue?.path.reduce<unknown>(
        (
          v,
          k,
        ) => (v !== null && typeof v === "object"
          ? (v as Record<PropertyKey, unknown>)[k]
          : undefined),
        data,
      );
      throw new InvalidArgumentError(path || type, value, issue?.message ?? "invalid");
    }
    return this.#append(type, parsed.data as EventData<T>);
  }

  /**
   * Appends an event (after the events the store refused earlier, in order). Any failure of the
   * store is a `StorageError`; nothing of `type` is stored or folded then.
   */
  #append(type: string, data: unknown, options?: AppendOptions): RecordedEvent {
    try {
      if (this.#unrecorded.length > 0) this.#recordUnrecorded();
      const recorded = this.#log.append(type, data, options);
      this.#storageFull = false;
      return recorded;
    } catch (error) {
      this.#memoryExhausted(error);
      if (error instanceof StorageError) throw error;
      throw new StorageError(
        "STORAGE_WRITE_FAILED",
        `event ${type} could not be stored: ${error instanceof Error ? error.message : error}`,
        { cause: error },
      );
    }
  }

  #request(
    type: "AuthorizeRequested" | "DataTransferRequested",
    data: Record<string, unknown>,
    names: Readonly<Record<string, string>> = {},
  ): Promise<Answer> {
    const event = this.#handle(type, data, names);
    const early = this.#early.get(event.id);
    if (early !== undefined) {
      this.#early.delete(event.id);
      return Promise.resolve(early);
    }
    return new Promise((resolve) => this.#waiting.set(event.id, resolve));
  }

  /** First listener of the log: folds the event and performs its effects. */
  #apply(recorded: RecordedEvent): void {
    const event = recorded as ChargePointEvent;
    let result: StepResult;
    try {
      result = step(this.#state, event);
    } catch (error) {
      this.#logger.error(`event ${recorded.seq} (${recorded.type}) could not be folded`, { error });
      return;
    }
    this.#state = result.state;
    if (result.effects.returnValue !== undefined) {
      this.#returns.set(recorded.id, result.effects.returnValue);
    }
    if (!this.#stopped) this.#syncTimers();
    this.#perform(result.effects);
    const outcome: EventOutcome = { frames: result.effects.frames };
    for (const p of this.#pluginListeners) {
      if (p.types !== undefined && !p.types.has(recorded.type)) continue;
      try {
        const r = p.listener(recorded, outcome);
        if (r instanceof Promise) {
          r.catch((error: unknown) => this.#pluginFailed(p.plugin, recorded, error));
        }
      } catch (error) {
        this.#pluginFailed(p.plugin, recorded, error);
      }
    }
  }

  /** A plugin listener threw or rejected: reported (the plugin still gets the next events). */
  #pluginFailed(plugin: string, event: RecordedEvent, error: unknown): void {
    this.#logger.error(
      `plugin listener failed on event ${event.seq} (${event.type}): plugin ${plugin}`,
      { plugin, seq: event.seq, type: event.type, error },
    );
  }

  #perform(effects: Effects): void {
    for (const note of effects.notes) this.#logger.debug(note);
    for (const warning of effects.warnings) this.#logger.warn(warning);
    if (this.#stopped) return;
    if (effects.disconnect) {
      this.#connection?.close(1000, "disconnect requested");
      this.#connection = undefined;
      if (this.#state.running) {
        queueMicrotask(() =>
          this.#safeAppend("ConnectionClosed", {
            code: 1000,
            reason: "closed by the charge point",
            wasOpen: true,
          })
        );
      }
    }
    for (const frame of effects.frames) {
      try {
        if (this.#connection === undefined) throw new Error("no connection");
        this.#connection.send(frame);
      } catch (error) {
        this.#logger.warn(`frame not sent: ${String(error)}`, { frame });
      }
    }
    if (effects.ping) {
      try {
        this.#connection?.ping();
      } catch (error) {
        this.#logger.warn(`ping not sent: ${String(error)}`);
      }
    }
    if (effects.connect) this.#openConnection();
    for (const { ref, value } of effects.answers) {
      const resolve = this.#waiting.get(ref);
      if (resolve === undefined) this.#early.set(ref, value as Answer);
      else {
        this.#waiting.delete(ref);
        resolve(value as Answer);
      }
    }
    for (const cb of effects.callbacks) {
      if (cb.name === "configurationKeyChanged" && isSecretKey(String(cb.args[0]))) {
        this.#secretAccepted();
      }
      this.#callFirmware(cb.name, cb.ref, cb.args);
    }
    // Follow-up events the fold raised, recorded right after their cause (the log publishes them
    // once this event's listeners are done).
    for (const r of effects.raise) this.#appendRaised(r.type, r.data);
  }

  /**
   * Records a follow-up event the fold raised. One the store refuses is not lost: it stays in the
   * state (`raising`) until the log holds it, and is recorded by the storage retry, or raised
   * again by the next start (see `crash_recovery.ts`).
   */
  #appendRaised(type: string, data: unknown): void {
    if (this.#stopped) return;
    try {
      this.#append(type, data);
    } catch (error) {
      this.#logger.error(`raised event ${type} could not be stored: recorded later`, { error });
      this.#armStorageRetry();
    }
  }

  /**
   * Records the raised events the store refused (outside a step, `raising` holds only those),
   * oldest first; throws when the store still fails.
   */
  #recordRaised(): void {
    const refused = this.#state.raising;
    for (const r of refused) {
      if (!this.#state.raising.includes(r)) continue;
      this.#log.append(r.type, r.data);
    }
  }

  #safeAppend(type: string, data: unknown, options?: AppendOptions): void {
    if (this.#stopped) return;
    try {
      this.#append(type, data, options);
    } catch (error) {
      this.#logger.error(`event ${type} could not be stored`, { error });
      this.#storageFault(type, data);
    }
  }

  /**
   * The store refused an event of the shell (disk full, read-only, locked). The state did not
   * change; what the event reported is kept and recorded, in order, before the next event (a
   * handler call, or the retry every {@linkcode STORAGE_RETRY_MS} ms), except:
   * - a frame (or the opening, or a pong) of the connection: lost. The connection is closed
   *   (1000, reason "event store failed") so that both sides resend what is unanswered: the central system its CALLs, the
   *   charge point its transaction messages (same ids) after reconnecting. Its `ConnectionClosed`
   *   is kept instead.
   * - a `TimerFired`: the timer is still armed in the state and fires again after the retry.
   */
  #storageFault(type: string, data: unknown): void {
    if (type === "FrameReceived" || type === "ConnectionOpened" || type === "PongReceived") {
      if (this.#connection !== undefined) {
        this.#connection.close(1000, "event store failed");
        this.#connection = undefined;
        this.#keepUnrecorded("ConnectionClosed", {
          code: 1000,
          reason: `event store failed: ${type} not recorded`,
          wasOpen: true,
        });
      }
    } else if (type !== "TimerFired") {
      this.#keepUnrecorded(type, data);
    }
    this.#armStorageRetry();
  }

  /**
   * The store refused an event because it is full (SQLite `SQLITE_FULL`, `ENOSPC`): raises the
   * whitepaper's `MemoryExhaustion` once per episode. The event is kept like the other refused
   * events and recorded first when the store has room again.
   */
  #memoryExhausted(error: unknown): void {
    if (this.#storageFull || !isStorageFull(error)) return;
    this.#storageFull = true;
    this.#keepUnrecorded("SecurityEventOccurred", {
      eventType: "MemoryExhaustion",
      techInfo: "event store full: events are kept in memory until it has room",
      timestamp: new Date(this.#clock.now() + this.#state.timeOffsetMs).toISOString(),
      internal: true,
    });
    this.#armStorageRetry();
  }

  #keepUnrecorded(type: string, data: unknown): void {
    if (this.#unrecorded.length >= MAX_UNRECORDED) {
      const lost = this.#unrecorded.shift();
      this.#logger.error(`event ${lost?.type} lost: too many events not recorded`);
    }
    this.#unrecorded.push({ type, data });
  }

  #armStorageRetry(): void {
    if (this.#storageRetry !== undefined || this.#stopped) return;
    this.#storageRetry = this.#clock.setTimer(() => {
      this.#storageRetry = undefined;
      if (this.#stopped) return;
      try {
        this.#recordUnrecorded();
        this.#recordRaised();
        this.#storageFull = false;
      } catch (error) {
        this.#logger.warn(`event store still failing: ${String(error)}`);
        this.#armStorageRetry();
        return;
      }
      // Timers whose TimerFired was refused fire again.
      this.#syncTimers();
    }, STORAGE_RETRY_MS);
  }

  /** Records the refused events in order; throws (keeping the rest) when the store still fails. */
  #recordUnrecorded(): void {
    while (this.#unrecorded.length > 0) {
      const next = this.#unrecorded.shift() as { type: string; data: unknown };
      try {
        this.#log.append(next.type, next.data);
      } catch (error) {
        this.#unrecorded.unshift(next);
        throw error;
      }
    }
  }

  #callFirmware(name: string, ref: string, args: readonly unknown[]): void {
    const own = (this.#options.callbacks as Record<string, unknown> | undefined)?.[name];
    // The firmware's own callback first; a plugin's only when the firmware has none.
    const provided = typeof own === "function" ? undefined : this.#provided.get(name);
    if (typeof own !== "function" && provided === undefined) return;
    queueMicrotask(async () => {
      try {
        const result: unknown = typeof own === "function"
          ? await own.apply(this.#options.callbacks, args)
          : await provided?.fn(...args);
        await this.#reloadCertificates(name);
        this.#safeAppend("CallbackCompleted", {
          callback: name,
          ref,
          ok: true,
          ...opt({ result: jsonOrUndefined(result) }),
        });
      } catch (error) {
        if (provided !== undefined) {
          this.#logger.error(`plugin ${provided.plugin}: callback ${name} failed`, { error });
        }
        await this.#reloadCertificates(name);
        this.#safeAppend("CallbackCompleted", {
          callback: name,
          ref,
          ok: false,
          error: String(error),
        });
      }
    });
  }

  /**
   * After a callback that may have changed certificates (the firmware's, a plugin's or the
   * built-in one): the connection's TLS material is read again from the certificate store.
   */
  async #reloadCertificates(callback: string): Promise<void> {
    if (!CERTIFICATE_CHANGING_CALLBACKS.has(callback)) return;
    try {
      await this.#security.load();
    } catch (error) {
      this.#logger.error(`certificate store could not be read after ${callback}`, { error });
    }
  }

  /**
   * Appends a received frame. A secret it carries (ChangeConfiguration of AuthorizationKey) is
   * masked in the logged text and kept in memory while the fold decides (see secrets.ts). An
   * answer to one of our CALLs defers its sync to the next append: lost to a power loss, it is
   * as if the power had gone just before it arrived (ARCHITECTURE.md, Durability).
   */
  #receiveFrame(text: string): void {
    const redacted = redactFrame(text);
    this.#pendingSecret = redacted.secret?.value;
    try {
      this.#safeAppend("FrameReceived", { text: redacted.text }, {
        deferSync: isAnswerText(text),
      });
    } finally {
      this.#pendingSecret = undefined;
    }
  }

  /** The fold accepted the secret of the frame being folded: it is the password from now on. */
  #secretAccepted(): void {
    const secret = this.#pendingSecret;
    if (secret === undefined) return;
    this.#pendingSecret = undefined;
    this.#security.authorizationKeyAccepted(secret);
    this.#logger.info("AuthorizationKey changed: used from the next connection");
    const store = this.#options.security?.authorizationKeyChanged;
    if (store === undefined) return;
    queueMicrotask(async () => {
      try {
        await store(secret);
      } catch (error) {
        this.#logger.error("security.authorizationKeyChanged failed", { error });
      }
    });
  }

  #openConnection(): void {
    this.#connection?.close(1000, "reconnecting");
    // URL, Basic auth and TLS material of the security profile the fold decided.
    const settings = this.#security.connectionSettings(this.#state);
    const url = settings.url;
    let live = true;
    const conn = this.#transport.connect(url, {
      protocols: ["ocpp1.6"],
      headers: settings.headers,
      ...opt({
        caCerts: settings.caCerts,
        clientCert: settings.clientCert,
        clientKey: settings.clientKey,
      }),
    }, {
      onOpen: (protocol) =>
        live && this.#safeAppend("ConnectionOpened", { url: redactUrl(url), protocol }),
      onMessage: (text) => live && this.#receiveFrame(text),
      onPong: () => live && this.#safeAppend("PongReceived", {}),
      onClose: (code, reason, wasOpen, httpStatus) => {
        if (!live) return;
        live = false;
        if (this.#connection === conn) this.#connection = undefined;
        this.#safeAppend("ConnectionClosed", { code, reason, wasOpen, ...opt({ httpStatus }) });
      },
    });
    const close = conn.close.bind(conn);
    conn.close = (code?: number, reason?: string) => {
      live = false;
      close(code, reason);
    };
    this.#connection = conn;
  }

  /**
   * Makes the clock's timers follow the state's. A clock timer that would fire no later than
   * wanted is kept (and checked again when it fires): re-arming on every CALL (the response
   * timeout moves with each one) would cost a setTimeout/clearTimeout pair per message.
   */
  #syncTimers(): void {
    const wanted = this.#state.timers;
    for (const [name, t] of this.#timers) {
      const due = wanted[name];
      if (due !== undefined && due < t.due) {
        this.#clock.clearTimer(t.handle);
        this.#timers.delete(name);
      }
    }
    for (const [name, due] of Object.entries(wanted)) {
      if (!this.#timers.has(name)) this.#arm(name, due);
    }
  }

  #arm(name: string, armedDue: number): void {
    const handle = this.#clock.setTimer(() => {
      this.#timers.delete(name);
      const due = this.#state.timers[name];
      if (due === undefined || this.#stopped) return; // disarmed meanwhile
      if (due > armedDue) this.#arm(name, due); // moved later
      else this.#safeAppend("TimerFired", { timer: name, due });
    }, armedDue - this.#clock.now());
    this.#timers.set(name, { due: armedDue, handle });
  }

  /** Adopts the callbacks a plugin provided during a successful setup. */
  #adoptCallbacks(
    plugin: string,
    staged: ReadonlyMap<string, (...args: unknown[]) => unknown>,
  ): void {
    const own = (this.#options.callbacks ?? {}) as Record<string, unknown>;
    for (const [name, fn] of staged) {
      if (typeof own[name] === "function") {
        this.#logger.info(`plugin ${plugin}: the firmware provides ${name} itself`);
      } else if (this.#provided.has(name)) {
        this.#logger.warn(
          `plugin ${plugin}: ${name} is already provided by ${this.#provided.get(name)?.plugin}`,
        );
      } else {
        this.#provided.set(name, { plugin, fn });
      }
    }
  }

  #pluginContext(
    name: string,
    staged: Map<string, (...args: unknown[]) => unknown>,
  ): PluginContext {
    return {
      chargePointId: this.#options.chargePointId,
      clock: this.#clock,
      logger: this.#logger,
      readEvents: (fromSeq) => this.#log.read(fromSeq),
      hasRunningTransaction: (connector) =>
        this.#state.connectors.some((c) =>
          c.transaction !== undefined && (connector === undefined || c.id === connector)
        ),
      provideCallback: (callback, fn) => {
        if (this.#callbacksFixed) {
          throw new StateError(
            "ALREADY_STARTED",
            `plugin ${name}: provideCallback(${callback}) is only possible during setup`,
          );
        }
        if (typeof fn !== "function") {
          throw new InvalidArgumentError("fn", fn, "must be a function");
        }
        staged.set(callback, fn as (...args: unknown[]) => unknown);
      },
      onLogStatusNotification: (requestId, logStatus) =>
        this.onLogStatusNotification(requestId, logStatus),
      onFirmwareUpdateStatusNotification: (requestId, status) =>
        this.onFirmwareUpdateStatusNotification(requestId, status),
      onSecurityEvent: (eventType, techInfo, critical) =>
        this.onSecurityEvent(eventType, techInfo, critical),
      subscribe: (listener, options) => {
        const entry = {
          plugin: name,
          listener,
          ...opt({ types: options?.types === undefined ? undefined : new Set(options.types) }),
        };
        this.#pluginListeners.push(entry);
        return () => {
          this.#pluginListeners = this.#pluginListeners.filter((e) => e !== entry);
        };
      },
      connectorStatus: (connector) => this.connectorStatus(connector),
      timeOffsetMs: () => this.#state.timeOffsetMs,
      isRegistered: () => this.#state.registration === "Accepted",
      logLines: () => this.#logger.lines(),
      providesCallback: (callback) => this.#provided.get(callback)?.plugin === name,
      holdConnectorsForFirmware: (hold) => {
        if (typeof hold !== "boolean") {
          throw new InvalidArgumentError("hold", hold, "must be a boolean");
        }
        this.#requireRunning();
        this.#append("FirmwareInstallHoldChanged", { hold });
      },
      raiseSecurityEvent: (eventType, techInfo, critical) => {
        try {
          this.onSecurityEvent(eventType, techInfo, critical);
        } catch (error) {
          this.#logger.error(`plugin ${name}: security event not recorded`, { error });
        }
      },
    };
  }
}

/** Copies the defined entries of `o` (optional parameters that were not given are left out). */
function opt<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

function isoDate(argument: string, value: unknown): string {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidArgumentError(argument, value, "must be a valid Date");
  }
  return value.toISOString();
}

/** Whether a store error (or its cause) says the disk or database is full. */
function isStorageFull(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (/disk is full|SQLITE_FULL|ENOSPC|no space left/i.test(e.message)) return true;
  }
  return false;
}

function jsonOrUndefined(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(value));
  } catch (error) {
    return `unserialisable result: ${String(error)}`;
  }
}
