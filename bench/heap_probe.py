"""Server wrapper for bench/half_open.py: the real CLI, plus a SIGUSR2 handler that writes what
the process's memory is made of, so a rise in RSS can be told apart into Python objects and
allocator retention.

On SIGUSR2 it writes one JSON line to ``$HEAP_PROBE_FILE``: live GC-tracked objects, pymalloc
blocks, threads, glibc's ``mallinfo2`` (``arena``: the main heap's size, ``hblkhd``: mmapped
blocks, ``uordblks``/``fordblks``: in use / free inside the heaps) and the number of malloc
heaps seen in /proc/self/maps. With ``HEAP_PROBE_TRACE=1``
tracemalloc runs from the start and its current/peak traced bytes are added (slower, bigger).
The ``trace-start`` command starts tracemalloc then (8 frames; ``bench/ocpp_bench.py idle
--heap-trace`` sends it once the server is idle, before the chargers connect) and
``trace-top`` adds the traced bytes and the largest allocation sites grouped by traceback
(what each idle charger holds, issue 21).

The package itself is not changed; this only observes it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import json
import os
import signal
import sys
import threading
import tracemalloc
from collections import Counter
from pathlib import Path
from types import FrameType


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


_LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
_mallinfo2 = getattr(_LIBC, "mallinfo2", None)
if _mallinfo2 is not None:
    _mallinfo2.restype = _MallInfo2


def _arenas() -> int:
    """Thread malloc heaps: glibc maps each at a 64 MiB (HEAP_MAX_SIZE) aligned address,
    read-write up to what it uses. An estimate: another aligned anonymous mapping counts too."""
    count = 0
    for line in Path("/proc/self/maps").read_text().splitlines():
        fields = line.split()
        start = int(fields[0].split("-")[0], 16)
        if len(fields) == 5 and fields[1].startswith("rw") and start % (64 << 20) == 0:
            count += 1
    return count


def snapshot() -> dict[str, int]:
    figures = {
        "gc_objects": len(gc.get_objects()),
        "pymalloc_blocks": sys.getallocatedblocks(),
        "threads": threading.active_count(),
        "thread_arenas": _arenas(),
    }
    if _mallinfo2 is not None:
        info = _mallinfo2()
        for name in ("arena", "hblkhd", "uordblks", "fordblks", "keepcost"):
            figures[f"malloc_{name}"] = int(getattr(info, name))
    if tracemalloc.is_tracing():
        current, peak = tracemalloc.get_traced_memory()
        figures["traced"], figures["traced_peak"] = current, peak
    return figures


def top_types(count: int = 8) -> list[tuple[str, int]]:
    """The most common types among the GC-tracked objects (not the frozen ones)."""
    return Counter(type(o).__qualname__ for o in gc.get_objects()).most_common(count)


#: Allocation sites reported by ``trace-top``, and the frames shown of each.
TRACE_TOP = 15
TRACE_FRAMES = 8


def trace_top(count: int = TRACE_TOP) -> list[dict[str, object]]:
    """The largest live allocation sites since ``trace-start``, grouped by traceback (the
    innermost frames that are the package's or its dependencies', not this file's)."""
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, __file__)]
    )
    top = []
    for stat in snapshot.statistics("traceback")[:count]:
        frames = [f"{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno}" for frame in stat.traceback]
        top.append({"bytes": stat.size, "blocks": stat.count, "where": frames[-6:]})
    return top


def _on_signal(_signum: int, _frame: FrameType | None) -> None:
    """Run the command in ``$HEAP_PROBE_FILE.cmd`` if there is one (``collect``: a full GC
    collection; ``trim``: ``malloc_trim(0)``; ``types``: a type histogram), then report."""
    target = os.environ.get("HEAP_PROBE_FILE")
    if not target:
        return
    command_file = Path(target + ".cmd")
    command = command_file.read_text().strip() if command_file.exists() else ""
    command_file.unlink(missing_ok=True)
    figures: dict[str, object] = {}
    if command == "collect":
        figures["collected"] = gc.collect()
    elif command == "trim":
        figures["trimmed"] = _LIBC.malloc_trim(0)
    elif command == "types":
        figures["types"] = top_types()
    elif command == "trace-start":
        tracemalloc.start(TRACE_FRAMES)
    elif command == "trace-top":
        figures["top"] = trace_top()
    figures.update(snapshot())
    with open(target, "a") as handle:
        handle.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    if os.environ.get("HEAP_PROBE_TRACE") == "1":
        tracemalloc.start(1)
    signal.signal(signal.SIGUSR2, _on_signal)
    from capacitor_edge.app.cli import main

    raise SystemExit(main())
