/**
 * OCPP-J framing: parse/encode round trips, every invalid-frame class, CALLERROR code
 * normalisation and the payload-validation error mapping (checked against `ocpp-rpc`'s ajv
 * keyword table on every generated schema mutation).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { ACTION_NAMES, type ActionName, ACTIONS } from "../../core/ocpp/actions.ts";
import {
  encodeCall,
  encodeCallJson,
  encodeError,
  encodeResult,
  isAnswerText,
  MAX_ERROR_DESCRIPTION_LENGTH,
  normalizeErrorCode,
  OCPP_ERROR_CODES,
  type OcppErrorCode,
  type ParsedFrame,
  parseFrame,
  validateCall,
  validateResult,
  type ValidationFailure,
} from "../../core/rpc_frame.ts";
import {
  ajvErrorField,
  applyEdits,
  BUNDLE,
  edits,
  maximalInstance,
  ocppRpcCode,
  officialValidate,
  parseSchemaId,
} from "./ocpp/json_schema_fixtures.ts";

function invalidOf(text: string): Extract<ParsedFrame, { kind: "invalid" }> {
  const frame = parseFrame(text);
  assert.equal(frame.kind, "invalid", `${text} parsed as ${frame.kind}`);
  return frame as Extract<ParsedFrame, { kind: "invalid" }>;
}

function failureOf(result: { ok: boolean }): ValidationFailure {
  assert.equal(result.ok, false, "validation unexpectedly succeeded");
  return result as ValidationFailure;
}

// ---------------------------------------------------------------------------------------------
// Encoding and round trips

Deno.test("encode* output is exactly JSON.stringify of the frame array", () => {
  const payload = { connectorId: 1, errorCode: "NoError", status: "Available", info: 'é\u2028"' };
  assert.equal(
    encodeCall("a-1", "StatusNotification", payload),
    JSON.stringify([2, "a-1", "StatusNotification", payload]),
  );
  assert.equal(encodeResult("a-1", { status: "Accepted" }), '[3,"a-1",{"status":"Accepted"}]');
  assert.equal(
    encodeError("a-1", "NotImplemented", "no such action"),
    '[4,"a-1","NotImplemented","no such action",{}]',
  );
  assert.equal(
    encodeError("-1", "FormationViolation", "bad", { at: 3 }),
    '[4,"-1","FormationViolation","bad",{"at":3}]',
  );
  assert.equal(encodeCall("1", "Heartbeat", {}), '[2,"1","Heartbeat",{}]');
});

Deno.test("CALL, CALLRESULT and CALLERROR round-trip through parseFrame", () => {
  const payload = { idTag: "04E91C5A", nested: { list: [1, "two", null, { three: true }] } };
  assert.deepEqual(parseFrame(encodeCall("m1", "Authorize", payload)), {
    kind: "call",
    id: "m1",
    action: "Authorize",
    payload,
  });
  assert.deepEqual(parseFrame(encodeResult("m2", { status: "Accepted" })), {
    kind: "result",
    id: "m2",
    payload: { status: "Accepted" },
  });
  for (const code of OCPP_ERROR_CODES) {
    assert.deepEqual(parseFrame(encodeError("m3", code, "why", { hint: 1 })), {
      kind: "error",
      id: "m3",
      code,
      rawCode: code,
      description: "why",
      details: { hint: 1 },
    });
  }
});

Deno.test("encodeCallJson: the text of encodeCall when given the payload's JSON", () => {
  const jsonObject = fc.dictionary(fc.string(), fc.jsonValue()) as fc.Arbitrary<
    Record<string, unknown>
  >;
  fc.assert(
    fc.property(fc.string({ maxLength: 36 }), fc.string(), jsonObject, (id, action, payload) => {
      assert.equal(
        encodeCallJson(id, action, JSON.stringify(payload)),
        encodeCall(id, action, payload),
      );
    }),
  );
});

Deno.test("isAnswerText: CALLRESULT and CALLERROR texts, with JSON whitespace; nothing else", () => {
  for (const text of ['[3,"1",{}]', ' [ 4 ,"1","NotImplemented","",{}]', '\n[\t3,"x",{}]']) {
    assert.equal(isAnswerText(text), true, text);
  }
  for (const text of ['[2,"1","Reset",{}]', '[33,"1",{}]', '"[3,"', "[", "", '{"3":1}', "[3]"]) {
    assert.equal(isAnswerText(text), false, text);
  }
  fc.assert(
    fc.property(fc.string({ maxLength: 36 }), fc.jsonValue(), (id, payload) => {
      assert.equal(isAnswerText(encodeResult(id, { payload })), true);
      assert.equal(isAnswerText(encodeError(id, "InternalError", "x")), true);
      assert.equal(isAnswerText(encodeCall(id, "Heartbeat", { payload })), false);
    }),
  );
});

Deno.test("round trips hold for arbitrary ids, actions and JSON payloads", () => {
  const jsonObject = fc.dictionary(fc.string(), fc.jsonValue()) as fc.Arbitrary<
    Record<string, unknown>
  >;
  const id = fc.string({ maxLength: 36 });
  fc.assert(
    fc.property(id, fc.string(), jsonObject, (messageId, action, payload) => {
      const text = encodeCall(messageId, action, payload);
      const frame = parseFrame(text);
      assert.equal(frame.kind, "call");
      if (frame.kind !== "call") return;
      assert.equal(frame.id, messageId);
      assert.equal(frame.action, action);
      // Re-encoding is byte-stable.
      assert.equal(encodeCall(frame.id, frame.action, frame.payload), text);
    }),
  );
  fc.assert(
    fc.property(id, jsonObject, (messageId, payload) => {
      const text = encodeResult(messageId, payload);
      const frame = parseFrame(text);
      assert.equal(frame.kind, "result");
      if (frame.kind === "result") assert.equal(encodeResult(frame.id, frame.payload), text);
    }),
  );
  fc.assert(
    fc.property(
      id,
      fc.constantFrom(...OCPP_ERROR_CODES),
      fc.string(),
      jsonObject,
      (messageId, code, description, details) => {
        const text = encodeError(messageId, code, description, details);
        const frame = parseFrame(text);
        assert.equal(frame.kind, "error");
        if (frame.kind === "error") {
          assert.equal(encodeError(frame.id, frame.code, frame.description, frame.details), text);
        }
      },
    ),
  );
});

Deno.test("whitespace around and inside the JSON is accepted", () => {
  const frame = parseFrame(' \n[ 2 , "id" , "Heartbeat" , { } ]\t');
  assert.deepEqual(frame, { kind: "call", id: "id", action: "Heartbeat", payload: {} });
});

// ---------------------------------------------------------------------------------------------
// Invalid frames

Deno.test("text that is not JSON is a FormationViolation without id", () => {
  for (const text of ["", " ", "{", "[2,", "nope", "[2,'x','Heartbeat',{}]", "NaN", "[1,]"]) {
    const frame = invalidOf(text);
    assert.equal(frame.id, undefined, text);
    assert.equal(frame.messageType, undefined, text);
    assert.equal(frame.code, "FormationViolation", text);
    assert.match(frame.reason, /not valid JSON/, text);
  }
});

Deno.test("JSON that is not a non-empty array is a FormationViolation without id", () => {
  for (const text of ["{}", '{"0":2}', "42", '"x"', "null", "true", "[]"]) {
    const frame = invalidOf(text);
    assert.equal(frame.id, undefined, text);
    assert.equal(frame.code, "FormationViolation", text);
  }
});

Deno.test("a message type id that is not a number is a FormationViolation, keeping the id", () => {
  for (const text of ['["2","id-1","Heartbeat",{}]', '[null,"id-1",{}]', '[[2],"id-1",{}]']) {
    const frame = invalidOf(text);
    assert.equal(frame.id, "id-1", text);
    assert.equal(frame.messageType, undefined, text);
    assert.equal(frame.code, "FormationViolation", text);
  }
  assert.equal(invalidOf('["2"]').id, undefined);
});

Deno.test("an unknown message type id is a ProtocolError when the id is readable", () => {
  for (
    const [text, type] of [['[5,"id-2",{}]', 5], ['[1,"id-2"]', 1], [
      '[2.5,"id-2","A",{}]',
      2.5,
    ]] as const
  ) {
    const frame = invalidOf(text);
    assert.equal(frame.id, "id-2", text);
    assert.equal(frame.messageType, type, text);
    assert.equal(frame.code, "ProtocolError", text);
  }
  for (const text of ["[5]", "[6,7,8]", '[0,null,"x"]']) {
    const frame = invalidOf(text);
    assert.equal(frame.id, undefined, text);
    assert.equal(frame.code, "FormationViolation", text);
  }
});

Deno.test("a message id that is not a string is a FormationViolation without id", () => {
  for (
    const text of ['[2,123,"Heartbeat",{}]', '[2,null,"Heartbeat",{}]', "[3,{},{}]", "[4]", "[2]"]
  ) {
    const frame = invalidOf(text);
    assert.equal(frame.id, undefined, text);
    assert.equal(frame.code, "FormationViolation", text);
  }
});

Deno.test("message ids up to 36 characters are accepted, longer ones are kept but invalid", () => {
  const id36 = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
  assert.equal(id36.length, 36);
  assert.equal(parseFrame(encodeCall(id36, "Heartbeat", {})).kind, "call");
  assert.equal(parseFrame(encodeCall("", "Heartbeat", {})).kind, "call");
  const id37 = `${id36}x`;
  for (const text of [encodeCall(id37, "Heartbeat", {}), encodeResult(id37, {})]) {
    const frame = invalidOf(text);
    assert.equal(frame.id, id37);
    assert.equal(frame.code, "FormationViolation");
    assert.match(frame.reason, /37 characters/);
  }
  const huge = "x".repeat(100_000);
  const frame = invalidOf(encodeCall(huge, "Heartbeat", {}));
  assert.equal(frame.id, huge);
  assert.ok(frame.reason.length <= MAX_ERROR_DESCRIPTION_LENGTH);
});

Deno.test("wrong arity is a FormationViolation, keeping the id", () => {
  for (
    const text of [
      '[2,"id-3","Heartbeat"]',
      '[2,"id-3","Heartbeat",{},{}]',
      '[2,"id-3"]',
      '[3,"id-3"]',
      '[3,"id-3",{},{}]',
      '[4,"id-3","GenericError","x"]',
      '[4,"id-3","GenericError","x",{},{}]',
    ]
  ) {
    const frame = invalidOf(text);
    assert.equal(frame.id, "id-3", text);
    assert.equal(frame.code, "FormationViolation", text);
    assert.match(frame.reason, /must have \d elements/, text);
  }
});

Deno.test("a CALL action that is not a string is a FormationViolation", () => {
  for (const action of ["5", "null", "{}", '["Heartbeat"]']) {
    const frame = invalidOf(`[2,"id-4",${action},{}]`);
    assert.equal(frame.id, "id-4");
    assert.equal(frame.messageType, 2);
    assert.equal(frame.code, "FormationViolation");
  }
});

Deno.test("CALL and CALLRESULT payloads must be JSON objects", () => {
  for (const payload of ["[]", "null", '"x"', "1", "true", "[{}]"]) {
    for (const text of [`[2,"id-5","Heartbeat",${payload}]`, `[3,"id-5",${payload}]`]) {
      const frame = invalidOf(text);
      assert.equal(frame.id, "id-5", text);
      assert.equal(frame.code, "FormationViolation", text);
      assert.match(frame.reason, /payload must be a JSON object/, text);
    }
  }
});

Deno.test("CALLERROR code and description must be strings, details an object", () => {
  for (
    const text of [
      '[4,"id-6",7,"x",{}]',
      '[4,"id-6",null,"x",{}]',
      '[4,"id-6","GenericError",7,{}]',
      '[4,"id-6","GenericError",null,{}]',
      '[4,"id-6","GenericError","x",null]',
      '[4,"id-6","GenericError","x",[]]',
      '[4,"id-6","GenericError","x","details"]',
    ]
  ) {
    const frame = invalidOf(text);
    assert.equal(frame.id, "id-6", text);
    assert.equal(frame.messageType, 4, text);
    assert.equal(frame.code, "FormationViolation", text);
  }
});

Deno.test("received CALLERROR codes are normalised to the OCPP 1.6 spelling", () => {
  const parse = (code: string) => {
    const frame = parseFrame(JSON.stringify([4, "e", code, "d", {}]));
    assert.equal(frame.kind, "error");
    return frame as Extract<ParsedFrame, { kind: "error" }>;
  };
  assert.equal(parse("OccurrenceConstraintViolation").code, "OccurenceConstraintViolation");
  assert.equal(parse("OccurrenceConstraintViolation").rawCode, "OccurrenceConstraintViolation");
  assert.equal(parse("FormatViolation").code, "FormationViolation");
  for (const code of ["RpcFrameworkError", "MessageTypeNotSupported", "", "notimplemented"]) {
    assert.equal(parse(code).code, "GenericError", code);
    assert.equal(parse(code).rawCode, code);
  }
  assert.equal(normalizeErrorCode("TypeConstraintViolation"), "TypeConstraintViolation");
  assert.equal(normalizeErrorCode("toString"), undefined);
  assert.equal(normalizeErrorCode("constructor"), undefined);
  assert.equal(OCPP_ERROR_CODES.length, 10);
});

Deno.test("parseFrame never throws", () => {
  const element = fc.oneof(
    fc.constantFrom(2, 3, 4, 5, "2", null),
    fc.string({ maxLength: 40 }),
    fc.jsonValue({ maxDepth: 2 }),
  );
  fc.assert(
    fc.property(
      fc.oneof(fc.string(), fc.array(element, { maxLength: 6 }).map((a) => JSON.stringify(a))),
      (text) => {
        const frame = parseFrame(text);
        assert.ok(["call", "result", "error", "invalid"].includes(frame.kind));
        if (frame.kind === "invalid") {
          assert.ok(OCPP_ERROR_CODES.includes(frame.code));
          assert.ok(frame.reason.length <= MAX_ERROR_DESCRIPTION_LENGTH);
        }
      },
    ),
    { numRuns: 2000 },
  );
  const deep = "[".repeat(200_000) + "]".repeat(200_000);
  assert.equal(parseFrame(deep).kind, "invalid");
});

// ---------------------------------------------------------------------------------------------
// validateCall / validateResult

Deno.test("validateCall: unknown actions are NotImplemented", () => {
  for (const action of ["Foo", "", "heartbeat", "toString", "__proto__", "x".repeat(10_000)]) {
    const failure = failureOf(validateCall(action, {}));
    assert.equal(failure.code, "NotImplemented", action);
    assert.ok(failure.description.length <= MAX_ERROR_DESCRIPTION_LENGTH);
  }
});

Deno.test("validateCall: actions only the charge point sends are NotSupported", () => {
  const fromChargePoint = ACTION_NAMES.filter((a) => ACTIONS[a].from === "ChargePoint");
  assert.equal(fromChargePoint.length, 13);
  for (const action of fromChargePoint) {
    assert.equal(failureOf(validateCall(action, {})).code, "NotSupported", action);
  }
  const dataTransfer = validateCall("DataTransfer", { vendorId: "com.acme", data: "x" });
  assert.deepEqual(dataTransfer, {
    ok: true,
    action: "DataTransfer",
    payload: { vendorId: "com.acme", data: "x" },
  });
});

Deno.test("validateCall: a valid payload is returned typed", () => {
  const result = validateCall("RemoteStartTransaction", { idTag: "04E91C5A", connectorId: 2 });
  assert.equal(result.ok, true);
  if (result.ok && result.action === "RemoteStartTransaction") {
    const idTag: string = result.payload.idTag;
    assert.equal(idTag, "04E91C5A");
    assert.equal(result.payload.connectorId, 2);
  }
});

Deno.test("validateCall: each error class maps to the ocpp-rpc code with a precise description", () => {
  const expect = (
    action: string,
    payload: unknown,
    code: OcppErrorCode,
    description: string | RegExp,
  ) => {
    const failure = failureOf(validateCall(action, payload));
    assert.equal(failure.code, code, `${action} ${JSON.stringify(payload)}`);
    if (typeof description === "string") assert.equal(failure.description, description);
    else assert.match(failure.description, description);
  };
  // required → OccurenceConstraintViolation
  expect(
    "UnlockConnector",
    {},
    "OccurenceConstraintViolation",
    "connectorId: required property missing",
  );
  expect(
    "SetChargingProfile",
    {
      connectorId: 1,
      csChargingProfiles: {
        chargingProfileId: 1,
        stackLevel: 0,
        chargingProfilePurpose: "TxProfile",
        chargingProfileKind: "Absolute",
        chargingSchedule: { chargingRateUnit: "A", chargingSchedulePeriod: [{ startPeriod: 0 }] },
      },
    },
    "OccurenceConstraintViolation",
    "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit: required property missing",
  );
  // type → TypeConstraintViolation
  expect(
    "UnlockConnector",
    { connectorId: "1" },
    "TypeConstraintViolation",
    "connectorId: expected integer, got string",
  );
  expect(
    "UnlockConnector",
    { connectorId: 1.5 },
    "TypeConstraintViolation",
    "connectorId: expected integer, got non-integer number 1.5",
  );
  expect(
    "UnlockConnector",
    { connectorId: null },
    "TypeConstraintViolation",
    "connectorId: expected integer, got null",
  );
  expect("Reset", { type: 1 }, "TypeConstraintViolation", "type: expected string, got number");
  expect(
    "ChangeConfiguration",
    { key: "k", value: 5 },
    "TypeConstraintViolation",
    "value: expected string, got number",
  );
  expect(
    "GetConfiguration",
    { key: "HeartbeatInterval" },
    "TypeConstraintViolation",
    "key: expected array, got string",
  );
  expect("Reset", [], "TypeConstraintViolation", "payload: expected object, got array");
  expect("Reset", null, "TypeConstraintViolation", "payload: expected object, got null");
  // additionalProperties → PropertyConstraintViolation
  expect(
    "Reset",
    { type: "Soft", force: true },
    "PropertyConstraintViolation",
    'unexpected property "force"',
  );
  expect(
    "SendLocalList",
    { listVersion: 1, updateType: "Full", localAuthorizationList: [{ idTag: "a", extra: 1 }] },
    "PropertyConstraintViolation",
    'localAuthorizationList[0]: unexpected property "extra"',
  );
  // maxLength → FormationViolation
  expect(
    "RemoteStartTransaction",
    { idTag: "x".repeat(21) },
    "FormationViolation",
    "idTag: string longer than 20 characters",
  );
  // enum → FormationViolation
  expect(
    "Reset",
    { type: "Medium" },
    "FormationViolation",
    'type: "Medium" is not one of Hard, Soft',
  );
  // format → FormationViolation
  expect(
    "ReserveNow",
    { connectorId: 1, expiryDate: "tomorrow", idTag: "a", reservationId: 1 },
    "FormationViolation",
    'expiryDate: expected an RFC 3339 date-time with offset, got "tomorrow"',
  );
  expect(
    "UpdateFirmware",
    { location: "not a uri", retrieveDate: "2024-05-01T12:00:00Z" },
    "FormationViolation",
    'location: expected an absolute URI, got "not a uri"',
  );
  // multipleOf → OccurenceConstraintViolation
  expect(
    "SetChargingProfile",
    {
      connectorId: 1,
      csChargingProfiles: {
        chargingProfileId: 1,
        stackLevel: 0,
        chargingProfilePurpose: "TxProfile",
        chargingProfileKind: "Absolute",
        chargingSchedule: {
          chargingRateUnit: "A",
          chargingSchedulePeriod: [{ startPeriod: 0, limit: 16.15 }],
        },
      },
    },
    "OccurenceConstraintViolation",
    "csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit: 16.15 is not a multiple of 0.1",
  );
  // integers beyond the safe range
  expect(
    "UnlockConnector",
    { connectorId: 2 ** 60 },
    "TypeConstraintViolation",
    /connectorId: expected a safe integer/,
  );
});

Deno.test("validateCall: the first error is chosen like ajv (required, then extra, then properties)", () => {
  // A missing required property beats an extra property and a bad value.
  assert.equal(
    failureOf(validateCall("ReserveNow", { connectorId: "1", expiryDate: "x", idTag: "a", foo: 1 }))
      .code,
    "OccurenceConstraintViolation",
  );
  // An extra property beats bad values.
  assert.equal(
    failureOf(
      validateCall("ReserveNow", {
        connectorId: "1",
        expiryDate: "2024-05-01T12:00:00Z",
        idTag: "a",
        reservationId: 1,
        foo: 1,
      }),
    ).code,
    "PropertyConstraintViolation",
  );
  // Properties in schema order: connectorId (type) before idTag (maxLength).
  assert.deepEqual(
    failureOf(
      validateCall("ReserveNow", {
        idTag: "x".repeat(30),
        connectorId: "1",
        expiryDate: "2024-05-01T12:00:00Z",
        reservationId: 1,
      }),
    ).description,
    "connectorId: expected integer, got string",
  );
});

Deno.test("validateCall/validateResult: descriptions never exceed 255 characters", () => {
  const longKey = "k".repeat(1000);
  const failures = [
    validateCall("Reset", { type: "Soft", [longKey]: 1 }),
    validateCall("Reset", { type: "y".repeat(1000) }),
    validateCall("UpdateFirmware", {
      location: "bad ".repeat(500),
      retrieveDate: "2024-05-01T12:00:00Z",
    }),
    validateResult("GetConfiguration", {
      configurationKey: [{ key: "a", readonly: true, [longKey]: 1 }],
    }),
  ].map(failureOf);
  for (const failure of failures) {
    assert.ok(failure.description.length <= MAX_ERROR_DESCRIPTION_LENGTH, failure.description);
  }
});

Deno.test("validateResult: valid CALLRESULT payloads are returned typed, invalid ones mapped", () => {
  const ok = validateResult("BootNotification", {
    status: "Accepted",
    currentTime: "2024-05-01T12:00:00Z",
    interval: 300,
  });
  assert.equal(ok.ok, true);
  if (ok.ok) {
    const interval: number = ok.payload.interval;
    assert.equal(interval, 300);
  }
  assert.deepEqual(validateResult("StatusNotification", {}), {
    ok: true,
    action: "StatusNotification",
    payload: {},
  });
  const failure = failureOf(
    validateResult("GetInstalledCertificateIds", { status: "Accepted", certificateHashData: [] }),
  );
  assert.equal(failure.code, "OccurenceConstraintViolation");
  assert.equal(failure.description, "certificateHashData: expected at least 1 item(s)");
  assert.equal(failureOf(validateResult("Heartbeat", {})).code, "OccurenceConstraintViolation");
  assert.equal(
    failureOf(validateResult("Foo" as ActionName, {})).code,
    "NotImplemented",
  );
});

Deno.test("validateCall never throws", () => {
  fc.assert(
    fc.property(fc.constantFrom(...ACTION_NAMES, "Nope"), fc.anything(), (action, payload) => {
      const result = validateCall(action, payload);
      if (!result.ok) assert.ok(result.description.length <= MAX_ERROR_DESCRIPTION_LENGTH);
    }),
    { numRuns: 2000 },
  );
});

// ---------------------------------------------------------------------------------------------
// Agreement with ocpp-rpc on every generated mutation

interface Probe {
  id: string;
  label: string;
  instance: unknown;
}

/** Validates `instance` the way the charge point would for bundle schema `id`. */
function ourFailure(id: string, instance: unknown): ValidationFailure | "ok" | "unreachable" {
  const { action, kind } = parseSchemaId(id);
  const name = action as ActionName;
  if (kind === "conf") {
    const result = validateResult(name, instance);
    return result.ok ? "ok" : result;
  }
  if (ACTIONS[name].from === "ChargePoint") return "unreachable";
  const result = validateCall(name, instance);
  return result.ok ? "ok" : result;
}

/** Whether our description names the field of ajv's first error. */
function namesSameField(
  error: ReturnType<typeof officialValidate> & { valid: false },
  description: string,
  exactRequired: boolean,
): boolean {
  const { error: e } = error;
  const field = ajvErrorField(e);
  if (e.keyword === "additionalProperties") {
    const key = `unexpected property ${JSON.stringify(String(e.params.additionalProperty))}`;
    return description === (field === "payload" ? key : `${field}: ${key}`);
  }
  if (e.keyword === "required") {
    // ajv walks `required` in its listed order, we walk the properties order; they differ
    // only in which of several missing properties of one object is named.
    return description.endsWith(": required property missing") &&
      (!exactRequired || description === `${field}: required property missing`);
  }
  return description.startsWith(`${field}: `);
}

function compare(probes: Iterable<Probe>, exactRequired: boolean): {
  checked: number;
  problems: string[];
} {
  const problems: string[] = [];
  let checked = 0;
  for (const { id, label, instance } of probes) {
    const official = officialValidate(id, instance);
    const ours = ourFailure(id, instance);
    if (ours === "unreachable") continue;
    checked++;
    if (official.valid) {
      if (ours !== "ok") problems.push(`${id} ${label}: ajv accepts, we answer ${ours.code}`);
      continue;
    }
    if (ours === "ok") {
      problems.push(`${id} ${label}: ajv rejects (${official.error.keyword}), we accept`);
      continue;
    }
    const code = ocppRpcCode(official.error.keyword);
    if (ours.code !== code) {
      problems.push(
        `${id} ${label}: ocpp-rpc answers ${code} (${official.error.keyword}), we answer ${ours.code}: ${ours.description}`,
      );
    } else if (!namesSameField(official, ours.description, exactRequired)) {
      problems.push(
        `${id} ${label}: ajv reports ${official.error.keyword} at ${
          ajvErrorField(official.error)
        }, we describe "${ours.description}"`,
      );
    }
  }
  return { checked, problems };
}

function* singleEditProbes(): Generator<Probe> {
  for (const schema of BUNDLE) {
    const id = String(schema.$id);
    const maximal = maximalInstance(schema, schema);
    for (const { label, edit } of edits(schema, schema)) {
      const instance = applyEdits(maximal, [edit]);
      if (instance !== undefined) yield { id, label, instance };
    }
  }
}

/** Deterministic pairs of invalid edits, so that several errors compete for "first". */
function* pairedEditProbes(perSchema: number): Generator<Probe> {
  let seed = 20240501;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (const schema of BUNDLE) {
    const id = String(schema.$id);
    const maximal = maximalInstance(schema, schema);
    const invalidEdits = edits(schema, schema).filter((e) =>
      !e.expectValid && e.edit.path.length > 0
    );
    if (invalidEdits.length < 2) continue;
    for (let i = 0; i < perSchema; i++) {
      const a = invalidEdits[next(invalidEdits.length)];
      const b = invalidEdits[next(invalidEdits.length)];
      const instance = applyEdits(maximal, [a.edit, b.edit]);
      if (instance !== undefined) yield { id, label: `${a.label} + ${b.label}`, instance };
    }
  }
}

Deno.test("every single-spot mutation gets ocpp-rpc's error code and names ajv's field", () => {
  const { checked, problems } = compare(singleEditProbes(), true);
  assert.deepEqual(problems, []);
  assert.ok(checked > 5000, `only ${checked} probes`);
});

Deno.test("with several errors, the reported one is the one ajv reports first", () => {
  const { checked, problems } = compare(pairedEditProbes(300), false);
  assert.deepEqual(problems, []);
  assert.ok(checked > 10_000, `only ${checked} probes`);
});
