/**
 * The Local Authorization List (OCPP 1.6 §3.5, §5.10 GetLocalListVersion, §5.15 SendLocalList)
 * as part of the folded state: pure functions, no storage of their own (the list is rebuilt from
 * the SendLocalList frames in the log).
 *
 * - Supported when `LocalAuthListEnabled` is true (default true) and `SupportedFeatureProfiles`,
 *   if set, lists `LocalAuthListManagement`. Otherwise SendLocalList answers `NotSupported` and
 *   GetLocalListVersion `-1`.
 * - GetLocalListVersion answers `0` while the list is empty (§5.10: 0 = empty list; OCTT
 *   TC_042_2 expects 0 after a Full update without entries), else the version of the last
 *   accepted update.
 * - Full: replaces the list and its version; without entries it clears the list. Every entry
 *   must carry idTagInfo (§6.x AuthorizationData: required for Full), else `Failed`.
 * - Differential: the version must be greater than the current one (the version
 *   GetLocalListVersion reports), else `VersionMismatch`; entries with idTagInfo are added or
 *   updated, entries without are removed; no entries = no change but the version.
 * - `Failed` (nothing changed): more entries than `SendLocalListMaxLength` (default 100), a result
 *   longer than `LocalAuthListMaxLength` (default 1000), the same idTag twice, or a Full list
 *   with a version < 1 and entries (0 and -1 have reserved meanings).
 * - idTags are case-insensitive (CiString20): an update or a lookup finds an entry whatever the
 *   case; a replaced entry takes the spelling of the update.
 *
 * @module
 */
import type { State } from "./state.ts";
import type { SendLocalListRequest, UpdateStatus } from "./ocpp/local_auth.ts";
import { boolKey, intKey } from "./configuration.ts";
import { featureProfileListed } from "./configuration_keys.ts";

/**
 * An entry of the Local Authorization List (an OCPP `IdTagInfo`).
 *
 * @example
 * ```ts
 * import type { LocalListEntry } from "./local_auth_list.ts";
 * const info: LocalListEntry = { status: "Accepted", parentIdTag: "FLEET-1" };
 * ```
 */
export interface LocalListEntry {
  /** Authorization status. */
  readonly status: "Accepted" | "Blocked" | "Expired" | "Invalid" | "ConcurrentTx";
  /** Expiry of the authorization (RFC 3339). */
  readonly expiryDate?: string;
  /** Parent (group) idTag. */
  readonly parentIdTag?: string;
}

/**
 * The installed Local Authorization List.
 *
 * @example
 * ```ts
 * import type { LocalAuthList } from "./local_auth_list.ts";
 * const list: LocalAuthList = { version: 3, entries: { "TAG-1": { status: "Accepted" } } };
 * ```
 */
export interface LocalAuthList {
  /** Version of the last accepted update (0 = none yet). */
  readonly version: number;
  /** idTagInfo by idTag. */
  readonly entries: Readonly<Record<string, LocalListEntry>>;
}

/**
 * The list before any update.
 *
 * @example
 * ```ts
 * import { EMPTY_LOCAL_LIST } from "./local_auth_list.ts";
 * console.log(EMPTY_LOCAL_LIST.version); // 0
 * ```
 */
export const EMPTY_LOCAL_LIST: LocalAuthList = Object.freeze({
  version: 0,
  entries: Object.freeze({}),
});

/**
 * Size limits of the list, from the configuration.
 *
 * @example
 * ```ts
 * import type { LocalListLimits } from "./local_auth_list.ts";
 * const limits: LocalListLimits = { maxSend: 100, maxStored: 1000 };
 * ```
 */
export interface LocalListLimits {
  /** `SendLocalListMaxLength`: entries in one SendLocalList. */
  readonly maxSend: number;
  /** `LocalAuthListMaxLength`: entries in the list. */
  readonly maxStored: number;
}

/**
 * The limits in effect: `SendLocalListMaxLength` (default 100) and `LocalAuthListMaxLength`
 * (default 1000).
 *
 * @example
 * ```ts
 * import { localListLimits } from "./local_auth_list.ts";
 * console.log(localListLimits({ SendLocalListMaxLength: "20" })); // { maxSend: 20, maxStored: 1000 }
 * ```
 */
export function localListLimits(config: Readonly<Record<string, string>>): LocalListLimits {
  return {
    maxSend: intKey(config, "SendLocalListMaxLength", 100),
    maxStored: intKey(config, "LocalAuthListMaxLength", 1000),
  };
}

/**
 * Whether the Local Authorization List is in use: `LocalAuthListEnabled` (default true) and the
 * `LocalAuthListManagement` profile in `SupportedFeatureProfiles` (when that key is set).
 *
 * @example
 * ```ts
 * import { localListSupported } from "./local_auth_list.ts";
 * console.log(localListSupported({ LocalAuthListEnabled: "false" })); // false
 * console.log(localListSupported({})); // true
 * ```
 */
export function localListSupported(config: Readonly<Record<string, string>>): boolean {
  if (!boolKey(config, "LocalAuthListEnabled", true)) return false;
  return featureProfileListed(config, "LocalAuthListManagement");
}

/**
 * The version of a list as reported: 0 while it is empty.
 *
 * @example
 * ```ts
 * import { listVersionOf } from "./local_auth_list.ts";
 * console.log(listVersionOf({ version: 4, entries: {} })); // 0
 * ```
 */
export function listVersionOf(list: LocalAuthList): number {
  return Object.keys(list.entries).length === 0 ? 0 : list.version;
}

/**
 * The answer to GetLocalListVersion: -1 when not supported, 0 when empty, else the version.
 *
 * @example
 * ```ts
 * import { localListVersion } from "./local_auth_list.ts";
 * import { initialState } from "./state.ts";
 * console.log(localListVersion(initialState())); // 0
 * ```
 */
export function localListVersion(state: State): number {
  return localListSupported(state.config) ? listVersionOf(state.localList) : -1;
}

function findKey(
  entries: Readonly<Record<string, LocalListEntry>>,
  idTag: string,
): string | undefined {
  if (idTag in entries) return idTag;
  const wanted = idTag.toLowerCase();
  return Object.keys(entries).find((k) => k.toLowerCase() === wanted);
}

/**
 * Applies a SendLocalList request to `list` (support is checked by the caller). Returns the
 * status to answer and the list after it (unchanged unless `Accepted`).
 *
 * @example
 * ```ts
 * import { applyLocalListUpdate, EMPTY_LOCAL_LIST } from "./local_auth_list.ts";
 * const limits = { maxSend: 100, maxStored: 1000 };
 * const full = applyLocalListUpdate(EMPTY_LOCAL_LIST, {
 *   listVersion: 1, updateType: "Full",
 *   localAuthorizationList: [{ idTag: "A", idTagInfo: { status: "Accepted" } }],
 * }, limits);
 * console.log(full.status, full.list.version); // "Accepted" 1
 * const old = applyLocalListUpdate(full.list, { listVersion: 1, updateType: "Differential" }, limits);
 * console.log(old.status); // "VersionMismatch"
 * ```
 */
export function applyLocalListUpdate(
  list: LocalAuthList,
  request: SendLocalListRequest,
  limits: LocalListLimits,
): { readonly status: UpdateStatus; readonly list: LocalAuthList } {
  const refused = (status: UpdateStatus) => ({ status, list });
  const items = request.localAuthorizationList ?? [];
  if (items.length > limits.maxSend) return refused("Failed");
  const seen = new Set<string>();
  for (const item of items) {
    const key = item.idTag.toLowerCase();
    if (seen.has(key)) return refused("Failed");
    seen.add(key);
  }
  if (request.updateType === "Full") {
    if (items.length > limits.maxStored) return refused("Failed");
    if (items.length > 0 && request.listVersion < 1) return refused("Failed");
    const entries: Record<string, LocalListEntry> = {};
    for (const item of items) {
      if (item.idTagInfo === undefined) return refused("Failed");
      entries[item.idTag] = item.idTagInfo;
    }
    return { status: "Accepted", list: { version: request.listVersion, entries } };
  }
  if (request.listVersion <= listVersionOf(list)) return refused("VersionMismatch");
  const entries: Record<string, LocalListEntry> = { ...list.entries };
  for (const item of items) {
    const existing = findKey(entries, item.idTag);
    if (existing !== undefined) delete entries[existing];
    if (item.idTagInfo !== undefined) entries[item.idTag] = item.idTagInfo;
  }
  if (Object.keys(entries).length > limits.maxStored) return refused("Failed");
  return { status: "Accepted", list: { version: request.listVersion, entries } };
}

/**
 * The local list's idTagInfo for `idTag` (case-insensitive), or `undefined` when the idTag is not
 * in the list or the list is not in use. An `Accepted` entry whose `expiryDate` is not after
 * `nowMs` (central system time, ms since the epoch) is answered `Expired`.
 *
 * @example
 * ```ts
 * import { lookupLocalList } from "./local_auth_list.ts";
 * import { initialState } from "./state.ts";
 * const state = {
 *   ...initialState(),
 *   localList: { version: 1, entries: { A: { status: "Accepted", expiryDate: "2026-01-01T00:00:00Z" } } },
 * } as const;
 * console.log(lookupLocalList(state, "a", Date.parse("2025-12-31T00:00:00Z"))?.status); // "Accepted"
 * console.log(lookupLocalList(state, "A", Date.parse("2026-01-02T00:00:00Z"))?.status); // "Expired"
 * console.log(lookupLocalList(state, "B", 0)); // undefined
 * ```
 */
export function lookupLocalList(
  state: State,
  idTag: string,
  nowMs: number,
): LocalListEntry | undefined {
  if (!localListSupported(state.config)) return undefined;
  const key = findKey(state.localList.entries, idTag);
  if (key === undefined) return undefined;
  const info = state.localList.entries[key];
  if (info === undefined) return undefined;
  if (info.status === "Accepted" && info.expiryDate !== undefined) {
    const expiry = Date.parse(info.expiryDate);
    if (!Number.isNaN(expiry) && expiry <= nowMs) return { ...info, status: "Expired" };
  }
  return info;
}
