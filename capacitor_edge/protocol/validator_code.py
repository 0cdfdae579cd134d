"""Generate the OCPP 1.6 validators' Python code at build time (``make validators``).

    python -m capacitor_edge.protocol.validator_code

writes ``protocol/validators/<action>.py`` and ``<action>response.py`` for every action the box
knows, from the `ocpp` package's schemas as :func:`schemas.load_schema` tightens them, with
fastjsonschema's ``compile_to_code`` (the same code ``fastjsonschema.compile`` builds in memory).
A process then imports a validator's bytecode instead of generating and compiling its code:
~0.17-0.4 CPU-s of every start (docs/PERFORMANCE.md, issue 21). Run it again after changing the
tightening or upgrading `ocpp` or fastjsonschema; tests/protocol/test_precompiled_validators.py
fails until then (and until then the box compiles the changed schemas at run time).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from pathlib import Path

import fastjsonschema

from capacitor_edge.protocol.actions import ALL_ACTIONS
from capacitor_edge.protocol.schemas import (
    DEFAULT_SCHEMA_DIR,
    FORMATS,
    GENERATED_PACKAGE,
    load_schema,
    schema_digest,
)

HEADER = '''"""Generated from {name}.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "{digest}"

'''


def schema_stems(actions: Iterable[str] = ALL_ACTIONS) -> list[str]:
    """Every schema file the box validates with: each action's request and response."""
    return sorted(stem for action in actions for stem in (action, f"{action}Response"))


def validator_source(stem: str, schema_dir: Path = DEFAULT_SCHEMA_DIR) -> str:
    """The generated module for the schema ``stem`` (e.g. ``StatusNotificationResponse``)."""
    schema = load_schema(schema_dir / f"{stem}.json")
    # use_default=False: validation must never write defaults into the charger's payload.
    code = fastjsonschema.compile_to_code(schema, use_default=False, formats=FORMATS)
    # The entry function is named after the schema's `$id` where it has one; the same schema
    # compiled in memory names it, and schemas.py looks for `validate`.
    entry = fastjsonschema.compile(schema, use_default=False, formats=FORMATS).__name__
    alias = "" if entry == "validate" else f"\nvalidate = {entry}\n"
    return HEADER.format(name=stem, digest=schema_digest(schema)) + code + alias


def generated_dir() -> Path:
    package = importlib.import_module(GENERATED_PACKAGE)
    return Path(package.__path__[0])


def generated_path(stem: str) -> Path:
    return generated_dir() / f"{stem.lower()}.py"


def write_all(schema_dir: Path = DEFAULT_SCHEMA_DIR) -> list[Path]:
    """(Re)write every generated module and remove those of schemas no longer used."""
    stems = schema_stems()
    written = []
    for stem in stems:
        path = generated_path(stem)
        path.write_text(validator_source(stem, schema_dir), encoding="utf-8")
        written.append(path)
    wanted = {path.name for path in written} | {"__init__.py"}
    for stale in generated_dir().glob("*.py"):
        if stale.name not in wanted:
            stale.unlink()
    return written


def main() -> int:
    written = write_all()
    print(f"wrote {len(written)} validators to {generated_dir()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
