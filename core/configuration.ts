/**
 * Configuration keys the core reads, with their defaults. Values are OCPP strings. The defaults
 * come from the registry of every key (`configuration_keys.ts`, documented in CONFIGURATION.md).
 *
 * @module
 */
import { CONFIGURATION_KEYS, registryDefaults } from "./configuration_keys.ts";

/**
 * Defaults of the configuration keys (from the registry). The constructor's `configuration`
 * overrides them, and values changed later (and recorded in the log) override both.
 *
 * @example
 * ```ts
 * import { DEFAULT_CONFIGURATION } from "./configuration.ts";
 * console.log(DEFAULT_CONFIGURATION.HeartbeatInterval); // "300"
 * ```
 */
export const DEFAULT_CONFIGURATION: Readonly<Record<string, string>> = Object.freeze(
  registryDefaults(),
);

/** Keys whose values are secrets: never written to the event log, GetConfiguration or logs. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(
  CONFIGURATION_KEYS.filter((k) => k.secret).map((k) => k.name),
);

/**
 * Reads an integer key; returns `fallback` when the value is missing or not a non-negative integer.
 *
 * @example
 * ```ts
 * import { intKey } from "./configuration.ts";
 * console.log(intKey({ HeartbeatInterval: "60" }, "HeartbeatInterval", 300)); // 60
 * ```
 */
export function intKey(
  config: Readonly<Record<string, string>>,
  key: string,
  fallback: number,
): number {
  const raw = config[key];
  if (raw === undefined || !/^\s*\d+\s*$/.test(raw)) return fallback;
  return Number.parseInt(raw, 10);
}

/**
 * Reads a boolean key (`"true"`/`"false"`, any case); returns `fallback` otherwise.
 *
 * @example
 * ```ts
 * import { boolKey } from "./configuration.ts";
 * console.log(boolKey({ LocalPreAuthorize: "TRUE" }, "LocalPreAuthorize", false)); // true
 * ```
 */
export function boolKey(
  config: Readonly<Record<string, string>>,
  key: string,
  fallback: boolean,
): boolean {
  const raw = config[key]?.trim().toLowerCase();
  if (raw === "true") return true;
  if (raw === "false") return false;
  return fallback;
}
