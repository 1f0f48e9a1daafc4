/**
 * GetDiagnostics (Firmware Management): the `uploadDiagnostics` callback (the firmware's, or the
 * `diagnosticsUpload` plugin's) is called with the request and its result `{ fileName? }` is the
 * answer; it then reports progress through `onLogStatusNotification(-1, status)`
 * (DiagnosticsStatusNotification). A failed or invalid result answers `{}` (no diagnostics
 * available). Without the callback the charge point does not support the operation: CALLERROR
 * `NotSupported`.
 *
 * @module
 */
import { ciString255Schema } from "../ocpp/types.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";

/**
 * A GetDiagnostics request as given to the `uploadDiagnostics` callback.
 *
 * @example
 * ```ts
 * import type { DiagnosticsRequest } from "./get_diagnostics.ts";
 * const r: DiagnosticsRequest = { location: "ftp://127.0.0.1/upload/", retries: 2 };
 * ```
 */
export interface DiagnosticsRequest {
  /** Directory URL to upload to (`ftp://`, `ftps://`, `http://`, `https://`). */
  readonly location: string;
  /** How many times to retry a failed upload. */
  readonly retries?: number;
  /** Seconds between retries. */
  readonly retryInterval?: number;
  /** Oldest diagnostics to include (RFC 3339). */
  readonly startTime?: string;
  /** Latest diagnostics to include (RFC 3339). */
  readonly stopTime?: string;
}

/**
 * What the `uploadDiagnostics` callback returns: the name of the file it will upload, absent
 * when no diagnostics are available.
 *
 * @example
 * ```ts
 * import type { DiagnosticsUploadReply } from "./get_diagnostics.ts";
 * const reply: DiagnosticsUploadReply = { fileName: "diagnostics.tar.gz" };
 * ```
 */
export interface DiagnosticsUploadReply {
  /** File name, ≤ 255 characters. */
  readonly fileName?: string;
}

/**
 * Handler of GetDiagnostics.
 *
 * @example
 * ```ts
 * import { getDiagnosticsRequest } from "./get_diagnostics.ts";
 * console.log(typeof getDiagnosticsRequest.resume); // "function"
 * ```
 */
export const getDiagnosticsRequest: RequestHandler<"GetDiagnostics"> = defineRequest(
  "GetDiagnostics",
  {
    handle(d, id, request) {
      if (!d.hasCallback("uploadDiagnostics")) {
        d.note("GetDiagnostics not supported: no uploadDiagnostics callback");
        d.replyError(id, "NotSupported", "GetDiagnostics is not supported");
        return;
      }
      d.awaitCallback(
        { callback: "uploadDiagnostics", messageId: id, action: "GetDiagnostics", context: {} },
        { ...request },
      );
    },
    resume(d, pending, outcome) {
      if (!outcome.ok) {
        d.note(`GetDiagnostics: uploadDiagnostics failed (${outcome.error}); no file`);
        d.reply(pending.messageId, {});
        return;
      }
      const result = outcome.result;
      const fileName = typeof result === "object" && result !== null && "fileName" in result
        ? result.fileName
        : undefined;
      if (fileName === undefined) {
        d.reply(pending.messageId, {});
        return;
      }
      const checked = ciString255Schema.safeParse(fileName);
      if (!checked.success) {
        d.note(`GetDiagnostics: invalid fileName ${JSON.stringify(fileName)}; answered without it`);
        d.reply(pending.messageId, {});
        return;
      }
      d.reply(pending.messageId, { fileName: checked.data });
    },
  },
);
