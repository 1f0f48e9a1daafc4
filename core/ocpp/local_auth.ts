/**
 * OCPP 1.6 Local Auth List Management profile messages: GetLocalListVersion and SendLocalList.
 *
 * @module
 */
import { z } from "../deps.ts";
import { idTagInfoSchema, idTokenSchema, integerSchema } from "./types.ts";

// ---------------------------------------------------------------------------------------------
// GetLocalListVersion

/**
 * GetLocalListVersion.req (central system → charge point): empty payload.
 *
 * @example
 * ```ts
 * getLocalListVersionRequestSchema.parse({});
 * ```
 */
export const getLocalListVersionRequestSchema = z.strictObject({});
/**
 * Payload of GetLocalListVersion.req (always `{}`).
 *
 * @example
 * ```ts
 * const req: GetLocalListVersionRequest = {};
 * ```
 */
export type GetLocalListVersionRequest = z.infer<typeof getLocalListVersionRequestSchema>;

/**
 * GetLocalListVersion.conf: current list version (0 = empty list, -1 = not supported).
 *
 * @example
 * ```ts
 * getLocalListVersionResponseSchema.parse({ listVersion: 3 });
 * ```
 */
export const getLocalListVersionResponseSchema = z.strictObject({
  listVersion: integerSchema,
});
/**
 * Payload of GetLocalListVersion.conf.
 *
 * @example
 * ```ts
 * const conf: GetLocalListVersionResponse = { listVersion: 0 };
 * ```
 */
export type GetLocalListVersionResponse = z.infer<typeof getLocalListVersionResponseSchema>;

// ---------------------------------------------------------------------------------------------
// SendLocalList

/**
 * OCPP `AuthorizationData`: one entry of the local authorisation list. Without `idTagInfo`
 * a differential update deletes the entry.
 *
 * @example
 * ```ts
 * authorizationDataSchema.parse({ idTag: "04E91C5A", idTagInfo: { status: "Accepted" } });
 * ```
 */
export const authorizationDataSchema = z.strictObject({
  idTag: idTokenSchema,
  idTagInfo: idTagInfoSchema.optional(),
});
/**
 * A local authorisation list entry.
 *
 * @example
 * ```ts
 * const entry: AuthorizationData = { idTag: "04E91C5A" };
 * ```
 */
export type AuthorizationData = z.infer<typeof authorizationDataSchema>;

/**
 * OCPP `UpdateType`.
 *
 * @example
 * ```ts
 * updateTypeSchema.parse("Differential");
 * ```
 */
export const updateTypeSchema = z.enum(["Differential", "Full"]);
/**
 * Kind of local list update: `Differential` or `Full`.
 *
 * @example
 * ```ts
 * const type: UpdateType = "Full";
 * ```
 */
export type UpdateType = z.infer<typeof updateTypeSchema>;

/**
 * SendLocalList.req (central system → charge point). The JSON schema sets no `minItems` or
 * `maxItems` on `localAuthorizationList`.
 *
 * @example
 * ```ts
 * sendLocalListRequestSchema.parse({
 *   listVersion: 4,
 *   updateType: "Full",
 *   localAuthorizationList: [{ idTag: "04E91C5A", idTagInfo: { status: "Accepted" } }],
 * });
 * ```
 */
export const sendLocalListRequestSchema = z.strictObject({
  listVersion: integerSchema,
  localAuthorizationList: z.array(authorizationDataSchema).optional(),
  updateType: updateTypeSchema,
});
/**
 * Payload of SendLocalList.req.
 *
 * @example
 * ```ts
 * const req: SendLocalListRequest = { listVersion: 1, updateType: "Full" };
 * ```
 */
export type SendLocalListRequest = z.infer<typeof sendLocalListRequestSchema>;

/**
 * OCPP `UpdateStatus`.
 *
 * @example
 * ```ts
 * updateStatusSchema.parse("VersionMismatch");
 * ```
 */
export const updateStatusSchema = z.enum(["Accepted", "Failed", "NotSupported", "VersionMismatch"]);
/**
 * Result of SendLocalList.
 *
 * @example
 * ```ts
 * const status: UpdateStatus = "Accepted";
 * ```
 */
export type UpdateStatus = z.infer<typeof updateStatusSchema>;

/**
 * SendLocalList.conf.
 *
 * @example
 * ```ts
 * sendLocalListResponseSchema.parse({ status: "Accepted" });
 * ```
 */
export const sendLocalListResponseSchema = z.strictObject({
  status: updateStatusSchema,
});
/**
 * Payload of SendLocalList.conf.
 *
 * @example
 * ```ts
 * const conf: SendLocalListResponse = { status: "Failed" };
 * ```
 */
export type SendLocalListResponse = z.infer<typeof sendLocalListResponseSchema>;
