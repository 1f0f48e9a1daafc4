/**
 * Transactions across a restart of the process (power loss, crash, kill). The outbox and the
 * running transactions are folded state, so they survive; at `ChargePointStarted` the firmware
 * says which sessions continue (`start({ resumeSessionIds })`). A transaction of any other
 * session is stopped with reason `PowerLoss` (OCPP 1.6 `Reason`; libocpp's
 * `try_resume_transactions`): `TransactionStopped` and `SessionStopped` are raised as follow-up
 * events, so the stop goes through the same fold as a stop by the firmware (StopTransaction
 * queued behind what is still undelivered, `Transaction.End` value, connector Available or
 * Unavailable), and plugins see it. If the process dies before they are appended, the next
 * start raises them again.
 *
 * The StopTransaction carries the last known meter value and its time: the latest
 * `onMeterValues` measurement of the connector taken during the transaction, else the meter
 * start and the start time.
 *
 * @module
 */
import type { Draft } from "./draft.ts";
import type { ConnectorState } from "./state.ts";

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
    d.effects.raise.push({
      type: "TransactionStopped",
      data: {
        connector: c.id,
        sessionId: tx.sessionId,
        reason: "PowerLoss",
        timestamp: last.timestamp,
        energyWhImport: last.energyWh,
      },
    });
    d.effects.raise.push({
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
