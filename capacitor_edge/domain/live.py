"""The chargers connected right now, as the rest of the domain sees them.

The transport layer registers one :class:`ChargerLink` per live WebSocket session; the domain
uses it to tell whether a charger is online, to close a session (when a charger is deleted or
reconnects) and, later, to send it CSMS-initiated CALLs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from capacitor_edge.domain.charger_sessions import ChargerIdentity


class ChargerLink(Protocol):
    charge_box_id: str

    @property
    def last_seen(self) -> datetime | None:
        """When the charger's last message arrived on this session (None before the first)."""
        ...

    @property
    def identity(self) -> ChargerIdentity:
        """The registration this session belongs to, with what the connection has done."""
        ...

    def close(self, code: int, reason: str) -> None:
        """Ask the session to close its WebSocket with this close code (does not wait)."""
        ...

    async def call(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send a CSMS-initiated CALL and return the charger's CALLRESULT payload.

        Raises ChargerUnavailable (nothing was sent), ChargerConnectionLost (sent, then the
        session ended unanswered), ChargerTimeout or ChargerFailed, with the messages the
        REST API shows; ValueError for a payload the request schema refuses (nothing sent)."""
        ...


class LiveChargers:
    def __init__(self) -> None:
        self._links: dict[str, ChargerLink] = {}

    def __len__(self) -> int:
        return len(self._links)

    def get(self, charge_box_id: str) -> ChargerLink | None:
        return self._links.get(charge_box_id)

    def is_online(self, charge_box_id: str) -> bool:
        return charge_box_id in self._links

    def attach(self, link: ChargerLink) -> ChargerLink | None:
        """Make ``link`` the charger's session; return the one it replaces, if any."""
        previous = self._links.get(link.charge_box_id)
        self._links[link.charge_box_id] = link
        return previous

    def detach(self, link: ChargerLink) -> bool:
        """Forget ``link`` if it is still the charger's session (a newer one may have won)."""
        if self._links.get(link.charge_box_id) is link:
            del self._links[link.charge_box_id]
            return True
        return False

    def last_seen(self, charge_box_id: str) -> datetime | None:
        """When the charger's last message arrived, if it is connected: newer than the stored
        lastHeartbeat, which is only written with the next batch (or at the disconnect)."""
        link = self._links.get(charge_box_id)
        return None if link is None else link.last_seen

    def links(self) -> list[ChargerLink]:
        return list(self._links.values())

    def disconnect(self, charge_box_id: str, code: int, reason: str) -> None:
        link = self._links.get(charge_box_id)
        if link is not None:
            link.close(code, reason)
