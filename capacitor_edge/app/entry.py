"""The command's entry point (``capacitor-edge``, ``python -m capacitor_edge`` and the frozen
executable): the CLI's imports with the cyclic garbage collector off.

Start-up imports ~1,000 modules and allocates some hundred thousand objects that all live for
the whole run; with the collector on, the allocations keep triggering collections that traverse
them and find nothing to free: ~10 % of the CPU time of a cold start (docs/PERFORMANCE.md,
issue 21). It is on again before any command runs; ``serve`` then freezes what start-up made
(``app/heap.py``).
"""

from __future__ import annotations

import gc


def main() -> int:
    gc.disable()
    try:
        from capacitor_edge.app.cli import main as run_command
    finally:
        gc.enable()
    return run_command()
