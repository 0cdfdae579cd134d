"""OCPP 1.6 action names by the side that sends the CALL.

Sources: OCPP 1.6 edition 2 §4 ("Operations initiated by Charge Point") and §5 ("Operations
initiated by Central System"), plus the OCPP 1.6 Security Whitepaper (edition 2) messages whose
schemas ship with the `ocpp` package. Every name here has `X.json` and `XResponse.json` there.
"""

from typing import Final

CHARGER_INITIATED: Final = frozenset(
    {
        "Authorize",
        "BootNotification",
        "DataTransfer",
        "DiagnosticsStatusNotification",
        "FirmwareStatusNotification",
        "Heartbeat",
        "MeterValues",
        "StartTransaction",
        "StatusNotification",
        "StopTransaction",
        # Security Whitepaper
        "LogStatusNotification",
        "SecurityEventNotification",
        "SignCertificate",
        "SignedFirmwareStatusNotification",
    }
)

CSMS_INITIATED: Final = frozenset(
    {
        "CancelReservation",
        "ChangeAvailability",
        "ChangeConfiguration",
        "ClearCache",
        "ClearChargingProfile",
        "GetCompositeSchedule",
        "GetConfiguration",
        "GetDiagnostics",
        "GetLocalListVersion",
        "RemoteStartTransaction",
        "RemoteStopTransaction",
        "ReserveNow",
        "Reset",
        "SendLocalList",
        "SetChargingProfile",
        "TriggerMessage",
        "UnlockConnector",
        "UpdateFirmware",
        # Security Whitepaper
        "CertificateSigned",
        "DeleteCertificate",
        "ExtendedTriggerMessage",
        "GetInstalledCertificateIds",
        "GetLog",
        "InstallCertificate",
        "SignedUpdateFirmware",
    }
)

ALL_ACTIONS: Final = CHARGER_INITIATED | CSMS_INITIATED

# DataTransfer goes both ways (OCPP 1.6 §4.3 and §5.6); it is listed once above, under the
# charger, and this is what the Central System may put in a CALL.
CSMS_SENDABLE: Final = CSMS_INITIATED | {"DataTransfer"}
