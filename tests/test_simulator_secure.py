"""The simulator's security profiles against the real server with TLS: profile 2 (wss:// with
the site CA and Basic auth), profile 3 (a client certificate from the installer kit), the
self-test over https:// and wss://, and a charger that does not trust the box's certificate.
The certificates come from the appliance's own kit (tests/support/secure.py)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import trio

from capacitor_edge.simulator.options import Options
from capacitor_edge.simulator.scenarios import Simulation
from capacitor_edge.simulator.selftest import SelfTest
from tests.conftest import Appliance, make_settings, start_appliance, stop_appliance
from tests.support.secure import Site, make_site, tls_settings


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return make_site(tmp_path / "kit")


@pytest.fixture
async def secure(nursery: trio.Nursery, tmp_path: Path, site: Site) -> AsyncIterator[Appliance]:
    """An appliance serving wss:// for chargers and https:// for the API, with the charger CA."""
    settings = make_settings(tmp_path, http_tls="on", **tls_settings(site))
    running = await start_appliance(nursery, settings)
    try:
        yield running
    finally:
        await stop_appliance(running)


def options_for(appliance: Appliance, site: Site, **overrides: Any) -> Options:
    ocpp_url = appliance.endpoints.ocpp_url
    assert ocpp_url.startswith("wss://") and appliance.endpoints.http_url.startswith("https://")
    values: dict[str, Any] = {
        "url": f"{ocpp_url}/ocpp",
        "ca": site.files.ca_cert,
        "register": True,
        "api": appliance.endpoints.http_url,
        "api_key": appliance.api_key,
        "call_timeout_s": 5.0,
        "connect_timeout_s": 5.0,
        "duration_s": 0,
    }
    values.update(overrides)
    return Options(**values)


async def test_profile_2_over_wss_with_the_site_ca_and_a_password(
    secure: Appliance, site: Site
) -> None:
    with trio.fail_after(30):
        options = options_for(
            secure, site, password="profile-two-password-123", id_prefix="P2-", chargers=2
        )
        assert options.security_profile == 2
        summary = await Simulation(options).run()
        assert summary["passed"], summary
        assert summary["connected"] == 2

        wrong = Options(
            **{**vars(options), "password": "not-the-right-password", "register": False}
        )
        summary = await Simulation(wrong).run()
        assert summary["passed"] is False
        assert summary["connectFailures"] == {"http-401": 2}


async def test_profile_3_with_a_kit_client_certificate(secure: Appliance, site: Site) -> None:
    with trio.fail_after(30):
        certificate = site.charger("P3-CHARGER")
        options = options_for(
            secure, site, cert=certificate.cert, key=certificate.key, charge_box_id="P3-CHARGER"
        )
        assert options.security_profile == 3
        summary = await Simulation(options).run()
        assert summary["passed"], summary

        # The same certificate for another chargeBoxId: its CN does not match, so 403.
        other = options_for(
            secure, site, cert=certificate.cert, key=certificate.key, charge_box_id="P3-OTHER"
        )
        summary = await Simulation(other).run()
        assert summary["passed"] is False
        assert summary["connectFailures"] == {"http-403": 1}


async def test_a_charger_that_does_not_trust_the_box_fails_to_connect(
    secure: Appliance, site: Site, tmp_path: Path
) -> None:
    with trio.fail_after(30):
        stranger = make_site(tmp_path / "another-kit")  # a CA that did not sign the box
        options = options_for(secure, site, password="profile-two-password-123")
        assert (await Simulation(options).run())["passed"]
        untrusting = replace(options, ca=stranger.files.ca_cert, register=False)
        summary = await Simulation(untrusting).run()
        assert summary["passed"] is False
        assert summary["connectFailures"] == {"tls-certificate": 1}


async def test_selftest_over_https_and_wss(secure: Appliance, site: Site) -> None:
    """No --password: the self-test's charger is profile 0 over wss:// (TLS, no credentials)."""
    with trio.fail_after(60):
        options = options_for(secure, site, register=False, time_scale=60)
        selftest = SelfTest(options, out=io.StringIO())
        passed = await selftest.run()
        failed = [step for step in selftest.report()["steps"] if step["result"] == "FAIL"]
        assert passed is True, failed
        assert [step["result"] for step in selftest.report()["steps"]] == ["PASS"] * 8
