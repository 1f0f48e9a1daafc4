/**
 * Keeping secrets out of the event log. The only secret OCPP 1.6 sends to a charge point is the
 * value of a ChangeConfiguration of `AuthorizationKey` (the Basic-auth password). The shell
 * redacts it from the frame's text before it appends the `FrameReceived` event, keeps the real
 * value in memory for the next connection, and the fold decides on the masked text.
 *
 * **The mask keeps every decision and tells nothing else.** A string value is replaced by one of
 * four fixed placeholders of `*`, chosen by the only property any decision looks at, its length
 * in UTF-16 code units: below 16 (1 character), 16 to 40 (16), 41 to 500 (41), above 500 (501).
 * Validation of `AuthorizationKey` accepts 16 to 40 characters (see `configuration_keys.ts`, the
 * refusal reason says which bound was missed) and the OCPP schema allows at most 500, so the live
 * charge point (which folds the masked text) answers what it would have answered to the real
 * value, and a replay of the log answers the same, byte for byte; but the log does not keep the
 * key's length or whether it was hexadecimal (whose meaning, 32..40 hex digits encode bytes, is
 * applied by the shell to the real value, see `security/connection_security.ts`). A value that is
 * not a string is replaced by a value of the same JSON type (`0`, `[]`, `{}`) so schema errors
 * keep their code. Masking is idempotent: a masked frame masks to itself.
 *
 * What is masked: the `value` members of every JSON object of the frame whose `key` member is a
 * secret key name (case-insensitively, JSON escapes decoded), so malformed frames (wrong arity,
 * wrong message type) are covered too. The rest of the text is kept byte for byte. A text that
 * mentions `AuthorizationKey` but is not JSON is masked entirely (`*` for every character): it is
 * answered with a FormationViolation and id `"-1"` either way (only the parser's description,
 * which quotes the text, differs, and must not quote the secret).
 *
 * @module
 */
import type { RecordedEvent } from "../events/envelope.ts";
import { isSecretKey } from "./configuration_keys.ts";
import type { Redact } from "./jsonl.ts";

/**
 * The value passed instead of a secret (e.g. to `configurationKeyChanged`).
 *
 * @example
 * ```ts
 * import { REDACTED } from "./secrets.ts";
 * console.log(REDACTED); // "********"
 * ```
 */
export const REDACTED = "********";

/**
 * Masks a secret value: a fixed placeholder per length class (below 16, 16..40, 41..500, above
 * 500 UTF-16 code units), the classes every decision on `AuthorizationKey` depends on.
 *
 * @example
 * ```ts
 * import { maskSecretValue } from "./secrets.ts";
 * console.log(maskSecretValue("c0ffee-Tea!-0123456")); // "****************"
 * console.log(maskSecretValue("0123456789abcdef0123456789abcdef")); // "****************"
 * console.log(maskSecretValue("short")); // "*"
 * ```
 */
export function maskSecretValue(value: string): string {
  const n = value.length;
  return "*".repeat(n < 16 ? 1 : n <= 40 ? 16 : n <= 500 ? 41 : 501);
}

/**
 * A received frame after redaction.
 *
 * @example
 * ```ts
 * import type { RedactedFrame } from "./secrets.ts";
 * const r: RedactedFrame = { text: '[2,"1","Heartbeat",{}]' };
 * ```
 */
export interface RedactedFrame {
  /** The text to log (the input when it carries no secret). */
  readonly text: string;
  /**
   * The secret the frame carried, when it is a CALL ChangeConfiguration of a secret key with a
   * string value (compared case-insensitively). The shell keeps it in memory, never logs it.
   */
  readonly secret?: { readonly key: string; readonly value: string };
}

/** Texts that may carry a secret key name (possibly written with JSON `\\u` escapes). */
const MAY_MENTION_SECRET = /authorizationkey|\\u/i;

/**
 * Redacts the secrets of a received frame (see the module documentation): in every JSON object
 * of the message whose `key` member is a secret key name (case-insensitively), the `value`
 * members are masked.
 *
 * @example
 * ```ts
 * import { redactFrame } from "./secrets.ts";
 * const r = redactFrame('[2,"1","ChangeConfiguration",{"key":"AuthorizationKey","value":"0123456789abcdefXY"}]');
 * console.log(r.text); // [2,"1","ChangeConfiguration",{"key":"AuthorizationKey","value":"0000000000000000**"}]
 * console.log(r.secret?.value); // "0123456789abcdefXY"
 * ```
 */
export function redactFrame(text: string): RedactedFrame {
  if (!MAY_MENTION_SECRET.test(text)) return { text };
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch (_notJson) {
    // Not JSON: the fold answers FormationViolation with id "-1" whatever the characters are.
    return /authorizationkey/i.test(text) ? { text: "*".repeat(text.length) } : { text };
  }
  const spans: [number, number][] = [];
  walk(text, skipSpace(text, 0), spans);
  if (spans.length === 0) return { text };
  const masked = replaceSpans(text, spans);
  const isChange = Array.isArray(message) && message.length === 4 && message[0] === 2 &&
    message[2] === "ChangeConfiguration";
  if (!isChange) return { text: masked };
  const payload: unknown = (message as unknown[])[3];
  if (typeof payload !== "object" || payload === null) return { text: masked };
  const { key, value } = payload as Record<string, unknown>;
  return typeof key === "string" && isSecretKey(key) && typeof value === "string"
    ? { text: masked, secret: { key: key.trim(), value } }
    : { text: masked };
}

/**
 * Redacts the secrets of a recorded event: the text of a `FrameReceived` (see
 * {@linkcode redactFrame}), secret keys of the `ChargePointStarted` configuration, and the
 * userinfo of the URLs of `ChargePointStarted` and `ConnectionOpened` (see
 * {@linkcode redactUrl}). Events the library recorded are already redacted; this is for exports
 * of logs of unknown origin. Use it with `exportJsonl(events, redactSecrets)`.
 *
 * @example
 * ```ts
 * import { exportJsonl } from "./jsonl.ts";
 * import { redactSecrets } from "./secrets.ts";
 * const text = exportJsonl([{
 *   id: "01JD0000000000000000000001", seq: 1, at: "2026-01-01T00:00:00.000Z",
 *   type: "FrameReceived",
 *   data: { text: '[2,"1","ChangeConfiguration",{"key":"AuthorizationKey","value":"abcdefabcdefabcdef"}]' },
 * }], redactSecrets);
 * console.log(text.includes("abcdefabcdefabcdef")); // false
 * ```
 */
export const redactSecrets: Redact = (event: RecordedEvent): RecordedEvent => {
  const data = event.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) return event;
  const fields = data as Record<string, unknown>;
  if (event.type === "FrameReceived" && typeof fields.text === "string") {
    const { text } = redactFrame(fields.text);
    return text === fields.text ? event : { ...event, data: { ...fields, text } };
  }
  if (event.type === "ConnectionOpened" && typeof fields.url === "string") {
    const url = redactUrl(fields.url);
    return url === fields.url ? event : { ...event, data: { ...fields, url } };
  }
  if (event.type === "ChargePointStarted") {
    let data = fields;
    if (typeof fields.csmsUrl === "string" && redactUrl(fields.csmsUrl) !== fields.csmsUrl) {
      data = { ...data, csmsUrl: redactUrl(fields.csmsUrl) };
    }
    const config = fields.configuration;
    if (typeof config === "object" && config !== null && !Array.isArray(config)) {
      const kept = Object.entries(config as Record<string, unknown>).filter(([k]) =>
        !isSecretKey(k)
      );
      if (kept.length !== Object.keys(config).length) {
        data = { ...data, configuration: Object.fromEntries(kept) };
      }
    }
    return data === fields ? event : { ...event, data };
  }
  return event;
};

/**
 * A URL without its userinfo (`ws://user:password@host/...` → `ws://host/...`), for events, logs
 * and error messages: everything between `scheme://` and the last `@` before the path, query or
 * fragment is removed (also when the rest would not parse as a URL).
 *
 * @example
 * ```ts
 * import { redactUrl } from "./secrets.ts";
 * console.log(redactUrl("wss://CP-1:s3cret@csms.example.com/ocpp")); // "wss://csms.example.com/ocpp"
 * console.log(redactUrl("ws://127.0.0.1:9000/ocpp")); // "ws://127.0.0.1:9000/ocpp"
 * ```
 */
export function redactUrl(url: string): string {
  return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, "$1");
}

// ---- locating the value tokens in the raw text ----------------------------------------------

/**
 * Walks the JSON value at `i` (the text is known to be valid JSON) and collects the spans of the
 * `value` members of every object whose last `key` member is a secret key name. Returns the end
 * (exclusive) of the value.
 */
function walk(text: string, i: number, spans: [number, number][]): number {
  const c = text[i];
  if (c === "[") {
    i = skipSpace(text, i + 1);
    while (text[i] !== "]") {
      i = skipSpace(text, walk(text, i, spans));
      if (text[i] === ",") i = skipSpace(text, i + 1);
    }
    return i + 1;
  }
  if (c === "{") {
    const values: [number, number][] = [];
    let key: unknown;
    i = skipSpace(text, i + 1);
    while (text[i] !== "}") {
      const nameEnd = scanString(text, i);
      const name: unknown = JSON.parse(text.slice(i, nameEnd));
      i = skipSpace(text, skipSpace(text, nameEnd) + 1); // past ':'
      const end = walk(text, i, spans);
      if (name === "value") values.push([i, end]);
      if (name === "key") key = JSON.parse(text.slice(i, end));
      i = skipSpace(text, end);
      if (text[i] === ",") i = skipSpace(text, i + 1);
    }
    if (typeof key === "string" && isSecretKey(key)) spans.push(...values);
    return i + 1;
  }
  if (c === '"') return scanString(text, i);
  let j = i;
  while (j < text.length && !",]} \t\n\r".includes(text[j])) j++;
  return j;
}

/** Replaces each span by its masked token; spans inside an earlier span are dropped. */
function replaceSpans(text: string, spans: [number, number][]): string {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  let out = "";
  let from = 0;
  for (const [start, end] of sorted) {
    if (start < from) continue;
    out += text.slice(from, start) + maskToken(text.slice(start, end));
    from = end;
  }
  return out + text.slice(from);
}

/** The masked replacement of one JSON value token. */
function maskToken(token: string): string {
  const value: unknown = JSON.parse(token);
  if (typeof value === "string") return JSON.stringify(maskSecretValue(value));
  if (typeof value === "number") return "0";
  if (Array.isArray(value)) return "[]";
  if (typeof value === "object" && value !== null) return "{}";
  return token; // true, false, null carry nothing
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && " \t\n\r".includes(text[i])) i++;
  return i;
}

function scanString(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
  return j + 1;
}
