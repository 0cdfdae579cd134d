"""Keeping charger passwords out of what the box shows and stores for diagnosis.

OCPP 1.6 (security whitepaper) sets a charger's Basic-auth password with ChangeConfiguration of
the write-only key ``AuthorizationKey``. The command audit log and the frame trace are readable
over REST, so the value is masked there.
"""

from __future__ import annotations

import json
from typing import Any

_SECRET_KEY = "AuthorizationKey"
SECRET_KEYS = frozenset({_SECRET_KEY})
MASK = "****"


def redact_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` with the value of a secret configuration key masked."""
    key = payload.get("key")
    if isinstance(key, str) and key in SECRET_KEYS and "value" in payload:
        return {**payload, "value": MASK}
    return payload


def redact_frame(text: str) -> str:
    """An OCPP-J frame with any secret configuration value masked (cheap when there is none)."""
    # Every frame in and out passes here: one substring test is all a normal frame costs.
    if _SECRET_KEY not in text:
        return text
    try:
        frame = json.loads(text)
    except ValueError:
        return MASK  # unparseable and mentions a secret: keep nothing of it
    return json.dumps(_redact(frame), separators=(",", ":"), ensure_ascii=False)


def redact_value(value: Any) -> Any:
    """Any JSON value with secret configuration values masked, at any depth."""
    return _redact(value)


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        key = value.get("key")
        if isinstance(key, str) and key in SECRET_KEYS and "value" in value:
            value = {**value, "value": MASK}
        return {k: _redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return value
