"""One signed POST of one webhook body, and what came of it."""

from __future__ import annotations

from datetime import datetime

import trio

from capacitor_edge.webhooks.client import Connection, ReceiverError
from capacitor_edge.webhooks.signing import signed_headers

#: Kept in the delivery log: enough to tell what went wrong, never a whole page of HTML.
MAX_ERROR_CHARS = 200


async def post(
    connection: Connection,
    secret: str,
    message_id: str,
    body: str,
    at: datetime,
    timeout_s: float,
) -> tuple[int | None, int, str | None]:
    """POST ``body`` (a JSON envelope); (HTTP status or None, duration in ms, error or None).

    The error text names the failure, never a header: the signature and secret stay out of
    the log and the delivery log."""
    headers = {"content-type": "application/json", **signed_headers(secret, message_id, at, body)}
    started = trio.current_time()
    status: int | None = None
    error: str | None = None
    with trio.move_on_after(timeout_s) as bounded:
        try:
            status = await connection.post(body.encode("utf-8"), headers)
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except ReceiverError as failure:
            error = str(failure)[:MAX_ERROR_CHARS]
    if bounded.cancelled_caught:
        # Half a request or answer on the wire: that connection cannot carry the next one.
        await connection.aclose()
        status, error = None, f"no answer within {timeout_s:g} s"
    duration_ms = round((trio.current_time() - started) * 1000)
    return status, duration_ms, error
