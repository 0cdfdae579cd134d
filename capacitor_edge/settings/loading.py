"""Building the settings from their sources: defaults, then a TOML file, then ``CAPACITOR_EDGE_*``
environment variables, then command-line flags (later sources win). Unknown keys and bad values
are errors that name the key and the source."""

from __future__ import annotations

import dataclasses
import math
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from capacitor_edge.settings.fields import Settings
from capacitor_edge.settings.values import HostPort, SettingsError

ENV_PREFIX = "CAPACITOR_EDGE_"
#: The environment variable that names the config file (the same as ``--config``).
CONFIG_ENV = ENV_PREFIX + "CONFIG"


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
