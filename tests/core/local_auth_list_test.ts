/**
 * The Local Authorization List: `applyLocalListUpdate` (Full, Differential, VersionMismatch,
 * Failed), the reported version, support, `lookupLocalList` (case, expiry), and the fold
 * (SendLocalList / GetLocalListVersion frames, kept across a restart).
 */
import assert from "node:assert/strict";
import {
  applyLocalListUpdate,
  EMPTY_LOCAL_LIST,
  listVersionOf,
  type LocalAuthList,
  localListLimits,
  localListSupported,
  localListVersion,
  lookupLocalList,
} from "../../core/local_auth_list.ts";
import { initialState, type State } from "../../core/state.ts";
import { fold } from "../../core/step.ts";
import { preamble, START_DATA } from "./support/fold_script.ts";

const LIMITS = { maxSend: 3, maxStored: 4 };
const ok = { status: "Accepted" } as const;

function entries(...tags: string[]) {
  return tags.map((idTag) => ({ idTag, idTagInfo: ok }));
}

function list(version: number, ...tags: string[]): LocalAuthList {
  return { version, entries: Object.fromEntries(tags.map((t) => [t, ok])) };
}

Deno.test("applyLocalListUpdate: Full replaces the list and its version; Full without entries clears it", () => {
  const full = applyLocalListUpdate(list(7, "OLD"), {
    listVersion: 2,
    updateType: "Full",
    localAuthorizationList: entries("A", "B"),
  }, LIMITS);
  assert.equal(full.status, "Accepted");
  assert.deepEqual(full.list, list(2, "A", "B"), "a lower version is fine for Full");
  const cleared = applyLocalListUpdate(full.list, { listVersion: 3, updateType: "Full" }, LIMITS);
  assert.deepEqual(cleared, { status: "Accepted", list: { version: 3, entries: {} } });
  assert.equal(listVersionOf(cleared.list), 0, "an empty list reports 0");
  const emptyArray = applyLocalListUpdate(full.list, {
    listVersion: 4,
    updateType: "Full",
    localAuthorizationList: [],
  }, LIMITS);
  assert.deepEqual(emptyArray.list.entries, {});
});

Deno.test("applyLocalListUpdate: Differential upserts entries with idTagInfo and deletes those without", () => {
  const before = list(2, "A", "B");
  const blocked = { status: "Blocked" } as const;
  const r = applyLocalListUpdate(before, {
    listVersion: 3,
    updateType: "Differential",
    localAuthorizationList: [
      { idTag: "a", idTagInfo: blocked }, // case-insensitive: replaces "A"
      { idTag: "B" },
      { idTag: "C", idTagInfo: ok },
      { idTag: "UNKNOWN" }, // deleting an absent idTag is no error
    ],
  }, { maxSend: 10, maxStored: 10 });
  assert.equal(r.status, "Accepted");
  assert.deepEqual(r.list, { version: 3, entries: { a: blocked, C: ok } });
  const noEntries = applyLocalListUpdate(
    r.list,
    { listVersion: 9, updateType: "Differential" },
    LIMITS,
  );
  assert.deepEqual(noEntries, { status: "Accepted", list: { ...r.list, version: 9 } });
});

Deno.test("applyLocalListUpdate: Differential with a version not above the current one → VersionMismatch", () => {
  const before = list(5, "A");
  for (const listVersion of [5, 4, 0, -1]) {
    const r = applyLocalListUpdate(before, {
      listVersion,
      updateType: "Differential",
      localAuthorizationList: entries("B"),
    }, LIMITS);
    assert.deepEqual(r, { status: "VersionMismatch", list: before }, `version ${listVersion}`);
  }
  // An empty list reports version 0: any positive version is newer.
  const fromEmpty = applyLocalListUpdate({ version: 8, entries: {} }, {
    listVersion: 1,
    updateType: "Differential",
    localAuthorizationList: entries("B"),
  }, LIMITS);
  assert.equal(fromEmpty.status, "Accepted");
});

Deno.test("applyLocalListUpdate: Failed leaves the list unchanged", () => {
  const before = list(1, "A", "B");
  const cases = [
    {
      why: "more than SendLocalListMaxLength",
      listVersion: 2,
      updateType: "Full" as const,
      localAuthorizationList: entries("1", "2", "3", "4"),
    },
    {
      why: "Differential result above LocalAuthListMaxLength",
      listVersion: 2,
      updateType: "Differential" as const,
      localAuthorizationList: entries("C", "D", "E"),
    },
    {
      why: "the same idTag twice",
      listVersion: 2,
      updateType: "Full" as const,
      localAuthorizationList: entries("X", "x"),
    },
    {
      why: "Full entry without idTagInfo",
      listVersion: 2,
      updateType: "Full" as const,
      localAuthorizationList: [{ idTag: "X" }],
    },
    {
      why: "Full with entries and version 0",
      listVersion: 0,
      updateType: "Full" as const,
      localAuthorizationList: entries("X"),
    },
  ];
  for (const { why, ...request } of cases) {
    assert.deepEqual(applyLocalListUpdate(before, request, LIMITS), {
      status: "Failed",
      list: before,
    }, why);
  }
  const big = applyLocalListUpdate(EMPTY_LOCAL_LIST, {
    listVersion: 1,
    updateType: "Full",
    localAuthorizationList: entries("1", "2", "3"),
  }, { maxSend: 10, maxStored: 2 });
  assert.equal(big.status, "Failed", "Full above LocalAuthListMaxLength");
});

Deno.test("localListLimits / localListSupported: configuration keys with fallbacks", () => {
  assert.deepEqual(localListLimits({}), { maxSend: 100, maxStored: 1000 });
  assert.deepEqual(
    localListLimits({ SendLocalListMaxLength: "5", LocalAuthListMaxLength: "50" }),
    { maxSend: 5, maxStored: 50 },
  );
  assert.equal(localListSupported({}), true);
  assert.equal(localListSupported({ LocalAuthListEnabled: "FALSE" }), false);
  assert.equal(localListSupported({ SupportedFeatureProfiles: "Core,Reservation" }), false);
  assert.equal(
    localListSupported({ SupportedFeatureProfiles: "Core, LocalAuthListManagement" }),
    true,
  );
});

Deno.test("localListVersion: -1 when not in use, 0 when empty, else the version", () => {
  const s: State = { ...initialState(), localList: list(4, "A") };
  assert.equal(localListVersion(s), 4);
  assert.equal(localListVersion({ ...s, config: { LocalAuthListEnabled: "false" } }), -1);
  assert.equal(localListVersion({ ...s, localList: { version: 4, entries: {} } }), 0);
  assert.equal(localListVersion(initialState()), 0);
});

Deno.test("lookupLocalList: case-insensitive; Accepted past expiryDate → Expired; unused list → undefined", () => {
  const s: State = {
    ...initialState(),
    localList: {
      version: 1,
      entries: {
        "Tag-A": { status: "Accepted", expiryDate: "2026-01-02T00:00:00Z", parentIdTag: "P" },
        "Tag-B": { status: "Blocked", expiryDate: "2020-01-01T00:00:00Z" },
        "Tag-C": { status: "Accepted" },
      },
    },
  };
  const before = Date.parse("2026-01-01T00:00:00Z");
  const after = Date.parse("2026-01-02T00:00:00Z");
  assert.deepEqual(lookupLocalList(s, "TAG-A", before), {
    status: "Accepted",
    expiryDate: "2026-01-02T00:00:00Z",
    parentIdTag: "P",
  });
  assert.equal(lookupLocalList(s, "tag-a", after)?.status, "Expired");
  assert.equal(lookupLocalList(s, "Tag-B", before)?.status, "Blocked", "Blocked stays Blocked");
  assert.equal(lookupLocalList(s, "Tag-C", after)?.status, "Accepted");
  assert.equal(lookupLocalList(s, "Tag-D", before), undefined);
  assert.equal(
    lookupLocalList({ ...s, config: { LocalAuthListEnabled: "false" } }, "Tag-C", before),
    undefined,
  );
});

Deno.test("fold: SendLocalList / GetLocalListVersion frames; the list survives a restart", () => {
  const s = preamble({ SendLocalListMaxLength: "2" });
  assert.deepEqual(s.csmsCall("GetLocalListVersion", {}).answer, { listVersion: 0 });
  assert.deepEqual(
    s.csmsCall("SendLocalList", {
      listVersion: 2,
      updateType: "Full",
      localAuthorizationList: entries("A"),
    })
      .answer,
    { status: "Accepted" },
  );
  assert.deepEqual(s.csmsCall("GetLocalListVersion", {}).answer, { listVersion: 2 });
  assert.deepEqual(
    s.csmsCall("SendLocalList", {
      listVersion: 3,
      updateType: "Differential",
      localAuthorizationList: entries("B", "C", "D"),
    }).answer,
    { status: "Failed" },
  );
  assert.deepEqual(
    s.csmsCall("SendLocalList", {
      listVersion: 2,
      updateType: "Differential",
      localAuthorizationList: entries("B"),
    })
      .answer,
    { status: "VersionMismatch" },
  );
  const sent = s.csmsCall("SendLocalList", {
    listVersion: 5,
    updateType: "Differential",
    localAuthorizationList: entries("B"),
  });
  assert.deepEqual(sent.answer, { status: "Accepted" });
  assert.deepEqual(sent.calls, [], "nothing else is sent");
  s.add("ChargePointStopped", {});
  s.add("ChargePointStarted", { ...START_DATA, configuration: {} });
  assert.deepEqual(s.state.localList, list(5, "A", "B"));
  assert.deepEqual(fold(s.events).state.localList, s.state.localList);
  // Disabled by configuration (e.g. after a restart with another configuration).
  s.add("ChargePointStopped", {});
  s.add("ChargePointStarted", { ...START_DATA, configuration: { LocalAuthListEnabled: "false" } });
  s.add("ConnectionOpened", { url: "ws://127.0.0.1:9000/ocpp/CP-1", protocol: "ocpp1.6" });
  s.drain();
  assert.deepEqual(s.csmsCall("GetLocalListVersion", {}).answer, { listVersion: -1 });
  assert.deepEqual(
    s.csmsCall("SendLocalList", { listVersion: 9, updateType: "Full" }).answer,
    { status: "NotSupported" },
  );
  assert.deepEqual(s.state.localList, list(5, "A", "B"), "kept while disabled");
});
