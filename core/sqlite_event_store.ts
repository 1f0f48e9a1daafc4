/**
 * An {@linkcode EventStore} in one SQLite file, on the runtime's built-in `node:sqlite`.
 *
 * @module
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { RecordedEvent } from "../events/envelope.ts";
import { canonicalType } from "../events/mod.ts";
import type { AppendOptions, EventStore } from "./event_store.ts";
import { StorageError } from "./errors.ts";

/** The version of the table layout this code writes and reads. */
const SCHEMA_VERSION = 1;

/** SQLite extended result code of a PRIMARY KEY violation (`SQLITE_CONSTRAINT_PRIMARYKEY`). */
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;

/**
 * Options of {@linkcode SqliteEventStore}.
 *
 * @example
 * ```ts
 * import type { SqliteEventStoreOptions } from "./sqlite_event_store.ts";
 * const options: SqliteEventStoreOptions = { synchronous: "NORMAL", busyTimeoutMs: 1000 };
 * ```
 */
export interface SqliteEventStoreOptions {
  /**
   * SQLite's `PRAGMA synchronous`, in WAL mode. `"FULL"` (the default) syncs the WAL to disk on
   * every append: an appended event survives a power loss or an OS crash. `"NORMAL"` syncs only
   * at checkpoints: an appended event survives a crash or kill of the process, but the last
   * events before a power loss may be lost (the file stays consistent). NORMAL appends are
   * several times faster. With FULL, an append with `deferSync` is written as with NORMAL and
   * synced by the next append without it (the WAL is synced as a whole).
   */
  readonly synchronous?: "FULL" | "NORMAL";
  /**
   * How long (ms) an append or read waits for a lock held by another connection to the same file
   * before failing with a `StorageError` (default 5000).
   */
  readonly busyTimeoutMs?: number;
  /**
   * Open an existing store for reading only (default `false`): the file is neither created nor
   * changed (no directory, no table, no pragma written), a missing file throws a `StorageError`
   * of code `STORAGE_READ_FAILED`, and `append` throws `STORAGE_WRITE_FAILED`. For tools that
   * inspect a log, e.g. `deno task replay`.
   */
  readonly readOnly?: boolean;
}

/** A row of `events` as read: `[seq, id, at, type, data]`. */
type EventRow = readonly unknown[];

/**
 * node:sqlite's `StatementSync.setReturnArrays` (rows as arrays, not objects: reading a log
 * takes about a third less time), which Deno's type declarations do not list.
 */
interface ReturnsArrays {
  setReturnArrays(enabled: boolean): void;
}

function returnsArrays(statement: object): statement is ReturnsArrays {
  return "setReturnArrays" in statement && typeof statement.setReturnArrays === "function";
}

/** The columns of `events`, in the order of {@linkcode EventRow}. */
const COLUMNS = ["seq", "id", "at", "type", "data"] as const;

/** Rows fetched per query by `read`. */
const READ_BATCH = 1024;

/**
 * An {@linkcode EventStore} in a SQLite file: one row per event in a table
 * `events(seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, at TEXT NOT NULL, type TEXT NOT NULL,
 * data TEXT NOT NULL)`, plus a `meta` table holding the schema version. The database runs in WAL
 * mode; each `append` is one autocommitted INSERT through a prepared statement, so it is durable
 * (see {@linkcode SqliteEventStoreOptions.synchronous}) and atomic when it returns.
 *
 * `data` is stored as JSON text: it must be JSON-serialisable, and it reads back as
 * `JSON.parse(JSON.stringify(data))` (e.g. a `Date` reads back as a string). One store object
 * must be the only writer of its file: `lastSeq` is read once when opening and then kept in
 * memory. `read` yields the events stored when `read` was called.
 *
 * @example
 * ```ts
 * import { SqliteEventStore } from "./sqlite_event_store.ts";
 * const dir = await Deno.makeTempDir();
 * const store = new SqliteEventStore(`${dir}/events.db`, { synchronous: "NORMAL" });
 * store.append({ id: "01JD0000000000000000000001", seq: 1, at: "2026-01-01T00:00:00.000Z", type: "A", data: { n: 1 } });
 * for (const e of store.read()) console.log(e.seq, e.data); // 1 { n: 1 }
 * store.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class SqliteEventStore implements EventStore {
  #db: DatabaseSync;
  #insert: StatementSync;
  #select: StatementSync;
  /** Whether `#select` gives rows as arrays (else as objects, see {@linkcode ReturnsArrays}). */
  #arrays: boolean;
  /** Configured FULL: appends sync, except those that defer it. */
  #full: boolean;
  /** Whether `PRAGMA synchronous` is FULL now (it is NORMAL after a deferred append). */
  #syncing: boolean;
  #lastSeq: number;
  #closed = false;
  #readOnly: boolean;
  #path: string;
  /** The connection's own `max_page_count`, read when {@linkcode limitWrites} first changes it. */
  #unlimitedPages: number | undefined;

  /**
   * Opens (or creates) the database at `path`, creating its parent directory when missing.
   * Throws a `StorageError` of code `STORAGE_READ_FAILED` when the file cannot be opened and
   * `STORAGE_CORRUPT` when it is not an event store this code can read.
   *
   * @example
   * ```ts
   * import { SqliteEventStore } from "./sqlite_event_store.ts";
   * const dir = await Deno.makeTempDir();
   * const store = new SqliteEventStore(`${dir}/sub/events.db`);
   * console.log(store.lastSeq()); // 0
   * store.close();
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  constructor(path: string, options: SqliteEventStoreOptions = {}) {
    const synchronous = options.synchronous ?? "FULL";
    if (synchronous !== "FULL" && synchronous !== "NORMAL") {
      throw new RangeError(`synchronous must be "FULL" or "NORMAL": ${synchronous}`);
    }
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new RangeError(`busyTimeoutMs must be a non-negative integer: ${busyTimeoutMs}`);
    }
    this.#path = path;
    this.#readOnly = options.readOnly ?? false;
    this.#full = this.#syncing = synchronous === "FULL";
    if (!this.#readOnly && path !== ":memory:" && path !== "") {
      try {
        mkdirSync(dirname(path), { recursive: true });
      } catch (error) {
        throw new StorageError(
          "STORAGE_WRITE_FAILED",
          `cannot create the directory of ${path}: ${message(error)}`,
          { cause: error },
        );
      }
    }
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(path, { readOnly: this.#readOnly });
    } catch (error) {
      throw new StorageError("STORAGE_READ_FAILED", `cannot open ${path}: ${message(error)}`, {
        cause: error,
      });
    }
    try {
      db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
      if (!this.#readOnly) {
        db.exec("PRAGMA journal_mode = WAL");
        db.exec(`PRAGMA synchronous = ${synchronous}`);
        db.exec("BEGIN IMMEDIATE");
        try {
          db.exec(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);" +
              "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE," +
              " at TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL);",
          );
          db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)")
            .run(String(SCHEMA_VERSION));
          db.exec("COMMIT");
        } catch (error) {
          db.exec("ROLLBACK");
          throw error;
        }
      }
      const version = db.prepare(
        "SELECT value FROM meta WHERE key = 'schema_version'",
      ).get();
      if (version?.value !== String(SCHEMA_VERSION)) {
        throw new StorageError(
          "STORAGE_CORRUPT",
          `${path} has schema version ${String(version?.value)}, this code reads ${SCHEMA_VERSION}`,
        );
      }
      const last = db.prepare("SELECT COALESCE(MAX(seq), 0) AS last FROM events").get();
      this.#lastSeq = Number(last?.last);
      this.#insert = db.prepare(
        "INSERT INTO events (seq, id, at, type, data) VALUES (?, ?, ?, ?, ?)",
      );
      const select = db.prepare(
        `SELECT ${COLUMNS.join(", ")} FROM events WHERE seq >= ? AND seq <= ? ORDER BY seq`,
      );
      const arrays = returnsArrays(select);
      if (arrays) select.setReturnArrays(true);
      this.#arrays = arrays;
      this.#select = select;
    } catch (error) {
      db.close();
      if (error instanceof StorageError) throw error;
      throw new StorageError(
        /not a database|malformed|no such table/i.test(message(error))
          ? "STORAGE_CORRUPT"
          : "STORAGE_READ_FAILED",
        `cannot open ${path} as an event store: ${message(error)}`,
        { cause: error },
      );
    }
    this.#db = db;
  }

  /**
   * Inserts `event` as one row. Throws a `StorageError` and stores nothing when the store is
   * closed or SQLite fails (`STORAGE_WRITE_FAILED`, the SQLite error as `cause`), when `data` is
   * not JSON-serialisable (`STORAGE_WRITE_FAILED`) or when `event.seq !== lastSeq() + 1`
   * (`STORAGE_CONFLICT`). With `deferSync` (and `synchronous: "FULL"`), the row is synced by the
   * next append without it.
   *
   * @example
   * ```ts
   * import { SqliteEventStore } from "./sqlite_event_store.ts";
   * const store = new SqliteEventStore(":memory:");
   * store.append({ id: "01JD0000000000000000000001", seq: 1, at: "2026-01-01T00:00:00.000Z", type: "A", data: [1, 2] });
   * store.close();
   * ```
   */
  append(event: RecordedEvent, options?: AppendOptions): void {
    if (this.#closed) throw closedError("append");
    if (this.#readOnly) {
      throw new StorageError(
        "STORAGE_WRITE_FAILED",
        `cannot append seq ${event.seq} to ${this.#path}: the store was opened read-only`,
      );
    }
    const expected = this.#lastSeq + 1;
    if (event.seq !== expected) {
      throw new StorageError(
        "STORAGE_CONFLICT",
        `cannot append seq ${event.seq}: the next seq is ${expected}`,
      );
    }
    let data: string | undefined;
    try {
      data = JSON.stringify(event.data);
    } catch (error) {
      throw new StorageError(
        "STORAGE_WRITE_FAILED",
        `cannot append seq ${event.seq}: data is not JSON-serialisable: ${message(error)}`,
        { cause: error },
      );
    }
    if (data === undefined) {
      throw new StorageError(
        "STORAGE_WRITE_FAILED",
        `cannot append seq ${event.seq}: data is not JSON-serialisable (${typeof event.data})`,
      );
    }
    try {
      const sync = this.#full && options?.deferSync !== true;
      if (sync !== this.#syncing) {
        this.#db.exec(`PRAGMA synchronous = ${sync ? "FULL" : "NORMAL"}`);
        this.#syncing = sync;
      }
      this.#insert.run(event.seq, event.id, event.at, event.type, data);
    } catch (error) {
      const conflict = errcode(error) === SQLITE_CONSTRAINT_PRIMARYKEY;
      throw new StorageError(
        conflict ? "STORAGE_CONFLICT" : "STORAGE_WRITE_FAILED",
        `cannot append seq ${event.seq} to ${this.#path}: ${message(error)}`,
        { cause: error },
      );
    }
    this.#lastSeq = expected;
  }

  /**
   * The events with `seq >= fromSeq` (default 1) stored when `read` is called, in `seq` order,
   * streamed. Iterating throws a `StorageError` of code `STORAGE_CORRUPT` (naming the
   * seq) for a row whose `data` is not valid JSON or when a seq is missing, and
   * `STORAGE_READ_FAILED` when SQLite fails. Throws a `RangeError` when `fromSeq` is not an
   * integer. Rows are fetched in batches of 1024: no cursor stays open between them.
   *
   * @example
   * ```ts
   * import { SqliteEventStore } from "./sqlite_event_store.ts";
   * const store = new SqliteEventStore(":memory:");
   * console.log([...store.read(1)].length); // 0
   * store.close();
   * ```
   */
  read(fromSeq: number = 1): Iterable<RecordedEvent> {
    if (this.#closed) throw closedError("read");
    if (!Number.isInteger(fromSeq)) throw new RangeError(`fromSeq must be an integer: ${fromSeq}`);
    return this.#iterate(Math.max(fromSeq, 1), this.#lastSeq);
  }

  *#iterate(from: number, to: number): Generator<RecordedEvent, void, undefined> {
    // Read in batches with `all()` (several times faster than stepping a cursor row by row in
    // node:sqlite); no cursor or read transaction stays open between batches, so the consumer
    // may append or read again while iterating, and WAL checkpoints are never held up.
    if (from > to) return;
    let expected = from;
    while (expected <= to) {
      let rows: EventRow[];
      try {
        const found = this.#select.all(expected, Math.min(expected + READ_BATCH - 1, to));
        rows = this.#arrays
          ? found as unknown as EventRow[]
          : found.map((row) => COLUMNS.map((column) => row[column]));
      } catch (error) {
        throw this.#readError(expected, error);
      }
      if (rows.length === 0) break;
      for (const row of rows) {
        if (this.#closed) throw closedError("read");
        const event = toEvent(row, expected);
        expected++;
        yield event;
      }
    }
    if (expected !== to + 1) {
      throw new StorageError("STORAGE_CORRUPT", `seq ${expected} is missing (last is ${to})`);
    }
  }

  #readError(seq: number, error: unknown): StorageError {
    return new StorageError(
      "STORAGE_READ_FAILED",
      `cannot read seq ${seq} from ${this.#path}: ${message(error)}`,
      { cause: error },
    );
  }

  /**
   * Limits what the store may write, as the storage itself would: `maxBytes` caps the database
   * file (SQLite `max_page_count`, in whole pages, never below its current size), so an append
   * that needs more room fails with `SQLITE_FULL` as on a full disk; `readOnly` refuses every
   * write (SQLite `query_only`: `SQLITE_READONLY`, as a read-only file). `{}` lifts both. For a
   * device that gives the log a fixed budget of flash, and for tests of storage faults on a real
   * file (the charge point throws `StorageError`, keeps the log whole, recovers once lifted).
   *
   * @example
   * ```ts
   * import { SqliteEventStore } from "./sqlite_event_store.ts";
   * const store = new SqliteEventStore(":memory:");
   * store.limitWrites({ readOnly: true });
   * try {
   *   store.append({ id: "01JD0000000000000000000000", seq: 1, at: "2026-01-01T00:00:00.000Z", type: "T", data: {} });
   * } catch (error) {
   *   console.log((error as Error).message); // "cannot append seq 1 to :memory:: attempt to write a readonly database"
   * }
   * store.limitWrites({});
   * store.close();
   * ```
   */
  limitWrites(limits: { readonly maxBytes?: number; readonly readOnly?: boolean }): void {
    if (this.#closed) throw closedError("append");
    const { maxBytes, readOnly = false } = limits;
    if (maxBytes !== undefined && (!Number.isInteger(maxBytes) || maxBytes < 0)) {
      throw new RangeError(`maxBytes must be a non-negative integer: ${maxBytes}`);
    }
    try {
      this.#unlimitedPages ??= Number(
        this.#db.prepare("PRAGMA max_page_count").get()?.max_page_count,
      );
      const pageSize = Number(this.#db.prepare("PRAGMA page_size").get()?.page_size);
      // At least 1: SQLite leaves the limit as it is for 0.
      const pages = maxBytes === undefined
        ? this.#unlimitedPages
        : Math.max(1, Math.floor(maxBytes / pageSize));
      this.#db.exec(`PRAGMA max_page_count = ${pages}`);
      this.#db.exec(`PRAGMA query_only = ${readOnly ? 1 : 0}`);
    } catch (error) {
      throw new StorageError(
        "STORAGE_WRITE_FAILED",
        `cannot limit the writes to ${this.#path}: ${message(error)}`,
        { cause: error },
      );
    }
  }

  /**
   * The `seq` of the last stored event, 0 when empty (kept in memory, O(1)).
   *
   * @example
   * ```ts
   * import { SqliteEventStore } from "./sqlite_event_store.ts";
   * const store = new SqliteEventStore(":memory:");
   * console.log(store.lastSeq()); // 0
   * store.close();
   * ```
   */
  lastSeq(): number {
    if (this.#closed) throw closedError("lastSeq");
    return this.#lastSeq;
  }

  /**
   * Closes the database; further `append`, `read` and `lastSeq` calls throw a `StorageError`.
   * A second `close` does nothing.
   *
   * @example
   * ```ts
   * import { SqliteEventStore } from "./sqlite_event_store.ts";
   * const store = new SqliteEventStore(":memory:");
   * store.close();
   * store.close(); // no-op
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#db.close();
    } catch (error) {
      throw new StorageError(
        "STORAGE_WRITE_FAILED",
        `cannot close ${this.#path}: ${message(error)}`,
        {
          cause: error,
        },
      );
    }
  }
}

function toEvent(row: EventRow, expected: number): RecordedEvent {
  const [rowSeq, id, at, type, text] = row;
  const seq = Number(rowSeq);
  if (seq !== expected) {
    throw new StorageError("STORAGE_CORRUPT", `seq ${expected} is missing (found seq ${seq})`);
  }
  if (typeof id !== "string" || typeof at !== "string" || typeof type !== "string") {
    throw new StorageError("STORAGE_CORRUPT", `seq ${seq}: id, at and type must be text`);
  }
  if (typeof text !== "string") {
    throw new StorageError("STORAGE_CORRUPT", `seq ${seq}: data is not JSON text`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new StorageError(
      "STORAGE_CORRUPT",
      `seq ${seq}: data is not valid JSON: ${message(error)}`,
      {
        cause: error,
      },
    );
  }
  return { id, seq, at, type: canonicalType(type), data };
}

function closedError(operation: string): StorageError {
  return new StorageError(
    operation === "append" ? "STORAGE_WRITE_FAILED" : "STORAGE_READ_FAILED",
    `cannot ${operation}: the event store is closed`,
  );
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errcode(error: unknown): unknown {
  return typeof error === "object" && error !== null && "errcode" in error
    ? error.errcode
    : undefined;
}
