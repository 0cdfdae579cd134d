"""One CSMS-initiated CALL to a charger, typed and audited.

A request is one of the ``ocpp`` package's OCPP 1.6 request dataclasses (``ocpp.v16.call``: its
class name is the action) and the answer comes back as the matching ``ocpp.v16.call_result``
dataclass. The wire gets the JSON the OCPP 1.6 schemas name: fields in camelCase, enums as their
values, and unset optional fields left out (the schemas have no nulls). Every outcome of every
call is written to the charger's command audit log, whatever happens.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from typing import Any, TypeVar

import trio

from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.errors import CallUnanswered, ChargerFailed, ChargerUnavailable, Invalid
from capacitor_edge.domain.keys import Principal
from capacitor_edge.domain.live import LiveChargers
from capacitor_edge.domain.redaction import redact_payload, redact_value
from capacitor_edge.protocol.ocpp_messages import camel_to_snake_case, snake_to_camel_case
from capacitor_edge.storage.chargers import ChargerRecord
from capacitor_edge.storage.commands import CommandRecord, CommandStore

#: An ``ocpp.v16.call_result`` dataclass (the package ships no type information).
Result = TypeVar("Result")


def snake_status(status: str) -> str:
    """``UnlockFailed`` → ``unlock_failed``, ``Accepted`` → ``accepted``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", status).lower()


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items() if item is not None}
    return value


def to_wire(request: Any) -> tuple[str, dict[str, Any]]:
    """(action, payload) of an ``ocpp.v16.call`` dataclass, as the schemas spell them."""
    fields = {f.name: getattr(request, f.name) for f in dataclasses.fields(request)}
    payload: dict[str, Any] = snake_to_camel_case(_plain(fields))
    return type(request).__name__, payload


def from_wire(result_type: type[Result], payload: dict[str, Any]) -> Result:
    """The ``ocpp.v16.call_result`` dataclass of an answer the schema has already passed."""
    names = {f.name for f in dataclasses.fields(result_type)}  # type: ignore[arg-type]
    values = camel_to_snake_case(payload)
    return result_type(**{key: value for key, value in values.items() if key in names})


class ChargerCalls:
    def __init__(self, live: LiveChargers, audit: CommandStore, clock: Clock) -> None:
        self._live = live
        self._audit = audit
        self._clock = clock

    async def exchange(
        self, principal: Principal, charger: ChargerRecord, request: Any, answer: type[Result]
    ) -> Result:
        """Send ``request`` and return the charger's answer as ``answer``; raises the domain's
        :class:`CallUnanswered` outcomes, :class:`Invalid` for a payload the schema refuses."""
        action, payload = to_wire(request)
        requested_at = iso_z(self._clock.now())
        outcome = "answered"
        response: dict[str, Any] | None = None
        error: ChargerFailed | None = None
        try:
            link = self._live.get(charger.charge_box_id)
            if link is None:
                raise ChargerUnavailable(charger.charge_box_id)
            try:
                response = await link.call(action, payload)
            except ValueError as bad:  # a payload the schema refuses: our caller's mistake
                raise Invalid("body", str(bad)) from None
            return from_wire(answer, response)
        except CallUnanswered as unanswered:
            outcome = unanswered.audit
            error = unanswered if isinstance(unanswered, ChargerFailed) else None
            raise
        except BaseException:
            outcome = "failed"
            raise
        finally:
            record = CommandRecord(
                id=0,
                api_key_id=principal.key_id,
                action=action,
                request=redact_payload(payload),
                outcome=outcome,
                response=None if response is None else redact_value(response),
                error_code=None if error is None else error.code,
                error_description=None if error is None else error.description,
                requested_at=requested_at,
                finished_at=iso_z(self._clock.now()),
            )
            with trio.CancelScope(shield=True):
                await self._audit.record(charger.seq, record)
