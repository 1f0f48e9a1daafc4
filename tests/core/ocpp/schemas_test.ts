/**
 * Every zod schema in core/ocpp agrees with the official OCPP 1.6 JSON schema (validated by ajv
 * configured like `ocpp-rpc`) on generated valid and invalid instances.
 */
import assert from "node:assert/strict";
import { z } from "../../../core/deps.ts";
import { ACTION_NAMES, ACTIONS, isActionName } from "../../../core/ocpp/actions.ts";
import {
  bootNotificationRequestSchema,
  getCompositeScheduleResponseSchema,
  getDiagnosticsRequestSchema,
  getInstalledCertificateIdsResponseSchema,
  resetRequestSchema,
  statusNotificationRequestSchema,
  stopTransactionRequestSchema,
} from "../../../core/ocpp/messages.ts";
import {
  chargePointStatusSchema,
  dateTimeSchema,
  integerSchema,
  uriSchema,
} from "../../../core/ocpp/types.ts";
import {
  BUNDLE,
  type Case,
  officialValidate,
  parseSchemaId,
  schemaCases,
} from "./json_schema_fixtures.ts";

/** Our zod schema for a bundle `$id`. */
function zodFor(id: string): z.ZodType {
  const { action, kind } = parseSchemaId(id);
  if (!isActionName(action)) throw new Error(`no action ${action} in ACTIONS`);
  return kind === "req" ? ACTIONS[action].request : ACTIONS[action].response;
}

/**
 * Runs every generated case of schema `id` through ajv and `schema`. Returns generator errors
 * (ajv disagrees with the expected verdict) and disagreements between zod and ajv.
 */
function disagreements(id: string, schema: z.ZodType, cases: readonly Case[]): string[] {
  const problems: string[] = [];
  for (const c of cases) {
    const official = officialValidate(id, c.instance).valid;
    if (official !== c.expectValid) {
      problems.push(`generator: ajv ${official ? "accepts" : "rejects"} ${c.label}`);
      continue;
    }
    const ours = schema.safeParse(c.instance).success;
    if (ours !== official) {
      problems.push(
        `zod ${ours ? "accepts" : "rejects"} but ajv ${
          official ? "accepts" : "rejects"
        }: ${c.label}`,
      );
    }
  }
  return problems;
}

const CASES = new Map<string, Case[]>(
  BUNDLE.map((schema) => [String(schema.$id), schemaCases(schema)]),
);

Deno.test("the bundle has 78 schemas and ACTIONS covers exactly its 39 actions", () => {
  assert.equal(BUNDLE.length, 78);
  const fromBundle = new Set<string>();
  for (const schema of BUNDLE) {
    const { action, kind } = parseSchemaId(String(schema.$id));
    fromBundle.add(action);
    const other = `urn:${action}.${kind === "req" ? "conf" : "req"}`;
    assert.ok(BUNDLE.some((s) => s.$id === other), `missing ${other}`);
  }
  assert.deepEqual([...ACTION_NAMES].sort(), [...fromBundle].sort());
  assert.equal(ACTION_NAMES.length, 39);
});

Deno.test("ACTIONS records who sends each CALL", () => {
  const fromChargePoint = [
    "Authorize",
    "BootNotification",
    "DiagnosticsStatusNotification",
    "FirmwareStatusNotification",
    "Heartbeat",
    "LogStatusNotification",
    "MeterValues",
    "SecurityEventNotification",
    "SignCertificate",
    "SignedFirmwareStatusNotification",
    "StartTransaction",
    "StatusNotification",
    "StopTransaction",
  ];
  for (const action of ACTION_NAMES) {
    const expected = action === "DataTransfer"
      ? "Both"
      : fromChargePoint.includes(action)
      ? "ChargePoint"
      : "CentralSystem";
    assert.equal(ACTIONS[action].from, expected, action);
  }
  assert.equal(isActionName("toString"), false);
  assert.equal(isActionName("heartbeat"), false);
  assert.equal(isActionName(42), false);
});

for (const schema of BUNDLE) {
  const id = String(schema.$id);
  Deno.test(`${id}: zod and the official JSON schema agree`, () => {
    const cases = CASES.get(id)!;
    assert.ok(cases.length >= 2);
    assert.ok(cases.some((c) => !c.expectValid));
    assert.deepEqual(disagreements(id, zodFor(id), cases), []);
  });
}

Deno.test("the generated cases cover every kind of mutation", () => {
  const labels = [...CASES.values()].flat().map((c) => c.label);
  for (
    const fragment of [
      "required property removed",
      "optional property removed",
      "wrong type",
      "one over maxLength",
      "one astral over maxLength",
      "enum candidate",
      "extra property",
      "bad date-time",
      "bad uri",
      "empty array",
      "not a multiple of 0.1",
    ]
  ) {
    assert.ok(labels.some((l) => l.includes(fragment)), fragment);
  }
  const total = labels.length;
  assert.ok(total > 5000, `only ${total} cases`);
});

Deno.test("the comparison catches a zod schema that is looser or stricter than the JSON schema", () => {
  const check = (id: string, mutant: z.ZodType, what: string) => {
    const problems = disagreements(id, mutant, CASES.get(id)!);
    assert.ok(
      problems.length > 0 && problems.every((p) => p.startsWith("zod ")),
      `${what} went unnoticed`,
    );
  };
  const sn = "urn:StatusNotification.req";
  // additionalProperties: false dropped
  check(sn, statusNotificationRequestSchema.loose(), "a non-strict object");
  // a maxLength one too large / too small
  check(
    sn,
    statusNotificationRequestSchema.extend({ info: z.string().max(51).optional() }),
    "maxLength 51 instead of 50",
  );
  check(
    sn,
    statusNotificationRequestSchema.extend({ info: z.string().max(49).optional() }),
    "maxLength 49 instead of 50",
  );
  // maxLength counted in UTF-16 code units instead of code points
  check(
    sn,
    statusNotificationRequestSchema.extend({
      info: z.string().refine((value) => value.length <= 50).optional(),
    }),
    "UTF-16 maxLength",
  );
  // a required field made optional, an optional one made required
  check(
    sn,
    statusNotificationRequestSchema.extend({
      errorCode: statusNotificationRequestSchema.shape.errorCode.optional(),
    }),
    "required made optional",
  );
  check(
    sn,
    statusNotificationRequestSchema.extend({ timestamp: dateTimeSchema }),
    "optional made required",
  );
  // an enum with an extra value / a missing value
  check(
    sn,
    statusNotificationRequestSchema.extend({
      status: z.enum([...chargePointStatusSchema.options, "Occupied"]),
    }),
    "extra enum value",
  );
  check(
    sn,
    statusNotificationRequestSchema.extend({
      status: chargePointStatusSchema.exclude(["Faulted"]),
    }),
    "missing enum value",
  );
  // integer loosened to number, date-time loosened to string
  check(
    sn,
    statusNotificationRequestSchema.extend({ connectorId: z.number() }),
    "number instead of integer",
  );
  check(
    sn,
    statusNotificationRequestSchema.extend({ timestamp: z.string().optional() }),
    "string instead of date-time",
  );
  check(
    "urn:BootNotification.req",
    bootNotificationRequestSchema.extend({ imsi: z.string().optional() }),
    "unbounded string",
  );
  check(
    "urn:GetDiagnostics.req",
    getDiagnosticsRequestSchema.extend({ location: z.string() }),
    "string instead of uri",
  );
  check(
    "urn:GetInstalledCertificateIds.conf",
    getInstalledCertificateIdsResponseSchema.extend({
      certificateHashData: getInstalledCertificateIdsResponseSchema.shape.certificateHashData
        .unwrap().unwrap().array().optional(),
    }),
    "minItems dropped",
  );
  check(
    "urn:GetCompositeSchedule.conf",
    getCompositeScheduleResponseSchema.extend({ connectorId: z.number().optional() }),
    "number instead of integer (optional)",
  );
  check("urn:Reset.req", resetRequestSchema.extend({ type: z.string() }), "string instead of enum");
  check(
    "urn:StopTransaction.req",
    stopTransactionRequestSchema.omit({ transactionData: true }),
    "property dropped",
  );
});

Deno.test("deliberate differences from ajv-formats / ajv are pinned", () => {
  const heartbeat = "urn:Heartbeat.conf";
  // ajv-formats accepts these RFC 3339 / ISO 8601 variants; we require `T`, `Z` or ±HH:MM
  // and reject leap seconds, so every accepted value parses with `new Date()`.
  for (
    const value of [
      "2024-05-01t12:00:00z",
      "2024-05-01 12:00:00Z",
      "2024-05-01T12:00:00+01",
      "2024-05-01T12:00:00+0100",
      "2016-12-31T23:59:60Z",
    ]
  ) {
    assert.equal(officialValidate(heartbeat, { currentTime: value }).valid, true, value);
    assert.equal(dateTimeSchema.safeParse(value).success, false, value);
  }
  // Integers beyond ±(2^53 - 1) cannot be represented exactly; ajv accepts them, we do not.
  assert.equal(officialValidate("urn:UnlockConnector.req", { connectorId: 2 ** 60 }).valid, true);
  assert.equal(integerSchema.safeParse(2 ** 60).success, false);
  // A URI with an empty authority: RFC 3986-valid, but the WHATWG URL parser refuses it.
  const update = { location: "http://", retrieveDate: "2024-05-01T12:00:00Z" };
  assert.equal(officialValidate("urn:UpdateFirmware.req", update).valid, true);
  assert.equal(uriSchema.safeParse("http://").success, false);
});

Deno.test("every accepted date-time parses with new Date()", () => {
  for (
    const value of [
      "2024-05-01T12:00:00Z",
      "2024-05-01T12:00:00.123456789Z",
      "2024-05-01T12:00:00-08:00",
      "2024-02-29T23:59:59.9+05:30",
    ]
  ) {
    assert.equal(dateTimeSchema.safeParse(value).success, true, value);
    assert.ok(!Number.isNaN(new Date(value).getTime()), value);
  }
});
