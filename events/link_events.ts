/**
 * Events of the charge point's life and its link to the central system: start and stop, the
 * connection opening and closing, every frame received, every timer firing, and the result of
 * every firmware callback.
 *
 * @module
 */
import { z } from "../core/deps.ts";

/** Schemas of the lifecycle, link, timer and callback events, keyed by event type. */
export const linkEventSchemas = {
  ChargePointStarted: z.strictObject({
    chargePointId: z.string().min(1),
    csmsUrl: z.string().min(1),
    connectors: z.number().int().positive(),
    /** Configuration given to the constructor (secrets removed). */
    configuration: z.record(z.string(), z.string()),
    bootNotification: z.record(z.string(), z.string()),
    /** Names of the firmware callbacks that were provided. */
    callbacks: z.array(z.string()),
    /** How long to wait for the answer to a CALL, in ms. */
    responseTimeoutMs: z.number().int().positive(),
  }),
  ChargePointStopped: z.strictObject({}),
  ConnectRequested: z.strictObject({}),
  DisconnectRequested: z.strictObject({}),
  ConnectionOpened: z.strictObject({ url: z.string(), protocol: z.string() }),
  ConnectionClosed: z.strictObject({
    code: z.number().int(),
    reason: z.string(),
    /** false when the connection attempt failed before the upgrade completed. */
    wasOpen: z.boolean(),
    /** HTTP status of a refused upgrade, when known. */
    httpStatus: z.number().int().optional(),
  }),
  FrameReceived: z.strictObject({ text: z.string() }),
  PongReceived: z.strictObject({}),
  TimerFired: z.strictObject({ timer: z.string().min(1), due: z.number() }),
  CallbackCompleted: z.strictObject({
    callback: z.string().min(1),
    ref: z.string(),
    ok: z.boolean(),
    result: z.json().optional(),
    error: z.string().optional(),
  }),
} as const;
