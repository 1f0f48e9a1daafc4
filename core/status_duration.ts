/**
 * `MinimumStatusDuration` (OCPP 1.6 §9.1.22: "the minimum duration that a Charge Point or
 * Connector status is stable before a status notification is sent to the Central System"),
 * pure over a {@linkcode Draft}.
 *
 * With a value of `n` > 0 seconds, a StatusNotification of a connector waits in the state
 * (`ConnectorState.pendingStatus`) for the timer `status:<connector>`, due `n` s later. A newer
 * status of the same connector replaces the waiting one and restarts the timer (a debounce, as
 * libocpp does it), so of a quicker sequence (Preparing → Available within `n` s) only the last
 * status is sent, with the payload (and timestamp) of the moment it began. With 0 (the default)
 * it is sent at once. A status the timer releases while offline is dropped like any
 * StatusNotification (the current status is sent after the reconnect); a restart forgets the
 * waiting ones (the current status is sent after the BootNotification). Triggered
 * StatusNotifications are not delayed.
 *
 * @module
 */
import type { Draft } from "./draft.ts";
import { intKey } from "./configuration.ts";
import { sendNormal } from "./outbox.ts";

/**
 * Prefix of the timers of StatusNotifications waiting for `MinimumStatusDuration`.
 *
 * @example
 * ```ts
 * import { STATUS_TIMER_PREFIX } from "./status_duration.ts";
 * console.log(`${STATUS_TIMER_PREFIX}1`); // "status:1"
 * ```
 */
export const STATUS_TIMER_PREFIX = "status:";

/**
 * Sends the StatusNotification `payload` of connector `connectorId` now, or, with
 * `MinimumStatusDuration` > 0, once the status has held that long (replacing a waiting one).
 *
 * @example
 * ```ts
 * import { sendStatusNotification } from "./status_duration.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 1_000);
 * d.set({ config: { MinimumStatusDuration: "5" } });
 * sendStatusNotification(d, 0, { connectorId: 0, errorCode: "NoError", status: "Available" });
 * console.log(d.state.timers["status:0"]); // 6000
 * ```
 */
export function sendStatusNotification(
  d: Draft,
  connectorId: number,
  payload: Record<string, unknown>,
): void {
  const seconds = intKey(d.state.config, "MinimumStatusDuration", 0);
  const name = `${STATUS_TIMER_PREFIX}${connectorId}`;
  if (seconds <= 0) {
    // A status still waiting (the key was just set to 0) is superseded by this one.
    if (d.state.connectors[connectorId]?.pendingStatus !== undefined) {
      d.updateConnector(connectorId, { pendingStatus: undefined });
      d.clearTimer(name);
    }
    sendNormal(d, "StatusNotification", payload);
    return;
  }
  d.updateConnector(connectorId, { pendingStatus: payload });
  d.setTimer(name, d.now + seconds * 1000);
}

/**
 * The timer `status:<connector>` fired: the waiting StatusNotification held long enough and is
 * sent.
 *
 * @example
 * ```ts
 * import { statusTimerFired } from "./status_duration.ts";
 * import { Draft } from "./draft.ts";
 * import { initialState } from "./state.ts";
 * const d = new Draft(initialState(), "01JD0000000000000000000000", 0);
 * statusTimerFired(d, "status:0"); // nothing waits: nothing
 * console.log(d.effects.notes); // []
 * ```
 */
export function statusTimerFired(d: Draft, name: string): void {
  const connectorId = Number(name.slice(STATUS_TIMER_PREFIX.length));
  const payload = d.state.connectors[connectorId]?.pendingStatus;
  if (payload === undefined) return;
  d.updateConnector(connectorId, { pendingStatus: undefined });
  sendNormal(d, "StatusNotification", payload);
}
