/**
 * Reading the result of a certificate callback: the built-in ones give `{ status, reason? }`, a
 * firmware may give the bare status. Anything else, or a failed callback, is `fallback`.
 *
 * @module
 */
import type { CallbackOutcome } from "./request_handler.ts";

/**
 * The status (one of `allowed`) and the reason of a certificate callback's outcome.
 *
 * @example
 * ```ts
 * import { certificateOutcome } from "./certificate_outcome.ts";
 * console.log(certificateOutcome({ ok: true, result: "Accepted" }, ["Accepted", "Rejected"], "Rejected"));
 * // { status: "Accepted" }
 * ```
 */
export function certificateOutcome<S extends string>(
  outcome: CallbackOutcome,
  allowed: readonly S[],
  fallback: S,
): { status: S; reason?: string; result?: Readonly<Record<string, unknown>> } {
  if (!outcome.ok) return { status: fallback, reason: `callback failed: ${outcome.error}` };
  const result = outcome.result;
  if (typeof result === "string" && (allowed as readonly string[]).includes(result)) {
    return { status: result as S };
  }
  if (typeof result === "object" && result !== null && !Array.isArray(result)) {
    const record = result as Record<string, unknown>;
    if ((allowed as readonly string[]).includes(String(record.status))) {
      return {
        status: record.status as S,
        ...(typeof record.reason === "string" ? { reason: record.reason } : {}),
        result: record,
      };
    }
  }
  return { status: fallback, reason: `invalid callback result ${JSON.stringify(result) ?? ""}` };
}
