"""A simulated charger's configuration keys (OCPP 1.6 §9.1 Core profile, §9.4 Smart Charging
and Remote Trigger profiles, and the Security Whitepaper's keys), answering GetConfiguration and
ChangeConfiguration (OCPP 1.6 §5.8, §5.3) the way a charger does."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

#: Measurands the simulated meter can sample (OCPP 1.6 §7.31).
MEASURANDS: Final = frozenset(
    {"Energy.Active.Import.Register", "Power.Active.Import", "Current.Import", "Voltage"}
)
SUPPORTED_PROFILES: Final = "Core,LocalAuthListManagement,RemoteTrigger,Reservation,SmartCharging"
#: OCPP 1.6 CiString500 for configuration values.
MAX_VALUE_LENGTH: Final = 500


def _integer(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 9


def _boolean(value: str) -> bool:
    return value.lower() in ("true", "false")


def _measurands(value: str) -> bool:
    items = [item.strip() for item in value.split(",") if item.strip()]
    return all(item in MEASURANDS for item in items)


def _any(value: str) -> bool:
    return True


#: Security Whitepaper §2.4: AuthorizationKey is 16-40 characters; printable ASCII without
#: spaces, so that it survives HTTP Basic auth.
_AUTHORIZATION_KEY = re.compile(r"[\x21-\x7e]{16,40}")


def _authorization_key(value: str) -> bool:
    return _AUTHORIZATION_KEY.fullmatch(value) is not None


@dataclass
class Key:
    value: str
    readonly: bool
    check: Callable[[str], bool]
    #: Write-only: GetConfiguration names the key but never shows its value (the Whitepaper's
    #: AuthorizationKey).
    secret: bool = False


class Configuration:
    def __init__(self, connectors: int, password: str | None, security_profile: int) -> None:
        self._keys: dict[str, Key] = {
            "AllowOfflineTxForUnknownId": Key("false", False, _boolean),
            "AuthorizationCacheEnabled": Key("false", False, _boolean),
            "AuthorizeRemoteTxRequests": Key("false", False, _boolean),
            # §9.4 Smart Charging: what SetChargingProfile accepts (simulator/answers.py).
            "ChargeProfileMaxStackLevel": Key("8", True, _integer),
            "ChargingScheduleAllowedChargingRateUnit": Key("Current,Power", True, _any),
            "ChargingScheduleMaxPeriods": Key("24", True, _integer),
            "MaxChargingProfilesInstalled": Key("16", True, _integer),
            "ClockAlignedDataInterval": Key("0", False, _integer),
            "ConnectionTimeOut": Key("60", False, _integer),
            "ConnectorPhaseRotation": Key("NotApplicable", False, _any),
            "GetConfigurationMaxKeys": Key("50", True, _integer),
            "HeartbeatInterval": Key("300", False, _integer),
            # §9.2 Local Auth List Management, §9.5 Reservation (simulator/authorization.py).
            "LocalAuthListEnabled": Key("true", False, _boolean),
            "LocalAuthListMaxLength": Key("100", True, _integer),
            "SendLocalListMaxLength": Key("50", True, _integer),
            "ReserveConnectorZeroSupported": Key("true", True, _boolean),
            "LocalAuthorizeOffline": Key("false", False, _boolean),
            "LocalPreAuthorize": Key("false", False, _boolean),
            "MeterValuesAlignedData": Key("Energy.Active.Import.Register", False, _measurands),
            "MeterValuesSampledData": Key(
                "Energy.Active.Import.Register,Power.Active.Import", False, _measurands
            ),
            "MeterValueSampleInterval": Key("10", False, _integer),
            "NumberOfConnectors": Key(str(connectors), True, _integer),
            "ResetRetries": Key("3", False, _integer),
            "StopTransactionOnEVSideDisconnect": Key("true", False, _boolean),
            "StopTransactionOnInvalidId": Key("true", False, _boolean),
            "StopTxnAlignedData": Key("", False, _measurands),
            "StopTxnSampledData": Key("Energy.Active.Import.Register", False, _measurands),
            "SupportedFeatureProfiles": Key(SUPPORTED_PROFILES, True, _any),
            "TransactionMessageAttempts": Key("3", False, _integer),
            "TransactionMessageRetryInterval": Key("60", False, _integer),
            "UnlockConnectorOnEVSideDisconnect": Key("true", False, _boolean),
            "WebSocketPingInterval": Key("0", False, _integer),
            # Security Whitepaper §2.2 and §3: the profile is changed only by an installer here.
            "SecurityProfile": Key(str(security_profile), True, _integer),
            "AuthorizationKey": Key(password or "", False, _authorization_key, secret=True),
        }

    def value(self, key: str) -> str:
        return self._keys[key].value

    def integer(self, key: str) -> int:
        return int(self._keys[key].value)

    def enabled(self, key: str) -> bool:
        return self._keys[key].value.lower() == "true"

    def items(self, key: str) -> list[str]:
        return [item.strip() for item in self._keys[key].value.split(",") if item.strip()]

    @property
    def authorization_key(self) -> str | None:
        return self._keys["AuthorizationKey"].value or None

    def set(self, key: str, value: str) -> None:
        """Set a value the charger itself decided (e.g. the interval from BootNotification)."""
        self._keys[key].value = value

    def get(self, keys: list[str] | None) -> dict[str, Any]:
        """The GetConfiguration.conf payload (OCPP 1.6 §6.23)."""
        names = keys or list(self._keys)
        known = []
        unknown = []
        for name in names:
            entry = self._keys.get(name)
            if entry is None:
                unknown.append(name)
                continue
            item: dict[str, Any] = {"key": name, "readonly": entry.readonly}
            if not entry.secret:
                item["value"] = entry.value
            known.append(item)
        answer: dict[str, Any] = {}
        if known:
            answer["configurationKey"] = known
        if unknown:
            answer["unknownKey"] = unknown
        return answer

    def change(self, key: str, value: str) -> str:
        """The ChangeConfiguration.conf status (OCPP 1.6 §7.9): NotSupported for an unknown
        key, Rejected for a read-only key or a value the key cannot hold, else Accepted."""
        entry = self._keys.get(key)
        if entry is None:
            return "NotSupported"
        if entry.readonly or len(value) > MAX_VALUE_LENGTH or not entry.check(value):
            return "Rejected"
        entry.value = value
        return "Accepted"
