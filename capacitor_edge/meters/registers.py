"""Where common three-phase meters keep their phase currents (Modbus register maps).

Addresses are 0-based protocol addresses (the "3xxxx"/"4xxxx" numbers of the data sheets less
their prefix and 1). Each value spans two 16-bit registers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class RegisterMap:
    #: ``input`` (function 4) or ``holding`` (function 3).
    table: Literal["input", "holding"]
    #: First register of the L1, L2 and L3 currents.
    currents: tuple[int, int, int]
    #: ``float32``, ``int32`` or ``uint32``.
    data_type: Literal["float32", "int32", "uint32"]
    #: ``big``: the high word first; ``little``: the low word first.
    word_order: Literal["big", "little"]
    #: Raw value x scale = amperes.
    scale: float


METER_MODELS: dict[str, RegisterMap] = {
    # Eastron SDM630 (v2): input registers 30007/30009/30011, IEEE 754 float, high word first.
    "sdm630": RegisterMap("input", (0x0006, 0x0008, 0x000A), "float32", "big", 1.0),
    # Carlo Gavazzi EM24: A L1/L2/L3 at 0x000C/0x000E/0x0010, INT32 in mA, low word first.
    "em24": RegisterMap("holding", (0x000C, 0x000E, 0x0010), "int32", "little", 0.001),
    # ABB B23/B24: current L1/L2/L3 at 0x5B0C/0x5B0E/0x5B10, UINT32 in 0.01 A, high word first.
    "abb_b23": RegisterMap("holding", (0x5B0C, 0x5B0E, 0x5B10), "uint32", "big", 0.01),
}
