"""Schemathesis against the real appliance: every operation of ``/openapi.json`` gets generated
requests (examples, coverage, fuzzing and stateful phases), and every answer must be a
documented status, with a documented Content-Type and a body that validates against the
document, and never a server error.

The appliance is the real CLI (``tests/support/server_process.py``: against the built binary
too when ``CAPACITOR_BINARY_UNDER_TEST`` is set) on 127.0.0.1 port 0 with its SQLite file in
``tmp_path``; schemathesis is its own CLI in a subprocess. The run is bounded and repeatable:
deterministic generation (no random seed), no example database, a fixed number of examples per
operation and of stateful steps.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import trio

from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 10
#: Upper bound for the whole run; it takes ~30-60 s on a 2-core machine.
RUN_TIMEOUT_S = 240.0
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "unsupported_method",
)
#: Commands to a charger answer 503 (documented) while it is not connected, as here.
COMMAND_PATHS = (
    r"^/api/v1/chargers/\{charge_box_id\}/"
    r"(remote-start|reset|unlock|cache/clear|trigger|availability|configuration/get"
    r"|configuration/change|firmware/update|diagnostics|data-transfer|charging-profiles"
    r"|charging-profiles/\{profile_id\}|connectors/\{connector_id\}/composite-schedule"
    r"|reservations|reservations/\{reservation_id\}|local-list)$"
    r"|^/api/v1/transactions/start$|^/api/v1/transactions/\{transaction_id\}/stop$"
)
#: Revoking keys is left out: a stateful step would revoke the very key the run uses
#: (GET /auth/api-keys lists it). tests/test_openapi_contract.py covers that route.
#: The event stream never ends by itself (tests/test_events_stream.py covers it).
#: POST /selftest runs a whole simulated charger session per call (seconds each), and answers
#: 409 to any call made while one runs; tests/test_dashboard_routes.py and the OpenAPI walk
#: cover both of its methods.
EXCLUDED_PATHS = r"^/api/v1/auth/api-keys/\{key_id\}$|^/api/v1/events/stream$|^/api/v1/selftest$"

CONFIG = f"""
[generation]
max-examples = {EXAMPLES_PER_OPERATION}
deterministic = true
database = "none"

[phases.stateful]
max-steps = 20

[[operations]]
include-path-regex = '{COMMAND_PATHS}'
checks.not_a_server_error.expected-statuses = ["1xx", "2xx", "3xx", "4xx", "503"]
"""


async def seed(server: ServerProcess) -> None:
    """A charger and an idTag, so lookups by id can succeed, not only 404."""
    async with httpx.AsyncClient(
        base_url=server.http_url, headers={"X-API-Key": server.api_key}, timeout=5.0
    ) as client:
        charger = await client.post("/api/v1/chargers", json={"chargeBoxId": "CHARGER-001"})
        assert charger.status_code == 201, charger.text
        tag = await client.post("/api/v1/id-tags", json={"idTag": "USER123"})
        assert tag.status_code == 201, tag.text


async def test_the_api_does_what_its_openapi_document_says(tmp_path: Path) -> None:
    # Schemathesis sends wrong keys on purpose; the failed-key limit would then answer 429
    # (documented) to everything and hide the rest of the API from the run.
    # Webhooks it registers point anywhere: their deliveries and tests give up after 1 s.
    env = {
        **os.environ,
        "CAPACITOR_EDGE_API_KEY_FAILURES_PER_MIN": "1000000",
        "CAPACITOR_EDGE_WEBHOOK_TIMEOUT_S": "1",
    }
    async with ServerProcess.start(tmp_path / "data", env=env) as server:
        with trio.fail_after(10):
            await seed(server)
        config = tmp_path / "schemathesis.toml"
        config.write_text(CONFIG)
        command = [
            str(Path(sys.executable).with_name("schemathesis")),
            "--no-color",
            "--config-file",
            str(config),
            "run",
            f"{server.http_url}/openapi.json",
            "--header",
            f"X-API-Key: {server.api_key}",
            "--checks",
            ",".join(CHECKS),
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--workers",
            "1",
            "--exclude-path-regex",
            EXCLUDED_PATHS,
        ]
        with trio.fail_after(RUN_TIMEOUT_S):
            result = await trio.run_process(
                command, cwd=tmp_path, capture_stdout=True, stderr=subprocess.STDOUT, check=False
            )
    report = result.stdout.decode(errors="replace")
    assert result.returncode == 0, report
    assert " passed" in report, report
    assert "failed" not in report, report
