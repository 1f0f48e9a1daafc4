/**
 * The library's log memory (`LogRing`): bounded, time-stamped, oldest first, properties made
 * plain text; every line still reaches the user's logger.
 */
import assert from "node:assert/strict";
import { type Logger, LogRing } from "../../core/logger.ts";

Deno.test("LogRing keeps the last lines, time-stamped, oldest first, and passes every line on", () => {
  const passed: string[] = [];
  const inner: Logger = {
    debug: (m) => void passed.push(`debug ${m}`),
    info: (m) => void passed.push(`info ${m}`),
    warn: (m) => void passed.push(`warn ${m}`),
    error: (m) => void passed.push(`error ${m}`),
  };
  let now = Date.parse("2026-01-01T00:00:00Z");
  const ring = new LogRing(inner, () => now, 3);
  for (let i = 1; i <= 5; i++) {
    ring.info(`line ${i}`);
    now += 1000;
  }
  assert.deepEqual(ring.lines().map((l) => [l.at, l.message]), [
    ["2026-01-01T00:00:02.000Z", "line 3"],
    ["2026-01-01T00:00:03.000Z", "line 4"],
    ["2026-01-01T00:00:04.000Z", "line 5"],
  ]);
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  ring.error("failed", { error: new RangeError("bad"), seq: 7, text: "t", circular });
  ring.debug("d");
  ring.warn("w");
  assert.deepEqual(ring.lines().map((l) => [l.level, l.message, l.properties]), [
    ["error", "failed", {
      error: "RangeError: bad",
      seq: "7",
      text: "t",
      circular: "[object Object]",
    }],
    ["debug", "d", undefined],
    ["warn", "w", undefined],
  ]);
  assert.deepEqual(passed, [
    "info line 1",
    "info line 2",
    "info line 3",
    "info line 4",
    "info line 5",
    "error failed",
    "debug d",
    "warn w",
  ]);
});
