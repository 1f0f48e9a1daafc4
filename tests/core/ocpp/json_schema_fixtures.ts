/**
 * Test fixtures derived from the official OCPP 1.6 JSON schema bundle shipped with `ocpp-rpc`:
 * an ajv validator configured exactly like `ocpp-rpc`'s strict mode, and a generator of valid
 * and invalid instances for every schema (minimal, maximal, every enum value, and one-spot
 * mutations: removed required field, wrong type, one character over `maxLength`, bad enum
 * value, extra property, bad date-time / URI, `minItems`, `multipleOf`).
 *
 * @module
 */
import { Ajv } from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import ajvFormats from "ajv-formats";

// Under Deno the CommonJS default export arrives as `module.exports`; the plugin is `.default`.
const addFormats = ajvFormats.default;

/** The subset of JSON schema draft-07 used by the OCPP 1.6 bundle. */
export interface JsonSchema {
  $id?: string;
  $ref?: string;
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  minItems?: number;
  maxLength?: number;
  enum?: string[];
  format?: string;
  multipleOf?: number;
  definitions?: Record<string, JsonSchema>;
}

const BUNDLE_URL = new URL(
  "../../../node_modules/ocpp-rpc/lib/schemas/ocpp1_6.json",
  import.meta.url,
);

/** The 78 official schemas, in bundle order. */
export const BUNDLE: readonly JsonSchema[] = JSON.parse(Deno.readTextFileSync(BUNDLE_URL));

/** `"urn:StatusNotification.req"` → `{ action: "StatusNotification", kind: "req" }`. */
export function parseSchemaId(id: string): { action: string; kind: "req" | "conf" } {
  const match = /^urn:(\w+)\.(req|conf)$/.exec(id);
  if (!match) throw new Error(`unexpected schema $id ${id}`);
  return { action: match[1], kind: match[2] as "req" | "conf" };
}

/**
 * An ajv instance set up the way `ocpp-rpc` (lib/validator.js) sets up its strict-mode
 * validator: `strictSchema: false`, ajv-formats, and `multipleOf` replaced by a check with a
 * 1e-6 tolerance. One difference: ajv 8.20's URI library (fast-uri) refuses to serialise the
 * bundle's `$id`s (`urn:Authorize.req` has no namespace-specific part), so schemas are
 * registered under their `$id` without the `urn:` prefix. All `$ref`s are local, so this does
 * not change validation.
 */
function createOcppRpcAjv(): Ajv {
  const ajv = new Ajv({ strictSchema: false });
  addFormats(ajv);
  for (const schema of BUNDLE) {
    const { $id, ...rest } = schema;
    ajv.addSchema(rest, String($id).replace(/^urn:/, ""));
  }
  ajv.removeKeyword("multipleOf");
  ajv.addKeyword({
    keyword: "multipleOf",
    type: "number",
    compile(divisor: number) {
      return (data: number) => {
        const ratio = data / divisor;
        return Math.abs(Math.round(ratio) - ratio) < 1e-6;
      };
    },
    errors: false,
    metaSchema: { type: "number" },
  });
  return ajv;
}

const AJV = createOcppRpcAjv();

/** The compiled official validator for a bundle `$id`. */
export function officialValidator(id: string): ValidateFunction {
  const validate = AJV.getSchema(id.replace(/^urn:/, ""));
  if (!validate) throw new Error(`no schema ${id}`);
  return validate;
}

/** Validates with the official schema; returns ajv's first error (allErrors: false). */
export function officialValidate(
  id: string,
  instance: unknown,
): { valid: true } | { valid: false; error: ErrorObject } {
  const validate = officialValidator(id);
  if (validate(instance)) return { valid: true };
  const error = validate.errors?.[0];
  if (!error) throw new Error(`ajv rejected ${id} without an error`);
  return { valid: false, error };
}

/**
 * `ocpp-rpc`'s ajv-keyword → RPC error code table (lib/validator.js), with its fallback
 * `FormatViolation` (the OCPP 2.0 spelling) written as the 1.6 `FormationViolation`.
 */
export function ocppRpcCode(keyword: string): string {
  const table: Record<string, string> = {
    maximum: "FormationViolation",
    minimum: "FormationViolation",
    maxLength: "FormationViolation",
    minLength: "FormationViolation",
    exclusiveMaximum: "OccurenceConstraintViolation",
    exclusiveMinimum: "OccurenceConstraintViolation",
    multipleOf: "OccurenceConstraintViolation",
    maxItems: "OccurenceConstraintViolation",
    minItems: "OccurenceConstraintViolation",
    maxProperties: "OccurenceConstraintViolation",
    minProperties: "OccurenceConstraintViolation",
    additionalItems: "OccurenceConstraintViolation",
    required: "OccurenceConstraintViolation",
    pattern: "PropertyConstraintViolation",
    propertyNames: "PropertyConstraintViolation",
    additionalProperties: "PropertyConstraintViolation",
    type: "TypeConstraintViolation",
  };
  return table[keyword] ?? "FormationViolation";
}

/** The field an ajv error is about, in `a.b[0].c` notation (matching rpc_frame descriptions). */
export function ajvErrorField(error: ErrorObject): string {
  const segments = error.instancePath.split("/").slice(1).map((s) =>
    s.replaceAll("~1", "/").replaceAll("~0", "~")
  );
  if (error.keyword === "required") segments.push(String(error.params.missingProperty));
  let text = "";
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) text += `[${segment}]`;
    else text += text === "" ? segment : `.${segment}`;
  }
  return text === "" ? "payload" : text;
}

// ---------------------------------------------------------------------------------------------
// Instance generation

/** A JSON path inside an instance. */
export type Path = readonly (string | number)[];

/** One edit of an instance: set a value at a path or delete a property. */
export interface Edit {
  path: Path;
  op: "set" | "delete";
  value?: unknown;
}

/** A generated test instance. */
export interface Case {
  /** Human-readable description, e.g. `connectorId: wrong type "1"`. */
  label: string;
  /** The instance to validate. */
  instance: unknown;
  /** Whether the official schema must accept it (also asserted against ajv). */
  expectValid: boolean;
  /** The edit that produced it from the maximal instance (absent for whole instances). */
  edit?: Edit;
}

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  if (schema.$ref === undefined) return schema;
  const match = /^#\/definitions\/(\w+)$/.exec(schema.$ref);
  const target = match ? root.definitions?.[match[1]] : undefined;
  if (!target) throw new Error(`cannot resolve ${schema.$ref}`);
  return resolve(target, root);
}

/** Every enum value appearing anywhere in the bundle (used to probe enums for looseness). */
export const ENUM_VOCABULARY: readonly string[] = (() => {
  const values = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === "object" && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (key === "enum" && Array.isArray(value)) value.forEach((v) => values.add(String(v)));
        else walk(value);
      }
    }
  };
  walk(BUNDLE);
  return [...values].sort();
})();

/** Date-times both ajv-formats and our schemas accept. */
export const GOOD_DATE_TIMES: readonly string[] = [
  "2024-05-01T12:00:00Z",
  "2024-05-01T12:00:00.123456Z",
  "2024-05-01T12:00:00-08:00",
  "2024-02-29T23:59:59.9+05:30",
  "2000-02-29T00:00:00Z",
  "1999-12-31T23:59:59+14:00",
];

/** Date-times both ajv-formats and our schemas reject. */
export const BAD_DATE_TIMES: readonly string[] = [
  "",
  "not-a-date",
  "2024-05-01",
  "12:00:00Z",
  "2024-05-01T12:00:00", // no offset
  "2024-05-01T12:00Z", // no seconds
  "2024-13-01T00:00:00Z",
  "2024-00-10T00:00:00Z",
  "2024-02-30T00:00:00Z",
  "2023-02-29T00:00:00Z",
  "1900-02-29T00:00:00Z",
  "2024-04-31T00:00:00Z",
  "2024-05-01T24:00:00Z",
  "2024-05-01T12:60:00Z",
  "2024-05-01T12:00:61Z",
  "2024-05-01T12:00:00+24:00",
  "2024-05-01T12:00:00.Z",
  "2024-05-01T12:00:00ZZ",
  "2024-05-01TT12:00:00Z",
  " 2024-05-01T12:00:00Z",
];

/** URIs both ajv-formats and our schemas accept. */
export const GOOD_URIS: readonly string[] = [
  "ftp://diag.example.com/upload/",
  "ftp://user:secret@192.168.1.10:2121/diag",
  "https://fw.example.com/wall-22/1.1.0.bin?sig=abc&x=1#part",
  "http://[::1]:8080/upload",
  "sftp://user@host.example.com/incoming",
  "urn:isbn:0451450523",
  "mailto:ops@example.com",
  "file:///var/tmp/diag.zip",
  "https://example.com/path%20with%20escapes",
];

/** URIs both ajv-formats and our schemas reject. */
export const BAD_URIS: readonly string[] = [
  "",
  "not a uri",
  "example.com/upload",
  "/relative/path",
  "https://exa mple.com/",
  "https://example.com/a b",
  "https://example.com/é",
  "http://a/%zz",
  "C:\\diag\\upload",
  " https://example.com/",
  "://missing-scheme",
  "1http://example.com/",
];

function wrongTypes(type: JsonSchema["type"]): unknown[] {
  switch (type) {
    case "string":
      return [42, true, null, {}, []];
    case "integer":
      return ["1", 1.5, -0.5, true, null, {}, []];
    case "number":
      return ["1", true, null, {}, []];
    case "boolean":
      return ["true", 1, 0, null, {}, []];
    case "object":
      return ["x", 1, true, null, []];
    case "array":
      return ["x", 1, true, null, {}];
    default:
      return [];
  }
}

/** The smallest valid instance: only required properties, shortest values. */
export function minimalInstance(schema: JsonSchema, root: JsonSchema): unknown {
  const s = resolve(schema, root);
  switch (s.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) out[key] = minimalInstance(s.properties![key], root);
      return out;
    }
    case "array":
      return Array.from({ length: s.minItems ?? 0 }, () => minimalInstance(s.items!, root));
    case "string":
      if (s.enum) return s.enum[0];
      if (s.format === "date-time") return "2024-05-01T12:00:00Z";
      if (s.format === "uri") return "https://example.com/x";
      return "";
    case "integer":
    case "number":
      return 0;
    case "boolean":
      return false;
    default:
      throw new Error(`unsupported schema type ${String(s.type)}`);
  }
}

/**
 * The largest valid instance: every optional property, two array items, strings exactly at
 * `maxLength` (starting with an astral character, so JSON schema's code-point counting is
 * exercised), extreme integers and one-decimal numbers.
 */
export function maximalInstance(schema: JsonSchema, root: JsonSchema): unknown {
  const s = resolve(schema, root);
  switch (s.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(s.properties ?? {})) {
        out[key] = maximalInstance(child, root);
      }
      return out;
    }
    case "array":
      return [maximalInstance(s.items!, root), maximalInstance(s.items!, root)];
    case "string":
      if (s.enum) return s.enum[s.enum.length - 1];
      if (s.format === "date-time") return "2024-02-29T23:59:59.999+05:30";
      if (s.format === "uri") return "ftp://user:pass@diag.example.com:2121/upload/file.zip?x=1";
      if (s.maxLength !== undefined) return "😀" + "x".repeat(s.maxLength - 1);
      return "x".repeat(3000);
    case "integer":
      return -2147483648;
    case "number":
      return s.multipleOf === undefined ? 1.25 : 16.1;
    case "boolean":
      return true;
    default:
      throw new Error(`unsupported schema type ${String(s.type)}`);
  }
}

/** Applies edits to a deep copy; returns undefined when an edit's parent no longer exists. */
export function applyEdits(instance: unknown, edits: readonly Edit[]): unknown {
  const copy = structuredClone(instance);
  if (edits.length === 1 && edits[0].path.length === 0 && edits[0].op === "set") {
    return structuredClone(edits[0].value);
  }
  for (const edit of edits) {
    if (edit.path.length === 0) return undefined;
    let parent: unknown = copy;
    for (const key of edit.path.slice(0, -1)) {
      if (typeof parent !== "object" || parent === null) return undefined;
      parent = (parent as Record<string | number, unknown>)[key];
    }
    if (typeof parent !== "object" || parent === null) return undefined;
    const last = edit.path[edit.path.length - 1];
    const container = parent as Record<string | number, unknown>;
    if (edit.op === "delete") delete container[last];
    else container[last] = structuredClone(edit.value);
  }
  return copy;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

function pathLabel(path: Path): string {
  return path.length === 0 ? "(root)" : path.join(".");
}

/** One-spot edits of the maximal instance, each with the expected verdict. */
export function edits(
  schema: JsonSchema,
  root: JsonSchema,
): { label: string; edit: Edit; expectValid: boolean }[] {
  const out: { label: string; edit: Edit; expectValid: boolean }[] = [];
  const add = (path: Path, label: string, edit: Omit<Edit, "path">, expectValid: boolean) => {
    out.push({ label: `${pathLabel(path)}: ${label}`, edit: { path, ...edit }, expectValid });
  };
  const set = (path: Path, label: string, value: unknown, expectValid: boolean) =>
    add(path, `${label} ${show(value)}`, { op: "set", value }, expectValid);

  const visit = (raw: JsonSchema, path: Path): void => {
    const s = resolve(raw, root);
    for (const value of wrongTypes(s.type)) set(path, "wrong type", value, false);
    switch (s.type) {
      case "object":
        for (const key of s.required ?? []) {
          add([...path, key], "required property removed", { op: "delete" }, false);
        }
        for (const key of Object.keys(s.properties ?? {})) {
          if (!(s.required ?? []).includes(key)) {
            add([...path, key], "optional property removed", { op: "delete" }, true);
          }
        }
        set([...path, "unexpectedProperty"], "extra property", 1, false);
        set([...path, "Status"], "extra property (case variant)", "x", false);
        for (const [key, child] of Object.entries(s.properties ?? {})) visit(child, [...path, key]);
        break;
      case "array":
        set(path, "empty array", [], (s.minItems ?? 0) === 0);
        set(path, "one item", [minimalInstance(s.items!, root)], true);
        visit(s.items!, [...path, 0]);
        break;
      case "string":
        if (s.enum) {
          for (const value of ENUM_VOCABULARY) {
            set(path, "enum candidate", value, s.enum.includes(value));
          }
          for (const value of [s.enum[0].toLowerCase(), s.enum[0].toUpperCase()]) {
            set(path, "enum case variant", value, s.enum.includes(value));
          }
          set(path, "enum with space", ` ${s.enum[0]}`, false);
          set(path, "enum empty", "", false);
        } else if (s.format === "date-time") {
          for (const value of GOOD_DATE_TIMES) set(path, "date-time", value, true);
          for (const value of BAD_DATE_TIMES) set(path, "bad date-time", value, false);
        } else if (s.format === "uri") {
          for (const value of GOOD_URIS) set(path, "uri", value, true);
          for (const value of BAD_URIS) set(path, "bad uri", value, false);
        } else if (s.maxLength !== undefined) {
          const n = s.maxLength;
          set(path, `exactly maxLength ${n}`, "y".repeat(n), true);
          set(path, `maxLength ${n} astral`, "😀".repeat(n), true);
          set(path, `one over maxLength ${n}`, "y".repeat(n + 1), false);
          set(path, `one astral over maxLength ${n}`, "😀".repeat(n + 1), false);
          set(path, "empty", "", true);
        } else {
          set(path, "empty", "", true);
          set(path, "long", "z".repeat(20000), true);
        }
        break;
      case "integer":
        for (const value of [0, -1, 1, 2147483648, Number.MAX_SAFE_INTEGER, -1e15]) {
          set(path, "integer", value, true);
        }
        break;
      case "number":
        if (s.multipleOf !== undefined) {
          for (const value of [0, 16, 16.1, -3.2, 0.30000000000000004, 0.7, 123456.7, 1e-8]) {
            set(path, "multiple of 0.1", value, true);
          }
          for (const value of [16.15, 0.05, -0.01, 1.23, 0.1000011]) {
            set(path, "not a multiple of 0.1", value, false);
          }
        }
        break;
      case "boolean":
        set(path, "boolean", false, true);
        break;
    }
  };
  visit(schema, []);
  return out;
}

/** All generated cases for one bundle schema. */
export function schemaCases(schema: JsonSchema): Case[] {
  const maximal = maximalInstance(schema, schema);
  const cases: Case[] = [
    { label: "minimal instance", instance: minimalInstance(schema, schema), expectValid: true },
    { label: "maximal instance", instance: maximal, expectValid: true },
  ];
  for (const { label, edit, expectValid } of edits(schema, schema)) {
    const instance = applyEdits(maximal, [edit]);
    if (instance === undefined) continue;
    cases.push({ label, instance, expectValid, edit });
  }
  return cases;
}
