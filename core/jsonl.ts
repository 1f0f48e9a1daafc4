/**
 * JSON Lines export and import of an event log: one event per line, `{"id","seq","at","type","data"}`.
 *
 * @module
 */
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { type RecordedEvent, recordedEventSchema } from "../events/envelope.ts";
import { canonicalType } from "../events/mod.ts";
import type { EventStore } from "./event_store.ts";
import { StorageError } from "./errors.ts";

/**
 * Rewrites an event before it is exported, e.g. to remove secrets (an authorization key, a
 * password) from `data`. It must return a valid envelope and should keep `id`, `seq` and `at`.
 *
 * @example
 * ```ts
 * import type { Redact } from "./jsonl.ts";
 * const redact: Redact = (e) =>
 *   e.type === "AuthorizationKeySet" ? { ...e, data: { key: "***" } } : e;
 * ```
 */
export type Redact = (event: RecordedEvent) => RecordedEvent;

/** Serialises one event with the fixed key order. */
function line(event: RecordedEvent): string {
  return JSON.stringify({
    id: event.id,
    seq: event.seq,
    at: event.at,
    type: event.type,
    data: event.data,
  });
}

/**
 * The events as JSON Lines: one JSON object per event with the keys in the order `id`, `seq`,
 * `at`, `type`, `data`, each line ending with `\n` (no events: the empty string). `redact`
 * (default: none) rewrites each event first, so secrets can be kept out of the export.
 *
 * @example
 * ```ts
 * import { exportJsonl } from "./jsonl.ts";
 * const text = exportJsonl([
 *   { id: "01JD0000000000000000000001", seq: 1, at: "2026-01-01T00:00:00.000Z", type: "A", data: { n: 1 } },
 * ]);
 * console.log(text); // {"id":"01JD0000000000000000000001","seq":1,"at":"2026-01-01T00:00:00.000Z","type":"A","data":{"n":1}}
 * ```
 */
export function exportJsonl(events: Iterable<RecordedEvent>, redact?: Redact): string {
  let text = "";
  for (const event of events) text += line(redact === undefined ? event : redact(event)) + "\n";
  return text;
}

/**
 * Writes the events as JSON Lines (same format as {@linkcode exportJsonl}) to the file `path`,
 * streaming, and returns how many were written. The file is written beside `path` under a
 * temporary name, synced, then renamed over `path`: a failed export leaves no partial file.
 * The parent directory is created when missing. Throws a `StorageError` of code
 * `STORAGE_WRITE_FAILED` (the cause attached) when the file cannot be written.
 *
 * @example
 * ```ts
 * import { exportJsonlFile } from "./jsonl.ts";
 * import { MemoryEventStore } from "./memory_event_store.ts";
 * const store = new MemoryEventStore();
 * store.append({ id: "01JD0000000000000000000001", seq: 1, at: "2026-01-01T00:00:00.000Z", type: "A", data: {} });
 * const dir = await Deno.makeTempDir();
 * console.log(await exportJsonlFile(store.read(), `${dir}/log.jsonl`)); // 1
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function exportJsonlFile(
  events: Iterable<RecordedEvent>,
  path: string,
  redact?: Redact,
): Promise<number> {
  const temporary = `${path}.${crypto.randomUUID()}.tmp`;
  let count = 0;
  try {
    await mkdir(dirname(path), { recursive: true });
    const file = await open(temporary, "w");
    try {
      let chunk = "";
      for (const event of events) {
        chunk += line(redact === undefined ? event : redact(event)) + "\n";
        count++;
        if (chunk.length >= 1 << 20) {
          await file.write(chunk);
          chunk = "";
        }
      }
      if (chunk.length > 0) await file.write(chunk);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    if (error instanceof StorageError) throw error;
    throw new StorageError("STORAGE_WRITE_FAILED", `cannot export to ${path}: ${message(error)}`, {
      cause: error,
    });
  }
  return count;
}

/**
 * Parses and validates JSON Lines made by {@linkcode exportJsonl}: each line must be an object
 * matching `recordedEventSchema` with a `data` key, and the seqs must follow each other with no
 * gap. A final newline is optional; `\r\n` line ends are accepted; an empty text gives no events.
 * Throws a `StorageError` of code `STORAGE_CORRUPT` whose message starts with `line N:` at the
 * first bad line.
 *
 * @example
 * ```ts
 * import { parseJsonl } from "./jsonl.ts";
 * const events = parseJsonl(
 *   '{"id":"01JD0000000000000000000001","seq":1,"at":"2026-01-01T00:00:00.000Z","type":"A","data":null}\n',
 * );
 * console.log(events[0].seq); // 1
 * ```
 */
export function parseJsonl(text: string): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  if (text === "") return events;
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const raw = lines[i].endsWith("\r") ? lines[i].slice(0, -1) : lines[i];
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new StorageError("STORAGE_CORRUPT", `line ${n}: not valid JSON: ${message(error)}`, {
        cause: error,
      });
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new StorageError("STORAGE_CORRUPT", `line ${n}: not a JSON object`);
    }
    if (!("data" in value)) throw new StorageError("STORAGE_CORRUPT", `line ${n}: data is missing`);
    const result = recordedEventSchema.safeParse(value);
    if (!result.success) {
      const issues = result.error.issues
        .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
        .join("; ");
      throw new StorageError("STORAGE_CORRUPT", `line ${n}: not an event: ${issues}`, {
        cause: result.error,
      });
    }
    const event: RecordedEvent = { ...result.data, type: canonicalType(result.data.type) };
    if (i > 0 && event.seq !== events[i - 1].seq + 1) {
      throw new StorageError(
        "STORAGE_CORRUPT",
        `line ${n}: seq ${event.seq} does not follow seq ${events[i - 1].seq}`,
      );
    }
    events.push(event);
  }
  return events;
}

/**
 * Validates the whole text with {@linkcode parseJsonl}, then appends its events to `store` and
 * returns how many were appended. Nothing is written unless every line is valid. The first
 * event must continue the store: `seq === store.lastSeq() + 1`, else a `StorageError` of code
 * `STORAGE_CONFLICT` (`line 1: ...`) is thrown before writing. If the store fails in the middle
 * (the port has no transactions), the events before the failing one stay stored, gap-free, and
 * the store's `StorageError` is rethrown with the line number and the count already imported.
 *
 * @example
 * ```ts
 * import { importJsonl } from "./jsonl.ts";
 * import { MemoryEventStore } from "./memory_event_store.ts";
 * const store = new MemoryEventStore();
 * const n = importJsonl(
 *   '{"id":"01JD0000000000000000000001","seq":1,"at":"2026-01-01T00:00:00.000Z","type":"A","data":{}}\n',
 *   store,
 * );
 * console.log(n, store.lastSeq()); // 1 1
 * ```
 */
export function importJsonl(text: string, store: EventStore): number {
  const events = parseJsonl(text);
  if (events.length === 0) return 0;
  const expected = store.lastSeq() + 1;
  if (events[0].seq !== expected) {
    throw new StorageError(
      "STORAGE_CONFLICT",
      `line 1: seq ${events[0].seq} does not continue the store (next seq is ${expected})`,
    );
  }
  for (let i = 0; i < events.length; i++) {
    try {
      store.append(events[i]);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      const code = error.code as ConstructorParameters<typeof StorageError>[0];
      throw new StorageError(
        code,
        `line ${i + 1}: ${error.message} (${i} events imported before it)`,
        { cause: error },
      );
    }
  }
  return events.length;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
