/**
 * ClearCache (Core): when the charge point has an authorization cache (`AuthorizationCacheEnabled`
 * is `true`) it is emptied and the answer is `Accepted`; otherwise `Rejected`. The cache itself is
 * filled by {@linkcode rememberIdTagInfo} from the central system's answers.
 *
 * @module
 */
import type { Draft } from "../draft.ts";
import { rememberAuthorization } from "../authorization.ts";
import { boolKey } from "../configuration.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";

/**
 * Handler of ClearCache.
 *
 * @example
 * ```ts
 * import { clearCacheRequest } from "./clear_cache.ts";
 * console.log(typeof clearCacheRequest.handle); // "function"
 * ```
 */
export const clearCacheRequest: RequestHandler<"ClearCache"> = defineRequest("ClearCache", {
  handle(d, id) {
    if (!boolKey(d.state.config, "AuthorizationCacheEnabled", false)) {
      d.note("ClearCache rejected: AuthorizationCacheEnabled is not true");
      d.reply(id, { status: "Rejected" });
      return;
    }
    d.set({ authCache: {} });
    d.reply(id, { status: "Accepted" });
  },
});

/**
 * Writes the idTagInfo the central system gave for `idTag` (Authorize, StartTransaction or
 * StopTransaction answer) into the authorization cache, while `AuthorizationCacheEnabled` is
 * true. Anything that is not an idTag and an idTagInfo is ignored.
 *
 * @example
 * ```ts ignore
 * rememberIdTagInfo(d, "TAG-1", { status: "Accepted" }); // in the fold, on an Authorize answer
 * ```
 */
export function rememberIdTagInfo(d: Draft, idTag: unknown, idTagInfo: unknown): void {
  // Bounded, case-insensitive, never for idTags of the Local Authorization List: see
  // authorization.ts.
  rememberAuthorization(d, idTag, idTagInfo);
}
