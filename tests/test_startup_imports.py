"""Start-up imports only what a default box uses (issue 21: cold start and memory at start).

Every module imported at start-up is CPU time before ``READY=1`` and resident memory for the
box's whole life. The features that are off by default (MQTT uplink, Modbus meter, TLS
certificate files), the CLI's other commands (``certs``, ``doctor``) and test tools must not be
imported by the ``serve`` path; the dashboard's dummy password hash (~0.2 s of CPU and 64 MiB at
peak) is made on the first login with an unknown name, not at import.
"""

from __future__ import annotations

import json
import sys

import trio

#: Imported by something off by default, by another CLI command, or only by tests.
NOT_AT_START = ("paho", "pymodbus", "cryptography", "httpx", "pytest", "_pytest", "rich")

PROBE = """
import json, sys
import capacitor_edge.app.cli
import capacitor_edge.app.serve
from capacitor_edge.domain import dashboard_users
loaded = sorted({name.split(".")[0] for name in sys.modules} & set(sys.argv[1:]))
print(json.dumps({"loaded": loaded, "hashes": dashboard_users._dummy_hash.cache_info().currsize}))
"""


async def test_serve_path_imports_nothing_it_does_not_use() -> None:
    with trio.fail_after(60):
        done = await trio.run_process(
            [sys.executable, "-c", PROBE, *NOT_AT_START], capture_stdout=True, check=True
        )
    found = json.loads(done.stdout)
    assert found == {"loaded": [], "hashes": 0}
