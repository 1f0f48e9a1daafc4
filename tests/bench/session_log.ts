/**
 * Builds a realistic event log for the replay benchmark by running a real `ChargePoint` through
 * simulated days: charging sessions on 2 connectors (plug-in, transaction, a meter reading every
 * 2 s, periodic MeterValues of 15 values every 10 s, EV/EVSE pauses, occasional errors, stop,
 * unplug; both intervals can be set),
 * heartbeats, callbacks, a few connection drops with reconnects and central-system requests. The
 * clock and the transport are simulated (no network, no waiting): the central system answers every
 * CALL on the next microtask, timers fire in due order as simulated time moves on. Deterministic
 * for a given seed.
 *
 * @module
 */
import {
  ChargePoint,
  type Clock,
  type Measurement,
  MemoryEventStore,
  type Transport,
  type TransportConnection,
  type TransportHandlers,
} from "../../mod.ts";
import { prng } from "./stats.ts";

/** Options of {@linkcode generateSessionLog}. */
export interface SessionLogOptions {
  /** Stop once the log holds at least this many events. */
  readonly targetEvents: number;
  /** PRNG seed (default 1). */
  readonly seed?: number;
  /** The store to write (default: a new MemoryEventStore). */
  readonly store?: MemoryEventStore;
  /** Time between two `onMeterValues` of a charging connector, ms (default 2000). */
  readonly readingIntervalMs?: number;
  /** `MeterValueSampleInterval`, s (default 10). */
  readonly sampleIntervalS?: number;
}

/** A generated log. */
export interface SessionLog {
  /** The store holding the log. */
  readonly store: MemoryEventStore;
  /** Number of events. */
  readonly events: number;
  /** Simulated time covered, hours. */
  readonly simulatedHours: number;
  /** Charging sessions (transactions started). */
  readonly sessions: number;
  /** Frames the charge point sent. */
  readonly framesSent: number;
  /** Wall time it took, ms. */
  readonly wallMs: number;
}

interface SimTimer {
  readonly handle: number;
  readonly due: number;
  readonly fn: () => void;
}

/** A clock that jumps: timers fire in due order when {@linkcode SimClock.fireUntil} is called. */
export class SimClock implements Clock {
  #now: number;
  #timers = new Map<number, SimTimer>();
  #next = 1;

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, ms: number): number {
    const handle = this.#next++;
    this.#timers.set(handle, { handle, due: this.#now + Math.max(0, ms), fn });
    return handle;
  }

  clearTimer(handle: number): void {
    this.#timers.delete(handle);
  }

  /** Fires every timer due until `end` (in order, settling after each), then sets the time. */
  async fireUntil(end: number, settle: () => Promise<void>): Promise<void> {
    while (true) {
      let first: SimTimer | undefined;
      for (const t of this.#timers.values()) {
        if (t.due <= end && (first === undefined || t.due < first.due)) first = t;
      }
      if (first === undefined) break;
      this.#timers.delete(first.handle);
      this.#now = Math.max(this.#now, first.due);
      first.fn();
      await settle();
    }
    this.#now = Math.max(this.#now, end);
  }
}

/** The simulated link: the central system answers each CALL on the next microtask. */
export class SimCsms implements Transport {
  #handlers: TransportHandlers | undefined;
  #link: { closed: boolean } = { closed: true };
  #transactionId = 1;
  #callId = 1;
  readonly #clock: Clock;
  /** Frames the charge point sent. */
  framesSent = 0;

  /** A central system whose answers carry `clock`'s time. */
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Opens a simulated connection: open on the next microtask. */
  connect(_url: string, _options: unknown, handlers: TransportHandlers): TransportConnection {
    const link = { closed: false };
    this.#handlers = handlers;
    this.#link = link;
    queueMicrotask(() => {
      if (!link.closed) handlers.onOpen("ocpp1.6");
    });
    return {
      send: (text: string): void => {
        if (link.closed) throw new Error("not connected");
        this.framesSent++;
        const frame = JSON.parse(text) as unknown[];
        if (frame[0] !== 2) return;
        const reply = JSON.stringify([3, frame[1], this.#answer(String(frame[2]))]);
        queueMicrotask(() => {
          if (!link.closed) handlers.onMessage(reply);
        });
      },
      ping: (): void => {},
      close: (): void => {
        link.closed = true;
      },
    };
  }

  /** The central system drops the connection (the charge point sees 1006). */
  drop(): void {
    if (this.#link.closed || this.#handlers === undefined) return;
    this.#link.closed = true;
    this.#handlers.onClose(1006, "simulated network loss", true);
  }

  /** The central system sends a CALL (answered by the charge point through the log). */
  request(action: string, payload: Record<string, unknown>): void {
    if (this.#link.closed || this.#handlers === undefined) return;
    this.#handlers.onMessage(JSON.stringify([2, `csms-${this.#callId++}`, action, payload]));
  }

  #answer(action: string): Record<string, unknown> {
    const currentTime = new Date(this.#clock.now()).toISOString();
    switch (action) {
      case "BootNotification":
        return { status: "Accepted", currentTime, interval: 300 };
      case "Heartbeat":
        return { currentTime };
      case "StartTransaction":
        return { transactionId: this.#transactionId++, idTagInfo: { status: "Accepted" } };
      case "StopTransaction":
      case "Authorize":
        return { idTagInfo: { status: "Accepted" } };
      default:
        return {};
    }
  }
}

type Phase = "idle" | "plugged" | "charging" | "suspended" | "finishing";

interface ConnectorSim {
  readonly id: number;
  phase: Phase;
  nextAt: number;
  endAt: number;
  sessionId: string;
  energyWh: number;
  soc: number;
  powerW: number;
  errorUuid: string | undefined;
  errorUntil: number;
}

/** Runs the simulation until the log holds `targetEvents` events. */
export async function generateSessionLog(options: SessionLogOptions): Promise<SessionLog> {
  const wall0 = performance.now();
  const TICK_MS = options.readingIntervalMs ?? 2000;
  // Per-tick chances of a pause or an error, for the same rates per hour whatever the tick.
  const perTick = (chanceEvery2s: number) => chanceEvery2s * (TICK_MS / 2000);
  const random = prng(options.seed ?? 1);
  const between = (lo: number, hi: number) => lo + random() * (hi - lo);
  const start = Date.parse("2026-01-05T06:00:00Z");
  const clock = new SimClock(start);
  const csms = new SimCsms(clock);
  const store = options.store ?? new MemoryEventStore();
  const cp = new ChargePoint({
    chargePointId: "CP-SIM",
    csmsUrl: "ws://127.0.0.1:9/ocpp",
    connectors: 2,
    store,
    clock,
    transport: csms,
    configuration: {
      MeterValueSampleInterval: String(options.sampleIntervalS ?? 10),
      MeterValuesSampledData:
        "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,SoC",
    },
    bootNotification: { chargePointVendor: "Acme", chargePointModel: "AC22" },
    callbacks: {
      setSystemTime: () => {},
      connectionStateChanged: () => {},
      bootNotificationResponse: () => {},
      enableEvse: () => true,
      disableEvse: () => true,
    },
  });
  const settle = async () => {
    // Answers and callbacks run on microtasks: turn the queue until the log stops growing.
    let last = -1;
    while (store.lastSeq() !== last) {
      last = store.lastSeq();
      for (let i = 0; i < 8; i++) await Promise.resolve();
    }
  };
  await cp.start();
  await settle();

  const connectors: ConnectorSim[] = [1, 2].map((id) => ({
    id,
    phase: "idle",
    nextAt: start + between(10_000, 600_000),
    endAt: 0,
    sessionId: "",
    energyWh: 1_000_000 * id,
    soc: 20,
    powerW: 0,
    errorUuid: undefined,
    errorUntil: 0,
  }));
  let sessions = 0;
  let nextDrop = start + between(4, 8) * 3600_000;
  let nextRequest = start + between(1, 3) * 3600_000;

  const measurement = (c: ConnectorSim, now: number): Measurement => {
    const p = c.powerW;
    const amps = p / 3 / 230;
    return {
      powerMeter: {
        timestamp: new Date(now),
        energyWhImport: {
          total: Math.round(c.energyWh),
          L1: Math.round(c.energyWh / 3),
          L2: Math.round(c.energyWh / 3),
          L3: Math.round(c.energyWh / 3),
        },
        powerW: { total: Math.round(p), L1: Math.round(p / 3), L2: Math.round(p / 3), L3: 0 },
        voltageV: { L1: 229.8, L2: 231.2, L3: 230.4 },
        currentA: { L1: +amps.toFixed(2), L2: +amps.toFixed(2), L3: +amps.toFixed(2) },
      },
      socPercent: { value: Math.min(100, +c.soc.toFixed(1)) },
    };
  };

  const firmware = (c: ConnectorSim, now: number) => {
    if (c.errorUuid !== undefined && now >= c.errorUntil) {
      cp.onErrorCleared(c.id, c.errorUuid);
      c.errorUuid = undefined;
    }
    switch (c.phase) {
      case "idle":
        if (now < c.nextAt) return;
        c.sessionId = `session-${c.id}-${++sessions}`;
        cp.onSessionStarted(c.id, c.sessionId, "EVConnected");
        c.phase = "plugged";
        c.nextAt = now + between(4_000, 30_000);
        return;
      case "plugged":
        if (now < c.nextAt) return;
        cp.onTransactionStarted(
          c.id,
          c.sessionId,
          `TAG${Math.floor(random() * 1000)}`,
          Math.round(c.energyWh),
          undefined,
          new Date(now),
        );
        cp.onResumeCharging(c.id);
        c.phase = "charging";
        c.powerW = between(7_000, 22_000);
        c.soc = between(10, 60);
        c.endAt = now + between(15, 60) * 60_000;
        return;
      case "charging":
      case "suspended":
        if (c.phase === "charging") {
          c.energyWh += (c.powerW * TICK_MS) / 3600_000;
          c.soc += 0.01;
        }
        cp.onMeterValues(c.id, measurement(c, now));
        if (now >= c.endAt) {
          const local = random() < 0.5;
          cp.onTransactionStopped(
            c.id,
            c.sessionId,
            local ? "Local" : "EVDisconnected",
            new Date(now),
            Math.round(c.energyWh),
          );
          c.powerW = 0;
          c.phase = "finishing";
          c.nextAt = now + between(2_000, 60_000);
        } else if (c.phase === "charging" && random() < perTick(0.002)) {
          if (random() < 0.5) cp.onSuspendChargingEv(c.id);
          else cp.onSuspendChargingEvse(c.id, "load balancing");
          c.phase = "suspended";
          c.nextAt = now + between(30_000, 300_000);
        } else if (c.phase === "suspended" && now >= c.nextAt) {
          cp.onResumeCharging(c.id);
          c.phase = "charging";
        }
        if (c.errorUuid === undefined && random() < perTick(0.0003)) {
          c.errorUuid = `err-${c.id}-${sessions}`;
          cp.onError(c.id, {
            uuid: c.errorUuid,
            errorCode: "HighTemperature",
            isFault: false,
            info: "derating",
          });
          c.errorUntil = now + between(10_000, 120_000);
        }
        return;
      case "finishing":
        if (now < c.nextAt) return;
        cp.onSessionStopped(c.id, c.sessionId);
        c.phase = "idle";
        c.nextAt = now + between(60_000, 1_200_000);
        return;
    }
  };

  let now = start;
  while (store.lastSeq() < options.targetEvents) {
    now += TICK_MS;
    await clock.fireUntil(now, settle);
    for (const c of connectors) firmware(c, now);
    if (now >= nextDrop) {
      csms.drop();
      nextDrop = now + between(4, 8) * 3600_000;
    }
    if (now >= nextRequest) {
      csms.request("ChangeAvailability", { connectorId: 0, type: "Operative" });
      nextRequest = now + between(1, 3) * 3600_000;
    }
    await settle();
  }
  await cp.stop();
  await settle();
  return {
    store,
    events: store.lastSeq(),
    simulatedHours: (clock.now() - start) / 3600_000,
    sessions,
    framesSent: csms.framesSent,
    wallMs: performance.now() - wall0,
  };
}
