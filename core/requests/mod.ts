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
import { getDiagnosticsRequest } from "./get_diagnostics.ts";
import { getLogRequest } from "./get_log.ts";
import { updateFirmwareRequest } from "./update_firmware.ts";
import { signedUpdateFirmwareRequest } from "./signed_update_firmware.ts";
import { extendedTriggerMessageRequest } from "./extended_trigger_message.ts";
import { installCertificateRequest } from "./install_certificate.ts";
import { deleteCertificateRequest } from "./delete_certificate.ts";
import { getInstalledCertificateIdsRequest } from "./get_installed_certificate_ids.ts";
import { certificateSignedRequest } from "./certificate_signed.ts";
import { signCertificateContinuation } from "./sign_certificate.ts";
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
  InstallCertificate: installCertificateRequest as RequestHandler,
  DeleteCertificate: deleteCertificateRequest as RequestHandler,
  GetInstalledCertificateIds: getInstalledCertificateIdsRequest as RequestHandler,
  CertificateSigned: certificateSignedRequest as RequestHandler,
  // Continuations of the charge point's own certificate requests (never a CSMS CALL).
  SignCertificate: signCertificateContinuation as RequestHandler,
  GetDiagnostics: getDiagnosticsRequest as RequestHandler,
  GetLog: getLogRequest as RequestHandler,
  UpdateFirmware: updateFirmwareRequest as RequestHandler,
  SignedUpdateFirmware: signedUpdateFirmwareRequest as RequestHandler,
  ExtendedTriggerMessage: extendedTriggerMessageRequest as RequestHandler,
};
