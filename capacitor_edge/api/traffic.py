"""Diagnostics of the charger link: refused connection attempts and per-charger frame traces."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from quart import Blueprint
from quart_schema import document_response, validate_querystring

from capacitor_edge.api import responses as r
from capacitor_edge.api.contract import returns
from capacitor_edge.api.key_check import principal
from capacitor_edge.api.models import QueryString
from capacitor_edge.domain.traffic import Traffic


class MessagesQuery(QueryString):
    limit: int = Field(default=50, ge=1, le=1000)


def traffic_blueprint(traffic: Traffic) -> Blueprint:
    bp = Blueprint("traffic", __name__)

    @bp.get("/connection-attempts")
    @returns(r.ConnectionAttempts)
    @document_response(r.ErrorBody, 401)
    async def connection_attempts() -> Any:
        """The latest 100 refused charger connections: unregistered ids, and your own ids."""
        attempts = await traffic.latest_attempts(principal().org_id)
        return r.ConnectionAttempts(
            connectionAttempts=[
                r.ConnectionAttempt(
                    chargeBoxId=a.charge_box_id,
                    remoteAddress=a.remote_address,
                    reason=a.reason,
                    timestamp=a.at,
                )
                for a in attempts
            ]
        )

    @bp.get("/chargers/<charge_box_id>/messages")
    @returns(r.MessageTrace)
    @document_response(r.ErrorBody, 400)
    @document_response(r.ErrorBody, 401)
    @document_response(r.ErrorBody, 404)
    @validate_querystring(MessagesQuery)
    async def charger_messages(charge_box_id: str, query_args: MessagesQuery) -> Any:
        """The charger's latest OCPP frames in and out, newest first."""
        frames = await traffic.latest_frames(principal().org_id, charge_box_id, query_args.limit)
        return r.MessageTrace(
            chargeBoxId=charge_box_id,
            messages=[
                r.TracedFrame(direction=f.direction, frame=f.frame, timestamp=f.at) for f in frames
            ],
        )

    return bp
