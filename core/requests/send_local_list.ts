/**
 * SendLocalList (Local Auth List Management profile, OCPP 1.6 §5.15): `NotSupported` when the
 * local list is not in use, otherwise the result of {@linkcode applyLocalListUpdate}
 * (`Accepted`, `VersionMismatch`, `Failed`); the new list is part of the folded state.
 *
 * @module
 */
import { applyLocalListUpdate, localListLimits, localListSupported } from "../local_auth_list.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";

/**
 * Handler of SendLocalList.
 *
 * @example
 * ```ts
 * import { sendLocalListRequest } from "./send_local_list.ts";
 * console.log(typeof sendLocalListRequest.handle); // "function"
 * ```
 */
export const sendLocalListRequest: RequestHandler<"SendLocalList"> = defineRequest(
  "SendLocalList",
  {
    handle(d, id, request) {
      if (!localListSupported(d.state.config)) {
        d.reply(id, { status: "NotSupported" });
        return;
      }
      const result = applyLocalListUpdate(
        d.state.localList,
        request,
        localListLimits(d.state.config),
      );
      if (result.status === "Accepted") d.set({ localList: result.list });
      else d.note(`SendLocalList ${request.updateType} ${request.listVersion}: ${result.status}`);
      d.reply(id, { status: result.status });
    },
  },
);
