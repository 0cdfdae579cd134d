"""Site load management over REST (issue 16): the site document, its live load, and the
building meter pushed by an energy-management system."""

from __future__ import annotations

from typing import Any

from quart import Blueprint
from quart_schema import validate_request

from capacitor_edge.api.contract import returns
from capacitor_edge.api.errors import documents_errors
from capacitor_edge.api.key_check import principal
from capacitor_edge.api.site_models import (
    MeterReading,
    MeterState,
    SiteBody,
    SiteDocument,
    SiteLoad,
)
from capacitor_edge.domain.errors import Invalid, NotFound
from capacitor_edge.domain.load_control import LoadControl
from capacitor_edge.domain.load_view import meter_view, site_load
from capacitor_edge.domain.site import site_document


def site_blueprint(control: LoadControl) -> Blueprint:
    bp = Blueprint("site", __name__)

    def configured() -> None:
        if control.site() is None:
            raise NotFound("No site configured (PUT /api/v1/site)")

    @bp.get("/site")
    @returns(SiteDocument)
    @documents_errors(NotFound)
    async def get_site() -> Any:
        """The site: its circuit tree, the chargers in it, the building meter."""
        site = control.site()
        if site is None:
            raise NotFound("No site configured (PUT /api/v1/site)")
        return SiteDocument.model_validate(site_document(site))

    @bp.put("/site")
    @returns(SiteDocument)
    @documents_errors(Invalid)
    @validate_request(SiteBody)
    async def put_site(data: SiteBody) -> Any:
        """Replace the site, checked as a whole (one root, no cycles, each charger in one
        circuit, phases that exist upstream); the allocation is recomputed at once."""
        document = data.model_dump(exclude_none=True)
        site = await control.put_site(principal().org_id, document)
        return SiteDocument.model_validate(site_document(site))

    @bp.get("/site/load")
    @returns(SiteLoad)
    @documents_errors(NotFound)
    async def get_load() -> Any:
        """Live: per circuit and per connector, the limit, the allocation and the measured
        draw per phase, with when each was sent or measured."""
        configured()
        return SiteLoad.model_validate(site_load(control))

    @bp.get("/site/meter")
    @returns(MeterState)
    @documents_errors(NotFound)
    async def get_meter() -> Any:
        """The building meter's last reading and whether it is stale."""
        configured()
        return MeterState.model_validate(meter_view(control))

    @bp.put("/site/meter")
    @returns(MeterState)
    @documents_errors(Invalid, NotFound)
    @validate_request(MeterReading)
    async def put_meter(data: MeterReading) -> Any:
        """The meter's reading per phase, from an energy-management system (a site whose meter
        `source` is `rest`); stale after the meter's `staleAfterS`. Negative: export."""
        configured()
        site = control.site()
        assert site is not None
        if site.meter.source != "rest":
            raise Invalid("meter.source", f"the site's meter is {site.meter.source!r}, not rest")
        for index, value in enumerate(data.currentA):
            # Negative is export (solar-surplus mode), so the range is symmetric.
            if not -100_000 <= value <= 100_000:
                raise Invalid(f"currentA[{index}]", "must be between -100000 and 100000")
        control.building_load(data.currentA)
        return MeterState.model_validate(meter_view(control))

    return bp
