"""A real, small file system that a test can fill: a tmpfs mounted for the test.

Usage::

    def test_x(small_disk: SmallDisk) -> None:
        data_dir = small_disk.path / "data"
        small_disk.fill()       # write a filler file until ENOSPC: the disk is really full
        small_disk.free_up()    # delete the filler: space returns

Mounting needs root (CAP_SYS_ADMIN), as the tests and CI have here. Without it the fixture fails
with a message saying so; it never skips, so a run without it cannot pass by accident.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

#: Room for the database, a WAL at its autocheckpoint size (~4 MiB) and a 2 MiB reserve.
SIZE = "16m"
FILLER = "filler"


@dataclass
class SmallDisk:
    path: Path

    @property
    def free(self) -> int:
        info = os.statvfs(self.path)
        return info.f_bavail * info.f_frsize

    def fill(self) -> int:
        """Append to the filler until the file system has no byte left; the bytes written."""
        written = 0
        fd = os.open(self.path / FILLER, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            # Big chunks first, then smaller ones, down to the last byte.
            for size in (1 << 20, 1 << 16, 4096, 512, 1):
                chunk = b"\0" * size
                while True:
                    try:
                        count = os.write(fd, chunk)
                    except OSError as error:
                        if error.errno != errno.ENOSPC:
                            raise
                        break
                    written += count
                    if count < size:
                        break
        finally:
            os.close(fd)
        return written

    def free_up(self) -> None:
        (self.path / FILLER).unlink(missing_ok=True)


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    options = f"size={SIZE},mode=0700"
    mounted = _run("mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount_point))
    if mounted.returncode != 0:
        pytest.fail(
            f"these tests need a real small disk: `mount -t tmpfs -o size={SIZE} tmpfs "
            f"{mount_point}` failed ({mounted.stderr.strip() or mounted.returncode}). Run them "
            "as root, or in a container with CAP_SYS_ADMIN (docker run --cap-add SYS_ADMIN)."
        )
    try:
        yield SmallDisk(mount_point)
    finally:
        # Lazy: a server the test failed to stop must not leave the mount behind.
        _run("umount", "-l", str(mount_point))
