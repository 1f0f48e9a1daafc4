/**
 * ExtendedTriggerMessage (Security Whitepaper) against the independent `ocpp-rpc` peer in strict
 * mode: the core messages behave as with TriggerMessage (the answer first, then the message;
 * `Rejected` for a connector out of range or MeterValues without a measurement);
 * LogStatusNotification and FirmwareStatusNotification (sent as SignedFirmwareStatusNotification)
 * carry the status of what is going on, or `Idle` without requestId. The uploads and updates
 * themselves are in `tests/plugins/`.
 */
import assert from "node:assert/strict";
import { RpcCsms } from "../support/rpc_csms.ts";
import { assertReplays, type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid } from "../support/ocpp_schema.ts";

type Params = Record<string, unknown>;

async function quiet(h: Harness): Promise<void> {
  await until(
    () => h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0,
    "every CALL answered",
  );
}

function calls(csms: RpcCsms, action: string): Params[] {
  return csms.received.filter((c) => c.action === action).map((c) => c.params as Params);
}

async function trigger(
  csms: RpcCsms,
  h: Harness,
  request: Params,
  status: string,
): Promise<void> {
  await quiet(h);
  assert.deepEqual(await csms.call("CP-1", "ExtendedTriggerMessage", request), { status });
}

Deno.test("ExtendedTriggerMessage: core messages as TriggerMessage; log and signed firmware status of what is going on", async () => {
  await using csms = await RpcCsms.start();
  const h = makeChargePoint(csms.url);
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);

  await trigger(csms, h, { requestedMessage: "StatusNotification", connectorId: 2 }, "Accepted");
  await csms.waitFor("StatusNotification", 4);
  assert.deepEqual(
    [
      calls(csms, "StatusNotification").at(-1)?.connectorId,
      calls(csms, "StatusNotification").at(-1)?.status,
    ],
    [2, "Available"],
  );
  await trigger(csms, h, { requestedMessage: "StatusNotification", connectorId: 3 }, "Rejected");
  await trigger(csms, h, { requestedMessage: "MeterValues", connectorId: 1 }, "Rejected");
  await trigger(csms, h, { requestedMessage: "Heartbeat" }, "Accepted");
  await csms.waitFor("Heartbeat");

  await trigger(csms, h, { requestedMessage: "LogStatusNotification" }, "Accepted");
  await csms.waitFor("LogStatusNotification");
  h.cp.onLogStatusNotification(4, "Uploading");
  await csms.waitFor("LogStatusNotification", 2);
  await trigger(csms, h, { requestedMessage: "LogStatusNotification" }, "Accepted");
  await csms.waitFor("LogStatusNotification", 3);
  h.cp.onLogStatusNotification(4, "Uploaded");
  await csms.waitFor("LogStatusNotification", 4);
  await trigger(csms, h, { requestedMessage: "LogStatusNotification" }, "Accepted");
  await csms.waitFor("LogStatusNotification", 5);
  assert.deepEqual(calls(csms, "LogStatusNotification"), [
    { status: "Idle" },
    { status: "Uploading", requestId: 4 },
    { status: "Uploading", requestId: 4 }, // triggered
    { status: "Uploaded", requestId: 4 },
    { status: "Idle" }, // triggered: the upload is over
  ]);

  h.cp.onFirmwareUpdateStatusNotification(9, "InstallScheduled");
  await csms.waitFor("SignedFirmwareStatusNotification");
  await trigger(csms, h, { requestedMessage: "FirmwareStatusNotification" }, "Accepted");
  await csms.waitFor("SignedFirmwareStatusNotification", 2);
  h.cp.onFirmwareUpdateStatusNotification(9, "InstallationFailed");
  await csms.waitFor("SignedFirmwareStatusNotification", 3);
  await trigger(csms, h, { requestedMessage: "FirmwareStatusNotification" }, "Accepted");
  await csms.waitFor("SignedFirmwareStatusNotification", 4);
  assert.deepEqual(calls(csms, "SignedFirmwareStatusNotification"), [
    { status: "InstallScheduled", requestId: 9 },
    { status: "InstallScheduled", requestId: 9 },
    { status: "InstallationFailed", requestId: 9 },
    { status: "Idle" },
  ]);
  assert.deepEqual(calls(csms, "FirmwareStatusNotification"), []);
  await quiet(h);
  await h.cp.stop();
  assertAllValid(csms.frames);
  assertReplays(h);
});
