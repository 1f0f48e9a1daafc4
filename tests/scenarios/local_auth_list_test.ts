/**
 * Local Auth List Management profile (OCPP 1.6 §5.10 GetLocalListVersion, §5.15 SendLocalList)
 * against the independent `ocpp-rpc` central system in strict mode, one scenario per OCTT charge
 * point test case and answer status. Every frame is checked against the official schemas and the
 * stored log replays to the frames that went on the wire.
 */
import assert from "node:assert/strict";
import { RpcCsms } from "../support/rpc_csms.ts";
import { CsmsCallError, ScriptedCsms } from "../support/scripted_csms.ts";
import { assertReplays, type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import type { ChargePointOptions } from "../../core/charge_point.ts";
import { lookupLocalList } from "../../core/local_auth_list.ts";

function idle(h: Harness): Promise<void> {
  return until(
    () => h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0,
    "the charge point's CALLs answered",
  );
}

async function booted(
  csms: RpcCsms,
  options: Partial<ChargePointOptions> = {},
): Promise<Harness> {
  const h = makeChargePoint(csms.url, options);
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  await idle(h);
  return h;
}

async function finish(csms: RpcCsms, h: Harness): Promise<void> {
  await idle(h);
  await h.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h);
}

function entries(...tags: string[]) {
  return tags.map((idTag) => ({ idTag, idTagInfo: { status: "Accepted" } }));
}

const version = (csms: RpcCsms) => csms.call("CP-1", "GetLocalListVersion", {});
const send = (csms: RpcCsms, params: Record<string, unknown>) =>
  csms.call("CP-1", "SendLocalList", params);

Deno.test("TC_042_1_CS Get local list version (not supported): -1 with LocalAuthListEnabled false", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms, { configuration: { LocalAuthListEnabled: "false" } });
  assert.deepEqual(await version(csms), { listVersion: -1 });
  await finish(csms, h);
});

Deno.test("TC_042_1_CS Get local list version (not supported): -1 without the profile", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms, { configuration: { SupportedFeatureProfiles: "Core,Reservation" } });
  assert.deepEqual(await version(csms), { listVersion: -1 });
  await finish(csms, h);
});

Deno.test("TC_042_2_CS Get local list version (empty): 0, also after a Full update without entries", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms);
  assert.deepEqual(await version(csms), { listVersion: 0 });
  assert.deepEqual(await send(csms, { listVersion: 1, updateType: "Full" }), {
    status: "Accepted",
  });
  assert.deepEqual(await version(csms), { listVersion: 0 });
  await finish(csms, h);
});

Deno.test("TC_043_4_CS Send local authorization list – Full", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms);
  assert.deepEqual(
    await send(csms, {
      listVersion: 1,
      updateType: "Full",
      localAuthorizationList: [
        { idTag: "TAG-1", idTagInfo: { status: "Accepted", parentIdTag: "FLEET" } },
        { idTag: "TAG-2", idTagInfo: { status: "Blocked" } },
        {
          idTag: "TAG-3",
          idTagInfo: { status: "Accepted", expiryDate: "2020-01-01T00:00:00+02:00" },
        },
      ],
    }),
    { status: "Accepted" },
  );
  assert.deepEqual(await version(csms), { listVersion: 1 });
  const now = h.clock.now() + h.cp.state.timeOffsetMs;
  assert.deepEqual(lookupLocalList(h.cp.state, "tag-1", now), {
    status: "Accepted",
    parentIdTag: "FLEET",
  });
  assert.equal(lookupLocalList(h.cp.state, "TAG-2", now)?.status, "Blocked");
  assert.equal(lookupLocalList(h.cp.state, "TAG-3", now)?.status, "Expired");
  // A new Full list replaces the old one entirely.
  assert.deepEqual(
    await send(csms, { listVersion: 2, updateType: "Full", localAuthorizationList: entries("X") }),
    { status: "Accepted" },
  );
  assert.deepEqual(Object.keys(h.cp.state.localList.entries), ["X"]);
  assert.deepEqual(await version(csms), { listVersion: 2 });
  await finish(csms, h);
});

Deno.test("TC_043_2_CS Send local authorization list – VersionMismatch", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms);
  assert.deepEqual(
    await send(csms, { listVersion: 2, updateType: "Full", localAuthorizationList: entries("A") }),
    { status: "Accepted" },
  );
  assert.deepEqual(await version(csms), { listVersion: 2 });
  assert.deepEqual(
    await send(csms, {
      listVersion: 5,
      updateType: "Differential",
      localAuthorizationList: entries("B"),
    }),
    { status: "Accepted" },
  );
  assert.deepEqual(await version(csms), { listVersion: 5 });
  for (const listVersion of [5, 4]) {
    assert.deepEqual(
      await send(csms, {
        listVersion,
        updateType: "Differential",
        localAuthorizationList: entries("C"),
      }),
      { status: "VersionMismatch" },
    );
  }
  assert.deepEqual(await version(csms), { listVersion: 5 });
  assert.equal("C" in h.cp.state.localList.entries, false);
  await finish(csms, h);
});

Deno.test("TC_043_3_CS Send local authorization list – Failed (SendLocalListMaxLength, LocalAuthListMaxLength)", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms, {
    configuration: { SendLocalListMaxLength: "2", LocalAuthListMaxLength: "3" },
  });
  assert.deepEqual(
    await send(csms, {
      listVersion: 1,
      updateType: "Full",
      localAuthorizationList: entries("A", "B", "C"),
    }),
    { status: "Failed" },
    "more entries than SendLocalListMaxLength",
  );
  assert.deepEqual(
    await send(csms, {
      listVersion: 1,
      updateType: "Full",
      localAuthorizationList: entries("A", "B"),
    }),
    { status: "Accepted" },
  );
  assert.deepEqual(
    await send(csms, {
      listVersion: 2,
      updateType: "Differential",
      localAuthorizationList: entries("C", "D"),
    }),
    { status: "Failed" },
    "the list would exceed LocalAuthListMaxLength",
  );
  assert.deepEqual(
    await send(csms, {
      listVersion: 2,
      updateType: "Full",
      localAuthorizationList: [{ idTag: "A", idTagInfo: { status: "Accepted" } }, { idTag: "B" }],
    }),
    { status: "Failed" },
    "a Full entry without idTagInfo",
  );
  assert.deepEqual(await version(csms), { listVersion: 1 }, "nothing changed");
  await finish(csms, h);
});

Deno.test("TC_043_1_CS Send local authorization list – NotSupported", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms, { configuration: { LocalAuthListEnabled: "false" } });
  assert.deepEqual(
    await send(csms, { listVersion: 1, updateType: "Full", localAuthorizationList: entries("A") }),
    { status: "NotSupported" },
  );
  assert.deepEqual(h.cp.state.localList.entries, {});
  await finish(csms, h);
});

Deno.test("TC_043_5_CS Send local authorization list – Differential (add, update, remove)", async () => {
  await using csms = await RpcCsms.start();
  const h = await booted(csms);
  await send(csms, {
    listVersion: 1,
    updateType: "Full",
    localAuthorizationList: entries("A", "B"),
  });
  assert.deepEqual(
    await send(csms, {
      listVersion: 2,
      updateType: "Differential",
      localAuthorizationList: [
        { idTag: "C", idTagInfo: { status: "Accepted" } },
        { idTag: "A", idTagInfo: { status: "Blocked" } },
        { idTag: "B" },
      ],
    }),
    { status: "Accepted" },
  );
  assert.deepEqual(h.cp.state.localList, {
    version: 2,
    entries: { A: { status: "Blocked" }, C: { status: "Accepted" } },
  });
  assert.deepEqual(await version(csms), { listVersion: 2 });
  await finish(csms, h);
});

Deno.test("Local list survives a restart on the same store", async () => {
  await using csms = await RpcCsms.start();
  const h1 = await booted(csms);
  await send(csms, { listVersion: 7, updateType: "Full", localAuthorizationList: entries("A") });
  await idle(h1);
  await h1.cp.stop();
  await until(() => csms.disconnects.length === 1, "disconnected");
  const before = csms.received.length;
  const h2 = makeChargePoint(csms.url, { store: h1.store, clock: h1.clock });
  await h2.cp.start();
  await until(
    () => csms.received.slice(before).filter((c) => c.action === "StatusNotification").length === 3,
    "statuses after the second boot",
  );
  assert.deepEqual(await version(csms), { listVersion: 7 });
  assert.deepEqual(h2.cp.state.localList, h1.cp.state.localList);
  await idle(h2);
  await h2.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h2, { before: [h1] });
});

Deno.test("SendLocalList / GetLocalListVersion with schema-invalid payloads: CALLERROR, and the charge point keeps working", async () => {
  await using csms = await ScriptedCsms.start();
  const h = makeChargePoint(csms.url);
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  await idle(h);
  const cases: [string, unknown, string][] = [
    ["SendLocalList", { updateType: "Full" }, "OccurenceConstraintViolation"],
    ["SendLocalList", { listVersion: "1", updateType: "Full" }, "TypeConstraintViolation"],
    ["SendLocalList", { listVersion: 1, updateType: "Partial" }, "FormationViolation"],
    [
      "SendLocalList",
      {
        listVersion: 1,
        updateType: "Full",
        localAuthorizationList: [{ idTag: "A", idTagInfo: { status: "Maybe" } }],
      },
      "FormationViolation",
    ],
    [
      "SendLocalList",
      { listVersion: 1, updateType: "Full", localAuthorizationList: [{ idTag: "A", x: 1 }] },
      "PropertyConstraintViolation",
    ],
    ["GetLocalListVersion", { all: true }, "PropertyConstraintViolation"],
  ];
  for (const [action, payload, code] of cases) {
    const error = await csms.call(action, payload).then(
      () => assert.fail(`${action} ${JSON.stringify(payload)} answered with a CALLRESULT`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof CsmsCallError, String(error));
    assert.ok(
      [code, code.replace("Occurence", "Occurrence")].includes(error.code),
      `${action} ${JSON.stringify(payload)}: ${error.code}`,
    );
  }
  assert.deepEqual(h.cp.state.localList, { version: 0, entries: {} });
  assert.deepEqual(
    await csms.call("SendLocalList", {
      listVersion: 3,
      updateType: "Full",
      localAuthorizationList: entries("A"),
    }),
    { status: "Accepted" },
  );
  assert.deepEqual(await csms.call("GetLocalListVersion", {}), { listVersion: 3 });
  await idle(h);
  await h.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h);
});
