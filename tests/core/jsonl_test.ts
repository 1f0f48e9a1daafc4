import { deepStrictEqual as deepEqual, ok, strictEqual as equal } from "node:assert/strict";
import { ManualClock } from "../../core/clock.ts";
import { EventLog } from "../../core/event_log.ts";
import { exportJsonl, exportJsonlFile, importJsonl, parseJsonl } from "../../core/jsonl.ts";
import { MemoryEventStore } from "../../core/memory_event_store.ts";
import { SqliteEventStore } from "../../core/sqlite_event_store.ts";
import { eventAt, storageError } from "./event_store_contract.ts";

/** A store with `n` events appended through an EventLog, with varied data. */
function filledStore(n: number): MemoryEventStore {
  const store = new MemoryEventStore();
  const clock = new ManualClock();
  const log = new EventLog(store, { clock });
  for (let i = 1; i <= n; i++) {
    log.append(i % 3 === 0 ? "MeterValues" : "StatusChanged", {
      i,
      text: `line ${i} with "quotes", a \n newline and ✓`,
      list: [i, null, true, { x: i / 7 }],
    });
  }
  return store;
}

Deno.test("jsonl: export has one line per event, fixed key order and a final newline", () => {
  const e = eventAt(1, { b: 1, a: [2] });
  // Keys deliberately out of order in the source object.
  const shuffled = { data: e.data, type: e.type, at: e.at, seq: e.seq, id: e.id };
  const text = exportJsonl([shuffled, eventAt(2, null)]);
  equal(
    text,
    `{"id":"${e.id}","seq":1,"at":"${e.at}","type":"Odd","data":{"b":1,"a":[2]}}\n` +
      `{"id":"${eventAt(2).id}","seq":2,"at":"${eventAt(2).at}","type":"Even","data":null}\n`,
  );
  equal(exportJsonl([]), "");
});

Deno.test("jsonl: export, import into a new store, export again is byte-identical", () => {
  const source = filledStore(500);
  const text = exportJsonl(source.read());
  const target = new MemoryEventStore();
  equal(importJsonl(text, target), 500);
  equal(target.lastSeq(), 500);
  equal(exportJsonl(target.read()), text);
  deepEqual([...target.read()], [...source.read()]);
  source.close();
  target.close();
});

Deno.test("jsonl: round trip through SQLite and a file is byte-identical", async () => {
  const dir = await Deno.makeTempDir();
  const source = filledStore(300);
  const sqlite = new SqliteEventStore(`${dir}/events.db`, { synchronous: "NORMAL" });
  try {
    const path = `${dir}/out/log.jsonl`;
    equal(await exportJsonlFile(source.read(), path), 300);
    const text = await Deno.readTextFile(path);
    equal(text, exportJsonl(source.read()));
    equal(importJsonl(text, sqlite), 300);
    equal(exportJsonl(sqlite.read()), text);
    deepEqual([...Deno.readDirSync(`${dir}/out`)].map((e) => e.name), ["log.jsonl"]);
  } finally {
    sqlite.close();
    source.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("jsonl: a bad line is rejected with its line number and nothing is written", () => {
  const good = exportJsonl([eventAt(1), eventAt(2), eventAt(3)]).split("\n");
  const cases: Array<[string, string]> = [
    ["{not json", "line 2: not valid JSON"],
    ["[1,2]", "line 2: not a JSON object"],
    [JSON.stringify({ ...eventAt(2), id: "short" }), "line 2: not an event: id"],
    [JSON.stringify({ ...eventAt(2), at: "yesterday" }), "line 2: not an event: at"],
    [JSON.stringify({ ...eventAt(2), type: "" }), "line 2: not an event: type"],
    [JSON.stringify({ ...eventAt(2), seq: "2" }), "line 2: not an event: seq"],
    [JSON.stringify({ id: eventAt(2).id, seq: 2, at: eventAt(2).at, type: "X" }), "line 2: data"],
    ["", "line 2: not valid JSON"],
  ];
  for (const [bad, expected] of cases) {
    const text = [good[0], bad, good[2], ""].join("\n");
    const store = new MemoryEventStore();
    const error = storageError(() => importJsonl(text, store), "STORAGE_CORRUPT");
    ok(error.message.startsWith(expected), `${error.message} should start with ${expected}`);
    equal(store.lastSeq(), 0, "nothing written");
    store.close();
  }
});

Deno.test("jsonl: a seq gap is rejected, and so is a file that does not continue the store", () => {
  const gap = exportJsonl([eventAt(1), eventAt(2), eventAt(4)]);
  const store = new MemoryEventStore();
  const error = storageError(() => importJsonl(gap, store), "STORAGE_CORRUPT");
  ok(error.message.startsWith("line 3: seq 4 does not follow seq 2"), error.message);
  equal(store.lastSeq(), 0);

  store.append(eventAt(1));
  const conflict = storageError(
    () => importJsonl(exportJsonl([eventAt(3), eventAt(4)]), store),
    "STORAGE_CONFLICT",
  );
  ok(conflict.message.startsWith("line 1: seq 3 does not continue the store"), conflict.message);
  equal(store.lastSeq(), 1);
  equal(importJsonl(exportJsonl([eventAt(2), eventAt(3)]), store), 2);
  deepEqual([...store.read()], [eventAt(1), eventAt(2), eventAt(3)]);
  store.close();
});

Deno.test("jsonl: parseJsonl validates only; accepts CRLF and a missing final newline", () => {
  const text = exportJsonl([eventAt(5), eventAt(6)]);
  deepEqual(parseJsonl(text), [eventAt(5), eventAt(6)]);
  deepEqual(parseJsonl(text.replaceAll("\n", "\r\n")), [eventAt(5), eventAt(6)]);
  deepEqual(parseJsonl(text.slice(0, -1)), [eventAt(5), eventAt(6)]);
  deepEqual(parseJsonl(""), []);
  equal(importJsonl("", new MemoryEventStore()), 0);
});

Deno.test("jsonl: redact rewrites events on export", async () => {
  const events = [eventAt(1, { key: "secret" }), eventAt(2, { other: 1 })];
  const redact = (e: (typeof events)[number]) => e.seq === 1 ? { ...e, data: { key: "***" } } : e;
  const text = exportJsonl(events, redact);
  ok(!text.includes("secret"));
  deepEqual(parseJsonl(text).map((e) => e.data), [{ key: "***" }, { other: 1 }]);
  const dir = await Deno.makeTempDir();
  try {
    await exportJsonlFile(events, `${dir}/log.jsonl`, redact);
    equal(await Deno.readTextFile(`${dir}/log.jsonl`), text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Yields one event, then fails like a broken store. */
function* failing() {
  yield eventAt(1);
  throw new Error("read failed");
}

Deno.test("jsonl: a failing export leaves no file behind", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const error = await exportJsonlFile(failing(), `${dir}/log.jsonl`).then(
      () => undefined,
      (e: unknown) => e,
    );
    ok(error instanceof Error && error.name === "StorageError", String(error));
    deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
