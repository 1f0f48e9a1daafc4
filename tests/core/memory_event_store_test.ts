import { strictEqual as equal } from "node:assert/strict";
import { MemoryEventStore } from "../../core/memory_event_store.ts";
import { eventAt, runEventStoreContract } from "./event_store_contract.ts";

runEventStoreContract(
  "MemoryEventStore",
  () => Promise.resolve({ store: new MemoryEventStore(), cleanup: () => Promise.resolve() }),
);

Deno.test("MemoryEventStore: read(fromSeq) starts in O(1), not with a scan", () => {
  const store = new MemoryEventStore();
  const n = 200_000;
  for (let seq = 1; seq <= n; seq++) store.append(eventAt(seq, null));
  // 10 000 reads of the last event: a scan would visit 2e9 events.
  const started = performance.now();
  for (let i = 0; i < 10_000; i++) {
    for (const e of store.read(n)) equal(e.seq, n);
  }
  const elapsed = performance.now() - started;
  store.close();
  equal(elapsed < 2_000, true, `10 000 reads of the tail took ${elapsed} ms`);
});
