/**
 * Transactions across a restart of the process (power loss, crash, kill). The outbox and the
 * running transactions are folded state, so they survive; at `ChargePointStarted` the firmware
 * says which sessions continue (`start({ resumeSessionIds })`). A transaction of any other
 * session is stopped with reason `PowerLoss` (OCPP 1.6 `Reason`; libocpp's
 * `try_resume_transactions`): `TransactionStopped` and `SessionStopped` are raised as follow-up
 * events, so the stop goes through the same fold as a stop by the firmware (StopTransaction
 * queued behind what is still undelivered, `Transaction.End` value, connector Available or
 * Unavailable), and plugins see it. If the process dies before they are appended, the next
 * start decides again (with the sessions its firmware continues).
 *
 * The StopTransaction carries the last known meter value and its time: the latest
 * `onMeterValues` measurement of the connector taken during the transaction, else the meter
 * start and the start time.
 *
 * Follow-up events the fold raises (security events such as `InvalidMessages`,
 * `TransactionMessageFailed`, `TransactionMessagesDropped`, the PowerLoss stops) are kept in the
 * state (`raising`) from the step that raised them until the log holds them: the shell appends
 * them right after their cause, but a process killed in between, or a store that refuses them,
 * would lose them. At the next `ChargePointStarted` they are raised again, except the PowerLoss
 * stops, which that start decides anew from the running transactions and its own
 * `resumeSessionIds`. A raised event is recognised when it is folded by its type and data (equal
 * as JSON); the list is bounded by {@linkcode MAX_RAISING}.
 *
 * @module
 */
import type { Draft } from "./draft.ts";
import type { ChargePointEvent } from "../events/mod.ts";
import type { ConnectorState, RaisedEvent } from "./state.ts";

/**
 * Most raised events kept waiting for the log (the oldest are forgotten beyond, with a note).
 * The shell records each right after its cause, so the list normally holds none.
 *
 * @example
 * ```ts
 * import { MAX_RAISING } from "./crash_recovery.ts";
 * console.log(MAX_RAISING); // 1000
 * ```
 */
export const MAX_RAISING = 1000;

/** Raised by {@linkcode stopUnresumedTransactions}: decided again at each start, not re-raised. */
const DECIDED_AT_START: ReadonlySet<string> = new Set(["TransactionStopped", "SessionStopped"]);

/**
 * The event being folded is one the fold raised earlier: it leaves `raising` (the first entry of
 * the same type and data).
 *
 * @example
 * ```ts
 * import { settleRaised } from "./crash_recovery.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const data = { messageId: "m-1", action: "MeterValues", attempts: 1, reason: "x", outcome: "Dropped" as const };
 * const d = new Draft({ ...initialState(), raising: [{ type: "TransactionMessageFailed", data }] }, "01JD0000000000000000000000", 0);
 * settleRaised(d, { id: "01JD0000000000000000000001", seq: 2, at: "2026-01-01T00:00:00.000Z", type: "TransactionMessageFailed", data });
 * console.log(d.state.raising.length); // 0
 * ```
 */
export function settleRaised(d: Draft, event: ChargePointEvent): void {
  const raising = d.state.raising;
  if (raising.length === 0) return;
  const i = raising.findIndex((r) => r.type === event.type && sameJson(r.data, event.data));
  if (i < 0) return;
  d.set({ raising: [...raising.slice(0, i), ...raising.slice(i + 1)] });
}

/**
 * Keeps the events this step raised (`effects.raise`) in `raising` until the log holds them.
 *
 * @example
 * ```ts
 * import { keepRaised } from "./crash_recovery.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 0);
 * d.raise({ type: "TransactionMessagesDropped", data: { reason: "full", messages: [] } });
 * keepRaised(d);
 * console.log(d.state.raising.length); // 1
 * ```
 */
export function keepRaised(d: Draft): void {
  const raised = d.effects.raise;
  if (raised.length === 0) return;
  let raising: readonly RaisedEvent[] = [...d.state.raising, ...raised];
  if (raising.length > MAX_RAISING) {
    d.note(`${raising.length - MAX_RAISING} raised event(s) never recorded are forgotten`);
    raising = raising.slice(raising.length - MAX_RAISING);
  }
  d.set({ raising });
}

/**
 * At `ChargePointStarted`: raises again what the previous process raised and the log does not
 * hold (it died, or its store refused them), oldest first; PowerLoss stops are decided anew.
 *
 * @example
 * ```ts
 * import { raiseAgain } from "./crash_recovery.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const lost = { type: "SecurityEventOccurred", data: { eventType: "InvalidMessages", timestamp: "2026-01-01T00:00:00.000Z", internal: true } };
 * const d = new Draft({ ...initialState(), raising: [lost] }, "01JD0000000000000000000000", 0);
 * raiseAgain(d);
 * console.log(d.effects.raise[0]?.type, d.state.raising.length); // "SecurityEventOccurred" 0
 * ```
 */
export function raiseAgain(d: Draft): void {
  const pending = d.state.raising;
  if (pending.length === 0) return;
  d.set({ raising: [] });
  for (const r of pending) {
    if (DECIDED_AT_START.has(r.type)) continue;
    d.note(`${r.type} raised by the previous process and not recorded: raised again`);
    d.raise({ type: r.type, data: r.data });
  }
}

/** Deep equality of two JSON values (object keys in any order). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length &&
    ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Raises the PowerLoss stop of every transaction running on `connectors` (the connectors before
 * the restart) whose session is not in `resumeSessionIds`. Does nothing when `resumeSessionIds`
 * is undefined (the firmware did not say: every transaction continues).
 *
 * @example
 * ```ts
 * import { stopUnresumedTransactions } from "./crash_recovery.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState, newConnector } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", Date.parse("2026-01-01T01:00:00Z"));
 * const connectors = [newConnector(0), {
 *   ...newConnector(1), stored: "Charging" as const, sessionId: "s-1",
 *   transaction: { ref: "t", sessionId: "s-1", idTag: "A", meterStartWh: 100, startedAt: "2026-01-01T00:00:00.000Z" },
 * }];
 * stopUnresumedTransactions(d, connectors, []);
 * console.log(d.effects.raise.map((r) => r.type)); // ["TransactionStopped", "SessionStopped"]
 * ```
 */
export function stopUnresumedTransactions(
  d: Draft,
  connectors: readonly ConnectorState[],
  resumeSessionIds: readonly string[] | undefined,
): void {
  if (resumeSessionIds === undefined) return;
  const resumed = new Set(resumeSessionIds);
  for (const c of connectors) {
    const tx = c.transaction;
    if (tx === undefined || resumed.has(tx.sessionId)) continue;
    const last = lastKnownMeter(c);
    d.note(
      `connector ${c.id}: transaction of session ${tx.sessionId} not resumed after the restart: stopped (PowerLoss)`,
    );
    d.raise({
      type: "TransactionStopped",
      data: {
        connector: c.id,
        sessionId: tx.sessionId,
        reason: "PowerLoss",
        timestamp: last.timestamp,
        energyWhImport: last.energyWh,
      },
    });
    d.raise({
      type: "SessionStopped",
      data: { connector: c.id, sessionId: c.sessionId ?? tx.sessionId },
    });
  }
}

/** The last meter reading known for the connector's transaction (the start when none is newer). */
function lastKnownMeter(c: ConnectorState): { energyWh: number; timestamp: string } {
  const tx = c.transaction;
  const start = {
    energyWh: tx?.meterStartWh ?? 0,
    timestamp: new Date(tx === undefined ? 0 : Date.parse(tx.startedAt)).toISOString(),
  };
  const meter = c.measurement?.powerMeter;
  if (tx === undefined || meter === undefined) return start;
  const at = Date.parse(meter.timestamp);
  const total = meter.energyWhImport.total;
  if (Number.isNaN(at) || at < Date.parse(tx.startedAt) || !(total >= tx.meterStartWh)) {
    return start;
  }
  return { energyWh: total, timestamp: new Date(at).toISOString() };
}
