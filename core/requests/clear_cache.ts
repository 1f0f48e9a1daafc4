/**
 * ClearCache (Core): when the charge point has an authorization cache (`AuthorizationCacheEnabled`
 * is `true`) it is emptied and the answer is `Accepted`; otherwise `Rejected`. The cache itself is
 * filled by {@linkcode rememberIdTagInfo} from the central system's answers.
 *
 * @module
 */
import type { Draft } from "../draft.ts";
import type { AuthCacheEntry } from "../state.ts";
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
  if (typeof idTag !== "string" || typeof idTagInfo !== "object" || idTagInfo === null) return;
  if (!boolKey(d.state.config, "AuthorizationCacheEnabled", false)) return;
  const { status, expiryDate, parentIdTag } = idTagInfo as Record<string, unknown>;
  if (typeof status !== "string") return;
  const entry: AuthCacheEntry = {
    status,
    ...(typeof expiryDate === "string" ? { expiryDate } : {}),
    ...(typeof parentIdTag === "string" ? { parentIdTag } : {}),
    updatedAt: d.isoNow(),
  };
  d.set({ authCache: { ...d.state.authCache, [idTag]: entry } });
}
