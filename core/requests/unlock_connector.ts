/**
 * UnlockConnector (Core). `NotSupported` for a connector outside 1..n or without an
 * `unlockConnector` callback. A transaction running on the connector is finished first (OCPP 1.6
 * §5.17): `stopTransaction(connector, "UnlockCommand")`, and only if the firmware did not refuse
 * (`false` or a throw → `UnlockFailed`, nothing is unlocked under load) `unlockConnector(connector)`,
 * whose result is the answer (`Unlocked`, `UnlockFailed`, `NotSupported`; anything else →
 * `UnlockFailed`). Without a `stopTransaction` callback, `unlockConnector` is called with the
 * transaction running and must end it itself (`onTransactionStopped(…, "UnlockCommand")`), which
 * is libocpp's contract for `register_unlock_connector_callback`.
 *
 * @module
 */
import type { Draft } from "../draft.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";

const UNLOCK_STATUSES: readonly unknown[] = ["Unlocked", "UnlockFailed", "NotSupported"];

function unlock(d: Draft, messageId: string, connector: number): void {
  d.awaitCallback(
    { callback: "unlockConnector", messageId, action: "UnlockConnector", context: { connector } },
    connector,
  );
}

/**
 * Handler of UnlockConnector.
 *
 * @example
 * ```ts
 * import { unlockConnectorRequest } from "./unlock_connector.ts";
 * console.log(typeof unlockConnectorRequest.resume); // "function"
 * ```
 */
export const unlockConnectorRequest: RequestHandler<"UnlockConnector"> = defineRequest(
  "UnlockConnector",
  {
    handle(d, id, request) {
      const connector = request.connectorId;
      const count = d.state.connectors.length - 1;
      if (connector < 1 || connector > count || !d.hasCallback("unlockConnector")) {
        d.note(
          `UnlockConnector ${connector}: NotSupported (${
            connector < 1 || connector > count ? "no such connector" : "no unlockConnector callback"
          })`,
        );
        d.reply(id, { status: "NotSupported" });
        return;
      }
      if (d.connector(connector).transaction !== undefined && d.hasCallback("stopTransaction")) {
        d.awaitCallback(
          {
            callback: "stopTransaction",
            messageId: id,
            action: "UnlockConnector",
            context: { connector },
          },
          connector,
          "UnlockCommand",
        );
        return;
      }
      unlock(d, id, connector);
    },
    resume(d, pending, outcome) {
      const connector = Number(pending.context.connector);
      if (pending.callback === "stopTransaction") {
        if (!outcome.ok || outcome.result === false) {
          d.note(
            `UnlockConnector ${connector}: UnlockFailed, the transaction could not be stopped (${
              outcome.ok ? "stopTransaction returned false" : outcome.error
            })`,
          );
          d.reply(pending.messageId, { status: "UnlockFailed" });
          return;
        }
        unlock(d, pending.messageId, connector);
        return;
      }
      const result = outcome.ok ? outcome.result : undefined;
      if (!UNLOCK_STATUSES.includes(result)) {
        d.note(
          `UnlockConnector ${connector}: unlockConnector ${
            outcome.ok ? `answered ${JSON.stringify(result)}` : `failed (${outcome.error})`
          }; UnlockFailed`,
        );
      }
      const status = UNLOCK_STATUSES.includes(result)
        ? result as "Unlocked" | "UnlockFailed" | "NotSupported"
        : "UnlockFailed";
      d.reply(pending.messageId, { status });
    },
  },
);
