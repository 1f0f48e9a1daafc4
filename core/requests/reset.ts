/**
 * Reset (Core), Soft or Hard: `Accepted` only when the firmware provides `isResetAllowed` and
 * `reset` and `isResetAllowed(type)` answers `true`. After accepting, the security event
 * `ResetOrReboot` is raised and every running transaction is stopped
 * (`stopTransaction(connector, "SoftReset" | "HardReset")`). `reset(type)` is called once no
 * transaction runs and every transaction-related message (StopTransaction, the security event's
 * notification, ...) was delivered, or when `WaitForStopTransactionsOnResetTimeout` seconds
 * (default 60) have passed; what is undelivered then stays in the outbox across the restart.
 *
 * The pending reset is part of the state (`pendingReset`), so replay gives the same decisions;
 * a restart of the process clears it.
 *
 * @module
 */
import type { ChargePointEvent } from "../../events/mod.ts";
import type { Draft } from "../draft.ts";
import { intKey } from "../configuration.ts";
import { raiseSecurityEvent } from "../connector_reducer.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";

/** Timer bounding the wait for transactions to stop before the reset. */
export const TIMER_RESET = "reset";

/** Default bound of the wait for StopTransaction before resetting, in seconds. */
const RESET_WAIT_S = 60;

/**
 * Handler of Reset: asks `isResetAllowed(type)`, answers from its result, then stops the running
 * transactions and resets.
 *
 * @example
 * ```ts
 * import { resetRequest } from "./reset.ts";
 * console.log(typeof resetRequest.resume); // "function"
 * ```
 */
export const resetRequest: RequestHandler<"Reset"> = defineRequest("Reset", {
  handle(d, id, request) {
    if (!d.hasCallback("isResetAllowed") || !d.hasCallback("reset")) {
      d.note("Reset rejected: the firmware provides no isResetAllowed/reset callback");
      d.reply(id, { status: "Rejected" });
      return;
    }
    d.awaitCallback(
      {
        callback: "isResetAllowed",
        messageId: id,
        action: "Reset",
        context: { type: request.type },
      },
      request.type,
    );
  },
  resume(d, pending, outcome) {
    const type = pending.context.type === "Hard" ? "Hard" : "Soft";
    if (!outcome.ok || outcome.result !== true) {
      d.note(
        `${type} reset rejected: isResetAllowed ${
          outcome.ok ? `answered ${JSON.stringify(outcome.result)}` : `failed (${outcome.error})`
        }`,
      );
      d.reply(pending.messageId, { status: "Rejected" });
      return;
    }
    d.reply(pending.messageId, { status: "Accepted" });
    acceptReset(d, type);
  },
});

/** Records the accepted reset, stops the running transactions and arms the bound. */
function acceptReset(d: Draft, requested: "Hard" | "Soft"): void {
  const previous = d.state.pendingReset;
  if (previous !== undefined) {
    // A second Reset while one waits: a Hard one makes the pending reset Hard; nothing restarts.
    const type = previous.type === "Hard" ? "Hard" : requested;
    d.set({ pendingReset: { ...previous, type } });
    d.note(`${requested} reset accepted while a ${previous.type} reset is pending: ${type} reset`);
    return;
  }
  d.set({ pendingReset: { type: requested, acceptedAt: d.now, eventRaised: false } });
  raiseSecurityEvent(d, "ResetOrReboot", `${requested} reset requested by the central system`);
  const reason = requested === "Hard" ? "HardReset" : "SoftReset";
  if (d.hasCallback("stopTransaction")) {
    for (const c of d.state.connectors) {
      if (c.transaction !== undefined) d.callback("stopTransaction", c.id, reason);
    }
  }
  const waitS = intKey(d.state.config, "WaitForStopTransactionsOnResetTimeout", RESET_WAIT_S);
  d.setTimer(TIMER_RESET, d.now + waitS * 1000);
}

/** Whether a transaction-related message is still queued or waiting for its answer. */
function undelivered(d: Draft): boolean {
  if (d.state.inFlight?.kind === "transaction") return true;
  for (const call of d.state.outbox) if (call.kind === "transaction") return true;
  return false;
}

function performReset(d: Draft, why: string): void {
  const pending = d.state.pendingReset;
  if (pending === undefined) return;
  d.clearTimer(TIMER_RESET);
  d.set({ pendingReset: undefined });
  d.note(`${pending.type} reset now: ${why}`);
  d.callback("reset", pending.type);
}

/**
 * Performs the pending reset when nothing holds it back any more: its ResetOrReboot security
 * event was folded (it follows the acceptance as its own event), no transaction runs (unless the
 * firmware cannot be asked to stop them: no `stopTransaction` callback) and no
 * transaction-related message waits for delivery. Called after every event with that event; does
 * nothing without a pending reset.
 *
 * @example
 * ```ts ignore
 * continuePendingReset(d, event); // inside step(), after the event was folded
 * ```
 */
export function continuePendingReset(d: Draft, event: ChargePointEvent): void {
  const pending = d.state.pendingReset;
  if (pending === undefined || !d.state.running) return;
  if (!pending.eventRaised) {
    if (
      event.type !== "SecurityEventOccurred" || event.data.eventType !== "ResetOrReboot" ||
      event.data.internal !== true
    ) return;
    d.set({ pendingReset: { ...pending, eventRaised: true } });
  }
  if (
    d.hasCallback("stopTransaction") &&
    d.state.connectors.some((c) => c.transaction !== undefined)
  ) {
    return;
  }
  if (undelivered(d)) return;
  performReset(d, "no transaction running and every transaction-related message delivered");
}

/**
 * The bound of the wait passed ({@linkcode TIMER_RESET} fired): resets even if transactions run
 * or StopTransaction messages are undelivered (they stay in the outbox across the restart).
 *
 * @example
 * ```ts ignore
 * if (name === TIMER_RESET) resetWaitElapsed(d); // in step()'s timer branch
 * ```
 */
export function resetWaitElapsed(d: Draft): void {
  if (!d.state.running) return;
  const running = d.state.connectors.filter((c) => c.transaction !== undefined).length;
  performReset(
    d,
    `waited long enough (${running} transaction(s) running, transaction-related messages ${
      undelivered(d) ? "undelivered" : "delivered"
    })`,
  );
}
