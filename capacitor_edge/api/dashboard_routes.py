"""REST routes the dashboard's views need (issue 18), open to API keys too: a charger's live
connection, the site load over the last hours, and the self-test run against the box."""

from __future__ import annotations

from typing import Any

from quart import Blueprint
from quart_schema import validate_querystring

from capacitor_edge.api.contract import returns
from capacitor_edge.api.dashboard_models import (
    ConnectionInfo,
    LoadHistoryQuery,
    LoadHistoryView,
    SelfTestState,
)
from capacitor_edge.api.errors import documents_errors
from capacitor_edge.api.key_check import principal
from capacitor_edge.domain.chargers import Chargers
from capacitor_edge.domain.errors import Conflict, Invalid, NotFound
from capacitor_edge.domain.load_history import LoadHistory
from capacitor_edge.domain.selftest_runs import SelfTestRuns


def dashboard_routes_blueprint(
    chargers: Chargers, history: LoadHistory, selftests: SelfTestRuns
) -> Blueprint:
    bp = Blueprint("dashboard_api", __name__)

    @bp.get("/chargers/<charge_box_id>/connection")
    @returns(ConnectionInfo)
    @documents_errors(NotFound)
    async def get_connection(charge_box_id: str) -> Any:
        """The charger's live connection: since when, from which address, with which security
        profile and whether over TLS (all null but the profile while it is offline)."""
        found = await chargers.connection(principal().org_id, charge_box_id)
        return ConnectionInfo.model_validate(found)

    @bp.get("/site/load/history")
    @returns(LoadHistoryView)
    @documents_errors(Invalid, NotFound)
    @validate_querystring(LoadHistoryQuery)
    async def get_load_history(query_args: LoadHistoryQuery) -> Any:
        """Each circuit's limit, allocation and measured draw per phase over the last hours,
        sampled every `load_history_interval_s`; in memory, so it starts again on restart."""
        found = history.view(query_args.circuitId, query_args.hours)
        return LoadHistoryView.model_validate(found)

    @bp.get("/selftest")
    @returns(SelfTestState)
    async def get_selftest() -> Any:
        """The last self-test run from this API or the dashboard, and whether one runs now."""
        return SelfTestState.model_validate(selftests.last(principal().org_id))

    @bp.post("/selftest")
    @returns(SelfTestState)
    @documents_errors(Conflict)
    async def run_selftest() -> Any:
        """Run the simulator's self-test against this box now (a simulated charger registers,
        boots, charges and is unregistered again) and answer with its result when it is done,
        bounded by `selftest_timeout_s`. 409 while one is running."""
        return SelfTestState.model_validate(await selftests.run(principal().org_id))

    return bp
