"""Files over HTTP: firmware uploads and diagnostics downloads for staff (X-API-Key), and the
plain-HTTP URLs chargers use (no key: chargers cannot send headers; the long random token in
the URL is the credential).

Uploads are streamed: the body is read chunk by chunk (multipart decoded with werkzeug's sans-IO
decoder) and written to disk as it arrives, so a 256 MiB firmware never sits in memory. Quart's
``MAX_CONTENT_LENGTH`` is one number for the whole app (1 MiB, for JSON); for the upload paths
:func:`is_upload_path` lifts it and these handlers enforce their own limits.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterable, Callable
from contextlib import aclosing
from typing import Any
from urllib.parse import quote

from quart import Blueprint, Response, request, send_file
from quart_schema import document_response, security_scheme
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from capacitor_edge.api import responses as r
from capacitor_edge.api.contract import returns
from capacitor_edge.api.key_check import principal
from capacitor_edge.domain.errors import Invalid
from capacitor_edge.domain.files import (
    DiagnosticsFileRecord,
    DiagnosticsSlot,
    Files,
    FirmwareFileRecord,
    TooLarge,
)
from capacitor_edge.settings import Settings

FIRMWARE_UPLOAD_PATH = "/api/v1/firmware"
FIRMWARE_DOWNLOAD_PREFIX = "/files/firmware"
DIAGNOSTICS_UPLOAD_PREFIX = "/files/diagnostics"
#: Room for multipart boundaries and part headers on top of a file's own size limit.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
#: Non-file multipart fields (``name``) are small; a bigger one is refused.
MAX_FIELD_BYTES = 4096


def is_upload_path(path: str) -> bool:
    """Paths whose bodies are files (limits enforced here, not by Quart's MAX_CONTENT_LENGTH)."""
    return path == FIRMWARE_UPLOAD_PATH or path.startswith(DIAGNOSTICS_UPLOAD_PREFIX + "/")


def box_base_url(settings: Settings) -> str:
    """The box's base URL for chargers, for the port this request really came in on (the
    ``http`` setting may say port 0)."""
    server = request.scope.get("server")
    port = server[1] if server and server[1] else None
    return settings.file_base_url(port)


def firmware_download_url(base: str, record: FirmwareFileRecord) -> str:
    return (
        f"{base}{FIRMWARE_DOWNLOAD_PREFIX}/{record.id}/{record.token}/{quote(record.name, safe='')}"
    )


def diagnostics_upload_url(base: str, slot: DiagnosticsSlot) -> str:
    # GetDiagnostics.location is a directory: the charger appends its own file name.
    return f"{base}{DIAGNOSTICS_UPLOAD_PREFIX}/{slot.token}/"


class MultipartUpload:
    """The one file part of a ``multipart/form-data`` body, as a stream of chunks; other
    fields (small) are collected in :attr:`fields` as they go by."""

    def __init__(self, body: AsyncIterable[bytes], boundary: str, field: str | None) -> None:
        self._body = body
        self._boundary = boundary.encode("latin-1")
        self._field = field  # None: the first file part, whatever its name
        self.file_name: str | None = None
        self.fields: dict[str, str] = {}

    async def chunks(self) -> AsyncGenerator[bytes, None]:
        # No max_form_memory_size: werkzeug applies it to every chunk fed in, file parts too;
        # the size of non-file fields is checked below instead.
        decoder = MultipartDecoder(self._boundary)
        body = aiter(self._body)
        ended = False
        target: str | None = None  # "file", "field" or None (skip)
        field_name = ""
        field_value = bytearray()
        seen_file = False
        while True:
            try:
                event = decoder.next_event()
            except ValueError:
                raise Invalid("body", "not a valid multipart/form-data body") from None
            if isinstance(event, NeedData):
                if ended:
                    raise Invalid("body", "the multipart/form-data body ends early")
                chunk = await anext(body, None)
                ended = chunk is None
                decoder.receive_data(chunk)
            elif isinstance(event, File | Field):
                wanted = self._field is None or event.name == self._field
                if wanted and not seen_file and (isinstance(event, File) or self._field):
                    target, seen_file = "file", True
                    self.file_name = event.filename if isinstance(event, File) else None
                elif isinstance(event, Field):
                    target, field_name, field_value = "field", event.name, bytearray()
                else:
                    target = None
            elif isinstance(event, Data):
                if target == "file" and event.data:
                    yield event.data
                elif target == "field":
                    field_value.extend(event.data)
                    if len(field_value) > MAX_FIELD_BYTES:
                        raise Invalid(field_name, f"is longer than {MAX_FIELD_BYTES} bytes")
                    if not event.more_data:
                        self.fields[field_name] = field_value.decode("utf-8", "replace")
            elif isinstance(event, Epilogue):
                break
        if not seen_file:
            raise Invalid(self._field or "file", "is required (a multipart/form-data file part)")


async def _raw_body() -> AsyncGenerator[bytes, None]:
    async for chunk in request.body:
        yield chunk


def _check_declared_length(limit: int) -> None:
    """Refuse at once a body whose Content-Length already says it is too big."""
    declared = request.content_length
    if declared is not None and declared > limit:
        raise TooLarge(f"File is larger than the limit of {limit} bytes")


async def _close_after_refused_upload(response: Response) -> Response:
    """An upload refused part-way leaves unread body bytes on the connection; measured with
    httpx, the next request on that keep-alive connection then hung. Close it instead."""
    if request.method in {"PUT", "POST"} and response.status_code >= 400:
        response.headers["Connection"] = "close"
    return response


def _upload_rules(bp: Blueprint) -> None:
    bp.after_request(_close_after_refused_upload)


def files_blueprint(files: Files, settings: Settings) -> Blueprint:
    """The keyed REST endpoints, under ``/api/v1``."""
    bp = Blueprint("files", __name__)
    _upload_rules(bp)

    def firmware_body(record: FirmwareFileRecord) -> r.FirmwareFile:
        return r.FirmwareFile(
            id=record.id,
            name=record.name,
            size=record.size,
            sha256=record.sha256,
            createdAt=record.created_at,
            downloadUrl=firmware_download_url(box_base_url(settings), record),
        )

    def diagnostics_body(charge_box_id: str, record: DiagnosticsFileRecord) -> r.DiagnosticsFile:
        return r.DiagnosticsFile(
            id=record.id,
            fileName=record.file_name,
            size=record.size,
            sha256=record.sha256,
            receivedAt=record.received_at,
            downloadUrl=f"/api/v1/chargers/{quote(charge_box_id, safe='')}"
            f"/diagnostics-files/{record.id}",
        )

    @bp.post("/firmware")
    @returns(r.FirmwareFile, 201)
    @document_response(r.ErrorBody, 400)
    @document_response(r.ErrorBody, 401)
    @document_response(r.ErrorBody, 413)
    async def upload_firmware() -> Any:
        """Upload a firmware file: `multipart/form-data` with the file in field `file` and an
        optional `name`; limited to `firmware_max_bytes`."""
        if request.mimetype != "multipart/form-data" or "boundary" not in request.mimetype_params:
            raise Invalid("body", "must be multipart/form-data with the file in field 'file'")
        _check_declared_length(files.firmware_max_bytes + MULTIPART_OVERHEAD_BYTES)
        upload = MultipartUpload(request.body, request.mimetype_params["boundary"], "file")
        async with aclosing(upload.chunks()) as chunks:
            record = await files.add_firmware(
                principal(), chunks, lambda: upload.fields.get("name") or upload.file_name
            )
        return firmware_body(record), 201

    @bp.get("/firmware")
    @returns(r.FirmwareList)
    @document_response(r.ErrorBody, 401)
    async def list_firmware() -> Any:
        """The organisation's firmware files, newest first."""
        records = await files.firmware(principal())
        return r.FirmwareList(firmware=[firmware_body(f) for f in records])

    @bp.delete("/firmware/<firmware_id>")
    @returns(r.Message)
    @document_response(r.ErrorBody, 401)
    @document_response(r.ErrorBody, 404)
    async def delete_firmware(firmware_id: str) -> Any:
        """Delete a firmware file; its download URL stops working at once."""
        await files.delete_firmware(principal(), firmware_id)
        return r.Message(message=f"Firmware {firmware_id} deleted")

    @bp.get("/chargers/<charge_box_id>/diagnostics-files")
    @returns(r.DiagnosticsFileList)
    @document_response(r.ErrorBody, 401)
    @document_response(r.ErrorBody, 404)
    async def list_diagnostics(charge_box_id: str) -> Any:
        """Diagnostics files this charger uploaded to the box, newest first."""
        records = await files.diagnostics(principal(), charge_box_id)
        return r.DiagnosticsFileList(
            chargeBoxId=charge_box_id, files=[diagnostics_body(charge_box_id, d) for d in records]
        )

    @bp.get("/chargers/<charge_box_id>/diagnostics-files/<file_id>")
    @document_response(r.ErrorBody, 401)
    @document_response(r.ErrorBody, 404)
    async def download_diagnostics(charge_box_id: str, file_id: str) -> Any:
        """The bytes of one diagnostics file, as the charger sent them."""
        record, path = await files.diagnostics_download(principal(), charge_box_id, file_id)
        return await send_file(
            path,
            mimetype="application/octet-stream",
            as_attachment=True,
            attachment_filename=record.file_name,
        )

    return bp


def charger_files_blueprint(files: Files) -> Blueprint:
    """The URLs chargers use, at the root, without a key."""
    bp = Blueprint("charger_files", __name__)
    _upload_rules(bp)

    @bp.get(f"{FIRMWARE_DOWNLOAD_PREFIX}/<firmware_id>/<token>/<name>")
    @security_scheme([])  # no key: the token in the URL is the credential
    @document_response(r.ErrorBody, 404)
    async def download_firmware(firmware_id: str, token: str, name: str) -> Any:
        """A firmware file, for a charger given this URL in UpdateFirmware (no key: the token
        in the URL is the credential). Range requests are honoured, so a charger can resume."""
        record, path = await files.firmware_download(firmware_id, token)
        return await send_file(
            path,
            mimetype="application/octet-stream",
            as_attachment=True,
            attachment_filename=record.name,
            conditional=True,
        )

    async def receive(token: str, file_name: str | None) -> Any:
        slot = await files.diagnostics_slot(token)
        limit = files.diagnostics_max_bytes
        chunks: AsyncGenerator[bytes, None]
        name: Callable[[], str | None]
        if request.mimetype == "multipart/form-data" and "boundary" in request.mimetype_params:
            _check_declared_length(limit + MULTIPART_OVERHEAD_BYTES)
            upload = MultipartUpload(request.body, request.mimetype_params["boundary"], None)
            chunks = upload.chunks()
            name = lambda: file_name or upload.file_name  # noqa: E731
        else:
            _check_declared_length(limit)
            chunks = _raw_body()
            name = lambda: file_name  # noqa: E731
        async with aclosing(chunks):
            record = await files.receive_diagnostics(slot, chunks, name)
        return r.ReceivedFile(
            id=record.id, fileName=record.file_name, size=record.size, sha256=record.sha256
        ), 201

    @bp.route(f"{DIAGNOSTICS_UPLOAD_PREFIX}/<token>/<file_name>", methods=["PUT", "POST"])
    @security_scheme([])  # no key: the token in the URL is the credential
    @returns(r.ReceivedFile, 201)
    @document_response(r.ErrorBody, 404)
    @document_response(r.ErrorBody, 413)
    async def upload_named_diagnostics(token: str, file_name: str) -> Any:
        """A charger's diagnostics upload (GetDiagnostics without a location): the raw file as
        the body, or multipart/form-data; limited to `diagnostics_max_bytes`."""
        return await receive(token, file_name)

    @bp.route(f"{DIAGNOSTICS_UPLOAD_PREFIX}/<token>/", methods=["PUT", "POST"])
    @security_scheme([])  # no key: the token in the URL is the credential
    @returns(r.ReceivedFile, 201)
    @document_response(r.ErrorBody, 404)
    @document_response(r.ErrorBody, 413)
    async def upload_diagnostics(token: str) -> Any:
        """The same, to the directory URL itself (the file name from the multipart part)."""
        return await receive(token, None)

    return bp
