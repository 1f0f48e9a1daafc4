/**
 * The working copy of one step of the fold: copy-on-write access to the state and the effects
 * that the step derives. Used only inside {@linkcode step}; never escapes it.
 *
 * @module
 */
import type { ConnectorState, OutgoingCall, State } from "./state.ts";

/** A firmware callback the shell must call; its result comes back as a `CallbackCompleted` event. */
export interface CallbackEffect {
  /** Callback name, e.g. `"setSystemTime"`. */
  readonly name: string;
  /** Reference echoed in `CallbackCompleted`. */
  readonly ref: string;
  /** Arguments. */
  readonly args: readonly unknown[];
}

/** Everything a step asks the shell to do. Replay ignores all but `frames`. */
export interface Effects {
  /** Exact text of the OCPP-J frames to send, in order. */
  readonly frames: string[];
  /** Open the connection to the central system. */
  connect: boolean;
  /** Close the connection. */
  disconnect: boolean;
  /** Send a WebSocket ping. */
  ping: boolean;
  /** Firmware callbacks to call. */
  readonly callbacks: CallbackEffect[];
  /** Answers for callers waiting on a request (keyed by the id of the event that asked). */
  readonly answers: { ref: string; value: unknown }[];
  /** Follow-up events to append (e.g. a security event the core raises itself). */
  readonly raise: { type: string; data: unknown }[];
  /** Why something was ignored or dropped, for the logger. */
  readonly notes: string[];
  /** Return value of a synchronous handler (e.g. `onChangeAvailability`). */
  returnValue: unknown;
}

/**
 * Copy-on-write draft of the state for one event.
 *
 * @example
 * ```ts
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", Date.parse("2026-01-01T00:00:00Z"));
 * d.set({ bootDue: true });
 * console.log(d.state.bootDue);
 * ```
 */
export class Draft {
  /** The state as changed so far. */
  state: State;
  /** Event time, ms since the epoch. */
  readonly now: number;
  /** Id of the event being folded (base of derived message ids). */
  readonly eventId: string;
  /** The effects derived so far. */
  readonly effects: Effects = {
    frames: [],
    connect: false,
    disconnect: false,
    ping: false,
    callbacks: [],
    answers: [],
    raise: [],
    notes: [],
    returnValue: undefined,
  };
  #counter = 0;
  #connectorsCopied = false;
  #timersCopied = false;

  /** Starts a draft of `state` for the event `eventId` at `now`. */
  constructor(state: State, eventId: string, now: number) {
    this.state = state;
    this.eventId = eventId;
    this.now = now;
  }

  /** Merges top-level fields into the state. */
  set(patch: Partial<State>): void {
    this.state = { ...this.state, ...patch };
  }

  /** Central-system-aligned current time as an ISO string. */
  isoNow(): string {
    return new Date(this.now + this.state.timeOffsetMs).toISOString();
  }

  /** A new deterministic id derived from the event id (unique within the log; ≤ 36 chars). */
  nextId(): string {
    return `${this.eventId}-${this.#counter++}`;
  }

  /** Connector `id` (must exist). */
  connector(id: number): ConnectorState {
    const c = this.state.connectors[id];
    if (c === undefined) throw new RangeError(`connector ${id} does not exist`);
    return c;
  }

  /** Replaces fields of connector `id`. */
  updateConnector(id: number, patch: Partial<ConnectorState>): void {
    const connectors = this.#connectorsCopied
      ? this.state.connectors as ConnectorState[]
      : [...this.state.connectors];
    this.#connectorsCopied = true;
    connectors[id] = { ...this.connector(id), ...patch };
    if (connectors !== this.state.connectors) this.state = { ...this.state, connectors };
  }

  /** Arms timer `name` at `due` (ms since epoch), replacing an earlier one. */
  setTimer(name: string, due: number): void {
    if (this.state.timers[name] === due) return;
    this.#mutableTimers()[name] = due;
  }

  /** Disarms timer `name`. */
  clearTimer(name: string): void {
    if (!(name in this.state.timers)) return;
    delete this.#mutableTimers()[name];
  }

  #mutableTimers(): Record<string, number> {
    if (!this.#timersCopied) {
      this.state = { ...this.state, timers: { ...this.state.timers } };
      this.#timersCopied = true;
    }
    return this.state.timers as Record<string, number>;
  }

  /** Asks the shell to call a firmware callback. */
  callback(name: string, ...args: unknown[]): void {
    this.effects.callbacks.push({ name, ref: this.nextId(), args });
  }

  /** Records why something was ignored. */
  note(text: string): void {
    this.effects.notes.push(text);
  }

  /** Adds a CALL to the outbox. */
  enqueue(call: Omit<OutgoingCall, "id" | "attempts" | "notBefore">): void {
    this.set({
      outbox: this.state.outbox.push({ ...call, id: this.nextId(), attempts: 0, notBefore: 0 }),
    });
  }
}
