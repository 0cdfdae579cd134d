"""Reservations (``/chargers/{id}/reservations``) and the chargers' local authorization lists
(``/chargers/{id}/local-list``): OCPP 1.6 Reservation and Local Auth List Management."""

from __future__ import annotations

from typing import Any

from quart import Blueprint
from quart_schema import validate_request

from capacitor_edge.api import authorization_models as m
from capacitor_edge.api.authorization_bodies import local_list_body, local_list_result, present
from capacitor_edge.api.contract import returns
from capacitor_edge.api.errors import documents_errors
from capacitor_edge.api.key_check import principal
from capacitor_edge.api.models import path_integer
from capacitor_edge.api.remote_control import CALL_ERRORS
from capacitor_edge.domain.commands import Commands
from capacitor_edge.domain.errors import Conflict, NotFound
from capacitor_edge.domain.reservations import ReservationRefused, Reservations


def authorization_blueprint(commands: Commands, reservations: Reservations) -> Blueprint:
    bp = Blueprint("authorization", __name__)

    @bp.post("/chargers/<charge_box_id>/reservations")
    @returns(m.Reservation, 201)
    @documents_errors(*CALL_ERRORS, Conflict, ReservationRefused)
    @validate_request(m.ReservationRequest)
    async def reserve(charge_box_id: str, data: m.ReservationRequest) -> Any:
        """ReserveNow (OCPP 1.6 §5.13): 201 when the charger accepts; 409 RESERVATION_REFUSED
        with its answer (faulted, occupied, rejected, unavailable), or 409 CONFLICT with
        nothing sent when the box already holds a reservation of that connector or idTag."""
        record = await commands.reserve_now(
            principal(),
            charge_box_id,
            data.connectorId,
            data.idTag,
            data.expiryDate,
            data.parentIdTag,
        )
        return present(record), 201

    @bp.get("/chargers/<charge_box_id>/reservations")
    @returns(m.ReservationList)
    @documents_errors(NotFound)
    async def list_reservations(charge_box_id: str) -> Any:
        """The charger's reservations, newest first: active, expired, used or cancelled."""
        records = await reservations.of_charger(principal(), charge_box_id)
        return m.ReservationList(
            chargeBoxId=charge_box_id, reservations=[present(record) for record in records]
        )

    @bp.delete("/chargers/<charge_box_id>/reservations/<reservation_id>")
    @returns(m.Reservation)
    @documents_errors(*CALL_ERRORS, Conflict, ReservationRefused)
    async def cancel(charge_box_id: str, reservation_id: str) -> Any:
        """CancelReservation (OCPP 1.6 §5.1) of an active reservation; 409 when it has ended
        already or the charger answers Rejected."""
        number = path_integer("reservationId", reservation_id, digits=10)
        return present(await commands.cancel_reservation(principal(), charge_box_id, number))

    @bp.post("/chargers/<charge_box_id>/local-list")
    @returns(m.LocalListResult)
    @documents_errors(*CALL_ERRORS)
    @validate_request(m.LocalListRequest)
    async def send_local_list(charge_box_id: str, data: m.LocalListRequest) -> Any:
        """SendLocalList (OCPP 1.6 §5.15) of the organisation's id tags: `Full` (the whole
        list) or `Differential` (the changes since the version the charger holds). Split for
        SendLocalListMaxLength; VersionMismatch or Failed answering a differential update is
        followed by a full one (`resent`)."""
        result = await commands.send_local_list(principal(), charge_box_id, data.updateType)
        return local_list_result(charge_box_id, result)

    @bp.get("/chargers/<charge_box_id>/local-list")
    @returns(m.LocalList)
    @documents_errors(*CALL_ERRORS)
    async def get_local_list(charge_box_id: str) -> Any:
        """GetLocalListVersion (OCPP 1.6 §5.10) when the charger is online, with the box's
        record of what it sent and the list it would send now."""
        view = await commands.get_local_list_version(principal(), charge_box_id)
        return local_list_body(charge_box_id, view)

    return bp
