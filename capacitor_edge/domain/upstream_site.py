"""Where the upstream's charging profiles meet the site's load management (issue 20).

For a charger the site's load controller drives, an upstream SetChargingProfile is not sent to
the charger as it is: it becomes a cap the controller allocates under (see
:mod:`capacitor_edge.domain.upstream_caps` for why), and ClearChargingProfile removes it. For
any other charger both pass through unchanged.
"""

from __future__ import annotations

from typing import Any

from capacitor_edge.domain.load_control import LoadControl
from capacitor_edge.domain.upstream_caps import UpstreamCap, lowest_limit_a
from capacitor_edge.storage.upstream import UpstreamCapStore


class SiteCapping:
    def __init__(
        self, load_control: LoadControl, store: UpstreamCapStore, voltage_v: float
    ) -> None:
        self._load = load_control
        self._store = store
        self._voltage_v = voltage_v

    async def load(self) -> None:
        """The caps the last run kept (the upstream will not send its profiles again)."""
        self._load.state.upstream_caps.restore(await self._store.all())
        self._load.wake()

    async def _save(self, charge_box_id: str) -> None:
        # Before the upstream is answered: a cap it was told is in force survives a restart.
        await self._store.replace(charge_box_id, self._load.state.upstream_caps.of(charge_box_id))

    async def set_profile(
        self, charge_box_id: str, connector_id: int, profile: dict[str, Any]
    ) -> bool:
        """Keep ``profile`` as a cap if the site drives the charger (True: it is in force, the
        upstream is told Accepted); False: the charger is not the site's."""
        charger = self._load.state.managed(charge_box_id)
        if charger is None:
            return False
        cap = UpstreamCap(
            profile_id=int(profile["chargingProfileId"]),
            connector_id=connector_id,
            purpose=str(profile["chargingProfilePurpose"]),
            stack_level=int(profile["stackLevel"]),
            transaction_id=profile.get("transactionId"),
            limit_a=lowest_limit_a(profile, charger.phases, self._voltage_v),
        )
        self._load.state.upstream_caps.set(charge_box_id, cap)
        await self._save(charge_box_id)
        self._load.wake()  # the next allocation sends the lower limit at once
        return True

    async def clear_profile(self, charge_box_id: str, criteria: dict[str, Any]) -> str | None:
        """ClearChargingProfile's status if the site drives the charger (``Accepted`` if a cap
        matched, else ``Unknown``, OCPP 1.6 §6.12); None: the charger is not the site's."""
        if self._load.state.managed(charge_box_id) is None:
            return None
        if not self._load.state.upstream_caps.clear(charge_box_id, criteria):
            return "Unknown"
        await self._save(charge_box_id)
        self._load.wake()  # the allocation may rise again
        return "Accepted"
