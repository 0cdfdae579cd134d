"""Firmware and diagnostics files: their rows in SQLite and their bytes under ``DATA_DIR/files``.

Every on-disk path is built from ids this process generated (``fw_…``, ``diag_…``, ``chg_…``),
never from anything a client sent, and is checked to resolve inside the files root before it is
opened: a file name from an upload is only ever metadata in a row.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import trio

from capacitor_edge.storage.database import Database

#: Generated ids are a lower-case prefix, ``_``, and lower-case letters and digits.
_SAFE_ID = re.compile(r"^[a-z]+_[a-z0-9]+$")


class UnsafePath(ValueError):
    """A path that would not stay inside the files root (a bug or an attack: never served)."""


@dataclass(frozen=True)
class FirmwareFileRecord:
    id: str
    org_id: str
    name: str
    size: int
    sha256: str
    token: str
    created_at: str


@dataclass(frozen=True)
class DiagnosticsSlot:
    token: str
    charger_seq: int
    charger_id: str
    org_id: str
    created_at: str
    expires_at: str


@dataclass(frozen=True)
class DiagnosticsFileRecord:
    id: str
    charger_seq: int
    charger_id: str
    org_id: str
    file_name: str
    size: int
    sha256: str
    received_at: str


# -- disk ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredBlob:
    path: Path
    size: int
    sha256: str


class BlobWriter:
    """One file being received: written to ``<final>.part`` while hashed, renamed on
    :meth:`finish` (so a half-received file is never served), removed on :meth:`abort`.
    Every disk call runs in a worker thread, off the event loop."""

    def __init__(self, final: Path) -> None:
        self.final = final
        self.partial = final.with_name(final.name + ".part")
        self.size = 0
        self._hash = hashlib.sha256()
        self._handle: BinaryIO | None = None

    async def open(self) -> None:
        def create() -> BinaryIO:
            self.final.parent.mkdir(parents=True, exist_ok=True)
            return self.partial.open("xb")

        self._handle = await trio.to_thread.run_sync(create)

    async def write(self, chunk: bytes) -> None:
        handle = self._handle
        assert handle is not None

        def write() -> None:
            handle.write(chunk)
            self._hash.update(chunk)

        await trio.to_thread.run_sync(write)
        self.size += len(chunk)

    async def finish(self) -> StoredBlob:
        handle = self._handle
        assert handle is not None

        def seal() -> None:
            # fsync before the row that points at it is committed: an acknowledged file
            # survives a power cut like an acknowledged row does.
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            os.replace(self.partial, self.final)

        await trio.to_thread.run_sync(seal)
        self._handle = None
        return StoredBlob(self.final, self.size, self._hash.hexdigest())

    async def abort(self) -> None:
        handle, self._handle = self._handle, None

        def remove() -> None:
            if handle is not None:
                handle.close()
            self.partial.unlink(missing_ok=True)
            self.final.unlink(missing_ok=True)

        with trio.CancelScope(shield=True):
            await trio.to_thread.run_sync(remove)


class FileArea:
    """``DATA_DIR/files``: ``firmware/<fw id>`` and ``diagnostics/<chg id>/<diag id>``."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    @staticmethod
    def _ids(*parts: str) -> None:
        for part in parts:
            if not _SAFE_ID.match(part):
                raise UnsafePath(f"not a generated id: {part!r}")

    def firmware_path(self, firmware_id: str) -> Path:
        self._ids(firmware_id)
        return self._check(self.root / "firmware" / firmware_id)

    def diagnostics_path(self, charger_id: str, file_id: str) -> Path:
        self._ids(charger_id, file_id)
        return self._check(self.root / "diagnostics" / charger_id / file_id)

    def _check(self, path: Path) -> Path:
        resolved = path.resolve()
        if not resolved.is_relative_to(self.root):
            raise UnsafePath(f"{resolved} is outside {self.root}")
        return resolved

    def writer(self, path: Path) -> BlobWriter:
        return BlobWriter(self._check(path))

    async def exists(self, path: Path) -> bool:
        checked = self._check(path)
        return await trio.to_thread.run_sync(checked.is_file)

    async def remove(self, path: Path) -> None:
        checked = self._check(path)
        await trio.to_thread.run_sync(lambda: checked.unlink(missing_ok=True))


# -- rows ----------------------------------------------------------------------------------------


def _firmware(row: sqlite3.Row) -> FirmwareFileRecord:
    return FirmwareFileRecord(
        id=row["id"],
        org_id=row["org_id"],
        name=row["name"],
        size=row["size"],
        sha256=row["sha256"],
        token=row["token"],
        created_at=row["created_at"],
    )


def _diagnostics(row: sqlite3.Row) -> DiagnosticsFileRecord:
    return DiagnosticsFileRecord(
        id=row["id"],
        charger_seq=row["charger_seq"],
        charger_id=row["charger_id"],
        org_id=row["org_id"],
        file_name=row["file_name"],
        size=row["size"],
        sha256=row["sha256"],
        received_at=row["received_at"],
    )


def insert_firmware(conn: sqlite3.Connection, record: FirmwareFileRecord) -> None:
    conn.execute(
        "INSERT INTO firmware_files (id, org_id, name, size, sha256, token, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            record.id,
            record.org_id,
            record.name,
            record.size,
            record.sha256,
            record.token,
            record.created_at,
        ),
    )


class FileStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    # firmware

    async def add_firmware(self, record: FirmwareFileRecord) -> None:
        await self._db.write(lambda c: insert_firmware(c, record))

    async def firmware(self, org_id: str) -> list[FirmwareFileRecord]:
        """The organisation's firmware files, newest first."""

        def query(conn: sqlite3.Connection) -> list[FirmwareFileRecord]:
            rows = conn.execute(
                "SELECT * FROM firmware_files WHERE org_id = ?"
                " ORDER BY created_at DESC, rowid DESC",
                (org_id,),
            ).fetchall()
            return [_firmware(row) for row in rows]

        return await self._db.read(query)

    async def find_firmware(self, firmware_id: str) -> FirmwareFileRecord | None:
        def query(conn: sqlite3.Connection) -> FirmwareFileRecord | None:
            row = conn.execute(
                "SELECT * FROM firmware_files WHERE id = ?", (firmware_id,)
            ).fetchone()
            return None if row is None else _firmware(row)

        return await self._db.read(query)

    async def delete_firmware(self, org_id: str, firmware_id: str) -> bool:
        def delete(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "DELETE FROM firmware_files WHERE id = ? AND org_id = ?", (firmware_id, org_id)
            )
            return cursor.rowcount == 1

        return await self._db.write(delete)

    # diagnostics

    async def add_slot(self, slot: DiagnosticsSlot) -> None:
        await self._db.write(
            lambda c: c.execute(
                "INSERT INTO diagnostics_slots (token, charger_seq, charger_id, org_id,"
                " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    slot.token,
                    slot.charger_seq,
                    slot.charger_id,
                    slot.org_id,
                    slot.created_at,
                    slot.expires_at,
                ),
            )
        )

    async def find_slot(self, token: str) -> DiagnosticsSlot | None:
        def query(conn: sqlite3.Connection) -> DiagnosticsSlot | None:
            row = conn.execute(
                "SELECT * FROM diagnostics_slots WHERE token = ?", (token,)
            ).fetchone()
            if row is None:
                return None
            return DiagnosticsSlot(
                token=row["token"],
                charger_seq=row["charger_seq"],
                charger_id=row["charger_id"],
                org_id=row["org_id"],
                created_at=row["created_at"],
                expires_at=row["expires_at"],
            )

        return await self._db.read(query)

    async def add_diagnostics(self, record: DiagnosticsFileRecord) -> None:
        await self._db.write(
            lambda c: c.execute(
                "INSERT INTO diagnostics_files (id, charger_seq, charger_id, org_id, file_name,"
                " size, sha256, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.id,
                    record.charger_seq,
                    record.charger_id,
                    record.org_id,
                    record.file_name,
                    record.size,
                    record.sha256,
                    record.received_at,
                ),
            )
        )

    async def diagnostics(self, charger_seq: int) -> list[DiagnosticsFileRecord]:
        """The charger's diagnostics files, newest first."""

        def query(conn: sqlite3.Connection) -> list[DiagnosticsFileRecord]:
            rows = conn.execute(
                "SELECT * FROM diagnostics_files WHERE charger_seq = ?"
                " ORDER BY received_at DESC, rowid DESC",
                (charger_seq,),
            ).fetchall()
            return [_diagnostics(row) for row in rows]

        return await self._db.read(query)

    async def find_diagnostics(
        self, charger_seq: int, file_id: str
    ) -> DiagnosticsFileRecord | None:
        def query(conn: sqlite3.Connection) -> DiagnosticsFileRecord | None:
            row = conn.execute(
                "SELECT * FROM diagnostics_files WHERE id = ? AND charger_seq = ?",
                (file_id, charger_seq),
            ).fetchone()
            return None if row is None else _diagnostics(row)

        return await self._db.read(query)
