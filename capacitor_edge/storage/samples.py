"""Sampled meter values as stored (shared by the transaction writes and reads)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    """One sampledValue of a MeterValues / StopTransaction.transactionData entry."""

    timestamp: str
    measurand: str
    phase: str | None
    unit: str | None
    context: str | None
    location: str | None
    format: str | None
    value: str
    value_wh: float | None  # Energy.* registers normalised to Wh
