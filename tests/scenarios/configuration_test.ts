/**
 * GetConfiguration and ChangeConfiguration (OCPP 1.6 §5.3, §5.8, §9; Security Whitepaper
 * AuthorizationKey) against independent peers: the `ocpp-rpc` strict central system (official
 * schemas) and the scripted Deno CSMS for raw frames and upgrade headers. Every scenario ends
 * with the log replaying to exactly the frames put on the wire. Test names follow the OCTT
 * charge-point cases where one exists (TC_019 retrieve configuration, TC_021 change
 * configuration, TC_040 configuration keys NotSupported / invalid value).
 */
import assert from "node:assert/strict";
import { RpcCallError, RpcCsms } from "../support/rpc_csms.ts";
import { ScriptedCsms } from "../support/scripted_csms.ts";
import { assertReplays, type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import { exportJsonl } from "../../core/jsonl.ts";
import { redactSecrets } from "../../core/secrets.ts";
import type { ChargePointOptions } from "../../core/charge_point.ts";
import type { Logger } from "../../core/logger.ts";
import { TIMER_ALIGNED } from "../../core/metering.ts";

interface KeyValue {
  key: string;
  readonly: boolean;
  value?: string;
}
interface GetConfigurationAnswer {
  configurationKey?: KeyValue[];
  unknownKey?: string[];
}

/** A logger that keeps every message (and its details) as text. */
function recordingLogger(lines: string[]): Logger {
  const keep = (message: string, details?: unknown) =>
    void lines.push(`${message} ${details === undefined ? "" : String(JSON.stringify(details))}`);
  return { debug: keep, info: keep, warn: keep, error: keep };
}

/** Starts the charge point and waits until it is registered and idle. */
async function booted(
  csms: RpcCsms | ScriptedCsms,
  options: Partial<ChargePointOptions> = {},
): Promise<Harness> {
  const h = makeChargePoint(csms.url, options);
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  await until(
    () => h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0,
    "the StatusNotifications answered",
  );
  return h;
}

function byKey(answer: GetConfigurationAnswer): Map<string, KeyValue> {
  return new Map((answer.configurationKey ?? []).map((kv) => [kv.key, kv]));
}

async function finish(h: Harness, frames: Parameters<typeof assertAllValid>[0]): Promise<void> {
  await h.cp.stop();
  assertAllValid(frames);
  assertReplays(h);
}

Deno.test("TC_019_1_CS GetConfiguration without keys: every readable key, never a write-only one", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms, { configuration: { VendorSpecific: "42", lightintensity: "80" } });
  const all = await csms.call("CP-1", "GetConfiguration", {}) as GetConfigurationAnswer;
  assert.equal(all.unknownKey, undefined);
  const keys = byKey(all);
  assert.equal(keys.size, all.configurationKey?.length, "each key once");
  assert.deepEqual(keys.get("HeartbeatInterval"), {
    key: "HeartbeatInterval",
    readonly: false,
    value: "300",
  });
  assert.deepEqual(keys.get("NumberOfConnectors"), {
    key: "NumberOfConnectors",
    readonly: true,
    value: "2",
  });
  assert.deepEqual(keys.get("SupportedFeatureProfiles"), {
    key: "SupportedFeatureProfiles",
    readonly: true,
    value: "Core,LocalAuthListManagement,Reservation,RemoteTrigger",
  });
  // Announced by the firmware (any case), spelled as the spec spells it.
  assert.deepEqual(keys.get("LightIntensity"), {
    key: "LightIntensity",
    readonly: false,
    value: "80",
  });
  assert.deepEqual(keys.get("VendorSpecific"), {
    key: "VendorSpecific",
    readonly: true,
    value: "42",
  });
  assert.ok(keys.has("LocalAuthListEnabled") && keys.has("ReserveConnectorZeroSupported"));
  assert.ok(keys.has("SecurityProfile") && keys.has("WebSocketPingInterval"));
  // Write-only, optional-and-absent, and keys of unsupported profiles are not there.
  for (
    const absent of ["AuthorizationKey", "BlinkRepeat", "ChargeProfileMaxStackLevel", "CpoName"]
  ) {
    assert.equal(keys.has(absent), false, absent);
  }
  // An empty list is the same as no list.
  const empty = await csms.call("CP-1", "GetConfiguration", { key: [] });
  assert.deepEqual(empty, all);
  await finish(h, csms.frames);
});

Deno.test("TC_019_2_CS GetConfiguration of given keys: known ones (any case) and unknown ones", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms);
  const answer = await csms.call("CP-1", "GetConfiguration", {
    key: [
      "heartbeatinterval",
      "Foo",
      "NumberOfConnectors",
      "ChargeProfileMaxStackLevel",
      "LightIntensity",
      "AuthorizationKey",
      "HeartbeatInterval",
      "WebsocketPingInterval",
    ],
  });
  assert.deepEqual(answer, {
    configurationKey: [
      { key: "HeartbeatInterval", readonly: false, value: "300" },
      { key: "NumberOfConnectors", readonly: true, value: "2" },
      { key: "WebSocketPingInterval", readonly: false, value: "0" },
    ],
    unknownKey: ["Foo", "ChargeProfileMaxStackLevel", "LightIntensity", "AuthorizationKey"],
  });
  const unknownOnly = await csms.call("CP-1", "GetConfiguration", { key: ["Nope"] });
  assert.deepEqual(unknownOnly, { unknownKey: ["Nope"] });
  await finish(h, csms.frames);
});

Deno.test("GetConfiguration asking for more keys than GetConfigurationMaxKeys: CALLERROR OccurenceConstraintViolation", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms, { configuration: { GetConfigurationMaxKeys: "3" } });
  const four = ["HeartbeatInterval", "NumberOfConnectors", "ConnectionTimeOut", "ResetRetries"];
  const error = await csms.call("CP-1", "GetConfiguration", { key: four }).then(
    () => assert.fail("answered"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RpcCallError);
  assert.equal(error.source, "callError");
  assert.equal(error.code, "OccurenceConstraintViolation");
  const three = await csms.call("CP-1", "GetConfiguration", { key: four.slice(0, 3) });
  assert.equal((three as GetConfigurationAnswer).configurationKey?.length, 3);
  await finish(h, csms.frames);
});

Deno.test("TC_021_CS ChangeConfiguration HeartbeatInterval accepted: the heartbeat follows the new interval", async () => {
  await using csms = await RpcCsms.start();
  const changed: string[][] = [];
  const h = await booted(csms, {
    callbacks: { configurationKeyChanged: (key, value) => void changed.push([key, value]) },
  });
  const heartbeats = () => csms.received.filter((c) => c.action === "Heartbeat").length;
  assert.deepEqual(
    await csms.call("CP-1", "ChangeConfiguration", { key: "heartbeatInterval", value: "060" }),
    { status: "Accepted" },
  );
  await until(() => changed.length === 1, "configurationKeyChanged");
  assert.deepEqual(changed, [["HeartbeatInterval", "60"]]);
  assert.equal(h.cp.state.config.HeartbeatInterval, "60");
  await h.clock.advance(59_000);
  assert.equal(heartbeats(), 0);
  await h.clock.advance(1_000);
  await csms.waitFor("Heartbeat", 1);
  await until(() => h.cp.state.inFlight === undefined, "Heartbeat answered");
  await h.clock.advance(60_000);
  await csms.waitFor("Heartbeat", 2);
  const answer = await csms.call("CP-1", "GetConfiguration", { key: ["HeartbeatInterval"] });
  assert.deepEqual(answer, {
    configurationKey: [{ key: "HeartbeatInterval", readonly: false, value: "60" }],
  });
  await finish(h, csms.frames);
});

Deno.test("ChangeConfiguration side effects: sampling of a running transaction, clock-aligned timer, ping, ConnectionTimeOut callback", async () => {
  await using csms = await RpcCsms.start();
  const timeouts: number[] = [];
  const h = await booted(csms, {
    callbacks: { setConnectionTimeout: (s) => void timeouts.push(s) },
  });
  const cp = h.cp;
  cp.onSessionStarted(1, "s-1", "EVConnected");
  cp.onMeterValues(1, {
    powerMeter: { timestamp: new Date(h.clock.now()), energyWhImport: { total: 1000 } },
  });
  cp.onTransactionStarted(1, "s-1", "TAG-1", 1000, undefined, new Date(h.clock.now()));
  await csms.waitFor("StartTransaction", 1);
  await until(() => cp.state.inFlight === undefined && cp.state.outbox.size === 0, "answered");
  await h.clock.advance(5_000);
  assert.deepEqual(
    await csms.call("CP-1", "ChangeConfiguration", {
      key: "MeterValueSampleInterval",
      value: "10",
    }),
    { status: "Accepted" },
  );
  // Re-armed by the change, anchored at the start of the transaction: at 10 s and 20 s, not at
  // the 60 s of the old interval.
  const sampled = () => csms.received.filter((c) => c.action === "MeterValues").length;
  await h.clock.advance(4_000);
  assert.equal(sampled(), 0);
  await h.clock.advance(1_000);
  await csms.waitFor("MeterValues", 1);
  await until(() => cp.state.inFlight === undefined, "MeterValues answered");
  // A fresh reading: one older than the sample interval is not sent as a new sample.
  cp.onMeterValues(1, {
    powerMeter: { timestamp: new Date(h.clock.now()), energyWhImport: { total: 1010 } },
  });
  await h.clock.advance(10_000);
  await csms.waitFor("MeterValues", 2);
  await until(() => cp.state.inFlight === undefined, "MeterValues answered");

  assert.deepEqual(
    await csms.call("CP-1", "ChangeConfiguration", {
      key: "ClockAlignedDataInterval",
      value: "900",
    }),
    { status: "Accepted" },
  );
  // The next 15-minute boundary of the central system's clock.
  const aligned = cp.state.timers[TIMER_ALIGNED];
  assert.ok(aligned !== undefined && aligned > h.clock.now() && aligned <= h.clock.now() + 900_000);
  assert.deepEqual(
    await csms.call("CP-1", "ChangeConfiguration", { key: "ClockAlignedDataInterval", value: "0" }),
    { status: "Accepted" },
  );
  assert.equal(cp.state.timers[TIMER_ALIGNED], undefined);

  assert.deepEqual(
    await csms.call("CP-1", "ChangeConfiguration", { key: "WebSocketPingInterval", value: "30" }),
    { status: "Accepted" },
  );
  assert.equal(cp.state.timers.ping, h.clock.now() + 30_000);
  assert.deepEqual(
    await csms.call("CP-1", "ChangeConfiguration", { key: "WebSocketPingInterval", value: "0" }),
    { status: "Accepted" },
  );
  assert.equal(cp.state.timers.ping, undefined);

  assert.deepEqual(
    await csms.call("CP-1", "ChangeConfiguration", { key: "ConnectionTimeOut", value: "45" }),
    { status: "Accepted" },
  );
  await until(() => timeouts.length === 1, "setConnectionTimeout");
  assert.deepEqual(timeouts, [45]);
  await finish(h, csms.frames);
});

Deno.test("ChangeConfiguration of a read-only key: Rejected, nothing changes", async () => {
  await using csms = await RpcCsms.start();
  const changed: string[] = [];
  const h = await booted(csms, {
    configuration: { VendorSpecific: "42" },
    callbacks: { configurationKeyChanged: (key) => void changed.push(key) },
  });
  for (
    const [key, value] of [
      ["NumberOfConnectors", "3"],
      ["SupportedFeatureProfiles", "Core,SmartCharging"],
      ["LocalAuthListMaxLength", "5"],
      ["VendorSpecific", "43"],
    ]
  ) {
    assert.deepEqual(
      await csms.call("CP-1", "ChangeConfiguration", { key, value }),
      { status: "Rejected" },
      key,
    );
  }
  const answer = await csms.call("CP-1", "GetConfiguration", {
    key: ["NumberOfConnectors", "SupportedFeatureProfiles", "VendorSpecific"],
  }) as GetConfigurationAnswer;
  assert.deepEqual(answer.configurationKey?.map((kv) => kv.value), [
    "2",
    "Core,LocalAuthListManagement,Reservation,RemoteTrigger",
    "42",
  ]);
  assert.deepEqual(h.cp.state.configChanges, {
    HeartbeatInterval: "300", // from the BootNotification answer
  });
  assert.deepEqual(changed, []);
  await finish(h, csms.frames);
});

Deno.test("TC_040_1_CS ChangeConfiguration unsupported key: NotSupported (unknown, optional absent, profile not supported)", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms);
  for (const key of ["Foo", "LightIntensity", "ChargeProfileMaxStackLevel", "CpoName"]) {
    assert.deepEqual(
      await csms.call("CP-1", "ChangeConfiguration", { key, value: "1" }),
      { status: "NotSupported" },
      key,
    );
  }
  await finish(h, csms.frames);
});

Deno.test("TC_040_2_CS ChangeConfiguration invalid value: Rejected with the reason in a note", async () => {
  await using csms = await RpcCsms.start();
  const lines: string[] = [];
  const h = await booted(csms, { logger: recordingLogger(lines) });
  for (
    const [key, value] of [
      ["HeartbeatInterval", "abc"],
      ["HeartbeatInterval", "-5"],
      ["MeterValuesSampledData", "Energy.Active.Import.Register,Foo"],
      ["LocalPreAuthorize", "maybe"],
      ["ConnectorPhaseRotation", "7.RST"],
      ["SecurityProfile", "4"],
    ]
  ) {
    assert.deepEqual(
      await csms.call("CP-1", "ChangeConfiguration", { key, value }),
      { status: "Rejected" },
      `${key}=${value}`,
    );
  }
  assert.equal(h.cp.state.config.HeartbeatInterval, "300");
  assert.equal(h.cp.state.config.MeterValuesSampledData, "Energy.Active.Import.Register");
  assert.ok(
    lines.some((l) =>
      l.includes("MeterValuesSampledData") && l.includes('unknown measurand "Foo"')
    ),
    lines.join("\n"),
  );
  assert.ok(lines.some((l) => l.includes("HeartbeatInterval") && l.includes("not a non-negative")));
  await finish(h, csms.frames);
});

Deno.test("AuthorizationKey is write-only: accepted, used for the next connection, never in GetConfiguration, the log, exports, notes or callbacks", async () => {
  await using csms = await ScriptedCsms.start();
  const secret = "A1B2C3D4E5F60718293A4B5C6D7E8F90";
  const lines: string[] = [];
  const changed: string[][] = [];
  const stored: string[] = [];
  const h = await booted(csms, {
    logger: recordingLogger(lines),
    security: {
      basicAuthPassword: "0123456789abcdef",
      authorizationKeyChanged: (key) => void stored.push(key),
    },
    callbacks: { configurationKeyChanged: (key, value) => void changed.push([key, value]) },
  });
  const basic = (password: string) => `Basic ${btoa(`CP-1:${password}`)}`;
  // 32..40 hex digits are the hex representation of the password bytes (whitepaper A00.FR.205).
  const basicHex = (hex: string) =>
    `Basic ${
      btoa("CP-1:" + String.fromCharCode(...(hex.match(/../g) ?? []).map((b) => parseInt(b, 16))))
    }`;
  assert.equal(csms.requests[0]?.headers.authorization, basic("0123456789abcdef"));

  // Invalid keys are rejected (shorter than 16 or longer than 40 characters) and change nothing.
  for (const value of ["abcdef", "x".repeat(41)]) {
    assert.deepEqual(
      await csms.call("ChangeConfiguration", { key: "AuthorizationKey", value }),
      { status: "Rejected" },
    );
  }
  assert.deepEqual(
    await csms.call("ChangeConfiguration", { key: "authorizationkey", value: secret }),
    { status: "Accepted" },
  );
  await until(() => changed.length === 1 && stored.length === 1, "callbacks");
  assert.deepEqual(changed, [["AuthorizationKey", "********"]]);
  assert.deepEqual(stored, [secret]);

  // Not readable.
  const all = await csms.call("GetConfiguration", {}) as GetConfigurationAnswer;
  assert.equal(byKey(all).has("AuthorizationKey"), false);
  assert.deepEqual(await csms.call("GetConfiguration", { key: ["AuthorizationKey"] }), {
    unknownKey: ["AuthorizationKey"],
  });

  // The next connection authenticates with the new key.
  h.cp.disconnect();
  await until(() => h.cp.state.link === "Disconnected", "disconnected");
  h.cp.connect();
  await csms.waitForConnection(2);
  assert.equal(csms.requests[1]?.headers.authorization, basicHex(secret));
  await until(() => h.cp.state.link === "Open", "reconnected");

  // Nowhere in the log, the exports, the notes.
  const events = [...h.store.read(1)];
  for (const e of events) {
    assert.ok(!JSON.stringify(e).includes(secret), `event ${e.seq} ${e.type}`);
  }
  assert.ok(!exportJsonl(events).includes(secret));
  assert.ok(!exportJsonl(events, redactSecrets).includes(secret));
  assert.ok(!lines.join("\n").includes(secret), "no secret in the logger");
  assert.ok(!JSON.stringify(h.cp.state).includes(secret), "no secret in the state");
  // The logged frame carries the fixed placeholder of a valid key (not its length or kind).
  assert.ok(
    events.some((e) =>
      e.type === "FrameReceived" &&
      (e.data as { text: string }).text.includes(`"value":"${"*".repeat(16)}"`)
    ),
  );
  await finish(h, csms.frames);
});

Deno.test("ChangeConfiguration decided by the firmware: RebootRequired (in effect after the restart), Rejected, a throw, Accepted", async () => {
  await using csms = await RpcCsms.start();
  const lines: string[] = [];
  const asked: string[][] = [];
  const options: Partial<ChargePointOptions> = {
    // The firmware announces the optional keys it implements by configuring them.
    configuration: { LightIntensity: "50", BlinkRepeat: "3" },
    logger: recordingLogger(lines),
    callbacks: {
      configurationKeyChanged: (key, value) => {
        asked.push([key, value]);
        if (key === "LightIntensity") return "RebootRequired";
        if (key === "BlinkRepeat") return "Rejected";
        if (key === "ResetRetries") throw new Error("EEPROM write failed");
      },
    },
  };
  const first = await booted(csms, options);
  const change = (key: string, value: string) =>
    csms.call("CP-1", "ChangeConfiguration", { key, value });
  const get = async (key: string) =>
    ((await csms.call("CP-1", "GetConfiguration", { key: [key] })) as GetConfigurationAnswer)
      .configurationKey?.[0]?.value;

  assert.deepEqual(await change("LightIntensity", "080"), { status: "RebootRequired" });
  assert.equal(await get("LightIntensity"), "50", "the value in effect until the restart");
  assert.deepEqual(await change("BlinkRepeat", "5"), { status: "Rejected" });
  assert.equal(await get("BlinkRepeat"), "3");
  assert.deepEqual(await change("ResetRetries", "4"), { status: "Rejected" }, "a throw");
  assert.equal(await get("ResetRetries"), "1");
  assert.deepEqual(await change("MeterValueSampleInterval", "120"), { status: "Accepted" });
  assert.equal(await get("MeterValueSampleInterval"), "120");
  // Invalid values never reach the firmware.
  assert.deepEqual(await change("LightIntensity", "101"), { status: "Rejected" });
  assert.deepEqual(asked, [
    ["LightIntensity", "80"],
    ["BlinkRepeat", "5"],
    ["ResetRetries", "4"],
    ["MeterValueSampleInterval", "120"],
  ]);
  assert.ok(lines.some((l) => l.includes("BlinkRepeat") && l.includes("rejected by the firmware")));
  assert.ok(lines.some((l) => l.includes("ResetRetries") && l.includes("EEPROM write failed")));
  await first.cp.stop();

  // The reboot: the firmware's pending value is in effect, the others are as they were.
  const second = makeChargePoint(csms.url, { ...options, store: first.store, clock: first.clock });
  await second.cp.start();
  await csms.waitFor("StatusNotification", 6);
  await until(
    () => second.cp.state.inFlight === undefined && second.cp.state.outbox.size === 0,
    "idle",
  );
  assert.deepEqual(
    [await get("LightIntensity"), await get("BlinkRepeat"), await get("MeterValueSampleInterval")],
    ["80", "3", "120"],
  );
  await second.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(second, { before: [first] });
});

Deno.test("SupportedFeatureProfiles reflects what the charge point serves: FirmwareManagement with its callbacks, never SmartCharging; a profile left out is NotSupported", async () => {
  const profiles = async (csms: RpcCsms) =>
    ((await csms.call("CP-1", "GetConfiguration", {
      key: ["SupportedFeatureProfiles"],
    })) as GetConfigurationAnswer).configurationKey?.[0]?.value;

  // A firmware (or plugin) that updates firmware: FirmwareManagement is listed, its key exists.
  await using csms = await RpcCsms.start();
  const h = await booted(csms, {
    configuration: { SupportedFileTransferProtocols: "HTTPS" },
    callbacks: { updateFirmware: () => {} },
  });
  assert.equal(
    await profiles(csms),
    "Core,FirmwareManagement,LocalAuthListManagement,Reservation,RemoteTrigger",
  );
  assert.deepEqual(
    await csms.call("CP-1", "GetConfiguration", { key: ["SupportedFileTransferProtocols"] }),
    {
      configurationKey: [{ key: "SupportedFileTransferProtocols", readonly: true, value: "HTTPS" }],
    },
  );
  await finish(h, csms.frames);

  // A configured list can only leave profiles out: SmartCharging (not implemented) and an
  // unknown profile are dropped with a warning; the requests of the left-out profiles are refused.
  await using csms2 = await RpcCsms.start();
  const lines: string[] = [];
  const h2 = await booted(csms2, {
    configuration: { SupportedFeatureProfiles: "SmartCharging,Reservation,Teleportation" },
    logger: recordingLogger(lines),
    callbacks: { updateFirmware: () => {} },
  });
  assert.equal(await profiles(csms2), "Core,Reservation");
  for (const dropped of ["SmartCharging", "Teleportation"]) {
    assert.ok(
      lines.some((l) => l.includes("SupportedFeatureProfiles") && l.includes(dropped)),
      dropped,
    );
  }
  const refused = async (action: string, params: Record<string, unknown>) => {
    const error = await csms2.call("CP-1", action, params).then(
      () => assert.fail(`${action} answered with a CALLRESULT`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof RpcCallError, String(error));
    assert.deepEqual([error.source, error.code], ["callError", "NotSupported"], action);
  };
  await refused("TriggerMessage", { requestedMessage: "Heartbeat" });
  await refused("UpdateFirmware", {
    location: "https://example.com/fw.bin",
    retrieveDate: new Date().toISOString(),
  });
  await refused("SetChargingProfile", {
    connectorId: 1,
    csChargingProfiles: {
      chargingProfileId: 1,
      stackLevel: 0,
      chargingProfilePurpose: "TxDefaultProfile",
      chargingProfileKind: "Relative",
      chargingSchedule: { chargingRateUnit: "A", chargingSchedulePeriod: [] },
    },
  });
  // The Local Auth List profile's requests say it themselves.
  assert.deepEqual(await csms2.call("CP-1", "GetLocalListVersion", {}), { listVersion: -1 });
  assert.deepEqual(
    await csms2.call("CP-1", "SendLocalList", { listVersion: 1, updateType: "Full" }),
    { status: "NotSupported" },
  );
  assert.deepEqual(
    await csms2.call("CP-1", "GetConfiguration", {
      key: ["ChargeProfileMaxStackLevel", "LocalAuthListEnabled", "ReserveConnectorZeroSupported"],
    }),
    {
      configurationKey: [{ key: "ReserveConnectorZeroSupported", readonly: true, value: "false" }],
      unknownKey: ["ChargeProfileMaxStackLevel", "LocalAuthListEnabled"],
    },
  );
  await finish(h2, csms2.frames);
});

Deno.test("configuration changes survive a restart; a reboot-required change takes effect at the next start", async () => {
  await using csms = await RpcCsms.start();
  const first = await booted(csms);
  const change = (key: string, value: string) =>
    csms.call("CP-1", "ChangeConfiguration", { key, value });
  assert.deepEqual(await change("MeterValueSampleInterval", "15"), { status: "Accepted" });
  assert.deepEqual(await change("ConnectorPhaseRotation", "0.RST,1.RTS"), { status: "Accepted" });
  assert.deepEqual(await change("LocalAuthListEnabled", "FALSE"), { status: "Accepted" });
  // Without an AuthorizationKey the upgrade to profile 1 is refused (security/profile_change.ts).
  assert.deepEqual(await change("SecurityProfile", "1"), { status: "Rejected" });
  const get = () =>
    csms.call("CP-1", "GetConfiguration", {
      key: [
        "MeterValueSampleInterval",
        "ConnectorPhaseRotation",
        "LocalAuthListEnabled",
        "SecurityProfile",
      ],
    }) as Promise<GetConfigurationAnswer>;
  const before = await get();
  assert.deepEqual(before.configurationKey?.map((kv) => kv.value), [
    "15",
    "0.RST,1.RTS",
    "false",
    "0",
  ]);
  // The same profile is refused too (A05.FR.01).
  assert.deepEqual(await change("SecurityProfile", "0"), { status: "Rejected" });
  await first.cp.stop();

  // A new process on the same store: the constructor's configuration does not undo the changes.
  const second = makeChargePoint(csms.url, {
    store: first.store,
    configuration: { MeterValueSampleInterval: "60" },
  });
  await second.cp.start();
  await csms.waitFor("StatusNotification", 6);
  await until(
    () => second.cp.state.inFlight === undefined && second.cp.state.outbox.size === 0,
    "idle",
  );
  const after = await get();
  assert.deepEqual(after.configurationKey?.map((kv) => kv.value), [
    "15",
    "0.RST,1.RTS",
    "false",
    "0",
  ]);
  await second.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(second, { before: [first] });
});

Deno.test("schema-invalid ChangeConfiguration / GetConfiguration: the right CALLERROR, and the charge point keeps working", async () => {
  await using csms = await ScriptedCsms.start();
  const h = await booted(csms);
  const cases: [string, string][] = [
    ['[2,"s-1","ChangeConfiguration",{"key":"HeartbeatInterval"}]', "OccurenceConstraintViolation"],
    [
      '[2,"s-2","ChangeConfiguration",{"key":"HeartbeatInterval","value":60}]',
      "TypeConstraintViolation",
    ],
    [
      '[2,"s-3","ChangeConfiguration",{"key":"HeartbeatInterval","value":"60","x":1}]',
      "PropertyConstraintViolation",
    ],
    [
      `[2,"s-4","ChangeConfiguration",{"key":"HeartbeatInterval","value":"${"1".repeat(501)}"}]`,
      "FormationViolation",
    ],
    [
      `[2,"s-5","ChangeConfiguration",{"key":"${"K".repeat(51)}","value":"1"}]`,
      "FormationViolation",
    ],
    ['[2,"s-6","GetConfiguration",{"key":"HeartbeatInterval"}]', "TypeConstraintViolation"],
    [
      '[2,"s-7","ChangeConfiguration",{"key":"AuthorizationKey","value":12345678901234567890}]',
      "TypeConstraintViolation",
    ],
  ];
  for (const [text, code] of cases) {
    const id = (JSON.parse(text) as string[])[1];
    csms.sendRaw(text);
    const answer = await csms.nextFromCp((f) => Array.isArray(f.message) && f.message[1] === id);
    const message = answer.message as unknown[];
    assert.deepEqual([message[0], message[1], message[2]], [4, id, code], text);
  }
  assert.equal(h.cp.state.config.HeartbeatInterval, "300");
  assert.ok(
    ![...h.store.read(1)].some((e) => JSON.stringify(e).includes("12345678901234567890")),
    "a secret of the wrong type is masked too",
  );
  // Still working.
  assert.deepEqual(
    await csms.call("ChangeConfiguration", { key: "HeartbeatInterval", value: "120" }),
    { status: "Accepted" },
  );
  assert.equal(csms.connectionCount, 1);
  await finish(h, csms.frames);
});
