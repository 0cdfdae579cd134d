"""The WebSocket's own frame path (capacitor_edge.transport.frame_codec): whole masked text
frames are read and written without the ``websockets`` parser, every other frame still goes to
it. These tests make the frames with the ``websockets`` client protocol and cut the bytes
where the fast path must hold a frame's start for the next read."""

from __future__ import annotations

import pytest
import trio
import trio.testing
from websockets.frames import Frame, Opcode

from capacitor_edge.transport.websocket import ConnectionClosed
from tests.ocpp.test_websocket import LIMIT, opened

SHORT = b'[2,"1","Heartbeat",{}]'
#: Over 125 bytes: a 16-bit extended length (RFC 6455 section 5.2).
LONGER = b'[2,"2","DataTransfer",{"vendorId":"v","data":"' + b"d" * 200 + b'"}]'


@pytest.mark.parametrize("cut", [1, 2, 3, 5, 7, 29, 31, 33, 40])
async def test_frames_cut_anywhere_and_pipelined_arrive_whole_and_in_order(cut: int) -> None:
    with trio.fail_after(5):
        async with opened(["ocpp1.6"]) as (ws, client):
            client.protocol.send_text(SHORT)
            client.protocol.send_text(LONGER)
            client.protocol.send_ping(b"between")
            client.protocol.send_text("caf\u00e9".encode())
            client.protocol.send_binary(b"\x00raw")
            wire = b"".join(client.protocol.data_to_send())
            for at in range(0, len(wire), cut):
                await client.stream.send_all(wire[at : at + cut])
                # The server reads each piece before the next is sent.
                await trio.testing.wait_all_tasks_blocked()
            assert await ws.get_message() == SHORT.decode()
            assert await ws.get_message() == LONGER.decode()
            assert await ws.get_message() == "caf\u00e9"
            assert await ws.get_message() == b"\x00raw"
            pong = await client.next_event()
            assert isinstance(pong, Frame) and pong.opcode is Opcode.PONG
            assert pong.data == b"between"


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536, 70_000])
async def test_sent_text_frames_read_back_as_the_client_parser_reads_them(size: int) -> None:
    with trio.fail_after(5):
        async with opened(["ocpp1.6"]) as (ws, client):
            text = "é" * (size // 2) + "x" * (size % 2)
            await ws.send_message(text)
            frame = await client.next_event()
            assert isinstance(frame, Frame) and frame.opcode is Opcode.TEXT and frame.fin
            assert bytes(frame.data).decode() == text


@pytest.mark.parametrize(
    ("wire", "code"),
    [
        # An unmasked client frame (RFC 6455 section 5.1): protocol error.
        (b"\x81\x05hello", 1002),
        # RSV1 set with no extension agreed (section 5.2): protocol error.
        (b"\xc1\x85" + b"\x00" * 4 + b"hello", 1002),
        # Only the header of a frame over the limit: failed at once, not after the payload.
        (b"\x81\xfe" + (LIMIT + 1).to_bytes(2) + b"\x00" * 4, 1009),
        (b"\x81\xff" + (2**40).to_bytes(8) + b"\x00" * 4, 1009),
    ],
)
async def test_frames_the_fast_path_does_not_take_fail_as_the_parser_says(
    wire: bytes, code: int
) -> None:
    with trio.fail_after(5):
        async with opened(["ocpp1.6"]) as (ws, client):
            client.protocol.send_text(SHORT)
            await client.flush()
            await client.stream.send_all(wire)
            assert await ws.get_message() == SHORT.decode()
            with pytest.raises(ConnectionClosed) as closed:
                await ws.get_message()
            assert closed.value.code == code


async def test_a_whole_text_frame_inside_a_fragmented_message_is_a_protocol_error() -> None:
    with trio.fail_after(5):
        async with opened(["ocpp1.6"]) as (ws, client):
            client.protocol.send_text(b'[2,"1",', fin=False)
            wire = b"".join(client.protocol.data_to_send())
            client.protocol.send_continuation(b"", fin=True)  # keeps the client's state valid
            client.protocol.data_to_send()
            masked_text = client_text_frame(SHORT)
            await client.stream.send_all(wire + masked_text)
            with pytest.raises(ConnectionClosed) as closed:
                await ws.get_message()
            assert closed.value.code == 1002


def client_text_frame(payload: bytes) -> bytes:
    """A masked, whole text frame (an all-zero mask: the payload goes as it is)."""
    assert len(payload) < 126
    return bytes((0x81, 0x80 | len(payload))) + b"\x00" * 4 + payload
