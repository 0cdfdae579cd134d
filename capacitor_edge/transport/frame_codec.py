"""RFC 6455 frames as OCPP-J chargers send them, read and written without the general parser.

Nearly every frame on a charger link is one small, whole, masked text frame (OCPP-J §3: text
frames only; a client masks every frame, RFC 6455 §5.3). The ``websockets`` package's sans-IO
parser is a chain of generators that costs ~6 us per such frame and its writer ~2 us; reading
the header here and unmasking with its C ``apply_mask`` costs under 1 us, measured per frame
(docs/PERFORMANCE.md, issue 21). Every other frame - control frames, fragments, unmasked or
RSV-flagged frames, frames over the size limit - is handed whole to the general parser, which
keeps owning the protocol's rules; since it only ever gets whole frames, it is always at a
frame boundary when it gets the next one.
"""

from __future__ import annotations

from typing import Final

try:
    from websockets.speedups import apply_mask
except ImportError:  # a build of websockets without its C extension
    from websockets.utils import apply_mask

#: FIN set, RSV1-3 clear, opcode 1 (text): RFC 6455 §5.2.
_FIN_TEXT: Final = 0x81
_MASKED: Final = 0x80

#: What :func:`next_frame` found at the offset it was given.
INCOMPLETE: Final = 0  # the frame is not all there yet: read more
TEXT: Final = 1  # a whole masked, unfragmented text frame: its payload, unmasked
OTHER: Final = 2  # a whole frame of any other kind: its raw bytes, for the general parser
OVERSIZE: Final = 3  # a frame announcing more than the limit: the general parser fails it


def next_frame(
    data: bytes | bytearray, at: int, max_size: int | None
) -> tuple[int, bytes | bytearray, int]:
    """(kind, bytes, end) of the frame that starts at ``data[at]``; ``end`` is where the next
    one starts. For ``TEXT`` the bytes are the unmasked payload (not yet checked as UTF-8),
    for ``OTHER`` the frame as it was sent; for ``INCOMPLETE`` and ``OVERSIZE`` nothing."""
    size = len(data)
    if size - at < 2:
        return INCOMPLETE, b"", at
    first = data[at]
    second = data[at + 1]
    length = second & 0x7F
    start = at + 2
    if length == 126:
        if size - start < 2:
            return INCOMPLETE, b"", at
        length = int.from_bytes(data[start : start + 2])
        start += 2
    elif length == 127:
        if size - start < 8:
            return INCOMPLETE, b"", at
        length = int.from_bytes(data[start : start + 8])
        start += 8
    if max_size is not None and length > max_size:
        return OVERSIZE, b"", at
    masked = second & _MASKED
    if masked:
        start += 4
    end = start + length
    if end > size:
        return INCOMPLETE, b"", at
    if first == _FIN_TEXT and masked:
        return TEXT, apply_mask(data[start:end], data[start - 4 : start]), end
    return OTHER, data[at:end], end


def text_frame(payload: bytes) -> bytes:
    """An unmasked, unfragmented text frame (a server never masks, RFC 6455 §5.1)."""
    length = len(payload)
    if length < 126:
        return bytes((_FIN_TEXT, length)) + payload
    if length < 65536:
        return bytes((_FIN_TEXT, 126)) + length.to_bytes(2) + payload
    return bytes((_FIN_TEXT, 127)) + length.to_bytes(8) + payload
