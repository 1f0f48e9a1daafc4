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
 * 5. Otherwise `Accepted`: the normalised value is in effect at once and kept across restarts,
 *    and its side effect is applied: HeartbeatInterval re-arms the heartbeat from now (when
 *    registered), MeterValueSampleInterval the sampling of running transactions (still anchored
 *    at their start, see `metering.ts`), ClockAlignedDataInterval the clock-aligned timer,
 *    WebSocketPingInterval the ping from now (when connected); ConnectionTimeOut calls
 *    `setConnectionTimeout(seconds)`. The other keys are read where they are used.
 *
 * Every accepted or reboot-required change calls `configurationKeyChanged(key, value)`.
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
import { defineRequest, type RequestHandler } from "./request_handler.ts";
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
        d.set({ configChanges: { ...d.state.configChanges, [key.name]: checked.value } });
        d.note(`ChangeConfiguration ${key.name}=${checked.value}: effective after a restart`);
        d.reply(id, { status: "RebootRequired" });
        d.callback("configurationKeyChanged", key.name, checked.value);
        return;
      }
      d.setConfig({ [key.name]: checked.value });
      d.reply(id, { status: "Accepted" });
      applyChange(d, key, checked.value);
      d.callback("configurationKeyChanged", key.name, checked.value);
    },
    resume(d, pending, outcome) {
      if (pending.context.key === "SecurityProfile") resumeSecurityProfile(d, pending, outcome);
    },
  },
);
