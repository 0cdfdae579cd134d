"""The MQTT uplink (issue 19), beyond tests/test_mqtt.py: the journal's retention (nothing the
broker has not acknowledged is pruned, up to the cap; past it the oldest go after all, and every
organisation is told with an ``mqtt.backlog_dropped`` event: the storage's rule, on a real
SQLite file), the uplink's settings, no secret in logs, and TLS to the broker."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import trio

from capacitor_edge.app.certs import SiteFiles, init_site
from capacitor_edge.clock import iso_z
from capacitor_edge.settings import SettingsError, load_settings
from capacitor_edge.storage.events import EventStore, read_events
from capacitor_edge.storage.uplink import UplinkStore
from tests.conftest import make_settings, start_appliance, stop_appliance
from tests.support.mosquitto import TlsFiles, running_mosquitto
from tests.support.mqtt_client import connect_consumer, disconnect
from tests.support.server_process import capacitor_edge_command
from tests.test_journal import open_database

BASE = datetime(2026, 2, 6, 12, 0, tzinfo=UTC)
OLD = iso_z(BASE - timedelta(days=60))
CUTOFF = iso_z(BASE - timedelta(days=30))


async def test_retention_keeps_what_the_broker_has_not_acknowledged(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    with trio.fail_after(10):
        db = await open_database(nursery, tmp_path / "db.sqlite")
        events, uplink = EventStore(db), UplinkStore(db)
        for n in range(6):
            await events.append("org", "charger.registered", OLD, {"n": n}, None)
        assert await uplink.activate(cap=1000) == 0
        await uplink.advance(2)
        # Every event is past the retention; the broker has acknowledged seq 1 and 2 only.
        assert await events.prune(CUTOFF, 1000, iso_z(BASE)) == 2
        assert [e.seq for e in await events.page("org", 0, 10)] == [3, 4, 5, 6]
        await uplink.deactivate()  # mqtt_url unset: retention no longer waits for it
        assert await events.prune(CUTOFF, 1000, iso_z(BASE)) == 4
        await db.close()


async def test_past_the_cap_the_oldest_unpublished_go_with_an_event_saying_so(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    with trio.fail_after(10):
        db = await open_database(nursery, tmp_path / "db.sqlite")
        events, uplink = EventStore(db), UplinkStore(db)
        for n in range(6):
            org = "org-a" if n < 3 else "org-b"
            await events.append(org, "charger.registered", OLD, {"n": n}, None)
        await uplink.activate(cap=2)  # nothing acknowledged; at most 2 held back
        assert await events.prune(CUTOFF, 1000, iso_z(BASE)) == 4
        kept = await db.read(lambda c: read_events(c, "org-b", 0, 10))
        assert [(e.seq, e.type) for e in kept] == [
            (5, "charger.registered"),
            (6, "charger.registered"),
            (8, "mqtt.backlog_dropped"),
        ]
        assert kept[-1].data == {"fromSeq": 4, "toSeq": 4, "count": 1, "cap": 2}
        assert kept[-1].at == iso_z(BASE)
        told_a = await db.read(lambda c: read_events(c, "org-a", 0, 10))
        assert [(e.type, e.data) for e in told_a] == [
            ("mqtt.backlog_dropped", {"fromSeq": 1, "toSeq": 3, "count": 3, "cap": 2})
        ]
        await db.close()


def test_uplink_settings_are_checked_and_name_the_key(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path,
        mqtt_url="mqtts://broker.example:8883",
        site_id="lot-7",
        mqtt_allowed_commands="reset, remote_start",
    )
    assert settings.mqtt_url == "mqtts://broker.example:8883"
    assert settings.mqtt_topic_prefix == "capacitor"
    for key, value in [
        ("mqtt_url", "http://broker:1883"),
        ("mqtt_url", "mqtt://user:pw@broker:1883"),
        ("site_id", "lot/7"),
        ("mqtt_topic_prefix", "fleet/#"),
        ("mqtt_allowed_commands", "reset,detonate"),
    ]:
        with pytest.raises(SettingsError, match=f"setting '{key}'"):
            load_settings(None, {}, {key: value})


async def test_no_credential_reaches_a_log_line_or_the_settings_repr(
    nursery: trio.Nursery, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "pw-9f3c1d-never-logged"
    password_file = tmp_path / "mqtt-password"
    password_file.write_text(secret + "\n", encoding="utf-8")
    caplog.set_level(logging.DEBUG)
    with trio.fail_after(30):
        async with running_mosquitto(tmp_path / "broker") as broker:
            settings = make_settings(
                tmp_path,
                mqtt_url=broker.url,
                site_id="lot-9",
                mqtt_username="site-9",
                mqtt_password_file=str(password_file),
                log_level="debug",
            )
            appliance = await start_appliance(nursery, settings)
            await broker.wait_for_log(b"as capacitor-edge-lot-9")
            await stop_appliance(appliance)
        env_settings = load_settings(None, {"CAPACITOR_EDGE_MQTT_PASSWORD": secret}, {})
    assert "MQTT uplink" in caplog.text
    assert secret not in caplog.text
    assert secret not in repr(env_settings)
    assert secret.encode() not in broker.log


async def test_mqtts_to_a_broker_with_a_certificate_of_the_site_kit(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    """TLS to the broker: its certificate (from `capacitor-edge certs init`'s kit) is checked
    against `mqtt_ca_file` and its host name; the fleet, on the plain listener, sees the site."""
    kit = tmp_path / "kit"
    await trio.to_thread.run_sync(
        lambda: init_site(kit, ["localhost"], ["127.0.0.1"], now=datetime.now(UTC))
    )
    files = SiteFiles.under(kit)
    tls = TlsFiles(files.ca_cert, files.server_cert, files.server_key)
    with trio.fail_after(30):
        async with running_mosquitto(tmp_path / "broker", tls) as broker:
            fleet = await connect_consumer(broker.port, ["capacitor/#"], client_id="fleet-tls")
            settings = make_settings(
                tmp_path,
                mqtt_url=broker.tls_url,
                site_id="lot-tls",
                mqtt_ca_file=str(files.ca_cert),
            )
            appliance = await start_appliance(nursery, settings)
            said = await fleet.wait_until(lambda: fleet.on("capacitor/lot-tls/status"))
            await stop_appliance(appliance)
            await disconnect(fleet)
    assert said[0].json()["online"] is True
    assert f"on port {broker.tls_port}.".encode() in broker.log  # the TLS listener
    assert b"as capacitor-edge-lot-tls" in broker.log


async def test_an_unreadable_password_file_stops_the_start_with_one_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "CAPACITOR_EDGE_MQTT_URL": "mqtt://127.0.0.1:1",
        "CAPACITOR_EDGE_MQTT_PASSWORD_FILE": str(tmp_path / "missing"),
    }
    command = [
        *capacitor_edge_command(),
        "serve",
        "--data-dir",
        str(tmp_path / "data"),
        "--http",
        "127.0.0.1:0",
        "--ocpp",
        "127.0.0.1:0",
    ]
    with trio.fail_after(60):
        done = await trio.run_process(command, env=env, capture_stderr=True, check=False)
    stderr = done.stderr.decode()
    assert done.returncode == 2, stderr
    assert "setting 'mqtt_password_file': cannot read" in stderr
    assert "Traceback" not in stderr
