"""The appliance's settings: one frozen object, built from a TOML file, then ``CAPACITOR_EDGE_*``
environment variables, then command-line flags (later sources win).

Every field carries its own documentation; the README lists them all and a test checks that it
does. Unknown keys and bad values are errors that name the key: a typo in a config file on a
gateway in a car park must not be silently ignored.
"""

from __future__ import annotations

import dataclasses
import math
import socket
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV_PREFIX = "CAPACITOR_EDGE_"
#: The environment variable that names the config file (the same as ``--config``).
CONFIG_ENV = ENV_PREFIX + "CONFIG"


class SettingsError(ValueError):
    """A setting is unknown or has a bad value; the message names the key and the source."""


@dataclass(frozen=True, order=True)
class HostPort:
    host: str
    port: int

    @classmethod
    def parse(cls, text: str) -> HostPort:
        host, sep, port_text = text.rpartition(":")
        if not sep or not port_text.isdigit():
            raise ValueError(f"expected HOST:PORT, got {text!r}")
        port = int(port_text)
        if not 0 <= port <= 65535:
            raise ValueError(f"port {port} is out of range 0-65535")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        if not host:
            raise ValueError(f"expected HOST:PORT, got {text!r}")
        return cls(host, port)

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


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


def _retry_schedule(value: tuple[float, ...]) -> None:
    if not value:
        raise ValueError("must list at least one delay")
    if any(delay < 0 for delay in value):
        raise ValueError("delays must be 0 or more")


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

    webhook_timeout_s: float = field(
        default=5.0,
        metadata=_doc(
            "A webhook delivery counts only if the receiver answers 2xx within this long; "
            "anything else is retried (`webhook_retry_schedule_s`).",
            check=_positive,
        ),
    )
    webhook_retry_schedule_s: tuple[float, ...] = field(
        default=(5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 28800),
        metadata=_doc(
            "Delays in seconds between a webhook's delivery attempts of one event (a TOML list, "
            "or comma-separated), each +/-20 % jitter. The default retries for about a day "
            "(~23.7 h); after the last one fails the webhook is disabled until re-enabled.",
            check=_retry_schedule,
        ),
    )
    event_retention_days: int = field(
        default=30,
        metadata=_doc(
            "Events older than this are pruned from the journal, but never one an active "
            "webhook has not had yet.",
            check=_positive,
        ),
    )
    event_retention_rows: int = field(
        default=1_000_000,
        metadata=_doc(
            "The journal keeps at most this many newest events (same exception as "
            "`event_retention_days`).",
            check=_positive,
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


def _number(item: object) -> float:
    if isinstance(item, bool) or not isinstance(item, int | float | str):
        raise ValueError("must be a list of numbers")
    number = float(item)
    if not math.isfinite(number):
        raise ValueError("must be finite numbers")
    return number


FIELDS: dict[str, dataclasses.Field[Any]] = {f.name: f for f in dataclasses.fields(Settings)}


def _convert(name: str, value: Any, source: str) -> Any:
    """Turn a raw value (TOML-typed, or a string from the environment or a flag) into the
    field's type, and run the field's check."""
    kind = FIELDS[name].type
    try:
        converted: Any
        if kind == "Path":
            if not isinstance(value, str):
                raise ValueError("must be a string path")
            converted = Path(value)
        elif kind == "HostPort":
            if not isinstance(value, str):
                raise ValueError("must be a HOST:PORT string")
            converted = HostPort.parse(value)
        elif kind == "int":
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise ValueError("must be a whole number")
            converted = int(value)
        elif kind == "float":
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise ValueError("must be a number")
            converted = float(value)
            if not math.isfinite(converted):
                raise ValueError("must be a finite number")
        elif kind == "tuple[float, ...]":
            items = value.split(",") if isinstance(value, str) else value
            if not isinstance(items, list) or isinstance(items, bool):
                raise ValueError("must be a list of numbers")
            converted = tuple(_number(item) for item in items)
        elif kind == "str":
            if not isinstance(value, str):
                raise ValueError("must be a string")
            converted = value
        else:  # pragma: no cover - a new field type without a converter is a programming error
            raise TypeError(f"no converter for {kind}")
        check: Callable[[Any], None] | None = FIELDS[name].metadata.get("check")
        if check is not None:
            check(converted)
    except ValueError as error:
        raise SettingsError(f"{source}: setting {name!r}: {error} (got {value!r})") from None
    return converted


def load_settings(
    config_file: Path | None = None,
    env: Mapping[str, str] | None = None,
    flags: Mapping[str, str | None] | None = None,
) -> Settings:
    """Build the settings: defaults < TOML file < environment < flags."""
    values: dict[str, Any] = {}
    if config_file is not None:
        try:
            with config_file.open("rb") as handle:
                table = tomllib.load(handle)
        except OSError as error:
            raise SettingsError(
                f"cannot read config file {config_file}: {error.strerror}"
            ) from None
        except tomllib.TOMLDecodeError as error:
            raise SettingsError(f"config file {config_file} is not valid TOML: {error}") from None
        for key, value in table.items():
            if key not in FIELDS:
                raise SettingsError(f"{config_file}: unknown setting {key!r}")
            values[key] = _convert(key, value, str(config_file))
    for var, value in (env or {}).items():
        if not var.startswith(ENV_PREFIX) or var == CONFIG_ENV:
            continue
        key = var[len(ENV_PREFIX) :].lower()
        if key not in FIELDS:
            raise SettingsError(f"environment: unknown setting {var}")
        values[key] = _convert(key, value, f"environment {var}")
    for key, value in (flags or {}).items():
        if value is None:
            continue
        if key not in FIELDS:
            raise SettingsError(f"unknown setting {key!r}")
        values[key] = _convert(key, value, "--" + key.replace("_", "-"))
    return Settings(**values)
