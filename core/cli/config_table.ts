/**
 * `deno task docs`: writes `CONFIGURATION.md`, the table of every configuration key, from the
 * registry (`core/configuration_keys.ts`), formatted with `deno fmt` so the committed file is
 * stable under `deno task fmt`. A test checks the committed file is up to date.
 *
 * @module
 */
import {
  CONFIGURATION_KEYS,
  type ConfigurationKeyDefinition,
  MAX_INTEGER,
  SUPPORTED_FEATURE_PROFILES,
} from "../configuration_keys.ts";

/**
 * Path of the generated file, relative to the repository root.
 *
 * @example
 * ```ts
 * import { CONFIGURATION_MD } from "./config_table.ts";
 * console.log(CONFIGURATION_MD.pathname.endsWith("/CONFIGURATION.md")); // true
 * ```
 */
export const CONFIGURATION_MD = new URL("../../CONFIGURATION.md", import.meta.url);

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function code(text: string): string {
  return text === "" ? '`""` (empty)' : `\`${text}\``;
}

function defaultOf(key: ConfigurationKeyDefinition): string {
  if (key.derived === "connectors") return "number of connectors";
  if (key.default === undefined) return "— (absent)";
  return code(key.default);
}

function valuesOf(key: ConfigurationKeyDefinition): string {
  const parts: string[] = [];
  switch (key.type) {
    case "integer": {
      const min = key.min ?? 0;
      const max = key.max ?? MAX_INTEGER;
      parts.push(max === MAX_INTEGER ? `≥ ${min}` : `${min}..${max}`);
      break;
    }
    case "boolean":
      parts.push("`true`, `false`");
      break;
    case "measurandList":
      parts.push("OCPP 1.6 measurands");
      break;
    case "stringList":
      if (key.allowed !== undefined) parts.push(key.allowed.map((a) => `\`${a}\``).join(", "));
      break;
    case "string":
      if (key.allowed !== undefined) parts.push(key.allowed.map((a) => `\`${a}\``).join(", "));
      else if (key.constraint === undefined && key.max !== undefined) {
        parts.push(`at most ${key.max} characters`);
      }
      break;
  }
  if (key.constraint !== undefined) parts.push(key.constraint);
  if (key.type === "measurandList" || key.type === "stringList") {
    const limit = CONFIGURATION_KEYS.find((k) => k.name === `${key.name}MaxLength`);
    if (limit !== undefined) parts.push(`at most ${limit.name} items`);
  }
  return parts.join("; ");
}

const TYPE_NAMES: Readonly<Record<ConfigurationKeyDefinition["type"], string>> = {
  integer: "integer",
  boolean: "boolean",
  string: "string",
  measurandList: "CSL of measurands",
  stringList: "CSL",
};

/**
 * The text of CONFIGURATION.md before formatting.
 *
 * @example
 * ```ts
 * import { configurationMarkdown } from "./config_table.ts";
 * console.log(configurationMarkdown().includes("| HeartbeatInterval |")); // true
 * ```
 */
export function configurationMarkdown(): string {
  const lines = [
    "# Configuration keys",
    "",
    "<!-- Generated from core/configuration_keys.ts by `deno task docs`; do not edit. -->",
    "",
    "Every configuration key the charge point knows: the standard keys of OCPP 1.6 edition 2 §9,",
    "the keys of the OCPP 1.6 Security Whitepaper, and the implementation keys of this library.",
    "Values are strings. The constructor's `configuration` overrides the defaults; values the",
    "central system changes (ChangeConfiguration) or the BootNotification interval override both",
    "and are kept across restarts (they are in the event log).",
    "",
    "- **Names are case-insensitive** (`WebsocketPingInterval` is `WebSocketPingInterval`); the",
    "  spelling below is the one GetConfiguration reports.",
    "- **A key exists** when its profile is supported and it is required or has a value. Core,",
    "  Security and Implementation keys are always supported; the others when their profile is in",
    `  \`SupportedFeatureProfiles\` (default \`${SUPPORTED_FEATURE_PROFILES}\`, what the library`,
    "  implements, plus FirmwareManagement when `updateFirmware` or `uploadDiagnostics` is",
    "  provided; SmartCharging is not implemented, so its keys are unknown; a configured list can",
    "  only leave profiles out). An optional key without a value is absent",
    "  (the firmware announces e.g. `LightIntensity` by configuring it). A key that does not exist",
    "  is in GetConfiguration's `unknownKey` and ChangeConfiguration answers `NotSupported`.",
    "- **Access**: changing a `ReadOnly` key is `Rejected`; `WriteOnly` keys are never reported.",
    "  Keys the firmware configures that are not listed here are reported read-only.",
    "- **Validation**: a value of the wrong type or range is `Rejected`. Accepted values are",
    "  normalised (integers without leading zeros, booleans in lower case, list items trimmed).",
    "  A CSL with a `<Key>MaxLength` key configured may not have more items.",
    "- **Reboot**: a change of a key marked yes is answered `RebootRequired`; the value is kept",
    "  and takes effect at the next start. A valid change of any other key goes to the firmware's",
    "  `configurationKeyChanged(key, value)` when it provides one, and its result is the answer:",
    "  nothing or `Accepted` (in effect now), `RebootRequired` (kept for the next start) or",
    "  `Rejected` (unchanged).",
    "- **GetConfigurationMaxKeys**: a GetConfiguration asking for more keys is answered with the",
    "  CALLERROR `OccurenceConstraintViolation`.",
    "- **AuthorizationKey** is a secret: the shell masks it in the logged frame (each hex digit",
    "  becomes `0`, any other character `*`, which keeps the validation's answer), keeps it in",
    "  memory as the Basic-auth password of the next connection and hands it to",
    "  `security.authorizationKeyChanged` to be stored. It never appears in GetConfiguration, the",
    "  log, notes or callbacks (`configurationKeyChanged` gets `********`).",
    "",
    "| Key | Profile | Type | Unit | Access | Reboot | Default | Values | Description |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const key of CONFIGURATION_KEYS) {
    const row = [
      key.name,
      key.profile,
      TYPE_NAMES[key.type],
      key.unit ?? "",
      key.access,
      key.rebootRequired ? "yes" : "no",
      defaultOf(key),
      valuesOf(key),
      key.description,
    ];
    lines.push(`| ${row.map(cell).join(" | ")} |`);
  }
  lines.push("");
  return lines.join("\n");
}

/**
 * Formats Markdown with `deno fmt` (the repository's settings), as `deno task fmt` would.
 * Throws when `deno fmt` fails or takes more than `timeoutMs`.
 *
 * @example
 * ```ts ignore
 * import { formatMarkdown } from "./config_table.ts";
 * console.log(await formatMarkdown("#  Title\n")); // "# Title\n"
 * ```
 */
export async function formatMarkdown(text: string, timeoutMs = 30_000): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext=md", "-"],
    cwd: new URL("../../", import.meta.url),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeoutMs),
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  if (code !== 0) {
    throw new Error(`deno fmt failed (${code}): ${new TextDecoder().decode(stderr)}`);
  }
  return new TextDecoder().decode(stdout);
}

/**
 * The formatted content of CONFIGURATION.md.
 *
 * @example
 * ```ts ignore
 * import { configurationDocument } from "./config_table.ts";
 * console.log((await configurationDocument()).startsWith("# Configuration keys")); // true
 * ```
 */
export function configurationDocument(): Promise<string> {
  return formatMarkdown(configurationMarkdown());
}

if (import.meta.main) {
  const text = await configurationDocument();
  await Deno.writeTextFile(CONFIGURATION_MD, text);
  console.log(`wrote ${CONFIGURATION_MD.pathname} (${CONFIGURATION_KEYS.length} keys)`);
}
