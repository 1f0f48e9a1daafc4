/**
 * The registry of configuration keys: every standard key of OCPP 1.6 edition 2 §9 (profiles Core,
 * LocalAuthListManagement, Reservation, SmartCharging, FirmwareManagement; RemoteTrigger has
 * none), the keys of the OCPP 1.6 Security Whitepaper, and the implementation keys this library
 * reads. Each key has its type, unit, access, whether a change needs a reboot, its validation,
 * its default and a description. `CONFIGURATION.md` is generated from it (`deno task docs`).
 *
 * Rules the registry encodes (decisions, see also `CONFIGURATION.md`):
 *
 * - **Names are case-insensitive** (as libocpp compares them); the registry spelling is the one
 *   reported. `WebsocketPingInterval` (libocpp ≤ 0.24) is therefore the same key as the spec's
 *   `WebSocketPingInterval`.
 * - **A key exists for the central system** when its profile is supported (Core, Security and
 *   Implementation keys always; the others when their profile is in the effective
 *   `SupportedFeatureProfiles`) and it is required or has a value. An optional key without a
 *   value is absent: the spec gives such keys meaning by their presence ("if this key exists, the
 *   Charge Point supports …"), so the firmware announces e.g. `LightIntensity` by configuring it.
 * - **SupportedFeatureProfiles** is what the charge point implements
 *   ({@linkcode effectiveFeatureProfiles}, decided at each start): Core, LocalAuthListManagement,
 *   Reservation and RemoteTrigger (the library implements them), FirmwareManagement when the
 *   firmware or a plugin provides `updateFirmware` or `uploadDiagnostics`. SmartCharging is not
 *   implemented, so it is never listed and its keys are unknown. A configured list can only leave
 *   profiles out; a profile it names that the charge point cannot serve is dropped with a warning.
 * - **Values are normalised** when a change is accepted: integers without leading zeros or
 *   signs, booleans in lower case, list items trimmed and joined with `,`.
 * - **AuthorizationKey** (write-only, secret): whitepaper A00.FR.205, "minimal 16 bytes ...
 *   hexadecimal represented (20 bytes maximum, represented as a string of up to 40 hexadecimal
 *   digits)". Accepted: 16 to 40 characters. 32 to 40 hexadecimal digits (an even number) are the
 *   hexadecimal representation of a 16..20-byte password, which is what goes into the Basic
 *   header (as the OCPP test tool expects); any other value is taken as the password text itself
 *   (central systems that send text, as libocpp accepts). The validation depends only on the
 *   length, and the interpretation on the positions of the hex digits: both are what the log
 *   mask of `secrets.ts` keeps.
 *
 * @module
 */
import { validateMeasurandKey } from "./meter_values.ts";

/**
 * The group a key belongs to: an OCPP 1.6 feature profile, the Security Whitepaper, or ours.
 *
 * @example
 * ```ts
 * import type { ConfigurationProfile } from "./configuration_keys.ts";
 * const profile: ConfigurationProfile = "LocalAuthListManagement";
 * ```
 */
export type ConfigurationProfile =
  | "Core"
  | "LocalAuthListManagement"
  | "Reservation"
  | "SmartCharging"
  | "FirmwareManagement"
  | "RemoteTrigger"
  | "Security"
  | "Implementation";

/**
 * Who may read and write a key through GetConfiguration / ChangeConfiguration.
 *
 * @example
 * ```ts
 * import type { ConfigurationAccess } from "./configuration_keys.ts";
 * const access: ConfigurationAccess = "WriteOnly";
 * ```
 */
export type ConfigurationAccess = "ReadOnly" | "ReadWrite" | "WriteOnly";

/**
 * Type of a value: `integer` (decimal digits), `boolean` (`true`/`false`), `string`,
 * `measurandList` (comma-separated measurands) or `stringList` (comma-separated items).
 *
 * @example
 * ```ts
 * import type { ConfigurationType } from "./configuration_keys.ts";
 * const type: ConfigurationType = "measurandList";
 * ```
 */
export type ConfigurationType = "integer" | "boolean" | "string" | "measurandList" | "stringList";

/**
 * Context of a validation: what some keys are checked against.
 *
 * @example
 * ```ts
 * import type { ValidationContext } from "./configuration_keys.ts";
 * const context: ValidationContext = { connectors: 2, config: { SecurityProfile: "1" } };
 * ```
 */
export interface ValidationContext {
  /** Number of connectors (ids 1..n). */
  readonly connectors: number;
  /** The effective configuration. */
  readonly config: Readonly<Record<string, string>>;
  /** Values accepted but waiting for a restart (`RebootRequired`). */
  readonly pending?: Readonly<Record<string, string>>;
}

/**
 * Result of a validation: the normalised value, or why it is refused.
 *
 * @example
 * ```ts
 * import type { ValueCheck } from "./configuration_keys.ts";
 * const check: ValueCheck = { ok: false, reason: "must be true or false" };
 * ```
 */
export type ValueCheck =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly reason: string };

/**
 * One configuration key of the registry.
 *
 * @example
 * ```ts
 * import type { ConfigurationKeyDefinition } from "./configuration_keys.ts";
 * const key: ConfigurationKeyDefinition = {
 *   name: "VendorLedColour", profile: "Implementation", type: "string", access: "ReadWrite",
 *   required: false, rebootRequired: false, secret: false, allowed: ["red", "green"],
 *   description: "Colour of the status LED.",
 * };
 * ```
 */
export interface ConfigurationKeyDefinition {
  /** The key name as the spec spells it. */
  readonly name: string;
  /** Profile, whitepaper or implementation. */
  readonly profile: ConfigurationProfile;
  /** Type of the value. */
  readonly type: ConfigurationType;
  /** Unit of an integer value (`seconds`, `times`, `%`, `Wh`, `items`, `characters`). */
  readonly unit?: string;
  /** Access through OCPP. */
  readonly access: ConfigurationAccess;
  /** Required by the spec when the profile is supported (optional keys may be absent). */
  readonly required: boolean;
  /** A change is answered `RebootRequired` and takes effect at the next start. */
  readonly rebootRequired: boolean;
  /** A secret: never written to the log, never reported, never passed to callbacks or notes. */
  readonly secret: boolean;
  /** Default value; absent for optional keys the library does not announce by itself. */
  readonly default?: string;
  /** The value is not configured but derived (`connectors`: the number of connectors). */
  readonly derived?: "connectors";
  /** Smallest integer value. */
  readonly min?: number;
  /** Largest integer value. */
  readonly max?: number;
  /** Allowed items of a `stringList`, or allowed values of a `string`. */
  readonly allowed?: readonly string[];
  /** Human-readable constraint for the docs (beyond type, range and allowed items). */
  readonly constraint?: string;
  /** Extra check of the normalised value; returns why it is refused. */
  readonly check?: (value: string, context: ValidationContext) => string | undefined;
  /** What the key does, in one or two sentences. */
  readonly description: string;
}

/**
 * The feature profiles this version of the library implements by itself: the value of
 * SupportedFeatureProfiles when the firmware provides no firmware management callback (see
 * {@linkcode effectiveFeatureProfiles}).
 *
 * @example
 * ```ts
 * import { SUPPORTED_FEATURE_PROFILES } from "./configuration_keys.ts";
 * console.log(SUPPORTED_FEATURE_PROFILES.split(",").includes("SmartCharging")); // false
 * ```
 */
export const SUPPORTED_FEATURE_PROFILES = "Core,LocalAuthListManagement,Reservation,RemoteTrigger";

/**
 * Feature profiles OCPP 1.6 defines (allowed items of SupportedFeatureProfiles).
 *
 * @example
 * ```ts
 * import { FEATURE_PROFILES } from "./configuration_keys.ts";
 * console.log(FEATURE_PROFILES.length); // 6
 * ```
 */
export const FEATURE_PROFILES: readonly string[] = [
  "Core",
  "FirmwareManagement",
  "LocalAuthListManagement",
  "Reservation",
  "SmartCharging",
  "RemoteTrigger",
];

/**
 * Largest integer accepted for any key (a signed 32-bit integer, as OCPP integers are).
 *
 * @example
 * ```ts
 * import { MAX_INTEGER } from "./configuration_keys.ts";
 * console.log(MAX_INTEGER === 2 ** 31 - 1); // true
 * ```
 */
export const MAX_INTEGER = 2_147_483_647;

const PHASE_ROTATIONS = ["NotApplicable", "Unknown", "RST", "RTS", "SRT", "STR", "TRS", "TSR"];

function phaseRotation(value: string, context: ValidationContext): string | undefined {
  const seen = new Set<number>();
  for (const item of value === "" ? [] : value.split(",")) {
    const match = /^(\d+)\.(\w+)$/.exec(item);
    if (match === null || !PHASE_ROTATIONS.includes(match[2])) {
      return `item ${JSON.stringify(item)} is not <connector>.<${PHASE_ROTATIONS.join("|")}>`;
    }
    const connector = Number(match[1]);
    if (connector > context.connectors) {
      return `connector ${connector} does not exist (0..${context.connectors})`;
    }
    if (seen.has(connector)) return `connector ${connector} is listed twice`;
    seen.add(connector);
  }
  return undefined;
}

function noDowngrade(value: string, context: ValidationContext): string | undefined {
  const current = context.pending?.SecurityProfile ?? context.config.SecurityProfile ?? "0";
  const from = Number.parseInt(current, 10);
  if (Number.isInteger(from) && Number(value) < from) {
    return `the security profile cannot be lowered (current ${from})`;
  }
  return undefined;
}

function includesCore(value: string): string | undefined {
  return value.split(",").includes("Core") ? undefined : "Core must be listed";
}

/** Defaults shared by the key definitions below. */
const RW = { access: "ReadWrite", rebootRequired: false, secret: false } as const;
const RO = { access: "ReadOnly", rebootRequired: false, secret: false } as const;
const INT = { type: "integer", min: 0, max: MAX_INTEGER } as const;
const BOOL = { type: "boolean" } as const;

/**
 * Every configuration key the library knows, in the order GetConfiguration reports them.
 *
 * @example
 * ```ts
 * import { CONFIGURATION_KEYS } from "./configuration_keys.ts";
 * const heartbeat = CONFIGURATION_KEYS.find((k) => k.name === "HeartbeatInterval");
 * console.log(heartbeat?.unit, heartbeat?.default); // "seconds" "300"
 * ```
 */
export const CONFIGURATION_KEYS: readonly ConfigurationKeyDefinition[] = [
  // ---- Core (OCPP 1.6 §9.1) ------------------------------------------------------------------
  {
    name: "AllowOfflineTxForUnknownId",
    profile: "Core",
    ...BOOL,
    ...RW,
    required: false,
    default: "false",
    description:
      "Offline, an idTag that is neither in the local list nor in the cache is accepted (`authorizeIdToken` answers Accepted).",
  },
  {
    name: "AuthorizationCacheEnabled",
    profile: "Core",
    ...BOOL,
    ...RW,
    required: false,
    default: "false",
    description:
      "The authorization cache is used. The key exists because the library has a cache; ClearCache is Rejected while it is false.",
  },
  {
    name: "AuthorizeRemoteTxRequests",
    profile: "Core",
    ...BOOL,
    ...RW,
    required: true,
    default: "false",
    description:
      "A RemoteStartTransaction idTag is authorized like a local one before the transaction starts (`provideToken` gets prevalidated = false).",
  },
  {
    name: "BlinkRepeat",
    profile: "Core",
    ...INT,
    unit: "times",
    ...RW,
    required: false,
    description:
      "How often the charge point blinks its lights at the end of a session. Firmware with lights announces the key by configuring it.",
  },
  {
    name: "ClockAlignedDataInterval",
    profile: "Core",
    ...INT,
    max: 86_400,
    unit: "seconds",
    ...RW,
    required: true,
    default: "0",
    description:
      "Length of the clock-aligned metering intervals, counted from midnight UTC; 0 = no clock-aligned MeterValues.",
  },
  {
    name: "ConnectionTimeOut",
    profile: "Core",
    ...INT,
    unit: "seconds",
    ...RW,
    required: true,
    default: "60",
    description:
      "Time from Preparing until the session is abandoned when no transaction starts; a change calls `setConnectionTimeout`.",
  },
  {
    name: "ConnectorPhaseRotation",
    profile: "Core",
    type: "stringList",
    ...RW,
    required: true,
    default: "0.Unknown",
    constraint:
      "items `<connector>.<RST|RTS|SRT|STR|TRS|TSR|NotApplicable|Unknown>`, connector 0..n",
    check: phaseRotation,
    description:
      "Phase rotation of each connector relative to its meter (0 = the grid connection). Stored for the central system.",
  },
  {
    name: "ConnectorPhaseRotationMaxLength",
    profile: "Core",
    ...INT,
    unit: "items",
    ...RO,
    required: false,
    description: "Maximum number of items in ConnectorPhaseRotation.",
  },
  {
    name: "GetConfigurationMaxKeys",
    profile: "Core",
    ...INT,
    min: 1,
    unit: "keys",
    ...RO,
    required: true,
    default: "100",
    description:
      "Maximum number of keys a GetConfiguration may ask for; more are answered with the CALLERROR OccurenceConstraintViolation.",
  },
  {
    name: "HeartbeatInterval",
    profile: "Core",
    ...INT,
    unit: "seconds",
    ...RW,
    required: true,
    default: "300",
    description:
      "Interval between Heartbeats; 0 = none. Also set by the BootNotification answer. A change re-arms the heartbeat from now.",
  },
  {
    name: "LightIntensity",
    profile: "Core",
    ...INT,
    max: 100,
    unit: "%",
    ...RW,
    required: false,
    description:
      "Intensity of the charge point's lights. Firmware with dimmable lights announces the key by configuring it.",
  },
  {
    name: "LocalAuthorizeOffline",
    profile: "Core",
    ...BOOL,
    ...RW,
    required: true,
    default: "true",
    description: "Offline, idTags are authorized from the local list and the cache.",
  },
  {
    name: "LocalPreAuthorize",
    profile: "Core",
    ...BOOL,
    ...RW,
    required: true,
    default: "false",
    description:
      "Online, an idTag found valid in the local list or the cache starts a transaction without waiting for Authorize.",
  },
  {
    name: "MaxEnergyOnInvalidId",
    profile: "Core",
    ...INT,
    unit: "Wh",
    ...RW,
    required: false,
    description:
      "Energy in Wh (counted from the transaction start) still delivered when a StartTransaction answer finds the idTag not valid and StopTransactionOnInvalidId is false; then `pauseCharging` is called. Absent: paused at once.",
  },
  {
    name: "MeterValuesAlignedData",
    profile: "Core",
    type: "measurandList",
    ...RW,
    required: true,
    default: "Energy.Active.Import.Register",
    description: "Measurands of the clock-aligned MeterValues.",
  },
  {
    name: "MeterValuesAlignedDataMaxLength",
    profile: "Core",
    ...INT,
    unit: "items",
    ...RO,
    required: false,
    description: "Maximum number of items in MeterValuesAlignedData.",
  },
  {
    name: "MeterValuesSampledData",
    profile: "Core",
    type: "measurandList",
    ...RW,
    required: true,
    default: "Energy.Active.Import.Register",
    description: "Measurands of the periodic MeterValues of a transaction (and of TriggerMessage).",
  },
  {
    name: "MeterValuesSampledDataMaxLength",
    profile: "Core",
    ...INT,
    unit: "items",
    ...RO,
    required: false,
    description: "Maximum number of items in MeterValuesSampledData.",
  },
  {
    name: "MeterValueSampleInterval",
    profile: "Core",
    ...INT,
    unit: "seconds",
    ...RW,
    required: true,
    default: "60",
    description:
      "Interval between periodic MeterValues of a transaction; 0 = none. A change re-arms the sampling of running transactions.",
  },
  {
    name: "MinimumStatusDuration",
    profile: "Core",
    ...INT,
    unit: "seconds",
    ...RW,
    required: false,
    default: "0",
    description:
      "How long a status must last before a StatusNotification reports it (with the time it began); a newer status restarts the wait, so of a quicker sequence only the last status is reported. Triggered StatusNotifications are not delayed. 0 = at once.",
  },
  {
    name: "NumberOfConnectors",
    profile: "Core",
    ...INT,
    unit: "connectors",
    ...RO,
    required: true,
    derived: "connectors",
    description: "Number of connectors (the `connectors` option), connector 0 not counted.",
  },
  {
    name: "ResetRetries",
    profile: "Core",
    ...INT,
    unit: "times",
    ...RW,
    required: true,
    default: "1",
    description:
      "How often the firmware retries a reset that did not succeed. Stored for the firmware.",
  },
  {
    name: "StopTransactionOnEVSideDisconnect",
    profile: "Core",
    ...BOOL,
    ...RW,
    required: true,
    default: "true",
    description:
      "Unplugging the cable on the EV side stops the transaction (the firmware decides and reports it).",
  },
  {
    name: "StopTransactionOnInvalidId",
    profile: "Core",
    ...BOOL,
    ...RW,
    required: true,
    default: "true",
    description:
      "A StartTransaction answered with an idTag status other than Accepted stops the transaction (else charging is paused).",
  },
  {
    name: "StopTxnAlignedData",
    profile: "Core",
    type: "measurandList",
    ...RW,
    required: true,
    default: "",
    description: "Clock-aligned measurands put into StopTransaction's transactionData.",
  },
  {
    name: "StopTxnAlignedDataMaxLength",
    profile: "Core",
    ...INT,
    unit: "items",
    ...RO,
    required: false,
    description: "Maximum number of items in StopTxnAlignedData.",
  },
  {
    name: "StopTxnSampledData",
    profile: "Core",
    type: "measurandList",
    ...RW,
    required: true,
    default: "",
    description: "Sampled measurands put into StopTransaction's transactionData.",
  },
  {
    name: "StopTxnSampledDataMaxLength",
    profile: "Core",
    ...INT,
    unit: "items",
    ...RO,
    required: false,
    description: "Maximum number of items in StopTxnSampledData.",
  },
  {
    name: "SupportedFeatureProfiles",
    profile: "Core",
    type: "stringList",
    ...RO,
    required: true,
    default: SUPPORTED_FEATURE_PROFILES,
    allowed: FEATURE_PROFILES,
    check: includesCore,
    constraint: "must contain Core",
    description:
      "Feature profiles the charge point implements, decided at each start: Core, LocalAuthListManagement, Reservation, RemoteTrigger, and FirmwareManagement when `updateFirmware` or `uploadDiagnostics` is provided (firmware or plugin); SmartCharging is not implemented. A configured list can only leave profiles out (others are dropped with a warning). Requests of a profile left out are answered with the CALLERROR NotSupported (SendLocalList, GetLocalListVersion and ReserveNow answer NotSupported, -1 and Rejected). Keys of profiles not listed are unknown.",
  },
  {
    name: "SupportedFeatureProfilesMaxLength",
    profile: "Core",
    ...INT,
    unit: "items",
    ...RO,
    required: false,
    description: "Maximum number of items in SupportedFeatureProfiles.",
  },
  {
    name: "TransactionMessageAttempts",
    profile: "Core",
    ...INT,
    unit: "times",
    ...RW,
    required: true,
    default: "3",
    description:
      "How often a transaction-related message (MeterValues, SecurityEventNotification) is sent before it is dropped. StartTransaction and StopTransaction are never dropped: after this many sends they are retried at least 60 s and at most 1 h apart.",
  },
  {
    name: "TransactionMessageRetryInterval",
    profile: "Core",
    ...INT,
    unit: "seconds",
    ...RW,
    required: true,
    default: "60",
    description:
      "Wait before resending a failed transaction message, multiplied by the number of attempts so far.",
  },
  {
    name: "UnlockConnectorOnEVSideDisconnect",
    profile: "Core",
    ...BOOL,
    ...RW,
    required: true,
    default: "true",
    description:
      "The connector is unlocked (`unlockConnector`) when a transaction stops because the EV side was unplugged.",
  },
  {
    name: "WebSocketPingInterval",
    profile: "Core",
    ...INT,
    unit: "seconds",
    ...RW,
    required: false,
    default: "0",
    description:
      "Interval between WebSocket pings; 0 = none. A pong must arrive before the next ping. A change re-arms the ping from now.",
  },
  // ---- LocalAuthListManagement (§9.2) ----------------------------------------------------------
  {
    name: "LocalAuthListEnabled",
    profile: "LocalAuthListManagement",
    ...BOOL,
    ...RW,
    required: true,
    default: "true",
    description: "The Local Authorization List is used.",
  },
  {
    name: "LocalAuthListMaxLength",
    profile: "LocalAuthListManagement",
    ...INT,
    unit: "items",
    ...RO,
    required: true,
    default: "1000",
    description: "Maximum number of idTags in the Local Authorization List.",
  },
  {
    name: "SendLocalListMaxLength",
    profile: "LocalAuthListManagement",
    ...INT,
    unit: "items",
    ...RO,
    required: true,
    default: "100",
    description: "Maximum number of idTags in one SendLocalList.",
  },
  // ---- Reservation (§9.3) ------------------------------------------------------------------------
  {
    name: "ReserveConnectorZeroSupported",
    profile: "Reservation",
    ...BOOL,
    ...RO,
    required: false,
    default: "false",
    description: "ReserveNow may reserve connector 0 (any connector of the charge point).",
  },
  // ---- SmartCharging (§9.4): not implemented, hidden unless the profile is listed ----------------
  {
    name: "ChargeProfileMaxStackLevel",
    profile: "SmartCharging",
    ...INT,
    ...RO,
    required: true,
    default: "10",
    description: "Largest stackLevel of a charging profile.",
  },
  {
    name: "ChargingScheduleAllowedChargingRateUnit",
    profile: "SmartCharging",
    type: "stringList",
    ...RO,
    required: true,
    default: "Current,Power",
    allowed: ["Current", "Power"],
    description: "Units a charging schedule may use.",
  },
  {
    name: "ChargingScheduleMaxPeriods",
    profile: "SmartCharging",
    ...INT,
    unit: "items",
    ...RO,
    required: true,
    default: "1440",
    description: "Maximum number of periods of a charging schedule.",
  },
  {
    name: "ConnectorSwitch3to1PhaseSupported",
    profile: "SmartCharging",
    ...BOOL,
    ...RO,
    required: false,
    default: "false",
    description: "The charge point can switch from 3 to 1 phase during a transaction.",
  },
  {
    name: "MaxChargingProfilesInstalled",
    profile: "SmartCharging",
    ...INT,
    unit: "items",
    ...RO,
    required: true,
    default: "500",
    description: "Maximum number of installed charging profiles.",
  },
  // ---- FirmwareManagement (§9.5): hidden unless the profile is listed ---------------------------
  {
    name: "SupportedFileTransferProtocols",
    profile: "FirmwareManagement",
    type: "stringList",
    ...RO,
    required: false,
    allowed: ["FTP", "FTPS", "HTTP", "HTTPS", "SFTP"],
    description:
      "Protocols for GetDiagnostics/UpdateFirmware transfers; set by the firmware (or plugin) that transfers files.",
  },
  // ---- Security Whitepaper ----------------------------------------------------------------------
  {
    name: "AdditionalRootCertificateCheck",
    profile: "Security",
    ...BOOL,
    ...RO,
    required: false,
    description:
      "Only one CentralSystemRootCertificate (plus a fallback) may be installed, and a new one must be signed by the old. Announced by firmware with certificate management.",
  },
  {
    name: "AuthorizationKey",
    profile: "Security",
    type: "string",
    unit: "characters",
    access: "WriteOnly",
    rebootRequired: false,
    secret: true,
    required: true,
    min: 16,
    max: 40,
    constraint:
      "16 to 40 characters: 32 to 40 hexadecimal digits (an even number) encode a 16..20-byte password, other text is the password itself",
    description:
      "Password of HTTP Basic authentication (security profiles 1 and 2). Accepted changes reconnect under profiles 1 and 2 and raise ReconfigurationOfSecurityParameters. Never reported, logged or passed to callbacks.",
  },
  {
    name: "CertificateSignedMaxChainSize",
    profile: "Security",
    ...INT,
    max: 10_000,
    unit: "characters",
    ...RO,
    required: false,
    description: "Maximum size of the certificateChain of CertificateSigned.",
  },
  {
    name: "CertificateStoreMaxLength",
    profile: "Security",
    ...INT,
    unit: "items",
    ...RO,
    required: false,
    description: "Maximum number of root certificates that can be installed.",
  },
  {
    name: "CpoName",
    profile: "Security",
    type: "string",
    ...RW,
    required: false,
    description:
      "Name of the charge point operator, put into certificate signing requests. Announced by firmware with certificate management.",
  },
  {
    name: "SecurityProfile",
    profile: "Security",
    ...INT,
    max: 3,
    access: "ReadWrite",
    rebootRequired: false,
    secret: false,
    required: true,
    default: "0",
    check: noDowngrade,
    constraint:
      "higher than the current profile, prerequisites met (AuthorizationKey for 1/2, CentralSystemRootCertificate for 2/3, charge point certificate for 3)",
    description:
      "Security profile of the connection (0 none, 1 Basic auth over ws://, 2 TLS + Basic auth, 3 TLS client certificate). A raise is Accepted when its prerequisites are met: the charge point reconnects with the new profile, which takes effect (and is kept) when that connection opens; if it fails, the previous profile is used again.",
  },
  // ---- Implementation keys (not in the spec) -------------------------------------------------
  {
    name: "DisableSecurityEventNotifications",
    profile: "Implementation",
    ...BOOL,
    ...RW,
    required: true,
    default: "false",
    description:
      "SecurityEventNotifications are not sent to the central system (security events are still logged).",
  },
  {
    name: "MessageQueueFlushRate",
    profile: "Implementation",
    ...INT,
    unit: "messages/s",
    ...RW,
    required: true,
    default: "10",
    description:
      "At most this many transaction-related messages of the backlog queued while offline are sent per second once the connection is back (0 = no limit); messages that happen later are not paced.",
  },
  {
    name: "MessageQueueSizeThreshold",
    profile: "Implementation",
    ...INT,
    min: 1,
    unit: "messages",
    ...RW,
    required: true,
    default: "10000",
    description:
      "Most messages kept in the outbox. When full, every second periodic MeterValues of each transaction is dropped, then the oldest SecurityEventNotification; StartTransaction and StopTransaction never. The first drop raises the MemoryExhaustion security event.",
  },
  {
    name: "RetryBackoffRandomRange",
    profile: "Implementation",
    ...INT,
    unit: "seconds",
    ...RW,
    required: true,
    default: "10",
    description: "Largest random delay added to each reconnection wait.",
  },
  {
    name: "RetryBackoffRepeatTimes",
    profile: "Implementation",
    ...INT,
    unit: "times",
    ...RW,
    required: true,
    default: "3",
    description: "How often the reconnection wait is doubled.",
  },
  {
    name: "RetryBackoffWaitMinimum",
    profile: "Implementation",
    ...INT,
    unit: "seconds",
    ...RW,
    required: true,
    default: "3",
    description: "Reconnection wait after the first failed attempt (before doubling).",
  },
  {
    name: "WaitForStopTransactionsOnResetTimeout",
    profile: "Implementation",
    ...INT,
    unit: "seconds",
    ...RW,
    required: true,
    default: "60",
    description:
      "How long an accepted Reset waits for the StopTransactions of running transactions to be delivered.",
  },
];

const BY_LOWER_NAME: ReadonlyMap<string, ConfigurationKeyDefinition> = new Map(
  CONFIGURATION_KEYS.map((k) => [k.name.toLowerCase(), k]),
);

/**
 * The definition of key `name`, compared case-insensitively; `undefined` for an unknown key.
 *
 * @example
 * ```ts
 * import { findConfigurationKey } from "./configuration_keys.ts";
 * console.log(findConfigurationKey("websocketpinginterval")?.name); // "WebSocketPingInterval"
 * console.log(findConfigurationKey("Foo")); // undefined
 * ```
 */
export function findConfigurationKey(name: string): ConfigurationKeyDefinition | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}

/**
 * Whether `name` is a secret key (compared case-insensitively, surrounding spaces ignored).
 *
 * @example
 * ```ts
 * import { isSecretKey } from "./configuration_keys.ts";
 * console.log(isSecretKey("authorizationkey"), isSecretKey("HeartbeatInterval")); // true false
 * ```
 */
export function isSecretKey(name: string): boolean {
  return findConfigurationKey(name.trim())?.secret === true;
}

/**
 * The configuration with every registry key spelled as the registry spells it (other keys are
 * kept as given). Used on the constructor's configuration, so `heartbeatinterval` or
 * `WebsocketPingInterval` reach the core as `HeartbeatInterval` and `WebSocketPingInterval`.
 *
 * @example
 * ```ts
 * import { canonicalConfiguration } from "./configuration_keys.ts";
 * console.log(canonicalConfiguration({ WebsocketPingInterval: "30", Vendor: "x" }));
 * // { WebSocketPingInterval: "30", Vendor: "x" }
 * ```
 */
export function canonicalConfiguration(
  config: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    out[findConfigurationKey(key)?.name ?? key] = value;
  }
  return out;
}

/**
 * Whether `profile` is listed in the `SupportedFeatureProfiles` of `config` (compared
 * case-insensitively; without the key, the library's own {@linkcode SUPPORTED_FEATURE_PROFILES}).
 *
 * @example
 * ```ts
 * import { featureProfileListed } from "./configuration_keys.ts";
 * console.log(featureProfileListed({ SupportedFeatureProfiles: "Core, reservation" }, "Reservation")); // true
 * console.log(featureProfileListed({}, "SmartCharging")); // false
 * ```
 */
export function featureProfileListed(
  config: Readonly<Record<string, string>>,
  profile: string,
): boolean {
  const profiles = config.SupportedFeatureProfiles ?? SUPPORTED_FEATURE_PROFILES;
  const wanted = profile.toLowerCase();
  return profiles.split(",").some((p) => p.trim().toLowerCase() === wanted);
}

/** Callbacks that implement the FirmwareManagement profile (GetDiagnostics, UpdateFirmware). */
const FIRMWARE_MANAGEMENT_CALLBACKS: readonly string[] = ["updateFirmware", "uploadDiagnostics"];

/**
 * The SupportedFeatureProfiles in effect, decided at each start from what the charge point can
 * serve: Core, LocalAuthListManagement, Reservation and RemoteTrigger always (the library
 * implements them), FirmwareManagement when `callbacks` (the firmware's and the plugins') include
 * `updateFirmware` or `uploadDiagnostics`, SmartCharging never (not implemented). `configured`
 * (the constructor's value, if any) can only leave profiles out: the profiles it names that cannot
 * be served, or that OCPP 1.6 does not define, are `dropped`; Core is always listed. The value
 * lists the profiles in the order of the spec.
 *
 * @example
 * ```ts
 * import { effectiveFeatureProfiles } from "./configuration_keys.ts";
 * console.log(effectiveFeatureProfiles(undefined, ["updateFirmware"]).value);
 * // "Core,FirmwareManagement,LocalAuthListManagement,Reservation,RemoteTrigger"
 * console.log(effectiveFeatureProfiles("Core,SmartCharging,Reservation", []));
 * // { value: "Core,Reservation", dropped: ["SmartCharging"] }
 * ```
 */
export function effectiveFeatureProfiles(
  configured: string | undefined,
  callbacks: readonly string[],
): { readonly value: string; readonly dropped: readonly string[] } {
  const firmware = callbacks.some((c) => FIRMWARE_MANAGEMENT_CALLBACKS.includes(c));
  const served = FEATURE_PROFILES.filter((p) =>
    p === "FirmwareManagement" ? firmware : p !== "SmartCharging"
  );
  if (configured === undefined) return { value: served.join(","), dropped: [] };
  const wanted = new Set(["Core"]);
  const dropped: string[] = [];
  for (const item of splitList(configured)) {
    const profile = served.find((p) => p.toLowerCase() === item.toLowerCase());
    if (profile !== undefined) wanted.add(profile);
    else if (item !== "") dropped.push(item);
  }
  return { value: served.filter((p) => wanted.has(p)).join(","), dropped };
}

/**
 * Whether the profile of `key` is supported by the effective configuration: Core, Security and
 * Implementation keys always, the others when their profile is listed in SupportedFeatureProfiles.
 *
 * @example
 * ```ts
 * import { findConfigurationKey, profileSupported } from "./configuration_keys.ts";
 * const key = findConfigurationKey("ChargeProfileMaxStackLevel")!;
 * console.log(profileSupported(key, { SupportedFeatureProfiles: "Core" })); // false
 * ```
 */
export function profileSupported(
  key: ConfigurationKeyDefinition,
  config: Readonly<Record<string, string>>,
): boolean {
  if (key.profile === "Core" || key.profile === "Security" || key.profile === "Implementation") {
    return true;
  }
  return featureProfileListed(config, key.profile);
}

/**
 * The value of `key` in effect: derived (NumberOfConnectors), else the configured value, else
 * `undefined`. Never call it to report a secret.
 *
 * @example
 * ```ts
 * import { effectiveValue, findConfigurationKey } from "./configuration_keys.ts";
 * console.log(effectiveValue(findConfigurationKey("NumberOfConnectors")!, {}, 2)); // "2"
 * ```
 */
export function effectiveValue(
  key: ConfigurationKeyDefinition,
  config: Readonly<Record<string, string>>,
  connectors: number,
): string | undefined {
  if (key.derived === "connectors") return String(connectors);
  return config[key.name];
}

/**
 * Whether `key` exists for the central system: its profile is supported and it is required,
 * derived, or has a value (an optional key without a value is absent).
 *
 * @example
 * ```ts
 * import { findConfigurationKey, keyExists } from "./configuration_keys.ts";
 * console.log(keyExists(findConfigurationKey("LightIntensity")!, {})); // false
 * console.log(keyExists(findConfigurationKey("LightIntensity")!, { LightIntensity: "50" })); // true
 * ```
 */
export function keyExists(
  key: ConfigurationKeyDefinition,
  config: Readonly<Record<string, string>>,
): boolean {
  if (!profileSupported(key, config)) return false;
  return key.required || key.derived !== undefined || config[key.name] !== undefined;
}

function splitList(value: string): string[] {
  return value.trim() === "" ? [] : value.split(",").map((item) => item.trim());
}

/**
 * Validates and normalises `value` for `key`: the type, the range or allowed items, the
 * `<key>MaxLength` item limit when that key is configured, and the key's own check. The reason
 * of a refusal never contains the value of a secret key.
 *
 * @example
 * ```ts
 * import { findConfigurationKey, validateConfigurationValue } from "./configuration_keys.ts";
 * const ctx = { connectors: 2, config: {} };
 * const key = findConfigurationKey("HeartbeatInterval")!;
 * console.log(validateConfigurationValue(key, " 0120", ctx)); // { ok: true, value: "120" }
 * console.log(validateConfigurationValue(key, "-1", ctx).ok); // false
 * ```
 */
export function validateConfigurationValue(
  key: ConfigurationKeyDefinition,
  value: string,
  context: ValidationContext,
): ValueCheck {
  const refuse = (reason: string): ValueCheck => ({ ok: false, reason });
  let normalised: string;
  switch (key.type) {
    case "integer": {
      const trimmed = value.trim();
      if (!/^\d{1,10}$/.test(trimmed)) return refuse("not a non-negative integer");
      const n = Number.parseInt(trimmed, 10);
      const min = key.min ?? 0;
      const max = key.max ?? MAX_INTEGER;
      if (n < min || n > max) return refuse(`must be between ${min} and ${max}`);
      normalised = String(n);
      break;
    }
    case "boolean": {
      const lower = value.trim().toLowerCase();
      if (lower !== "true" && lower !== "false") return refuse("must be true or false");
      normalised = lower;
      break;
    }
    case "string": {
      // Not trimmed: spaces may be part of a name or a password.
      if (key.min !== undefined && value.length < key.min) {
        return refuse(`must have at least ${key.min} characters`);
      }
      if (key.max !== undefined && value.length > key.max) {
        return refuse(`must have at most ${key.max} characters`);
      }
      if (key.allowed !== undefined && !key.allowed.includes(value)) {
        return refuse(`must be one of ${key.allowed.join(", ")}`);
      }
      normalised = value;
      break;
    }
    case "measurandList": {
      // Only measurands (and phases) this charge point can produce are accepted.
      const parsed = validateMeasurandKey(value);
      if (!parsed.ok) return refuse(parsed.reason);
      normalised = parsed.value;
      break;
    }
    case "stringList": {
      const items = splitList(value);
      if (items.some((item) => item === "")) return refuse("empty item in list");
      if (key.allowed !== undefined) {
        const bad = items.find((item) => !key.allowed?.includes(item));
        if (bad !== undefined) {
          return refuse(`item ${JSON.stringify(bad)} is not one of ${key.allowed.join(", ")}`);
        }
      }
      if (new Set(items).size !== items.length) return refuse("an item is listed twice");
      normalised = items.join(",");
      break;
    }
  }
  if (key.type === "measurandList" || key.type === "stringList") {
    const limit = context.config[`${key.name}MaxLength`];
    const count = normalised === "" ? 0 : normalised.split(",").length;
    if (limit !== undefined && /^\d+$/.test(limit.trim()) && count > Number(limit)) {
      return refuse(`${count} items, at most ${Number(limit)} allowed (${key.name}MaxLength)`);
    }
  }
  const problem = key.check?.(normalised, context);
  return problem === undefined ? { ok: true, value: normalised } : refuse(problem);
}

/**
 * The default values of the registry (keys without a default, secrets and derived keys left
 * out): the base of `DEFAULT_CONFIGURATION`.
 *
 * @example
 * ```ts
 * import { registryDefaults } from "./configuration_keys.ts";
 * console.log(registryDefaults().SupportedFeatureProfiles);
 * // "Core,LocalAuthListManagement,Reservation,RemoteTrigger"
 * ```
 */
export function registryDefaults(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of CONFIGURATION_KEYS) {
    if (key.default !== undefined && !key.secret) out[key.name] = key.default;
  }
  return out;
}

/** The registry, its `…MaxLength` limits first (lists are checked against them). */
const KEYS_LIMITS_FIRST = [
  ...CONFIGURATION_KEYS.filter((k) => k.name.endsWith("MaxLength")),
  ...CONFIGURATION_KEYS.filter((k) => !k.name.endsWith("MaxLength")),
];

/**
 * Checks a configuration given to the `ChargePoint` constructor with the rules ChangeConfiguration
 * applies to every key of the registry: type, range, allowed items, the key's own check, and the
 * `…MaxLength` item limits (checked first, since the lists are checked against them; the lists in
 * effect, given or default, are checked). Keys are matched case-insensitively; keys the registry
 * does not know (vendor keys) are not checked, nor `SupportedFeatureProfiles`, which `start()`
 * narrows to what is served (unknown profiles dropped with a warning). Gives the first invalid
 * key with its value (masked for a secret key) and the reason, or `undefined`.
 *
 * @example
 * ```ts
 * import { checkConfiguration } from "./configuration_keys.ts";
 * console.log(checkConfiguration({ MeterValuesSampledData: "SoC", VendorKey: "x" }, 2)); // undefined
 * console.log(checkConfiguration({ HeartbeatInterval: "abc" }, 2));
 * // { key: "HeartbeatInterval", value: "abc", reason: "not a non-negative integer" }
 * console.log(checkConfiguration({
 *   MeterValuesSampledData: "SoC,Voltage",
 *   MeterValuesSampledDataMaxLength: "1",
 * }, 2));
 * // { key: "MeterValuesSampledData", value: "SoC,Voltage",
 * //   reason: "2 items, at most 1 allowed (MeterValuesSampledDataMaxLength)" }
 * ```
 */
export function checkConfiguration(
  configuration: Readonly<Record<string, string>>,
  connectors: number,
): { readonly key: string; readonly value: string; readonly reason: string } | undefined {
  const config = { ...registryDefaults(), ...canonicalConfiguration(configuration) };
  for (const key of KEYS_LIMITS_FIRST) {
    const value = config[key.name];
    // SupportedFeatureProfiles is narrowed at start (`effectiveFeatureProfiles`, with warnings).
    if (value === undefined || key.name === "SupportedFeatureProfiles") continue;
    const checked = validateConfigurationValue(key, value, { connectors, config });
    if (!checked.ok) {
      return { key: key.name, value: key.secret ? "(secret)" : value, reason: checked.reason };
    }
  }
  return undefined;
}
