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

#: Imported by something off by default, by another CLI command, or only by tests; and the
#: `ocpp` package's v16 message layer (its ``__init__`` imports the asyncio ChargePoint and,
#: through it, jsonschema and referencing), imported when the box first sends a command.
NOT_AT_START = (
    *("paho", "pymodbus", "cryptography", "httpx", "pytest", "_pytest", "rich"),
    *("ocpp.v16", "ocpp.charge_point", "jsonschema", "referencing", "rpds"),
)

PROBE = """
import json, sys
import capacitor_edge.app.cli
import capacitor_edge.app.serve
from capacitor_edge.api import models, responses
from capacitor_edge.domain import dashboard_users
loaded = sorted(set(sys.modules) & set(sys.argv[1:]))
# pydantic builds a REST model's validator and serializer on its first use (defer_build).
built = [m.__name__ for m in (responses.Health, responses.RegisteredCharger, models.RegisterCharger,
                                  models.ListChargersQuery)
         if m.__pydantic_complete__]
hashes = dashboard_users._dummy_hash.cache_info().currsize
print(json.dumps({"loaded": loaded, "hashes": hashes, "built": built}))
"""


async def test_serve_path_imports_nothing_it_does_not_use() -> None:
    with trio.fail_after(60):
        done = await trio.run_process(
            [sys.executable, "-c", PROBE, *NOT_AT_START], capture_stdout=True, check=True
        )
    found = json.loads(done.stdout)
    assert found == {"loaded": [], "hashes": 0, "built": []}


LAZY_PROBE = """
import json, sys
from capacitor_edge.domain import commands
before = "ocpp.v16" in sys.modules
request = commands.call.Reset(type="Soft")
from ocpp.v16 import call
print(json.dumps({"before": before, "real": type(request) is call.Reset}))
"""


async def test_ocpp_messages_are_imported_when_first_used() -> None:
    with trio.fail_after(60):
        done = await trio.run_process(
            [sys.executable, "-c", LAZY_PROBE], capture_stdout=True, check=True
        )
    assert json.loads(done.stdout) == {"before": False, "real": True}


ENTRY_PROBE = """
import gc, sys
from capacitor_edge.app.entry import main
sys.argv = ["capacitor-edge", "--version"]
try:
    main()
except SystemExit:
    print(gc.isenabled())
"""


async def test_the_collector_is_on_again_when_a_command_runs() -> None:
    """The entry point imports the CLI with the collector off (a cold start's ~10 %), and
    turns it back on before the command runs."""
    with trio.fail_after(60):
        done = await trio.run_process(
            [sys.executable, "-c", ENTRY_PROBE], capture_stdout=True, check=True
        )
    assert done.stdout.decode().split()[-1] == "True"
