/**
 * The plugin guide's example (`PLUGINS.md`, `plugins/status_webhook.ts`): every StatusNotification
 * the charge point sends reaches a webhook served by `Deno.serve` on 127.0.0.1, in order. Also
 * the plugin model's promises: a plugin that throws (in setup, in a listener, in a callback it
 * provides) is reported and isolated, and the charge point loses no event.
 */
import assert from "node:assert/strict";
import { ScriptedCsms } from "../support/scripted_csms.ts";
import { makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import { replay } from "../../core/replay.ts";
import type { Logger } from "../../core/logger.ts";
import type { Plugin } from "../../core/plugin.ts";
import { StateError } from "../../core/errors.ts";
import { statusWebhook } from "../../plugins/status_webhook.ts";

/** A webhook receiver on 127.0.0.1 that keeps the JSON bodies posted to it. */
function webhook(): AsyncDisposable & { url: string; posts: Record<string, unknown>[] } {
  const posts: Record<string, unknown>[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      if (request.method !== "POST") return new Response(null, { status: 405 });
      posts.push(await request.json());
      return new Response(null, { status: 204 });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/hooks/status`,
    posts,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

Deno.test("statusWebhook posts every StatusNotification the charge point sends, in order", async () => {
  await using hook = webhook();
  await using csms = await ScriptedCsms.start();
  const h = makeChargePoint(csms.url, { plugins: [statusWebhook(hook.url)] });
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  h.cp.onSessionStarted(1, "s-1", "EVConnected");
  h.cp.onError(2, { uuid: "e-1", errorCode: "GroundFailure", isFault: true, info: "relay" });
  await csms.waitFor("StatusNotification", 5);
  await until(() => hook.posts.length === 5, "5 posts");
  await h.cp.stop(); // waits for the posts still going on
  const sent = csms.received.filter((c) => c.action === "StatusNotification")
    .map((c) => ({ chargePointId: "CP-1", ...(c.params as Record<string, unknown>) }));
  assert.deepEqual(hook.posts.map((p) => [p.connectorId, p.status]), [
    [0, "Available"],
    [1, "Available"],
    [2, "Available"],
    [1, "Preparing"],
    [2, "Faulted"],
  ]);
  assert.deepEqual(hook.posts, sent);
  assertAllValid(csms.frames);
  assert.deepEqual(replay(h.store).frames, h.sent);
});

Deno.test("a webhook that is down does not disturb the charge point", async () => {
  const hook = webhook();
  const url = hook.url;
  await hook[Symbol.asyncDispose](); // nobody listens any more
  await using csms = await ScriptedCsms.start();
  const warnings: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (m) => void warnings.push(m),
    error: (m) => void warnings.push(m),
  };
  const h = makeChargePoint(csms.url, { logger, plugins: [statusWebhook(url)] });
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  h.cp.onSessionStarted(1, "s-1", "EVConnected");
  await csms.waitFor("StatusNotification", 4);
  await until(
    () => warnings.filter((w) => w.startsWith("status webhook")).length === 4,
    "warnings",
  );
  await h.cp.stop();
  assert.deepEqual(replay(h.store).frames, h.sent);
});

Deno.test("plugins that throw are reported and isolated: setup, listeners and provided callbacks", async () => {
  await using csms = await ScriptedCsms.start();
  const errors: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (m) => void errors.push(m),
    error: (m) => void errors.push(m),
  };
  const seen: string[] = [];
  let lateProvide: unknown;
  const plugins: Plugin[] = [
    {
      name: "broken-setup",
      setup(ctx) {
        ctx.provideCallback("uploadLogs", () => ({ status: "Accepted" }));
        throw new Error("setup failed");
      },
    },
    {
      name: "broken-listener",
      setup(ctx) {
        ctx.subscribe(() => {
          throw new Error("listener failed");
        });
        ctx.subscribe(() => Promise.reject(new Error("async listener failed")), {
          types: ["SessionStarted"],
        });
      },
    },
    {
      name: "broken-callback",
      setup(ctx) {
        ctx.provideCallback("uploadDiagnostics", () => {
          throw new Error("callback failed");
        });
        ctx.subscribe(() => {
          try {
            ctx.provideCallback("updateFirmware", () => {});
          } catch (error) {
            lateProvide = error;
          }
        }, { types: ["ChargePointStarted"] });
      },
    },
    {
      name: "witness",
      setup(ctx) {
        ctx.subscribe((event) => void seen.push(event.type));
      },
    },
  ];
  const h = makeChargePoint(csms.url, { logger, plugins });
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  const started = [...h.store.read(1)].find((e) => e.type === "ChargePointStarted");
  // The callback of the plugin whose setup failed is dropped; the other one is listed.
  const listed = (started?.data as { callbacks: string[] }).callbacks;
  assert.ok(listed.includes("uploadDiagnostics") && !listed.includes("uploadLogs"));
  assert.ok(!listed.includes("updateFirmware"), "only during setup");
  assert.ok(lateProvide instanceof StateError && lateProvide.code === "ALREADY_STARTED");

  h.cp.onSessionStarted(1, "s-1", "EVConnected");
  await csms.waitFor("StatusNotification", 4);
  assert.deepEqual(
    await csms.call("GetDiagnostics", { location: "ftp://127.0.0.1/up/" }),
    {},
    "a throwing callback answers as a failed one",
  );
  assert.deepEqual(
    await csms.call("GetLog", {
      log: { remoteLocation: "ftp://127.0.0.1/up/" },
      logType: "SecurityLog",
      requestId: 1,
    }),
    { status: "Rejected" },
  );
  await until(() => errors.some((e) => e.includes("async listener")) || seen.length > 0, "errors");
  await h.cp.stop();
  // Every event reached the other plugins, and the log is complete.
  assert.deepEqual(seen, [...h.store.read(1)].map((e) => e.type));
  assert.ok(errors.some((e) => e === "plugin broken-setup failed to set up"));
  assert.ok(errors.some((e) => e.startsWith("plugin listener failed")));
  assert.ok(errors.some((e) => e === "plugin broken-callback: callback uploadDiagnostics failed"));
  assertAllValid(csms.frames);
  assert.deepEqual(replay(h.store).frames, h.sent);
});

Deno.test("a webhook answering an error status is reported (not 2xx), and the next posts still go out in order", async () => {
  const posts: Record<string, unknown>[] = [];
  let status = 500;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (r) => {
    posts.push(await r.json());
    return new Response(status === 500 ? "down for maintenance" : null, { status });
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}/hooks/status`;
    await using csms = await ScriptedCsms.start();
    const warnings: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (m) => void warnings.push(m),
      error: (m) => void warnings.push(m),
    };
    const h = makeChargePoint(csms.url, { logger, plugins: [statusWebhook(url)] });
    await h.cp.start();
    await csms.waitFor("StatusNotification", 3);
    await until(() => posts.length === 3, "3 posts");
    status = 204;
    h.cp.onSessionStarted(1, "s-1", "EVConnected");
    await until(() => posts.length === 4, "4 posts");
    await h.cp.stop();
    assert.deepEqual(warnings.filter((w) => w.startsWith("status webhook")), [
      `status webhook: Error: HTTP 500 from ${url}`,
      `status webhook: Error: HTTP 500 from ${url}`,
      `status webhook: Error: HTTP 500 from ${url}`,
    ]);
    assert.deepEqual(posts.map((p) => [p.connectorId, p.status]), [
      [0, "Available"],
      [1, "Available"],
      [2, "Available"],
      [1, "Preparing"],
    ]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("the plugin guide shows plugins/status_webhook.ts as it is, in under 30 lines", async () => {
  const guide = await Deno.readTextFile(new URL("../../PLUGINS.md", import.meta.url));
  const source = await Deno.readTextFile(
    new URL("../../plugins/status_webhook.ts", import.meta.url),
  );
  const start = guide.indexOf("```ts\nimport type { Plugin }");
  assert.ok(start >= 0, "the example is in PLUGINS.md");
  const block = guide.slice(start + "```ts\n".length, guide.indexOf("```\n", start + 5));
  const fn = source.slice(source.indexOf("export function statusWebhook"));
  assert.equal(block, `import type { Plugin } from "./mod.ts";\n\n${fn}`);
  assert.ok(fn.trimEnd().split("\n").length < 30, "the plugin is under 30 lines");
});
