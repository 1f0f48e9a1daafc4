/**
 * Security events (OCPP 1.6 Security Whitepaper): critical ones are sent as
 * SecurityEventNotification by the core (with or without plugins, `critical` overrides the
 * default, DisableSecurityEventNotifications silences them); the securityLog plugin writes every
 * event to a rotating file, and a plugin that throws is isolated.
 */
import assert from "node:assert/strict";
import { ScriptedCsms } from "../support/scripted_csms.ts";
import { RpcCsms } from "../support/rpc_csms.ts";
import { type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import { readSecurityLog, securityLog } from "../../plugins/security_log.ts";
import type { Plugin } from "../../core/plugin.ts";
import type { Logger, LogLine } from "../../core/logger.ts";
import { SqliteEventStore } from "../../core/sqlite_event_store.ts";
import { diagnosticsUpload } from "../../plugins/diagnostics_upload.ts";
import { FileServer } from "./transfer_servers.ts";
import { opt } from "../../plugins/jobs.ts";
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
    "StartupOfTheDevice", // raised by start() itself
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
  assert.deepEqual(entries.map((e) => [e.type, e.critical]), [
    ["StartupOfTheDevice", true],
    ["ResetOrReboot", true],
    ["Heartbeat?", false],
  ]);
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
  const sent = await csms.waitFor("SecurityEventNotification", 2);
  assert.deepEqual(sent.map((c) => (c.params as { type: string }).type), [
    "StartupOfTheDevice",
    "SecurityLogWasCleared",
  ]);
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
  const errors: { message: string; properties?: Record<string, unknown> }[] = [];
  const seen: number[] = [];
  const thrownOn: number[] = [];
  const throwing: Plugin = {
    name: "throwing",
    setup(ctx) {
      ctx.subscribe((e) => {
        thrownOn.push(e.seq);
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
  let logLines: () => readonly LogLine[] = () => [];
  const counting: Plugin = {
    name: "counting",
    setup(ctx) {
      logLines = () => ctx.logLines();
      ctx.subscribe((e) => void seen.push(e.seq));
    },
  };
  const h = makeChargePoint(csms.url, {
    plugins: [failingSetup, throwing, counting],
    logger: {
      debug() {},
      info() {},
      warn() {},
      error: (message, properties) => void errors.push({ message, ...opt({ properties }) }),
    },
  });
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  h.cp.onSessionStarted(1, "s", "EVConnected");
  await csms.waitFor("StatusNotification", 4);
  assert.equal(h.cp.connectorStatus(1), "Preparing");
  await until(() => thrownOn.length === seen.length, "every event given to both");
  await h.cp.stop();
  assert.ok(errors.some((e) => e.message.includes("failing-setup")));
  const all = [...h.cp.log.read(1)].map((e) => e.seq);
  assert.deepEqual(seen, all.filter((s) => s <= seen.at(-1)!));
  // The throwing plugin still got every event after its first failure, and each failure (sync
  // and async) was reported with the plugin's name and the event's seq.
  assert.deepEqual(thrownOn, seen);
  const failures = () => errors.filter((e) => e.message.startsWith("plugin listener failed"));
  await until(() => failures().length === 2 * thrownOn.length, "the async failures reported");
  const reported = failures();
  for (const seq of thrownOn) {
    const of = reported.filter((e) => e.properties?.seq === seq);
    assert.equal(of.length, 2, `both failures on event ${seq}`);
    for (const e of of) {
      assert.equal(e.properties?.plugin, "throwing");
      assert.match(e.message, new RegExp(`event ${seq} \\(\\w+\\): plugin throwing$`));
    }
  }
  // Also in the library's own log lines (what a diagnostics upload carries).
  const kept = logLines().filter((l) => l.message.startsWith("plugin listener failed"));
  assert.equal(kept.length, reported.length);
  assert.deepEqual(kept[0]?.properties?.error, "Error: boom");
  assert.equal(kept[0]?.properties?.plugin, "throwing");
});

Deno.test("securityLog after a crash: a torn line is skipped (and counted), the file catches up with the event log, a SecurityLog upload still works", async () => {
  const dir = await Deno.makeTempDir({ prefix: "security-log-test-" });
  try {
    const path = `${dir}/security.log`;
    const storePath = `${dir}/events.sqlite`;
    await using server = new FileServer();
    const warnings: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (m) => void warnings.push(m),
      error: (m) => void warnings.push(m),
    };
    const sent: string[] = [];
    const run = async (
      plugins: Plugin[],
      body: (h: Harness, csms: ScriptedCsms) => Promise<void>,
    ) => {
      await using csms = await ScriptedCsms.start();
      const store = new SqliteEventStore(storePath);
      const h = makeChargePoint(csms.url, { store, plugins, logger });
      try {
        await h.cp.start();
        await csms.waitFor("StatusNotification", 3);
        await body(h, csms);
        await until(() => h.cp.state.outbox.size === 0 && !h.cp.state.inFlight, "delivered");
      } finally {
        await h.cp.stop();
        store.close();
      }
      assertAllValid(csms.frames);
      sent.push(...h.sent);
    };
    // What the test raises (start() raises StartupOfTheDevice at every run).
    const types = () =>
      readSecurityLog(path).filter((e) => e.type !== "StartupOfTheDevice").map((e) => e.techInfo);

    // 1. Two events written; then the process dies while writing the second line: it is torn.
    await run([securityLog({ path })], (h) => {
      h.cp.onSecurityEvent("MaintenanceLoginAccepted", "A");
      h.cp.onSecurityEvent("MaintenanceLoginAccepted", "B");
      return Promise.resolve();
    });
    assert.deepEqual(types(), ["A", "B"]);
    const text = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, text.slice(0, text.length - 20)); // half of B's line
    const skipped: number[] = [];
    assert.deepEqual(
      readSecurityLog(path, 5, (_file, line) => void skipped.push(line)).map((e) => e.type),
      ["StartupOfTheDevice", "MaintenanceLoginAccepted"], // A, and B is torn
    );
    assert.deepEqual(skipped, [3]);

    // 2. A run without the plugin: C is only in the event log.
    await run([], (h) => {
      h.cp.onSecurityEvent("MaintenanceLoginAccepted", "C");
      return Promise.resolve();
    });

    // 3. The plugin again: B and C are written from the event log, D as it happens; the torn
    // line stays skipped and does not break an upload of the security log.
    await run(
      [securityLog({ path }), diagnosticsUpload({ securityLogPath: path })],
      async (h, csms) => {
        h.cp.onSecurityEvent("MaintenanceLoginAccepted", "D");
        const answer = await csms.call("GetLog", {
          log: { remoteLocation: `${server.origin}/logs/` },
          logType: "SecurityLog",
          requestId: 4,
        }) as { status: string; filename: string };
        assert.equal(answer.status, "Accepted");
        await csms.waitFor("LogStatusNotification", 2);
        assert.deepEqual(
          csms.received.filter((c) => c.action === "LogStatusNotification").map((c) => c.params),
          [{ status: "Uploading", requestId: 4 }, { status: "Uploaded", requestId: 4 }],
        );
        assert.ok(server.uploads.has(`/logs/${answer.filename}`));
      },
    );
    assert.deepEqual(types(), ["A", "B", "C", "D"]);
    const seqs = readSecurityLog(path).map((e) => e.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), "in log order");
    assert.ok(warnings.some((w) => w.startsWith("security log: 1 unreadable line(s) skipped")));
    assert.ok(warnings.some((w) => w.includes("1 unreadable security log line(s) skipped")));
    const store = new SqliteEventStore(storePath);
    try {
      // Every security event of the log is in the file, once; the three runs replay to the wire.
      assert.deepEqual(
        seqs,
        [...store.read(1)].filter((e) => e.type === "SecurityEventOccurred").map((e) => e.seq),
      );
      assert.deepEqual(replay(store).frames, sent);
    } finally {
      store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SecurityEventNotification survives an outage: queued while offline, delivered after the reconnect, once, in order (ocpp-rpc CSMS)", async () => {
  await using csms = await RpcCsms.start();
  csms.respond("BootNotification", () => ({
    status: "Accepted",
    currentTime: new Date().toISOString(),
    interval: 86_400,
  }));
  const h = makeChargePoint(csms.url, {
    configuration: { RetryBackoffWaitMinimum: "3", RetryBackoffRandomRange: "0" },
  });
  const sent = () =>
    csms.received.filter((c) => c.action === "SecurityEventNotification").map((c) => ({
      id: c.messageId,
      connection: c.connection,
      ...(c.params as { type: string; techInfo?: string }),
    }));
  await h.cp.start();
  await csms.waitFor("SecurityEventNotification", 1); // StartupOfTheDevice
  await until(() => h.cp.state.outbox.size === 0 && !h.cp.state.inFlight, "delivered");

  // The central system drops the connection (no close handshake).
  await csms.disconnect("CP-1", { force: true });
  await until(() => h.cp.state.link === "Disconnected", "link down");
  h.cp.onSecurityEvent("TamperDetectionActivated", "lid opened");
  h.cp.onSecurityEvent("InvalidMessages", "not critical: logged only");
  h.cp.onSecurityEvent("SettingSystemTime", "clock set");
  h.cp.onSecurityEvent("MemoryExhaustion", "offline", true);
  assert.equal(h.cp.state.outbox.size, 3, "kept while offline");
  assert.equal(sent().length, 1);

  // Back online: delivered in order, on the new connection.
  for (let i = 0; i < 10 && h.cp.state.link !== "Open"; i++) {
    await h.clock.advance(1000);
    await until(() => h.cp.state.link !== "Connecting", "connection attempt done");
  }
  await csms.waitFor("SecurityEventNotification", 4);
  await until(() => h.cp.state.outbox.size === 0 && !h.cp.state.inFlight, "delivered");
  await h.clock.advance(120_000); // nothing is sent again
  await h.cp.stop();
  const after = sent().slice(1);
  assert.deepEqual(after.map((c) => [c.type, c.techInfo, c.connection]), [
    ["TamperDetectionActivated", "lid opened", 2],
    ["SettingSystemTime", "clock set", 2],
    ["MemoryExhaustion", "offline", 2],
  ]);
  assert.equal(new Set(sent().map((c) => c.id)).size, sent().length, "each sent once");
  assertAllValid(csms.frames);
  assert.deepEqual(replay(h.store).frames, h.sent);
});
