/**
 * How the firmware's handler events change connectors and which CALLs they cause.
 *
 * @module
 */
import type { Draft } from "./draft.ts";
import type { EventData } from "../events/mod.ts";
import type { ChargePointStatus, FsmEvent } from "./connector_fsm.ts";
import {
  addError,
  clearAllErrors,
  clearError,
  isFaulted,
  latestError,
  transition,
} from "./connector_fsm.ts";
import { sendNormal, sendTransactional } from "./outbox.ts";
import { sampleTimer, transactionData, transactionStarted } from "./metering.ts";
import { isCritical } from "../core/security_events.ts";
import { boolKey } from "./configuration.ts";
import { consumeReservation, forgetReservationOn } from "./reservations.ts";
import { firmwareStatusChanged } from "./requests/transfer_status.ts";
import { leaveFirmwareHold } from "./requests/update_firmware.ts";
import { sendStatusNotification } from "./status_duration.ts";

// Metering (periodic, clock-aligned, transaction data) lives in `metering.ts`.
export { armSampling, sampleTimer } from "./metering.ts";

/** Sends a StatusNotification (dropped when offline: the current status is sent after reconnect). */
export function notifyStatus(
  d: Draft,
  connectorId: number,
  status: ChargePointStatus,
  errorCode: string,
  fields: {
    info?: string | undefined;
    vendorId?: string | undefined;
    vendorErrorCode?: string | undefined;
  },
): void {
  const payload: Record<string, unknown> = { connectorId, errorCode, status };
  if (fields.info !== undefined) payload.info = fields.info;
  payload.timestamp = d.isoNow();
  if (fields.vendorId !== undefined) payload.vendorId = fields.vendorId;
  if (fields.vendorErrorCode !== undefined) payload.vendorErrorCode = fields.vendorErrorCode;
  sendStatusNotification(d, connectorId, payload); // at once, or after MinimumStatusDuration
}

/** Reports the current status of a connector (after boot, after reconnect). */
export function reportStatus(d: Draft, connectorId: number): void {
  const c = d.connector(connectorId);
  const latest = latestError(c.errors);
  notifyStatus(
    d,
    connectorId,
    isFaulted(c.errors) ? "Faulted" : c.stored,
    latest?.errorCode ?? "NoError",
    {
      info: latest?.info,
      vendorId: latest?.vendorId,
      vendorErrorCode: latest?.vendorErrorCode,
    },
  );
}

/**
 * Feeds a state-machine event to a connector. No transition → nothing happens (noted). A
 * transition → StatusNotification with the new state and the latest error's code, unless faulted.
 */
export function fire(d: Draft, connectorId: number, event: FsmEvent, info?: string): boolean {
  const c = d.connector(connectorId);
  const next = transition(c.stored, event);
  if (next === undefined) {
    d.note(`connector ${connectorId}: ${event} ignored in state ${c.stored}`);
    return false;
  }
  d.updateConnector(connectorId, { stored: next });
  if (!isFaulted(c.errors)) {
    const latest = latestError(c.errors);
    notifyStatus(d, connectorId, next, latest?.errorCode ?? "NoError", {
      info,
      vendorId: latest?.vendorId,
      vendorErrorCode: latest?.vendorErrorCode,
    });
  }
  return true;
}

/** Applies an availability change scheduled until the end of a transaction. */
function applyScheduledAvailability(d: Draft, connectorId: number): void {
  const c = d.connector(connectorId);
  if (c.scheduledAvailability === undefined) return;
  applyAvailability(d, connectorId, c.scheduledAvailability);
}

/** Makes a connector operative or inoperative now (state machine + firmware callback). */
export function applyAvailability(
  d: Draft,
  connectorId: number,
  type: "Operative" | "Inoperative",
): void {
  d.updateConnector(connectorId, {
    operative: type === "Operative",
    scheduledAvailability: undefined,
  });
  if (type === "Operative") {
    fire(d, connectorId, "BecomeAvailable");
    d.callback("enableEvse", connectorId);
  } else {
    fire(d, connectorId, "ChangeAvailabilityToUnavailable");
    d.callback("disableEvse", connectorId);
  }
}

/**
 * ChangeAvailability (from the firmware or the central system): `Rejected` for an unknown
 * connector; `Scheduled` when an affected operative connector is in use (a transaction runs, or
 * an EV is plugged in and the connector is Preparing, which libocpp's table cannot leave for
 * Unavailable) and must become inoperative: applied when the transaction or the session ends;
 * otherwise `Accepted` and applied. A request for the availability a connector has cancels a
 * change scheduled on it.
 */
export function changeAvailability(
  d: Draft,
  connectorId: number,
  type: "Operative" | "Inoperative",
): "Accepted" | "Rejected" | "Scheduled" {
  const count = d.state.connectors.length;
  if (!Number.isInteger(connectorId) || connectorId < 0 || connectorId >= count) return "Rejected";
  const ids = connectorId === 0 ? [...Array(count).keys()] : [connectorId];
  let scheduled = false;
  const operative = type === "Operative";
  for (const id of ids) {
    const c = d.connector(id);
    const inUse = c.transaction !== undefined || c.stored === "Preparing";
    if (!operative && c.operative && inUse) {
      d.updateConnector(id, { scheduledAvailability: type });
      scheduled = true;
    } else if (c.operative !== operative) {
      applyAvailability(d, id, type);
    } else if (c.scheduledAvailability !== undefined) {
      d.updateConnector(id, { scheduledAvailability: undefined });
    }
  }
  return scheduled ? "Scheduled" : "Accepted";
}

type HandlerData = {
  [
    K in
      | "MeterValuesMeasured"
      | "MaxCurrentOfferedChanged"
      | "MaxPowerOfferedChanged"
      | "SessionStarted"
      | "SessionStopped"
      | "TransactionStarted"
      | "TransactionStopped"
      | "ChargingSuspendedByEv"
      | "ChargingSuspendedByEvse"
      | "ChargingResumed"
      | "ErrorRaised"
      | "ErrorCleared"
      | "AllErrorsCleared"
      | "ReservationStarted"
      | "ReservationEnded"
      | "ConnectorEnabled"
      | "ConnectorDisabled"
      | "PluginTimedOut"
      | "SecurityEventOccurred"
      | "LogStatusChanged"
      | "FirmwareUpdateStatusChanged"
      | "AvailabilityChangeRequested"
  ]: { type: K; data: EventData<K> };
};

/** An event caused by a firmware handler. */
export type HandlerEvent = HandlerData[keyof HandlerData];

/** Folds one firmware handler event. */
export function reduceHandler(d: Draft, event: HandlerEvent): void {
  switch (event.type) {
    case "MeterValuesMeasured":
      d.updateConnector(event.data.connector, { measurement: event.data.measurement });
      return;
    case "MaxCurrentOfferedChanged":
      d.updateConnector(event.data.connector, { maxCurrentA: event.data.maxCurrentA });
      return;
    case "MaxPowerOfferedChanged":
      d.updateConnector(event.data.connector, { maxPowerW: event.data.maxPowerW });
      return;
    case "SessionStarted": {
      const { connector, sessionId, reason } = event.data;
      d.updateConnector(connector, { sessionId });
      const c = d.connector(connector);
      // A reserved connector stays reserved when only the EV is plugged in.
      if (c.stored !== "Reserved" || reason === "Authorized") {
        fire(d, connector, "UsageInitiated", reason);
      }
      return;
    }
    case "SessionStopped": {
      const c = d.connector(event.data.connector);
      d.updateConnector(c.id, { sessionId: undefined });
      if (c.stored !== "Reserved" && c.stored !== "Unavailable") fire(d, c.id, "BecomeAvailable");
      if (c.transaction === undefined) applyScheduledAvailability(d, c.id);
      return;
    }
    case "TransactionStarted": {
      const e = event.data;
      const c = d.connector(e.connector);
      if (c.transaction !== undefined) {
        d.note(`connector ${e.connector}: transaction already running, start ignored`);
        return;
      }
      // The reservation this start uses ends (its id goes into StartTransaction).
      const reservationId = consumeReservation(d, e.connector, e.idToken, e.reservationId);
      if (c.stored === "Reserved") fire(d, e.connector, "UsageInitiated");
      const ref = d.eventId;
      d.updateConnector(e.connector, {
        transaction: {
          ref,
          sessionId: e.sessionId,
          idTag: e.idToken,
          meterStartWh: e.meterStartWh,
          startedAt: e.timestamp,
          ...(reservationId === undefined ? {} : { reservationId }),
        },
      });
      const payload: Record<string, unknown> = {
        connectorId: e.connector,
        idTag: e.idToken,
        meterStart: Math.round(e.meterStartWh),
      };
      if (reservationId !== undefined) payload.reservationId = reservationId;
      payload.timestamp = new Date(e.timestamp).toISOString();
      sendTransactional(d, "StartTransaction", payload, ref);
      transactionStarted(d, e.connector, e);
      return;
    }
    case "TransactionStopped": {
      const e = event.data;
      const c = d.connector(e.connector);
      const tx = c.transaction;
      if (tx === undefined) {
        d.note(`connector ${e.connector}: no transaction running, stop ignored`);
        return;
      }
      const payload: Record<string, unknown> = {};
      if (e.idTagEnd !== undefined) payload.idTag = e.idTagEnd;
      payload.meterStop = Math.round(e.energyWhImport);
      payload.timestamp = new Date(e.timestamp).toISOString();
      payload.reason = e.reason;
      const data = transactionData(d, e.connector, e);
      if (data !== undefined) payload.transactionData = data;
      sendTransactional(d, "StopTransaction", payload, tx.ref);
      d.clearTimer(sampleTimer(e.connector));
      d.updateConnector(e.connector, { transaction: undefined });
      if (
        e.reason === "EVDisconnected" &&
        boolKey(d.state.config, "UnlockConnectorOnEVSideDisconnect", false)
      ) {
        d.callback("unlockConnector", e.connector);
      }
      if (e.reason !== "EVDisconnected") {
        fire(d, e.connector, "TransactionStoppedAndUserActionRequired");
      }
      applyScheduledAvailability(d, e.connector);
      return;
    }
    case "ChargingSuspendedByEv":
      fire(d, event.data.connector, "PauseChargingEV", event.data.info);
      return;
    case "ChargingSuspendedByEvse":
      fire(d, event.data.connector, "PauseChargingEVSE", event.data.info);
      return;
    case "ChargingResumed":
      fire(d, event.data.connector, "StartCharging");
      return;
    case "ErrorRaised": {
      const { connector, error } = event.data;
      const c = d.connector(connector);
      const errors = addError(c.errors, { ...error, timestamp: error.timestamp ?? d.isoNow() });
      if (errors === c.errors) {
        d.note(`connector ${connector}: error ${error.uuid} already active`);
        return;
      }
      d.updateConnector(connector, { errors });
      notifyStatus(d, connector, isFaulted(errors) ? "Faulted" : c.stored, error.errorCode, error);
      return;
    }
    case "ErrorCleared": {
      const { connector, uuid } = event.data;
      const c = d.connector(connector);
      const errors = clearError(c.errors, uuid);
      if (errors === c.errors) {
        d.note(`connector ${connector}: unknown error ${uuid} ignored`);
        return;
      }
      d.updateConnector(connector, { errors });
      if (isFaulted(errors)) return;
      const latest = latestError(errors);
      notifyStatus(d, connector, c.stored, latest?.errorCode ?? "NoError", {
        info: latest?.info,
        vendorId: latest?.vendorId,
        vendorErrorCode: latest?.vendorErrorCode,
      });
      return;
    }
    case "AllErrorsCleared": {
      const c = d.connector(event.data.connector);
      d.updateConnector(c.id, { errors: clearAllErrors(c.errors) });
      notifyStatus(d, c.id, c.stored, "NoError", {});
      return;
    }
    case "ReservationStarted":
      fire(d, event.data.connector, "ReserveConnector");
      return;
    case "ReservationEnded":
      forgetReservationOn(d, event.data.connector);
      fire(d, event.data.connector, "ReservationEnd");
      return;
    case "ConnectorEnabled":
      fire(d, event.data.connector, "BecomeAvailable");
      return;
    case "ConnectorDisabled":
      fire(d, event.data.connector, "ChangeAvailabilityToUnavailable");
      return;
    case "PluginTimedOut":
      fire(d, event.data.connector, "TransactionStoppedAndUserActionRequired", "ConnectionTimeout");
      return;
    case "SecurityEventOccurred": {
      const e = event.data;
      if (!isCritical(e.eventType, e.critical)) return;
      if (boolKey(d.state.config, "DisableSecurityEventNotifications", false)) {
        d.note(
          `SecurityEventNotification ${e.eventType} not sent: DisableSecurityEventNotifications`,
        );
        return;
      }
      const payload: Record<string, unknown> = {
        type: e.eventType,
        timestamp: new Date(e.timestamp).toISOString(),
      };
      if (e.techInfo !== undefined) payload.techInfo = e.techInfo;
      sendTransactional(d, "SecurityEventNotification", payload);
      return;
    }
    case "LogStatusChanged": {
      const { requestId, status } = event.data;
      if (requestId === -1) {
        const mapped = status === "UploadFailure" ? "UploadFailed" : status;
        d.set({ diagnosticsStatus: mapped });
        sendNormal(d, "DiagnosticsStatusNotification", { status: mapped });
      } else {
        d.set({ logStatus: { requestId, status } });
        sendNormal(d, "LogStatusNotification", { status, requestId });
      }
      return;
    }
    case "FirmwareUpdateStatusChanged": {
      const { requestId, status } = event.data;
      firmwareStatusChanged(d, requestId, status); // see requests/transfer_status.ts
      if (requestId !== -1 && status === "InvalidSignature") {
        raiseSecurityEvent(d, "InvalidFirmwareSignature", `firmware update request ${requestId}`);
      }
      if (status === "Installed") {
        raiseSecurityEvent(d, "FirmwareUpdated", "Firmware update was installed");
      }
      return;
    }
    case "AvailabilityChangeRequested": {
      const status = changeAvailability(d, event.data.connectorId, event.data.type);
      if (status !== "Rejected") leaveFirmwareHold(d, event.data.connectorId);
      d.effects.returnValue = status;
      return;
    }
  }
}

/** Raises a security event from inside the core (appended as a follow-up event). */
export function raiseSecurityEvent(d: Draft, eventType: string, techInfo?: string): void {
  d.raise({
    type: "SecurityEventOccurred",
    data: {
      eventType,
      ...(techInfo === undefined ? {} : { techInfo: techInfo.slice(0, 255) }),
      timestamp: d.isoNow(),
      internal: true,
    },
  });
}
