/**
 * `deno task replay <file>`: prints the timeline of a stored log (`.sqlite` or `.jsonl`) with no
 * network, then the final connector states.
 *
 * @module
 */
import { parseJsonl } from "../jsonl.ts";
import { MemoryEventStore } from "../memory_event_store.ts";
import { replay } from "../replay.ts";
import { SqliteEventStore } from "../sqlite_event_store.ts";
import type { EventStore } from "../event_store.ts";
import { timeline } from "./timeline.ts";

/** Opens a log file: JSONL by extension, SQLite otherwise. */
export function openLog(path: string): EventStore {
  if (path.endsWith(".jsonl")) {
    const store = new MemoryEventStore();
    for (const event of parseJsonl(Deno.readTextFileSync(path))) store.append(event);
    return store;
  }
  return new SqliteEventStore(path);
}

if (import.meta.main) {
  const path = Deno.args[0];
  if (path === undefined) {
    console.error("usage: deno task replay <log.sqlite | log.jsonl>");
    Deno.exit(2);
  }
  const store = openLog(path);
  try {
    for (const line of timeline(store.read(1))) console.log(line);
    const result = replay(store);
    console.log(`\n${result.events} events, ${result.frames.length} frames sent`);
    for (const [id, status] of Object.entries(result.connectors)) {
      console.log(`connector ${id}: ${status}`);
    }
  } finally {
    store.close();
  }
}
