"""The hot path's cheaper encodings write what the general ones wrote (issue 21): timestamps
formatted from a per-second prefix, and event data encoded by orjson."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from capacitor_edge.clock import iso_z
from capacitor_edge.storage.connections import connect
from capacitor_edge.storage.events import encode_data


def _reference_iso_z(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")[:23] + "Z"


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)))
def test_iso_z_of_any_utc_time_is_isoformats(naive: datetime) -> None:
    moment = naive.replace(tzinfo=UTC)
    assert iso_z(moment) == _reference_iso_z(moment)


@given(
    st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2100, 1, 1)),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_iso_z_of_other_zones_is_their_utc_time(naive: datetime, offset_min: int) -> None:
    moment = naive.replace(tzinfo=timezone(timedelta(minutes=offset_min)))
    assert iso_z(moment) == _reference_iso_z(moment)


def test_iso_z_across_second_boundaries_in_both_directions() -> None:
    """The cached second must never leak into a neighbouring one (nor into an older time)."""
    start = datetime(2026, 11, 30, 23, 59, 59, 999_999, tzinfo=UTC)
    steps = [timedelta(microseconds=1), timedelta(seconds=-1), timedelta(days=-400)]
    moment = start
    for step in steps * 3:
        assert iso_z(moment) == _reference_iso_z(moment)
        moment += step
        assert iso_z(moment) == _reference_iso_z(moment)


JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.text() | st.floats()


@given(st.dictionaries(st.text(), JSON_SCALARS | st.lists(JSON_SCALARS, max_size=3)))
def test_event_data_reads_back_as_the_stdlib_wrote_it(data: dict[str, Any]) -> None:
    """NaN, infinities, huge integers, non-ASCII text and lone surrogates included: whatever
    the fast encoder cannot write as the stdlib would goes to the stdlib."""
    stdlib = json.dumps(data, separators=(",", ":"))
    encoded = encode_data(data)
    assert _same(json.loads(encoded), json.loads(stdlib))
    if all(isinstance(value, str | int | None) for value in data.values()):
        assert encoded == stdlib  # the stream and webhooks send the stored text as it is


def _same(a: Any, b: Any) -> bool:
    # NaN != NaN: compare the JSON texts of both readings instead.
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_none_is_still_bound_as_null(tmp_path: Path) -> None:
    """The registered None adapter (storage/connections.py) changes the cost, not the value."""
    conn = connect(tmp_path / "db.sqlite")
    try:
        conn.execute("CREATE TABLE t (a, b)")
        conn.execute("INSERT INTO t VALUES (?, ?)", (None, "x"))
        conn.executemany("INSERT INTO t VALUES (?, ?)", [(None, None)])
        assert conn.execute("SELECT COUNT(*) FROM t WHERE a IS NULL").fetchone()[0] == 2
        types = [row[0] for row in conn.execute("SELECT typeof(b) FROM t ORDER BY rowid")]
        assert types == ["text", "null"]
    finally:
        conn.close()
