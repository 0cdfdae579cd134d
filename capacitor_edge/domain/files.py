"""Files the box serves to chargers, because site chargers often have no internet: firmware
uploaded by staff (downloaded by chargers after UpdateFirmware, OCPP 1.6 §5.19) and diagnostics
uploaded by chargers (after GetDiagnostics, §5.9).

A charger cannot send an API key, so its URLs carry a long random token instead: the
unguessable URL is the credential. Bytes go to disk under generated ids only; the name a client
gave a file is sanitised and kept as metadata.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterable, Callable
from datetime import timedelta
from pathlib import Path

from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.errors import DomainError, Invalid, NotFound
from capacitor_edge.domain.ids import new_id
from capacitor_edge.domain.keys import Principal
from capacitor_edge.storage.chargers import ChargerRecord, ChargerStore

# The storage rows the API shows are exactly the domain's entities: re-exported here (``X as X``)
# so the adapters depend on the domain only.
from capacitor_edge.storage.files import DiagnosticsFileRecord as DiagnosticsFileRecord
from capacitor_edge.storage.files import DiagnosticsSlot as DiagnosticsSlot
from capacitor_edge.storage.files import FileArea, FileStore, StoredBlob, UnsafePath
from capacitor_edge.storage.files import FirmwareFileRecord as FirmwareFileRecord

#: How long a diagnostics upload URL stays valid: chargers upload soon after GetDiagnostics,
#: but may retry (``retries``/``retryInterval``) for a while.
DIAGNOSTICS_SLOT_TTL_S = 3600
#: Longest file name kept as metadata.
MAX_NAME_CHARS = 200


class TooLarge(DomainError):
    """A file over its size limit (HTTP 413); nothing of it is kept."""


def clean_file_name(text: str | None, default: str) -> str:
    """A client's file name made safe to show and to put in a URL segment: its last path
    component, printable characters only, no leading dots, at most :data:`MAX_NAME_CHARS`."""
    if not text:
        return default
    name = re.split(r"[\\/]", text)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".").strip()
    return name[:MAX_NAME_CHARS] or default


def new_token() -> str:
    """A URL-safe secret of 256 bits."""
    return secrets.token_urlsafe(32)


class Files:
    def __init__(
        self,
        store: FileStore,
        area: FileArea,
        chargers: ChargerStore,
        clock: Clock,
        firmware_max_bytes: int,
        diagnostics_max_bytes: int,
    ) -> None:
        self._store = store
        self._area = area
        self._chargers = chargers
        self._clock = clock
        self.firmware_max_bytes = firmware_max_bytes
        self.diagnostics_max_bytes = diagnostics_max_bytes

    async def _receive(self, path: Path, chunks: AsyncIterable[bytes], limit: int) -> StoredBlob:
        """Stream ``chunks`` to ``path`` while hashing; over ``limit`` nothing is kept."""
        writer = self._area.writer(path)
        await writer.open()
        try:
            async for chunk in chunks:
                if writer.size + len(chunk) > limit:
                    raise TooLarge(f"File is larger than the limit of {limit} bytes")
                await writer.write(chunk)
            return await writer.finish()
        except BaseException:
            await writer.abort()
            raise

    async def _charger(self, principal: Principal, charge_box_id: str) -> ChargerRecord:
        record = await self._chargers.find(charge_box_id, principal.org_id)
        if record is None:
            raise NotFound(f"Charger {charge_box_id} not found")
        return record

    # -- firmware --------------------------------------------------------------------------------

    async def add_firmware(
        self,
        principal: Principal,
        chunks: AsyncIterable[bytes],
        name: Callable[[], str | None],
    ) -> FirmwareFileRecord:
        """Store an uploaded firmware file. ``name`` is asked after the bytes have arrived (in
        a multipart body the name field may come after the file)."""
        firmware_id = new_id("fw")
        path = self._area.firmware_path(firmware_id)
        blob = await self._receive(path, chunks, self.firmware_max_bytes)
        if blob.size == 0:
            await self._area.remove(path)
            raise Invalid("file", "is empty")
        record = FirmwareFileRecord(
            id=firmware_id,
            org_id=principal.org_id,
            name=clean_file_name(name(), "firmware.bin"),
            size=blob.size,
            sha256=blob.sha256,
            token=new_token(),
            created_at=iso_z(self._clock.now()),
        )
        try:
            await self._store.add_firmware(record)
        except BaseException:
            await self._area.remove(path)
            raise
        return record

    async def firmware(self, principal: Principal) -> list[FirmwareFileRecord]:
        return await self._store.firmware(principal.org_id)

    async def delete_firmware(self, principal: Principal, firmware_id: str) -> None:
        if not await self._store.delete_firmware(principal.org_id, firmware_id):
            raise NotFound(f"Firmware {firmware_id} not found")
        await self._area.remove(self._area.firmware_path(firmware_id))

    async def firmware_for_update(
        self, principal: Principal, firmware_id: str | None
    ) -> FirmwareFileRecord:
        """The firmware an UpdateFirmware without a location points at: the one named, else
        the organisation's newest upload."""
        if firmware_id is not None:
            record = await self._store.find_firmware(firmware_id)
            if record is None or record.org_id != principal.org_id:
                raise NotFound(f"Firmware {firmware_id} not found")
            return record
        uploaded = await self._store.firmware(principal.org_id)
        if not uploaded:
            raise Invalid(
                "location",
                "is required when no firmware has been uploaded (POST /api/v1/firmware)",
            )
        return uploaded[0]

    async def firmware_download(
        self, firmware_id: str, token: str
    ) -> tuple[FirmwareFileRecord, Path]:
        """The file behind a charger's download URL; any mismatch is plain NotFound."""
        missing = NotFound("No such file")
        record = await self._store.find_firmware(firmware_id)
        # As bytes: compare_digest refuses str with non-ASCII characters (a 500 before).
        if record is None or not secrets.compare_digest(record.token.encode(), token.encode()):
            raise missing
        try:
            path = self._area.firmware_path(record.id)
        except UnsafePath:
            raise missing from None
        if not await self._area.exists(path):
            raise missing
        return record, path

    # -- diagnostics -----------------------------------------------------------------------------

    async def open_diagnostics_slot(
        self, principal: Principal, charge_box_id: str
    ) -> DiagnosticsSlot:
        """A one-charger upload URL token for a GetDiagnostics without a location."""
        charger = await self._charger(principal, charge_box_id)
        now = self._clock.now()
        slot = DiagnosticsSlot(
            token=new_token(),
            charger_seq=charger.seq,
            charger_id=charger.id,
            org_id=principal.org_id,
            created_at=iso_z(now),
            expires_at=iso_z(now + timedelta(seconds=DIAGNOSTICS_SLOT_TTL_S)),
        )
        await self._store.add_slot(slot)
        return slot

    async def diagnostics_slot(self, token: str) -> DiagnosticsSlot:
        """The open slot for ``token``; unknown and expired are the same NotFound."""
        slot = await self._store.find_slot(token)
        # iso_z strings are fixed-width, so they compare in time order.
        if slot is None or slot.expires_at <= iso_z(self._clock.now()):
            raise NotFound("No such upload slot")
        return slot

    async def receive_diagnostics(
        self,
        slot: DiagnosticsSlot,
        chunks: AsyncIterable[bytes],
        name: Callable[[], str | None],
    ) -> DiagnosticsFileRecord:
        file_id = new_id("diag")
        path = self._area.diagnostics_path(slot.charger_id, file_id)
        blob = await self._receive(path, chunks, self.diagnostics_max_bytes)
        record = DiagnosticsFileRecord(
            id=file_id,
            charger_seq=slot.charger_seq,
            charger_id=slot.charger_id,
            org_id=slot.org_id,
            file_name=clean_file_name(name(), "diagnostics"),
            size=blob.size,
            sha256=blob.sha256,
            received_at=iso_z(self._clock.now()),
        )
        try:
            await self._store.add_diagnostics(record)
        except BaseException:
            await self._area.remove(path)
            raise
        return record

    async def diagnostics(
        self, principal: Principal, charge_box_id: str
    ) -> list[DiagnosticsFileRecord]:
        charger = await self._charger(principal, charge_box_id)
        return await self._store.diagnostics(charger.seq)

    async def diagnostics_download(
        self, principal: Principal, charge_box_id: str, file_id: str
    ) -> tuple[DiagnosticsFileRecord, Path]:
        charger = await self._charger(principal, charge_box_id)
        missing = NotFound(f"Diagnostics file {file_id} not found")
        record = await self._store.find_diagnostics(charger.seq, file_id)
        if record is None:
            raise missing
        try:
            path = self._area.diagnostics_path(record.charger_id, record.id)
        except UnsafePath:
            raise missing from None
        if not await self._area.exists(path):
            raise missing
        return record, path
