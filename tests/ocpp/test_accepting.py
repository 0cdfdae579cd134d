"""The OCPP ports' accept loop (transport/accepting.py): connections that queue up together
are all taken, each handler gets the peer's address from ``accept()``, and cancelling the loop
closes the listening socket."""

from __future__ import annotations

import trio

from capacitor_edge.transport.accepting import ACCEPT_BATCH, serve_listener

#: More than one batch, so the loop must come back for the rest.
CONNECTIONS = ACCEPT_BATCH * 2 + 5


async def test_a_burst_is_accepted_with_each_peer_address() -> None:
    with trio.fail_after(20):
        listener = (await trio.open_tcp_listeners(0, host="127.0.0.1"))[0]
        port = listener.socket.getsockname()[1]
        seen: list[str] = []
        all_in = trio.Event()

        async def handle(stream: trio.SocketStream, remote: str) -> None:
            seen.append(remote)
            await stream.send_all(b"hi")
            await stream.aclose()
            if len(seen) == CONNECTIONS:
                all_in.set()

        async with trio.open_nursery() as nursery:
            nursery.start_soon(serve_listener, listener, handle, nursery)
            # Every connection is made (queued in the kernel's backlog) before any is taken.
            clients = [await trio.open_tcp_stream("127.0.0.1", port) for _ in range(CONNECTIONS)]
            for client in clients:
                assert await client.receive_some(2) == b"hi"
                await client.aclose()
            await all_in.wait()
            nursery.cancel_scope.cancel()
        assert seen == ["127.0.0.1"] * CONNECTIONS
        assert listener.socket.fileno() == -1  # closed by the loop on its way out
