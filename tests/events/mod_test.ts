import assert from "node:assert/strict";
import { canonicalType, EVENT_SCHEMAS, isEventType } from "../../events/mod.ts";

Deno.test("isEventType: every type of the vocabulary and nothing else (not even Object's keys)", () => {
  for (const type of Object.keys(EVENT_SCHEMAS)) assert.ok(isEventType(type), type);
  for (
    const other of ["", "Bogus", "meterValuesMeasured", "toString", "constructor", "__proto__"]
  ) {
    assert.equal(isEventType(other), false, other);
  }
});

Deno.test("canonicalType: an event type is given back equal, any other string unchanged", () => {
  for (const type of Object.keys(EVENT_SCHEMAS)) {
    // A copy made from text, as JSON.parse or SQLite give it.
    const parsed = JSON.parse(JSON.stringify(type)) as string;
    assert.equal(canonicalType(parsed), type);
  }
  for (const other of ["", "A", "Bogus", "toString", "__proto__"]) {
    assert.equal(canonicalType(other), other);
  }
});
