/**
 * An event-sourced OCPP 1.6-J charge point for Deno. The firmware calls handlers, every call,
 * frame and timer is appended to an event log, and the connector states and OCPP messages are
 * derived from the log, so a stored log replays to the same states and frames.
 *
 * @example
 * ```ts ignore
 * import { ChargePoint, MemoryEventStore, replay } from "./mod.ts";
 * const store = new MemoryEventStore();
 * const cp = new ChargePoint({
 *   chargePointId: "CP-1",
 *   csmsUrl: "ws://127.0.0.1:9000/ocpp",
 *   connectors: 2,
 *   store,
 *   bootNotification: { chargePointVendor: "Acme", chargePointModel: "AC22" },
 * });
 * await cp.start();
 * cp.onSessionStarted(1, "s-1", "EVConnected");
 * await cp.stop();
 * console.log(replay(store).connectors[1]); // "Preparing"
 * ```
 *
 * @module
 */
export {
  type BootNotificationFields,
  ChargePoint,
  type ChargePointCallbacks,
  type ChargePointOptions,
  type ChargingProfile,
  type ChargingSchedule,
  type ChargingSchedulePeriod,
  type CompositeSchedule,
  type ConfigurationKeyChangeStatus,
  type CsmsDataTransfer,
  type DataTransferReply,
  type DataTransferResult,
  type IdTagInfo,
  type SecurityOptions,
  type StartOptions,
  type UnlockStatus,
} from "./core/charge_point.ts";
export {
  type Clock,
  ManualClock,
  MAX_TIMER_DELAY_MS,
  SystemClock,
  systemClock,
  type TimerRuntime,
} from "./core/clock.ts";
export type {
  ActiveError,
  ChargePointErrorCode,
  ChargePointStatus,
  ConnectorErrors,
} from "./core/connector_fsm.ts";
export type {
  AuthCacheEntry,
  ConnectorState,
  FlushPacing,
  OutgoingCall,
  PendingCallback,
  PendingReset,
  RaisedEvent,
  Registration,
  State,
  TransactionState,
} from "./core/state.ts";
export { Queue } from "./core/persistent_queue.ts";
export type {
  Location,
  Measurand,
  MeterValue,
  Phase,
  ReadingContext,
  SampledValue,
  UnitOfMeasure,
  ValueFormat,
} from "./core/meter_values.ts";
export type { Reservation, ReservationCheck } from "./core/reservations.ts";
export type { LocalAuthList, LocalListEntry } from "./core/local_auth_list.ts";
export type { Deauthorization } from "./core/invalid_id.ts";
export type { ActionName } from "./core/ocpp/actions.ts";
export { ChargePointError, InvalidArgumentError, StateError, StorageError } from "./core/errors.ts";
export {
  EventLog,
  type EventLogListener,
  type EventLogOptions,
  type ListenerError,
  type SubscribeOptions,
} from "./core/event_log.ts";
export type { AppendOptions, EventStore } from "./core/event_store.ts";
export { MemoryEventStore } from "./core/memory_event_store.ts";
export { SqliteEventStore, type SqliteEventStoreOptions } from "./core/sqlite_event_store.ts";
export {
  exportJsonl,
  exportJsonlFile,
  importJsonl,
  parseJsonl,
  type Redact,
} from "./core/jsonl.ts";
export {
  DEFAULT_LOG_RING_LINES,
  type Logger,
  type LogLine,
  LogRing,
  silentLogger,
} from "./core/logger.ts";
export type { EventOutcome, Plugin, PluginContext } from "./core/plugin.ts";
export type {
  DiagnosticsRequest,
  DiagnosticsUploadReply,
} from "./core/requests/get_diagnostics.ts";
export type { LogRequest, LogUploadReply } from "./core/requests/get_log.ts";
export type { FirmwareUpdateRequest } from "./core/requests/update_firmware.ts";
export type {
  SignedFirmwareUpdateRequest,
  SignedFirmwareUpdateStatus,
} from "./core/requests/signed_update_firmware.ts";
export { replay, type ReplayOptions, type ReplayResult } from "./core/replay.ts";
export { redactSecrets } from "./core/secrets.ts";
export {
  type CertificateStore,
  type ChargePointCredentials,
  FileCertificateStore,
  MemoryCertificateStore,
  type RootCertificateType,
} from "./core/certificate_store.ts";
export type {
  CertificateCallbacks,
  CertificateHashData,
  CertificateSignedResult,
  DeleteCertificateResult,
  InstallCertificateResult,
  SecurityProfileCheck,
} from "./core/security/certificate_callbacks.ts";
export {
  SecurityProfileError,
  type SecurityProfileNumber,
  type SecurityTransition,
} from "./core/security/profile.ts";
export {
  CONFIGURATION_KEYS,
  type ConfigurationAccess,
  type ConfigurationKeyDefinition,
  type ConfigurationProfile,
  type ConfigurationType,
  findConfigurationKey,
  validateConfigurationValue,
  type ValidationContext,
  type ValueCheck,
} from "./core/configuration_keys.ts";
export type {
  Transport,
  TransportConnection,
  TransportHandlers,
  TransportOptions,
} from "./core/transport.ts";
export { webSocketTransport } from "./core/transport.ts";
export type { RecordedEvent } from "./events/envelope.ts";
export type {
  ErrorInfo,
  LocatedValue,
  Measurement,
  MeasurementData,
  Phases,
  PowerMeter,
  PowerMeterData,
} from "./events/measurement.ts";
export type { Reason } from "./events/handler_events.ts";
export {
  securityLog,
  type SecurityLogEntry,
  type SecurityLogOptions,
} from "./plugins/security_log.ts";
export {
  type ArchiveFile,
  diagnosticsUpload,
  type DiagnosticsUploadOptions,
  type LogWindow,
} from "./plugins/diagnostics_upload.ts";
export {
  type FirmwareInstallRequest,
  firmwareUpdate,
  type FirmwareUpdateOptions,
  type InstallOutcome,
  type TrustAnchors,
} from "./plugins/firmware_update.ts";
export { statusWebhook } from "./plugins/status_webhook.ts";
