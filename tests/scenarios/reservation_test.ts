/**
 * Reservation profile (OCPP 1.6 §5.13 ReserveNow, §5.2 CancelReservation) against the
 * independent `ocpp-rpc` central system in strict mode, one scenario per OCTT charge point test
 * case and answer status. Every frame is checked against the official schemas and the stored
 * log replays to the frames that went on the wire.
 */
import assert from "node:assert/strict";
import { RpcCallError, RpcCsms } from "../support/rpc_csms.ts";
import { CsmsCallError, ScriptedCsms } from "../support/scripted_csms.ts";
import { assertReplays, type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import type { ChargePointOptions } from "../../core/charge_point.ts";

type Params = Record<string, unknown>;

/** Nothing in flight, nothing queued: safe to move the manual clock. */
function idle(h: Harness): Promise<void> {
  return until(
    () => h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0,
    "the charge point's CALLs answered",
  );
}

/** The central system's clock as the charge point knows it, plus `ms`, as ISO. */
function csmsTime(h: Harness, ms: number): string {
  return new Date(h.clock.now() + h.cp.state.timeOffsetMs + ms).toISOString();
}

function statuses(csms: RpcCsms): [unknown, unknown][] {
  return csms.received.filter((c) => c.action === "StatusNotification").map((c) => {
    const p = c.params as Params;
    return [p.connectorId, p.status];
  });
}

function lastStatus(csms: RpcCsms, connectorId: number): unknown {
  return statuses(csms).filter(([c]) => c === connectorId).at(-1)?.[1];
}

async function booted(
  csms: RpcCsms,
  options: Partial<ChargePointOptions> = {},
): Promise<Harness> {
  const h = makeChargePoint(csms.url, options);
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  await idle(h);
  return h;
}

function reserveNow(
  csms: RpcCsms,
  h: Harness,
  connectorId: number,
  reservationId: number,
  idTag = "TAG-1",
  extra: Params = {},
): Promise<unknown> {
  return csms.call("CP-1", "ReserveNow", {
    connectorId,
    expiryDate: csmsTime(h, 3_600_000),
    idTag,
    reservationId,
    ...extra,
  });
}

async function finish(csms: RpcCsms, h: Harness): Promise<void> {
  await idle(h);
  await h.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h);
}

Deno.test("TC_046_CS Reservation of a connector – transaction", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms);
  assert.deepEqual(await reserveNow(csms, h, 1, 46), { status: "Accepted" });
  await until(() => lastStatus(csms, 1) === "Reserved", "StatusNotification Reserved");
  assert.equal(h.cp.connectorStatus(1), "Reserved");
  // The firmware asks before starting: another idTag is refused, the reserving one allowed.
  assert.equal(h.cp.reservationCheck(1, "OTHER"), "ReservedForOtherToken");
  assert.equal(h.cp.reservationCheck(1, "TAG-1"), "ReservedForToken");
  assert.equal(h.cp.reservationCheck(2, "OTHER"), "NotReserved");
  h.cp.onSessionStarted(1, "s-1", "EVConnected");
  assert.equal(h.cp.connectorStatus(1), "Reserved", "EV plugged in: still reserved");
  assert.equal((await h.cp.authorizeIdToken("TAG-1")).status, "Accepted");
  h.cp.onTransactionStarted(1, "s-1", "TAG-1", 0, undefined, new Date(h.clock.now()));
  const [start] = await csms.waitFor("StartTransaction", 1);
  assert.equal((start?.params as Params).reservationId, 46);
  assert.equal((start?.params as Params).idTag, "TAG-1");
  await until(() => lastStatus(csms, 1) === "Preparing", "Preparing");
  assert.deepEqual(h.cp.state.reservations, {});
  // The reservation is gone: cancelling it now is Rejected.
  assert.deepEqual(await csms.call("CP-1", "CancelReservation", { reservationId: 46 }), {
    status: "Rejected",
  });
  await finish(csms, h);
});

Deno.test("TC_047_CS Reservation expired: the connector goes back to Available at expiryDate", async () => {
  await using csms = await RpcCsms.start();
  const cancelled: number[] = [];
  const h = await booted(csms, {
    callbacks: { cancelReservation: (id) => void cancelled.push(id) },
  });
  assert.deepEqual(
    await csms.call("CP-1", "ReserveNow", {
      connectorId: 2,
      expiryDate: csmsTime(h, 60_000),
      idTag: "TAG-1",
      reservationId: 47,
    }),
    { status: "Accepted" },
  );
  await until(() => lastStatus(csms, 2) === "Reserved", "Reserved");
  await idle(h);
  await h.clock.advance(59_000);
  assert.equal(h.cp.connectorStatus(2), "Reserved");
  await h.clock.advance(1_000);
  await until(() => lastStatus(csms, 2) === "Available", "Available after expiry");
  await until(() => cancelled.length === 1, "cancelReservation callback");
  assert.deepEqual(cancelled, [47]);
  assert.deepEqual(await csms.call("CP-1", "CancelReservation", { reservationId: 47 }), {
    status: "Rejected",
  });
  await finish(csms, h);
});

Deno.test("TC_048_1_CS Reservation of a connector – Faulted", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms);
  h.cp.onError(1, { uuid: "e-1", errorCode: "GroundFailure", isFault: true });
  await until(() => lastStatus(csms, 1) === "Faulted", "Faulted");
  assert.deepEqual(await reserveNow(csms, h, 1, 481), { status: "Faulted" });
  assert.deepEqual(h.cp.state.reservations, {});
  await finish(csms, h);
});

Deno.test("TC_048_2_CS Reservation of a connector – Occupied (in use, or reserved by another reservation)", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms);
  h.cp.onSessionStarted(1, "s-1", "EVConnected");
  await until(() => lastStatus(csms, 1) === "Preparing", "Preparing");
  assert.deepEqual(await reserveNow(csms, h, 1, 482), { status: "Occupied" });
  assert.deepEqual(await reserveNow(csms, h, 2, 483), { status: "Accepted" });
  assert.deepEqual(await reserveNow(csms, h, 2, 484, "TAG-2"), { status: "Occupied" });
  // The same reservationId replaces the reservation.
  assert.deepEqual(await reserveNow(csms, h, 2, 483, "TAG-3"), { status: "Accepted" });
  assert.equal(h.cp.state.reservations["483"]?.idTag, "TAG-3");
  assert.deepEqual(Object.keys(h.cp.state.reservations), ["483"]);
  await finish(csms, h);
});

Deno.test("TC_048_3_CS Reservation of a connector – Unavailable", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms);
  assert.deepEqual(
    await csms.call("CP-1", "ChangeAvailability", { connectorId: 1, type: "Inoperative" }),
    { status: "Accepted" },
  );
  await until(() => lastStatus(csms, 1) === "Unavailable", "Unavailable");
  assert.deepEqual(await reserveNow(csms, h, 1, 485), { status: "Unavailable" });
  await finish(csms, h);
});

Deno.test("TC_048_4_CS Reservation of a connector – Rejected (profile not supported, unknown connector)", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms, {
    configuration: { SupportedFeatureProfiles: "Core,LocalAuthListManagement" },
  });
  assert.deepEqual(await reserveNow(csms, h, 1, 486), { status: "Rejected" });
  // CancelReservation has no status for it: the CALLERROR NotSupported.
  const error = await csms.call("CP-1", "CancelReservation", { reservationId: 486 }).then(
    () => assert.fail("answered with a CALLRESULT"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RpcCallError, String(error));
  assert.equal(error.code, "NotSupported");
  await finish(csms, h);
  await using other = await RpcCsms.start();
  const h2 = await booted(other);
  for (const connectorId of [3, -1]) {
    assert.deepEqual(await reserveNow(other, h2, connectorId, 487), { status: "Rejected" });
  }
  assert.deepEqual(
    await other.call("CP-1", "ReserveNow", {
      connectorId: 1,
      expiryDate: csmsTime(h2, -1000),
      idTag: "TAG-1",
      reservationId: 488,
    }),
    { status: "Rejected" },
    "expiryDate in the past",
  );
  await finish(other, h2);
});

Deno.test("ReserveNow decided by the firmware's reserveNow callback after the library's own checks", async () => {
  await using csms = await RpcCsms.start();
  const asked: unknown[][] = [];
  const h = await booted(csms, {
    callbacks: {
      reserveNow: (...args) => {
        asked.push(args);
        return args[1] === 1 ? "Unavailable" : "Accepted";
      },
    },
  });
  assert.deepEqual(
    await reserveNow(csms, h, 1, 1, "TAG-1", { parentIdTag: "FLEET" }),
    { status: "Unavailable" },
  );
  assert.equal(asked[0]?.[0], 1);
  assert.deepEqual(asked[0]?.slice(1, 2), [1]);
  assert.deepEqual(asked[0]?.slice(3), ["TAG-1", "FLEET"]);
  assert.match(String(asked[0]?.[2]), /Z$/);
  assert.deepEqual(await reserveNow(csms, h, 2, 2), { status: "Accepted" });
  await until(() => lastStatus(csms, 2) === "Reserved", "Reserved");
  // Library checks come first: the firmware is not asked about an occupied connector.
  assert.deepEqual(await reserveNow(csms, h, 2, 3), { status: "Occupied" });
  assert.equal(asked.length, 2);
  await finish(csms, h);
});

Deno.test("TC_049_CS Reservation of a charge point (connector 0) – transaction", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms, { configuration: { ReserveConnectorZeroSupported: "true" } });
  // Reusable state: the unused connector is Unavailable, so connector 1 is the last free one.
  await csms.call("CP-1", "ChangeAvailability", { connectorId: 2, type: "Inoperative" });
  await until(() => lastStatus(csms, 2) === "Unavailable", "connector 2 Unavailable");
  assert.deepEqual(await reserveNow(csms, h, 0, 49), { status: "Accepted" });
  await until(() => lastStatus(csms, 1) === "Reserved", "connector 1 held for the reservation");
  assert.equal(h.cp.reservationCheck(1, "OTHER"), "ReservedForOtherToken");
  assert.equal(h.cp.reservationCheck(1, "TAG-1"), "ReservedForToken");
  h.cp.onSessionStarted(1, "s-1", "Authorized");
  h.cp.onTransactionStarted(1, "s-1", "TAG-1", 100, undefined, new Date(h.clock.now()));
  const [start] = await csms.waitFor("StartTransaction", 1);
  assert.equal((start?.params as Params).reservationId, 49);
  assert.deepEqual(h.cp.state.reservations, {});
  assert.deepEqual(h.cp.state.reservationHolds, []);
  await finish(csms, h);
});

Deno.test("Reservation of connector 0 with two free connectors: none shown Reserved until one is left", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms, { configuration: { ReserveConnectorZeroSupported: "true" } });
  assert.deepEqual(await reserveNow(csms, h, 0, 50), { status: "Accepted" });
  await idle(h);
  assert.deepEqual(statuses(csms).slice(3), [], "no connector reserved yet");
  assert.equal(h.cp.reservationCheck(1, "OTHER"), "NotReserved");
  h.cp.onSessionStarted(1, "s-1", "Authorized");
  await until(() => lastStatus(csms, 2) === "Reserved", "connector 2 kept for the reservation");
  assert.equal(h.cp.reservationCheck(2, "OTHER"), "ReservedForOtherToken");
  h.cp.onSessionStopped(1, "s-1");
  await until(() => lastStatus(csms, 2) === "Available", "released");
  await finish(csms, h);
});

Deno.test("Reservation of connector 0 expires at expiryDate: the held connector is released", async () => {
  await using csms = await RpcCsms.start();
  const cancelled: number[] = [];
  const h = await booted(csms, {
    configuration: { ReserveConnectorZeroSupported: "true" },
    callbacks: { cancelReservation: (id) => void cancelled.push(id) },
  });
  h.cp.onSessionStarted(1, "s-1", "EVConnected");
  await until(() => lastStatus(csms, 1) === "Preparing", "connector 1 in use");
  assert.deepEqual(
    await csms.call("CP-1", "ReserveNow", {
      connectorId: 0,
      expiryDate: csmsTime(h, 90_000),
      idTag: "TAG-1",
      reservationId: 51,
    }),
    { status: "Accepted" },
  );
  await until(() => lastStatus(csms, 2) === "Reserved", "connector 2 held");
  await idle(h);
  await h.clock.advance(89_999);
  assert.equal(h.cp.connectorStatus(2), "Reserved");
  await h.clock.advance(1);
  await until(() => lastStatus(csms, 2) === "Available", "released at expiry");
  await until(() => cancelled.length === 1, "cancelReservation callback");
  assert.deepEqual([cancelled, h.cp.state.reservations, h.cp.state.reservationHolds], [
    [51],
    {},
    [],
  ]);
  assert.equal(h.cp.reservationCheck(2, "OTHER"), "NotReserved");
  await finish(csms, h);
});

Deno.test("TC_050_1_CS Reservation of a charge point – Faulted", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms, { configuration: { ReserveConnectorZeroSupported: "true" } });
  h.cp.onError(0, { uuid: "e-0", errorCode: "PowerSwitchFailure", isFault: true });
  await until(() => lastStatus(csms, 0) === "Faulted", "charge point Faulted");
  assert.deepEqual(await reserveNow(csms, h, 0, 501), { status: "Faulted" });
  assert.deepEqual(await reserveNow(csms, h, 1, 502), { status: "Faulted" });
  await finish(csms, h);
});

Deno.test("TC_050_2_CS Reservation of a charge point – Occupied", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms, { configuration: { ReserveConnectorZeroSupported: "true" } });
  h.cp.onSessionStarted(1, "s-1", "EVConnected");
  h.cp.onSessionStarted(2, "s-2", "EVConnected");
  await until(() => lastStatus(csms, 2) === "Preparing", "both in use");
  assert.deepEqual(await reserveNow(csms, h, 0, 503), { status: "Occupied" });
  h.cp.onSessionStopped(2, "s-2");
  assert.deepEqual(await reserveNow(csms, h, 0, 504), { status: "Accepted" });
  assert.deepEqual(await reserveNow(csms, h, 0, 505), { status: "Occupied" }, "one free, one kept");
  await finish(csms, h);
});

Deno.test("TC_050_3_CS Reservation of a charge point – Unavailable", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms, { configuration: { ReserveConnectorZeroSupported: "true" } });
  await csms.call("CP-1", "ChangeAvailability", { connectorId: 0, type: "Inoperative" });
  await until(() => lastStatus(csms, 2) === "Unavailable", "charge point Unavailable");
  assert.deepEqual(await reserveNow(csms, h, 0, 506), { status: "Unavailable" });
  await finish(csms, h);
});

Deno.test("TC_050_4_CS Reservation of a charge point – Rejected (ReserveConnectorZeroSupported false)", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms);
  assert.deepEqual(await reserveNow(csms, h, 0, 507), { status: "Rejected" });
  await finish(csms, h);
});

Deno.test("TC_051_CS Cancel reservation", async () => {
  await using csms = await RpcCsms.start();
  const cancelled: number[] = [];
  const h = await booted(csms, {
    callbacks: { cancelReservation: (id) => void cancelled.push(id) },
  });
  assert.deepEqual(await reserveNow(csms, h, 1, 51), { status: "Accepted" });
  await until(() => lastStatus(csms, 1) === "Reserved", "Reserved");
  assert.deepEqual(await csms.call("CP-1", "CancelReservation", { reservationId: 51 }), {
    status: "Accepted",
  });
  await until(() => lastStatus(csms, 1) === "Available", "Available");
  await until(() => cancelled.length === 1, "cancelReservation callback");
  assert.deepEqual(cancelled, [51]);
  assert.deepEqual(h.cp.state.timers["reservation:51"], undefined);
  await finish(csms, h);
});

Deno.test("TC_052_CS Cancel reservation rejected", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms);
  assert.deepEqual(await csms.call("CP-1", "CancelReservation", { reservationId: 52 }), {
    status: "Rejected",
  });
  await finish(csms, h);
});

Deno.test("TC_053_CS Use a reserved connector with parentIdTag", async () => {
  await using csms = await RpcCsms.start();
  csms.respond("Authorize", { idTagInfo: { status: "Accepted", parentIdTag: "FLEET" } });
  const reservations: number[] = [];
  const h = await booted(csms, {
    callbacks: {
      reserveNow: (reservationId) => (reservations.push(reservationId), "Accepted"),
    },
  });
  assert.deepEqual(
    await reserveNow(csms, h, 1, 53, "TAG-1", { parentIdTag: "FLEET" }),
    { status: "Accepted" },
  );
  await until(() => lastStatus(csms, 1) === "Reserved", "Reserved");
  // Another card of the same group: the parent is learnt by Authorize, then checked.
  assert.equal(h.cp.reservationCheck(1, "TAG-2", "NOPE"), "ReservedForOtherToken");
  const info = await h.cp.authorizeIdToken("TAG-2");
  assert.equal(h.cp.reservationCheck(1, "TAG-2", info.parentIdTag), "ReservedForToken");
  h.cp.onSessionStarted(1, "s-1", "Authorized");
  h.cp.onTransactionStarted(1, "s-1", "TAG-2", 0, reservations[0], new Date(h.clock.now()));
  const [start] = await csms.waitFor("StartTransaction", 1);
  assert.deepEqual(
    [(start?.params as Params).idTag, (start?.params as Params).reservationId],
    ["TAG-2", 53],
  );
  assert.deepEqual(h.cp.state.reservations, {});
  await finish(csms, h);
});

Deno.test("Reservation terminated when its connector becomes Unavailable; firmware reservations still work", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms);
  assert.deepEqual(await reserveNow(csms, h, 1, 60), { status: "Accepted" });
  await until(() => lastStatus(csms, 1) === "Reserved", "Reserved");
  await csms.call("CP-1", "ChangeAvailability", { connectorId: 1, type: "Inoperative" });
  await until(() => lastStatus(csms, 1) === "Unavailable", "Unavailable");
  assert.deepEqual(h.cp.state.reservations, {});
  await csms.call("CP-1", "ChangeAvailability", { connectorId: 1, type: "Operative" });
  await until(() => lastStatus(csms, 1) === "Available", "Available, not Reserved");
  // The firmware-side handlers keep moving the state machine.
  h.cp.onReservationStart(2);
  await until(() => lastStatus(csms, 2) === "Reserved", "firmware reservation");
  h.cp.onReservationEnd(2);
  await until(() => lastStatus(csms, 2) === "Available", "firmware reservation ended");
  await finish(csms, h);
});

Deno.test("Reservation survives a restart on the same store: Reserved after boot, expires on time", async () => {
  await using csms = await RpcCsms.start();
  const h1 = await booted(csms);
  assert.deepEqual(
    await csms.call("CP-1", "ReserveNow", {
      connectorId: 2,
      expiryDate: csmsTime(h1, 120_000),
      idTag: "TAG-1",
      reservationId: 70,
    }),
    { status: "Accepted" },
  );
  await until(() => lastStatus(csms, 2) === "Reserved", "Reserved");
  await idle(h1);
  await h1.cp.stop();
  await until(() => csms.disconnects.length === 1, "disconnected");
  const before = csms.received.length;
  const h2 = makeChargePoint(csms.url, { store: h1.store, clock: h1.clock });
  await h2.cp.start();
  assert.equal(h2.cp.connectorStatus(2), "Reserved", "folded from the log");
  await until(
    () => csms.received.slice(before).filter((c) => c.action === "StatusNotification").length === 3,
    "statuses after the second boot",
  );
  assert.equal(lastStatus(csms, 2), "Reserved");
  assert.equal(h2.cp.reservationCheck(2, "OTHER"), "ReservedForOtherToken");
  await idle(h2);
  await h2.clock.advance(120_000);
  await until(() => lastStatus(csms, 2) === "Available", "expired after the restart");
  await idle(h2);
  await h2.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h2, { before: [h1] });
});

Deno.test("ReserveNow / CancelReservation with schema-invalid payloads: CALLERROR, and the charge point keeps working", async () => {
  await using csms = await ScriptedCsms.start();
  const h = makeChargePoint(csms.url);
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  await idle(h);
  const expiryDate = csmsTime(h, 3_600_000);
  const valid = { connectorId: 1, expiryDate, idTag: "TAG-1", reservationId: 1 };
  const cases: [string, unknown, string][] = [
    [
      "ReserveNow",
      { connectorId: 1, expiryDate, reservationId: 1 },
      "OccurenceConstraintViolation",
    ],
    ["ReserveNow", { ...valid, connectorId: "1" }, "TypeConstraintViolation"],
    ["ReserveNow", { ...valid, extra: true }, "PropertyConstraintViolation"],
    ["ReserveNow", { ...valid, expiryDate: "tomorrow" }, "FormationViolation"],
    ["ReserveNow", { ...valid, idTag: "X".repeat(21) }, "FormationViolation"],
    ["CancelReservation", {}, "OccurenceConstraintViolation"],
    ["CancelReservation", { reservationId: 1.5 }, "TypeConstraintViolation"],
  ];
  for (const [action, payload, code] of cases) {
    const error = await csms.call(action, payload).then(
      () => assert.fail(`${action} ${JSON.stringify(payload)} answered with a CALLRESULT`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof CsmsCallError, String(error));
    assert.ok(
      [code, code.replace("Occurence", "Occurrence")].includes(error.code),
      `${action} ${JSON.stringify(payload)}: ${error.code}`,
    );
  }
  assert.deepEqual(h.cp.state.reservations, {});
  assert.deepEqual(await csms.call("ReserveNow", valid), { status: "Accepted" });
  assert.deepEqual(await csms.call("CancelReservation", { reservationId: 1 }), {
    status: "Accepted",
  });
  await idle(h);
  await h.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h);
});
