/**
 * The central system requests the charge point answers, by action. An action without a handler
 * is answered with a `NotSupported` CALLERROR.
 *
 * @module
 */
import type { ActionName } from "../ocpp/actions.ts";
import { changeAvailabilityRequest } from "./change_availability.ts";
import { changeConfigurationRequest } from "./change_configuration.ts";
import { getConfigurationRequest } from "./get_configuration.ts";
import { cancelReservationRequest } from "./cancel_reservation.ts";
import { getLocalListVersionRequest } from "./get_local_list_version.ts";
import { reserveNowRequest } from "./reserve_now.ts";
import { sendLocalListRequest } from "./send_local_list.ts";
import { clearCacheRequest } from "./clear_cache.ts";
import { dataTransferRequest } from "./data_transfer.ts";
import { remoteStartTransactionRequest } from "./remote_start_transaction.ts";
import { remoteStopTransactionRequest } from "./remote_stop_transaction.ts";
import { resetRequest } from "./reset.ts";
import { triggerMessageRequest } from "./trigger_message.ts";
import { unlockConnectorRequest } from "./unlock_connector.ts";
import type { RequestHandler } from "./request_handler.ts";

export type { CallbackOutcome, RequestHandler } from "./request_handler.ts";

/** Handlers by action. */
export const REQUEST_HANDLERS: Readonly<Partial<Record<ActionName, RequestHandler>>> = {
  CancelReservation: cancelReservationRequest as RequestHandler,
  ChangeAvailability: changeAvailabilityRequest as RequestHandler,
  ChangeConfiguration: changeConfigurationRequest as RequestHandler,
  GetConfiguration: getConfigurationRequest as RequestHandler,
  GetLocalListVersion: getLocalListVersionRequest as RequestHandler,
  ReserveNow: reserveNowRequest as RequestHandler,
  SendLocalList: sendLocalListRequest as RequestHandler,
  ClearCache: clearCacheRequest as RequestHandler,
  DataTransfer: dataTransferRequest as RequestHandler,
  RemoteStartTransaction: remoteStartTransactionRequest as RequestHandler,
  RemoteStopTransaction: remoteStopTransactionRequest as RequestHandler,
  Reset: resetRequest as RequestHandler,
  TriggerMessage: triggerMessageRequest as RequestHandler,
  UnlockConnector: unlockConnectorRequest as RequestHandler,
};
