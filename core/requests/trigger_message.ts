/**
 * TriggerMessage (Remote Trigger). The answer goes out first, then the requested message, at the
 * front of the outbox (allowed while the registration is Pending):
 *
 * - BootNotification: the BootNotification fields (its answer is handled like any other).
 * - DiagnosticsStatusNotification / FirmwareStatusNotification: the status of the ongoing upload or
 *   update, `Idle` when none is ongoing (see `transfer_status.ts`).
 * - Heartbeat.
 * - MeterValues: context `Trigger`, the measurands of `MeterValuesSampledData`, from the latest
 *   measurement of the connector (without connectorId: of every connector 0..n that has one, one
 *   message each); `Rejected` when there is none. The CSMS transactionId is included when a
 *   transaction runs on the connector and its id is known when the message is sent (a
 *   MeterValues triggered while the StartTransaction is in flight waits behind it and gets it).
 * - StatusNotification: the current status with the latest error (without connectorId: connectors
 *   0..n, in order).
 *
 * `connectorId` is checked (0..n, else `Rejected`) only for MeterValues and StatusNotification;
 * for the other messages it is not relevant and ignored (OCPP 1.6 §5.17).
 *
 * `NotImplemented` ("cannot be sent because it is not implemented", §7.66): a
 * DiagnosticsStatusNotification when the charge point uploads no diagnostics (no
 * `uploadDiagnostics` callback, or FirmwareManagement left out of SupportedFeatureProfiles), a
 * FirmwareStatusNotification when it updates no firmware (no `updateFirmware`). libocpp always
 * answers `Accepted` with `Idle`; a status of an operation the charge point cannot perform tells
 * the central system nothing.
 *
 * @module
 */
import type { Draft } from "../draft.ts";
import type { ActionName } from "../ocpp/actions.ts";
import { currentStatus } from "../connector_fsm.ts";
import { meterValueFor } from "../metering.ts";
import { sendTriggered } from "../outbox.ts";
import { featureProfileListed } from "../configuration_keys.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";
import { triggeredDiagnosticsStatus, triggeredFirmwareStatus } from "./transfer_status.ts";

/** The callback without which a status notification of the FirmwareManagement profile means nothing. */
const OPERATION_CALLBACK: Readonly<Record<string, string>> = {
  DiagnosticsStatusNotification: "uploadDiagnostics",
  FirmwareStatusNotification: "updateFirmware",
};

/** Why `requested` is not implemented by this charge point, or `undefined`. */
function notImplemented(d: Draft, requested: string): string | undefined {
  const callback = OPERATION_CALLBACK[requested];
  if (callback === undefined) return undefined;
  if (!featureProfileListed(d.state.config, "FirmwareManagement")) {
    return "the FirmwareManagement profile is not supported";
  }
  return d.hasCallback(callback) ? undefined : `no ${callback} callback`;
}

/**
 * A message to send on request of (Extended)TriggerMessage; `txRef` for a MeterValues of a
 * running transaction (its CSMS transactionId is put in when it is sent).
 */
export type TriggeredMessage = {
  readonly action: ActionName;
  readonly payload: Record<string, unknown>;
  readonly txRef?: string;
};
type Message = TriggeredMessage;

function statusNotification(d: Draft, connectorId: number): Message {
  const c = d.connector(connectorId);
  const fields = currentStatus(c.stored, c.errors);
  // Same field order as every other StatusNotification of the charge point.
  const payload: Record<string, unknown> = {
    connectorId,
    errorCode: fields.errorCode,
    status: fields.status,
  };
  if (fields.info !== undefined) payload.info = fields.info;
  payload.timestamp = d.isoNow();
  if (fields.vendorId !== undefined) payload.vendorId = fields.vendorId;
  if (fields.vendorErrorCode !== undefined) payload.vendorErrorCode = fields.vendorErrorCode;
  return { action: "StatusNotification", payload };
}

function meterValues(d: Draft, connectorId: number): Message | undefined {
  const tx = d.connector(connectorId).transaction;
  const meterValue = meterValueFor(d, connectorId, "Trigger");
  if (meterValue === undefined) return undefined;
  // The transactionId is put in when sent (outbox.ts), so a MeterValues triggered while the
  // StartTransaction is unanswered gets it too once the answer came before it is sent.
  const payload = { connectorId, meterValue: [meterValue] };
  return { action: "MeterValues", payload, ...(tx === undefined ? {} : { txRef: tx.ref }) };
}

/**
 * The messages TriggerMessage asks for, or why the request is rejected.
 *
 * @example
 * ```ts ignore
 * const messages = messagesFor(d, "StatusNotification", 1);
 * ```
 */
export function messagesFor(
  d: Draft,
  requested: string,
  connectorId: number | undefined,
): Message[] | string {
  const count = d.state.connectors.length - 1;
  const all = Array.from({ length: count + 1 }, (_, i) => i);
  switch (requested) {
    case "BootNotification":
      return [{ action: "BootNotification", payload: { ...d.state.bootNotification } }];
    case "Heartbeat":
      return [{ action: "Heartbeat", payload: {} }];
    case "DiagnosticsStatusNotification":
      return [{
        action: "DiagnosticsStatusNotification",
        payload: triggeredDiagnosticsStatus(d.state),
      }];
    case "FirmwareStatusNotification":
      return [{
        action: "FirmwareStatusNotification",
        payload: triggeredFirmwareStatus(d.state),
      }];
  }
  if (connectorId !== undefined && (connectorId < 0 || connectorId > count)) {
    return `connector ${connectorId} is not a connector 0..${count}`;
  }
  const ids = connectorId === undefined ? all : [connectorId];
  if (requested === "StatusNotification") return ids.map((id) => statusNotification(d, id));
  const messages: Message[] = [];
  for (const id of ids) {
    const m = meterValues(d, id);
    if (m !== undefined) messages.push(m);
  }
  if (messages.length === 0) {
    return connectorId === undefined
      ? "no connector has a measurement with the sampled measurands"
      : `connector ${connectorId} has no measurement with the sampled measurands`;
  }
  return messages;
}

/**
 * Handler of TriggerMessage.
 *
 * @example
 * ```ts
 * import { triggerMessageRequest } from "./trigger_message.ts";
 * console.log(typeof triggerMessageRequest.handle); // "function"
 * ```
 */
export const triggerMessageRequest: RequestHandler<"TriggerMessage"> = defineRequest(
  "TriggerMessage",
  {
    handle(d, id, request) {
      const missing = notImplemented(d, request.requestedMessage);
      if (missing !== undefined) {
        d.note(`TriggerMessage ${request.requestedMessage} NotImplemented: ${missing}`);
        d.reply(id, { status: "NotImplemented" });
        return;
      }
      const messages = messagesFor(d, request.requestedMessage, request.connectorId);
      if (typeof messages === "string") {
        d.note(`TriggerMessage ${request.requestedMessage} rejected: ${messages}`);
        d.reply(id, { status: "Rejected" });
        return;
      }
      d.reply(id, { status: "Accepted" });
      // Each triggered CALL goes to the front of the outbox: queue them last first.
      for (const m of [...messages].reverse()) sendTriggered(d, m.action, m.payload, m.txRef);
    },
  },
);
