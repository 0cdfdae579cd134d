"""The certificate kit's file layout and errors, without ``cryptography``: ``serve`` and the CLI's
parser need these names, and importing ``cryptography`` (its Rust extension and x509 modules) only
for them cost every start-up ~50 ms of CPU and ~2 MiB. The kit itself is ``app/certs.py``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

CERTS_DIR = "certs"
CHARGERS_DIR = "chargers"
CA_DAYS = 3650
SERVER_DAYS = 825
CHARGER_DAYS = 825
#: Certificates start this long before "now", for chargers whose clocks run a little behind.
BACKDATE = timedelta(hours=1)


class KitError(Exception):
    """Something the installer must fix (e.g. no site CA yet); the message says what."""


@dataclass(frozen=True)
class SiteFiles:
    directory: Path
    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path

    @classmethod
    def under(cls, data_dir: Path) -> SiteFiles:
        directory = (data_dir / CERTS_DIR).absolute()
        return cls(
            directory,
            directory / "ca.pem",
            directory / "ca.key",
            directory / "server.pem",
            directory / "server.key",
        )


@dataclass(frozen=True)
class ChargerFiles:
    cert: Path
    key: Path
    p12: Path | None = None
    p12_password: str | None = None


def write_private(path: Path, data: bytes) -> None:
    """Write ``path`` readable by its owner only (0600) from the first byte."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(data)


def private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
