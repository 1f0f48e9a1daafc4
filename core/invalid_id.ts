/**
 * What the charge point does when the central system answers a StartTransaction with an idTagInfo
 * that is not `Accepted` (OCPP 1.6 edition 2 §4.8 / §5 StartTransaction, §9.1
 * `StopTransactionOnInvalidId`, `MaxEnergyOnInvalidId`), also for a transaction started offline
 * whose StartTransaction is only answered after the reconnect. Pure functions over a `Draft`.
 *
 * - `StopTransactionOnInvalidId` true (default): the transaction is stopped at once: the firmware
 *   gets `stopTransaction(connector, "DeAuthorized")` and reports the end with
 *   `onTransactionStopped(..., "DeAuthorized", ...)`.
 * - `StopTransactionOnInvalidId` false: only the energy delivery stops (`pauseCharging(connector)`),
 *   the transaction goes on until the EV driver ends it. When `MaxEnergyOnInvalidId` is set, the
 *   charge point first keeps charging until that many Wh were delivered in the transaction (meter
 *   now − `meterStart`, from the measurements of `onMeterValues`), then pauses; the check runs on
 *   every `MeterValuesMeasured` (and at once when the answer arrives, for a transaction that
 *   already delivered more offline).
 *
 * Decisions: `MaxEnergyOnInvalidId` only applies when `StopTransactionOnInvalidId` is false (OCPP
 * 1.6 stops a deauthorized transaction at once when it is true; the deferred stop with both set is
 * OCPP 2.0.1's rule). libocpp calls `pauseCharging` and also `stopTransaction` when the key is true
 * and does not implement `MaxEnergyOnInvalidId`. The reaction is recorded on the transaction
 * (`TransactionState.deauthorized`), so it is done once and survives a restart.
 *
 * @module
 */
import type { Draft } from "./draft.ts";
import { boolKey, intKey } from "./configuration.ts";

/**
 * The reaction to a deauthorized transaction, kept on the transaction.
 *
 * @example
 * ```ts
 * import type { Deauthorization } from "./invalid_id.ts";
 * const d: Deauthorization = { status: "Invalid", action: "limit", maxEnergyWh: 500 };
 * ```
 */
export interface Deauthorization {
  /** The idTagInfo status of the StartTransaction answer. */
  readonly status: string;
  /** `stop`: stopTransaction called; `pause`: pauseCharging called; `limit`: waiting for the energy limit. */
  readonly action: "stop" | "pause" | "limit";
  /** `MaxEnergyOnInvalidId` in force when the answer arrived (with `limit`, and after it). */
  readonly maxEnergyWh?: number;
}

/**
 * A StartTransaction answer arrived for the transaction `txRef`: when its idTagInfo is not
 * `Accepted` and the transaction still runs, stops it or pauses charging (see the module).
 *
 * @example
 * ```ts ignore
 * startTransactionAnswered(d, call.txRef, payload.idTagInfo); // in inbound.ts
 * ```
 */
export function startTransactionAnswered(
  d: Draft,
  txRef: string | undefined,
  idTagInfo: unknown,
): void {
  const status = typeof idTagInfo === "object" && idTagInfo !== null
    ? (idTagInfo as { status?: unknown }).status
    : undefined;
  if (status === "Accepted" || txRef === undefined) return;
  const connector = d.state.connectors.find((c) => c.transaction?.ref === txRef);
  const transaction = connector?.transaction;
  if (connector === undefined || transaction === undefined) {
    d.note(`StartTransaction answered ${String(status)} for a transaction that already ended`);
    return;
  }
  if (transaction.deauthorized !== undefined) return;
  const text = String(status);
  if (boolKey(d.state.config, "StopTransactionOnInvalidId", true)) {
    d.note(`transaction on connector ${connector.id} deauthorized (${text}): stopped`);
    d.callback("stopTransaction", connector.id, "DeAuthorized");
    setDeauthorized(d, connector.id, { status: text, action: "stop" });
    return;
  }
  const maxEnergyWh = intKey(d.state.config, "MaxEnergyOnInvalidId", -1);
  if (maxEnergyWh < 0) {
    d.note(`transaction on connector ${connector.id} deauthorized (${text}): charging paused`);
    d.callback("pauseCharging", connector.id);
    setDeauthorized(d, connector.id, { status: text, action: "pause" });
    return;
  }
  d.note(
    `transaction on connector ${connector.id} deauthorized (${text}): charging until ${maxEnergyWh} Wh`,
  );
  setDeauthorized(d, connector.id, { status: text, action: "limit", maxEnergyWh });
  checkEnergyOnInvalidId(d, connector.id);
}

/**
 * After a measurement of `connectorId`: a deauthorized transaction that reached
 * `MaxEnergyOnInvalidId` gets its charging paused (once).
 *
 * @example
 * ```ts ignore
 * checkEnergyOnInvalidId(d, event.data.connector); // in step.ts, on MeterValuesMeasured
 * ```
 */
export function checkEnergyOnInvalidId(d: Draft, connectorId: number): void {
  const connector = d.state.connectors[connectorId];
  const transaction = connector?.transaction;
  const deauthorized = transaction?.deauthorized;
  if (
    connector === undefined || transaction === undefined || deauthorized?.action !== "limit" ||
    deauthorized.maxEnergyWh === undefined
  ) return;
  // Without a measurement nothing is known to be delivered yet (a limit of 0 is reached at once).
  const meter = connector.measurement?.powerMeter.energyWhImport.total;
  const delivered = meter === undefined ? 0 : meter - transaction.meterStartWh;
  if (delivered < deauthorized.maxEnergyWh) return;
  d.note(
    `connector ${connectorId}: ${delivered} Wh delivered, MaxEnergyOnInvalidId ${deauthorized.maxEnergyWh} Wh reached: charging paused`,
  );
  d.callback("pauseCharging", connectorId);
  setDeauthorized(d, connectorId, { ...deauthorized, action: "pause" });
}

function setDeauthorized(d: Draft, connectorId: number, deauthorized: Deauthorization): void {
  const transaction = d.connector(connectorId).transaction;
  if (transaction === undefined) return;
  d.updateConnector(connectorId, { transaction: { ...transaction, deauthorized } });
}
