/**
 * The central system requests the charge point answers, by action. An action without a handler
 * is answered with a `NotSupported` CALLERROR.
 *
 * @module
 */
import type { ActionName } from "../ocpp/actions.ts";
import { changeAvailabilityRequest } from "./change_availability.ts";
import type { RequestHandler } from "./request_handler.ts";

export type { CallbackOutcome, RequestHandler } from "./request_handler.ts";

/** Handlers by action. */
export const REQUEST_HANDLERS: Readonly<Partial<Record<ActionName, RequestHandler>>> = {
  ChangeAvailability: changeAvailabilityRequest as RequestHandler,
};
