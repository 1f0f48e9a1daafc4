/**
 * CancelReservation (Reservation profile, OCPP 1.6 §5.2): `Accepted` when a reservation with
 * this id exists (it is removed, its connector goes back to Available, and the firmware is told
 * through `cancelReservation(reservationId)` when it provided that callback; its result is not
 * awaited), otherwise `Rejected`.
 *
 * @module
 */
import { endReservation } from "../reservations.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";

/**
 * Handler of CancelReservation.
 *
 * @example
 * ```ts
 * import { cancelReservationRequest } from "./cancel_reservation.ts";
 * console.log(typeof cancelReservationRequest.handle); // "function"
 * ```
 */
export const cancelReservationRequest: RequestHandler<"CancelReservation"> = defineRequest(
  "CancelReservation",
  {
    handle(d, id, request) {
      const known = String(request.reservationId) in d.state.reservations;
      d.reply(id, { status: known ? "Accepted" : "Rejected" });
      if (known) endReservation(d, request.reservationId, "cancelled by the central system");
    },
  },
);
