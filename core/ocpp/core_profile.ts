/**
 * OCPP 1.6 Core profile messages: request (`.req`) and response (`.conf`) schemas of
 * Authorize, BootNotification, ChangeAvailability, ChangeConfiguration, ClearCache,
 * DataTransfer, GetConfiguration, Heartbeat, MeterValues, RemoteStartTransaction,
 * RemoteStopTransaction, Reset, StartTransaction, StatusNotification, StopTransaction and
 * UnlockConnector.
 *
 * @module
 */
import { z } from "../deps.ts";
import {
  chargePointErrorCodeSchema,
  chargePointStatusSchema,
  chargingProfileSchema,
  ciString20Schema,
  ciString255Schema,
  ciString25Schema,
  ciString500Schema,
  ciString50Schema,
  dateTimeSchema,
  idTagInfoSchema,
  idTokenSchema,
  integerSchema,
  meterValueSchema,
} from "./types.ts";

// ---------------------------------------------------------------------------------------------
// Authorize

/**
 * Authorize.req (charge point → central system): may `idTag` start or stop charging?
 *
 * @example
 * ```ts
 * authorizeRequestSchema.parse({ idTag: "04E91C5A" });
 * ```
 */
export const authorizeRequestSchema = z.strictObject({
  idTag: idTokenSchema,
});
/**
 * Payload of Authorize.req.
 *
 * @example
 * ```ts
 * const req: AuthorizeRequest = { idTag: "04E91C5A" };
 * ```
 */
export type AuthorizeRequest = z.infer<typeof authorizeRequestSchema>;

/**
 * Authorize.conf: the identifier's authorisation status.
 *
 * @example
 * ```ts
 * authorizeResponseSchema.parse({ idTagInfo: { status: "Accepted" } });
 * ```
 */
export const authorizeResponseSchema = z.strictObject({
  idTagInfo: idTagInfoSchema,
});
/**
 * Payload of Authorize.conf.
 *
 * @example
 * ```ts
 * const conf: AuthorizeResponse = { idTagInfo: { status: "Invalid" } };
 * ```
 */
export type AuthorizeResponse = z.infer<typeof authorizeResponseSchema>;

// ---------------------------------------------------------------------------------------------
// BootNotification

/**
 * BootNotification.req (charge point → central system): identifies the charge point after
 * (re)boot.
 *
 * @example
 * ```ts
 * bootNotificationRequestSchema.parse({ chargePointVendor: "ACME", chargePointModel: "Wall-22" });
 * ```
 */
export const bootNotificationRequestSchema = z.strictObject({
  chargePointVendor: ciString20Schema,
  chargePointModel: ciString20Schema,
  chargePointSerialNumber: ciString25Schema.optional(),
  chargeBoxSerialNumber: ciString25Schema.optional(),
  firmwareVersion: ciString50Schema.optional(),
  iccid: ciString20Schema.optional(),
  imsi: ciString20Schema.optional(),
  meterType: ciString25Schema.optional(),
  meterSerialNumber: ciString25Schema.optional(),
});
/**
 * Payload of BootNotification.req.
 *
 * @example
 * ```ts
 * const req: BootNotificationRequest = {
 *   chargePointVendor: "ACME",
 *   chargePointModel: "Wall-22",
 *   firmwareVersion: "1.0.3",
 * };
 * ```
 */
export type BootNotificationRequest = z.infer<typeof bootNotificationRequestSchema>;

/**
 * OCPP `RegistrationStatus`: the central system's answer to BootNotification.
 *
 * @example
 * ```ts
 * registrationStatusSchema.parse("Pending");
 * ```
 */
export const registrationStatusSchema = z.enum(["Accepted", "Pending", "Rejected"]);
/**
 * Registration status: `Accepted`, `Pending` or `Rejected`.
 *
 * @example
 * ```ts
 * const status: RegistrationStatus = "Accepted";
 * ```
 */
export type RegistrationStatus = z.infer<typeof registrationStatusSchema>;

/**
 * BootNotification.conf: registration status, the central system's clock and the heartbeat
 * (or retry) interval in seconds.
 *
 * @example
 * ```ts
 * bootNotificationResponseSchema.parse({
 *   status: "Accepted",
 *   currentTime: "2024-05-01T12:00:00Z",
 *   interval: 300,
 * });
 * ```
 */
export const bootNotificationResponseSchema = z.strictObject({
  status: registrationStatusSchema,
  currentTime: dateTimeSchema,
  interval: integerSchema,
});
/**
 * Payload of BootNotification.conf.
 *
 * @example
 * ```ts
 * const conf: BootNotificationResponse = {
 *   status: "Pending",
 *   currentTime: "2024-05-01T12:00:00Z",
 *   interval: 60,
 * };
 * ```
 */
export type BootNotificationResponse = z.infer<typeof bootNotificationResponseSchema>;

// ---------------------------------------------------------------------------------------------
// ChangeAvailability

/**
 * OCPP `AvailabilityType`.
 *
 * @example
 * ```ts
 * availabilityTypeSchema.parse("Inoperative");
 * ```
 */
export const availabilityTypeSchema = z.enum(["Inoperative", "Operative"]);
/**
 * Requested availability: `Inoperative` or `Operative`.
 *
 * @example
 * ```ts
 * const type: AvailabilityType = "Operative";
 * ```
 */
export type AvailabilityType = z.infer<typeof availabilityTypeSchema>;

/**
 * ChangeAvailability.req (central system → charge point). Connector 0 means the whole
 * charge point.
 *
 * @example
 * ```ts
 * changeAvailabilityRequestSchema.parse({ connectorId: 0, type: "Inoperative" });
 * ```
 */
export const changeAvailabilityRequestSchema = z.strictObject({
  connectorId: integerSchema,
  type: availabilityTypeSchema,
});
/**
 * Payload of ChangeAvailability.req.
 *
 * @example
 * ```ts
 * const req: ChangeAvailabilityRequest = { connectorId: 1, type: "Operative" };
 * ```
 */
export type ChangeAvailabilityRequest = z.infer<typeof changeAvailabilityRequestSchema>;

/**
 * OCPP `AvailabilityStatus`.
 *
 * @example
 * ```ts
 * availabilityStatusSchema.parse("Scheduled");
 * ```
 */
export const availabilityStatusSchema = z.enum(["Accepted", "Rejected", "Scheduled"]);
/**
 * Result of ChangeAvailability: `Accepted`, `Rejected` or `Scheduled` (after the running
 * transaction).
 *
 * @example
 * ```ts
 * const status: AvailabilityStatus = "Scheduled";
 * ```
 */
export type AvailabilityStatus = z.infer<typeof availabilityStatusSchema>;

/**
 * ChangeAvailability.conf.
 *
 * @example
 * ```ts
 * changeAvailabilityResponseSchema.parse({ status: "Accepted" });
 * ```
 */
export const changeAvailabilityResponseSchema = z.strictObject({
  status: availabilityStatusSchema,
});
/**
 * Payload of ChangeAvailability.conf.
 *
 * @example
 * ```ts
 * const conf: ChangeAvailabilityResponse = { status: "Rejected" };
 * ```
 */
export type ChangeAvailabilityResponse = z.infer<typeof changeAvailabilityResponseSchema>;

// ---------------------------------------------------------------------------------------------
// ChangeConfiguration

/**
 * ChangeConfiguration.req (central system → charge point): set configuration `key` to `value`.
 *
 * @example
 * ```ts
 * changeConfigurationRequestSchema.parse({ key: "HeartbeatInterval", value: "300" });
 * ```
 */
export const changeConfigurationRequestSchema = z.strictObject({
  key: ciString50Schema,
  value: ciString500Schema,
});
/**
 * Payload of ChangeConfiguration.req.
 *
 * @example
 * ```ts
 * const req: ChangeConfigurationRequest = { key: "MeterValueSampleInterval", value: "60" };
 * ```
 */
export type ChangeConfigurationRequest = z.infer<typeof changeConfigurationRequestSchema>;

/**
 * OCPP `ConfigurationStatus`.
 *
 * @example
 * ```ts
 * configurationStatusSchema.parse("RebootRequired");
 * ```
 */
export const configurationStatusSchema = z.enum([
  "Accepted",
  "Rejected",
  "RebootRequired",
  "NotSupported",
]);
/**
 * Result of ChangeConfiguration.
 *
 * @example
 * ```ts
 * const status: ConfigurationStatus = "NotSupported";
 * ```
 */
export type ConfigurationStatus = z.infer<typeof configurationStatusSchema>;

/**
 * ChangeConfiguration.conf.
 *
 * @example
 * ```ts
 * changeConfigurationResponseSchema.parse({ status: "Accepted" });
 * ```
 */
export const changeConfigurationResponseSchema = z.strictObject({
  status: configurationStatusSchema,
});
/**
 * Payload of ChangeConfiguration.conf.
 *
 * @example
 * ```ts
 * const conf: ChangeConfigurationResponse = { status: "RebootRequired" };
 * ```
 */
export type ChangeConfigurationResponse = z.infer<typeof changeConfigurationResponseSchema>;

// ---------------------------------------------------------------------------------------------
// ClearCache

/**
 * ClearCache.req (central system → charge point): empty payload.
 *
 * @example
 * ```ts
 * clearCacheRequestSchema.parse({});
 * ```
 */
export const clearCacheRequestSchema = z.strictObject({});
/**
 * Payload of ClearCache.req (always `{}`).
 *
 * @example
 * ```ts
 * const req: ClearCacheRequest = {};
 * ```
 */
export type ClearCacheRequest = z.infer<typeof clearCacheRequestSchema>;

/**
 * OCPP `ClearCacheStatus`.
 *
 * @example
 * ```ts
 * clearCacheStatusSchema.parse("Accepted");
 * ```
 */
export const clearCacheStatusSchema = z.enum(["Accepted", "Rejected"]);
/**
 * Result of ClearCache.
 *
 * @example
 * ```ts
 * const status: ClearCacheStatus = "Rejected";
 * ```
 */
export type ClearCacheStatus = z.infer<typeof clearCacheStatusSchema>;

/**
 * ClearCache.conf.
 *
 * @example
 * ```ts
 * clearCacheResponseSchema.parse({ status: "Accepted" });
 * ```
 */
export const clearCacheResponseSchema = z.strictObject({
  status: clearCacheStatusSchema,
});
/**
 * Payload of ClearCache.conf.
 *
 * @example
 * ```ts
 * const conf: ClearCacheResponse = { status: "Accepted" };
 * ```
 */
export type ClearCacheResponse = z.infer<typeof clearCacheResponseSchema>;

// ---------------------------------------------------------------------------------------------
// DataTransfer

/**
 * DataTransfer.req (either direction): vendor-specific data. `data` has no length limit.
 *
 * @example
 * ```ts
 * dataTransferRequestSchema.parse({ vendorId: "com.acme", messageId: "Ping", data: "{}" });
 * ```
 */
export const dataTransferRequestSchema = z.strictObject({
  vendorId: ciString255Schema,
  messageId: ciString50Schema.optional(),
  data: z.string().optional(),
});
/**
 * Payload of DataTransfer.req.
 *
 * @example
 * ```ts
 * const req: DataTransferRequest = { vendorId: "com.acme" };
 * ```
 */
export type DataTransferRequest = z.infer<typeof dataTransferRequestSchema>;

/**
 * OCPP `DataTransferStatus`.
 *
 * @example
 * ```ts
 * dataTransferStatusSchema.parse("UnknownVendorId");
 * ```
 */
export const dataTransferStatusSchema = z.enum([
  "Accepted",
  "Rejected",
  "UnknownMessageId",
  "UnknownVendorId",
]);
/**
 * Result of DataTransfer.
 *
 * @example
 * ```ts
 * const status: DataTransferStatus = "UnknownMessageId";
 * ```
 */
export type DataTransferStatus = z.infer<typeof dataTransferStatusSchema>;

/**
 * DataTransfer.conf.
 *
 * @example
 * ```ts
 * dataTransferResponseSchema.parse({ status: "Accepted", data: "pong" });
 * ```
 */
export const dataTransferResponseSchema = z.strictObject({
  status: dataTransferStatusSchema,
  data: z.string().optional(),
});
/**
 * Payload of DataTransfer.conf.
 *
 * @example
 * ```ts
 * const conf: DataTransferResponse = { status: "UnknownVendorId" };
 * ```
 */
export type DataTransferResponse = z.infer<typeof dataTransferResponseSchema>;

// ---------------------------------------------------------------------------------------------
// GetConfiguration

/**
 * GetConfiguration.req (central system → charge point): the keys to report; absent means all.
 *
 * @example
 * ```ts
 * getConfigurationRequestSchema.parse({ key: ["HeartbeatInterval"] });
 * ```
 */
export const getConfigurationRequestSchema = z.strictObject({
  key: z.array(ciString50Schema).optional(),
});
/**
 * Payload of GetConfiguration.req.
 *
 * @example
 * ```ts
 * const req: GetConfigurationRequest = {};
 * ```
 */
export type GetConfigurationRequest = z.infer<typeof getConfigurationRequestSchema>;

/**
 * OCPP `KeyValue`: one configuration key as reported in GetConfiguration.conf.
 *
 * @example
 * ```ts
 * keyValueSchema.parse({ key: "HeartbeatInterval", readonly: false, value: "300" });
 * ```
 */
export const keyValueSchema = z.strictObject({
  key: ciString50Schema,
  readonly: z.boolean(),
  value: ciString500Schema.optional(),
});
/**
 * A configuration key, its read-only flag and (optional) value.
 *
 * @example
 * ```ts
 * const kv: KeyValue = { key: "NumberOfConnectors", readonly: true, value: "2" };
 * ```
 */
export type KeyValue = z.infer<typeof keyValueSchema>;

/**
 * GetConfiguration.conf: known keys and the requested keys that are unknown.
 *
 * @example
 * ```ts
 * getConfigurationResponseSchema.parse({
 *   configurationKey: [{ key: "HeartbeatInterval", readonly: false, value: "300" }],
 *   unknownKey: ["Foo"],
 * });
 * ```
 */
export const getConfigurationResponseSchema = z.strictObject({
  configurationKey: z.array(keyValueSchema).optional(),
  unknownKey: z.array(ciString50Schema).optional(),
});
/**
 * Payload of GetConfiguration.conf.
 *
 * @example
 * ```ts
 * const conf: GetConfigurationResponse = { unknownKey: ["Foo"] };
 * ```
 */
export type GetConfigurationResponse = z.infer<typeof getConfigurationResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Heartbeat

/**
 * Heartbeat.req (charge point → central system): empty payload.
 *
 * @example
 * ```ts
 * heartbeatRequestSchema.parse({});
 * ```
 */
export const heartbeatRequestSchema = z.strictObject({});
/**
 * Payload of Heartbeat.req (always `{}`).
 *
 * @example
 * ```ts
 * const req: HeartbeatRequest = {};
 * ```
 */
export type HeartbeatRequest = z.infer<typeof heartbeatRequestSchema>;

/**
 * Heartbeat.conf: the central system's current time.
 *
 * @example
 * ```ts
 * heartbeatResponseSchema.parse({ currentTime: "2024-05-01T12:00:00Z" });
 * ```
 */
export const heartbeatResponseSchema = z.strictObject({
  currentTime: dateTimeSchema,
});
/**
 * Payload of Heartbeat.conf.
 *
 * @example
 * ```ts
 * const conf: HeartbeatResponse = { currentTime: "2024-05-01T12:00:00Z" };
 * ```
 */
export type HeartbeatResponse = z.infer<typeof heartbeatResponseSchema>;

// ---------------------------------------------------------------------------------------------
// MeterValues

/**
 * MeterValues.req (charge point → central system). The JSON schema sets no `minItems` on
 * `meterValue`.
 *
 * @example
 * ```ts
 * meterValuesRequestSchema.parse({
 *   connectorId: 1,
 *   transactionId: 42,
 *   meterValue: [{ timestamp: "2024-05-01T12:00:00Z", sampledValue: [{ value: "1500" }] }],
 * });
 * ```
 */
export const meterValuesRequestSchema = z.strictObject({
  connectorId: integerSchema,
  transactionId: integerSchema.optional(),
  meterValue: z.array(meterValueSchema),
});
/**
 * Payload of MeterValues.req.
 *
 * @example
 * ```ts
 * const req: MeterValuesRequest = {
 *   connectorId: 1,
 *   meterValue: [{ timestamp: "2024-05-01T12:00:00Z", sampledValue: [{ value: "0" }] }],
 * };
 * ```
 */
export type MeterValuesRequest = z.infer<typeof meterValuesRequestSchema>;

/**
 * MeterValues.conf: empty payload.
 *
 * @example
 * ```ts
 * meterValuesResponseSchema.parse({});
 * ```
 */
export const meterValuesResponseSchema = z.strictObject({});
/**
 * Payload of MeterValues.conf (always `{}`).
 *
 * @example
 * ```ts
 * const conf: MeterValuesResponse = {};
 * ```
 */
export type MeterValuesResponse = z.infer<typeof meterValuesResponseSchema>;

// ---------------------------------------------------------------------------------------------
// RemoteStartTransaction / RemoteStopTransaction

/**
 * RemoteStartTransaction.req (central system → charge point), optionally with a TxProfile.
 *
 * @example
 * ```ts
 * remoteStartTransactionRequestSchema.parse({ connectorId: 1, idTag: "04E91C5A" });
 * ```
 */
export const remoteStartTransactionRequestSchema = z.strictObject({
  connectorId: integerSchema.optional(),
  idTag: idTokenSchema,
  chargingProfile: chargingProfileSchema.optional(),
});
/**
 * Payload of RemoteStartTransaction.req.
 *
 * @example
 * ```ts
 * const req: RemoteStartTransactionRequest = { idTag: "04E91C5A" };
 * ```
 */
export type RemoteStartTransactionRequest = z.infer<typeof remoteStartTransactionRequestSchema>;

/**
 * OCPP `RemoteStartStopStatus`.
 *
 * @example
 * ```ts
 * remoteStartStopStatusSchema.parse("Accepted");
 * ```
 */
export const remoteStartStopStatusSchema = z.enum(["Accepted", "Rejected"]);
/**
 * Result of RemoteStartTransaction / RemoteStopTransaction.
 *
 * @example
 * ```ts
 * const status: RemoteStartStopStatus = "Rejected";
 * ```
 */
export type RemoteStartStopStatus = z.infer<typeof remoteStartStopStatusSchema>;

/**
 * RemoteStartTransaction.conf.
 *
 * @example
 * ```ts
 * remoteStartTransactionResponseSchema.parse({ status: "Accepted" });
 * ```
 */
export const remoteStartTransactionResponseSchema = z.strictObject({
  status: remoteStartStopStatusSchema,
});
/**
 * Payload of RemoteStartTransaction.conf.
 *
 * @example
 * ```ts
 * const conf: RemoteStartTransactionResponse = { status: "Accepted" };
 * ```
 */
export type RemoteStartTransactionResponse = z.infer<typeof remoteStartTransactionResponseSchema>;

/**
 * RemoteStopTransaction.req (central system → charge point).
 *
 * @example
 * ```ts
 * remoteStopTransactionRequestSchema.parse({ transactionId: 42 });
 * ```
 */
export const remoteStopTransactionRequestSchema = z.strictObject({
  transactionId: integerSchema,
});
/**
 * Payload of RemoteStopTransaction.req.
 *
 * @example
 * ```ts
 * const req: RemoteStopTransactionRequest = { transactionId: 42 };
 * ```
 */
export type RemoteStopTransactionRequest = z.infer<typeof remoteStopTransactionRequestSchema>;

/**
 * RemoteStopTransaction.conf.
 *
 * @example
 * ```ts
 * remoteStopTransactionResponseSchema.parse({ status: "Rejected" });
 * ```
 */
export const remoteStopTransactionResponseSchema = z.strictObject({
  status: remoteStartStopStatusSchema,
});
/**
 * Payload of RemoteStopTransaction.conf.
 *
 * @example
 * ```ts
 * const conf: RemoteStopTransactionResponse = { status: "Accepted" };
 * ```
 */
export type RemoteStopTransactionResponse = z.infer<typeof remoteStopTransactionResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Reset

/**
 * OCPP `ResetType`.
 *
 * @example
 * ```ts
 * resetTypeSchema.parse("Soft");
 * ```
 */
export const resetTypeSchema = z.enum(["Hard", "Soft"]);
/**
 * Kind of reset: `Hard` or `Soft`.
 *
 * @example
 * ```ts
 * const type: ResetType = "Hard";
 * ```
 */
export type ResetType = z.infer<typeof resetTypeSchema>;

/**
 * Reset.req (central system → charge point).
 *
 * @example
 * ```ts
 * resetRequestSchema.parse({ type: "Soft" });
 * ```
 */
export const resetRequestSchema = z.strictObject({
  type: resetTypeSchema,
});
/**
 * Payload of Reset.req.
 *
 * @example
 * ```ts
 * const req: ResetRequest = { type: "Hard" };
 * ```
 */
export type ResetRequest = z.infer<typeof resetRequestSchema>;

/**
 * OCPP `ResetStatus`.
 *
 * @example
 * ```ts
 * resetStatusSchema.parse("Accepted");
 * ```
 */
export const resetStatusSchema = z.enum(["Accepted", "Rejected"]);
/**
 * Result of Reset.
 *
 * @example
 * ```ts
 * const status: ResetStatus = "Accepted";
 * ```
 */
export type ResetStatus = z.infer<typeof resetStatusSchema>;

/**
 * Reset.conf.
 *
 * @example
 * ```ts
 * resetResponseSchema.parse({ status: "Accepted" });
 * ```
 */
export const resetResponseSchema = z.strictObject({
  status: resetStatusSchema,
});
/**
 * Payload of Reset.conf.
 *
 * @example
 * ```ts
 * const conf: ResetResponse = { status: "Rejected" };
 * ```
 */
export type ResetResponse = z.infer<typeof resetResponseSchema>;

// ---------------------------------------------------------------------------------------------
// StartTransaction

/**
 * StartTransaction.req (charge point → central system). `meterStart` is in Wh.
 *
 * @example
 * ```ts
 * startTransactionRequestSchema.parse({
 *   connectorId: 1,
 *   idTag: "04E91C5A",
 *   meterStart: 12000,
 *   timestamp: "2024-05-01T12:00:00Z",
 * });
 * ```
 */
export const startTransactionRequestSchema = z.strictObject({
  connectorId: integerSchema,
  idTag: idTokenSchema,
  meterStart: integerSchema,
  reservationId: integerSchema.optional(),
  timestamp: dateTimeSchema,
});
/**
 * Payload of StartTransaction.req.
 *
 * @example
 * ```ts
 * const req: StartTransactionRequest = {
 *   connectorId: 1,
 *   idTag: "04E91C5A",
 *   meterStart: 0,
 *   timestamp: "2024-05-01T12:00:00Z",
 * };
 * ```
 */
export type StartTransactionRequest = z.infer<typeof startTransactionRequestSchema>;

/**
 * StartTransaction.conf: the identifier's status and the transaction id assigned by the
 * central system.
 *
 * @example
 * ```ts
 * startTransactionResponseSchema.parse({ idTagInfo: { status: "Accepted" }, transactionId: 42 });
 * ```
 */
export const startTransactionResponseSchema = z.strictObject({
  idTagInfo: idTagInfoSchema,
  transactionId: integerSchema,
});
/**
 * Payload of StartTransaction.conf.
 *
 * @example
 * ```ts
 * const conf: StartTransactionResponse = { idTagInfo: { status: "Accepted" }, transactionId: 42 };
 * ```
 */
export type StartTransactionResponse = z.infer<typeof startTransactionResponseSchema>;

// ---------------------------------------------------------------------------------------------
// StatusNotification

/**
 * StatusNotification.req (charge point → central system).
 *
 * @example
 * ```ts
 * statusNotificationRequestSchema.parse({
 *   connectorId: 1,
 *   errorCode: "NoError",
 *   status: "Available",
 *   timestamp: "2024-05-01T12:00:00Z",
 * });
 * ```
 */
export const statusNotificationRequestSchema = z.strictObject({
  connectorId: integerSchema,
  errorCode: chargePointErrorCodeSchema,
  info: ciString50Schema.optional(),
  status: chargePointStatusSchema,
  timestamp: dateTimeSchema.optional(),
  vendorId: ciString255Schema.optional(),
  vendorErrorCode: ciString50Schema.optional(),
});
/**
 * Payload of StatusNotification.req.
 *
 * @example
 * ```ts
 * const req: StatusNotificationRequest = { connectorId: 0, errorCode: "NoError", status: "Available" };
 * ```
 */
export type StatusNotificationRequest = z.infer<typeof statusNotificationRequestSchema>;

/**
 * StatusNotification.conf: empty payload.
 *
 * @example
 * ```ts
 * statusNotificationResponseSchema.parse({});
 * ```
 */
export const statusNotificationResponseSchema = z.strictObject({});
/**
 * Payload of StatusNotification.conf (always `{}`).
 *
 * @example
 * ```ts
 * const conf: StatusNotificationResponse = {};
 * ```
 */
export type StatusNotificationResponse = z.infer<typeof statusNotificationResponseSchema>;

// ---------------------------------------------------------------------------------------------
// StopTransaction

/**
 * OCPP `Reason`: why a transaction stopped.
 *
 * @example
 * ```ts
 * stopReasonSchema.parse("EVDisconnected");
 * ```
 */
export const stopReasonSchema = z.enum([
  "EmergencyStop",
  "EVDisconnected",
  "HardReset",
  "Local",
  "Other",
  "PowerLoss",
  "Reboot",
  "Remote",
  "SoftReset",
  "UnlockCommand",
  "DeAuthorized",
]);
/**
 * Stop reason of a transaction (`Local` is implied when absent).
 *
 * @example
 * ```ts
 * const reason: StopReason = "Remote";
 * ```
 */
export type StopReason = z.infer<typeof stopReasonSchema>;

/**
 * StopTransaction.req (charge point → central system). `meterStop` is in Wh.
 *
 * @example
 * ```ts
 * stopTransactionRequestSchema.parse({
 *   meterStop: 15000,
 *   timestamp: "2024-05-01T13:00:00Z",
 *   transactionId: 42,
 *   reason: "Local",
 * });
 * ```
 */
export const stopTransactionRequestSchema = z.strictObject({
  idTag: idTokenSchema.optional(),
  meterStop: integerSchema,
  timestamp: dateTimeSchema,
  transactionId: integerSchema,
  reason: stopReasonSchema.optional(),
  transactionData: z.array(meterValueSchema).optional(),
});
/**
 * Payload of StopTransaction.req.
 *
 * @example
 * ```ts
 * const req: StopTransactionRequest = {
 *   meterStop: 15000,
 *   timestamp: "2024-05-01T13:00:00Z",
 *   transactionId: 42,
 * };
 * ```
 */
export type StopTransactionRequest = z.infer<typeof stopTransactionRequestSchema>;

/**
 * StopTransaction.conf: the identifier's status, present only if `idTag` was sent.
 *
 * @example
 * ```ts
 * stopTransactionResponseSchema.parse({ idTagInfo: { status: "Accepted" } });
 * ```
 */
export const stopTransactionResponseSchema = z.strictObject({
  idTagInfo: idTagInfoSchema.optional(),
});
/**
 * Payload of StopTransaction.conf.
 *
 * @example
 * ```ts
 * const conf: StopTransactionResponse = {};
 * ```
 */
export type StopTransactionResponse = z.infer<typeof stopTransactionResponseSchema>;

// ---------------------------------------------------------------------------------------------
// UnlockConnector

/**
 * UnlockConnector.req (central system → charge point).
 *
 * @example
 * ```ts
 * unlockConnectorRequestSchema.parse({ connectorId: 1 });
 * ```
 */
export const unlockConnectorRequestSchema = z.strictObject({
  connectorId: integerSchema,
});
/**
 * Payload of UnlockConnector.req.
 *
 * @example
 * ```ts
 * const req: UnlockConnectorRequest = { connectorId: 2 };
 * ```
 */
export type UnlockConnectorRequest = z.infer<typeof unlockConnectorRequestSchema>;

/**
 * OCPP `UnlockStatus`.
 *
 * @example
 * ```ts
 * unlockStatusSchema.parse("Unlocked");
 * ```
 */
export const unlockStatusSchema = z.enum(["Unlocked", "UnlockFailed", "NotSupported"]);
/**
 * Result of UnlockConnector.
 *
 * @example
 * ```ts
 * const status: UnlockStatus = "UnlockFailed";
 * ```
 */
export type UnlockStatus = z.infer<typeof unlockStatusSchema>;

/**
 * UnlockConnector.conf.
 *
 * @example
 * ```ts
 * unlockConnectorResponseSchema.parse({ status: "Unlocked" });
 * ```
 */
export const unlockConnectorResponseSchema = z.strictObject({
  status: unlockStatusSchema,
});
/**
 * Payload of UnlockConnector.conf.
 *
 * @example
 * ```ts
 * const conf: UnlockConnectorResponse = { status: "NotSupported" };
 * ```
 */
export type UnlockConnectorResponse = z.infer<typeof unlockConnectorResponseSchema>;
