/**
 * OCPP 1.6 Smart Charging profile messages: SetChargingProfile, ClearChargingProfile and
 * GetCompositeSchedule.
 *
 * @module
 */
import { z } from "../deps.ts";
import {
  chargingProfilePurposeSchema,
  chargingProfileSchema,
  chargingRateUnitSchema,
  chargingScheduleSchema,
  dateTimeSchema,
  integerSchema,
} from "./types.ts";

// ---------------------------------------------------------------------------------------------
// SetChargingProfile

/**
 * SetChargingProfile.req (central system → charge point).
 *
 * @example
 * ```ts
 * setChargingProfileRequestSchema.parse({
 *   connectorId: 1,
 *   csChargingProfiles: {
 *     chargingProfileId: 1,
 *     stackLevel: 0,
 *     chargingProfilePurpose: "TxDefaultProfile",
 *     chargingProfileKind: "Absolute",
 *     chargingSchedule: { chargingRateUnit: "A", chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
 *   },
 * });
 * ```
 */
export const setChargingProfileRequestSchema = z.strictObject({
  connectorId: integerSchema,
  csChargingProfiles: chargingProfileSchema,
});
/**
 * Payload of SetChargingProfile.req.
 *
 * @example
 * ```ts
 * const req: SetChargingProfileRequest = {
 *   connectorId: 0,
 *   csChargingProfiles: {
 *     chargingProfileId: 2,
 *     stackLevel: 0,
 *     chargingProfilePurpose: "ChargePointMaxProfile",
 *     chargingProfileKind: "Absolute",
 *     chargingSchedule: { chargingRateUnit: "W", chargingSchedulePeriod: [{ startPeriod: 0, limit: 22000 }] },
 *   },
 * };
 * ```
 */
export type SetChargingProfileRequest = z.infer<typeof setChargingProfileRequestSchema>;

/**
 * OCPP `ChargingProfileStatus`.
 *
 * @example
 * ```ts
 * chargingProfileStatusSchema.parse("NotSupported");
 * ```
 */
export const chargingProfileStatusSchema = z.enum(["Accepted", "Rejected", "NotSupported"]);
/**
 * Result of SetChargingProfile.
 *
 * @example
 * ```ts
 * const status: ChargingProfileStatus = "Accepted";
 * ```
 */
export type ChargingProfileStatus = z.infer<typeof chargingProfileStatusSchema>;

/**
 * SetChargingProfile.conf.
 *
 * @example
 * ```ts
 * setChargingProfileResponseSchema.parse({ status: "Accepted" });
 * ```
 */
export const setChargingProfileResponseSchema = z.strictObject({
  status: chargingProfileStatusSchema,
});
/**
 * Payload of SetChargingProfile.conf.
 *
 * @example
 * ```ts
 * const conf: SetChargingProfileResponse = { status: "Rejected" };
 * ```
 */
export type SetChargingProfileResponse = z.infer<typeof setChargingProfileResponseSchema>;

// ---------------------------------------------------------------------------------------------
// ClearChargingProfile

/**
 * ClearChargingProfile.req (central system → charge point). All criteria are optional; an
 * empty payload clears every profile.
 *
 * @example
 * ```ts
 * clearChargingProfileRequestSchema.parse({ connectorId: 1, chargingProfilePurpose: "TxProfile" });
 * ```
 */
export const clearChargingProfileRequestSchema = z.strictObject({
  id: integerSchema.optional(),
  connectorId: integerSchema.optional(),
  chargingProfilePurpose: chargingProfilePurposeSchema.optional(),
  stackLevel: integerSchema.optional(),
});
/**
 * Payload of ClearChargingProfile.req.
 *
 * @example
 * ```ts
 * const req: ClearChargingProfileRequest = { id: 3 };
 * ```
 */
export type ClearChargingProfileRequest = z.infer<typeof clearChargingProfileRequestSchema>;

/**
 * OCPP `ClearChargingProfileStatus`.
 *
 * @example
 * ```ts
 * clearChargingProfileStatusSchema.parse("Unknown");
 * ```
 */
export const clearChargingProfileStatusSchema = z.enum(["Accepted", "Unknown"]);
/**
 * Result of ClearChargingProfile.
 *
 * @example
 * ```ts
 * const status: ClearChargingProfileStatus = "Accepted";
 * ```
 */
export type ClearChargingProfileStatus = z.infer<typeof clearChargingProfileStatusSchema>;

/**
 * ClearChargingProfile.conf.
 *
 * @example
 * ```ts
 * clearChargingProfileResponseSchema.parse({ status: "Accepted" });
 * ```
 */
export const clearChargingProfileResponseSchema = z.strictObject({
  status: clearChargingProfileStatusSchema,
});
/**
 * Payload of ClearChargingProfile.conf.
 *
 * @example
 * ```ts
 * const conf: ClearChargingProfileResponse = { status: "Unknown" };
 * ```
 */
export type ClearChargingProfileResponse = z.infer<typeof clearChargingProfileResponseSchema>;

// ---------------------------------------------------------------------------------------------
// GetCompositeSchedule

/**
 * GetCompositeSchedule.req (central system → charge point): the schedule for the next
 * `duration` seconds on `connectorId` (0 = grid connection).
 *
 * @example
 * ```ts
 * getCompositeScheduleRequestSchema.parse({ connectorId: 1, duration: 3600, chargingRateUnit: "A" });
 * ```
 */
export const getCompositeScheduleRequestSchema = z.strictObject({
  connectorId: integerSchema,
  duration: integerSchema,
  chargingRateUnit: chargingRateUnitSchema.optional(),
});
/**
 * Payload of GetCompositeSchedule.req.
 *
 * @example
 * ```ts
 * const req: GetCompositeScheduleRequest = { connectorId: 0, duration: 86400 };
 * ```
 */
export type GetCompositeScheduleRequest = z.infer<typeof getCompositeScheduleRequestSchema>;

/**
 * OCPP `GetCompositeScheduleStatus`.
 *
 * @example
 * ```ts
 * getCompositeScheduleStatusSchema.parse("Accepted");
 * ```
 */
export const getCompositeScheduleStatusSchema = z.enum(["Accepted", "Rejected"]);
/**
 * Result of GetCompositeSchedule.
 *
 * @example
 * ```ts
 * const status: GetCompositeScheduleStatus = "Rejected";
 * ```
 */
export type GetCompositeScheduleStatus = z.infer<typeof getCompositeScheduleStatusSchema>;

/**
 * GetCompositeSchedule.conf.
 *
 * @example
 * ```ts
 * getCompositeScheduleResponseSchema.parse({
 *   status: "Accepted",
 *   connectorId: 1,
 *   scheduleStart: "2024-05-01T12:00:00Z",
 *   chargingSchedule: { chargingRateUnit: "A", chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
 * });
 * ```
 */
export const getCompositeScheduleResponseSchema = z.strictObject({
  status: getCompositeScheduleStatusSchema,
  connectorId: integerSchema.optional(),
  scheduleStart: dateTimeSchema.optional(),
  chargingSchedule: chargingScheduleSchema.optional(),
});
/**
 * Payload of GetCompositeSchedule.conf.
 *
 * @example
 * ```ts
 * const conf: GetCompositeScheduleResponse = { status: "Rejected" };
 * ```
 */
export type GetCompositeScheduleResponse = z.infer<typeof getCompositeScheduleResponseSchema>;
