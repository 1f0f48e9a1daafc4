/**
 * TriggerMessage (OCPP 1.6 §5.17) against the independent `ocpp-rpc` peer in strict mode: the
 * TriggerMessage.conf goes out first, then the requested message; Rejected for a connector out of
 * range or MeterValues without a measurement; allowed while the registration is Pending; a
 * triggered BootNotification while Accepted. Every frame is checked against the official schemas
 * and the stored log replays to the frames on the wire, byte for byte.
 */
import assert from "node:assert/strict";
import { RpcCallError, RpcCsms } from "../support/rpc_csms.ts";
import { CsmsCallError, ScriptedCsms } from "../support/scripted_csms.ts";
import { assertReplays, type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import type { Measurement } from "../../events/measurement.ts";
import type { ChargePointCallbacks } from "../../core/charge_point.ts";

type Params = Record<string, unknown>;
type Csms = RpcCsms | ScriptedCsms;

async function boot(h: Harness, csms: Csms): Promise<void> {
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  await until(
    () => h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0,
    "boot answered",
  );
}

function calls(csms: RpcCsms, action: string): Params[] {
  return csms.received.filter((c) => c.action === action).map((c) => c.params as Params);
}

async function finish(h: Harness, csms: Csms): Promise<void> {
  await h.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h);
}

function measurement(h: Harness, wh: number): Measurement {
  return {
    powerMeter: {
      timestamp: new Date(h.clock.now()),
      energyWhImport: { total: wh },
      powerW: { total: 7400 },
    },
  };
}

/** Triggers `requestedMessage`; checks the answer and that it went out before what it triggered. */
async function trigger(
  csms: RpcCsms,
  params: Params,
  expected: { status: string; sends?: string; count?: number },
): Promise<Params[]> {
  const action = expected.sends ?? String(params.requestedMessage);
  const before = calls(csms, action).length;
  const answer = await csms.call("CP-1", "TriggerMessage", params);
  assert.deepEqual(answer, { status: expected.status }, JSON.stringify(params));
  if (expected.status !== "Accepted") return [];
  const count = expected.count ?? 1;
  await csms.waitFor(action, before + count);
  // The CALLRESULT is on the wire before the triggered CALL.
  const texts = csms.frames.filter((f) => f.dir === "fromCp").map((f) => f.text);
  const result = texts.findLastIndex((t) => t.startsWith("[3,") && t.includes('"status"'));
  const triggered = texts.findLastIndex((t) => t.startsWith("[2,") && t.includes(`"${action}"`));
  assert.ok(result >= 0 && result < triggered, `${action}: answer first`);
  return calls(csms, action).slice(before);
}

/** Firmware management callbacks that are never called here: the charge point has the profile. */
const FIRMWARE_MANAGEMENT: ChargePointCallbacks = {
  uploadDiagnostics: () => ({ fileName: "diagnostics.tar.gz" }),
  updateFirmware: () => {},
};

Deno.test("TC_054_CS Trigger message", async () => {
  await using csms = await RpcCsms.start();
  const h = makeChargePoint(csms.url, {
    configuration: { MeterValuesSampledData: "Energy.Active.Import.Register,Power.Active.Import" },
    callbacks: FIRMWARE_MANAGEMENT,
  });
  await boot(h, csms);
  h.cp.onMeterValues(1, measurement(h, 1234));

  const [mv] = await trigger(csms, { requestedMessage: "MeterValues", connectorId: 1 }, {
    status: "Accepted",
  });
  assert.equal(mv?.connectorId, 1);
  assert.equal(mv?.transactionId, undefined, "no transaction");
  const sampled = (mv?.meterValue as { sampledValue: Params[] }[])[0]?.sampledValue ?? [];
  assert.deepEqual(sampled.map((s) => [s.measurand, s.context, s.value]), [
    ["Energy.Active.Import.Register", "Trigger", "1234.00"],
    ["Power.Active.Import", "Trigger", "7400.00"],
  ]);

  await trigger(csms, { requestedMessage: "Heartbeat" }, { status: "Accepted" });

  const [sn] = await trigger(csms, { requestedMessage: "StatusNotification", connectorId: 1 }, {
    status: "Accepted",
  });
  assert.deepEqual([sn?.connectorId, sn?.status, sn?.errorCode], [1, "Available", "NoError"]);

  const [diag] = await trigger(csms, { requestedMessage: "DiagnosticsStatusNotification" }, {
    status: "Accepted",
  });
  assert.deepEqual(diag, { status: "Idle" });
  h.cp.onLogStatusNotification(-1, "Uploading");
  await csms.waitFor("DiagnosticsStatusNotification", 2);
  const [diag2] = await trigger(csms, { requestedMessage: "DiagnosticsStatusNotification" }, {
    status: "Accepted",
  });
  assert.deepEqual(diag2, { status: "Uploading" }, "the last status");

  const [fw] = await trigger(csms, { requestedMessage: "FirmwareStatusNotification" }, {
    status: "Accepted",
  });
  assert.deepEqual(fw, { status: "Idle" });
  h.cp.onFirmwareUpdateStatusNotification(-1, "Downloading");
  await csms.waitFor("FirmwareStatusNotification", 2);
  const [fw2] = await trigger(csms, { requestedMessage: "FirmwareStatusNotification" }, {
    status: "Accepted",
  });
  assert.deepEqual(fw2, { status: "Downloading" });
  await finish(h, csms);
});

Deno.test("TC_055_CS Trigger message – rejected: connector out of range, no measurement; nothing is sent", async () => {
  await using csms = await RpcCsms.start();
  const h = makeChargePoint(csms.url);
  await boot(h, csms);
  const sentBefore = csms.received.length;
  const rejected = { status: "Rejected" };
  await trigger(csms, { requestedMessage: "MeterValues", connectorId: 3 }, rejected);
  await trigger(csms, { requestedMessage: "StatusNotification", connectorId: 3 }, rejected);
  await trigger(csms, { requestedMessage: "StatusNotification", connectorId: -1 }, rejected);
  await trigger(csms, { requestedMessage: "MeterValues" }, rejected);
  h.cp.onMeterValues(2, measurement(h, 10));
  await trigger(csms, { requestedMessage: "MeterValues", connectorId: 1 }, rejected);
  assert.equal(csms.received.length, sentBefore, "nothing triggered");
  // For a message without a connector the connectorId is not relevant: ignored.
  await trigger(csms, { requestedMessage: "Heartbeat", connectorId: 7 }, { status: "Accepted" });
  await finish(h, csms);
});

Deno.test("TriggerMessage NotImplemented: Diagnostics/FirmwareStatusNotification of a charge point without firmware management; nothing is sent", async () => {
  await using csms = await RpcCsms.start();
  const h = makeChargePoint(csms.url);
  await boot(h, csms);
  const notImplemented = { status: "NotImplemented" };
  const before = csms.received.length;
  await trigger(csms, { requestedMessage: "DiagnosticsStatusNotification" }, notImplemented);
  await trigger(csms, { requestedMessage: "FirmwareStatusNotification" }, notImplemented);
  await trigger(
    csms,
    { requestedMessage: "FirmwareStatusNotification", connectorId: 1 },
    notImplemented,
  );
  assert.equal(csms.received.length, before, "nothing triggered");
  await finish(h, csms);

  // Only an upload: diagnostics statuses exist, firmware statuses do not.
  await using csms2 = await RpcCsms.start();
  const h2 = makeChargePoint(csms2.url, {
    callbacks: { uploadDiagnostics: FIRMWARE_MANAGEMENT.uploadDiagnostics },
  });
  await boot(h2, csms2);
  await trigger(csms2, { requestedMessage: "DiagnosticsStatusNotification" }, {
    status: "Accepted",
  });
  await trigger(csms2, { requestedMessage: "FirmwareStatusNotification" }, notImplemented);
  await until(() => h2.cp.state.inFlight === undefined, "answered");
  await finish(h2, csms2);
});

Deno.test("TriggerMessage of every message with and without connectorId: the connectorId matters only to MeterValues and StatusNotification", async () => {
  await using csms = await RpcCsms.start();
  const h = makeChargePoint(csms.url, { callbacks: FIRMWARE_MANAGEMENT });
  await boot(h, csms);
  h.cp.onMeterValues(2, measurement(h, 77));
  // [requestedMessage, connectorId, answer, messages sent, connectorIds of what was sent]
  const cases: [string, number | undefined, string, number, (number | undefined)[]][] = [
    ["BootNotification", undefined, "Accepted", 1, [undefined]],
    ["BootNotification", 2, "Accepted", 1, [undefined]],
    ["DiagnosticsStatusNotification", undefined, "Accepted", 1, [undefined]],
    ["DiagnosticsStatusNotification", 1, "Accepted", 1, [undefined]],
    ["FirmwareStatusNotification", undefined, "Accepted", 1, [undefined]],
    ["FirmwareStatusNotification", 0, "Accepted", 1, [undefined]],
    ["Heartbeat", undefined, "Accepted", 1, [undefined]],
    ["Heartbeat", 2, "Accepted", 1, [undefined]],
    ["MeterValues", undefined, "Accepted", 1, [2]],
    ["MeterValues", 2, "Accepted", 1, [2]],
    ["MeterValues", 1, "Rejected", 0, []],
    ["MeterValues", 3, "Rejected", 0, []],
    ["StatusNotification", undefined, "Accepted", 3, [0, 1, 2]],
    ["StatusNotification", 0, "Accepted", 1, [0]],
    ["StatusNotification", 2, "Accepted", 1, [2]],
    ["StatusNotification", 3, "Rejected", 0, []],
  ];
  for (const [requestedMessage, connectorId, status, count, ids] of cases) {
    const params: Params = connectorId === undefined
      ? { requestedMessage }
      : { requestedMessage, connectorId };
    const sent = await trigger(csms, params, { status, count });
    assert.deepEqual(sent.map((p) => p.connectorId), ids, JSON.stringify(params));
    await until(
      () => h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0,
      "answered",
    );
  }
  assert.equal(h.cp.state.registration, "Accepted");
  await finish(h, csms);
});

Deno.test("TriggerMessage when RemoteTrigger is left out of SupportedFeatureProfiles: CALLERROR NotSupported", async () => {
  await using csms = await RpcCsms.start();
  const h = makeChargePoint(csms.url, {
    configuration: { SupportedFeatureProfiles: "Core,Reservation" },
  });
  await boot(h, csms);
  const error = await csms.call("CP-1", "TriggerMessage", { requestedMessage: "Heartbeat" }).then(
    () => assert.fail("answered with a CALLRESULT"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RpcCallError, String(error));
  assert.equal(error.code, "NotSupported");
  assert.deepEqual(calls(csms, "Heartbeat"), []);
  // The charge point keeps working.
  assert.deepEqual(await csms.call("CP-1", "ClearCache", {}), { status: "Rejected" });
  await finish(h, csms);
});

Deno.test("TriggerMessage without connectorId: StatusNotification of connectors 0..n, MeterValues of every measured connector", async () => {
  await using csms = await RpcCsms.start();
  const h = makeChargePoint(csms.url);
  await boot(h, csms);
  h.cp.onError(2, {
    uuid: "w-1",
    errorCode: "WeakSignal",
    isFault: false,
    info: "antenna",
    vendorId: "Acme",
  });
  h.cp.onError(0, { uuid: "f-0", errorCode: "PowerMeterFailure", isFault: true });
  await csms.waitFor("StatusNotification", 5);
  const statuses = await trigger(csms, { requestedMessage: "StatusNotification" }, {
    status: "Accepted",
    count: 3,
  });
  assert.deepEqual(
    statuses.map((p) => [p.connectorId, p.status, p.errorCode, p.info, p.vendorId]),
    [
      [0, "Faulted", "PowerMeterFailure", undefined, undefined],
      [1, "Available", "NoError", undefined, undefined],
      [2, "Available", "WeakSignal", "antenna", "Acme"],
    ],
  );

  // A transaction on connector 1: its triggered MeterValues carry the transaction id.
  h.cp.onSessionStarted(1, "s-1", "EVConnected");
  h.cp.onTransactionStarted(1, "s-1", "TAG-1", 0, undefined, new Date(h.clock.now()));
  await csms.waitFor("StartTransaction");
  await until(() => Object.keys(h.cp.state.transactionIds).length === 1, "transaction id");
  h.cp.onMeterValues(0, measurement(h, 500_000));
  h.cp.onMeterValues(1, measurement(h, 42));
  const meterValues = await trigger(csms, { requestedMessage: "MeterValues" }, {
    status: "Accepted",
    count: 2,
  });
  assert.deepEqual(meterValues.map((p) => [p.connectorId, p.transactionId]), [
    [0, undefined],
    [1, 1],
  ]);
  await finish(h, csms);
});

Deno.test("Triggered BootNotification while Accepted: the answer updates the interval; Pending makes the charge point boot again", async () => {
  await using csms = await RpcCsms.start();
  const now = () => new Date().toISOString();
  csms.respond("BootNotification", [
    { status: "Accepted", currentTime: now(), interval: 300 },
    { status: "Accepted", currentTime: now(), interval: 120 },
    { status: "Pending", currentTime: now(), interval: 10 },
    { status: "Accepted", currentTime: now(), interval: 300 },
  ]);
  const h = makeChargePoint(csms.url);
  await boot(h, csms);

  await trigger(csms, { requestedMessage: "BootNotification" }, { status: "Accepted" });
  await until(() => h.cp.state.config.HeartbeatInterval === "120", "interval taken");
  assert.equal(h.cp.state.registration, "Accepted");
  // Nothing rebooted: no new round of StatusNotifications.
  assert.equal(calls(csms, "StatusNotification").length, 3);

  await trigger(csms, { requestedMessage: "BootNotification" }, { status: "Accepted" });
  await until(() => h.cp.state.registration === "Pending", "Pending");
  h.cp.onSessionStarted(1, "s-1", "EVConnected");
  assert.equal(calls(csms, "StatusNotification").length, 3, "not sent while Pending");
  await h.clock.advance(10_000);
  await csms.waitFor("BootNotification", 4);
  await csms.waitFor("StatusNotification", 6);
  assert.equal(h.cp.state.registration, "Accepted");
  assert.deepEqual(
    calls(csms, "StatusNotification").slice(3).map((p) => [p.connectorId, p.status]),
    [[0, "Available"], [1, "Preparing"], [2, "Available"]],
  );
  await finish(h, csms);
});

Deno.test("TriggerMessage while the registration is Pending: answered and sent; a triggered BootNotification can end Pending", async () => {
  await using csms = await RpcCsms.start();
  const now = () => new Date().toISOString();
  csms.respond("BootNotification", [
    { status: "Pending", currentTime: now(), interval: 300 },
    { status: "Accepted", currentTime: now(), interval: 300 },
  ]);
  const h = makeChargePoint(csms.url);
  await h.cp.start();
  await until(() => h.cp.state.registration === "Pending", "Pending");
  const statuses = await trigger(csms, { requestedMessage: "StatusNotification" }, {
    status: "Accepted",
    count: 3,
  });
  assert.deepEqual(statuses.map((p) => p.connectorId), [0, 1, 2]);
  await trigger(csms, { requestedMessage: "Heartbeat" }, { status: "Accepted" });
  await until(() => h.cp.state.inFlight === undefined, "answered");
  assert.equal(h.cp.state.registration, "Pending");

  await trigger(csms, { requestedMessage: "BootNotification" }, { status: "Accepted" });
  await until(() => h.cp.state.registration === "Accepted", "Accepted");
  // Now registered: the status of every connector, as after any accepted boot.
  await csms.waitFor("StatusNotification", 6);
  assert.equal(calls(csms, "BootNotification").length, 2);
  await finish(h, csms);
});

Deno.test("schema-invalid TriggerMessage: the right CALLERROR, and the charge point keeps working", async () => {
  await using csms = await ScriptedCsms.start();
  const h = makeChargePoint(csms.url);
  await boot(h, csms);
  const cases: [unknown, string][] = [
    [{}, "OccurenceConstraintViolation"],
    [{ requestedMessage: "StartTransaction" }, "FormationViolation"],
    [{ requestedMessage: "Heartbeat", connectorId: "1" }, "TypeConstraintViolation"],
    [{ requestedMessage: "Heartbeat", now: true }, "PropertyConstraintViolation"],
  ];
  for (const [payload, code] of cases) {
    const error = await csms.call("TriggerMessage", payload).then(() => undefined, (e) => e);
    assert.ok(error instanceof CsmsCallError, `${JSON.stringify(payload)}: ${error}`);
    assert.equal(error.code, code, JSON.stringify(payload));
  }
  assert.deepEqual(await csms.call("TriggerMessage", { requestedMessage: "Heartbeat" }), {
    status: "Accepted",
  });
  await csms.waitFor("Heartbeat");
  await finish(h, csms);
});
