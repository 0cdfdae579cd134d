"""The topic tree and the retained state payloads (docs/mqtt.md, "Topics")::

{prefix}/{site}/status                                   retained: online / offline (will)
{prefix}/{site}/events/{type}                            every journal event, QoS 1
{prefix}/{site}/chargers/{chargeBoxId}/state             retained
{prefix}/{site}/chargers/{chargeBoxId}/connectors/{n}/state   retained
{prefix}/{site}/commands                                 requests from the fleet (MQTT 5)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


@dataclass(frozen=True)
class Topics:
    prefix: str
    site: str

    @property
    def base(self) -> str:
        return f"{self.prefix}/{self.site}"

    @property
    def status(self) -> str:
        return f"{self.base}/status"

    @property
    def commands(self) -> str:
        return f"{self.base}/commands"

    def event(self, type_: str) -> str:
        return f"{self.base}/events/{type_}"

    def charger(self, charge_box_id: str) -> str:
        # A chargeBoxId cannot hold '/', '+' or '#' (api/models.py CHARGE_BOX_ID_PATTERN).
        return f"{self.base}/chargers/{charge_box_id}/state"

    def connector(self, charge_box_id: str, connector_id: int) -> str:
        return f"{self.base}/chargers/{charge_box_id}/connectors/{connector_id}/state"

    def site_status(self, online: bool, at: str | None) -> str:
        """``at`` is None in the last will: the broker publishes it, at a time not known now."""
        return dumps({"site": self.site, "online": online, "timestamp": at})


def charger_state(
    charge_box_id: str,
    online: bool,
    vendor: str | None,
    model: str | None,
    firmware_version: str | None,
    seq: int,
    at: str | None,
) -> dict[str, Any]:
    return {
        "chargeBoxId": charge_box_id,
        "online": online,
        "vendor": vendor,
        "model": model,
        "firmwareVersion": firmware_version,
        "seq": seq,
        "timestamp": at,
    }


#: The connector fields of a ``connector.status_changed`` event's data, as the state carries them.
CONNECTOR_FIELDS = ("status", "errorCode", "info", "vendorId", "vendorErrorCode", "timestamp")


def connector_state(
    charge_box_id: str, connector_id: int, values: tuple[Any, ...], seq: int
) -> dict[str, Any]:
    return {
        "chargeBoxId": charge_box_id,
        "connectorId": connector_id,
        **dict(zip(CONNECTOR_FIELDS, values, strict=True)),
        "seq": seq,
    }
