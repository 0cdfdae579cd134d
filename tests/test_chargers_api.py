"""The Chargers REST API against a real in-process appliance (spec/chargers-api.txt, exactly)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
import trio

from capacitor_edge.clock import iso_z
from tests.conftest import FIXED_NOW, PUBLIC_URL, Appliance, plain_connection, second_org_key

TIMEOUT_S = 10.0
CHARGERS = "/api/v1/chargers"
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")

REGISTER_KEYS = {
    "id",
    "chargeBoxId",
    "name",
    "location",
    "status",
    "isOnline",
    "registeredAt",
    "connectionUrl",
    "instructions",
}
SUMMARY_KEYS = {
    "id",
    "chargeBoxId",
    "name",
    "status",
    "isOnline",
    "vendor",
    "model",
    "lastHeartbeat",
}
DETAIL_KEYS = {
    "id",
    "chargeBoxId",
    "name",
    "status",
    "isOnline",
    "vendor",
    "model",
    "serialNumber",
    "firmwareVersion",
    "lastHeartbeat",
    "connectors",
    "connectionUrl",
    "location",
    "registeredAt",
}


def assert_error(response: httpx.Response, status: int, code: str, *mentions: str) -> str:
    """The API's one error shape; returns the message after checking it names ``mentions``."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"success", "error"}, body
    assert body["success"] is False
    assert set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code, body
    message = body["error"]["message"]
    assert isinstance(message, str)
    assert message
    for mention in mentions:
        assert mention in message, f"{mention!r} not in {message!r}"
    return message


async def register(client: httpx.AsyncClient, charge_box_id: str, **extra: Any) -> dict[str, Any]:
    response = await client.post(CHARGERS, json={"chargeBoxId": charge_box_id, **extra})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_register_returns_the_spec_shape(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            response = await client.post(
                CHARGERS,
                json={
                    "chargeBoxId": "CHARGER-001",
                    "name": "Office Parking Lot",
                    "location": "Building A, Spot 12",
                },
            )
    assert response.status_code == 201, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == REGISTER_KEYS
    assert re.fullmatch(r"chg_[A-Za-z0-9]+", body["id"])
    url = f"{PUBLIC_URL}/ocpp/CHARGER-001"
    assert body == {
        "id": body["id"],
        "chargeBoxId": "CHARGER-001",
        "name": "Office Parking Lot",
        "location": "Building A, Spot 12",
        "status": "offline",
        "isOnline": False,
        "registeredAt": iso_z(FIXED_NOW),
        "connectionUrl": url,
        "instructions": {
            "message": "Configure your charger to connect to the WebSocket URL below",
            "url": url,
            "protocol": "ocpp1.6",
        },
    }
    assert TIMESTAMP.match(body["registeredAt"])
    assert body["registeredAt"] == "2026-02-06T12:00:00.123Z"


async def test_register_without_name_and_location(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            body = await register(client, "BARE")
    assert body["name"] is None
    assert body["location"] is None


async def test_registration_is_committed_before_the_201(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            body = await register(client, "DURABLE-1", name="n")
        conn = plain_connection(appliance.database)
        try:
            row = conn.execute(
                "SELECT id, name, deleted_at FROM chargers WHERE charge_box_id = ?",
                ("DURABLE-1",),
            ).fetchone()
        finally:
            conn.close()
    assert row is not None, "the acknowledged charger is not in the database"
    assert (row["id"], row["name"], row["deleted_at"]) == (body["id"], "n", None)


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"name": "no id"},
        {"chargeBoxId": ""},
        {"chargeBoxId": "X" * 49},
        {"chargeBoxId": "CHARGER 001"},
        {"chargeBoxId": "CHARGER/001"},
        {"chargeBoxId": "CHARGER?001"},
        {"chargeBoxId": "CHARGER#001"},
        {"chargeBoxId": "CHARGÉ-001"},
        {"chargeBoxId": "CHARGER\t001"},
        {"chargeBoxId": 1},
        {"chargeBoxId": None},
        {"chargeBoxId": ["CHARGER-001"]},
    ],
    ids=repr,
)
async def test_invalid_charge_box_id(appliance: Appliance, payload: dict[str, Any]) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            response = await client.post(CHARGERS, json=payload)
            listed = (await client.get(CHARGERS)).json()
    assert_error(response, 400, "VALIDATION_ERROR", "chargeBoxId")
    assert listed["pagination"]["total"] == 0


async def test_longest_charge_box_id_is_accepted(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            body = await register(client, "X" * 48)
    assert body["chargeBoxId"] == "X" * 48


@pytest.mark.parametrize(
    "content", [b"{not json", b"", b'{"chargeBoxId": "A",}', b"[]", b'"CHARGER-001"']
)
async def test_malformed_body(appliance: Appliance, content: bytes) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            response = await client.post(
                CHARGERS, content=content, headers={"Content-Type": "application/json"}
            )
    assert_error(response, 400, "VALIDATION_ERROR")


async def test_duplicate_is_a_conflict(appliance: Appliance) -> None:
    other_key = await second_org_key(appliance)
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client, appliance.client(other_key) as other:
            await register(client, "CHARGER-001")
            again = await client.post(CHARGERS, json={"chargeBoxId": "CHARGER-001"})
            elsewhere = await other.post(CHARGERS, json={"chargeBoxId": "CHARGER-001"})
            other_list = (await other.get(CHARGERS)).json()
    assert_error(again, 409, "CONFLICT", "CHARGER-001")
    # chargeBoxId is unique on the box: the WebSocket path carries no organisation.
    assert_error(elsewhere, 409, "CONFLICT", "CHARGER-001")
    assert other_list["pagination"]["total"] == 0


async def test_list_pagination_and_order(appliance: Appliance) -> None:
    ids = [f"CP-{index:02d}" for index in range(7)]
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            for charge_box_id in ids:
                await register(client, charge_box_id, name=f"name {charge_box_id}")
            default = await client.get(CHARGERS)
            page = await client.get(CHARGERS, params={"limit": 2, "offset": 3})
            tail = await client.get(CHARGERS, params={"limit": 5, "offset": 5})
            beyond = await client.get(CHARGERS, params={"offset": 100})
            offline = await client.get(CHARGERS, params={"status": "offline"})
            online = await client.get(CHARGERS, params={"status": "online"})

    assert default.status_code == 200, default.text
    body = default.json()
    assert set(body) == {"chargers", "pagination"}
    assert body["pagination"] == {"total": 7, "limit": 50, "offset": 0}
    assert [c["chargeBoxId"] for c in body["chargers"]] == ids
    first = body["chargers"][0]
    assert set(first) == SUMMARY_KEYS
    assert first["name"] == "name CP-00"
    assert first["status"] == "offline"
    assert first["isOnline"] is False
    assert first["vendor"] is None
    assert first["lastHeartbeat"] is None
    assert first["id"].startswith("chg_")

    assert page.json()["pagination"] == {"total": 7, "limit": 2, "offset": 3}
    assert [c["chargeBoxId"] for c in page.json()["chargers"]] == ids[3:5]
    assert [c["chargeBoxId"] for c in tail.json()["chargers"]] == ids[5:]
    assert beyond.json() == {"chargers": [], "pagination": {"total": 7, "limit": 50, "offset": 100}}
    assert offline.json()["pagination"]["total"] == 7
    assert online.json() == {"chargers": [], "pagination": {"total": 0, "limit": 50, "offset": 0}}


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"status": "charging"}, "status"),
        ({"status": ""}, "status"),
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "x"}, "offset"),
    ],
)
async def test_list_rejects_bad_parameters(
    appliance: Appliance, params: dict[str, str], parameter: str
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            response = await client.get(CHARGERS, params=params)
    assert_error(response, 400, "VALIDATION_ERROR", parameter)


async def test_limit_bounds_are_accepted(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            low = await client.get(CHARGERS, params={"limit": 1})
            high = await client.get(CHARGERS, params={"limit": 500})
    assert low.json()["pagination"]["limit"] == 1
    assert high.json()["pagination"]["limit"] == 500


async def test_get_details(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            registered = await register(
                client, "CHARGER-001", name="Office Parking Lot", location="Building A, Spot 12"
            )
            response = await client.get(f"{CHARGERS}/CHARGER-001")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) >= DETAIL_KEYS, DETAIL_KEYS - set(body)
    assert body["id"] == registered["id"]
    assert body["chargeBoxId"] == "CHARGER-001"
    assert body["name"] == "Office Parking Lot"
    assert body["location"] == "Building A, Spot 12"
    assert body["status"] == "offline"
    assert body["isOnline"] is False
    assert body["connectors"] == []
    assert body["connectionUrl"] == f"{PUBLIC_URL}/ocpp/CHARGER-001"
    assert body["registeredAt"] == registered["registeredAt"]
    for key in ("vendor", "model", "serialNumber", "firmwareVersion", "lastHeartbeat"):
        assert body[key] is None, key


async def test_unknown_charger_is_not_found(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            got = await client.get(f"{CHARGERS}/NOPE")
            deleted = await client.delete(f"{CHARGERS}/NOPE")
            status = await client.get(f"{CHARGERS}/NOPE/connectors/1/status")
    for response in (got, deleted, status):
        message = assert_error(response, 404, "NOT_FOUND")
        assert message == "Charger NOPE not found"


async def test_delete_then_register_again(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            first = await register(client, "CHARGER-001")
            deleted = await client.delete(f"{CHARGERS}/CHARGER-001")
            gone = await client.get(f"{CHARGERS}/CHARGER-001")
            listed = (await client.get(CHARGERS)).json()
            deleted_twice = await client.delete(f"{CHARGERS}/CHARGER-001")
            second = await register(client, "CHARGER-001")
            found = await client.get(f"{CHARGERS}/CHARGER-001")

    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {
        "message": "Charger unregistered successfully",
        "chargeBoxId": "CHARGER-001",
    }
    message = assert_error(gone, 404, "NOT_FOUND")
    assert message == "Charger CHARGER-001 not found"
    assert listed == {"chargers": [], "pagination": {"total": 0, "limit": 50, "offset": 0}}
    assert_error(deleted_twice, 404, "NOT_FOUND")
    assert second["id"] != first["id"]
    assert found.status_code == 200
    assert found.json()["id"] == second["id"]


async def test_connector_status(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            await register(client, "CHARGER-001")
            ok = await client.get(f"{CHARGERS}/CHARGER-001/connectors/1/status")
            zero = await client.get(f"{CHARGERS}/CHARGER-001/connectors/0/status")
            bad = [
                await client.get(f"{CHARGERS}/CHARGER-001/connectors/{text}/status")
                for text in ("abc", "-1", "1.5", "%C2%B2")
            ]
    assert ok.status_code == 200, ok.text
    assert ok.json() == {"chargeBoxId": "CHARGER-001", "connectorId": 1, "statusNotifications": []}
    assert zero.json()["connectorId"] == 0
    for response in bad:
        assert_error(response, 400, "VALIDATION_ERROR", "connectorId")


async def test_charge_box_id_with_url_special_characters(appliance: Appliance) -> None:
    # ':' '%' '@' are allowed in CiString48 ids; they must round-trip through URLs.
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            body = await register(client, "A:B%C@D")
            got = await client.get(f"{CHARGERS}/A%3AB%25C%40D")
            deleted = await client.delete(f"{CHARGERS}/A%3AB%25C%40D")
    assert body["connectionUrl"] == f"{PUBLIC_URL}/ocpp/A%3AB%25C%40D"
    assert got.status_code == 200, got.text
    assert got.json()["chargeBoxId"] == "A:B%C@D"
    assert deleted.json()["chargeBoxId"] == "A:B%C@D"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", CHARGERS),
        ("POST", CHARGERS),
        ("GET", f"{CHARGERS}/CHARGER-001"),
        ("DELETE", f"{CHARGERS}/CHARGER-001"),
        ("GET", f"{CHARGERS}/CHARGER-001/connectors/1/status"),
        ("GET", "/api/v1/auth/api-keys"),
    ],
)
@pytest.mark.parametrize(
    "headers", [{}, {"X-API-Key": ""}, {"X-API-Key": "cap_live_" + "x" * 32}, {"X-API-Key": "?"}]
)
async def test_key_required(
    appliance: Appliance, method: str, path: str, headers: dict[str, str]
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with httpx.AsyncClient(base_url=appliance.endpoints.http_url) as client:
            response = await client.request(
                method, path, headers=headers, json={"chargeBoxId": "CHARGER-001"}
            )
    assert_error(response, 401, "UNAUTHORIZED")


async def test_organisations_are_isolated(appliance: Appliance) -> None:
    other_key = await second_org_key(appliance)
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as mine, appliance.client(other_key) as theirs:
            await register(mine, "CHARGER-001")
            listed = await theirs.get(CHARGERS)
            got = await theirs.get(f"{CHARGERS}/CHARGER-001")
            status = await theirs.get(f"{CHARGERS}/CHARGER-001/connectors/1/status")
            deleted = await theirs.delete(f"{CHARGERS}/CHARGER-001")
            still_mine = await mine.get(f"{CHARGERS}/CHARGER-001")
            their_own = await register(theirs, "THEIRS-001")
            my_list = (await mine.get(CHARGERS)).json()
            my_view_of_theirs = await mine.get(f"{CHARGERS}/THEIRS-001")

    assert listed.json() == {"chargers": [], "pagination": {"total": 0, "limit": 50, "offset": 0}}
    for response in (got, status, deleted):
        assert assert_error(response, 404, "NOT_FOUND") == "Charger CHARGER-001 not found"
    assert still_mine.status_code == 200
    assert their_own["chargeBoxId"] == "THEIRS-001"
    assert [c["chargeBoxId"] for c in my_list["chargers"]] == ["CHARGER-001"]
    assert_error(my_view_of_theirs, 404, "NOT_FOUND")


async def test_health_needs_no_key(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with httpx.AsyncClient(base_url=appliance.endpoints.http_url) as client:
            response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_unknown_endpoint_uses_the_error_shape(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            response = await client.get("/api/v1/nothing-here")
    assert_error(response, 404, "NOT_FOUND")


async def test_openapi_document(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with httpx.AsyncClient(base_url=appliance.endpoints.http_url) as client:
            response = await client.get("/openapi.json")
            docs = await client.get("/docs")
    assert response.status_code == 200
    document = response.json()
    assert re.fullmatch(r"3\.\d+\.\d+", document["openapi"])
    assert document["info"]["title"]
    assert document["info"]["version"]
    paths = document["paths"]
    assert set(paths[CHARGERS]) >= {"get", "post"}
    templated = [p for p in paths if re.fullmatch(r"/api/v1/chargers/\{[^}]+\}", p)]
    assert len(templated) == 1, paths.keys()
    assert set(paths[templated[0]]) >= {"get", "delete"}
    assert any(p.endswith("/status") and "/connectors/" in p for p in paths), paths.keys()
    schemes = document["components"]["securitySchemes"]
    assert {"type": "apiKey", "name": "X-API-Key", "in": "header"}.items() <= next(
        iter(schemes.values())
    ).items()
    assert docs.status_code == 200
    assert "text/html" in docs.headers["content-type"]


async def test_openapi_operations_document_their_responses(appliance: Appliance) -> None:
    # OpenAPI 3.x: "The Responses Object MUST contain at least one response code" (the 3.1
    # schema has minProperties: 1), so an empty ``responses: {}`` makes the document invalid.
    with trio.fail_after(TIMEOUT_S):
        async with httpx.AsyncClient(base_url=appliance.endpoints.http_url) as client:
            document = (await client.get("/openapi.json")).json()
    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if method in {"get", "post", "put", "patch", "delete"} and not operation.get("responses")
    ]
    assert not undocumented, f"operations with an empty responses object: {undocumented}"
