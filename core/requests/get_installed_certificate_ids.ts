/**
 * GetInstalledCertificateIds (Security Whitepaper M03): the hash data of the installed root
 * certificates of a type, from the `getInstalledCertificateIds(certificateType)` callback (built
 * in over the certificate store unless the firmware provides it). None → `NotFound` (M03.FR.02).
 * Entries that do not fit the schema are left out (with a note).
 *
 * @module
 */
import { certificateHashDataSchema } from "../ocpp/types.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";

/**
 * Handler of GetInstalledCertificateIds.
 *
 * @example
 * ```ts
 * import { getInstalledCertificateIdsRequest } from "./get_installed_certificate_ids.ts";
 * console.log(typeof getInstalledCertificateIdsRequest.resume); // "function"
 * ```
 */
export const getInstalledCertificateIdsRequest: RequestHandler<"GetInstalledCertificateIds"> =
  defineRequest("GetInstalledCertificateIds", {
    handle(d, id, request) {
      if (!d.hasCallback("getInstalledCertificateIds")) {
        d.reply(id, { status: "NotFound" });
        return;
      }
      d.awaitCallback(
        {
          callback: "getInstalledCertificateIds",
          messageId: id,
          action: "GetInstalledCertificateIds",
          context: {},
        },
        request.certificateType,
      );
    },
    resume(d, pending, outcome) {
      const items = outcome.ok && Array.isArray(outcome.result) ? outcome.result : [];
      if (!outcome.ok) d.note(`GetInstalledCertificateIds: callback failed (${outcome.error})`);
      const hashes = [];
      for (const item of items) {
        const parsed = certificateHashDataSchema.safeParse(item);
        if (parsed.success) hashes.push(parsed.data);
        else {d.note(
            `GetInstalledCertificateIds: invalid hash data ${JSON.stringify(item)} left out`,
          );}
      }
      d.reply(
        pending.messageId,
        hashes.length === 0
          ? { status: "NotFound" }
          : { status: "Accepted", certificateHashData: hashes },
      );
    },
  });
