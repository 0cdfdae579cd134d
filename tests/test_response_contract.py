"""The REST contract written once (issue 13): the response models are what routes return.

- Every route of the real app whose document shows a JSON success body is held to that model
  by ``contract.returns``: it cannot send a plain dict (or another model) in its place.
- ``returns`` refuses a dict, a look-alike model and an undocumented status.
- The sent JSON keeps ``null`` for what a route gives as None, leaves out what it never gives,
  and keeps the order each command has always sent.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, cast

import pytest
import trio
from quart_schema.validation import QUART_SCHEMA_RESPONSE_ATTRIBUTE
from quart_trio import QuartTrio

from capacitor_edge.api import responses as r
from capacitor_edge.api.app import create_app
from capacitor_edge.api.command_bodies import firmware_update_body
from capacitor_edge.api.contract import CONTRACT_ATTRIBUTE, body, returns
from capacitor_edge.app.compose import build_services
from capacitor_edge.app.serve import database_path
from capacitor_edge.clock import FixedClock
from capacitor_edge.domain.command_outcomes import FirmwareUpdateAnswer
from capacitor_edge.settings import Settings
from capacitor_edge.storage.database import Database
from tests.conftest import FIXED_NOW

TIMEOUT_S = 20.0


def openapi_path(rule: str) -> str:
    """``/x/<conv:name>`` as the document writes it: ``/x/{name}``."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


async def test_every_documented_json_success_is_a_model_the_route_must_return(
    settings: Settings,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        db = Database(database_path(settings), now=FixedClock(FIXED_NOW).now)
        async with trio.open_nursery() as nursery:
            await nursery.start(db.run)
            app = create_app(build_services(db, settings, FixedClock(FIXED_NOW)), trio.Event())
            schema = app.extensions["QUART_SCHEMA"].openapi_provider.schema()
            await db.close()
    checked = 0
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        operations = schema["paths"].get(openapi_path(rule.rule), {})
        for method in sorted(rule.methods or ()):
            operation = operations.get(method.lower())
            if operation is None:
                continue  # HEAD, OPTIONS, hidden routes
            json_successes = {
                int(status)
                for status, response in operation["responses"].items()
                if str(status).startswith("2") and "application/json" in response["content"]
            }
            if not json_successes:
                continue  # CSV, metrics, file downloads: not JSON
            where = f"{method} {rule.rule}"
            contract: tuple[type[Any], frozenset[int]] | None = getattr(
                view, CONTRACT_ATTRIBUTE, None
            )
            assert contract is not None, f"{where}: documents a body but does not return a model"
            model, statuses = contract
            assert json_successes <= statuses, (where, json_successes, statuses)
            documented = getattr(view, QUART_SCHEMA_RESPONSE_ATTRIBUTE)
            for status in statuses:
                assert documented[status][0] is model, (where, status)
            checked += 1
    assert checked >= 30, checked


def contract_app() -> QuartTrio:
    app = QuartTrio("contract-test")

    @app.get("/dict")
    @returns(r.Message)
    async def as_dict() -> Any:
        return {"message": "hi"}

    @app.get("/other-model")
    @returns(r.Message)
    async def as_other_model() -> Any:
        return r.IdTagDeleted(message="hi", idTag="T")

    @app.get("/other-status")
    @returns(r.Message)
    async def as_other_status() -> Any:
        return r.Message(message="hi"), 202

    return app


@pytest.mark.parametrize(
    ("path", "endpoint"),
    [
        ("/dict", "as_dict"),
        ("/other-model", "as_other_model"),
        ("/other-status", "as_other_status"),
    ],
)
async def test_a_route_that_does_not_return_its_model_fails(path: str, endpoint: str) -> None:
    app = contract_app()
    view = cast(Callable[[], Awaitable[Any]], app.view_functions[endpoint])
    with trio.fail_after(TIMEOUT_S):
        async with app.test_request_context(path):
            with pytest.raises(TypeError, match="its contract is Message for 200"):
                await view()


def test_a_body_keeps_the_nulls_given_and_leaves_out_what_was_not_given() -> None:
    trigger = r.CommandResult(
        message="Trigger of Heartbeat accepted by charger",
        chargeBoxId="CP-1",
        requestedMessage="Heartbeat",
        connectorId=None,
        status="accepted",
    )
    assert body(trigger) == {
        "message": "Trigger of Heartbeat accepted by charger",
        "chargeBoxId": "CP-1",
        "requestedMessage": "Heartbeat",
        "connectorId": None,
        "status": "accepted",
    }
    firmware = firmware_update_body(
        "CP-1", FirmwareUpdateAnswer("http://x.test/fw", "2026-02-06T12:00:00.000Z"), "fw_1"
    )
    assert list(body(firmware)) == [
        "message",
        "chargeBoxId",
        "location",
        "retrieveDate",
        "status",
        "firmwareId",
    ]
    error = r.ErrorBody(success=False, error=r.ErrorDetail(code="NOT_FOUND", message="x"))
    assert body(error) == {"success": False, "error": {"code": "NOT_FOUND", "message": "x"}}
