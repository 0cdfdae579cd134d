"""``/api/v1/transactions``: charging sessions, their meter values, and a CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any

from quart import Blueprint, Response
from quart_schema import document_response, validate_querystring
from werkzeug.routing import BaseConverter

from capacitor_edge.api import responses as r
from capacitor_edge.api.contract import body, returns
from capacitor_edge.api.key_check import principal
from capacitor_edge.api.models import (
    TRANSACTION_ID_DIGITS,
    ListTransactionsQuery,
    PageQuery,
    TransactionsCsvQuery,
    path_integer,
)
from capacitor_edge.domain.times import normalise_time
from capacitor_edge.domain.transactions import TransactionFilter, Transactions, TransactionView

CSV_COLUMNS = [
    "id",
    "transactionId",
    "chargeBoxId",
    "connectorId",
    "idTag",
    "status",
    "meterStart",
    "meterStop",
    "energyDelivered",
    "durationMinutes",
    "startTime",
    "stopTime",
    "stopReason",
    "remoteStarted",
    "authorizationStatus",
    "clockSuspect",
]


class TransactionIdConverter(BaseConverter):
    """``/transactions/<id>`` for any segment but ``start``: ``GET /transactions/start`` is a
    method the start endpoint does not take (405, Allow: POST), not a transaction named
    "start". Other non-numbers still reach the route, for a 400 naming the parameter."""

    regex = r"(?!start$)[^/]+"


#: The name app.py registers :class:`TransactionIdConverter` under.
TRANSACTION_ID_CONVERTER = "transaction_id"


def present(item: TransactionView) -> r.Transaction:
    t = item.record
    return r.Transaction(
        id=t.id,
        transactionId=t.transaction_id,
        chargeBoxId=t.charge_box_id,
        connectorId=t.connector_id,
        idTag=t.id_tag,
        status=t.status,
        meterStart=t.meter_start,
        meterStop=item.meter_stop,
        energyDelivered=item.energy_kwh,
        durationMinutes=item.duration_minutes,
        startTime=t.start_time,
        stopTime=t.stop_time,
        stopReason=t.stop_reason,
        remoteStarted=t.remote_started,
        authorizationStatus=t.authorization_status,
        clockSuspect=t.clock_suspect,
    )


def csv_row(item: TransactionView) -> dict[str, Any]:
    """A transaction as the CSV shows it: booleans as ``true``/``false`` (as in the JSON,
    and what spreadsheets read as booleans), not Python's ``True``/``False``."""
    row = body(present(item))
    return {
        key: ("true" if value else "false") if isinstance(value, bool) else value
        for key, value in row.items()
    }


def parse_transaction_id(text: str) -> int:
    return path_integer("transactionId", text, digits=TRANSACTION_ID_DIGITS)


def to_filter(query: ListTransactionsQuery | TransactionsCsvQuery) -> TransactionFilter:
    # The hosted API's docs use both `active` and `in_progress` for a running session.
    status = "active" if query.status == "in_progress" else query.status
    return TransactionFilter(
        charge_box_id=query.chargeBoxId,
        status=status,
        id_tag=query.idTag,
        start_from=normalise_time("from", query.from_),
        start_to=normalise_time("to", query.to),
    )


def transactions_blueprint(transactions: Transactions) -> Blueprint:
    bp = Blueprint("transactions", __name__)

    @bp.get("/transactions")
    @returns(r.TransactionList)
    @document_response(r.ErrorBody, 400)
    @validate_querystring(ListTransactionsQuery)
    async def list_transactions(query_args: ListTransactionsQuery) -> Any:
        """Charging sessions, newest first; `status=in_progress` is an alias of `active`."""
        items, total = await transactions.page(
            principal().org_id, to_filter(query_args), query_args.limit, query_args.offset
        )
        return r.TransactionList(
            transactions=[present(item) for item in items],
            pagination=r.Pagination(total=total, limit=query_args.limit, offset=query_args.offset),
        )

    @bp.get("/transactions.csv")
    @document_response(r.ErrorBody, 400)
    @validate_querystring(TransactionsCsvQuery)
    async def transactions_csv(query_args: TransactionsCsvQuery) -> Any:
        """Every matching session as CSV, newest first, for the site's accounting."""
        items = await transactions.all(principal().org_id, to_filter(query_args))
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for item in items:
            writer.writerow(csv_row(item))
        return Response(
            out.getvalue(),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="transactions.csv"'},
        )

    @bp.get(f"/transactions/<{TRANSACTION_ID_CONVERTER}:transaction_id>")
    @returns(r.Transaction)
    @document_response(r.ErrorBody, 404)
    async def get_transaction(transaction_id: str) -> Any:
        """One session with its energy (kWh) and duration (minutes)."""
        number = parse_transaction_id(transaction_id)
        return present(await transactions.get(principal().org_id, number))

    @bp.get("/transactions/<transaction_id>/meter-values")
    @returns(r.MeterValueList)
    @document_response(r.ErrorBody, 404)
    @validate_querystring(PageQuery)
    async def meter_values(transaction_id: str, query_args: PageQuery) -> Any:
        """The session's sampled values in the order received, paged."""
        number = parse_transaction_id(transaction_id)
        samples, total = await transactions.samples(
            principal().org_id, number, query_args.limit, query_args.offset
        )
        return r.MeterValueList(
            transactionId=number,
            meterValues=[
                r.MeterValue(
                    connectorId=s.connector_id,
                    timestamp=s.sample.timestamp,
                    measurand=s.sample.measurand,
                    phase=s.sample.phase,
                    unit=s.sample.unit,
                    context=s.sample.context,
                    location=s.sample.location,
                    format=s.sample.format,
                    value=s.sample.value,
                    valueWh=s.sample.value_wh,
                )
                for s in samples
            ],
            pagination=r.Pagination(total=total, limit=query_args.limit, offset=query_args.offset),
        )

    return bp
