/**
 * Security events (OCPP 1.6 Security Whitepaper): critical ones are sent as
 * SecurityEventNotification by the core (with or without plugins, `critical` overrides the
 * default, DisableSecurityEventNotifications silences them); the securityLog plugin writes every
 * event to a rotating file, and a plugin that throws is isolated.
 */
import assert from "node:assert/strict";
import { ScriptedCsms } from "../support/scripted_csms.ts";
import { makeChargePoint, until } from "../support/harness.ts";
import { readSecurityLog, securityLog } from "../../plugins/security_log.ts";
import type { Plugin } from "../../core/plugin.ts";
import { replay } from "../../core/replay.ts";
import { CRITICAL_SECURITY_EVENTS, SECURITY_EVENT_TYPES } from "../../core/security_events.ts";

Deno.test("critical security events are sent without any plugin; others only when critical is forced", async () => {
  await using csms = await ScriptedCsms.start();
  const h = makeChargePoint(csms.url);
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  for (const type of SECURITY_EVENT_TYPES) h.cp.onSecurityEvent(type, `info ${type}`);
  h.cp.onSecurityEvent("InvalidMessages", "forced", true);
  h.cp.onSecurityEvent("StartupOfTheDevice", "silenced", false);
  const expected = [
    ...SECURITY_EVENT_TYPES.filter((t) => CRITICAL_SECURITY_EVENTS.has(t)),
    "InvalidMessages",
  ];
  const calls = await csms.waitFor("SecurityEventNotification", expected.length);
  assert.deepEqual(calls.map((c) => (c.params as { type: string }).type), expected);
  const at = new Date("2026-03-04T05:06:07.000+02:00");
  h.cp.onSecurityEvent("TamperDetectionActivated", undefined, undefined, at);
  const [last] = (await csms.waitFor("SecurityEventNotification", expected.length + 1)).slice(-1);
  assert.deepEqual(last?.params, {
    type: "TamperDetectionActivated",
    timestamp: "2026-03-04T03:06:07.000Z",
  });
  await h.cp.stop();
  assert.deepEqual(replay(h.store).frames, h.sent);
});

Deno.test("DisableSecurityEventNotifications: nothing is sent, the security log still gets it", async () => {
  await using csms = await ScriptedCsms.start();
  const dir = await Deno.makeTempDir();
  const path = `${dir}/security.log`;
  const h = makeChargePoint(csms.url, {
    configuration: { DisableSecurityEventNotifications: "true" },
    plugins: [securityLog({ path })],
  });
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  h.cp.onSecurityEvent("ResetOrReboot", "remote reset");
  h.cp.onSecurityEvent("Heartbeat?", undefined, false);
  await h.clock.advance(1000);
  assert.equal(csms.received.filter((c) => c.action === "SecurityEventNotification").length, 0);
  const entries = readSecurityLog(path);
  assert.deepEqual(entries.map((e) => [e.type, e.critical]), [["ResetOrReboot", true], [
    "Heartbeat?",
    false,
  ]]);
  await h.cp.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("securityLog rotates its file and raises SecurityLogWasCleared when the oldest file is deleted", async () => {
  await using csms = await ScriptedCsms.start();
  const dir = await Deno.makeTempDir();
  const path = `${dir}/sec/security.log`;
  const h = makeChargePoint(csms.url, {
    plugins: [securityLog({ path, maxBytes: 400, maxFiles: 2 })],
  });
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  for (let i = 0; i < 12; i++) h.cp.onSecurityEvent("InvalidMessages", `message ${i}`);
  await until(
    () =>
      [...h.cp.log.read(1)].some((e) =>
        e.type === "SecurityEventOccurred" &&
        (e.data as { eventType: string }).eventType === "SecurityLogWasCleared"
      ),
    "SecurityLogWasCleared",
  );
  await csms.waitFor("SecurityEventNotification", 1);
  const sent = csms.received.find((c) => c.action === "SecurityEventNotification")?.params as {
    type: string;
  };
  assert.equal(sent.type, "SecurityLogWasCleared");
  for (const file of [path, `${path}.1`, `${path}.2`]) {
    assert.ok(Deno.statSync(file).size <= 400, `${file} within maxBytes`);
  }
  assert.throws(() => Deno.statSync(`${path}.3`), Deno.errors.NotFound);
  const entries = readSecurityLog(path, 2);
  assert.ok(entries.length < 13, "the oldest entries were deleted");
  const seqs = entries.map((e) => e.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), "oldest first, in log order");
  assert.equal(entries.at(-1)?.type, "SecurityLogWasCleared");
  await h.cp.stop();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a plugin that throws is reported and isolated; the charge point keeps working and loses no event", async () => {
  await using csms = await ScriptedCsms.start();
  const errors: string[] = [];
  const seen: number[] = [];
  const throwing: Plugin = {
    name: "throwing",
    setup(ctx) {
      ctx.subscribe(() => {
        throw new Error("boom");
      });
      ctx.subscribe(async () => {
        await Promise.resolve();
        throw new Error("async boom");
      });
    },
  };
  const failingSetup: Plugin = {
    name: "failing-setup",
    setup() {
      throw new Error("setup boom");
    },
  };
  const counting: Plugin = {
    name: "counting",
    setup: (ctx) => void ctx.subscribe((e) => void seen.push(e.seq)),
  };
  const h = makeChargePoint(csms.url, {
    plugins: [failingSetup, throwing, counting],
    logger: { debug() {}, info() {}, warn() {}, error: (m) => void errors.push(m) },
  });
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  h.cp.onSessionStarted(1, "s", "EVConnected");
  await csms.waitFor("StatusNotification", 4);
  assert.equal(h.cp.connectorStatus(1), "Preparing");
  await h.cp.stop();
  assert.ok(errors.some((m) => m.includes("failing-setup")));
  assert.ok(errors.some((m) => m.includes("plugin listener failed")));
  assert.deepEqual(seen, [...h.cp.log.read(1)].map((e) => e.seq).filter((s) => s <= seen.at(-1)!));
});
