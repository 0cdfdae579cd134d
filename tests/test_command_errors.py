"""The commands' typed OCPP payloads and the one error table (issue 13).

The wire check is against the JSON the OCPP 1.6 schemas name (camelCase, no nulls); the
table is checked against every DomainError in the package and against the OpenAPI document
the box serves (the in-process appliance on 127.0.0.1 port 0)."""

from __future__ import annotations

import importlib
import pkgutil

import trio
from ocpp.v16 import call, call_result

import capacitor_edge.domain
from capacitor_edge.api.errors import OUTCOMES, answer_for
from capacitor_edge.domain.charger_calls import from_wire, to_wire
from capacitor_edge.domain.errors import CallRejected, DomainError
from tests.conftest import Appliance


def test_requests_go_out_as_the_schemas_spell_them() -> None:
    assert to_wire(call.Reset("Soft")) == ("Reset", {"type": "Soft"})
    assert to_wire(call.ClearCache()) == ("ClearCache", {})
    assert to_wire(call.TriggerMessage(requested_message="Heartbeat")) == (
        "TriggerMessage",
        {"requestedMessage": "Heartbeat"},
    )
    assert to_wire(call.GetConfiguration(key=[])) == ("GetConfiguration", {"key": []})
    firmware = call.UpdateFirmware("http://x/fw", "2027-01-01T00:00:00.000Z", None, 60)
    assert to_wire(firmware)[1] == {
        "location": "http://x/fw",
        "retrieveDate": "2027-01-01T00:00:00.000Z",
        "retryInterval": 60,
    }
    start = call.RemoteStartTransaction(id_tag="T1", connector_id=2)
    assert to_wire(start) == ("RemoteStartTransaction", {"idTag": "T1", "connectorId": 2})


def test_answers_come_back_as_the_packages_dataclasses() -> None:
    answer = from_wire(
        call_result.GetConfiguration,
        {"configurationKey": [{"key": "A", "readonly": True}], "unknownKey": ["B"]},
    )
    assert answer.configuration_key == [{"key": "A", "readonly": True}]
    assert answer.unknown_key == ["B"]
    assert from_wire(call_result.DataTransfer, {"status": "Accepted"}).data is None


def _domain_errors() -> set[type[DomainError]]:
    for module in pkgutil.iter_modules(capacitor_edge.domain.__path__, "capacitor_edge.domain."):
        importlib.import_module(module.name)
    found: set[type[DomainError]] = set()
    todo: list[type[DomainError]] = [DomainError]
    while todo:
        kind = todo.pop()
        found.add(kind)
        todo.extend(kind.__subclasses__())
    return found


def test_every_domain_error_has_its_row() -> None:
    # CallRejected is answered on the OCPP side (a CALLERROR), never over REST; the root
    # and the unanswered-call base are abstract.
    abstract = {DomainError, CallRejected}
    for kind in _domain_errors() - abstract:
        if kind.__name__ == "CallUnanswered":
            continue
        assert answer_for(kind.__new__(kind)) is not None, kind


async def test_the_document_describes_errors_from_the_table(appliance: Appliance) -> None:
    with trio.fail_after(20):
        async with appliance.client() as client:
            document = (await client.get("/openapi.json")).json()
    reset = document["paths"]["/api/v1/chargers/{charge_box_id}/reset"]["post"]["responses"]
    for status, code in ((503, "SERVICE_UNAVAILABLE"), (504, "CHARGER_TIMEOUT")):
        assert f"`{code}`" in reset[str(status)]["description"]
    assert "`CHARGER_CONNECTION_LOST`" in reset["502"]["description"]
    # Remote start on a named busy connector answers 409 CONNECTOR_BUSY: documented too.
    start = document["paths"]["/api/v1/chargers/{charge_box_id}/remote-start"]["post"]
    assert "`CONNECTOR_BUSY`" in start["responses"]["409"]["description"]
    codes = {row.code for row in OUTCOMES.values()}
    assert {"STORAGE_FULL", "PAYLOAD_TOO_LARGE", "CHARGER_ERROR"} <= codes
