/**
 * Official OCPP 1.6-J JSON-schema validation of the frames a charge point exchanges.
 *
 * The schemas are the 78 official OCPP 1.6 JSON schemas bundled with the npm package `ocpp-rpc`
 * (`node_modules/ocpp-rpc/lib/schemas/ocpp1_6.json`, each with an `$id` like
 * `urn:StatusNotification.req` / `urn:StatusNotification.conf`). They are read once, when this
 * module is first imported (`deno install` must have populated `node_modules/`).
 *
 * {@link FrameValidator} follows a conversation from the CHARGE POINT's point of view: frames the
 * charge point received go to {@link FrameValidator.inbound}, frames it sent go to
 * {@link FrameValidator.outbound}, which throws on anything the charge point should never send.
 *
 * @module
 */
import { Ajv } from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import ajvFormats from "ajv-formats";

// Under Deno the CommonJS default export of ajv-formats arrives as the whole `module.exports`;
// both its types and its runtime value carry the plugin function as `.default`.
const addFormats = ajvFormats.default;

/** Path of the schema bundle, resolved from this file (tests/support/ → repo root). */
const BUNDLE_URL = new URL("../../node_modules/ocpp-rpc/lib/schemas/ocpp1_6.json", import.meta.url);

/** The 10 CALLERROR error codes OCPP 1.6-J (section 4.2.3) allows. */
export const OCPP16_ERROR_CODES: readonly string[] = Object.freeze([
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

/** OCPP-J message type numbers. */
const CALL = 2;
const CALLRESULT = 3;
const CALLERROR = 4;

/** OCPP-J: the unique id of a message is at most 36 characters. */
const MAX_MESSAGE_ID_LENGTH = 36;

async function loadBundle(): Promise<unknown[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(BUNDLE_URL);
  } catch (error) {
    throw new Error(
      `cannot read the OCPP 1.6 schema bundle at ${BUNDLE_URL.pathname} ` +
        `(run \`deno install\` in the repo root): ${String(error)}`,
    );
  }
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) {
    throw new Error(`the OCPP 1.6 schema bundle at ${BUNDLE_URL.pathname} is not a JSON array`);
  }
  return parsed;
}

const bundle = await loadBundle();

const ajv = new Ajv({
  allErrors: true,
  strict: false,
  // The official schemas use `multipleOf: 0.1`; without a precision 16.1 would be rejected.
  multipleOfPrecision: 6,
});
addFormats(ajv);
/** The ajv key of the official schema `$id` "urn:X.req": "ocpp16:X.req". */
function ajvKey(schemaId: string): string {
  return schemaId.replace(/^urn:/, "ocpp16:");
}

const schemaIds: string[] = [];
for (const schema of bundle) {
  if (!isPlainObject(schema) || typeof schema.$id !== "string") {
    throw new Error(`the OCPP 1.6 schema bundle has an entry without a string $id`);
  }
  // ajv 8.20 parses schema ids with fast-uri, which rejects "urn:Authorize.req" ("URN without
  // nid cannot be serialized"). The schemas only use local `#/definitions/...` refs, so each one is
  // registered WITHOUT its `$id`, under the key "ocpp16:Authorize.req" (see ajvKey).
  const { $id, ...rest } = schema;
  ajv.addSchema(rest, ajvKey($id));
  schemaIds.push($id);
}

/** The actions of the bundle (those that have both a `.req` and a `.conf` schema). */
export const OCPP16_ACTIONS: readonly string[] = Object.freeze(
  schemaIds.flatMap((id) => {
    if (!id.startsWith("urn:") || !id.endsWith(".req")) return [];
    const action = id.slice("urn:".length, -".req".length);
    return schemaIds.includes(`urn:${action}.conf`) ? [action] : [];
  }),
);

function describeError(error: ErrorObject): string {
  const where = error.instancePath === "" ? "(payload)" : error.instancePath;
  const params = error.params as Record<string, unknown>;
  let extra = "";
  if (error.keyword === "enum" && Array.isArray(params.allowedValues)) {
    extra = `: ${params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
  } else if (error.keyword === "additionalProperties") {
    extra = ` ("${String(params.additionalProperty)}")`;
  }
  return `${where} ${error.message ?? error.keyword}${extra}`;
}

function validateAgainst(schemaId: string, payload: unknown): string | undefined {
  const validate: ValidateFunction | undefined = schemaIds.includes(schemaId)
    ? ajv.getSchema(ajvKey(schemaId))
    : undefined;
  if (validate === undefined) return `no OCPP 1.6 schema ${schemaId} (unknown action)`;
  if (validate(payload)) return undefined;
  const details = (validate.errors ?? []).map(describeError).join("; ");
  return `${schemaId}: ${details || "invalid"}`;
}

/**
 * Validates `payload` against the official schema `urn:<action>.req`.
 *
 * @returns an error message, or `undefined` when the payload is valid.
 */
export function validateCallPayload(action: string, payload: unknown): string | undefined {
  return validateAgainst(`urn:${action}.req`, payload);
}

/**
 * Validates `payload` against the official schema `urn:<action>.conf`.
 *
 * @returns an error message, or `undefined` when the payload is valid.
 */
export function validateResultPayload(action: string, payload: unknown): string | undefined {
  return validateAgainst(`urn:${action}.conf`, payload);
}

/** A frame seen by the charge point: `"in"` received, `"out"` sent. */
export type FrameDirection = "in" | "out";

/**
 * A frame to check with {@link assertAllValid}. `dir` is from the charge point's point of view;
 * the CSMS peers' `"fromCp"` (= `"out"`) and `"toCp"` (= `"in"`) are accepted as well.
 */
export interface FrameToCheck {
  /** `"in"`/`"toCp"`: received by the charge point; `"out"`/`"fromCp"`: sent by it. */
  readonly dir: FrameDirection | "fromCp" | "toCp";
  /** The raw WebSocket text frame. */
  readonly text: string;
  /**
   * The WebSocket connection it went over (the peers number them from 1). Frames of different
   * connections are checked as separate conversations: a CALL of a closed connection is never
   * answered, and is sent again on the next one with the same id.
   */
  readonly connection?: number;
}

/** Options of {@link FrameValidator}. */
export interface FrameValidatorOptions {
  /**
   * Also check the CALLRESULT frames the charge point RECEIVES (answers to its own CALLs) against
   * `urn:<Action>.conf`; {@link FrameValidator.inbound} then throws on an invalid one.
   * Default `false`: inbound frames may be deliberately malformed in tests.
   */
  readonly checkInboundResults?: boolean;
}

/** A frame that parsed as an OCPP-J array with a known message type. */
type ParsedFrame =
  | { type: typeof CALL; id: unknown; action: unknown; payload: unknown; length: number }
  | { type: typeof CALLRESULT; id: unknown; payload: unknown; length: number }
  | {
    type: typeof CALLERROR;
    id: unknown;
    code: unknown;
    description: unknown;
    details: unknown;
    length: number;
  };

function parseFrame(text: string): ParsedFrame | string {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch (error) {
    return `not JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (!Array.isArray(message)) return "not a JSON array";
  const [type, id] = message;
  switch (type) {
    case CALL:
      return { type, id, action: message[2], payload: message[3], length: message.length };
    case CALLRESULT:
      return { type, id, payload: message[2], length: message.length };
    case CALLERROR:
      return {
        type,
        id,
        code: message[2],
        description: message[3],
        details: message[4],
        length: message.length,
      };
    default:
      return `unknown message type ${JSON.stringify(type)} (expected 2, 3 or 4)`;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function excerpt(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * Follows one OCPP-J conversation from the charge point's point of view and checks every frame
 * the charge point sends against the OCPP-J framing rules and the official 1.6 JSON schemas.
 *
 * Rules checked by {@link FrameValidator.outbound}:
 * - the frame is JSON, an array, with message type 2, 3 or 4 and the right number of elements;
 * - the message id is a non-empty string of at most 36 characters;
 * - CALL: the action is a string with a 1.6 schema, the payload validates against
 *   `urn:<Action>.req`, and the id is not the id of one of its CALLs still awaiting an answer;
 * - one CALL at a time (OCPP-J §4.1.1): a CALL sent while an earlier CALL of the charge point is
 *   unanswered is accepted only as the charge point giving up on the earlier one (its response
 *   timeout); an answer to the earlier one arriving after that (checked by
 *   {@link FrameValidator.inbound}) shows the two CALLs overlapped, and is rejected. So with a
 *   central system that answers every CALL, any overlap is caught;
 * - CALLRESULT: it answers a CALL the charge point received and has not answered yet, and the
 *   payload validates against `urn:<Action>.conf` of that CALL;
 * - CALLERROR: the code is one of the 10 OCPP 1.6-J codes, the description a string, the details
 *   a JSON object. A CALLERROR whose id matches no received CALL is accepted (it may answer a frame
 *   whose id could not be read).
 *
 * @example
 * ```ts
 * const v = new FrameValidator();
 * v.inbound('[2,"a","Reset",{"type":"Soft"}]');
 * v.outbound('[3,"a",{"status":"Accepted"}]');
 * ```
 */
export class FrameValidator {
  readonly #checkInboundResults: boolean;
  /** CALLs received by the charge point and not answered yet: id → action (if readable). */
  readonly #receivedCalls = new Map<string, unknown>();
  /** CALLs sent by the charge point and not answered yet: id → action. */
  readonly #sentCalls = new Map<string, string>();
  /**
   * CALLs of the charge point it sent another CALL after, unanswered (taken as timed out): id →
   * what overtook them. An answer to one of them proves two CALLs were in flight at once.
   */
  readonly #overtaken = new Map<string, string>();

  /** Creates a validator with an empty conversation. */
  constructor(options: FrameValidatorOptions = {}) {
    this.#checkInboundResults = options.checkInboundResults ?? false;
  }

  /** Same as the module function {@link validateCallPayload}: error message or `undefined`. */
  validateCallPayload(action: string, payload: unknown): string | undefined {
    return validateCallPayload(action, payload);
  }

  /** Same as the module function {@link validateResultPayload}: error message or `undefined`. */
  validateResultPayload(action: string, payload: unknown): string | undefined {
    return validateResultPayload(action, payload);
  }

  /** Number of received CALLs the charge point has not answered yet. */
  get unansweredReceivedCalls(): number {
    return this.#receivedCalls.size;
  }

  /** Number of CALLs the charge point sent that have not been answered yet. */
  get unansweredSentCalls(): number {
    return this.#sentCalls.size;
  }

  /**
   * Records a frame the charge point RECEIVED. CALL ids are remembered (so the answer can be
   * checked); CALLRESULT/CALLERROR frames settle the charge point's own CALL with that id.
   * Malformed frames are ignored, unless `checkInboundResults` is on and a CALLRESULT is invalid.
   *
   * @throws Error when the frame answers a CALL of the charge point that was overtaken by a
   * later CALL (two CALLs were in flight at once); with `checkInboundResults`, when a CALLRESULT
   * answers an unknown id or does not validate against the `.conf` schema of the CALL it answers.
   */
  inbound(text: string): void {
    const frame = parseFrame(text);
    if (typeof frame === "string" || typeof frame.id !== "string") return;
    if (frame.type === CALL) {
      this.#receivedCalls.set(frame.id, frame.action);
      return;
    }
    const overtaken = this.#overtaken.get(frame.id);
    if (overtaken !== undefined) {
      throw new Error(
        `one CALL at a time: ${overtaken}, and then CALL "${frame.id}" was answered: ` +
          `both were in flight at once (${excerpt(text)})`,
      );
    }
    const action = this.#sentCalls.get(frame.id);
    this.#sentCalls.delete(frame.id);
    if (!this.#checkInboundResults || frame.type !== CALLRESULT) return;
    if (action === undefined) {
      throw new Error(`received CALLRESULT for unknown message id "${frame.id}": ${excerpt(text)}`);
    }
    const problem = validateResultPayload(action, frame.payload);
    if (problem !== undefined) {
      throw new Error(`received invalid ${action} CALLRESULT "${frame.id}": ${problem}`);
    }
  }

  /**
   * Checks a frame the charge point SENT (see the class documentation for the rules) and records
   * it in the conversation.
   *
   * @throws Error with a message naming the broken rule and quoting the frame.
   */
  outbound(text: string): void {
    const problem = this.#checkOutbound(text);
    if (problem !== undefined) {
      throw new Error(`charge point sent an invalid frame: ${problem}\n  frame: ${excerpt(text)}`);
    }
  }

  #checkOutbound(text: string): string | undefined {
    const frame = parseFrame(text);
    if (typeof frame === "string") return frame;
    const expectedLength = frame.type === CALL ? 4 : frame.type === CALLRESULT ? 3 : 5;
    if (frame.length !== expectedLength) {
      return `message type ${frame.type} needs ${expectedLength} elements, got ${frame.length}`;
    }
    if (typeof frame.id !== "string") return "message id is not a string";
    if (frame.id.length === 0) return "message id is empty";
    if (frame.id.length > MAX_MESSAGE_ID_LENGTH) {
      return `message id is longer than ${MAX_MESSAGE_ID_LENGTH} characters`;
    }
    switch (frame.type) {
      case CALL: {
        if (typeof frame.action !== "string") return "CALL action is not a string";
        if (this.#sentCalls.has(frame.id)) {
          return `CALL reuses message id "${frame.id}" of a CALL still awaiting its answer`;
        }
        const problem = validateCallPayload(frame.action, frame.payload);
        if (problem !== undefined) return `CALL ${frame.action}: ${problem}`;
        // Still unanswered: the charge point gave up on it (timeout), unless it is answered later.
        for (const [id, action] of this.#sentCalls) {
          this.#overtaken.set(
            id,
            `CALL ${frame.action} "${frame.id}" was sent while CALL ${action} "${id}" was unanswered`,
          );
        }
        this.#sentCalls.clear();
        this.#sentCalls.set(frame.id, frame.action);
        return undefined;
      }
      case CALLRESULT: {
        if (!this.#receivedCalls.has(frame.id)) {
          return `CALLRESULT for message id "${frame.id}" answers no received, unanswered CALL`;
        }
        const action = this.#receivedCalls.get(frame.id);
        this.#receivedCalls.delete(frame.id);
        if (typeof action !== "string") {
          return `CALLRESULT answers CALL "${frame.id}" whose action was not a string`;
        }
        const problem = validateResultPayload(action, frame.payload);
        return problem === undefined ? undefined : `CALLRESULT ${action}: ${problem}`;
      }
      case CALLERROR: {
        if (typeof frame.code !== "string" || !OCPP16_ERROR_CODES.includes(frame.code)) {
          return `CALLERROR code ${
            JSON.stringify(frame.code)
          } is not one of the OCPP 1.6-J codes ` +
            OCPP16_ERROR_CODES.join(", ");
        }
        if (typeof frame.description !== "string") return "CALLERROR description is not a string";
        if (!isPlainObject(frame.details)) return "CALLERROR details is not a JSON object";
        this.#receivedCalls.delete(frame.id);
        return undefined;
      }
    }
  }
}

/**
 * Replays `frames` (in order) through a fresh {@link FrameValidator} per connection and throws on
 * the first frame that breaks a rule (one the charge point sent, or an answer showing two of its
 * CALLs overlapped). The error message gives the frame's index.
 *
 * @example
 * ```ts
 * assertAllValid([
 *   { dir: "out", text: '[2,"1","Heartbeat",{}]' },
 *   { dir: "in", text: '[3,"1",{"currentTime":"2026-01-01T00:00:00.000Z"}]' },
 * ]);
 * ```
 */
export function assertAllValid(
  frames: readonly FrameToCheck[],
  options: FrameValidatorOptions = {},
): void {
  const validators = new Map<number | undefined, FrameValidator>();
  frames.forEach((frame, index) => {
    let validator = validators.get(frame.connection);
    if (validator === undefined) {
      validator = new FrameValidator(options);
      validators.set(frame.connection, validator);
    }
    try {
      if (frame.dir === "out" || frame.dir === "fromCp") validator.outbound(frame.text);
      else validator.inbound(frame.text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`frame #${index} (${frame.dir}): ${message}`, { cause: error });
    }
  });
}
