/**
 * Authorization of an idTag (`authorizeIdToken`), decided in the fold so that a replay of the log
 * reproduces every answer (OCPP 1.6 edition 2 §3.5 Local Authorization & Offline Behaviour, §4.1
 * Authorize, §5.4 ClearCache, §9.1 configuration keys).
 *
 * Sources, in order of priority (§3.5.2: the Local Authorization List has priority over the
 * Authorization Cache for the same idTag):
 *
 * 1. the Local Authorization List, while it is in use (`LocalAuthListEnabled` and the
 *    `LocalAuthListManagement` profile, see `local_auth_list.ts`);
 * 2. the Authorization Cache, while `AuthorizationCacheEnabled` is `true`.
 *
 * An entry whose status is `Accepted` and whose `expiryDate` is not after now (central system
 * time) counts as `Expired`; an expired cache entry is rewritten as `Expired` (§3.5.1: "When the
 * validity of an Authorization Cache entry expires, it SHALL be changed to expired").
 *
 * The decision table:
 *
 * | link | LocalPreAuthorize | LocalAuthorizeOffline | list / cache entry | answer (source) |
 * |---|---|---|---|---|
 * | online | true | – | valid `Accepted` | the entry (`localList` / `cache`), no Authorize.req |
 * | online | true | – | none, or not valid | Authorize.req → its idTagInfo (`csms`) |
 * | online | false | – | – | Authorize.req → its idTagInfo (`csms`) |
 * | offline | – | true | any | the entry, `Accepted` or not (`localList` / `cache`) |
 * | offline | – | true | none | `AllowOfflineTxForUnknownId` ? Accepted : Invalid (`offline`) |
 * | offline | – | false | not `Accepted` / expired | the entry (rejected; not "unknown") |
 * | offline | – | false | valid `Accepted`, or none | `AllowOfflineTxForUnknownId` ? Accepted : Invalid (`offline`) |
 *
 * "Online" means the link is open and the BootNotification accepted (the only time a normal CALL
 * can be sent). An Authorize.req that gets no answer (response timeout), a CALLERROR, an invalid
 * answer or a lost link is decided offline at the moment of the failure.
 *
 * Decisions where the spec leaves room:
 * - An idTag known as not `Accepted` (list or cache: Invalid, Blocked, Expired, ConcurrentTx, or an
 *   expired `Accepted`) is never "unknown": offline it is rejected with its status, also when
 *   `AllowOfflineTxForUnknownId` is true (§3.5.3: such identifiers "MUST be rejected"). libocpp
 *   uses only `Accepted` cache entries and lets the others fall to the unknown rule.
 * - With `LocalAuthorizeOffline` false an `Accepted` entry does not authorize offline: the idTag
 *   is treated as unknown (`AllowOfflineTxForUnknownId`), as libocpp does.
 * - Online with `LocalPreAuthorize`, an entry that is not valid does not answer locally: the
 *   central system is asked (it may know better than a stale list or cache).
 * - The cache keeps at most {@linkcode AUTH_CACHE_MAX_ENTRIES} idTags. When a new idTag does not
 *   fit, the entry written longest ago among those that are not valid (not `Accepted`, or expired)
 *   is evicted first, else the entry written longest ago (every transaction of an idTag rewrites
 *   its entry, so "written" is close to "used"). idTags match case-insensitively (CiString20).
 * - idTags of the Local Authorization List are not written into the cache (§4.1, §4.8: "update
 *   the cache entry, if the idTag is not in the Local Authorization List").
 *
 * @module
 */
import type { AnswerEffect, Draft } from "./draft.ts";
import type { AuthCacheEntry, State } from "./state.ts";
import { boolKey } from "./configuration.ts";
import { lookupLocalList } from "./local_auth_list.ts";
import { canSendNormal, sendNormal } from "./outbox.ts";

/**
 * The idTagInfo `authorizeIdToken` answers.
 *
 * @example
 * ```ts
 * import type { AuthorizationInfo } from "./authorization.ts";
 * const info: AuthorizationInfo = { status: "Accepted", expiryDate: "2030-01-01T00:00:00.000Z" };
 * ```
 */
export interface AuthorizationInfo {
  /** Accepted, Blocked, Expired, Invalid or ConcurrentTx. */
  readonly status: string;
  /** Expiry of the authorization (RFC 3339). */
  readonly expiryDate?: string;
  /** Parent (group) idTag. */
  readonly parentIdTag?: string;
}

/**
 * Where an authorization came from: the Local Authorization List, the Authorization Cache, the
 * central system (Authorize.conf), or the offline rule for unknown idTags.
 *
 * @example
 * ```ts
 * import type { AuthorizationSource } from "./authorization.ts";
 * const source: AuthorizationSource = "localList";
 * ```
 */
export type AuthorizationSource = "localList" | "cache" | "csms" | "offline";

/**
 * The answer the fold gives a waiting `authorizeIdToken` (through `effects.answers`).
 *
 * @example
 * ```ts
 * import type { AuthorizationAnswer } from "./authorization.ts";
 * const answer: AuthorizationAnswer = {
 *   ok: true, payload: { idTagInfo: { status: "Accepted" } }, source: "cache",
 * };
 * ```
 */
export interface AuthorizationAnswer {
  /** Always true: an authorization always has an answer. */
  readonly ok: true;
  /** Shaped like an Authorize.conf. */
  readonly payload: { readonly idTagInfo: AuthorizationInfo };
  /** Where the answer came from. */
  readonly source: AuthorizationSource;
}

/**
 * A local decision: the idTagInfo and its source.
 *
 * @example
 * ```ts
 * import type { LocalAuthorization } from "./authorization.ts";
 * const found: LocalAuthorization = { info: { status: "Blocked" }, source: "localList" };
 * ```
 */
export interface LocalAuthorization {
  /** The idTagInfo (status `Expired` when an `Accepted` entry expired). */
  readonly info: AuthorizationInfo;
  /** `localList` or `cache` for an entry; `offline` for the unknown-idTag rule. */
  readonly source: AuthorizationSource;
}

/**
 * Most idTags the Authorization Cache keeps (see the module documentation for the eviction).
 *
 * @example
 * ```ts
 * import { AUTH_CACHE_MAX_ENTRIES } from "./authorization.ts";
 * console.log(AUTH_CACHE_MAX_ENTRIES); // 1000
 * ```
 */
export const AUTH_CACHE_MAX_ENTRIES = 1000;

/** Whether an `Accepted` authorization with this expiry has expired at `nowMs`. */
function expiredAt(expiryDate: string | undefined, nowMs: number): boolean {
  if (expiryDate === undefined) return false;
  const expiry = Date.parse(expiryDate);
  return !Number.isNaN(expiry) && expiry <= nowMs;
}

/** Whether an entry authorizes at `nowMs`: `Accepted` and not expired. */
function valid(info: AuthorizationInfo, nowMs: number): boolean {
  return info.status === "Accepted" && !expiredAt(info.expiryDate, nowMs);
}

function cacheKey(
  cache: Readonly<Record<string, AuthCacheEntry>>,
  idTag: string,
): string | undefined {
  if (idTag in cache) return idTag;
  const wanted = idTag.toLowerCase();
  return Object.keys(cache).find((k) => k.toLowerCase() === wanted);
}

function infoOf(entry: AuthorizationInfo): AuthorizationInfo {
  return {
    status: entry.status,
    ...(entry.expiryDate === undefined ? {} : { expiryDate: entry.expiryDate }),
    ...(entry.parentIdTag === undefined ? {} : { parentIdTag: entry.parentIdTag }),
  };
}

/**
 * The cache's idTagInfo for `idTag` (case-insensitive) while `AuthorizationCacheEnabled` is true,
 * with an `Accepted` entry whose `expiryDate` is not after `nowMs` answered `Expired`.
 *
 * @example
 * ```ts
 * import { lookupAuthCache } from "./authorization.ts";
 * import { initialState } from "./state.ts";
 * const state = {
 *   ...initialState(),
 *   config: { AuthorizationCacheEnabled: "true" },
 *   authCache: {
 *     "TAG-1": { status: "Accepted", expiryDate: "2026-01-01T00:00:00Z", updatedAt: "2025-12-01T00:00:00Z" },
 *   },
 * };
 * console.log(lookupAuthCache(state, "tag-1", Date.parse("2025-12-31T00:00:00Z"))?.status); // "Accepted"
 * console.log(lookupAuthCache(state, "TAG-1", Date.parse("2026-01-01T00:00:00Z"))?.status); // "Expired"
 * ```
 */
export function lookupAuthCache(
  state: State,
  idTag: string,
  nowMs: number,
): AuthorizationInfo | undefined {
  if (!boolKey(state.config, "AuthorizationCacheEnabled", false)) return undefined;
  const key = cacheKey(state.authCache, idTag);
  const entry = key === undefined ? undefined : state.authCache[key];
  if (entry === undefined) return undefined;
  const info = infoOf(entry);
  return info.status === "Accepted" && expiredAt(info.expiryDate, nowMs)
    ? { ...info, status: "Expired" }
    : info;
}

/**
 * The local entry for `idTag`: the Local Authorization List first, then the Authorization Cache;
 * `undefined` when neither knows it (or neither is in use).
 *
 * @example
 * ```ts
 * import { localAuthorization } from "./authorization.ts";
 * import { initialState } from "./state.ts";
 * const state = {
 *   ...initialState(),
 *   localList: { version: 1, entries: { "TAG-1": { status: "Blocked" as const } } },
 * };
 * console.log(localAuthorization(state, "TAG-1", 0)); // { info: { status: "Blocked" }, source: "localList" }
 * console.log(localAuthorization(state, "TAG-2", 0)); // undefined
 * ```
 */
export function localAuthorization(
  state: State,
  idTag: string,
  nowMs: number,
): LocalAuthorization | undefined {
  const listed = lookupLocalList(state, idTag, nowMs);
  if (listed !== undefined) return { info: infoOf(listed), source: "localList" };
  const cached = lookupAuthCache(state, idTag, nowMs);
  if (cached !== undefined) return { info: cached, source: "cache" };
  return undefined;
}

/**
 * The decision while offline (or when the Authorize.req failed): see the decision table of the
 * module.
 *
 * @example
 * ```ts
 * import { offlineAuthorization } from "./authorization.ts";
 * import { initialState } from "./state.ts";
 * const state = { ...initialState(), config: { AllowOfflineTxForUnknownId: "true" } };
 * console.log(offlineAuthorization(state, "UNKNOWN", 0));
 * // { info: { status: "Accepted" }, source: "offline" }
 * ```
 */
export function offlineAuthorization(
  state: State,
  idTag: string,
  nowMs: number,
): LocalAuthorization {
  const local = localAuthorization(state, idTag, nowMs);
  if (local !== undefined) {
    if (local.info.status !== "Accepted") return local;
    if (boolKey(state.config, "LocalAuthorizeOffline", true)) return local;
  }
  const unknownAllowed = boolKey(state.config, "AllowOfflineTxForUnknownId", false);
  return { info: { status: unknownAllowed ? "Accepted" : "Invalid" }, source: "offline" };
}

/**
 * The online decision without asking the central system: with `LocalPreAuthorize` true, a valid
 * `Accepted` entry of the list or the cache; otherwise `undefined` (send an Authorize.req).
 *
 * @example
 * ```ts
 * import { preAuthorization } from "./authorization.ts";
 * import { initialState } from "./state.ts";
 * const state = {
 *   ...initialState(),
 *   config: { LocalPreAuthorize: "true" },
 *   localList: { version: 1, entries: { "TAG-1": { status: "Accepted" as const } } },
 * };
 * console.log(preAuthorization(state, "TAG-1", 0)?.source); // "localList"
 * console.log(preAuthorization(state, "TAG-2", 0)); // undefined
 * ```
 */
export function preAuthorization(
  state: State,
  idTag: string,
  nowMs: number,
): LocalAuthorization | undefined {
  if (!boolKey(state.config, "LocalPreAuthorize", false)) return undefined;
  const local = localAuthorization(state, idTag, nowMs);
  return local !== undefined && valid(local.info, nowMs) ? local : undefined;
}

/**
 * The Authorization Cache after writing `info` for `idTag`: the entry of the same idTag (any
 * case) is replaced; a new idTag beyond `max` entries evicts one entry first (not valid ones
 * first, then the one written longest ago). Pure.
 *
 * @example
 * ```ts
 * import { cacheIdTagInfo } from "./authorization.ts";
 * const cache = cacheIdTagInfo({}, "TAG-1", { status: "Accepted" }, "2026-01-01T00:00:00.000Z");
 * console.log(cache["TAG-1"]?.status); // "Accepted"
 * const full = cacheIdTagInfo(cache, "TAG-2", { status: "Invalid" }, "2026-01-01T00:01:00.000Z", 1);
 * console.log(Object.keys(full)); // ["TAG-2"]
 * ```
 */
export function cacheIdTagInfo(
  cache: Readonly<Record<string, AuthCacheEntry>>,
  idTag: string,
  info: AuthorizationInfo,
  updatedAt: string,
  max: number = AUTH_CACHE_MAX_ENTRIES,
): Readonly<Record<string, AuthCacheEntry>> {
  const entry: AuthCacheEntry = { ...infoOf(info), updatedAt };
  const existing = cacheKey(cache, idTag);
  const next: Record<string, AuthCacheEntry> = {};
  for (const [key, value] of Object.entries(cache)) if (key !== existing) next[key] = value;
  if (existing === undefined) {
    const nowMs = Date.parse(updatedAt);
    while (Object.keys(next).length >= Math.max(max, 1)) {
      const victim = evictionVictim(next, nowMs);
      if (victim === undefined) break;
      delete next[victim];
    }
  }
  next[idTag] = entry;
  return next;
}

function evictionVictim(
  cache: Readonly<Record<string, AuthCacheEntry>>,
  nowMs: number,
): string | undefined {
  let invalidVictim: [string, string] | undefined;
  let oldest: [string, string] | undefined;
  for (const [key, entry] of Object.entries(cache)) {
    if (oldest === undefined || entry.updatedAt < oldest[1]) oldest = [key, entry.updatedAt];
    if (
      !valid(entry, nowMs) && (invalidVictim === undefined || entry.updatedAt < invalidVictim[1])
    ) {
      invalidVictim = [key, entry.updatedAt];
    }
  }
  return (invalidVictim ?? oldest)?.[0];
}

/**
 * Writes the idTagInfo the central system gave for `idTag` (Authorize, StartTransaction or
 * StopTransaction answer) into the Authorization Cache, while `AuthorizationCacheEnabled` is true
 * and the idTag is not in the Local Authorization List. Anything that is not an idTag and an
 * idTagInfo is ignored.
 *
 * @example
 * ```ts ignore
 * rememberAuthorization(d, "TAG-1", { status: "Accepted" }); // in the fold, on an Authorize answer
 * ```
 */
export function rememberAuthorization(d: Draft, idTag: unknown, idTagInfo: unknown): void {
  if (typeof idTag !== "string" || typeof idTagInfo !== "object" || idTagInfo === null) return;
  if (!boolKey(d.state.config, "AuthorizationCacheEnabled", false)) return;
  const { status, expiryDate, parentIdTag } = idTagInfo as Record<string, unknown>;
  if (typeof status !== "string") return;
  if (lookupLocalList(d.state, idTag, 0) !== undefined) {
    d.note(`idTagInfo of ${idTag} not cached: the idTag is in the Local Authorization List`);
    return;
  }
  const info: AuthorizationInfo = {
    status,
    ...(typeof expiryDate === "string" ? { expiryDate } : {}),
    ...(typeof parentIdTag === "string" ? { parentIdTag } : {}),
  };
  d.set({ authCache: cacheIdTagInfo(d.state.authCache, idTag, info, d.isoNow()) });
}

/** Central-system-aligned now of the step, ms since the epoch. */
function csmsNow(d: Draft): number {
  return d.now + d.state.timeOffsetMs;
}

/** Rewrites an expired `Accepted` cache entry as `Expired` (§3.5.1). */
function markExpired(d: Draft, idTag: string, found: LocalAuthorization | undefined): void {
  if (found?.source !== "cache" || found.info.status !== "Expired") return;
  const key = cacheKey(d.state.authCache, idTag);
  const entry = key === undefined ? undefined : d.state.authCache[key];
  if (key === undefined || entry === undefined || entry.status === "Expired") return;
  d.set({ authCache: { ...d.state.authCache, [key]: { ...entry, status: "Expired" } } });
}

function answer(d: Draft, ref: string, idTag: string, decided: LocalAuthorization): void {
  const value: AuthorizationAnswer = {
    ok: true,
    payload: { idTagInfo: decided.info },
    source: decided.source,
  };
  d.note(`authorization of ${idTag}: ${decided.info.status} (${decided.source})`);
  d.answer({ ref, value });
}

function answerOffline(d: Draft, ref: string, idTag: string): void {
  const now = csmsNow(d);
  markExpired(d, idTag, localAuthorization(d.state, idTag, now));
  answer(d, ref, idTag, offlineAuthorization(d.state, idTag, now));
}

/**
 * Folds `AuthorizeRequested`: answers at once from the list or the cache (LocalPreAuthorize),
 * sends an Authorize.req (its answer is given by {@linkcode settleAuthorizations}), or decides
 * offline. The answer goes to `effects.answers` under the event's id.
 *
 * @example
 * ```ts ignore
 * case "AuthorizeRequested": authorizeRequested(d, event.data.idTag); return; // in step.ts
 * ```
 */
export function authorizeRequested(d: Draft, idTag: string): void {
  const ref = d.eventId;
  if (!canSendNormal(d)) {
    answerOffline(d, ref, idTag);
    return;
  }
  const now = csmsNow(d);
  markExpired(d, idTag, localAuthorization(d.state, idTag, now));
  const pre = preAuthorization(d.state, idTag, now);
  if (pre !== undefined) {
    answer(d, ref, idTag, pre);
    return;
  }
  sendNormal(d, "Authorize", { idTag }, ref);
  d.set({ pendingAuthorizations: { ...d.state.pendingAuthorizations, [ref]: idTag } });
}

/**
 * Runs at the end of every step: the answer of a pending Authorize.req becomes the authorization
 * (`csms`); a failure (no answer in time, CALLERROR, invalid answer, link lost, stop) is decided
 * offline at that moment. A restart abandons the pending ones (nobody waits for them any more).
 *
 * @example
 * ```ts ignore
 * settleAuthorizations(d, event.type === "ChargePointStarted"); // in step()
 * ```
 */
export function settleAuthorizations(d: Draft, restarted: boolean): void {
  const pending = d.state.pendingAuthorizations;
  if (Object.keys(pending).length === 0) return;
  const answers = d.effects.answers;
  // The answers with those of pending authorizations settled (a copy, once one is).
  let settledAnswers: AnswerEffect[] | undefined;
  let left: Record<string, string> | undefined;
  for (let i = 0; i < answers.length; i++) {
    const { ref, value } = answers[i];
    const idTag = pending[ref];
    if (idTag === undefined) continue;
    left ??= { ...pending };
    delete left[ref];
    const v = value as { ok?: unknown; payload?: { idTagInfo?: unknown }; reason?: unknown };
    const info = v.ok === true ? v.payload?.idTagInfo : undefined;
    if (typeof info === "object" && info !== null && "status" in info) {
      const settled: AuthorizationAnswer = {
        ok: true,
        payload: { idTagInfo: infoOf(info as AuthorizationInfo) },
        source: "csms",
      };
      (settledAnswers ??= [...answers])[i] = { ref, value: settled };
      continue;
    }
    d.note(`Authorize for ${idTag} failed (${String(v.reason)}): decided offline`);
    const now = csmsNow(d);
    markExpired(d, idTag, localAuthorization(d.state, idTag, now));
    const decided = offlineAuthorization(d.state, idTag, now);
    const offline: AuthorizationAnswer = {
      ok: true,
      payload: { idTagInfo: decided.info },
      source: decided.source,
    };
    (settledAnswers ??= [...answers])[i] = { ref, value: offline };
  }
  if (settledAnswers !== undefined) d.effects.answers = settledAnswers;
  if (restarted) {
    d.note(`${Object.keys(left ?? pending).length} pending authorization(s) abandoned: restart`);
    left = {};
  }
  if (left !== undefined) d.set({ pendingAuthorizations: left });
}
