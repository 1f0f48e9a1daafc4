/**
 * The security events of the OCPP 1.6 Security Whitepaper and their default criticality.
 *
 * The library raises the events under the whitepaper's names (edition 2/3, "Security events"
 * table): `FailedToAuthenticateAtCentralSystem`, `CentralSystemFailedToAuthenticate`,
 * `InvalidCentralSystemCertificate`, `InvalidChargePointCertificate`. `onSecurityEvent` accepts
 * any name, including libocpp's (OCPP 2.0.1) spellings `FailedToAuthenticateAtCsms`,
 * `CsmsFailedToAuthenticate`, `InvalidCsmsCertificate` and `InvalidChargingStationCertificate`,
 * which are listed in {@linkcode SECURITY_EVENT_TYPES} too. Criticality follows the whitepaper
 * (libocpp forces every event it raises itself to critical).
 *
 * | event raised by the library             | when                                                        |
 * | --------------------------------------- | ----------------------------------------------------------- |
 * | StartupOfTheDevice                      | every `start()` (`ChargePointStarted`), as libocpp's start() |
 * | FailedToAuthenticateAtCentralSystem     | HTTP 401 on upgrade; a TLS alert refusing our certificate   |
 * | InvalidCentralSystemCertificate         | the CSMS certificate does not verify; InstallCertificate of an invalid CSMS root |
 * | InvalidTLSVersion / InvalidTLSCipherSuite | TLS alert ProtocolVersion / HandshakeFailure, InsufficientSecurity |
 * | InvalidMessages                         | a frame that is not valid OCPP-J, a CALL or CALLRESULT payload failing its schema |
 * | AttemptedReplayAttacks                  | a second answer to a CALL that was sent once and already answered |
 * | MemoryExhaustion                        | the outbox drops messages at MessageQueueSizeThreshold; the event store is full |
 * | InvalidChargePointCertificate, CSRGenerationFailed, ReconfigurationOfSecurityParameters, SettingSystemTime, ResetOrReboot, FirmwareUpdated, InvalidFirmwareSignature, InvalidFirmwareSigningCertificate | by the requests and handlers they belong to |
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
 * Every security event type named by the whitepaper, then the spellings libocpp (OCPP 2.0.1)
 * uses for four of them (accepted from `onSecurityEvent`, never raised by the library).
 *
 * @example
 * ```ts
 * import { SECURITY_EVENT_TYPES } from "./security_events.ts";
 * console.log(SECURITY_EVENT_TYPES.includes("InvalidMessages")); // true
 * ```
 */
export const SECURITY_EVENT_TYPES: readonly string[] = [
  "FirmwareUpdated",
  "FailedToAuthenticateAtCentralSystem",
  "CentralSystemFailedToAuthenticate",
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
  "InvalidChargePointCertificate",
  "InvalidTLSVersion",
  "InvalidTLSCipherSuite",
  "CSRGenerationFailed",
  "MaintenanceLoginAccepted",
  "MaintenanceLoginFailed",
  // libocpp's spellings
  "FailedToAuthenticateAtCsms",
  "CsmsFailedToAuthenticate",
  "InvalidCsmsCertificate",
  "InvalidChargingStationCertificate",
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
