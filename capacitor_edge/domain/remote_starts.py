"""Remote starts waiting for the charger's StartTransaction.

A RemoteStartTransaction that the charger accepts creates no transaction: the charger starts
one when the car is ready (OCPP 1.6 §5.11). The box remembers the accepted request for a while
and links the next StartTransaction on that connector with the same idTag to it, so the
transaction is marked ``remoteStarted`` and a REST caller waiting with ``?wait=`` gets its id.
A request without a connectorId (optional in §6.33: the charger picks one) is linked to the
charger's next StartTransaction with that idTag on any connector.
Pending starts live in memory: a restart of the box forgets them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import trio

#: How long an accepted remote start waits for its StartTransaction (a driver may take a while
#: to plug in; chargers' own ConnectionTimeOut is typically 1-3 minutes).
PENDING_FOR_S = 600.0


@dataclass
class PendingStart:
    charger_seq: int
    connector_id: int | None  # None: whichever connector the charger picks
    id_tag: str
    expires_at: float
    started: trio.Event = field(default_factory=trio.Event)
    transaction_id: int | None = None
    #: The connector the transaction started on (the charger's choice when none was named).
    started_on: int | None = None

    def resolve(self, transaction_id: int, connector_id: int) -> None:
        self.transaction_id = transaction_id
        self.started_on = connector_id
        self.started.set()


class RemoteStarts:
    def __init__(self) -> None:
        self._pending: dict[tuple[int, int | None], PendingStart] = {}

    def expect(self, charger_seq: int, connector_id: int | None, id_tag: str) -> PendingStart:
        pending = PendingStart(
            charger_seq, connector_id, id_tag, trio.current_time() + PENDING_FOR_S
        )
        self._pending[(charger_seq, connector_id)] = pending
        return pending

    def cancel(self, pending: PendingStart) -> None:
        key = (pending.charger_seq, pending.connector_id)
        if self._pending.get(key) is pending:
            del self._pending[key]

    def claim(self, charger_seq: int, connector_id: int, id_tag: str) -> PendingStart | None:
        """The pending remote start this StartTransaction fulfils, if any (removed): one for
        this connector first, else one that left the connector to the charger."""
        for key in ((charger_seq, connector_id), (charger_seq, None)):
            pending = self._pending.get(key)
            if pending is None or pending.id_tag != id_tag:
                continue
            del self._pending[key]
            if pending.expires_at >= trio.current_time():
                return pending
        return None
