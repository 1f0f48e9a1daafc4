/**
 * Delivery of the charge point's CALLs: the outbox, one CALL in flight, the registration gate,
 * response timeouts, retries, the bounded backlog and its paced flush. Pure functions over a
 * {@linkcode Draft}; the policy is written down in ARCHITECTURE.md ("Delivery").
 *
 * - Transaction-related CALLs (StartTransaction, StopTransaction, MeterValues, and
 *   SecurityEventNotification) are queued in the order they happened, kept while offline and
 *   across restarts (the outbox is folded state), and sent one at a time, oldest first.
 * - A failed one (CALLERROR, invalid answer, no answer) is retried with the same message id,
 *   `TransactionMessageRetryInterval × sends so far` seconds later, up to
 *   `TransactionMessageAttempts` sends (OCPP 1.6 §3.7.1). Then MeterValues and
 *   SecurityEventNotification are dropped; StartTransaction and StopTransaction never are: they
 *   keep being retried, at least {@linkcode PERSISTENT_RETRY_MIN_S} and at most
 *   {@linkcode PERSISTENT_RETRY_MAX_S} apart, and are then "parked": while one waits, the
 *   messages of other transactions (and those of no transaction) behind it are sent; those of
 *   its own transaction stay behind it. Every failure raises `TransactionMessageFailed`.
 * - At `MessageQueueSizeThreshold` queued CALLs, periodic MeterValues are thinned (every second
 *   one of each series dropped), then the oldest SecurityEventNotification;
 *   StartTransaction/StopTransaction never. Drops raise `TransactionMessagesDropped`, and the
 *   whitepaper's `MemoryExhaustion` security event once per episode (state `outboxFull`, until
 *   a CALL is added below the threshold again), not while a MemoryExhaustion notification is
 *   queued (so its own notification never raises another).
 * - When the link becomes usable, the backlog is flushed at most `MessageQueueFlushRate` CALLs
 *   per second. A CALL that cannot go yet (retry wait, pacing) lets normal CALLs behind it pass.
 *
 * @module
 */
import type { Draft } from "./draft.ts";
import type { OutgoingCall } from "./state.ts";
import { intKey } from "./configuration.ts";
import { encodeCall, encodeCallJson } from "./rpc_frame.ts";
import { meterValuesPayloadJson } from "./meter_values.ts";
import type { ActionName } from "./ocpp/actions.ts";
import { Queue } from "./persistent_queue.ts";
import { raiseSecurityEvent } from "./connector_reducer.ts";

/**
 * Timer of the response timeout of the CALL in flight.
 *
 * @example
 * ```ts
 * import { TIMER_CALL_TIMEOUT } from "./outbox.ts";
 * console.log(TIMER_CALL_TIMEOUT); // "callTimeout"
 * ```
 */
export const TIMER_CALL_TIMEOUT = "callTimeout";
/**
 * Timer of the next send of the head of the outbox (retry wait or backlog pacing).
 *
 * @example
 * ```ts
 * import { TIMER_RETRY } from "./outbox.ts";
 * console.log(TIMER_RETRY); // "retry"
 * ```
 */
export const TIMER_RETRY = "retry";
/**
 * Timer of the next BootNotification.
 *
 * @example
 * ```ts
 * import { TIMER_BOOT } from "./outbox.ts";
 * console.log(TIMER_BOOT); // "bootRetry"
 * ```
 */
export const TIMER_BOOT = "bootRetry";

/** Seconds between BootNotification attempts when the answer gives no interval. */
const BOOT_RETRY_S = 60;

/**
 * Shortest wait (s) between retries of a StartTransaction/StopTransaction that failed
 * `TransactionMessageAttempts` times: it is never dropped, and never retried faster than this.
 *
 * @example
 * ```ts
 * import { PERSISTENT_RETRY_MIN_S } from "./outbox.ts";
 * console.log(PERSISTENT_RETRY_MIN_S); // 60
 * ```
 */
export const PERSISTENT_RETRY_MIN_S = 60;

/**
 * Longest wait (s) between retries of a StartTransaction/StopTransaction that failed
 * `TransactionMessageAttempts` times (the wait grows by `TransactionMessageRetryInterval` per
 * send up to this cap).
 *
 * @example
 * ```ts
 * import { PERSISTENT_RETRY_MAX_S } from "./outbox.ts";
 * console.log(PERSISTENT_RETRY_MAX_S); // 3600
 * ```
 */
export const PERSISTENT_RETRY_MAX_S = 3600;

/**
 * Actions that are never dropped, whatever the failures or the size of the outbox: the
 * operator bills from them.
 *
 * @example
 * ```ts
 * import { NEVER_DROPPED } from "./outbox.ts";
 * console.log(NEVER_DROPPED.has("StopTransaction")); // true
 * ```
 */
export const NEVER_DROPPED: ReadonlySet<ActionName> = new Set<ActionName>([
  "StartTransaction",
  "StopTransaction",
]);

/** Default of `MessageQueueSizeThreshold` (also in the configuration registry). */
const DEFAULT_QUEUE_THRESHOLD = 10_000;
/** Default of `MessageQueueFlushRate` (also in the configuration registry). */
const DEFAULT_FLUSH_RATE = 10;
/** Length of a pacing window, ms. */
const FLUSH_WINDOW_MS = 1000;

/**
 * Whether normal (non-transaction) CALLs can be sent now.
 *
 * @example
 * ```ts
 * import { canSendNormal } from "./outbox.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * console.log(canSendNormal(new Draft(initialState(), "01JD0000000000000000000000", 0))); // false
 * ```
 */
export function canSendNormal(d: Draft): boolean {
  return d.state.link === "Open" && d.state.registration === "Accepted";
}

/**
 * Queues a normal CALL; when it cannot be sent (offline, not yet accepted) it is dropped and the
 * waiting caller, if any, is answered with `offline`.
 *
 * @example
 * ```ts
 * import { sendNormal } from "./outbox.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 0);
 * sendNormal(d, "Heartbeat", {});
 * console.log(d.state.outbox.size, d.effects.notes); // 0 ["Heartbeat not sent: offline"]
 * ```
 */
export function sendNormal(
  d: Draft,
  action: ActionName,
  payload: Record<string, unknown>,
  ref?: string,
): void {
  if (!canSendNormal(d)) {
    d.note(`${action} not sent: ${d.state.link === "Open" ? "not accepted yet" : "offline"}`);
    if (ref !== undefined) d.answer({ ref, value: { ok: false, reason: "offline" } });
    return;
  }
  d.enqueue({ action, payload, kind: "normal", ...(ref === undefined ? {} : { ref }) });
}

/**
 * Queues a CALL asked for by TriggerMessage: at the front of the outbox, allowed before the
 * BootNotification is accepted, dropped when offline. `txRef` (a triggered MeterValues of a
 * running transaction) puts the CSMS transactionId into the payload when it is sent, also when
 * it was not known yet when triggered.
 *
 * @example
 * ```ts
 * import { sendTriggered } from "./outbox.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 0);
 * d.set({ link: "Open" });
 * sendTriggered(d, "Heartbeat", {});
 * console.log(d.state.outbox.peek()?.triggered); // true
 * ```
 */
export function sendTriggered(
  d: Draft,
  action: ActionName,
  payload: Record<string, unknown>,
  txRef?: string,
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
      ...(txRef === undefined ? {} : { txRef }),
    }),
  });
}

/**
 * Queues a transaction-related CALL: kept while offline, delivered in order, retried. `txRef`
 * (the local transaction reference) makes the CSMS transactionId be put into the payload when
 * the CALL is sent. A full outbox is thinned first (see the module documentation).
 *
 * @example
 * ```ts
 * import { sendTransactional } from "./outbox.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 0);
 * sendTransactional(d, "StopTransaction", { meterStop: 10, timestamp: "2026-01-01T00:00:00.000Z" }, "tx-1");
 * console.log(d.state.outbox.peek()?.kind); // "transaction" (kept while offline)
 * ```
 */
export function sendTransactional(
  d: Draft,
  action: ActionName,
  payload: Record<string, unknown>,
  txRef?: string,
): void {
  makeRoom(d);
  d.enqueue({ action, payload, kind: "transaction", ...(txRef === undefined ? {} : { txRef }) });
}

/**
 * The payload as sent: the CSMS transactionId (learnt from the StartTransaction answer) is put
 * into StopTransaction and transaction MeterValues. StartTransaction is never dropped and the
 * outbox is FIFO, so a StopTransaction is only sent after its StartTransaction was answered.
 */
function payloadToSend(d: Draft, call: OutgoingCall): Readonly<Record<string, unknown>> {
  if (call.txRef === undefined) return call.payload;
  const transactionId = d.state.transactionIds[call.txRef];
  if (transactionId === undefined) return call.payload;
  if (call.action === "StopTransaction") return { ...call.payload, transactionId };
  if (call.action === "MeterValues") {
    const { connectorId, ...rest } = call.payload;
    return { connectorId, transactionId, ...rest };
  }
  return call.payload;
}

function transmit(d: Draft, call: OutgoingCall): void {
  if (d.encode) {
    const payload = payloadToSend(d, call);
    d.send(
      call.action === "MeterValues" || call.action === "StopTransaction"
        ? encodeCallJson(call.id, call.action, meterValuesPayloadJson(payload))
        : encodeCall(call.id, call.action, payload),
    );
  }
  d.set({ inFlight: { ...call, attempts: call.attempts + 1 } });
  d.setTimer(TIMER_CALL_TIMEOUT, d.now + d.state.responseTimeoutMs);
}

/**
 * Sends the next CALL if the link is open and nothing is in flight: before registration only
 * BootNotification (or a triggered CALL); then the head of the outbox when it is due (retry wait,
 * backlog pacing), else the first normal CALL behind it.
 *
 * @example
 * ```ts
 * import { pump } from "./outbox.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 0);
 * pump(d); // offline: nothing
 * console.log(d.effects.frames.length); // 0
 * ```
 */
export function pump(d: Draft): void {
  const s = d.state;
  if (s.flush !== undefined && !(s.link === "Open" && s.registration === "Accepted")) {
    d.set({ flush: undefined });
  }
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
  if (s.flush === undefined) startFlush(d);
  const head = d.state.outbox.peek();
  if (head === undefined) return;
  const due = dueAt(d, head);
  if (due <= d.now) {
    d.clearTimer(TIMER_RETRY);
    d.set({ outbox: d.state.outbox.shift() });
    if (uncorrelated(d, head)) {
      pump(d);
      return;
    }
    countPaced(d, head);
    transmit(d, head);
    return;
  }
  const { call: chosen, wakeAt } = overtaking(d);
  d.setTimer(TIMER_RETRY, Math.min(due, wakeAt));
  if (chosen === undefined) return;
  d.set({ outbox: d.state.outbox.filter((c) => c !== chosen) });
  if (uncorrelated(d, chosen)) {
    pump(d);
    return;
  }
  countPaced(d, chosen);
  transmit(d, chosen);
}

/**
 * Whether `call` is parked: a StartTransaction/StopTransaction that failed
 * `TransactionMessageAttempts` times and keeps being retried (it is never dropped).
 */
function parked(d: Draft, call: OutgoingCall): boolean {
  return NEVER_DROPPED.has(call.action) && call.attempts >= attemptsMax(d);
}

function attemptsMax(d: Draft): number {
  return Math.max(1, intKey(d.state.config, "TransactionMessageAttempts", 3));
}

/**
 * The CALL that may go while the head of the outbox waits (its retry time, or the backlog
 * pacing), and when to look again:
 * - the first normal CALL: normal CALLs are not ordered with transaction messages;
 * - the first transaction message that is due, when every transaction message before it is
 *   parked or belongs to the transaction of a parked one. Order matters within a transaction
 *   (the StopTransaction needs the transactionId of its StartTransaction's answer), not across
 *   transactions: one the central system keeps refusing holds its own transaction's messages,
 *   not the others'. A message waiting for a normal retry keeps every one behind it waiting.
 */
function overtaking(d: Draft): { call?: OutgoingCall; wakeAt: number } {
  const parkedTx = new Set<string>();
  let transactionsMayPass = true;
  let wakeAt = Infinity;
  for (const call of d.state.outbox) {
    if (call.kind === "normal") return { call, wakeAt };
    if (!transactionsMayPass) continue;
    const held = call.txRef !== undefined && parkedTx.has(call.txRef);
    const due = dueAt(d, call);
    if (!held && due <= d.now) return { call, wakeAt };
    if (parked(d, call)) {
      if (call.txRef !== undefined) parkedTx.add(call.txRef);
    } else if (!held) {
      transactionsMayPass = false;
      wakeAt = due;
    }
  }
  return { wakeAt };
}

/**
 * A StopTransaction whose transactionId is unknown when it is due: only possible in a log written
 * by a version that could drop StartTransaction. It is dropped, loudly, rather than sent with a
 * made-up transactionId.
 */
function uncorrelated(d: Draft, call: OutgoingCall): boolean {
  if (call.action !== "StopTransaction" || call.txRef === undefined) return false;
  if (d.state.transactionIds[call.txRef] !== undefined) return false;
  const reason = "no transactionId: its StartTransaction was never answered";
  d.note(`${call.action} ${call.id} dropped: ${reason}`);
  raiseFailed(d, call, reason, "Dropped");
  return true;
}

/** The link became usable: the transaction-related CALLs queued now are the paced backlog. */
function startFlush(d: Draft): void {
  let remaining = 0;
  for (const call of d.state.outbox) if (call.kind === "transaction") remaining++;
  d.set({ flush: { remaining, windowStart: d.now, sent: 0 } });
}

/** When `call` may be sent: its retry time, and for the backlog the pacing window. */
function dueAt(d: Draft, call: OutgoingCall): number {
  const f = d.state.flush;
  if (call.kind !== "transaction" || f === undefined || f.remaining <= 0) return call.notBefore;
  const rate = intKey(d.state.config, "MessageQueueFlushRate", DEFAULT_FLUSH_RATE);
  if (rate <= 0 || d.now >= f.windowStart + FLUSH_WINDOW_MS || f.sent < rate) {
    return call.notBefore;
  }
  return Math.max(call.notBefore, f.windowStart + FLUSH_WINDOW_MS);
}

function countPaced(d: Draft, call: OutgoingCall): void {
  const f = d.state.flush;
  if (call.kind !== "transaction" || f === undefined || f.remaining <= 0) return;
  const fresh = d.now >= f.windowStart + FLUSH_WINDOW_MS;
  d.set({
    flush: {
      remaining: f.remaining - 1,
      windowStart: fresh ? d.now : f.windowStart,
      sent: fresh ? 1 : f.sent + 1,
    },
  });
}

/**
 * The in-flight CALL with this id, taken out of flight; undefined (and noted) if it does not match.
 *
 * @example
 * ```ts
 * import { takeInFlight } from "./outbox.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 0);
 * console.log(takeInFlight(d, "x", "CALLRESULT")); // undefined
 * ```
 */
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
 * A CALL failed (CALLERROR, invalid answer, timeout). BootNotification is retried after 60 s
 * with a new id; transaction-related CALLs are retried with the same message id (see the module
 * documentation) and raise `TransactionMessageFailed`; others are dropped and a waiting caller is
 * answered with the reason.
 *
 * @example
 * ```ts
 * import { failed } from "./outbox.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 0);
 * failed(d, { id: "m-1", action: "MeterValues", payload: {}, kind: "transaction", attempts: 1, notBefore: 0 }, "CALLERROR InternalError");
 * console.log(d.state.outbox.peek()?.id, d.effects.raise[0]?.type); // "m-1" "TransactionMessageFailed"
 * ```
 */
export function failed(d: Draft, call: OutgoingCall, reason: string): void {
  if (call.action === "BootNotification") {
    d.note(`BootNotification failed (${reason}); retry in ${BOOT_RETRY_S} s`);
    d.setTimer(TIMER_BOOT, d.now + BOOT_RETRY_S * 1000);
    return;
  }
  let dropped = true;
  if (call.kind === "transaction") {
    dropped = transactionFailed(d, call, reason);
  } else {
    d.note(`${call.action} ${call.id} failed (${reason})`);
  }
  if (dropped && call.ref !== undefined) {
    d.answer({ ref: call.ref, value: { ok: false, reason } });
  }
}

/** Re-queues or drops a failed transaction-related CALL; true when dropped. */
function transactionFailed(d: Draft, call: OutgoingCall, reason: string): boolean {
  const max = attemptsMax(d);
  const exhausted = call.attempts >= max;
  if (exhausted && !NEVER_DROPPED.has(call.action)) {
    d.note(`${call.action} ${call.id} dropped after ${call.attempts} attempts (${reason})`);
    raiseFailed(d, call, reason, "Dropped");
    return true;
  }
  const interval = intKey(d.state.config, "TransactionMessageRetryInterval", 60);
  let waitS = interval * call.attempts;
  if (exhausted) {
    waitS = Math.min(PERSISTENT_RETRY_MAX_S, Math.max(PERSISTENT_RETRY_MIN_S, waitS));
  }
  const retry = { ...call, notBefore: d.now + waitS * 1000 };
  d.note(
    `${call.action} ${call.id} failed (${reason}); attempt ${call.attempts} of ${
      exhausted ? "∞ (never dropped)" : max
    }, retry in ${waitS} s`,
  );
  d.set({ outbox: d.state.outbox.unshift(retry) });
  raiseFailed(d, call, reason, "Retry", retry.notBefore);
  return false;
}

function raiseFailed(
  d: Draft,
  call: OutgoingCall,
  reason: string,
  outcome: "Retry" | "Dropped",
  retryAt?: number,
): void {
  d.raise({
    type: "TransactionMessageFailed",
    data: {
      messageId: call.id,
      action: call.action,
      attempts: call.attempts,
      reason: reason.slice(0, 500),
      outcome,
      ...(retryAt === undefined ? {} : { retryAt: new Date(retryAt).toISOString() }),
    },
  });
}

/**
 * Keeps the outbox under `MessageQueueSizeThreshold` before a transaction-related CALL is added:
 * thins the periodic MeterValues (every second one of each transaction's or connector's series,
 * the newest kept), or else drops the oldest SecurityEventNotification. StartTransaction and
 * StopTransaction are never dropped: with only those queued the outbox grows past the limit.
 * The first drop of an episode raises `MemoryExhaustion` (see the module documentation).
 */
function makeRoom(d: Draft): void {
  const limit = intKey(d.state.config, "MessageQueueSizeThreshold", DEFAULT_QUEUE_THRESHOLD);
  if (limit <= 0 || d.state.outbox.size < limit) {
    if (d.state.outboxFull) d.set({ outboxFull: false });
    return;
  }
  const items = [...d.state.outbox];
  const dropped = thinning(items);
  if (dropped.size === 0) {
    const security = items.find((c) =>
      c.kind === "transaction" && c.action === "SecurityEventNotification"
    );
    if (security !== undefined) dropped.add(security);
  }
  if (dropped.size === 0) {
    d.note(
      `outbox holds ${items.length} CALLs (MessageQueueSizeThreshold ${limit}): nothing droppable`,
    );
    return;
  }
  d.set({ outbox: Queue.of(items.filter((c) => !dropped.has(c))) });
  const messages = items.filter((c) => dropped.has(c)).map((c) => ({
    messageId: c.id,
    action: c.action,
  }));
  d.note(`outbox full (MessageQueueSizeThreshold ${limit}): ${messages.length} CALL(s) dropped`);
  d.raise({
    type: "TransactionMessagesDropped",
    data: { reason: `MessageQueueSizeThreshold ${limit} reached`, messages },
  });
  const noticeQueued = items.some((c) =>
    c.action === "SecurityEventNotification" && c.payload.type === "MemoryExhaustion"
  );
  const firstDrop = !d.state.outboxFull;
  if (firstDrop) d.set({ outboxFull: true });
  if (firstDrop && !noticeQueued) {
    raiseSecurityEvent(
      d,
      "MemoryExhaustion",
      `outbox full (MessageQueueSizeThreshold ${limit}): ${messages.length} CALL(s) dropped`,
    );
  }
}

/** Every second queued MeterValues of each series (transaction, else connector), newest kept. */
function thinning(items: readonly OutgoingCall[]): Set<OutgoingCall> {
  const series = new Map<string, OutgoingCall[]>();
  let oldest: OutgoingCall | undefined;
  for (const c of items) {
    if (c.kind !== "transaction" || c.action !== "MeterValues") continue;
    oldest ??= c;
    const key = c.txRef ?? `connector ${String(c.payload.connectorId)}`;
    const list = series.get(key);
    if (list === undefined) series.set(key, [c]);
    else list.push(c);
  }
  const dropped = new Set<OutgoingCall>();
  for (const list of series.values()) {
    for (let i = 1; i < list.length - 1; i += 2) dropped.add(list[i] as OutgoingCall);
  }
  if (dropped.size === 0 && oldest !== undefined) dropped.add(oldest);
  return dropped;
}

/**
 * Timer after which an unanswered BootNotification (Pending/Rejected) is sent again.
 *
 * @example
 * ```ts
 * import { scheduleBoot, TIMER_BOOT } from "./outbox.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 0);
 * scheduleBoot(d, 0);
 * console.log(d.state.timers[TIMER_BOOT]); // 60000
 * ```
 */
export function scheduleBoot(d: Draft, intervalS: number): void {
  d.setTimer(TIMER_BOOT, d.now + (intervalS > 0 ? intervalS : BOOT_RETRY_S) * 1000);
}

/**
 * The link went down: the in-flight transaction CALL goes back to the front (a send cut by a
 * lost link does not count as an attempt); normal CALLs are dropped and their callers answered
 * `offline`.
 *
 * @example
 * ```ts
 * import { linkLost } from "./outbox.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 0);
 * d.set({ inFlight: { id: "m-1", action: "StartTransaction", payload: {}, kind: "transaction", attempts: 1, notBefore: 0 } });
 * linkLost(d);
 * console.log(d.state.outbox.peek()?.attempts); // 0
 * ```
 */
export function linkLost(d: Draft): void {
  const call = d.state.inFlight;
  d.clearTimer(TIMER_CALL_TIMEOUT);
  d.clearTimer(TIMER_RETRY);
  let outbox = d.state.outbox;
  if (call !== undefined && call.kind === "transaction") {
    outbox = outbox.unshift({ ...call, attempts: Math.max(0, call.attempts - 1) });
  } else if (call !== undefined && call.ref !== undefined) {
    d.answer({ ref: call.ref, value: { ok: false, reason: "offline" } });
  }
  const dropped = [...outbox].filter((c) => c.kind === "normal");
  for (const c of dropped) {
    if (c.ref !== undefined) {
      d.answer({ ref: c.ref, value: { ok: false, reason: "offline" } });
    }
  }
  if (dropped.length > 0) {
    d.note(`${dropped.length} queued non-transaction CALL(s) dropped: link lost`);
    outbox = outbox.filter((c) => c.kind === "transaction");
  }
  d.set({ outbox, inFlight: undefined, flush: undefined });
}

/**
 * A new process started (`ChargePointStarted`): the transaction CALL the previous process had in
 * flight goes back to the front with the same message id (its send was cut, it does not count as
 * an attempt); normal CALLs of the previous process are forgotten.
 *
 * @example
 * ```ts
 * import { restartOutbox } from "./outbox.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 0);
 * d.set({ inFlight: { id: "m-1", action: "StopTransaction", payload: {}, kind: "transaction", attempts: 1, notBefore: 0 } });
 * restartOutbox(d);
 * console.log(d.state.outbox.peek()?.id, d.state.inFlight); // "m-1" undefined
 * ```
 */
export function restartOutbox(d: Draft): void {
  const inFlight = d.state.inFlight;
  let outbox = d.state.outbox;
  if (inFlight !== undefined && inFlight.kind === "transaction") {
    outbox = outbox.unshift({ ...inFlight, attempts: Math.max(0, inFlight.attempts - 1) });
  }
  outbox = outbox.filter((c) => c.kind === "transaction");
  d.set({ outbox, inFlight: undefined, flush: undefined });
}
