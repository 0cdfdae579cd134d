"""Retained state topics per charger and connector, so a dashboard that subscribes late sees
every charger's state at once.

On every (re)connect the whole state is published from a snapshot of the database (the broker
may have lost its retained messages); after that, each published event newer than the snapshot
updates the topics it changes. Events the snapshot already reflects (a backlog being caught up
after an outage) change nothing, so a late replay never makes a retained state older.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import trio

from capacitor_edge.domain.uplink import ChargerSnapshot
from capacitor_edge.uplink.topics import (
    CONNECTOR_FIELDS,
    Topics,
    charger_state,
    connector_state,
    dumps,
)

#: The event types that change a retained state.
STATE_EVENTS = frozenset(
    {
        "charger.registered",
        "charger.deleted",
        "charger.connected",
        "charger.disconnected",
        "charger.boot",
        "connector.status_changed",
    }
)

#: Retained states are published at most this often (the newest of each topic).
STATE_INTERVAL_S = 0.25

#: publish(topic, payload): a retained QoS 1 publish through the link.
Publish = Callable[[str, str], None]


class RetainedState:
    def __init__(
        self, topics: Topics, publish: Publish, turn: Callable[[], Awaitable[None]]
    ) -> None:
        self._topics = topics
        self._turn = turn
        self._publish = publish
        #: topic -> its newest payload, not yet published (see :meth:`run`).
        self._pending: dict[str, str] = {}
        self._dirty = trio.Event()
        self._chargers: dict[str, dict[str, Any]] = {}
        self._connectors: dict[str, set[int]] = {}
        self._snapshot_head = 0

    def load(self, head: int, chargers: list[ChargerSnapshot]) -> None:
        """Publish every charger's and connector's state as of journal seq ``head``."""
        self._snapshot_head = head
        self._chargers.clear()
        self._connectors.clear()
        for charger in chargers:
            cbid = charger.charge_box_id
            state = charger_state(
                cbid,
                charger.online,
                charger.vendor,
                charger.model,
                charger.firmware_version,
                head,
                charger.last_boot,
            )
            self._set_charger(cbid, state)
            for values in charger.connectors:
                self._set_connector(
                    cbid, values[0], connector_state(cbid, values[0], values[1:], head)
                )

    def apply(self, seq: int, type_: str, charge_box_id: str | None, payload: str) -> None:
        """One published event: update the states it changes."""
        if type_ not in STATE_EVENTS or charge_box_id is None:
            return
        cbid = charge_box_id
        if type_ == "charger.deleted":
            # Also for an event the snapshot already reflects: the charger is gone from it, so
            # its retained topics (kept by the broker from before) must be cleared.
            if seq > self._snapshot_head or cbid not in self._chargers:
                self._clear(cbid)
            return
        if seq <= self._snapshot_head:
            return
        event = json.loads(payload)
        data: dict[str, Any] = event["data"]
        at: str = event["timestamp"]
        state = self._chargers.get(cbid) or charger_state(cbid, False, None, None, None, seq, at)
        state = {**state, "seq": seq, "timestamp": at}
        if type_ == "charger.connected":
            state["online"] = True
        elif type_ == "charger.disconnected":
            state["online"] = False
        elif type_ == "charger.boot":
            state["vendor"] = data.get("chargePointVendor")
            state["model"] = data.get("chargePointModel")
            state["firmwareVersion"] = data.get("firmwareVersion")
        elif type_ == "connector.status_changed":
            connector_id = int(data["connectorId"])
            values = tuple(data.get(name) for name in CONNECTOR_FIELDS)
            self._set_connector(
                cbid, connector_id, connector_state(cbid, connector_id, values, seq)
            )
            return
        self._set_charger(cbid, state)

    def _set_charger(self, cbid: str, state: dict[str, Any]) -> None:
        self._chargers[cbid] = state
        self._queue(self._topics.charger(cbid), dumps(state))

    def _set_connector(self, cbid: str, connector_id: int, state: dict[str, Any]) -> None:
        self._connectors.setdefault(cbid, set()).add(connector_id)
        self._queue(self._topics.connector(cbid, connector_id), dumps(state))

    def _clear(self, cbid: str) -> None:
        # An empty retained message deletes the retained one (MQTT 5 §3.3.1.3).
        self._chargers.pop(cbid, None)
        self._queue(self._topics.charger(cbid), "")
        for connector_id in sorted(self._connectors.pop(cbid, set())):
            self._queue(self._topics.connector(cbid, connector_id), "")

    def _queue(self, topic: str, payload: str) -> None:
        self._pending[topic] = payload  # a newer state of the same topic replaces it
        self._dirty.set()

    async def run(self) -> None:
        """Publish the queued states every STATE_INTERVAL_S at most: a connector that changes
        ten times a second costs one retained publish per interval, not ten (measured: the
        state publish was half the uplink's cost on the StatusNotification path)."""
        while True:
            await self._dirty.wait()
            await self._turn()  # when the chargers leave the box idle (domain/idle_turns.py)
            self._dirty = trio.Event()
            pending, self._pending = self._pending, {}
            for topic, payload in pending.items():
                self._publish(topic, payload)
            await trio.sleep(STATE_INTERVAL_S)
