/**
 * The event vocabulary of the charge point: every event type, its zod schema and its type.
 *
 * @module
 */
import type { z } from "../core/deps.ts";
import type { RecordedEvent } from "./envelope.ts";
import { handlerEventSchemas } from "./handler_events.ts";
import { linkEventSchemas } from "./link_events.ts";

export type { RecordedEvent } from "./envelope.ts";
export { recordedEventSchema } from "./envelope.ts";

/** All event schemas, keyed by event type. */
export const EVENT_SCHEMAS = { ...handlerEventSchemas, ...linkEventSchemas } as const;

/** The name of an event type. */
export type EventType = keyof typeof EVENT_SCHEMAS;

/** The data of an event of type `T`. */
export type EventData<T extends EventType> = z.infer<typeof EVENT_SCHEMAS[T]>;

/** A recorded event whose `type` and `data` are known. */
export type ChargePointEvent = {
  [T in EventType]: Omit<RecordedEvent, "type" | "data"> & {
    readonly type: T;
    readonly data: EventData<T>;
  };
}[EventType];

/** Each event type, mapped to itself: the string the code's own constants are. */
const EVENT_TYPES: ReadonlyMap<string, EventType> = new Map(
  (Object.keys(EVENT_SCHEMAS) as EventType[]).map((type) => [type, type]),
);

/** True when `type` names an event of the vocabulary. */
export function isEventType(type: string): type is EventType {
  return EVENT_TYPES.has(type);
}

/**
 * `type` as the vocabulary's own string when it names an event type, else `type` itself. Stores
 * that read events from text (JSON Lines, SQLite) keep this one: V8 tells two strings of the
 * code apart by identity, while a string parsed from text is compared with every `case` of the
 * fold's `switch` character by character.
 */
export function canonicalType(type: string): string {
  return EVENT_TYPES.get(type) ?? type;
}

/**
 * Checks a recorded event against the schema of its type. Returns the typed event or a reason.
 *
 * @example
 * ```ts
 * import { checkEvent } from "./mod.ts";
 * const r = checkEvent({ id: "01JD0000000000000000000000", seq: 1, at: "2026-01-01T00:00:00.000Z",
 *   type: "ConnectorEnabled", data: { connector: 1 } });
 * console.log(r.ok);
 * ```
 */
export function checkEvent(
  event: RecordedEvent,
): { ok: true; event: ChargePointEvent } | { ok: false; reason: string } {
  if (!isEventType(event.type)) return { ok: false, reason: `unknown event type "${event.type}"` };
  const parsed = EVENT_SCHEMAS[event.type].safeParse(event.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `${event.type}.${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`,
    };
  }
  return { ok: true, event: { ...event, data: parsed.data } as ChargePointEvent };
}
