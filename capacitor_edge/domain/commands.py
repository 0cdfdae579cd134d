"""Commands to chargers from the REST API: one OCPP CALL each, through the charger's
one-outstanding-call queue, with the charger's real answer, and an audit record of each."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import trio

from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.errors import (
    ChargerConnectionLost,
    ChargerFailed,
    ChargerTimeout,
    ChargerUnavailable,
    Conflict,
    ConnectorBusy,
    Invalid,
    NotFound,
)
from capacitor_edge.domain.keys import Principal
from capacitor_edge.domain.live import (
    ChargerCallError,
    ChargerCallLost,
    ChargerCallTimeout,
    ChargerNotConnected,
    LiveChargers,
)
from capacitor_edge.domain.redaction import redact_payload, redact_value
from capacitor_edge.domain.remote_starts import RemoteStarts
from capacitor_edge.storage.chargers import ChargerRecord, ChargerStore, ConnectorStatus
from capacitor_edge.storage.commands import CommandRecord, CommandStore
from capacitor_edge.storage.transactions import TransactionStore

log = logging.getLogger("capacitor_edge.commands")

#: Connector states in which a remote start cannot succeed (OCPP 1.6 §7.7).
BUSY_STATES = frozenset(
    {"Faulted", "Unavailable", "Charging", "SuspendedEV", "SuspendedEVSE", "Finishing"}
)
#: Longest ``?wait=`` a remote start may ask for.
MAX_WAIT_S = 60.0


def snake_status(status: str) -> str:
    """``UnlockFailed`` → ``unlock_failed``, ``Accepted`` → ``accepted``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", status).lower()


@dataclass(frozen=True)
class RemoteStartOutcome:
    status: str  # the charger's answer, snake case
    transaction_id: int | None
    #: The connector named in the request, else the one the charger started on, once known.
    connector_id: int | None


class Commands:
    def __init__(
        self,
        live: LiveChargers,
        chargers: ChargerStore,
        transactions: TransactionStore,
        audit: CommandStore,
        remote_starts: RemoteStarts,
        clock: Clock,
        call_timeout_s: float,
    ) -> None:
        self._live = live
        self._chargers = chargers
        self._transactions = transactions
        self._audit = audit
        self._remote_starts = remote_starts
        self._clock = clock
        self._call_timeout_s = call_timeout_s

    def now(self) -> str:
        return iso_z(self._clock.now())

    async def charger(self, principal: Principal, charge_box_id: str) -> ChargerRecord:
        record = await self._chargers.find(charge_box_id, principal.org_id)
        if record is None:
            raise NotFound(f"Charger {charge_box_id} not found")
        return record

    async def send(
        self, principal: Principal, charge_box_id: str, action: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """Send one CALL and return the charger's answer payload; every outcome is audited."""
        charger = await self.charger(principal, charge_box_id)
        return await self._send(principal, charger, action, payload)

    async def _send(
        self,
        principal: Principal,
        charger: ChargerRecord,
        action: str,
        payload: dict[str, Any],
    ) -> dict[str, Any]:
        requested_at = iso_z(self._clock.now())
        outcome = "answered"
        answer: dict[str, Any] | None = None
        error: tuple[str, str] | None = None
        try:
            answer = await self._call(charger.charge_box_id, action, payload)
            return answer
        except ChargerUnavailable:
            outcome = "not_connected"
            raise
        except ChargerTimeout:
            outcome = "timeout"
            raise
        except ChargerConnectionLost:
            outcome = "connection_lost"
            raise
        except ChargerFailed as failed:
            outcome = "call_error"
            error = (failed.charger_code, failed.charger_description)
            raise
        except BaseException:
            outcome = "failed"
            raise
        finally:
            record = CommandRecord(
                id=0,
                api_key_id=principal.key_id,
                action=action,
                request=redact_payload(payload),
                outcome=outcome,
                response=None if answer is None else redact_value(answer),
                error_code=None if error is None else error[0],
                error_description=None if error is None else error[1],
                requested_at=requested_at,
                finished_at=iso_z(self._clock.now()),
            )
            with trio.CancelScope(shield=True):
                await self._audit.record(charger.seq, record)

    async def _call(
        self, charge_box_id: str, action: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """The charger's answer, or the domain error the REST API turns into 503/504/502."""
        link = self._live.get(charge_box_id)
        try:
            if link is None:
                raise ChargerNotConnected(charge_box_id)
            return await link.call(action, payload)
        except ValueError as bad:  # a payload the schema refuses: our caller's mistake
            raise Invalid("body", str(bad)) from None
        except ChargerNotConnected:
            raise ChargerUnavailable(f"Charger {charge_box_id} is not connected") from None
        except ChargerCallLost:
            raise ChargerConnectionLost(
                f"{action} was sent to {charge_box_id}, then the connection was lost before it "
                "answered; it may have been carried out"
            ) from None
        except ChargerCallTimeout:
            raise ChargerTimeout(
                f"Charger {charge_box_id} did not answer {action} within {self._call_timeout_s:g} s"
            ) from None
        except ChargerCallError as failed:
            raise ChargerFailed(
                f"Charger {charge_box_id} answered {action} with {failed.code}"
                + (f": {failed.description}" if failed.description else ""),
                failed.code,
                failed.description,
            ) from None

    async def remote_start(
        self,
        principal: Principal,
        charge_box_id: str,
        connector_id: int | None,
        id_tag: str,
        wait_s: float,
    ) -> RemoteStartOutcome:
        """RemoteStartTransaction (OCPP 1.6 §5.11), refused with CONNECTOR_BUSY before anything
        is sent when the named connector cannot start; with ``wait_s`` waits for the
        StartTransaction the charger then sends. Without ``connector_id`` the charger picks the
        connector (connectorId is optional, §6.33), so there is nothing to check beforehand."""
        found = await self._chargers.find_with_connectors(charge_box_id, principal.org_id)
        if found is None:
            raise NotFound(f"Charger {charge_box_id} not found")
        charger, connectors = found
        if self._live.get(charger.charge_box_id) is None:
            raise ChargerUnavailable(f"Charger {charge_box_id} is not connected")
        if connector_id is not None:
            await self._refuse_busy(charger, connectors, connector_id)
        pending = self._remote_starts.expect(charger.seq, connector_id, id_tag)
        payload: dict[str, Any] = {"idTag": id_tag}
        if connector_id is not None:
            payload["connectorId"] = connector_id
        try:
            answer = await self._send(principal, charger, "RemoteStartTransaction", payload)
        except ChargerConnectionLost:
            # Kept: the charger may have accepted before it went away, and its StartTransaction
            # (after it reconnects) should still count as remotely started.
            raise
        except BaseException:
            self._remote_starts.cancel(pending)
            raise
        if answer.get("status") != "Accepted":
            self._remote_starts.cancel(pending)
            return RemoteStartOutcome(snake_status(str(answer.get("status"))), None, connector_id)
        if wait_s > 0:
            with trio.move_on_after(min(wait_s, MAX_WAIT_S)):
                await pending.started.wait()
        return RemoteStartOutcome(
            "accepted", pending.transaction_id, connector_id or pending.started_on
        )

    async def _refuse_busy(
        self, charger: ChargerRecord, connectors: list[ConnectorStatus], connector_id: int
    ) -> None:
        """CONNECTOR_BUSY when the connector is in a transaction or in a state that cannot
        start one."""
        active = await self._transactions.active_by_connector(charger.seq)
        if connector_id in active:
            raise ConnectorBusy(
                f"Connector {connector_id} of {charger.charge_box_id} is in transaction "
                f"{active[connector_id]}"
            )
        status = {c.connector_id: c.status for c in connectors}.get(connector_id)
        if status in BUSY_STATES:
            raise ConnectorBusy(f"Connector {connector_id} of {charger.charge_box_id} is {status}")

    async def remote_stop(self, principal: Principal, transaction_id: int) -> tuple[str, str]:
        """RemoteStopTransaction (OCPP 1.6 §5.12); returns (chargeBoxId, the charger's status)."""
        transaction = await self._transactions.find(principal.org_id, transaction_id)
        if transaction is None:
            raise NotFound(f"Transaction {transaction_id} not found")
        if transaction.status != "active":
            raise Conflict(f"Transaction {transaction_id} is already completed")
        charger = await self.charger(principal, transaction.charge_box_id)
        answer = await self._send(
            principal, charger, "RemoteStopTransaction", {"transactionId": transaction_id}
        )
        return charger.charge_box_id, snake_status(str(answer.get("status")))

    async def history(
        self, principal: Principal, charge_box_id: str, limit: int, offset: int
    ) -> tuple[list[CommandRecord], int]:
        charger = await self.charger(principal, charge_box_id)
        return await self._audit.page(charger.seq, limit, offset)
