"""A firmware download URL with a non-ASCII token is a 404 like any wrong token (it was a 500:
``secrets.compare_digest`` refuses ``str`` with non-ASCII characters; found by schemathesis)."""

from __future__ import annotations

import trio

from tests.conftest import Appliance


async def test_a_non_ascii_token_is_not_found(appliance: Appliance) -> None:
    with trio.fail_after(10):
        async with appliance.client() as api:
            upload = await api.post("/api/v1/firmware", files={"file": ("fw.bin", b"x" * 100)})
            firmware = upload.json()
            answer = await api.get(f"/files/firmware/{firmware['id']}/%C2%B2%C2%99/fw.bin")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "NOT_FOUND"
