"""The id-tag list over REST (``/api/v1/id-tags``) against a real in-process appliance."""

from __future__ import annotations

from contextlib import closing
from typing import Any

import httpx
import pytest
import trio

from capacitor_edge.clock import iso_z
from tests.conftest import FIXED_NOW, Appliance, plain_connection, second_org_key

TIMEOUT_S = 10.0
ID_TAGS = "/api/v1/id-tags"
NOW = iso_z(FIXED_NOW)
TAG_KEYS = {"idTag", "expiryDate", "parentIdTag", "blocked", "createdAt", "updatedAt"}


def assert_error(response: httpx.Response, status: int, code: str, *mentions: str) -> str:
    """The API's one error shape; returns the message after checking it names ``mentions``."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False, body
    assert set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code, body
    message: str = body["error"]["message"]
    for mention in mentions:
        assert mention in message, f"{mention!r} not in {message!r}"
    return message


async def create(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post(ID_TAGS, json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_create_returns_the_tag_and_commits_it(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            body = await create(
                client,
                idTag="USER123",
                expiryDate="2027-01-01T00:00:00Z",
                parentIdTag="FLEET-1",
                blocked=False,
            )
            assert set(body) == TAG_KEYS
            assert body == {
                "idTag": "USER123",
                "expiryDate": "2027-01-01T00:00:00.000Z",
                "parentIdTag": "FLEET-1",
                "blocked": False,
                "createdAt": NOW,
                "updatedAt": NOW,
            }
            # Committed before the 201: a second plain connection sees it.
            with closing(plain_connection(appliance.database)) as conn:
                row = conn.execute("SELECT * FROM id_tags WHERE id_tag = 'USER123'").fetchone()
            assert row is not None
            assert row["parent_id_tag"] == "FLEET-1"
            assert row["blocked"] == 0

            minimal = await create(client, idTag="A")
            assert minimal["expiryDate"] is None
            assert minimal["parentIdTag"] is None
            assert minimal["blocked"] is False

            fetched = await client.get(f"{ID_TAGS}/USER123")
            assert fetched.status_code == 200
            assert fetched.json() == body


async def test_twenty_character_tag_is_accepted(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            body = await create(client, idTag="X" * 20)
            assert body["idTag"] == "X" * 20


async def test_duplicate_is_a_conflict(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            await create(client, idTag="DUP")
            again = await client.post(ID_TAGS, json={"idTag": "DUP", "blocked": True})
            assert_error(again, 409, "CONFLICT", "DUP")
            # The first stays as it was.
            assert (await client.get(f"{ID_TAGS}/DUP")).json()["blocked"] is False


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "idTag"),
        ({"idTag": ""}, "idTag"),
        ({"idTag": "X" * 21}, "idTag"),
        ({"idTag": 123}, "idTag"),
        ({"idTag": "OK", "expiryDate": "tomorrow"}, "expiryDate"),
        ({"idTag": "OK", "expiryDate": 5}, "expiryDate"),
        ({"idTag": "OK", "parentIdTag": "P" * 21}, "parentIdTag"),
        ({"idTag": "OK", "parentIdTag": ""}, "parentIdTag"),
        ({"idTag": "OK", "blocked": "yes"}, "blocked"),
    ],
)
async def test_create_validation_names_the_field(
    appliance: Appliance, payload: dict[str, Any], field: str
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            response = await client.post(ID_TAGS, json=payload)
            assert_error(response, 400, "VALIDATION_ERROR", field)
            listed = (await client.get(ID_TAGS)).json()
            assert listed["idTags"] == []


async def test_list_is_paged(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            for tag in ("T3", "T1", "T5", "T2", "T4"):
                await create(client, idTag=tag)
            everything = (await client.get(ID_TAGS)).json()
            assert set(everything) == {"idTags", "pagination"}
            assert [t["idTag"] for t in everything["idTags"]] == ["T1", "T2", "T3", "T4", "T5"]
            assert everything["pagination"] == {"total": 5, "limit": 50, "offset": 0}
            assert all(set(t) == TAG_KEYS for t in everything["idTags"])

            page = (await client.get(ID_TAGS, params={"limit": 2, "offset": 2})).json()
            assert [t["idTag"] for t in page["idTags"]] == ["T3", "T4"]
            assert page["pagination"] == {"total": 5, "limit": 2, "offset": 2}

            beyond = (await client.get(ID_TAGS, params={"offset": 10})).json()
            assert beyond["idTags"] == []
            assert beyond["pagination"]["total"] == 5


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"offset": -1}, "offset"),
        ({"limit": "many"}, "limit"),
    ],
)
async def test_list_rejects_bad_parameters(
    appliance: Appliance, params: dict[str, Any], field: str
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            response = await client.get(ID_TAGS, params=params)
            assert_error(response, 400, "VALIDATION_ERROR", field)


async def test_patch_changes_only_the_fields_sent(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            await create(
                client, idTag="P1", expiryDate="2027-01-01T00:00:00.000Z", parentIdTag="PARENT"
            )
            appliance.clock.advance(60)
            later = iso_z(appliance.clock.now())

            blocked = await client.patch(f"{ID_TAGS}/P1", json={"blocked": True})
            assert blocked.status_code == 200, blocked.text
            assert blocked.json() == {
                "idTag": "P1",
                "expiryDate": "2027-01-01T00:00:00.000Z",
                "parentIdTag": "PARENT",
                "blocked": True,
                "createdAt": NOW,
                "updatedAt": later,
            }

            moved = await client.patch(
                f"{ID_TAGS}/P1", json={"expiryDate": "2028-06-01T10:00:00+02:00"}
            )
            assert moved.status_code == 200, moved.text
            assert moved.json()["expiryDate"] == "2028-06-01T08:00:00.000Z"
            assert moved.json()["parentIdTag"] == "PARENT"
            assert moved.json()["blocked"] is True

            cleared = await client.patch(
                f"{ID_TAGS}/P1", json={"expiryDate": None, "parentIdTag": None}
            )
            assert cleared.status_code == 200, cleared.text
            assert cleared.json()["expiryDate"] is None
            assert cleared.json()["parentIdTag"] is None
            assert cleared.json()["blocked"] is True

            fetched = (await client.get(f"{ID_TAGS}/P1")).json()
            assert fetched == cleared.json()
            with closing(plain_connection(appliance.database)) as conn:
                row = conn.execute("SELECT * FROM id_tags WHERE id_tag = 'P1'").fetchone()
            assert row["expiry_date"] is None and row["parent_id_tag"] is None
            assert row["blocked"] == 1

            unblocked = await client.patch(f"{ID_TAGS}/P1", json={"blocked": False})
            assert unblocked.json()["blocked"] is False


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"expiryDate": "not a date"}, "expiryDate"),
        ({"parentIdTag": "P" * 21}, "parentIdTag"),
        ({"blocked": "no"}, "blocked"),
    ],
)
async def test_patch_validation_names_the_field(
    appliance: Appliance, payload: dict[str, Any], field: str
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            original = await create(client, idTag="V1", parentIdTag="PARENT")
            response = await client.patch(f"{ID_TAGS}/V1", json=payload)
            assert_error(response, 400, "VALIDATION_ERROR", field)
            assert (await client.get(f"{ID_TAGS}/V1")).json() == original


async def test_delete(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            await create(client, idTag="GONE")
            deleted = await client.delete(f"{ID_TAGS}/GONE")
            assert deleted.status_code == 200, deleted.text
            assert deleted.json()["idTag"] == "GONE"
            with closing(plain_connection(appliance.database)) as conn:
                count = conn.execute(
                    "SELECT COUNT(*) FROM id_tags WHERE id_tag = 'GONE'"
                ).fetchone()[0]
            assert count == 0
            assert_error(await client.get(f"{ID_TAGS}/GONE"), 404, "NOT_FOUND", "GONE")
            assert_error(await client.delete(f"{ID_TAGS}/GONE"), 404, "NOT_FOUND", "GONE")
            # The tag can be created again.
            await create(client, idTag="GONE")


async def test_unknown_tag_is_not_found(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            assert_error(await client.get(f"{ID_TAGS}/NOPE"), 404, "NOT_FOUND", "NOPE")
            assert_error(
                await client.patch(f"{ID_TAGS}/NOPE", json={"blocked": True}),
                404,
                "NOT_FOUND",
                "NOPE",
            )
            assert_error(await client.delete(f"{ID_TAGS}/NOPE"), 404, "NOT_FOUND", "NOPE")


async def test_organisations_are_isolated(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        other_key = await second_org_key(appliance)
        async with appliance.client() as mine, appliance.client(other_key) as theirs:
            await create(mine, idTag="SHARED", blocked=True)
            await create(mine, idTag="MINE")

            assert (await theirs.get(ID_TAGS)).json()["idTags"] == []
            assert_error(await theirs.get(f"{ID_TAGS}/MINE"), 404, "NOT_FOUND")
            assert_error(
                await theirs.patch(f"{ID_TAGS}/MINE", json={"blocked": True}), 404, "NOT_FOUND"
            )
            assert_error(await theirs.delete(f"{ID_TAGS}/MINE"), 404, "NOT_FOUND")

            # The same idTag may exist in each organisation, independently.
            theirs_created = await create(theirs, idTag="SHARED")
            assert theirs_created["blocked"] is False
            assert (await mine.get(f"{ID_TAGS}/SHARED")).json()["blocked"] is True
            listed = (await theirs.get(ID_TAGS)).json()
            assert [t["idTag"] for t in listed["idTags"]] == ["SHARED"]
            assert listed["pagination"]["total"] == 1

            mine_after = (await mine.get(f"{ID_TAGS}/MINE")).json()
            assert mine_after["blocked"] is False


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", ID_TAGS, None),
        ("POST", ID_TAGS, {"idTag": "K"}),
        ("GET", f"{ID_TAGS}/K", None),
        ("PATCH", f"{ID_TAGS}/K", {"blocked": True}),
        ("DELETE", f"{ID_TAGS}/K", None),
    ],
)
@pytest.mark.parametrize("key", [None, "ck_live_wrong"])
async def test_key_required(
    appliance: Appliance, method: str, path: str, body: dict[str, Any] | None, key: str | None
) -> None:
    with trio.fail_after(TIMEOUT_S):
        headers = {} if key is None else {"X-API-Key": key}
        async with httpx.AsyncClient(base_url=appliance.endpoints.http_url, timeout=5.0) as client:
            response = await client.request(method, path, json=body, headers=headers)
            assert_error(response, 401, "UNAUTHORIZED")
        with closing(plain_connection(appliance.database)) as conn:
            assert conn.execute("SELECT COUNT(*) FROM id_tags").fetchone()[0] == 0
