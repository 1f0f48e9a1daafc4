/**
 * Messages added to OCPP 1.6 by the Security Whitepaper (edition 2): CertificateSigned,
 * DeleteCertificate, ExtendedTriggerMessage, GetInstalledCertificateIds, GetLog,
 * InstallCertificate, LogStatusNotification, SecurityEventNotification, SignCertificate,
 * SignedFirmwareStatusNotification and SignedUpdateFirmware.
 *
 * @module
 */
import { z } from "../deps.ts";
import {
  boundedString,
  certificateHashDataSchema,
  certificateUseSchema,
  dateTimeSchema,
  integerSchema,
} from "./types.ts";

// ---------------------------------------------------------------------------------------------
// CertificateSigned

/**
 * CertificateSigned.req (central system → charge point): the signed PEM certificate chain.
 *
 * @example
 * ```ts
 * certificateSignedRequestSchema.parse({ certificateChain: "-----BEGIN CERTIFICATE-----\n…" });
 * ```
 */
export const certificateSignedRequestSchema = z.strictObject({
  certificateChain: boundedString(10000),
});
/**
 * Payload of CertificateSigned.req.
 *
 * @example
 * ```ts
 * const req: CertificateSignedRequest = { certificateChain: "-----BEGIN CERTIFICATE-----\n…" };
 * ```
 */
export type CertificateSignedRequest = z.infer<typeof certificateSignedRequestSchema>;

/**
 * Security whitepaper `CertificateSignedStatusEnumType`.
 *
 * @example
 * ```ts
 * certificateSignedStatusSchema.parse("Accepted");
 * ```
 */
export const certificateSignedStatusSchema = z.enum(["Accepted", "Rejected"]);
/**
 * Result of CertificateSigned.
 *
 * @example
 * ```ts
 * const status: CertificateSignedStatus = "Rejected";
 * ```
 */
export type CertificateSignedStatus = z.infer<typeof certificateSignedStatusSchema>;

/**
 * CertificateSigned.conf.
 *
 * @example
 * ```ts
 * certificateSignedResponseSchema.parse({ status: "Accepted" });
 * ```
 */
export const certificateSignedResponseSchema = z.strictObject({
  status: certificateSignedStatusSchema,
});
/**
 * Payload of CertificateSigned.conf.
 *
 * @example
 * ```ts
 * const conf: CertificateSignedResponse = { status: "Accepted" };
 * ```
 */
export type CertificateSignedResponse = z.infer<typeof certificateSignedResponseSchema>;

// ---------------------------------------------------------------------------------------------
// DeleteCertificate

/**
 * DeleteCertificate.req (central system → charge point).
 *
 * @example
 * ```ts
 * deleteCertificateRequestSchema.parse({
 *   certificateHashData: {
 *     hashAlgorithm: "SHA256",
 *     issuerNameHash: "a1b2",
 *     issuerKeyHash: "c3d4",
 *     serialNumber: "0123",
 *   },
 * });
 * ```
 */
export const deleteCertificateRequestSchema = z.strictObject({
  certificateHashData: certificateHashDataSchema,
});
/**
 * Payload of DeleteCertificate.req.
 *
 * @example
 * ```ts
 * const req: DeleteCertificateRequest = {
 *   certificateHashData: {
 *     hashAlgorithm: "SHA512",
 *     issuerNameHash: "a1b2",
 *     issuerKeyHash: "c3d4",
 *     serialNumber: "0123",
 *   },
 * };
 * ```
 */
export type DeleteCertificateRequest = z.infer<typeof deleteCertificateRequestSchema>;

/**
 * Security whitepaper `DeleteCertificateStatusEnumType`.
 *
 * @example
 * ```ts
 * deleteCertificateStatusSchema.parse("NotFound");
 * ```
 */
export const deleteCertificateStatusSchema = z.enum(["Accepted", "Failed", "NotFound"]);
/**
 * Result of DeleteCertificate.
 *
 * @example
 * ```ts
 * const status: DeleteCertificateStatus = "Accepted";
 * ```
 */
export type DeleteCertificateStatus = z.infer<typeof deleteCertificateStatusSchema>;

/**
 * DeleteCertificate.conf.
 *
 * @example
 * ```ts
 * deleteCertificateResponseSchema.parse({ status: "Accepted" });
 * ```
 */
export const deleteCertificateResponseSchema = z.strictObject({
  status: deleteCertificateStatusSchema,
});
/**
 * Payload of DeleteCertificate.conf.
 *
 * @example
 * ```ts
 * const conf: DeleteCertificateResponse = { status: "Failed" };
 * ```
 */
export type DeleteCertificateResponse = z.infer<typeof deleteCertificateResponseSchema>;

// ---------------------------------------------------------------------------------------------
// ExtendedTriggerMessage

/**
 * Security whitepaper `MessageTriggerEnumType` (ExtendedTriggerMessage).
 *
 * @example
 * ```ts
 * extendedMessageTriggerSchema.parse("SignChargePointCertificate");
 * ```
 */
export const extendedMessageTriggerSchema = z.enum([
  "BootNotification",
  "LogStatusNotification",
  "FirmwareStatusNotification",
  "Heartbeat",
  "MeterValues",
  "SignChargePointCertificate",
  "StatusNotification",
]);
/**
 * A message that ExtendedTriggerMessage can request.
 *
 * @example
 * ```ts
 * const message: ExtendedMessageTrigger = "LogStatusNotification";
 * ```
 */
export type ExtendedMessageTrigger = z.infer<typeof extendedMessageTriggerSchema>;

/**
 * ExtendedTriggerMessage.req (central system → charge point).
 *
 * @example
 * ```ts
 * extendedTriggerMessageRequestSchema.parse({ requestedMessage: "SignChargePointCertificate" });
 * ```
 */
export const extendedTriggerMessageRequestSchema = z.strictObject({
  requestedMessage: extendedMessageTriggerSchema,
  connectorId: integerSchema.optional(),
});
/**
 * Payload of ExtendedTriggerMessage.req.
 *
 * @example
 * ```ts
 * const req: ExtendedTriggerMessageRequest = { requestedMessage: "StatusNotification", connectorId: 1 };
 * ```
 */
export type ExtendedTriggerMessageRequest = z.infer<typeof extendedTriggerMessageRequestSchema>;

/**
 * Security whitepaper `TriggerMessageStatusEnumType`.
 *
 * @example
 * ```ts
 * extendedTriggerMessageStatusSchema.parse("Accepted");
 * ```
 */
export const extendedTriggerMessageStatusSchema = z.enum([
  "Accepted",
  "Rejected",
  "NotImplemented",
]);
/**
 * Result of ExtendedTriggerMessage.
 *
 * @example
 * ```ts
 * const status: ExtendedTriggerMessageStatus = "NotImplemented";
 * ```
 */
export type ExtendedTriggerMessageStatus = z.infer<typeof extendedTriggerMessageStatusSchema>;

/**
 * ExtendedTriggerMessage.conf.
 *
 * @example
 * ```ts
 * extendedTriggerMessageResponseSchema.parse({ status: "Accepted" });
 * ```
 */
export const extendedTriggerMessageResponseSchema = z.strictObject({
  status: extendedTriggerMessageStatusSchema,
});
/**
 * Payload of ExtendedTriggerMessage.conf.
 *
 * @example
 * ```ts
 * const conf: ExtendedTriggerMessageResponse = { status: "Rejected" };
 * ```
 */
export type ExtendedTriggerMessageResponse = z.infer<typeof extendedTriggerMessageResponseSchema>;

// ---------------------------------------------------------------------------------------------
// GetInstalledCertificateIds

/**
 * GetInstalledCertificateIds.req (central system → charge point).
 *
 * @example
 * ```ts
 * getInstalledCertificateIdsRequestSchema.parse({ certificateType: "CentralSystemRootCertificate" });
 * ```
 */
export const getInstalledCertificateIdsRequestSchema = z.strictObject({
  certificateType: certificateUseSchema,
});
/**
 * Payload of GetInstalledCertificateIds.req.
 *
 * @example
 * ```ts
 * const req: GetInstalledCertificateIdsRequest = { certificateType: "ManufacturerRootCertificate" };
 * ```
 */
export type GetInstalledCertificateIdsRequest = z.infer<
  typeof getInstalledCertificateIdsRequestSchema
>;

/**
 * Security whitepaper `GetInstalledCertificateStatusEnumType`.
 *
 * @example
 * ```ts
 * getInstalledCertificateStatusSchema.parse("NotFound");
 * ```
 */
export const getInstalledCertificateStatusSchema = z.enum(["Accepted", "NotFound"]);
/**
 * Result of GetInstalledCertificateIds.
 *
 * @example
 * ```ts
 * const status: GetInstalledCertificateStatus = "Accepted";
 * ```
 */
export type GetInstalledCertificateStatus = z.infer<typeof getInstalledCertificateStatusSchema>;

/**
 * GetInstalledCertificateIds.conf. When present, `certificateHashData` has at least one item.
 *
 * @example
 * ```ts
 * getInstalledCertificateIdsResponseSchema.parse({ status: "NotFound" });
 * ```
 */
export const getInstalledCertificateIdsResponseSchema = z.strictObject({
  certificateHashData: z.array(certificateHashDataSchema).min(1).optional(),
  status: getInstalledCertificateStatusSchema,
});
/**
 * Payload of GetInstalledCertificateIds.conf.
 *
 * @example
 * ```ts
 * const conf: GetInstalledCertificateIdsResponse = {
 *   status: "Accepted",
 *   certificateHashData: [
 *     { hashAlgorithm: "SHA256", issuerNameHash: "a1", issuerKeyHash: "b2", serialNumber: "01" },
 *   ],
 * };
 * ```
 */
export type GetInstalledCertificateIdsResponse = z.infer<
  typeof getInstalledCertificateIdsResponseSchema
>;

// ---------------------------------------------------------------------------------------------
// GetLog

/**
 * Security whitepaper `LogParametersType`: where to upload and which time window to include.
 * `remoteLocation` is a plain string (no URI format check in the JSON schema).
 *
 * @example
 * ```ts
 * logParametersSchema.parse({ remoteLocation: "https://logs.example.com/upload" });
 * ```
 */
export const logParametersSchema = z.strictObject({
  remoteLocation: boundedString(512),
  oldestTimestamp: dateTimeSchema.optional(),
  latestTimestamp: dateTimeSchema.optional(),
});
/**
 * Parameters of a log upload.
 *
 * @example
 * ```ts
 * const log: LogParameters = {
 *   remoteLocation: "https://logs.example.com/upload",
 *   oldestTimestamp: "2024-05-01T00:00:00Z",
 * };
 * ```
 */
export type LogParameters = z.infer<typeof logParametersSchema>;

/**
 * Security whitepaper `LogEnumType`.
 *
 * @example
 * ```ts
 * logTypeSchema.parse("SecurityLog");
 * ```
 */
export const logTypeSchema = z.enum(["DiagnosticsLog", "SecurityLog"]);
/**
 * Which log to upload.
 *
 * @example
 * ```ts
 * const type: LogType = "DiagnosticsLog";
 * ```
 */
export type LogType = z.infer<typeof logTypeSchema>;

/**
 * GetLog.req (central system → charge point).
 *
 * @example
 * ```ts
 * getLogRequestSchema.parse({
 *   log: { remoteLocation: "https://logs.example.com/upload" },
 *   logType: "SecurityLog",
 *   requestId: 12,
 * });
 * ```
 */
export const getLogRequestSchema = z.strictObject({
  log: logParametersSchema,
  logType: logTypeSchema,
  requestId: integerSchema,
  retries: integerSchema.optional(),
  retryInterval: integerSchema.optional(),
});
/**
 * Payload of GetLog.req.
 *
 * @example
 * ```ts
 * const req: GetLogRequest = {
 *   log: { remoteLocation: "https://logs.example.com/upload" },
 *   logType: "DiagnosticsLog",
 *   requestId: 1,
 * };
 * ```
 */
export type GetLogRequest = z.infer<typeof getLogRequestSchema>;

/**
 * Security whitepaper `LogStatusEnumType`.
 *
 * @example
 * ```ts
 * logStatusSchema.parse("AcceptedCanceled");
 * ```
 */
export const logStatusSchema = z.enum(["Accepted", "Rejected", "AcceptedCanceled"]);
/**
 * Result of GetLog.
 *
 * @example
 * ```ts
 * const status: LogStatus = "Accepted";
 * ```
 */
export type LogStatus = z.infer<typeof logStatusSchema>;

/**
 * GetLog.conf.
 *
 * @example
 * ```ts
 * getLogResponseSchema.parse({ status: "Accepted", filename: "security-2024-05-01.log" });
 * ```
 */
export const getLogResponseSchema = z.strictObject({
  status: logStatusSchema,
  filename: boundedString(255).optional(),
});
/**
 * Payload of GetLog.conf.
 *
 * @example
 * ```ts
 * const conf: GetLogResponse = { status: "Rejected" };
 * ```
 */
export type GetLogResponse = z.infer<typeof getLogResponseSchema>;

// ---------------------------------------------------------------------------------------------
// InstallCertificate

/**
 * InstallCertificate.req (central system → charge point): a PEM root certificate.
 *
 * @example
 * ```ts
 * installCertificateRequestSchema.parse({
 *   certificateType: "CentralSystemRootCertificate",
 *   certificate: "-----BEGIN CERTIFICATE-----\n…",
 * });
 * ```
 */
export const installCertificateRequestSchema = z.strictObject({
  certificateType: certificateUseSchema,
  certificate: boundedString(5500),
});
/**
 * Payload of InstallCertificate.req.
 *
 * @example
 * ```ts
 * const req: InstallCertificateRequest = {
 *   certificateType: "ManufacturerRootCertificate",
 *   certificate: "-----BEGIN CERTIFICATE-----\n…",
 * };
 * ```
 */
export type InstallCertificateRequest = z.infer<typeof installCertificateRequestSchema>;

/**
 * Security whitepaper `InstallCertificateStatusEnumType`.
 *
 * @example
 * ```ts
 * installCertificateStatusSchema.parse("Failed");
 * ```
 */
export const installCertificateStatusSchema = z.enum(["Accepted", "Failed", "Rejected"]);
/**
 * Result of InstallCertificate.
 *
 * @example
 * ```ts
 * const status: InstallCertificateStatus = "Accepted";
 * ```
 */
export type InstallCertificateStatus = z.infer<typeof installCertificateStatusSchema>;

/**
 * InstallCertificate.conf.
 *
 * @example
 * ```ts
 * installCertificateResponseSchema.parse({ status: "Accepted" });
 * ```
 */
export const installCertificateResponseSchema = z.strictObject({
  status: installCertificateStatusSchema,
});
/**
 * Payload of InstallCertificate.conf.
 *
 * @example
 * ```ts
 * const conf: InstallCertificateResponse = { status: "Rejected" };
 * ```
 */
export type InstallCertificateResponse = z.infer<typeof installCertificateResponseSchema>;

// ---------------------------------------------------------------------------------------------
// LogStatusNotification

/**
 * Security whitepaper `UploadLogStatusEnumType`.
 *
 * @example
 * ```ts
 * uploadLogStatusSchema.parse("Uploading");
 * ```
 */
export const uploadLogStatusSchema = z.enum([
  "BadMessage",
  "Idle",
  "NotSupportedOperation",
  "PermissionDenied",
  "Uploaded",
  "UploadFailure",
  "Uploading",
]);
/**
 * Progress of a log upload.
 *
 * @example
 * ```ts
 * const status: UploadLogStatus = "Uploaded";
 * ```
 */
export type UploadLogStatus = z.infer<typeof uploadLogStatusSchema>;

/**
 * LogStatusNotification.req (charge point → central system).
 *
 * @example
 * ```ts
 * logStatusNotificationRequestSchema.parse({ status: "Uploaded", requestId: 12 });
 * ```
 */
export const logStatusNotificationRequestSchema = z.strictObject({
  status: uploadLogStatusSchema,
  requestId: integerSchema.optional(),
});
/**
 * Payload of LogStatusNotification.req.
 *
 * @example
 * ```ts
 * const req: LogStatusNotificationRequest = { status: "Idle" };
 * ```
 */
export type LogStatusNotificationRequest = z.infer<typeof logStatusNotificationRequestSchema>;

/**
 * LogStatusNotification.conf: empty payload.
 *
 * @example
 * ```ts
 * logStatusNotificationResponseSchema.parse({});
 * ```
 */
export const logStatusNotificationResponseSchema = z.strictObject({});
/**
 * Payload of LogStatusNotification.conf (always `{}`).
 *
 * @example
 * ```ts
 * const conf: LogStatusNotificationResponse = {};
 * ```
 */
export type LogStatusNotificationResponse = z.infer<typeof logStatusNotificationResponseSchema>;

// ---------------------------------------------------------------------------------------------
// SecurityEventNotification

/**
 * SecurityEventNotification.req (charge point → central system). `type` is a free-form
 * string of at most 50 characters (the whitepaper lists the standard event names).
 *
 * @example
 * ```ts
 * securityEventNotificationRequestSchema.parse({
 *   type: "FirmwareUpdated",
 *   timestamp: "2024-05-01T12:00:00Z",
 * });
 * ```
 */
export const securityEventNotificationRequestSchema = z.strictObject({
  type: boundedString(50),
  timestamp: dateTimeSchema,
  techInfo: boundedString(255).optional(),
});
/**
 * Payload of SecurityEventNotification.req.
 *
 * @example
 * ```ts
 * const req: SecurityEventNotificationRequest = {
 *   type: "StartupOfTheDevice",
 *   timestamp: "2024-05-01T12:00:00Z",
 *   techInfo: "cold boot",
 * };
 * ```
 */
export type SecurityEventNotificationRequest = z.infer<
  typeof securityEventNotificationRequestSchema
>;

/**
 * SecurityEventNotification.conf: empty payload.
 *
 * @example
 * ```ts
 * securityEventNotificationResponseSchema.parse({});
 * ```
 */
export const securityEventNotificationResponseSchema = z.strictObject({});
/**
 * Payload of SecurityEventNotification.conf (always `{}`).
 *
 * @example
 * ```ts
 * const conf: SecurityEventNotificationResponse = {};
 * ```
 */
export type SecurityEventNotificationResponse = z.infer<
  typeof securityEventNotificationResponseSchema
>;

// ---------------------------------------------------------------------------------------------
// SignCertificate

/**
 * SignCertificate.req (charge point → central system): a PEM certificate signing request.
 *
 * @example
 * ```ts
 * signCertificateRequestSchema.parse({ csr: "-----BEGIN CERTIFICATE REQUEST-----\n…" });
 * ```
 */
export const signCertificateRequestSchema = z.strictObject({
  csr: boundedString(5500),
});
/**
 * Payload of SignCertificate.req.
 *
 * @example
 * ```ts
 * const req: SignCertificateRequest = { csr: "-----BEGIN CERTIFICATE REQUEST-----\n…" };
 * ```
 */
export type SignCertificateRequest = z.infer<typeof signCertificateRequestSchema>;

/**
 * Security whitepaper `GenericStatusEnumType`.
 *
 * @example
 * ```ts
 * genericStatusSchema.parse("Accepted");
 * ```
 */
export const genericStatusSchema = z.enum(["Accepted", "Rejected"]);
/**
 * `Accepted` or `Rejected`.
 *
 * @example
 * ```ts
 * const status: GenericStatus = "Rejected";
 * ```
 */
export type GenericStatus = z.infer<typeof genericStatusSchema>;

/**
 * SignCertificate.conf.
 *
 * @example
 * ```ts
 * signCertificateResponseSchema.parse({ status: "Accepted" });
 * ```
 */
export const signCertificateResponseSchema = z.strictObject({
  status: genericStatusSchema,
});
/**
 * Payload of SignCertificate.conf.
 *
 * @example
 * ```ts
 * const conf: SignCertificateResponse = { status: "Accepted" };
 * ```
 */
export type SignCertificateResponse = z.infer<typeof signCertificateResponseSchema>;

// ---------------------------------------------------------------------------------------------
// SignedFirmwareStatusNotification

/**
 * Security whitepaper `FirmwareStatusEnumType` (signed firmware update).
 *
 * @example
 * ```ts
 * signedFirmwareStatusSchema.parse("SignatureVerified");
 * ```
 */
export const signedFirmwareStatusSchema = z.enum([
  "Downloaded",
  "DownloadFailed",
  "Downloading",
  "DownloadScheduled",
  "DownloadPaused",
  "Idle",
  "InstallationFailed",
  "Installing",
  "Installed",
  "InstallRebooting",
  "InstallScheduled",
  "InstallVerificationFailed",
  "InvalidSignature",
  "SignatureVerified",
]);
/**
 * Progress of a signed firmware update.
 *
 * @example
 * ```ts
 * const status: SignedFirmwareStatus = "InstallScheduled";
 * ```
 */
export type SignedFirmwareStatus = z.infer<typeof signedFirmwareStatusSchema>;

/**
 * SignedFirmwareStatusNotification.req (charge point → central system).
 *
 * @example
 * ```ts
 * signedFirmwareStatusNotificationRequestSchema.parse({ status: "Downloading", requestId: 3 });
 * ```
 */
export const signedFirmwareStatusNotificationRequestSchema = z.strictObject({
  status: signedFirmwareStatusSchema,
  requestId: integerSchema.optional(),
});
/**
 * Payload of SignedFirmwareStatusNotification.req.
 *
 * @example
 * ```ts
 * const req: SignedFirmwareStatusNotificationRequest = { status: "Installed", requestId: 3 };
 * ```
 */
export type SignedFirmwareStatusNotificationRequest = z.infer<
  typeof signedFirmwareStatusNotificationRequestSchema
>;

/**
 * SignedFirmwareStatusNotification.conf: empty payload.
 *
 * @example
 * ```ts
 * signedFirmwareStatusNotificationResponseSchema.parse({});
 * ```
 */
export const signedFirmwareStatusNotificationResponseSchema = z.strictObject({});
/**
 * Payload of SignedFirmwareStatusNotification.conf (always `{}`).
 *
 * @example
 * ```ts
 * const conf: SignedFirmwareStatusNotificationResponse = {};
 * ```
 */
export type SignedFirmwareStatusNotificationResponse = z.infer<
  typeof signedFirmwareStatusNotificationResponseSchema
>;

// ---------------------------------------------------------------------------------------------
// SignedUpdateFirmware

/**
 * Security whitepaper `FirmwareType`: where to get signed firmware and how to verify it.
 * `location` is a plain string (no URI format check in the JSON schema).
 *
 * @example
 * ```ts
 * firmwareSchema.parse({
 *   location: "https://fw.example.com/1.1.0.bin",
 *   retrieveDateTime: "2024-05-02T02:00:00Z",
 *   signingCertificate: "-----BEGIN CERTIFICATE-----\n…",
 *   signature: "MEUCIQ…",
 * });
 * ```
 */
export const firmwareSchema = z.strictObject({
  location: boundedString(512),
  retrieveDateTime: dateTimeSchema,
  installDateTime: dateTimeSchema.optional(),
  signingCertificate: boundedString(5500),
  signature: boundedString(800),
});
/**
 * Signed firmware description.
 *
 * @example
 * ```ts
 * const firmware: Firmware = {
 *   location: "https://fw.example.com/1.1.0.bin",
 *   retrieveDateTime: "2024-05-02T02:00:00Z",
 *   signingCertificate: "-----BEGIN CERTIFICATE-----\n…",
 *   signature: "MEUCIQ…",
 * };
 * ```
 */
export type Firmware = z.infer<typeof firmwareSchema>;

/**
 * SignedUpdateFirmware.req (central system → charge point).
 *
 * @example
 * ```ts
 * signedUpdateFirmwareRequestSchema.parse({
 *   requestId: 3,
 *   firmware: {
 *     location: "https://fw.example.com/1.1.0.bin",
 *     retrieveDateTime: "2024-05-02T02:00:00Z",
 *     signingCertificate: "-----BEGIN CERTIFICATE-----\n…",
 *     signature: "MEUCIQ…",
 *   },
 * });
 * ```
 */
export const signedUpdateFirmwareRequestSchema = z.strictObject({
  retries: integerSchema.optional(),
  retryInterval: integerSchema.optional(),
  requestId: integerSchema,
  firmware: firmwareSchema,
});
/**
 * Payload of SignedUpdateFirmware.req.
 *
 * @example
 * ```ts
 * const req: SignedUpdateFirmwareRequest = {
 *   requestId: 3,
 *   retries: 2,
 *   firmware: {
 *     location: "https://fw.example.com/1.1.0.bin",
 *     retrieveDateTime: "2024-05-02T02:00:00Z",
 *     signingCertificate: "-----BEGIN CERTIFICATE-----\n…",
 *     signature: "MEUCIQ…",
 *   },
 * };
 * ```
 */
export type SignedUpdateFirmwareRequest = z.infer<typeof signedUpdateFirmwareRequestSchema>;

/**
 * Security whitepaper `UpdateFirmwareStatusEnumType`.
 *
 * @example
 * ```ts
 * signedUpdateFirmwareStatusSchema.parse("InvalidCertificate");
 * ```
 */
export const signedUpdateFirmwareStatusSchema = z.enum([
  "Accepted",
  "Rejected",
  "AcceptedCanceled",
  "InvalidCertificate",
  "RevokedCertificate",
]);
/**
 * Result of SignedUpdateFirmware.
 *
 * @example
 * ```ts
 * const status: SignedUpdateFirmwareStatus = "Accepted";
 * ```
 */
export type SignedUpdateFirmwareStatus = z.infer<typeof signedUpdateFirmwareStatusSchema>;

/**
 * SignedUpdateFirmware.conf.
 *
 * @example
 * ```ts
 * signedUpdateFirmwareResponseSchema.parse({ status: "Accepted" });
 * ```
 */
export const signedUpdateFirmwareResponseSchema = z.strictObject({
  status: signedUpdateFirmwareStatusSchema,
});
/**
 * Payload of SignedUpdateFirmware.conf.
 *
 * @example
 * ```ts
 * const conf: SignedUpdateFirmwareResponse = { status: "RevokedCertificate" };
 * ```
 */
export type SignedUpdateFirmwareResponse = z.infer<typeof signedUpdateFirmwareResponseSchema>;
