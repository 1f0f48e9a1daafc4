import { strictEqual } from "node:assert/strict";
import fc from "fast-check";
import { formatIso, parseIso } from "../../core/iso_time.ts";

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the four-digit years. */
const FIRST = -62_167_219_200_000;
const LAST = 253_402_300_799_999;

Deno.test("formatIso: the text of toISOString for every millisecond of years 0..9999", () => {
  fc.assert(
    fc.property(fc.integer({ min: FIRST, max: LAST }), (ms) => {
      strictEqual(formatIso(ms), new Date(ms).toISOString());
    }),
    { numRuns: 20_000 },
  );
  for (const ms of [FIRST, LAST, 0, -1, 951_782_400_000, /* 2000-02-29 */ 1_767_225_599_999]) {
    strictEqual(formatIso(ms), new Date(ms).toISOString());
  }
});

Deno.test("formatIso: consecutive times across day boundaries (the cached day) stay right", () => {
  const day = 86_400_000;
  let ms = 1_767_225_600_000 - 5 * day;
  for (let i = 0; i < 2_000; i++) {
    strictEqual(formatIso(ms), new Date(ms).toISOString());
    ms += (i % 7) * 3_600_000 + (i % 3) * 999 - 1; // forwards, sometimes back over midnight
    if (i % 11 === 0) ms -= day;
  }
});

Deno.test("formatIso: outside years 0..9999, fractions and invalid times, as Date does", () => {
  for (const ms of [FIRST - 1, LAST + 1, 8.64e15, -8.64e15, 1.5]) {
    strictEqual(formatIso(ms), new Date(ms).toISOString());
  }
  let threw = false;
  try {
    formatIso(NaN);
  } catch (error) {
    threw = error instanceof RangeError;
  }
  strictEqual(threw, true);
});

Deno.test("parseIso: the result of Date.parse for the canonical form and round-trips formatIso", () => {
  fc.assert(
    fc.property(fc.integer({ min: FIRST, max: LAST }), (ms) => {
      strictEqual(parseIso(formatIso(ms)), ms);
    }),
    { numRuns: 20_000 },
  );
});

Deno.test("parseIso: impossible dates, other forms and garbage go the way of Date.parse", () => {
  const texts = [
    "2026-02-29T00:00:00.000Z", // not a leap year
    "2024-02-29T00:00:00.000Z",
    "2026-04-31T00:00:00.000Z",
    "2026-13-01T00:00:00.000Z",
    "2026-00-10T00:00:00.000Z",
    "2026-01-01T24:00:00.000Z",
    "2026-01-01T23:60:00.000Z",
    "2026-01-01T23:59:60.000Z",
    "2026-01-01T12:00:00.000+01:00",
    "2026-01-01T12:00:00Z",
    "2026-01-01T12:00:00.1234Z",
    "2026-01-01",
    "+002026-01-01T00:00:00.000Z",
    "2026-01-01T1a:00:00.000Z",
    "2026-01-01 12:00:00.000Z",
    "",
    "not a date at all, 24 ch",
  ];
  for (const text of texts) strictEqual(parseIso(text), Date.parse(text), text);
  // Any 24-character text with the separators in place: digits or not.
  const char = fc.constantFrom(..."0123456789 a+-:.TZ/");
  fc.assert(
    fc.property(fc.array(char, { minLength: 24, maxLength: 24 }), (chars) => {
      const text = Object.assign([...chars], { 4: "-", 7: "-", 10: "T", 13: ":", 16: ":" })
        .join("");
      const stamped = `${text.slice(0, 19)}.${text.slice(20, 23)}Z`;
      strictEqual(parseIso(stamped), Date.parse(stamped), stamped);
    }),
    { numRuns: 5_000 },
  );
});
