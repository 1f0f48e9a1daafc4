import assert from "node:assert/strict";
import { EVENT_SCHEMAS, isEventType } from "../../events/mod.ts";

Deno.test("isEventType: every type of the vocabulary and nothing else (not even Object's keys)", () => {
  for (const type of Object.keys(EVENT_SCHEMAS)) assert.ok(isEventType(type), type);
  for (
    const other of ["", "Bogus", "meterValuesMeasured", "toString", "constructor", "__proto__"]
  ) {
    assert.equal(isEventType(other), false, other);
  }
});
