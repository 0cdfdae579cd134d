"""Logs on stderr: one line per event, ``--log-format json|text``, the charger's id as a field,
and never a secret: the real server at debug level is put through key creation, charger
registration with passwords and OCPP sessions, then its stderr is searched for every secret."""

from __future__ import annotations

import base64
import io
import json
import logging
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import trio

from capacitor_edge.app.logs import formatter, redact
from tests.ocpp.test_interop import BOOT
from tests.support.charger_process import ChargerProcess
from tests.support.server_process import ServerProcess

API_KEY = "cap_live_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6"


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger of our own with a handler on a string buffer (the root logger is pytest's)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("capacitor_edge.test_logs")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)
        logger.propagate = True


def _fail(logger: logging.Logger) -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.exception("handler for %s failed", "Heartbeat", extra={"chargeBoxId": "CP-1"})


def test_json_lines_carry_level_logger_and_charge_box_id(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logger.handlers[0].setFormatter(formatter("json"))
    logger.info("connected from %s", "10.0.0.7", extra={"chargeBoxId": "CP-1"})
    logger.warning("no charger here\nsecond line")
    _fail(logger)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3  # one line per event, traceback and newlines included
    first, second, third = (json.loads(line) for line in lines)
    assert first["level"] == "INFO"
    assert first["logger"] == "capacitor_edge.test_logs"
    assert first["message"] == "connected from 10.0.0.7"
    assert first["chargeBoxId"] == "CP-1"
    assert first["time"].endswith("Z") and len(first["time"]) == len("2026-02-06T12:00:00.123Z")
    assert "chargeBoxId" not in second
    assert second["message"] == "no charger here\nsecond line"
    assert third["level"] == "ERROR" and third["chargeBoxId"] == "CP-1"
    assert "RuntimeError: boom" in third["exception"]


def test_text_lines_show_the_charge_box_id_on_one_line(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logger.handlers[0].setFormatter(formatter("text"))
    logger.info("connected from %s", "10.0.0.7", extra={"chargeBoxId": "CP-1"})
    logger.info("forged?\n2026-01-01 00:00:00,000 ERROR capacitor_edge fake")
    _fail(logger)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].endswith(" INFO capacitor_edge.test_logs [CP-1] connected from 10.0.0.7")
    assert "forged?\\n2026-01-01" in lines[1]  # a charger cannot forge a line of its own
    assert " ERROR capacitor_edge.test_logs [CP-1] handler for Heartbeat failed" in lines[2]
    assert "RuntimeError: boom" in lines[2]


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_secrets_are_masked_in_every_format(
    captured: tuple[logging.Logger, io.StringIO], log_format: str
) -> None:
    logger, stream = captured
    logger.handlers[0].setFormatter(formatter(log_format))
    basic = base64.b64encode(b"CP-1:my-charger-password-1").decode()
    logger.info("key %s and the shown prefix cap_live_A1b2****", API_KEY)
    logger.info("header Authorization: Basic %s", basic)
    logger.info('frame [2,"9","ChangeConfiguration",{"key":"AuthorizationKey","value":"pw-x1"}]')
    logger.info("body {'authorizationKey': 'pw-y2', 'password': \"pw-z3\"}")
    try:
        raise ValueError(f"bad key {API_KEY}")
    except ValueError:
        logger.exception("failed", extra={"apiKey": API_KEY})
    text = stream.getvalue()
    for secret in (API_KEY, API_KEY[9:20], basic, "pw-x1", "pw-y2", "pw-z3"):
        assert secret not in text
    assert "cap_live_A1b2****" in text  # the 4-character prefix the API itself shows stays
    assert redact("Basic authentication") == "Basic authentication"


async def _cli_key(data_dir: Path) -> str:
    result = await trio.run_process(
        [sys.executable, "-m", "capacitor_edge", "keys", "create", "--data-dir", str(data_dir)],
        capture_stdout=True,
        capture_stderr=True,
    )
    return result.stdout.decode().strip().splitlines()[-1]


@pytest.mark.slow
@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_no_secret_reaches_the_server_log(tmp_path: Path, log_format: str) -> None:
    data_dir = tmp_path / "data"
    password = "pw-" + secrets.token_hex(10)
    new_password = "pw-" + secrets.token_hex(10)
    wrong_password = "pw-" + secrets.token_hex(10)
    wrong_key = "cap_live_" + secrets.token_urlsafe(24)
    args = ["--log-level", "debug", "--log-format", log_format]
    with trio.fail_after(60):
        async with ServerProcess.start(data_dir, args) as server:
            initial_key = server.api_key
            cli_key = await _cli_key(data_dir)
            async with httpx.AsyncClient(
                base_url=server.http_url, headers={"X-API-Key": initial_key}, timeout=10
            ) as api:
                created = await api.post("/api/v1/auth/api-keys", json={"name": "site"})
                assert created.status_code == 201, created.text
                rest_key = created.json()["key"]
                assert (
                    await api.get("/api/v1/chargers", headers={"X-API-Key": cli_key})
                ).is_success
                refused = await api.get("/api/v1/chargers", headers={"X-API-Key": wrong_key})
                assert refused.status_code == 401
                registered = await api.post(
                    "/api/v1/chargers",
                    json={
                        "chargeBoxId": "CP-1",
                        "securityProfile": 1,
                        "authorizationKey": password,
                    },
                )
                assert registered.status_code == 201, registered.text
                generated = await api.post(
                    "/api/v1/chargers", json={"chargeBoxId": "CP-2", "securityProfile": 1}
                )
                assert generated.status_code == 201, generated.text
                generated_password = generated.json()["authorizationKey"]

                async with ChargerProcess.start(
                    server.charger_url("CP-1"), basic_auth=("CP-1", wrong_password)
                ) as intruder:
                    await intruder.connect_failure()
                async with ChargerProcess.start(
                    server.charger_url("CP-1"), basic_auth=("CP-1", password)
                ) as charger:
                    await charger.wait_connected()
                    await charger.call("BootNotification", BOOT)
                    await charger.call("Heartbeat", {})
                    await charger.raw('[2,"bad-1","StatusNotification",{"connectorId":1}]')
                    # The box hands the charger its new password in a CALL.
                    changed = await api.post(
                        "/api/v1/chargers/CP-1/configuration/change",
                        json={"key": "AuthorizationKey", "value": new_password},
                    )
                    assert changed.status_code == 200, changed.text
            stderr = server.stderr_text()

    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines
    if log_format == "json":
        records = [json.loads(line) for line in lines]  # every line is one JSON object
        assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
        about_cp1 = [r for r in records if r.get("chargeBoxId") == "CP-1"]
        assert any(r["message"].startswith("connected from") for r in about_cp1)
        assert any(r["level"] == "DEBUG" for r in records)
    else:
        assert any("capacitor_edge.ocpp [CP-1] connected from" in line for line in lines)
        assert any(" DEBUG " in line for line in lines)

    for name, secret in {
        "initial API key": initial_key,
        "CLI API key": cli_key,
        "REST API key": rest_key,
        "refused API key": wrong_key,
        "charger password": password,
        "generated charger password": generated_password,
        "new charger password": new_password,
        "wrong charger password": wrong_password,
    }.items():
        assert secret not in stderr, f"the {name} is in the log"
        assert base64.b64encode(f"CP-1:{secret}".encode()).decode() not in stderr, name
    assert "cap_live_" + initial_key[9:17] not in stderr  # not even a longer prefix of a key


def test_log_format_flag_is_checked() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "capacitor_edge", "serve", "--log-format", "xml"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "--log-format" in result.stderr


#: Logs one record after the server's logging set-up and prints what it carries.
_RECORD_PROBE = """
import logging, sys
from capacitor_edge.app.logs import configure_logging
configure_logging("info", "text", sys.stderr)
seen = []
class Keep(logging.Handler):
    def emit(self, record):
        seen.append(record)
logging.getLogger().addHandler(Keep())
logging.getLogger("capacitor_edge.ocpp").info("connected from %s", "127.0.0.1")
print(seen[0].lineno, seen[0].thread, seen[0].process)
"""


def test_records_skip_the_caller_thread_and_process_no_line_shows() -> None:
    """No format shows a source line, thread or process, so a record does not look them up
    (issue 21: logging was ~8 % of a boot storm's event loop, a line per connection)."""
    done = subprocess.run(
        [sys.executable, "-c", _RECORD_PROBE], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "None", "None"]
    assert "connected from 127.0.0.1" in done.stderr
