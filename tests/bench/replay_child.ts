/**
 * Child process of the replay benchmark: loads a JSONL log (first argument) into a
 * MemoryEventStore and times `replay(store)` after a warm-up run, `repetitions` times (second
 * argument), in a process holding nothing else: the heap a user's replay has (the log and the
 * result), not the benchmark's. Prints one JSON line: `{ "events": n, "ms": [..] }`.
 *
 * @module
 */
import { importJsonl, MemoryEventStore, replay } from "../../mod.ts";

const [path, repetitionsArg] = Deno.args;
const repetitions = Number(repetitionsArg);
if (path === undefined || !Number.isInteger(repetitions) || repetitions < 1) {
  throw new Error("usage: replay_child.ts <log.jsonl> <repetitions>");
}
const store = new MemoryEventStore();
importJsonl(await Deno.readTextFile(path), store);
let events = replay(store).events;
const ms: number[] = [];
for (let i = 0; i < repetitions; i++) {
  const t0 = performance.now();
  events = replay(store).events;
  ms.push(performance.now() - t0);
}
console.log(JSON.stringify({ events, ms }));
