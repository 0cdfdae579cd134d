"""Charger-password flood benchmark: how long the real charger's login and staff's REST calls
take while 1,000 wrong passwords arrive from another address.

    .venv/bin/python bench/charger_auth_flood.py [--guesses 1000] [--guessers 20]

The real CLI server in a subprocess (pinned like the other benchmarks); the flood comes from
127.0.0.2, the charger and the REST client from 127.0.0.1. Prints the slowest and median login
and REST round trip seen during the flood. (tests/test_charger_auth.py checks the behaviour -
the charger is never locked out, staff always answered; these are the figures.)
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import trio
from trio_websocket import ConnectionRejected, wrap_client_stream

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import running_server

ATTACKER = "127.0.0.2"


async def login(url: str, charge_box_id: str, password: str, local: str | None) -> bool:
    """Open the charger's WebSocket with Basic auth, send one Heartbeat; True if let in."""
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    token = base64.b64encode(f"{charge_box_id}:{password}".encode()).decode()
    stream = await trio.open_tcp_stream(parts.hostname, parts.port, local_address=local)
    refused = False
    try:
        async with trio.open_nursery() as nursery:
            ws = await wrap_client_stream(
                nursery,
                stream,
                parts.hostname,
                f"/ocpp/{charge_box_id}",
                subprotocols=["ocpp1.6"],
                extra_headers=[(b"Authorization", f"Basic {token}".encode())],
            )
            await ws.send_message(json.dumps([2, "1", "Heartbeat", {}]))
            await ws.get_message()
            await ws.aclose()
    except* ConnectionRejected:
        refused = True
    return not refused


async def run(guesses: int, guessers: int, http_url: str, ocpp_url: str, api_key: str) -> None:
    headers = {"X-API-Key": api_key}
    async with httpx.AsyncClient(base_url=http_url, headers=headers, timeout=30) as client:
        made = await client.post(
            "/api/v1/chargers", json={"chargeBoxId": "CP-B", "securityProfile": 1}
        )
        key = made.json()["authorizationKey"]
        numbers = iter(range(guesses))
        done = trio.Event()
        logins: list[float] = []
        rest: list[float] = []

        async def guesser() -> None:
            for n in numbers:
                await login(ocpp_url, "CP-B", f"guess-{n:016d}", ATTACKER)

        async def flood() -> None:
            async with trio.open_nursery() as nursery:
                for _ in range(guessers):
                    nursery.start_soon(guesser)
            done.set()

        async def charger_and_staff() -> None:
            while not done.is_set():
                started = trio.current_time()
                assert await login(ocpp_url, "CP-B", key, None), "the real charger was refused"
                logins.append(trio.current_time() - started)
                started = trio.current_time()
                (await client.get("/api/v1/chargers")).raise_for_status()
                rest.append(trio.current_time() - started)

        async with trio.open_nursery() as nursery:
            nursery.start_soon(flood)
            nursery.start_soon(charger_and_staff)
    for name, samples in (("charger login", logins), ("REST GET /chargers", rest)):
        print(
            f"{name}: {len(samples)} during the flood, median "
            f"{statistics.median(samples) * 1000:.0f} ms, slowest {max(samples) * 1000:.0f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guesses", type=int, default=1000)
    parser.add_argument("--guessers", type=int, default=20)
    args = parser.parse_args()
    with running_server() as server:
        trio.run(run, args.guesses, args.guessers, server.http_url, server.ocpp_url, server.api_key)


if __name__ == "__main__":
    main()
