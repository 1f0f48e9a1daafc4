/**
 * OCPP 1.6 Firmware Management profile messages: GetDiagnostics,
 * DiagnosticsStatusNotification, FirmwareStatusNotification and UpdateFirmware.
 *
 * @module
 */
import { z } from "../deps.ts";
import { ciString255Schema, dateTimeSchema, integerSchema, uriSchema } from "./types.ts";

// ---------------------------------------------------------------------------------------------
// GetDiagnostics

/**
 * GetDiagnostics.req (central system → charge point): upload diagnostics to `location`.
 *
 * @example
 * ```ts
 * getDiagnosticsRequestSchema.parse({ location: "ftp://diag.example.com/upload/", retries: 3 });
 * ```
 */
export const getDiagnosticsRequestSchema = z.strictObject({
  location: uriSchema,
  retries: integerSchema.optional(),
  retryInterval: integerSchema.optional(),
  startTime: dateTimeSchema.optional(),
  stopTime: dateTimeSchema.optional(),
});
/**
 * Payload of GetDiagnostics.req.
 *
 * @example
 * ```ts
 * const req: GetDiagnosticsRequest = { location: "https://diag.example.com/upload" };
 * ```
 */
export type GetDiagnosticsRequest = z.infer<typeof getDiagnosticsRequestSchema>;

/**
 * GetDiagnostics.conf: the name of the file that will be uploaded, if any.
 *
 * @example
 * ```ts
 * getDiagnosticsResponseSchema.parse({ fileName: "diag-2024-05-01.zip" });
 * ```
 */
export const getDiagnosticsResponseSchema = z.strictObject({
  fileName: ciString255Schema.optional(),
});
/**
 * Payload of GetDiagnostics.conf.
 *
 * @example
 * ```ts
 * const conf: GetDiagnosticsResponse = {};
 * ```
 */
export type GetDiagnosticsResponse = z.infer<typeof getDiagnosticsResponseSchema>;

// ---------------------------------------------------------------------------------------------
// DiagnosticsStatusNotification

/**
 * OCPP `DiagnosticsStatus`.
 *
 * @example
 * ```ts
 * diagnosticsStatusSchema.parse("Uploading");
 * ```
 */
export const diagnosticsStatusSchema = z.enum(["Idle", "Uploaded", "UploadFailed", "Uploading"]);
/**
 * Progress of a diagnostics upload.
 *
 * @example
 * ```ts
 * const status: DiagnosticsStatus = "Uploaded";
 * ```
 */
export type DiagnosticsStatus = z.infer<typeof diagnosticsStatusSchema>;

/**
 * DiagnosticsStatusNotification.req (charge point → central system).
 *
 * @example
 * ```ts
 * diagnosticsStatusNotificationRequestSchema.parse({ status: "Uploaded" });
 * ```
 */
export const diagnosticsStatusNotificationRequestSchema = z.strictObject({
  status: diagnosticsStatusSchema,
});
/**
 * Payload of DiagnosticsStatusNotification.req.
 *
 * @example
 * ```ts
 * const req: DiagnosticsStatusNotificationRequest = { status: "Idle" };
 * ```
 */
export type DiagnosticsStatusNotificationRequest = z.infer<
  typeof diagnosticsStatusNotificationRequestSchema
>;

/**
 * DiagnosticsStatusNotification.conf: empty payload.
 *
 * @example
 * ```ts
 * diagnosticsStatusNotificationResponseSchema.parse({});
 * ```
 */
export const diagnosticsStatusNotificationResponseSchema = z.strictObject({});
/**
 * Payload of DiagnosticsStatusNotification.conf (always `{}`).
 *
 * @example
 * ```ts
 * const conf: DiagnosticsStatusNotificationResponse = {};
 * ```
 */
export type DiagnosticsStatusNotificationResponse = z.infer<
  typeof diagnosticsStatusNotificationResponseSchema
>;

// ---------------------------------------------------------------------------------------------
// FirmwareStatusNotification

/**
 * OCPP `FirmwareStatus`.
 *
 * @example
 * ```ts
 * firmwareStatusSchema.parse("Downloading");
 * ```
 */
export const firmwareStatusSchema = z.enum([
  "Downloaded",
  "DownloadFailed",
  "Downloading",
  "Idle",
  "InstallationFailed",
  "Installing",
  "Installed",
]);
/**
 * Progress of a firmware update.
 *
 * @example
 * ```ts
 * const status: FirmwareStatus = "Installed";
 * ```
 */
export type FirmwareStatus = z.infer<typeof firmwareStatusSchema>;

/**
 * FirmwareStatusNotification.req (charge point → central system).
 *
 * @example
 * ```ts
 * firmwareStatusNotificationRequestSchema.parse({ status: "Installing" });
 * ```
 */
export const firmwareStatusNotificationRequestSchema = z.strictObject({
  status: firmwareStatusSchema,
});
/**
 * Payload of FirmwareStatusNotification.req.
 *
 * @example
 * ```ts
 * const req: FirmwareStatusNotificationRequest = { status: "Downloaded" };
 * ```
 */
export type FirmwareStatusNotificationRequest = z.infer<
  typeof firmwareStatusNotificationRequestSchema
>;

/**
 * FirmwareStatusNotification.conf: empty payload.
 *
 * @example
 * ```ts
 * firmwareStatusNotificationResponseSchema.parse({});
 * ```
 */
export const firmwareStatusNotificationResponseSchema = z.strictObject({});
/**
 * Payload of FirmwareStatusNotification.conf (always `{}`).
 *
 * @example
 * ```ts
 * const conf: FirmwareStatusNotificationResponse = {};
 * ```
 */
export type FirmwareStatusNotificationResponse = z.infer<
  typeof firmwareStatusNotificationResponseSchema
>;

// ---------------------------------------------------------------------------------------------
// UpdateFirmware

/**
 * UpdateFirmware.req (central system → charge point): download firmware from `location`
 * after `retrieveDate`.
 *
 * @example
 * ```ts
 * updateFirmwareRequestSchema.parse({
 *   location: "https://fw.example.com/wall-22/1.1.0.bin",
 *   retrieveDate: "2024-05-02T02:00:00Z",
 * });
 * ```
 */
export const updateFirmwareRequestSchema = z.strictObject({
  location: uriSchema,
  retries: integerSchema.optional(),
  retrieveDate: dateTimeSchema,
  retryInterval: integerSchema.optional(),
});
/**
 * Payload of UpdateFirmware.req.
 *
 * @example
 * ```ts
 * const req: UpdateFirmwareRequest = {
 *   location: "https://fw.example.com/1.1.0.bin",
 *   retrieveDate: "2024-05-02T02:00:00Z",
 *   retries: 3,
 * };
 * ```
 */
export type UpdateFirmwareRequest = z.infer<typeof updateFirmwareRequestSchema>;

/**
 * UpdateFirmware.conf: empty payload.
 *
 * @example
 * ```ts
 * updateFirmwareResponseSchema.parse({});
 * ```
 */
export const updateFirmwareResponseSchema = z.strictObject({});
/**
 * Payload of UpdateFirmware.conf (always `{}`).
 *
 * @example
 * ```ts
 * const conf: UpdateFirmwareResponse = {};
 * ```
 */
export type UpdateFirmwareResponse = z.infer<typeof updateFirmwareResponseSchema>;
