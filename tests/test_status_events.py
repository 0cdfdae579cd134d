"""A live session's StatusNotification names its charger to the journal from what the session
knows (issue 21: one statement less per message); the event is the one the charger row gave."""

from __future__ import annotations

import json
from pathlib import Path

import trio

from capacitor_edge.storage.chargers import ConnectorStatus
from tests.conftest import plain_connection
from tests.test_heartbeat_writes import T1, T2, chargers_on

TIMEOUT_S = 20.0


def status(name: str, at: str) -> ConnectorStatus:
    return ConnectorStatus(1, name, "NoError", None, None, None, at)


async def test_the_status_event_is_the_same_with_the_owner_given_or_looked_up(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.sqlite"
    with trio.fail_after(TIMEOUT_S):
        async with chargers_on(path) as (_, store, (cp1, cp2)):
            await store.record_status(cp1, status("Charging", T1), T1)
            await store.record_status(cp2, status("Charging", T1), T1, owner=("org_a", "CP-2"))
            await store.record_status(cp1, status("Available", T2), T2)
            await store.record_status(cp2, status("Available", T2), T2, owner=("org_a", "CP-2"))
    conn = plain_connection(path)
    try:
        rows = conn.execute(
            "SELECT org_id, type, charge_box_id, at, data FROM events"
            " WHERE type = 'connector.status_changed' ORDER BY seq"
        ).fetchall()
    finally:
        conn.close()
    looked_up = [tuple(row) for row in rows if row["charge_box_id"] == "CP-1"]
    given = [tuple(row) for row in rows if row["charge_box_id"] == "CP-2"]
    assert len(looked_up) == len(given) == 2
    for mine, theirs in zip(looked_up, given, strict=True):
        assert mine[:2] == theirs[:2] and mine[3] == theirs[3]
        data = json.loads(theirs[4])
        assert list(data) == list(json.loads(mine[4]))  # chargeBoxId first, same keys in order
        assert data == {**json.loads(mine[4]), "chargeBoxId": "CP-2"}
    assert json.loads(given[1][4])["previousStatus"] == "Charging"
