/**
 * ReserveNow (Reservation profile, OCPP 1.6 §5.13). The library judges the request first
 * ({@linkcode reserveRefusal}: `Rejected`, `Faulted`, `Unavailable`, `Occupied`); a request it
 * can honour goes to the firmware's `reserveNow(reservationId, connectorId, expiryDate, idTag,
 * parentIdTag?)` callback when there is one (its answer is the status: a `ReservationStatus`
 * string, or an object with `status`), else it is accepted by the library. Accepted: the
 * reservation is stored (a request with a known reservationId replaces that reservation), its
 * connector becomes Reserved and its expiry timer is armed. A refused replacement leaves the
 * existing reservation as it was.
 *
 * The state can change while the firmware decides: the request is judged again when the answer
 * comes; if it can no longer be honoured, that status is answered and the firmware is told
 * through `cancelReservation(reservationId)`.
 *
 * @module
 */
import type { Draft } from "../draft.ts";
import type { ReservationStatus, ReserveNowRequest } from "../ocpp/reservation.ts";
import { addReservation, reserveRefusal } from "../reservations.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";

const STATUSES: readonly string[] = ["Accepted", "Faulted", "Occupied", "Rejected", "Unavailable"];

/** The status the firmware's `reserveNow` callback answered (`Rejected` when unusable). */
function statusOf(result: unknown): ReservationStatus {
  const raw = typeof result === "object" && result !== null && "status" in result
    ? (result as { status: unknown }).status
    : result;
  return typeof raw === "string" && STATUSES.includes(raw) ? raw as ReservationStatus : "Rejected";
}

function csmsNow(d: Draft): number {
  return d.now + d.state.timeOffsetMs;
}

function accept(d: Draft, messageId: string, request: ReserveNowRequest): void {
  d.reply(messageId, { status: "Accepted" });
  addReservation(d, request);
}

/**
 * Handler of ReserveNow.
 *
 * @example
 * ```ts
 * import { reserveNowRequest } from "./reserve_now.ts";
 * console.log(typeof reserveNowRequest.resume); // "function"
 * ```
 */
export const reserveNowRequest: RequestHandler<"ReserveNow"> = defineRequest("ReserveNow", {
  handle(d, id, request) {
    const refusal = reserveRefusal(d.state, request, csmsNow(d));
    if (refusal !== undefined) {
      d.reply(id, { status: refusal });
      return;
    }
    if (!d.hasCallback("reserveNow")) {
      accept(d, id, request);
      return;
    }
    d.awaitCallback(
      { callback: "reserveNow", messageId: id, action: "ReserveNow", context: { request } },
      request.reservationId,
      request.connectorId,
      new Date(Date.parse(request.expiryDate)).toISOString(),
      request.idTag,
      request.parentIdTag,
    );
  },
  resume(d, pending, outcome) {
    const request = pending.context.request as ReserveNowRequest;
    const status = outcome.ok ? statusOf(outcome.result) : "Rejected";
    if (status !== "Accepted") {
      d.reply(pending.messageId, { status });
      return;
    }
    const refusal = reserveRefusal(d.state, request, csmsNow(d));
    if (refusal !== undefined) {
      d.note(`reservation ${request.reservationId} no longer possible (${refusal})`);
      d.reply(pending.messageId, { status: refusal });
      if (d.hasCallback("cancelReservation")) {
        d.callback("cancelReservation", request.reservationId);
      }
      return;
    }
    accept(d, pending.messageId, request);
  },
});
