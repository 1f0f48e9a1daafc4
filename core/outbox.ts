/**
 * Delivery of the charge point's CALLs: the outbox, one CALL in flight, the registration gate,
 * response timeouts and retries. Pure functions over a {@linkcode Draft}.
 *
 * @module
 */
import type { Draft } from "./draft.ts";
import type { OutgoingCall } from "./state.ts";
import { intKey } from "./configuration.ts";
import { encodeCall } from "./rpc_frame.ts";
import type { ActionName } from "./ocpp/actions.ts";

/** Timer names used by delivery. */
export const TIMER_CALL_TIMEOUT = "callTimeout";
/** Timer for the next retry of the head of the outbox. */
export const TIMER_RETRY = "retry";
/** Timer for the next BootNotification. */
export const TIMER_BOOT = "bootRetry";

/** Seconds between BootNotification attempts when the answer gives no interval. */
const BOOT_RETRY_S = 60;

/** Whether normal (non-transaction) CALLs can be sent now. */
export function canSendNormal(d: Draft): boolean {
  return d.state.link === "Open" && d.state.registration === "Accepted";
}

/**
 * Queues a normal CALL; when it cannot be sent (offline, not yet accepted) it is dropped and the
 * waiting caller, if any, is answered with `offline`.
 */
export function sendNormal(
  d: Draft,
  action: ActionName,
  payload: Record<string, unknown>,
  ref?: string,
): void {
  if (!canSendNormal(d)) {
    d.note(`${action} not sent: ${d.state.link === "Open" ? "not accepted yet" : "offline"}`);
    if (ref !== undefined) d.effects.answers.push({ ref, value: { ok: false, reason: "offline" } });
    return;
  }
  d.enqueue({ action, payload, kind: "normal", ...(ref === undefined ? {} : { ref }) });
}

/**
 * Queues a CALL asked for by TriggerMessage: at the front of the outbox, allowed before the
 * BootNotification is accepted, dropped when offline.
 */
export function sendTriggered(
  d: Draft,
  action: ActionName,
  payload: Record<string, unknown>,
): void {
  if (d.state.link !== "Open") {
    d.note(`triggered ${action} not sent: offline`);
    return;
  }
  d.set({
    outbox: d.state.outbox.unshift({
      id: d.nextId(),
      action,
      payload,
      kind: "normal",
      attempts: 0,
      notBefore: 0,
      triggered: true,
    }),
  });
}

/** Queues a transaction-related CALL: kept while offline, delivered in order, retried. */
export function sendTransactional(
  d: Draft,
  action: ActionName,
  payload: Record<string, unknown>,
  txRef?: string,
): void {
  d.enqueue({ action, payload, kind: "transaction", ...(txRef === undefined ? {} : { txRef }) });
}

/** The payload as sent: the CSMS transactionId is filled in for transaction messages. */
function payloadToSend(d: Draft, call: OutgoingCall): Readonly<Record<string, unknown>> {
  if (call.txRef === undefined) return call.payload;
  const transactionId = d.state.transactionIds[call.txRef];
  if (call.action === "StopTransaction") {
    return { ...call.payload, transactionId: transactionId ?? -1 };
  }
  if (call.action === "MeterValues" && transactionId !== undefined) {
    const { connectorId, ...rest } = call.payload;
    return { connectorId, transactionId, ...rest };
  }
  return call.payload;
}

function transmit(d: Draft, call: OutgoingCall): void {
  if (d.encode) d.effects.frames.push(encodeCall(call.id, call.action, payloadToSend(d, call)));
  d.set({ inFlight: { ...call, attempts: call.attempts + 1 } });
  d.setTimer(TIMER_CALL_TIMEOUT, d.now + d.state.responseTimeoutMs);
}

/** Sends the next CALL if the link is open and nothing is in flight. */
export function pump(d: Draft): void {
  const s = d.state;
  if (s.link !== "Open" || s.inFlight !== undefined) return;
  if (s.registration !== "Accepted") {
    const first = s.outbox.peek();
    if (first?.triggered === true) {
      d.set({ outbox: s.outbox.shift() });
      transmit(d, first);
      return;
    }
    if (s.bootDue) {
      d.set({ bootDue: false });
      d.clearTimer(TIMER_BOOT);
      transmit(d, {
        id: d.nextId(),
        action: "BootNotification",
        payload: s.bootNotification,
        kind: "normal",
        attempts: 0,
        notBefore: 0,
      });
    }
    return;
  }
  const head = s.outbox.peek();
  if (head === undefined) return;
  if (head.notBefore > d.now) {
    d.setTimer(TIMER_RETRY, head.notBefore);
    return;
  }
  d.clearTimer(TIMER_RETRY);
  d.set({ outbox: s.outbox.shift() });
  transmit(d, head);
}

/** The in-flight CALL with this id, taken out of flight; undefined (and noted) if it does not match. */
export function takeInFlight(d: Draft, id: string, what: string): OutgoingCall | undefined {
  const call = d.state.inFlight;
  if (call === undefined || call.id !== id) {
    d.note(`${what} for unknown message id "${id}" ignored`);
    return undefined;
  }
  d.set({ inFlight: undefined });
  d.clearTimer(TIMER_CALL_TIMEOUT);
  return call;
}

/**
 * A CALL failed (CALLERROR, invalid answer, timeout). BootNotification is retried after 60 s;
 * transaction messages are retried `TransactionMessageAttempts` times in all, waiting
 * `TransactionMessageRetryInterval` × attempt seconds, with the same message id; others are dropped.
 */
export function failed(d: Draft, call: OutgoingCall, reason: string): void {
  if (call.action === "BootNotification") {
    d.note(`BootNotification failed (${reason}); retry in ${BOOT_RETRY_S} s`);
    d.setTimer(TIMER_BOOT, d.now + BOOT_RETRY_S * 1000);
    return;
  }
  if (call.kind === "transaction") {
    const attempts = Math.max(1, intKey(d.state.config, "TransactionMessageAttempts", 3));
    if (call.attempts < attempts) {
      const interval = intKey(d.state.config, "TransactionMessageRetryInterval", 60);
      d.note(
        `${call.action} ${call.id} failed (${reason}); attempt ${call.attempts} of ${attempts}`,
      );
      d.set({
        outbox: d.state.outbox.unshift({
          ...call,
          notBefore: d.now + interval * call.attempts * 1000,
        }),
      });
      return;
    }
    d.note(`${call.action} ${call.id} dropped after ${call.attempts} attempts (${reason})`);
  } else {
    d.note(`${call.action} ${call.id} failed (${reason})`);
  }
  if (call.ref !== undefined) {
    d.effects.answers.push({ ref: call.ref, value: { ok: false, reason } });
  }
}

/** Timer after which an unanswered BootNotification (Pending/Rejected) is sent again. */
export function scheduleBoot(d: Draft, intervalS: number): void {
  d.setTimer(TIMER_BOOT, d.now + (intervalS > 0 ? intervalS : BOOT_RETRY_S) * 1000);
}

/** The link went down: the in-flight transaction CALL goes back to the front; normal CALLs are dropped. */
export function linkLost(d: Draft): void {
  const call = d.state.inFlight;
  d.clearTimer(TIMER_CALL_TIMEOUT);
  d.clearTimer(TIMER_RETRY);
  let outbox = d.state.outbox;
  if (call !== undefined && call.kind === "transaction") {
    // An unanswered send over a lost link does not count as an attempt.
    outbox = outbox.unshift({ ...call, attempts: call.attempts - 1 });
  } else if (call !== undefined && call.ref !== undefined) {
    d.effects.answers.push({ ref: call.ref, value: { ok: false, reason: "offline" } });
  }
  const dropped = [...outbox].filter((c) => c.kind === "normal");
  for (const c of dropped) {
    if (c.ref !== undefined) {
      d.effects.answers.push({ ref: c.ref, value: { ok: false, reason: "offline" } });
    }
  }
  if (dropped.length > 0) {
    d.note(`${dropped.length} queued non-transaction CALL(s) dropped: link lost`);
    outbox = outbox.filter((c) => c.kind === "transaction");
  }
  d.set({ outbox, inFlight: undefined });
}
