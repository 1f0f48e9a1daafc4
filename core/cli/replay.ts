/**
 * `deno task replay <file>`: prints the timeline of a stored log (`.sqlite` or `.jsonl`) with no
 * network, then the final connector states. The file is only read: a SQLite log is opened
 * read-only. Exit code 0 when the log was read, 1 when it could not be (missing, not a log,
 * corrupt), 2 on a usage error.
 *
 * @module
 */
import { StorageError } from "../errors.ts";
import type { EventStore } from "../event_store.ts";
import { parseJsonl } from "../jsonl.ts";
import { MemoryEventStore } from "../memory_event_store.ts";
import { SqliteEventStore } from "../sqlite_event_store.ts";
import { logReport } from "./timeline.ts";

/**
 * Opens a log file for reading: JSONL by extension (read into memory), SQLite otherwise (opened
 * read-only). Throws a `StorageError` when the file is missing or is not a log.
 *
 * @example
 * ```ts ignore
 * const store = openLog("data/demo/CP-DEMO.sqlite");
 * ```
 */
export function openLog(path: string): EventStore {
  if (path.endsWith(".jsonl")) {
    let text: string;
    try {
      text = Deno.readTextFileSync(path);
    } catch (error) {
      throw new StorageError(
        "STORAGE_READ_FAILED",
        `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    const store = new MemoryEventStore();
    for (const event of parseJsonl(text)) store.append(event);
    return store;
  }
  return new SqliteEventStore(path, { readOnly: true });
}

/**
 * Runs the command with `args`, writing the report to `out` and errors to `err`; returns the
 * exit code.
 *
 * @example
 * ```ts ignore
 * Deno.exit(runReplay(["data/demo/CP-DEMO.sqlite"]));
 * ```
 */
export function runReplay(
  args: readonly string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): number {
  const path = args[0];
  if (path === undefined || args.length > 1) {
    err("usage: deno task replay <log.sqlite | log.jsonl>");
    return 2;
  }
  let store: EventStore;
  try {
    // SQLite would open a missing path as a new, empty database: say so instead.
    if (!Deno.statSync(path).isFile) {
      err(`replay: ${path} is not a file`);
      return 1;
    }
    store = openLog(path);
  } catch (error) {
    err(`replay: cannot read ${path}: ${describe(error)}`);
    return 1;
  }
  try {
    for (const line of logReport(store)) out(line);
    return 0;
  } catch (error) {
    err(`replay: ${path}: ${describe(error)}`);
    return 1;
  } finally {
    store.close();
  }
}

function describe(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "no such file";
  return error instanceof Error ? error.message : String(error);
}

if (import.meta.main) Deno.exit(runReplay(Deno.args));
