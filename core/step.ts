/**
 * The fold: `step(state, event)` gives the next state and the effects the event causes (frames
 * to send, timers, callbacks). Pure: the result depends only on its arguments; the input state
 * is not changed.
 *
 * @module
 */
import type { ChargePointEvent, EventData } from "../events/mod.ts";
import { Draft, type Effects } from "./draft.ts";
import { armHeartbeat, armPing, TIMER_HEARTBEAT, TIMER_PING, TIMER_PONG } from "./link_timers.ts";
import { initialState, newConnector, type State } from "./state.ts";
import { configurationAtStart, intKey } from "./configuration.ts";
import {
  failed,
  linkLost,
  pump,
  restartOutbox,
  TIMER_BOOT,
  TIMER_CALL_TIMEOUT,
  TIMER_RETRY,
} from "./outbox.ts";
import {
  keepRaised,
  raiseAgain,
  settleRaised,
  stopUnresumedTransactions,
} from "./crash_recovery.ts";
import { type HandlerEvent, reduceHandler, reportStatus } from "./connector_reducer.ts";
import {
  alignedFired,
  armAligned,
  measurementTaken,
  SAMPLE_TIMER_PREFIX,
  sampleFired,
  sessionStarted,
  TIMER_ALIGNED,
  transactionsInterrupted,
} from "./metering.ts";
import { STATUS_TIMER_PREFIX, statusTimerFired } from "./status_duration.ts";
import { callbackCompleted, receiveFrame, resumeSampling } from "./inbound.ts";
import { sendNormal } from "./outbox.ts";
import { NO_ERRORS } from "./connector_fsm.ts";
import {
  expireReservation,
  reconcileReservations,
  RESERVATION_TIMER_PREFIX,
  restoreReservations,
} from "./reservations.ts";
import { continuePendingReset, resetWaitElapsed, TIMER_RESET } from "./requests/reset.ts";
import { authorizeRequested, settleAuthorizations } from "./authorization.ts";
import { checkEnergyOnInvalidId } from "./invalid_id.ts";
import { holdForFirmwareInstall } from "./requests/update_firmware.ts";
import { restartedTransferStatus } from "./requests/transfer_status.ts";
import {
  isSecurityTimer,
  securityClosed,
  securityOpened,
  securityStarted,
  securityTimerFired,
} from "./security/profile.ts";

/** Timer of the next connection attempt. */
export const TIMER_RECONNECT = "reconnect";

/** The result of folding one event. */
export interface StepResult {
  /** The state after the event. */
  readonly state: State;
  /** What the event causes. */
  readonly effects: Effects;
}

/**
 * Folds one event.
 *
 * @example
 * ```ts
 * import { step } from "./step.ts";
 * import { initialState } from "./state.ts";
 * const { state } = step(initialState(), {
 *   id: "01JD0000000000000000000000", seq: 1, at: "2026-01-01T00:00:00.000Z",
 *   type: "ChargePointStarted",
 *   data: { chargePointId: "CP-1", csmsUrl: "ws://127.0.0.1:9000", connectors: 2,
 *     configuration: {}, bootNotification: { chargePointVendor: "Acme", chargePointModel: "AC" },
 *     callbacks: [], responseTimeoutMs: 30000 },
 * });
 * console.log(state.connectors.length); // 3
 * ```
 */
export function step(
  state: State,
  event: ChargePointEvent,
  options: { readonly frames?: boolean } = {},
): StepResult {
  const d = new Draft(state, event.id, event.at, options.frames ?? true);
  settleRaised(d, event);
  reduce(d, event);
  reconcileReservations(d);
  continuePendingReset(d, event);
  pump(d);
  settleAuthorizations(d, event.type === "ChargePointStarted");
  keepRaised(d);
  return { state: d.state, effects: d.effects };
}

/**
 * The state after `event` (the pure reducer without the effects; frames are not even encoded).
 *
 * @example
 * ```ts
 * import { evolve } from "./step.ts";
 * import { initialState } from "./state.ts";
 * const s = evolve(initialState(), { id: "01JD0000000000000000000000", seq: 1,
 *   at: "2026-01-01T00:00:00.000Z", type: "ChargePointStopped", data: {} });
 * console.log(s.running); // false
 * ```
 */
export function evolve(state: State, event: ChargePointEvent): State {
  return step(state, event, { frames: false }).state;
}

/**
 * The OCPP-J frames `event` makes the charge point send, given the state before it.
 *
 * @example
 * ```ts
 * import { derive } from "./step.ts";
 * import { initialState } from "./state.ts";
 * console.log(derive(initialState(), { id: "01JD0000000000000000000000", seq: 1,
 *   at: "2026-01-01T00:00:00.000Z", type: "ChargePointStopped", data: {} })); // []
 * ```
 */
export function derive(state: State, event: ChargePointEvent): readonly string[] {
  return step(state, event).effects.frames;
}

/**
 * Reconnect delay of attempt `n` (1-based): `RetryBackoffWaitMinimum` doubled per attempt up to
 * `RetryBackoffRepeatTimes`, plus a jitter up to `RetryBackoffRandomRange` seconds taken from the
 * event id (deterministic on replay).
 */
export function backoffMs(
  config: Readonly<Record<string, string>>,
  attempt: number,
  seed: string,
): number {
  const min = intKey(config, "RetryBackoffWaitMinimum", 3);
  const range = intKey(config, "RetryBackoffRandomRange", 10);
  const repeat = intKey(config, "RetryBackoffRepeatTimes", 3);
  const doublings = Math.min(Math.max(attempt - 1, 0), repeat);
  let hash = 0;
  for (let i = 0; i < seed.length; i++) hash = (hash * 31 + seed.charCodeAt(i)) >>> 0;
  const jitter = range > 0 ? (hash % (range * 1000 + 1)) : 0;
  return min * 1000 * 2 ** doublings + jitter;
}

function start(d: Draft, data: EventData<"ChargePointStarted">): void {
  const previous = d.state.connectors;
  const connectors = [];
  for (let id = 0; id <= data.connectors; id++) {
    const old = previous[id] ?? newConnector(id);
    // A new process starts its state machines anew: Available or Unavailable as persisted,
    // without errors; a transaction that was running stays (its end is reported by the firmware).
    connectors.push({
      ...old,
      stored: old.transaction !== undefined
        ? old.stored
        : old.operative
        ? "Available" as const
        : "Unavailable" as const,
      errors: NO_ERRORS,
      measurement: undefined,
      sessionId: old.transaction !== undefined ? old.sessionId : undefined,
      // StatusNotifications waiting for MinimumStatusDuration: the current status is sent anew.
      pendingStatus: undefined,
    });
  }
  // The transaction CALL in flight when the previous process ended is sent again, same id.
  restartOutbox(d);
  // SupportedFeatureProfiles follows the callbacks this process has (configuration.ts).
  const started = configurationAtStart(data.configuration, d.state.configChanges, data.callbacks);
  for (const profile of started.dropped) {
    d.warn(`SupportedFeatureProfiles: ${profile} left out (not implemented by this charge point)`);
  }
  d.set({
    running: true,
    chargePointId: data.chargePointId,
    csmsUrl: data.csmsUrl,
    callbacks: data.callbacks,
    config: started.config,
    bootNotification: data.bootNotification,
    connectors,
    registration: "None",
    bootDue: true,
    link: "Connecting",
    linkWanted: true,
    reconnectAttempts: 0,
    timers: {},
    responseTimeoutMs: data.responseTimeoutMs,
    // Callbacks of the previous process will not complete: their requests are abandoned.
    pendingCallbacks: {},
    // The process restarted: a reset that was waiting is done (or moot).
    pendingReset: undefined,
    // Uploads and updates going on are reported again by whoever resumes them.
    ...restartedTransferStatus(),
  });
  // Events the previous process raised and did not record; then the PowerLoss stops of the
  // transactions of sessions the firmware does not resume.
  raiseAgain(d);
  stopUnresumedTransactions(d, previous, data.resumeSessionIds);
  transactionsInterrupted(d, previous, data.resumeSessionIds);
  resumeSampling(d);
  armAligned(d);
  restoreReservations(d);
  securityStarted(d);
  d.effects.connect = true;
}

function timerFired(d: Draft, name: string, due: number): void {
  if (d.state.timers[name] !== due) {
    d.note(`stale timer ${name} ignored`);
    return;
  }
  d.clearTimer(name);
  if (name === TIMER_HEARTBEAT) {
    sendNormal(d, "Heartbeat", {});
    armHeartbeat(d);
  } else if (name === TIMER_BOOT) {
    d.set({ bootDue: true });
  } else if (name === TIMER_CALL_TIMEOUT) {
    const call = d.state.inFlight;
    if (call !== undefined) {
      d.set({ inFlight: undefined });
      failed(d, call, `no answer within ${d.state.responseTimeoutMs} ms`);
    }
  } else if (name === TIMER_RETRY) {
    // pump() sends the head of the outbox now that it is due.
  } else if (name === TIMER_RECONNECT) {
    if (d.state.running && d.state.linkWanted && d.state.link === "Disconnected") {
      d.set({ link: "Connecting" });
      d.effects.connect = true;
    }
  } else if (name === TIMER_PING) {
    if (d.state.link === "Open" && TIMER_PONG in d.state.timers) {
      // Due at the same time as this ping, the pong deadline of the previous one must not move.
      d.clearTimer(TIMER_PONG);
      d.note("no pong before the next ping: connection considered dead");
      d.effects.disconnect = true;
    } else if (d.state.link === "Open") {
      d.effects.ping = true;
      armPing(d);
      // The pong must come before the next ping is due.
      d.setTimer(TIMER_PONG, d.now + intKey(d.state.config, "WebSocketPingInterval", 0) * 1000);
    }
  } else if (name === TIMER_PONG) {
    if (d.state.link === "Open") {
      d.note("no pong before the next ping: connection considered dead");
      d.effects.disconnect = true;
    }
  } else if (name === TIMER_RESET) {
    resetWaitElapsed(d);
  } else if (isSecurityTimer(name)) {
    securityTimerFired(d, name);
  } else if (name.startsWith(RESERVATION_TIMER_PREFIX)) {
    expireReservation(d, name);
  } else if (name.startsWith(SAMPLE_TIMER_PREFIX)) {
    sampleFired(d, Number(name.slice(SAMPLE_TIMER_PREFIX.length)), due);
  } else if (name.startsWith(STATUS_TIMER_PREFIX)) {
    statusTimerFired(d, name);
  } else if (name === TIMER_ALIGNED) {
    alignedFired(d, due);
  } else {
    d.note(`unknown timer ${name} ignored`);
  }
}

function opened(d: Draft): void {
  d.set({ link: "Open", reconnectAttempts: 0 });
  securityOpened(d);
  d.clearTimer(TIMER_RECONNECT);
  d.callback("connectionStateChanged", true);
  armPing(d);
  if (d.state.registration !== "Accepted") {
    d.set({ bootDue: true });
    return;
  }
  armHeartbeat(d);
  for (const c of d.state.connectors) reportStatus(d, c.id);
}

function closed(d: Draft, data: EventData<"ConnectionClosed">): void {
  const wasLinked = d.state.link === "Open";
  linkLost(d);
  d.set({ link: "Disconnected" });
  d.clearTimer(TIMER_HEARTBEAT);
  d.clearTimer(TIMER_PING);
  d.clearTimer(TIMER_PONG);
  if (wasLinked) d.callback("connectionStateChanged", false);
  // Security events of a failed attempt (401, TLS); a security change reconnects at once.
  const reconnectNow = securityClosed(d, data);
  if (!d.state.running || !d.state.linkWanted) return;
  if (reconnectNow) {
    d.set({ link: "Connecting" });
    d.effects.connect = true;
    return;
  }
  const attempts = d.state.reconnectAttempts + 1;
  d.set({ reconnectAttempts: attempts });
  const delay = backoffMs(d.state.config, attempts, d.eventId);
  d.note(
    `connection closed (${data.code} ${data.reason}); reconnect attempt ${attempts} in ${delay} ms`,
  );
  d.setTimer(TIMER_RECONNECT, d.now + delay);
}

function reduce(d: Draft, event: ChargePointEvent): void {
  switch (event.type) {
    case "ChargePointStarted":
      start(d, event.data);
      return;
    case "ChargePointStopped":
      linkLost(d);
      d.set({ running: false, linkWanted: false, link: "Disconnected", timers: {} });
      d.effects.disconnect = true;
      return;
    case "ConnectRequested":
      d.set({ linkWanted: true });
      if (d.state.running && d.state.link === "Disconnected") {
        d.set({ link: "Connecting" });
        d.clearTimer(TIMER_RECONNECT);
        d.effects.connect = true;
      }
      return;
    case "DisconnectRequested":
      d.set({ linkWanted: false });
      d.clearTimer(TIMER_RECONNECT);
      if (d.state.link !== "Disconnected") d.effects.disconnect = true;
      return;
    case "ConnectionOpened":
      opened(d);
      return;
    case "ConnectionClosed":
      closed(d, event.data);
      return;
    case "FrameReceived":
      receiveFrame(d, event.data.text);
      return;
    case "PongReceived":
      d.clearTimer(TIMER_PONG);
      return;
    case "TimerFired":
      timerFired(d, event.data.timer, event.data.due);
      return;
    case "CallbackCompleted":
      callbackCompleted(d, event.data);
      return;
    case "TransactionMessageFailed":
    case "TransactionMessagesDropped":
      // Notifications of a decision folded already (see outbox.ts).
      return;
    case "AuthorizeRequested":
      authorizeRequested(d, event.data.idTag);
      return;
    case "DataTransferRequested":
      sendNormal(d, "DataTransfer", { ...event.data }, d.eventId);
      return;
    case "FirmwareInstallHoldChanged":
      holdForFirmwareInstall(d, event.data.hold);
      return;
    default:
      reduceHandler(d, event as HandlerEvent);
      if (event.type === "MeterValuesMeasured") {
        checkEnergyOnInvalidId(d, event.data.connector);
        measurementTaken(d, event.data.connector);
      } else if (event.type === "SessionStarted") sessionStarted(d, event.data.connector);
  }
}

/**
 * Folds a whole sequence of events from the initial state, collecting every frame sent.
 *
 * @example
 * ```ts
 * import { fold } from "./step.ts";
 * const { state, frames } = fold([]);
 * console.log(state.registration, frames.length); // "None" 0
 * ```
 */
export function fold(events: Iterable<ChargePointEvent>): { state: State; frames: string[] } {
  let state = initialState();
  const frames: string[] = [];
  for (const event of events) {
    const r = step(state, event);
    state = r.state;
    for (const f of r.effects.frames) frames.push(f);
  }
  return { state, frames };
}
