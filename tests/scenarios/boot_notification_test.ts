/**
 * BootNotification and the registration gate (OCPP 1.6 §4.2, §5.x): Accepted / Pending / Rejected,
 * retry after `interval`, nothing but boot before Accepted, CSMS calls while Pending, heartbeat
 * interval from the answer, StatusNotification for every connector after boot, currentTime.
 */
import assert from "node:assert/strict";
import { ScriptedCsms } from "../support/scripted_csms.ts";
import { assertReplays, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";

function actionsFromCp(csms: ScriptedCsms): string[] {
  return csms.received.map((c) => c.action);
}

Deno.test("BootNotification Accepted: StatusNotification for connector 0..n, heartbeat at the interval of the answer", async () => {
  await using csms = await ScriptedCsms.start();
  const times: string[] = [];
  csms.respond("BootNotification", {
    status: "Accepted",
    currentTime: "2030-01-01T00:00:00.000Z",
    interval: 120,
  });
  const h = makeChargePoint(csms.url, { callbacks: { setSystemTime: (t) => void times.push(t) } });
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  const sn = csms.received.filter((c) => c.action === "StatusNotification").map((c) =>
    c.params as Record<string, unknown>
  );
  assert.deepEqual(sn.map((p) => p.connectorId), [0, 1, 2]);
  assert.ok(sn.every((p) => p.status === "Available" && p.errorCode === "NoError"));
  // currentTime is taken from the central system: timestamps follow its clock.
  assert.equal(String(sn[0]?.timestamp).slice(0, 4), "2030");
  await until(() => times.length === 1, "setSystemTime callback");
  assert.equal(times[0], "2030-01-01T00:00:00.000Z");
  assert.equal(h.cp.state.config.HeartbeatInterval, "120");

  await h.clock.advance(119_000);
  assert.equal(csms.received.filter((c) => c.action === "Heartbeat").length, 0);
  await h.clock.advance(1_000);
  await csms.waitFor("Heartbeat", 1);
  await h.clock.advance(120_000);
  await csms.waitFor("Heartbeat", 2);
  await h.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h);
});

Deno.test("BootNotification Pending: retried after interval; CSMS calls answered while Pending; nothing else sent", async () => {
  await using csms = await ScriptedCsms.start();
  csms.respond("BootNotification", [
    { status: "Pending", currentTime: new Date().toISOString(), interval: 30 },
    { status: "Accepted", currentTime: new Date().toISOString(), interval: 300 },
  ]);
  const h = makeChargePoint(csms.url);
  await h.cp.start();
  await csms.waitFor("BootNotification", 1);
  await until(() => h.cp.state.registration === "Pending", "Pending");
  // Handlers while Pending: status changes are not sent (the current status follows acceptance).
  h.cp.onSessionStarted(1, "s-1", "EVConnected");
  // The CSMS may configure the charge point while Pending.
  const answer = await csms.call("ChangeAvailability", { connectorId: 2, type: "Inoperative" });
  assert.deepEqual(answer, { status: "Accepted" });
  await h.clock.advance(29_000);
  assert.deepEqual(actionsFromCp(csms), ["BootNotification"]);
  await h.clock.advance(1_000);
  await csms.waitFor("BootNotification", 2);
  await csms.waitFor("StatusNotification", 3);
  const statuses = csms.received.filter((c) => c.action === "StatusNotification").map((
    c,
  ) => (c.params as { connectorId: number; status: string }));
  assert.deepEqual(statuses.map((s) => `${s.connectorId}:${s.status}`), [
    "0:Available",
    "1:Preparing",
    "2:Unavailable",
  ]);
  await h.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h);
});

Deno.test("BootNotification Rejected: CSMS calls are not answered, boot retried after interval", async () => {
  await using csms = await ScriptedCsms.start();
  csms.respond("BootNotification", [
    { status: "Rejected", currentTime: new Date().toISOString(), interval: 10 },
    { status: "Accepted", currentTime: new Date().toISOString(), interval: 300 },
  ]);
  const h = makeChargePoint(csms.url);
  await h.cp.start();
  await until(() => h.cp.state.registration === "Rejected", "Rejected");
  await assert.rejects(
    csms.call("ChangeAvailability", { connectorId: 1, type: "Inoperative" }, 300),
  );
  assert.deepEqual(actionsFromCp(csms), ["BootNotification"]);
  await h.clock.advance(10_000);
  await csms.waitFor("StatusNotification", 3);
  assert.equal(h.cp.state.registration, "Accepted");
  await h.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h);
});

Deno.test("BootNotification unanswered: sent again with a new message id after the response timeout and 60 s", async () => {
  await using csms = await ScriptedCsms.start();
  csms.respond("BootNotification", [{ noReply: true }, {
    status: "Accepted",
    currentTime: new Date().toISOString(),
    interval: 300,
  }]);
  const h = makeChargePoint(csms.url, { responseTimeoutMs: 30_000 });
  await h.cp.start();
  await csms.waitFor("BootNotification", 1);
  await h.clock.advance(30_000 + 59_000);
  assert.equal(csms.received.filter((c) => c.action === "BootNotification").length, 1);
  await h.clock.advance(1_000);
  await csms.waitFor("StatusNotification", 3);
  const ids = csms.received.filter((c) => c.action === "BootNotification").map((c) => c.messageId);
  assert.equal(new Set(ids).size, 2);
  await h.cp.stop();
  assertReplays(h);
});
