"""Log lines on stderr, where journald (or the terminal) picks them up.

One line per event, whatever the format: ``text`` for people, ``json`` (one object per line) for
journald's structured view and log shippers. A record about one charger carries its id as the
``chargeBoxId`` field (``extra={"chargeBoxId": ...}``): a JSON key, and ``[CP-1]`` after the
logger name in text.

Secrets never reach a log line. The code logs no request bodies, headers or credentials; as a
safety net every line is passed through :func:`redact` after it is rendered (traceback and
extra fields included), which masks API keys, HTTP Basic/Bearer credentials and values of
fields named like passwords or AuthorizationKeys.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

#: ``extra`` key (and JSON field) naming the charger a record is about.
CHARGE_BOX_ID = "chargeBoxId"

FORMATS = ("text", "json")

# Attributes every LogRecord has; anything else on a record came from ``extra``.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}

_SECRETS: tuple[tuple[re.Pattern[str], str], ...] = (
    # API keys: cap_live_ + 32 URL-safe characters. The 4-character prefix the API shows
    # (``cap_live_AbCd****``) is left alone; anything longer is masked, a truncated key too.
    (re.compile(r"cap_live_[A-Za-z0-9_-]{5,}"), "cap_live_****"),
    # An Authorization header's credentials (a charger's Basic auth carries its password).
    (re.compile(r"\b(Basic|Bearer) +[A-Za-z0-9+/._~-]{16,}=*"), r"\1 ****"),
    # ChangeConfiguration of the charger's password: {"key": "AuthorizationKey", "value": ...}.
    (
        re.compile(r'("key"\s*:\s*"AuthorizationKey"\s*,\s*"value"\s*:\s*")[^"]*'),
        r"\1****",
    ),
    # key=value / "key": "value" where the key names a secret.
    (
        re.compile(
            r"""((?:authorization_?key|password|passwd|secret|api_?key|x-api-key)['"]?"""
            r"""\s*[:=]\s*['"]?)[^'"\s,;&}]+""",
            re.IGNORECASE,
        ),
        r"\1****",
    ),
)


#: Every pattern above needs one of these (compared in lower case) to match: a line without any
#: of them is passed as it is, without running the patterns (most lines have none).
_TRIGGERS = (
    "cap_live_",
    "basic",
    "bearer",
    "authorization",
    "password",
    "passwd",
    "secret",
    "apikey",
    "api_key",
    "api-key",
)


def redact(text: str) -> str:
    """``text`` with every secret that looks like one masked."""
    lowered = text.lower()
    if not any(trigger in lowered for trigger in _TRIGGERS):
        return text
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def _one_line(text: str) -> str:
    # A charger's frame or a traceback must not split into lines that journald reads as
    # separate events (or that a charger could use to forge a log line).
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {
        key: value
        for key, value in vars(record).items()
        if key not in _RECORD_ATTRIBUTES and not key.startswith("_")
    }


def _json_text(value: Any) -> Any:
    """A JSON-able ``extra`` value as it is, anything else as its ``str``."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


class TextFormatter(logging.Formatter):
    """``2026-11-23 22:34:08,441 INFO capacitor_edge.ocpp [CP-1] connected from ...``"""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        charge_box_id = getattr(record, CHARGE_BOX_ID, None)
        if charge_box_id is not None:
            record.message = f"[{charge_box_id}] {record.message}"
        return super().formatMessage(record)

    def format(self, record: logging.LogRecord) -> str:
        return _one_line(redact(super().format(record)))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time`` (UTC, ISO 8601 with milliseconds), ``level``,
    ``logger``, ``message``, ``chargeBoxId`` when the record is about a charger, any other
    ``extra`` fields, and ``exception`` (the traceback) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, UTC)
        line: dict[str, Any] = {
            "time": when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(_extras(record))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        # Redacted field by field, before JSON escapes the quotes the patterns look for.
        for key, value in line.items():
            plain = _json_text(value)
            line[key] = redact(plain) if isinstance(plain, str) else plain
        return json.dumps(line, ensure_ascii=False)


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter()
    if log_format == "text":
        return TextFormatter()
    raise ValueError(f"unknown log format {log_format!r}")


def configure_logging(level: str, log_format: str = "text", stream: TextIO | None = None) -> None:
    """Send every logger's records at ``level`` and above to ``stream`` (stderr), one line each."""
    # No line shows where in the source it was logged, or which thread or process: left out,
    # as the logging HOWTO's "Optimization" section says, so a record does not walk the stack
    # (nor make a frame object for the caller's coroutine) or ask for them (issue 21: logging
    # was ~8 % of the event loop in a boot storm, a line per connection).
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(formatter(log_format))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
