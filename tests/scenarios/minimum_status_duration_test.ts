/**
 * MinimumStatusDuration (OCPP 1.6 §9.1.22) against the ocpp-rpc strict central system on
 * 127.0.0.1, time driven by a manual clock: a status is reported only once it held that many
 * seconds, with the time it began; of a quicker sequence only the last status is reported; a
 * triggered StatusNotification is not delayed; 0 reports at once again. Every frame validates
 * against the official OCPP 1.6 schemas and the log replays to the frames sent.
 */
import assert from "node:assert/strict";
import { RpcCsms } from "../support/rpc_csms.ts";
import { assertReplays, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import { ManualClock } from "../../core/clock.ts";

type Params = Record<string, unknown>;

const START = Date.parse("2026-01-01T08:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

Deno.test("MinimumStatusDuration: a status is reported once it held that long, a flicker only by its last status, a triggered one at once", async () => {
  await using csms = await RpcCsms.start();
  const clock = new ManualClock(START);
  const now = () => iso(clock.now());
  csms.respond("BootNotification", () => ({ status: "Accepted", currentTime: now(), interval: 0 }));
  const h = makeChargePoint(csms.url, {
    clock,
    configuration: { WebSocketPingInterval: "0" },
  });
  const cp = h.cp;
  const statuses = () =>
    csms.received.filter((c) => c.action === "StatusNotification" && c.connection === 1).map((
      c,
    ) => c.params as Params);
  const idle = () => until(() => cp.state.inFlight === undefined, "answered");
  const sentStatuses = () => h.sent.filter((f) => f.includes('"StatusNotification"')).length;

  await cp.start();
  await csms.waitFor("StatusNotification", 3);
  await idle();
  assert.deepEqual(
    await csms.call("CP-1", "ChangeConfiguration", { key: "MinimumStatusDuration", value: "10" }),
    { status: "Accepted" },
  );
  assert.deepEqual(
    await csms.call("CP-1", "GetConfiguration", { key: ["MinimumStatusDuration"] }),
    { configurationKey: [{ key: "MinimumStatusDuration", readonly: false, value: "10" }] },
  );

  // Plugged in: Preparing is reported 10 s later, with the time it began.
  const plugged = clock.now();
  cp.onSessionStarted(1, "s-1", "EVConnected");
  assert.equal(cp.state.timers["status:1"], plugged + 10_000);
  await clock.advance(9_999);
  assert.equal(sentStatuses(), 3, "not before it held 10 s");
  await clock.advance(1);
  await csms.waitFor("StatusNotification", 4);
  await idle();
  assert.deepEqual(statuses()[3], {
    connectorId: 1,
    errorCode: "NoError",
    status: "Preparing",
    info: "EVConnected",
    timestamp: iso(plugged),
  });

  // Unplugged and plugged in again within 3 s: Available never held 10 s and is not reported;
  // Preparing is, 10 s after it began again.
  cp.onSessionStopped(1, "s-1");
  await clock.advance(3_000);
  const again = clock.now();
  cp.onSessionStarted(1, "s-2", "EVConnected");
  await clock.advance(9_999);
  assert.equal(sentStatuses(), 4, "the flicker sent nothing yet");
  await clock.advance(1);
  await csms.waitFor("StatusNotification", 5);
  await idle();
  assert.deepEqual(
    statuses().slice(4).map((p) => [p.status, p.timestamp]),
    [["Preparing", iso(again)]],
  );

  // A triggered StatusNotification is the current status, at once.
  assert.deepEqual(
    await csms.call("CP-1", "TriggerMessage", {
      requestedMessage: "StatusNotification",
      connectorId: 1,
    }),
    { status: "Accepted" },
  );
  await csms.waitFor("StatusNotification", 6);
  await idle();
  assert.equal(statuses()[5]?.status, "Preparing");

  // Back to 0: reported at once.
  assert.deepEqual(
    await csms.call("CP-1", "ChangeConfiguration", { key: "MinimumStatusDuration", value: "0" }),
    { status: "Accepted" },
  );
  cp.onSessionStopped(1, "s-2");
  await csms.waitFor("StatusNotification", 7);
  await idle();
  assert.deepEqual(statuses().slice(6).map((p) => [p.status, p.timestamp]), [["Available", now()]]);
  assert.equal(cp.state.timers["status:1"], undefined);
  await cp.stop();

  for (const call of csms.received) {
    assert.equal(call.validationError, undefined, `${call.action} rejected by ocpp-rpc strict`);
  }
  assertAllValid(csms.frames);
  assertReplays(h);
});
