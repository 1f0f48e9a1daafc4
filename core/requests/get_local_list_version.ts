/**
 * GetLocalListVersion (Local Auth List Management profile, OCPP 1.6 §5.10): `-1` when the local
 * list is not in use (`LocalAuthListEnabled` false or the profile not supported), `0` while the
 * list is empty, else the version of the last accepted SendLocalList.
 *
 * @module
 */
import { localListVersion } from "../local_auth_list.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";

/**
 * Handler of GetLocalListVersion.
 *
 * @example
 * ```ts
 * import { getLocalListVersionRequest } from "./get_local_list_version.ts";
 * console.log(typeof getLocalListVersionRequest.handle); // "function"
 * ```
 */
export const getLocalListVersionRequest: RequestHandler<"GetLocalListVersion"> = defineRequest(
  "GetLocalListVersion",
  {
    handle(d, id) {
      d.reply(id, { listVersion: localListVersion(d.state) });
    },
  },
);
