/**
 * Connection management end to end, against a scripted central system on 127.0.0.1: the
 * WebSocket ping of `WebSocketPingInterval` is answered by the peer's pong; when the pongs stop
 * coming (a transport that swallows the pings: the link looks open but is dead), the charge point
 * closes the connection when the next ping is due, tells the firmware, reconnects after the
 * backoff, and a transaction message queued meanwhile is delivered once.
 */
import assert from "node:assert/strict";
import { ScriptedCsms } from "../support/scripted_csms.ts";
import { makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import { replay } from "../../core/replay.ts";
import { type Transport, webSocketTransport } from "../../core/transport.ts";

Deno.test("WebSocketPingInterval: a link whose pongs stop is closed at the next ping, then re-established", async () => {
  await using csms = await ScriptedCsms.start();
  let deaf = false;
  const inner = webSocketTransport();
  // Pings sent while `deaf` never leave the machine, so no pong comes back.
  const transport: Transport = {
    connect(url, options, handlers) {
      const conn = inner.connect(url, options, handlers);
      return {
        send: (text) => conn.send(text),
        ping: () => {
          if (!deaf) conn.ping();
        },
        close: (code, reason) => conn.close(code, reason),
      };
    },
  };
  const changes: boolean[] = [];
  const h = makeChargePoint(csms.url, {
    transport,
    configuration: {
      WebSocketPingInterval: "30",
      RetryBackoffWaitMinimum: "3",
      RetryBackoffRandomRange: "0",
    },
    callbacks: { connectionStateChanged: (up) => void changes.push(up) },
  });
  const pongs = () => [...h.cp.log.read(1)].filter((e) => e.type === "PongReceived").length;
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  await h.clock.advance(30_000);
  await until(() => pongs() === 1, "a pong for the first ping");
  await h.clock.advance(30_000);
  await until(() => pongs() === 2, "a pong for the second ping");

  deaf = true;
  await h.clock.advance(30_000); // ping 3: no pong
  assert.equal(h.cp.state.link, "Open");
  h.cp.onSecurityEvent("TamperDetectionActivated", "cover opened", true);
  await h.clock.advance(30_000); // ping 4 is due: the pong of ping 3 never came
  await until(() => h.cp.state.link === "Disconnected", "dead link closed");
  assert.equal(pongs(), 2);
  const closed = [...h.cp.log.read(1)].filter((e) => e.type === "ConnectionClosed");
  assert.equal(closed.length, 1);

  deaf = false;
  await h.clock.advance(3_000); // the backoff
  await csms.waitForConnection(2);
  await until(() => h.cp.state.link === "Open", "reconnected");
  await csms.waitFor("StatusNotification", 6);
  await until(
    () => h.cp.state.outbox.size === 0 && h.cp.state.inFlight === undefined,
    "delivered",
  );
  const notifications = csms.received.filter((c) =>
    c.action === "SecurityEventNotification" &&
    (c.params as { type?: string }).type === "TamperDetectionActivated"
  );
  assert.equal(new Set(notifications.map((c) => c.messageId)).size, 1, "once (same id if resent)");
  await until(() => changes.length >= 3, "connectionStateChanged");
  assert.deepEqual(changes.slice(0, 3), [true, false, true]);
  await h.clock.advance(30_000);
  await until(() => pongs() === 3, "pings answered again");
  await h.cp.stop();
  assertAllValid(csms.frames);
  assert.deepEqual(replay(h.store).frames, h.sent);
});
