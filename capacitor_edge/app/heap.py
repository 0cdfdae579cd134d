"""The garbage collector, set for a long-running server that holds many live sessions.

Measured (bench/ocpp_bench.py storm, docs/PERFORMANCE.md): with CPython's defaults the cyclic
collector keeps traversing the ~10^5 objects that start-up leaves behind (modules, the compiled
OCPP schemas, the app) and runs a young collection every 700 allocations, while a boot storm
allocates a few hundred objects per message.
"""

from __future__ import annotations

import gc
import logging
import time

log = logging.getLogger("capacitor_edge")

#: Allocations between young collections (CPython's default is 700). Reference cycles are rare
#: on the message path (reference counting frees almost everything), so a larger young
#: generation costs little memory and saves most collections.
YOUNG_THRESHOLD = 10_000


def settle_heap() -> None:
    """Call once the server is ready: collect start-up's garbage, move what survives out of
    the collector's sight for good (``gc.freeze``), and make young collections rarer."""
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    log.debug(
        "heap settled: %d objects frozen in %.0f ms",
        gc.get_freeze_count(),
        (time.perf_counter() - started) * 1000,
    )
