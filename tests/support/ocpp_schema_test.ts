import assert from "node:assert/strict";
import {
  assertAllValid,
  FrameValidator,
  OCPP16_ACTIONS,
  OCPP16_ERROR_CODES,
  validateCallPayload,
  validateResultPayload,
} from "./ocpp_schema.ts";

const NOW = "2026-01-01T00:00:00.000Z";
const boot = { chargePointVendor: "Acme", chargePointModel: "X1" };
const status = { connectorId: 1, errorCode: "NoError", status: "Available", timestamp: NOW };

/** Runs `fn`, which must throw an Error, and returns that Error. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`);
  }
  throw new Error("expected the function to throw");
}

/** `fn` must throw an Error whose message contains `text`. */
function assertThrows(fn: () => unknown, text: string): void {
  const error = thrown(fn);
  assert.ok(error.message.includes(text), `expected "${text}" in: ${error.message}`);
}

function frame(...parts: unknown[]): string {
  return JSON.stringify(parts);
}

Deno.test("ocpp_schema: the official bundle has the 39 OCPP 1.6 actions and 10 error codes", () => {
  assert.deepEqual(OCPP16_ACTIONS.length, 39);
  for (const action of ["BootNotification", "StatusNotification", "SignCertificate", "GetLog"]) {
    assert.ok(OCPP16_ACTIONS.includes(action), action);
  }
  assert.deepEqual(OCPP16_ERROR_CODES.length, 10);
});

Deno.test("ocpp_schema: payload validation functions", () => {
  assert.deepEqual(validateCallPayload("BootNotification", boot), undefined);
  assert.deepEqual(validateCallPayload("StatusNotification", status), undefined);
  assert.deepEqual(
    validateResultPayload("BootNotification", {
      status: "Accepted",
      currentTime: NOW,
      interval: 300,
    }),
    undefined,
  );
  // multipleOf 0.1 with a float that is not an exact binary multiple.
  assert.deepEqual(
    validateCallPayload("SetChargingProfile", {
      connectorId: 1,
      csChargingProfiles: {
        chargingProfileId: 1,
        stackLevel: 0,
        chargingProfilePurpose: "TxDefaultProfile",
        chargingProfileKind: "Absolute",
        chargingSchedule: {
          chargingRateUnit: "A",
          chargingSchedulePeriod: [{ startPeriod: 0, limit: 16.1 }],
        },
      },
    }),
    undefined,
  );
  assert.match(validateCallPayload("Nope", {}) ?? "", /no OCPP 1.6 schema urn:Nope\.req/);
  assert.match(
    validateCallPayload("StatusNotification", { ...status, status: "Bogus" }) ?? "",
    /\/status must be equal to one of the allowed values/,
  );
  assert.match(
    validateCallPayload("StatusNotification", { ...status, extra: 1 }) ?? "",
    /additional properties \("extra"\)/,
  );
  assert.match(
    validateCallPayload("StatusNotification", { connectorId: 1, status: "Available" }) ?? "",
    /must have required property 'errorCode'/,
  );
  assert.match(
    validateCallPayload("StatusNotification", { ...status, connectorId: "1" }) ?? "",
    /\/connectorId must be integer/,
  );
  assert.match(
    validateCallPayload("StatusNotification", { ...status, timestamp: "2026-01-01" }) ?? "",
    /\/timestamp must match format "date-time"/,
  );
  assert.match(
    validateCallPayload("Authorize", { idTag: "x".repeat(21) }) ?? "",
    /\/idTag must NOT have more than 20 characters/,
  );
  assert.match(validateResultPayload("Heartbeat", {}) ?? "", /required property 'currentTime'/);
  // The class methods are the same functions.
  assert.deepEqual(new FrameValidator().validateCallPayload("BootNotification", boot), undefined);
  assert.ok(new FrameValidator().validateResultPayload("BootNotification", {}) !== undefined);
});

Deno.test("ocpp_schema: a valid conversation passes", () => {
  const v = new FrameValidator({ checkInboundResults: true });
  v.outbound(frame(2, "b1", "BootNotification", boot));
  v.inbound(frame(3, "b1", { status: "Accepted", currentTime: NOW, interval: 300 }));
  v.outbound(frame(2, "s1", "StatusNotification", status));
  v.inbound(frame(2, "r1", "Reset", { type: "Soft" }));
  v.inbound(frame(2, "r2", "GetConfiguration", {}));
  v.inbound(frame(3, "s1", {}));
  v.outbound(frame(3, "r2", { configurationKey: [] }));
  v.outbound(frame(3, "r1", { status: "Accepted" }));
  v.inbound(frame(2, "u1", "Unknown", {}));
  v.outbound(frame(4, "u1", "NotImplemented", "Unknown action", {}));
  assert.deepEqual(v.unansweredReceivedCalls, 0);
  assert.deepEqual(v.unansweredSentCalls, 0);
});

Deno.test("ocpp_schema: outbound framing rules", () => {
  const cases: [string, RegExp][] = [
    ["{not json", /not JSON/],
    ['{"a":1}', /not a JSON array/],
    [frame(5, "x", "Heartbeat", {}), /unknown message type 5/],
    [frame("2", "x", "Heartbeat", {}), /unknown message type "2"/],
    [frame(2, "x", "Heartbeat"), /message type 2 needs 4 elements, got 3/],
    [frame(2, "x", "Heartbeat", {}, {}), /needs 4 elements, got 5/],
    [frame(2, 7, "Heartbeat", {}), /message id is not a string/],
    [frame(2, "", "Heartbeat", {}), /message id is empty/],
    [frame(2, "x".repeat(37), "Heartbeat", {}), /longer than 36 characters/],
    [frame(2, "x", 1, {}), /CALL action is not a string/],
    [frame(2, "x", "Nope", {}), /no OCPP 1\.6 schema urn:Nope\.req/],
    [
      frame(2, "x", "Heartbeat", []),
      /CALL Heartbeat: urn:Heartbeat\.req: \(payload\) must be object/,
    ],
    [frame(2, "x", "BootNotification", {}), /required property 'chargePointVendor'/],
    [frame(3, "x", {}), /answers no received, unanswered CALL/],
    [frame(3, "x"), /message type 3 needs 3 elements, got 2/],
    [frame(4, "x", "NotImplemented", "d"), /message type 4 needs 5 elements, got 4/],
  ];
  for (const [text, expected] of cases) {
    const error = thrown(() => new FrameValidator().outbound(text));
    assert.match(error.message, expected, text);
    assert.match(error.message, /^charge point sent an invalid frame: /);
  }
});

Deno.test("ocpp_schema: CALLRESULT must match a received CALL and its .conf schema", () => {
  const v = new FrameValidator();
  v.inbound(frame(2, "r1", "Reset", { type: "Soft" }));
  assertThrows(
    () => v.outbound(frame(3, "r1", { status: "Done" })),
    'CALLRESULT Reset: urn:Reset.conf: /status must be equal to one of the allowed values: "Accepted", "Rejected"',
  );
  // The id was consumed by the (invalid) answer: a second answer is for an unknown id.
  assertThrows(() => v.outbound(frame(3, "r1", { status: "Accepted" })), "no received");
  // A CALLRESULT answering a received CALL whose action was not readable.
  v.inbound(frame(2, "weird", 42, {}));
  assertThrows(() => v.outbound(frame(3, "weird", {})), "whose action was not a string");
  // A CALLRESULT to a CALL the charge point sent itself is not an answer.
  v.outbound(frame(2, "own", "Heartbeat", {}));
  assertThrows(() => v.outbound(frame(3, "own", { currentTime: NOW })), "no received");
});

Deno.test("ocpp_schema: CALLERROR rules", () => {
  const v = new FrameValidator();
  for (const code of OCPP16_ERROR_CODES) {
    v.outbound(frame(4, "any", code, "", {}));
  }
  assertThrows(
    () => v.outbound(frame(4, "x", "OccurrenceConstraintViolation", "", {})),
    'CALLERROR code "OccurrenceConstraintViolation" is not one of the OCPP 1.6-J codes',
  );
  assertThrows(() => v.outbound(frame(4, "x", "RpcFrameworkError", "", {})), "not one of");
  assertThrows(() => v.outbound(frame(4, "x", 5, "", {})), "not one of");
  assertThrows(() => v.outbound(frame(4, "x", "GenericError", null, {})), "description");
  assertThrows(() => v.outbound(frame(4, "x", "GenericError", "", [])), "details");
  assertThrows(() => v.outbound(frame(4, "x", "GenericError", "", null)), "details");
  assertThrows(() => v.outbound(frame(4, 1, "GenericError", "", {})), "id is not a string");
  // A CALLERROR settles the received CALL: a later CALLRESULT for it is rejected.
  v.inbound(frame(2, "c1", "ClearCache", {}));
  v.outbound(frame(4, "c1", "InternalError", "boom", { reason: "x" }));
  assertThrows(() => v.outbound(frame(3, "c1", { status: "Accepted" })), "no received");
});

Deno.test("ocpp_schema: CALL ids must not be reused while awaiting the answer", () => {
  const v = new FrameValidator();
  v.outbound(frame(2, "h", "Heartbeat", {}));
  assertThrows(() => v.outbound(frame(2, "h", "Heartbeat", {})), "reuses message id");
  v.inbound(frame(3, "h", { currentTime: NOW }));
  v.outbound(frame(2, "h", "Heartbeat", {}));
});

Deno.test("ocpp_schema: one CALL at a time: a CALL answered after a later CALL went is an overlap", () => {
  // The central system answers both: the second CALL went while the first was in flight.
  const overlap = new FrameValidator();
  overlap.outbound(frame(2, "s1", "StatusNotification", status));
  overlap.outbound(frame(2, "h1", "Heartbeat", {}));
  assertThrows(
    () => overlap.inbound(frame(3, "s1", {})),
    'one CALL at a time: CALL Heartbeat "h1" was sent while CALL StatusNotification "s1" was unanswered',
  );
  // A CALLERROR answering the overtaken CALL proves the overlap as well.
  const error = new FrameValidator();
  error.outbound(frame(2, "a", "Authorize", { idTag: "T" }));
  error.outbound(frame(2, "h", "Heartbeat", {}));
  assertThrows(() => error.inbound(frame(4, "a", "InternalError", "", {})), "one CALL at a time");
  // Never answered: the charge point gave up on it (response timeout) and went on.
  const timedOut = new FrameValidator();
  timedOut.outbound(frame(2, "a", "Authorize", { idTag: "T" }));
  timedOut.outbound(frame(2, "h", "Heartbeat", {}));
  timedOut.inbound(frame(3, "h", { currentTime: NOW }));
  assert.deepEqual(timedOut.unansweredSentCalls, 0);
  // In assertAllValid, each connection is its own conversation: a CALL cut by a lost link is
  // sent again, same id, on the next connection, and answered there.
  assertAllValid([
    { dir: "out", connection: 1, text: frame(2, "s1", "StatusNotification", status) },
    { dir: "out", connection: 2, text: frame(2, "s1", "StatusNotification", status) },
    { dir: "in", connection: 2, text: frame(3, "s1", {}) },
  ]);
  const across = thrown(() =>
    assertAllValid([
      { dir: "fromCp", connection: 1, text: frame(2, "s1", "StatusNotification", status) },
      { dir: "fromCp", connection: 1, text: frame(2, "h1", "Heartbeat", {}) },
      { dir: "toCp", connection: 1, text: frame(3, "h1", { currentTime: NOW }) },
      { dir: "toCp", connection: 1, text: frame(3, "s1", {}) },
    ])
  );
  assert.match(across.message, /^frame #3 \(toCp\): one CALL at a time/);
});

Deno.test("ocpp_schema: inbound frames are lenient unless checkInboundResults", () => {
  const lenient = new FrameValidator();
  lenient.inbound("garbage");
  lenient.inbound(frame(3, "unknown", { anything: true }));
  lenient.outbound(frame(2, "h", "Heartbeat", {}));
  lenient.inbound(frame(3, "h", {}));

  const strict = new FrameValidator({ checkInboundResults: true });
  strict.inbound("garbage");
  assertThrows(() => strict.inbound(frame(3, "unknown", {})), "unknown message id");
  strict.outbound(frame(2, "h", "Heartbeat", {}));
  assertThrows(
    () => strict.inbound(frame(3, "h", {})),
    "received invalid Heartbeat CALLRESULT",
  );
  strict.outbound(frame(2, "a", "Authorize", { idTag: "T" }));
  strict.inbound(frame(4, "a", "InternalError", "", {}));
  assert.deepEqual(strict.unansweredSentCalls, 0);
});

Deno.test("ocpp_schema: assertAllValid replays frames in both naming styles", () => {
  assertAllValid([
    { dir: "out", text: frame(2, "1", "Heartbeat", {}) },
    { dir: "in", text: frame(3, "1", { currentTime: NOW }) },
    { dir: "toCp", text: frame(2, "2", "ClearCache", {}) },
    { dir: "fromCp", text: frame(3, "2", { status: "Accepted" }) },
  ]);
  const error = thrown(
    () =>
      assertAllValid([
        { dir: "in", text: frame(2, "2", "ClearCache", {}) },
        { dir: "out", text: frame(3, "2", { status: "Maybe" }) },
      ]),
  );
  assert.match(error.message, /^frame #1 \(out\): charge point sent an invalid frame: CALLRESULT/);
});
