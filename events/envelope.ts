/**
 * The envelope every event of the log is stored in.
 *
 * @module
 */
import { z } from "../core/deps.ts";

/**
 * An event as stored in the log: a ULID `id`, a gap-free `seq` (1, 2, 3... per log), the ISO time
 * `at` it was appended (from the injected clock), its `type` and its `data`.
 *
 * @example
 * ```ts
 * import type { RecordedEvent } from "./envelope.ts";
 * const e: RecordedEvent = {
 *   id: "01JD0000000000000000000000", seq: 1, at: "2026-01-01T00:00:00.000Z",
 *   type: "ConnectorEnabled", data: { connector: 1 },
 * };
 * ```
 */
export interface RecordedEvent {
  /** ULID, unique and sortable. */
  readonly id: string;
  /** Gap-free sequence number within one log, starting at 1. */
  readonly seq: number;
  /** ISO 8601 UTC time of the append, from the clock. */
  readonly at: string;
  /** The event type, e.g. `"TransactionStarted"`. */
  readonly type: string;
  /** The event payload; its shape is fixed by the schema of `type`. */
  readonly data: unknown;
}

/** Zod schema of the envelope; `data` is checked by the schema of its type. */
export const recordedEventSchema = z.object({
  id: z.string().length(26),
  seq: z.number().int().positive(),
  at: z.iso.datetime({ offset: true }),
  type: z.string().min(1),
  data: z.unknown(),
});
