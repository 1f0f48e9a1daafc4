/**
 * The configuration registry: every key has a valid default, validation per type, the defaults
 * the core relies on, lookup rules (case-insensitive names, profiles, optional keys).
 */
import assert from "node:assert/strict";
import {
  canonicalConfiguration,
  CONFIGURATION_KEYS,
  type ConfigurationKeyDefinition,
  effectiveFeatureProfiles,
  effectiveValue,
  featureProfileListed,
  findConfigurationKey,
  isSecretKey,
  keyExists,
  profileSupported,
  SUPPORTED_FEATURE_PROFILES,
  validateConfigurationValue,
  type ValidationContext,
} from "../../core/configuration_keys.ts";
import {
  configurationAtStart,
  DEFAULT_CONFIGURATION,
  SECRET_KEYS,
} from "../../core/configuration.ts";

const CTX: ValidationContext = { connectors: 2, config: DEFAULT_CONFIGURATION };

function key(name: string): ConfigurationKeyDefinition {
  const k = findConfigurationKey(name);
  assert.ok(k !== undefined, `${name} is in the registry`);
  return k;
}

function accepts(name: string, value: string, expected: string, ctx = CTX): void {
  assert.deepEqual(validateConfigurationValue(key(name), value, ctx), {
    ok: true,
    value: expected,
  });
}

function rejects(name: string, value: string, ctx = CTX): string {
  const r = validateConfigurationValue(key(name), value, ctx);
  assert.equal(r.ok, false, `${name}=${JSON.stringify(value)} must be rejected`);
  return r.ok ? "" : r.reason;
}

Deno.test("registry: names are unique (case-insensitively) and every key is described", () => {
  const names = CONFIGURATION_KEYS.map((k) => k.name.toLowerCase());
  assert.equal(new Set(names).size, names.length);
  for (const k of CONFIGURATION_KEYS) {
    assert.ok(k.description.length > 10, `${k.name} has a description`);
    assert.ok(k.name.length <= 50, `${k.name} fits CiString50`);
  }
});

Deno.test("registry: every default is a valid, already normalised value", () => {
  for (const k of CONFIGURATION_KEYS) {
    if (k.default === undefined) continue;
    assert.deepEqual(
      validateConfigurationValue(k, k.default, CTX),
      { ok: true, value: k.default },
      `default of ${k.name}`,
    );
  }
});

Deno.test("registry: required keys have a default (or are derived, or are the write-only secret)", () => {
  for (const k of CONFIGURATION_KEYS) {
    if (!k.required) continue;
    assert.ok(
      k.default !== undefined || k.derived !== undefined || k.access === "WriteOnly",
      `${k.name} is required and has a value`,
    );
  }
});

Deno.test("registry: DEFAULT_CONFIGURATION is the registry's defaults, with every key the core reads", () => {
  const expected: Record<string, string> = {};
  for (const k of CONFIGURATION_KEYS) if (k.default !== undefined) expected[k.name] = k.default;
  assert.deepEqual({ ...DEFAULT_CONFIGURATION }, expected);
  // The values the core relied on before the registry existed.
  assert.deepEqual(
    {
      HeartbeatInterval: DEFAULT_CONFIGURATION.HeartbeatInterval,
      MeterValueSampleInterval: DEFAULT_CONFIGURATION.MeterValueSampleInterval,
      MeterValuesSampledData: DEFAULT_CONFIGURATION.MeterValuesSampledData,
      ClockAlignedDataInterval: DEFAULT_CONFIGURATION.ClockAlignedDataInterval,
      MeterValuesAlignedData: DEFAULT_CONFIGURATION.MeterValuesAlignedData,
      StopTxnSampledData: DEFAULT_CONFIGURATION.StopTxnSampledData,
      StopTxnAlignedData: DEFAULT_CONFIGURATION.StopTxnAlignedData,
      ConnectionTimeOut: DEFAULT_CONFIGURATION.ConnectionTimeOut,
      TransactionMessageAttempts: DEFAULT_CONFIGURATION.TransactionMessageAttempts,
      TransactionMessageRetryInterval: DEFAULT_CONFIGURATION.TransactionMessageRetryInterval,
      StopTransactionOnInvalidId: DEFAULT_CONFIGURATION.StopTransactionOnInvalidId,
      StopTransactionOnEVSideDisconnect: DEFAULT_CONFIGURATION.StopTransactionOnEVSideDisconnect,
      UnlockConnectorOnEVSideDisconnect: DEFAULT_CONFIGURATION.UnlockConnectorOnEVSideDisconnect,
      LocalAuthorizeOffline: DEFAULT_CONFIGURATION.LocalAuthorizeOffline,
      LocalPreAuthorize: DEFAULT_CONFIGURATION.LocalPreAuthorize,
      AllowOfflineTxForUnknownId: DEFAULT_CONFIGURATION.AllowOfflineTxForUnknownId,
      AuthorizeRemoteTxRequests: DEFAULT_CONFIGURATION.AuthorizeRemoteTxRequests,
      WebSocketPingInterval: DEFAULT_CONFIGURATION.WebSocketPingInterval,
      RetryBackoffWaitMinimum: DEFAULT_CONFIGURATION.RetryBackoffWaitMinimum,
      RetryBackoffRandomRange: DEFAULT_CONFIGURATION.RetryBackoffRandomRange,
      RetryBackoffRepeatTimes: DEFAULT_CONFIGURATION.RetryBackoffRepeatTimes,
      DisableSecurityEventNotifications: DEFAULT_CONFIGURATION.DisableSecurityEventNotifications,
      MinimumStatusDuration: DEFAULT_CONFIGURATION.MinimumStatusDuration,
    },
    {
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
    },
  );
  assert.equal(DEFAULT_CONFIGURATION.SupportedFeatureProfiles, SUPPORTED_FEATURE_PROFILES);
  assert.equal(DEFAULT_CONFIGURATION.AuthorizationKey, undefined, "no secret default");
  assert.deepEqual([...SECRET_KEYS], ["AuthorizationKey"]);
});

Deno.test("registry: the OCPP 1.6 standard keys and the whitepaper keys are all there", () => {
  const standard = [
    // Core
    "AllowOfflineTxForUnknownId",
    "AuthorizationCacheEnabled",
    "AuthorizeRemoteTxRequests",
    "BlinkRepeat",
    "ClockAlignedDataInterval",
    "ConnectionTimeOut",
    "ConnectorPhaseRotation",
    "ConnectorPhaseRotationMaxLength",
    "GetConfigurationMaxKeys",
    "HeartbeatInterval",
    "LightIntensity",
    "LocalAuthorizeOffline",
    "LocalPreAuthorize",
    "MaxEnergyOnInvalidId",
    "MeterValuesAlignedData",
    "MeterValuesAlignedDataMaxLength",
    "MeterValuesSampledData",
    "MeterValuesSampledDataMaxLength",
    "MeterValueSampleInterval",
    "MinimumStatusDuration",
    "NumberOfConnectors",
    "ResetRetries",
    "StopTransactionOnEVSideDisconnect",
    "StopTransactionOnInvalidId",
    "StopTxnAlignedData",
    "StopTxnAlignedDataMaxLength",
    "StopTxnSampledData",
    "StopTxnSampledDataMaxLength",
    "SupportedFeatureProfiles",
    "SupportedFeatureProfilesMaxLength",
    "TransactionMessageAttempts",
    "TransactionMessageRetryInterval",
    "UnlockConnectorOnEVSideDisconnect",
    "WebSocketPingInterval",
    // LocalAuthListManagement, Reservation, SmartCharging, FirmwareManagement
    "LocalAuthListEnabled",
    "LocalAuthListMaxLength",
    "SendLocalListMaxLength",
    "ReserveConnectorZeroSupported",
    "ChargeProfileMaxStackLevel",
    "ChargingScheduleAllowedChargingRateUnit",
    "ChargingScheduleMaxPeriods",
    "ConnectorSwitch3to1PhaseSupported",
    "MaxChargingProfilesInstalled",
    "SupportedFileTransferProtocols",
    // Security Whitepaper
    "AdditionalRootCertificateCheck",
    "AuthorizationKey",
    "CertificateSignedMaxChainSize",
    "CertificateStoreMaxLength",
    "CpoName",
    "SecurityProfile",
  ];
  for (const name of standard) assert.equal(findConfigurationKey(name)?.name, name);
  assert.equal(key("AuthorizationKey").access, "WriteOnly");
  assert.equal(key("NumberOfConnectors").access, "ReadOnly");
  assert.equal(key("SupportedFeatureProfiles").access, "ReadOnly");
  assert.equal(key("HeartbeatInterval").unit, "seconds");
});

Deno.test("registry: names are case-insensitive; WebsocketPingInterval is WebSocketPingInterval", () => {
  assert.equal(findConfigurationKey("heartbeatinterval")?.name, "HeartbeatInterval");
  assert.equal(findConfigurationKey("WebsocketPingInterval")?.name, "WebSocketPingInterval");
  assert.equal(findConfigurationKey("NoSuchKey"), undefined);
  assert.deepEqual(
    canonicalConfiguration({ WebsocketPingInterval: "30", heartbeatinterval: "10", Vendor: "x" }),
    { WebSocketPingInterval: "30", HeartbeatInterval: "10", Vendor: "x" },
  );
  assert.equal(isSecretKey("AUTHORIZATIONKEY"), true);
  assert.equal(isSecretKey(" AuthorizationKey "), true);
  assert.equal(isSecretKey("CpoName"), false);
});

Deno.test("registry: a key exists when its profile is supported and it is required or set", () => {
  const smart = key("ChargeProfileMaxStackLevel");
  assert.equal(profileSupported(smart, DEFAULT_CONFIGURATION), false);
  assert.equal(keyExists(smart, DEFAULT_CONFIGURATION), false);
  const withSmart = {
    ...DEFAULT_CONFIGURATION,
    SupportedFeatureProfiles: "Core,SmartCharging",
  };
  assert.equal(keyExists(smart, withSmart), true);
  assert.equal(keyExists(key("LocalAuthListEnabled"), withSmart), false);
  assert.equal(keyExists(key("LocalAuthListEnabled"), DEFAULT_CONFIGURATION), true);
  assert.equal(keyExists(key("LightIntensity"), DEFAULT_CONFIGURATION), false);
  assert.equal(keyExists(key("LightIntensity"), { LightIntensity: "50" }), true);
  assert.equal(keyExists(key("AuthorizationKey"), DEFAULT_CONFIGURATION), true);
  assert.equal(keyExists(key("NumberOfConnectors"), {}), true);
  assert.equal(effectiveValue(key("NumberOfConnectors"), { NumberOfConnectors: "9" }, 2), "2");
  assert.equal(effectiveValue(key("HeartbeatInterval"), { HeartbeatInterval: "60" }, 2), "60");
});

Deno.test("validation: integers", () => {
  accepts("HeartbeatInterval", "60", "60");
  accepts("HeartbeatInterval", " 0060 ", "60");
  accepts("HeartbeatInterval", "0", "0");
  for (const bad of ["-1", "1.5", "1e3", "abc", "", " ", "+5", "0x10", "99999999999"]) {
    rejects("HeartbeatInterval", bad);
  }
  accepts("LightIntensity", "100", "100");
  rejects("LightIntensity", "101");
  accepts("ClockAlignedDataInterval", "900", "900");
  rejects("ClockAlignedDataInterval", "86401");
  accepts("SecurityProfile", "3", "3");
  rejects("SecurityProfile", "4");
});

Deno.test("validation: booleans", () => {
  accepts("LocalPreAuthorize", "TRUE", "true");
  accepts("LocalPreAuthorize", " False ", "false");
  for (const bad of ["yes", "1", "", "truee"]) rejects("LocalPreAuthorize", bad);
});

Deno.test("validation: CSL of measurands", () => {
  accepts(
    "MeterValuesSampledData",
    "Energy.Active.Import.Register, SoC,Power.Active.Import",
    "Energy.Active.Import.Register,SoC,Power.Active.Import",
  );
  accepts("StopTxnSampledData", "", "");
  assert.match(rejects("MeterValuesSampledData", "Energy.Active.Import.Register,Foo"), /Foo/);
  rejects("MeterValuesSampledData", "Energy.Active.Import.Register,,SoC");
  rejects("MeterValuesSampledData", "energy.active.import.register");
  const limited = { ...CTX, config: { ...CTX.config, MeterValuesSampledDataMaxLength: "1" } };
  accepts("MeterValuesSampledData", "SoC", "SoC", limited);
  assert.match(
    rejects("MeterValuesSampledData", "SoC,Voltage", limited),
    /MeterValuesSampledDataMaxLength/,
  );
});

Deno.test("validation: CSL of strings", () => {
  accepts("ConnectorPhaseRotation", "0.RST, 1.RTS,2.NotApplicable", "0.RST,1.RTS,2.NotApplicable");
  rejects("ConnectorPhaseRotation", "3.RST"); // 2 connectors
  rejects("ConnectorPhaseRotation", "1.XYZ");
  rejects("ConnectorPhaseRotation", "1.RST,1.TSR");
  rejects("ConnectorPhaseRotation", "RST");
  accepts("SupportedFeatureProfiles", "Core,SmartCharging", "Core,SmartCharging");
  rejects("SupportedFeatureProfiles", "Core,Teleportation");
  rejects("SupportedFeatureProfiles", "Reservation");
  rejects("SupportedFeatureProfiles", "Core,Core");
  rejects("ChargingScheduleAllowedChargingRateUnit", "A,W");
});

Deno.test("validation: AuthorizationKey is 16 to 40 characters (hex or text); no reason shows it", () => {
  accepts("AuthorizationKey", "0123456789abcdef", "0123456789abcdef");
  accepts(
    "AuthorizationKey",
    "0123456789ABCDEF0123456789abcdef01234567",
    "0123456789ABCDEF0123456789abcdef01234567",
  );
  accepts("AuthorizationKey", "secret-password-123", "secret-password-123");
  for (
    const bad of [
      "0123456789abcde",
      "0123456789abcdef0123456789abcdef012345678",
      "short-secret",
      "",
    ]
  ) {
    const reason = rejects("AuthorizationKey", bad);
    assert.ok(bad === "" || !reason.includes(bad.trim()), "the reason does not contain the value");
  }
});

Deno.test("validation: SecurityProfile cannot be lowered (current or pending)", () => {
  const at2 = { ...CTX, config: { ...CTX.config, SecurityProfile: "2" } };
  rejects("SecurityProfile", "1", at2);
  accepts("SecurityProfile", "2", "2", at2);
  accepts("SecurityProfile", "3", "3", at2);
  rejects("SecurityProfile", "2", { ...at2, pending: { SecurityProfile: "3" } });
});

Deno.test("SupportedFeatureProfiles: what the charge point serves; a configured list only leaves profiles out", () => {
  const all = "Core,FirmwareManagement,LocalAuthListManagement,Reservation,RemoteTrigger";
  assert.deepEqual(effectiveFeatureProfiles(undefined, []), {
    value: SUPPORTED_FEATURE_PROFILES,
    dropped: [],
  });
  for (const callback of ["updateFirmware", "uploadDiagnostics"]) {
    assert.equal(effectiveFeatureProfiles(undefined, [callback, "reset"]).value, all, callback);
  }
  // Unrelated callbacks (signed updates, logs) do not make the 1.6 profile.
  assert.equal(
    effectiveFeatureProfiles(undefined, ["signedUpdateFirmware", "uploadLogs"]).value,
    SUPPORTED_FEATURE_PROFILES,
  );
  // Case-insensitive, spaces ignored, spec order, Core always, SmartCharging never.
  assert.deepEqual(
    effectiveFeatureProfiles(" remotetrigger , SmartCharging,Teleport,,reservation", []),
    { value: "Core,Reservation,RemoteTrigger", dropped: ["SmartCharging", "Teleport"] },
  );
  assert.deepEqual(effectiveFeatureProfiles("Core,FirmwareManagement", []), {
    value: "Core",
    dropped: ["FirmwareManagement"],
  });
  assert.deepEqual(effectiveFeatureProfiles("FirmwareManagement", ["updateFirmware"]), {
    value: "Core,FirmwareManagement",
    dropped: [],
  });
  assert.equal(
    featureProfileListed({ SupportedFeatureProfiles: "Core, Reservation " }, "reservation"),
    true,
  );
  assert.equal(featureProfileListed({ SupportedFeatureProfiles: "Core" }, "Reservation"), false);
  assert.equal(featureProfileListed({}, "LocalAuthListManagement"), true);
  assert.equal(featureProfileListed({}, "SmartCharging"), false);
});

Deno.test("configurationAtStart: defaults ⊕ constructor (registry spelling) ⊕ changes, profiles from the callbacks", () => {
  const { config, dropped } = configurationAtStart(
    { heartbeatinterval: "60", SupportedFeatureProfiles: "Core,SmartCharging", Vendor: "x" },
    { HeartbeatInterval: "120", MeterValueSampleInterval: "15" },
    ["uploadDiagnostics"],
  );
  assert.equal(config.HeartbeatInterval, "120", "a change wins over the constructor");
  assert.equal(config.MeterValueSampleInterval, "15");
  assert.equal(config.Vendor, "x");
  assert.equal(config.LocalPreAuthorize, DEFAULT_CONFIGURATION.LocalPreAuthorize);
  assert.equal(config.SupportedFeatureProfiles, "Core");
  assert.deepEqual(dropped, ["SmartCharging"]);
  assert.equal(
    configurationAtStart({}, {}, ["uploadDiagnostics"]).config.SupportedFeatureProfiles,
    "Core,FirmwareManagement,LocalAuthListManagement,Reservation,RemoteTrigger",
  );
});
