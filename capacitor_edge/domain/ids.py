"""Public identifiers: a type prefix and random URL-safe characters (``chg_…``, ``key_…``)."""

from __future__ import annotations

import secrets
import string

_ALPHABET = string.ascii_lowercase + string.digits


def new_id(prefix: str, length: int = 16) -> str:
    """``prefix_`` + ``length`` random lower-case letters and digits (~82 bits at 16)."""
    return prefix + "_" + "".join(secrets.choice(_ALPHABET) for _ in range(length))
