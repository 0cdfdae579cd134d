"""Dashboard logins (issue 18): cookies, CSRF, roles, the login rate limit, logout, idle expiry,
and the ``users`` CLI while the box runs. The browser's view of the same is tests/dashboard."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import trio
import trio.testing

from capacitor_edge.clock import FixedClock
from capacitor_edge.domain.dashboard_users import DashboardUsers
from capacitor_edge.storage.database import Database
from capacitor_edge.storage.users import UserStore
from tests.conftest import FIXED_NOW, Appliance, make_settings, start_appliance, stop_appliance
from tests.support.dashboard import PASSWORD, create_user, log_in, page_csrf

TIMEOUT_S = 30.0


def browser(appliance: Appliance) -> httpx.AsyncClient:
    """A client that keeps cookies and sends no API key, as a browser."""
    return httpx.AsyncClient(base_url=appliance.endpoints.http_url, timeout=10.0)


async def add_user(appliance: Appliance, name: str, role: str) -> None:
    await trio.to_thread.run_sync(create_user, appliance.database, name, role)


async def test_login_sets_a_strict_http_only_cookie_and_pages_carry_no_api_key(
    appliance: Appliance,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        await add_user(appliance, "ann", "viewer")
        async with browser(appliance) as client:
            assert (await client.get("/")).headers["location"] == "/dashboard/"
            before = await client.get("/dashboard/sessions")
            assert before.status_code == 302
            assert before.headers["location"] == "/dashboard/login?next=/dashboard/sessions"
            answer = await log_in(client, "ann")
            assert answer.status_code == 303
            cookie = answer.headers["set-cookie"].lower()
            assert "capacitor_session=" in cookie
            assert "httponly" in cookie and "samesite=strict" in cookie
            for path in ("/dashboard/", "/dashboard/sessions", "/dashboard/installer"):
                page = await client.get(path)
                assert page.status_code == 200, path
                assert "cap_live_" not in page.text and appliance.api_key not in page.text
                assert "script-src 'self'" in page.headers["content-security-policy"]
            # The REST API answers the login cookie: no key in the browser.
            assert (await client.get("/api/v1/chargers")).status_code == 200


async def test_wrong_password_and_forged_login_form_are_refused(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        await add_user(appliance, "ann", "admin")
        async with browser(appliance) as client:
            assert (await log_in(client, "ann", "not the password")).status_code == 401
            assert (await log_in(client, "nobody", PASSWORD)).status_code == 401
            # A login posted from elsewhere has no form token matching the cookie.
            forged = await client.post(
                "/dashboard/login", data={"csrf": "x", "name": "ann", "password": PASSWORD}
            )
            assert forged.status_code == 403
            assert (await client.get("/api/v1/chargers")).status_code == 401


async def test_next_never_leaves_the_dashboard(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        await add_user(appliance, "ann", "viewer")
        async with browser(appliance) as client:
            form = await client.get("/dashboard/login")
            token = form.text.split('name="csrf" value="')[1].split('"')[0]
            answer = await client.post(
                "/dashboard/login",
                data={
                    "csrf": token,
                    "name": "ann",
                    "password": PASSWORD,
                    "next": "//evil.example/dashboard/",
                },
            )
            assert answer.headers["location"] == "/dashboard/"


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "allowed"),
    [
        ("viewer", "GET", "/api/v1/transactions", None, True),
        ("viewer", "POST", "/api/v1/chargers", {"chargeBoxId": "CP-9"}, False),
        ("operator", "POST", "/api/v1/chargers", {"chargeBoxId": "CP-9"}, True),
        ("operator", "POST", "/api/v1/auth/api-keys", {"name": "k"}, False),
        (
            "operator",
            "POST",
            "/api/v1/webhooks",
            {"url": "http://127.0.0.1:9/", "events": ["*"]},
            False,
        ),
        ("admin", "POST", "/api/v1/auth/api-keys", {"name": "k"}, True),
    ],
)
async def test_roles_decide_what_a_login_may_change(
    appliance: Appliance,
    role: str,
    method: str,
    path: str,
    body: dict[str, object] | None,
    allowed: bool,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        await add_user(appliance, "ann", role)
        async with browser(appliance) as client:
            await log_in(client, "ann")
            csrf = await page_csrf(client)
            answer = await client.request(method, path, json=body, headers={"X-CSRF-Token": csrf})
            if allowed:
                assert answer.status_code in (200, 201), answer.text
            else:
                assert answer.status_code == 403, answer.text
                assert answer.json()["error"]["code"] == "FORBIDDEN"


async def test_a_change_without_the_csrf_token_is_refused(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        await add_user(appliance, "ann", "admin")
        async with browser(appliance) as client:
            await log_in(client, "ann")
            for headers in ({}, {"X-CSRF-Token": "guessed"}):
                answer = await client.post(
                    "/api/v1/chargers", json={"chargeBoxId": "CP-9"}, headers=headers
                )
                assert answer.status_code == 403
                assert "X-CSRF-Token" in answer.json()["error"]["message"]
            csrf = await page_csrf(client)
            users = await client.post(
                "/dashboard/api/users",
                json={"name": "bob", "role": "viewer", "password": "long enough"},
            )
            assert users.status_code == 403
            created = await client.post(
                "/dashboard/api/users",
                json={"name": "bob", "role": "viewer", "password": "long enough"},
                headers={"X-CSRF-Token": csrf},
            )
            assert created.status_code == 201
            short = await client.post(
                "/dashboard/api/users",
                json={"name": "eve", "role": "viewer", "password": "short"},
                headers={"X-CSRF-Token": csrf},
            )
            assert short.status_code == 400
            assert short.json()["error"] == {
                "code": "VALIDATION_ERROR",
                "message": "password: must be 8 to 1024 characters",
            }
            assert (await client.get("/api/v1/chargers")).status_code == 200


async def test_logout_ends_the_login(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        await add_user(appliance, "ann", "viewer")
        async with browser(appliance) as client:
            await log_in(client, "ann")
            cookie = client.cookies["capacitor_session"]
            csrf = await page_csrf(client)
            assert (
                await client.post("/dashboard/logout", data={"csrf": "wrong"})
            ).status_code == 403
            out = await client.post("/dashboard/logout", data={"csrf": csrf})
            assert out.headers["location"] == "/dashboard/login"
        # The old cookie, sent again, is worth nothing.
        async with browser(appliance) as replay:
            replay.cookies.set("capacitor_session", cookie)
            assert (await replay.get("/api/v1/chargers")).status_code == 401
            assert (await replay.get("/dashboard/")).status_code == 302


async def test_failed_logins_are_limited_per_address(nursery: trio.Nursery, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, dashboard_login_failures_per_min="2")
    appliance = await start_appliance(nursery, settings)
    try:
        with trio.fail_after(TIMEOUT_S):
            await add_user(appliance, "ann", "viewer")
            async with browser(appliance) as client:
                statuses = [(await log_in(client, "ann", "wrong password")).status_code]
                statuses.append((await log_in(client, "ann", "wrong password")).status_code)
                limited = await log_in(client, "ann")  # even the right password, for now
                assert statuses == [401, 401]
                assert limited.status_code == 429
                assert int(limited.headers["retry-after"]) >= 1
    finally:
        await stop_appliance(appliance)


async def test_a_login_ends_after_its_idle_timeout(
    mock_clock: trio.testing.MockClock, tmp_path: Path
) -> None:
    db = Database(tmp_path / "idle.db", now=FixedClock(FIXED_NOW).now)
    async with trio.open_nursery() as nursery:
        await nursery.start(db.run)
        try:
            users = DashboardUsers(
                UserStore(db), FixedClock(FIXED_NOW), idle_timeout_s=600, failures_per_min=5
            )
            org = await db.write(
                lambda c: (
                    c.execute(
                        "INSERT INTO organisations (id, name, created_at)"
                        " VALUES ('org_a', 'a', 'x')"
                    ).rowcount
                )
            )
            assert org == 1
            await users.create("org_a", "ann", "viewer", PASSWORD)
            login = await users.log_in("ann", PASSWORD)
            assert login is not None
            mock_clock.jump(599)
            assert await users.resume(login.token) is not None  # used: the idle time restarts
            mock_clock.jump(599)
            assert await users.resume(login.token) is not None
            mock_clock.jump(601)
            assert await users.resume(login.token) is None
        finally:
            await db.close()


def users_cli(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "capacitor_edge", "users", *args, "--data-dir", str(data_dir)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
async def running(nursery: trio.Nursery, tmp_path: Path) -> AsyncIterator[Appliance]:
    appliance = await start_appliance(nursery, make_settings(tmp_path))
    yield appliance
    await stop_appliance(appliance)


async def test_the_users_cli_works_while_the_box_runs(running: Appliance) -> None:
    data_dir = running.settings.data_dir

    async def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return await trio.to_thread.run_sync(lambda: users_cli(data_dir, *args, stdin=stdin))

    with trio.fail_after(TIMEOUT_S * 2):
        made = await cli("create", "ann", "--role", "operator", stdin=PASSWORD + "\n")
        assert made.returncode == 0, made.stderr
        again = await cli("create", "ann", "--role", "viewer", stdin=PASSWORD + "\n")
        assert again.returncode == 1 and "already exists" in again.stderr
        short = await cli("create", "bob", "--role", "viewer", stdin="short\n")
        assert short.returncode == 2 and "password" in short.stderr
        listed = await cli("list")
        assert listed.stdout.split("\t")[:3] == ["ann", "operator", "default"]
        async with browser(running) as client:
            assert (await log_in(client, "ann")).status_code == 303
            assert (await client.get("/api/v1/chargers")).status_code == 200
            changed = await cli("passwd", "ann", stdin="a new password\n")
            assert changed.returncode == 0, changed.stderr
            # The login made with the old password has ended.
            assert (await client.get("/api/v1/chargers")).status_code == 401
            assert (await log_in(client, "ann", "a new password")).status_code == 303
            deleted = await cli("delete", "ann")
            assert deleted.returncode == 0, deleted.stderr
            assert (await client.get("/api/v1/chargers")).status_code == 401
        missing = await cli("delete", "ann")
        assert missing.returncode == 1 and "no user" in missing.stderr


async def test_an_event_stream_ends_with_its_login(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        await add_user(appliance, "ann", "viewer")
        async with browser(appliance) as client, appliance.client() as api:
            await log_in(client, "ann")
            csrf = await page_csrf(client)
            async with client.stream("GET", "/api/v1/events/stream") as stream:
                assert stream.status_code == 200
                chunks = stream.aiter_text()
                assert "stream open" in await anext(chunks)
                await client.post("/dashboard/logout", data={"csrf": csrf})
                # The next event wakes the stream, which finds its login gone and ends.
                await api.post("/api/v1/chargers", json={"chargeBoxId": "CP-9"})
                rest = [chunk async for chunk in chunks]
            assert all("charger.registered" not in chunk for chunk in rest)
