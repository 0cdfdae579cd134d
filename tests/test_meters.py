"""The building meter adapter (issue 16) against pymodbus's own Modbus TCP server in its own
process, for each register map the box knows; and a meter that is not there."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
import trio

from capacitor_edge.domain.site import MeterConfig
from capacitor_edge.meters.modbus import MeterError, ModbusMeter
from capacitor_edge.meters.registers import METER_MODELS
from tests.test_site_e2e import Meter

TIMEOUT_S = 20.0


@pytest.mark.parametrize("model", sorted(METER_MODELS))
async def test_each_model_reads_its_phase_currents(model: str) -> None:
    with trio.fail_after(TIMEOUT_S):
        process = await trio.lowlevel.open_process(
            [sys.executable, "-m", "tests.support.modbus_meter", "--model", model, "--unit", "3"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        meter = Meter(process)
        try:
            port = int((await meter.line()).split()[1])
            await meter.set(12.5)
            config = MeterConfig(
                source="modbus", model=model, host="127.0.0.1", port=port, unit_id=3
            )
            reader = ModbusMeter(config)
            try:
                # The meter's resolution: 0.01 A (ABB), 0.001 A (EM24), a float (SDM630).
                assert await reader.read() == pytest.approx((12.5, 12.5, 12.5), abs=0.01)
            finally:
                reader.close()
        finally:
            assert process.stdin is not None
            await process.stdin.aclose()
            with trio.move_on_after(5):
                await process.wait()
            process.kill()


async def test_a_meter_that_is_not_there_is_an_error() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    reader = ModbusMeter(MeterConfig(source="modbus", host="127.0.0.1", port=port))
    with trio.fail_after(TIMEOUT_S), pytest.raises(MeterError, match="cannot connect"):
        await reader.read()
    reader.close()
