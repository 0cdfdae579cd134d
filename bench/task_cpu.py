"""``capacitor-edge`` with a trio instrument that adds up each task's CPU time by task name:
which part of the server's event loop the journal's consumers take, a figure that (unlike the
CPU-seconds of the whole process against round trips per second) does not move when other work
shares the machine. Used by ``bench/events_bench.py --task-cpu``.

    python bench/task_cpu.py serve ...   (as ``python -m capacitor_edge``)

On SIGUSR1 the totals so far (seconds of thread CPU time, user and system, per task name) are
written as JSON to ``$TASK_CPU_OUT``. Work outside task steps (trio's own scheduling and I/O
wait) and other threads (the SQLite writer) are not counted.
"""

from __future__ import annotations

import collections
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import trio


class TaskCpu(trio.abc.Instrument):
    def __init__(self) -> None:
        self.totals: collections.defaultdict[str, float] = collections.defaultdict(float)
        self._started = 0.0

    def before_task_step(self, task: trio.lowlevel.Task) -> None:
        self._started = time.thread_time()

    def after_task_step(self, task: trio.lowlevel.Task) -> None:
        self.totals[task.name] += time.thread_time() - self._started


def main() -> None:
    instrument = TaskCpu()
    out = Path(os.environ["TASK_CPU_OUT"])

    def dump(signum: int, frame: Any) -> None:
        out.write_text(json.dumps(dict(instrument.totals)))

    signal.signal(signal.SIGUSR1, dump)
    real_run = trio.run

    def run(*args: Any, **kwargs: Any) -> Any:
        kwargs["instruments"] = [*kwargs.get("instruments", ()), instrument]
        return real_run(*args, **kwargs)

    trio.run = run  # type: ignore[assignment]  # the CLI calls trio.run(...) at serve time
    from capacitor_edge.app.cli import main as cli_main

    sys.exit(cli_main())


if __name__ == "__main__":
    main()
