"""The REST API against its own ``/openapi.json`` (issue 12): each fault found by schemathesis,
and a walk over every route checking each sent body against the documented schema.

Real parts only: the in-process appliance (``appliance`` fixture) on 127.0.0.1 port 0 with its
SQLite file in ``tmp_path``, and httpx.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import httpx
import jsonschema
import trio

from tests.conftest import Appliance
from tests.test_id_tags_api import assert_error
from tests.test_transactions_api import make_history

TIMEOUT_S = 20.0
TOO_BIG = str(2**63)


class Contract:
    """Checks each response against the operation the document gives for it, and records
    which (path, method, status) were seen."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.seen: set[tuple[str, str, str]] = set()
        self._routes = [
            (re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "$"), path)
            for path in sorted(document["paths"], key=lambda p: p.count("{"))
        ]

    def operation(self, method: str, url_path: str) -> tuple[str, dict[str, Any]]:
        for pattern, path in self._routes:
            operation = self.document["paths"][path].get(method.lower())
            if operation is not None and pattern.match(url_path):
                return path, operation
        raise AssertionError(f"{method} {url_path} is not in the OpenAPI document")

    def check(self, response: httpx.Response) -> httpx.Response:
        method, url_path = response.request.method, response.request.url.path
        path, operation = self.operation(method, url_path)
        status = str(response.status_code)
        documented = operation["responses"]
        assert status in documented, f"{method} {path} sent undocumented {status}"
        self.seen.add((path, method.lower(), status))
        (content_type, media), *_ = documented[status]["content"].items()
        assert response.headers["content-type"].split(";")[0] == content_type, response.headers
        if content_type == "application/json":
            schema = {**media["schema"], "components": self.document["components"]}
            jsonschema.Draft202012Validator(schema).validate(response.json())
        return response


async def contract_client(appliance: Appliance) -> tuple[httpx.AsyncClient, Contract]:
    async with appliance.client() as client:
        document = (await client.get("/openapi.json")).json()
    contract = Contract(document)

    async def check(response: httpx.Response) -> None:
        await response.aread()
        if response.request.url.path not in {"/openapi.json", "/docs"}:
            contract.check(response)

    client = appliance.client()
    client.event_hooks["response"].append(check)
    return client, contract


async def test_a_body_that_is_not_utf8_is_a_400_naming_the_body(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            bad = b'{"chargeBoxId": "\xff\xfe"}'
            post = await client.post("/api/v1/chargers", content=bad)
            assert_error(post, 400, "VALIDATION_ERROR", "body")
            await client.post("/api/v1/id-tags", json={"idTag": "TAG-1"})
            patch = await client.patch("/api/v1/id-tags/TAG-1", content=bad)
            assert_error(patch, 400, "VALIDATION_ERROR", "body")


async def test_integers_past_64_bits_in_a_query_are_a_400_naming_the_field(
    appliance: Appliance,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            await client.post("/api/v1/chargers", json={"chargeBoxId": "CP-1"})
            for url, field in [
                (f"/api/v1/chargers?offset={TOO_BIG}", "offset"),
                (f"/api/v1/id-tags?offset={TOO_BIG}", "offset"),
                (f"/api/v1/transactions?offset={TOO_BIG}", "offset"),
                (f"/api/v1/chargers/CP-1/commands?offset={TOO_BIG}", "offset"),
                (f"/api/v1/transactions/1/meter-values?offset=-{TOO_BIG}1", "offset"),
            ]:
                assert_error(await client.get(url), 400, "VALIDATION_ERROR", f"{field}:")


async def test_405_says_allow_in_the_error_shape(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            chargers = await client.delete("/api/v1/chargers")
            assert_error(chargers, 405, "METHOD_NOT_ALLOWED", "GET, POST")
            assert chargers.headers["allow"] == "GET, POST"
            start = await client.get("/api/v1/transactions/start")
            assert_error(start, 405, "METHOD_NOT_ALLOWED")
            assert start.headers["allow"] == "POST"


async def test_bodies_the_document_allows_are_accepted(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            # JSON Schema's integer includes 909.0; so does the server.
            charger = await client.post(
                "/api/v1/chargers", json={"chargeBoxId": "CP-1", "securityProfile": 0.0}
            )
            assert charger.status_code == 201, charger.text
            fraction = await client.post(
                "/api/v1/chargers", json={"chargeBoxId": "CP-2", "securityProfile": 0.5}
            )
            assert_error(fraction, 400, "VALIDATION_ERROR", "securityProfile")
            tag = await client.post("/api/v1/id-tags", json={"idTag": "T", "expiryDate": ""})
            assert tag.status_code == 201, tag.text
            assert tag.json()["expiryDate"] is None
            # No body where every field is optional: the charger's absence is the answer.
            get_config = await client.post("/api/v1/chargers/CP-1/configuration/get")
            assert_error(get_config, 503, "SERVICE_UNAVAILABLE")
            # No body where a field is required: the 400 names it.
            reset = await client.post("/api/v1/chargers/CP-1/reset")
            assert_error(reset, 400, "VALIDATION_ERROR", "type")


async def test_the_document_describes_keys_errors_and_non_json_bodies(
    appliance: Appliance,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            document = (await client.get("/openapi.json")).json()
    paths = document["paths"]
    for path, item in paths.items():
        for method, operation in item.items():
            keyed = operation.get("security", document["security"])
            responses = operation["responses"]
            if path.startswith("/api/v1/"):
                assert keyed, (method, path)
                for status in ("401", "429"):
                    schema = responses[status]["content"]["application/json"]["schema"]
                    assert schema["title"] == "ErrorBody", (method, path, status)
            if path.startswith("/files/"):
                assert keyed == [], (method, path)
    metrics = paths["/metrics"]["get"]["responses"]["200"]["content"]
    assert list(metrics) == ["text/plain"]
    assert list(paths["/api/v1/transactions.csv"]["get"]["responses"]["200"]["content"]) == [
        "text/csv"
    ]
    commands = "/api/v1/chargers/{charge_box_id}"
    assert paths[f"{commands}/configuration/get"]["post"]["requestBody"]["required"] is False
    assert paths[f"{commands}/reset"]["post"]["requestBody"]["required"] is True
    assert "503" in paths[f"{commands}/reset"]["post"]["responses"]


async def test_csv_booleans_read_as_spreadsheet_booleans(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        await make_history(appliance)
        async with appliance.client() as client:
            response = await client.get("/api/v1/transactions.csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows
    assert {row["remoteStarted"] for row in rows} == {"false"}


async def test_docs_load_every_asset_from_the_box(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            page = await client.get("/docs")
            assert page.status_code == 200
            assert "http://" not in page.text and "https://" not in page.text, page.text
            assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
            assert len(assets) == 2, assets
            for asset in assets:
                assert asset.startswith("/"), asset
                response = await client.get(asset)
                assert response.status_code == 200, asset
                assert len(response.content) > 10_000, asset
            kinds = {(await client.get(a)).headers["content-type"].split(";")[0] for a in assets}
            assert kinds == {"text/javascript", "text/css"}
            missing = await client.get("/docs/assets/index.html")
            assert_error(missing, 404, "NOT_FOUND")
