"""Firmware and diagnostics files served by the box, against a real in-process appliance: real
HTTP on loopback, real SQLite and real files under ``tmp_path``."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import trio

from capacitor_edge.domain.keys import Principal
from tests.conftest import Appliance, make_settings, second_org_key, start_appliance, stop_appliance

TIMEOUT_S = 15


async def raw_request(
    base_url: str,
    method: str,
    target: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    """Send ``target`` byte for byte: httpx would normalise ``..`` segments away, and a
    traversal attempt must reach the server as an attacker would send it."""
    url = httpx.URL(base_url)
    assert url.host and url.port
    stream = await trio.open_tcp_stream(url.host, url.port)
    async with stream:
        lines = [
            f"{method} {target} HTTP/1.1",
            f"Host: {url.host}:{url.port}",
            "Connection: close",
            f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in (headers or {}).items()),
        ]
        await stream.send_all(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        # Read exactly the response (hypercorn may keep the socket open a while after it).
        received = bytearray()
        while b"\r\n\r\n" not in received:
            chunk = await stream.receive_some(65536)
            assert chunk, "connection closed before the response head"
            received += chunk
        head, _, content = bytes(received).partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(content) < length:
            chunk = await stream.receive_some(65536)
            assert chunk, "connection closed before the response body"
            content += chunk
    return int(head.split(b" ", 2)[1]), content


def files_outside(root: Path, allowed: Path) -> set[Path]:
    """Every file under ``root`` that is not under ``allowed`` nor the database's own."""
    return {
        path
        for path in root.rglob("*")
        if path.is_file()
        and not path.is_relative_to(allowed)
        and not path.name.startswith("capacitor.db")
    }


async def upload_firmware(
    api: httpx.AsyncClient, data: bytes, filename: str = "fw.bin", name: str | None = None
) -> httpx.Response:
    return await api.post(
        "/api/v1/firmware",
        files={"file": (filename, data, "application/octet-stream")},
        data={} if name is None else {"name": name},
    )


async def register(api: httpx.AsyncClient, charge_box_id: str = "CP-1") -> None:
    response = await api.post("/api/v1/chargers", json={"chargeBoxId": charge_box_id})
    assert response.status_code == 201, response.text


async def diagnostics_location(appliance: Appliance, charge_box_id: str = "CP-1") -> str:
    """An upload slot as a GetDiagnostics without a location opens one (the charger is not
    connected in these tests, so the domain service is asked directly)."""
    services = appliance.endpoints.services
    principal = await services.keys.authenticate(appliance.api_key)
    assert isinstance(principal, Principal)
    slot = await services.files.open_diagnostics_slot(principal, charge_box_id)
    return f"{appliance.endpoints.http_url}/files/diagnostics/{slot.token}/"


async def test_firmware_upload_list_download_delete(appliance: Appliance) -> None:
    data = bytes(range(256)) * 1000
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as api, httpx.AsyncClient(timeout=5) as charger:
            created = await upload_firmware(api, data, "../../evil name.bin", name=None)
            assert created.status_code == 201, created.text
            body = created.json()
            assert body["id"].startswith("fw_")
            assert body["size"] == len(data)
            assert body["sha256"] == hashlib.sha256(data).hexdigest()
            assert body["name"] == "evil name.bin"  # the last component only, as metadata
            assert body["createdAt"] == "2026-02-06T12:00:00.123Z"
            url = body["downloadUrl"]
            assert url.startswith(f"{appliance.endpoints.http_url}/files/firmware/{body['id']}/")
            on_disk = appliance.settings.data_dir / "files" / "firmware" / body["id"]
            assert on_disk.read_bytes() == data

            named = await upload_firmware(api, b"v2", name="charger-v2.bin")
            assert named.json()["name"] == "charger-v2.bin"
            listed = (await api.get("/api/v1/firmware")).json()["firmware"]
            assert {f["id"] for f in listed} == {body["id"], named.json()["id"]}

            # The charger's URL needs no key: the token in it is the credential.
            download = await charger.get(url)
            assert download.status_code == 200
            assert download.content == data
            assert download.headers["content-length"] == str(len(data))
            token = url.split("/")[-2]
            wrong = await charger.get(url.replace(token, "x" * len(token)))
            assert wrong.status_code == 404
            assert wrong.json()["error"]["code"] == "NOT_FOUND"
            # A token that is not ASCII is just wrong, not a fault (compare_digest refuses
            # to compare such str values).
            accented = await charger.get(url.replace(token, "%C3%88" + token[1:]))
            assert accented.status_code == 404
            other = await charger.get(url.replace(body["id"], "fw_nosuchfile"))
            assert other.status_code == 404

            deleted = await api.delete(f"/api/v1/firmware/{body['id']}")
            assert deleted.status_code == 200
            assert (await charger.get(url)).status_code == 404
            assert not on_disk.exists()
            assert (await api.delete(f"/api/v1/firmware/{body['id']}")).status_code == 404

            not_multipart = await api.post("/api/v1/firmware", content=b"raw")
            assert not_multipart.status_code == 400
            no_file = await api.post("/api/v1/firmware", files={"other": ("a", b"x")})
            assert no_file.status_code == 400 and "file" in no_file.json()["error"]["message"]
            unkeyed = await charger.post(
                f"{appliance.endpoints.http_url}/api/v1/firmware", files={"file": ("a", b"x")}
            )
            assert unkeyed.status_code == 401


async def test_firmware_over_the_limit_is_refused_and_nothing_kept(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, firmware_max_bytes="1000", diagnostics_max_bytes="1000")
    appliance = await start_appliance(nursery, settings)
    try:
        with trio.fail_after(TIMEOUT_S):
            async with appliance.client() as api:
                exact = await upload_firmware(api, b"a" * 1000)
                assert exact.status_code == 201
                too_big = await upload_firmware(api, b"b" * 1001)
                assert too_big.status_code == 413
                assert too_big.json() == {
                    "success": False,
                    "error": {
                        "code": "PAYLOAD_TOO_LARGE",
                        "message": "File is larger than the limit of 1000 bytes",
                    },
                }
                firmware_dir = settings.data_dir / "files" / "firmware"
                assert [p.name for p in firmware_dir.iterdir()] == [exact.json()["id"]]
                assert len((await api.get("/api/v1/firmware")).json()["firmware"]) == 1

                # Bigger than Quart's 1 MiB JSON limit still reaches our handler (and our
                # limit), also when no Content-Length announces it (chunked).
                await register(api)
                location = await diagnostics_location(appliance)

                async def chunked() -> AsyncIterator[bytes]:
                    for _ in range(5):
                        yield b"c" * 400

                streamed = await api.put(location + "big.log", content=chunked())
                assert streamed.status_code == 413
                assert streamed.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
                # Refused on its Content-Length before a byte is read. Kept small so the client
                # has sent it all before the answer: httpx cut off mid-send leaks a ResourceWarning.
                declared = await api.put(location + "big.log", content=b"d" * 1500)
                assert declared.status_code == 413
                listed = await api.get("/api/v1/chargers/CP-1/diagnostics-files")
                assert listed.json()["files"] == []
                assert files_outside(settings.data_dir / "files", firmware_dir) == set()
    finally:
        await stop_appliance(appliance)


async def test_large_upload_beyond_the_json_body_limit(appliance: Appliance) -> None:
    data = b"x" * (3 * 1024 * 1024)
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as api:
            created = await upload_firmware(api, data)
            assert created.status_code == 201, created.text
            assert created.json()["sha256"] == hashlib.sha256(data).hexdigest()
            # JSON endpoints keep their 1 MiB limit: refused on the declared length alone. Sent
            # raw, because httpx leaves its half-sent body generator behind when the server
            # answers before reading it (a ResourceWarning, an error under our pytest config).
            url = urlsplit(appliance.endpoints.http_url)
            assert url.hostname is not None and url.port is not None
            stream = await trio.open_tcp_stream(url.hostname, url.port)
            async with stream:
                await stream.send_all(
                    b"POST /api/v1/chargers HTTP/1.1\r\nHost: x\r\n"
                    b"X-API-Key: " + appliance.api_key.encode() + b"\r\n"
                    b"Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n"
                )
                head = await stream.receive_some(4096)
            assert head.startswith(b"HTTP/1.1 413"), head[:80]


async def test_organisations_see_only_their_own_files(appliance: Appliance) -> None:
    with trio.fail_after(TIMEOUT_S):
        other_key = await second_org_key(appliance)
        async with appliance.client() as api, appliance.client(other_key) as other:
            firmware_id = (await upload_firmware(api, b"mine")).json()["id"]
            await register(api)
            location = await diagnostics_location(appliance)
            uploaded = await api.put(location + "log.txt", content=b"log")
            assert uploaded.status_code == 201
            file_id = uploaded.json()["id"]

            assert (await other.get("/api/v1/firmware")).json() == {"firmware": []}
            assert (await other.delete(f"/api/v1/firmware/{firmware_id}")).status_code == 404
            listing = await other.get("/api/v1/chargers/CP-1/diagnostics-files")
            assert listing.status_code == 404
            download = await other.get(f"/api/v1/chargers/CP-1/diagnostics-files/{file_id}")
            assert download.status_code == 404
            # Its own charger's listing holds nothing of ours.
            await register(other, "CP-2")
            theirs = await other.get("/api/v1/chargers/CP-2/diagnostics-files")
            assert theirs.json()["files"] == []
            ours_there = await other.get(f"/api/v1/chargers/CP-2/diagnostics-files/{file_id}")
            assert ours_there.status_code == 404
            assert (await api.get("/api/v1/firmware")).json()["firmware"][0]["id"] == firmware_id


async def test_diagnostics_upload_list_download_and_expiry(appliance: Appliance) -> None:
    log_text = b"2026-02-06 12:00 boot ok\n" * 100
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as api, httpx.AsyncClient(timeout=5) as charger:
            await register(api)
            location = await diagnostics_location(appliance)
            put = await charger.put(location + "diag-CP-1.log", content=log_text)
            assert put.status_code == 201, put.text
            assert put.json()["fileName"] == "diag-CP-1.log"
            posted = await charger.post(location, files={"file": ("more.zip", b"zip bytes")})
            assert posted.status_code == 201, posted.text
            assert posted.json()["fileName"] == "more.zip"

            listing = await api.get("/api/v1/chargers/CP-1/diagnostics-files")
            assert listing.status_code == 200
            files = listing.json()["files"]
            assert [f["fileName"] for f in files] == ["more.zip", "diag-CP-1.log"]
            entry = files[1]
            assert entry["size"] == len(log_text)
            assert entry["sha256"] == hashlib.sha256(log_text).hexdigest()
            assert entry["receivedAt"] == "2026-02-06T12:00:00.123Z"
            assert entry["downloadUrl"] == f"/api/v1/chargers/CP-1/diagnostics-files/{entry['id']}"
            download = await api.get(entry["downloadUrl"])
            assert download.status_code == 200 and download.content == log_text
            unkeyed = await charger.get(appliance.endpoints.http_url + entry["downloadUrl"])
            assert unkeyed.status_code == 401

            unknown = await charger.put(
                f"{appliance.endpoints.http_url}/files/diagnostics/nosuchtoken/x.log", content=b"x"
            )
            assert unknown.status_code == 404
            appliance.clock.advance(3601)
            expired = await charger.put(location + "late.log", content=b"late")
            assert expired.status_code == 404
            assert (
                len((await api.get("/api/v1/chargers/CP-1/diagnostics-files")).json()["files"]) == 2
            )


async def test_path_traversal_is_refused_on_every_route(appliance: Appliance) -> None:
    base = appliance.endpoints.http_url
    data_dir = appliance.settings.data_dir
    files_root = data_dir / "files"
    secret = (data_dir / "capacitor.db").read_bytes()[:16]
    with trio.fail_after(TIMEOUT_S):
        async with appliance.client() as api:
            await register(api)
            firmware = (await upload_firmware(api, b"firmware bytes")).json()
            fw_id, token = firmware["id"], firmware["downloadUrl"].split("/")[-2]
            slot = (await diagnostics_location(appliance)).removeprefix(base)
            uploaded = await api.put(base + slot + "ok.log", content=b"ok")
            diag_id = uploaded.json()["id"]
            before = files_outside(appliance.settings.data_dir.parent, files_root)
            key = {"X-API-Key": appliance.api_key}

            downloads = [
                "/files/firmware/../../capacitor.db",
                "/files/firmware/%2e%2e/%2e%2e/capacitor.db",
                f"/files/firmware/{fw_id}/../../../capacitor.db",
                f"/files/firmware/..%2f..%2fcapacitor.db/{token}/x",
                f"/files/firmware/{fw_id}/{token}/..%2f..%2fcapacitor.db",
                "/files/firmware//etc/passwd",
                "/files/firmware/%2fetc%2fpasswd/x/y",
                f"/files/firmware/..%2f{fw_id}/{token}/x",
            ]
            for target in downloads:
                status, body = await raw_request(base, "GET", target)
                assert status in {400, 404}, (target, status)
                assert secret not in body and b"root:" not in body, target

            diagnostics_downloads = [
                "/api/v1/chargers/CP-1/diagnostics-files/../../../capacitor.db",
                "/api/v1/chargers/CP-1/diagnostics-files/%2e%2e%2f%2e%2e%2fcapacitor.db",
                "/api/v1/chargers/CP-1/diagnostics-files/%2fetc%2fpasswd",
                "/api/v1/chargers/..%2f..%2f/diagnostics-files/" + diag_id,
                "/api/v1/chargers/CP-1/diagnostics-files/..",
            ]
            for target in diagnostics_downloads:
                status, body = await raw_request(base, "GET", target, headers=key)
                assert status in {400, 404}, (target, status)
                assert secret not in body and b"root:" not in body, target

            refused = {404}
            uploads = [
                (slot + "..%2f..%2f..%2fescaped.txt", refused),
                # werkzeug answers a doubled slash with a redirect to the merged path; nothing
                # is read or written either way.
                (slot + "%2fescaped.txt", {404, 308}),
                (slot + "../../../escaped.txt", refused),
                ("/files/diagnostics/../../escaped.txt", refused),
                ("/files/diagnostics/%2e%2e/escaped.txt", refused),
                (slot + "..", {201}),  # a silly name, stored under a generated id
                (slot + "%2e%2e", {201}),
            ]
            for target, expected in uploads:
                for method in ("PUT", "POST"):
                    status, _ = await raw_request(base, method, target, b"payload")
                    assert status in expected, (method, target, status)
            boundary = "xyzzy"
            multipart = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file";'
                f' filename="../../../escaped.txt"\r\n\r\npayload\r\n--{boundary}--\r\n'
            ).encode()
            status, _ = await raw_request(
                base,
                "POST",
                slot,
                multipart,
                {"Content-Type": f"multipart/form-data; boundary={boundary}"},
            )
            assert status == 201

            assert files_outside(appliance.settings.data_dir.parent, files_root) == before
            assert not list(data_dir.parent.rglob("escaped.txt"))
            names = {
                f["fileName"]
                for f in (await api.get("/api/v1/chargers/CP-1/diagnostics-files")).json()["files"]
            }
            assert names == {"ok.log", "diagnostics", "escaped.txt"}
            for path in files_root.rglob("*"):
                assert path.resolve().is_relative_to(files_root.resolve())
