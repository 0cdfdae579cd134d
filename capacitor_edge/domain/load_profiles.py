"""The profiles the load controller sends (issue 16), through the smart charging service: so
each is checked, converted to the charger's unit, recorded in the profile registry, sent
through the charger's one-outstanding-call queue and audited as ``system``.

A session's allocation goes out as a TxProfile; a charger that rejects TxProfile gets a
TxDefaultProfile on the connector instead (OCPP 1.6 §3.13.2: it applies to the connector's
transactions too), and one that rejects both is counted at its maximum by the controller.
"""

from __future__ import annotations

from typing import Any, Protocol

from capacitor_edge.domain.errors import CallUnanswered, Invalid, NotFound
from capacitor_edge.domain.keys import Principal
from capacitor_edge.domain.smart_charging import (
    SYSTEM_KEY,
    SmartCharging,
    SmartChargingUnsupported,
)

#: chargingProfileIds the site controller uses: a connector's allocation is this plus the
#: connector id (each new one replaces the last, §5.16), the safe default at connect is this.
ALLOCATION_PROFILE_ID = 160_000
SAFE_PROFILE_ID = 160_000
#: Above the stack levels staff profiles usually use, so the site's limit is the one in force
#: for the connector's transactions; the safe default sits at the bottom.
ALLOCATION_STACK_LEVEL = 8
SAFE_STACK_LEVEL = 0
REFUSED = ("rejected", "not_supported")


class ProfileSender(Protocol):
    async def send(
        self,
        org_id: str,
        charge_box_id: str,
        connector_id: int,
        transaction_id: int | None,
        limit_a: float,
        phases: int,
    ) -> tuple[str, str]:
        """Send the limit; (purpose that went out, the charger's answer or the outcome)."""
        ...

    async def send_safe_default(
        self, org_id: str, charge_box_id: str, limit_a: float, phases: int
    ) -> str: ...


def profile(
    purpose: str,
    profile_id: int,
    stack_level: int,
    limit_a: float,
    phases: int,
    transaction_id: int | None = None,
) -> dict[str, Any]:
    """A one-period profile in amperes per phase, with no end (§7.8)."""
    body: dict[str, Any] = {
        "chargingProfileId": profile_id,
        "stackLevel": stack_level,
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": "Relative" if purpose == "TxProfile" else "Absolute",
        "chargingSchedule": {
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [
                {"startPeriod": 0, "limit": limit_a, "numberPhases": phases}
            ],
        },
    }
    if purpose != "TxProfile":
        body["chargingSchedule"]["startSchedule"] = "2000-01-01T00:00:00.000Z"
    if transaction_id is not None:
        body["transactionId"] = transaction_id
    return body


class SmartChargingSender:
    def __init__(self, smart_charging: SmartCharging) -> None:
        self._smart_charging = smart_charging

    async def _set(
        self, org_id: str, charge_box_id: str, connector_id: int, body: dict[str, Any]
    ) -> str:
        principal = Principal(org_id, SYSTEM_KEY)
        try:
            answer = await self._smart_charging.set_profile(
                principal, charge_box_id, connector_id, body
            )
        except SmartChargingUnsupported:
            return "not_supported"
        except CallUnanswered as failed:
            return failed.audit
        except Invalid:
            # The transaction ended between the decision and the send: nothing to limit.
            return "failed"
        except NotFound:
            # Not registered in the site's organisation: it cannot be managed.
            return "not_found"
        return answer.status

    async def send(
        self,
        org_id: str,
        charge_box_id: str,
        connector_id: int,
        transaction_id: int | None,
        limit_a: float,
        phases: int,
    ) -> tuple[str, str]:
        profile_id = ALLOCATION_PROFILE_ID + connector_id
        if transaction_id is not None:
            body = profile(
                "TxProfile", profile_id, ALLOCATION_STACK_LEVEL, limit_a, phases, transaction_id
            )
            status = await self._set(org_id, charge_box_id, connector_id, body)
            if status not in REFUSED:
                return "TxProfile", status
        body = profile("TxDefaultProfile", profile_id, ALLOCATION_STACK_LEVEL, limit_a, phases)
        return "TxDefaultProfile", await self._set(org_id, charge_box_id, connector_id, body)

    async def send_safe_default(
        self, org_id: str, charge_box_id: str, limit_a: float, phases: int
    ) -> str:
        body = profile("TxDefaultProfile", SAFE_PROFILE_ID, SAFE_STACK_LEVEL, limit_a, phases)
        return await self._set(org_id, charge_box_id, 0, body)
