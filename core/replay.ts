/**
 * Replay: the states and the outgoing frames of a stored log, with no network.
 *
 * @module
 */
import { type ChargePointEvent, checkEvent, isEventType } from "../events/mod.ts";
import type { RecordedEvent } from "../events/envelope.ts";
import type { ChargePointStatus } from "./connector_fsm.ts";
import { reportedStatus } from "./connector_fsm.ts";
import type { EventStore } from "./event_store.ts";
import { StorageError } from "./errors.ts";
import { initialState, type State } from "./state.ts";
import { step } from "./step.ts";

/** What a replay gives. */
export interface ReplayResult {
  /** Reported status of each connector (0..n) after the last event. */
  readonly connectors: Record<number, ChargePointStatus>;
  /**
   * Exact text of every OCPP-J frame the charge point sent, in order (slices of larger strings:
   * a frame kept alone keeps up to 64 KiB of frame text in memory).
   */
  readonly frames: string[];
  /** The full state after the last event. */
  readonly state: State;
  /** Number of events replayed. */
  readonly events: number;
}

/** Options of {@linkcode replay}. */
export interface ReplayOptions {
  /**
   * Check each event's data against the schema of its type (default `false`: the library
   * validated the data when it appended it, so only the envelope and the type are checked).
   * Use `true` for logs of unknown origin.
   */
  readonly validate?: boolean;
  /**
   * Called after each event is folded, with the state after it and the frames it made the
   * charge point send: the states of a replay event by event (e.g. to compare them with those of
   * the live run, or to find the event that changed something).
   */
  readonly onEvent?: (event: RecordedEvent, state: State, frames: readonly string[]) => void;
}

/**
 * Replays every event of `store` through the fold. An unknown event type (or, with `validate`,
 * invalid data) stops the replay with a `StorageError` (STORAGE_CORRUPT) naming its seq.
 *
 * @example
 * ```ts
 * import { MemoryEventStore, replay } from "../mod.ts";
 * const result = replay(new MemoryEventStore(), {
 *   onEvent: (event, state) => console.log(event.seq, state.connectors.length),
 * });
 * console.log(result.frames.length); // 0
 * ```
 */
export function replay(store: EventStore, options: ReplayOptions = {}): ReplayResult {
  let state = initialState();
  const frames = new FrameList();
  let events = 0;
  for (const recorded of store.read(1)) {
    let event: ChargePointEvent;
    if (options.validate === true) {
      const checked = checkEvent(recorded);
      if (!checked.ok) {
        throw new StorageError("STORAGE_CORRUPT", `event ${recorded.seq}: ${checked.reason}`);
      }
      event = checked.event;
    } else if (isEventType(recorded.type)) {
      event = recorded as ChargePointEvent;
    } else {
      throw new StorageError(
        "STORAGE_CORRUPT",
        `event ${recorded.seq}: unknown type "${recorded.type}"`,
      );
    }
    const r = step(state, event);
    state = r.state;
    const sent = r.effects.frames;
    for (let i = 0; i < sent.length; i++) frames.add(sent[i]);
    events++;
    options.onEvent?.(recorded, state, sent);
  }
  const connectors: Record<number, ChargePointStatus> = {};
  for (const c of state.connectors) connectors[c.id] = reportedStatus(c.stored, c.errors);
  return { connectors, frames: frames.done(), state, events };
}

/** Characters of frame text joined into one string (see {@linkcode FrameList}). */
const BATCH_CHARS = 64 * 1024;

/**
 * The frames of a replay, kept as slices of larger strings. A replay makes a frame every few
 * events (a periodic MeterValues frame is 2 KB), and so many strings that outlive the young
 * generation cost the garbage collector about as much as the fold itself: each is copied when
 * it survives. Joined in batches of about 64 KiB, the text is copied once and each frame is a
 * slice of its batch (in V8, a small string that points into it). The frames are the same
 * strings; one kept alone keeps its batch in memory.
 */
class FrameList {
  readonly #frames: string[] = [];
  #batch: string[] = [];
  #chars = 0;

  add(frame: string): void {
    this.#batch.push(frame);
    this.#chars += frame.length;
    if (this.#chars >= BATCH_CHARS) this.#flush();
  }

  done(): string[] {
    this.#flush();
    return this.#frames;
  }

  #flush(): void {
    const batch = this.#batch;
    if (batch.length === 0) return;
    const text = batch.join("");
    let at = 0;
    for (let i = 0; i < batch.length; i++) {
      const end = at + batch[i].length;
      this.#frames.push(text.slice(at, end));
      at = end;
    }
    this.#batch = [];
    this.#chars = 0;
  }
}
