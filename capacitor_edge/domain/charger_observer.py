"""What else in the domain hears of a charger's messages (issue 16: the site load controller),
apart from the handlers so they stay about OCPP."""

from __future__ import annotations

from typing import Protocol


class ChargerObserver(Protocol):
    """Told what a charger said once it is committed (the site load controller): sync calls
    that must not block the answer."""

    def connected(self, charge_box_id: str) -> None: ...
    def booted(self, charge_box_id: str) -> None: ...
    def status_changed(self, charge_box_id: str, connector_id: int, status: str) -> None: ...
    def transaction_started(self, charge_box_id: str, connector_id: int, tx: int) -> None: ...
    def transaction_stopped(self, charge_box_id: str, transaction_id: int) -> None: ...
    def metered(
        self, charge_box_id: str, connector_id: int, amperes: list[tuple[str, float]]
    ) -> None: ...
