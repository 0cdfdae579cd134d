"""Local authorization lists on a real third-party charger (the `ocpp` package's ChargePoint in
its own process, tests/support/charger_authorization.py) with the real CLI server (issue 17):
GetLocalListVersion, SendLocalList Full / Differential / split / failed / not supported, the
automatic sync after tag changes and on reconnect, and the site's cache policy at boot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import trio

from tests.ocpp.authorization_site import (
    CP,
    charger,
    events,
    held_list,
    server,
    tag,
    wait_held,
    wait_recorded,
)
from tests.support.charger_process import ChargerProcess


def sent_lists(cp: ChargerProcess) -> list[dict[str, Any]]:
    """Every SendLocalList the charger received so far, oldest first."""
    return [
        e["payload"]
        for e in cp.all_events
        if e.get("event") == "csms_call" and e.get("action") == "SendLocalList"
    ]


async def next_list(cp: ChargerProcess) -> dict[str, Any]:
    payload: dict[str, Any] = (await cp.next_csms_call("SendLocalList"))["payload"]
    return payload


async def test_full_list_at_boot_then_differential_updates_as_tags_change(tmp_path: Path) -> None:
    with trio.fail_after(60):
        async with server(tmp_path) as site:
            api = site.api
            await tag(api, "FLEET")
            await tag(api, "CAR-1", parentIdTag="FLEET", expiryDate="2030-01-01T00:00:00Z")
            await tag(api, "LOST", blocked=True)
            async with charger(site) as cp:
                # Brought up to date after its boot, with no REST call: a Full list.
                first = await next_list(cp)
                assert first["updateType"] == "Full"
                held = await wait_held(cp, first["listVersion"])
                await wait_recorded(api, 1)
                assert held["entries"] == {
                    "CAR-1": {
                        "status": "Accepted",
                        "expiryDate": "2030-01-01T00:00:00.000Z",
                        "parentIdTag": "FLEET",
                    },
                    "FLEET": {"status": "Accepted"},
                    "LOST": {"status": "Blocked"},
                }
                view = (await api.get(f"{CP}/local-list")).json()
                assert view["versionOnCharger"] == view["versionSent"] == first["listVersion"]
                assert view["upToDate"] is True and view["status"] == "accepted"
                assert len(view["entries"]) == 3

                # Blocking the parent blocks the child too: both go out, as a Differential.
                patched = await api.patch("/api/v1/id-tags/FLEET", json={"blocked": True})
                assert patched.status_code == 200
                change = await next_list(cp)
                assert change["updateType"] == "Differential"
                assert change["listVersion"] == first["listVersion"] + 1
                statuses = {
                    e["idTag"]: e["idTagInfo"]["status"] for e in change["localAuthorizationList"]
                }
                assert statuses == {"CAR-1": "Blocked", "FLEET": "Blocked"}

                # A deleted tag goes without idTagInfo: the charger removes it.
                assert (await api.delete("/api/v1/id-tags/LOST")).status_code == 200
                removal = await next_list(cp)
                assert removal["localAuthorizationList"] == [{"idTag": "LOST"}]
                held = await wait_held(cp, removal["listVersion"])
                assert set(held["entries"]) == {"CAR-1", "FLEET"}
                await wait_recorded(api, 3)

                # Over REST: a Full list, then a Differential with nothing to send.
                full = await api.post(f"{CP}/local-list", json={"updateType": "Full"})
                assert full.status_code == 200, full.text
                assert full.json() == {
                    "message": "Full local list accepted by charger",
                    "chargeBoxId": "CP-1",
                    "updateType": "Full",
                    "status": "accepted",
                    "versionSent": removal["listVersion"] + 1,
                    "entries": 2,
                    "messages": 1,
                    "resent": False,
                    "leftOut": 0,
                }
                nothing = (
                    await api.post(f"{CP}/local-list", json={"updateType": "Differential"})
                ).json()
                assert (nothing["status"], nothing["messages"]) == ("up_to_date", 0)
                journal = await events(api, "local_list.updated")
                assert [e["data"]["status"] for e in journal] == ["accepted"] * 4
                assert journal[0]["data"] == {
                    "chargeBoxId": "CP-1",
                    "updateType": "Full",
                    "listVersion": first["listVersion"],
                    "entries": 3,
                    "status": "accepted",
                }
                log = (await api.get(f"{CP}/commands")).json()["commands"]
                system = {c["action"] for c in log if c["apiKeyId"] == "system"}
                assert {"GetLocalListVersion", "SendLocalList"} <= system


async def test_a_charger_that_reconnects_gets_only_what_changed(tmp_path: Path) -> None:
    with trio.fail_after(60):
        async with server(tmp_path) as site:
            api = site.api
            await tag(api, "A")
            await tag(api, "B")
            async with charger(site) as cp:
                first = await next_list(cp)
                kept = await wait_held(cp, first["listVersion"])
                await cp.close()
            # Offline: the changes wait for the charger.
            await api.patch("/api/v1/id-tags/A", json={"blocked": True})
            await tag(api, "C")
            async with charger(site, local_list=kept) as cp:
                update = await next_list(cp)
                assert update["updateType"] == "Differential"
                assert update["listVersion"] == first["listVersion"] + 1
                assert update["localAuthorizationList"] == [
                    {"idTag": "A", "idTagInfo": {"status": "Blocked"}},
                    {"idTag": "C", "idTagInfo": {"status": "Accepted"}},
                ]
                held = await wait_held(cp, update["listVersion"])
                assert held["entries"]["A"] == {"status": "Blocked"}
                assert set(held["entries"]) == {"A", "B", "C"}


async def test_a_charger_that_lost_its_list_gets_a_full_one(tmp_path: Path) -> None:
    with trio.fail_after(60):
        async with server(tmp_path) as site:
            await tag(site.api, "A")
            async with charger(site) as cp:
                await wait_held(cp, (await next_list(cp))["listVersion"])
                await cp.close()
            async with charger(site) as cp:  # a new charger process: no list (version 0)
                again = await next_list(cp)
                assert again["updateType"] == "Full"
                assert again["localAuthorizationList"] == [
                    {"idTag": "A", "idTagInfo": {"status": "Accepted"}}
                ]


async def test_version_mismatch_and_failed_are_answered_with_a_full_resend(tmp_path: Path) -> None:
    with trio.fail_after(60):
        async with server(tmp_path) as site:
            api = site.api
            await tag(api, "A")
            async with charger(site) as cp:
                first = await next_list(cp)
                await wait_held(cp, first["listVersion"])
                # The charger's list moved on without the box (another system wrote it).
                await cp.request({"local_list": {"version": 100}})
                await api.patch("/api/v1/id-tags/A", json={"blocked": True})
                differential, full = await next_list(cp), await next_list(cp)
                assert differential["updateType"] == "Differential"
                assert full["updateType"] == "Full"
                assert full["localAuthorizationList"] == [
                    {"idTag": "A", "idTagInfo": {"status": "Blocked"}}
                ]
                # The charger held version 100: only version 2 itself shows the Full applied.
                held = await wait_held(cp, full["listVersion"], exactly=True)
                assert held["entries"] == {"A": {"status": "Blocked"}}

                # Failed, every time: the update says so after its one resend.
                await cp.respond({"SendLocalList": {"status": "Failed"}})
                await tag(api, "B")
                await next_list(cp)
                await wait_recorded(api, 5)
                failed = await api.post(f"{CP}/local-list", json={"updateType": "Differential"})
                body = failed.json()
                assert (body["status"], body["updateType"], body["resent"]) == (
                    "failed",
                    "Full",
                    True,
                )
                view = (await api.get(f"{CP}/local-list")).json()
                assert view["upToDate"] is False and view["status"] == "failed"
                await cp.respond({"SendLocalList": None})
                fixed = (
                    await api.post(f"{CP}/local-list", json={"updateType": "Differential"})
                ).json()
                assert fixed["status"] == "accepted"
                assert (await api.get(f"{CP}/local-list")).json()["upToDate"] is True


async def test_limits_split_and_trim_the_list(tmp_path: Path) -> None:
    with trio.fail_after(60):
        async with server(tmp_path) as site:
            api = site.api
            for name in ("T1", "T2", "T3", "T4"):
                await tag(api, name)
            await tag(api, "T0-BLOCKED", blocked=True)
            limits = {"SendLocalListMaxLength": "2", "LocalAuthListMaxLength": "4"}
            async with charger(site, configure=limits) as cp:
                parts = [await next_list(cp), await next_list(cp)]
                assert [p["updateType"] for p in parts] == ["Full", "Differential"]
                assert [len(p["localAuthorizationList"]) for p in parts] == [2, 2]
                assert parts[1]["listVersion"] == parts[0]["listVersion"] + 1
                held = await wait_held(cp, parts[1]["listVersion"])
                # The blocked tag is the one left out: an unknown card is refused offline anyway.
                assert sorted(held["entries"]) == ["T1", "T2", "T3", "T4"]
                full = (await api.post(f"{CP}/local-list", json={"updateType": "Full"})).json()
                assert (full["entries"], full["messages"], full["leftOut"]) == (4, 2, 1)


async def test_a_charger_without_the_profile_is_left_alone_and_answers_not_supported(
    tmp_path: Path,
) -> None:
    with trio.fail_after(60):
        async with server(tmp_path) as site:
            api = site.api
            await tag(api, "A")
            async with charger(site, configure={"SupportedFeatureProfiles": "Core"}) as cp:
                view = (await api.get(f"{CP}/local-list")).json()
                assert view["versionOnCharger"] == -1
                sent = (await api.post(f"{CP}/local-list", json={"updateType": "Full"})).json()
                assert sent["status"] == "not_supported"
                await api.patch("/api/v1/id-tags/A", json={"blocked": True})
                # Read back after the tag change's own work could have gone out: nothing did.
                await api.get(f"{CP}/local-list")
                assert len(sent_lists(cp)) == 1
                assert (await held_list(cp))["version"] == 0


async def test_site_policy_is_set_on_each_charger_after_its_boot(tmp_path: Path) -> None:
    toml = (
        'authorization_cache_enabled = "false"\n'
        'local_authorize_offline = "true"\n'
        'local_pre_authorize = "true"\n'
    )
    with trio.fail_after(60):
        async with server(tmp_path, toml) as site, charger(site) as cp:
            changes = [
                (await cp.next_csms_call("ChangeConfiguration"))["payload"] for _ in range(3)
            ]
            assert changes == [
                {"key": "AuthorizationCacheEnabled", "value": "false"},
                {"key": "LocalAuthorizeOffline", "value": "true"},
                {"key": "LocalPreAuthorize", "value": "true"},
            ]
            keys = ["AuthorizationCacheEnabled", "LocalPreAuthorize"]
            read = (await site.api.post(f"{CP}/configuration/get", json={"key": keys})).json()
            assert [k["value"] for k in read["configurationKey"]] == ["false", "true"]
            log = (await site.api.get(f"{CP}/commands")).json()["commands"]
            changed = [c for c in log if c["action"] == "ChangeConfiguration"]
            assert [c["apiKeyId"] for c in changed] == ["system"] * 3
            assert all(c["response"] == {"status": "Accepted"} for c in changed)
