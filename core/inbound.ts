/**
 * Frames received from the central system: answers to our CALLs, and CALLs to answer.
 *
 * @module
 */
import type { Draft } from "./draft.ts";
import { armHeartbeat } from "./link_timers.ts";
import { MAX_MESSAGE_ID_LENGTH, parseFrame, validateCall, validateResult } from "./rpc_frame.ts";
import { failed, pump, scheduleBoot, TIMER_BOOT } from "./outbox.ts";
import { armSampling, raiseSecurityEvent, reportStatus } from "./connector_reducer.ts";
import { profileRefusal, REQUEST_HANDLERS } from "./requests/mod.ts";
import { rememberIdTagInfo } from "./requests/clear_cache.ts";
import type { EventData } from "../events/mod.ts";
import { startTransactionAnswered } from "./invalid_id.ts";
import type { OutgoingCall } from "./state.ts";
import { armAligned } from "./metering.ts";
import { systemTimeSet } from "./security/profile.ts";
import { takeAnswered } from "./security/replayed_answers.ts";
import { signCertificateAnswered, startCertificateRenewal } from "./requests/sign_certificate.ts";

/** Takes the central system's clock from a `currentTime` field. */
function takeTime(d: Draft, currentTime: unknown): void {
  if (typeof currentTime !== "string") return;
  const t = Date.parse(currentTime);
  if (Number.isNaN(t)) return;
  const before = d.state.timeOffsetMs;
  d.set({ timeOffsetMs: t - d.now });
  // SettingSystemTime when the firmware sets its clock and it moves significantly.
  systemTimeSet(d, before, t - d.now);
  // Clock-aligned sampling follows the central system's clock.
  armAligned(d);
  d.callback("setSystemTime", new Date(t).toISOString());
}

/** The id to answer a frame with: its own if it is a valid message id (1..36 characters), else "-1". */
function echoableId(id: string | undefined): string {
  return id !== undefined && id.length >= 1 && id.length <= MAX_MESSAGE_ID_LENGTH ? id : "-1";
}

/** Handles a frame received from the central system. */
export function receiveFrame(d: Draft, text: string): void {
  const frame = parseFrame(text);
  switch (frame.kind) {
    case "invalid":
      d.note(`invalid frame (${frame.code}): ${frame.reason}`);
      raiseSecurityEvent(d, "InvalidMessages", text.slice(0, 255));
      // A malformed answer (CALLRESULT/CALLERROR) is only recorded: answering answers could loop.
      if (frame.messageType === 3 || frame.messageType === 4) return;
      if (frame.id !== undefined || frame.code === "FormationViolation") {
        d.replyError(echoableId(frame.id), frame.code, frame.reason);
      }
      return;
    case "result": {
      const call = takeAnswered(d, frame.id, "CALLRESULT");
      if (call === undefined) return;
      const checked = validateResult(call.action, frame.payload);
      if (!checked.ok) {
        d.note(`invalid ${call.action} answer (${checked.code}): ${checked.description}`);
        raiseSecurityEvent(d, "InvalidMessages", text.slice(0, 255));
        failed(d, call, `invalid answer: ${checked.description}`);
      } else {
        answered(d, call, checked.payload as Record<string, unknown>);
      }
      pump(d);
      return;
    }
    case "error": {
      const call = takeAnswered(d, frame.id, "CALLERROR");
      if (call === undefined) return;
      failed(d, call, `CALLERROR ${frame.code}: ${frame.description}`);
      pump(d);
      return;
    }
    case "call":
      if (frame.id === "") {
        d.note("invalid frame (FormationViolation): empty message id");
        raiseSecurityEvent(d, "InvalidMessages", text.slice(0, 255));
        d.replyError("-1", "FormationViolation", "message id is empty");
        return;
      }
      receiveCall(d, frame.id, frame.action, frame.payload, text);
      return;
  }
}

/** The central system answered one of our CALLs. */
function answered(d: Draft, call: OutgoingCall, payload: Record<string, unknown>): void {
  switch (call.action) {
    case "BootNotification": {
      const interval = typeof payload.interval === "number" ? payload.interval : 0;
      d.callback("bootNotificationResponse", payload);
      takeTime(d, payload.currentTime);
      // Already Accepted: the answer to a triggered BootNotification (nothing rebooted).
      const wasAccepted = d.state.registration === "Accepted";
      if (payload.status === "Accepted") {
        d.set({ registration: "Accepted", bootDue: false });
        d.clearTimer(TIMER_BOOT);
        if (interval > 0) {
          d.setConfig({ HeartbeatInterval: String(interval) });
        }
        armHeartbeat(d);
        if (!wasAccepted) {
          for (const c of d.state.connectors) reportStatus(d, c.id);
          // The central system's time is known: the certificate renewal can be planned.
          startCertificateRenewal(d);
        }
      } else {
        d.set({ registration: payload.status === "Pending" ? "Pending" : "Rejected" });
        scheduleBoot(d, interval);
      }
      return;
    }
    case "Heartbeat":
      takeTime(d, payload.currentTime);
      return;
    case "SignCertificate":
      signCertificateAnswered(d, call, payload);
      return;
    case "Authorize":
      rememberIdTagInfo(d, call.payload.idTag, payload.idTagInfo);
      break;
    case "StopTransaction":
      rememberIdTagInfo(d, call.payload.idTag, payload.idTagInfo);
      forgetTransactionId(d, call.txRef);
      break;
    case "StartTransaction": {
      rememberIdTagInfo(d, call.payload.idTag, payload.idTagInfo);
      const txRef = call.txRef;
      const transactionId = payload.transactionId;
      if (txRef !== undefined && typeof transactionId === "number") {
        d.set({ transactionIds: { ...d.state.transactionIds, [txRef]: transactionId } });
      }
      startTransactionAnswered(d, txRef, payload.idTagInfo);
      break;
    }
  }
  if (call.ref !== undefined) {
    d.answer({ ref: call.ref, value: { ok: true, payload } });
  }
}

/**
 * The StopTransaction of `txRef` was answered: nothing queued refers to the transaction any more
 * (its MeterValues went before it), so its CSMS transactionId is forgotten. This keeps
 * `transactionIds` as small as the number of open transactions, and the fold O(1) per event.
 */
function forgetTransactionId(d: Draft, txRef: string | undefined): void {
  if (txRef === undefined || !(txRef in d.state.transactionIds)) return;
  const { [txRef]: _answered, ...open } = d.state.transactionIds;
  d.set({ transactionIds: open });
}

/** A CALL from the central system. */
function receiveCall(d: Draft, id: string, action: string, payload: unknown, text: string): void {
  const reg = d.state.registration;
  if (reg === "None" || reg === "Rejected") {
    d.note(`${action} ignored: not registered (${reg})`);
    return;
  }
  const checked = validateCall(action, payload);
  if (!checked.ok) {
    d.note(`${action} refused (${checked.code}): ${checked.description}`);
    // A payload that fails its schema (an unknown action is not an invalid message).
    if (checked.code !== "NotImplemented" && checked.code !== "NotSupported") {
      raiseSecurityEvent(d, "InvalidMessages", text.slice(0, 255));
    }
    d.replyError(id, checked.code, checked.description);
    return;
  }
  const handler = REQUEST_HANDLERS[checked.action];
  if (handler === undefined) {
    d.replyError(id, "NotSupported", `${action} is not supported`);
    return;
  }
  const refusal = profileRefusal(checked.action, d.state.config);
  if (refusal !== undefined) {
    d.note(`${action} refused (NotSupported): ${refusal}`);
    d.replyError(id, "NotSupported", refusal);
    return;
  }
  handler.handle(d, id, checked.payload);
}

/** A firmware callback completed: resumes the request waiting for it, if any. */
export function callbackCompleted(d: Draft, data: EventData<"CallbackCompleted">): void {
  if (!data.ok) d.note(`callback ${data.callback} failed: ${data.error ?? ""}`);
  const pending = d.takePendingCallback(data.ref);
  if (pending === undefined) return;
  const handler = REQUEST_HANDLERS[pending.action];
  if (handler?.resume === undefined) {
    d.note(`no continuation for ${pending.action} after ${data.callback}`);
    return;
  }
  handler.resume(
    d,
    pending,
    data.ok ? { ok: true, result: data.result } : { ok: false, error: data.error ?? "failed" },
  );
}

/** Restarts per-connector sampling after a restart of the process. */
export function resumeSampling(d: Draft): void {
  for (const c of d.state.connectors) if (c.transaction !== undefined) armSampling(d, c.id, d.now);
}
