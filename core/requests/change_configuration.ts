/**
 * ChangeConfiguration (Core, OCPP 1.6 §5.3), checked against the registry of
 * `configuration_keys.ts`:
 *
 * 1. A key that does not exist (unknown, of a profile not in SupportedFeatureProfiles, or an
 *    optional key the charge point does not announce) → `NotSupported`.
 * 2. A read-only key (or a vendor key the firmware configured) → `Rejected`.
 * 3. An invalid value → `Rejected`, the reason in a note (never the value of a secret).
 * 4. A key whose change needs a reboot → `RebootRequired`: the value is stored with the changes
 *    that survive a restart but not put into effect; the next `ChargePointStarted` merges it.
 *    GetConfiguration reports the value in effect until then. `SecurityProfile` is an upgrade
 *    applied by reconnecting (`security/profile_change.ts`): `Accepted` or `Rejected`.
 * 5. When the firmware provides `configurationKeyChanged(key, value)`, it decides (the keys it
 *    applies, LightIntensity, ConnectorPhaseRotation..., may need a reboot or be out of its
 *    reach): the answer waits for its result, `Accepted` (or nothing) → 6, `RebootRequired` → the
 *    value is kept for the next start as in 4, `Rejected`, a throw or anything else → `Rejected`
 *    (logged at warn), nothing changes.
 * 6. Otherwise `Accepted`: the normalised value is in effect at once and kept across restarts,
 *    and its side effect is applied: HeartbeatInterval re-arms the heartbeat from now (when
 *    registered), MeterValueSampleInterval the sampling of running transactions (still anchored
 *    at their start, see `metering.ts`), ClockAlignedDataInterval the clock-aligned timer,
 *    WebSocketPingInterval the ping from now (when connected); ConnectionTimeOut calls
 *    `setConnectionTimeout(seconds)`. The other keys are read where they are used.
 *
 * A reboot-required registry key calls `configurationKeyChanged(key, value)` after answering
 * (its answer is `RebootRequired` whatever the firmware says).
 *
 * `AuthorizationKey` is write-only and secret. The fold sees only its masked value (the shell
 * masks it before the frame is logged, see `secrets.ts`), validates it (the mask keeps the
 * answer), never stores it, and calls `configurationKeyChanged("AuthorizationKey", "********")`;
 * on that call the shell takes the real value as the Basic-auth password of the next
 * connection. Under security profiles 1 and 2 the charge point then reconnects with it.
 *
 * @module
 */
import type { Draft } from "../draft.ts";
import {
  type ConfigurationKeyDefinition,
  findConfigurationKey,
  keyExists,
  validateConfigurationValue,
} from "../configuration_keys.ts";
import { REDACTED } from "../secrets.ts";
import { meteringConfigChanged } from "../metering.ts";
import { armHeartbeat, armPing } from "../link_timers.ts";
import { type CallbackOutcome, defineRequest, type RequestHandler } from "./request_handler.ts";
import type { PendingCallback } from "../state.ts";
import {
  authorizationKeyChanged,
  requestSecurityProfile,
  resumeSecurityProfile,
} from "../security/profile_change.ts";

/** What changes at once when an accepted key changes. */
function applyChange(d: Draft, key: ConfigurationKeyDefinition, value: string): void {
  switch (key.name) {
    case "HeartbeatInterval":
      if (d.state.registration === "Accepted" && d.state.link === "Open") armHeartbeat(d);
      return;
    case "MeterValueSampleInterval":
    case "ClockAlignedDataInterval":
      meteringConfigChanged(d, key.name);
      return;
    case "WebSocketPingInterval":
      if (d.state.link === "Open") armPing(d);
      return;
    case "ConnectionTimeOut":
      d.callback("setConnectionTimeout", Number(value));
      return;
  }
}

/** Keeps `value` of `key` for the next start and answers `RebootRequired`. */
function keepForRestart(d: Draft, messageId: string, key: string, value: string): void {
  d.set({ configChanges: { ...d.state.configChanges, [key]: value } });
  d.note(`ChangeConfiguration ${key}=${value}: effective after a restart`);
  d.reply(messageId, { status: "RebootRequired" });
}

/** Puts `value` of `key` in effect now, answers `Accepted` and applies its side effect. */
function accept(d: Draft, messageId: string, key: ConfigurationKeyDefinition, value: string): void {
  d.setConfig({ [key.name]: value });
  d.reply(messageId, { status: "Accepted" });
  applyChange(d, key, value);
}

/** The firmware's `configurationKeyChanged` answered: its result decides (see step 5). */
function firmwareDecided(d: Draft, pending: PendingCallback, outcome: CallbackOutcome): void {
  const name = String(pending.context.key);
  const value = String(pending.context.value);
  const key = findConfigurationKey(name);
  const result = outcome.ok ? outcome.result : undefined;
  if (key !== undefined && outcome.ok && (result === undefined || result === "Accepted")) {
    accept(d, pending.messageId, key, value);
    return;
  }
  if (outcome.ok && result === "RebootRequired") {
    keepForRestart(d, pending.messageId, name, value);
    return;
  }
  d.warn(
    `ChangeConfiguration ${name}=${JSON.stringify(value)} rejected by the firmware: ${
      outcome.ok ? `configurationKeyChanged answered ${JSON.stringify(result)}` : outcome.error
    }`,
  );
  d.reply(pending.messageId, { status: "Rejected" });
}

/**
 * Handler of ChangeConfiguration.
 *
 * @example
 * ```ts ignore
 * import { changeConfigurationRequest } from "./change_configuration.ts";
 * console.log(typeof changeConfigurationRequest.handle); // "function"
 * ```
 */
export const changeConfigurationRequest: RequestHandler<"ChangeConfiguration"> = defineRequest(
  "ChangeConfiguration",
  {
    handle(d, id, request) {
      const config = d.state.config;
      const key = findConfigurationKey(request.key);
      if (key === undefined) {
        const lower = request.key.toLowerCase();
        if (Object.keys(config).some((k) => k.toLowerCase() === lower)) {
          d.note(`ChangeConfiguration ${request.key} rejected: a vendor key, read-only`);
          d.reply(id, { status: "Rejected" });
        } else {
          d.note(`ChangeConfiguration ${request.key}: NotSupported (unknown key)`);
          d.reply(id, { status: "NotSupported" });
        }
        return;
      }
      if (!keyExists(key, config)) {
        d.note(`ChangeConfiguration ${key.name}: NotSupported (profile or optional key absent)`);
        d.reply(id, { status: "NotSupported" });
        return;
      }
      if (key.access === "ReadOnly") {
        d.warn(`ChangeConfiguration ${key.name} rejected: read-only`);
        d.reply(id, { status: "Rejected" });
        return;
      }
      const checked = validateConfigurationValue(key, request.value, {
        connectors: d.state.connectors.length - 1,
        config,
        pending: d.state.configChanges,
      });
      if (!checked.ok) {
        const shown = key.secret ? "" : `=${JSON.stringify(request.value)}`;
        d.warn(`ChangeConfiguration ${key.name}${shown} rejected: ${checked.reason}`);
        d.reply(id, { status: "Rejected" });
        return;
      }
      if (key.secret) {
        d.reply(id, { status: "Accepted" });
        d.callback("configurationKeyChanged", key.name, REDACTED);
        authorizationKeyChanged(d);
        return;
      }
      if (key.name === "SecurityProfile") {
        // Upgrade by reconnecting, after a check of the prerequisites (security/profile_change.ts).
        requestSecurityProfile(d, id, Number(checked.value));
        return;
      }
      if (key.rebootRequired) {
        keepForRestart(d, id, key.name, checked.value);
        if (d.hasCallback("configurationKeyChanged")) {
          d.callback("configurationKeyChanged", key.name, checked.value);
        }
        return;
      }
      if (d.hasCallback("configurationKeyChanged")) {
        d.awaitCallback(
          {
            callback: "configurationKeyChanged",
            messageId: id,
            action: "ChangeConfiguration",
            context: { key: key.name, value: checked.value },
          },
          key.name,
          checked.value,
        );
        return;
      }
      accept(d, id, key, checked.value);
    },
    resume(d, pending, outcome) {
      if (pending.callback === "configurationKeyChanged") firmwareDecided(d, pending, outcome);
      else if (pending.context.key === "SecurityProfile") {
        resumeSecurityProfile(d, pending, outcome);
      }
    },
  },
);
