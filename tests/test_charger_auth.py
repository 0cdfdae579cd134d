"""Charger passwords and security profiles over REST, failed-login rate limits (chargers and API
keys), and a brute-force run: real appliance, real sockets, the token bucket on MockClock."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio
import trio.testing
from trio_websocket import ConnectionRejected

from capacitor_edge.domain.charger_credentials import (
    AUTHORIZATION_KEY,
    generate_authorization_key,
    hash_authorization_key,
    verify_authorization_key,
)
from capacitor_edge.domain.rate_limits import FailureLimiter
from capacitor_edge.transport.tls import basic_credentials, client_common_name
from tests.conftest import (
    Appliance,
    make_settings,
    plain_connection,
    start_appliance,
    stop_appliance,
)
from tests.ocpp.helpers import call
from tests.support.secure import open_charger

TIMEOUT_S = 20.0
CHARGERS = "/api/v1/chargers"
#: Another loopback address: the attacker in the rate-limit tests (the real charger and the REST
#: client use 127.0.0.1).
ATTACKER = "127.0.0.2"


# -- the pieces --------------------------------------------------------------------------------


def test_keys_are_stored_as_salted_scrypt_hashes() -> None:
    key = generate_authorization_key()
    assert len(key) == 40 and AUTHORIZATION_KEY.fullmatch(key)
    stored = hash_authorization_key(key)
    assert key not in stored
    assert stored.startswith("scrypt$16384$8$1$")
    assert stored != hash_authorization_key(key)  # a fresh salt each time
    assert verify_authorization_key(key, stored)
    assert not verify_authorization_key(key[:-1] + "x", stored)
    assert not verify_authorization_key(key, "plain$" + key)
    assert not verify_authorization_key(key, "scrypt$broken")


def test_basic_credentials_are_read_from_the_authorization_header() -> None:
    token = base64.b64encode(b"CP-1:pa:ss word").decode()
    assert basic_credentials(f"Basic {token}") == (
        "CP-1",
        "pa:ss word",
    )
    assert basic_credentials(f"basic {token}") is not None
    assert basic_credentials(None) is None
    assert basic_credentials("Bearer abc") is None
    assert basic_credentials("Basic !!!") is None
    no_colon = base64.b64encode(b"CP-1").decode()
    assert basic_credentials(f"Basic {no_colon}") is None


def test_client_common_name() -> None:
    subject = ((("organizationName", "x"),), (("commonName", "CP-3"),))
    assert client_common_name({"subject": subject}) == "CP-3"
    assert client_common_name(None) is None
    assert client_common_name({}) is None
    two = ((("commonName", "A"),), (("commonName", "B"),))
    assert client_common_name({"subject": two}) is None


async def test_the_failure_bucket_refills_over_time(mock_clock: trio.testing.MockClock) -> None:
    limiter = FailureLimiter(per_minute=3)
    for _ in range(3):
        assert limiter.retry_after("a") is None
        limiter.failed("a")
    assert limiter.retry_after("a") == pytest.approx(20.0)  # one token per 20 s
    assert limiter.retry_after("b") is None  # per address
    assert limiter.state("a").remaining == 0
    assert limiter.state("a").reset_s == 60
    mock_clock.jump(19.9)
    assert limiter.retry_after("a") is not None
    mock_clock.jump(0.2)
    assert limiter.retry_after("a") is None
    assert limiter.take("a") is None  # the token back in use
    assert limiter.take("a") is not None
    limiter.refund("a")
    assert limiter.state("a").remaining == 1
    mock_clock.jump(3600)
    assert limiter.state("a").remaining == 3
    assert limiter.state("a").reset_s == 0


# -- registration and PATCH over REST -----------------------------------------------------------


async def post(client: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
    return await client.post(CHARGERS, json=body)


async def test_register_with_a_security_profile(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            generated = await post(client, {"chargeBoxId": "P1", "securityProfile": 1})
            given = await post(
                client,
                {"chargeBoxId": "P1B", "securityProfile": 1, "authorizationKey": "k" * 16},
            )
            details = await client.get(f"{CHARGERS}/P1")
    assert generated.status_code == 201, generated.text
    body = generated.json()
    key = body["authorizationKey"]
    assert AUTHORIZATION_KEY.fullmatch(key) and len(key) == 40
    assert body["connectionUrl"] == "ws://gateway.test:9000/ocpp/P1"
    assert "AuthorizationKey" in body["instructions"]["message"]
    assert set(body["instructions"]) == {"message", "url", "protocol"}
    # A key the caller chose is not echoed back, and no key is shown by any later read.
    assert given.status_code == 201 and "authorizationKey" not in given.json()
    assert "authorizationKey" not in details.json()
    with plain_connection(appliance.database) as conn:
        rows = dict(
            conn.execute(
                "SELECT charge_box_id, auth_key_hash FROM chargers WHERE security_profile = 1"
            ).fetchall()
        )
    assert set(rows) == {"P1", "P1B"}
    assert all(h.startswith("scrypt$") and key not in h for h in rows.values())
    assert verify_authorization_key(key, rows["P1"])


@pytest.mark.parametrize(
    ("body", "mention"),
    [
        ({"securityProfile": 4}, "securityProfile"),
        ({"securityProfile": True}, "securityProfile"),
        ({"securityProfile": 1, "authorizationKey": "short"}, "authorizationKey"),
        ({"securityProfile": 1, "authorizationKey": "x" * 41}, "authorizationKey"),
        ({"securityProfile": 1, "authorizationKey": "with space 123456"}, "authorizationKey"),
        ({"securityProfile": 0, "authorizationKey": "k" * 20}, "authorizationKey"),
        ({"securityProfile": 2}, "tls_cert_file"),
        ({"securityProfile": 3}, "tls_cert_file"),
    ],
)
async def test_register_refuses_what_cannot_work(
    appliance: Appliance, body: dict[str, Any], mention: str
) -> None:
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            response = await post(client, {"chargeBoxId": "BAD", **body})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert mention in response.json()["error"]["message"]


async def test_default_security_profile_setting(nursery: trio.Nursery, tmp_path: Path) -> None:
    with trio.fail_after(TIMEOUT_S):
        running = await start_appliance(
            nursery, make_settings(tmp_path, default_security_profile="1")
        )
        try:
            async with running.client() as client:
                body = (await post(client, {"chargeBoxId": "D1"})).json()
                plain = (await post(client, {"chargeBoxId": "D0", "securityProfile": 0})).json()
        finally:
            await stop_appliance(running)
    assert "authorizationKey" in body
    assert "authorizationKey" not in plain


async def test_patch_changes_profile_and_keys(appliance: Appliance) -> None:
    url = appliance.endpoints.ocpp_url
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as client:
            assert (await post(client, {"chargeBoxId": "CP-P"})).status_code == 201
            async with open_charger(url, "CP-P") as ws:  # profile 0: no password
                await call(ws, "Heartbeat", {})

            named = await client.patch(f"{CHARGERS}/CP-P", json={"name": "Bay 4"})
            assert named.status_code == 200, named.text
            assert named.json()["name"] == "Bay 4" and "authorizationKey" not in named.json()

            raised = await client.patch(f"{CHARGERS}/CP-P", json={"securityProfile": 1})
            assert raised.status_code == 200, raised.text
            first = raised.json()["authorizationKey"]
            assert raised.json()["name"] == "Bay 4"  # left out, so kept
            with pytest.raises(ConnectionRejected) as missing:
                async with open_charger(url, "CP-P"):
                    pass
            assert missing.value.status_code == 401
            async with open_charger(url, "CP-P", basic=("CP-P", first)) as ws:
                await call(ws, "Heartbeat", {})

            chosen = await client.patch(
                f"{CHARGERS}/CP-P", json={"authorizationKey": "my-own-key-123456"}
            )
            assert chosen.status_code == 200 and "authorizationKey" not in chosen.json()
            rotated = await client.patch(f"{CHARGERS}/CP-P", json={"authorizationKey": None})
            second = rotated.json()["authorizationKey"]
            assert second != first
            async with open_charger(url, "CP-P", basic=("CP-P", second)) as ws:
                await call(ws, "Heartbeat", {})
            with pytest.raises(ConnectionRejected) as old:
                async with open_charger(url, "CP-P", basic=("CP-P", "my-own-key-123456")):
                    pass
            assert old.value.status_code == 401

            cleared = await client.patch(
                f"{CHARGERS}/CP-P", json={"securityProfile": 0, "location": None}
            )
            assert cleared.status_code == 200 and cleared.json()["location"] is None
            async with open_charger(url, "CP-P") as ws:
                await call(ws, "Heartbeat", {})

            unknown = await client.patch(f"{CHARGERS}/NOPE", json={"name": "x"})
            no_tls = await client.patch(f"{CHARGERS}/CP-P", json={"securityProfile": 2})
            null_profile = await client.patch(f"{CHARGERS}/CP-P", json={"securityProfile": None})
            key_on_0 = await client.patch(f"{CHARGERS}/CP-P", json={"authorizationKey": None})
    assert unknown.status_code == 404
    assert no_tls.status_code == 400
    assert null_profile.status_code == 400
    assert key_on_0.status_code == 400


async def test_patch_is_scoped_to_the_organisation(appliance: Appliance) -> None:
    from tests.conftest import second_org_key

    with trio.fail_after(TIMEOUT_S):
        other = await second_org_key(appliance)
        async with appliance.client() as client:
            await post(client, {"chargeBoxId": "MINE"})
        async with appliance.client(other) as client:
            response = await client.patch(f"{CHARGERS}/MINE", json={"securityProfile": 1})
    assert response.status_code == 404


# -- failed-login rate limits ---------------------------------------------------------------


@pytest.fixture
async def limited(nursery: trio.Nursery, tmp_path: Path) -> AsyncIterator[Appliance]:
    settings = make_settings(
        tmp_path, charger_auth_failures_per_min="3", api_key_failures_per_min="4"
    )
    running = await start_appliance(nursery, settings)
    try:
        yield running
    finally:
        await stop_appliance(running)


async def status_of(url: str, charge_box_id: str, **options: Any) -> ConnectionRejected:
    with pytest.raises(ConnectionRejected) as caught:
        async with open_charger(url, charge_box_id, **options):
            pass
    return caught.value


async def test_wrong_passwords_are_rate_limited_per_address(limited: Appliance) -> None:
    url = limited.endpoints.ocpp_url
    with trio.fail_after(TIMEOUT_S):
        async with limited.client() as client:
            key = (await post(client, {"chargeBoxId": "CP-R", "securityProfile": 1})).json()[
                "authorizationKey"
            ]
        wrong = {"basic": ("CP-R", "w" * 20), "local_address": ATTACKER}
        for _ in range(3):
            assert (await status_of(url, "CP-R", **wrong)).status_code == 401
        blocked = await status_of(url, "CP-R", **wrong)
        assert blocked.status_code == 429
        retry = {k.lower(): v for k, v in blocked.headers}[b"retry-after"]
        assert 1 <= int(retry) <= 20
        # Even the right password from that address waits for its turn...
        right_there = await status_of(url, "CP-R", basic=("CP-R", key), local_address=ATTACKER)
        assert right_there.status_code == 429
        # ...but the charger itself, from its own address, is not locked out.
        async with open_charger(url, "CP-R", basic=("CP-R", key)) as ws:
            assert (await call(ws, "Heartbeat", {}))[0] == 3
        # A missing password is no guess: it costs no token.
        for _ in range(5):
            assert (await status_of(url, "CP-R")).status_code == 401
        async with limited.client() as client:
            reasons = [
                a["reason"]
                for a in (await client.get("/api/v1/connection-attempts")).json()[
                    "connectionAttempts"
                ]
                if a["remoteAddress"] == ATTACKER
            ]
    assert reasons.count("too many failed logins from this address") == 2


async def test_wrong_api_keys_are_rate_limited_per_address(limited: Appliance) -> None:
    attacker = httpx.AsyncHTTPTransport(local_address=ATTACKER)
    with trio.fail_after(TIMEOUT_S):
        async with (
            httpx.AsyncClient(
                base_url=limited.endpoints.http_url,
                transport=attacker,
                headers={"X-API-Key": "cap_live_wrong"},
                timeout=5,
            ) as bad,
            limited.client() as good,
        ):
            first = await bad.get(CHARGERS)
            assert first.status_code == 401
            assert first.headers["RateLimit-Limit"] == "4"
            assert first.headers["RateLimit-Remaining"] == "3"
            assert 1 <= int(first.headers["RateLimit-Reset"]) <= 15
            for _ in range(3):
                assert (await bad.get(CHARGERS)).status_code == 401
            blocked = await bad.get(CHARGERS)
            assert blocked.status_code == 429
            assert blocked.json() == {
                "success": False,
                "error": {
                    "code": "RATE_LIMIT_ERROR",
                    "message": "Too many failed API key attempts from this address; retry later",
                },
            }
            assert 1 <= int(blocked.headers["Retry-After"]) <= 15
            assert blocked.headers["RateLimit-Remaining"] == "0"
            # The right key from the blocked address waits too; from another it works.
            right_there = await bad.get(CHARGERS, headers={"X-API-Key": limited.api_key})
            assert right_there.status_code == 429
            ok = await good.get(CHARGERS)
            assert ok.status_code == 200
            assert ok.headers["RateLimit-Remaining"] == "4"
            assert ok.headers["RateLimit-Reset"] == "0"
            # A missing key is no guess.
            for _ in range(6):
                missing = await good.get(CHARGERS, headers={"X-API-Key": ""})
                assert missing.status_code == 401


# -- brute force --------------------------------------------------------------------------------

GUESSES = 1000
#: Guesses in flight at once (a bounded loop: at most this many sockets).
GUESSERS = 20


async def test_a_thousand_wrong_passwords_do_not_lock_out_the_charger_or_slow_rest(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path)  # default limits: 10 failures a minute per address
    running = await start_appliance(nursery, settings)
    url = running.endpoints.ocpp_url
    statuses: dict[int, int] = {}
    #: What the real charger and staff got while the flood ran. How fast they got it is a
    #: benchmark figure (bench/charger_auth_flood.py), not something a test can rely on.
    served = {"logins": 0, "rest": 0}
    try:
        with trio.fail_after(90):
            async with running.client() as client:
                body = (await post(client, {"chargeBoxId": "CP-B", "securityProfile": 1})).json()
            key = body["authorizationKey"]
            flood_done = trio.Event()
            guesses = iter(range(GUESSES))

            async def guesser() -> None:
                for n in guesses:
                    rejected = await status_of(
                        url, "CP-B", basic=("CP-B", f"guess-{n:016d}"), local_address=ATTACKER
                    )
                    statuses[rejected.status_code] = statuses.get(rejected.status_code, 0) + 1

            async def flood() -> None:
                async with trio.open_nursery() as guessers:
                    for _ in range(GUESSERS):
                        guessers.start_soon(guesser)
                flood_done.set()

            async def real_charger_and_staff() -> None:
                async with running.client() as client:
                    while not flood_done.is_set():
                        async with open_charger(url, "CP-B", basic=("CP-B", key)) as ws:
                            assert (await call(ws, "Heartbeat", {}))[0] == 3
                        served["logins"] += 1
                        listed = await client.get(CHARGERS)
                        assert listed.status_code == 200
                        health = await client.get("/health")
                        assert health.status_code == 200
                        served["rest"] += 2

            async with trio.open_nursery() as inner:
                inner.start_soon(flood)
                inner.start_soon(real_charger_and_staff)
    finally:
        await stop_appliance(running)
    assert sum(statuses.values()) == GUESSES
    # The bucket's 10 tokens (plus any refilled during the run) went on hashes; every other
    # guess was turned away before any hashing.
    assert 10 <= statuses[401] <= 20, statuses
    assert statuses[429] == GUESSES - statuses[401]
    # The charger, from its own address, was let in every time it tried during the flood (an
    # attempt refused would have raised), and staff got every answer.
    assert served["logins"] >= 1 and served["rest"] == 2 * served["logins"], served
