"""Dashboard users and logins for tests: users made the way the CLI makes them (straight in the
database, on their own connection), and an HTTP login as a browser does it."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import httpx

from capacitor_edge.clock import SystemClock, iso_z
from capacitor_edge.domain.dashboard_users import hash_password
from capacitor_edge.domain.ids import new_id
from capacitor_edge.storage import keys as key_rows
from capacitor_edge.storage import users as user_rows
from capacitor_edge.storage.database import connect

PASSWORD = "correct horse battery"
_FORM_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_PAGE_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def create_user(
    database: Path, name: str, role: str, password: str = PASSWORD, org: str = "default"
) -> None:
    """Blocking: call it through ``trio.to_thread.run_sync`` from async code."""
    conn = connect(database)
    try:
        now = iso_z(SystemClock().now())
        conn.execute("BEGIN IMMEDIATE")
        organisation = key_rows.ensure_organisation(conn, new_id("org"), org, now)
        assert user_rows.insert_user(
            conn,
            user_id=new_id("usr"),
            org_id=organisation.id,
            name=name,
            role=role,
            password_hash=hash_password(password),
            now=now,
        )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()


def plain(database: Path) -> sqlite3.Connection:
    return sqlite3.connect(database)


async def log_in(client: httpx.AsyncClient, name: str, password: str = PASSWORD) -> httpx.Response:
    """The login form, filled in and sent (its CSRF token and cookie included)."""
    form = await client.get("/dashboard/login")
    match = _FORM_CSRF.search(form.text)
    assert match is not None, form.text
    return await client.post(
        "/dashboard/login",
        data={"csrf": match.group(1), "name": name, "password": password, "next": "/dashboard/"},
    )


async def page_csrf(client: httpx.AsyncClient) -> str:
    """The CSRF token the logged-in pages carry for their script."""
    page = await client.get("/dashboard/")
    match = _PAGE_CSRF.search(page.text)
    assert match is not None, page.text
    return match.group(1)
