/**
 * Offline authorization and the reaction to a StartTransaction answered with an idTagInfo that is
 * not Accepted, against a scripted central system on 127.0.0.1 that goes away and comes back
 * (same port), one scenario per OCTT charge point test case (OCPP 1.6 CTT): TC_037_1..3 offline
 * start, TC_038 offline stop, TC_039 offline transaction, TC_007 / TC_008 LocalPreAuthorize with
 * the cache / the list, TC_043 the list sent by the central system used while offline, and a new
 * process deciding offline from the cache and list the previous one learnt. Every frame
 * is checked against the official schemas and the stored log replays to the frames that went on
 * the wire.
 */
import assert from "node:assert/strict";
import { type CsmsReply, ScriptedCsms } from "../support/scripted_csms.ts";
import { assertReplays, type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import type { ChargePointOptions } from "../../core/charge_point.ts";
import { SqliteEventStore } from "../../core/sqlite_event_store.ts";

type Params = Record<string, unknown>;

/** Reconnect waits without jitter: 3 s, 6 s, 12 s... */
const NO_JITTER = {
  RetryBackoffWaitMinimum: "3",
  RetryBackoffRandomRange: "0",
  RetryBackoffRepeatTimes: "2",
};

/** The firmware: records the callbacks the charge point asks for. */
class Firmware {
  readonly calls: [string, ...unknown[]][] = [];
  readonly callbacks: ChargePointOptions["callbacks"] = {
    stopTransaction: (
      connector,
      reason,
    ) => (this.calls.push(["stopTransaction", connector, reason]), true),
    pauseCharging: (connector) => (this.calls.push(["pauseCharging", connector]), true),
  };
}

function idle(h: Harness): Promise<void> {
  return until(
    () =>
      h.cp.state.link === "Open" && h.cp.state.inFlight === undefined &&
      h.cp.state.outbox.size === 0,
    "the charge point's CALLs answered",
  );
}

async function booted(
  csms: ScriptedCsms,
  configuration: Record<string, string>,
  firmware = new Firmware(),
): Promise<Harness> {
  const h = makeChargePoint(csms.url, {
    configuration: { ...NO_JITTER, ...configuration },
    callbacks: firmware.callbacks,
  });
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  await idle(h);
  return h;
}

/** The central system goes away; resolves once the charge point noticed. */
async function goOffline(csms: ScriptedCsms, h: Harness): Promise<void> {
  await csms.stop();
  await until(() => h.cp.state.link === "Disconnected", "link down");
}

/**
 * The central system comes back on the same port (answering `replies`); the charge point's clock
 * moves second by second until its reconnection attempt succeeded (no answer is awaited meanwhile,
 * so the 30 s response timeout is never passed).
 */
async function comeBack(
  port: number,
  h: Harness,
  replies: Record<string, CsmsReply> = {},
): Promise<ScriptedCsms> {
  const back = await ScriptedCsms.start({ port });
  for (const [action, reply] of Object.entries(replies)) back.respond(action, reply);
  const linked = (): boolean => h.cp.state.link === "Open";
  for (let i = 0; i < 30 && !linked(); i++) {
    await until(() => h.cp.state.link !== "Connecting", "connection attempt settled");
    if (!linked()) await h.clock.advance(1000);
  }
  await until(linked, "reconnected");
  return back;
}

async function finish(h: Harness, ...peers: ScriptedCsms[]): Promise<void> {
  await h.cp.stop();
  for (const csms of peers) {
    assertAllValid(csms.frames);
    await csms.stop();
  }
  assertReplays(h);
}

function received(csms: ScriptedCsms, action: string): Params[] {
  return csms.received.filter((c) => c.action === action).map((c) => c.params as Params);
}

function lastStatus(csms: ScriptedCsms, connectorId: number): string | undefined {
  return received(csms, "StatusNotification").filter((p) => p.connectorId === connectorId).at(-1)
    ?.status as string | undefined;
}

function sendLocalList(csms: ScriptedCsms, list: Record<string, Params>): Promise<unknown> {
  return csms.call("SendLocalList", {
    listVersion: 1,
    updateType: "Full",
    localAuthorizationList: Object.entries(list).map(([idTag, idTagInfo]) => ({
      idTag,
      idTagInfo,
    })),
  });
}

/** Plug in, authorize (given), start the transaction, charge. */
function startCharging(h: Harness, idTag: string, meterStartWh = 1000): void {
  const at = new Date(h.clock.now());
  h.cp.onSessionStarted(1, "s-1", "EVConnected");
  h.cp.onTransactionStarted(1, "s-1", idTag, meterStartWh, undefined, at);
  h.cp.onResumeCharging(1);
}

function measure(h: Harness, totalWh: number): void {
  h.cp.onMeterValues(1, {
    powerMeter: { timestamp: new Date(h.clock.now()), energyWhImport: { total: totalWh } },
  });
}

const OFFLINE_START_CONFIG = {
  LocalAuthorizeOffline: "true",
  LocalAuthListEnabled: "true",
  AuthorizationCacheEnabled: "true",
  AllowOfflineTxForUnknownId: "true",
};

Deno.test("TC_037_1_CS Offline start transaction – valid idTag: authorized from the local list, StartTransaction and Charging after reconnect", async () => {
  const csms = await ScriptedCsms.start();
  const port = csms.port;
  const firmware = new Firmware();
  const h = await booted(csms, OFFLINE_START_CONFIG, firmware);
  assert.deepEqual(await sendLocalList(csms, { "TAG-1": { status: "Accepted" } }), {
    status: "Accepted",
  });
  await goOffline(csms, h);

  assert.deepEqual(await h.cp.authorizeIdToken("TAG-1"), { status: "Accepted" });
  startCharging(h, "TAG-1");
  assert.equal(h.cp.connectorStatus(1), "Charging");

  const back = await comeBack(port, h);
  const [start] = await back.waitFor("StartTransaction", 1);
  assert.equal((start?.params as Params).idTag, "TAG-1");
  await idle(h);
  assert.equal(lastStatus(back, 1), "Charging");
  assert.deepEqual(received(back, "Authorize"), [], "no Authorize.req for an offline start");
  assert.deepEqual(firmware.calls, []);
  await finish(h, csms, back);
});

Deno.test("TC_037_2_CS Offline start transaction – invalid idTag, StopTransactionOnInvalidId true: stopped with DeAuthorized after reconnect", async () => {
  const csms = await ScriptedCsms.start();
  const port = csms.port;
  const firmware = new Firmware();
  const h = await booted(
    csms,
    { ...OFFLINE_START_CONFIG, StopTransactionOnInvalidId: "true" },
    firmware,
  );
  await goOffline(csms, h);

  // Unknown offline: accepted by AllowOfflineTxForUnknownId.
  assert.deepEqual(await h.cp.authorizeIdToken("TAG-X"), { status: "Accepted" });
  startCharging(h, "TAG-X");
  measure(h, 1200);

  const back = await comeBack(port, h, {
    StartTransaction: { transactionId: 42, idTagInfo: { status: "Invalid" } },
  });
  await back.waitFor("StartTransaction", 1);
  await until(() => firmware.calls.length > 0, "stopTransaction callback");
  assert.deepEqual(firmware.calls, [["stopTransaction", 1, "DeAuthorized"]]);
  // The firmware stops the transaction as asked.
  h.cp.onTransactionStopped(1, "s-1", "DeAuthorized", new Date(h.clock.now()), 1250);
  const [stop] = await back.waitFor("StopTransaction", 1);
  assert.equal((stop?.params as Params).transactionId, 42);
  assert.equal((stop?.params as Params).reason, "DeAuthorized");
  await idle(h);
  assert.equal(lastStatus(back, 1), "Finishing");
  // The cache learned that TAG-X is Invalid: offline again, it is no longer "unknown".
  assert.equal(h.cp.state.authCache["TAG-X"]?.status, "Invalid");
  await back.stop();
  await until(() => h.cp.state.link === "Disconnected", "link down again");
  assert.deepEqual(await h.cp.authorizeIdToken("TAG-X"), { status: "Invalid" });
  await finish(h, csms, back);
});

Deno.test("TC_037_3_CS Offline start transaction – invalid idTag, StopTransactionOnInvalidId false: charging paused, the transaction goes on", async () => {
  const csms = await ScriptedCsms.start();
  const port = csms.port;
  const firmware = new Firmware();
  const h = await booted(
    csms,
    { ...OFFLINE_START_CONFIG, StopTransactionOnInvalidId: "false" },
    firmware,
  );
  await goOffline(csms, h);
  assert.deepEqual(await h.cp.authorizeIdToken("TAG-X"), { status: "Accepted" });
  startCharging(h, "TAG-X");

  const back = await comeBack(port, h, {
    StartTransaction: { transactionId: 43, idTagInfo: { status: "Blocked" } },
  });
  await back.waitFor("StartTransaction", 1);
  await until(() => firmware.calls.length > 0, "pauseCharging callback");
  assert.deepEqual(firmware.calls, [["pauseCharging", 1]]);
  // The firmware stops the energy delivery: SuspendedEVSE; no StopTransaction.
  h.cp.onSuspendChargingEvse(1);
  await idle(h);
  assert.equal(lastStatus(back, 1), "SuspendedEVSE");
  assert.deepEqual(received(back, "StopTransaction"), []);
  assert.equal(h.cp.state.connectors[1]?.transaction?.deauthorized?.action, "pause");
  // The EV driver ends it later: the StopTransaction carries the real transaction id.
  h.cp.onTransactionStopped(1, "s-1", "Local", new Date(h.clock.now()), 1000, "TAG-X");
  const [stop] = await back.waitFor("StopTransaction", 1);
  assert.equal((stop?.params as Params).transactionId, 43);
  await idle(h);
  await finish(h, csms, back);
});

Deno.test("TC_037_3_CS with MaxEnergyOnInvalidId: charging goes on until 500 Wh were delivered, then pauses", async () => {
  const csms = await ScriptedCsms.start();
  const port = csms.port;
  const firmware = new Firmware();
  const h = await booted(csms, {
    ...OFFLINE_START_CONFIG,
    StopTransactionOnInvalidId: "false",
    MaxEnergyOnInvalidId: "500",
  }, firmware);
  await goOffline(csms, h);
  assert.deepEqual(await h.cp.authorizeIdToken("TAG-X"), { status: "Accepted" });
  startCharging(h, "TAG-X", 10_000);
  measure(h, 10_200); // 200 Wh delivered while offline

  const back = await comeBack(port, h, {
    StartTransaction: { transactionId: 44, idTagInfo: { status: "Invalid" } },
  });
  await back.waitFor("StartTransaction", 1);
  await idle(h);
  assert.deepEqual(firmware.calls, [], "under the limit: still charging");
  assert.equal(h.cp.state.connectors[1]?.transaction?.deauthorized?.action, "limit");
  measure(h, 10_499);
  assert.deepEqual(firmware.calls, []);
  measure(h, 10_500);
  await until(() => firmware.calls.length > 0, "pauseCharging callback");
  assert.deepEqual(firmware.calls, [["pauseCharging", 1]]);
  measure(h, 10_600);
  await idle(h);
  assert.deepEqual(firmware.calls, [["pauseCharging", 1]], "paused once");
  h.cp.onSuspendChargingEvse(1);
  h.cp.onTransactionStopped(1, "s-1", "Local", new Date(h.clock.now()), 10_600, "TAG-X");
  await back.waitFor("StopTransaction", 1);
  await idle(h);
  await finish(h, csms, back);
});

Deno.test("TC_038_CS Offline stop transaction: StopTransaction (Local) with the transaction id after reconnect, once", async () => {
  const csms = await ScriptedCsms.start();
  const port = csms.port;
  const h = await booted(csms, {});
  assert.deepEqual(await h.cp.authorizeIdToken("TAG-1"), { status: "Accepted" });
  startCharging(h, "TAG-1");
  await csms.waitFor("StartTransaction", 1);
  await idle(h);
  await goOffline(csms, h);

  h.cp.onTransactionStopped(1, "s-1", "Local", new Date(h.clock.now()), 1500, "TAG-1");
  assert.equal(h.cp.connectorStatus(1), "Finishing");

  const back = await comeBack(port, h);
  const [stop] = await back.waitFor("StopTransaction", 1);
  await idle(h);
  assert.equal((stop?.params as Params).transactionId, 1);
  assert.equal((stop?.params as Params).reason, "Local");
  assert.equal(received(back, "StopTransaction").length, 1);
  assert.equal(lastStatus(back, 1), "Finishing");
  await finish(h, csms, back);
});

Deno.test("TC_039_CS Offline transaction: authorized from the cache, started and stopped offline; StartTransaction then StopTransaction with its id", async () => {
  const csms = await ScriptedCsms.start();
  const port = csms.port;
  const h = await booted(csms, { ...OFFLINE_START_CONFIG, AllowOfflineTxForUnknownId: "false" });
  // Online once: the answer fills the cache.
  assert.deepEqual(await h.cp.authorizeIdToken("TAG-1"), { status: "Accepted" });
  await goOffline(csms, h);

  assert.deepEqual(await h.cp.authorizeIdToken("TAG-1"), { status: "Accepted" });
  assert.deepEqual(await h.cp.authorizeIdToken("TAG-2"), { status: "Invalid" }, "unknown");
  startCharging(h, "TAG-1");
  measure(h, 1800);
  h.cp.onTransactionStopped(1, "s-1", "Local", new Date(h.clock.now()), 1800, "TAG-1");
  h.cp.onSessionStopped(1, "s-1"); // unplugged

  const back = await comeBack(port, h, {
    StartTransaction: { transactionId: 77, idTagInfo: { status: "Accepted" } },
  });
  await back.waitFor("StopTransaction", 1);
  await idle(h);
  const tx = back.received.filter((c) =>
    c.action === "StartTransaction" || c.action === "StopTransaction"
  );
  assert.deepEqual(tx.map((c) => c.action), ["StartTransaction", "StopTransaction"]);
  assert.equal((tx[1]?.params as Params).transactionId, 77);
  assert.equal((tx[1]?.params as Params).reason, "Local");
  assert.equal(lastStatus(back, 1), "Available");
  await finish(h, csms, back);
});

Deno.test("TC_043_CS Send Local Authorization List (Full, then Differential): the list decides while offline", async () => {
  const csms = await ScriptedCsms.start();
  const h = await booted(csms, { AllowOfflineTxForUnknownId: "true" });
  assert.deepEqual(
    await sendLocalList(csms, {
      "TAG-1": { status: "Accepted", parentIdTag: "FLEET" },
      "TAG-2": { status: "Accepted" },
    }),
    { status: "Accepted" },
  );
  assert.deepEqual(
    await csms.call("SendLocalList", {
      listVersion: 2,
      updateType: "Differential",
      localAuthorizationList: [
        { idTag: "TAG-2", idTagInfo: { status: "Blocked" } },
        { idTag: "TAG-3", idTagInfo: { status: "Accepted", expiryDate: "2020-01-01T00:00:00Z" } },
      ],
    }),
    { status: "Accepted" },
  );
  await goOffline(csms, h);
  assert.deepEqual(await h.cp.authorizeIdToken("tag-1"), {
    status: "Accepted",
    parentIdTag: "FLEET",
  });
  assert.deepEqual(await h.cp.authorizeIdToken("TAG-2"), { status: "Blocked" });
  assert.deepEqual(await h.cp.authorizeIdToken("TAG-3"), {
    status: "Expired",
    expiryDate: "2020-01-01T00:00:00Z",
  });
  assert.deepEqual(await h.cp.authorizeIdToken("TAG-4"), { status: "Accepted" }, "unknown");
  await finish(h, csms);
});

Deno.test("TC_008_CS Regular start charging session – id in the Local Authorization List (LocalPreAuthorize): no Authorize.req", async () => {
  await using csms = await ScriptedCsms.start();
  const h = await booted(csms, {
    LocalPreAuthorize: "true",
    AuthorizationCacheEnabled: "false",
    LocalAuthListEnabled: "true",
  });
  assert.deepEqual(await csms.call("GetLocalListVersion", {}), { listVersion: 0 });
  assert.deepEqual(await sendLocalList(csms, { "TAG-1": { status: "Accepted" } }), {
    status: "Accepted",
  });
  assert.deepEqual(await h.cp.authorizeIdToken("TAG-1"), { status: "Accepted" });
  startCharging(h, "TAG-1");
  await csms.waitFor("StartTransaction", 1);
  await idle(h);
  assert.equal(lastStatus(csms, 1), "Charging");
  assert.deepEqual(received(csms, "Authorize"), []);
  // An idTag that is not in the list is asked for.
  assert.deepEqual(await h.cp.authorizeIdToken("TAG-2"), { status: "Accepted" });
  assert.deepEqual(received(csms, "Authorize"), [{ idTag: "TAG-2" }]);
  await finish(h, csms);
});

Deno.test("TC_007_CS Regular start charging session – cached id (LocalPreAuthorize): no Authorize.req until the entry expires", async () => {
  await using csms = await ScriptedCsms.start();
  const h = await booted(csms, { LocalPreAuthorize: "true", AuthorizationCacheEnabled: "true" });
  // Expiry in the central system's time, 10 s from now.
  const expiry = new Date(h.clock.now() + h.cp.state.timeOffsetMs + 10_000).toISOString();
  csms.respond("Authorize", { idTagInfo: { status: "Accepted", expiryDate: expiry } });
  const accepted = { status: "Accepted", expiryDate: expiry };
  assert.deepEqual(await h.cp.authorizeIdToken("TAG-1"), accepted);
  assert.equal(received(csms, "Authorize").length, 1);
  // Presented again: from the cache, no Authorize.req.
  assert.deepEqual(await h.cp.authorizeIdToken("TAG-1"), accepted);
  assert.equal(received(csms, "Authorize").length, 1);
  // Expired: the central system is asked again.
  await h.clock.advance(10_000);
  csms.respond("Authorize", { idTagInfo: { status: "Accepted" } });
  assert.deepEqual(await h.cp.authorizeIdToken("TAG-1"), { status: "Accepted" });
  assert.equal(received(csms, "Authorize").length, 2);
  // Valid again (no expiry): the session starts without a further Authorize.req.
  assert.deepEqual(await h.cp.authorizeIdToken("TAG-1"), { status: "Accepted" });
  startCharging(h, "TAG-1");
  await csms.waitFor("StartTransaction", 1);
  await idle(h);
  assert.equal(lastStatus(csms, 1), "Charging");
  assert.equal(received(csms, "Authorize").length, 2);
  await finish(h, csms);
});

Deno.test("Authorize unanswered within the response timeout: decided offline at that moment (cache, then AllowOfflineTxForUnknownId)", async () => {
  await using csms = await ScriptedCsms.start();
  const h = await booted(csms, { AuthorizationCacheEnabled: "true" });
  assert.deepEqual(await h.cp.authorizeIdToken("TAG-1"), { status: "Accepted" });
  csms.respond("Authorize", { noReply: true });
  const pending = h.cp.authorizeIdToken("TAG-1");
  await csms.waitFor("Authorize", 2);
  await h.clock.advance(30_000);
  assert.deepEqual(await pending, { status: "Accepted" }, "from the cache");
  const unknown = h.cp.authorizeIdToken("TAG-2");
  await csms.waitFor("Authorize", 3);
  await h.clock.advance(30_000);
  assert.deepEqual(
    await unknown,
    { status: "Invalid" },
    "unknown, AllowOfflineTxForUnknownId false",
  );
  csms.respond("Authorize", { error: { code: "InternalError" } });
  await h.cp.authorizeIdToken("TAG-1").then((info) => assert.equal(info.status, "Accepted"));
  await finish(h, csms);
});

Deno.test("Offline authorization after a restart: a new process on the same SQLite store, the central system down, decides from the cache and the local list the previous process learnt", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/cp.sqlite`;
  const configuration = { ...OFFLINE_START_CONFIG, AllowOfflineTxForUnknownId: "false" };
  try {
    const csms = await ScriptedCsms.start();
    csms.respond("Authorize", (call) => ({
      idTagInfo: (call.params as Params).idTag === "TAG-C"
        ? { status: "Accepted", parentIdTag: "FLEET" }
        : { status: "Blocked" },
    }));
    const first = makeChargePoint(csms.url, {
      store: new SqliteEventStore(path),
      configuration: { ...NO_JITTER, ...configuration },
    });
    await first.cp.start();
    await csms.waitFor("StatusNotification", 3);
    await idle(first);
    assert.deepEqual(await first.cp.authorizeIdToken("TAG-C"), {
      status: "Accepted",
      parentIdTag: "FLEET",
    });
    assert.deepEqual(await first.cp.authorizeIdToken("TAG-B"), { status: "Blocked" });
    assert.deepEqual(await sendLocalList(csms, { "TAG-L": { status: "Accepted" } }), {
      status: "Accepted",
    });
    await first.cp.stop();
    first.store.close();
    assertAllValid(csms.frames);
    await csms.stop();

    // The next process: its own store handle on the file, no central system to ask.
    const store = new SqliteEventStore(path);
    const next = makeChargePoint(csms.url, {
      store,
      configuration: { ...NO_JITTER, ...configuration },
    });
    try {
      await next.cp.start();
      await until(() => next.cp.state.link === "Disconnected", "the connection attempt failed");
      assert.deepEqual(await next.cp.authorizeIdToken("tag-c"), {
        status: "Accepted",
        parentIdTag: "FLEET",
      }, "from the cache");
      assert.deepEqual(await next.cp.authorizeIdToken("TAG-B"), { status: "Blocked" }, "cache");
      assert.deepEqual(await next.cp.authorizeIdToken("TAG-L"), { status: "Accepted" }, "list");
      assert.deepEqual(await next.cp.authorizeIdToken("TAG-U"), { status: "Invalid" }, "unknown");
      assert.deepEqual(next.sent, [], "nothing was sent: decided offline");
      await next.cp.stop();
      assertReplays(next, { before: [first] });
    } finally {
      store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
