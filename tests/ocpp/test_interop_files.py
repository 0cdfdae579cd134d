"""The box serves files to a real third-party charger (the `ocpp` package's asyncio ChargePoint
in its own process) with the real CLI server in another: firmware downloaded from the box after
UpdateFirmware, diagnostics uploaded to the box after GetDiagnostics. The test plays the
charger's HTTP side with httpx, as the charger's firmware would."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import trio

from tests.ocpp.test_interop_commands import site


async def test_firmware_served_to_a_charger_and_its_progress_shown(tmp_path: Path) -> None:
    firmware = b"\x7fELF firmware image " * 5000
    with trio.fail_after(60):
        async with site(tmp_path) as s, httpx.AsyncClient(timeout=10) as http:
            api, charger = s.api, s.charger
            missing = await api.post("/api/v1/chargers/CP-1/firmware/update", json={})
            assert missing.status_code == 400
            assert missing.json()["error"]["message"].startswith("location:")

            uploaded = await api.post("/api/v1/firmware", files={"file": ("cp-2.1.bin", firmware)})
            assert uploaded.status_code == 201, uploaded.text
            record = uploaded.json()
            assert record["sha256"] == hashlib.sha256(firmware).hexdigest()

            update = await api.post("/api/v1/chargers/CP-1/firmware/update", json={})
            assert update.status_code == 200, update.text
            assert update.json()["firmwareId"] == record["id"]
            call = await charger.next_csms_call("UpdateFirmware")
            location = call["payload"]["location"]
            assert location == record["downloadUrl"] == update.json()["location"]
            assert location.startswith(s.server.http_url + "/files/firmware/")

            for status in ("Downloading", "Downloaded", "Installing"):
                await charger.call("FirmwareStatusNotification", {"status": status})
                if status == "Downloading":
                    # What the charger does between the two: fetch, with no API key.
                    download = await http.get(location)
                    assert download.status_code == 200
                    assert hashlib.sha256(download.content).hexdigest() == record["sha256"]
            shown = (await api.get("/api/v1/chargers/CP-1")).json()
            assert shown["firmwareStatus"] == "Installing"
            await charger.call("FirmwareStatusNotification", {"status": "Installed"})
            shown = (await api.get("/api/v1/chargers/CP-1")).json()
            assert shown["firmwareStatus"] == "Installed"
            assert shown["firmwareStatusAt"].endswith("Z")


async def test_diagnostics_uploaded_by_a_charger_are_listed(tmp_path: Path) -> None:
    log = b"2026-11-23T10:00:00Z connector 1 fault cleared\n" * 2000
    with trio.fail_after(60):
        async with site(tmp_path) as s, httpx.AsyncClient(timeout=10) as http:
            api, charger = s.api, s.charger
            asked = await api.post("/api/v1/chargers/CP-1/diagnostics", json={})
            assert asked.status_code == 200, asked.text
            assert asked.json()["fileName"] == "diagnostics.log"
            call = await charger.next_csms_call("GetDiagnostics")
            location = call["payload"]["location"]
            assert location == asked.json()["location"]
            assert location.startswith(s.server.http_url + "/files/diagnostics/")
            assert location.endswith("/")

            await charger.call("DiagnosticsStatusNotification", {"status": "Uploading"})
            put = await http.put(location + "diagnostics.log", content=log)
            assert put.status_code == 201, put.text
            await charger.call("DiagnosticsStatusNotification", {"status": "Uploaded"})

            shown = (await api.get("/api/v1/chargers/CP-1")).json()
            assert shown["diagnosticsStatus"] == "Uploaded"
            listed = await api.get("/api/v1/chargers/CP-1/diagnostics-files")
            assert listed.status_code == 200
            (entry,) = listed.json()["files"]
            assert entry["fileName"] == "diagnostics.log"
            assert entry["size"] == len(log)
            assert entry["sha256"] == hashlib.sha256(log).hexdigest()
            download = await api.get(entry["downloadUrl"])
            assert download.status_code == 200 and download.content == log
