/**
 * Reservations (OCPP 1.6 §5.13 ReserveNow, §5.2 CancelReservation) as state of the fold: which
 * reservations exist, who may use a reserved connector, and how reservations end.
 *
 * - A reservation of connector `k > 0` makes `k` Reserved (StatusNotification) until it is used
 *   by a transaction of its idTag or parentIdTag, cancelled, expired (timer
 *   `reservation:<id>` at `expiryDate`), or terminated because the connector or the charge
 *   point became Faulted or Unavailable.
 * - A reservation of connector 0 (`ReserveConnectorZeroSupported`) reserves no particular
 *   connector: the charge point keeps, at any time, one free connector per connector-0
 *   reservation. While there are more free connectors than such reservations nothing is shown;
 *   when the free connectors are just enough, they are *held*: reported Reserved and refused to
 *   other idTags. Holds are recomputed after every event ({@linkcode reconcileReservations}).
 * - Matching (§5.13): an incoming idTag may use a reservation when the idTag or its parent idTag
 *   equals the idTag or the parentIdTag of the reservation (idTags are case-insensitive,
 *   CiString20).
 *
 * The pure queries take a {@linkcode State}; the operations work on the fold's `Draft`.
 *
 * @module
 */
import type { Draft } from "./draft.ts";
import type { State } from "./state.ts";
import type { ReservationStatus, ReserveNowRequest } from "./ocpp/reservation.ts";
import { isFaulted } from "./connector_fsm.ts";
import { boolKey } from "./configuration.ts";
import { featureProfileListed } from "./configuration_keys.ts";
import { fire } from "./connector_reducer.ts";
import { lookupLocalList } from "./local_auth_list.ts";

/**
 * A reservation the charge point accepted.
 *
 * @example
 * ```ts
 * import type { Reservation } from "./reservations.ts";
 * const r: Reservation = {
 *   reservationId: 7, connectorId: 1, idTag: "TAG-1",
 *   expiryDate: "2026-01-01T01:00:00.000Z", expiresAt: Date.parse("2026-01-01T01:00:00Z"),
 * };
 * ```
 */
export interface Reservation {
  /** Id given by the central system. */
  readonly reservationId: number;
  /** Reserved connector; 0 = any connector of the charge point. */
  readonly connectorId: number;
  /** idTag the reservation is for. */
  readonly idTag: string;
  /** Parent idTag whose members may use the reservation too. */
  readonly parentIdTag?: string;
  /** Expiry as sent by the central system, normalised to UTC (`Z`). */
  readonly expiryDate: string;
  /** Local time (ms since the epoch) at which the expiry timer fires. */
  readonly expiresAt: number;
}

/**
 * Whether an idTag may use a connector, as far as reservations go (libocpp's
 * `ReservationCheckStatus`). `ReservedForOtherTokenAndHasParentToken`: reserved for another idTag,
 * but the reservation has a parentIdTag and none was given; the caller should learn the idTag's
 * parent (local list, cache or Authorize) and ask again.
 *
 * @example
 * ```ts
 * import type { ReservationCheck } from "./reservations.ts";
 * const refused: ReservationCheck = "ReservedForOtherToken";
 * ```
 */
export type ReservationCheck =
  | "NotReserved"
  | "ReservedForToken"
  | "ReservedForOtherToken"
  | "ReservedForOtherTokenAndHasParentToken";

/** Stored states in which a connector is in use (ReserveNow answers `Occupied`). */
const OCCUPIED: ReadonlySet<string> = new Set([
  "Preparing",
  "Charging",
  "SuspendedEV",
  "SuspendedEVSE",
  "Finishing",
]);

/**
 * Name of the expiry timer of a reservation.
 *
 * @example
 * ```ts
 * import { reservationTimer } from "./reservations.ts";
 * console.log(reservationTimer(7)); // "reservation:7"
 * ```
 */
export function reservationTimer(reservationId: number): string {
  return `reservation:${reservationId}`;
}

/** Prefix of the expiry timers. *
 * @example
 * ```ts
 * import { RESERVATION_TIMER_PREFIX } from "./reservations.ts";
 * console.log("reservation:7".startsWith(RESERVATION_TIMER_PREFIX)); // true
 * ```
 */
export const RESERVATION_TIMER_PREFIX = "reservation:";

function sameTag(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/**
 * Whether `idTag` (with its parent, if known) may use `reservation`: the idTag or the parent
 * equals the reservation's idTag or parentIdTag, ignoring case.
 *
 * @example
 * ```ts
 * import { reservationMatches } from "./reservations.ts";
 * const r = { reservationId: 1, connectorId: 1, idTag: "A", parentIdTag: "FLEET",
 *   expiryDate: "2026-01-01T01:00:00.000Z", expiresAt: 0 };
 * console.log(reservationMatches(r, "a"), reservationMatches(r, "B", "fleet")); // true true
 * console.log(reservationMatches(r, "B")); // false
 * ```
 */
export function reservationMatches(
  reservation: Reservation,
  idTag: string,
  parentIdTag?: string,
): boolean {
  return sameTag(idTag, reservation.idTag) || sameTag(idTag, reservation.parentIdTag) ||
    sameTag(parentIdTag, reservation.idTag) || sameTag(parentIdTag, reservation.parentIdTag);
}

/**
 * The reservations in id order.
 *
 * @example
 * ```ts
 * import { listReservations } from "./reservations.ts";
 * import { initialState } from "./state.ts";
 * console.log(listReservations(initialState())); // []
 * ```
 */
export function listReservations(state: State): Reservation[] {
  return Object.values(state.reservations).sort((a, b) => a.reservationId - b.reservationId);
}

/**
 * The reservation of connector `connector` (> 0) itself, if any (connector-0 reservations are
 * not tied to a connector).
 *
 * @example
 * ```ts
 * import { reservationOn } from "./reservations.ts";
 * import { initialState } from "./state.ts";
 * console.log(reservationOn(initialState(), 1)); // undefined
 * ```
 */
export function reservationOn(state: State, connector: number): Reservation | undefined {
  if (connector === 0) return undefined;
  return listReservations(state).find((r) => r.connectorId === connector);
}

function zeroReservations(state: State, except?: number): Reservation[] {
  return listReservations(state).filter((r) => r.connectorId === 0 && r.reservationId !== except);
}

/**
 * Connectors 1..n that are free for a connector-0 reservation: not faulted, operative, no
 * transaction, no reservation of their own (other than `except`), and Available (or Reserved
 * only because they are held for connector-0 reservations).
 *
 * @example
 * ```ts
 * import { freeConnectors } from "./reservations.ts";
 * import { initialState, newConnector } from "./state.ts";
 * const s = { ...initialState(), connectors: [0, 1, 2].map(newConnector) };
 * console.log(freeConnectors(s)); // [1, 2]
 * ```
 */
export function freeConnectors(state: State, except?: number): number[] {
  const own = new Set(
    listReservations(state).filter((r) => r.connectorId > 0 && r.reservationId !== except).map((
      r,
    ) => r.connectorId),
  );
  const reservedByExcept = except === undefined
    ? undefined
    : state.reservations[String(except)]?.connectorId;
  const free: number[] = [];
  for (const c of state.connectors) {
    if (c.id === 0 || isFaulted(c.errors) || c.transaction !== undefined || own.has(c.id)) continue;
    const held = c.stored === "Reserved" &&
      (state.reservationHolds.includes(c.id) || reservedByExcept === c.id);
    if (c.stored === "Available" || held) free.push(c.id);
  }
  return free;
}

/**
 * Why ReserveNow cannot be accepted now, or `undefined` when it can. `nowMs` is the central
 * system's current time. A request with the id of an existing reservation is judged as if that
 * reservation did not exist (it replaces it).
 *
 * Order: feature profile, connector id, connector 0 support, expiry in the past → `Rejected`;
 * charge point Faulted/Unavailable; then the connector: `Faulted`, `Unavailable`, in use or
 * reserved by another reservation → `Occupied`. Connector 0: accepted while more connectors are
 * free than connector-0 reservations exist, else `Faulted`/`Unavailable` when every connector is,
 * otherwise `Occupied`. A connector reservation that would take the last connector kept free for
 * connector-0 reservations is `Occupied`.
 *
 * @example
 * ```ts
 * import { reserveRefusal } from "./reservations.ts";
 * import { initialState, newConnector } from "./state.ts";
 * const s = { ...initialState(), connectors: [0, 1].map(newConnector) };
 * const req = { connectorId: 1, expiryDate: "2026-01-01T01:00:00Z", idTag: "T", reservationId: 1 };
 * console.log(reserveRefusal(s, req, Date.parse("2026-01-01T00:00:00Z"))); // undefined
 * console.log(reserveRefusal(s, { ...req, connectorId: 2 }, 0)); // "Rejected"
 * ```
 */
export function reserveRefusal(
  state: State,
  request: ReserveNowRequest,
  nowMs: number,
): ReservationStatus | undefined {
  const config = state.config;
  const n = state.connectors.length - 1;
  const k = request.connectorId;
  if (!featureProfileListed(config, "Reservation")) return "Rejected";
  if (!Number.isInteger(k) || k < 0 || k > n) return "Rejected";
  if (k === 0 && !boolKey(config, "ReserveConnectorZeroSupported", false)) return "Rejected";
  const expiry = Date.parse(request.expiryDate);
  if (Number.isNaN(expiry) || expiry <= nowMs) return "Rejected";
  const cp = state.connectors[0];
  if (cp === undefined) return "Rejected";
  if (isFaulted(cp.errors)) return "Faulted";
  if (cp.stored === "Unavailable") return "Unavailable";
  const id = request.reservationId;
  const zero = zeroReservations(state, id).length;
  const free = freeConnectors(state, id);
  if (k === 0) {
    if (free.length > zero) return undefined;
    const all = state.connectors.slice(1);
    if (all.every((c) => isFaulted(c.errors))) return "Faulted";
    if (all.every((c) => isFaulted(c.errors) || c.stored === "Unavailable")) return "Unavailable";
    return "Occupied";
  }
  const c = state.connectors[k];
  if (c === undefined) return "Rejected";
  if (isFaulted(c.errors)) return "Faulted";
  if (c.stored === "Unavailable") return "Unavailable";
  if (c.transaction !== undefined || OCCUPIED.has(c.stored)) return "Occupied";
  // Reserved by another reservation, by the firmware, or held for connector-0 reservations.
  if (!free.includes(k)) return "Occupied";
  if (free.length - 1 < zero) return "Occupied";
  return undefined;
}

/**
 * Whether `idTag` may use `connector` as far as reservations go.
 *
 * A connector with its own reservation: only its idTag/parentIdTag. Otherwise, with
 * connector-0 reservations: their idTags may use any connector; other idTags only while enough
 * free connectors remain for them. A connector Reserved by the firmware alone
 * (`onReservationStart`) is unknown here: `NotReserved`.
 *
 * @example
 * ```ts
 * import { reservationCheck } from "./reservations.ts";
 * import { initialState, newConnector } from "./state.ts";
 * const s = { ...initialState(), connectors: [0, 1].map(newConnector) };
 * console.log(reservationCheck(s, 1, "TAG")); // "NotReserved"
 * ```
 */
export function reservationCheck(
  state: State,
  connector: number,
  idTag: string,
  parentIdTag?: string,
): ReservationCheck {
  const refuse = (reservations: readonly Reservation[]): ReservationCheck =>
    parentIdTag === undefined && reservations.some((r) => r.parentIdTag !== undefined)
      ? "ReservedForOtherTokenAndHasParentToken"
      : "ReservedForOtherToken";
  const own = reservationOn(state, connector);
  if (own !== undefined) {
    return reservationMatches(own, idTag, parentIdTag) ? "ReservedForToken" : refuse([own]);
  }
  const zero = zeroReservations(state);
  if (zero.length === 0) return "NotReserved";
  if (zero.some((r) => reservationMatches(r, idTag, parentIdTag))) return "ReservedForToken";
  const free = freeConnectors(state);
  const left = free.includes(connector) ? free.length - 1 : free.length;
  return left >= zero.length ? "NotReserved" : refuse(zero);
}

/**
 * Whether `idTag` may start a transaction on `connector` as far as reservations go (not
 * reserved, or reserved for this idTag or its parent).
 *
 * @example
 * ```ts
 * import { reservationAllows } from "./reservations.ts";
 * import { initialState, newConnector } from "./state.ts";
 * const s = { ...initialState(), connectors: [0, 1].map(newConnector) };
 * console.log(reservationAllows(s, 1, "TAG")); // true
 * ```
 */
export function reservationAllows(
  state: State,
  connector: number,
  idTag: string,
  parentIdTag?: string,
): boolean {
  const check = reservationCheck(state, connector, idTag, parentIdTag);
  return check === "NotReserved" || check === "ReservedForToken";
}

/**
 * The parent idTag of `idTag` as far as the charge point knows it: from the Local Authorization
 * List, else from the authorization cache. `nowMs`: central system time.
 *
 * @example
 * ```ts
 * import { knownParent } from "./reservations.ts";
 * import { initialState } from "./state.ts";
 * console.log(knownParent(initialState(), "TAG", 0)); // undefined
 * ```
 */
export function knownParent(state: State, idTag: string, nowMs: number): string | undefined {
  return lookupLocalList(state, idTag, nowMs)?.parentIdTag ?? state.authCache[idTag]?.parentIdTag;
}

// ---- operations on the fold's draft ----------------------------------------------------------

function removeReservation(d: Draft, reservationId: number): Reservation | undefined {
  const key = String(reservationId);
  const r = d.state.reservations[key];
  if (r === undefined) return undefined;
  const { [key]: _, ...rest } = d.state.reservations;
  d.set({ reservations: rest });
  d.clearTimer(reservationTimer(reservationId));
  return r;
}

/**
 * Stores an accepted reservation (replacing one with the same id) and arms its expiry timer. The
 * connector becomes Reserved in {@linkcode reconcileReservations} at the end of the step.
 *
 * @example
 * ```ts
 * import { Draft } from "./draft.ts";
 * import { initialState, newConnector } from "./state.ts";
 * const d = new Draft(
 *   { ...initialState(), connectors: [0, 1, 2].map(newConnector) },
 *   "01JD0000000000000000000000",
 *   Date.parse("2026-01-01T00:00:00Z"),
 * );
 * import { addReservation } from "./reservations.ts";
 * addReservation(d, { connectorId: 1, expiryDate: "2026-01-01T01:00:00Z", idTag: "T", reservationId: 1 });
 * console.log(d.state.timers["reservation:1"] === Date.parse("2026-01-01T01:00:00Z")); // true
 * ```
 */
export function addReservation(d: Draft, request: ReserveNowRequest): Reservation {
  const old = removeReservation(d, request.reservationId);
  if (old !== undefined && old.connectorId > 0 && old.connectorId !== request.connectorId) {
    releaseConnector(d, old.connectorId);
  }
  const expiry = Date.parse(request.expiryDate);
  const reservation: Reservation = {
    reservationId: request.reservationId,
    connectorId: request.connectorId,
    idTag: request.idTag,
    ...(request.parentIdTag === undefined ? {} : { parentIdTag: request.parentIdTag }),
    expiryDate: new Date(expiry).toISOString(),
    expiresAt: expiry - d.state.timeOffsetMs,
  };
  d.set({
    reservations: { ...d.state.reservations, [String(reservation.reservationId)]: reservation },
  });
  d.setTimer(reservationTimer(reservation.reservationId), reservation.expiresAt);
  return reservation;
}

/** A connector whose reservation ended goes back to Available (if it still shows Reserved). */
function releaseConnector(d: Draft, connector: number): void {
  const c = d.connector(connector);
  if (c.stored === "Reserved" && !d.state.reservationHolds.includes(connector)) {
    fire(d, connector, "ReservationEnd");
  }
}

/**
 * Ends a reservation (cancelled, expired or terminated): removed, its timer disarmed, its
 * connector back to Available, and the firmware told through `cancelReservation(reservationId)`
 * when it provided that callback. Returns false when there is no such reservation.
 *
 * @example
 * ```ts
 * import { Draft } from "./draft.ts";
 * import { initialState, newConnector } from "./state.ts";
 * const d = new Draft(
 *   { ...initialState(), connectors: [0, 1, 2].map(newConnector) },
 *   "01JD0000000000000000000000",
 *   Date.parse("2026-01-01T00:00:00Z"),
 * );
 * import { addReservation, endReservation } from "./reservations.ts";
 * addReservation(d, { connectorId: 1, expiryDate: "2026-01-01T01:00:00Z", idTag: "T", reservationId: 1 });
 * console.log(endReservation(d, 1, "cancelled"), endReservation(d, 1, "again")); // true false
 * ```
 */
export function endReservation(d: Draft, reservationId: number, why: string): boolean {
  const r = removeReservation(d, reservationId);
  if (r === undefined) return false;
  d.note(`reservation ${reservationId} ended: ${why}`);
  if (r.connectorId > 0) releaseConnector(d, r.connectorId);
  if (d.hasCallback("cancelReservation")) d.callback("cancelReservation", reservationId);
  return true;
}

/** The expiry timer of a reservation fired. *
 * @example
 * ```ts
 * import { Draft } from "./draft.ts";
 * import { initialState, newConnector } from "./state.ts";
 * const d = new Draft(
 *   { ...initialState(), connectors: [0, 1, 2].map(newConnector) },
 *   "01JD0000000000000000000000",
 *   Date.parse("2026-01-01T00:00:00Z"),
 * );
 * import { addReservation, expireReservation } from "./reservations.ts";
 * addReservation(d, { connectorId: 1, expiryDate: "2026-01-01T01:00:00Z", idTag: "T", reservationId: 1 });
 * expireReservation(d, "reservation:1");
 * console.log(d.state.reservations); // {}
 * ```
 */
export function expireReservation(d: Draft, timer: string): void {
  const id = Number(timer.slice(RESERVATION_TIMER_PREFIX.length));
  if (!endReservation(d, id, "expired")) d.note(`expiry of unknown reservation ${id} ignored`);
}

/**
 * The firmware reports the reservation of `connector` ended (`onReservationEnd`): the library's
 * reservation of that connector, if any, is forgotten (no callback: the firmware knows).
 *
 * @example
 * ```ts
 * import { Draft } from "./draft.ts";
 * import { initialState, newConnector } from "./state.ts";
 * const d = new Draft(
 *   { ...initialState(), connectors: [0, 1, 2].map(newConnector) },
 *   "01JD0000000000000000000000",
 *   Date.parse("2026-01-01T00:00:00Z"),
 * );
 * import { addReservation, forgetReservationOn } from "./reservations.ts";
 * addReservation(d, { connectorId: 2, expiryDate: "2026-01-01T01:00:00Z", idTag: "T", reservationId: 1 });
 * forgetReservationOn(d, 2);
 * console.log(d.state.reservations); // {}
 * ```
 */
export function forgetReservationOn(d: Draft, connector: number): void {
  const r = reservationOn(d.state, connector);
  if (r !== undefined) {
    removeReservation(d, r.reservationId);
    d.note(`reservation ${r.reservationId} ended by the firmware`);
  }
}

/**
 * A transaction starts on `connector` for `idTag`: the reservation it uses is consumed and its
 * id returned (for StartTransaction.reservationId). The firmware's `reservationId` wins; else
 * the connector's own reservation when the idTag (or its parent from the local list) matches;
 * else a matching connector-0 reservation. An unknown `reservationId` from the firmware is passed
 * through unchanged.
 *
 * @example
 * ```ts
 * import { Draft } from "./draft.ts";
 * import { initialState, newConnector } from "./state.ts";
 * const d = new Draft(
 *   { ...initialState(), connectors: [0, 1, 2].map(newConnector) },
 *   "01JD0000000000000000000000",
 *   Date.parse("2026-01-01T00:00:00Z"),
 * );
 * import { addReservation, consumeReservation } from "./reservations.ts";
 * addReservation(d, { connectorId: 1, expiryDate: "2026-01-01T01:00:00Z", idTag: "T", reservationId: 4 });
 * console.log(consumeReservation(d, 1, "other", undefined)); // undefined
 * console.log(consumeReservation(d, 1, "t", undefined)); // 4
 * ```
 */
export function consumeReservation(
  d: Draft,
  connector: number,
  idTag: string,
  reservationId: number | undefined,
): number | undefined {
  if (reservationId !== undefined) {
    const r = removeReservation(d, reservationId);
    if (r !== undefined && r.connectorId !== 0 && r.connectorId !== connector) {
      d.note(`reservation ${reservationId} of connector ${r.connectorId} used on ${connector}`);
    }
    return reservationId;
  }
  const parent = knownParent(d.state, idTag, d.now + d.state.timeOffsetMs);
  const own = reservationOn(d.state, connector);
  const used = own !== undefined
    ? (reservationMatches(own, idTag, parent) ? own : undefined)
    : zeroReservations(d.state).find((r) => reservationMatches(r, idTag, parent));
  if (used === undefined) return undefined;
  removeReservation(d, used.reservationId);
  return used.reservationId;
}

/**
 * After a restart: expiry timers re-armed and reserved (or held) connectors shown Reserved again
 * (without StatusNotification: the status of every connector is reported after boot).
 * Reservations of connectors that no longer exist are dropped.
 *
 * @example
 * ```ts
 * import { Draft } from "./draft.ts";
 * import { initialState, newConnector } from "./state.ts";
 * const d = new Draft(
 *   { ...initialState(), connectors: [0, 1, 2].map(newConnector) },
 *   "01JD0000000000000000000000",
 *   Date.parse("2026-01-01T00:00:00Z"),
 * );
 * import { restoreReservations } from "./reservations.ts";
 * restoreReservations(d); // nothing to restore
 * console.log(d.state.timers); // {}
 * ```
 */
export function restoreReservations(d: Draft): void {
  const n = d.state.connectors.length - 1;
  for (const r of listReservations(d.state)) {
    if (r.connectorId > n) {
      removeReservation(d, r.reservationId);
      d.note(`reservation ${r.reservationId} dropped: connector ${r.connectorId} does not exist`);
      continue;
    }
    d.setTimer(reservationTimer(r.reservationId), r.expiresAt);
    if (r.connectorId > 0) showReserved(d, r.connectorId);
  }
  const holds = d.state.reservationHolds.filter((c) => c <= n);
  d.set({ reservationHolds: holds });
  for (const c of holds) showReserved(d, c);
}

function showReserved(d: Draft, connector: number): void {
  const c = d.connector(connector);
  if (c.stored === "Available" && c.transaction === undefined) {
    d.updateConnector(connector, { stored: "Reserved" });
  }
}

/**
 * Brings connectors in line with the reservations after an event (run at the end of every step):
 *
 * 1. Reservations terminate when the charge point, or their connector, is Faulted or Unavailable.
 * 2. A reserved connector back at Available (session ended without a transaction, reservation
 *    moved) becomes Reserved again.
 * 3. Connectors held for connector-0 reservations: held while the free connectors are no more
 *    than those reservations, released (Available) when no longer needed.
 *
 * @example
 * ```ts
 * import { Draft } from "./draft.ts";
 * import { initialState, newConnector } from "./state.ts";
 * const d = new Draft(
 *   { ...initialState(), connectors: [0, 1, 2].map(newConnector) },
 *   "01JD0000000000000000000000",
 *   Date.parse("2026-01-01T00:00:00Z"),
 * );
 * import { addReservation, reconcileReservations } from "./reservations.ts";
 * addReservation(d, { connectorId: 1, expiryDate: "2026-01-01T01:00:00Z", idTag: "T", reservationId: 1 });
 * reconcileReservations(d);
 * console.log(d.state.connectors[1]?.stored); // "Reserved"
 * ```
 */
export function reconcileReservations(d: Draft): void {
  if (
    Object.keys(d.state.reservations).length === 0 && d.state.reservationHolds.length === 0
  ) return;
  const cp = d.state.connectors[0];
  const cpDown = cp === undefined || isFaulted(cp.errors) || cp.stored === "Unavailable";
  for (const r of listReservations(d.state)) {
    const c = d.state.connectors[r.connectorId];
    const down = cpDown || c === undefined || isFaulted(c.errors) || c.stored === "Unavailable";
    if (down) endReservation(d, r.reservationId, "connector or charge point Faulted/Unavailable");
  }
  for (const r of listReservations(d.state)) {
    if (r.connectorId === 0) continue;
    const c = d.connector(r.connectorId);
    if (c.stored === "Available" && c.transaction === undefined) {
      fire(d, r.connectorId, "ReserveConnector");
    }
  }
  const zero = zeroReservations(d.state).length;
  const free = freeConnectors(d.state);
  const wanted = zero > 0 && free.length <= zero ? free : [];
  const before = d.state.reservationHolds;
  d.set({ reservationHolds: wanted });
  for (const k of before) {
    if (wanted.includes(k)) continue;
    const c = d.connector(k);
    if (c.stored === "Reserved" && reservationOn(d.state, k) === undefined) {
      fire(d, k, "ReservationEnd");
    }
  }
  for (const k of wanted) {
    if (d.connector(k).stored === "Available") fire(d, k, "ReserveConnector");
  }
}
