/**
 * A hand-built event log folded as it grows, for tests of the fold without network: `add`
 * appends an event (checked against its schema) and steps it; `csmsCall` plays a CALL of the
 * central system and returns the charge point's answer; `drain` answers the charge point's CALLs
 * like a default central system.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  type ChargePointEvent,
  checkEvent,
  type EventData,
  type EventType,
} from "../../../events/mod.ts";
import { step, type StepResult } from "../../../core/step.ts";
import { initialState, type State } from "../../../core/state.ts";

/** 2026-01-01T00:00:00Z. */
export const BASE = Date.parse("2026-01-01T00:00:00.000Z");

/** A CALL the fold emitted, decoded. */
export interface SentCall {
  /** Message id. */
  readonly id: string;
  /** Action. */
  readonly action: string;
  /** Payload. */
  readonly payload: Record<string, unknown>;
}

/** Decodes every CALL among `frames`. */
export function callsIn(frames: readonly string[]): SentCall[] {
  const out: SentCall[] = [];
  for (const f of frames) {
    const m: unknown = JSON.parse(f);
    if (Array.isArray(m) && m[0] === 2) {
      out.push({
        id: m[1] as string,
        action: m[2] as string,
        payload: m[3] as Record<string, unknown>,
      });
    }
  }
  return out;
}

/** The default data of `ChargePointStarted` (2 connectors). */
export const START_DATA: EventData<"ChargePointStarted"> = {
  chargePointId: "CP-1",
  csmsUrl: "ws://127.0.0.1:9000/ocpp",
  connectors: 2,
  configuration: {},
  bootNotification: { chargePointVendor: "Acme", chargePointModel: "AC22" },
  callbacks: [],
  responseTimeoutMs: 30_000,
};

/** The hand-built log. */
export class FoldScript {
  /** Events added so far. */
  readonly events: ChargePointEvent[] = [];
  /** Every frame the fold emitted. */
  readonly frames: string[] = [];
  /** The state after the last event. */
  state: State = initialState();
  /** Effects of the last event. */
  last: StepResult | undefined;
  #seq = 0;
  #time = BASE;
  #txId = 1;
  #call = 0;

  /** Time of the last event, ms since the epoch. */
  get now(): number {
    return this.#time;
  }

  /** Appends `type`/`data` at `atMs` (default: one second after the previous event). */
  add<T extends EventType>(type: T, data: EventData<T>, atMs?: number): StepResult {
    const seq = ++this.#seq;
    this.#time = atMs ?? this.#time + 1000;
    const checked = checkEvent({
      id: `01JFOLDTEST${String(seq).padStart(15, "0")}`,
      seq,
      at: new Date(this.#time).toISOString(),
      type,
      data,
    });
    assert.ok(checked.ok, checked.ok ? "" : checked.reason);
    this.events.push(checked.event);
    const result = step(this.state, checked.event);
    this.state = result.state;
    this.last = result;
    this.frames.push(...result.effects.frames);
    return result;
  }

  /** Answers the CALL in flight like a default central system; returns the CALLs then sent. */
  answer(): SentCall[] {
    const call = this.state.inFlight;
    assert.ok(call !== undefined, "no CALL in flight");
    let reply: Record<string, unknown> = {};
    const at = new Date(this.#time + 1000).toISOString();
    if (call.action === "BootNotification") {
      reply = { status: "Accepted", currentTime: at, interval: 300 };
    } else if (call.action === "Heartbeat") reply = { currentTime: at };
    else if (call.action === "StartTransaction") {
      reply = { transactionId: this.#txId++, idTagInfo: { status: "Accepted" } };
    } else if (call.action === "Authorize") reply = { idTagInfo: { status: "Accepted" } };
    return callsIn(
      this.add("FrameReceived", { text: JSON.stringify([3, call.id, reply]) }).effects.frames,
    );
  }

  /** Answers every CALL until nothing is in flight; returns the CALLs sent meanwhile. */
  drain(): SentCall[] {
    const sent: SentCall[] = [];
    for (let i = 0; i < 100 && this.state.inFlight !== undefined; i++) sent.push(...this.answer());
    assert.equal(this.state.inFlight, undefined, "still a CALL in flight after 100 answers");
    return sent;
  }

  /**
   * A CALL of the central system: returns the charge point's answer (the CALLRESULT payload, or
   * the CALLERROR as `{ error: code }`) and the CALLs sent because of it (drained).
   */
  csmsCall(
    action: string,
    payload: unknown,
  ): {
    answer: unknown;
    calls: SentCall[];
    callbacks: { name: string; args: readonly unknown[] }[];
  } {
    const id = `csms-${++this.#call}`;
    const result = this.add("FrameReceived", { text: JSON.stringify([2, id, action, payload]) });
    let answer: unknown;
    for (const f of result.effects.frames) {
      const m: unknown = JSON.parse(f);
      if (Array.isArray(m) && m[1] === id && m[0] === 3) answer = m[2];
      if (Array.isArray(m) && m[1] === id && m[0] === 4) answer = { error: m[2] };
    }
    const calls = callsIn(result.effects.frames);
    calls.push(...this.drain());
    const callbacks = result.effects.callbacks.map((c) => ({ name: c.name, args: c.args }));
    return { answer, calls, callbacks };
  }

  /** Fires timer `name` at its due time (fails if it is not armed). */
  fire(name: string): StepResult {
    const due = this.state.timers[name];
    assert.ok(due !== undefined, `timer ${name} is not armed`);
    return this.add("TimerFired", { timer: name, due }, Math.max(due, this.#time));
  }
}

/**
 * Started, connected, BootNotification accepted, the StatusNotifications answered. `callbacks`:
 * names of the firmware callbacks provided.
 */
export function preamble(
  configuration: Record<string, string> = {},
  callbacks: string[] = [],
  connectors = 2,
): FoldScript {
  const s = new FoldScript();
  s.add("ChargePointStarted", { ...START_DATA, configuration, callbacks, connectors });
  s.add("ConnectionOpened", { url: "ws://127.0.0.1:9000/ocpp/CP-1", protocol: "ocpp1.6" });
  s.drain();
  assert.equal(s.state.registration, "Accepted");
  return s;
}

/** `[connectorId, status]` of the StatusNotifications among `calls`. */
export function statuses(calls: readonly SentCall[]): [unknown, unknown][] {
  return calls.filter((c) => c.action === "StatusNotification").map((c) => [
    c.payload.connectorId,
    c.payload.status,
  ]);
}
