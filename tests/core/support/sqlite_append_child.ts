/**
 * Child process of the SQLite crash test: opens a `SqliteEventStore` on the file given as first
 * argument (synchronous mode as second: FULL, NORMAL, or DEFER: FULL with two appends in three
 * deferring their sync) and appends events through an `EventLog` in a bounded loop, printing the seq of every 100th appended event to stdout after
 * the append returned. The parent kills it with SIGKILL at some point.
 *
 * @module
 */
import { EventLog } from "../../../core/event_log.ts";
import { SqliteEventStore } from "../../../core/sqlite_event_store.ts";

const [path, mode] = Deno.args;
if (path === undefined || (mode !== "FULL" && mode !== "NORMAL" && mode !== "DEFER")) {
  throw new Error("usage: sqlite_append_child.ts <db path> FULL|NORMAL|DEFER");
}
const store = new SqliteEventStore(path, { synchronous: mode === "NORMAL" ? "NORMAL" : "FULL" });
const log = new EventLog(store);
const encoder = new TextEncoder();
Deno.stdout.writeSync(encoder.encode(`ready ${store.lastSeq()}\n`));
const padding = "x".repeat(200);
for (let i = 0; i < 200_000; i++) {
  const deferSync = mode === "DEFER" && i % 3 !== 0;
  const event = log.append("CrashTestTick", { i, padding }, { deferSync });
  if (event.seq % 100 === 0) Deno.stdout.writeSync(encoder.encode(`${event.seq}\n`));
}
store.close();
Deno.stdout.writeSync(encoder.encode("done\n"));
