"""A fleet-side MQTT 5 client for the tests: paho-mqtt (the same library as the box, but used
as any consumer would: its own network thread), every message it receives kept in order."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import trio
from paho.mqtt.client import Client, ConnectFlags, MQTTMessage
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode


@dataclass(frozen=True)
class Received:
    topic: str
    payload: bytes
    retain: bool
    user_properties: tuple[tuple[str, str], ...]
    correlation: bytes | None

    def json(self) -> Any:
        return json.loads(self.payload)


@dataclass
class Consumer:
    """Subscribed to ``topics`` on every connect; ``session`` keeps a persistent session (the
    broker queues QoS 1 messages for it while it is away, and across a broker restart)."""

    client: Client
    token: trio.lowlevel.TrioToken
    topics: list[str]
    received: list[Received] = field(default_factory=list)
    connections: int = 0
    _changed: trio.Event = field(default_factory=trio.Event)

    def _notify(self) -> None:
        self._changed.set()
        self._changed = trio.Event()

    def _add(self, message: Received) -> None:
        self.received.append(message)
        self._notify()

    def _connected(self) -> None:
        self.connections += 1
        self._notify()

    async def wait_until(self, check: Any) -> Any:
        """Wait until ``check()`` is truthy; bound it with trio.fail_after."""
        while True:
            result = check()
            if result:
                return result
            await self._changed.wait()

    def on(self, topic: str) -> list[Received]:
        return [m for m in self.received if m.topic == topic]

    def publish(
        self,
        topic: str,
        payload: str,
        *,
        response_topic: str | None = None,
        correlation: bytes | None = None,
    ) -> None:
        properties = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
        if response_topic is not None:
            properties.ResponseTopic = response_topic
        if correlation is not None:
            properties.CorrelationData = correlation
        self.client.publish(topic, payload, qos=1, properties=properties)


def _received(message: MQTTMessage) -> Received:
    properties = message.properties
    return Received(
        topic=message.topic,
        payload=bytes(message.payload),
        retain=bool(message.retain),
        user_properties=tuple(getattr(properties, "UserProperty", ())),
        correlation=getattr(properties, "CorrelationData", None),
    )


async def connect_consumer(
    url_port: int,
    topics: list[str],
    *,
    client_id: str,
    session: bool = False,
) -> Consumer:
    """Connect to 127.0.0.1:``url_port`` and wait until subscribed."""
    client = Client(
        CallbackAPIVersion.VERSION2, client_id=client_id, protocol=MQTTProtocolVersion.MQTTv5
    )
    consumer = Consumer(client, trio.lowlevel.current_trio_token(), topics)
    subscribed = trio.Event()

    def on_connect(
        c: Client, u: object, f: ConnectFlags, reason: ReasonCode, p: Properties | None
    ) -> None:
        for topic in topics:
            c.subscribe(topic, qos=1)
        consumer.token.run_sync_soon(consumer._connected)

    def on_subscribe(c: Client, u: object, mid: int, reasons: list[ReasonCode], p: Any) -> None:
        consumer.token.run_sync_soon(subscribed.set)

    def on_message(c: Client, u: object, message: MQTTMessage) -> None:
        consumer.token.run_sync_soon(consumer._add, _received(message))

    client.on_connect = on_connect
    client.on_subscribe = on_subscribe
    client.on_message = on_message
    client.reconnect_delay_set(1, 1)  # back soon after a broker restart
    properties = None
    if session:
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.SessionExpiryInterval = 3600
    client.connect_async(
        "127.0.0.1", url_port, keepalive=30, clean_start=not session, properties=properties
    )
    client.loop_start()
    await subscribed.wait()
    return consumer


async def disconnect(consumer: Consumer) -> None:
    consumer.client.disconnect()
    await trio.to_thread.run_sync(consumer.client.loop_stop)
