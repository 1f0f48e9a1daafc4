/**
 * The central system requests the charge point answers, by action. An action without a handler,
 * or of a feature profile the charge point does not list in `SupportedFeatureProfiles`
 * ({@linkcode profileRefusal}), is answered with a `NotSupported` CALLERROR.
 *
 * @module
 */
import type { ActionName } from "../ocpp/actions.ts";
import { featureProfileListed } from "../configuration_keys.ts";
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

/**
 * Actions of the feature profiles a charge point may leave out, with their profile. Core and the
 * Security Whitepaper are always there. SendLocalList, GetLocalListVersion and ReserveNow are not
 * listed: their answers say it themselves (`NotSupported`, `-1`, `Rejected`), as OCPP 1.6 §5.10,
 * §5.13 and §5.15 prescribe. The SmartCharging actions have no handler at all.
 */
const OPTIONAL_PROFILE_ACTIONS: Readonly<Partial<Record<ActionName, string>>> = {
  CancelReservation: "Reservation",
  TriggerMessage: "RemoteTrigger",
  GetDiagnostics: "FirmwareManagement",
  UpdateFirmware: "FirmwareManagement",
};

/**
 * Why the central system's `action` is not served under `config` (its feature profile is not in
 * `SupportedFeatureProfiles`): answered with the CALLERROR `NotSupported`. `undefined` when it
 * is served.
 *
 * @example
 * ```ts
 * import { profileRefusal } from "./mod.ts";
 * console.log(profileRefusal("TriggerMessage", { SupportedFeatureProfiles: "Core" }));
 * // "TriggerMessage belongs to the RemoteTrigger profile, which this charge point does not support"
 * console.log(profileRefusal("Reset", { SupportedFeatureProfiles: "Core" })); // undefined
 * ```
 */
export function profileRefusal(
  action: ActionName,
  config: Readonly<Record<string, string>>,
): string | undefined {
  const profile = OPTIONAL_PROFILE_ACTIONS[action];
  if (profile === undefined || featureProfileListed(config, profile)) return undefined;
  return `${action} belongs to the ${profile} profile, which this charge point does not support`;
}
