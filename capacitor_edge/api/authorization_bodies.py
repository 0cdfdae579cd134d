"""Reservation and local-list answers -> issue 17's response models; shared by the REST routes
(api/authorization.py) and the fleet's commands over MQTT (uplink/kinds.py), which must answer
the same and know no HTTP."""

from __future__ import annotations

from capacitor_edge.api import authorization_models as m
from capacitor_edge.api.command_bodies import said
from capacitor_edge.domain.local_lists import LocalListUpdate, LocalListView
from capacitor_edge.domain.reservations import ReservationRecord


def present(record: ReservationRecord) -> m.Reservation:
    return m.Reservation(
        reservationId=record.reservation_id,
        chargeBoxId=record.charge_box_id,
        connectorId=record.connector_id,
        idTag=record.id_tag,
        parentIdTag=record.parent_id_tag,
        expiryDate=record.expiry_date,
        status=record.status,  # type: ignore[arg-type]  # storage's CHECK holds it to these
        transactionId=record.transaction_id,
        createdAt=record.created_at,
        updatedAt=record.updated_at,
    )


def local_list_result(charge_box_id: str, result: LocalListUpdate) -> m.LocalListResult:
    return m.LocalListResult(
        message=f"{result.update_type} local list {said(result.status)}",
        chargeBoxId=charge_box_id,
        updateType=result.update_type,
        status=result.status,
        versionSent=result.version_sent,
        entries=result.entries,
        messages=result.messages,
        resent=result.resent,
        leftOut=result.left_out,
    )


def local_list_body(charge_box_id: str, view: LocalListView) -> m.LocalList:
    state = view.state
    return m.LocalList(
        chargeBoxId=charge_box_id,
        versionOnCharger=state.version_on_charger,
        versionSent=state.version_sent,
        listVersion=view.list_version,
        upToDate=state.org_version == view.list_version
        and state.version_on_charger == state.version_sent,
        updateType=state.update_type,
        status=state.status,
        sentAt=state.sent_at,
        answeredAt=state.answered_at,
        entries=[m.entry(item) for item in view.entries],
    )
