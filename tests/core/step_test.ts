/**
 * The fold without network: hand-built events through `step` / `fold`. Each handler event drives
 * the connector state machine and the StatusNotification it causes; the fold is deterministic and
 * pure; a StartTransaction answer's transactionId goes into the MeterValues and StopTransaction
 * queued behind it.
 *
 * Frames are only sent while the link is `Open` and the registration `Accepted`, so every scenario
 * starts with the preamble `ChargePointStarted`, `ConnectionOpened` and the BootNotification
 * CALLRESULT, and answers every CALL in flight (one at a time).
 */
import assert from "node:assert/strict";
import {
  type ChargePointEvent,
  checkEvent,
  type EventData,
  type EventType,
} from "../../events/mod.ts";
import { fold, step, type StepResult } from "../../core/step.ts";
import { initialState, type State } from "../../core/state.ts";
import type { ChargePointStatus } from "../../core/connector_fsm.ts";
import { MemoryEventStore } from "../../core/memory_event_store.ts";
import { replay } from "../../core/replay.ts";

const BASE = Date.parse("2026-01-01T00:00:00.000Z");

/** A CALL the fold emitted, decoded. */
interface SentCall {
  readonly id: string;
  readonly action: string;
  readonly payload: Record<string, unknown>;
}

function decode(frame: string): SentCall {
  const message: unknown = JSON.parse(frame);
  assert.ok(Array.isArray(message) && message[0] === 2, `not a CALL: ${frame}`);
  const [, id, action, payload] = message as [number, string, string, Record<string, unknown>];
  return { id, action, payload };
}

/** The state as plain data (the outbox is an immutable queue with private fields). */
function plain(state: State): unknown {
  return { ...state, outbox: [...state.outbox], inFlight: state.inFlight };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) {
      deepFreeze((value as Record<PropertyKey, unknown>)[key]);
    }
  }
  return value;
}

/** Answers per action, like a default CSMS. */
function defaultAnswer(
  action: string,
  at: string,
  nextTxId: () => number,
): Record<string, unknown> {
  switch (action) {
    case "BootNotification":
      return { status: "Accepted", currentTime: at, interval: 300 };
    case "Heartbeat":
      return { currentTime: at };
    case "Authorize":
      return { idTagInfo: { status: "Accepted" } };
    case "StartTransaction":
      return { transactionId: nextTxId(), idTagInfo: { status: "Accepted" } };
    case "DataTransfer":
      return { status: "Accepted" };
    default:
      return {};
  }
}

/**
 * A hand-built event log folded as it grows: `add` appends an event (checked against its schema),
 * steps it and keeps every frame; `answer` / `drain` play the central system.
 */
class Script {
  readonly events: ChargePointEvent[] = [];
  readonly frames: string[] = [];
  state: State = initialState();
  #seq = 0;
  #time = BASE;
  #txId = 1;

  /** Time of the next event (one second after the previous one unless given). */
  nextAt(atMs?: number): string {
    return new Date(atMs ?? this.#time + 1000).toISOString();
  }

  add<T extends EventType>(type: T, data: EventData<T>, atMs?: number): StepResult {
    const seq = ++this.#seq;
    const at = this.nextAt(atMs);
    this.#time = Date.parse(at);
    const checked = checkEvent({
      id: `01JSTEPTEST${String(seq).padStart(15, "0")}`,
      seq,
      at,
      type,
      data,
    });
    assert.ok(checked.ok, checked.ok ? "" : checked.reason);
    this.events.push(checked.event);
    const result = step(this.state, checked.event);
    this.state = result.state;
    this.frames.push(...result.effects.frames);
    return result;
  }

  /** Adds an event and returns the CALLs it sent by itself. */
  calls<T extends EventType>(type: T, data: EventData<T>, atMs?: number): SentCall[] {
    return this.add(type, data, atMs).effects.frames.map(decode);
  }

  /** The CALL in flight (fails if there is none). */
  get inFlight(): SentCall {
    const call = this.state.inFlight;
    assert.ok(call !== undefined, "no CALL in flight");
    return { id: call.id, action: call.action, payload: { ...call.payload } };
  }

  /** Answers the last CALL sent (the one in flight); returns the CALLs that the answer let go. */
  answer(payload?: Record<string, unknown>): SentCall[] {
    const last = this.frames.findLast((f) => f.startsWith("[2,"));
    assert.ok(last !== undefined, "no CALL was sent");
    const call = decode(last);
    assert.equal(call.id, this.inFlight.id, "the last CALL sent is the one in flight");
    const reply = payload ?? defaultAnswer(call.action, this.nextAt(), () => this.#txId++);
    return this.calls("FrameReceived", { text: JSON.stringify([3, call.id, reply]) });
  }

  /** Answers every CALL until nothing is in flight; returns the CALLs sent meanwhile. */
  drain(): SentCall[] {
    const sent: SentCall[] = [];
    for (let i = 0; i < 100 && this.state.inFlight !== undefined; i++) sent.push(...this.answer());
    assert.equal(this.state.inFlight, undefined, "still a CALL in flight after 100 answers");
    return sent;
  }

  /** The CALLs an event causes, including those sent once the earlier ones are answered. */
  everything<T extends EventType>(type: T, data: EventData<T>): SentCall[] {
    assert.equal(this.state.inFlight, undefined, "a CALL is still in flight");
    return [...this.calls(type, data), ...this.drain()];
  }

  status(connector: number): ChargePointStatus {
    const c = this.state.connectors[connector];
    assert.ok(c !== undefined, `no connector ${connector}`);
    return c.stored;
  }
}

const START_DATA: EventData<"ChargePointStarted"> = {
  chargePointId: "CP-1",
  csmsUrl: "ws://127.0.0.1:9000/ocpp",
  connectors: 2,
  configuration: {},
  bootNotification: { chargePointVendor: "Acme", chargePointModel: "AC22" },
  callbacks: [],
  responseTimeoutMs: 30_000,
};

/** Started, connected, BootNotification accepted, the three StatusNotifications answered. */
function preamble(configuration: Record<string, string> = {}): Script {
  const s = new Script();
  const started = s.add("ChargePointStarted", { ...START_DATA, configuration });
  assert.equal(started.effects.connect, true);
  assert.deepEqual(started.effects.frames, []);
  const boot = s.calls("ConnectionOpened", {
    url: "ws://127.0.0.1:9000/ocpp/CP-1",
    protocol: "ocpp1.6",
  });
  assert.deepEqual(boot.map((c) => c.action), ["BootNotification"]);
  assert.deepEqual(boot[0]?.payload, START_DATA.bootNotification);
  const statuses = s.answer();
  assert.equal(s.state.registration, "Accepted");
  statuses.push(...s.drain());
  assert.deepEqual(
    statuses.map((c) => [c.action, c.payload.connectorId, c.payload.status]),
    [
      ["StatusNotification", 0, "Available"],
      ["StatusNotification", 1, "Available"],
      ["StatusNotification", 2, "Available"],
    ],
  );
  return s;
}

/** The StatusNotification payload expected for the next event (timestamp = event time). */
function sn(
  s: Script,
  connectorId: number,
  status: ChargePointStatus,
  fields: Record<string, unknown> = {},
): SentCall["payload"] {
  return { connectorId, errorCode: "NoError", status, timestamp: s.nextAt(), ...fields };
}

function onlyCall(calls: SentCall[], action: string): Record<string, unknown> {
  assert.deepEqual(calls.map((c) => c.action), [action]);
  return calls[0]?.payload ?? {};
}

const MEASUREMENT: EventData<"MeterValuesMeasured">["measurement"] = {
  powerMeter: {
    timestamp: "2026-01-01T00:00:30.000Z",
    energyWhImport: { total: 1500 },
    powerW: { total: 7200 },
  },
};

function txStart(connector: number, idToken = "TAG-1"): EventData<"TransactionStarted"> {
  return {
    connector,
    sessionId: `s-${connector}`,
    idToken,
    meterStartWh: 1000,
    timestamp: "2026-01-01T00:01:00.000Z",
  };
}

function txStop(connector: number, reason: EventData<"TransactionStopped">["reason"]) {
  return {
    connector,
    sessionId: `s-${connector}`,
    reason,
    timestamp: "2026-01-01T00:09:00.000Z",
    energyWhImport: 2000,
  } satisfies EventData<"TransactionStopped">;
}

// ---------------------------------------------------------------------------------------------
// Each handler event → state machine event → StatusNotification
// ---------------------------------------------------------------------------------------------

Deno.test("step: nothing is sent before the link is open and the registration accepted", () => {
  const s = new Script();
  s.add("ChargePointStarted", START_DATA);
  assert.deepEqual(
    s.calls("SessionStarted", { connector: 1, sessionId: "s-1", reason: "EVConnected" }),
    [],
  );
  assert.equal(s.status(1), "Preparing");
  // Connected, boot in flight but not accepted: only the BootNotification goes out.
  const boot = s.calls("ConnectionOpened", { url: "ws://x/CP-1", protocol: "ocpp1.6" });
  assert.deepEqual(boot.map((c) => c.action), ["BootNotification"]);
  assert.deepEqual(s.calls("ChargingResumed", { connector: 1 }), []);
  // Accepted: the current status of every connector is reported.
  const after = [...s.answer(), ...s.drain()];
  assert.deepEqual(after.map((c) => `${c.payload.connectorId}:${c.payload.status}`), [
    "0:Available",
    "1:Charging",
    "2:Available",
  ]);
});

Deno.test("step: SessionStarted EVConnected → Preparing with info EVConnected", () => {
  const s = preamble();
  const expected = sn(s, 1, "Preparing", { info: "EVConnected" });
  const calls = s.everything("SessionStarted", {
    connector: 1,
    sessionId: "s-1",
    reason: "EVConnected",
  });
  assert.deepEqual(onlyCall(calls, "StatusNotification"), expected);
  assert.equal(s.status(1), "Preparing");
  assert.equal(s.state.connectors[1]?.sessionId, "s-1");
});

Deno.test("step: SessionStarted on Reserved: EVConnected keeps Reserved, Authorized → Preparing", () => {
  const s = preamble();
  s.everything("ReservationStarted", { connector: 2 });
  assert.equal(s.status(2), "Reserved");
  assert.deepEqual(
    s.everything("SessionStarted", { connector: 2, sessionId: "s-2", reason: "EVConnected" }),
    [],
  );
  assert.equal(s.status(2), "Reserved");
  const expected = sn(s, 2, "Preparing", { info: "Authorized" });
  const calls = s.everything("SessionStarted", {
    connector: 2,
    sessionId: "s-2",
    reason: "Authorized",
  });
  assert.deepEqual(onlyCall(calls, "StatusNotification"), expected);
});

Deno.test("step: TransactionStarted on Reserved → Preparing, then StartTransaction", () => {
  const s = preamble();
  s.everything("ReservationStarted", { connector: 1 });
  const expected = sn(s, 1, "Preparing");
  const first = s.calls("TransactionStarted", { ...txStart(1), reservationId: 7 });
  assert.deepEqual(onlyCall(first, "StatusNotification"), expected);
  assert.equal(s.status(1), "Preparing");
  const next = s.answer();
  assert.deepEqual(onlyCall(next, "StartTransaction"), {
    connectorId: 1,
    idTag: "TAG-1",
    meterStart: 1000,
    reservationId: 7,
    timestamp: "2026-01-01T00:01:00.000Z",
  });
  assert.equal(s.state.connectors[1]?.transaction?.reservationId, 7);
});

Deno.test("step: TransactionStarted on Preparing sends StartTransaction without a status change", () => {
  const s = preamble();
  s.everything("SessionStarted", { connector: 1, sessionId: "s-1", reason: "EVConnected" });
  const calls = s.everything("TransactionStarted", txStart(1));
  assert.deepEqual(calls.map((c) => c.action), ["StartTransaction"]);
  assert.equal(s.status(1), "Preparing");
});

Deno.test("step: ChargingResumed → Charging; suspended by EV / EVSE → SuspendedEV / SuspendedEVSE with info", () => {
  const s = preamble();
  s.everything("SessionStarted", { connector: 1, sessionId: "s-1", reason: "EVConnected" });
  s.everything("TransactionStarted", txStart(1));

  let expected = sn(s, 1, "Charging");
  assert.deepEqual(
    onlyCall(s.everything("ChargingResumed", { connector: 1 }), "StatusNotification"),
    expected,
  );
  assert.equal(s.status(1), "Charging");

  expected = sn(s, 1, "SuspendedEV", { info: "EV full" });
  assert.deepEqual(
    onlyCall(
      s.everything("ChargingSuspendedByEv", { connector: 1, info: "EV full" }),
      "StatusNotification",
    ),
    expected,
  );
  assert.equal(s.status(1), "SuspendedEV");

  expected = sn(s, 1, "SuspendedEVSE");
  assert.deepEqual(
    onlyCall(s.everything("ChargingSuspendedByEvse", { connector: 1 }), "StatusNotification"),
    expected,
  );
  assert.equal(s.status(1), "SuspendedEVSE");

  // Repeating an event without a transition sends nothing.
  assert.deepEqual(s.everything("ChargingSuspendedByEvse", { connector: 1 }), []);
  expected = sn(s, 1, "Charging");
  assert.deepEqual(
    onlyCall(s.everything("ChargingResumed", { connector: 1 }), "StatusNotification"),
    expected,
  );
});

Deno.test("step: TransactionStopped with reason Local → StopTransaction, then Finishing", () => {
  const s = preamble();
  s.everything("SessionStarted", { connector: 1, sessionId: "s-1", reason: "EVConnected" });
  s.everything("TransactionStarted", txStart(1));
  s.everything("ChargingResumed", { connector: 1 });
  const calls = s.everything("TransactionStopped", { ...txStop(1, "Local"), idTagEnd: "TAG-1" });
  assert.deepEqual(calls.map((c) => c.action), ["StopTransaction", "StatusNotification"]);
  assert.deepEqual(calls[0]?.payload, {
    idTag: "TAG-1",
    meterStop: 2000,
    timestamp: "2026-01-01T00:09:00.000Z",
    reason: "Local",
    transactionId: 1,
  });
  assert.equal(calls[1]?.payload.status, "Finishing");
  assert.equal(s.status(1), "Finishing");
  assert.equal(s.state.connectors[1]?.transaction, undefined);
  // The session ends: Finishing → Available.
  const expected = sn(s, 1, "Available");
  const end = s.everything("SessionStopped", { connector: 1, sessionId: "s-1" });
  assert.deepEqual(onlyCall(end, "StatusNotification"), expected);
  assert.equal(s.status(1), "Available");
});

Deno.test("step: TransactionStopped with reason EVDisconnected → StopTransaction only; SessionStopped → Available", () => {
  const s = preamble();
  s.everything("SessionStarted", { connector: 1, sessionId: "s-1", reason: "EVConnected" });
  s.everything("TransactionStarted", txStart(1));
  s.everything("ChargingResumed", { connector: 1 });
  const calls = s.everything("TransactionStopped", txStop(1, "EVDisconnected"));
  assert.deepEqual(calls.map((c) => c.action), ["StopTransaction"]);
  assert.equal(calls[0]?.payload.reason, "EVDisconnected");
  assert.equal(s.status(1), "Charging");
  const expected = sn(s, 1, "Available");
  const end = s.everything("SessionStopped", { connector: 1, sessionId: "s-1" });
  assert.deepEqual(onlyCall(end, "StatusNotification"), expected);
  assert.equal(s.state.connectors[1]?.sessionId, undefined);
});

Deno.test("step: ReservationStarted → Reserved, ReservationEnded → Available", () => {
  const s = preamble();
  let expected = sn(s, 2, "Reserved");
  assert.deepEqual(
    onlyCall(s.everything("ReservationStarted", { connector: 2 }), "StatusNotification"),
    expected,
  );
  assert.equal(s.status(2), "Reserved");
  expected = sn(s, 2, "Available");
  assert.deepEqual(
    onlyCall(s.everything("ReservationEnded", { connector: 2 }), "StatusNotification"),
    expected,
  );
  assert.equal(s.status(2), "Available");
});

Deno.test("step: ConnectorDisabled → Unavailable, ConnectorEnabled → Available", () => {
  const s = preamble();
  let expected = sn(s, 1, "Unavailable");
  assert.deepEqual(
    onlyCall(s.everything("ConnectorDisabled", { connector: 1 }), "StatusNotification"),
    expected,
  );
  assert.equal(s.status(1), "Unavailable");
  expected = sn(s, 1, "Available");
  assert.deepEqual(
    onlyCall(s.everything("ConnectorEnabled", { connector: 1 }), "StatusNotification"),
    expected,
  );
  assert.equal(s.status(1), "Available");
});

Deno.test("step: PluginTimedOut on Preparing → Finishing with info ConnectionTimeout", () => {
  const s = preamble();
  s.everything("SessionStarted", { connector: 1, sessionId: "s-1", reason: "EVConnected" });
  const expected = sn(s, 1, "Finishing", { info: "ConnectionTimeout" });
  assert.deepEqual(
    onlyCall(s.everything("PluginTimedOut", { connector: 1 }), "StatusNotification"),
    expected,
  );
  assert.equal(s.status(1), "Finishing");
});

Deno.test("step: a fault → Faulted with this error's fields; cleared → back to the stored state", () => {
  const s = preamble();
  s.everything("SessionStarted", { connector: 1, sessionId: "s-1", reason: "EVConnected" });
  const error = {
    uuid: "e-1",
    errorCode: "GroundFailure",
    isFault: true,
    info: "ground fault",
    vendorId: "Acme",
    vendorErrorCode: "GF-7",
  } as const;
  let expected = sn(s, 1, "Faulted", {
    errorCode: "GroundFailure",
    info: "ground fault",
    vendorId: "Acme",
    vendorErrorCode: "GF-7",
  });
  assert.deepEqual(
    onlyCall(s.everything("ErrorRaised", { connector: 1, error }), "StatusNotification"),
    expected,
  );
  assert.equal(s.status(1), "Preparing", "Faulted is an overlay; the stored state stays");
  assert.equal(s.state.connectors[1]?.errors.active.length, 1);
  // The same uuid again: ignored.
  assert.deepEqual(s.everything("ErrorRaised", { connector: 1, error }), []);
  expected = sn(s, 1, "Preparing");
  assert.deepEqual(
    onlyCall(s.everything("ErrorCleared", { connector: 1, uuid: "e-1" }), "StatusNotification"),
    expected,
  );
  assert.equal(s.state.connectors[1]?.errors.active.length, 0);
  // An unknown uuid: ignored.
  assert.deepEqual(s.everything("ErrorCleared", { connector: 1, uuid: "nope" }), []);
});

Deno.test("step: a non-fault error → the current state with the error code; cleared → NoError", () => {
  const s = preamble();
  const error = {
    uuid: "w-1",
    errorCode: "HighTemperature",
    isFault: false,
    info: "warm",
  } as const;
  let expected = sn(s, 2, "Available", { errorCode: "HighTemperature", info: "warm" });
  assert.deepEqual(
    onlyCall(s.everything("ErrorRaised", { connector: 2, error }), "StatusNotification"),
    expected,
  );
  // Transitions while a non-fault error is active carry its code.
  expected = sn(s, 2, "Reserved", { errorCode: "HighTemperature" });
  assert.deepEqual(
    onlyCall(s.everything("ReservationStarted", { connector: 2 }), "StatusNotification"),
    expected,
  );
  expected = sn(s, 2, "Reserved");
  assert.deepEqual(
    onlyCall(s.everything("ErrorCleared", { connector: 2, uuid: "w-1" }), "StatusNotification"),
    expected,
  );
});

Deno.test("step: while faulted transitions move the stored state silently; clearing reports it", () => {
  const s = preamble();
  s.everything("ErrorRaised", {
    connector: 1,
    error: { uuid: "f-1", errorCode: "PowerSwitchFailure", isFault: true },
  });
  assert.deepEqual(
    s.everything("SessionStarted", { connector: 1, sessionId: "s-1", reason: "EVConnected" }),
    [],
  );
  assert.equal(s.status(1), "Preparing");
  const expected = sn(s, 1, "Preparing");
  assert.deepEqual(
    onlyCall(s.everything("ErrorCleared", { connector: 1, uuid: "f-1" }), "StatusNotification"),
    expected,
  );
});

Deno.test("step: AllErrorsCleared → the stored state with NoError, errors gone", () => {
  const s = preamble();
  s.everything("ErrorRaised", {
    connector: 0,
    error: { uuid: "a", errorCode: "OtherError", isFault: true },
  });
  s.everything("ErrorRaised", {
    connector: 0,
    error: { uuid: "b", errorCode: "WeakSignal", isFault: false },
  });
  assert.equal(s.state.connectors[0]?.errors.active.length, 2);
  const expected = sn(s, 0, "Available");
  assert.deepEqual(
    onlyCall(s.everything("AllErrorsCleared", { connector: 0 }), "StatusNotification"),
    expected,
  );
  assert.equal(s.state.connectors[0]?.errors.active.length, 0);
});

// ---------------------------------------------------------------------------------------------
// Transaction messages queued behind StartTransaction
// ---------------------------------------------------------------------------------------------

Deno.test("step: the StartTransaction answer's transactionId goes into the MeterValues and StopTransaction queued behind it", () => {
  const s = preamble({ MeterValueSampleInterval: "60" });
  s.everything("SessionStarted", { connector: 1, sessionId: "s-1", reason: "EVConnected" });
  s.everything("MeterValuesMeasured", { connector: 1, measurement: MEASUREMENT });
  const start = s.calls("TransactionStarted", txStart(1));
  assert.deepEqual(start.map((c) => c.action), ["StartTransaction"]);
  // The CSMS does not answer yet: a periodic sample and the stop queue up behind it.
  const due = s.state.timers["sample:1"];
  assert.equal(typeof due, "number");
  assert.deepEqual(s.calls("TimerFired", { timer: "sample:1", due: due ?? 0 }, due), []);
  assert.deepEqual(s.calls("TransactionStopped", txStop(1, "Local")), []);
  assert.deepEqual([...s.state.outbox].map((c) => c.action), [
    "MeterValues",
    "StopTransaction",
    "StatusNotification",
  ]);

  const meterValues = s.answer({ transactionId: 4711, idTagInfo: { status: "Accepted" } });
  assert.equal(meterValues.length, 1);
  const mv = meterValues[0];
  assert.equal(mv?.action, "MeterValues");
  assert.deepEqual(Object.keys(mv?.payload ?? {}), ["connectorId", "transactionId", "meterValue"]);
  assert.equal(mv?.payload.connectorId, 1);
  assert.equal(mv?.payload.transactionId, 4711);

  const stop = s.answer({});
  assert.equal(stop.length, 1);
  assert.equal(
    s.frames.at(-1),
    JSON.stringify([2, stop[0]?.id, "StopTransaction", {
      meterStop: 2000,
      timestamp: "2026-01-01T00:09:00.000Z",
      reason: "Local",
      transactionId: 4711,
    }]),
  );
  assert.deepEqual(s.answer({}).map((c) => [c.action, c.payload.status]), [[
    "StatusNotification",
    "Finishing",
  ]]);
  s.drain();
  assert.equal(s.state.outbox.size, 0);
});

// ---------------------------------------------------------------------------------------------
// A demo-like log: determinism, purity, fold = replay
// ---------------------------------------------------------------------------------------------

/** The session of `deno task demo`, built by hand, with the central system's answers. */
function demoLike(): Script {
  const s = preamble({
    MeterValueSampleInterval: "60",
    MeterValuesSampledData: "Energy.Active.Import.Register,Power.Active.Import",
  });
  s.add("SecurityEventOccurred", {
    eventType: "StartupOfTheDevice",
    techInfo: "demo boot",
    timestamp: s.nextAt(),
  });
  s.drain();
  s.add("SessionStarted", { connector: 1, sessionId: "session-1", reason: "EVConnected" });
  s.drain();
  s.add("AuthorizeRequested", { idTag: "TAG-0001" });
  s.drain();
  s.add("TransactionStarted", { ...txStart(1, "TAG-0001"), sessionId: "session-1" });
  s.drain();
  s.add("MeterValuesMeasured", { connector: 1, measurement: MEASUREMENT });
  s.add("ChargingResumed", { connector: 1 });
  s.drain();
  for (let minute = 1; minute <= 2; minute++) {
    s.add("MeterValuesMeasured", {
      connector: 1,
      measurement: {
        powerMeter: {
          timestamp: s.nextAt(),
          energyWhImport: { total: 1000 + minute * 180 },
          powerW: { total: 11000 },
        },
      },
    });
    const due = s.state.timers["sample:1"] ?? 0;
    s.add("TimerFired", { timer: "sample:1", due }, due);
    s.drain();
  }
  s.add("ChargingSuspendedByEv", { connector: 1, info: "EV full for now" });
  s.drain();
  s.add("ChargingResumed", { connector: 1 });
  s.drain();
  s.add("ErrorRaised", {
    connector: 1,
    error: { uuid: "err-1", errorCode: "HighTemperature", isFault: true, info: "cable hot" },
  });
  s.drain();
  s.add("ErrorCleared", { connector: 1, uuid: "err-1" });
  s.drain();
  s.add("TransactionStopped", {
    ...txStop(1, "Local"),
    sessionId: "session-1",
    idTagEnd: "TAG-0001",
  });
  s.add("SessionStopped", { connector: 1, sessionId: "session-1" });
  s.drain();
  s.add("ChargePointStopped", {});
  return s;
}

Deno.test("fold: a demo-like log sends the expected CALLs and ends Available with no transaction", () => {
  const s = demoLike();
  const { state, frames } = fold(s.events);
  assert.deepEqual(frames, s.frames);
  const summary = frames.map(decode).map((c) =>
    c.action === "StatusNotification" ? `SN ${c.payload.connectorId}:${c.payload.status}` : c.action
  );
  assert.deepEqual(summary, [
    "BootNotification",
    "SN 0:Available",
    "SN 1:Available",
    "SN 2:Available",
    "SecurityEventNotification",
    "SN 1:Preparing",
    "Authorize",
    "StartTransaction",
    "SN 1:Charging",
    "MeterValues",
    "MeterValues",
    "SN 1:SuspendedEV",
    "SN 1:Charging",
    "SN 1:Faulted",
    "SN 1:Charging",
    "StopTransaction",
    "SN 1:Finishing",
    "SN 1:Available",
  ]);
  const meterValues = frames.map(decode).filter((c) => c.action === "MeterValues");
  assert.ok(meterValues.every((c) => c.payload.transactionId === 1));
  assert.equal(state.running, false);
  assert.equal(state.link, "Disconnected");
  assert.equal(state.connectors[1]?.stored, "Available");
  assert.equal(state.connectors[1]?.transaction, undefined);
  assert.equal(state.outbox.size, 0);
  assert.deepEqual(state.timers, {});
  // Message ids are unique and at most 36 characters.
  const ids = frames.map(decode).map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(ids.every((id) => id.length <= 36));
});

Deno.test("fold: deterministic — folding the same events twice gives equal states and identical frames", () => {
  const { events } = demoLike();
  const a = fold(events);
  const b = fold(events);
  assert.deepEqual(plain(a.state), plain(b.state));
  assert.deepEqual(a.frames, b.frames);
  // Step by step with the effects of each step gives the same again.
  let state = initialState();
  const frames: string[] = [];
  for (const event of events) {
    const r = step(state, event);
    const again = step(state, event);
    assert.deepEqual(plain(again.state), plain(r.state));
    assert.deepEqual(again.effects, r.effects);
    state = r.state;
    frames.push(...r.effects.frames);
  }
  assert.deepEqual(plain(state), plain(a.state));
  assert.deepEqual(frames, a.frames);
});

Deno.test("fold: pure — step never mutates its (deep-frozen) input state", () => {
  const { events } = demoLike();
  let state = initialState();
  for (const event of events) {
    const snapshot = structuredClone(plain(state));
    deepFreeze(state);
    let r: StepResult | undefined;
    assert.doesNotThrow(() => (r = step(state, event)), `step of ${event.type} #${event.seq}`);
    assert.deepEqual(plain(state), snapshot, `input state changed by ${event.type} #${event.seq}`);
    assert.ok(r !== undefined);
    state = r.state;
  }
});

Deno.test("fold: a log replayed from a store gives the same frames and statuses as the fold", () => {
  const { events } = demoLike();
  const store = new MemoryEventStore();
  for (const event of events) store.append(event);
  const replayed = replay(store);
  const folded = fold(events);
  assert.deepEqual(replayed.frames, folded.frames);
  assert.deepEqual(replayed.connectors, { 0: "Available", 1: "Available", 2: "Available" });
  assert.equal(replayed.events, events.length);
});
