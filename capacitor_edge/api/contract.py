"""The REST contract written once (DESIGN.md, convention 8): the response models in
:mod:`capacitor_edge.api.responses` are what routes return, what is sent and what
``/openapi.json`` shows.

A route declares its success body with :func:`returns`; that documents the model for its
statuses and, on every call, refuses anything but an instance of that model (a ``TypeError``,
answered as a 500), so a field cannot be sent unless the model has it, and a body built as a
plain dict never reaches the wire unchecked. quart-schema turns the returned model into JSON
with :data:`DUMP_OPTIONS`; error bodies go through :func:`body` with the same options.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any, TypeVar

from pydantic import BaseModel
from quart_schema import document_response
from quart_schema.typing import PydanticDumpOptions

#: How a response model becomes JSON: every field given to the model is sent, ``None`` as
#: ``null``; an optional field never given (``authorizationKey`` when the box generated none,
#: ``note``, the ``CommandResult`` echoes a command does not take) is left out. Field order is
#: the model's.
DUMP_OPTIONS: PydanticDumpOptions = {"exclude_unset": True}
#: Where :func:`returns` records (model, statuses) on the view function, for the tests.
CONTRACT_ATTRIBUTE = "_capacitor_edge_contract"

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


def body(model: BaseModel) -> dict[str, Any]:
    """The JSON object ``model`` is sent as (for the few places that build a Response)."""
    return model.model_dump(**DUMP_OPTIONS)


def returns(model: type[BaseModel], *statuses: int) -> Callable[[F], F]:
    """Document ``model`` as the body of ``statuses`` (default 200) and hold the route to it:
    it must return an instance of exactly ``model``, with one of ``statuses``."""
    allowed = statuses or (200,)

    def decorate(func: F) -> F:
        for status in allowed:
            func = document_response(model, status)(func)

        @wraps(func)
        async def checked(*args: Any, **kwargs: Any) -> Any:
            result = await func(*args, **kwargs)
            value, status = (result[0], result[1]) if isinstance(result, tuple) else (result, 200)
            # Exact type: a subclass could carry fields the document does not show.
            if type(value) is not model or status not in allowed:
                raise TypeError(
                    f"{func.__qualname__} answered {status} with {type(value).__name__}; "
                    f"its contract is {model.__name__} for {', '.join(map(str, allowed))}"
                )
            return result

        setattr(checked, CONTRACT_ATTRIBUTE, (model, frozenset(allowed)))
        return checked  # type: ignore[return-value]

    return decorate
