/**
 * A readable timeline of a log: each event, the connector states it changed and the frames it
 * made the charge point send (and, for `FrameReceived`, the frame that came in).
 *
 * @module
 */
import type { RecordedEvent } from "../../events/envelope.ts";
import { checkEvent } from "../../events/mod.ts";
import { reportedStatus } from "../connector_fsm.ts";
import type { EventStore } from "../event_store.ts";
import { replay } from "../replay.ts";
import { initialState, type State } from "../state.ts";
import { step } from "../step.ts";

function statuses(state: State): string[] {
  return state.connectors.map((c) => reportedStatus(c.stored, c.errors));
}

function summary(event: RecordedEvent): string {
  if (event.type === "FrameReceived") return "";
  const text = JSON.stringify(event.data);
  return text === "{}" ? "" : text.length > 110 ? `${text.slice(0, 107)}...` : text;
}

/**
 * Lines of the timeline of `events` (folded from the initial state, no network).
 *
 * @example
 * ```ts
 * import { timeline } from "./timeline.ts";
 * console.log(timeline([]).length); // 0
 * ```
 */
export function timeline(events: Iterable<RecordedEvent>): string[] {
  const lines: string[] = [];
  let state = initialState();
  for (const recorded of events) {
    const checked = checkEvent(recorded);
    if (!checked.ok) {
      lines.push(`#${recorded.seq} INVALID ${checked.reason}`);
      continue;
    }
    const before = statuses(state);
    const r = step(state, checked.event);
    state = r.state;
    const after = statuses(state);
    const time = recorded.at.slice(11, 23);
    lines.push(
      `#${String(recorded.seq).padStart(4)} ${time}  ${recorded.type.padEnd(28)} ${
        summary(recorded)
      }`,
    );
    if (recorded.type === "FrameReceived") {
      lines.push(`        ← ${(recorded.data as { text: string }).text}`);
    }
    for (let i = 0; i < after.length; i++) {
      if (before[i] !== after[i]) {
        lines.push(`        connector ${i}: ${before[i] ?? "-"} → ${after[i]}`);
      }
    }
    for (const frame of r.effects.frames) lines.push(`        → ${frame}`);
  }
  return lines;
}

/**
 * What `deno task replay` prints for a stored log, and the demo after its session: the timeline,
 * then the number of events and frames and the final status of each connector.
 *
 * @example
 * ```ts
 * import { logReport } from "./timeline.ts";
 * import { MemoryEventStore } from "../memory_event_store.ts";
 * console.log(logReport(new MemoryEventStore()).at(-2)); // "0 events, 0 frames sent"
 * ```
 */
export function logReport(store: EventStore): string[] {
  const lines = timeline(store.read(1));
  const result = replay(store);
  lines.push("", `${result.events} events, ${result.frames.length} frames sent`);
  for (const [id, status] of Object.entries(result.connectors)) {
    lines.push(`connector ${id}: ${status}`);
  }
  return lines;
}
