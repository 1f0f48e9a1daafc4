import assert from "node:assert/strict";
import { replay } from "../../core/replay.ts";
import { fold } from "../../core/step.ts";
import type { ChargePointEvent } from "../../events/mod.ts";
import { generateSessionLog } from "../bench/session_log.ts";

Deno.test("replay: the frames are exactly the fold's, in order, over many batches of frame text", async () => {
  const log = await generateSessionLog({ targetEvents: 6_000 });
  const events = [...log.store.read(1)] as ChargePointEvent[];
  const expected = fold(events).frames;
  const perEvent: string[] = [];
  const result = replay(log.store, { onEvent: (_e, _s, frames) => perEvent.push(...frames) });
  const chars = expected.reduce((n, f) => n + f.length, 0);
  assert.ok(chars > 10 * 64 * 1024, `${chars} characters: several batches`);
  assert.equal(result.frames.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.equal(result.frames[i], expected[i], `frame ${i}`);
  }
  assert.deepEqual(perEvent, expected);
  assert.equal(result.events, events.length);
  assert.equal(JSON.stringify(result.frames), JSON.stringify(expected));
});
