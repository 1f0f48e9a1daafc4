import { deepStrictEqual as deepEqual, ok, strictEqual as equal, throws } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { EventLog } from "../../core/event_log.ts";
import { StorageError } from "../../core/errors.ts";
import { SqliteEventStore } from "../../core/sqlite_event_store.ts";
import { eventAt, runEventStoreContract, storageError } from "./event_store_contract.ts";

for (const synchronous of ["FULL", "NORMAL"] as const) {
  runEventStoreContract(`SqliteEventStore ${synchronous}`, async () => {
    const dir = await Deno.makeTempDir();
    return {
      store: new SqliteEventStore(`${dir}/events.db`, { synchronous }),
      cleanup: () => Deno.remove(dir, { recursive: true }),
    };
  }, { bulk: synchronous === "FULL" ? 1_000 : 10_000 }); // FULL syncs every append: keep it short
}

/** Runs `body` with a fresh temp dir, removed afterwards. */
async function withTempDir(body: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs `body` with a raw connection to `path`, closed afterwards. */
function withDb<T>(path: string, body: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(path);
  try {
    return body(db);
  } finally {
    db.close();
  }
}

Deno.test("SqliteEventStore: creates the parent directory; reopening reads everything back", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/a/b/events.db`;
    const first = new SqliteEventStore(path);
    for (let seq = 1; seq <= 100; seq++) first.append(eventAt(seq));
    first.close();
    const second = new SqliteEventStore(path, { synchronous: "NORMAL" });
    try {
      equal(second.lastSeq(), 100);
      deepEqual([...second.read()], Array.from({ length: 100 }, (_, i) => eventAt(i + 1)));
      second.append(eventAt(101));
      equal(second.lastSeq(), 101);
    } finally {
      second.close();
    }
    const third = new SqliteEventStore(path);
    try {
      deepEqual([...third.read(100)], [eventAt(100), eventAt(101)]);
    } finally {
      third.close();
    }
  });
});

Deno.test("SqliteEventStore: reads the same without node:sqlite's setReturnArrays (rows as objects)", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/events.db`;
    const writer = new SqliteEventStore(path);
    for (let seq = 1; seq <= 1500; seq++) writer.append(eventAt(seq)); // two read batches
    writer.close();
    const statement = withDb(path, (db) => Object.getPrototypeOf(db.prepare("SELECT 1")));
    const own = Object.getOwnPropertyDescriptor(statement, "setReturnArrays");
    ok(own !== undefined, "this runtime has setReturnArrays: the fast path is the one used");
    // A runtime without it (older Deno): the store falls back to rows as objects.
    Object.defineProperty(statement, "setReturnArrays", { ...own, value: undefined });
    let store: SqliteEventStore;
    try {
      store = new SqliteEventStore(path, { readOnly: true });
    } finally {
      Object.defineProperty(statement, "setReturnArrays", own);
    }
    try {
      deepEqual([...store.read()], Array.from({ length: 1500 }, (_, i) => eventAt(i + 1)));
    } finally {
      store.close();
    }
  });
});

Deno.test("SqliteEventStore: WAL mode is on and the schema is recorded", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/events.db`;
    const store = new SqliteEventStore(path);
    store.append(eventAt(1));
    try {
      withDb(path, (db) => {
        equal(db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
        equal(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()?.value, "1");
        const columns = db.prepare("PRAGMA table_info(events)").all().map((c) => c.name);
        deepEqual(columns, ["seq", "id", "at", "type", "data"]);
        deepEqual(
          { ...db.prepare("SELECT * FROM events").get() },
          { ...eventAt(1), data: JSON.stringify(eventAt(1).data) },
        );
      });
    } finally {
      store.close();
    }
  });
});

Deno.test("SqliteEventStore: a row whose data is not JSON reads as STORAGE_CORRUPT with its seq", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/events.db`;
    const store = new SqliteEventStore(path);
    for (let seq = 1; seq <= 3; seq++) store.append(eventAt(seq));
    store.close();
    withDb(path, (db) => db.prepare("UPDATE events SET data = '{\"broken' WHERE seq = 2").run());
    const reopened = new SqliteEventStore(path);
    try {
      const seen: number[] = [];
      const error = storageError(() => {
        for (const e of reopened.read()) seen.push(e.seq);
      }, "STORAGE_CORRUPT");
      ok(error.message.includes("seq 2"), error.message);
      ok(error.cause instanceof SyntaxError);
      deepEqual(seen, [1]);
      deepEqual([...reopened.read(3)], [eventAt(3)]);
    } finally {
      reopened.close();
    }
  });
});

Deno.test("SqliteEventStore: a missing row reads as STORAGE_CORRUPT naming the missing seq", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/events.db`;
    const store = new SqliteEventStore(path);
    for (let seq = 1; seq <= 3; seq++) store.append(eventAt(seq));
    store.close();
    withDb(path, (db) => db.prepare("DELETE FROM events WHERE seq = 2").run());
    const reopened = new SqliteEventStore(path);
    try {
      const error = storageError(() => [...reopened.read()], "STORAGE_CORRUPT");
      ok(error.message.includes("seq 2 is missing"), error.message);
    } finally {
      reopened.close();
    }
  });
});

Deno.test("SqliteEventStore: a file that is not an event store is refused at open", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/garbage.db`, "this is not a SQLite database ".repeat(100));
    storageError(() => new SqliteEventStore(`${dir}/garbage.db`), "STORAGE_CORRUPT");

    const path = `${dir}/future.db`;
    new SqliteEventStore(path).close();
    withDb(
      path,
      (db) => db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run(),
    );
    const error = storageError(() => new SqliteEventStore(path), "STORAGE_CORRUPT");
    ok(error.message.includes("schema version 99"), error.message);

    throws(() => new SqliteEventStore(path, { busyTimeoutMs: -1 }), RangeError);
  });
});

Deno.test("SqliteEventStore readOnly: reads an existing store, creates and changes nothing", async () => {
  await withTempDir(async (dir) => {
    // A missing file is an error, not a new empty store; no directory is created.
    const missing = storageError(
      () => new SqliteEventStore(`${dir}/sub/missing.db`, { readOnly: true }),
      "STORAGE_READ_FAILED",
    );
    ok(missing.message.includes(`${dir}/sub/missing.db`), missing.message);
    deepEqual([...Deno.readDirSync(dir)], []);

    const path = `${dir}/events.db`;
    const writer = new SqliteEventStore(path);
    for (let seq = 1; seq <= 3; seq++) writer.append(eventAt(seq));
    writer.close();
    const bytes = await Deno.readFile(path);
    const reader = new SqliteEventStore(path, { readOnly: true });
    try {
      equal(reader.lastSeq(), 3);
      deepEqual([...reader.read()], [eventAt(1), eventAt(2), eventAt(3)]);
      const refused = storageError(() => reader.append(eventAt(4)), "STORAGE_WRITE_FAILED");
      ok(refused.message.includes("read-only"), refused.message);
      equal(reader.lastSeq(), 3);
    } finally {
      reader.close();
    }
    deepEqual(await Deno.readFile(path), bytes, "the file is unchanged");

    // A SQLite file that is not an event store gets no tables added.
    const other = `${dir}/other.db`;
    withDb(other, (db) => db.exec("CREATE TABLE t (x)"));
    storageError(() => new SqliteEventStore(other, { readOnly: true }), "STORAGE_CORRUPT");
    const tables = withDb(
      other,
      (db) => db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all(),
    );
    deepEqual(tables.map((t) => t.name), ["t"]);
  });
});

Deno.test("SqliteEventStore: a write that fails (database locked by another connection) stores nothing", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/events.db`;
    const store = new SqliteEventStore(path, { busyTimeoutMs: 20 });
    const other = new DatabaseSync(path);
    try {
      store.append(eventAt(1));
      // The fault: another connection holds the write lock, as another process would.
      other.exec("BEGIN IMMEDIATE");
      const error = storageError(() => store.append(eventAt(2)), "STORAGE_WRITE_FAILED");
      ok(error.cause instanceof Error, "the SQLite error is the cause");
      ok(/locked|busy/i.test(error.message), error.message);
      equal(store.lastSeq(), 1);
      deepEqual([...store.read()], [eventAt(1)]);
      // The fault goes away: appends succeed again, from the same seq.
      other.exec("ROLLBACK");
      store.append(eventAt(2));
      store.append(eventAt(3));
      deepEqual([...store.read()], [eventAt(1), eventAt(2), eventAt(3)]);
      equal(other.prepare("SELECT COUNT(*) AS n FROM events").get()?.n, 3);
    } finally {
      other.close();
      store.close();
    }
  });
});

Deno.test("SqliteEventStore: data that is not JSON-serialisable is refused, nothing stored", async () => {
  await withTempDir((dir) => {
    const store = new SqliteEventStore(`${dir}/events.db`);
    try {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      for (const data of [10n, undefined, cyclic, () => 1]) {
        storageError(() => store.append({ ...eventAt(1), data }), "STORAGE_WRITE_FAILED");
      }
      equal(store.lastSeq(), 0);
      deepEqual([...store.read()], []);
      store.append(eventAt(1));
      equal(store.lastSeq(), 1);
    } finally {
      store.close();
    }
  });
});

Deno.test("SqliteEventStore: a duplicate id is refused, nothing stored", async () => {
  await withTempDir((dir) => {
    const store = new SqliteEventStore(`${dir}/events.db`);
    try {
      store.append(eventAt(1));
      const duplicate = { ...eventAt(2), id: eventAt(1).id };
      const error = storageError(() => store.append(duplicate), "STORAGE_WRITE_FAILED");
      ok(error.cause instanceof Error);
      equal(store.lastSeq(), 1);
      store.append(eventAt(2));
      equal([...store.read()].length, 2);
    } finally {
      store.close();
    }
  });
});

Deno.test("SqliteEventStore: a second writer on the same file gets STORAGE_CONFLICT, not a silent overwrite", async () => {
  await withTempDir((dir) => {
    const path = `${dir}/events.db`;
    const a = new SqliteEventStore(path);
    const b = new SqliteEventStore(path);
    try {
      a.append(eventAt(1));
      const stale = { ...eventAt(1, "from b"), id: "01JDBBBBBBBBBBBBBBBBBBBBBB" };
      storageError(() => b.append(stale), "STORAGE_CONFLICT");
      deepEqual([...a.read()], [eventAt(1)]);
    } finally {
      a.close();
      b.close();
    }
  });
});

Deno.test("SqliteEventStore: ':memory:' works without a file", () => {
  const store = new SqliteEventStore(":memory:");
  try {
    store.append(eventAt(1));
    deepEqual([...store.read()], [eventAt(1)]);
  } finally {
    store.close();
  }
});

const CHILD = new URL("./support/sqlite_append_child.ts", import.meta.url).pathname;

interface ChildRun {
  /** The lastSeq the child found when it opened the store. */
  readonly started: number;
  /** The highest seq the child reported as appended. */
  readonly reported: number;
  readonly signal: Deno.Signal | null;
  readonly stderr: string;
}

/**
 * Runs the append child on `path` and kills it with SIGKILL once it reported `killAfter` events
 * appended in this run (it stops by itself after 200 000).
 */
async function runAndKill(
  path: string,
  synchronous: "FULL" | "NORMAL" | "DEFER",
  killAfter: number,
): Promise<ChildRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", CHILD, path, synchronous],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  let started = -1;
  let reported = 0;
  let killed = false;
  let buffer = "";
  const decoder = new TextDecoder();
  // Read to the end (also after the kill: lines written before death count as reported).
  for await (const chunk of child.stdout) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      if (line.startsWith("ready ")) started = Number(line.slice(6));
      else if (/^\d+$/.test(line)) reported = Number(line);
    }
    if (!killed && started >= 0 && reported - started >= killAfter) {
      child.kill("SIGKILL");
      killed = true;
    }
  }
  const status = await child.status;
  return { started, reported, signal: status.signal, stderr: await stderr };
}

Deno.test("SqliteEventStore: no reported event is lost when the writer is killed (SIGKILL), deferred syncs included", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/crash.db`;
    let previous = 0;
    const history: string[] = [];
    for (let round = 0; round < 6; round++) {
      const synchronous = (["FULL", "NORMAL", "DEFER"] as const)[round % 3];
      const killAfter = 200 + Math.floor(Math.random() * 2_000);
      const run = await runAndKill(path, synchronous, killAfter);
      history.push(`${synchronous} kill after ${killAfter}: ${JSON.stringify(run)}`);
      const context = history.join("\n");
      equal(run.signal, "SIGKILL", context);
      equal(run.started, previous, `the child continued from the last stored seq\n${context}`);
      ok(run.reported >= previous + killAfter, context);

      const store = new SqliteEventStore(path);
      try {
        const n = store.lastSeq();
        ok(n >= run.reported, `stored ${n} < reported ${run.reported}\n${context}`);
        let expected = 1;
        let lastId = "";
        for (const event of store.read()) {
          equal(event.seq, expected, context);
          equal(event.type, "CrashTestTick");
          ok(typeof (event.data as { i: unknown }).i === "number");
          ok(event.id > lastId, `ids sort like seqs: ${lastId} then ${event.id}`);
          lastId = event.id;
          expected++;
        }
        equal(expected - 1, n, context);
        previous = n;
      } finally {
        store.close();
      }
    }
    // After the last crash, appending continues from N + 1.
    const store = new SqliteEventStore(path);
    try {
      const log = new EventLog(store);
      equal(log.append("AfterCrash", {}).seq, previous + 1);
      equal([...store.read(previous + 1)].length, 1);
    } finally {
      store.close();
    }
  });
});

Deno.test("SqliteEventStore: StorageError is what a closed store throws", () => {
  const store = new SqliteEventStore(":memory:");
  store.close();
  throws(() => store.append(eventAt(1)), StorageError);
});
