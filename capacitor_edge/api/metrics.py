"""``GET /metrics`` for Prometheus, and the REST request metrics every route feeds.

Requests are counted by their URL rule (``/api/v1/chargers/<charge_box_id>``), never by the raw
path: one time series per route, not one per charger or per scanner's made-up URL. The raw path
could also hold a credential (the token in a firmware download URL).
"""

from __future__ import annotations

from typing import Any

import trio
from pydantic import RootModel
from quart import Blueprint, Response, g, request
from quart_schema import document_response, security_scheme
from quart_trio import QuartTrio

from capacitor_edge import metrics
from capacitor_edge.api import responses as r
from capacitor_edge.api.errors import error_response
from capacitor_edge.api.key_check import HEADER
from capacitor_edge.domain.load_view import site_load
from capacitor_edge.domain.services import Services
from capacitor_edge.domain.site import SITE_PHASES

METRICS_PATH = "/metrics"
#: The route label of requests no route serves (404s, scanners).
UNMATCHED_ROUTE = "unmatched"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class PrometheusText(RootModel[str]):
    """Every metric in the Prometheus text exposition format, sent as `text/plain;
    version=0.0.4; charset=utf-8` (not JSON)."""


def install_request_metrics(app: QuartTrio) -> None:
    """Count every REST request by route, method and status, and time it (to the response
    headers: a streamed download's body is not included)."""

    @app.before_request
    async def start_clock() -> None:
        g.metrics_started = trio.current_time()

    @app.after_request
    async def count_request(response: Response) -> Response:
        rule = request.url_rule
        route = UNMATCHED_ROUTE if rule is None else rule.rule
        method = request.method if request.method in _METHODS else "other"
        metrics.HTTP_REQUESTS.labels(route, method, str(response.status_code)).inc()
        started: float | None = g.get("metrics_started")
        if started is not None:
            metrics.HTTP_SECONDS.labels(route, method).observe(trio.current_time() - started)
        return response


def _presented_key() -> str | None:
    """The API key in ``X-API-Key``, or as a Bearer token: Prometheus sends the latter from its
    standard ``authorization: {credentials_file: ...}`` scrape option."""
    key = request.headers.get(HEADER)
    if key:
        return key
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return credentials.strip() or None


def metrics_blueprint(services: Services) -> Blueprint:
    """``GET /metrics``: open, or behind an API key of any organisation (``metrics_access``)."""
    bp = Blueprint("metrics", __name__)
    protected = services.settings.metrics_access == "key"

    async def authenticate() -> Any:
        key = _presented_key()
        if key is None:
            return error_response(401, "UNAUTHORIZED", f"Missing {HEADER} header")
        if await services.keys.authenticate(key) is None:
            return error_response(401, "UNAUTHORIZED", "Invalid or inactive API key")
        return None

    async def prometheus_metrics() -> Any:
        """Every metric in the Prometheus text exposition format (`text/plain;
        version=0.0.4`). Needs an API key (`X-API-Key`, or `Authorization: Bearer KEY`) only
        when `metrics_access` is `key`."""
        # State, not events: read from the live services at scrape time, never out of step.
        metrics.CONNECTED_CHARGERS.set(len(services.live))
        metrics.ACTIVE_TRANSACTIONS.set(await services.transactions.count_active())
        _site_gauges(services)
        if services.mirror is not None:
            await services.mirror.set_gauges()
        return Response(metrics.exposition(), content_type=metrics.CONTENT_TYPE)

    handler = document_response(PrometheusText)(prometheus_metrics)
    if protected:
        handler = document_response(r.ErrorBody, 401)(handler)
        bp.before_request(authenticate)
    else:
        handler = security_scheme([])(handler)
    bp.get(METRICS_PATH)(handler)
    return bp


def _site_gauges(services: Services) -> None:
    """Per circuit and phase: limit, allocation, measured (none without a site)."""
    gauges = {
        "limitA": metrics.SITE_LIMIT,
        "allocatedA": metrics.SITE_ALLOCATED,
        "measuredA": metrics.SITE_MEASURED,
    }
    for gauge in gauges.values():
        gauge.clear()  # circuits removed from the site leave no series behind
    if services.load_control.site() is None:
        return
    for circuit in site_load(services.load_control)["circuits"]:
        for field, gauge in gauges.items():
            for phase, value in zip(SITE_PHASES, circuit[field], strict=True):
                if value is not None:
                    gauge.labels(circuit["id"], phase).set(value)
