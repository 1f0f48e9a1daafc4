/**
 * Every OCPP 1.6 (and Security Whitepaper) message schema and payload type, re-exported from
 * the per-profile modules. Schemas are named `<action>RequestSchema` /
 * `<action>ResponseSchema`, payload types `<Action>Request` / `<Action>Response`.
 *
 * @example
 * ```ts
 * import { heartbeatResponseSchema } from "./messages.ts";
 *
 * heartbeatResponseSchema.parse({ currentTime: "2024-05-01T12:00:00Z" });
 * ```
 *
 * @module
 */
export * from "./core_profile.ts";
export * from "./firmware.ts";
export * from "./local_auth.ts";
export * from "./reservation.ts";
export * from "./smart_charging.ts";
export * from "./remote_trigger.ts";
export * from "./security.ts";
