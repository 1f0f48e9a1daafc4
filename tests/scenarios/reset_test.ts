/**
 * Reset (OCPP 1.6 §5.14) against the independent `ocpp-rpc` peer in strict mode: accepted only
 * when the firmware allows it; running transactions are stopped first (reason SoftReset /
 * HardReset) and `reset(type)` is called once their StopTransaction messages (and the security
 * event ResetOrReboot) were delivered, or after `WaitForStopTransactionsOnResetTimeout` (60 s). The "reboot" is a new ChargePoint on the same store and clock; the stored log replays
 * to the frames of both processes, byte for byte.
 */
import assert from "node:assert/strict";
import { RpcCsms } from "../support/rpc_csms.ts";
import { CsmsCallError, ScriptedCsms } from "../support/scripted_csms.ts";
import { assertReplays, type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import type { ChargePointCallbacks } from "../../core/charge_point.ts";

type Params = Record<string, unknown>;
type Csms = RpcCsms | ScriptedCsms;

async function boot(h: Harness, csms: Csms, statusNotifications: number): Promise<void> {
  await h.cp.start();
  await csms.waitFor("StatusNotification", statusNotifications);
  await until(
    () => h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0,
    "boot answered",
  );
}

function calls(csms: RpcCsms, action: string): Params[] {
  return csms.received.filter((c) => c.action === action).map((c) => c.params as Params);
}

/**
 * The SecurityEventNotifications other than StartupOfTheDevice (raised by every start, counted
 * separately where it matters).
 */
function securityEvents(csms: RpcCsms): Params[] {
  return calls(csms, "SecurityEventNotification").filter((p) => p.type !== "StartupOfTheDevice");
}

function startups(csms: RpcCsms): number {
  return calls(csms, "SecurityEventNotification").length - securityEvents(csms).length;
}

function lastStatus(csms: RpcCsms, connectorId: number): string | undefined {
  return calls(csms, "StatusNotification").filter((p) => p.connectorId === connectorId).at(-1)
    ?.status as string | undefined;
}

/** Firmware whose reset is recorded with what the charge point looked like at that moment. */
interface ResetRecord {
  readonly type: string;
  readonly transactions: number;
  /** A transaction-related message was still undelivered. */
  readonly undelivered: boolean;
}

function firmware(
  get: () => Harness,
  resets: ResetRecord[],
  options: { stops?: boolean; allowed?: boolean } = {},
): ChargePointCallbacks {
  return {
    isResetAllowed: async () => {
      await Promise.resolve();
      return options.allowed ?? true;
    },
    reset: (type) => {
      const s = get().cp.state;
      resets.push({
        type,
        transactions: s.connectors.filter((c) => c.transaction !== undefined).length,
        undelivered: s.inFlight?.kind === "transaction" ||
          [...s.outbox].some((c) => c.kind === "transaction"),
      });
    },
    stopTransaction: (connector, reason) => {
      if (options.stops === false) return true;
      queueMicrotask(() =>
        get().cp.onTransactionStopped(
          connector,
          `s-${connector}`,
          reason,
          new Date(get().clock.now()),
          2000,
        )
      );
      return true;
    },
  };
}

async function startCharging(h: Harness, connector: number): Promise<void> {
  h.cp.onSessionStarted(connector, `s-${connector}`, "EVConnected");
  h.cp.onTransactionStarted(
    connector,
    `s-${connector}`,
    `TAG-${connector}`,
    0,
    undefined,
    new Date(h.clock.now()),
  );
  h.cp.onResumeCharging(connector);
  await until(() => {
    const ref = h.cp.state.connectors[connector]?.transaction?.ref;
    return ref !== undefined && h.cp.state.transactionIds[ref] !== undefined &&
      h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0;
  }, "StartTransaction answered");
}

/**
 * The OCTT reset scenarios: connector 1 made Inoperative first (TC_013/014) or charging
 * (TC_015/016), Reset, then the reboot: BootNotification, every connector's status, the
 * persisted availability, and the ResetOrReboot security event.
 */
async function resetScenario(type: "Hard" | "Soft", withTransaction: boolean): Promise<void> {
  await using csms = await RpcCsms.start();
  const resets: ResetRecord[] = [];
  const h: Harness = makeChargePoint(csms.url, { callbacks: firmware(() => h, resets) });
  await boot(h, csms, 3);
  if (withTransaction) {
    await startCharging(h, 1);
    await startCharging(h, 2);
  } else {
    assert.deepEqual(
      await csms.call("CP-1", "ChangeAvailability", { connectorId: 1, type: "Inoperative" }),
      { status: "Accepted" },
    );
    await until(() => lastStatus(csms, 1) === "Unavailable", "Unavailable");
  }

  assert.deepEqual(await csms.call("CP-1", "Reset", { type }), { status: "Accepted" });
  await until(() => resets.length === 1, "reset callback");
  assert.deepEqual(resets, [{ type, transactions: 0, undelivered: false }]);
  if (withTransaction) {
    const stops = calls(csms, "StopTransaction");
    assert.deepEqual(stops.map((p) => [p.transactionId, p.reason]), [
      [1, `${type}Reset`],
      [2, `${type}Reset`],
    ]);
  }
  assert.equal(h.cp.state.pendingReset, undefined);
  await h.cp.stop();

  // The firmware reboots: a new process on the same store.
  const h2: Harness = makeChargePoint(csms.url, {
    store: h.store,
    clock: h.clock,
    callbacks: firmware(() => h2, resets),
  });
  await boot(h2, csms, calls(csms, "StatusNotification").length + 3);
  assert.equal(calls(csms, "BootNotification").length, 2);
  const after = calls(csms, "StatusNotification").slice(-3);
  assert.deepEqual(after.map((p) => [p.connectorId, p.status]), [
    [0, "Available"],
    [1, withTransaction ? "Available" : "Unavailable"],
    [2, "Available"],
  ]);
  const security = securityEvents(csms);
  assert.deepEqual(security.map((p) => p.type), ["ResetOrReboot"]);
  await until(() => startups(csms) === 2, "StartupOfTheDevice of both starts");
  assert.equal(security[0]?.techInfo, `${type} reset requested by the central system`);
  if (!withTransaction) {
    assert.deepEqual(
      await csms.call("CP-1", "ChangeAvailability", { connectorId: 1, type: "Operative" }),
      { status: "Accepted" },
    );
    await until(() => lastStatus(csms, 1) === "Available", "Available again");
  }
  assert.equal(resets.length, 1);
  await h2.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h2, { before: [h] });
}

Deno.test("TC_013_CS Hard reset without transaction", () => resetScenario("Hard", false));
Deno.test("TC_014_CS Soft reset without transaction", () => resetScenario("Soft", false));
Deno.test("TC_015_CS Hard reset with transaction", () => resetScenario("Hard", true));
Deno.test("TC_016_CS Soft reset with transaction", () => resetScenario("Soft", true));

Deno.test("Reset waits at most 60 s for the transactions to stop; a Hard reset during the wait makes it Hard", async () => {
  await using csms = await RpcCsms.start();
  const resets: ResetRecord[] = [];
  const h: Harness = makeChargePoint(csms.url, {
    callbacks: firmware(() => h, resets, { stops: false }),
  });
  await boot(h, csms, 3);
  await startCharging(h, 1);
  assert.deepEqual(await csms.call("CP-1", "Reset", { type: "Soft" }), { status: "Accepted" });
  await until(() => securityEvents(csms).length === 1, "ResetOrReboot delivered");
  await until(() => h.cp.state.inFlight === undefined, "security event delivered");
  await h.clock.advance(30_000);
  assert.deepEqual(await csms.call("CP-1", "Reset", { type: "Hard" }), { status: "Accepted" });
  await h.clock.advance(29_999);
  assert.equal(h.cp.state.pendingReset?.type, "Hard");
  assert.deepEqual(resets, []);
  await h.clock.advance(1);
  assert.equal(h.cp.state.pendingReset, undefined);
  await until(() => resets.length === 1, "reset callback");
  // The firmware never reported the end of the transaction: reset anyway, once.
  assert.deepEqual(resets, [{ type: "Hard", transactions: 1, undelivered: false }]);
  assert.deepEqual(calls(csms, "StopTransaction"), []);
  assert.deepEqual(securityEvents(csms).map((p) => p.type), [
    "ResetOrReboot",
  ]);
  await h.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h);
});

Deno.test("Reset with an undeliverable StopTransaction: reset after 60 s, the StopTransaction is delivered after the reboot", async () => {
  await using csms = await RpcCsms.start();
  const resets: ResetRecord[] = [];
  const h: Harness = makeChargePoint(csms.url, { callbacks: firmware(() => h, resets) });
  await boot(h, csms, 3);
  await startCharging(h, 1);
  csms.respond("StopTransaction", { noReply: true });
  assert.deepEqual(await csms.call("CP-1", "Reset", { type: "Soft" }), { status: "Accepted" });
  await csms.waitFor("StopTransaction");
  await h.clock.advance(59_999);
  assert.deepEqual(resets, []);
  await h.clock.advance(1);
  await until(() => resets.length === 1, "reset callback");
  assert.deepEqual(resets, [{ type: "Soft", transactions: 0, undelivered: true }]);
  const [first] = await csms.waitFor("StopTransaction");
  await h.cp.stop();

  csms.respond("StopTransaction", undefined);
  const h2: Harness = makeChargePoint(csms.url, {
    store: h.store,
    clock: h.clock,
    callbacks: firmware(() => h2, resets),
  });
  const statusesBefore = calls(csms, "StatusNotification").length;
  await h2.cp.start();
  await until(() => h2.cp.state.registration === "Accepted", "booted again");
  // The StatusNotifications answered before the clock moves (else they would time out).
  await csms.waitFor("StatusNotification", statusesBefore + 3);
  await until(() => h2.cp.state.inFlight === undefined, "StatusNotifications answered");
  // It failed once (no answer within 30 s): retried 60 s after that failure.
  await h.clock.advance(30_000);
  const stops = await csms.waitFor("StopTransaction", 2);
  await until(() => h2.cp.state.outbox.size === 0 && h2.cp.state.inFlight === undefined, "sent");
  // Same message id: the same StopTransaction, delivered once it could be.
  assert.equal(stops[1]?.messageId, first?.messageId);
  assert.equal((stops[1]?.params as Params).reason, "SoftReset");
  await h2.cp.stop();
  // Checked per connection: the retry after the reboot reuses the unanswered CALL's message id.
  for (const connection of new Set(csms.frames.map((f) => f.connection))) {
    assertAllValid(csms.frames.filter((f) => f.connection === connection));
  }
  assertReplays(h2, { before: [h] });
});

Deno.test("Reset Rejected: isResetAllowed false, throws, or a callback missing", async () => {
  await using csms = await RpcCsms.start();
  const resets: ResetRecord[] = [];
  let allowed: boolean | Error = false;
  const h: Harness = makeChargePoint(csms.url, {
    callbacks: {
      ...firmware(() => h, resets),
      isResetAllowed: (type) => {
        if (allowed instanceof Error) throw allowed;
        return allowed && type === "Soft";
      },
    },
  });
  await boot(h, csms, 3);
  const rejected = { status: "Rejected" };
  assert.deepEqual(await csms.call("CP-1", "Reset", { type: "Soft" }), rejected);
  allowed = true;
  assert.deepEqual(await csms.call("CP-1", "Reset", { type: "Hard" }), rejected, "not for Hard");
  allowed = new Error("busy");
  assert.deepEqual(await csms.call("CP-1", "Reset", { type: "Soft" }), rejected, "a throw");
  assert.deepEqual(resets, []);
  assert.equal(h.cp.state.pendingReset, undefined);
  assert.deepEqual(securityEvents(csms), []);
  await h.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h);

  for (const missing of ["isResetAllowed", "reset"] as const) {
    await using csms2 = await RpcCsms.start();
    const callbacks: ChargePointCallbacks = { ...firmware(() => h2, resets) };
    delete callbacks[missing];
    const h2: Harness = makeChargePoint(csms2.url, { callbacks });
    await boot(h2, csms2, 3);
    assert.deepEqual(await csms2.call("CP-1", "Reset", { type: "Hard" }), rejected, missing);
    await h2.cp.stop();
    assertAllValid(csms2.frames);
    assertReplays(h2);
  }
  assert.deepEqual(resets, []);
});

Deno.test("schema-invalid Reset: the right CALLERROR, and the charge point keeps working", async () => {
  await using csms = await ScriptedCsms.start();
  const resets: ResetRecord[] = [];
  const h: Harness = makeChargePoint(csms.url, { callbacks: firmware(() => h, resets) });
  await boot(h, csms, 3);
  const cases: [unknown, string][] = [
    [{}, "OccurenceConstraintViolation"],
    [{ type: "Sideways" }, "FormationViolation"],
    [{ type: 1 }, "TypeConstraintViolation"],
    [{ type: "Soft", now: true }, "PropertyConstraintViolation"],
  ];
  for (const [payload, code] of cases) {
    const error = await csms.call("Reset", payload).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof CsmsCallError, `${JSON.stringify(payload)}: ${error}`);
    assert.equal(error.code, code, JSON.stringify(payload));
  }
  assert.deepEqual(resets, []);
  assert.deepEqual(await csms.call("Reset", { type: "Soft" }), { status: "Accepted" });
  await until(() => resets.length === 1, "reset callback");
  await h.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h);
});

Deno.test("a restart while a reset waits abandons it: the new process does not reset", async () => {
  await using csms = await RpcCsms.start();
  const resets: ResetRecord[] = [];
  const h: Harness = makeChargePoint(csms.url, {
    callbacks: firmware(() => h, resets, { stops: false }),
  });
  await boot(h, csms, 3);
  await startCharging(h, 1);
  assert.deepEqual(await csms.call("CP-1", "Reset", { type: "Soft" }), { status: "Accepted" });
  await until(() => h.cp.state.pendingReset?.eventRaised === true, "reset pending");
  await until(() => h.cp.state.inFlight === undefined, "security event delivered");
  await h.cp.stop();

  const h2: Harness = makeChargePoint(csms.url, {
    store: h.store,
    clock: h.clock,
    callbacks: firmware(() => h2, resets),
  });
  const statusesBefore = calls(csms, "StatusNotification").length;
  await h2.cp.start();
  assert.equal(h2.cp.state.pendingReset, undefined);
  await until(() => h2.cp.state.registration === "Accepted", "booted again");
  // Everything answered before the clock moves (else the CALL in flight would time out).
  await csms.waitFor("StatusNotification", statusesBefore + 3);
  await until(
    () => h2.cp.state.inFlight === undefined && h2.cp.state.outbox.size === 0,
    "boot answered",
  );
  await h.clock.advance(60_000);
  assert.deepEqual(resets, []);
  await h2.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h2, { before: [h] });
});
