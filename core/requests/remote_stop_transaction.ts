/**
 * RemoteStopTransaction (Core): `Accepted` when a running transaction has the given CSMS
 * transactionId (learned from its StartTransaction answer) and the firmware provides
 * `stopTransaction`; then `stopTransaction(connector, "Remote")`, and the firmware reports the end
 * with `onTransactionStopped`. Otherwise, and while the registration is Pending, `Rejected`.
 *
 * @module
 */
import { defineRequest, type RequestHandler } from "./request_handler.ts";

/**
 * Handler of RemoteStopTransaction.
 *
 * @example
 * ```ts
 * import { remoteStopTransactionRequest } from "./remote_stop_transaction.ts";
 * console.log(typeof remoteStopTransactionRequest.handle); // "function"
 * ```
 */
export const remoteStopTransactionRequest: RequestHandler<"RemoteStopTransaction"> = defineRequest(
  "RemoteStopTransaction",
  {
    handle(d, id, request) {
      const connector = d.state.connectors.find((c) =>
        c.transaction !== undefined &&
        d.state.transactionIds[c.transaction.ref] === request.transactionId
      );
      let reason: string | undefined;
      if (d.state.registration !== "Accepted") reason = `registration is ${d.state.registration}`;
      else if (connector === undefined) {
        reason = `no running transaction has id ${request.transactionId}`;
      } else if (!d.hasCallback("stopTransaction")) {
        reason = "the firmware provides no stopTransaction callback";
      }
      if (reason !== undefined || connector === undefined) {
        d.note(`RemoteStopTransaction rejected: ${reason}`);
        d.reply(id, { status: "Rejected" });
        return;
      }
      d.reply(id, { status: "Accepted" });
      d.callback("stopTransaction", connector.id, "Remote");
    },
  },
);
