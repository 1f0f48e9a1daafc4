/**
 * Core remote control from the central system, against the independent `ocpp-rpc` peer in strict
 * mode: RemoteStartTransaction, RemoteStopTransaction, UnlockConnector and ClearCache, named after
 * the OCTT charge point test cases where one exists. The firmware callbacks act like firmware
 * (they report what happened through the handlers). Each scenario checks every frame against the
 * official schemas and that the stored log replays to the frames put on the wire, byte for byte.
 */
import assert from "node:assert/strict";
import { RpcCsms } from "../support/rpc_csms.ts";
import { CsmsCallError, ScriptedCsms } from "../support/scripted_csms.ts";
import { assertReplays, type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import { replay } from "../../core/replay.ts";
import type { ChargePointCallbacks } from "../../core/charge_point.ts";

type Params = Record<string, unknown>;
type Csms = RpcCsms | ScriptedCsms;

/** Starts the charge point and waits until the boot and the StatusNotifications are answered. */
async function boot(h: Harness, csms: Csms): Promise<void> {
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  await until(
    () => h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0,
    "boot answered",
  );
}

/** A transaction on `connector` (plugged in, authorized, charging); resolves its CSMS id. */
async function startCharging(h: Harness, connector: number, idTag: string): Promise<number> {
  const session = `s-${connector}`;
  h.cp.onSessionStarted(connector, session, "EVConnected");
  h.cp.onTransactionStarted(connector, session, idTag, 0, undefined, new Date(h.clock.now()));
  h.cp.onResumeCharging(connector);
  let id: number | undefined;
  await until(() => {
    const ref = h.cp.state.connectors[connector]?.transaction?.ref;
    id = ref === undefined ? undefined : h.cp.state.transactionIds[ref];
    return id !== undefined && h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0;
  }, "StartTransaction answered");
  return id as number;
}

function calls(csms: RpcCsms, action: string): Params[] {
  return csms.received.filter((c) => c.action === action).map((c) => c.params as Params);
}

function lastStatus(csms: RpcCsms, connectorId: number): string | undefined {
  return calls(csms, "StatusNotification").filter((p) => p.connectorId === connectorId).at(-1)
    ?.status as string | undefined;
}

async function finish(h: Harness, csms: Csms): Promise<void> {
  await h.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h);
}

/** A firmware that starts the transaction it is given a token for (on the first connector offered). */
function startingFirmware(
  get: () => Harness,
  provided: unknown[][],
  before?: (idTag: string, prevalidated: boolean) => Promise<boolean>,
): ChargePointCallbacks {
  return {
    provideToken: (...args) => {
      provided.push(args);
      const [idTag, connectors, prevalidated] = args;
      const connector = connectors[0] as number;
      queueMicrotask(async () => {
        const h = get();
        if (before !== undefined && !(await before(idTag, prevalidated))) return;
        if (h.cp.state.connectors[connector]?.sessionId === undefined) {
          h.cp.onSessionStarted(connector, `s-${connector}`, "Authorized");
        }
        h.cp.onTransactionStarted(
          connector,
          `s-${connector}`,
          idTag,
          0,
          undefined,
          new Date(h.clock.now()),
        );
        h.cp.onResumeCharging(connector);
      });
    },
  };
}

Deno.test("TC_010_CS Remote start – cable plugged in first", async () => {
  await using csms = await RpcCsms.start();
  const provided: unknown[][] = [];
  const h: Harness = makeChargePoint(csms.url, {
    callbacks: startingFirmware(() => h, provided),
  });
  await boot(h, csms);
  h.cp.onSessionStarted(1, "s-1", "EVConnected");
  await until(() => lastStatus(csms, 1) === "Preparing", "Preparing");

  const answer = await csms.call("CP-1", "RemoteStartTransaction", {
    connectorId: 1,
    idTag: "REMOTE-1",
  });
  assert.deepEqual(answer, { status: "Accepted" });
  await csms.waitFor("StartTransaction");
  // AuthorizeRemoteTxRequests is false by default: the token comes prevalidated, no Authorize.
  assert.deepEqual(provided, [["REMOTE-1", [1], true]]);
  assert.deepEqual(calls(csms, "Authorize"), []);
  const start = calls(csms, "StartTransaction")[0];
  assert.deepEqual([start?.connectorId, start?.idTag], [1, "REMOTE-1"]);
  await until(() => lastStatus(csms, 1) === "Charging", "Charging");
  await finish(h, csms);
});

Deno.test("TC_011_1_CS Remote start – remote start first (AuthorizeRemoteTxRequests, firmware chooses the connector)", async () => {
  await using csms = await RpcCsms.start();
  const provided: unknown[][] = [];
  const h: Harness = makeChargePoint(csms.url, {
    configuration: { AuthorizeRemoteTxRequests: "true" },
    callbacks: startingFirmware(() => h, provided, async (idTag, prevalidated) => {
      if (prevalidated) return true;
      const info = await h.cp.authorizeIdToken(idTag);
      return info.status === "Accepted";
    }),
  });
  await boot(h, csms);

  const answer = await csms.call("CP-1", "RemoteStartTransaction", { idTag: "REMOTE-2" });
  assert.deepEqual(answer, { status: "Accepted" });
  await csms.waitFor("StartTransaction");
  // Every connector that can take a transaction is offered; the token must be authorized first.
  assert.deepEqual(provided, [["REMOTE-2", [1, 2], false]]);
  const actions = csms.received.map((c) => c.action).filter((a) => a !== "StatusNotification");
  assert.deepEqual(actions.slice(-2), ["Authorize", "StartTransaction"]);
  await until(() => lastStatus(csms, 1) === "Charging", "Charging");
  const statuses = calls(csms, "StatusNotification").filter((p) => p.connectorId === 1).map((p) =>
    p.status
  );
  assert.deepEqual(statuses, ["Available", "Preparing", "Charging"]);
  await finish(h, csms);
});

Deno.test("TC_011_2_CS Remote start – time out: no cable within ConnectionTimeOut, the connector goes back to Available", async () => {
  await using csms = await RpcCsms.start();
  const provided: unknown[][] = [];
  let timeoutS = 0;
  const h: Harness = makeChargePoint(csms.url, {
    callbacks: {
      setConnectionTimeout: (seconds) => void (timeoutS = seconds),
      // The firmware authorizes the session at once and waits ConnectionTimeOut for the cable.
      provideToken: (...args) => {
        provided.push(args);
        const connector = (args[1] as number[])[0] as number;
        h.cp.onSessionStarted(connector, `s-${connector}`, "Authorized");
        h.clock.setTimer(() => h.cp.onSessionStopped(connector, `s-${connector}`), timeoutS * 1000);
      },
    },
  });
  await boot(h, csms);
  assert.deepEqual(
    await csms.call("CP-1", "ChangeConfiguration", { key: "ConnectionTimeOut", value: "30" }),
    { status: "Accepted" },
  );
  await until(() => timeoutS === 30, "setConnectionTimeout(30)");
  assert.deepEqual(
    await csms.call("CP-1", "RemoteStartTransaction", { connectorId: 1, idTag: "REMOTE-5" }),
    { status: "Accepted" },
  );
  await until(() => lastStatus(csms, 1) === "Preparing", "Preparing");
  await until(() => h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0, "idle");
  await h.clock.advance(29_999);
  assert.equal(h.cp.connectorStatus(1), "Preparing");
  await h.clock.advance(1);
  await until(() => lastStatus(csms, 1) === "Available", "Available after the time-out");
  assert.deepEqual(calls(csms, "StartTransaction"), []);
  assert.deepEqual(provided, [["REMOTE-5", [1], true]]);
  await until(() => h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0, "idle");
  await finish(h, csms);
});

Deno.test("RemoteStartTransaction with an invalid idTag: Accepted, then no transaction (AuthorizeRemoteTxRequests true) or a DeAuthorized stop (false)", async () => {
  // AuthorizeRemoteTxRequests true: the firmware authorizes first; Invalid → nothing starts.
  await using csms = await RpcCsms.start();
  csms.respond("Authorize", { idTagInfo: { status: "Invalid" } });
  const provided: unknown[][] = [];
  const h: Harness = makeChargePoint(csms.url, {
    configuration: { AuthorizeRemoteTxRequests: "true" },
    callbacks: startingFirmware(() => h, provided, async (idTag, prevalidated) => {
      if (prevalidated) return true;
      return (await h.cp.authorizeIdToken(idTag)).status === "Accepted";
    }),
  });
  await boot(h, csms);
  assert.deepEqual(
    await csms.call("CP-1", "RemoteStartTransaction", { connectorId: 1, idTag: "BAD-1" }),
    { status: "Accepted" },
  );
  await csms.waitFor("Authorize");
  await until(() => h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0, "idle");
  assert.deepEqual(provided, [["BAD-1", [1], false]]);
  assert.deepEqual(calls(csms, "StartTransaction"), []);
  assert.equal(h.cp.connectorStatus(1), "Available");
  await finish(h, csms);

  // AuthorizeRemoteTxRequests false: prevalidated, the transaction starts; its answer finds the
  // idTag Invalid and StopTransactionOnInvalidId stops it.
  await using csms2 = await RpcCsms.start();
  csms2.respond("StartTransaction", { transactionId: 9, idTagInfo: { status: "Invalid" } });
  const stops: unknown[][] = [];
  const h2: Harness = makeChargePoint(csms2.url, {
    callbacks: {
      ...startingFirmware(() => h2, []),
      stopTransaction: (connector, reason) => {
        stops.push([connector, reason]);
        queueMicrotask(() =>
          h2.cp.onTransactionStopped(
            connector,
            `s-${connector}`,
            reason,
            new Date(h2.clock.now()),
            0,
          )
        );
        return true;
      },
    },
  });
  await boot(h2, csms2);
  assert.deepEqual(
    await csms2.call("CP-1", "RemoteStartTransaction", { connectorId: 2, idTag: "BAD-2" }),
    { status: "Accepted" },
  );
  await csms2.waitFor("StopTransaction");
  assert.deepEqual(stops, [[2, "DeAuthorized"]]);
  const stop = calls(csms2, "StopTransaction")[0];
  assert.deepEqual([stop?.transactionId, stop?.reason], [9, "DeAuthorized"]);
  await until(() => h2.cp.state.inFlight === undefined && h2.cp.state.outbox.size === 0, "idle");
  await finish(h2, csms2);
});

Deno.test("TC_059_CS Remote start with a TxProfile: the charging profile is handed to the firmware", async () => {
  await using csms = await RpcCsms.start();
  const provided: unknown[][] = [];
  const h: Harness = makeChargePoint(csms.url, {
    callbacks: startingFirmware(() => h, provided),
  });
  await boot(h, csms);
  const chargingProfile = {
    chargingProfileId: 7,
    stackLevel: 0,
    chargingProfilePurpose: "TxProfile",
    chargingProfileKind: "Relative",
    chargingSchedule: {
      chargingRateUnit: "A",
      chargingSchedulePeriod: [{ startPeriod: 0, limit: 6 }],
    },
  };
  assert.deepEqual(
    await csms.call("CP-1", "RemoteStartTransaction", {
      connectorId: 2,
      idTag: "REMOTE-3",
      chargingProfile,
    }),
    { status: "Accepted" },
  );
  await csms.waitFor("StartTransaction");
  assert.deepEqual(provided, [["REMOTE-3", [2], true, chargingProfile]]);
  await finish(h, csms);
});

Deno.test("TC_060_CS Remote start with a charging profile that is not a TxProfile: Rejected", async () => {
  await using csms = await RpcCsms.start();
  const provided: unknown[][] = [];
  const h: Harness = makeChargePoint(csms.url, {
    callbacks: startingFirmware(() => h, provided),
  });
  await boot(h, csms);
  const answer = await csms.call("CP-1", "RemoteStartTransaction", {
    connectorId: 1,
    idTag: "REMOTE-4",
    chargingProfile: {
      chargingProfileId: 8,
      stackLevel: 0,
      chargingProfilePurpose: "TxDefaultProfile",
      chargingProfileKind: "Absolute",
      chargingSchedule: { chargingRateUnit: "W", chargingSchedulePeriod: [] },
    },
  });
  assert.deepEqual(answer, { status: "Rejected" });
  assert.deepEqual(provided, []);
  await finish(h, csms);
});

Deno.test("TC_026_CS, TC_027_CS RemoteStartTransaction Rejected: running transaction (TC_026), connector 0 (TC_027), unknown connector, Unavailable, Faulted", async () => {
  await using csms = await RpcCsms.start();
  const provided: unknown[][] = [];
  const h: Harness = makeChargePoint(csms.url, {
    callbacks: startingFirmware(() => h, provided),
  });
  await boot(h, csms);
  const remoteStart = (params: Params) => csms.call("CP-1", "RemoteStartTransaction", params);
  const rejected = { status: "Rejected" };

  assert.deepEqual(await remoteStart({ connectorId: 0, idTag: "R" }), rejected);
  assert.deepEqual(await remoteStart({ connectorId: 3, idTag: "R" }), rejected);
  assert.deepEqual(await remoteStart({ connectorId: -1, idTag: "R" }), rejected);

  await startCharging(h, 1, "LOCAL-1");
  assert.deepEqual(await remoteStart({ connectorId: 1, idTag: "R" }), rejected);

  assert.deepEqual(
    await csms.call("CP-1", "ChangeAvailability", { connectorId: 2, type: "Inoperative" }),
    { status: "Accepted" },
  );
  assert.deepEqual(await remoteStart({ connectorId: 2, idTag: "R" }), rejected);
  // Without connectorId: no connector can take it (1 charging, 2 Unavailable).
  assert.deepEqual(await remoteStart({ idTag: "R" }), rejected);

  assert.deepEqual(
    await csms.call("CP-1", "ChangeAvailability", { connectorId: 2, type: "Operative" }),
    { status: "Accepted" },
  );
  h.cp.onError(2, { uuid: "f-1", errorCode: "GroundFailure", isFault: true });
  assert.deepEqual(await remoteStart({ connectorId: 2, idTag: "R" }), rejected);
  h.cp.onErrorCleared(2, "f-1");
  // The whole charge point faulted (connector 0): nothing can start.
  h.cp.onError(0, { uuid: "f-0", errorCode: "PowerMeterFailure", isFault: true });
  assert.deepEqual(await remoteStart({ idTag: "R" }), rejected);
  h.cp.onErrorCleared(0, "f-0");
  // Once connector 2 is usable again, a start without connectorId is offered connector 2 only.
  assert.deepEqual(await remoteStart({ idTag: "R" }), { status: "Accepted" });
  await until(() => provided.length === 1, "provideToken");
  assert.deepEqual(provided, [["R", [2], true]]);
  await csms.waitFor("StartTransaction", 2);
  await finish(h, csms);
});

Deno.test("RemoteStartTransaction on a reserved connector: only for the reserving idTag", async () => {
  await using csms = await RpcCsms.start();
  const provided: unknown[][] = [];
  const h = makeChargePoint(csms.url, {
    callbacks: { provideToken: (...args) => void provided.push(args) },
  });
  await boot(h, csms);
  assert.deepEqual(
    await csms.call("CP-1", "ReserveNow", {
      connectorId: 1,
      expiryDate: new Date(Date.now() + 3_600_000).toISOString(),
      idTag: "RES-1",
      reservationId: 1,
    }),
    { status: "Accepted" },
  );
  await until(() => lastStatus(csms, 1) === "Reserved", "Reserved");
  const remoteStart = (params: Params) => csms.call("CP-1", "RemoteStartTransaction", params);
  assert.deepEqual(await remoteStart({ connectorId: 1, idTag: "OTHER" }), { status: "Rejected" });
  // Without connectorId another idTag is offered the free connector only.
  assert.deepEqual(await remoteStart({ idTag: "OTHER" }), { status: "Accepted" });
  assert.deepEqual(await remoteStart({ connectorId: 1, idTag: "RES-1" }), { status: "Accepted" });
  await until(() => provided.length === 2, "provideToken");
  assert.deepEqual(provided, [["OTHER", [2], true], ["RES-1", [1], true]]);
  await finish(h, csms);
});

Deno.test("RemoteStartTransaction Rejected without a provideToken callback", async () => {
  await using csms = await RpcCsms.start();
  const h = makeChargePoint(csms.url);
  await boot(h, csms);
  assert.deepEqual(
    await csms.call("CP-1", "RemoteStartTransaction", { connectorId: 1, idTag: "R" }),
    { status: "Rejected" },
  );
  await finish(h, csms);
});

Deno.test("RemoteStartTransaction and RemoteStopTransaction Rejected while the registration is Pending", async () => {
  await using csms = await RpcCsms.start();
  csms.respond("BootNotification", {
    status: "Pending",
    currentTime: new Date().toISOString(),
    interval: 300,
  });
  const provided: unknown[][] = [];
  const stops: unknown[][] = [];
  const h: Harness = makeChargePoint(csms.url, {
    callbacks: {
      ...startingFirmware(() => h, provided),
      stopTransaction: (...args) => (stops.push(args), true),
    },
  });
  await h.cp.start();
  await until(() => h.cp.state.registration === "Pending", "Pending");
  assert.deepEqual(
    await csms.call("CP-1", "RemoteStartTransaction", { connectorId: 1, idTag: "R" }),
    { status: "Rejected" },
  );
  assert.deepEqual(
    await csms.call("CP-1", "RemoteStopTransaction", { transactionId: 1 }),
    { status: "Rejected" },
  );
  assert.deepEqual([provided, stops], [[], []]);
  await finish(h, csms);
});

Deno.test("TC_012_CS Remote stop", async () => {
  await using csms = await RpcCsms.start();
  const stops: unknown[][] = [];
  const h: Harness = makeChargePoint(csms.url, {
    callbacks: {
      stopTransaction: (connector, reason) => {
        stops.push([connector, reason]);
        queueMicrotask(() =>
          h.cp.onTransactionStopped(
            connector,
            `s-${connector}`,
            reason,
            new Date(h.clock.now()),
            4321,
          )
        );
        return true;
      },
    },
  });
  await boot(h, csms);
  await startCharging(h, 1, "TAG-1");
  const transactionId = await startCharging(h, 2, "TAG-2");

  assert.deepEqual(
    await csms.call("CP-1", "RemoteStopTransaction", { transactionId }),
    { status: "Accepted" },
  );
  await csms.waitFor("StopTransaction");
  assert.deepEqual(stops, [[2, "Remote"]]);
  const stop = calls(csms, "StopTransaction")[0];
  assert.deepEqual([stop?.transactionId, stop?.reason, stop?.meterStop], [
    transactionId,
    "Remote",
    4321,
  ]);
  await until(() => lastStatus(csms, 2) === "Finishing", "Finishing");
  h.cp.onSessionStopped(2, "s-2");
  await until(() => lastStatus(csms, 2) === "Available", "Available");
  assert.equal(h.cp.connectorStatus(1), "Charging");
  await finish(h, csms);
});

Deno.test("TC_028_CS Remote stop transaction Rejected: unknown transaction id; also without a stopTransaction callback", async () => {
  await using csms = await RpcCsms.start();
  const stops: unknown[][] = [];
  const h: Harness = makeChargePoint(csms.url, {
    callbacks: { stopTransaction: (...args) => (stops.push(args), true) },
  });
  await boot(h, csms);
  const transactionId = await startCharging(h, 1, "TAG-1");
  assert.deepEqual(
    await csms.call("CP-1", "RemoteStopTransaction", { transactionId: transactionId + 100 }),
    { status: "Rejected" },
  );
  assert.deepEqual(stops, []);
  await finish(h, csms);

  await using csms2 = await RpcCsms.start();
  const h2 = makeChargePoint(csms2.url);
  await boot(h2, csms2);
  const id2 = await startCharging(h2, 1, "TAG-1");
  assert.deepEqual(
    await csms2.call("CP-1", "RemoteStopTransaction", { transactionId: id2 }),
    { status: "Rejected" },
  );
  await finish(h2, csms2);
});

Deno.test("TC_017_1_CS Unlock connector no charging session (not fixed cable)", async () => {
  await using csms = await RpcCsms.start();
  const unlocked: number[] = [];
  const h = makeChargePoint(csms.url, {
    callbacks: { unlockConnector: (c) => (unlocked.push(c), "Unlocked") },
  });
  await boot(h, csms);
  assert.deepEqual(await csms.call("CP-1", "UnlockConnector", { connectorId: 1 }), {
    status: "Unlocked",
  });
  assert.deepEqual(unlocked, [1]);
  await finish(h, csms);
});

Deno.test("TC_018_1_CS Unlock connector with charging session: the transaction is stopped first", async () => {
  await using csms = await RpcCsms.start();
  const order: string[] = [];
  const h: Harness = makeChargePoint(csms.url, {
    callbacks: {
      stopTransaction: (connector, reason) => {
        order.push(`stop ${connector} ${reason}`);
        queueMicrotask(() =>
          h.cp.onTransactionStopped(
            connector,
            `s-${connector}`,
            reason,
            new Date(h.clock.now()),
            10,
          )
        );
        return true;
      },
      unlockConnector: async (connector) => {
        order.push(`unlock ${connector}`);
        await Promise.resolve();
        return "Unlocked" as const;
      },
    },
  });
  await boot(h, csms);
  const transactionId = await startCharging(h, 1, "TAG-1");
  assert.deepEqual(await csms.call("CP-1", "UnlockConnector", { connectorId: 1 }), {
    status: "Unlocked",
  });
  assert.deepEqual(order, ["stop 1 UnlockCommand", "unlock 1"]);
  await csms.waitFor("StopTransaction");
  const stop = calls(csms, "StopTransaction")[0];
  assert.deepEqual([stop?.transactionId, stop?.reason], [transactionId, "UnlockCommand"]);
  await until(() => lastStatus(csms, 1) === "Finishing", "Finishing");
  h.cp.onSessionStopped(1, "s-1");
  await until(() => lastStatus(csms, 1) === "Available", "Available after unplugging");
  await finish(h, csms);
});

Deno.test("TC_018_1_CS Unlock connector with charging session, no stopTransaction callback: the unlockConnector callback ends the transaction itself (libocpp contract)", async () => {
  await using csms = await RpcCsms.start();
  const h: Harness = makeChargePoint(csms.url, {
    callbacks: {
      unlockConnector: (connector) => {
        assert.ok(h.cp.state.connectors[connector].transaction !== undefined, "called under load");
        queueMicrotask(() =>
          h.cp.onTransactionStopped(
            connector,
            `s-${connector}`,
            "UnlockCommand",
            new Date(h.clock.now()),
            10,
          )
        );
        return "Unlocked" as const;
      },
    },
  });
  await boot(h, csms);
  const transactionId = await startCharging(h, 1, "TAG-1");
  assert.deepEqual(await csms.call("CP-1", "UnlockConnector", { connectorId: 1 }), {
    status: "Unlocked",
  });
  await csms.waitFor("StopTransaction");
  const stop = calls(csms, "StopTransaction")[0];
  assert.deepEqual([stop?.transactionId, stop?.reason], [transactionId, "UnlockCommand"]);
  await until(() => lastStatus(csms, 1) === "Finishing", "Finishing");
  await finish(h, csms);
});

Deno.test("TC_030_CS Unlock connector – unlock failure (also: a throwing or invalid callback)", async () => {
  await using csms = await RpcCsms.start();
  const answers: unknown[] = ["UnlockFailed", "Jammed"];
  const h = makeChargePoint(csms.url, {
    callbacks: {
      unlockConnector: () => {
        const next = answers.shift();
        if (next === undefined) throw new Error("motor stalled");
        return next as "UnlockFailed";
      },
    },
  });
  await boot(h, csms);
  const unlock = () => csms.call("CP-1", "UnlockConnector", { connectorId: 2 });
  assert.deepEqual(await unlock(), { status: "UnlockFailed" });
  assert.deepEqual(await unlock(), { status: "UnlockFailed" }, "an unknown result");
  assert.deepEqual(await unlock(), { status: "UnlockFailed" }, "a throw");
  await finish(h, csms);
});

Deno.test("TC_031_CS, TC_017_2_CS UnlockConnector NotSupported: unknown connector (TC_031), connector 0, fixed cable (TC_017_2), no callback", async () => {
  await using csms = await RpcCsms.start();
  const unlocked: number[] = [];
  const h = makeChargePoint(csms.url, {
    callbacks: { unlockConnector: (c) => (unlocked.push(c), "NotSupported") },
  });
  await boot(h, csms);
  const unlock = (connectorId: number) => csms.call("CP-1", "UnlockConnector", { connectorId });
  const notSupported = { status: "NotSupported" };
  assert.deepEqual(await unlock(3), notSupported);
  assert.deepEqual(await unlock(0), notSupported);
  assert.deepEqual(unlocked, []);
  // TC_017_2: a fixed cable cannot be unlocked; the firmware says so.
  assert.deepEqual(await unlock(1), notSupported);
  assert.deepEqual(unlocked, [1]);
  await finish(h, csms);

  await using csms2 = await RpcCsms.start();
  const h2 = makeChargePoint(csms2.url);
  await boot(h2, csms2);
  assert.deepEqual(await csms2.call("CP-1", "UnlockConnector", { connectorId: 1 }), notSupported);
  await finish(h2, csms2);
});

Deno.test("UnlockConnector UnlockFailed when the running transaction cannot be stopped: nothing is unlocked", async () => {
  await using csms = await RpcCsms.start();
  const unlocked: number[] = [];
  const h = makeChargePoint(csms.url, {
    callbacks: {
      stopTransaction: () => false,
      unlockConnector: (c) => (unlocked.push(c), "Unlocked"),
    },
  });
  await boot(h, csms);
  await startCharging(h, 1, "TAG-1");
  assert.deepEqual(await csms.call("CP-1", "UnlockConnector", { connectorId: 1 }), {
    status: "UnlockFailed",
  });
  assert.deepEqual(unlocked, []);
  assert.equal(h.cp.connectorStatus(1), "Charging");
  await finish(h, csms);
});

Deno.test("TC_061_CS Clear Authorization Data in Authorization Cache: Accepted, the cache is emptied", async () => {
  await using csms = await RpcCsms.start();
  const h = makeChargePoint(csms.url, { configuration: { AuthorizationCacheEnabled: "true" } });
  await boot(h, csms);
  csms.respond("Authorize", {
    idTagInfo: { status: "Accepted", expiryDate: "2030-01-01T00:00:00.000Z", parentIdTag: "FLEET" },
  });
  assert.equal((await h.cp.authorizeIdToken("TAG-1")).status, "Accepted");
  await startCharging(h, 1, "TAG-2");
  assert.deepEqual(Object.keys(h.cp.state.authCache).sort(), ["TAG-1", "TAG-2"]);
  assert.deepEqual(
    { ...h.cp.state.authCache["TAG-1"], updatedAt: undefined },
    {
      status: "Accepted",
      expiryDate: "2030-01-01T00:00:00.000Z",
      parentIdTag: "FLEET",
      updatedAt: undefined,
    },
  );
  assert.deepEqual(await csms.call("CP-1", "ClearCache", {}), { status: "Accepted" });
  assert.deepEqual(h.cp.state.authCache, {});
  // The next authorization asks the central system again.
  assert.equal((await h.cp.authorizeIdToken("TAG-1")).status, "Accepted");
  assert.equal(calls(csms, "Authorize").length, 2);
  await finish(h, csms);
  assert.deepEqual(Object.keys(replay(h.store).state.authCache), ["TAG-1"]);
});

Deno.test("ClearCache Rejected when the charge point has no authorization cache (AuthorizationCacheEnabled not true)", async () => {
  await using csms = await RpcCsms.start();
  const h = makeChargePoint(csms.url, { configuration: { AuthorizationCacheEnabled: "false" } });
  await boot(h, csms);
  assert.equal((await h.cp.authorizeIdToken("TAG-1")).status, "Accepted");
  assert.deepEqual(h.cp.state.authCache, {}, "nothing cached while disabled");
  assert.deepEqual(await csms.call("CP-1", "ClearCache", {}), { status: "Rejected" });
  await finish(h, csms);
});

Deno.test("schema-invalid RemoteStart/RemoteStop/UnlockConnector/ClearCache: the right CALLERROR, and the charge point keeps working", async () => {
  await using csms = await ScriptedCsms.start();
  const unlocked: number[] = [];
  const h = makeChargePoint(csms.url, {
    callbacks: { unlockConnector: (c) => (unlocked.push(c), "Unlocked") },
  });
  await boot(h, csms);
  const cases: [string, unknown, string][] = [
    ["RemoteStartTransaction", { connectorId: 1 }, "OccurenceConstraintViolation"],
    ["RemoteStartTransaction", { idTag: "X".repeat(21) }, "FormationViolation"],
    ["RemoteStartTransaction", { idTag: "A", connectorId: "1" }, "TypeConstraintViolation"],
    ["RemoteStopTransaction", { transactionId: 1, extra: true }, "PropertyConstraintViolation"],
    ["RemoteStopTransaction", { transactionId: 1.5 }, "TypeConstraintViolation"],
    ["UnlockConnector", {}, "OccurenceConstraintViolation"],
    ["UnlockConnector", { connectorId: "1" }, "TypeConstraintViolation"],
    ["ClearCache", { all: true }, "PropertyConstraintViolation"],
  ];
  for (const [action, payload, code] of cases) {
    const error = await csms.call(action, payload).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof CsmsCallError, `${action} ${JSON.stringify(payload)}: ${error}`);
    assert.equal(error.code, code, `${action} ${JSON.stringify(payload)}`);
  }
  assert.deepEqual(unlocked, []);
  assert.deepEqual(await csms.call("UnlockConnector", { connectorId: 1 }), { status: "Unlocked" });
  assert.deepEqual(unlocked, [1]);
  await finish(h, csms);
});
