"""Every setting: its type, default, documentation (docs/configuration.md lists them all and
tests/test_settings.py checks that it does) and the check its value must pass."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path

from capacitor_edge.settings.authorization import AuthorizationSettings
from capacitor_edge.settings.checks import (
    authorization_mode_check,
    doc,
    log_format_check,
    log_level_check,
    metrics_access_check,
    non_negative_check,
    on_off_check,
    optional_host_port_check,
    positive_check,
    public_http_url_check,
    public_url_check,
    retry_schedule_check,
    security_profile_check,
)
from capacitor_edge.settings.dashboard import DashboardSettings
from capacitor_edge.settings.mqtt import MqttSettings
from capacitor_edge.settings.site import LoadSettings
from capacitor_edge.settings.upstream import UpstreamSettings
from capacitor_edge.settings.values import HostPort, SettingsError


@dataclass(frozen=True)
class Settings(
    DashboardSettings, AuthorizationSettings, MqttSettings, LoadSettings, UpstreamSettings
):
    data_dir: Path = field(
        default=Path("capacitor-data"),
        metadata=doc(
            "Directory holding the SQLite database and `initial-api-key`; created if missing."
        ),
    )
    http: HostPort = field(
        default=HostPort("0.0.0.0", 8080),
        metadata=doc("`HOST:PORT` the REST API listens on (port 0 picks a free port)."),
    )
    ocpp: HostPort = field(
        default=HostPort("0.0.0.0", 9000),
        metadata=doc("`HOST:PORT` the OCPP WebSocket listener for chargers listens on."),
    )
    public_url: str = field(
        default="",
        metadata=doc(
            "Base URL chargers use to reach the box, e.g. `ws://gateway.local:9000`; "
            "`connectionUrl` is this plus `/ocpp/{chargeBoxId}`. Empty: `ws://` + this "
            "machine's host name + the OCPP port.",
            check=public_url_check,
        ),
    )
    heartbeat_interval_s: int = field(
        default=300,
        metadata=doc(
            "Heartbeat interval given to chargers in BootNotification.conf.", check=positive_check
        ),
    )
    heartbeat_grace_s: float = field(
        default=60.0,
        metadata=doc(
            "A session silent for `heartbeat_interval_s * 2 + heartbeat_grace_s` is closed "
            "as stale.",
            check=non_negative_check,
        ),
    )
    ws_ping_interval_s: float = field(
        default=60.0,
        metadata=doc(
            "Seconds between WebSocket pings to each charger; 0 disables (for chargers that "
            "never answer pings).",
            check=non_negative_check,
        ),
    )
    max_message_bytes: int = field(
        default=65536,
        metadata=doc(
            "Largest OCPP frame accepted; a larger one closes the session with 1009.",
            check=positive_check,
        ),
    )
    max_connections: int = field(
        default=20000,
        metadata=doc(
            "Most charger connections open at once; past it new ones get HTTP 503.",
            check=positive_check,
        ),
    )
    handshake_timeout_s: float = field(
        default=10.0,
        metadata=doc(
            "A connection that has not finished its TLS handshake and WebSocket upgrade this "
            "many seconds after it was accepted is closed (and recorded as a connection attempt).",
            check=positive_check,
        ),
    )
    max_pending_handshakes: int = field(
        default=500,
        metadata=doc(
            "Most connections still in their handshake at once; past it (or past "
            "`max_connections`) the oldest of them is closed, so silent sockets cannot keep "
            "chargers out. Not counted in `max_connections`.",
            check=positive_check,
        ),
    )
    nominal_voltage_v: float = field(
        default=230.0,
        metadata=doc(
            "Phase-to-neutral voltage used to convert charging limits between amperes and "
            "watts for a charger whose own `voltage` is not set (PUT .../smart-charging).",
            check=positive_check,
        ),
    )
    call_timeout_s: float = field(
        default=30.0,
        metadata=doc(
            "How long to wait for a charger's answer to a CSMS-initiated CALL.",
            check=positive_check,
        ),
    )
    message_trace_limit: int = field(
        default=200,
        metadata=doc(
            "OCPP frames kept per charger for `GET .../messages` (newest first).",
            check=non_negative_check,
        ),
    )
    shutdown_timeout_s: float = field(
        default=2.0,
        metadata=doc(
            "On SIGTERM/SIGINT, how long in-flight REST requests get to finish before the "
            "process exits (keep it under 3 s).",
            check=non_negative_check,
        ),
    )
    authorization_mode: str = field(
        default="open",
        metadata=doc(
            "`open`: every idTag is Accepted (a fresh appliance charges cars); `list`: only "
            "tags on the organisation's id-tag list, unblocked and unexpired, are Accepted "
            "(others are Invalid, Blocked or Expired).",
            check=authorization_mode_check,
        ),
    )
    default_remote_id_tag: str = field(
        default="CAPACITOR",
        metadata=doc(
            "idTag sent with a remote start when the request names none "
            "(`POST /api/v1/transactions/start`)."
        ),
    )
    data_transfer_vendors: str = field(
        default="",
        metadata=doc(
            "Comma-separated vendorIds whose DataTransfer messages are answered Accepted; "
            "every DataTransfer is recorded, others are answered UnknownVendorId."
        ),
    )
    log_level: str = field(
        default="info",
        metadata=doc("Log level: debug, info, warning or error.", check=log_level_check),
    )
    log_format: str = field(
        default="text",
        metadata=doc(
            "Log lines on stderr: `text` (one human-readable line per event) or `json` (one "
            "JSON object per line, for journald and log shippers).",
            check=log_format_check,
        ),
    )
    metrics_access: str = field(
        default="open",
        metadata=doc(
            "Who may read `GET /metrics`: `open` (anyone who reaches the REST port, for a "
            "Prometheus on the LAN) or `key` (a valid `X-API-Key` of any organisation).",
            check=metrics_access_check,
        ),
    )
    public_http_url: str = field(
        default="",
        metadata=doc(
            "Base URL chargers use to reach the box's HTTP port for firmware downloads and "
            "diagnostics uploads, e.g. `http://gateway.local:8080`. Empty: `http://` + this "
            "machine's host name + the REST port.",
            check=public_http_url_check,
        ),
    )
    firmware_max_bytes: int = field(
        default=256 * 1024 * 1024,
        metadata=doc(
            "Largest firmware file `POST /api/v1/firmware` accepts.", check=positive_check
        ),
    )
    diagnostics_max_bytes: int = field(
        default=64 * 1024 * 1024,
        metadata=doc(
            "Largest diagnostics file a charger may upload to the box.", check=positive_check
        ),
    )
    tls_cert_file: str = field(
        default="",
        metadata=doc(
            "PEM certificate (chain) of the OCPP listener. With `tls_key_file` set too, chargers "
            "connect over `wss://` (TLS 1.2+). Empty: plain `ws://`."
        ),
    )
    tls_key_file: str = field(default="", metadata=doc("PEM private key of `tls_cert_file`."))
    tls_client_ca_file: str = field(
        default="",
        metadata=doc(
            "PEM CA certificate(s) that sign charger client certificates (security profile 3). "
            "Empty: no client certificates are asked for."
        ),
    )
    ocpp_plain: str = field(
        default="",
        metadata=doc(
            "With TLS on, `HOST:PORT` of an extra plain `ws://` listener for chargers of "
            "security profiles 0 and 1. Empty: no plain listener.",
            check=optional_host_port_check,
        ),
    )
    http_tls: str = field(
        default="off",
        metadata=doc(
            "`on`: serve the REST API over HTTPS with `http_tls_cert_file`/`http_tls_key_file`, "
            "or else the OCPP listener's `tls_cert_file`/`tls_key_file`.",
            check=on_off_check,
        ),
    )
    http_tls_cert_file: str = field(
        default="", metadata=doc("PEM certificate of the REST API when `http_tls` is `on`.")
    )
    http_tls_key_file: str = field(
        default="", metadata=doc("PEM private key of `http_tls_cert_file`.")
    )
    default_security_profile: int = field(
        default=0,
        metadata=doc(
            "OCPP security profile of a charger registered without `securityProfile`.",
            check=security_profile_check,
        ),
    )
    charger_auth_failures_per_min: int = field(
        default=10,
        metadata=doc(
            "Failed charger logins (wrong password or certificate) allowed per source address "
            "per minute (token bucket); past it, HTTP 429 until a token is back.",
            check=positive_check,
        ),
    )
    api_key_failures_per_min: int = field(
        default=30,
        metadata=doc(
            "Failed `X-API-Key` attempts allowed per source address per minute (token bucket); "
            "past it, HTTP 429 `RATE_LIMIT_ERROR` with `Retry-After`.",
            check=positive_check,
        ),
    )
    storage_reserve_mib: int = field(
        default=8,
        metadata=doc(
            "MiB held back in `data_dir` as `.reserve`, released to checkpoint, migrate and "
            "shut down on a full disk (keep it above the WAL's ~4 MiB). 0: none.",
            check=non_negative_check,
        ),
    )
    storage_failure_watchdog_s: float = field(
        default=300.0,
        metadata=doc(
            "Under a systemd watchdog, stop sending `WATCHDOG=1` once storage has failed this "
            "long, so systemd restarts the box (not again if it was failing from start); 0: never.",
            check=non_negative_check,
        ),
    )

    webhook_timeout_s: float = field(
        default=5.0,
        metadata=doc(
            "A webhook delivery counts only if the receiver answers 2xx within this long; "
            "anything else is retried (`webhook_retry_schedule_s`).",
            check=positive_check,
        ),
    )
    webhook_retry_schedule_s: tuple[float, ...] = field(
        default=(5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 28800),
        metadata=doc(
            "Delays in seconds between a webhook's delivery attempts of one event (a TOML list, "
            "or comma-separated), each +/-20 % jitter. The default retries for about a day "
            "(~23.7 h); after the last one fails the webhook is disabled until re-enabled.",
            check=retry_schedule_check,
        ),
    )
    event_retention_days: int = field(
        default=30,
        metadata=doc(
            "Events older than this are pruned from the journal, but never one an active "
            "webhook has not had yet.",
            check=positive_check,
        ),
    )
    event_retention_rows: int = field(
        default=1_000_000,
        metadata=doc(
            "The journal keeps at most this many newest events (same exception as "
            "`event_retention_days`).",
            check=positive_check,
        ),
    )

    def __post_init__(self) -> None:
        # Settings that only make sense together; checked once, whatever their sources.
        if bool(self.tls_cert_file) != bool(self.tls_key_file):
            raise SettingsError("settings 'tls_cert_file' and 'tls_key_file' go together")
        if bool(self.http_tls_cert_file) != bool(self.http_tls_key_file):
            raise SettingsError("settings 'http_tls_cert_file' and 'http_tls_key_file' go together")
        if not self.ocpp_tls() and (self.tls_client_ca_file or self.ocpp_plain):
            raise SettingsError(
                "settings 'tls_client_ca_file' and 'ocpp_plain' need TLS on the OCPP listener "
                "('tls_cert_file' and 'tls_key_file')"
            )
        if self.http_tls == "on" and self.http_certificate() is None:
            raise SettingsError(
                "setting 'http_tls' is 'on' but no certificate is set ('http_tls_cert_file' or "
                "'tls_cert_file')"
            )

    def ocpp_tls(self) -> bool:
        """Whether the OCPP listener serves ``wss://``."""
        return bool(self.tls_cert_file and self.tls_key_file)

    def http_certificate(self) -> tuple[str, str] | None:
        """(certificate, key) files of the REST API, or None for plain HTTP."""
        if self.http_tls != "on":
            return None
        if self.http_tls_cert_file:
            return self.http_tls_cert_file, self.http_tls_key_file
        if self.ocpp_tls():
            return self.tls_cert_file, self.tls_key_file
        return None

    def accepted_vendors(self) -> frozenset[str]:
        return frozenset(v.strip() for v in self.data_transfer_vendors.split(",") if v.strip())

    def charger_base_url(self) -> str:
        """The public base URL chargers connect to, without the ``/ocpp/...`` path."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = self.ocpp.host
        if host in {"0.0.0.0", "::", ""}:
            host = socket.gethostname()
        if ":" in host:
            host = f"[{host}]"
        return f"{'wss' if self.ocpp_tls() else 'ws'}://{host}:{self.ocpp.port}"

    def file_base_url(self, http_port: int | None = None) -> str:
        """The plain-HTTP base URL chargers download firmware from and upload diagnostics to
        (they cannot send an API key, and many cannot do TLS). ``http_port`` is the port
        really bound, for ``http`` on port 0."""
        if self.public_http_url:
            return self.public_http_url.rstrip("/")
        host = self.http.host
        if host in {"0.0.0.0", "::", ""}:
            host = socket.gethostname()
        if ":" in host:
            host = f"[{host}]"
        # With `http_tls` on there is no plain HTTP port: the charger must use https.
        scheme = "https" if self.http_certificate() is not None else "http"
        return f"{scheme}://{host}:{http_port or self.http.port}"
