/**
 * Configuration keys the core reads, with their defaults. Values are OCPP strings. The defaults
 * come from the registry of every key (`configuration_keys.ts`, documented in CONFIGURATION.md).
 *
 * @module
 */
import {
  canonicalConfiguration,
  CONFIGURATION_KEYS,
  effectiveFeatureProfiles,
  registryDefaults,
} from "./configuration_keys.ts";

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

/**
 * The configuration in effect from a start on: the defaults, the constructor's `configuration`
 * (keys spelled as the registry spells them), the changes kept in the log, and the
 * `SupportedFeatureProfiles` the charge point can serve with the callbacks it has (see
 * `effectiveFeatureProfiles`); `dropped` are the configured profiles it cannot serve.
 *
 * @example
 * ```ts
 * import { configurationAtStart } from "./configuration.ts";
 * const { config, dropped } = configurationAtStart(
 *   { SupportedFeatureProfiles: "Core,SmartCharging" },
 *   { HeartbeatInterval: "60" },
 *   [],
 * );
 * console.log(config.SupportedFeatureProfiles, config.HeartbeatInterval, dropped);
 * // "Core" "60" ["SmartCharging"]
 * ```
 */
export function configurationAtStart(
  configuration: Readonly<Record<string, string>>,
  changes: Readonly<Record<string, string>>,
  callbacks: readonly string[],
): { readonly config: Record<string, string>; readonly dropped: readonly string[] } {
  const given = canonicalConfiguration(configuration);
  const profiles = effectiveFeatureProfiles(given.SupportedFeatureProfiles, callbacks);
  return {
    config: {
      ...DEFAULT_CONFIGURATION,
      ...given,
      ...changes,
      SupportedFeatureProfiles: profiles.value,
    },
    dropped: profiles.dropped,
  };
}

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
  if (raw === undefined) return fallback;
  // Plain digits (what the charge point itself writes), read without a regular expression.
  let value = 0;
  for (let i = 0; i < raw.length && i < 15; i++) {
    const digit = raw.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
    if (i === raw.length - 1) return value;
  }
  if (!/^\s*\d+\s*$/.test(raw)) return fallback;
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
