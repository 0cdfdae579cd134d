"""A three-phase building meter for the tests (issue 16): pymodbus's own Modbus TCP server, in
its own process, with the register map of one of the models the box knows.

    python -m tests.support.modbus_meter --model sdm630

prints ``listening PORT`` once it listens on 127.0.0.1 (a free port), then reads lines of three
numbers from stdin, the amperes on L1 L2 L3, writes them into the model's registers and prints
``set L1 L2 L3``. It ends when stdin closes.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from pymodbus.client import ModbusTcpClient
from pymodbus.datastore import (
    ModbusDeviceContext,
    ModbusSequentialDataBlock,
    ModbusServerContext,
)
from pymodbus.server import ModbusTcpServer

from capacitor_edge.meters.registers import METER_MODELS, RegisterMap

DATA_TYPES = {
    "float32": ModbusTcpClient.DATATYPE.FLOAT32,
    "int32": ModbusTcpClient.DATATYPE.INT32,
    "uint32": ModbusTcpClient.DATATYPE.UINT32,
}


def registers_of(registers: RegisterMap, amperes: float) -> list[int]:
    raw: float | int = amperes / registers.scale
    if registers.data_type != "float32":
        raw = round(raw)
    encoded = ModbusTcpClient.convert_to_registers(
        raw, DATA_TYPES[registers.data_type], word_order=registers.word_order
    )
    return list(encoded)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=sorted(METER_MODELS), default="sdm630")
    parser.add_argument("--unit", type=int, default=1)
    args = parser.parse_args()
    registers = METER_MODELS[args.model]
    size = max(registers.currents) + 4
    # Block address 1 is protocol address 0 (pymodbus counts data-sheet style from 1).
    block = ModbusSequentialDataBlock  # untyped
    device = ModbusDeviceContext(
        ir=block(1, [0] * size),  # type: ignore[no-untyped-call]
        hr=block(1, [0] * size),  # type: ignore[no-untyped-call]
    )
    server = ModbusTcpServer(
        ModbusServerContext(devices={args.unit: device}), address=("127.0.0.1", 0)
    )
    await server.serve_forever(background=True)
    port = server.transport.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
    print(f"listening {port}", flush=True)
    function = 4 if registers.table == "input" else 3
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        values = [float(word) for word in line.split()]
        for address, value in zip(registers.currents, values, strict=True):
            await server.async_setValues(
                args.unit, function, address, registers_of(registers, value)
            )
        print("set " + " ".join(f"{v:g}" for v in values), flush=True)
    await server.shutdown()  # type: ignore[no-untyped-call]


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main())
