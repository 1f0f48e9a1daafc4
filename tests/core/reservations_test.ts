/**
 * Reservations: the pure queries (`reserveRefusal`, `reservationCheck`, `freeConnectors`,
 * `reservationMatches`) on hand-made states, and the fold (ReserveNow / CancelReservation
 * frames, expiry timers, use by a transaction, termination, connector-0 holds, restart).
 */
import assert from "node:assert/strict";
import {
  freeConnectors,
  type Reservation,
  reservationAllows,
  reservationCheck,
  reservationMatches,
  reservationTimer,
  reserveRefusal,
} from "../../core/reservations.ts";
import { initialState, newConnector, type State } from "../../core/state.ts";
import type { ConnectorState } from "../../core/state.ts";
import type { ReserveNowRequest } from "../../core/ocpp/reservation.ts";
import { fold } from "../../core/step.ts";
import {
  BASE,
  callsIn,
  FoldScript,
  preamble,
  START_DATA,
  statuses,
} from "./support/fold_script.ts";

const HOUR = 3_600_000;

function stateWith(
  connectors: Partial<ConnectorState>[],
  extra: Partial<State> = {},
): State {
  return {
    ...initialState(),
    connectors: connectors.map((c, id) => ({ ...newConnector(id), ...c })),
    ...extra,
  };
}

function reservation(id: number, connectorId: number, idTag = "TAG-1", parentIdTag?: string) {
  const r: Reservation = {
    reservationId: id,
    connectorId,
    idTag,
    ...(parentIdTag === undefined ? {} : { parentIdTag }),
    expiryDate: new Date(BASE + HOUR).toISOString(),
    expiresAt: BASE + HOUR,
  };
  return r;
}

function byId(...rs: Reservation[]): Record<string, Reservation> {
  return Object.fromEntries(rs.map((r) => [String(r.reservationId), r]));
}

function request(connectorId: number, reservationId = 1, idTag = "TAG-1"): ReserveNowRequest {
  return { connectorId, expiryDate: new Date(BASE + HOUR).toISOString(), idTag, reservationId };
}

const FAULT = {
  uuid: "f-1",
  errorCode: "GroundFailure" as const,
  isFault: true,
  timestamp: "2026-01-01T00:00:00.000Z",
};

// ---- pure queries ---------------------------------------------------------------------------

Deno.test("reservationMatches: idTag or parent against idTag or parentIdTag, ignoring case", () => {
  const r = reservation(1, 1, "Tag-A", "Fleet");
  assert.equal(reservationMatches(r, "tag-a"), true);
  assert.equal(reservationMatches(r, "FLEET"), true); // the idTag is the group itself
  assert.equal(reservationMatches(r, "Tag-B", "fleet"), true);
  assert.equal(reservationMatches(r, "Tag-B", "Tag-A"), true);
  assert.equal(reservationMatches(r, "Tag-B"), false);
  assert.equal(reservationMatches(r, "Tag-B", "Other"), false);
  assert.equal(reservationMatches(reservation(2, 1, "X"), "Y", undefined), false);
});

Deno.test("reserveRefusal: each refusal of a connector", () => {
  const now = BASE;
  const free = stateWith([{}, {}, {}]);
  assert.equal(reserveRefusal(free, request(1), now), undefined);
  assert.equal(reserveRefusal(free, request(3), now), "Rejected", "unknown connector");
  assert.equal(reserveRefusal(free, request(-1), now), "Rejected");
  assert.equal(
    reserveRefusal(free, { ...request(1), expiryDate: new Date(now).toISOString() }, now),
    "Rejected",
    "expiry not in the future",
  );
  const noProfile = { ...free, config: { SupportedFeatureProfiles: "Core,SmartCharging" } };
  assert.equal(reserveRefusal(noProfile, request(1), now), "Rejected", "profile not supported");
  const withProfile = { ...free, config: { SupportedFeatureProfiles: "Core, Reservation" } };
  assert.equal(reserveRefusal(withProfile, request(1), now), undefined);
  const faulted = stateWith([{}, { errors: { active: [FAULT] } as ConnectorState["errors"] }, {}]);
  assert.equal(reserveRefusal(faulted, request(1), now), "Faulted");
  assert.equal(
    reserveRefusal(stateWith([{}, { stored: "Unavailable" }, {}]), request(1), now),
    "Unavailable",
  );
  for (
    const stored of ["Preparing", "Charging", "SuspendedEV", "SuspendedEVSE", "Finishing"] as const
  ) {
    assert.equal(
      reserveRefusal(stateWith([{}, { stored }, {}]), request(1), now),
      "Occupied",
      stored,
    );
  }
  const tx = {
    transaction: {
      ref: "t",
      sessionId: "s",
      idTag: "X",
      meterStartWh: 0,
      startedAt: "2026-01-01T00:00:00.000Z",
    },
  };
  assert.equal(reserveRefusal(stateWith([{}, tx, {}]), request(1), now), "Occupied");
  const reserved = stateWith([{}, { stored: "Reserved" }, {}], {
    reservations: byId(reservation(9, 1)),
  });
  assert.equal(reserveRefusal(reserved, request(1, 1), now), "Occupied", "reserved by another");
  assert.equal(
    reserveRefusal(reserved, request(1, 9, "TAG-2"), now),
    undefined,
    "same id replaces",
  );
  assert.equal(reserveRefusal(reserved, request(2, 9), now), undefined, "same id may move");
  const byFirmware = stateWith([{}, { stored: "Reserved" }, {}]);
  assert.equal(reserveRefusal(byFirmware, request(1), now), "Occupied", "reserved by the firmware");
  const cpFaulted = stateWith([
    { errors: { active: [FAULT] } as ConnectorState["errors"] },
    {},
    {},
  ]);
  assert.equal(reserveRefusal(cpFaulted, request(1), now), "Faulted");
  assert.equal(
    reserveRefusal(stateWith([{ stored: "Unavailable" }, {}, {}]), request(1), now),
    "Unavailable",
  );
});

Deno.test("reserveRefusal: connector 0 only with ReserveConnectorZeroSupported; refusals by the connectors' states", () => {
  const now = BASE;
  const on = { ReserveConnectorZeroSupported: "true" };
  assert.equal(reserveRefusal(stateWith([{}, {}, {}]), request(0), now), "Rejected");
  assert.equal(
    reserveRefusal(
      stateWith([{}, {}, {}], { config: { ReserveConnectorZeroSupported: "false" } }),
      request(0),
      now,
    ),
    "Rejected",
  );
  assert.equal(reserveRefusal(stateWith([{}, {}, {}], { config: on }), request(0), now), undefined);
  const f = { errors: { active: [FAULT] } as ConnectorState["errors"] };
  assert.equal(reserveRefusal(stateWith([{}, f, f], { config: on }), request(0), now), "Faulted");
  assert.equal(
    reserveRefusal(stateWith([{}, f, { stored: "Unavailable" }], { config: on }), request(0), now),
    "Unavailable",
  );
  assert.equal(
    reserveRefusal(
      stateWith([{}, { stored: "Charging" }, { stored: "Unavailable" }], { config: on }),
      request(0),
      now,
    ),
    "Occupied",
  );
  assert.equal(reserveRefusal(stateWith([f, {}, {}], { config: on }), request(0), now), "Faulted");
  assert.equal(
    reserveRefusal(stateWith([{ stored: "Unavailable" }, {}, {}], { config: on }), request(0), now),
    "Unavailable",
  );
  // One free connector per connector-0 reservation.
  const one = stateWith([{}, {}, {}], { config: on, reservations: byId(reservation(5, 0)) });
  assert.equal(reserveRefusal(one, request(0, 6), now), undefined, "2 free, 1 kept");
  const two = stateWith([{}, {}, {}], {
    config: on,
    reservations: byId(reservation(5, 0), reservation(6, 0)),
  });
  assert.equal(reserveRefusal(two, request(0, 7), now), "Occupied", "2 free, 2 kept");
  assert.equal(reserveRefusal(two, request(1, 7), now), "Occupied", "a connector kept free");
  assert.equal(reserveRefusal(one, request(1, 7), now), undefined, "one still free after");
});

Deno.test("freeConnectors / reservationCheck: a connector reservation admits only its idTag or parent", () => {
  const s = stateWith([{}, { stored: "Reserved" }, {}], {
    reservations: byId(reservation(1, 1, "TAG-1", "FLEET")),
  });
  assert.deepEqual(freeConnectors(s), [2]);
  assert.equal(reservationCheck(s, 1, "TAG-1"), "ReservedForToken");
  assert.equal(reservationCheck(s, 1, "tag-1"), "ReservedForToken");
  assert.equal(reservationCheck(s, 1, "OTHER", "FLEET"), "ReservedForToken");
  assert.equal(reservationCheck(s, 1, "OTHER"), "ReservedForOtherTokenAndHasParentToken");
  assert.equal(reservationCheck(s, 1, "OTHER", "NOPE"), "ReservedForOtherToken");
  assert.equal(reservationCheck(s, 2, "OTHER"), "NotReserved");
  assert.equal(reservationAllows(s, 1, "OTHER"), false);
  assert.equal(reservationAllows(s, 1, "TAG-1"), true);
  assert.equal(reservationAllows(s, 2, "OTHER"), true);
});

Deno.test("reservationCheck: connector-0 reservations keep enough free connectors", () => {
  const zero = byId(reservation(1, 0, "TAG-1"));
  const twoFree = stateWith([{}, {}, {}], { reservations: zero });
  assert.equal(reservationCheck(twoFree, 1, "OTHER"), "NotReserved", "one stays free");
  assert.equal(reservationCheck(twoFree, 1, "TAG-1"), "ReservedForToken");
  const oneFree = stateWith([{}, { stored: "Preparing" }, { stored: "Reserved" }], {
    reservations: zero,
    reservationHolds: [2],
  });
  assert.deepEqual(freeConnectors(oneFree), [2]);
  assert.equal(reservationCheck(oneFree, 2, "OTHER"), "ReservedForOtherToken");
  assert.equal(reservationCheck(oneFree, 2, "TAG-1"), "ReservedForToken");
  // Connector 1 is in use already: using it takes nothing from the free ones.
  assert.equal(reservationCheck(oneFree, 1, "OTHER"), "NotReserved");
});

// ---- the fold --------------------------------------------------------------------------------

function reserve(
  s: FoldScript,
  connectorId: number,
  reservationId: number,
  idTag = "TAG-1",
  extra = {},
) {
  return s.csmsCall("ReserveNow", {
    connectorId,
    expiryDate: new Date(s.now + HOUR).toISOString(),
    idTag,
    reservationId,
    ...extra,
  });
}

Deno.test("fold: ReserveNow Accepted → Reserved, expiry timer; the timer ends it → Available", () => {
  const s = preamble();
  const r = reserve(s, 1, 7);
  assert.deepEqual(r.answer, { status: "Accepted" });
  assert.deepEqual(statuses(r.calls), [[1, "Reserved"]]);
  assert.equal(s.state.connectors[1]?.stored, "Reserved");
  const stored = s.state.reservations["7"];
  assert.equal(stored?.idTag, "TAG-1");
  assert.equal(s.state.timers[reservationTimer(7)], stored?.expiresAt);
  const expired = s.fire(reservationTimer(7));
  assert.deepEqual(statuses([...callsIn(expired.effects.frames), ...s.drain()]), [[
    1,
    "Available",
  ]]);
  assert.deepEqual(s.state.reservations, {});
  assert.equal(s.state.timers[reservationTimer(7)], undefined);
});

Deno.test("fold: the firmware's reserveNow callback decides; its refusal is the answer", () => {
  const s = preamble({}, ["reserveNow", "cancelReservation"]);
  const id = "csms-x";
  const asked = s.add("FrameReceived", {
    text: JSON.stringify([2, id, "ReserveNow", {
      connectorId: 1,
      expiryDate: "2026-01-01T02:00:00+01:00",
      idTag: "TAG-1",
      parentIdTag: "FLEET",
      reservationId: 3,
    }]),
  });
  assert.deepEqual(asked.effects.frames, [], "no answer before the firmware's");
  const cb = asked.effects.callbacks[0];
  assert.equal(cb?.name, "reserveNow");
  assert.deepEqual(cb?.args, [3, 1, "2026-01-01T01:00:00.000Z", "TAG-1", "FLEET"]);
  const done = s.add("CallbackCompleted", {
    callback: "reserveNow",
    ref: cb!.ref,
    ok: true,
    result: "Occupied",
  });
  assert.deepEqual(done.effects.frames, [JSON.stringify([3, id, { status: "Occupied" }])]);
  assert.deepEqual(s.state.reservations, {});
  // Accepted by the firmware.
  const again = s.add("FrameReceived", {
    text: JSON.stringify([2, "csms-y", "ReserveNow", {
      connectorId: 1,
      expiryDate: "2026-01-01T02:00:00Z",
      idTag: "TAG-1",
      reservationId: 4,
    }]),
  });
  const ref = again.effects.callbacks[0]!.ref;
  const ok = s.add("CallbackCompleted", {
    callback: "reserveNow",
    ref,
    ok: true,
    result: { status: "Accepted" },
  });
  assert.equal(ok.effects.frames[0], JSON.stringify([3, "csms-y", { status: "Accepted" }]));
  assert.equal(s.state.connectors[1]?.stored, "Reserved");
  // A failing callback → Rejected.
  const third = s.add("FrameReceived", {
    text: JSON.stringify([2, "csms-z", "ReserveNow", {
      connectorId: 2,
      expiryDate: "2026-01-01T02:00:00Z",
      idTag: "TAG-1",
      reservationId: 5,
    }]),
  });
  const failed = s.add("CallbackCompleted", {
    callback: "reserveNow",
    ref: third.effects.callbacks[0]!.ref,
    ok: false,
    error: "boom",
  });
  assert.equal(failed.effects.frames[0], JSON.stringify([3, "csms-z", { status: "Rejected" }]));
});

Deno.test("fold: accepted by the firmware but no longer possible → refusal answered, firmware told", () => {
  const s = preamble({}, ["reserveNow", "cancelReservation"]);
  const asked = s.add("FrameReceived", {
    text: JSON.stringify([2, "c-1", "ReserveNow", {
      connectorId: 1,
      expiryDate: "2026-01-01T02:00:00Z",
      idTag: "TAG-1",
      reservationId: 1,
    }]),
  });
  s.add("SessionStarted", { connector: 1, sessionId: "s-1", reason: "EVConnected" });
  const done = s.add("CallbackCompleted", {
    callback: "reserveNow",
    ref: asked.effects.callbacks[0]!.ref,
    ok: true,
    result: "Accepted",
  });
  assert.equal(done.effects.frames[0], JSON.stringify([3, "c-1", { status: "Occupied" }]));
  assert.deepEqual(done.effects.callbacks.map((c) => [c.name, c.args]), [["cancelReservation", [
    1,
  ]]]);
  assert.deepEqual(s.state.reservations, {});
});

Deno.test("fold: CancelReservation Accepted (connector Available, callback) / Rejected for an unknown id", () => {
  const s = preamble({}, ["cancelReservation"]);
  reserve(s, 2, 11);
  const cancelled = s.csmsCall("CancelReservation", { reservationId: 11 });
  assert.deepEqual(cancelled.answer, { status: "Accepted" });
  assert.deepEqual(statuses(cancelled.calls), [[2, "Available"]]);
  assert.deepEqual(cancelled.callbacks, [{ name: "cancelReservation", args: [11] }]);
  assert.deepEqual(s.state.reservations, {});
  assert.deepEqual(s.csmsCall("CancelReservation", { reservationId: 11 }).answer, {
    status: "Rejected",
  });
});

Deno.test("fold: same reservationId replaces the reservation (moved to another connector)", () => {
  const s = preamble();
  reserve(s, 1, 1);
  const moved = reserve(s, 2, 1, "TAG-2");
  assert.deepEqual(moved.answer, { status: "Accepted" });
  assert.deepEqual(statuses(moved.calls), [[1, "Available"], [2, "Reserved"]]);
  assert.equal(s.state.reservations["1"]?.idTag, "TAG-2");
  assert.equal(Object.keys(s.state.reservations).length, 1);
  // Another id on the reserved connector → Occupied; the existing one stays.
  assert.deepEqual(reserve(s, 2, 2).answer, { status: "Occupied" });
  assert.equal(s.state.reservations["1"]?.connectorId, 2);
});

Deno.test("fold: a transaction of the reserving idTag uses the reservation (reservationId in StartTransaction)", () => {
  const s = preamble();
  reserve(s, 1, 42, "TAG-1");
  s.add("SessionStarted", { connector: 1, sessionId: "s-1", reason: "EVConnected" });
  assert.equal(s.state.connectors[1]?.stored, "Reserved", "EV plugged in: still reserved");
  s.add("TransactionStarted", {
    connector: 1,
    sessionId: "s-1",
    idToken: "tag-1",
    meterStartWh: 0,
    timestamp: new Date(s.now).toISOString(),
  });
  const sent = [...callsIn(s.last!.effects.frames), ...s.drain()];
  const start = sent.find((c) => c.action === "StartTransaction");
  assert.equal(start?.payload.reservationId, 42);
  assert.deepEqual(statuses(sent), [[1, "Preparing"]]);
  assert.deepEqual(s.state.reservations, {});
  assert.equal(s.state.timers[reservationTimer(42)], undefined);
  assert.equal(s.state.connectors[1]?.transaction?.reservationId, 42);
});

Deno.test("fold: the parent idTag from the local list uses the reservation; a stranger does not", () => {
  const s = preamble();
  s.csmsCall("SendLocalList", {
    listVersion: 1,
    updateType: "Full",
    localAuthorizationList: [{
      idTag: "MEMBER",
      idTagInfo: { status: "Accepted", parentIdTag: "FLEET" },
    }],
  });
  reserve(s, 1, 1, "OWNER", { parentIdTag: "FLEET" });
  reserve(s, 2, 2, "OWNER");
  s.add("TransactionStarted", {
    connector: 2,
    sessionId: "s-2",
    idToken: "STRANGER",
    meterStartWh: 0,
    timestamp: new Date(s.now).toISOString(),
  });
  const stranger = callsIn(s.last!.effects.frames).concat(s.drain()).find((c) =>
    c.action === "StartTransaction"
  );
  assert.equal(stranger?.payload.reservationId, undefined);
  assert.ok("2" in s.state.reservations, "the reservation stays");
  s.add("TransactionStarted", {
    connector: 1,
    sessionId: "s-1",
    idToken: "MEMBER",
    meterStartWh: 0,
    timestamp: new Date(s.now).toISOString(),
  });
  const member = callsIn(s.last!.effects.frames).concat(s.drain()).find((c) =>
    c.action === "StartTransaction"
  );
  assert.equal(member?.payload.reservationId, 1);
});

Deno.test("fold: a reserved connector back at Available (session ended) is Reserved again", () => {
  const s = preamble();
  reserve(s, 1, 1);
  s.add("SessionStarted", { connector: 1, sessionId: "s-1", reason: "Authorized" });
  assert.equal(s.state.connectors[1]?.stored, "Preparing");
  s.drain();
  s.add("SessionStopped", { connector: 1, sessionId: "s-1" });
  const sent = [...callsIn(s.last!.effects.frames), ...s.drain()];
  assert.deepEqual(statuses(sent), [[1, "Available"], [1, "Reserved"]]);
  assert.equal(s.state.connectors[1]?.stored, "Reserved");
});

Deno.test("fold: a fault or Unavailable terminates the reservation (cancelReservation called)", () => {
  const s = preamble({}, ["cancelReservation"]);
  reserve(s, 1, 1);
  reserve(s, 2, 2);
  const fault = s.add("ErrorRaised", {
    connector: 1,
    error: { uuid: "e-1", errorCode: "GroundFailure", isFault: true },
  });
  assert.deepEqual(fault.effects.callbacks.map((c) => [c.name, c.args]), [["cancelReservation", [
    1,
  ]]]);
  assert.deepEqual(Object.keys(s.state.reservations), ["2"]);
  s.drain();
  s.add("ErrorCleared", { connector: 1, uuid: "e-1" });
  const cleared = [...callsIn(s.last!.effects.frames), ...s.drain()];
  assert.deepEqual(statuses(cleared), [[1, "Available"]]);
  const off = s.csmsCall("ChangeAvailability", { connectorId: 2, type: "Inoperative" });
  assert.deepEqual(statuses(off.calls), [[2, "Unavailable"]]);
  assert.deepEqual(s.state.reservations, {});
});

Deno.test("fold: onReservationEnd forgets the library's reservation of that connector", () => {
  const s = preamble();
  reserve(s, 1, 1);
  s.add("ReservationEnded", { connector: 1 });
  assert.deepEqual(s.state.reservations, {});
  assert.equal(s.state.connectors[1]?.stored, "Available");
  assert.equal(s.state.timers[reservationTimer(1)], undefined);
});

Deno.test("fold: connector 0 — no connector shown Reserved while two are free; the last free one is held", () => {
  const s = preamble({ ReserveConnectorZeroSupported: "true" });
  const r = reserve(s, 0, 1, "TAG-1");
  assert.deepEqual(r.answer, { status: "Accepted" });
  assert.deepEqual(statuses(r.calls), [], "two free connectors, one needed: nothing reserved");
  // Another user takes connector 1: connector 2 is now the last free one → held (Reserved).
  s.add("SessionStarted", { connector: 1, sessionId: "s-1", reason: "Authorized" });
  const held = [...callsIn(s.last!.effects.frames), ...s.drain()];
  assert.deepEqual(statuses(held), [[1, "Preparing"], [2, "Reserved"]]);
  assert.deepEqual(s.state.reservationHolds, [2]);
  assert.equal(reservationCheck(s.state, 2, "OTHER"), "ReservedForOtherToken");
  // The reserving idTag starts on connector 2: reservation used, hold gone.
  s.add("TransactionStarted", {
    connector: 2,
    sessionId: "s-2",
    idToken: "TAG-1",
    meterStartWh: 0,
    timestamp: new Date(s.now).toISOString(),
  });
  const sent = [...callsIn(s.last!.effects.frames), ...s.drain()];
  assert.equal(sent.find((c) => c.action === "StartTransaction")?.payload.reservationId, 1);
  assert.deepEqual(s.state.reservationHolds, []);
  assert.deepEqual(s.state.reservations, {});
});

Deno.test("fold: connector 0 — the held connector is released when another becomes free", () => {
  const s = preamble({ ReserveConnectorZeroSupported: "true" });
  s.add("SessionStarted", { connector: 1, sessionId: "s-1", reason: "Authorized" });
  s.drain();
  const r = reserve(s, 0, 1);
  assert.deepEqual(statuses(r.calls), [[2, "Reserved"]]);
  s.add("SessionStopped", { connector: 1, sessionId: "s-1" });
  const sent = [...callsIn(s.last!.effects.frames), ...s.drain()];
  assert.deepEqual(statuses(sent), [[1, "Available"], [2, "Available"]]);
  assert.deepEqual(s.state.reservationHolds, []);
  // Expiry with nothing held: no StatusNotification.
  const expired = s.fire(reservationTimer(1));
  assert.deepEqual(statuses(callsIn(expired.effects.frames)), []);
  assert.deepEqual(s.state.reservations, {});
});

Deno.test("fold: a restart keeps reservations, shows them Reserved and re-arms their timers", () => {
  const s = preamble({ ReserveConnectorZeroSupported: "true" });
  reserve(s, 1, 1);
  const expiresAt = s.state.reservations["1"]!.expiresAt;
  s.add("ChargePointStopped", {});
  assert.deepEqual(s.state.timers, {});
  s.add("ChargePointStarted", {
    ...START_DATA,
    configuration: { ReserveConnectorZeroSupported: "true" },
  });
  assert.equal(s.state.connectors[1]?.stored, "Reserved");
  assert.equal(s.state.timers[reservationTimer(1)], expiresAt);
  s.add("ConnectionOpened", { url: "ws://127.0.0.1:9000/ocpp/CP-1", protocol: "ocpp1.6" });
  const boot = s.drain();
  assert.deepEqual(statuses(boot), [[0, "Available"], [1, "Reserved"], [2, "Available"]]);
  // Folding the same events from scratch gives the same state.
  const again = fold(s.events);
  assert.deepEqual(again.state.reservations, s.state.reservations);
  assert.deepEqual(again.state.timers, s.state.timers);
});

Deno.test("fold: ReserveNow before registration is ignored like every CALL", () => {
  const s = new FoldScript();
  s.add("ChargePointStarted", START_DATA);
  s.add("ConnectionOpened", { url: "ws://127.0.0.1:9000/ocpp/CP-1", protocol: "ocpp1.6" });
  const before = s.add("FrameReceived", {
    text: JSON.stringify([2, "x", "ReserveNow", request(1)]),
  });
  assert.deepEqual(before.effects.frames, []);
  assert.deepEqual(s.state.reservations, {});
});
