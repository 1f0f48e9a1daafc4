/**
 * ExtendedTriggerMessage (Security Whitepaper). The answer goes out first, then the requested
 * message at the front of the outbox, as for TriggerMessage:
 *
 * - BootNotification, Heartbeat, MeterValues, StatusNotification: as TriggerMessage
 *   (`trigger_message.ts`), including its `connectorId` checks (`Rejected`).
 * - LogStatusNotification: the status and `requestId` of the ongoing log upload, or
 *   `{ status: "Idle" }` without `requestId` when none is ongoing.
 * - FirmwareStatusNotification: a SignedFirmwareStatusNotification with the status and
 *   `requestId` of the ongoing signed update, or `{ status: "Idle" }`.
 * - SignChargePointCertificate: `Accepted` when `CpoName` is set (else `Rejected`); a new key pair
 *   and CSR are made and sent as SignCertificate.req (`sign_certificate.ts`).
 *
 * @module
 */
import type { Draft } from "../draft.ts";
import { sendTriggered } from "../outbox.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";
import { messagesFor, type TriggeredMessage } from "./trigger_message.ts";
import { triggeredLogStatus, triggeredSignedFirmwareStatus } from "./transfer_status.ts";
import { requestChargePointCertificate } from "./sign_certificate.ts";

/**
 * Why an ExtendedTriggerMessage sends nothing: the answer's status and the note.
 *
 * @example
 * ```ts
 * import type { TriggerRefusal } from "./extended_trigger_message.ts";
 * const r: TriggerRefusal = { status: "Rejected", why: "no CpoName" };
 * ```
 */
export interface TriggerRefusal {
  /** Status of the answer. */
  readonly status: "Rejected" | "NotImplemented";
  /** Why, for the notes. */
  readonly why: string;
}

/**
 * ExtendedTriggerMessage `SignChargePointCertificate`: starts a certificate signing request
 * (`sign_certificate.ts`; the SignCertificate CALL follows once the CSR is made, so no message is
 * returned), or why it is refused (no `CpoName`: `Rejected`).
 *
 * @example
 * ```ts ignore
 * const messages = signChargePointCertificateTrigger(d);
 * ```
 */
export function signChargePointCertificateTrigger(d: Draft): TriggeredMessage[] | TriggerRefusal {
  return requestChargePointCertificate(d, "ExtendedTriggerMessage") ?? [];
}

function extendedMessagesFor(
  d: Draft,
  requested: string,
  connectorId: number | undefined,
): TriggeredMessage[] | TriggerRefusal {
  switch (requested) {
    case "LogStatusNotification":
      return [{ action: "LogStatusNotification", payload: triggeredLogStatus(d.state) }];
    case "FirmwareStatusNotification":
      return [{
        action: "SignedFirmwareStatusNotification",
        payload: triggeredSignedFirmwareStatus(d.state),
      }];
    case "SignChargePointCertificate":
      return signChargePointCertificateTrigger(d);
    case "BootNotification":
    case "Heartbeat":
    case "MeterValues":
    case "StatusNotification": {
      const messages = messagesFor(d, requested, connectorId);
      return typeof messages === "string" ? { status: "Rejected", why: messages } : messages;
    }
    default:
      return { status: "NotImplemented", why: "unknown message" };
  }
}

/**
 * Handler of ExtendedTriggerMessage.
 *
 * @example
 * ```ts
 * import { extendedTriggerMessageRequest } from "./extended_trigger_message.ts";
 * console.log(typeof extendedTriggerMessageRequest.handle); // "function"
 * ```
 */
export const extendedTriggerMessageRequest: RequestHandler<"ExtendedTriggerMessage"> =
  defineRequest("ExtendedTriggerMessage", {
    handle(d, id, request) {
      const messages = extendedMessagesFor(d, request.requestedMessage, request.connectorId);
      if (!Array.isArray(messages)) {
        d.note(
          `ExtendedTriggerMessage ${request.requestedMessage} ${messages.status}: ${messages.why}`,
        );
        d.reply(id, { status: messages.status });
        return;
      }
      d.reply(id, { status: "Accepted" });
      // Each triggered CALL goes to the front of the outbox: queue them last first.
      for (const m of [...messages].reverse()) sendTriggered(d, m.action, m.payload, m.txRef);
    },
  });
