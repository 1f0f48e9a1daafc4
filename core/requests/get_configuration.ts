/**
 * GetConfiguration (Core, OCPP 1.6 §5.8).
 *
 * - No `key` (or an empty list): every key that exists (see `keyExists` in
 *   `configuration_keys.ts`: its profile is supported and it is required or has a value), in
 *   registry order, then the keys the firmware configured that the registry does not know
 *   (vendor keys, reported read-only). Write-only keys (`AuthorizationKey`) are never reported.
 * - Given keys: each existing one in `configurationKey` (`{ key, readonly, value }`, the key
 *   spelled as the registry spells it, `value` omitted when unset), the others in `unknownKey` as
 *   asked. Names are compared case-insensitively (as libocpp does); a key asked twice is
 *   answered once. A write-only key is answered as unknown (it cannot be read).
 * - More keys than `GetConfigurationMaxKeys`: the spec bounds the request but says nothing of
 *   the answer; the charge point answers the CALLERROR `OccurenceConstraintViolation` (the
 *   request violates an occurrence constraint the charge point declared) instead of answering
 *   some keys only.
 * - A value longer than 500 characters (possible only from the constructor) does not fit
 *   `KeyValue.value`: it is omitted, with a note.
 *
 * @module
 */
import type { Draft } from "../draft.ts";
import { intKey } from "../configuration.ts";
import {
  CONFIGURATION_KEYS,
  type ConfigurationKeyDefinition,
  effectiveValue,
  findConfigurationKey,
  keyExists,
} from "../configuration_keys.ts";
import type { KeyValue } from "../ocpp/core_profile.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";

/** Longest `KeyValue.value` (CiString500). */
const MAX_VALUE_LENGTH = 500;

function keyValue(d: Draft, name: string, readonly: boolean, value: string | undefined): KeyValue {
  if (value === undefined) return { key: name, readonly };
  if (value.length > MAX_VALUE_LENGTH) {
    d.note(`GetConfiguration: value of ${name} longer than ${MAX_VALUE_LENGTH} characters omitted`);
    return { key: name, readonly };
  }
  return { key: name, readonly, value };
}

function reportable(key: ConfigurationKeyDefinition, config: Readonly<Record<string, string>>) {
  return key.access !== "WriteOnly" && !key.secret && keyExists(key, config);
}

function registryKeyValue(d: Draft, key: ConfigurationKeyDefinition): KeyValue {
  const value = effectiveValue(key, d.state.config, d.state.connectors.length - 1);
  return keyValue(d, key.name, key.access === "ReadOnly", value);
}

/** Configured keys the registry does not know (firmware/vendor keys), sorted. */
function vendorKeys(config: Readonly<Record<string, string>>): string[] {
  return Object.keys(config).filter((k) => findConfigurationKey(k) === undefined).sort();
}

/**
 * Handler of GetConfiguration.
 *
 * @example
 * ```ts
 * import { getConfigurationRequest } from "./get_configuration.ts";
 * console.log(typeof getConfigurationRequest.handle); // "function"
 * ```
 */
export const getConfigurationRequest: RequestHandler<"GetConfiguration"> = defineRequest(
  "GetConfiguration",
  {
    handle(d, id, request) {
      const config = d.state.config;
      const asked = request.key ?? [];
      if (asked.length === 0) {
        const configurationKey: KeyValue[] = [];
        for (const key of CONFIGURATION_KEYS) {
          if (reportable(key, config)) configurationKey.push(registryKeyValue(d, key));
        }
        for (const name of vendorKeys(config)) {
          configurationKey.push(keyValue(d, name, true, config[name]));
        }
        d.reply(id, { configurationKey });
        return;
      }
      const max = intKey(config, "GetConfigurationMaxKeys", Number.MAX_SAFE_INTEGER);
      if (asked.length > max) {
        d.note(`GetConfiguration refused: ${asked.length} keys asked, at most ${max} allowed`);
        d.replyError(
          id,
          "OccurenceConstraintViolation",
          `${asked.length} keys asked, GetConfigurationMaxKeys is ${max}`,
        );
        return;
      }
      const configurationKey: KeyValue[] = [];
      const unknownKey: string[] = [];
      const answered = new Set<string>();
      for (const name of asked) {
        const lower = name.toLowerCase();
        if (answered.has(lower)) continue;
        answered.add(lower);
        const key = findConfigurationKey(name);
        if (key !== undefined) {
          if (reportable(key, config)) configurationKey.push(registryKeyValue(d, key));
          else unknownKey.push(name);
          continue;
        }
        const vendor = vendorKeys(config).find((k) => k.toLowerCase() === lower);
        if (vendor !== undefined) configurationKey.push(keyValue(d, vendor, true, config[vendor]));
        else unknownKey.push(name);
      }
      d.reply(id, {
        ...(configurationKey.length > 0 ? { configurationKey } : {}),
        ...(unknownKey.length > 0 ? { unknownKey } : {}),
      });
    },
  },
);
