"""The building meter over Modbus TCP, with pymodbus's synchronous client in a worker thread.

pymodbus's async client is asyncio-only and the box runs Trio; its sync client does one
blocking request per call, which ``trio.to_thread.run_sync`` runs off the event loop (one read
of three registers pairs every few seconds: a thread hop costs nothing here).
"""

from __future__ import annotations

from dataclasses import replace

import trio

from capacitor_edge.domain.site import MeterConfig
from capacitor_edge.meters.registers import METER_MODELS, RegisterMap

#: A meter that does not answer within this is retried at the next poll.
TIMEOUT_S = 2.0


class MeterError(Exception):
    pass


def register_map(config: MeterConfig) -> RegisterMap:
    """The model's map with the site document's overrides (addresses, scale)."""
    registers = METER_MODELS[config.model]
    if config.registers is not None:
        registers = replace(registers, currents=config.registers)
    if config.scale is not None:
        registers = replace(registers, scale=config.scale)
    return registers


class ModbusMeter:
    """One meter; the connection is kept between polls and opened again after a failure."""

    def __init__(self, config: MeterConfig) -> None:
        self.config = config
        self.registers = register_map(config)
        # pymodbus is imported only by a box with a Modbus meter: every other start-up would
        # pay for its import (~45 modules) for nothing.
        from pymodbus.client import ModbusTcpClient

        self._client = ModbusTcpClient(config.host, port=config.port, timeout=TIMEOUT_S, retries=0)

    def close(self) -> None:
        self._client.close()  # type: ignore[no-untyped-call]

    def _read_blocking(self) -> tuple[float, float, float]:
        from pymodbus.client import ModbusTcpClient
        from pymodbus.exceptions import ModbusException

        if not self._client.connected and not self._client.connect():  # type: ignore[no-untyped-call]
            raise MeterError(f"cannot connect to {self.config.host}:{self.config.port}")
        regs = self.registers
        data_type = {
            "float32": ModbusTcpClient.DATATYPE.FLOAT32,
            "int32": ModbusTcpClient.DATATYPE.INT32,
            "uint32": ModbusTcpClient.DATATYPE.UINT32,
        }[regs.data_type]
        read = (
            self._client.read_input_registers
            if regs.table == "input"
            else self._client.read_holding_registers
        )
        values: list[float] = []
        try:
            for address in regs.currents:
                answer = read(address, count=2, device_id=self.config.unit_id)
                if answer.isError():
                    raise MeterError(f"register {address}: {answer}")
                raw = ModbusTcpClient.convert_from_registers(
                    answer.registers, data_type, word_order=regs.word_order
                )
                assert isinstance(raw, int | float)
                values.append(float(raw) * regs.scale)
        except ModbusException as failed:
            self._client.close()  # type: ignore[no-untyped-call]
            raise MeterError(str(failed)) from None
        return values[0], values[1], values[2]

    async def read(self) -> tuple[float, float, float]:
        """Amperes on L1, L2, L3 (the meter's phases, which are the site's)."""
        return await trio.to_thread.run_sync(self._read_blocking, abandon_on_cancel=True)
