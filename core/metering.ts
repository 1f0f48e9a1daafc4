/**
 * Metering as OCPP 1.6 means it (pure, over a {@linkcode Draft}): periodic samples of a
 * transaction, clock-aligned samples of every connector, Transaction.Begin/End values and the
 * `transactionData` of StopTransaction. All timing comes from the timers of the state, whose
 * firings are events of the log (`TimerFired { timer, due }`), so replay gives the same values.
 *
 * **Sampled** (`MeterValueSampleInterval` s, `MeterValuesSampledData`, context `Sample.Periodic`):
 * only during a transaction, at whole intervals after its start (the event time of
 * `TransactionStarted`), one timer `sample:<connector>` per connector. The timestamp is the
 * scheduled time (`due`) on the central system's clock as it was when the transaction started
 * (the offset is fixed per transaction, `sampleOffsetMs`), so consecutive values are exactly one
 * interval apart even when a firing is late or a Heartbeat answer corrects the clock offset
 * meanwhile; intervals missed while the process was down are skipped, not made up with a stale
 * measurement. A change of the interval keeps the schedule anchored at the start.
 *
 * **Clock-aligned** (`ClockAlignedDataInterval` s, `MeterValuesAlignedData`, `Sample.Clock`):
 * one timer `aligned`, always armed at the next boundary. Boundaries are midnight UTC plus whole
 * intervals, restarting every midnight (OCPP 1.6 §9.1.7: "evenly spaced aggregation intervals
 * per day, starting at 00:00:00"; an interval that does not divide a day gives a shorter last
 * interval), on the central system's clock (`at + timeOffsetMs`, re-armed when the offset
 * changes; a boundary is sampled once, also when a correction moves the clock back over it,
 * state `alignedBoundary`). Every connector 0..n with a measurement gets one MeterValues, also
 * outside transactions; inside a transaction it carries the transactionId.
 *
 * **Stale measurements are not sent as new** (the firmware's `powerMeter.timestamp`, on the
 * local clock like every timestamp the handlers take): a periodic or clock-aligned sample due
 * at `t` (local time of the timer) with an interval of `I` seconds uses the latest measurement
 * only when it was taken at `t − I` or later, i.e. within the interval the sample stands for;
 * an older one is skipped with a note (the central system sees a gap, not an old reading under
 * a new time). `Transaction.Begin` takes its readings (SoC, power…) only from a measurement
 * taken since the session started (`onSessionStarted`; without a session, since the
 * transaction's start timestamp), `Transaction.End` only from one taken since the transaction
 * started; otherwise they carry only the firmware's register value (`meterStart`/`meterStop`)
 * and the signed value.
 *
 * **Interruption** (`Interruption.Begin`/`Interruption.End`, OCPP 1.6 `ReadingContext`): when
 * a process starts (after a power loss, a crash or a stop) with a transaction that goes on, the
 * last measurement the previous process had, if taken during the transaction, is sent as an
 * `Interruption.Begin` MeterValues with its own timestamp, and the first measurement the
 * firmware reports afterwards as `Interruption.End` (`MeterValuesSampledData` measurands; the
 * `StopTxnSampledData` ones are kept for StopTransaction like samples).
 *
 * **Transaction data**: at the start a `Transaction.Begin` value (the `StopTxnSampledData`
 * measurands from the latest measurement with the register set to `meterStart`, and the signed
 * start value as `SignedData`), at each periodic sample the `StopTxnSampledData` measurands, at
 * each boundary the `StopTxnAlignedData` measurands, and at the stop a `Transaction.End` value
 * like the begin one. They are kept in the transaction (so they survive a restart) and become
 * StopTransaction's `transactionData`.
 *
 * Decisions (spec, libocpp, the compliance tool):
 *
 * - **UTC midnight**: OCPP 1.6 exchanges UTC and has no time zone setting; libocpp aligns to UTC
 *   midnight too. Local-time alignment would need a time zone the protocol cannot configure.
 * - **A clock-aligned value carries the boundary as its timestamp** (the reading of a register at
 *   the boundary; the compliance test TC_071 checks "a clock-aligned value"). The spec's "bearing
 *   the interval start time" is about per-period data (accumulated `*.Interval` measurands),
 *   which this library does not produce.
 * - **Empty `MeterValuesSampledData` / `MeterValuesAlignedData` mean
 *   `Energy.Active.Import.Register`** (the key's default; TC_070 "When the value … is empty the
 *   measurand Energy.Active.Import.Register is assumed"). Empty `StopTxn*Data` mean none.
 * - **`StopTxnSampledData`/`StopTxnAlignedData` are sampled, not filters**: the spec says the
 *   measurands are "included in the TransactionData … every MeterValueSampleInterval seconds",
 *   so a measurand there is kept even when it is not in `MeterValuesSampledData` (libocpp filters
 *   the sent values, losing such measurands). Signed values are always kept (as libocpp).
 * - **Bounds**: at most {@linkcode MAX_TRANSACTION_METER_VALUES} values are kept per
 *   transaction and StopTransaction's `transactionData` is at most
 *   {@linkcode MAX_TRANSACTION_DATA_CHARS} characters of JSON; beyond, every second value is
 *   dropped, always keeping the first and the last (libocpp's trimming of StopTransaction).
 * - **Clock-aligned values outside a transaction go through the durable queue** too, like
 *   libocpp (all MeterValues are transaction messages there): main-meter readings are billing
 *   data as well.
 * - **No measurement, no value**: a connector the firmware never reported is skipped; a measurand
 *   the measurement lacks is left out, never sent as zero.
 *
 * @module
 */
import type { Draft } from "./draft.ts";
import type { ConnectorState } from "./state.ts";
import type { MeasurementData } from "../events/measurement.ts";
import { intKey } from "./configuration.ts";
import { sendTransactional } from "./outbox.ts";
import { formatIso, parseIso } from "./iso_time.ts";
import {
  buildMeterValue,
  type MeterValue,
  parseMeasurandItem,
  type ReadingContext,
  type SampledValue,
} from "./meter_values.ts";

/**
 * Name of the clock-aligned sampling timer.
 *
 * @example
 * ```ts
 * import { TIMER_ALIGNED } from "./metering.ts";
 * console.log(TIMER_ALIGNED); // "aligned"
 * ```
 */
export const TIMER_ALIGNED = "aligned";

/**
 * Prefix of the periodic sampling timers (`sample:<connector>`).
 *
 * @example
 * ```ts
 * import { SAMPLE_TIMER_PREFIX } from "./metering.ts";
 * console.log(`${SAMPLE_TIMER_PREFIX}1`); // "sample:1"
 * ```
 */
export const SAMPLE_TIMER_PREFIX = "sample:";

/**
 * At most this many meter values are kept per transaction for StopTransaction (then every
 * second one is dropped, the first and the last kept).
 *
 * @example
 * ```ts
 * import { MAX_TRANSACTION_METER_VALUES } from "./metering.ts";
 * console.log(MAX_TRANSACTION_METER_VALUES); // 240
 * ```
 */
export const MAX_TRANSACTION_METER_VALUES = 240;

/**
 * Upper bound of the JSON length of StopTransaction's `transactionData` (libocpp trims the whole
 * message to 65 000 characters; this leaves room for the rest of the frame).
 *
 * @example
 * ```ts
 * import { MAX_TRANSACTION_DATA_CHARS } from "./metering.ts";
 * console.log(MAX_TRANSACTION_DATA_CHARS); // 60000
 * ```
 */
export const MAX_TRANSACTION_DATA_CHARS = 60_000;

const DAY_MS = 86_400_000;

/**
 * Name of the periodic sampling timer of a connector.
 *
 * @example
 * ```ts
 * import { sampleTimer } from "./metering.ts";
 * console.log(sampleTimer(2)); // "sample:2"
 * ```
 */
export function sampleTimer(connector: number): string {
  return `${SAMPLE_TIMER_PREFIX}${connector}`;
}

/**
 * The first clock-aligned boundary strictly after `t` (ms since the epoch): midnight UTC plus a
 * whole number of `intervalS` seconds, the intervals restarting at every midnight.
 *
 * @example
 * ```ts
 * import { nextClockBoundary } from "./metering.ts";
 * const t = Date.parse("2026-01-01T00:07:00Z");
 * console.log(new Date(nextClockBoundary(t, 900)).toISOString()); // "2026-01-01T00:15:00.000Z"
 * // 7 h does not divide a day: the last interval is 3 h and the next day starts at midnight.
 * console.log(new Date(nextClockBoundary(Date.parse("2026-01-01T22:00:00Z"), 25_200)).toISOString());
 * // "2026-01-02T00:00:00.000Z"
 * ```
 */
export function nextClockBoundary(t: number, intervalS: number): number {
  const dayStart = Math.floor(t / DAY_MS) * DAY_MS;
  const interval = intervalS * 1000;
  const next = dayStart + (Math.floor((t - dayStart) / interval) + 1) * interval;
  return Math.min(next, dayStart + DAY_MS);
}

/** The boundary nearest to `t` (a firing is on a boundary unless the clock offset moved). */
function nearestClockBoundary(t: number, intervalS: number): number {
  const next = nextClockBoundary(t, intervalS);
  const dayStart = Math.floor(t / DAY_MS) * DAY_MS;
  const interval = intervalS * 1000;
  const previous = dayStart + Math.floor((t - dayStart) / interval) * interval;
  return t - previous <= next - t ? previous : next;
}

// Parsed measurand lists by text: a pure memo (same text, same items), so a sample does not
// re-parse the configuration. Bounded: cleared when full.
const parsedLists = new Map<string, readonly string[]>();
const PARSED_LISTS_MAX = 64;

function listItems(csv: string): readonly string[] {
  let items = parsedLists.get(csv);
  if (items === undefined) {
    const out: string[] = [];
    for (const raw of csv.split(",")) {
      const item = raw.trim();
      // Lenient: an unknown item (a value ChangeConfiguration would refuse, configured by the
      // firmware) is ignored rather than silencing the whole list.
      if (parseMeasurandItem(item) !== undefined && !out.includes(item)) out.push(item);
    }
    items = out;
    if (parsedLists.size >= PARSED_LISTS_MAX) parsedLists.clear();
    parsedLists.set(csv, items);
  }
  return items;
}

/** Configuration keys holding measurand lists. */
export type MeasurandKey =
  | "MeterValuesSampledData"
  | "MeterValuesAlignedData"
  | "StopTxnSampledData"
  | "StopTxnAlignedData";

const DEFAULT_ITEMS: readonly string[] = ["Energy.Active.Import.Register"];

/**
 * The items of a measurand list key in `config` (unknown items ignored). An empty
 * `MeterValuesSampledData`/`MeterValuesAlignedData` means `Energy.Active.Import.Register`; an
 * empty `StopTxn*Data` means none.
 *
 * @example
 * ```ts
 * import { measurandItems } from "./metering.ts";
 * console.log(measurandItems({ MeterValuesSampledData: "SoC, Voltage.L1" }, "MeterValuesSampledData"));
 * // ["SoC", "Voltage.L1"]
 * console.log(measurandItems({ MeterValuesAlignedData: "" }, "MeterValuesAlignedData"));
 * // ["Energy.Active.Import.Register"]
 * console.log(measurandItems({}, "StopTxnSampledData")); // []
 * ```
 */
export function measurandItems(
  config: Readonly<Record<string, string>>,
  key: MeasurandKey,
): readonly string[] {
  const items = listItems(config[key] ?? "");
  if (items.length > 0) return items;
  return key === "MeterValuesSampledData" || key === "MeterValuesAlignedData" ? DEFAULT_ITEMS : [];
}

function offeredOf(c: ConnectorState): { currentA?: number; powerW?: number } {
  return {
    ...(c.maxCurrentA === undefined ? {} : { currentA: c.maxCurrentA }),
    ...(c.maxPowerW === undefined ? {} : { powerW: c.maxPowerW }),
  };
}

/**
 * The meter value of a connector now, from its latest measurement, or `undefined` when it has no
 * measurement or none of the measurands. The measurands are those of `MeterValuesAlignedData`
 * for `Sample.Clock` and of `MeterValuesSampledData` otherwise (e.g. `Trigger` for
 * TriggerMessage), unless given; the timestamp is the central system's time of the event unless
 * given. Current.Offered/Power.Offered come from `onMaxCurrentOffered`/`onMaxPowerOffered`.
 *
 * @example
 * ```ts
 * import { meterValueFor } from "./metering.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", Date.parse("2026-01-01T00:00:00Z"));
 * d.updateConnector(0, {
 *   measurement: { powerMeter: { timestamp: "2026-01-01T00:00:00.000Z", energyWhImport: { total: 5 } } },
 * });
 * console.log(meterValueFor(d, 0, "Trigger")?.sampledValue[0].value); // "5.00"
 * ```
 */
export function meterValueFor(
  d: Draft,
  connectorId: number,
  context: ReadingContext,
  options: { readonly timestamp?: string; readonly measurands?: readonly string[] } = {},
): MeterValue | undefined {
  const c = d.state.connectors[connectorId];
  if (c?.measurement === undefined) return undefined;
  const items = options.measurands ??
    measurandItems(
      d.state.config,
      context === "Sample.Clock" ? "MeterValuesAlignedData" : "MeterValuesSampledData",
    );
  return buildMeterValue(
    c.measurement,
    items,
    context,
    offeredOf(c),
    options.timestamp ?? d.isoNow(),
  );
}

/**
 * Arms the periodic sampling timer of a connector at the first whole `MeterValueSampleInterval`
 * after `after` (default: the event time), counted from the start of its transaction; disarms it
 * when there is no transaction or the interval is 0.
 *
 * @example
 * ```ts
 * import { armSampling, sampleTimer } from "./metering.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 1_000);
 * armSampling(d, 0);
 * console.log(sampleTimer(0) in d.state.timers); // false: no transaction
 * ```
 */
export function armSampling(d: Draft, connectorId: number, after: number = d.now): void {
  const name = sampleTimer(connectorId);
  const tx = d.state.connectors[connectorId]?.transaction;
  const interval = intKey(d.state.config, "MeterValueSampleInterval", 0) * 1000;
  if (tx === undefined || interval <= 0) {
    d.clearTimer(name);
    return;
  }
  const from = tx.sampledFrom ?? after;
  const k = Math.max(1, Math.floor((after - from) / interval) + 1);
  d.setTimer(name, from + k * interval);
}

/** Adds a value to the transaction data of the connector's transaction (bounded). */
function keep(d: Draft, connectorId: number, value: MeterValue): void {
  const tx = d.connector(connectorId).transaction;
  if (tx === undefined) return;
  let values = [...(tx.meterValues ?? []), value];
  if (values.length > MAX_TRANSACTION_METER_VALUES) values = thinMeterValues(values);
  d.updateConnector(connectorId, { transaction: { ...tx, meterValues: values } });
}

/**
 * The periodic sampling timer of a connector fired (scheduled at `due`): MeterValues with the
 * `MeterValuesSampledData` measurands, timestamped `due` on the central system's clock, queued
 * as a transaction message; the `StopTxnSampledData` measurands are kept for StopTransaction.
 *
 * @example
 * ```ts
 * import { sampleFired } from "./metering.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 60_000);
 * sampleFired(d, 0, 60_000); // no transaction on connector 0: nothing
 * console.log(d.state.outbox.size); // 0
 * ```
 */
export function sampleFired(d: Draft, connectorId: number, due: number): void {
  const c = d.state.connectors[connectorId];
  const tx = c?.transaction;
  if (c === undefined || tx === undefined) return;
  armSampling(d, connectorId, Math.max(due, d.now));
  if (c.measurement === undefined) {
    d.note(`connector ${connectorId}: no measurement yet, periodic sample skipped`);
    return;
  }
  const interval = intKey(d.state.config, "MeterValueSampleInterval", 0) * 1000;
  if (isStale(c.measurement, due - interval)) {
    d.note(
      `connector ${connectorId}: latest measurement (${c.measurement.powerMeter.timestamp}) is older than one interval before the sample due at ${
        formatIso(due)
      }: periodic sample skipped`,
    );
    return;
  }
  const timestamp = formatIso(due + (tx.sampleOffsetMs ?? d.state.timeOffsetMs));
  sample(d, c, c.measurement, "Sample.Periodic", timestamp);
}

/**
 * Whether `measurement` was taken before `since` (ms since the epoch, local clock): too old for
 * a value that stands for the time from `since` on.
 *
 * @example
 * ```ts
 * import { isStale } from "./metering.ts";
 * const m = { powerMeter: { timestamp: "2026-01-01T00:00:00.000Z", energyWhImport: { total: 5 } } };
 * console.log(isStale(m, Date.parse("2026-01-01T00:00:00Z"))); // false
 * console.log(isStale(m, Date.parse("2026-01-01T00:00:01Z"))); // true
 * ```
 */
export function isStale(measurement: MeasurementData, since: number): boolean {
  return parseIso(measurement.powerMeter.timestamp) < since;
}

/**
 * Sends one sample of connector `c` from `measurement` as MeterValues (the measurands of
 * `MeterValuesAlignedData` for `Sample.Clock`, else of `MeterValuesSampledData`; with the
 * connector's transaction, if any) and keeps the `StopTxnAlignedData`/`StopTxnSampledData`
 * measurands for StopTransaction.
 */
function sample(
  d: Draft,
  c: ConnectorState,
  measurement: MeasurementData,
  context: ReadingContext,
  timestamp: string,
): void {
  const clock = context === "Sample.Clock";
  const config = d.state.config;
  const offered = offeredOf(c);
  const tx = c.transaction;
  const key = clock ? "MeterValuesAlignedData" : "MeterValuesSampledData";
  const meterValue = buildMeterValue(
    measurement,
    measurandItems(config, key),
    context,
    offered,
    timestamp,
  );
  if (meterValue === undefined) {
    d.note(`connector ${c.id}: measurement has none of the ${key} measurands (${context})`);
  } else {
    sendTransactional(d, "MeterValues", { connectorId: c.id, meterValue: [meterValue] }, tx?.ref);
  }
  if (tx === undefined) return;
  const stopItems = measurandItems(config, clock ? "StopTxnAlignedData" : "StopTxnSampledData");
  if (stopItems.length === 0) return;
  const kept = buildMeterValue(measurement, stopItems, context, offered, timestamp);
  if (kept !== undefined) keep(d, c.id, kept);
}

/**
 * Arms the clock-aligned timer at the next boundary of `ClockAlignedDataInterval` (on the central
 * system's clock), or disarms it when the interval is 0. Call it when the key or the clock offset
 * changes, and at start.
 *
 * @example
 * ```ts
 * import { armAligned, TIMER_ALIGNED } from "./metering.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", Date.parse("2026-01-01T00:07:00Z"));
 * d.set({ config: { ClockAlignedDataInterval: "900" } });
 * armAligned(d);
 * console.log(new Date(d.state.timers[TIMER_ALIGNED]).toISOString()); // "2026-01-01T00:15:00.000Z"
 * ```
 */
export function armAligned(d: Draft): void {
  const interval = intKey(d.state.config, "ClockAlignedDataInterval", 0);
  if (interval <= 0) {
    d.clearTimer(TIMER_ALIGNED);
    return;
  }
  const offset = d.state.timeOffsetMs;
  // Never a boundary already sampled (the offset may have moved the clock back over it).
  const from = Math.max(d.now + offset, d.state.alignedBoundary ?? -Infinity);
  d.setTimer(TIMER_ALIGNED, nextClockBoundary(from, interval) - offset);
}

/**
 * The clock-aligned timer fired (scheduled at `due`): for every connector 0..n with a
 * measurement, MeterValues with the `MeterValuesAlignedData` measurands, context `Sample.Clock`,
 * timestamped on the boundary; inside a transaction with its transactionId, and the
 * `StopTxnAlignedData` measurands kept for StopTransaction. Re-arms the timer.
 *
 * @example
 * ```ts
 * import { alignedFired } from "./metering.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const at = Date.parse("2026-01-01T00:15:00Z");
 * const d = new Draft(initialState(), "01JD0000000000000000000000", at);
 * d.set({ config: { ClockAlignedDataInterval: "900" } });
 * d.updateConnector(0, {
 *   measurement: { powerMeter: { timestamp: "2026-01-01T00:14:58.000Z", energyWhImport: { total: 5 } } },
 * });
 * alignedFired(d, at);
 * console.log(d.state.outbox.peek()?.payload); // { connectorId: 0, meterValue: [{ timestamp: "2026-01-01T00:15:00.000Z", ... }] }
 * ```
 */
export function alignedFired(d: Draft, due: number): void {
  const interval = intKey(d.state.config, "ClockAlignedDataInterval", 0);
  if (interval <= 0) {
    armAligned(d);
    return;
  }
  const boundary = nearestClockBoundary(due + d.state.timeOffsetMs, interval);
  const last = d.state.alignedBoundary;
  if (last !== undefined && boundary <= last) {
    d.note(`clock-aligned boundary ${formatIso(boundary)} already sampled: skipped`);
    armAligned(d);
    return;
  }
  d.set({ alignedBoundary: boundary });
  armAligned(d);
  const timestamp = formatIso(boundary);
  const since = due - interval * 1000;
  for (const c of d.state.connectors) {
    if (c.measurement === undefined) continue;
    if (isStale(c.measurement, since)) {
      d.note(
        `connector ${c.id}: latest measurement (${c.measurement.powerMeter.timestamp}) is older than one interval before the boundary ${timestamp}: clock-aligned sample skipped`,
      );
      continue;
    }
    sample(d, c, c.measurement, "Sample.Clock", timestamp);
  }
}

/**
 * Re-arms every metering timer (at `ChargePointStarted`, whose state starts without timers):
 * the sampling of running transactions and the clock-aligned timer.
 *
 * @example
 * ```ts
 * import { resumeMetering } from "./metering.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 0);
 * resumeMetering(d);
 * console.log(Object.keys(d.state.timers)); // []
 * ```
 */
export function resumeMetering(d: Draft): void {
  for (const c of d.state.connectors) if (c.transaction !== undefined) armSampling(d, c.id);
  armAligned(d);
}

/**
 * Applies a changed configuration key to the metering timers (for ChangeConfiguration, after
 * the value is in effect): `MeterValueSampleInterval` re-arms the sampling of running
 * transactions, `ClockAlignedDataInterval` the clock-aligned timer. Other keys are read when
 * used.
 *
 * @example
 * ```ts
 * import { meteringConfigChanged, TIMER_ALIGNED } from "./metering.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", Date.parse("2026-01-01T00:07:00Z"));
 * d.setConfig({ ClockAlignedDataInterval: "3600" });
 * meteringConfigChanged(d, "ClockAlignedDataInterval");
 * console.log(new Date(d.state.timers[TIMER_ALIGNED]).toISOString()); // "2026-01-01T01:00:00.000Z"
 * ```
 */
export function meteringConfigChanged(d: Draft, key: string): void {
  if (key === "MeterValueSampleInterval") {
    for (const c of d.state.connectors) if (c.transaction !== undefined) armSampling(d, c.id);
  } else if (key === "ClockAlignedDataInterval") {
    armAligned(d);
  }
}

/**
 * The measurement at a transaction's start or stop: the register is the firmware's value; the
 * other readings come from `latest` only when it was taken at `since` (ms, local clock) or later.
 */
function measurementAt(
  latest: MeasurementData | undefined,
  since: number,
  energyWh: number,
  timestamp: string,
): MeasurementData {
  if (latest === undefined || isStale(latest, since)) {
    return { powerMeter: { timestamp, energyWhImport: { total: energyWh } } };
  }
  const register = latest.powerMeter.energyWhImport;
  return {
    ...latest,
    powerMeter: {
      ...latest.powerMeter,
      timestamp,
      // The phases of an older reading do not add up to the firmware's value: only the total.
      energyWhImport: register.total === energyWh ? register : { total: energyWh },
    },
  };
}

/**
 * A Transaction.Begin/End meter value: the StopTxnSampledData readings (of a measurement taken
 * at `since` or later) and the signed value.
 */
function boundaryValue(
  d: Draft,
  c: ConnectorState,
  context: "Transaction.Begin" | "Transaction.End",
  since: number,
  energyWh: number,
  timestamp: string,
  signed: string | undefined,
): MeterValue | undefined {
  const items = measurandItems(d.state.config, "StopTxnSampledData");
  const sampledValue: SampledValue[] = items.length === 0 ? [] : buildMeterValue(
    measurementAt(c.measurement, since, energyWh, timestamp),
    items,
    context,
    offeredOf(c),
    timestamp,
  )?.sampledValue ?? [];
  if (signed !== undefined) sampledValue.push({ value: signed, context, format: "SignedData" });
  return sampledValue.length === 0 ? undefined : { timestamp, sampledValue };
}

/**
 * A transaction was just put on the connector (by `TransactionStarted`): anchors its sampling
 * schedule at the event time, keeps its `Transaction.Begin` value and arms the sampling timer.
 *
 * @example
 * ```ts
 * import { transactionStarted } from "./metering.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState, newConnector } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 0);
 * d.set({ connectors: [newConnector(0), newConnector(1)], config: { MeterValueSampleInterval: "60" } });
 * d.updateConnector(1, { transaction: { ref: "t", sessionId: "s", idTag: "A", meterStartWh: 0, startedAt: "1970-01-01T00:00:00.000Z" } });
 * transactionStarted(d, 1, { meterStartWh: 0, timestamp: "1970-01-01T00:00:00.000Z", signedMeterValue: "OCMF|..." });
 * console.log(d.state.timers["sample:1"], d.state.connectors[1].transaction?.meterValues?.length); // 60000 1
 * ```
 */
export function transactionStarted(
  d: Draft,
  connectorId: number,
  start: {
    readonly meterStartWh: number;
    readonly timestamp: string;
    readonly signedMeterValue?: string | undefined;
  },
): void {
  const c = d.connector(connectorId);
  const tx = c.transaction;
  if (tx === undefined) return;
  const startedAt = Date.parse(start.timestamp);
  // Readings of this session only (not of the previous car): since the session started.
  const since = c.sessionId !== undefined && c.sessionStartedAt !== undefined
    ? c.sessionStartedAt
    : startedAt;
  const begin = boundaryValue(
    d,
    c,
    "Transaction.Begin",
    since,
    start.meterStartWh,
    formatIso(startedAt),
    start.signedMeterValue,
  );
  d.updateConnector(connectorId, {
    transaction: {
      ...tx,
      sampledFrom: d.now,
      sampleOffsetMs: d.state.timeOffsetMs,
      meterValues: begin === undefined ? [] : [begin],
    },
  });
  armSampling(d, connectorId);
}

/**
 * A session started on the connector (`SessionStarted`): its time bounds the readings of the
 * next `Transaction.Begin` value (no reading of the previous car).
 *
 * @example
 * ```ts
 * import { sessionStarted } from "./metering.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState, newConnector } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 5_000);
 * d.set({ connectors: [newConnector(0), newConnector(1)] });
 * sessionStarted(d, 1);
 * console.log(d.state.connectors[1].sessionStartedAt); // 5000
 * ```
 */
export function sessionStarted(d: Draft, connectorId: number): void {
  if (d.state.connectors[connectorId] === undefined) return;
  d.updateConnector(connectorId, { sessionStartedAt: d.now });
}

/**
 * The process started (`ChargePointStarted`) while transactions ran: each transaction that goes
 * on (its session in `resumeSessionIds`, or every one without the option) was interrupted. The
 * last measurement the previous process had (`previous`: the connectors as it left them), when
 * taken during the transaction, is sent as an `Interruption.Begin` MeterValues with its own
 * timestamp; the first measurement reported afterwards will be the `Interruption.End` one
 * ({@linkcode measurementTaken}).
 *
 * @example
 * ```ts
 * import { transactionsInterrupted } from "./metering.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 0);
 * transactionsInterrupted(d, d.state.connectors, undefined); // no transaction: nothing
 * console.log(d.state.outbox.size); // 0
 * ```
 */
export function transactionsInterrupted(
  d: Draft,
  previous: readonly ConnectorState[],
  resumeSessionIds: readonly string[] | undefined,
): void {
  const resumed = resumeSessionIds === undefined ? undefined : new Set(resumeSessionIds);
  for (const old of previous) {
    const tx = d.state.connectors[old.id]?.transaction;
    if (tx === undefined || (resumed !== undefined && !resumed.has(tx.sessionId))) continue;
    d.updateConnector(old.id, { transaction: { ...tx, interrupted: true } });
    const last = old.measurement;
    if (last === undefined || isStale(last, Date.parse(tx.startedAt))) continue;
    sample(d, d.connector(old.id), last, "Interruption.Begin", last.powerMeter.timestamp);
  }
}

/**
 * A measurement was reported (`MeterValuesMeasured`): the first one after an interruption of
 * the connector's transaction is sent as an `Interruption.End` MeterValues with its own
 * timestamp.
 *
 * @example
 * ```ts
 * import { measurementTaken } from "./metering.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 0);
 * measurementTaken(d, 0); // no interrupted transaction: nothing
 * console.log(d.state.outbox.size); // 0
 * ```
 */
export function measurementTaken(d: Draft, connectorId: number): void {
  const c = d.state.connectors[connectorId];
  const tx = c?.transaction;
  if (tx?.interrupted !== true || c?.measurement === undefined) return;
  const { interrupted: _, ...resumed } = tx;
  d.updateConnector(connectorId, { transaction: resumed });
  const m = c.measurement;
  sample(d, d.connector(connectorId), m, "Interruption.End", m.powerMeter.timestamp);
}

/**
 * StopTransaction's `transactionData` for the transaction of the connector: the kept values and
 * the `Transaction.End` value, thinned to {@linkcode MAX_TRANSACTION_DATA_CHARS}; `undefined` when
 * there is nothing to send. Does not change the state.
 *
 * @example
 * ```ts
 * import { transactionData } from "./metering.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState, newConnector } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 0);
 * d.set({ connectors: [newConnector(0), newConnector(1)], config: { StopTxnSampledData: "Energy.Active.Import.Register" } });
 * d.updateConnector(1, { transaction: { ref: "t", sessionId: "s", idTag: "A", meterStartWh: 0, startedAt: "1970-01-01T00:00:00.000Z" } });
 * const data = transactionData(d, 1, { energyWhImport: 1500, timestamp: "1970-01-01T01:00:00.000Z" });
 * console.log(data?.[0].sampledValue[0]); // { value: "1500.00", context: "Transaction.End", ... }
 * ```
 */
export function transactionData(
  d: Draft,
  connectorId: number,
  stop: {
    readonly energyWhImport: number;
    readonly timestamp: string;
    readonly signedMeterValue?: string | undefined;
  },
): MeterValue[] | undefined {
  const c = d.connector(connectorId);
  const started = c.transaction === undefined ? Infinity : Date.parse(c.transaction.startedAt);
  const end = boundaryValue(
    d,
    c,
    "Transaction.End",
    started,
    stop.energyWhImport,
    formatIso(parseIso(stop.timestamp)),
    stop.signedMeterValue,
  );
  let data = [...(c.transaction?.meterValues ?? [])];
  if (end !== undefined) data.push(end);
  if (data.length === 0) return undefined;
  while (data.length > 2 && JSON.stringify(data).length > MAX_TRANSACTION_DATA_CHARS) {
    data = thinMeterValues(data);
  }
  return data;
}

/**
 * Drops every second value between the first and the last (both kept): the thinning libocpp
 * applies to an oversized StopTransaction.
 *
 * @example
 * ```ts
 * import { thinMeterValues } from "./metering.ts";
 * console.log(thinMeterValues([0, 1, 2, 3, 4, 5])); // [0, 2, 4, 5]
 * ```
 */
export function thinMeterValues<T>(values: readonly T[]): T[] {
  const last = values.length - 1;
  return values.filter((_, i) => i === 0 || i === last || i % 2 === 0);
}
