"""One MQTT 5 connection to the fleet broker: paho-mqtt's client in its own network thread,
bridged into Trio.

paho does the protocol (the codec, keep-alive, QoS 1 resends after a reconnect, reconnecting
with backoff); its network thread calls back into Trio with ``TrioToken.run_sync_soon``, which
never blocks that thread. ``publish`` only queues a packet and wakes paho's thread, so it is
called straight from Trio. The asyncio-only clients (aiomqtt, gmqtt) cannot run under Trio.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import trio

# paho-mqtt is imported where a link is made: a box without ``mqtt_url`` (the default) never
# needs it, and its import was a start-up cost every box paid.
if TYPE_CHECKING:
    from paho.mqtt.client import Client, ConnectFlags, DisconnectFlags, MQTTMessage
    from paho.mqtt.properties import Properties
    from paho.mqtt.reasoncodes import ReasonCode

from capacitor_edge.settings import Settings, SettingsError

log = logging.getLogger("capacitor_edge.uplink")

#: Seconds a clean shutdown waits for the broker to acknowledge the site going offline.
GOODBYE_S = 2.0


@dataclass(frozen=True)
class Broker:
    """Where and how to connect; ``password`` is never logged (``repr=False``)."""

    host: str
    port: int
    tls: ssl.SSLContext | None
    client_id: str
    username: str | None
    password: str | None = None
    keepalive_s: int = 30
    reconnect_max_s: float = 60.0
    max_inflight: int = 100

    def __repr__(self) -> str:
        return f"Broker({self.describe()})"

    def describe(self) -> str:
        scheme = "mqtts" if self.tls else "mqtt"
        user = f"{self.username}@" if self.username else ""
        return f"{scheme}://{user}{self.host}:{self.port} as {self.client_id}"

    @classmethod
    def from_settings(cls, settings: Settings, site: str) -> Broker:
        url = urlsplit(settings.mqtt_url)
        secure = url.scheme == "mqtts"
        return cls(
            host=url.hostname or "",
            port=url.port or (8883 if secure else 1883),
            tls=_tls_context(settings) if secure else None,
            client_id=f"capacitor-edge-{site}",
            username=settings.mqtt_username or None,
            password=_password(settings),
            keepalive_s=settings.mqtt_keepalive_s,
            reconnect_max_s=settings.mqtt_reconnect_max_s,
            max_inflight=settings.mqtt_max_inflight,
        )


def _password(settings: Settings) -> str | None:
    if settings.mqtt_password_file:
        try:
            text = Path(settings.mqtt_password_file).read_text(encoding="utf-8")
        except OSError as error:
            # The file's name and the OS's reason only: never its content.
            raise SettingsError(
                f"setting 'mqtt_password_file': cannot read {settings.mqtt_password_file}: "
                f"{error.strerror}"
            ) from None
        return text.splitlines()[0] if text else ""
    return settings.mqtt_password or None


def _tls_context(settings: Settings) -> ssl.SSLContext:
    """TLS 1.2+, the broker's certificate and host name checked (against ``mqtt_ca_file``, or
    the system's CAs), and the client certificate if one is set."""
    if bool(settings.mqtt_cert_file) != bool(settings.mqtt_key_file):
        raise SettingsError("settings 'mqtt_cert_file' and 'mqtt_key_file' go together")
    try:
        context = ssl.create_default_context(cafile=settings.mqtt_ca_file or None)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if settings.mqtt_cert_file:
            context.load_cert_chain(settings.mqtt_cert_file, settings.mqtt_key_file)
    except (OSError, ssl.SSLError) as error:
        raise SettingsError(f"MQTT TLS files: {error}") from None
    return context


@dataclass(frozen=True)
class Will:
    topic: str
    payload: bytes


class BrokerLink:
    """The client; callbacks arrive in Trio, in the order paho made them."""

    def __init__(
        self,
        broker: Broker,
        will: Will,
        *,
        on_connected: Callable[[], None],
        on_disconnected: Callable[[], None],
        on_ack: Callable[[int, bool, str], None],
        on_message: Callable[[MQTTMessage], None],
    ) -> None:
        self.broker = broker
        self.connected = False
        self._stopping = False
        self._warned_unreachable = False
        self._acks: list[tuple[int, str]] = []
        self._acks_lock = threading.Lock()
        self._token = trio.lowlevel.current_trio_token()
        from paho.mqtt.client import Client
        from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion

        client = Client(
            CallbackAPIVersion.VERSION2,
            client_id=broker.client_id,
            protocol=MQTTProtocolVersion.MQTTv5,
        )
        # paho resends unacknowledged QoS 1 publishes itself after a reconnect; the publisher
        # bounds how many there are, so paho's own queue needs no limit.
        client.max_inflight_messages_set(broker.max_inflight)
        client.max_queued_messages_set(0)
        client.reconnect_delay_set(1, max(1, round(broker.reconnect_max_s)))
        if broker.username:
            client.username_pw_set(broker.username, broker.password)
        if broker.tls is not None:
            client.tls_set_context(broker.tls)
        client.will_set(will.topic, will.payload, qos=1, retain=True)
        self._client = client
        self._connected_cb = on_connected
        self._disconnected_cb = on_disconnected
        self._ack_cb = on_ack
        self._message_cb = on_message
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_connect_fail = self._on_connect_fail
        client.on_publish = self._on_publish
        client.on_message = self._on_message

    # -- paho's thread -> Trio ------------------------------------------------------------

    def _to_trio(self, fn: Callable[..., None], *args: object) -> None:
        # RunFinishedError: the box is stopping; nothing left to tell.
        with contextlib.suppress(trio.RunFinishedError):
            self._token.run_sync_soon(fn, *args)

    def _on_connect(
        self,
        client: Client,
        userdata: object,
        flags: ConnectFlags,
        reason: ReasonCode,
        properties: Properties | None,
    ) -> None:
        if reason.is_failure:
            # e.g. "Not authorized", "Bad user name or password": said, never the password.
            log.warning("MQTT broker %s refused the connection: %s", self.broker.describe(), reason)
            return
        self._to_trio(self._connected)

    def _on_connect_fail(self, client: Client, userdata: object) -> None:
        # No reason is given (TCP refused, TLS not trusted, DNS...); said once per outage.
        self._to_trio(self._unreachable)

    def _on_disconnect(
        self,
        client: Client,
        userdata: object,
        flags: DisconnectFlags,
        reason: ReasonCode,
        properties: Properties | None,
    ) -> None:
        self._to_trio(self._disconnected, str(reason))

    def _on_publish(
        self,
        client: Client,
        userdata: object,
        mid: int,
        reason: ReasonCode,
        properties: Properties | None,
    ) -> None:
        # Batched: one wake-up of Trio for every PUBACK that arrived since its last one, not one
        # each (under load a read of the socket brings many).
        failed = str(reason) if reason.is_failure else ""
        with self._acks_lock:
            self._acks.append((mid, failed))
            if len(self._acks) > 1:
                return  # a delivery is already scheduled and will take this one too
        self._to_trio(self._deliver_acks)

    def _deliver_acks(self) -> None:
        with self._acks_lock:
            acks, self._acks = self._acks, []
        for mid, failed in acks:
            self._ack_cb(mid, not failed, failed or "Success")

    def _on_message(self, client: Client, userdata: object, message: MQTTMessage) -> None:
        self._to_trio(self._message_cb, message)

    # -- in Trio ----------------------------------------------------------------------------

    def _connected(self) -> None:
        if not self.connected:
            log.info("MQTT uplink connected to %s", self.broker.describe())
        self._warned_unreachable = False
        self.connected = True
        self._connected_cb()

    def _unreachable(self) -> None:
        if not self._warned_unreachable:
            log.warning(
                "MQTT broker %s unreachable (connection or TLS failed); retrying",
                self.broker.describe(),
            )
            self._warned_unreachable = True

    def _disconnected(self, reason: str) -> None:
        if self.connected and not self._stopping:
            log.warning("MQTT uplink lost %s: %s", self.broker.describe(), reason)
        self.connected = False
        self._disconnected_cb()

    def start(self) -> None:
        """Connect in paho's thread, retrying with backoff until it succeeds."""
        self._client.connect_async(self.broker.host, self.broker.port, self.broker.keepalive_s)
        self._client.loop_start()

    async def stop(self) -> None:
        self._stopping = True
        self._client.disconnect()
        # loop_stop joins paho's thread: not on the event loop's thread.
        await trio.to_thread.run_sync(self._client.loop_stop)

    def publish(
        self,
        topic: str,
        payload: str | bytes,
        *,
        retain: bool = False,
        user_properties: list[tuple[str, str]] | None = None,
        correlation: bytes | None = None,
        qos: int = 1,
    ) -> int:
        """Queue one publish; its message id (acknowledged through ``on_ack``)."""
        properties = None
        if user_properties or correlation is not None:
            from paho.mqtt.packettypes import PacketTypes
            from paho.mqtt.properties import Properties

            properties = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
            if user_properties:
                properties.UserProperty = user_properties
            if correlation is not None:
                properties.CorrelationData = correlation
        info = self._client.publish(topic, payload, qos=qos, retain=retain, properties=properties)
        return info.mid

    def subscribe(self, topic: str) -> None:
        self._client.subscribe(topic, qos=1)
