"""The process's heap, set for a long-running server that holds many live sessions.

Measured (bench/ocpp_bench.py storm, docs/PERFORMANCE.md): with CPython's defaults the cyclic
collector keeps traversing the ~10^5 objects that start-up leaves behind (modules, the compiled
OCPP schemas, the app) and runs a young collection every 700 allocations, while a boot storm
allocates a few hundred objects per message.

The other side of that (bench/half_open.py, docs/PERFORMANCE.md): with collections this rare,
what a burst of ended connections leaves in reference cycles (trio's SSLStream with its OpenSSL
buffers) waits for a full collection an idle server may not run for hours, and glibc keeps the
heap it freed. :func:`release_memory` gives both back; the listener calls it after a burst.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import time
from collections.abc import Callable

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


def _find_malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where there is none (musl, macOS)."""
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return None
    return trim


_malloc_trim = _find_malloc_trim()


def release_memory() -> int:
    """Collect every generation (the frozen start-up objects are not traversed), then return
    the free pages of every malloc arena to the OS. Returns the objects collected.

    glibc only gives heap back from its top on its own; a burst of connections freed in the
    middle of it stayed resident (3,000 half-open TLS sockets: 150 MiB) until
    ``malloc_trim``, which releases free pages anywhere in every arena."""
    started = time.perf_counter()
    collected = gc.collect()
    if _malloc_trim is not None:
        _malloc_trim(0)
    log.debug(
        "memory released after a burst of connections: %d objects collected in %.0f ms",
        collected,
        (time.perf_counter() - started) * 1000,
    )
    return collected
