/**
 * ChangeAvailability (Core): `Rejected` for an unknown connector, `Scheduled` while a transaction
 * runs on a connector that must become inoperative (applied when it ends), otherwise `Accepted`.
 *
 * @module
 */
import { changeAvailability } from "../connector_reducer.ts";
import { defineRequest, type RequestHandler } from "./request_handler.ts";
import { leaveFirmwareHold } from "./update_firmware.ts";

/** Handler of ChangeAvailability. */
export const changeAvailabilityRequest: RequestHandler<"ChangeAvailability"> = defineRequest(
  "ChangeAvailability",
  {
    handle(d, id, request) {
      const status = changeAvailability(d, request.connectorId, request.type);
      if (status !== "Rejected") leaveFirmwareHold(d, request.connectorId);
      d.reply(id, { status });
    },
  },
);
