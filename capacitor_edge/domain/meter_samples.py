"""Sampled values of a MeterValues or a StopTransaction's transactionData (OCPP 1.6 §7.31), read
into storage rows (split from :mod:`capacitor_edge.domain.charger_messages`)."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from capacitor_edge.domain.errors import CallRejected
from capacitor_edge.domain.times import charger_time
from capacitor_edge.storage.transactions import Sample

#: OCPP 1.6 §7.31 SampledValue defaults.
DEFAULT_MEASURAND = "Energy.Active.Import.Register"
_WH_PER_UNIT = {"Wh": 1.0, "kWh": 1000.0, "varh": 1.0, "kvarh": 1000.0}

#: OCPP 1.6 §7.31: a Raw value is a decimal number - ASCII digits only, unlike what Python's
#: Decimal also takes ("1_000", Arabic-Indic digits, surrounding spaces).
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def read_samples(
    entries: list[dict[str, Any]], received: datetime, received_at: str
) -> tuple[list[Sample], int]:
    """The rows of every MeterValue entry, and how many entry timestamps had no zone.

    Raises CallRejected (PropertyConstraintViolation) for a Raw value that is not a number."""
    samples: list[Sample] = []
    zoneless = 0
    for entry in entries:
        moment = charger_time(entry["timestamp"], received, received_at)
        zoneless += moment.zoneless
        for index, sampled in enumerate(entry["sampledValue"]):
            samples.append(_sample(moment.text, index, sampled))
    return samples, zoneless


def _sample(timestamp: str, index: int, sampled: dict[str, Any]) -> Sample:
    value = sampled["value"]
    value_format = sampled.get("format")
    measurand = sampled.get("measurand") or DEFAULT_MEASURAND
    unit = sampled.get("unit")
    value_wh: float | None = None
    if value_format != "SignedData":
        # OCPP 1.6 §7.31: a Raw value is a decimal number. The schema only says "string", so a
        # charger sending "abc" is told which property is wrong.
        number = _decimal(value)
        if number is None:
            raise CallRejected(
                "PropertyConstraintViolation",
                f"sampledValue[{index}].value: {value[:40]!r} is not a decimal number",
            )
        if measurand.startswith("Energy."):
            value_wh = float(number) * _WH_PER_UNIT.get(unit or "Wh", 1.0)
    return Sample(
        timestamp=timestamp,
        measurand=measurand,
        phase=sampled.get("phase"),
        unit=unit,
        context=sampled.get("context"),
        location=sampled.get("location"),
        format=value_format,
        value=value,
        value_wh=value_wh,
    )


def _decimal(text: str) -> Decimal | None:
    if not _DECIMAL.fullmatch(text):
        return None
    return Decimal(text)
