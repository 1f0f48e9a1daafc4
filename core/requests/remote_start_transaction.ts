/**
 * RemoteStartTransaction (Core). `Rejected` while the registration is Pending (OCPP 1.6 §4.2
 * forbids it), while a reset is pending, without a `provideToken` callback, for connector 0 or an
 * unknown connector, for a chargingProfile whose purpose is not `TxProfile`, and when no candidate
 * connector can take a transaction (running transaction, Unavailable, Faulted, reserved for another
 * idTag). Otherwise `Accepted`, then `provideToken(idTag, connectors, prevalidated,
 * chargingProfile?)` with `prevalidated = !AuthorizeRemoteTxRequests`; the firmware starts the
 * transaction (`onTransactionStarted`).
 *
 * @module
 */
import type { Draft } from "../draft.ts";
import type { RequestOf } from "../ocpp/actions.ts";
import { boolKey } from "../configuration.ts";
import { reportedStatus } from "../connector_fsm.ts";
import { reservationCheck } from "../reservations.ts";
import { lookupLocalList } from "../local_auth_list.ts";
import type { ChargingProfile } from "../charge_point.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";

/**
 * Whether connector `connectorId` (≥ 1) is reserved for an idTag other than `idTag`. The parent
 * idTag is taken from the local list or the authorization cache when known; a reservation that
 * only a member of its parent group may use, for an idTag whose parent is unknown, is left to the
 * firmware (it authorizes the idTag and learns the parent), as libocpp does.
 */
function reservedForAnother(d: Draft, connectorId: number, idTag: string): boolean {
  const parent = lookupLocalList(d.state, idTag, d.now + d.state.timeOffsetMs)?.parentIdTag ??
    d.state.authCache[idTag]?.parentIdTag;
  return reservationCheck(d.state, connectorId, idTag, parent) === "ReservedForOtherToken";
}

/** The TxProfile as handed to the firmware (checked against the public type at compile time). */
function profileArgument(
  profile: NonNullable<RequestOf<"RemoteStartTransaction">["chargingProfile"]>,
): ChargingProfile {
  return profile;
}

/** Why `connectorId` cannot take a new transaction for `idTag`, or `undefined` if it can. */
function unavailableReason(d: Draft, connectorId: number, idTag: string): string | undefined {
  const c = d.connector(connectorId);
  if (c.transaction !== undefined) return `connector ${connectorId} has a running transaction`;
  const status = reportedStatus(c.stored, c.errors);
  if (status === "Unavailable" || status === "Faulted") {
    return `connector ${connectorId} is ${status}`;
  }
  if (c.scheduledAvailability === "Inoperative") {
    return `connector ${connectorId} becomes Unavailable`;
  }
  if (connectorId > 0 && reservedForAnother(d, connectorId, idTag)) {
    return `connector ${connectorId} is reserved for another idTag`;
  }
  return undefined;
}

/** The connectors to offer the firmware, or why the request is rejected. */
function candidates(
  d: Draft,
  request: RequestOf<"RemoteStartTransaction">,
): { ok: true; connectors: number[] } | { ok: false; reason: string } {
  if (d.state.registration !== "Accepted") {
    return { ok: false, reason: `registration is ${d.state.registration}` };
  }
  if (d.state.pendingReset !== undefined) return { ok: false, reason: "a reset is pending" };
  if (!d.hasCallback("provideToken")) {
    return { ok: false, reason: "the firmware provides no provideToken callback" };
  }
  const purpose = request.chargingProfile?.chargingProfilePurpose;
  if (purpose !== undefined && purpose !== "TxProfile") {
    return { ok: false, reason: `chargingProfile purpose ${purpose} is not TxProfile` };
  }
  const count = d.state.connectors.length - 1;
  const { connectorId, idTag } = request;
  if (connectorId !== undefined && (connectorId < 1 || connectorId > count)) {
    return { ok: false, reason: `connector ${connectorId} is not a connector 1..${count}` };
  }
  const whole = unavailableReason(d, 0, idTag);
  if (whole !== undefined) return { ok: false, reason: `the charge point (${whole})` };
  const ids = connectorId !== undefined
    ? [connectorId]
    : Array.from({ length: count }, (_, i) => i + 1);
  const reasons: string[] = [];
  const connectors: number[] = [];
  for (const id of ids) {
    const reason = unavailableReason(d, id, idTag);
    if (reason === undefined) connectors.push(id);
    else reasons.push(reason);
  }
  if (connectors.length === 0) return { ok: false, reason: reasons.join("; ") };
  return { ok: true, connectors };
}

/**
 * Handler of RemoteStartTransaction.
 *
 * @example
 * ```ts
 * import { remoteStartTransactionRequest } from "./remote_start_transaction.ts";
 * console.log(typeof remoteStartTransactionRequest.handle); // "function"
 * ```
 */
export const remoteStartTransactionRequest: RequestHandler<"RemoteStartTransaction"> =
  defineRequest("RemoteStartTransaction", {
    handle(d, id, request) {
      const verdict = candidates(d, request);
      if (!verdict.ok) {
        d.note(`RemoteStartTransaction rejected: ${verdict.reason}`);
        d.reply(id, { status: "Rejected" });
        return;
      }
      d.reply(id, { status: "Accepted" });
      const prevalidated = !boolKey(d.state.config, "AuthorizeRemoteTxRequests", false);
      if (request.chargingProfile === undefined) {
        d.callback("provideToken", request.idTag, verdict.connectors, prevalidated);
      } else {
        d.callback(
          "provideToken",
          request.idTag,
          verdict.connectors,
          prevalidated,
          profileArgument(request.chargingProfile),
        );
      }
    },
  });
