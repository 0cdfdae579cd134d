"""The `ocpp` package's OCPP 1.6 message dataclasses (``call``, ``call_result``) and its
snake/camel case converters, imported on first use rather than at start-up.

``import ocpp.v16`` runs the package's ``__init__``, which imports its asyncio ``ChargePoint``,
and through it asyncio's event loop machinery, jsonschema, referencing and rpds: ~0.1 CPU-s
and ~3 MiB of a cold start (docs/PERFORMANCE.md, issue 21) for dataclasses the box only builds
when it sends a command to a charger. mypy sees the real modules; at run time ``call`` and
``call_result`` import them when an attribute is first read.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any


class _LazyModule:
    """Stands for a module until an attribute is read, then imports it and keeps it."""

    __slots__ = ("_module", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attribute)


if TYPE_CHECKING:
    from ocpp.v16 import call, call_result
else:
    call = _LazyModule("ocpp.v16.call")
    call_result = _LazyModule("ocpp.v16.call_result")


def camel_to_snake_case(data: Any) -> Any:
    """``ocpp.charge_point.camel_to_snake_case`` (imported on the first call)."""
    from ocpp.charge_point import camel_to_snake_case as convert

    return convert(data)


def snake_to_camel_case(data: Any) -> Any:
    """``ocpp.charge_point.snake_to_camel_case`` (imported on the first call)."""
    from ocpp.charge_point import snake_to_camel_case as convert

    return convert(data)


__all__ = ["call", "call_result", "camel_to_snake_case", "snake_to_camel_case"]
