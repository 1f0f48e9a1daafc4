/**
 * OCPP 1.6 Remote Trigger profile message: TriggerMessage.
 *
 * @module
 */
import { z } from "../deps.ts";
import { integerSchema } from "./types.ts";

/**
 * OCPP `MessageTrigger`: the messages a central system may trigger with TriggerMessage.
 *
 * @example
 * ```ts
 * messageTriggerSchema.parse("StatusNotification");
 * ```
 */
export const messageTriggerSchema = z.enum([
  "BootNotification",
  "DiagnosticsStatusNotification",
  "FirmwareStatusNotification",
  "Heartbeat",
  "MeterValues",
  "StatusNotification",
]);
/**
 * A message that TriggerMessage can request.
 *
 * @example
 * ```ts
 * const message: MessageTrigger = "Heartbeat";
 * ```
 */
export type MessageTrigger = z.infer<typeof messageTriggerSchema>;

/**
 * TriggerMessage.req (central system → charge point). The JSON schema puts no lower bound on
 * `connectorId`.
 *
 * @example
 * ```ts
 * triggerMessageRequestSchema.parse({ requestedMessage: "MeterValues", connectorId: 1 });
 * ```
 */
export const triggerMessageRequestSchema = z.strictObject({
  requestedMessage: messageTriggerSchema,
  connectorId: integerSchema.optional(),
});
/**
 * Payload of TriggerMessage.req.
 *
 * @example
 * ```ts
 * const req: TriggerMessageRequest = { requestedMessage: "BootNotification" };
 * ```
 */
export type TriggerMessageRequest = z.infer<typeof triggerMessageRequestSchema>;

/**
 * OCPP `TriggerMessageStatus`.
 *
 * @example
 * ```ts
 * triggerMessageStatusSchema.parse("NotImplemented");
 * ```
 */
export const triggerMessageStatusSchema = z.enum(["Accepted", "Rejected", "NotImplemented"]);
/**
 * Result of TriggerMessage (and ExtendedTriggerMessage).
 *
 * @example
 * ```ts
 * const status: TriggerMessageStatus = "Accepted";
 * ```
 */
export type TriggerMessageStatus = z.infer<typeof triggerMessageStatusSchema>;

/**
 * TriggerMessage.conf.
 *
 * @example
 * ```ts
 * triggerMessageResponseSchema.parse({ status: "Accepted" });
 * ```
 */
export const triggerMessageResponseSchema = z.strictObject({
  status: triggerMessageStatusSchema,
});
/**
 * Payload of TriggerMessage.conf.
 *
 * @example
 * ```ts
 * const conf: TriggerMessageResponse = { status: "Rejected" };
 * ```
 */
export type TriggerMessageResponse = z.infer<typeof triggerMessageResponseSchema>;
