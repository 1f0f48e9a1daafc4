/**
 * The registry of every OCPP 1.6 action (Core, Firmware Management, Local Auth List
 * Management, Reservation, Smart Charging, Remote Trigger and the Security Whitepaper
 * extension): its request and response schema and which side sends the CALL.
 *
 * @module
 */
import type { z } from "../deps.ts";
import * as m from "./messages.ts";

/**
 * Who sends the CALL of an action: the charge point, the central system, or either
 * (`DataTransfer`).
 *
 * @example
 * ```ts
 * const sender: ActionSender = ACTIONS.Heartbeat.from; // "ChargePoint"
 * ```
 */
export type ActionSender = "ChargePoint" | "CentralSystem" | "Both";

/**
 * Every OCPP 1.6 action with its request (`.req`) schema, response (`.conf`) schema and the
 * side that sends the CALL.
 *
 * @example
 * ```ts
 * const { request, response, from } = ACTIONS.StatusNotification;
 * request.parse({ connectorId: 1, errorCode: "NoError", status: "Available" });
 * response.parse({});
 * from; // "ChargePoint"
 * ```
 */
export const ACTIONS = {
  Authorize: {
    request: m.authorizeRequestSchema,
    response: m.authorizeResponseSchema,
    from: "ChargePoint",
  },
  BootNotification: {
    request: m.bootNotificationRequestSchema,
    response: m.bootNotificationResponseSchema,
    from: "ChargePoint",
  },
  CancelReservation: {
    request: m.cancelReservationRequestSchema,
    response: m.cancelReservationResponseSchema,
    from: "CentralSystem",
  },
  CertificateSigned: {
    request: m.certificateSignedRequestSchema,
    response: m.certificateSignedResponseSchema,
    from: "CentralSystem",
  },
  ChangeAvailability: {
    request: m.changeAvailabilityRequestSchema,
    response: m.changeAvailabilityResponseSchema,
    from: "CentralSystem",
  },
  ChangeConfiguration: {
    request: m.changeConfigurationRequestSchema,
    response: m.changeConfigurationResponseSchema,
    from: "CentralSystem",
  },
  ClearCache: {
    request: m.clearCacheRequestSchema,
    response: m.clearCacheResponseSchema,
    from: "CentralSystem",
  },
  ClearChargingProfile: {
    request: m.clearChargingProfileRequestSchema,
    response: m.clearChargingProfileResponseSchema,
    from: "CentralSystem",
  },
  DataTransfer: {
    request: m.dataTransferRequestSchema,
    response: m.dataTransferResponseSchema,
    from: "Both",
  },
  DeleteCertificate: {
    request: m.deleteCertificateRequestSchema,
    response: m.deleteCertificateResponseSchema,
    from: "CentralSystem",
  },
  DiagnosticsStatusNotification: {
    request: m.diagnosticsStatusNotificationRequestSchema,
    response: m.diagnosticsStatusNotificationResponseSchema,
    from: "ChargePoint",
  },
  ExtendedTriggerMessage: {
    request: m.extendedTriggerMessageRequestSchema,
    response: m.extendedTriggerMessageResponseSchema,
    from: "CentralSystem",
  },
  FirmwareStatusNotification: {
    request: m.firmwareStatusNotificationRequestSchema,
    response: m.firmwareStatusNotificationResponseSchema,
    from: "ChargePoint",
  },
  GetCompositeSchedule: {
    request: m.getCompositeScheduleRequestSchema,
    response: m.getCompositeScheduleResponseSchema,
    from: "CentralSystem",
  },
  GetConfiguration: {
    request: m.getConfigurationRequestSchema,
    response: m.getConfigurationResponseSchema,
    from: "CentralSystem",
  },
  GetDiagnostics: {
    request: m.getDiagnosticsRequestSchema,
    response: m.getDiagnosticsResponseSchema,
    from: "CentralSystem",
  },
  GetInstalledCertificateIds: {
    request: m.getInstalledCertificateIdsRequestSchema,
    response: m.getInstalledCertificateIdsResponseSchema,
    from: "CentralSystem",
  },
  GetLocalListVersion: {
    request: m.getLocalListVersionRequestSchema,
    response: m.getLocalListVersionResponseSchema,
    from: "CentralSystem",
  },
  GetLog: {
    request: m.getLogRequestSchema,
    response: m.getLogResponseSchema,
    from: "CentralSystem",
  },
  Heartbeat: {
    request: m.heartbeatRequestSchema,
    response: m.heartbeatResponseSchema,
    from: "ChargePoint",
  },
  InstallCertificate: {
    request: m.installCertificateRequestSchema,
    response: m.installCertificateResponseSchema,
    from: "CentralSystem",
  },
  LogStatusNotification: {
    request: m.logStatusNotificationRequestSchema,
    response: m.logStatusNotificationResponseSchema,
    from: "ChargePoint",
  },
  MeterValues: {
    request: m.meterValuesRequestSchema,
    response: m.meterValuesResponseSchema,
    from: "ChargePoint",
  },
  RemoteStartTransaction: {
    request: m.remoteStartTransactionRequestSchema,
    response: m.remoteStartTransactionResponseSchema,
    from: "CentralSystem",
  },
  RemoteStopTransaction: {
    request: m.remoteStopTransactionRequestSchema,
    response: m.remoteStopTransactionResponseSchema,
    from: "CentralSystem",
  },
  ReserveNow: {
    request: m.reserveNowRequestSchema,
    response: m.reserveNowResponseSchema,
    from: "CentralSystem",
  },
  Reset: {
    request: m.resetRequestSchema,
    response: m.resetResponseSchema,
    from: "CentralSystem",
  },
  SecurityEventNotification: {
    request: m.securityEventNotificationRequestSchema,
    response: m.securityEventNotificationResponseSchema,
    from: "ChargePoint",
  },
  SendLocalList: {
    request: m.sendLocalListRequestSchema,
    response: m.sendLocalListResponseSchema,
    from: "CentralSystem",
  },
  SetChargingProfile: {
    request: m.setChargingProfileRequestSchema,
    response: m.setChargingProfileResponseSchema,
    from: "CentralSystem",
  },
  SignCertificate: {
    request: m.signCertificateRequestSchema,
    response: m.signCertificateResponseSchema,
    from: "ChargePoint",
  },
  SignedFirmwareStatusNotification: {
    request: m.signedFirmwareStatusNotificationRequestSchema,
    response: m.signedFirmwareStatusNotificationResponseSchema,
    from: "ChargePoint",
  },
  SignedUpdateFirmware: {
    request: m.signedUpdateFirmwareRequestSchema,
    response: m.signedUpdateFirmwareResponseSchema,
    from: "CentralSystem",
  },
  StartTransaction: {
    request: m.startTransactionRequestSchema,
    response: m.startTransactionResponseSchema,
    from: "ChargePoint",
  },
  StatusNotification: {
    request: m.statusNotificationRequestSchema,
    response: m.statusNotificationResponseSchema,
    from: "ChargePoint",
  },
  StopTransaction: {
    request: m.stopTransactionRequestSchema,
    response: m.stopTransactionResponseSchema,
    from: "ChargePoint",
  },
  TriggerMessage: {
    request: m.triggerMessageRequestSchema,
    response: m.triggerMessageResponseSchema,
    from: "CentralSystem",
  },
  UnlockConnector: {
    request: m.unlockConnectorRequestSchema,
    response: m.unlockConnectorResponseSchema,
    from: "CentralSystem",
  },
  UpdateFirmware: {
    request: m.updateFirmwareRequestSchema,
    response: m.updateFirmwareResponseSchema,
    from: "CentralSystem",
  },
} as const satisfies Record<
  ActionName,
  { request: z.ZodType; response: z.ZodType; from: ActionSender }
>;

/**
 * The name of an OCPP 1.6 action, e.g. `"StatusNotification"` (all 39 actions of OCPP 1.6 and
 * the Security Whitepaper). Spelled out as a union, rather than derived from {@link ACTIONS},
 * so that it documents without referring to schema types; `ACTIONS` is checked to have
 * exactly these keys.
 *
 * @example
 * ```ts
 * const action: ActionName = "BootNotification";
 * ```
 */
export type ActionName =
  | "Authorize"
  | "BootNotification"
  | "CancelReservation"
  | "CertificateSigned"
  | "ChangeAvailability"
  | "ChangeConfiguration"
  | "ClearCache"
  | "ClearChargingProfile"
  | "DataTransfer"
  | "DeleteCertificate"
  | "DiagnosticsStatusNotification"
  | "ExtendedTriggerMessage"
  | "FirmwareStatusNotification"
  | "GetCompositeSchedule"
  | "GetConfiguration"
  | "GetDiagnostics"
  | "GetInstalledCertificateIds"
  | "GetLocalListVersion"
  | "GetLog"
  | "Heartbeat"
  | "InstallCertificate"
  | "LogStatusNotification"
  | "MeterValues"
  | "RemoteStartTransaction"
  | "RemoteStopTransaction"
  | "ReserveNow"
  | "Reset"
  | "SecurityEventNotification"
  | "SendLocalList"
  | "SetChargingProfile"
  | "SignCertificate"
  | "SignedFirmwareStatusNotification"
  | "SignedUpdateFirmware"
  | "StartTransaction"
  | "StatusNotification"
  | "StopTransaction"
  | "TriggerMessage"
  | "UnlockConnector"
  | "UpdateFirmware";

/**
 * The request (`.req`) payload type of action `A`.
 *
 * @example
 * ```ts
 * const req: RequestOf<"Heartbeat"> = {};
 * ```
 */
export type RequestOf<A extends ActionName> = z.infer<(typeof ACTIONS)[A]["request"]>;

/**
 * The response (`.conf`) payload type of action `A`.
 *
 * @example
 * ```ts
 * const conf: ResponseOf<"Heartbeat"> = { currentTime: "2024-05-01T12:00:00Z" };
 * ```
 */
export type ResponseOf<A extends ActionName> = z.infer<(typeof ACTIONS)[A]["response"]>;

/**
 * All action names, in alphabetical order.
 *
 * @example
 * ```ts
 * ACTION_NAMES.length; // 39
 * ACTION_NAMES.includes("Reset"); // true
 * ```
 */
export const ACTION_NAMES: readonly ActionName[] = Object.freeze(
  Object.keys(ACTIONS) as ActionName[],
);

/**
 * Whether `value` is the name of an OCPP 1.6 action (own keys only, so `"toString"` is not).
 *
 * @example
 * ```ts
 * isActionName("Heartbeat"); // true
 * isActionName("heartbeat"); // false
 * ```
 */
export function isActionName(value: unknown): value is ActionName {
  return typeof value === "string" && Object.hasOwn(ACTIONS, value);
}
