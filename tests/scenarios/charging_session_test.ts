/**
 * Every handler of the contract against an independent central system: the npm `ocpp-rpc` server
 * in strict mode (official OCPP 1.6 schemas), run under Node on 127.0.0.1. Every frame the charge
 * point sends is also checked against the official schemas here, and the stored log replays to
 * the same states, event by event, and the same frames, byte for byte; also from a real SQLite
 * file opened again after the run.
 */
import assert from "node:assert/strict";
import { RpcCsms } from "../support/rpc_csms.ts";
import { assertReplays, type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import type { EventStore } from "../../core/event_store.ts";
import { SqliteEventStore } from "../../core/sqlite_event_store.ts";

type Params = Record<string, unknown>;

/** Runs the whole session on `store` (default: memory) and checks the wire; the charge point is stopped. */
async function fullSession(store?: EventStore): Promise<Harness> {
  await using csms = await RpcCsms.start();
  const unlocked: number[] = [];
  const h = makeChargePoint(csms.url, {
    ...(store === undefined ? {} : { store }),
    configuration: {
      MeterValueSampleInterval: "60",
      MeterValuesSampledData:
        "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,Current.Offered,Power.Offered,SoC,Temperature",
      UnlockConnectorOnEVSideDisconnect: "true",
    },
    callbacks: { unlockConnector: (c) => (unlocked.push(c), "Unlocked") },
  });
  const cp = h.cp;
  const at = () => new Date(h.clock.now());
  const statuses = () =>
    csms.received.filter((c) => c.action === "StatusNotification").map((c) => c.params as Params);
  const lastStatus = (connectorId: number) =>
    statuses().filter((p) => p.connectorId === connectorId).at(-1);
  const paramsOf = (action: string) =>
    csms.received.filter((c) => c.action === action).map((c) => c.params as Params);

  await cp.start();
  await csms.waitFor("StatusNotification", 3);
  assert.equal(csms.connections[0]?.protocol, "ocpp1.6");
  assert.equal(csms.connections[0]?.identity, "CP-1");

  // Plug in, authorize, start.
  cp.onSessionStarted(1, "s-1", "EVConnected");
  await csms.waitFor("StatusNotification", 4);
  assert.deepEqual([lastStatus(1)?.status, lastStatus(1)?.info], ["Preparing", "EVConnected"]);
  const info = await cp.authorizeIdToken("TAG-0001");
  assert.equal(info.status, "Accepted");
  cp.onMaxCurrentOffered(1, 32);
  cp.onMaxPowerOffered(1, 22000);
  cp.onMeterValues(1, {
    powerMeter: {
      timestamp: at(),
      energyWhImport: { total: 1000, L1: 400, L2: 300, L3: 300 },
      powerW: { total: 11000 },
      currentA: { L1: 16, L2: 16, L3: 16 },
      voltageV: { L1: 230, L2: 231, L3: 229 },
    },
    socPercent: { value: 42 },
    temperatureC: [{ value: 35, location: "Body" }],
  });
  cp.onTransactionStarted(1, "s-1", "TAG-0001", 1000, undefined, at());
  await csms.waitFor("StartTransaction", 1);
  const start = csms.received.find((c) => c.action === "StartTransaction")?.params as Params;
  assert.deepEqual({ ...start, timestamp: undefined }, {
    connectorId: 1,
    idTag: "TAG-0001",
    meterStart: 1000,
    timestamp: undefined,
  });
  cp.onResumeCharging(1);
  await until(() => lastStatus(1)?.status === "Charging", "Charging");

  // Periodic meter values, one sample interval apart, with the CSMS transaction id.
  // Each answer arrives (real I/O) before the clock passes the 30 s response timeout.
  await h.clock.advance(60_000);
  await csms.waitFor("MeterValues", 1);
  await until(() => h.cp.state.inFlight === undefined, "MeterValues answered");
  // A fresh reading: one older than the sample interval is not sent as a new sample.
  cp.onMeterValues(1, { powerMeter: { timestamp: at(), energyWhImport: { total: 2100 } } });
  await h.clock.advance(60_000);
  await csms.waitFor("MeterValues", 2);
  const mv = csms.received.filter((c) => c.action === "MeterValues").map((c) => c.params as Params);
  assert.ok(mv.every((p) => p.transactionId === 1 && p.connectorId === 1));
  const stamps = mv.map((p) => Date.parse((p.meterValue as { timestamp: string }[])[0]!.timestamp));
  assert.equal(stamps[1]! - stamps[0]!, 60_000);
  const measurands = new Set(
    (mv[0]!.meterValue as { sampledValue: { measurand: string }[] }[])[0]!.sampledValue.map((s) =>
      s.measurand
    ),
  );
  for (
    const m of [
      "Energy.Active.Import.Register",
      "Current.Offered",
      "Power.Offered",
      "SoC",
      "Temperature",
    ]
  ) {
    assert.ok(measurands.has(m), `${m} sampled`);
  }

  // Suspend and resume, fault and clear.
  cp.onSuspendChargingEv(1, "EV paused");
  await until(() => lastStatus(1)?.status === "SuspendedEV", "SuspendedEV");
  cp.onSuspendChargingEvse(1);
  await until(() => lastStatus(1)?.status === "SuspendedEVSE", "SuspendedEVSE");
  cp.onResumeCharging(1);
  await until(() => lastStatus(1)?.status === "Charging", "Charging again");
  cp.onError(1, {
    uuid: "e-1",
    errorCode: "HighTemperature",
    isFault: true,
    info: "cable hot",
    vendorId: "Acme",
    vendorErrorCode: "T42",
  });
  await until(() => lastStatus(1)?.status === "Faulted", "Faulted");
  assert.deepEqual(
    [
      lastStatus(1)?.errorCode,
      lastStatus(1)?.info,
      lastStatus(1)?.vendorId,
      lastStatus(1)?.vendorErrorCode,
    ],
    ["HighTemperature", "cable hot", "Acme", "T42"],
  );
  cp.onError(1, { uuid: "e-2", errorCode: "WeakSignal", isFault: false });
  cp.onErrorCleared(1, "e-1");
  await until(
    () => lastStatus(1)?.status === "Charging" && lastStatus(1)?.errorCode === "WeakSignal",
    "fault cleared",
  );
  cp.onAllErrorsCleared(1);
  await until(() => lastStatus(1)?.errorCode === "NoError", "all cleared");

  // Stop by the user, unplug.
  cp.onTransactionStopped(1, "s-1", "Local", at(), 1420.4, "TAG-0001");
  await csms.waitFor("StopTransaction", 1);
  const stop = csms.received.find((c) => c.action === "StopTransaction")?.params as Params;
  assert.deepEqual([stop.transactionId, stop.meterStop, stop.reason, stop.idTag], [
    1,
    1420,
    "Local",
    "TAG-0001",
  ]);
  await until(() => lastStatus(1)?.status === "Finishing", "Finishing");
  cp.onSessionStopped(1, "s-1");
  await until(() => lastStatus(1)?.status === "Available", "Available");

  // Second connector: a session ended by the EV unplugging (no Finishing), unlock on EV side disconnect.
  cp.onSessionStarted(2, "s-2", "Authorized");
  cp.onTransactionStarted(2, "s-2", "TAG-0002", 0, undefined, at());
  cp.onResumeCharging(2);
  cp.onTransactionStopped(2, "s-2", "EVDisconnected", at(), 10);
  cp.onSessionStopped(2, "s-2");
  await csms.waitFor("StopTransaction", 2);
  await until(() => lastStatus(2)?.status === "Available", "connector 2 Available");
  assert.ok(!statuses().some((p) => p.connectorId === 2 && p.status === "Finishing"));
  await until(() => unlocked.length === 1, "unlockConnector callback");
  assert.deepEqual(unlocked, [2]);

  // Reservation, availability, plug-in timeout.
  cp.onReservationStart(2);
  await until(() => lastStatus(2)?.status === "Reserved", "Reserved");
  cp.onReservationEnd(2);
  await until(() => lastStatus(2)?.status === "Available", "reservation ended");
  cp.onDisabled(2);
  await until(() => lastStatus(2)?.status === "Unavailable", "Unavailable");
  cp.onEnabled(2);
  await until(() => lastStatus(2)?.status === "Available", "enabled");
  cp.onSessionStarted(2, "s-3", "EVConnected");
  cp.onPluginTimeout(2);
  await until(
    () => lastStatus(2)?.status === "Finishing" && lastStatus(2)?.info === "ConnectionTimeout",
    "timeout",
  );
  cp.onSessionStopped(2, "s-3");
  assert.deepEqual(cp.onChangeAvailability({ connectorId: 2, type: "Inoperative" }), {
    status: "Accepted",
  });
  await until(() => lastStatus(2)?.status === "Unavailable", "Inoperative");
  assert.deepEqual(cp.onChangeAvailability({ connectorId: 2, type: "Operative" }), {
    status: "Accepted",
  });
  assert.deepEqual(cp.onChangeAvailability({ connectorId: 7, type: "Operative" }), {
    status: "Rejected",
  });

  // Connector 0 errors.
  cp.onError(0, { uuid: "z", errorCode: "PowerMeterFailure", isFault: true });
  await until(() => lastStatus(0)?.status === "Faulted", "connector 0 Faulted");
  cp.onErrorCleared(0, "z");
  await until(() => lastStatus(0)?.status === "Available", "connector 0 cleared");

  // Diagnostics, logs, firmware, security events, data transfer.
  cp.onLogStatusNotification(-1, "Uploading");
  cp.onLogStatusNotification(-1, "UploadFailure");
  cp.onLogStatusNotification(7, "Uploaded");
  cp.onFirmwareUpdateStatusNotification(-1, "Downloading");
  cp.onFirmwareUpdateStatusNotification(9, "SignatureVerified");
  cp.onSecurityEvent("TamperDetectionActivated", "lid opened");
  cp.onSecurityEvent("InvalidMessages", "not critical: only logged");
  await csms.waitFor("DiagnosticsStatusNotification", 2);
  await csms.waitFor("LogStatusNotification", 1);
  await csms.waitFor("FirmwareStatusNotification", 1);
  await csms.waitFor("SignedFirmwareStatusNotification", 1);
  await csms.waitFor("SecurityEventNotification", 2);
  const diag = csms.received.filter((c) => c.action === "DiagnosticsStatusNotification").map((c) =>
    (c.params as Params).status
  );
  assert.deepEqual(diag, ["Uploading", "UploadFailed"]);
  assert.deepEqual(csms.received.find((c) => c.action === "LogStatusNotification")?.params, {
    status: "Uploaded",
    requestId: 7,
  });
  assert.deepEqual(
    csms.received.find((c) => c.action === "SignedFirmwareStatusNotification")?.params,
    {
      status: "SignatureVerified",
      requestId: 9,
    },
  );
  const dt = await cp.dataTransfer("com.acme", "ping", "hello");
  assert.deepEqual(dt, { status: "Accepted" });
  await until(
    () => h.cp.state.outbox.size === 0 && h.cp.state.inFlight === undefined,
    "everything delivered",
  );
  // StartupOfTheDevice (critical, raised by start) and TamperDetectionActivated; not InvalidMessages.
  assert.deepEqual(
    paramsOf("SecurityEventNotification").map((p) => p.type),
    ["StartupOfTheDevice", "TamperDetectionActivated"],
    "only the critical events are sent",
  );

  await cp.stop();
  for (const call of csms.received) {
    assert.equal(
      call.validationError,
      undefined,
      `${call.action} rejected by ocpp-rpc strict mode`,
    );
  }
  assertAllValid(csms.frames);
  return h;
}

Deno.test("a full session, every handler, against ocpp-rpc in strict mode", async () => {
  const h = await fullSession();
  const replayed = assertReplays(h);
  assert.deepEqual(replayed.connectors, { 0: "Available", 1: "Available", 2: "Available" });
});

Deno.test("the full session on a SQLite file: the file opened again replays to the same states and frames", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ocpp16-session-" });
  try {
    const path = `${dir}/CP-1.sqlite`;
    const store = new SqliteEventStore(path);
    const h = await fullSession(store);
    const events = store.lastSeq();
    store.close();
    const reopened = new SqliteEventStore(path, { readOnly: true });
    try {
      assert.equal(reopened.lastSeq(), events);
      const replayed = assertReplays(h, { store: reopened });
      assert.equal(replayed.events, events);
      assert.deepEqual(replayed.connectors, { 0: "Available", 1: "Available", 2: "Available" });
    } finally {
      reopened.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
