"""The appliance's Prometheus metrics, served at ``GET /metrics``.

One registry for the process, at the bottom layer so that transport, storage and the REST API
can count what they do without importing each other (the domain counts only the charger quirks
it alone can see, e.g. timestamps without a zone). Gauges that
describe state rather than events (connected chargers, active transactions) are set by the
``/metrics`` handler at scrape time from the live services, so they are never out of step.

The OCPP message counters sit on the hot path of every charger message: instead of a
prometheus ``Counter`` child (a lock per increment, ~0.5 us, and ``labels()`` costs ~2 us more),
they are plain integers in one list per action, bumped on the Trio thread and turned into a
counter family only when Prometheus scrapes.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

# ``*_created`` series double every counter and histogram and nothing here needs them.
disable_created_metrics()  # type: ignore[no-untyped-call]

#: What ``GET /metrics`` answers with (the text format ``generate_latest`` writes).
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4

# OCPP-J message types (§4.1.3), as the ``type`` label of the message counters. ``invalid`` is a
# frame that could not be read as any of them; ``dropped`` one that was read but ignored (an
# answer nobody waits for any more).
CALL = 0
CALLRESULT = 1
CALLERROR = 2
INVALID = 3
DROPPED = 4
MESSAGE_TYPES = ("call", "callresult", "callerror", "invalid", "dropped")

#: The action label of frames whose action is unknown or not an OCPP 1.6 action (a charger's
#: made-up action names must not become label values: each would be a new time series).
UNKNOWN_ACTION = "unknown"


class MessageCounter:
    """OCPP messages by (action, type): a Prometheus counter family kept as plain integers."""

    def __init__(self, name: str, documentation: str) -> None:
        self.name = name
        self.documentation = documentation
        self._counts: dict[str, list[int]] = {}

    def count(self, action: str, kind: int) -> None:
        """One message of ``action`` and type ``kind`` (``CALL``, ``CALLRESULT``, ...)."""
        cells = self._counts.get(action)
        if cells is None:
            cells = self._counts[action] = [0] * len(MESSAGE_TYPES)
        cells[kind] += 1

    def value(self, action: str, kind: int) -> int:
        cells = self._counts.get(action)
        return 0 if cells is None else cells[kind]

    def describe(self) -> Iterator[Metric]:
        yield CounterMetricFamily(self.name, self.documentation, labels=("action", "type"))

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(self.name, self.documentation, labels=("action", "type"))
        for action, cells in sorted(self._counts.items()):
            for kind, total in enumerate(tuple(cells)):
                if total:
                    family.add_metric((action, MESSAGE_TYPES[kind]), total)
        yield family


REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

# -- OCPP ------------------------------------------------------------------------------------

CONNECTED_CHARGERS = Gauge(
    "capacitor_edge_ocpp_connected_chargers",
    "Chargers with a live OCPP session.",
    registry=REGISTRY,
)
MESSAGES_RECEIVED = MessageCounter(
    "capacitor_edge_ocpp_messages_received",
    "OCPP frames received from chargers, by action and message type. The action of a "
    "CALLRESULT or CALLERROR is that of the CSMS call it answers.",
)
MESSAGES_SENT = MessageCounter(
    "capacitor_edge_ocpp_messages_sent",
    "OCPP frames sent to chargers, by action and message type. The action of a CALLRESULT or "
    "CALLERROR is that of the charger's call it answers.",
)
REGISTRY.register(MESSAGES_RECEIVED)
REGISTRY.register(MESSAGES_SENT)
CALL_ERRORS = Counter(
    "capacitor_edge_ocpp_callerrors",
    "CALLERRORs by direction (sent: the box answered a charger's CALL with one; received: a "
    "charger answered a CSMS call with one) and OCPP error code (`other` for codes OCPP 1.6 does "
    "not define).",
    ("direction", "code"),
    registry=REGISTRY,
)
CSMS_CALL_SECONDS = Histogram(
    "capacitor_edge_ocpp_csms_call_duration_seconds",
    "Time from sending a CSMS-initiated CALL to the charger's answer, by action.",
    ("action",),
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
    registry=REGISTRY,
)
CSMS_CALL_TIMEOUTS = Counter(
    "capacitor_edge_ocpp_csms_call_timeouts",
    "CSMS-initiated CALLs the charger did not answer within `call_timeout_s`, by action.",
    ("action",),
    registry=REGISTRY,
)

ZONELESS_TIMESTAMPS = Counter(
    "capacitor_edge_ocpp_zoneless_timestamps",
    "Timestamps chargers sent without a time zone (e.g. `2026-01-01T12:00:00`), accepted and "
    "read as UTC. Each charger's own count is in its details (`quirks.zonelessTimestamps`).",
    registry=REGISTRY,
)
CLOCK_SUSPECT_TIMESTAMPS = Counter(
    "capacitor_edge_ocpp_clock_suspect_timestamps",
    "StartTransaction/StopTransaction/StatusNotification timestamps from a charger clock not set "
    "yet (before 2015, or over a day ahead of the box): stored as sent, durations and the "
    "current connector status taken from the box's clock.",
    registry=REGISTRY,
)
ORPHAN_MESSAGES = Counter(
    "capacitor_edge_ocpp_orphan_messages",
    "StopTransactions and MeterValues naming a transaction the box never gave that charger "
    "(-1, 0, unknown or another charger's): answered and kept as orphans, by action.",
    ("action",),
    registry=REGISTRY,
)

# -- storage ---------------------------------------------------------------------------------

COMMIT_BATCH_WRITES = Histogram(
    "capacitor_edge_storage_commit_batch_writes",
    "Writes per group commit (one SQLite transaction).",
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000),
    registry=REGISTRY,
)
COMMIT_SECONDS = Histogram(
    "capacitor_edge_storage_commit_duration_seconds",
    "Time to run and commit one group-commit batch, fsync included.",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
    registry=REGISTRY,
)

# -- REST ------------------------------------------------------------------------------------

HTTP_REQUESTS = Counter(
    "capacitor_edge_http_requests",
    "REST requests answered, by route (the URL rule, e.g. `/api/v1/chargers/<charge_box_id>`; "
    "`unmatched` for paths no route serves), method and status code.",
    ("route", "method", "status"),
    registry=REGISTRY,
)
HTTP_SECONDS = Histogram(
    "capacitor_edge_http_request_duration_seconds",
    "Time to answer a REST request, by route and method.",
    ("route", "method"),
    registry=REGISTRY,
)

# -- domain state ----------------------------------------------------------------------------

# Site load management (issue 16), per circuit and site phase; set at scrape time.
SITE_LIMIT = Gauge(
    "capacitor_edge_site_circuit_limit_amperes",
    "The limit in force per circuit and phase (the root: less the building's load).",
    ["circuit", "phase"],
    registry=REGISTRY,
)
SITE_ALLOCATED = Gauge(
    "capacitor_edge_site_circuit_allocated_amperes",
    "What the allocation puts on each circuit and phase.",
    ["circuit", "phase"],
    registry=REGISTRY,
)
SITE_MEASURED = Gauge(
    "capacitor_edge_site_circuit_measured_amperes",
    "What the chargers below each circuit report drawing per phase (the root: plus the "
    "building's load).",
    ["circuit", "phase"],
    registry=REGISTRY,
)

ACTIVE_TRANSACTIONS = Gauge(
    "capacitor_edge_transactions_active",
    "Charging transactions started and not yet stopped, on every charger of the box.",
    registry=REGISTRY,
)


def exposition() -> bytes:
    """Every metric, in the Prometheus text format (``CONTENT_TYPE``)."""
    return generate_latest(REGISTRY)


# Issue 20, the upstream mirror: set at scrape time (api/metrics.py) like the gauges above.
UPSTREAM_CONNECTED = Gauge(
    "capacitor_edge_upstream_connected_links",
    "Chargers whose upstream link (the box as that charger) is connected.",
    registry=REGISTRY,
)
UPSTREAM_OUTBOX = Gauge(
    "capacitor_edge_upstream_outbox_messages",
    "Charger messages in the upstream outbox, not yet acknowledged by the upstream.",
    registry=REGISTRY,
)
UPSTREAM_OLDEST_AGE = Gauge(
    "capacitor_edge_upstream_outbox_oldest_age_seconds",
    "Age of the oldest message in the upstream outbox (0 when it is empty).",
    registry=REGISTRY,
)
UPSTREAM_REFUSED = Counter(
    "capacitor_edge_upstream_refused_messages",
    "Forwarded charger messages the upstream answered with a CALLERROR, dropped from the "
    "outbox (each also an upstream.message_refused event), by action.",
    ("action",),
    registry=REGISTRY,
)
