"""What the Central System does with each message a charger sends (OCPP 1.6 §4), and with the
charger's connection coming and going.

Every handler commits what it records before it returns, so the CALLRESULT built from its answer
is only sent once the data is durable (group commit makes that cheap).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import datetime
from typing import TYPE_CHECKING, Any

from capacitor_edge import metrics
from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.charger_notices import ChargerNotices
from capacitor_edge.domain.charger_observer import ChargerObserver
from capacitor_edge.domain.charger_sessions import (
    STORAGE_FAILING_DESCRIPTION as STORAGE_FAILING_DESCRIPTION,
)
from capacitor_edge.domain.charger_sessions import (
    STORAGE_FULL_DESCRIPTION as STORAGE_FULL_DESCRIPTION,
)
from capacitor_edge.domain.charger_sessions import ChargerIdentity as ChargerIdentity
from capacitor_edge.domain.charger_sessions import ConnectionState as ConnectionState
from capacitor_edge.domain.charger_sessions import Handler, storage_failures_as_callerror
from capacitor_edge.domain.errors import StorageFailure
from capacitor_edge.domain.id_tag_authorization import Authorizer
from capacitor_edge.domain.ids import new_id
from capacitor_edge.domain.meter_samples import read_samples
from capacitor_edge.domain.redaction import redact_frame
from capacitor_edge.domain.remote_starts import RemoteStarts
from capacitor_edge.domain.times import charger_time
from capacitor_edge.storage.chargers import BootInfo, ChargerStore, ConnectorStatus
from capacitor_edge.storage.traffic import TrafficStore
from capacitor_edge.storage.transactions import NewTransaction, TransactionStore

if TYPE_CHECKING:
    from capacitor_edge.domain.upstream import Mirror


class ChargerMessages(ChargerNotices):
    def __init__(
        self,
        chargers: ChargerStore,
        traffic: TrafficStore,
        transactions: TransactionStore,
        authorizer: Authorizer,
        clock: Clock,
        heartbeat_interval_s: int,
        remote_starts: RemoteStarts,
        accepted_vendors: frozenset[str] = frozenset(),
        rebooted: Callable[[int, str], None] | None = None,
        reservation_used: Callable[[int, int, int], Awaitable[None]] | None = None,
        observer: ChargerObserver | None = None,
        mirror: Mirror | None = None,
    ) -> None:
        self._reservation_used = reservation_used
        self._observer = observer
        self._mirror = mirror
        self._remote_starts = remote_starts
        self._rebooted = rebooted
        self._chargers = chargers
        self._traffic = traffic
        self._transactions = transactions
        self._authorizer = authorizer
        self._clock = clock
        self._heartbeat_interval_s = heartbeat_interval_s
        self._accepted_vendors = accepted_vendors
        self._traced: set[int] = set()
        handlers: dict[str, Handler] = {
            "BootNotification": self.boot_notification,
            "Heartbeat": self.heartbeat,
            "StatusNotification": self.status_notification,
            "Authorize": self.authorize,
            "StartTransaction": self.start_transaction,
            "StopTransaction": self.stop_transaction,
            "MeterValues": self.meter_values,
            "DataTransfer": self.data_transfer,
            "FirmwareStatusNotification": self.firmware_status_notification,
            "DiagnosticsStatusNotification": self.diagnostics_status_notification,
        }
        if mirror is not None:  # issue 20: each message also goes to the upstream's outbox
            handlers = mirror.wrap(handlers)
        self.handlers = {
            action: storage_failures_as_callerror(handler) for action, handler in handlers.items()
        }

    # -- connection lifecycle --------------------------------------------------------------

    async def identify(self, charge_box_id: str) -> ChargerIdentity | None:
        """The live registration of ``charge_box_id``, or None if it may not connect."""
        record = await self._chargers.find_for_link(charge_box_id)
        if record is None:
            return None
        return ChargerIdentity(
            record.charge_box_id, record.seq, record.org_id, record.security_profile
        )

    async def refused(
        self, charge_box_id: str, org_id: str | None, remote_address: str, reason: str
    ) -> None:
        # The refusal itself stands on a full disk; that is logged once, by storage.
        with suppress(StorageFailure):
            await self._traffic.record_attempt(
                charge_box_id, org_id, remote_address, reason, iso_z(self._clock.now())
            )

    async def connected(self, charger: ChargerIdentity) -> None:
        """Mark the charger online. Not awaited to its commit: the charger is answered about
        nothing yet, and its first message's own write commits after this one."""
        charger.connection.connected_at = now = self._clock.now()
        self._chargers.note_online(charger.charger_seq, iso_z(now))
        if self._observer is not None:
            self._observer.connected(charger.charge_box_id)
        if self._mirror is not None:
            self._mirror.charger_online(charger)

    async def disconnected(
        self, charger: ChargerIdentity, close_code: int | None = None, close_reason: str = ""
    ) -> None:
        if self._mirror is not None:
            self._mirror.charger_offline(charger)
        last_seen = charger.connection.last_seen
        if last_seen is not None:
            # Messages other than Heartbeat and BootNotification only touched the in-memory
            # time: persist it now, committed no later than the offline mark below.
            self._chargers.note_heartbeat(charger.charger_seq, iso_z(last_seen))
        # A full disk is logged once, by storage, not once per charger that leaves.
        with suppress(StorageFailure):
            await self._chargers.set_online(
                charger.charger_seq, False, iso_z(self._clock.now()), close_code, close_reason
            )

    def seen(self, charger: ChargerIdentity) -> None:
        """A message arrived from ``charger`` (called before its answer is built, so a REST read
        made after the charger has its answer sees it). One clock read; no I/O."""
        charger.connection.last_seen = self._clock.now()

    def _note_zoneless(self, charger: ChargerIdentity, count: int, received_at: str) -> None:
        """Timestamps the charger sent without a zone (read as UTC): counted for staff (the
        charger's details) and in metrics, with the next commit and not waited for."""
        metrics.ZONELESS_TIMESTAMPS.inc(count)
        self._chargers.note_zoneless(charger.charger_seq, count, received_at)

    def trace(
        self, charger: ChargerIdentity, direction: str, frame: str, at: datetime | None = None
    ) -> None:
        """Keep the frame in the charger's trace (queued, committed with the next batch), at
        ``at`` (a frame in: the time :meth:`seen` took) or now."""
        moment = self._clock.now() if at is None else at
        self._traffic.trace(charger.charger_seq, direction, redact_frame(frame), iso_z(moment))
        self._traced.add(charger.charger_seq)

    async def prune_traces(self, keep: int) -> None:
        """Cut each trace written to since the last prune back to its newest ``keep`` frames."""
        seqs, self._traced = sorted(self._traced), set()
        if seqs:
            try:
                await self._traffic.prune_trace(seqs, keep)
            except StorageFailure:
                # A full disk must not end the periodic task (it took the whole server down):
                # try these again next time; the failure is logged once, by storage.
                self._traced.update(seqs)

    # -- OCPP 1.6 Core: charger-initiated messages -----------------------------------------

    async def boot_notification(
        self, charger: ChargerIdentity, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """OCPP 1.6 §4.2: record the charger's identity; accept it with our heartbeat interval."""
        now = self._clock.now()
        boot = BootInfo(
            vendor=payload["chargePointVendor"],
            model=payload["chargePointModel"],
            # chargeBoxSerialNumber is deprecated in 1.6 in favour of chargePointSerialNumber.
            serial_number=payload.get("chargePointSerialNumber")
            or payload.get("chargeBoxSerialNumber"),
            firmware_version=payload.get("firmwareVersion"),
            iccid=payload.get("iccid"),
            imsi=payload.get("imsi"),
            meter_type=payload.get("meterType"),
            meter_serial_number=payload.get("meterSerialNumber"),
        )
        # A charger that boots has lost whatever session it had: close the box's active
        # transactions on it as stopped by the reboot, at the last meter value known. If the
        # charger later reports the real stop (queued StopTransaction), that report wins.
        # A reboot always comes on a new connection; a second BootNotification on the same
        # one was asked for (TriggerMessage) and ends nothing. Queued ahead of the boot record
        # and committed with it or before it: one commit wait per boot, not two.
        first_boot = not charger.connection.booted
        if first_boot:
            charger.connection.booted = True
            self._transactions.queue_close_for_reboot(charger.charger_seq, iso_z(now))
        await self._chargers.record_boot(charger.charger_seq, boot, iso_z(now))
        if first_boot and self._rebooted is not None:  # not awaited: re-applies profiles
            self._rebooted(charger.charger_seq, charger.charge_box_id)
        if first_boot and self._observer is not None:
            self._observer.booted(charger.charge_box_id)
        return {
            "status": "Accepted",
            "currentTime": iso_z(now),
            "interval": self._heartbeat_interval_s,
        }

    async def heartbeat(self, charger: ChargerIdentity, payload: dict[str, Any]) -> dict[str, Any]:
        """OCPP 1.6 §4.6: note the heartbeat, tell the charger our time.

        The heartbeat time is our bookkeeping, not data the charger is answered about, so it is
        committed with the next batch without holding the answer back: the Heartbeat is the
        most frequent message of an idle site, and waiting for its commit cost over a third of
        the server's time per Heartbeat at 10 chargers (bench/ocpp_bench.py what-if runs)."""
        now = iso_z(self._clock.now())
        self._chargers.note_heartbeat(charger.charger_seq, now)
        return {"currentTime": now}

    async def status_notification(
        self, charger: ChargerIdentity, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """OCPP 1.6 §4.9: the connector's new status (connectorId 0 = the charge point)."""
        received = self._clock.now()
        received_at = iso_z(received)
        # The charger's own time when it gives one (it may be replaying queued messages),
        # normalised to our format; else the time we received it.
        timestamp = charger_time(payload.get("timestamp"), received, received_at)
        if timestamp.zoneless:
            self._note_zoneless(charger, 1, received_at)
        status = ConnectorStatus(
            connector_id=payload["connectorId"],
            status=payload["status"],
            error_code=payload["errorCode"],
            info=payload.get("info"),
            vendor_id=payload.get("vendorId"),
            vendor_error_code=payload.get("vendorErrorCode"),
            timestamp=timestamp.text,
        )
        if timestamp.suspect:
            metrics.CLOCK_SUSPECT_TIMESTAMPS.inc()
        # The current status is ordered by time (replayed notifications must not overwrite a
        # newer one). A clock that is not set (1970, or days ahead) would pin the connector to
        # whichever status carried the latest wrong time, so such a notification is ordered by
        # the box's receive time; the history keeps what the charger sent.
        await self._chargers.record_status(
            charger.charger_seq,
            status,
            received_at,
            ordered_at=received_at if timestamp.suspect else None,
            owner=(charger.org_id, charger.charge_box_id),
        )
        if self._observer is not None:
            self._observer.status_changed(
                charger.charge_box_id, payload["connectorId"], payload["status"]
            )
        return {}

    # -- OCPP 1.6 Core: charging sessions ---------------------------------------------------

    async def authorize(self, charger: ChargerIdentity, payload: dict[str, Any]) -> dict[str, Any]:
        """OCPP 1.6 §4.1: the full IdTagInfo, its group's state and ConcurrentTx included."""
        info = await self._authorizer.authorize(charger.org_id, payload["idTag"], self._clock.now())
        return {"idTagInfo": info}

    async def start_transaction(
        self, charger: ChargerIdentity, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """OCPP 1.6 §4.8: every StartTransaction gets a transactionId, also a refused one (the
        charger then stops it); a replayed one gets the id it already has."""
        now = self._clock.now()
        place = (charger.charger_seq, payload["connectorId"])
        info = await self._authorizer.authorize(charger.org_id, payload["idTag"], now, place)
        received_at = iso_z(now)
        started = charger_time(payload["timestamp"], now, received_at)
        if started.zoneless:
            self._note_zoneless(charger, 1, received_at)
        if started.suspect:
            metrics.CLOCK_SUSPECT_TIMESTAMPS.inc()
        remote = self._remote_starts.claim(
            charger.charger_seq, payload["connectorId"], payload["idTag"]
        )
        transaction_id, _created = await self._transactions.start(
            NewTransaction(
                id=new_id("txn"),
                charger_seq=charger.charger_seq,
                org_id=charger.org_id,
                charge_box_id=charger.charge_box_id,
                connector_id=payload["connectorId"],
                id_tag=payload["idTag"],
                authorization_status=info["status"],
                reservation_id=payload.get("reservationId"),
                meter_start=payload["meterStart"],
                start_time=started.text,
                created_at=received_at,
                remote_started=remote is not None,
                clock_suspect=started.suspect,
            )
        )
        if remote is not None:
            remote.resolve(transaction_id, payload["connectorId"])
        reservation_id = payload.get("reservationId")
        if reservation_id is not None and self._reservation_used is not None:
            # OCPP 1.6 §4.8: the reservation is used by this transaction; committed before
            # the answer like the transaction itself.
            await self._reservation_used(charger.charger_seq, reservation_id, transaction_id)
        if self._observer is not None and info["status"] == "Accepted":
            self._observer.transaction_started(
                charger.charge_box_id, payload["connectorId"], transaction_id
            )
        return {"transactionId": transaction_id, "idTagInfo": info}

    async def stop_transaction(
        self, charger: ChargerIdentity, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """OCPP 1.6 §4.10: idempotent; a stop for a transaction this box never issued (-1 and 0
        included) is always answered - else the charger retries it forever - and kept as an
        orphan with its transactionData."""
        now = self._clock.now()
        received_at = iso_z(now)
        samples, zoneless = read_samples(payload.get("transactionData") or [], now, received_at)
        stopped = charger_time(payload["timestamp"], now, received_at)
        zoneless += stopped.zoneless
        if zoneless:
            self._note_zoneless(charger, zoneless, received_at)
        if stopped.suspect:
            metrics.CLOCK_SUSPECT_TIMESTAMPS.inc()
        id_tag = payload.get("idTag")
        outcome = await self._transactions.stop(
            charge_box_id=charger.charge_box_id,
            charger_seq=charger.charger_seq,
            transaction_id=payload["transactionId"],
            meter_stop=payload["meterStop"],
            stop_time=stopped.text,
            reason=payload.get("reason"),
            id_tag=id_tag,
            samples=samples,
            received_at=received_at,
            clock_suspect=stopped.suspect,
        )
        if outcome == "orphan":
            metrics.ORPHAN_MESSAGES.labels("StopTransaction").inc()
        if self._observer is not None:
            self._observer.transaction_stopped(charger.charge_box_id, payload["transactionId"])
        if id_tag is None:
            return {}
        return {"idTagInfo": await self._authorizer.id_tag_info(charger.org_id, id_tag, now)}

    async def meter_values(
        self, charger: ChargerIdentity, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """OCPP 1.6 §4.7: every sampled value is stored, with or without a transaction; one
        naming a transaction this box never gave the charger is answered and kept as an orphan
        with the id it named."""
        received = self._clock.now()
        received_at = iso_z(received)
        samples, zoneless = read_samples(payload["meterValue"], received, received_at)
        if zoneless:
            self._note_zoneless(charger, zoneless, received_at)
        orphan = await self._transactions.add_samples(
            charger.charger_seq,
            payload["connectorId"],
            payload.get("transactionId"),
            samples,
            received_at,
        )
        if orphan:
            metrics.ORPHAN_MESSAGES.labels("MeterValues").inc()
        if self._observer is not None:
            raw = [s for s in samples if s.format != "SignedData"]
            amperes = [
                (s.phase or "", float(s.value)) for s in raw if s.measurand == "Current.Import"
            ]
            # Without Current.Import (not sampled by default), the power: ("W", watts).
            amperes = amperes or [
                ("W", float(s.value) * (1000.0 if s.unit == "kW" else 1.0))
                for s in raw
                if s.measurand == "Power.Active.Import" and s.phase is None
            ]
            if amperes:
                self._observer.metered(charger.charge_box_id, payload["connectorId"], amperes)
        return {}
