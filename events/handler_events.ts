/**
 * Events recorded for the firmware's handler calls: one event type per handler of the
 * libocpp `ChargePoint` contract, plus the two request-style calls (`authorizeIdToken`,
 * `dataTransfer`).
 *
 * @module
 */
import { z } from "../core/deps.ts";
import { errorInfoSchema, measurementSchema } from "./measurement.ts";

const connector = z.number().int().nonnegative();
const isoTime = z.iso.datetime({ offset: true });

/** A StopTransaction reason (OCPP 1.6). */
export type Reason =
  | "DeAuthorized"
  | "EmergencyStop"
  | "EVDisconnected"
  | "HardReset"
  | "Local"
  | "Other"
  | "PowerLoss"
  | "Reboot"
  | "Remote"
  | "SoftReset"
  | "UnlockCommand";

/** Reasons of OCPP 1.6 StopTransaction. */
export const STOP_REASONS: readonly Reason[] = [
  "DeAuthorized",
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
];

/** OCPP 1.6 DiagnosticsStatus values. */
export const DIAGNOSTICS_STATUSES = ["Idle", "Uploaded", "UploadFailed", "Uploading"] as const;
/** Security Whitepaper UploadLogStatusEnumType values. */
export const UPLOAD_LOG_STATUSES = [
  "BadMessage",
  "Idle",
  "NotSupportedOperation",
  "PermissionDenied",
  "Uploaded",
  "UploadFailure",
  "Uploading",
] as const;
/** OCPP 1.6 FirmwareStatus values (FirmwareStatusNotification). */
export const FIRMWARE_STATUSES = [
  "Downloaded",
  "DownloadFailed",
  "Downloading",
  "Idle",
  "InstallationFailed",
  "Installing",
  "Installed",
] as const;
/** Security Whitepaper FirmwareStatusEnumType values (SignedFirmwareStatusNotification). */
export const SIGNED_FIRMWARE_STATUSES = [
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
] as const;

/** Schemas of the handler events, keyed by event type. */
export const handlerEventSchemas = {
  MeterValuesMeasured: z.strictObject({ connector, measurement: measurementSchema }),
  MaxCurrentOfferedChanged: z.strictObject({ connector, maxCurrentA: z.number().int() }),
  MaxPowerOfferedChanged: z.strictObject({ connector, maxPowerW: z.number().int() }),
  SessionStarted: z.strictObject({
    connector,
    sessionId: z.string().min(1),
    reason: z.enum(["EVConnected", "Authorized"]),
    sessionLoggingPath: z.string().optional(),
  }),
  SessionStopped: z.strictObject({ connector, sessionId: z.string().min(1) }),
  TransactionStarted: z.strictObject({
    connector,
    sessionId: z.string().min(1),
    idToken: z.string().min(1).max(20),
    meterStartWh: z.number().finite().nonnegative(),
    reservationId: z.number().int().optional(),
    timestamp: isoTime,
    signedMeterValue: z.string().optional(),
  }),
  TransactionStopped: z.strictObject({
    connector,
    sessionId: z.string().min(1),
    reason: z.enum(STOP_REASONS as [Reason, ...Reason[]]),
    timestamp: isoTime,
    energyWhImport: z.number().finite().nonnegative(),
    idTagEnd: z.string().min(1).max(20).optional(),
    signedMeterValue: z.string().optional(),
  }),
  ChargingSuspendedByEv: z.strictObject({ connector, info: z.string().max(50).optional() }),
  ChargingSuspendedByEvse: z.strictObject({ connector, info: z.string().max(50).optional() }),
  ChargingResumed: z.strictObject({ connector }),
  ErrorRaised: z.strictObject({ connector, error: errorInfoSchema }),
  ErrorCleared: z.strictObject({ connector, uuid: z.string().min(1) }),
  AllErrorsCleared: z.strictObject({ connector }),
  LogStatusChanged: z.strictObject({ requestId: z.number().int(), status: z.string() }),
  FirmwareUpdateStatusChanged: z.strictObject({ requestId: z.number().int(), status: z.string() }),
  ReservationStarted: z.strictObject({ connector }),
  ReservationEnded: z.strictObject({ connector }),
  ConnectorEnabled: z.strictObject({ connector }),
  ConnectorDisabled: z.strictObject({ connector }),
  PluginTimedOut: z.strictObject({ connector }),
  SecurityEventOccurred: z.strictObject({
    eventType: z.string().min(1).max(50),
    techInfo: z.string().max(255).optional(),
    critical: z.boolean().optional(),
    timestamp: isoTime,
    /** true when the library raised it itself (not `onSecurityEvent`). */
    internal: z.boolean().optional(),
  }),
  /** A plugin holds the connectors for a firmware installation (or releases them). */
  FirmwareInstallHoldChanged: z.strictObject({ hold: z.boolean() }),
  AvailabilityChangeRequested: z.strictObject({
    connectorId: connector,
    type: z.enum(["Inoperative", "Operative"]),
  }),
  AuthorizeRequested: z.strictObject({ idTag: z.string().min(1).max(20) }),
  DataTransferRequested: z.strictObject({
    vendorId: z.string().min(1).max(255),
    messageId: z.string().max(50).optional(),
    data: z.string().optional(),
  }),
} as const;
