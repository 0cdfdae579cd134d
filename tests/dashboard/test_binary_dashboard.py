"""The single-file executable serves the dashboard: its templates and static files are inside it
(packaging/capacitor-edge.spec), and its ``users`` command makes the first admin. Runs against
``$CAPACITOR_BINARY_UNDER_TEST`` (CI) or ``dist/capacitor-edge``, else ``python -m
capacitor_edge`` (a failure under CI: tests/test_binary.py)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import trio

from capacitor_edge.dashboard import routes
from tests.support.dashboard import PASSWORD, log_in
from tests.support.server_process import ServerProcess
from tests.test_binary import binary, command

pytestmark = pytest.mark.slow

STATIC = Path(routes.__file__).with_name("static")


async def test_the_binary_serves_the_dashboard(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    exe = command()[0] if binary() else None
    with trio.fail_after(90):
        async with ServerProcess.start(data_dir, executable=exe) as server:
            # The first start says how to make the first admin.
            await server.wait_for_stdout(r"capacitor-edge users create NAME --role admin")
            made = await trio.run_process(
                [
                    *command(),
                    "users",
                    "create",
                    "ada",
                    "--role",
                    "admin",
                    "--data-dir",
                    str(data_dir),
                ],
                stdin=(PASSWORD + "\n").encode(),
                capture_stdout=True,
                capture_stderr=True,
                check=False,
            )
            assert made.returncode == 0, made.stderr
            async with httpx.AsyncClient(base_url=server.http_url, timeout=10) as client:
                login_page = await client.get("/dashboard/login")
                assert login_page.status_code == 200
                assert 'action="/dashboard/login"' in login_page.text
                assert (await log_in(client, "ada")).status_code == 303
                board = await client.get("/dashboard/")
                assert board.status_code == 200
                assert 'data-view="board"' in board.text and "ada" in board.text
                for name in ("common.js", "charts.js", "board.js", "style.css"):
                    served = await client.get(f"/dashboard/static/{name}")
                    assert served.status_code == 200, name
                    assert served.content == (STATIC / name).read_bytes(), name
