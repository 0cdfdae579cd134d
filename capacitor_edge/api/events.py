"""``/api/v1/events``: the journal by cursor, and live as Server-Sent Events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Any

from quart import Blueprint, make_response, request
from quart_schema import document_response, validate_querystring

from capacitor_edge.api import event_models as m
from capacitor_edge.api import responses as r
from capacitor_edge.api.contract import returns
from capacitor_edge.api.key_check import login_active, principal
from capacitor_edge.domain.errors import Invalid
from capacitor_edge.domain.event_feed import EventFeed
from capacitor_edge.domain.events import Event, Events, parse_types

#: Events read from the journal per query of a stream.
STREAM_BATCH = 2000
#: A comment line this often keeps proxies and clients from closing an idle stream.
KEEPALIVE_S = 15.0
KEEPALIVE = b": keep-alive\n\n"


def present(event: Event) -> m.EventOut:
    return m.EventOut(
        id=event.id,
        seq=event.seq,
        event=event.type,
        timestamp=event.at,
        chargeBoxId=event.charge_box_id,
        data=event.data,
    )


def sse_frame(seq: int, type_: str, body: str) -> bytes:
    """One SSE message (WHATWG HTML §9.2): the seq as ``id`` (what ``Last-Event-ID`` brings
    back on a reconnect), the type as ``event``, the event object as one ``data`` line (JSON
    text has no raw newline)."""
    return f"id: {seq}\nevent: {type_}\ndata: {body}\n\n".encode()


def _last_event_id() -> int | None:
    header = request.headers.get("Last-Event-ID")
    if header is None or not header.strip():
        return None
    text = header.strip()
    if not text.isdigit() or len(text) > 18:
        raise Invalid("Last-Event-ID", "must be the seq of an event (a whole number)")
    return int(text)


def events_blueprint(events: Events, keepalive_s: float = KEEPALIVE_S) -> Blueprint:
    bp = Blueprint("events", __name__)
    # Each event's frame is rendered once for all the organisation's readers.
    feed = EventFeed(events, sse_frame, STREAM_BATCH, KEEPALIVE)

    @bp.get("/events")
    @returns(m.EventList)
    @document_response(r.ErrorBody, 400)
    @validate_querystring(m.EventsQuery)
    async def list_events(query_args: m.EventsQuery) -> Any:
        """The organisation's events after the `after` cursor, oldest first. To poll: pass
        the `next` of one answer as `after` of the next."""
        types = parse_types(query_args.types)
        page = await events.page(
            principal().org_id, query_args.after, query_args.limit, types, query_args.chargeBoxId
        )
        return m.EventList(
            events=[present(event) for event in page],
            next=page[-1].seq if page else query_args.after,
            hasMore=len(page) == query_args.limit,
        )

    @bp.get("/events/stream")
    @document_response(r.ErrorBody, 400)
    @validate_querystring(m.StreamQuery)
    async def stream_events(query_args: m.StreamQuery) -> Any:
        """Server-Sent Events (`text/event-stream`) of the organisation's events: each with
        `id:` its seq and `data:` the event as `GET /events` shows it. Resumes after the
        `Last-Event-ID` header (or `after`): replay from the journal, then live. A comment
        line every 15 s keeps the connection open."""
        org_id = principal().org_id
        types = parse_types(query_args.types)
        charge_box_id = query_args.chargeBoxId
        resume = _last_event_id()
        start = resume if resume is not None else query_args.after
        cursor = events.head if start is None else start
        active = login_active()

        async def stream() -> AsyncIterator[bytes]:
            # Sent at once, so the client knows the stream is open before any event comes.
            yield b": stream open\n\n"
            # A dashboard's stream ends with its login (checked at least every keep-alive).
            live = feed.stream(org_id, cursor, types, charge_box_id, active, keepalive_s)
            # Closed with this stream, so the reader leaves its tail at once.
            async with aclosing(live) as chunks:
                async for chunk in chunks:
                    yield chunk

        response = await make_response(
            stream(),
            200,
            {
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",  # a reverse proxy must not buffer the stream
            },
        )
        response.timeout = None  # type: ignore[union-attr]  # a stream has no end to wait for
        return response

    return bp
