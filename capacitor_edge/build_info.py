"""What this program is: its version, and for a built executable, the commit and date it was built
from (``capacitor-edge --version``).

``packaging/build.sh`` writes ``_build.json`` (commit, build date) into the bundle next to this
module at build time (the spec collects it as data), so a binary on a gateway can say which
source it came from without a network or a git checkout. A source install has no such file.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from capacitor_edge import __version__

BUILD_FILE = Path(__file__).with_name("_build.json")


@dataclass(frozen=True)
class BuildInfo:
    version: str
    commit: str
    build_date: str
    frozen: bool
    python: str

    def describe(self) -> str:
        """``--version``: the version alone on the first line, then how it was built."""
        form = "frozen executable" if self.frozen else "not frozen (run from Python source)"
        return (
            f"capacitor-edge {self.version}\n"
            f"commit {self.commit}, built {self.build_date}, {form}, Python {self.python}"
        )


def build_info(build_file: Path = BUILD_FILE) -> BuildInfo:
    """This program's build info; ``unknown`` where the build recorded nothing."""
    recorded: dict[str, str] = {}
    try:
        loaded = json.loads(build_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        loaded = {}
    if isinstance(loaded, dict):
        recorded = {str(k): str(v) for k, v in loaded.items()}
    return BuildInfo(
        version=__version__,
        commit=recorded.get("commit", "unknown"),
        build_date=recorded.get("build_date", "unknown"),
        # PyInstaller's bootloader sets sys.frozen; a source run never has it.
        frozen=bool(getattr(sys, "frozen", False)),
        python=".".join(str(part) for part in sys.version_info[:3]),
    )
