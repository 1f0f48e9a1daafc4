/**
 * Test harness: a charge point with a memory (or given) store, a manual clock and a transport that
 * records every frame put on the wire, and the state after every event it folded, so tests can
 * compare the live run with `replay()` ({@linkcode assertReplays}).
 *
 * @module
 */
import assert from "node:assert/strict";
import { ChargePoint, type ChargePointOptions } from "../../core/charge_point.ts";
import { ManualClock } from "../../core/clock.ts";
import { reportedStatus } from "../../core/connector_fsm.ts";
import type { EventStore } from "../../core/event_store.ts";
import { MemoryEventStore } from "../../core/memory_event_store.ts";
import { replay, type ReplayResult } from "../../core/replay.ts";
import type { State } from "../../core/state.ts";
import { type Transport, webSocketTransport } from "../../core/transport.ts";

/** A transport that records what was sent. */
export function recordingTransport(
  sent: string[],
  inner: Transport = webSocketTransport(),
): Transport {
  return {
    connect(url, options, handlers) {
      const conn = inner.connect(url, options, handlers);
      return {
        send(text) {
          conn.send(text);
          sent.push(text);
        },
        ping: () => conn.ping(),
        close: (code, reason) => conn.close(code, reason),
      };
    },
  };
}

/** What {@linkcode makeChargePoint} gives. */
export interface Harness {
  /** The charge point under test (not started). */
  readonly cp: ChargePoint;
  /** Its manual clock. */
  readonly clock: ManualClock;
  /** Its store. */
  readonly store: EventStore;
  /** Frames put on the wire, in order. */
  readonly sent: string[];
  /** The charge point's state after each event it folded live (published by its log), by seq. */
  readonly states: Map<number, State>;
}

/** A charge point for `csmsUrl` with 2 connectors, a memory store and a manual clock. */
export function makeChargePoint(
  csmsUrl: string,
  options: Partial<ChargePointOptions> = {},
): Harness {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock();
  const store = options.store ?? new MemoryEventStore();
  const sent: string[] = [];
  const cp = new ChargePoint({
    chargePointId: "CP-1",
    csmsUrl,
    connectors: 2,
    bootNotification: { chargePointVendor: "Acme", chargePointModel: "AC22" },
    ...options,
    store,
    clock,
    transport: recordingTransport(sent, options.transport),
  });
  // Subscribed after the charge point's own listener: its state reflects the event.
  const states = new Map<number, State>();
  cp.log.subscribe((event) => states.set(event.seq, cp.state));
  return { cp, clock, store, sent, states };
}

/** Options of {@linkcode assertReplays}. */
export interface AssertReplaysOptions {
  /**
   * Earlier charge points on the same log (previous processes), oldest first: their frames come
   * first on the wire and their states are compared too.
   */
  readonly before?: readonly Harness[];
  /** The store to replay (default `h.store`), e.g. the same SQLite file opened again. */
  readonly store?: EventStore;
}

/** The state as plain data (the outbox is a persistent queue: compared as its items). */
function comparable(state: State): Record<string, unknown> {
  return { ...state, outbox: [...state.outbox] };
}

function statuses(state: State): string[] {
  return state.connectors.map((c) => reportedStatus(c.stored, c.errors));
}

/**
 * Replays the stored log with no network and asserts that it reproduces the live run: after
 * every event the charge point folded, the same connector statuses and the same state; at the
 * end, the same full state as `h.cp.state`; and the frames put on the wire, byte for byte (those
 * of `options.before` first). Returns the replay's result.
 *
 * @example
 * ```ts ignore
 * await h.cp.stop();
 * assertReplays(h);
 * ```
 */
export function assertReplays(h: Harness, options: AssertReplaysOptions = {}): ReplayResult {
  const runs = [...(options.before ?? []), h];
  const live = new Map<number, State>();
  for (const run of runs) for (const [seq, state] of run.states) live.set(seq, state);
  let compared = 0;
  const result = replay(options.store ?? h.store, {
    onEvent: (event, state) => {
      const expected = live.get(event.seq);
      if (expected === undefined) return;
      const where = `after event ${event.seq} (${event.type})`;
      assert.deepEqual(statuses(state), statuses(expected), `connector statuses ${where}`);
      assert.deepEqual(comparable(state), comparable(expected), `state ${where}`);
      compared++;
    },
  });
  assert.equal(compared, live.size, "every event folded live is in the replayed log");
  assert.deepEqual(comparable(result.state), comparable(h.cp.state), "final state");
  assert.deepEqual(
    result.frames,
    runs.flatMap((run) => run.sent),
    "replay gives the frames sent, byte for byte",
  );
  return result;
}

/** Waits (real time, bounded) until `condition()` is true; for network I/O only, never for behaviour. */
export async function until(
  condition: () => boolean,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
