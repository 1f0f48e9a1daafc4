import { strictEqual } from "node:assert/strict";
import fc from "fast-check";
import { intKey } from "../../core/configuration.ts";

Deno.test("intKey: the digits of a plain or space-padded decimal, else the fallback (any text)", () => {
  const reference = (raw: string | undefined, fallback: number) =>
    raw === undefined || !/^\s*\d+\s*$/.test(raw) ? fallback : Number.parseInt(raw, 10);
  const text = fc.oneof(
    fc.stringMatching(/^\d{1,20}$/),
    fc.stringMatching(/^\s*\d{0,17}\s*$/),
    fc.string({ maxLength: 20 }),
    fc.constantFrom("", "-1", "1.5", "1e3", "0x10", "٣", "007", " 42 ", "99999999999999999999"),
  );
  fc.assert(
    fc.property(fc.option(text, { nil: undefined }), fc.integer(), (raw, fallback) => {
      const config: Record<string, string> = raw === undefined ? {} : { K: raw };
      strictEqual(intKey(config, "K", fallback), reference(raw, fallback), JSON.stringify(raw));
    }),
    { numRuns: 10_000 },
  );
});
