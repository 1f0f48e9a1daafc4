/**
 * Fuzzed inbound frames over a real WebSocket (OCPP-J 1.6 §4.2.3): whatever the central system
 * sends, the charge point answers at most one frame, any answer is a well-formed CALLERROR with
 * one of the ten OCPP 1.6-J codes (or the CALLRESULT of a valid CALL), it never crashes, keeps
 * working afterwards, and its log replays to exactly the frames it put on the wire.
 *
 * Each malformed frame is followed by a probe CALL (`ChangeAvailability` of connector 0 to
 * `Operative`); frames are handled in order, so everything the charge point answers between the
 * malformed frame and the probe's CALLRESULT is its answer to the malformed frame.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { type CsmsFrame, ScriptedCsms } from "../support/scripted_csms.ts";
import { assertReplays, type Harness, makeChargePoint, until } from "../support/harness.ts";
import { assertAllValid, OCPP16_ERROR_CODES, validateCallPayload } from "../support/ocpp_schema.ts";
import type { Logger } from "../../core/logger.ts";
import type { ChargePointOptions } from "../../core/charge_point.ts";

const PROBE = { connectorId: 0, type: "Operative" } as const;

/** A charge point connected to `csms`, BootNotification accepted, every StatusNotification answered. */
async function bootedChargePoint(
  csms: ScriptedCsms,
  options: Partial<ChargePointOptions> = {},
): Promise<Harness & { errors: string[] }> {
  const errors: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn() {},
    error: (message) => void errors.push(message),
  };
  const h = makeChargePoint(csms.url, { ...options, logger });
  await h.cp.start();
  await csms.waitFor("StatusNotification", 3);
  await until(
    () => h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0,
    "the StatusNotifications answered",
  );
  assert.equal(h.cp.state.registration, "Accepted");
  return { ...h, errors };
}

function isAnswer(frame: CsmsFrame): boolean {
  const m = frame.message;
  return frame.dir === "fromCp" && Array.isArray(m) && (m[0] === 3 || m[0] === 4);
}

/**
 * Sends `text` raw, then the probe; returns the charge point's answers (CALLRESULT / CALLERROR)
 * to `text`, and the frames of this exchange.
 */
async function exchange(
  csms: ScriptedCsms,
  text: string,
): Promise<{ answers: unknown[][]; frames: CsmsFrame[] }> {
  const from = csms.frames.length;
  csms.sendRaw(text);
  const probe = csms.call("ChangeAvailability", PROBE);
  const probeFrame = csms.frames.slice(from + 1).find((f) =>
    f.dir === "toCp" && Array.isArray(f.message) && f.message[0] === 2 &&
    f.message[2] === "ChangeAvailability"
  );
  assert.ok(probeFrame !== undefined && Array.isArray(probeFrame.message));
  const probeId: unknown = probeFrame.message[1];
  assert.deepEqual(await probe, { status: "Accepted" }, "the probe after the frame");
  const frames = csms.frames.slice(from);
  const answers = frames
    .filter((f) => isAnswer(f) && (f.message as unknown[])[1] !== probeId)
    .map((f) => f.message as unknown[]);
  return { answers, frames };
}

/** Asserts `answer` is a well-formed CALLERROR `[4, id, code, description, {}]`. */
function assertCallError(answer: unknown[] | undefined, id: string, code: string): void {
  assert.ok(answer !== undefined, "no answer");
  assert.equal(answer.length, 5, JSON.stringify(answer));
  assert.deepEqual([answer[0], answer[1], answer[2]], [4, id, code]);
  assert.equal(typeof answer[3], "string");
  assert.ok((answer[3] as string).length > 0 && (answer[3] as string).length <= 255);
  assert.deepEqual(answer[4], {});
}

/** A hand-written malformed frame and the CALLERROR the charge point answers (or nothing). */
interface Case {
  readonly name: string;
  readonly text: string;
  readonly answer: { readonly id: string; readonly code: string } | "nothing";
}

const CA = (payload: unknown, id = "ca-1") =>
  JSON.stringify([2, id, "ChangeAvailability", payload]);

const CASES: readonly Case[] = [
  // Not an OCPP-J message at all: the id cannot be read, answered with id "-1".
  {
    name: "invalid JSON",
    text: '[2,"x-1","Reset",{',
    answer: { id: "-1", code: "FormationViolation" },
  },
  { name: "plain text", text: "hello", answer: { id: "-1", code: "FormationViolation" } },
  { name: "empty text", text: "", answer: { id: "-1", code: "FormationViolation" } },
  { name: "a JSON object", text: '{"id":"x-2"}', answer: { id: "-1", code: "FormationViolation" } },
  { name: "a JSON number", text: "42", answer: { id: "-1", code: "FormationViolation" } },
  { name: "JSON null", text: "null", answer: { id: "-1", code: "FormationViolation" } },
  { name: "empty array", text: "[]", answer: { id: "-1", code: "FormationViolation" } },
  // Message type id
  {
    name: "unknown message type id 5 with a readable id",
    text: '[5,"mt-1",{}]',
    answer: { id: "mt-1", code: "ProtocolError" },
  },
  {
    name: "unknown message type id 0 without an id",
    text: "[0]",
    answer: { id: "-1", code: "FormationViolation" },
  },
  {
    name: "message type id as a string",
    text: '["2","mt-2","ChangeAvailability",{"connectorId":0,"type":"Operative"}]',
    answer: { id: "mt-2", code: "FormationViolation" },
  },
  // Arity
  {
    name: "CALL with 3 elements",
    text: '[2,"ar-1","ChangeAvailability"]',
    answer: { id: "ar-1", code: "FormationViolation" },
  },
  {
    name: "CALL with 5 elements",
    text: '[2,"ar-2","ChangeAvailability",{"connectorId":0,"type":"Operative"},{}]',
    answer: { id: "ar-2", code: "FormationViolation" },
  },
  // A malformed answer is recorded, never answered (answering answers could loop between peers).
  { name: "CALLRESULT with 2 elements", text: '[3,"ar-3"]', answer: "nothing" },
  { name: "CALLERROR with 3 elements", text: '[4,"ar-4","GenericError"]', answer: "nothing" },
  // Message id
  {
    name: "numeric message id",
    text: '[2,42,"ChangeAvailability",{"connectorId":0,"type":"Operative"}]',
    answer: { id: "-1", code: "FormationViolation" },
  },
  {
    name: "null message id",
    text: '[2,null,"ChangeAvailability",{"connectorId":0,"type":"Operative"}]',
    answer: { id: "-1", code: "FormationViolation" },
  },
  // CALL action and payload
  {
    name: "CALL with a numeric action",
    text: '[2,"ac-1",42,{}]',
    answer: { id: "ac-1", code: "FormationViolation" },
  },
  {
    name: "CALL with a null action",
    text: '[2,"ac-2",null,{}]',
    answer: { id: "ac-2", code: "FormationViolation" },
  },
  {
    name: "CALL with an array payload",
    text: CA([], "pl-1"),
    answer: { id: "pl-1", code: "FormationViolation" },
  },
  {
    name: "CALL with a string payload",
    text: CA("x", "pl-2"),
    answer: { id: "pl-2", code: "FormationViolation" },
  },
  {
    name: "CALL with a null payload",
    text: CA(null, "pl-3"),
    answer: { id: "pl-3", code: "FormationViolation" },
  },
  // Actions
  {
    name: "unknown action",
    text: '[2,"un-1","FlyToTheMoon",{}]',
    answer: { id: "un-1", code: "NotImplemented" },
  },
  {
    name: "action the central system never sends: Heartbeat",
    text: '[2,"ns-1","Heartbeat",{}]',
    answer: { id: "ns-1", code: "NotSupported" },
  },
  {
    name: "action the central system never sends: StartTransaction",
    text:
      '[2,"ns-2","StartTransaction",{"connectorId":1,"idTag":"A","meterStart":0,"timestamp":"2026-01-01T00:00:00Z"}]',
    answer: { id: "ns-2", code: "NotSupported" },
  },
  // Schema-invalid ChangeAvailability
  {
    name: "ChangeAvailability without type",
    text: CA({ connectorId: 1 }, "sc-1"),
    answer: { id: "sc-1", code: "OccurenceConstraintViolation" },
  },
  {
    name: "ChangeAvailability with an empty payload",
    text: CA({}, "sc-2"),
    answer: { id: "sc-2", code: "OccurenceConstraintViolation" },
  },
  {
    name: "ChangeAvailability with connectorId a string",
    text: CA({ connectorId: "1", type: "Operative" }, "sc-3"),
    answer: { id: "sc-3", code: "TypeConstraintViolation" },
  },
  {
    name: "ChangeAvailability with connectorId 1.5",
    text: CA({ connectorId: 1.5, type: "Operative" }, "sc-4"),
    answer: { id: "sc-4", code: "TypeConstraintViolation" },
  },
  {
    name: "ChangeAvailability with type a number",
    text: CA({ connectorId: 1, type: 1 }, "sc-5"),
    answer: { id: "sc-5", code: "TypeConstraintViolation" },
  },
  {
    name: "ChangeAvailability with an extra property",
    text: CA({ connectorId: 1, type: "Operative", force: true }, "sc-6"),
    answer: { id: "sc-6", code: "PropertyConstraintViolation" },
  },
  {
    name: "ChangeAvailability with a bad enum value",
    text: CA({ connectorId: 1, type: "Sometimes" }, "sc-7"),
    answer: { id: "sc-7", code: "FormationViolation" },
  },
  // Answers nobody asked for: dropped
  { name: "CALLRESULT with an unknown id", text: '[3,"nobody-1",{}]', answer: "nothing" },
  {
    name: "CALLRESULT with an unknown id and a non-empty payload",
    text: '[3,"nobody-2",{"status":"Accepted"}]',
    answer: "nothing",
  },
  {
    name: "CALLERROR with an unknown id",
    text: '[4,"nobody-3","GenericError","",{}]',
    answer: "nothing",
  },
  {
    name: "CALLERROR with an unknown id and a non-1.6 code",
    text: '[4,"nobody-4","RpcFrameworkError","boom",{"x":1}]',
    answer: "nothing",
  },
];

Deno.test("malformed frames: each gets the CALLERROR OCPP-J 1.6 prescribes, or nothing; the charge point keeps working", async (t) => {
  await using csms = await ScriptedCsms.start();
  const h = await bootedChargePoint(csms);
  try {
    for (const c of CASES) {
      await t.step(c.name, async () => {
        const { answers, frames } = await exchange(csms, c.text);
        if (c.answer === "nothing") {
          assert.deepEqual(answers, []);
        } else {
          assert.equal(answers.length, 1, `answers: ${JSON.stringify(answers)}`);
          assertCallError(answers[0], c.answer.id, c.answer.code);
        }
        assertAllValid(frames);
      });
    }
    assert.equal(csms.connectionCount, 1, "the connection survived");
    assert.deepEqual(h.errors, []);
    assert.deepEqual(h.cp.log.listenerErrors, []);
  } finally {
    await h.cp.stop();
  }
  assertReplays(h);
  assertAllValid(csms.frames);
});

Deno.test("malformed frames: a message id the charge point may not echo (empty, longer than 36) is answered with id -1", async (t) => {
  await using csms = await ScriptedCsms.start();
  const h = await bootedChargePoint(csms);
  try {
    const ids = [
      { name: "37 characters", id: "x".repeat(37) },
      { name: "1000 characters", id: "y".repeat(1000) },
      { name: "empty", id: "" },
    ];
    for (const { name, id } of ids) {
      await t.step(`CALL with a message id of ${name}`, async () => {
        const { answers, frames } = await exchange(csms, CA(PROBE, id));
        assert.equal(answers.length, 1, `answers: ${JSON.stringify(answers)}`);
        assertAllValid(frames);
        assertCallError(answers[0], "-1", "FormationViolation");
      });
    }
  } finally {
    await h.cp.stop();
  }
  assertReplays(h);
});

/** A schema-valid request the charge point must refuse, and the answer the spec gives it. */
interface InvalidRequest {
  readonly action: string;
  readonly payload: Readonly<Record<string, unknown>>;
  /** The CALLRESULT payload, or the CALLERROR code. */
  readonly answer: Readonly<Record<string, unknown>> | string;
}

const BIG = 9_007_199_254_740_993; // beyond Number.MAX_SAFE_INTEGER
const INVALID_REQUESTS: readonly InvalidRequest[] = [
  ...[3, -1, 2_147_483_647].map((connectorId) => ({
    action: "ChangeAvailability",
    payload: { connectorId, type: "Inoperative" },
    answer: { status: "Rejected" },
  })),
  ...[0, 3, -1].map((connectorId) => ({
    action: "RemoteStartTransaction",
    payload: { connectorId, idTag: "TAG-9" },
    answer: { status: "Rejected" },
  })),
  ...[424_242, 0, -1].map((transactionId) => ({
    action: "RemoteStopTransaction",
    payload: { transactionId },
    answer: { status: "Rejected" },
  })),
  ...[0, 3, -1].map((connectorId) => ({
    action: "UnlockConnector",
    payload: { connectorId },
    answer: { status: "NotSupported" },
  })),
  ...[["StatusNotification", 3], ["MeterValues", -1], ["StatusNotification", -1]].map((
    [requestedMessage, connectorId],
  ) => ({
    action: "TriggerMessage",
    payload: { requestedMessage, connectorId },
    answer: { status: "Rejected" },
  })),
  ...[3, -1].map((connectorId) => ({
    action: "ReserveNow",
    payload: {
      connectorId,
      expiryDate: "2099-01-01T00:00:00Z",
      idTag: "TAG-9",
      reservationId: 9,
    },
    answer: { status: "Rejected" },
  })),
  ...[424_242, -1].map((reservationId) => ({
    action: "CancelReservation",
    payload: { reservationId },
    answer: { status: "Rejected" },
  })),
  {
    action: "ChangeConfiguration",
    payload: { key: "NoSuchKey", value: "1" },
    answer: { status: "NotSupported" },
  },
  {
    action: "GetConfiguration",
    payload: { key: ["NoSuchKey"] },
    answer: { unknownKey: ["NoSuchKey"] },
  },
  {
    action: "SendLocalList",
    payload: { listVersion: -1, updateType: "Differential" },
    answer: { status: "VersionMismatch" },
  },
  {
    action: "SendLocalList",
    payload: {
      listVersion: 0,
      updateType: "Full",
      localAuthorizationList: [{ idTag: "A", idTagInfo: { status: "Accepted" } }],
    },
    answer: { status: "Failed" },
  },
  // Integers the schema allows but JavaScript cannot hold exactly (core/ocpp/types.ts).
  { action: "UnlockConnector", payload: { connectorId: BIG }, answer: "TypeConstraintViolation" },
  {
    action: "RemoteStopTransaction",
    payload: { transactionId: BIG },
    answer: "TypeConstraintViolation",
  },
];

Deno.test("invalid requests of every operation (out-of-range connector ids, unknown transaction and reservation ids, unknown keys, bad list versions): the spec's rejection, no firmware callback, and the charge point keeps working", async (t) => {
  await using csms = await ScriptedCsms.start();
  const called: string[] = [];
  const record = (name: string) => (...args: unknown[]) =>
    void called.push(`${name}${JSON.stringify(args)}`);
  const h = await bootedChargePoint(csms, {
    callbacks: {
      provideToken: record("provideToken"),
      stopTransaction: (...args) => (record("stopTransaction")(...args), true),
      unlockConnector: (...args) => (record("unlockConnector")(...args), "Unlocked" as const),
      reserveNow: (...args) => (record("reserveNow")(...args), "Accepted" as const),
      cancelReservation: record("cancelReservation"),
      disableEvse: (...args) => (record("disableEvse")(...args), true),
      configurationKeyChanged: record("configurationKeyChanged"),
    },
  });
  try {
    // A transaction runs on connector 1: the unknown ids are not its id.
    h.cp.onSessionStarted(1, "s-1", "EVConnected");
    h.cp.onTransactionStarted(1, "s-1", "TAG-1", 0, undefined, new Date(h.clock.now()));
    await until(() => Object.keys(h.cp.state.transactionIds).length === 1, "transaction id");
    await until(() => h.cp.state.inFlight === undefined && h.cp.state.outbox.size === 0, "idle");
    let n = 0;
    for (const c of INVALID_REQUESTS) {
      await t.step(`${c.action} ${JSON.stringify(c.payload)}`, async () => {
        const id = `inv-${n++}`;
        const { answers, frames } = await exchange(
          csms,
          JSON.stringify([2, id, c.action, c.payload]),
        );
        assert.equal(answers.length, 1, `answers: ${JSON.stringify(answers)}`);
        if (typeof c.answer === "string") assertCallError(answers[0], id, c.answer);
        else assert.deepEqual(answers[0], [3, id, c.answer]);
        assertAllValid(frames);
      });
    }
    assert.deepEqual(called, [], "no firmware callback for a refused request");
    assert.deepEqual(h.cp.state.reservations, {});
    assert.equal(csms.connectionCount, 1, "the connection survived");
    assert.deepEqual(h.errors, []);
    // Still working: the real transaction can be stopped remotely.
    const transactionId = Object.values(h.cp.state.transactionIds)[0];
    assert.deepEqual(await csms.call("RemoteStopTransaction", { transactionId }), {
      status: "Accepted",
    });
    await until(() => called.length === 1, "stopTransaction");
    assert.deepEqual(called, ['stopTransaction[1,"Remote"]']);
  } finally {
    await h.cp.stop();
  }
  assertReplays(h);
  assertAllValid(csms.frames);
});

// ---------------------------------------------------------------------------------------------
// Property-based part
// ---------------------------------------------------------------------------------------------

/** A message id the charge point can echo: 1..36 characters (see the test above for the others). */
const messageId = fc.string({ minLength: 1, maxLength: 36 });

const changeAvailabilityPayload = fc.oneof(
  fc.record(
    {
      connectorId: fc.oneof(
        fc.integer({ min: -1, max: 3 }),
        fc.string({ maxLength: 3 }),
        fc.double(),
      ),
      type: fc.oneof(fc.constantFrom("Operative", "Inoperative", "operative", ""), fc.integer()),
      extra: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Inputs: random text, random JSON, and arrays shaped more or less like OCPP-J frames. */
const inputs: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.json({ maxDepth: 3 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 6 }).map((a) => JSON.stringify(a)),
  fc.tuple(
    fc.constantFrom(2, 3, 4, 0, 5, -1, 2.5),
    fc.oneof(messageId, fc.integer(), fc.constant(null)),
    fc.oneof(
      fc.constantFrom("ChangeAvailability", "Heartbeat", "BootNotification", "Nope", ""),
      fc.integer(),
      fc.constant(null),
    ),
    changeAvailabilityPayload,
  ).chain((frame) =>
    fc.integer({ min: 0, max: 5 }).map((arity) =>
      JSON.stringify(arity < 4 ? frame.slice(0, arity) : [...frame, ...Array(arity - 4).fill({})])
    )
  ),
  fc.tuple(messageId, changeAvailabilityPayload).map(([id, payload]) => CA(payload, id)),
);

/** The id of a CALL the charge point must answer exactly once, if `text` is one. */
function callId(text: string): string | undefined {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(message) || message[0] !== 2 || typeof message[1] !== "string") {
    return undefined;
  }
  return message[1].length >= 1 && message[1].length <= 36 ? message[1] : undefined;
}

/**
 * True if `text` is a well-formed CALL of a schema-valid ChangeAvailability whose connectorId is a
 * safe integer (the library deliberately answers TypeConstraintViolation for integers beyond
 * ±(2^53 − 1), which the official schema allows: see `integerSchema` in core/ocpp/types.ts).
 */
function isValidChangeAvailability(text: string): boolean {
  if (callId(text) === undefined) return false;
  const message = JSON.parse(text) as unknown[];
  const payload = message[3];
  return message.length === 4 && message[2] === "ChangeAvailability" &&
    typeof payload === "object" && payload !== null && !Array.isArray(payload) &&
    validateCallPayload("ChangeAvailability", payload) === undefined &&
    Number.isSafeInteger((payload as { connectorId?: unknown }).connectorId);
}

Deno.test("fuzzed frames (property): at most one answer, a valid CALLERROR unless the CALL was valid, no crash; the charge point still works and replays byte for byte", async () => {
  await using csms = await ScriptedCsms.start();
  const h = await bootedChargePoint(csms);
  const codes = new Set<string>();
  try {
    await fc.assert(
      fc.asyncProperty(inputs, async (text) => {
        const { answers, frames } = await exchange(csms, text);
        assert.ok(answers.length <= 1, `answers: ${JSON.stringify(answers)}`);
        const id = callId(text);
        if (id !== undefined) {
          assert.equal(answers.length, 1, "a CALL is answered exactly once");
          assert.equal(answers[0]?.[1], id, "with its message id");
        }
        const answer = answers[0];
        if (answer !== undefined) {
          if (isValidChangeAvailability(text)) {
            assert.equal(answer[0], 3, `a valid CALL gets a CALLRESULT: ${JSON.stringify(answer)}`);
          } else {
            assert.equal(answer[0], 4, `not a CALLERROR: ${JSON.stringify(answer)}`);
            assert.ok(OCPP16_ERROR_CODES.includes(String(answer[2])), String(answer[2]));
            codes.add(String(answer[2]));
          }
        }
        assertAllValid(frames);
        assert.equal(csms.connectionCount, 1, "the connection survived");
        assert.deepEqual(h.errors, [], "nothing failed inside the charge point");
      }),
      { numRuns: 200 },
    );
    assert.ok(codes.has("FormationViolation"), `codes seen: ${[...codes].join(", ")}`);

    // Still works: a valid CALL gets its CALLRESULT, with the StatusNotification it causes ...
    csms.skipReceivedFrames();
    assert.deepEqual(
      await csms.call("ChangeAvailability", { connectorId: 2, type: "Inoperative" }),
      { status: "Accepted" },
    );
    const unavailable = await csms.nextFromCp((f) => statusOf(f) === "2:Unavailable");
    assert.ok(unavailable);
    // ... and a handler call produces the expected StatusNotification.
    h.cp.onSessionStarted(1, "s-1", "EVConnected");
    const preparing = await csms.nextFromCp((f) => statusOf(f) === "1:Preparing");
    assert.equal((preparing.message as unknown[])[3] instanceof Object, true);
    assert.equal(((preparing.message as unknown[])[3] as { info?: string }).info, "EVConnected");
    await until(() => h.cp.state.inFlight === undefined, "the last StatusNotification answered");
  } finally {
    await h.cp.stop();
  }
  assert.deepEqual(h.cp.log.listenerErrors, []);
  assertReplays(h);
  assertAllValid(csms.frames);
});

/** `"<connectorId>:<status>"` of a StatusNotification CALL from the charge point. */
function statusOf(frame: CsmsFrame): string | undefined {
  const m = frame.message;
  if (!Array.isArray(m) || m[0] !== 2 || m[2] !== "StatusNotification") return undefined;
  const p = m[3] as { connectorId?: unknown; status?: unknown };
  return `${String(p.connectorId)}:${String(p.status)}`;
}
