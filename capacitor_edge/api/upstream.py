"""``GET /api/v1/chargers/{chargeBoxId}/upstream``: the charger's link to the upstream central
system (issue 20, docs/local-controller.md)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict
from quart import Blueprint
from quart_schema import document_response

from capacitor_edge.api import responses as r
from capacitor_edge.api.contract import returns
from capacitor_edge.api.key_check import principal
from capacitor_edge.domain.chargers import Chargers
from capacitor_edge.domain.upstream import Mirror


class UpstreamLink(r.Closed):
    model_config = ConfigDict(extra="forbid", title="UpstreamLink")

    chargeBoxId: str
    #: False when the box has no ``upstream_url``: it is the only central system.
    enabled: bool
    connected: bool
    connectedAt: str | None
    outboxDepth: int
    oldestUnsentAt: str | None
    lastError: str | None
    lastErrorAt: str | None


def upstream_blueprint(mirror: Mirror | None, chargers: Chargers) -> Blueprint:
    bp = Blueprint("upstream", __name__)

    @bp.get("/chargers/<charge_box_id>/upstream")
    @returns(UpstreamLink)
    @document_response(r.ErrorBody, 401)
    @document_response(r.ErrorBody, 404)
    async def charger_upstream(charge_box_id: str) -> Any:
        """The charger's upstream link: connected or not, how many of its messages wait in the
        outbox and since when, and the last error."""
        org_id = principal().org_id
        if mirror is None:
            await chargers.details(org_id, charge_box_id)  # 404 for an unknown charger
            return UpstreamLink(
                chargeBoxId=charge_box_id,
                enabled=False,
                connected=False,
                connectedAt=None,
                outboxDepth=0,
                oldestUnsentAt=None,
                lastError=None,
                lastErrorAt=None,
            )
        view = await mirror.view(org_id, charge_box_id)
        return UpstreamLink(
            chargeBoxId=charge_box_id,
            enabled=True,
            connected=view.connected,
            connectedAt=view.connected_at,
            outboxDepth=view.outbox_depth,
            oldestUnsentAt=view.oldest_unsent_at,
            lastError=view.last_error,
            lastErrorAt=view.last_error_at,
        )

    return bp
