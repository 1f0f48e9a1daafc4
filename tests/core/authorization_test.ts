/**
 * Authorization decided in the fold (`core/authorization.ts`) and the reaction to a StartTransaction
 * answered with an idTagInfo that is not Accepted (`core/invalid_id.ts`), without network: every
 * branch of the decision table is a row, the list and the cache are filled through the log
 * (SendLocalList, Authorize answers), and the answers replay.
 */
import assert from "node:assert/strict";
import type { EventData, EventType } from "../../events/mod.ts";
import { step, type StepResult } from "../../core/step.ts";
import { initialState } from "../../core/state.ts";
import type { CallbackEffect } from "../../core/draft.ts";
import {
  AUTH_CACHE_MAX_ENTRIES,
  type AuthorizationAnswer,
  cacheIdTagInfo,
  offlineAuthorization,
} from "../../core/authorization.ts";
import { BASE, callsIn, FoldScript, START_DATA } from "./support/fold_script.ts";

/** A FoldScript that also keeps every answer and callback the fold asked for. */
class Recorder extends FoldScript {
  readonly answers: { ref: string; value: unknown }[] = [];
  readonly callbacks: CallbackEffect[] = [];

  override add<T extends EventType>(type: T, data: EventData<T>, atMs?: number): StepResult {
    const result = super.add(type, data, atMs);
    this.answers.push(...result.effects.answers);
    this.callbacks.push(...result.effects.callbacks);
    return result;
  }

  /** Answers the CALL in flight with `text` built from its message id. */
  reply(frame: (id: string) => unknown[]): StepResult {
    const call = this.state.inFlight;
    assert.ok(call !== undefined, "no CALL in flight");
    return this.add("FrameReceived", { text: JSON.stringify(frame(call.id)) });
  }

  /** Answers every CALL; a StartTransaction with `startAnswer` when given. */
  drainWith(startAnswer?: Record<string, unknown>): void {
    for (let i = 0; i < 100 && this.state.inFlight !== undefined; i++) {
      if (this.state.inFlight.action === "StartTransaction" && startAnswer !== undefined) {
        this.reply((id) => [3, id, startAnswer]);
      } else this.answer();
    }
    assert.equal(this.state.inFlight, undefined);
  }

  /** Names and arguments of the callbacks asked for. */
  called(...names: string[]): [string, ...unknown[]][] {
    return this.callbacks.filter((c) => names.includes(c.name)).map((
      c,
    ) => [c.name, ...c.args]);
  }
}

/** The time of the next event (one second after the last one). */
const nextIso = (s: FoldScript): string => new Date(s.now + 1000).toISOString();

const OPENED = { url: "ws://127.0.0.1:9000/ocpp/CP-1", protocol: "ocpp1.6" };
const CLOSED = { code: 1006, reason: "gone", wasOpen: true };

function booted(configuration: Record<string, string>, callbacks: string[] = []): Recorder {
  const s = new Recorder();
  s.add("ChargePointStarted", { ...START_DATA, configuration, callbacks });
  s.add("ConnectionOpened", OPENED);
  s.drain();
  assert.equal(s.state.registration, "Accepted");
  return s;
}

type Info = { status: string; expiryDate?: string; parentIdTag?: string };

/** How the central system treats the Authorize.req (when one is sent). */
type CsmsBehaviour =
  | { readonly answer: Info }
  | { readonly error: string }
  | "timeout"
  | "linkLost"
  | "invalidAnswer";

const PAST = "2025-06-01T00:00:00.000Z";
const FUTURE = "2030-01-01T00:00:00.000Z";

interface Row {
  readonly name: string;
  /** Configuration at start (the cache is filled with AuthorizationCacheEnabled true first). */
  readonly config?: Record<string, string>;
  /** Cache entries, learned from Authorize answers. */
  readonly cache?: Record<string, Info>;
  /** Local list entries (SendLocalList Full), installed after the cache. */
  readonly list?: Record<string, Info>;
  /** ChangeConfiguration after filling the list and the cache. */
  readonly change?: Record<string, string>;
  /** Link when the idTag is presented. */
  readonly link: "online" | "offline" | "pending";
  readonly idTag: string;
  /** The central system's reaction to the Authorize.req. */
  readonly csms?: CsmsBehaviour;
  readonly expected: { status: string; source: string; authorize: boolean; expiryDate?: string };
}

const ROWS: Row[] = [
  // ---- online ----------------------------------------------------------------------------------
  {
    name:
      "online, LocalPreAuthorize false: the central system decides even over an Accepted list entry",
    list: { "TAG-1": { status: "Accepted" } },
    link: "online",
    idTag: "TAG-1",
    csms: { answer: { status: "Blocked" } },
    expected: { status: "Blocked", source: "csms", authorize: true },
  },
  {
    name: "online, LocalPreAuthorize true: a valid list entry answers without Authorize.req",
    config: { LocalPreAuthorize: "true" },
    list: { "TAG-1": { status: "Accepted", expiryDate: FUTURE } },
    link: "online",
    idTag: "tag-1",
    expected: { status: "Accepted", source: "localList", authorize: false, expiryDate: FUTURE },
  },
  {
    name: "online, LocalPreAuthorize true: a valid cache entry answers without Authorize.req",
    config: { LocalPreAuthorize: "true", AuthorizationCacheEnabled: "true" },
    cache: { "TAG-1": { status: "Accepted" } },
    link: "online",
    idTag: "TAG-1",
    expected: { status: "Accepted", source: "cache", authorize: false },
  },
  {
    name: "online, LocalPreAuthorize true: the list has priority over the cache",
    config: { LocalPreAuthorize: "true", AuthorizationCacheEnabled: "true" },
    cache: { "TAG-1": { status: "Blocked" } },
    list: { "TAG-1": { status: "Accepted" } },
    link: "online",
    idTag: "TAG-1",
    expected: { status: "Accepted", source: "localList", authorize: false },
  },
  {
    name: "online, LocalPreAuthorize true: a cache entry is not used while the cache is disabled",
    config: { LocalPreAuthorize: "true", AuthorizationCacheEnabled: "true" },
    cache: { "TAG-1": { status: "Accepted" } },
    change: { AuthorizationCacheEnabled: "false" },
    link: "online",
    idTag: "TAG-1",
    csms: { answer: { status: "Invalid" } },
    expected: { status: "Invalid", source: "csms", authorize: true },
  },
  {
    name:
      "online, LocalPreAuthorize true: a list entry is not used while LocalAuthListEnabled is false",
    config: { LocalPreAuthorize: "true" },
    list: { "TAG-1": { status: "Accepted" } },
    change: { LocalAuthListEnabled: "false" },
    link: "online",
    idTag: "TAG-1",
    csms: { answer: { status: "Accepted", parentIdTag: "FLEET" } },
    expected: { status: "Accepted", source: "csms", authorize: true },
  },
  {
    name: "online, LocalPreAuthorize true: an expired cache entry asks the central system",
    config: { LocalPreAuthorize: "true", AuthorizationCacheEnabled: "true" },
    cache: { "TAG-1": { status: "Accepted", expiryDate: PAST } },
    link: "online",
    idTag: "TAG-1",
    csms: { answer: { status: "Accepted" } },
    expected: { status: "Accepted", source: "csms", authorize: true },
  },
  {
    name: "online, LocalPreAuthorize true: a Blocked list entry asks the central system",
    config: { LocalPreAuthorize: "true" },
    list: { "TAG-1": { status: "Blocked" } },
    link: "online",
    idTag: "TAG-1",
    csms: { answer: { status: "Accepted" } },
    expected: { status: "Accepted", source: "csms", authorize: true },
  },
  {
    name: "online, Authorize CALLERROR: decided offline (unknown, AllowOfflineTxForUnknownId true)",
    config: { AllowOfflineTxForUnknownId: "true" },
    link: "online",
    idTag: "TAG-9",
    csms: { error: "InternalError" },
    expected: { status: "Accepted", source: "offline", authorize: true },
  },
  {
    name: "online, Authorize unanswered (response timeout): decided offline from the cache",
    config: { AuthorizationCacheEnabled: "true" },
    cache: { "TAG-1": { status: "Accepted", parentIdTag: "FLEET" } },
    link: "online",
    idTag: "TAG-1",
    csms: "timeout",
    expected: { status: "Accepted", source: "cache", authorize: true },
  },
  {
    name: "online, link lost while Authorize is in flight: decided offline (unknown → Invalid)",
    link: "online",
    idTag: "TAG-9",
    csms: "linkLost",
    expected: { status: "Invalid", source: "offline", authorize: true },
  },
  {
    name: "online, invalid Authorize answer: decided offline from the list",
    list: { "TAG-1": { status: "Accepted" } },
    link: "online",
    idTag: "TAG-1",
    csms: "invalidAnswer",
    expected: { status: "Accepted", source: "localList", authorize: true },
  },
  // ---- offline, LocalAuthorizeOffline true (default) ------------------------------------------
  {
    name: "offline: an Accepted list entry authorizes",
    list: { "TAG-1": { status: "Accepted", parentIdTag: "FLEET" } },
    link: "offline",
    idTag: "TAG-1",
    expected: { status: "Accepted", source: "localList", authorize: false },
  },
  {
    name: "offline: a Blocked list entry is rejected even with AllowOfflineTxForUnknownId",
    config: { AllowOfflineTxForUnknownId: "true" },
    list: { "TAG-1": { status: "Blocked" } },
    link: "offline",
    idTag: "TAG-1",
    expected: { status: "Blocked", source: "localList", authorize: false },
  },
  {
    name: "offline: an expired Accepted list entry is Expired",
    config: { AllowOfflineTxForUnknownId: "true" },
    list: { "TAG-1": { status: "Accepted", expiryDate: PAST } },
    link: "offline",
    idTag: "TAG-1",
    expected: { status: "Expired", source: "localList", authorize: false, expiryDate: PAST },
  },
  {
    name: "offline: the list has priority over the cache (Blocked in the list, Accepted cached)",
    config: { AuthorizationCacheEnabled: "true" },
    cache: { "TAG-1": { status: "Accepted" } },
    list: { "TAG-1": { status: "Blocked" } },
    link: "offline",
    idTag: "TAG-1",
    expected: { status: "Blocked", source: "localList", authorize: false },
  },
  {
    name: "offline: an Accepted cache entry authorizes",
    config: { AuthorizationCacheEnabled: "true" },
    cache: { "TAG-1": { status: "Accepted", expiryDate: FUTURE } },
    link: "offline",
    idTag: "tag-1",
    expected: { status: "Accepted", source: "cache", authorize: false, expiryDate: FUTURE },
  },
  {
    name: "offline: an Invalid cache entry is rejected even with AllowOfflineTxForUnknownId",
    config: { AuthorizationCacheEnabled: "true", AllowOfflineTxForUnknownId: "true" },
    cache: { "TAG-1": { status: "Invalid" } },
    link: "offline",
    idTag: "TAG-1",
    expected: { status: "Invalid", source: "cache", authorize: false },
  },
  {
    name:
      "offline: an expired Accepted cache entry is Expired even with AllowOfflineTxForUnknownId",
    config: { AuthorizationCacheEnabled: "true", AllowOfflineTxForUnknownId: "true" },
    cache: { "TAG-1": { status: "Accepted", expiryDate: PAST } },
    link: "offline",
    idTag: "TAG-1",
    expected: { status: "Expired", source: "cache", authorize: false, expiryDate: PAST },
  },
  {
    name: "offline: a cache entry is not used while the cache is disabled (unknown → Invalid)",
    config: { AuthorizationCacheEnabled: "true" },
    cache: { "TAG-1": { status: "Accepted" } },
    change: { AuthorizationCacheEnabled: "false" },
    link: "offline",
    idTag: "TAG-1",
    expected: { status: "Invalid", source: "offline", authorize: false },
  },
  {
    name: "offline: unknown idTag with AllowOfflineTxForUnknownId true → Accepted",
    config: { AllowOfflineTxForUnknownId: "true" },
    link: "offline",
    idTag: "TAG-9",
    expected: { status: "Accepted", source: "offline", authorize: false },
  },
  {
    name: "offline: unknown idTag with AllowOfflineTxForUnknownId false → Invalid",
    link: "offline",
    idTag: "TAG-9",
    expected: { status: "Invalid", source: "offline", authorize: false },
  },
  // ---- offline, LocalAuthorizeOffline false ---------------------------------------------------
  {
    name: "offline, LocalAuthorizeOffline false: an Accepted list entry does not authorize",
    config: { LocalAuthorizeOffline: "false" },
    list: { "TAG-1": { status: "Accepted" } },
    link: "offline",
    idTag: "TAG-1",
    expected: { status: "Invalid", source: "offline", authorize: false },
  },
  {
    name: "offline, LocalAuthorizeOffline false: AllowOfflineTxForUnknownId still accepts",
    config: { LocalAuthorizeOffline: "false", AllowOfflineTxForUnknownId: "true" },
    list: { "TAG-1": { status: "Accepted" } },
    link: "offline",
    idTag: "TAG-1",
    expected: { status: "Accepted", source: "offline", authorize: false },
  },
  {
    name: "offline, LocalAuthorizeOffline false: a Blocked list entry is not unknown: rejected",
    config: { LocalAuthorizeOffline: "false", AllowOfflineTxForUnknownId: "true" },
    list: { "TAG-1": { status: "Blocked" } },
    link: "offline",
    idTag: "TAG-1",
    expected: { status: "Blocked", source: "localList", authorize: false },
  },
  // ---- connected but not registered ----------------------------------------------------------
  {
    name: "BootNotification not accepted (Pending): decided offline, no Authorize.req",
    list: { "TAG-1": { status: "Accepted" } },
    link: "pending",
    idTag: "TAG-1",
    expected: { status: "Accepted", source: "localList", authorize: false },
  },
];

/** Fills the cache (Authorize answers) and the list (SendLocalList) through the log. */
function prepare(row: Row): Recorder {
  const cacheConfig: Record<string, string> = row.cache === undefined
    ? {}
    : { AuthorizationCacheEnabled: "true" };
  const s = booted({ ...row.config, ...cacheConfig, LocalPreAuthorize: "false" });
  for (const [idTag, info] of Object.entries(row.cache ?? {})) {
    s.add("AuthorizeRequested", { idTag });
    s.reply((id) => [3, id, { idTagInfo: info }]);
  }
  if (row.list !== undefined) {
    const localAuthorizationList = Object.entries(row.list).map(([idTag, idTagInfo]) => ({
      idTag,
      idTagInfo,
    }));
    const r = s.csmsCall("SendLocalList", {
      listVersion: 1,
      updateType: "Full",
      localAuthorizationList,
    });
    assert.deepEqual(r.answer, { status: "Accepted" });
  }
  const change = { LocalPreAuthorize: row.config?.LocalPreAuthorize ?? "false", ...row.change };
  for (const [key, value] of Object.entries(change)) {
    assert.deepEqual(s.csmsCall("ChangeConfiguration", { key, value }).answer, {
      status: "Accepted",
    });
  }
  if (row.link === "offline") s.add("ConnectionClosed", CLOSED);
  if (row.link === "pending") {
    s.add("ChargePointStarted", { ...START_DATA, configuration: row.config ?? {} });
    s.add("ConnectionOpened", OPENED);
    s.reply((id) => [3, id, { status: "Pending", currentTime: nextIso(s), interval: 60 }]);
    assert.equal(s.state.registration, "Pending");
  }
  return s;
}

/** Presents the idTag; plays the central system; returns the answer and whether Authorize was sent. */
function present(
  s: Recorder,
  idTag: string,
  csms: CsmsBehaviour | undefined,
): { answer: AuthorizationAnswer; authorize: boolean } {
  const r = s.add("AuthorizeRequested", { idTag });
  const ref = s.events.at(-1)?.id ?? "";
  const authorize = callsIn(r.effects.frames).some((c) => c.action === "Authorize");
  if (authorize) {
    assert.ok(csms !== undefined, "an Authorize.req was sent but the row says nothing of the CSMS");
    if (csms === "timeout") s.fire("callTimeout");
    else if (csms === "linkLost") s.add("ConnectionClosed", CLOSED);
    else if (csms === "invalidAnswer") s.reply((id) => [3, id, { idTagInfo: { status: "Bogus" } }]);
    else if ("error" in csms) s.reply((id) => [4, id, csms.error, "", {}]);
    else s.reply((id) => [3, id, { idTagInfo: csms.answer }]);
  }
  const answers = s.answers.filter((a) => a.ref === ref);
  assert.equal(answers.length, 1, `exactly one answer for ${ref}`);
  return { answer: answers[0]?.value as AuthorizationAnswer, authorize };
}

for (const row of ROWS) {
  Deno.test(`authorization: ${row.name}`, () => {
    const s = prepare(row);
    const { answer, authorize } = present(s, row.idTag, row.csms);
    assert.equal(authorize, row.expected.authorize, "Authorize.req sent");
    assert.equal(answer.ok, true);
    assert.equal(answer.payload.idTagInfo.status, row.expected.status);
    assert.equal(answer.source, row.expected.source);
    assert.equal(answer.payload.idTagInfo.expiryDate, row.expected.expiryDate);
    assert.deepEqual(s.state.pendingAuthorizations, {}, "nothing left pending");
    // Replay: folding the same events again gives the same answers.
    let state = initialState();
    const again: { ref: string; value: unknown }[] = [];
    for (const e of s.events) {
      const r = step(state, e);
      state = r.state;
      again.push(...r.effects.answers);
    }
    assert.deepEqual(again, s.answers);
  });
}

Deno.test("authorization: the answer of a central system Authorize.conf carries its parentIdTag and expiryDate", () => {
  const s = booted({});
  const { answer } = present(s, "TAG-1", {
    answer: { status: "Accepted", parentIdTag: "FLEET", expiryDate: FUTURE },
  });
  assert.deepEqual(answer, {
    ok: true,
    payload: { idTagInfo: { status: "Accepted", parentIdTag: "FLEET", expiryDate: FUTURE } },
    source: "csms",
  });
});

Deno.test("authorization: an expired Accepted cache entry is rewritten as Expired when looked up", () => {
  const s = prepare({
    name: "",
    config: { AuthorizationCacheEnabled: "true" },
    cache: { "TAG-1": { status: "Accepted", expiryDate: PAST } },
    link: "offline",
    idTag: "TAG-1",
    expected: { status: "Expired", source: "cache", authorize: false },
  });
  assert.equal(s.state.authCache["TAG-1"]?.status, "Accepted");
  present(s, "TAG-1", undefined);
  assert.equal(s.state.authCache["TAG-1"]?.status, "Expired");
  assert.equal(s.state.authCache["TAG-1"]?.expiryDate, PAST);
});

Deno.test("authorization: an idTag of the Local Authorization List is not written into the cache", () => {
  const s = prepare({
    name: "",
    config: { AuthorizationCacheEnabled: "true" },
    list: { "TAG-1": { status: "Accepted" } },
    link: "online",
    idTag: "TAG-1",
    expected: { status: "Accepted", source: "csms", authorize: true },
  });
  present(s, "tag-1", { answer: { status: "Accepted" } });
  present(s, "TAG-2", { answer: { status: "Accepted" } });
  assert.deepEqual(Object.keys(s.state.authCache), ["TAG-2"]);
});

Deno.test("authorization: the cache matches idTags case-insensitively and keeps one entry per idTag", () => {
  const s = booted({ AuthorizationCacheEnabled: "true" });
  present(s, "tag-1", { answer: { status: "Accepted" } });
  present(s, "TAG-1", { answer: { status: "Blocked" } });
  assert.deepEqual(Object.keys(s.state.authCache), ["TAG-1"]);
  assert.equal(s.state.authCache["TAG-1"]?.status, "Blocked");
});

Deno.test("authorization: a restart abandons an Authorize.req in flight", () => {
  const s = booted({});
  s.add("AuthorizeRequested", { idTag: "TAG-1" });
  assert.deepEqual(Object.values(s.state.pendingAuthorizations), ["TAG-1"]);
  s.add("ChargePointStarted", START_DATA);
  assert.deepEqual(s.state.pendingAuthorizations, {});
  assert.equal(s.answers.length, 0);
});

Deno.test("authorization: offlineAuthorization is pure and uses the central system's clock", () => {
  const state = {
    ...initialState(),
    config: { AuthorizationCacheEnabled: "true" },
    authCache: {
      A: { status: "Accepted", expiryDate: "2026-01-01T00:00:10.000Z", updatedAt: PAST },
    },
  };
  assert.equal(offlineAuthorization(state, "A", BASE).info.status, "Accepted");
  assert.equal(offlineAuthorization(state, "A", BASE + 10_000).info.status, "Expired");
  assert.equal(state.authCache.A.status, "Accepted", "input not changed");
});

// ---- cache bound ---------------------------------------------------------------------------------

Deno.test("cacheIdTagInfo: beyond the bound, entries that are not valid go first, then the oldest", () => {
  const at = (s: number) => new Date(BASE + s * 1000).toISOString();
  let cache = cacheIdTagInfo({}, "A", { status: "Accepted" }, at(1), 3);
  cache = cacheIdTagInfo(cache, "B", { status: "Blocked" }, at(2), 3);
  cache = cacheIdTagInfo(cache, "C", { status: "Accepted" }, at(3), 3);
  // Rewriting an idTag never evicts.
  cache = cacheIdTagInfo(cache, "a", { status: "Accepted" }, at(4), 3);
  assert.deepEqual(Object.keys(cache).sort(), ["B", "C", "a"]);
  // A new one evicts the invalid B although A... is newer.
  cache = cacheIdTagInfo(cache, "D", { status: "Accepted" }, at(5), 3);
  assert.deepEqual(Object.keys(cache).sort(), ["C", "D", "a"]);
  // All valid: the oldest (C) goes; an expired Accepted entry counts as not valid.
  cache = cacheIdTagInfo(cache, "E", { status: "Accepted", expiryDate: at(5) }, at(6), 3);
  assert.deepEqual(Object.keys(cache).sort(), ["D", "E", "a"]);
  cache = cacheIdTagInfo(cache, "F", { status: "Accepted" }, at(7), 3);
  assert.deepEqual(Object.keys(cache).sort(), ["D", "F", "a"]);
});

Deno.test(`cache: the fold keeps at most ${AUTH_CACHE_MAX_ENTRIES} idTags`, () => {
  const s = booted({ AuthorizationCacheEnabled: "true" });
  for (let i = 0; i <= AUTH_CACHE_MAX_ENTRIES; i++) {
    s.add("AuthorizeRequested", { idTag: `TAG-${i}` });
    s.reply((id) => [3, id, { idTagInfo: { status: "Accepted" } }]);
  }
  const keys = Object.keys(s.state.authCache);
  assert.equal(keys.length, AUTH_CACHE_MAX_ENTRIES);
  assert.ok(!keys.includes("TAG-0"), "the oldest was evicted");
  assert.ok(keys.includes(`TAG-${AUTH_CACHE_MAX_ENTRIES}`));
});

// ---- StartTransaction answered with an idTagInfo that is not Accepted -----------------------------

const CALLBACKS = ["stopTransaction", "pauseCharging"];

function measure(s: Recorder, connector: number, totalWh: number): void {
  s.add("MeterValuesMeasured", {
    connector,
    measurement: {
      powerMeter: { timestamp: nextIso(s), energyWhImport: { total: totalWh } },
    },
  });
}

function startTransaction(s: Recorder, meterStartWh = 1000): void {
  s.add("SessionStarted", { connector: 1, sessionId: "s-1", reason: "EVConnected" });
  s.add("TransactionStarted", {
    connector: 1,
    sessionId: "s-1",
    idToken: "TAG-1",
    meterStartWh,
    timestamp: nextIso(s),
  });
}

interface InvalidRow {
  readonly name: string;
  readonly config: Record<string, string>;
  readonly status: string;
  /** Wh delivered before the answer (offline transaction), then measured after it. */
  readonly before?: number;
  readonly after?: number[];
  readonly expected: [string, ...unknown[]][];
  readonly action?: string;
}

const INVALID_ROWS: InvalidRow[] = [
  {
    name: "Accepted: nothing happens",
    config: {},
    status: "Accepted",
    after: [5000],
    expected: [],
  },
  {
    name: "StopTransactionOnInvalidId true: stopTransaction(DeAuthorized)",
    config: { StopTransactionOnInvalidId: "true" },
    status: "Invalid",
    expected: [["stopTransaction", 1, "DeAuthorized"]],
    action: "stop",
  },
  {
    name: "StopTransactionOnInvalidId true with MaxEnergyOnInvalidId: stopped at once (1.6)",
    config: { StopTransactionOnInvalidId: "true", MaxEnergyOnInvalidId: "500" },
    status: "Blocked",
    expected: [["stopTransaction", 1, "DeAuthorized"]],
    action: "stop",
  },
  {
    name: "StopTransactionOnInvalidId false: pauseCharging",
    config: { StopTransactionOnInvalidId: "false" },
    status: "Expired",
    after: [5000],
    expected: [["pauseCharging", 1]],
    action: "pause",
  },
  {
    name:
      "StopTransactionOnInvalidId false, MaxEnergyOnInvalidId 500: paused once 500 Wh are delivered",
    config: { StopTransactionOnInvalidId: "false", MaxEnergyOnInvalidId: "500" },
    status: "Invalid",
    before: 100,
    after: [1400, 1499, 1500, 1700],
    expected: [["pauseCharging", 1]],
    action: "pause",
  },
  {
    name:
      "StopTransactionOnInvalidId false, MaxEnergyOnInvalidId 500: below the limit charging goes on",
    config: { StopTransactionOnInvalidId: "false", MaxEnergyOnInvalidId: "500" },
    status: "Invalid",
    after: [1200, 1499],
    expected: [],
    action: "limit",
  },
  {
    name:
      "StopTransactionOnInvalidId false, MaxEnergyOnInvalidId 500: already over it offline → paused at the answer",
    config: { StopTransactionOnInvalidId: "false", MaxEnergyOnInvalidId: "500" },
    status: "Invalid",
    before: 800,
    expected: [["pauseCharging", 1]],
    action: "pause",
  },
  {
    name: "StopTransactionOnInvalidId false, MaxEnergyOnInvalidId 0: paused at the answer",
    config: { StopTransactionOnInvalidId: "false", MaxEnergyOnInvalidId: "0" },
    status: "ConcurrentTx",
    expected: [["pauseCharging", 1]],
    action: "pause",
  },
];

for (const row of INVALID_ROWS) {
  Deno.test(`invalid id, offline start answered after reconnect: ${row.name}`, () => {
    const s = booted(row.config, CALLBACKS);
    s.add("ConnectionClosed", CLOSED);
    startTransaction(s);
    if (row.before !== undefined) measure(s, 1, 1000 + row.before);
    s.add("ConnectionOpened", OPENED);
    s.drainWith({ transactionId: 7, idTagInfo: { status: row.status } });
    for (const wh of row.after ?? []) measure(s, 1, wh);
    assert.deepEqual(s.called(...CALLBACKS), row.expected);
    assert.equal(s.state.connectors[1]?.transaction?.deauthorized?.action, row.action);
    assert.equal(s.state.transactionIds[s.state.connectors[1]?.transaction?.ref ?? ""], 7);
  });
}

Deno.test("invalid id: an answer for a transaction that already ended does nothing", () => {
  const s = booted({ StopTransactionOnInvalidId: "true" }, CALLBACKS);
  s.add("ConnectionClosed", CLOSED);
  startTransaction(s);
  s.add("TransactionStopped", {
    connector: 1,
    sessionId: "s-1",
    reason: "Local",
    timestamp: nextIso(s),
    energyWhImport: 1200,
  });
  s.add("ConnectionOpened", OPENED);
  s.drainWith({ transactionId: 7, idTagInfo: { status: "Invalid" } });
  assert.deepEqual(s.called(...CALLBACKS), []);
});

Deno.test("invalid id: online start answered Invalid with the default configuration stops the transaction", () => {
  const s = booted({}, CALLBACKS);
  startTransaction(s);
  s.drainWith({ transactionId: 3, idTagInfo: { status: "Invalid" } });
  assert.deepEqual(s.called(...CALLBACKS), [["stopTransaction", 1, "DeAuthorized"]]);
});

Deno.test("invalid id: the energy limit survives a restart (state from the log)", () => {
  const s = booted({ StopTransactionOnInvalidId: "false", MaxEnergyOnInvalidId: "300" }, CALLBACKS);
  startTransaction(s);
  s.drainWith({ transactionId: 3, idTagInfo: { status: "Invalid" } });
  measure(s, 1, 1100);
  s.add("ChargePointStarted", {
    ...START_DATA,
    configuration: { StopTransactionOnInvalidId: "false", MaxEnergyOnInvalidId: "300" },
    callbacks: CALLBACKS,
  });
  measure(s, 1, 1299);
  assert.deepEqual(s.called(...CALLBACKS), []);
  measure(s, 1, 1300);
  assert.deepEqual(s.called(...CALLBACKS), [["pauseCharging", 1]]);
});
