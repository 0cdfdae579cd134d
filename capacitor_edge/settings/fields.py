"""Every setting: its type, default, documentation (docs/configuration.md lists them all and
tests/test_settings.py checks that it does) and the check its value must pass."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from capacitor_edge.settings.values import HostPort, SettingsError


def _doc(text: str, **extra: Any) -> dict[str, Any]:
    return {"doc": text, **extra}


def _positive(value: float) -> None:
    if value <= 0:
        raise ValueError("must be greater than 0")


def _non_negative(value: float) -> None:
    if value < 0:
        raise ValueError("must be 0 or more")


def _log_level(value: str) -> None:
    if value.lower() not in {"debug", "info", "warning", "error"}:
        raise ValueError("must be one of debug, info, warning, error")


def _log_format(value: str) -> None:
    if value not in {"text", "json"}:
        raise ValueError("must be 'text' or 'json'")


def _metrics_access(value: str) -> None:
    if value not in {"open", "key"}:
        raise ValueError("must be 'open' or 'key'")


def _authorization_mode(value: str) -> None:
    if value not in {"open", "list"}:
        raise ValueError("must be 'open' or 'list'")


def _public_url(value: str) -> None:
    if value and not value.startswith(("ws://", "wss://")):
        raise ValueError("must start with ws:// or wss://")


def _public_http_url(value: str) -> None:
    if value and not value.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")


def _optional_host_port(value: str) -> None:
    if value:
        HostPort.parse(value)


def _on_off(value: str) -> None:
    if value not in {"on", "off"}:
        raise ValueError("must be 'on' or 'off'")


def _security_profile(value: int) -> None:
    if not 0 <= value <= 3:
        raise ValueError("must be 0, 1, 2 or 3 (OCPP 1.6 security profiles)")


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(
        default=Path("capacitor-data"),
        metadata=_doc(
            "Directory holding the SQLite database and `initial-api-key`; created if missing."
        ),
    )
    http: HostPort = field(
        default=HostPort("0.0.0.0", 8080),
        metadata=_doc("`HOST:PORT` the REST API listens on (port 0 picks a free port)."),
    )
    ocpp: HostPort = field(
        default=HostPort("0.0.0.0", 9000),
        metadata=_doc("`HOST:PORT` the OCPP WebSocket listener for chargers listens on."),
    )
    public_url: str = field(
        default="",
        metadata=_doc(
            "Base URL chargers use to reach the box, e.g. `ws://gateway.local:9000`; "
            "`connectionUrl` is this plus `/ocpp/{chargeBoxId}`. Empty: `ws://` + this "
            "machine's host name + the OCPP port.",
            check=_public_url,
        ),
    )
    heartbeat_interval_s: int = field(
        default=300,
        metadata=_doc(
            "Heartbeat interval given to chargers in BootNotification.conf.", check=_positive
        ),
    )
    heartbeat_grace_s: float = field(
        default=60.0,
        metadata=_doc(
            "A session silent for `heartbeat_interval_s * 2 + heartbeat_grace_s` is closed "
            "as stale.",
            check=_non_negative,
        ),
    )
    ws_ping_interval_s: float = field(
        default=60.0,
        metadata=_doc(
            "Seconds between WebSocket pings to each charger; 0 disables (for chargers that "
            "never answer pings).",
            check=_non_negative,
        ),
    )
    max_message_bytes: int = field(
        default=65536,
        metadata=_doc(
            "Largest OCPP frame accepted; a larger one closes the session with 1009.",
            check=_positive,
        ),
    )
    max_connections: int = field(
        default=20000,
        metadata=_doc(
            "Most charger connections open at once; past it new ones get HTTP 503.", check=_positive
        ),
    )
    handshake_timeout_s: float = field(
        default=10.0,
        metadata=_doc(
            "A connection that has not finished its TLS handshake and WebSocket upgrade this "
            "many seconds after it was accepted is closed (and recorded as a connection attempt).",
            check=_positive,
        ),
    )
    max_pending_handshakes: int = field(
        default=500,
        metadata=_doc(
            "Most connections still in their handshake at once; past it (or past "
            "`max_connections`) the oldest of them is closed, so silent sockets cannot keep "
            "chargers out. Not counted in `max_connections`.",
            check=_positive,
        ),
    )
    nominal_voltage_v: float = field(
        default=230.0,
        metadata=_doc(
            "Phase-to-neutral voltage used to convert charging limits between amperes and "
            "watts for a charger whose own `voltage` is not set (PUT .../smart-charging).",
            check=_positive,
        ),
    )
    call_timeout_s: float = field(
        default=30.0,
        metadata=_doc(
            "How long to wait for a charger's answer to a CSMS-initiated CALL.", check=_positive
        ),
    )
    message_trace_limit: int = field(
        default=200,
        metadata=_doc(
            "OCPP frames kept per charger for `GET .../messages` (newest first).",
            check=_non_negative,
        ),
    )
    shutdown_timeout_s: float = field(
        default=2.0,
        metadata=_doc(
            "On SIGTERM/SIGINT, how long in-flight REST requests get to finish before the "
            "process exits (keep it under 3 s).",
            check=_non_negative,
        ),
    )
    authorization_mode: str = field(
        default="open",
        metadata=_doc(
            "`open`: every idTag is Accepted (a fresh appliance charges cars); `list`: only "
            "tags on the organisation's id-tag list, unblocked and unexpired, are Accepted "
            "(others are Invalid, Blocked or Expired).",
            check=_authorization_mode,
        ),
    )
    default_remote_id_tag: str = field(
        default="CAPACITOR",
        metadata=_doc(
            "idTag sent with a remote start when the request names none "
            "(`POST /api/v1/transactions/start`)."
        ),
    )
    data_transfer_vendors: str = field(
        default="",
        metadata=_doc(
            "Comma-separated vendorIds whose DataTransfer messages are answered Accepted; "
            "every DataTransfer is recorded, others are answered UnknownVendorId."
        ),
    )
    log_level: str = field(
        default="info",
        metadata=_doc("Log level: debug, info, warning or error.", check=_log_level),
    )
    log_format: str = field(
        default="text",
        metadata=_doc(
            "Log lines on stderr: `text` (one human-readable line per event) or `json` (one "
            "JSON object per line, for journald and log shippers).",
            check=_log_format,
        ),
    )
    metrics_access: str = field(
        default="open",
        metadata=_doc(
            "Who may read `GET /metrics`: `open` (anyone who reaches the REST port, for a "
            "Prometheus on the LAN) or `key` (a valid `X-API-Key` of any organisation).",
            check=_metrics_access,
        ),
    )
    public_http_url: str = field(
        default="",
        metadata=_doc(
            "Base URL chargers use to reach the box's HTTP port for firmware downloads and "
            "diagnostics uploads, e.g. `http://gateway.local:8080`. Empty: `http://` + this "
            "machine's host name + the REST port.",
            check=_public_http_url,
        ),
    )
    firmware_max_bytes: int = field(
        default=256 * 1024 * 1024,
        metadata=_doc("Largest firmware file `POST /api/v1/firmware` accepts.", check=_positive),
    )
    diagnostics_max_bytes: int = field(
        default=64 * 1024 * 1024,
        metadata=_doc("Largest diagnostics file a charger may upload to the box.", check=_positive),
    )
    tls_cert_file: str = field(
        default="",
        metadata=_doc(
            "PEM certificate (chain) of the OCPP listener. With `tls_key_file` set too, chargers "
            "connect over `wss://` (TLS 1.2+). Empty: plain `ws://`."
        ),
    )
    tls_key_file: str = field(default="", metadata=_doc("PEM private key of `tls_cert_file`."))
    tls_client_ca_file: str = field(
        default="",
        metadata=_doc(
            "PEM CA certificate(s) that sign charger client certificates (security profile 3). "
            "Empty: no client certificates are asked for."
        ),
    )
    ocpp_plain: str = field(
        default="",
        metadata=_doc(
            "With TLS on, `HOST:PORT` of an extra plain `ws://` listener for chargers of "
            "security profiles 0 and 1. Empty: no plain listener.",
            check=_optional_host_port,
        ),
    )
    http_tls: str = field(
        default="off",
        metadata=_doc(
            "`on`: serve the REST API over HTTPS with `http_tls_cert_file`/`http_tls_key_file`, "
            "or else the OCPP listener's `tls_cert_file`/`tls_key_file`.",
            check=_on_off,
        ),
    )
    http_tls_cert_file: str = field(
        default="", metadata=_doc("PEM certificate of the REST API when `http_tls` is `on`.")
    )
    http_tls_key_file: str = field(
        default="", metadata=_doc("PEM private key of `http_tls_cert_file`.")
    )
    default_security_profile: int = field(
        default=0,
        metadata=_doc(
            "OCPP security profile of a charger registered without `securityProfile`.",
            check=_security_profile,
        ),
    )
    charger_auth_failures_per_min: int = field(
        default=10,
        metadata=_doc(
            "Failed charger logins (wrong password or certificate) allowed per source address "
            "per minute (token bucket); past it, HTTP 429 until a token is back.",
            check=_positive,
        ),
    )
    api_key_failures_per_min: int = field(
        default=30,
        metadata=_doc(
            "Failed `X-API-Key` attempts allowed per source address per minute (token bucket); "
            "past it, HTTP 429 `RATE_LIMIT_ERROR` with `Retry-After`.",
            check=_positive,
        ),
    )
    storage_reserve_mib: int = field(
        default=8,
        metadata=_doc(
            "MiB held back in `data_dir` as `.reserve`, released to checkpoint, migrate and "
            "shut down on a full disk (keep it above the WAL's ~4 MiB). 0: none.",
            check=_non_negative,
        ),
    )
    storage_failure_watchdog_s: float = field(
        default=300.0,
        metadata=_doc(
            "Under a systemd watchdog, stop sending `WATCHDOG=1` once storage has failed this "
            "long, so systemd restarts the box (not again if it was failing from start); 0: never.",
            check=_non_negative,
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
