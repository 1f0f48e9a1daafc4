/**
 * DataTransfer from the central system (Core): the firmware's `dataTransfer({ vendorId,
 * messageId?, data? })` decides; its result `{ status, data? }` is the answer when it is a valid
 * DataTransfer.conf, otherwise (invalid, throw) `Rejected`. Without the callback no vendor is
 * known: `UnknownVendorId`.
 *
 * @module
 */
import { dataTransferResponseSchema } from "../ocpp/core_profile.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";

/**
 * Handler of DataTransfer (central system → charge point).
 *
 * @example
 * ```ts
 * import { dataTransferRequest } from "./data_transfer.ts";
 * console.log(typeof dataTransferRequest.resume); // "function"
 * ```
 */
export const dataTransferRequest: RequestHandler<"DataTransfer"> = defineRequest("DataTransfer", {
  handle(d, id, request) {
    if (!d.hasCallback("dataTransfer")) {
      d.reply(id, { status: "UnknownVendorId" });
      return;
    }
    const argument: Record<string, string> = { vendorId: request.vendorId };
    if (request.messageId !== undefined) argument.messageId = request.messageId;
    if (request.data !== undefined) argument.data = request.data;
    d.awaitCallback(
      { callback: "dataTransfer", messageId: id, action: "DataTransfer", context: {} },
      argument,
    );
  },
  resume(d, pending, outcome) {
    if (!outcome.ok) {
      d.note(`DataTransfer: the dataTransfer callback failed (${outcome.error}); Rejected`);
      d.reply(pending.messageId, { status: "Rejected" });
      return;
    }
    const checked = dataTransferResponseSchema.safeParse(outcome.result);
    if (!checked.success) {
      d.note(
        `DataTransfer: invalid result of the dataTransfer callback ${
          JSON.stringify(outcome.result) ?? "undefined"
        }; Rejected`,
      );
      d.reply(pending.messageId, { status: "Rejected" });
      return;
    }
    d.reply(pending.messageId, checked.data);
  },
});
