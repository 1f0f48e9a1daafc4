/**
 * ChangeConfiguration of `SecurityProfile` and `AuthorizationKey` (Security Whitepaper A05, A01),
 * called by `requests/change_configuration.ts` once the value passed the registry's validation.
 *
 * - SecurityProfile: a value lower than or equal to the current one is `Rejected` (A05.FR.01),
 *   as is a change while another is being applied. Otherwise the `checkSecurityProfile(profile)`
 *   callback checks the prerequisites (A05.FR.02..04: AuthorizationKey for 1/2,
 *   CentralSystemRootCertificate for 2/3, charge point certificate for 3, a URL of the right
 *   scheme); its `{ ok, reason? }` decides `Accepted` or `Rejected`. Accepted, the charge point
 *   reconnects with the new profile and falls back when that fails (see `profile.ts`).
 * - AuthorizationKey: accepted (the shell keeps the real value), `ReconfigurationOfSecurityParameters`
 *   is raised (A01.FR.11: logged without the key), and under profiles 1 and 2 the charge point
 *   reconnects with the new password.
 *
 * @module
 */
import type { Draft } from "../draft.ts";
import { raiseSecurityEvent } from "../connector_reducer.ts";
import type { PendingCallback } from "../state.ts";
import type { CallbackOutcome } from "../requests/request_handler.ts";
import { beginSecurityTransition, currentProfile, type SecurityProfileNumber } from "./profile.ts";

/**
 * Handles a valid ChangeConfiguration of SecurityProfile (see the module documentation).
 *
 * @example
 * ```ts ignore
 * requestSecurityProfile(d, messageId, 2);
 * ```
 */
export function requestSecurityProfile(d: Draft, messageId: string, profile: number): void {
  const current = currentProfile(d.state.config);
  if (profile <= current) {
    d.note(`ChangeConfiguration SecurityProfile=${profile} rejected: not higher than ${current}`);
    d.reply(messageId, { status: "Rejected" });
    return;
  }
  if (d.state.securityTransition !== undefined) {
    d.note(
      `ChangeConfiguration SecurityProfile=${profile} rejected: a security change is under way`,
    );
    d.reply(messageId, { status: "Rejected" });
    return;
  }
  if (!d.hasCallback("checkSecurityProfile")) {
    d.note(`ChangeConfiguration SecurityProfile=${profile} rejected: prerequisites unknown`);
    d.reply(messageId, { status: "Rejected" });
    return;
  }
  d.awaitCallback(
    {
      callback: "checkSecurityProfile",
      messageId,
      action: "ChangeConfiguration",
      context: { key: "SecurityProfile", profile },
    },
    profile,
  );
}

/**
 * The prerequisites of a SecurityProfile change were checked: answers and starts the upgrade.
 *
 * @example
 * ```ts ignore
 * resumeSecurityProfile(d, pending, { ok: true, result: { ok: true } });
 * ```
 */
export function resumeSecurityProfile(
  d: Draft,
  pending: PendingCallback,
  outcome: CallbackOutcome,
): void {
  const profile = Number(pending.context.profile) as SecurityProfileNumber;
  const result = outcome.ok && typeof outcome.result === "object" && outcome.result !== null
    ? outcome.result as { ok?: unknown; reason?: unknown }
    : undefined;
  if (result?.ok !== true) {
    const why = outcome.ok ? String(result?.reason ?? "prerequisites not met") : outcome.error;
    d.note(`ChangeConfiguration SecurityProfile=${profile} rejected: ${why}`);
    d.reply(pending.messageId, { status: "Rejected" });
    return;
  }
  if (profile <= currentProfile(d.state.config) || d.state.securityTransition !== undefined) {
    d.note(
      `ChangeConfiguration SecurityProfile=${profile} rejected: the profile changed meanwhile`,
    );
    d.reply(pending.messageId, { status: "Rejected" });
    return;
  }
  d.reply(pending.messageId, { status: "Accepted" });
  beginSecurityTransition(d, "SecurityProfile", profile);
}

/**
 * An AuthorizationKey change was accepted (see the module documentation).
 *
 * @example
 * ```ts ignore
 * authorizationKeyChanged(d);
 * ```
 */
export function authorizationKeyChanged(d: Draft): void {
  raiseSecurityEvent(d, "ReconfigurationOfSecurityParameters", "AuthorizationKey changed");
  const profile = currentProfile(d.state.config);
  if ((profile === 1 || profile === 2) && d.state.securityTransition === undefined) {
    beginSecurityTransition(d, "AuthorizationKey", profile);
  }
}
