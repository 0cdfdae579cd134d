"""One signed POST of one webhook body, and what came of it."""

from __future__ import annotations

from datetime import datetime

import httpx
import trio

from capacitor_edge import __version__
from capacitor_edge.webhooks.signing import signed_headers

#: Kept in the delivery log: enough to tell what went wrong, never a whole page of HTML.
MAX_ERROR_CHARS = 200


async def post(
    client: httpx.AsyncClient,
    url: str,
    secret: str,
    message_id: str,
    body: str,
    at: datetime,
    timeout_s: float,
) -> tuple[int | None, int, str | None]:
    """POST ``body`` (a JSON envelope); (HTTP status or None, duration in ms, error or None).

    The error text names the failure, never a header: the signature and secret stay out of
    the log and the delivery log."""
    headers = {
        "content-type": "application/json",
        "user-agent": f"capacitor-edge/{__version__}",
        **signed_headers(secret, message_id, at, body),
    }
    started = trio.current_time()
    status: int | None = None
    error: str | None = None
    # httpx's own timeout covers each phase; this bounds the whole exchange.
    with trio.move_on_after(timeout_s) as bounded:
        try:
            response = await client.post(url, content=body.encode("utf-8"), headers=headers)
            status = response.status_code
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except httpx.TimeoutException:
            error = f"no answer within {timeout_s:g} s"
        except httpx.HTTPError as failure:
            error = f"{type(failure).__name__}: {failure}"[:MAX_ERROR_CHARS]
        except OSError as failure:  # ssl.SSLError included: a certificate not trusted
            error = f"{type(failure).__name__}: {failure}"[:MAX_ERROR_CHARS]
    if bounded.cancelled_caught:
        status, error = None, f"no answer within {timeout_s:g} s"
    duration_ms = round((trio.current_time() - started) * 1000)
    return status, duration_ms, error
