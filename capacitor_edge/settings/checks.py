"""The checks a setting's value must pass, and the documentation helper of
:mod:`capacitor_edge.settings.fields` (split from it by what it holds)."""

from __future__ import annotations

from typing import Any

from capacitor_edge.settings.values import HostPort


def doc(text: str, **extra: Any) -> dict[str, Any]:
    return {"doc": text, **extra}


def positive_check(value: float) -> None:
    if value <= 0:
        raise ValueError("must be greater than 0")


def non_negative_check(value: float) -> None:
    if value < 0:
        raise ValueError("must be 0 or more")


def log_level_check(value: str) -> None:
    if value.lower() not in {"debug", "info", "warning", "error"}:
        raise ValueError("must be one of debug, info, warning, error")


def log_format_check(value: str) -> None:
    if value not in {"text", "json"}:
        raise ValueError("must be 'text' or 'json'")


def metrics_access_check(value: str) -> None:
    if value not in {"open", "key"}:
        raise ValueError("must be 'open' or 'key'")


def authorization_mode_check(value: str) -> None:
    if value not in {"open", "list"}:
        raise ValueError("must be 'open' or 'list'")


def public_url_check(value: str) -> None:
    if value and not value.startswith(("ws://", "wss://")):
        raise ValueError("must start with ws:// or wss://")


def public_http_url_check(value: str) -> None:
    if value and not value.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")


def optional_host_port_check(value: str) -> None:
    if value:
        HostPort.parse(value)


def on_off_check(value: str) -> None:
    if value not in {"on", "off"}:
        raise ValueError("must be 'on' or 'off'")


def retry_schedule_check(value: tuple[float, ...]) -> None:
    if not value:
        raise ValueError("must list at least one delay")
    if any(delay < 0 for delay in value):
        raise ValueError("delays must be 0 or more")


def security_profile_check(value: int) -> None:
    if not 0 <= value <= 3:
        raise ValueError("must be 0, 1, 2 or 3 (OCPP 1.6 security profiles)")
