/**
 * Connection loss and reconnection: exponential backoff with jitter, StatusNotification of the
 * current state after reconnect (no new BootNotification), transaction messages kept while offline
 * and delivered in order, WebSocket ping per WebSocketPingInterval, connectionStateChanged.
 */
import assert from "node:assert/strict";
import { ScriptedCsms } from "../support/scripted_csms.ts";
import { assertReplays, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import { backoffMs } from "../../core/step.ts";

const NO_JITTER = {
  RetryBackoffWaitMinimum: "3",
  RetryBackoffRandomRange: "0",
  RetryBackoffRepeatTimes: "2",
};

Deno.test("backoffMs doubles up to RetryBackoffRepeatTimes and adds a jitter within RetryBackoffRandomRange", () => {
  const config = {
    RetryBackoffWaitMinimum: "3",
    RetryBackoffRandomRange: "10",
    RetryBackoffRepeatTimes: "3",
  };
  const seeds = Array.from(
    { length: 50 },
    (_, i) => `01JD0000000000000000000${String(i).padStart(3, "0")}`,
  );
  for (
    const [attempt, base] of [[1, 3000], [2, 6000], [3, 12000], [4, 24000], [9, 24000]] as const
  ) {
    const delays = seeds.map((s) => backoffMs(config, attempt, s));
    assert.ok(
      delays.every((d) => d >= base && d <= base + 10_000),
      `attempt ${attempt}: ${delays}`,
    );
    assert.ok(new Set(delays).size > 10, "jitter varies with the seed");
  }
  assert.equal(backoffMs(config, 2, "x"), backoffMs(config, 2, "x"), "deterministic for replay");
});

Deno.test("connection lost while charging: reconnect with backoff, current status re-sent, queued transaction messages delivered in order", async () => {
  const csms = await ScriptedCsms.start();
  const port = csms.port;
  const changes: boolean[] = [];
  const h = makeChargePoint(csms.url, {
    configuration: { ...NO_JITTER, MeterValueSampleInterval: "60" },
    callbacks: { connectionStateChanged: (up) => void changes.push(up) },
  });
  const at = () => new Date(h.clock.now());
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  h.cp.onSessionStarted(1, "s-1", "EVConnected");
  h.cp.onTransactionStarted(1, "s-1", "TAG-1", 100, undefined, at());
  h.cp.onResumeCharging(1);
  h.cp.onMeterValues(1, { powerMeter: { timestamp: at(), energyWhImport: { total: 100 } } });
  await csms.waitFor("StartTransaction", 1);
  await until(
    () => h.cp.state.outbox.size === 0 && h.cp.state.inFlight === undefined,
    "outbox drained",
  );

  await csms.stop(); // the central system goes away
  await until(() => h.cp.state.link === "Disconnected", "link down");
  // Offline: a sample, a status change, a stop.
  h.cp.onMeterValues(1, { powerMeter: { timestamp: at(), energyWhImport: { total: 250 } } });
  await h.clock.advance(60_000);
  h.cp.onSuspendChargingEv(1);
  h.cp.onTransactionStopped(1, "s-1", "Local", at(), 300, "TAG-1");
  assert.equal(h.cp.state.outbox.size, 2, "MeterValues and StopTransaction kept");

  await using back = await ScriptedCsms.start({ port });
  // While the clock ran 60 s, attempts failed at 3, 9, 21, 33, 45 and 57 s; the next is at 69 s.
  await h.clock.advance(12_000);
  await back.waitFor("StopTransaction", 1);
  await back.waitFor("StatusNotification", 3);
  const actions = back.received.map((c) => c.action);
  assert.ok(!actions.includes("BootNotification"), "no new BootNotification in the same process");
  const status1 = back.received.filter((c) => c.action === "StatusNotification")
    .map((c) => c.params as { connectorId: number; status: string })
    .find((p) => p.connectorId === 1);
  assert.equal(status1?.status, "Finishing", "the current status, not the stale ones");
  const tx = back.received.filter((c) =>
    c.action === "MeterValues" || c.action === "StopTransaction"
  );
  assert.deepEqual(tx.map((c) => c.action), ["MeterValues", "StopTransaction"]);
  assert.equal((tx[0]?.params as { transactionId: number }).transactionId, 1);
  assert.equal((tx[1]?.params as { transactionId: number }).transactionId, 1);
  await until(() => changes.length >= 3, "connectionStateChanged");
  assert.deepEqual(changes.slice(0, 3), [true, false, true]);
  await h.cp.stop();
  assertAllValid(back.frames);
  assertReplays(h);
});

Deno.test("reconnect attempts back off 3 s, 6 s, 12 s, 12 s while the central system is unreachable", async () => {
  const csms = await ScriptedCsms.start();
  const port = csms.port;
  const h = makeChargePoint(csms.url, { configuration: NO_JITTER });
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  await csms.stop();
  await until(() => h.cp.state.link === "Disconnected", "link down");
  const attemptsAfter = async (ms: number): Promise<number> => {
    await h.clock.advance(ms);
    await until(() => h.cp.state.link === "Disconnected", "attempt failed");
    return h.cp.state.reconnectAttempts;
  };
  assert.equal(h.cp.state.reconnectAttempts, 1);
  assert.equal(await attemptsAfter(2_999), 1);
  assert.equal(await attemptsAfter(1), 2); // 3 s
  assert.equal(await attemptsAfter(5_999), 2);
  assert.equal(await attemptsAfter(1), 3); // 6 s
  assert.equal(await attemptsAfter(12_000), 4); // 12 s
  assert.equal(await attemptsAfter(12_000), 5); // capped at 12 s
  await using back = await ScriptedCsms.start({ port });
  await h.clock.advance(12_000);
  await back.waitFor("StatusNotification", 3);
  assert.equal(h.cp.state.reconnectAttempts, 0);
  await h.cp.stop();
  assertReplays(h);
});

Deno.test("WebSocketPingInterval: a ping every interval, answered by a pong recorded in the log", async () => {
  await using csms = await ScriptedCsms.start();
  const h = makeChargePoint(csms.url, { configuration: { WebSocketPingInterval: "30" } });
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  const pongs = () => [...h.cp.log.read(1)].filter((e) => e.type === "PongReceived").length;
  await h.clock.advance(29_000);
  assert.equal(pongs(), 0);
  await h.clock.advance(1_000);
  await until(() => pongs() === 1, "first pong");
  await h.clock.advance(30_000);
  await until(() => pongs() === 2, "second pong");
  await h.cp.stop();
});

Deno.test("disconnect() stays offline until connect()", async () => {
  await using csms = await ScriptedCsms.start();
  const h = makeChargePoint(csms.url, { configuration: NO_JITTER });
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  h.cp.disconnect();
  await until(() => h.cp.state.link === "Disconnected", "link down");
  await h.clock.advance(600_000);
  assert.equal(h.cp.state.link, "Disconnected");
  assert.equal(csms.connectionCount, 1);
  h.cp.connect();
  await csms.waitForConnection(2);
  await csms.waitFor("StatusNotification", 6);
  await h.cp.stop();
  assertReplays(h);
});

Deno.test("security profile 1: Basic auth with the charge point id; a 401 raises FailedToAuthenticateAtCentralSystem", async () => {
  await using csms = await ScriptedCsms.start({
    basicAuth: { username: "CP-1", password: "0123456789abcdef" },
  });
  const good = makeChargePoint(csms.url, { security: { basicAuthPassword: "0123456789abcdef" } });
  await good.cp.start();
  await csms.waitFor("StatusNotification", 3);
  await good.cp.stop();

  const bad = makeChargePoint(csms.url, {
    security: { basicAuthPassword: "wrong-password-123" },
    configuration: NO_JITTER,
  });
  await bad.cp.start();
  const raised = () =>
    [...bad.cp.log.read(1)].filter((e) =>
      e.type === "SecurityEventOccurred" &&
      (e.data as { eventType: string }).eventType === "FailedToAuthenticateAtCentralSystem"
    );
  await until(() => raised().length === 1, "FailedToAuthenticateAtCentralSystem");
  assert.equal((raised()[0]?.data as { internal: boolean }).internal, true);
  assert.ok(
    !JSON.stringify([...bad.cp.log.read(1)]).includes("wrong-password-123"),
    "no secret in the log",
  );
  await bad.cp.stop();
  assert.equal(csms.requests.filter((r) => r.status === 401).length, 1);
});
