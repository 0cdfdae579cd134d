"""The fleet uplink's settings (issue 19): the broker, the topic tree, TLS and credentials, and
which commands the fleet may send. Inherited by :class:`capacitor_edge.settings.Settings`."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from capacitor_edge.settings.checks import doc, positive_check

#: The command kinds the fleet may be allowed to send (docs/mqtt.md, "Commands").
COMMAND_KINDS = (
    "reset",
    "unlock",
    "availability",
    "clear_cache",
    "trigger",
    "remote_start",
    "remote_stop",
    "set_charging_profile",
    "clear_charging_profile",
    "reserve_now",
    "cancel_reservation",
    "send_local_list",
    "get_local_list_version",
)


def mqtt_url_check(value: str) -> None:
    if not value:
        return
    parts = urlsplit(value)
    if parts.scheme not in {"mqtt", "mqtts"} or not parts.hostname:
        raise ValueError("must be mqtt://HOST[:PORT] or mqtts://HOST[:PORT]")
    if parts.username or parts.password:
        # A password in a URL ends up in logs and `ps`; it has its own settings.
        raise ValueError("must not hold credentials (use mqtt_username and mqtt_password_file)")
    _ = parts.port  # raises ValueError for a port that is not a number in range


def topic_level_check(value: str) -> None:
    """One topic level: no wildcard, no separator, not empty (MQTT 5 §4.7)."""
    if not value or any(c in value for c in "/+#\0"):
        raise ValueError("must be a non-empty MQTT topic level without '/', '+' or '#'")


def optional_topic_level_check(value: str) -> None:
    if value:
        topic_level_check(value)


def allowed_commands_check(value: str) -> None:
    unknown = sorted(set(allowed_command_kinds(value)) - set(COMMAND_KINDS) - {"*"})
    if unknown:
        raise ValueError(f"unknown command kind {unknown[0]!r} (known: {', '.join(COMMAND_KINDS)})")


def allowed_command_kinds(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class MqttSettings:
    mqtt_url: str = field(
        default="",
        metadata=doc(
            "The fleet broker, `mqtt://HOST:PORT` (default port 1883) or `mqtts://HOST:PORT` "
            "(8883); empty: the MQTT uplink is off. See docs/mqtt.md.",
            check=mqtt_url_check,
        ),
    )
    mqtt_topic_prefix: str = field(
        default="capacitor",
        metadata=doc("First level of every MQTT topic the box uses.", check=topic_level_check),
    )
    site_id: str = field(
        default="",
        metadata=doc(
            "This site's level in the MQTT topics (and the MQTT client id "
            "`capacitor-edge-{site_id}`); empty: this machine's host name.",
            check=optional_topic_level_check,
        ),
    )
    mqtt_username: str = field(
        default="", metadata=doc("MQTT user name; empty: connect without one.")
    )
    mqtt_password_file: str = field(
        default="",
        metadata=doc(
            "File holding the MQTT password (first line); never logged. "
            "`CAPACITOR_EDGE_MQTT_PASSWORD` may give it instead."
        ),
    )
    mqtt_password: str = field(
        default="",
        repr=False,  # never in a log line or traceback that prints the settings
        metadata=doc(
            "The MQTT password itself (prefer `mqtt_password_file` or the environment); "
            "never logged."
        ),
    )
    mqtt_ca_file: str = field(
        default="",
        metadata=doc(
            "`mqtts://`: PEM file of the CAs the broker's certificate is checked against; "
            "empty: the system's CAs."
        ),
    )
    mqtt_cert_file: str = field(
        default="",
        metadata=doc("`mqtts://`: the box's client certificate (PEM), if the broker asks one."),
    )
    mqtt_key_file: str = field(
        default="", metadata=doc("`mqtts://`: the private key of `mqtt_cert_file` (PEM).")
    )
    mqtt_allowed_commands: str = field(
        default="",
        metadata=doc(
            "Comma-separated command kinds the fleet may send over MQTT (`reset`, `unlock`, "
            "`availability`, `clear_cache`, `trigger`, `remote_start`, `remote_stop`, "
            "`set_charging_profile`, `clear_charging_profile`, `reserve_now`, "
            "`cancel_reservation`, `send_local_list`, `get_local_list_version`), or `*`; "
            "empty: none.",
            check=allowed_commands_check,
        ),
    )
    mqtt_keepalive_s: int = field(
        default=30,
        metadata=doc(
            "MQTT keep-alive: the broker publishes the site's last will (offline) about 1.5x "
            "this long after the box stops answering.",
            check=positive_check,
        ),
    )
    mqtt_reconnect_max_s: float = field(
        default=60.0,
        metadata=doc(
            "Reconnect backoff to the broker doubles from 1 s up to this.", check=positive_check
        ),
    )
    mqtt_max_inflight: int = field(
        default=100,
        metadata=doc(
            "Events published and not yet acknowledged (PUBACK) at any time.",
            check=positive_check,
        ),
    )
    mqtt_max_unpublished_events: int = field(
        default=2_000_000,
        metadata=doc(
            "Retention keeps events the broker has not acknowledged, up to this many; past "
            "it the oldest are pruned after all, with an `mqtt.backlog_dropped` event.",
            check=positive_check,
        ),
    )
