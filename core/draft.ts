/**
 * The working copy of one step of the fold: copy-on-write access to the state and the effects
 * that the step derives. Used only inside {@linkcode step}; never escapes it.
 *
 * @module
 */
import type { ConnectorState, OutgoingCall, PendingCallback, State } from "./state.ts";
import { encodeError, encodeResult, type OcppErrorCode } from "./rpc_frame.ts";
import { formatIso, parseIso } from "./iso_time.ts";

/** A firmware callback the shell must call; its result comes back as a `CallbackCompleted` event. */
export interface CallbackEffect {
  /** Callback name, e.g. `"setSystemTime"`. */
  readonly name: string;
  /** Reference echoed in `CallbackCompleted`. */
  readonly ref: string;
  /** Arguments. */
  readonly args: readonly unknown[];
}

/** An answer for a caller waiting on a request (keyed by the id of the event that asked). */
export interface AnswerEffect {
  /** Id of the event that asked. */
  readonly ref: string;
  /** The answer. */
  readonly value: unknown;
}

/** A follow-up event to append. */
export interface RaisedEffect {
  /** Event type. */
  readonly type: string;
  /** Event data. */
  readonly data: unknown;
}

/**
 * Everything a step asks the shell to do. Replay ignores all but `frames`. The lists are empty
 * (one shared frozen array) until the step adds to them: most steps add nothing.
 */
export interface Effects {
  /** Exact text of the OCPP-J frames to send, in order. */
  readonly frames: readonly string[];
  /** Open the connection to the central system. */
  connect: boolean;
  /** Close the connection. */
  disconnect: boolean;
  /** Send a WebSocket ping. */
  ping: boolean;
  /** Firmware callbacks to call. */
  readonly callbacks: readonly CallbackEffect[];
  /** Answers for callers waiting on a request (keyed by the id of the event that asked). */
  readonly answers: readonly AnswerEffect[];
  /** Follow-up events to append (e.g. a security event the core raises itself). */
  readonly raise: readonly RaisedEffect[];
  /** Why something was ignored or dropped, for the logger (debug level). */
  readonly notes: readonly string[];
  /**
   * What the operator should see (e.g. a configuration value the central system sent and the
   * charge point refused, with the reason), for the logger at warn level.
   */
  readonly warnings: readonly string[];
  /** Return value of a synchronous handler (e.g. `onChangeAvailability`). */
  returnValue: unknown;
}

/** The empty list every list of effects starts as. */
const NONE: readonly never[] = Object.freeze([]);

/** `list` with `value` added: a new list for {@linkcode NONE}, else `list` itself, grown. */
function added<T>(list: readonly T[], value: T): readonly T[] {
  if (list === NONE) return [value];
  (list as T[]).push(value);
  return list;
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
  /** The event's time as given: ms since the epoch, or its ISO text until first read. */
  #time: number | string;
  /** Id of the event being folded (base of derived message ids). */
  readonly eventId: string;
  /** The effects derived so far. */
  readonly effects: { -readonly [K in keyof Effects]: Effects[K] } = {
    frames: NONE,
    connect: false,
    disconnect: false,
    ping: false,
    callbacks: NONE,
    answers: NONE,
    raise: NONE,
    notes: NONE,
    warnings: NONE,
    returnValue: undefined,
  };
  #counter = 0;
  /** Whether `state` is this draft's own copy (see {@linkcode Draft.#own}). */
  #owned = false;
  #connectorsCopied = false;
  #timersCopied = false;

  /**
   * Whether frames are encoded. Folding only for the state (`evolve`, `start()`) skips the JSON
   * encoding; the state is the same either way.
   */
  readonly encode: boolean;

  /**
   * Starts a draft of `state` for the event `eventId` at `now`: ms since the epoch, or the
   * event's ISO timestamp, parsed when {@linkcode Draft.now} is first read (most events of a
   * log, e.g. meter readings, never need their time).
   */
  constructor(state: State, eventId: string, now: number | string, encode = true) {
    this.state = state;
    this.eventId = eventId;
    this.#time = now;
    this.encode = encode;
  }

  /** Event time, ms since the epoch. */
  get now(): number {
    const time = this.#time;
    return typeof time === "number" ? time : (this.#time = parseIso(time));
  }

  /** Merges top-level fields into the state. */
  set(patch: Partial<State>): void {
    if (this.#owned) Object.assign(this.state, patch);
    else {
      this.state = { ...this.state, ...patch };
      this.#owned = true;
    }
  }

  /**
   * The state, copied once per step before its first change: the draft's own copy is changed in
   * place (the state given to the step never is; nothing keeps a reference to a draft's state
   * from before a change to read after it).
   */
  #own(): { -readonly [K in keyof State]: State[K] } {
    if (!this.#owned) {
      this.state = { ...this.state };
      this.#owned = true;
    }
    return this.state;
  }

  /** Central-system-aligned current time as an ISO string. */
  isoNow(): string {
    return formatIso(this.now + this.state.timeOffsetMs);
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
    if (connectors !== this.state.connectors) this.#own().connectors = connectors;
  }

  /** Arms timer `name` at `due` (ms since epoch), replacing an earlier one. */
  setTimer(name: string, due: number): void {
    if (this.state.timers[name] === due) return;
    this.#mutableTimers()[name] = due;
  }

  /** Disarms timer `name`. */
  clearTimer(name: string): void {
    if (!(name in this.state.timers)) return;
    // Rebuilt rather than `delete`d: deleting turns the object into a slow dictionary.
    const timers: Record<string, number> = {};
    const old = this.state.timers;
    for (const key in old) if (key !== name) timers[key] = old[key];
    this.#own().timers = timers;
    this.#timersCopied = true;
  }

  #mutableTimers(): Record<string, number> {
    if (!this.#timersCopied) {
      this.#own().timers = { ...this.state.timers };
      this.#timersCopied = true;
    }
    return this.state.timers as Record<string, number>;
  }

  /** Whether the firmware provided the callback `name`. */
  hasCallback(name: string): boolean {
    return this.state.callbacks.includes(name);
  }

  /** Sets configuration keys now and keeps them across restarts. */
  setConfig(changes: Readonly<Record<string, string>>): void {
    this.set({
      config: { ...this.state.config, ...changes },
      configChanges: { ...this.state.configChanges, ...changes },
    });
  }

  /** Asks the shell to call a firmware callback; returns the reference of its result event. */
  callback(name: string, ...args: unknown[]): string {
    const ref = this.nextId();
    this.effects.callbacks = added(this.effects.callbacks, { name, ref, args });
    return ref;
  }

  /**
   * Calls a firmware callback and remembers to resume the request handler of `pending.action`
   * when its `CallbackCompleted` arrives.
   */
  awaitCallback(pending: PendingCallback, ...args: unknown[]): void {
    const ref = this.callback(pending.callback, ...args);
    this.set({ pendingCallbacks: { ...this.state.pendingCallbacks, [ref]: pending } });
  }

  /** Takes the pending callback `ref` out of the state. */
  takePendingCallback(ref: string): PendingCallback | undefined {
    const pending = this.state.pendingCallbacks[ref];
    if (pending === undefined) return undefined;
    const { [ref]: _, ...rest } = this.state.pendingCallbacks;
    this.set({ pendingCallbacks: rest });
    return pending;
  }

  /** Answers a central system CALL with a CALLRESULT. */
  reply(messageId: string, payload: object): void {
    if (this.encode) this.send(encodeResult(messageId, payload));
  }

  /** Answers a central system CALL with a CALLERROR. */
  replyError(messageId: string, code: OcppErrorCode, description: string): void {
    if (this.encode) {
      this.send(encodeError(messageId, code, description.slice(0, 255), {}));
    }
  }

  /** Sends the OCPP-J frame `frame`. */
  send(frame: string): void {
    this.effects.frames = added(this.effects.frames, frame);
  }

  /** Answers the caller waiting on the request of the event `answer.ref`. */
  answer(answer: AnswerEffect): void {
    this.effects.answers = added(this.effects.answers, answer);
  }

  /** Appends the follow-up event `raised` after this one. */
  raise(raised: RaisedEffect): void {
    this.effects.raise = added(this.effects.raise, raised);
  }

  /** Records why something was ignored. */
  note(text: string): void {
    this.effects.notes = added(this.effects.notes, text);
  }

  /** Records something the operator should see (logged at warn level). */
  warn(text: string): void {
    this.effects.warnings = added(this.effects.warnings, text);
  }

  /** Adds a CALL to the outbox. */
  enqueue(call: Omit<OutgoingCall, "id" | "attempts" | "notBefore">): void {
    this.set({
      outbox: this.state.outbox.push({ ...call, id: this.nextId(), attempts: 0, notBefore: 0 }),
    });
  }
}
