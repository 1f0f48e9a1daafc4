/**
 * DataTransfer from the central system (OCPP 1.6 §5.6) against the independent `ocpp-rpc` peer in
 * strict mode: the firmware's `dataTransfer` callback decides; without it the vendor is unknown;
 * an invalid or failing callback gives `Rejected`. Every frame is checked against the official
 * schemas and the stored log replays to the frames on the wire, byte for byte.
 */
import assert from "node:assert/strict";
import { RpcCsms } from "../support/rpc_csms.ts";
import { CsmsCallError, ScriptedCsms } from "../support/scripted_csms.ts";
import { assertReplays, type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import type { CsmsDataTransfer, DataTransferReply } from "../../core/charge_point.ts";

type Csms = RpcCsms | ScriptedCsms;

async function boot(h: Harness, csms: Csms): Promise<void> {
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  await until(
    () => h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0,
    "boot answered",
  );
}

async function finish(h: Harness, csms: Csms): Promise<void> {
  await h.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h);
}

Deno.test("TC_062_CS Data Transfer to a Charge Point: without a dataTransfer callback, UnknownVendorId", async () => {
  await using csms = await RpcCsms.start();
  const h = makeChargePoint(csms.url);
  await boot(h, csms);
  assert.deepEqual(
    await csms.call("CP-1", "DataTransfer", { vendorId: "com.example", messageId: "Ping" }),
    { status: "UnknownVendorId" },
  );
  await finish(h, csms);
});

Deno.test("DataTransfer answered by the firmware: Accepted with data, UnknownMessageId, UnknownVendorId, Rejected", async () => {
  await using csms = await RpcCsms.start();
  const seen: CsmsDataTransfer[] = [];
  const h = makeChargePoint(csms.url, {
    callbacks: {
      dataTransfer: async (request): Promise<DataTransferReply> => {
        seen.push(request);
        await Promise.resolve();
        if (request.vendorId !== "com.acme") return { status: "UnknownVendorId" };
        if (request.messageId === "Ping") {
          return { status: "Accepted", data: `pong:${request.data}` };
        }
        if (request.messageId === "Refuse") return { status: "Rejected" };
        return { status: "UnknownMessageId" };
      },
    },
  });
  await boot(h, csms);
  const transfer = (params: Record<string, unknown>) => csms.call("CP-1", "DataTransfer", params);
  assert.deepEqual(await transfer({ vendorId: "com.acme", messageId: "Ping", data: "42" }), {
    status: "Accepted",
    data: "pong:42",
  });
  assert.deepEqual(await transfer({ vendorId: "com.acme", messageId: "Other" }), {
    status: "UnknownMessageId",
  });
  assert.deepEqual(await transfer({ vendorId: "com.acme", messageId: "Refuse" }), {
    status: "Rejected",
  });
  assert.deepEqual(await transfer({ vendorId: "org.other" }), { status: "UnknownVendorId" });
  assert.deepEqual(seen, [
    { vendorId: "com.acme", messageId: "Ping", data: "42" },
    { vendorId: "com.acme", messageId: "Other" },
    { vendorId: "com.acme", messageId: "Refuse" },
    { vendorId: "org.other" },
  ]);
  await finish(h, csms);
});

Deno.test("DataTransfer Rejected when the firmware's answer is invalid or the callback throws", async () => {
  await using csms = await RpcCsms.start();
  const answers: unknown[] = [
    { status: "Maybe" },
    { status: "Accepted", data: 42 },
    { status: "Accepted", extra: true },
    "Accepted",
    undefined,
  ];
  const h = makeChargePoint(csms.url, {
    callbacks: {
      dataTransfer: () => {
        if (answers.length === 0) throw new Error("vendor module crashed");
        return answers.shift() as DataTransferReply;
      },
    },
  });
  await boot(h, csms);
  for (let i = 0; i < 6; i++) {
    assert.deepEqual(
      await csms.call("CP-1", "DataTransfer", { vendorId: "com.acme", messageId: `m-${i}` }),
      { status: "Rejected" },
      `answer ${i}`,
    );
  }
  await finish(h, csms);
});

Deno.test("TC_064_CS Data Transfer to a Central System: each answer status reaches the firmware; a CALLERROR or being offline gives undefined", async () => {
  await using csms = await RpcCsms.start();
  csms.respond("DataTransfer", [
    { status: "Accepted", data: "pong" },
    { status: "Rejected" },
    { status: "UnknownMessageId" },
    { status: "UnknownVendorId" },
    { error: { code: "InternalError", description: "vendor module down" } },
  ]);
  const h = makeChargePoint(csms.url);
  await boot(h, csms);
  assert.deepEqual(await h.cp.dataTransfer("com.acme", "Ping", "42"), {
    status: "Accepted",
    data: "pong",
  });
  assert.deepEqual(await h.cp.dataTransfer("com.acme", "Refuse"), { status: "Rejected" });
  assert.deepEqual(await h.cp.dataTransfer("com.acme", "Other"), { status: "UnknownMessageId" });
  assert.deepEqual(await h.cp.dataTransfer("org.other"), { status: "UnknownVendorId" });
  assert.equal(await h.cp.dataTransfer("com.acme", "Crash"), undefined, "a CALLERROR");
  assert.deepEqual(
    csms.received.filter((c) => c.action === "DataTransfer").map((c) => c.params),
    [
      { vendorId: "com.acme", messageId: "Ping", data: "42" },
      { vendorId: "com.acme", messageId: "Refuse" },
      { vendorId: "com.acme", messageId: "Other" },
      { vendorId: "org.other" },
      { vendorId: "com.acme", messageId: "Crash" },
    ],
  );
  // Offline: not queued, answered at once.
  h.cp.disconnect();
  await until(() => h.cp.state.link === "Disconnected", "disconnected");
  assert.equal(await h.cp.dataTransfer("com.acme", "Ping"), undefined, "offline");
  assert.equal(csms.received.filter((c) => c.action === "DataTransfer").length, 5);
  await finish(h, csms);
});

Deno.test("schema-invalid DataTransfer: the right CALLERROR, and the charge point keeps working", async () => {
  await using csms = await ScriptedCsms.start();
  const h = makeChargePoint(csms.url, {
    callbacks: { dataTransfer: () => ({ status: "Accepted" }) },
  });
  await boot(h, csms);
  const cases: [unknown, string][] = [
    [{ messageId: "Ping" }, "OccurenceConstraintViolation"],
    [{ vendorId: "v".repeat(256) }, "FormationViolation"],
    [{ vendorId: "com.acme", data: 42 }, "TypeConstraintViolation"],
    [{ vendorId: "com.acme", extra: true }, "PropertyConstraintViolation"],
  ];
  for (const [payload, code] of cases) {
    const error = await csms.call("DataTransfer", payload).then(() => undefined, (e) => e);
    assert.ok(error instanceof CsmsCallError, `${JSON.stringify(payload)}: ${error}`);
    assert.equal(error.code, code, JSON.stringify(payload));
  }
  assert.deepEqual(await csms.call("DataTransfer", { vendorId: "com.acme" }), {
    status: "Accepted",
  });
  await finish(h, csms);
});
