/**
 * Test harness: a charge point with a memory (or given) store, a manual clock and a transport that
 * records every frame put on the wire, so tests can compare the wire with `replay()`.
 *
 * @module
 */
import { ChargePoint, type ChargePointOptions } from "../../core/charge_point.ts";
import { ManualClock } from "../../core/clock.ts";
import type { EventStore } from "../../core/event_store.ts";
import { MemoryEventStore } from "../../core/memory_event_store.ts";
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
  return { cp, clock, store, sent };
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
