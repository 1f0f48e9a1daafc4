/**
 * GetLog (Security Whitepaper, use case N01): the `uploadLogs` callback (the firmware's, or the
 * `diagnosticsUpload` plugin's) is called with the request; its result `{ status, filename? }` is
 * the answer when it is a valid GetLog.conf, otherwise (invalid, throw) `Rejected`. Progress is then
 * reported through `onLogStatusNotification(requestId, status)` (LogStatusNotification). Without
 * the callback: `Rejected`.
 *
 * @module
 */
import { getLogResponseSchema } from "../ocpp/security.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";

/**
 * A GetLog request as given to the `uploadLogs` callback.
 *
 * @example
 * ```ts
 * import type { LogRequest } from "./get_log.ts";
 * const r: LogRequest = {
 *   log: { remoteLocation: "https://127.0.0.1:8443/logs/" },
 *   logType: "SecurityLog",
 *   requestId: 7,
 * };
 * ```
 */
export interface LogRequest {
  /** Where to upload and which time window to include. */
  readonly log: {
    /** Directory URL to upload to. */
    readonly remoteLocation: string;
    /** Oldest entries to include (RFC 3339). */
    readonly oldestTimestamp?: string;
    /** Latest entries to include (RFC 3339). */
    readonly latestTimestamp?: string;
  };
  /** Which log. */
  readonly logType: "DiagnosticsLog" | "SecurityLog";
  /** Id echoed in every LogStatusNotification of this upload. */
  readonly requestId: number;
  /** How many times to retry a failed upload. */
  readonly retries?: number;
  /** Seconds between retries. */
  readonly retryInterval?: number;
}

/**
 * What the `uploadLogs` callback returns (GetLog.conf).
 *
 * @example
 * ```ts
 * import type { LogUploadReply } from "./get_log.ts";
 * const reply: LogUploadReply = { status: "Accepted", filename: "security-log.tar.gz" };
 * ```
 */
export interface LogUploadReply {
  /** `AcceptedCanceled`: accepted, and an ongoing upload was cancelled for it. */
  readonly status: "Accepted" | "Rejected" | "AcceptedCanceled";
  /** Name of the file that will be uploaded, ≤ 255 characters. */
  readonly filename?: string;
}

/**
 * Handler of GetLog.
 *
 * @example
 * ```ts
 * import { getLogRequest } from "./get_log.ts";
 * console.log(typeof getLogRequest.resume); // "function"
 * ```
 */
export const getLogRequest: RequestHandler<"GetLog"> = defineRequest("GetLog", {
  handle(d, id, request) {
    if (!d.hasCallback("uploadLogs")) {
      d.note("GetLog rejected: no uploadLogs callback");
      d.reply(id, { status: "Rejected" });
      return;
    }
    d.awaitCallback(
      { callback: "uploadLogs", messageId: id, action: "GetLog", context: {} },
      { ...request },
    );
  },
  resume(d, pending, outcome) {
    if (!outcome.ok) {
      d.note(`GetLog: uploadLogs failed (${outcome.error}); Rejected`);
      d.reply(pending.messageId, { status: "Rejected" });
      return;
    }
    const checked = getLogResponseSchema.safeParse(outcome.result);
    if (!checked.success) {
      d.note(
        `GetLog: invalid result of uploadLogs ${
          JSON.stringify(outcome.result) ?? "undefined"
        }; Rejected`,
      );
      d.reply(pending.messageId, { status: "Rejected" });
      return;
    }
    d.reply(pending.messageId, checked.data);
  },
});
