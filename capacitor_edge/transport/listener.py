"""The OCPP listener (placeholder until the listener issue fills it)."""

from __future__ import annotations

import trio

from capacitor_edge.domain.services import Services


async def serve_ocpp(
    services: Services,
    shutdown: trio.Event,
    *,
    task_status: trio.TaskStatus[str] = trio.TASK_STATUS_IGNORED,
) -> None:
    address = services.settings.ocpp
    task_status.started(f"ws://{address}/ocpp")
    await shutdown.wait()
