"""``/api/v1/auth/api-keys``: create, list (masked), revoke; keys are per organisation and only
their hashes are stored."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
import trio

from capacitor_edge.clock import iso_z
from tests.conftest import FIXED_NOW, Appliance, second_org_key

TIMEOUT_S = 10.0
KEYS = "/api/v1/auth/api-keys"
KEY_PATTERN = re.compile(r"^cap_live_[A-Za-z0-9_-]{32}$")


async def create_key(client: httpx.AsyncClient, name: str = "Production API Key") -> dict[str, Any]:
    response = await client.post(KEYS, json={"name": name})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def error_code(response: httpx.Response) -> str:
    body = response.json()
    assert body["success"] is False
    code: str = body["error"]["code"]
    return code


async def test_create_key(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            created = await create_key(client)
            async with appliance.client(created["key"]) as new_client:
                works = await new_client.get("/api/v1/chargers")
    assert set(created) == {"id", "name", "key", "createdAt"}
    assert created["name"] == "Production API Key"
    assert KEY_PATTERN.match(created["key"]), created["key"]
    assert created["key"] != appliance.api_key
    assert created["id"].startswith("key_")
    assert created["createdAt"] == iso_z(FIXED_NOW)
    assert works.status_code == 200, works.text


@pytest.mark.parametrize("payload", [{}, {"name": ""}, {"name": 5}, {"name": "x" * 201}])
async def test_create_key_needs_a_name(appliance: Appliance, payload: dict[str, Any]) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            response = await client.post(KEYS, json=payload)
    assert response.status_code == 400, response.text
    assert error_code(response) == "VALIDATION_ERROR"
    assert "name" in response.json()["error"]["message"]


async def test_list_is_masked(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            created = await create_key(client, "second")
            async with appliance.client(created["key"]) as new_client:
                assert (await new_client.get("/api/v1/chargers")).status_code == 200
            response = await client.get(KEYS)
    assert response.status_code == 200, response.text
    assert appliance.api_key not in response.text
    assert created["key"] not in response.text
    body = response.json()
    assert set(body) == {"apiKeys"}
    listed = {item["id"]: item for item in body["apiKeys"]}
    assert len(listed) == 2
    for item in listed.values():
        assert set(item) == {"id", "name", "prefix", "lastUsed", "createdAt"}
        assert item["prefix"].startswith("cap_live_")
        assert len(item["prefix"]) < len(created["key"])
        assert item["createdAt"] == iso_z(FIXED_NOW)
        # Both keys have been used by now (the first one for this very request).
        assert item["lastUsed"] == iso_z(FIXED_NOW), item
    mine = listed[created["id"]]
    assert mine["name"] == "second"
    assert created["key"].startswith(mine["prefix"].rstrip("*"))


async def test_revoked_key_stops_working_at_once(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            created = await create_key(client, "short-lived")
            async with appliance.client(created["key"]) as doomed:
                # Used once, so the server has it cached.
                assert (await doomed.get("/api/v1/chargers")).status_code == 200
                revoked = await client.delete(f"{KEYS}/{created['id']}")
                after = await doomed.get("/api/v1/chargers")
            listed = (await client.get(KEYS)).json()["apiKeys"]
            again = await client.delete(f"{KEYS}/{created['id']}")
    assert revoked.status_code == 200, revoked.text
    assert revoked.json() == {"message": "API key revoked successfully"}
    assert after.status_code == 401
    assert error_code(after) == "UNAUTHORIZED"
    assert created["id"] not in {item["id"] for item in listed}
    assert again.status_code == 404
    assert error_code(again) == "NOT_FOUND"


async def test_a_key_can_revoke_itself(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            created = await create_key(client, "self")
        async with appliance.client(created["key"]) as itself:
            revoked = await itself.delete(f"{KEYS}/{created['id']}")
            after = await itself.get(KEYS)
    assert revoked.status_code == 200
    assert after.status_code == 401


async def test_other_organisation_cannot_see_or_revoke(appliance: Appliance) -> None:
    other_key = await second_org_key(appliance)
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as mine, appliance.client(other_key) as theirs:
            created = await create_key(mine, "mine")
            their_list = (await theirs.get(KEYS)).json()["apiKeys"]
            their_revoke = await theirs.delete(f"{KEYS}/{created['id']}")
            their_created = await create_key(theirs, "theirs")
            my_list = (await mine.get(KEYS)).json()["apiKeys"]
            async with appliance.client(created["key"]) as still:
                still_works = await still.get("/api/v1/chargers")
    assert created["id"] not in {item["id"] for item in their_list}
    assert len(their_list) == 1  # only their own CLI-made key
    assert their_revoke.status_code == 404
    assert error_code(their_revoke) == "NOT_FOUND"
    assert still_works.status_code == 200
    assert their_created["id"] not in {item["id"] for item in my_list}


async def test_database_holds_no_plaintext_key(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            created = await create_key(client)
            async with appliance.client(created["key"]) as used:
                assert (await used.get("/api/v1/chargers")).status_code == 200
    secrets = [created["key"], appliance.api_key]
    data_dir = appliance.settings.data_dir
    database_files = [p for p in data_dir.iterdir() if p.name.startswith("capacitor.db")]
    assert database_files
    for path in database_files:  # the database, its WAL and shared-memory files
        content = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, f"plaintext key in {path.name}"
            # Nor the random part alone.
            assert secret.removeprefix("cap_live_").encode() not in content
    # The only file that may hold a key is the first-run key file.
    for path in data_dir.iterdir():
        if path.name != "initial-api-key":
            assert created["key"].encode() not in path.read_bytes(), path.name
