"""Smart charging over REST (OCPP 1.6 §3.13): charging profiles set, cleared and listed, the
composite schedule, and a charger's electrical setup. Every check is the domain's
(:mod:`capacitor_edge.domain.smart_charging`); a charger without SmartCharging is a 409
``SMART_CHARGING_UNSUPPORTED`` before anything is sent."""

from __future__ import annotations

from typing import Any

from quart import Blueprint
from quart_schema import validate_querystring, validate_request

from capacitor_edge.api import charging_profile_responses as cr
from capacitor_edge.api.command_bodies import said
from capacitor_edge.api.contract import returns
from capacitor_edge.api.errors import documents_errors
from capacitor_edge.api.key_check import principal
from capacitor_edge.api.models import (
    CONNECTOR_ID_DIGITS,
    ClearChargingProfilesQuery,
    CompositeScheduleQuery,
    SetChargingProfileRequest,
    SmartChargingSetupRequest,
    path_integer,
)
from capacitor_edge.api.remote_control import CALL_ERRORS
from capacitor_edge.domain.command_outcomes import ClearAnswer
from capacitor_edge.domain.errors import Invalid, NotFound
from capacitor_edge.domain.smart_charging import (
    ProfileRecord,
    SmartCharging,
    SmartChargingSetup,
    SmartChargingUnsupported,
)

#: chargingProfileId is an OCPP integer (32 bits): at most 10 digits.
PROFILE_ID_DIGITS = 10
_PROFILE_ERRORS = (*CALL_ERRORS, SmartChargingUnsupported)


def _entry(record: ProfileRecord) -> cr.RegistryEntry:
    return cr.RegistryEntry(
        id=record.id,
        connectorId=record.connector_id,
        chargingProfileId=record.profile_id,
        stackLevel=record.stack_level,
        purpose=record.purpose,
        csChargingProfiles=record.profile,
        status=record.status,
        sentAt=record.sent_at,
        answeredAt=record.answered_at,
        clearedAt=record.cleared_at,
        clearedBy=record.cleared_by,
        reappliedAt=record.reapplied_at,
    )


def _setup(charge_box_id: str, setup: SmartChargingSetup) -> cr.SmartChargingSetupBody:
    return cr.SmartChargingSetupBody(
        chargeBoxId=charge_box_id,
        phases=setup.phases,
        voltage=setup.voltage_v,
        supportedFeatureProfiles=setup.feature_profiles,
        chargingRateUnits=setup.rate_units,
        featuresReadAt=setup.features_read_at,
    )


def _cleared(
    charge_box_id: str, answer: ClearAnswer, **asked: int | str | None
) -> cr.ProfilesCleared:
    # The criteria asked for are echoed (null when not given), as the command bodies do.
    return cr.ProfilesCleared.model_validate(
        {
            "message": f"Clear {said(answer.status)}",
            "chargeBoxId": charge_box_id,
            "status": answer.status,
            "cleared": answer.cleared,
            **asked,
        }
    )


def charging_profiles_blueprint(smart: SmartCharging) -> Blueprint:
    bp = Blueprint("charging_profiles", __name__)
    base = "/chargers/<charge_box_id>"

    @bp.post(f"{base}/charging-profiles")
    @returns(cr.ProfileSet)
    @documents_errors(*_PROFILE_ERRORS)
    @validate_request(SetChargingProfileRequest)
    async def set_profile(charge_box_id: str, data: SetChargingProfileRequest) -> Any:
        """SetChargingProfile (OCPP 1.6 §5.16); checked before it is sent (a TxProfile needs a
        transaction on the connector), sent in a unit the charger takes, kept in the registry."""
        profile = data.csChargingProfiles.wire()
        answer = await smart.set_profile(principal(), charge_box_id, data.connectorId, profile)
        return cr.ProfileSet(
            message=f"Charging profile {said(answer.status)}",
            chargeBoxId=charge_box_id,
            connectorId=data.connectorId,
            status=answer.status,
            registryId=answer.registry_id,
            csChargingProfiles=answer.profile,
        )

    @bp.get(f"{base}/charging-profiles")
    @returns(cr.ProfileRegistry)
    @documents_errors(NotFound)
    async def registry(charge_box_id: str) -> Any:
        """The registry: every profile the box sent this charger, newest first, with the
        charger's answer, and whether it was cleared or replaced since."""
        records = await smart.registry(principal(), charge_box_id)
        return cr.ProfileRegistry(
            chargeBoxId=charge_box_id, chargingProfiles=[_entry(r) for r in records]
        )

    @bp.delete(f"{base}/charging-profiles/<profile_id>")
    @returns(cr.ProfilesCleared)
    @documents_errors(*_PROFILE_ERRORS)
    async def clear_one(charge_box_id: str, profile_id: str) -> Any:
        """ClearChargingProfile (OCPP 1.6 §5.5) by chargingProfileId."""
        number = path_integer("profileId", profile_id, digits=PROFILE_ID_DIGITS)
        answer = await smart.clear(principal(), charge_box_id, number, None, None, None)
        return _cleared(charge_box_id, answer, chargingProfileId=number)

    @bp.delete(f"{base}/charging-profiles")
    @returns(cr.ProfilesCleared)
    @documents_errors(*_PROFILE_ERRORS)
    @validate_querystring(ClearChargingProfilesQuery)
    async def clear_matching(charge_box_id: str, query_args: ClearChargingProfilesQuery) -> Any:
        """ClearChargingProfile (OCPP 1.6 §5.5): every profile matching all the criteria
        given; none given clears every profile on the charger."""
        q = query_args
        answer = await smart.clear(
            principal(), charge_box_id, None, q.connectorId, q.purpose, q.stackLevel
        )
        return _cleared(
            charge_box_id,
            answer,
            connectorId=q.connectorId,
            purpose=q.purpose,
            stackLevel=q.stackLevel,
        )

    @bp.get(f"{base}/connectors/<connector_id>/composite-schedule")
    @returns(cr.CompositeSchedule)
    @documents_errors(*_PROFILE_ERRORS)
    @validate_querystring(CompositeScheduleQuery)
    async def composite_schedule(
        charge_box_id: str, connector_id: str, query_args: CompositeScheduleQuery
    ) -> Any:
        """GetCompositeSchedule (OCPP 1.6 §5.7): the schedule the charger will follow for
        `duration` seconds from now; connector 0 is the whole charger."""
        number = path_integer("connectorId", connector_id, digits=CONNECTOR_ID_DIGITS)
        if number > 1000:
            raise Invalid("connectorId", "must be at most 1000")
        q = query_args
        answer = await smart.composite_schedule(
            principal(), charge_box_id, number, q.duration, q.chargingRateUnit
        )
        return cr.CompositeSchedule(
            chargeBoxId=charge_box_id,
            connectorId=answer.connector_id,
            status=answer.status,
            scheduleStart=answer.schedule_start,
            chargingSchedule=answer.charging_schedule,
        )

    @bp.get(f"{base}/smart-charging")
    @returns(cr.SmartChargingSetupBody)
    @documents_errors(NotFound)
    async def get_setup(charge_box_id: str) -> Any:
        """The charger's phases and voltage (for A<->W), and the smart charging features it
        reported (read with GetConfiguration after each boot, or when first needed if that
        read failed)."""
        return _setup(charge_box_id, await smart.setup(principal(), charge_box_id))

    @bp.put(f"{base}/smart-charging")
    @returns(cr.SmartChargingSetupBody)
    @documents_errors(Invalid, NotFound)
    @validate_request(SmartChargingSetupRequest)
    async def put_setup(charge_box_id: str, data: SmartChargingSetupRequest) -> Any:
        """Set the charger's phases and voltage per phase; null restores the default."""
        setup = await smart.configure(principal(), charge_box_id, data.phases, data.voltage)
        return _setup(charge_box_id, setup)

    return bp
