/**
 * The security events of the OCPP 1.6 Security Whitepaper and their default criticality.
 *
 * @module
 */

/**
 * Security events the whitepaper marks critical: these are sent to the central system as
 * SecurityEventNotification; the others are only written to the security log (unless the caller
 * passes `critical`).
 *
 * @example
 * ```ts
 * import { CRITICAL_SECURITY_EVENTS } from "./security_events.ts";
 * console.log(CRITICAL_SECURITY_EVENTS.has("StartupOfTheDevice")); // true
 * ```
 */
export const CRITICAL_SECURITY_EVENTS: ReadonlySet<string> = new Set([
  "FirmwareUpdated",
  "SettingSystemTime",
  "StartupOfTheDevice",
  "ResetOrReboot",
  "SecurityLogWasCleared",
  "MemoryExhaustion",
  "TamperDetectionActivated",
]);

/**
 * Every security event type named by the whitepaper (with the names libocpp uses for the
 * authentication failures, `FailedToAuthenticateAtCsms` and `CsmsFailedToAuthenticate`).
 *
 * @example
 * ```ts
 * import { SECURITY_EVENT_TYPES } from "./security_events.ts";
 * console.log(SECURITY_EVENT_TYPES.includes("InvalidMessages")); // true
 * ```
 */
export const SECURITY_EVENT_TYPES: readonly string[] = [
  "FirmwareUpdated",
  "FailedToAuthenticateAtCsms",
  "CsmsFailedToAuthenticate",
  "SettingSystemTime",
  "StartupOfTheDevice",
  "ResetOrReboot",
  "SecurityLogWasCleared",
  "ReconfigurationOfSecurityParameters",
  "MemoryExhaustion",
  "InvalidMessages",
  "AttemptedReplayAttacks",
  "TamperDetectionActivated",
  "InvalidFirmwareSignature",
  "InvalidFirmwareSigningCertificate",
  "InvalidCentralSystemCertificate",
  "InvalidCsmsCertificate",
  "InvalidChargePointCertificate",
  "InvalidChargingStationCertificate",
  "InvalidTLSVersion",
  "InvalidTLSCipherSuite",
  "CSRGenerationFailed",
  "MaintenanceLoginAccepted",
  "MaintenanceLoginFailed",
];

/**
 * Whether a security event is sent to the central system: the caller's `critical` wins, otherwise
 * the whitepaper's default.
 *
 * @example
 * ```ts
 * import { isCritical } from "./security_events.ts";
 * console.log(isCritical("InvalidMessages")); // false
 * console.log(isCritical("InvalidMessages", true)); // true
 * ```
 */
export function isCritical(eventType: string, critical?: boolean): boolean {
  return critical ?? CRITICAL_SECURITY_EVENTS.has(eventType);
}
