import assert from "node:assert/strict";
import { Draft } from "../../core/draft.ts";
import { initialState } from "../../core/state.ts";

const ID = "01JD0000000000000000000000";

Deno.test("Draft effects: lists start as one shared frozen empty list, each grows on its own", () => {
  const a = new Draft(initialState(), ID, 0);
  const b = new Draft(initialState(), ID, 0);
  assert.ok(Object.isFrozen(a.effects.frames));
  assert.equal(a.effects.notes, b.effects.notes);
  a.note("first");
  a.note("second");
  a.send('[2,"x","Heartbeat",{}]');
  a.answer({ ref: "r", value: 1 });
  a.raise({ type: "T", data: {} });
  a.warn("careful");
  assert.deepEqual(a.effects.notes, ["first", "second"]);
  assert.deepEqual(a.effects.frames, ['[2,"x","Heartbeat",{}]']);
  assert.deepEqual(a.effects.answers, [{ ref: "r", value: 1 }]);
  assert.deepEqual(a.effects.raise, [{ type: "T", data: {} }]);
  assert.deepEqual(a.effects.warnings, ["careful"]);
  // The other draft's lists (and the shared empty one) are untouched.
  for (const list of Object.values(b.effects).filter(Array.isArray)) assert.equal(list.length, 0);
});

Deno.test("Draft now: an ISO time is parsed when first read, a number is taken as is", () => {
  assert.equal(new Draft(initialState(), ID, "2026-01-01T00:00:01.500Z").now, 1767225601500);
  assert.equal(new Draft(initialState(), ID, 42).now, 42);
  assert.ok(Number.isNaN(new Draft(initialState(), ID, "not a time").now));
});

Deno.test("Draft state: copied once, before the first change; the given state is never changed", () => {
  const given = Object.freeze(initialState());
  const d = new Draft(given, ID, 0);
  d.set({ bootDue: true });
  const own = d.state;
  assert.notEqual(own, given);
  d.set({ running: true });
  d.setTimer("t", 5);
  d.clearTimer("t");
  assert.equal(d.state, own, "changed in place after the first copy");
  assert.equal(given.bootDue, initialState().bootDue);
  assert.equal(given.running, initialState().running);
  assert.deepEqual(given.timers, {});
  assert.equal(d.state.bootDue, true);
  assert.equal(d.state.running, true);
});
