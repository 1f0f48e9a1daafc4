/**
 * OCPP 1.6 Reservation profile messages: ReserveNow and CancelReservation.
 *
 * @module
 */
import { z } from "../deps.ts";
import { dateTimeSchema, idTokenSchema, integerSchema } from "./types.ts";

// ---------------------------------------------------------------------------------------------
// ReserveNow

/**
 * ReserveNow.req (central system → charge point): reserve `connectorId` (0 = any) for
 * `idTag` until `expiryDate`.
 *
 * @example
 * ```ts
 * reserveNowRequestSchema.parse({
 *   connectorId: 1,
 *   expiryDate: "2024-05-01T13:00:00Z",
 *   idTag: "04E91C5A",
 *   reservationId: 7,
 * });
 * ```
 */
export const reserveNowRequestSchema = z.strictObject({
  connectorId: integerSchema,
  expiryDate: dateTimeSchema,
  idTag: idTokenSchema,
  parentIdTag: idTokenSchema.optional(),
  reservationId: integerSchema,
});
/**
 * Payload of ReserveNow.req.
 *
 * @example
 * ```ts
 * const req: ReserveNowRequest = {
 *   connectorId: 0,
 *   expiryDate: "2024-05-01T13:00:00Z",
 *   idTag: "04E91C5A",
 *   reservationId: 7,
 * };
 * ```
 */
export type ReserveNowRequest = z.infer<typeof reserveNowRequestSchema>;

/**
 * OCPP `ReservationStatus`.
 *
 * @example
 * ```ts
 * reservationStatusSchema.parse("Occupied");
 * ```
 */
export const reservationStatusSchema = z.enum([
  "Accepted",
  "Faulted",
  "Occupied",
  "Rejected",
  "Unavailable",
]);
/**
 * Result of ReserveNow.
 *
 * @example
 * ```ts
 * const status: ReservationStatus = "Accepted";
 * ```
 */
export type ReservationStatus = z.infer<typeof reservationStatusSchema>;

/**
 * ReserveNow.conf.
 *
 * @example
 * ```ts
 * reserveNowResponseSchema.parse({ status: "Accepted" });
 * ```
 */
export const reserveNowResponseSchema = z.strictObject({
  status: reservationStatusSchema,
});
/**
 * Payload of ReserveNow.conf.
 *
 * @example
 * ```ts
 * const conf: ReserveNowResponse = { status: "Unavailable" };
 * ```
 */
export type ReserveNowResponse = z.infer<typeof reserveNowResponseSchema>;

// ---------------------------------------------------------------------------------------------
// CancelReservation

/**
 * CancelReservation.req (central system → charge point).
 *
 * @example
 * ```ts
 * cancelReservationRequestSchema.parse({ reservationId: 7 });
 * ```
 */
export const cancelReservationRequestSchema = z.strictObject({
  reservationId: integerSchema,
});
/**
 * Payload of CancelReservation.req.
 *
 * @example
 * ```ts
 * const req: CancelReservationRequest = { reservationId: 7 };
 * ```
 */
export type CancelReservationRequest = z.infer<typeof cancelReservationRequestSchema>;

/**
 * OCPP `CancelReservationStatus`.
 *
 * @example
 * ```ts
 * cancelReservationStatusSchema.parse("Rejected");
 * ```
 */
export const cancelReservationStatusSchema = z.enum(["Accepted", "Rejected"]);
/**
 * Result of CancelReservation.
 *
 * @example
 * ```ts
 * const status: CancelReservationStatus = "Accepted";
 * ```
 */
export type CancelReservationStatus = z.infer<typeof cancelReservationStatusSchema>;

/**
 * CancelReservation.conf.
 *
 * @example
 * ```ts
 * cancelReservationResponseSchema.parse({ status: "Accepted" });
 * ```
 */
export const cancelReservationResponseSchema = z.strictObject({
  status: cancelReservationStatusSchema,
});
/**
 * Payload of CancelReservation.conf.
 *
 * @example
 * ```ts
 * const conf: CancelReservationResponse = { status: "Rejected" };
 * ```
 */
export type CancelReservationResponse = z.infer<typeof cancelReservationResponseSchema>;
