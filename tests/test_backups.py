"""Backups, restore, the backup taken before migrations, and ``doctor``: the real CLI in
subprocesses beside a real server, real SQLite files checked from separate connections."""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import trio

from capacitor_edge.storage.backups import backup_before_migrating, migration_backups
from capacitor_edge.storage.database import Database, connect, migrate_with_backup
from capacitor_edge.storage.migrations import MIGRATIONS, schema_version
from tests.support.server_process import ServerProcess, capacitor_edge_command

CLI_TIMEOUT_S = 30.0


async def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAPACITOR_EDGE_")}
    with trio.fail_after(CLI_TIMEOUT_S):
        return await trio.run_process(
            [*capacitor_edge_command(), *args],
            capture_stdout=True,
            capture_stderr=True,
            check=False,
            env=env,
            cwd=cwd,
        )


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def count_chargers(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM chargers").fetchone()[0])
    finally:
        conn.close()


def database_at_version(path: Path, version: int) -> None:
    """A database as an older capacitor-edge left it: only the first ``version`` migrations."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(
            "CREATE TABLE schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        for number, (name, script) in enumerate(MIGRATIONS[:version], start=1):
            conn.executescript(
                f"BEGIN; {script}; INSERT INTO schema_migrations VALUES "
                f"({number}, '{name}', '2026-01-01T00:00:00Z'); COMMIT;"
            )
    finally:
        conn.close()


@pytest.mark.slow
async def test_backup_while_writing_then_restore_refused_while_running(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    copies = [tmp_path / f"copy-{n}.db" for n in range(3)]
    with trio.fail_after(120):
        async with ServerProcess.start(data_dir) as server:
            api = httpx.AsyncClient(
                base_url=server.http_url, headers={"X-API-Key": server.api_key}, timeout=10
            )
            writing = trio.Event()
            # The writers run until every backup and the refused restore are done, however fast
            # or slow the machine is: so each backup is taken while they commit (a fixed number
            # of writes raced the machine's speed and sometimes ended before the backups).
            backups_done = trio.Event()
            written: list[int] = []
            # Set by the first write acknowledged after the backups began.
            backups_began: list[int] = []
            wrote_during = trio.Event()

            async def write_chargers(worker: int) -> None:
                n = 0
                while not backups_done.is_set():
                    answer = await api.post(
                        "/api/v1/chargers", json={"chargeBoxId": f"CP-{worker}-{n}"}
                    )
                    assert answer.status_code == 201, answer.text
                    written.append(n)
                    n += 1
                    writing.set()
                    if backups_began and len(written) > backups_began[0]:
                        wrote_during.set()

            async with api, trio.open_nursery() as nursery:
                for worker in range(4):
                    nursery.start_soon(write_chargers, worker)
                await writing.wait()
                backups_began.append(len(written))
                for copy in copies:  # three backups, all taken while the writers commit
                    result = await cli("backup", str(copy), "--data-dir", str(data_dir))
                    assert result.returncode == 0, result.stderr
                    assert b"backed up" in result.stdout
                # Restore is refused while the server holds the data dir.
                refused = await cli("restore", str(copies[0]), "--data-dir", str(data_dir))
                assert refused.returncode == 1
                assert b"in use by a running capacitor-edge serve" in refused.stderr
                # The writers were committing all along: a write acknowledged after the backups
                # began (normally long since, as each backup is a process start).
                await wrote_during.wait()
                backups_done.set()

            total = len(written)
            live_count = count_chargers(data_dir / "capacitor.db")
            assert live_count == total
            # A backup to an existing file needs --force.
            again = await cli("backup", str(copies[0]), "--data-dir", str(data_dir))
            assert again.returncode == 1
            assert b"--force" in again.stderr

    counts = []
    for copy in copies:
        assert integrity(copy) == "ok"
        assert not copy.with_name(copy.name + "-wal").exists()  # one self-contained file
        counts.append(count_chargers(copy))
    assert counts == sorted(counts)
    assert counts[-1] <= total

    # Stopped: restore the first copy; the data is the copy's, the old database is kept.
    restored = await cli("restore", str(copies[0]), "--data-dir", str(data_dir))
    assert restored.returncode == 0, restored.stderr
    assert count_chargers(data_dir / "capacitor.db") == counts[0]
    kept = list(data_dir.glob("capacitor.db.pre-restore-*.bak"))
    assert len(kept) == 1
    assert count_chargers(kept[0]) == total
    with trio.fail_after(60):
        async with (
            ServerProcess.start(data_dir) as server,
            server.client() as api,
        ):
            listed = await api.get("/api/v1/chargers", params={"limit": 1})
            assert listed.status_code == 200


async def test_restore_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite at all" * 100)
    result = await cli("restore", str(junk), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 1
    assert b"cannot restore" in result.stderr
    assert not (tmp_path / "data" / "capacitor.db").exists()


async def test_migration_backup_written_before_upgrading_and_kept_to_three(
    tmp_path: Path,
) -> None:
    db_path = tmp_path / "capacitor.db"
    start = datetime(2026, 3, 1, tzinfo=UTC)
    for round_ in range(5):
        db_path.unlink(missing_ok=True)
        database_at_version(db_path, 1)
        conn = connect(db_path)
        try:
            backup = backup_before_migrating(conn, db_path, start + timedelta(minutes=round_))
        finally:
            conn.close()
        assert backup is not None
        assert backup.name.startswith("capacitor.db.v1-")
    kept = migration_backups(db_path)
    assert [p.name[len("capacitor.db.v1-") :][:13] for p in kept] == [
        "20260301T0002",
        "20260301T0003",
        "20260301T0004",
    ]
    for path in kept:
        check = sqlite3.connect(path)
        try:
            assert schema_version(check) == 1
            assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            check.close()


async def test_serve_start_keeps_a_copy_of_a_database_that_is_behind(tmp_path: Path) -> None:
    db_path = tmp_path / "capacitor.db"
    database_at_version(db_path, 2)
    db = Database(db_path)
    with trio.fail_after(30):
        async with trio.open_nursery() as nursery:
            await nursery.start(db.run)
            await db.close()
    (backup,) = migration_backups(db_path)
    assert re.fullmatch(r"capacitor\.db\.v2-\d{8}T\d{12}Z\.bak", backup.name)
    for path, version in [(backup, 2), (db_path, len(MIGRATIONS))]:
        check = sqlite3.connect(path)
        try:
            assert schema_version(check) == version
        finally:
            check.close()
    # Current already: no further copy.
    conn = connect(db_path)
    try:
        assert migrate_with_backup(conn, db_path) == 0
    finally:
        conn.close()
    assert len(migration_backups(db_path)) == 1
    # A new, empty database is not "behind": nothing to keep.
    fresh = tmp_path / "fresh.db"
    conn = connect(fresh)
    try:
        migrate_with_backup(conn, fresh)
    finally:
        conn.close()
    assert migration_backups(fresh) == []


@pytest.mark.slow
async def test_keys_create_on_an_old_database_keeps_a_copy_first(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database_at_version(data_dir / "capacitor.db", 1)
    result = await cli("keys", "create", "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    assert len(migration_backups(data_dir / "capacitor.db")) == 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
async def test_doctor_on_a_good_and_a_broken_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    http, ocpp = f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"
    with trio.fail_after(60):
        async with ServerProcess.start(data_dir):
            pass  # creates the database and the first key, then stops (exit 0)
    data_dir.chmod(0o700)
    flags = ["--data-dir", str(data_dir), "--http", http, "--ocpp", ocpp]

    good = await cli("doctor", *flags)
    text = good.stdout.decode()
    assert good.returncode == 0, text
    assert "FAIL" not in text
    assert "passes PRAGMA integrity_check" in text
    assert f"schema version {len(MIGRATIONS)} is current" in text
    assert f"http {http}: free" in text
    assert text.strip().endswith("no problems found")

    # Break it: a world-writable dir, a readable key file, a corrupt database, a port taken.
    data_dir.chmod(0o777)
    (data_dir / "initial-api-key").chmod(0o644)
    database = data_dir / "capacitor.db"
    size = database.stat().st_size
    with database.open("r+b") as handle:  # keep the header, wreck the pages after it
        handle.seek(4096)
        handle.write(os.urandom(size - 4096))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = f"127.0.0.1:{taken.getsockname()[1]}"
        broken = await cli("doctor", "--data-dir", str(data_dir), "--http", busy, "--ocpp", ocpp)
    text = broken.stdout.decode()
    assert broken.returncode == 1, text
    fails = [line for line in text.splitlines() if line.startswith("FAIL")]
    assert any("world-writable" in line and "chmod 0700" in line for line in fails), text
    assert any("initial-api-key" in line and "chmod 0600" in line for line in fails), text
    assert any("capacitor-edge restore" in line for line in fails), text
    assert any(f"http {busy}" in line and "in use by another program" in line for line in fails)
    assert "problems found" in text
