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
    /**
     * Sessions the firmware continues after the restart (`start({ resumeSessionIds })`); a
     * transaction of another session that was running is stopped with reason PowerLoss. Absent:
     * every running transaction continues.
     */
    resumeSessionIds: z.array(z.string()).optional(),
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
  /**
   * A transaction-related CALL failed (CALLERROR, invalid answer, no answer): retried later with
   * the same message id, or dropped (see the outbox policy in ARCHITECTURE.md). A notification
   * raised by the fold; folding it changes nothing.
   */
  TransactionMessageFailed: z.strictObject({
    messageId: z.string(),
    action: z.string(),
    /** Sends so far. */
    attempts: z.number().int().nonnegative(),
    reason: z.string(),
    outcome: z.enum(["Retry", "Dropped"]),
    /** When the next attempt is due (local time), for `Retry`. */
    retryAt: z.iso.datetime().optional(),
  }),
  /**
   * Queued transaction-related CALLs dropped unsent because the outbox reached
   * `MessageQueueSizeThreshold` (periodic MeterValues thinned first). A notification.
   */
  TransactionMessagesDropped: z.strictObject({
    reason: z.string(),
    messages: z.array(z.strictObject({ messageId: z.string(), action: z.string() })),
  }),
} as const;
