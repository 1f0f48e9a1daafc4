/**
 * OCPP-J 1.6 framing: parse and encode the three RPC frames (CALL `[2, id, action, payload]`,
 * CALLRESULT `[3, id, payload]`, CALLERROR `[4, id, code, description, details]`) and
 * validate payloads against the OCPP 1.6 schemas, mapping validation failures to OCPP-J error
 * codes the same way the `ocpp-rpc` strict-mode peer maps ajv keywords.
 *
 * Everything here is pure; `parseFrame`, `validateCall` and `validateResult` never throw.
 *
 * @module
 */
import type { z } from "./deps.ts";
import {
  type ActionName,
  ACTIONS,
  isActionName,
  type RequestOf,
  type ResponseOf,
} from "./ocpp/actions.ts";

/**
 * The ten OCPP 1.6-J CALLERROR codes (the 1.6 specification spells `Occurence` with one `r`).
 *
 * @example
 * ```ts
 * const code: OcppErrorCode = "TypeConstraintViolation";
 * ```
 */
export type OcppErrorCode =
  | "NotImplemented"
  | "NotSupported"
  | "InternalError"
  | "ProtocolError"
  | "SecurityError"
  | "FormationViolation"
  | "PropertyConstraintViolation"
  | "OccurenceConstraintViolation"
  | "TypeConstraintViolation"
  | "GenericError";

/**
 * All OCPP 1.6-J error codes.
 *
 * @example
 * ```ts
 * OCPP_ERROR_CODES.includes("GenericError"); // true
 * ```
 */
export const OCPP_ERROR_CODES: readonly OcppErrorCode[] = Object.freeze([
  "NotImplemented",
  "NotSupported",
  "InternalError",
  "ProtocolError",
  "SecurityError",
  "FormationViolation",
  "PropertyConstraintViolation",
  "OccurenceConstraintViolation",
  "TypeConstraintViolation",
  "GenericError",
]);

/** Spellings used by other OCPP versions / implementations, mapped to the 1.6 spelling. */
const ERROR_CODE_ALIASES: Readonly<Record<string, OcppErrorCode>> = {
  OccurrenceConstraintViolation: "OccurenceConstraintViolation",
  FormatViolation: "FormationViolation",
};

/**
 * Normalises a received CALLERROR code to its OCPP 1.6 spelling: the ten 1.6 codes map to
 * themselves, `OccurrenceConstraintViolation` and `FormatViolation` (OCPP 2.x spellings) to
 * `OccurenceConstraintViolation` and `FormationViolation`; anything else gives `undefined`.
 *
 * @example
 * ```ts
 * normalizeErrorCode("FormatViolation"); // "FormationViolation"
 * normalizeErrorCode("RpcFrameworkError"); // undefined
 * ```
 */
export function normalizeErrorCode(code: string): OcppErrorCode | undefined {
  if ((OCPP_ERROR_CODES as readonly string[]).includes(code)) return code as OcppErrorCode;
  return Object.hasOwn(ERROR_CODE_ALIASES, code) ? ERROR_CODE_ALIASES[code] : undefined;
}

/**
 * OCPP-J message type ids.
 *
 * @example
 * ```ts
 * MESSAGE_TYPE.CALL; // 2
 * ```
 */
export const MESSAGE_TYPE: {
  readonly CALL: 2;
  readonly CALLRESULT: 3;
  readonly CALLERROR: 4;
} = Object.freeze({ CALL: 2, CALLRESULT: 3, CALLERROR: 4 });

/**
 * Maximum length of an OCPP-J message id (room for a UUID).
 *
 * @example
 * ```ts
 * "1b4e28ba-2fa1-11d2-883f-0016d3cca427".length <= MAX_MESSAGE_ID_LENGTH; // true
 * ```
 */
export const MAX_MESSAGE_ID_LENGTH = 36;

/**
 * Maximum length of a CALLERROR description produced by this module.
 *
 * @example
 * ```ts
 * MAX_ERROR_DESCRIPTION_LENGTH; // 255
 * ```
 */
export const MAX_ERROR_DESCRIPTION_LENGTH = 255;

/**
 * A JSON object (not an array, not `null`), as carried by CALL/CALLRESULT payloads and
 * CALLERROR details.
 *
 * @example
 * ```ts
 * const payload: JsonObject = { connectorId: 1 };
 * ```
 */
export type JsonObject = { [key: string]: unknown };

/**
 * A well-formed CALL: `[2, id, action, payload]`. The payload is not yet validated.
 *
 * @example
 * ```ts
 * const frame: CallFrame = { kind: "call", id: "42", action: "Reset", payload: { type: "Soft" } };
 * ```
 */
export interface CallFrame {
  /** Discriminant. */
  kind: "call";
  /** Message id chosen by the sender. */
  id: string;
  /** Action name, not yet checked against the known actions. */
  action: string;
  /** Request payload, not yet validated. */
  payload: JsonObject;
}

/**
 * A well-formed CALLRESULT: `[3, id, payload]`. The payload is not yet validated.
 *
 * @example
 * ```ts
 * const frame: CallResultFrame = { kind: "result", id: "42", payload: { status: "Accepted" } };
 * ```
 */
export interface CallResultFrame {
  /** Discriminant. */
  kind: "result";
  /** Id of the CALL this answers. */
  id: string;
  /** Response payload, not yet validated. */
  payload: JsonObject;
}

/**
 * A well-formed CALLERROR: `[4, id, code, description, details]`.
 *
 * @example
 * ```ts
 * const frame: CallErrorFrame = {
 *   kind: "error",
 *   id: "42",
 *   code: "FormationViolation",
 *   rawCode: "FormatViolation",
 *   description: "bad payload",
 *   details: {},
 * };
 * ```
 */
export interface CallErrorFrame {
  /** Discriminant. */
  kind: "error";
  /** Id of the CALL this answers. */
  id: string;
  /**
   * The error code normalised to OCPP 1.6 spelling (see {@link normalizeErrorCode});
   * `GenericError` when the peer sent a code that OCPP 1.6 does not define.
   */
  code: OcppErrorCode;
  /** The error code exactly as received. */
  rawCode: string;
  /** Free-text description from the peer. */
  description: string;
  /** Error details object from the peer. */
  details: JsonObject;
}

/**
 * A frame that is not valid OCPP-J. `code` is the CALLERROR code to answer with; answer with
 * message id `id ?? "-1"`. Whether to answer at all (e.g. not to a broken CALLERROR) is the
 * caller's decision; `messageType` helps with that.
 *
 * @example
 * ```ts
 * const frame: InvalidFrame = {
 *   kind: "invalid",
 *   id: undefined,
 *   messageType: undefined,
 *   code: "FormationViolation",
 *   reason: "message is not valid JSON",
 * };
 * ```
 */
export interface InvalidFrame {
  /** Discriminant. */
  kind: "invalid";
  /** The message id when it could be read (a string), otherwise `undefined`. */
  id: string | undefined;
  /** The message type id when it was a number, otherwise `undefined`. */
  messageType: number | undefined;
  /** `ProtocolError` for an unknown message type with a readable id, else `FormationViolation`. */
  code: OcppErrorCode;
  /** Human-readable explanation (at most 255 characters). */
  reason: string;
}

/**
 * Result of {@link parseFrame}.
 *
 * @example
 * ```ts
 * const frame: ParsedFrame = parseFrame('[2,"1","Heartbeat",{}]');
 * if (frame.kind === "call") console.log(frame.action);
 * ```
 */
export type ParsedFrame = CallFrame | CallResultFrame | CallErrorFrame | InvalidFrame;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function truncate(text: string, max: number = MAX_ERROR_DESCRIPTION_LENGTH): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  // Do not split a surrogate pair.
  const unit = text.charCodeAt(cut - 1);
  if (unit >= 0xd800 && unit <= 0xdbff) cut--;
  return `${text.slice(0, cut)}…`;
}

function jsonTypeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function invalid(
  id: string | undefined,
  messageType: number | undefined,
  reason: string,
  code: OcppErrorCode = "FormationViolation",
): InvalidFrame {
  return { kind: "invalid", id, messageType, code, reason: truncate(reason) };
}

/**
 * Parses one OCPP-J WebSocket text message. Never throws.
 *
 * - not JSON, not an array, or an unreadable message id → `invalid` / `FormationViolation`
 *   with `id: undefined` (answer with id `"-1"`);
 * - unknown message type id → `invalid` / `ProtocolError` if the id is readable;
 * - wrong arity, id longer than 36 characters, non-string action, non-object payload,
 *   non-string CALLERROR code/description or non-object details → `invalid` /
 *   `FormationViolation`, keeping the id.
 *
 * A CALLERROR code is normalised with {@link normalizeErrorCode}; unknown codes become
 * `GenericError` (the original is kept in `rawCode`).
 *
 * @example
 * ```ts
 * parseFrame('[2,"19223201","BootNotification",{"chargePointVendor":"ACME","chargePointModel":"X"}]');
 * // { kind: "call", id: "19223201", action: "BootNotification", payload: { … } }
 * parseFrame("not json");
 * // { kind: "invalid", id: undefined, messageType: undefined, code: "FormationViolation", reason: "…" }
 * ```
 */
export function parseFrame(text: string): ParsedFrame {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return invalid(undefined, undefined, `message is not valid JSON: ${detail}`);
  }
  if (!Array.isArray(message)) {
    return invalid(
      undefined,
      undefined,
      `message must be a JSON array, got ${jsonTypeName(message)}`,
    );
  }
  if (message.length === 0) return invalid(undefined, undefined, "message is an empty array");

  const [messageTypePart, idPart] = message;
  const id = typeof idPart === "string" ? idPart : undefined;
  const messageType = typeof messageTypePart === "number" ? messageTypePart : undefined;

  if (messageType === undefined) {
    return invalid(
      id,
      undefined,
      `message type id must be a number, got ${jsonTypeName(messageTypePart)}`,
    );
  }
  if (
    messageType !== MESSAGE_TYPE.CALL && messageType !== MESSAGE_TYPE.CALLRESULT &&
    messageType !== MESSAGE_TYPE.CALLERROR
  ) {
    return invalid(
      id,
      messageType,
      `unknown message type id ${messageType}`,
      id === undefined ? "FormationViolation" : "ProtocolError",
    );
  }
  if (id === undefined) {
    return invalid(
      undefined,
      messageType,
      `message id must be a string, got ${jsonTypeName(idPart)}`,
    );
  }
  if (id.length > MAX_MESSAGE_ID_LENGTH) {
    return invalid(
      id,
      messageType,
      `message id is ${id.length} characters long, at most ${MAX_MESSAGE_ID_LENGTH} allowed`,
    );
  }

  switch (messageType) {
    case MESSAGE_TYPE.CALL: {
      if (message.length !== 4) {
        return invalid(id, messageType, `CALL must have 4 elements, got ${message.length}`);
      }
      const [, , action, payload] = message;
      if (typeof action !== "string") {
        return invalid(
          id,
          messageType,
          `CALL action must be a string, got ${jsonTypeName(action)}`,
        );
      }
      if (!isJsonObject(payload)) {
        return invalid(
          id,
          messageType,
          `CALL payload must be a JSON object, got ${jsonTypeName(payload)}`,
        );
      }
      return { kind: "call", id, action, payload };
    }
    case MESSAGE_TYPE.CALLRESULT: {
      if (message.length !== 3) {
        return invalid(id, messageType, `CALLRESULT must have 3 elements, got ${message.length}`);
      }
      const payload: unknown = message[2];
      if (!isJsonObject(payload)) {
        return invalid(
          id,
          messageType,
          `CALLRESULT payload must be a JSON object, got ${jsonTypeName(payload)}`,
        );
      }
      return { kind: "result", id, payload };
    }
    default: {
      if (message.length !== 5) {
        return invalid(id, messageType, `CALLERROR must have 5 elements, got ${message.length}`);
      }
      const [, , rawCode, description, details] = message;
      if (typeof rawCode !== "string") {
        return invalid(
          id,
          messageType,
          `CALLERROR code must be a string, got ${jsonTypeName(rawCode)}`,
        );
      }
      if (typeof description !== "string") {
        return invalid(
          id,
          messageType,
          `CALLERROR description must be a string, got ${jsonTypeName(description)}`,
        );
      }
      if (!isJsonObject(details)) {
        return invalid(
          id,
          messageType,
          `CALLERROR details must be a JSON object, got ${jsonTypeName(details)}`,
        );
      }
      const code = normalizeErrorCode(rawCode) ?? "GenericError";
      return { kind: "error", id, code, rawCode, description, details };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Payload validation

/**
 * A failed validation: the CALLERROR code and description to answer with.
 *
 * @example
 * ```ts
 * const failure: ValidationFailure = {
 *   ok: false,
 *   code: "TypeConstraintViolation",
 *   description: "connectorId: expected integer, got string",
 * };
 * ```
 */
export interface ValidationFailure {
  /** Discriminant. */
  ok: false;
  /** OCPP-J error code. */
  code: OcppErrorCode;
  /** Which field failed and why (at most 255 characters). */
  description: string;
}

/**
 * A successfully validated CALL from the central system; narrowing on `action` narrows
 * `payload`.
 *
 * @example
 * ```ts
 * const result = validateCall("Reset", { type: "Soft" });
 * if (result.ok && result.action === "Reset") console.log(result.payload.type);
 * ```
 */
export type ValidCall = {
  [A in ActionName]: { ok: true; action: A; payload: RequestOf<A> };
}[ActionName];

/**
 * Result of {@link validateCall}.
 *
 * @example
 * ```ts
 * const result: CallValidation = validateCall("Heartbeat", {});
 * result.ok; // false: Heartbeat is sent by the charge point (NotSupported)
 * ```
 */
export type CallValidation = ValidCall | ValidationFailure;

/**
 * Result of {@link validateResult} for action `A`.
 *
 * @example
 * ```ts
 * const result: ResultValidation<"Heartbeat"> = validateResult("Heartbeat", {
 *   currentTime: "2024-05-01T12:00:00Z",
 * });
 * if (result.ok) console.log(result.payload.currentTime);
 * ```
 */
export type ResultValidation<A extends ActionName> =
  | { ok: true; action: A; payload: ResponseOf<A> }
  | ValidationFailure;

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

function childOf(value: unknown, key: PathKey): unknown {
  if (typeof key === "symbol") return undefined;
  if (Array.isArray(value) && typeof key === "number") return value[key];
  if (isJsonObject(value) && typeof key === "string" && Object.hasOwn(value, key)) {
    return value[key];
  }
  return undefined;
}

function isMissing(parent: unknown, key: PathKey): boolean {
  return isJsonObject(parent) && typeof key === "string" && !Object.hasOwn(parent, key);
}

function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let value = root;
  for (const key of path) value = childOf(value, key);
  return value;
}

/**
 * Picks the issue ajv (with `allErrors: false`) would have reported first. At every object
 * ajv checks `required` (in order), then `additionalProperties`, then each property in schema
 * order depth-first; arrays check `minItems` before their items. Zod reports all issues in
 * shape order with unknown keys last, so the same walk over zod's issue list finds ajv's
 * first error.
 */
function firstIssue(issues: readonly Issue[], payload: unknown): Issue {
  let candidates = issues;
  let node = payload;
  for (let depth = 0;; depth++) {
    const own = candidates.find((i) => i.path.length === depth && i.code !== "unrecognized_keys");
    if (own) return own;
    const missing = candidates.find((i) =>
      i.path.length === depth + 1 && isMissing(node, i.path[depth])
    );
    if (missing) return missing;
    const extra = candidates.find((i) => i.path.length === depth);
    if (extra) return extra;
    const key = candidates[0].path[depth];
    candidates = candidates.filter((i) => i.path[depth] === key);
    node = childOf(node, key);
  }
}

function formatPath(path: readonly PathKey[]): string {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else text += text === "" ? String(key) : `.${String(key)}`;
  }
  return text === "" ? "payload" : text;
}

function quote(value: string, max = 40): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

function typeMismatch(at: string, expected: string, actual: unknown): string {
  const got = expected === "integer" && typeof actual === "number"
    ? `non-integer number ${actual}`
    : jsonTypeName(actual);
  return `${at}: expected ${expected}, got ${got}`;
}

/** Maps the first zod issue to an OCPP-J code the way `ocpp-rpc` maps ajv keywords. */
function toFailure(issues: readonly Issue[], payload: unknown): ValidationFailure {
  const issue = firstIssue(issues, payload);
  const path = issue.path;
  const at = formatPath(path);
  const parent = valueAt(payload, path.slice(0, -1));
  const fail = (code: OcppErrorCode, description: string): ValidationFailure => ({
    ok: false,
    code,
    description: truncate(description),
  });

  // ajv `required`
  if (path.length > 0 && isMissing(parent, path[path.length - 1])) {
    return fail("OccurenceConstraintViolation", `${at}: required property missing`);
  }
  const actual = valueAt(payload, path);
  switch (issue.code) {
    case "invalid_type": {
      // ajv `type`
      // integerSchema marks its type errors; zod itself says "number" for a string input.
      const expected = issue.expected === "int" || issue.message === "expected integer"
        ? "integer"
        : issue.expected;
      return fail("TypeConstraintViolation", typeMismatch(at, expected, actual));
    }
    case "invalid_value": {
      // A zod enum: ajv checks `type: "string"` before `enum` for these schemas.
      if (typeof actual !== "string") {
        return fail("TypeConstraintViolation", typeMismatch(at, "string", actual));
      }
      const allowed = issue.values.map(String).join(", ");
      return fail("FormationViolation", `${at}: ${quote(actual)} is not one of ${allowed}`);
    }
    case "unrecognized_keys": {
      // ajv `additionalProperties`
      const key = issue.keys[0] ?? "";
      const where = path.length === 0 ? "" : `${at}: `;
      return fail("PropertyConstraintViolation", `${where}unexpected property ${quote(key)}`);
    }
    case "too_big":
    case "too_small": {
      if (issue.origin === "string") {
        // ajv `maxLength`
        return fail(
          "FormationViolation",
          `${at}: string longer than ${
            String(issue.code === "too_big" ? issue.maximum : "")
          } characters`,
        );
      }
      if (issue.origin === "array") {
        // ajv `minItems` / `maxItems`
        const bound = issue.code === "too_small"
          ? `at least ${String(issue.minimum)}`
          : `at most ${String(issue.maximum)}`;
        return fail("OccurenceConstraintViolation", `${at}: expected ${bound} item(s)`);
      }
      // Integers outside the safe range: not representable exactly, reported as a type error.
      return fail(
        "TypeConstraintViolation",
        `${at}: expected a safe integer, got ${String(actual)}`,
      );
    }
    case "not_multiple_of":
      // ajv `multipleOf`
      return fail(
        "OccurenceConstraintViolation",
        `${at}: ${String(actual)} is not a multiple of ${String(issue.divisor)}`,
      );
    case "invalid_format": {
      // ajv `format`
      const format = issue.format === "datetime"
        ? "an RFC 3339 date-time with offset"
        : issue.format === "uri"
        ? "an absolute URI"
        : `format ${issue.format}`;
      const shown = typeof actual === "string" ? `, got ${quote(actual)}` : "";
      return fail("FormationViolation", `${at}: expected ${format}${shown}`);
    }
    default:
      // ocpp-rpc falls back to FormatViolation (FormationViolation in 1.6) for other keywords.
      return fail("FormationViolation", `${at}: ${issue.message}`);
  }
}

function validatePayload(schema: z.ZodType, payload: unknown): {
  ok: true;
  payload: unknown;
} | ValidationFailure {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return { ok: true, payload: parsed.data };
  return toFailure(parsed.error.issues, payload);
}

/**
 * Validates a CALL received from the central system.
 *
 * - unknown action → `NotImplemented`;
 * - an action only the charge point sends (e.g. `Heartbeat`) → `NotSupported`;
 * - payload errors, mapped like `ocpp-rpc`'s strict mode: missing required field →
 *   `OccurenceConstraintViolation`; wrong JSON type → `TypeConstraintViolation`; extra
 *   property → `PropertyConstraintViolation`; too long, bad enum value, bad date-time or
 *   URI → `FormationViolation`; `minItems` / `multipleOf` → `OccurenceConstraintViolation`.
 *
 * Only the first error (in the order ajv would find it) is reported. Never throws.
 *
 * @example
 * ```ts
 * validateCall("UnlockConnector", { connectorId: "1" });
 * // { ok: false, code: "TypeConstraintViolation", description: "connectorId: expected integer, got string" }
 * validateCall("UnlockConnector", { connectorId: 1 });
 * // { ok: true, action: "UnlockConnector", payload: { connectorId: 1 } }
 * ```
 */
export function validateCall(action: string, payload: unknown): CallValidation {
  if (!isActionName(action)) {
    return {
      ok: false,
      code: "NotImplemented",
      description: truncate(`action ${quote(action, 64)} is not implemented`),
    };
  }
  const definition = ACTIONS[action];
  if (definition.from === "ChargePoint") {
    return {
      ok: false,
      code: "NotSupported",
      description: `action "${action}" is only sent by the charge point`,
    };
  }
  const result = validatePayload(definition.request, payload);
  if (!result.ok) return result;
  return { ok: true, action, payload: result.payload } as ValidCall;
}

/**
 * Validates the CALLRESULT payload answering one of our CALLs of action `action`, with the
 * same error mapping as {@link validateCall}. Never throws.
 *
 * @example
 * ```ts
 * const result = validateResult("BootNotification", {
 *   status: "Accepted",
 *   currentTime: "2024-05-01T12:00:00Z",
 *   interval: 300,
 * });
 * if (result.ok) console.log(result.payload.interval); // 300
 * ```
 */
export function validateResult<A extends ActionName>(
  action: A,
  payload: unknown,
): ResultValidation<A> {
  if (!isActionName(action)) {
    return {
      ok: false,
      code: "NotImplemented",
      description: truncate(`action ${quote(String(action), 64)} is not implemented`),
    };
  }
  const result = validatePayload(ACTIONS[action].response, payload);
  if (!result.ok) return result;
  return { ok: true, action, payload: result.payload as ResponseOf<A> };
}

// ---------------------------------------------------------------------------------------------
// Encoding

/**
 * Encodes a CALL: exactly `JSON.stringify([2, id, action, payload])`.
 *
 * @example
 * ```ts
 * encodeCall("1", "Heartbeat", {}); // '[2,"1","Heartbeat",{}]'
 * ```
 */
export function encodeCall(id: string, action: string, payload: object): string {
  return JSON.stringify([MESSAGE_TYPE.CALL, id, action, payload]);
}

/**
 * Encodes a CALL whose payload is already JSON text: the same text as
 * {@linkcode encodeCall} when `payloadJson` is `JSON.stringify(payload)`.
 *
 * @example
 * ```ts
 * encodeCallJson("1", "Heartbeat", "{}"); // '[2,"1","Heartbeat",{}]'
 * ```
 */
export function encodeCallJson(id: string, action: string, payloadJson: string): string {
  return `[${MESSAGE_TYPE.CALL},${JSON.stringify(id)},${JSON.stringify(action)},${payloadJson}]`;
}

/**
 * Whether `text` looks like a CALLRESULT or CALLERROR (message type 3 or 4), without parsing it:
 * the answer to a CALL, if it is well formed.
 *
 * @example
 * ```ts
 * isAnswerText('[3,"1",{}]'); // true
 * isAnswerText(' [ 4 ,"1","NotImplemented","",{}]'); // true
 * isAnswerText('[2,"1","Reset",{"type":"Hard"}]'); // false
 * ```
 */
export function isAnswerText(text: string): boolean {
  return /^\s*\[\s*[34]\s*,/.test(text);
}

/**
 * Encodes a CALLRESULT: exactly `JSON.stringify([3, id, payload])`.
 *
 * @example
 * ```ts
 * encodeResult("1", { status: "Accepted" }); // '[3,"1",{"status":"Accepted"}]'
 * ```
 */
export function encodeResult(id: string, payload: object): string {
  return JSON.stringify([MESSAGE_TYPE.CALLRESULT, id, payload]);
}

/**
 * Encodes a CALLERROR: exactly `JSON.stringify([4, id, code, description, details])`.
 *
 * @example
 * ```ts
 * encodeError("1", "NotImplemented", "action \"Foo\" is not implemented");
 * // '[4,"1","NotImplemented","action \\"Foo\\" is not implemented",{}]'
 * ```
 */
export function encodeError(
  id: string,
  code: OcppErrorCode,
  description: string,
  details: JsonObject = {},
): string {
  return JSON.stringify([MESSAGE_TYPE.CALLERROR, id, code, description, details]);
}
