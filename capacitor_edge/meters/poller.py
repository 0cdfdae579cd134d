"""The poller: reads the site's meter every ``pollIntervalS`` while the site says it has a
Modbus meter, and hands each reading to the load controller. A failed read is logged once
per failure run; the controller falls back to the safe limit when readings stop coming."""

from __future__ import annotations

import logging

import trio

from capacitor_edge.domain.load_control import LoadControl
from capacitor_edge.domain.site import MeterConfig
from capacitor_edge.meters.modbus import MeterError, ModbusMeter

log = logging.getLogger("capacitor_edge.meters")
#: How often to look again while no Modbus meter is configured.
IDLE_S = 1.0


async def poll_meter(
    control: LoadControl, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED
) -> None:
    task_status.started()
    meter: ModbusMeter | None = None
    failing = False
    try:
        while True:
            site = control.site()
            config: MeterConfig | None = None
            if site is not None and site.meter.source == "modbus":
                config = site.meter
            if config is None:
                await trio.sleep(IDLE_S)
                continue
            if meter is None or meter.config != config:
                if meter is not None:
                    meter.close()
                meter = ModbusMeter(config)
            try:
                control.building_load(await meter.read())
                if failing:
                    log.info("meter %s:%d answers again", config.host, config.port)
                failing = False
            except (MeterError, OSError) as failed:
                if not failing:
                    log.warning("meter %s:%d: %s", config.host, config.port, failed)
                failing = True
            await trio.sleep(config.poll_interval_s)
    finally:
        if meter is not None:
            meter.close()
