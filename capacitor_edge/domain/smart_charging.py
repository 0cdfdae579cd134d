"""Smart charging (OCPP 1.6 §3.13): charging profiles set, cleared and read on chargers, the
box's registry of what it set, and the re-application of lasting profiles after a reboot.

What a charger supports (SupportedFeatureProfiles, ChargingScheduleAllowedChargingRateUnit) is
read with one GetConfiguration in the background after each BootNotification on a new connection
and kept with the charger (issue 15): a request to a charger known to lack SmartCharging is a 409
with nothing on the wire. If that read fails (CALLERROR, timeout, disconnect), the features are
read on the first smart-charging use instead, as a request cannot go out without them.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import trio

from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.boot_pacing import BootPacing
from capacitor_edge.domain.charger_calls import ChargerCalls, snake_status
from capacitor_edge.domain.charging_profiles import (
    allowed_units,
    check_profile,
    check_shape,
    convert,
    convert_schedule,
)
from capacitor_edge.domain.command_outcomes import ClearAnswer, CompositeAnswer, ProfileAnswer
from capacitor_edge.domain.errors import CallUnanswered, Conflict, Invalid, NotFound
from capacitor_edge.domain.keys import Principal
from capacitor_edge.domain.live import LiveChargers
from capacitor_edge.protocol.ocpp_messages import call, call_result, snake_to_camel_case
from capacitor_edge.storage.chargers import ChargerRecord, ChargerStore
from capacitor_edge.storage.charging_profiles import (
    ChargingProfileStore,
    ProfileRecord,
    SmartChargingSetup,
)
from capacitor_edge.storage.commands import CommandStore
from capacitor_edge.storage.space import StorageFailure
from capacitor_edge.storage.transactions import TransactionStore

log = logging.getLogger("capacitor_edge.smart_charging")

#: Phases of a connector whose charger has none set: the three-phase supply of most sites.
DEFAULT_PHASES = 3
#: The audit log's apiKeyId for what the box sends by itself (re-application after a boot).
SYSTEM_KEY = "system"
#: Reboots waiting for their re-application; past this many at once, the oldest wait.
_BOOT_QUEUE = 1000
_FEATURE_KEYS = ["SupportedFeatureProfiles", "ChargingScheduleAllowedChargingRateUnit"]

# Re-exported: the REST layer names these from here.
__all__ = ["ProfileRecord", "SmartCharging", "SmartChargingSetup", "SmartChargingUnsupported"]


class SmartChargingUnsupported(Conflict):
    """The charger does not list SmartCharging in its SupportedFeatureProfiles: nothing sent."""


def _check_supported(charger: ChargerRecord, setup: SmartChargingSetup) -> SmartChargingSetup:
    features = {word.strip() for word in (setup.feature_profiles or "").split(",")}
    if setup.feature_profiles and "SmartCharging" not in features:
        raise SmartChargingUnsupported(
            f"Charger {charger.charge_box_id} does not support smart charging "
            f"(SupportedFeatureProfiles: {setup.feature_profiles})"
        )
    return setup


class SmartCharging:
    def __init__(
        self,
        live: LiveChargers,
        chargers: ChargerStore,
        transactions: TransactionStore,
        profiles: ChargingProfileStore,
        audit: CommandStore,
        clock: Clock,
        nominal_voltage_v: float,
    ) -> None:
        self._live = live
        self._chargers = chargers
        self._transactions = transactions
        self._profiles = profiles
        self._calls = ChargerCalls(live, audit, clock)
        self._clock = clock
        self._nominal_voltage_v = nominal_voltage_v
        #: Chargers whose features were read since their last boot.
        self._fresh: set[int] = set()
        #: Reads under way after a boot: a request that needs the features waits for the read
        #: rather than sending a second GetConfiguration behind it.
        self._reading: dict[int, trio.Event] = {}
        #: In a boot storm the reads wait for the boots to pause (domain/boot_pacing.py);
        #: a request that needs the features meanwhile reads them itself, so the load
        #: controller's safe default after a power cut does not wait for the storm's end.
        self._pacing = BootPacing()
        self._deferred: set[int] = set()
        self._boots, self._booted = trio.open_memory_channel[tuple[int, str, trio.Event]](
            _BOOT_QUEUE
        )

    def _now(self) -> str:
        return iso_z(self._clock.now())

    async def _charger(self, principal: Principal, charge_box_id: str) -> ChargerRecord:
        record = await self._chargers.find(charge_box_id, principal.org_id)
        if record is None:
            raise NotFound(f"Charger {charge_box_id} not found")
        return record

    # -- the charger's setup -----------------------------------------------------------

    async def setup(self, principal: Principal, charge_box_id: str) -> SmartChargingSetup:
        charger = await self._charger(principal, charge_box_id)
        return await self._profiles.setup(charger.seq)

    async def configure(
        self, principal: Principal, charge_box_id: str, phases: int | None, voltage_v: float | None
    ) -> SmartChargingSetup:
        """Set the charger's phases and voltage (None: the defaults) for A<->W conversions."""
        charger = await self._charger(principal, charge_box_id)
        setup = replace(await self._profiles.setup(charger.seq), phases=phases, voltage_v=voltage_v)
        await self._profiles.save_setup(charger.seq, setup)
        return setup

    async def _features(self, principal: Principal, charger: ChargerRecord) -> SmartChargingSetup:
        """The charger's setup with its features, read from it once after each boot (or on
        first use if that read failed)."""
        reading = self._reading.get(charger.seq)
        if reading is not None and charger.seq not in self._deferred:
            await reading.wait()  # under way: no second GetConfiguration behind it
        setup = await self._profiles.setup(charger.seq)
        if charger.seq in self._fresh and setup.feature_profiles is not None:
            return setup
        return await self._read_features(principal, charger)

    async def _read_features(
        self, principal: Principal, charger: ChargerRecord
    ) -> SmartChargingSetup:
        request = call.GetConfiguration(key=_FEATURE_KEYS)
        answer = await self._calls.exchange(
            principal, charger, request, call_result.GetConfiguration
        )
        values = {item["key"]: item.get("value") for item in answer.configuration_key or ()}
        setup = replace(
            await self._profiles.setup(charger.seq),
            # "" when the charger does not say: then nothing is refused for want of it.
            feature_profiles=values.get("SupportedFeatureProfiles") or "",
            rate_units=values.get("ChargingScheduleAllowedChargingRateUnit") or "",
            features_read_at=self._now(),
        )
        await self._profiles.save_setup(charger.seq, setup)
        self._fresh.add(charger.seq)
        return setup

    async def _supported(self, principal: Principal, charger: ChargerRecord) -> SmartChargingSetup:
        return _check_supported(charger, await self._features(principal, charger))

    def _in_charger_unit(
        self, profile: dict[str, Any], setup: SmartChargingSetup
    ) -> dict[str, Any]:
        """The profile in a unit the charger takes: as asked if it can, else converted."""
        units = allowed_units(setup.rate_units)
        if profile["chargingSchedule"]["chargingRateUnit"] in units:
            return profile
        return convert(profile, units[0], *self._electrics(setup))

    def _electrics(self, setup: SmartChargingSetup) -> tuple[int, float]:
        return setup.phases or DEFAULT_PHASES, setup.voltage_v or self._nominal_voltage_v

    # -- profiles ----------------------------------------------------------------------

    async def set_profile(
        self, principal: Principal, charge_box_id: str, connector_id: int, profile: dict[str, Any]
    ) -> ProfileAnswer:
        """SetChargingProfile (OCPP 1.6 §5.16), checked first, recorded in the registry."""
        charger = await self._charger(principal, charge_box_id)
        active = await self._transactions.active_by_connector(charger.seq)
        check_profile(profile, connector_id, active.get(connector_id))
        setup = await self._supported(principal, charger)
        wire = self._in_charger_unit(profile, setup)
        row_id = await self._profiles.sending(charger.seq, connector_id, wire, self._now())
        request = call.SetChargingProfile(connector_id=connector_id, cs_charging_profiles=wire)
        try:
            answer = await self._calls.exchange(
                principal, charger, request, call_result.SetChargingProfile
            )
        except BaseException as error:
            # The registry says what became of it: the audit outcome, or "failed" (e.g. a
            # payload the schema refused, never sent).
            outcome = error.audit if isinstance(error, CallUnanswered) else "failed"
            with trio.CancelScope(shield=True):
                await self._profiles.answered(charger.seq, row_id, outcome, self._now())
            raise
        status = snake_status(str(answer.status))
        await self._profiles.answered(charger.seq, row_id, status, self._now())
        return ProfileAnswer(status, wire, row_id)

    async def clear(
        self,
        principal: Principal,
        charge_box_id: str,
        profile_id: int | None,
        connector_id: int | None,
        purpose: str | None,
        stack_level: int | None,
    ) -> ClearAnswer:
        """ClearChargingProfile (OCPP 1.6 §5.5): by id, or every profile matching the criteria
        given (none: all); the registry marks what an accepted clear removed."""
        charger = await self._charger(principal, charge_box_id)
        await self._supported(principal, charger)
        request = call.ClearChargingProfile(
            id=profile_id,
            connector_id=connector_id,
            charging_profile_purpose=purpose,
            stack_level=stack_level,
        )
        answer = await self._calls.exchange(
            principal, charger, request, call_result.ClearChargingProfile
        )
        status = snake_status(str(answer.status))
        cleared = 0
        if status == "accepted":
            cleared = await self._profiles.cleared(
                charger.seq, profile_id, connector_id, purpose, stack_level, self._now()
            )
        return ClearAnswer(status, cleared)

    async def registry(self, principal: Principal, charge_box_id: str) -> list[ProfileRecord]:
        charger = await self._charger(principal, charge_box_id)
        return await self._profiles.of_charger(charger.seq)

    async def composite_schedule(
        self,
        principal: Principal,
        charge_box_id: str,
        connector_id: int,
        duration_s: int,
        unit: str | None,
    ) -> CompositeAnswer:
        """GetCompositeSchedule (OCPP 1.6 §5.7), asked in a unit the charger takes and
        answered in the one asked for."""
        charger = await self._charger(principal, charge_box_id)
        setup = await self._supported(principal, charger)
        units = allowed_units(setup.rate_units)
        ask = unit if unit is None or unit in units else units[0]
        request = call.GetCompositeSchedule(
            connector_id=connector_id, duration=duration_s, charging_rate_unit=ask
        )
        answer = await self._calls.exchange(
            principal, charger, request, call_result.GetCompositeSchedule
        )
        schedule = answer.charging_schedule
        if schedule is not None:
            schedule = snake_to_camel_case(schedule)
            if unit is not None:
                schedule = convert_schedule(schedule, unit, *self._electrics(setup))
        return CompositeAnswer(
            snake_status(str(answer.status)),
            answer.connector_id if answer.connector_id is not None else connector_id,
            answer.schedule_start,
            schedule,
        )

    async def remote_start_profile(
        self, principal: Principal, charge_box_id: str, profile: dict[str, Any]
    ) -> dict[str, Any]:
        """The chargingProfile of a RemoteStartTransaction, checked and in the charger's unit:
        a TxProfile without a transactionId (OCPP 1.6 §5.11: the transaction does not exist
        yet)."""
        field = "chargingProfile"
        if profile["chargingProfilePurpose"] != "TxProfile":
            raise Invalid(f"{field}.chargingProfilePurpose", "must be TxProfile")
        if "transactionId" in profile:
            raise Invalid(f"{field}.transactionId", "the transaction does not exist yet")
        check_shape(profile, field=field)
        charger = await self._charger(principal, charge_box_id)
        return self._in_charger_unit(profile, await self._supported(principal, charger))

    # -- after a reboot ----------------------------------------------------------------

    def rebooted(self, charger_seq: int, charge_box_id: str) -> None:
        """A charger booted on a new connection: in the background, its features are read
        again and its lasting profiles re-applied. Not awaited: the Boot answer waits for
        neither."""
        self._fresh.discard(charger_seq)
        self._pacing.note()
        if self._pacing.storming:
            self._deferred.add(charger_seq)
        reading = trio.Event()
        try:
            self._boots.send_nowait((charger_seq, charge_box_id, reading))
        except trio.WouldBlock:
            # Not read now: read on first use, like a read that failed.
            log.warning("too many reboots at once: nothing read from %s", charge_box_id)
            return
        # Registered here, not when the task starts: a request in between waits for it too.
        self._reading[charger_seq] = reading

    async def run(
        self, shutdown: trio.Event, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED
    ) -> None:
        """Handle reboots until ``shutdown``; one task per reboot, so a charger that does not
        answer holds up no other."""
        async with trio.open_nursery() as nursery:

            async def stop() -> None:
                await shutdown.wait()
                nursery.cancel_scope.cancel()

            nursery.start_soon(stop)
            task_status.started()
            async for charger_seq, charge_box_id, reading in self._booted:
                nursery.start_soon(self._after_boot, charger_seq, charge_box_id, reading)

    async def _after_boot(self, charger_seq: int, charge_box_id: str, reading: trio.Event) -> None:
        """Features first, then the re-application: whether the charger takes profiles at all
        is what the re-application needs to know, and one without SmartCharging is sent none."""
        try:
            storm = charger_seq in self._deferred
            async with self._pacing.turn(trio.current_time(), storm):
                self._deferred.discard(charger_seq)
                await self._read_and_reapply(charger_seq, charge_box_id, reading)
        finally:
            self._deferred.discard(charger_seq)
            self._done_reading(charger_seq, reading)  # also if cancelled while waiting

    async def _read_and_reapply(
        self, charger_seq: int, charge_box_id: str, reading: trio.Event
    ) -> None:
        try:
            # An indexed point read on the loop's thread: one per boot, so a storm's worth.
            charger = await self._chargers.find_for_link(charge_box_id)
            if charger is None or charger.seq != charger_seq:
                return
            principal = Principal(charger.org_id, SYSTEM_KEY)
            try:
                if charger_seq in self._fresh:  # read by a request while this one waited
                    setup = await self._profiles.setup(charger_seq)
                else:
                    setup = await self._read_features(principal, charger)
                _check_supported(charger, setup)
            except CallUnanswered as failed:
                log.warning(
                    "features of %s not read after boot (read on first use): %s",
                    charge_box_id,
                    failed.message,
                )
                return
            except SmartChargingUnsupported:
                return
            finally:
                self._done_reading(charger_seq, reading)
            await self._reapply(principal, charger)
        except StorageFailure as failure:
            # A full disk is reported by /health already: a warning, no traceback; the
            # features are read on first use and the profiles re-applied at the next boot.
            log.warning("after the boot of %s: %s", charge_box_id, failure.message)
        except Exception:
            # Contained: one charger's trouble must not end the others' (or the box).
            log.exception("after the boot of %s", charge_box_id)
        finally:
            self._done_reading(charger_seq, reading)

    def _done_reading(self, charger_seq: int, reading: trio.Event) -> None:
        if self._reading.get(charger_seq) is reading:  # not a later boot's
            del self._reading[charger_seq]
        reading.set()

    async def _reapply(self, principal: Principal, charger: ChargerRecord) -> None:
        """OCPP 1.6 §3.13.1: many chargers lose their profiles with a reboot; send the
        ChargePointMax and TxDefault profiles they had accepted again, audited like any
        command. TxProfiles are not: their transaction ended with the reboot."""
        records = await self._profiles.to_reapply(charger.seq)
        try:
            for record in records:
                request = call.SetChargingProfile(
                    connector_id=record.connector_id, cs_charging_profiles=record.profile
                )
                answer = await self._calls.exchange(
                    principal, charger, request, call_result.SetChargingProfile
                )
                status = snake_status(str(answer.status))
                await self._profiles.reapplied(record.id, status, self._now())
        except CallUnanswered as failed:
            # Kept as accepted: the next boot tries again.
            log.warning("profiles of %s not re-applied: %s", charger.charge_box_id, failed.message)
