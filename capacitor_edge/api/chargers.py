"""``/api/v1/chargers``: the Chargers API page, exactly."""

from __future__ import annotations

from typing import Any

from quart import Blueprint
from quart_schema import document_response, validate_querystring, validate_request

from capacitor_edge.api import presenters
from capacitor_edge.api import responses as r
from capacitor_edge.api.contract import returns
from capacitor_edge.api.key_check import principal
from capacitor_edge.api.models import (
    CONNECTOR_ID_DIGITS,
    ListChargersQuery,
    PatchCharger,
    RegisterCharger,
    path_integer,
)
from capacitor_edge.domain.chargers import UNSET, Chargers
from capacitor_edge.domain.errors import Invalid


def parse_connector_id(text: str) -> int:
    return path_integer("connectorId", text, digits=CONNECTOR_ID_DIGITS)


def chargers_blueprint(chargers: Chargers) -> Blueprint:
    bp = Blueprint("chargers", __name__)

    @bp.post("/chargers")
    @returns(r.RegisteredCharger, 201)
    @document_response(r.ErrorBody, 400)
    @document_response(r.ErrorBody, 401)
    @document_response(r.ErrorBody, 409)
    @validate_request(RegisterCharger)
    async def register_charger(data: RegisterCharger) -> Any:
        """Register a charger with your organisation.

        ``securityProfile`` (0-3, default from the `default_security_profile` setting) says how
        the charger must log in; for profiles 1 and 2 without an ``authorizationKey`` the box
        generates one and returns it in this answer only."""
        registration = await chargers.register(
            principal().org_id,
            data.chargeBoxId,
            data.name,
            data.location,
            security_profile=data.securityProfile,
            authorization_key=data.authorizationKey,
        )
        record = registration.record
        url = chargers.connection_url(record.charge_box_id)
        return presenters.registered_charger(record, url, registration.generated_key), 201

    @bp.patch("/chargers/<charge_box_id>")
    @returns(r.RegisteredCharger)
    @document_response(r.ErrorBody, 400)
    @document_response(r.ErrorBody, 401)
    @document_response(r.ErrorBody, 404)
    @validate_request(PatchCharger)
    async def patch_charger(charge_box_id: str, data: PatchCharger) -> Any:
        """Change a charger's name, location, security profile or AuthorizationKey.

        Fields left out stay as they are; ``"authorizationKey": null`` asks for a new generated
        key. A generated key is returned in this answer only. New credentials apply from the
        charger's next connection."""
        given = data.model_fields_set
        if "securityProfile" in given and data.securityProfile is None:
            raise Invalid("securityProfile", "must be 0, 1, 2 or 3")
        registration = await chargers.update(
            principal().org_id,
            charge_box_id,
            name=data.name if "name" in given else UNSET,
            location=data.location if "location" in given else UNSET,
            security_profile=(data.securityProfile if data.securityProfile is not None else UNSET),
            authorization_key=data.authorizationKey if "authorizationKey" in given else UNSET,
        )
        record = registration.record
        url = chargers.connection_url(record.charge_box_id)
        return presenters.registered_charger(record, url, registration.generated_key)

    @bp.get("/chargers")
    @returns(r.ChargerList)
    @document_response(r.ErrorBody, 400)
    @document_response(r.ErrorBody, 401)
    @validate_querystring(ListChargersQuery)
    async def list_chargers(query_args: ListChargersQuery) -> Any:
        """List your organisation's chargers, in registration order."""
        online = None if query_args.status is None else query_args.status == "online"
        records, total = await chargers.page(
            principal().org_id, online=online, limit=query_args.limit, offset=query_args.offset
        )
        return r.ChargerList(
            chargers=[presenters.charger_summary(record) for record in records],
            pagination=presenters.pagination(total, query_args.limit, query_args.offset),
        )

    @bp.get("/chargers/<charge_box_id>")
    @returns(r.ChargerDetails)
    @document_response(r.ErrorBody, 401)
    @document_response(r.ErrorBody, 404)
    async def get_charger(charge_box_id: str) -> Any:
        """A charger with its connectors."""
        details = await chargers.details(principal().org_id, charge_box_id)
        return presenters.charger_details(details, chargers.connection_url(charge_box_id))

    @bp.delete("/chargers/<charge_box_id>")
    @returns(r.Unregistered)
    @document_response(r.ErrorBody, 401)
    @document_response(r.ErrorBody, 404)
    async def delete_charger(charge_box_id: str) -> Any:
        """Unregister a charger; its history is kept and the id may be registered again."""
        await chargers.unregister(principal().org_id, charge_box_id)
        return r.Unregistered(
            message="Charger unregistered successfully", chargeBoxId=charge_box_id
        )

    @bp.get("/chargers/<charge_box_id>/connectors/<connector_id>/status")
    @returns(r.ConnectorHistory)
    @document_response(r.ErrorBody, 400)
    @document_response(r.ErrorBody, 401)
    @document_response(r.ErrorBody, 404)
    async def connector_status(charge_box_id: str, connector_id: str) -> Any:
        """The last 5 status notifications of a connector, newest first."""
        number = parse_connector_id(connector_id)
        history = await chargers.status_history(principal().org_id, charge_box_id, number)
        return presenters.status_notifications(charge_box_id, number, history)

    return bp
