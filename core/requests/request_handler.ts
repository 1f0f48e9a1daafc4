/**
 * How the charge point answers a CALL of the central system: a pure handler that answers at once
 * or waits for a firmware callback and answers when its result arrives.
 *
 * @module
 */
import type { Draft } from "../draft.ts";
import type { ActionName, RequestOf } from "../ocpp/actions.ts";
import type { PendingCallback } from "../state.ts";

/** The result of a firmware callback as recorded in `CallbackCompleted`. */
export type CallbackOutcome =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: string };

/** Answers one action of the central system. */
export interface RequestHandler<A extends ActionName = ActionName> {
  /** Handles a schema-valid CALL: answer with `d.reply`/`d.replyError`, or `d.awaitCallback`. */
  handle(d: Draft, messageId: string, request: RequestOf<A>): void;
  /** Continues after a callback awaited with `d.awaitCallback` completed. */
  resume?(d: Draft, pending: PendingCallback, outcome: CallbackOutcome): void;
}

/**
 * Types a handler for `action` (identity at run time).
 *
 * @example
 * ```ts
 * import { defineRequest } from "./request_handler.ts";
 * const clearCache = defineRequest("ClearCache", {
 *   handle(d, id) { d.reply(id, { status: "Accepted" }); },
 * });
 * ```
 */
export function defineRequest<A extends ActionName>(
  _action: A,
  handler: RequestHandler<A>,
): RequestHandler<A> {
  return handler;
}
