/**
 * Configuration keys the core reads, with their defaults. Values are OCPP strings. (The full
 * registry with types, access and validation of every OCPP 1.6 key is a separate module.)
 *
 * @module
 */

/**
 * Defaults of the keys the core reads. The constructor's `configuration` overrides them, and
 * values changed later (and recorded in the log) override both.
 *
 * @example
 * ```ts
 * import { DEFAULT_CONFIGURATION } from "./configuration.ts";
 * console.log(DEFAULT_CONFIGURATION.HeartbeatInterval); // "300"
 * ```
 */
export const DEFAULT_CONFIGURATION: Readonly<Record<string, string>> = {
  HeartbeatInterval: "300",
  MeterValueSampleInterval: "60",
  MeterValuesSampledData: "Energy.Active.Import.Register",
  ClockAlignedDataInterval: "0",
  MeterValuesAlignedData: "Energy.Active.Import.Register",
  StopTxnSampledData: "",
  StopTxnAlignedData: "",
  ConnectionTimeOut: "60",
  TransactionMessageAttempts: "3",
  TransactionMessageRetryInterval: "60",
  StopTransactionOnInvalidId: "true",
  StopTransactionOnEVSideDisconnect: "true",
  UnlockConnectorOnEVSideDisconnect: "true",
  LocalAuthorizeOffline: "true",
  LocalPreAuthorize: "false",
  AllowOfflineTxForUnknownId: "false",
  AuthorizeRemoteTxRequests: "false",
  WebSocketPingInterval: "0",
  RetryBackoffWaitMinimum: "3",
  RetryBackoffRandomRange: "10",
  RetryBackoffRepeatTimes: "3",
  DisableSecurityEventNotifications: "false",
  MinimumStatusDuration: "0",
};

/** Keys whose values are secrets: never written to the event log, GetConfiguration or logs. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(["AuthorizationKey"]);

/**
 * Reads an integer key; returns `fallback` when the value is missing or not a non-negative integer.
 *
 * @example
 * ```ts
 * import { intKey } from "./configuration.ts";
 * console.log(intKey({ HeartbeatInterval: "60" }, "HeartbeatInterval", 300)); // 60
 * ```
 */
export function intKey(
  config: Readonly<Record<string, string>>,
  key: string,
  fallback: number,
): number {
  const raw = config[key];
  if (raw === undefined || !/^\s*\d+\s*$/.test(raw)) return fallback;
  return Number.parseInt(raw, 10);
}

/**
 * Reads a boolean key (`"true"`/`"false"`, any case); returns `fallback` otherwise.
 *
 * @example
 * ```ts
 * import { boolKey } from "./configuration.ts";
 * console.log(boolKey({ LocalPreAuthorize: "TRUE" }, "LocalPreAuthorize", false)); // true
 * ```
 */
export function boolKey(
  config: Readonly<Record<string, string>>,
  key: string,
  fallback: boolean,
): boolean {
  const raw = config[key]?.trim().toLowerCase();
  if (raw === "true") return true;
  if (raw === "false") return false;
  return fallback;
}
