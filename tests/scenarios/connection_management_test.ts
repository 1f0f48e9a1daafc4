/**
 * Connection management end to end, against a scripted central system on 127.0.0.1: the
 * WebSocket ping of `WebSocketPingInterval` is answered by the peer's pong; when the link dies
 * silently (a transport that swallows the pings and the frames: the socket looks open), the charge
 * point closes the connection when the next ping is due, tells the firmware, reconnects after the
 * backoff, and the transaction message it sent into the dead link is delivered once, with the id
 * it was first sent with.
 */
import assert from "node:assert/strict";
import { ScriptedCsms } from "../support/scripted_csms.ts";
import { assertReplays, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import { type Transport, webSocketTransport } from "../../core/transport.ts";

Deno.test("WebSocketPingInterval: a dead link (no pong) is closed at the next ping and re-established; the message sent into it arrives once, same id", async () => {
  await using csms = await ScriptedCsms.start();
  let deaf = false;
  const inner = webSocketTransport();
  // Pings and frames sent while `deaf` never leave the machine, so nothing comes back.
  const transport: Transport = {
    connect(url, options, handlers) {
      const conn = inner.connect(url, options, handlers);
      return {
        send: (text) => {
          if (!deaf) conn.send(text);
        },
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
    responseTimeoutMs: 120_000, // the dead link is found by the ping, not by an answer's timeout
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
  const lost = h.cp.state.inFlight;
  assert.equal(lost?.action, "SecurityEventNotification", "sent into the dead link");
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
  assert.deepEqual(notifications.map((c) => c.messageId), [lost?.id], "once, with its first id");
  assert.equal(
    h.sent.filter((f) => f.includes(`"${lost?.id}"`)).length,
    2,
    "sent twice by the charge point: into the dead link, then after the reconnect",
  );
  await until(() => changes.length >= 3, "connectionStateChanged");
  assert.deepEqual(changes.slice(0, 3), [true, false, true]);
  await h.clock.advance(30_000);
  await until(() => pongs() === 3, "pings answered again");
  await h.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h);
});
