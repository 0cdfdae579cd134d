"""The validators generated at build time (issue 21: cold start): current, used, and the same
violations as the validators fastjsonschema compiles in memory from the same schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest

from capacitor_edge.protocol import ErrorCode, SchemaRegistry, Violation
from capacitor_edge.protocol.schemas import (
    DEFAULT_SCHEMA_DIR,
    FORMATS,
    GENERATED_PACKAGE,
    _compile,
    _run,
    load_schema,
)
from capacitor_edge.protocol.validator_code import (
    generated_dir,
    generated_path,
    schema_stems,
    validator_source,
)

STEMS = schema_stems()

#: Values wrong for most fields in some way: type, length, range, format, enum.
ODD_VALUES: list[Any] = [
    None,
    True,
    -1,
    1.5,
    2**70,
    "x" * 600,
    "2026-13-01T00:00:00Z",
    {"a": 1},
    [1, "a"],
    [],
]


def test_the_generated_validators_are_current() -> None:
    """Fails after a change to the tightening or an upgrade of ocpp or fastjsonschema until
    `make validators` is run (the box still validates correctly meanwhile, more slowly)."""
    stale = [
        s for s in STEMS if generated_path(s).read_text(encoding="utf-8") != validator_source(s)
    ]
    assert not stale, f"run `make validators`: {stale}"
    wanted = {generated_path(stem).name for stem in STEMS} | {"__init__.py"}
    assert {path.name for path in generated_dir().glob("*.py")} == wanted


@pytest.mark.parametrize("stem", STEMS)
def test_the_generated_validator_is_used_and_finds_what_the_compiled_one_finds(stem: str) -> None:
    path = DEFAULT_SCHEMA_DIR / f"{stem}.json"
    generated = _compile(path)
    assert generated.__module__ == f"{GENERATED_PACKAGE}.{stem.lower()}"
    schema = load_schema(path)
    in_memory = fastjsonschema.compile(schema, use_default=False, formats=FORMATS)
    required = dict.fromkeys(schema.get("required", []), "x")
    payloads: list[Any] = [[], {}, {"notAField": 1}, required]
    for name in schema.get("properties", {}):
        payloads += [{**required, name: value} for value in ODD_VALUES]
    for payload in payloads:
        assert _run(generated, payload) == _run(in_memory, payload), payload


def test_a_schema_unlike_the_generated_one_is_compiled_from_the_file(tmp_path: Path) -> None:
    """A schema_dir of one's own (or another ocpp release) is never checked with generated code
    made from other schemas."""
    for name in ("Heartbeat", "HeartbeatResponse"):
        schema = json.loads((DEFAULT_SCHEMA_DIR / f"{name}.json").read_text("utf-8-sig"))
        if name == "Heartbeat":
            schema["properties"] = {"note": {"type": "string"}}
            schema["required"] = ["note"]
        (tmp_path / f"{name}.json").write_text(json.dumps(schema))
    registry = SchemaRegistry({"Heartbeat"}, schema_dir=tmp_path)
    assert registry.validate_request("Heartbeat", {}) == Violation(
        ErrorCode.OccurenceConstraintViolation, "note: required property is missing"
    )
    assert registry.validate_request("Heartbeat", {"note": "hi"}) is None
    # The shipped one is still the generated one, and it refuses the field.
    assert SchemaRegistry({"Heartbeat"}).validate_request("Heartbeat", {"note": "hi"}) is not None
