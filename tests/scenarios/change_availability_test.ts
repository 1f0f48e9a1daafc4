/**
 * ChangeAvailability (OCPP 1.6 §5.2): connector and whole charge point, Scheduled while a
 * transaction runs and applied when it ends, persisted across a restart, Rejected for an unknown
 * connector; the same decision through `onChangeAvailability`.
 */
import assert from "node:assert/strict";
import { RpcCsms } from "../support/rpc_csms.ts";
import { assertReplays, type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";
import { MemoryEventStore } from "../../core/memory_event_store.ts";
import { ManualClock } from "../../core/clock.ts";

type Status = { connectorId: number; status: string };

/** Drains and stops the restarted charge point, then checks every frame and the replay of both runs. */
async function finishRestarted(csms: RpcCsms, first: Harness, again: Harness): Promise<void> {
  await until(
    () => again.cp.state.outbox.size === 0 && again.cp.state.inFlight === undefined,
    "drained",
  );
  await again.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(again, { before: [first] });
}

/**
 * A charge point on a memory store with a manual clock, recording enableEvse/disableEvse calls,
 * and the helpers of the scenarios below.
 */
function setup(csms: RpcCsms) {
  const store = new MemoryEventStore();
  const clock = new ManualClock();
  const changes: string[] = [];
  const callbacks = {
    disableEvse: (c: number) => (changes.push(`disable ${c}`), true),
    enableEvse: (c: number) => (changes.push(`enable ${c}`), true),
  };
  const h = makeChargePoint(csms.url, { store, clock, callbacks });
  const statuses = () =>
    csms.received.filter((c) => c.action === "StatusNotification").map((c) => c.params as Status);
  const last = (id: number) => statuses().filter((s) => s.connectorId === id).at(-1)?.status;
  const change = (connectorId: number, type: string) =>
    csms.call("CP-1", "ChangeAvailability", { connectorId, type });
  const idle = () =>
    until(() => h.cp.state.outbox.size === 0 && h.cp.state.inFlight === undefined, "drained");
  return { store, clock, changes, callbacks, h, statuses, last, change, idle };
}

Deno.test("ChangeAvailability of a connector and of the charge point, Scheduled during a transaction, persisted across restart", async () => {
  await using csms = await RpcCsms.start();
  const store = new MemoryEventStore();
  const clock = new ManualClock();
  const disabled: number[] = [];
  const enabled: number[] = [];
  const callbacks = {
    disableEvse: (c: number) => (disabled.push(c), true),
    enableEvse: (c: number) => (enabled.push(c), true),
  };
  const h = makeChargePoint(csms.url, { store, clock, callbacks });
  const statuses = () =>
    csms.received.filter((c) => c.action === "StatusNotification").map((c) => c.params as Status);
  const last = (id: number) => statuses().filter((s) => s.connectorId === id).at(-1)?.status;
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);

  // A connector without a transaction: Accepted at once.
  assert.deepEqual(
    await csms.call("CP-1", "ChangeAvailability", { connectorId: 2, type: "Inoperative" }),
    {
      status: "Accepted",
    },
  );
  await until(() => last(2) === "Unavailable", "connector 2 Unavailable");
  await until(() => disabled.includes(2), "disableEvse(2)");

  // A transaction on connector 1: the whole charge point Inoperative is Scheduled.
  h.cp.onSessionStarted(1, "s", "EVConnected");
  h.cp.onTransactionStarted(1, "s", "TAG", 0, undefined, new Date(clock.now()));
  h.cp.onResumeCharging(1);
  await until(() => last(1) === "Charging", "Charging");
  assert.deepEqual(
    await csms.call("CP-1", "ChangeAvailability", { connectorId: 0, type: "Inoperative" }),
    {
      status: "Scheduled",
    },
  );
  await until(() => last(0) === "Unavailable", "connector 0 Unavailable");
  assert.equal(h.cp.connectorStatus(1), "Charging", "the running transaction is not interrupted");
  h.cp.onTransactionStopped(1, "s", "Local", new Date(clock.now()), 100);
  await until(() => last(1) === "Unavailable", "connector 1 Unavailable after the transaction");

  // Unknown connector.
  assert.deepEqual(
    await csms.call("CP-1", "ChangeAvailability", { connectorId: 9, type: "Operative" }),
    {
      status: "Rejected",
    },
  );
  await until(() => h.cp.state.outbox.size === 0 && h.cp.state.inFlight === undefined, "drained");
  await h.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h);

  // Restart on the same store: still inoperative, reported as such after boot.
  const before = statuses().length;
  const again = makeChargePoint(csms.url, { store, clock, callbacks });
  await again.cp.start();
  await csms.waitFor("StatusNotification", before + 3);
  assert.deepEqual(statuses().slice(before).map((s) => `${s.connectorId}:${s.status}`), [
    "0:Unavailable",
    "1:Unavailable",
    "2:Unavailable",
  ]);
  // Operative again through the firmware-side handler.
  assert.deepEqual(again.cp.onChangeAvailability({ connectorId: 0, type: "Operative" }), {
    status: "Accepted",
  });
  await until(
    () => last(0) === "Available" && last(1) === "Available" && last(2) === "Available",
    "Operative",
  );
  await until(() => enabled.length >= 3, "enableEvse");
  await again.cp.stop();
});

Deno.test("ChangeAvailability of each kind: connector Accepted / Scheduled (applied when its transaction ends, also after a restart) / Operative again, charge point Accepted, Rejected out of range", async () => {
  await using csms = await RpcCsms.start();
  const { store, clock, changes, callbacks, h, statuses, last, change, idle } = setup(csms);
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);

  // The whole charge point without a transaction: Accepted, every connector Unavailable.
  assert.deepEqual(await change(0, "Inoperative"), { status: "Accepted" });
  await until(() => [0, 1, 2].every((c) => last(c) === "Unavailable"), "all Unavailable");
  assert.deepEqual(await change(0, "Operative"), { status: "Accepted" });
  await until(() => [0, 1, 2].every((c) => last(c) === "Available"), "all Available");
  // The same again changes nothing and is Accepted.
  const before = statuses().length;
  assert.deepEqual(await change(0, "Operative"), { status: "Accepted" });
  await idle();
  assert.equal(statuses().length, before);

  // Out of range: Rejected, nothing changes.
  for (const connectorId of [3, -1, 2147483647]) {
    assert.deepEqual(await change(connectorId, "Inoperative"), { status: "Rejected" });
  }

  // Connector 1 during its transaction: Scheduled; connector 2 stays Available.
  h.cp.onSessionStarted(1, "s-1", "EVConnected");
  h.cp.onTransactionStarted(1, "s-1", "TAG", 0, undefined, new Date(clock.now()));
  h.cp.onResumeCharging(1);
  await until(() => last(1) === "Charging", "Charging");
  assert.deepEqual(await change(1, "Inoperative"), { status: "Scheduled" });
  await idle();
  assert.equal(h.cp.connectorStatus(1), "Charging", "the transaction goes on");
  assert.equal(last(2), "Available");
  await idle();
  await h.cp.stop();

  // A restart while it is scheduled: the transaction continues, the change still waits for it.
  const again = makeChargePoint(csms.url, { store, clock, callbacks });
  await again.cp.start({ resumeSessionIds: ["s-1"] });
  await csms.waitFor("StatusNotification", statuses().length + 3);
  assert.equal(again.cp.connectorStatus(1), "Charging");
  again.cp.onTransactionStopped(1, "s-1", "Local", new Date(clock.now()), 500);
  await until(() => last(1) === "Unavailable", "Unavailable once the transaction ended");
  assert.ok(changes.includes("disable 1"), changes.join());
  // Operative again: Available (the EV is still plugged in: the firmware reports the session).
  again.cp.onSessionStopped(1, "s-1");
  assert.deepEqual(
    await csms.call("CP-1", "ChangeAvailability", { connectorId: 1, type: "Operative" }),
    { status: "Accepted" },
  );
  await until(() => last(1) === "Available", "Available again");
  await finishRestarted(csms, h, again);
});

Deno.test("ChangeAvailability Operative before the scheduled Inoperative is applied cancels it: the transaction goes on, nothing changes when it ends", async () => {
  await using csms = await RpcCsms.start();
  const { clock, changes, h, last, change, idle } = setup(csms);
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);

  h.cp.onSessionStarted(1, "s", "EVConnected");
  h.cp.onTransactionStarted(1, "s", "TAG", 0, undefined, new Date(clock.now()));
  h.cp.onResumeCharging(1);
  await until(() => last(1) === "Charging", "Charging");
  assert.deepEqual(await change(1, "Inoperative"), { status: "Scheduled" });
  assert.deepEqual(await change(1, "Operative"), { status: "Accepted" });
  await idle();
  assert.equal(h.cp.connectorStatus(1), "Charging", "still charging");
  assert.equal(last(1), "Charging");
  assert.equal(h.cp.state.connectors[1].scheduledAvailability, undefined, "nothing scheduled");
  assert.deepEqual(changes, [], "no enable/disable callback");

  h.cp.onTransactionStopped(1, "s", "EVDisconnected", new Date(clock.now()), 100);
  h.cp.onSessionStopped(1, "s");
  await until(() => last(1) === "Available", "Available after the session");
  await idle();
  assert.deepEqual(changes, [], "the cancelled change is not applied at the end");
  await h.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h);
});

Deno.test("ChangeAvailability Inoperative while Preparing (plugged, no transaction) is Scheduled and applied when the session ends, also across a restart", async () => {
  await using csms = await RpcCsms.start();
  const { store, clock, changes, callbacks, h, last, change } = setup(csms);
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);

  h.cp.onSessionStarted(1, "s", "EVConnected");
  await until(() => last(1) === "Preparing", "Preparing");
  assert.deepEqual(await change(1, "Inoperative"), { status: "Scheduled" });
  assert.equal(h.cp.connectorStatus(1), "Preparing");
  assert.equal(h.cp.state.connectors[1].scheduledAvailability, "Inoperative");
  await until(
    () => h.cp.state.outbox.size === 0 && h.cp.state.inFlight === undefined,
    "drained",
  );
  await h.cp.stop();

  // After a restart the session goes on and the change still waits for its end.
  const again = makeChargePoint(csms.url, { store, clock, callbacks });
  await again.cp.start({ resumeSessionIds: ["s"] });
  await csms.waitFor("BootNotification", 2);
  assert.equal(again.cp.state.connectors[1].scheduledAvailability, "Inoperative");
  again.cp.onSessionStopped(1, "s");
  await until(() => last(1) === "Unavailable", "Unavailable once the EV is unplugged");
  assert.equal(again.cp.connectorStatus(1), "Unavailable");
  assert.ok(changes.includes("disable 1"), changes.join());
  await finishRestarted(csms, h, again);
});
