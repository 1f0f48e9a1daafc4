/**
 * CONFIGURATION.md is generated from the registry (`deno task docs`) and must be up to date.
 */
import assert from "node:assert/strict";
import {
  CONFIGURATION_MD,
  configurationDocument,
  configurationMarkdown,
} from "../../core/cli/config_table.ts";
import { CONFIGURATION_KEYS } from "../../core/configuration_keys.ts";

Deno.test("CONFIGURATION.md is up to date with the registry (run `deno task docs`)", async () => {
  const committed = await Deno.readTextFile(CONFIGURATION_MD);
  assert.equal(committed, await configurationDocument(), "run `deno task docs`");
});

Deno.test("CONFIGURATION.md has one row per key with its default and access", () => {
  const text = configurationMarkdown();
  for (const key of CONFIGURATION_KEYS) {
    const row = text.split("\n").find((line) => line.startsWith(`| ${key.name} |`));
    assert.ok(row !== undefined, key.name);
    assert.ok(row.includes(`| ${key.access} |`), key.name);
    if (key.default !== undefined && key.default !== "") {
      assert.ok(row.includes(`\`${key.default}\``), key.name);
    }
  }
});
