"""The MQTT uplink as one long-lived task of the box (started in ``app/serve.py``).

On every connection: subscribe to the site's command topic, publish the site ``online``
(retained; the last will publishes ``offline`` when the box drops), and the whole retained
state. Meanwhile the publisher works through the journal, and commands run as they come.
"""

from __future__ import annotations

import contextlib
import logging
import socket
from typing import TYPE_CHECKING

import trio

from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.errors import StorageFailure
from capacitor_edge.domain.services import Services
from capacitor_edge.domain.uplink import Uplink
from capacitor_edge.settings import Settings
from capacitor_edge.settings.mqtt import allowed_command_kinds
from capacitor_edge.uplink.commands_in import Targets, execute
from capacitor_edge.uplink.link import GOODBYE_S, Broker, BrokerLink, Will
from capacitor_edge.uplink.publisher import RETRY_S, Publisher, Turn
from capacitor_edge.uplink.state import RetainedState
from capacitor_edge.uplink.topics import Topics, dumps

if TYPE_CHECKING:  # paho-mqtt is imported only where a link is made (link.py)
    from paho.mqtt.client import MQTTMessage

log = logging.getLogger("capacitor_edge.uplink")

#: Commands from the fleet waiting to run, and running at once.
COMMAND_QUEUE = 64
COMMANDS_AT_ONCE = 16


def site_of(settings: Settings) -> str:
    return settings.site_id or socket.gethostname().split(".")[0] or "site"


class MqttUplink:
    def __init__(
        self, settings: Settings, uplink: Uplink, targets: Targets, clock: Clock, turn: Turn
    ) -> None:
        self._settings = settings
        self._turn = turn
        self._uplink = uplink
        self._targets = targets
        self._clock = clock
        self.topics = Topics(settings.mqtt_topic_prefix, site_of(settings))
        self._allowed = frozenset(allowed_command_kinds(settings.mqtt_allowed_commands))
        self._connected = trio.Event()
        self._requests_in, self._requests = trio.open_memory_channel["MQTTMessage"](COMMAND_QUEUE)

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        settings = self._settings
        broker = Broker.from_settings(settings, self.topics.site)
        offline = self.topics.site_status(False, None).encode()
        link = BrokerLink(
            broker,
            Will(self.topics.status, offline),
            on_connected=self._connected.set,
            on_disconnected=lambda: None,
            on_ack=lambda mid, ok, reason: publisher.on_ack(mid, ok, reason),
            on_message=self._received,
        )
        state = RetainedState(
            self.topics, lambda topic, payload: self._retain(link, topic, payload), self._turn
        )
        publisher = Publisher(
            self._uplink, link, self.topics, state, settings.mqtt_max_inflight, self._turn
        )
        cursor = await self._uplink.activate(settings.mqtt_max_unpublished_events)
        log.info(
            "MQTT uplink to %s, topics %s/..., from event %d",
            broker.describe(),
            self.topics.base,
            cursor,
        )
        link.start()
        try:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(self._on_each_connection, link, state)
                nursery.start_soon(state.run)
                nursery.start_soon(publisher.run, cursor)
                nursery.start_soon(self._serve_commands, link)
                task_status.started()
        finally:
            with trio.CancelScope(shield=True):
                await self._goodbye(link, publisher)

    @staticmethod
    def _retain(link: BrokerLink, topic: str, payload: str) -> None:
        link.publish(topic, payload, retain=True)

    async def _on_each_connection(self, link: BrokerLink, state: RetainedState) -> None:
        while True:
            await self._connected.wait()
            self._connected = trio.Event()
            link.subscribe(self.topics.commands)
            online = self.topics.site_status(True, iso_z(self._clock.now()))
            link.publish(self.topics.status, online, retain=True)
            try:
                head, chargers = await self._uplink.snapshot()
            except StorageFailure:
                self._connected.set()  # again, after a pause
                await trio.sleep(RETRY_S)
                continue
            state.load(head, chargers)

    def _received(self, message: MQTTMessage) -> None:
        try:
            self._requests_in.send_nowait(message)
        except trio.WouldBlock:
            log.warning("MQTT command dropped: %d already waiting", COMMAND_QUEUE)

    async def _serve_commands(self, link: BrokerLink) -> None:
        limiter = trio.CapacityLimiter(COMMANDS_AT_ONCE)
        async with trio.open_nursery() as nursery:
            async for message in self._requests:
                # A token per request: a task may not release what its parent acquired.
                borrower = object()
                await limiter.acquire_on_behalf_of(borrower)
                nursery.start_soon(self._answer, link, message, limiter, borrower)

    async def _answer(
        self,
        link: BrokerLink,
        message: MQTTMessage,
        limiter: trio.CapacityLimiter,
        borrower: object,
    ) -> None:
        try:
            reply = await execute(
                bytes(message.payload), self._allowed, self._uplink, self._targets
            )
        finally:
            limiter.release_on_behalf_of(borrower)
        properties = message.properties
        response_topic = getattr(properties, "ResponseTopic", None)
        correlation = getattr(properties, "CorrelationData", None)
        if not response_topic:
            log.info("MQTT command without a response topic: %s", dumps(reply))
            return
        link.publish(response_topic, dumps(reply), correlation=correlation)

    async def _goodbye(self, link: BrokerLink, publisher: Publisher) -> None:
        """At shutdown: the site marked offline (retained; queued before the DISCONNECT, which
        paho sends after it), the cursor persisted, then a clean disconnect."""
        with trio.move_on_after(GOODBYE_S):
            if link.connected:
                offline = self.topics.site_status(False, iso_z(self._clock.now()))
                link.publish(self.topics.status, offline, retain=True)
            with contextlib.suppress(StorageFailure):
                await publisher.flush()
        await link.stop()


async def run_uplink(
    services: Services,
    scope: trio.CancelScope,
    *,
    task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED,
) -> None:
    """The uplink until ``scope`` is cancelled; with ``mqtt_url`` unset, only release the
    journal's retention from a cursor an earlier run left."""
    settings = services.settings
    if not settings.mqtt_url:
        try:
            await services.uplink.deactivate()
        except StorageFailure:
            log.warning("could not mark the MQTT uplink off; retention still waits for it")
        task_status.started()
        return
    targets = Targets(services.commands, services.smart_charging)
    uplink = MqttUplink(settings, services.uplink, targets, services.clock, services.events.turn)
    with scope:
        await uplink.run(task_status=task_status)
