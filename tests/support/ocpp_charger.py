#!/usr/bin/env python3
"""A real third-party OCPP 1.6J charger, driven over a line-oriented JSON protocol.

This script runs the ``ocpp`` package's asyncio ``ChargePoint`` (``ocpp.v16``) on
top of the ``websockets`` client library in its own process, so that Trio tests
can drive a genuinely independent OCPP implementation against our CSMS.

Usage::

    python tests/support/ocpp_charger.py --url ws://127.0.0.1:PORT/ocpp/CP-1 \
        [--subprotocol ocpp1.6] [--no-subprotocol] [--basic-auth USER:PASS] \
        [--header 'Name: value'] [--cafile F] [--certfile F --keyfile F] \
        [--max-seconds 60] [--response-timeout 10] [--log-level INFO]

Control protocol (one JSON object per line; stdout carries only protocol lines,
logs go to stderr):

First line on stdout is either ``{"event":"connected","subprotocol":...}`` or
``{"event":"connect_failed","error":...,"status":<HTTP status or null>}`` (the
process then exits with status 2).

Commands on stdin (each answered by exactly one stdout line with the same id):

* ``{"id":1,"call":"BootNotification","payload":{...camelCase...}}`` (optional
  ``"uniqueId"``, ``"skipValidation": true``) ->
  ``{"id":1,"result":{...}}`` or ``{"id":1,"error":{"code","description",
  "details","origin"}}`` where origin is ``csms`` (CALLERROR received),
  ``timeout``, ``response_validation`` (the CSMS reply failed the schema) or
  ``local`` (bad action/payload, rejected before sending).
* ``{"id":2,"raw":"<text>"}`` -> ``{"id":2,"sent":true}``
* ``{"id":3,"frames":true}`` -> ``{"id":3,"frames":[...received raw frames...]}``
* ``{"id":3,"sent_frames":true}`` -> ``{"id":3,"sent_frames":[...sent raw frames...]}``
* ``{"id":4,"close":true}`` (optional ``"code"``, ``"reason"``) ->
  ``{"id":4,"closed":true,"code":...,"reason":...}``; the process then exits 0.
* ``{"id":5,"respond":{"Reset":{"status":"Rejected"},
  "UnlockConnector":"CALLERROR:NotSupported", "GetConfiguration":"NO_ANSWER",
  "ClearCache": null}}`` -> ``{"id":5,"ok":true}``. A dict is returned as the
  CALLRESULT payload (camelCase), ``"CALLERROR:<code>[:<description>]"`` answers
  with a CALLERROR, ``"NO_ANSWER"`` never answers, ``null`` restores the default.
* ``{"id":6,"ping":true}`` -> ``{"id":6,"pong":true}``
* ``{"id":7,"configure":{"SupportedFeatureProfiles":"Core"}}`` -> ``{"id":7,"ok":true}``:
  sets configuration keys (read-only) that GetConfiguration then reports; ``null`` removes one.

Unsolicited events:

* ``{"event":"csms_call","action":...,"uniqueId":...,"payload":{...}}`` for every
  CALL received from the CSMS (reported before it is answered).
* ``{"event":"closed","code":...,"reason":...}`` when the CSMS closes the
  connection (exit status 0).
* ``{"event":"error","error":...}`` if the receive loop crashes (exit status 1).
* ``{"event":"max_seconds"}`` when ``--max-seconds`` elapses (exit status 3).

EOF on stdin closes the websocket cleanly and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import dataclasses
import json
import logging
import os
import ssl
import sys
import threading
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from ocpp.charge_point import (
    camel_to_snake_case,
    remove_nones,
    serialize_as_dict,
    snake_to_camel_case,
)
from ocpp.exceptions import OCPPError
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Subprotocol

try:
    from tests.support.charger_authorization import AuthorizationBehaviour
except ImportError:  # run as a script: this directory is on sys.path, the repository is not
    from charger_authorization import AuthorizationBehaviour  # type: ignore[no-redef,import-not-found]

LOG = logging.getLogger("ocpp_charger")

JsonDict = dict[str, Any]


def emit(obj: JsonDict) -> None:
    """Write one protocol line to stdout (the only writer of stdout)."""
    sys.stdout.write(json.dumps(obj, default=str) + "\n")
    sys.stdout.flush()


# --------------------------------------------------------------------------- #
# Realistic default behaviour of the simulated charger.
# --------------------------------------------------------------------------- #

# key -> (value, readonly)
DEFAULT_CONFIGURATION: dict[str, tuple[str, bool]] = {
    "AuthorizationCacheEnabled": ("true", False),
    "AuthorizeRemoteTxRequests": ("true", False),
    "ChargingScheduleAllowedChargingRateUnit": ("Current,Power", True),
    "ClockAlignedDataInterval": ("0", False),
    "ConnectionTimeOut": ("60", False),
    "GetConfigurationMaxKeys": ("50", True),
    "HeartbeatInterval": ("300", False),
    "LocalAuthListEnabled": ("true", False),
    "LocalAuthListMaxLength": ("100", True),
    "LocalAuthorizeOffline": ("true", False),
    "LocalPreAuthorize": ("false", False),
    "MeterValuesSampledData": ("Energy.Active.Import.Register", False),
    "MeterValueSampleInterval": ("60", False),
    "NumberOfConnectors": ("1", True),
    "ResetRetries": ("3", False),
    "SendLocalListMaxLength": ("100", True),
    "StopTransactionOnEVSideDisconnect": ("true", False),
    "StopTransactionOnInvalidId": ("true", False),
    "SupportedFeatureProfiles": (
        "Core,FirmwareManagement,LocalAuthListManagement,Reservation,SmartCharging,RemoteTrigger",
        True,
    ),
    "TransactionMessageAttempts": ("3", False),
    "TransactionMessageRetryInterval": ("60", False),
    "UnlockConnectorOnEVSideDisconnect": ("true", False),
}

# CSMS-initiated actions in OCPP 1.6 (core + security whitepaper extensions).
CSMS_INITIATED_ACTIONS: tuple[Action, ...] = (
    Action.cancel_reservation,
    Action.certificate_signed,
    Action.change_availability,
    Action.change_configuration,
    Action.clear_cache,
    Action.clear_charging_profile,
    Action.data_transfer,
    Action.delete_certificate,
    Action.extended_trigger_message,
    Action.get_composite_schedule,
    Action.get_configuration,
    Action.get_diagnostics,
    Action.get_installed_certificate_ids,
    Action.get_local_list_version,
    Action.get_log,
    Action.install_certificate,
    Action.remote_start_transaction,
    Action.remote_stop_transaction,
    Action.reserve_now,
    Action.reset,
    Action.send_local_list,
    Action.set_charging_profile,
    Action.signed_update_firmware,
    Action.trigger_message,
    Action.unlock_connector,
    Action.update_firmware,
)

_STATE: dict[str, bool] = {"connected": False}

NO_ANSWER = "NO_ANSWER"
CALLERROR_PREFIX = "CALLERROR:"


def _ocpp_error(code: str, description: str | None) -> OCPPError:
    """Build the library's OCPPError subclass for ``code`` (or an ad-hoc one)."""
    for cls in OCPPError.__subclasses__():
        if getattr(cls, "code", None) == code:
            return cls(description=description)
    adhoc = type("AdHocOCPPError", (OCPPError,), {"code": code, "default_description": ""})
    return adhoc(description=description)


class RecordingConnection:
    """Wraps the websocket so every frame in either direction is recorded."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.received: list[str] = []
        self.sent: list[str] = []
        self.suppressed_ids: set[str] = set()

    async def recv(self) -> str | bytes:
        message = await self.ws.recv()
        text = message if isinstance(message, str) else message.decode("utf-8", "replace")
        self.received.append(text)
        return message

    async def send(self, message: str) -> None:
        self.sent.append(message)
        await self.ws.send(message)


class SimulatedCharger(ChargePoint):  # type: ignore[misc]
    """ocpp.v16 ChargePoint answering every CSMS-initiated action via ``@on``."""

    def __init__(self, charger_id: str, connection: RecordingConnection, **kw: Any) -> None:
        super().__init__(charger_id, connection, **kw)
        self.recorder = connection
        self.overrides: dict[str, Any] = {}
        self.configuration: dict[str, tuple[str, bool]] = dict(DEFAULT_CONFIGURATION)
        self.authorization = AuthorizationBehaviour(self.configuration)

    # -- routing hooks ------------------------------------------------------ #

    async def _handle_call(self, msg: Any) -> Any:
        # Report every CSMS CALL (even ones the library will reject on schema
        # validation) before it is handled.
        emit(
            {
                "event": "csms_call",
                "action": msg.action,
                "uniqueId": msg.unique_id,
                "payload": msg.payload,
            }
        )
        return await super()._handle_call(msg)

    async def _send(self, message: str) -> None:
        try:
            parsed = json.loads(message)
        except ValueError:
            parsed = None
        if (
            isinstance(parsed, list)
            and len(parsed) >= 2
            and parsed[0] in (3, 4)
            and parsed[1] in self.recorder.suppressed_ids
        ):
            self.recorder.suppressed_ids.discard(parsed[1])
            LOG.info("%s: NO_ANSWER configured, dropping %s", self.id, message)
            return
        await super()._send(message)

    # -- answers ------------------------------------------------------------ #

    def default_answer(self, action: str, req: JsonDict) -> JsonDict:
        if self.authorization.answers(action):
            return self.authorization.answer(action, req)
        if action == "UnlockConnector":
            return {"status": "Unlocked"}
        if action == "GetConfiguration":
            return self._get_configuration(req)
        if action == "ChangeConfiguration":
            return self._change_configuration(req)
        if action == "GetDiagnostics":
            return {"fileName": "diagnostics.log"}
        if action == "GetLog":
            return {"status": "Accepted", "filename": "charger.log"}
        if action == "GetInstalledCertificateIds":
            return {"status": "NotFound"}
        if action == "GetCompositeSchedule":
            return {"status": "Accepted", "connectorId": req.get("connectorId", 0)}
        if action == "UpdateFirmware":
            return {}
        return {"status": "Accepted"}

    def _get_configuration(self, req: JsonDict) -> JsonDict:
        wanted = req.get("key")
        keys = list(self.configuration) if not wanted else list(wanted)
        known = [
            {"key": k, "readonly": self.configuration[k][1], "value": self.configuration[k][0]}
            for k in keys
            if k in self.configuration
        ]
        unknown = [k for k in keys if k not in self.configuration]
        answer: JsonDict = {"configurationKey": known}
        if unknown:
            answer["unknownKey"] = unknown
        return answer

    def _change_configuration(self, req: JsonDict) -> JsonDict:
        key, value = req.get("key"), req.get("value")
        if key not in self.configuration:
            return {"status": "NotSupported"}
        if self.configuration[key][1]:
            return {"status": "Rejected"}
        self.configuration[key] = (str(value), False)
        return {"status": "Accepted"}

    async def answer(self, action: str, unique_id: str, snake_kwargs: JsonDict) -> Any:
        request = snake_to_camel_case(snake_kwargs)
        spec = self.overrides.get(action)
        if isinstance(spec, str) and spec.startswith(CALLERROR_PREFIX):
            _, _, rest = spec.partition(":")
            code, _, description = rest.partition(":")
            raise _ocpp_error(code, description)
        if spec == NO_ANSWER:
            self.recorder.suppressed_ids.add(unique_id)
            payload = self.default_answer(action, request)
        elif isinstance(spec, dict):
            payload = spec
        else:
            payload = self.default_answer(action, request)
        return _to_result_dataclass(action, payload)


def _to_result_dataclass(action: str, payload: JsonDict) -> Any:
    kwargs = camel_to_snake_case(payload)
    cls = getattr(call_result, action, None)
    if cls is not None:
        try:
            return cls(**kwargs)
        except TypeError:
            pass  # extra/missing keys: fall back to an ad-hoc dataclass
    adhoc = dataclasses.make_dataclass(f"{action}Answer", [(k, Any) for k in kwargs])
    return adhoc(**kwargs)


def _make_handler(action: Action) -> Callable[..., Any]:
    async def handler(self: SimulatedCharger, call_unique_id: str, **kwargs: Any) -> Any:
        return await self.answer(action.value, call_unique_id, kwargs)

    # ``ocpp.routing`` registers handlers by function *name*, so the name must be
    # unique and set before decorating.
    handler.__name__ = handler.__qualname__ = f"on_{action.name}"
    return on(action)(handler)  # type: ignore[no-any-return]


for _action in CSMS_INITIATED_ACTIONS:
    setattr(SimulatedCharger, f"on_{_action.name}", _make_handler(_action))


# --------------------------------------------------------------------------- #
# Command handling.
# --------------------------------------------------------------------------- #


def _find_frame(frames: list[str], unique_id: str, types: tuple[int, ...]) -> list[Any] | None:
    for text in frames:
        try:
            msg = json.loads(text)
        except ValueError:
            continue
        if isinstance(msg, list) and len(msg) >= 3 and msg[0] in types and msg[1] == unique_id:
            return msg
    return None


class Controller:
    def __init__(self, ws: ClientConnection, cp: SimulatedCharger) -> None:
        self.ws = ws
        self.cp = cp
        self.rec = cp.recorder
        self.closing_by_us = False
        self.finished: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.tasks: set[asyncio.Task[None]] = set()

    def finish(self, code: int) -> None:
        if not self.finished.done():
            self.finished.set_result(code)

    def spawn(self, line: str) -> None:
        task = asyncio.get_running_loop().create_task(self.handle_line(line))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def handle_line(self, line: str) -> None:
        try:
            cmd = json.loads(line)
            if not isinstance(cmd, dict):
                raise ValueError("command must be a JSON object")
        except ValueError as exc:
            emit({"event": "bad_command", "line": line, "error": str(exc)})
            return
        cid = cmd.get("id")
        try:
            reply = await self.dispatch(cmd)
        except Exception as exc:
            LOG.exception("command failed: %r", cmd)
            reply = {
                "error": {
                    "code": "ChargerInternal",
                    "description": f"{type(exc).__name__}: {exc}",
                    "details": {},
                    "origin": "local",
                }
            }
        emit({"id": cid, **reply})
        if cmd.get("close"):
            self.finish(0)

    async def dispatch(self, cmd: JsonDict) -> JsonDict:
        if "call" in cmd:
            return await self.do_call(cmd)
        if "raw" in cmd:
            await self.rec.send(str(cmd["raw"]))
            return {"sent": True}
        if cmd.get("frames"):
            return {"frames": list(self.rec.received)}
        if cmd.get("sent_frames"):
            return {"sent_frames": list(self.rec.sent)}
        if "respond" in cmd:
            for action, spec in dict(cmd["respond"]).items():
                if spec is None:
                    self.cp.overrides.pop(action, None)
                else:
                    self.cp.overrides[action] = spec
            return {"ok": True}
        if cmd.get("close"):
            self.closing_by_us = True
            await self.ws.close(code=int(cmd.get("code", 1000)), reason=str(cmd.get("reason", "")))
            return {"closed": True, "code": self.ws.close_code, "reason": self.ws.close_reason}
        if cmd.get("ping"):
            return {"pong": True}
        if "local_list" in cmd:
            return self.cp.authorization.control(cmd["local_list"])
        if "configure" in cmd:
            for key, value in dict(cmd["configure"]).items():
                if value is None:
                    self.cp.configuration.pop(key, None)
                else:
                    self.cp.configuration[key] = (str(value), True)
            return {"ok": True}
        raise ValueError(f"unknown command: {cmd!r}")

    async def do_call(self, cmd: JsonDict) -> JsonDict:
        action = str(cmd["call"])
        payload = cmd.get("payload") or {}
        cls: Any = getattr(call, action, None)
        if cls is None or not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            return _error("UnknownAction", f"ocpp.v16.call has no {action!r}", "local")
        try:
            request = cls(**camel_to_snake_case(payload))
        except TypeError as exc:
            return _error("BadPayload", str(exc), "local")
        unique_id = str(cmd.get("uniqueId") or uuid.uuid4())
        try:
            response = await self.cp.call(
                request,
                suppress=False,
                unique_id=unique_id,
                skip_schema_validation=bool(cmd.get("skipValidation", False)),
            )
        except TimeoutError as exc:
            return _error("Timeout", str(exc), "timeout")
        except Exception as exc:
            # The library raises OCPPError subclasses (or UnknownCallErrorCodeError
            # for non-standard codes) for CALLERRORs *and* for schema violations;
            # use the recorded frames to tell which it was and report the exact
            # wire values.
            frame = _find_frame(self.rec.received, unique_id, (4,))
            if frame is not None:
                return {
                    "error": {
                        "code": frame[2] if len(frame) > 2 else None,
                        "description": frame[3] if len(frame) > 3 else None,
                        "details": frame[4] if len(frame) > 4 else None,
                        "origin": "csms",
                    }
                }
            sent = _find_frame(self.rec.sent, unique_id, (2,)) is not None
            code = getattr(exc, "code", type(exc).__name__)
            desc = str(getattr(exc, "description", None) or exc)
            details = getattr(exc, "details", {})
            return _error(code, desc, "response_validation" if sent else "local", details)
        frame = _find_frame(self.rec.received, unique_id, (3,))
        if frame is not None:
            return {"result": frame[2]}
        return {"result": snake_to_camel_case(remove_nones(serialize_as_dict(response)))}


def _error(code: str, description: str, origin: str, details: Any = None) -> JsonDict:
    return {
        "error": {
            "code": code,
            "description": description,
            "details": details if details is not None else {},
            "origin": origin,
        }
    }


def _start_stdin_reader(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str | None]) -> None:
    def reader() -> None:
        for line in sys.stdin:
            if line.strip():
                loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=reader, name="stdin-reader", daemon=True).start()


def _ssl_context(args: argparse.Namespace) -> ssl.SSLContext | None:
    if not args.url.startswith("wss://"):
        return None
    ctx = ssl.create_default_context(cafile=args.cafile)
    if args.certfile:
        ctx.load_cert_chain(args.certfile, args.keyfile)
    return ctx


async def run(args: argparse.Namespace) -> int:
    headers: list[tuple[str, str]] = []
    if args.basic_auth:
        token = base64.b64encode(args.basic_auth.encode()).decode()
        headers.append(("Authorization", f"Basic {token}"))
    for header in args.header:
        name, _, value = header.partition(":")
        headers.append((name.strip(), value.strip()))
    subprotocols = [] if args.no_subprotocol else (args.subprotocol or ["ocpp1.6"])
    try:
        ws = await connect(
            args.url,
            subprotocols=[Subprotocol(sp) for sp in subprotocols] or None,
            additional_headers=headers or None,
            ssl=_ssl_context(args),
            proxy=None,
            open_timeout=args.open_timeout,
            close_timeout=2,
            ping_interval=None,
        )
    except InvalidStatus as exc:
        emit(
            {
                "event": "connect_failed",
                "error": str(exc),
                "status": exc.response.status_code,
                "body": exc.response.body.decode("utf-8", "replace") if exc.response.body else "",
            }
        )
        return 2
    except Exception as exc:
        emit({"event": "connect_failed", "error": f"{type(exc).__name__}: {exc}", "status": None})
        return 2
    emit({"event": "connected", "subprotocol": ws.subprotocol})
    _STATE["connected"] = True

    charger_id = urlsplit(args.url).path.rstrip("/").rsplit("/", 1)[-1] or "charger"
    cp = SimulatedCharger(
        charger_id, RecordingConnection(ws), response_timeout=args.response_timeout
    )
    ctl = Controller(ws, cp)
    loop = asyncio.get_running_loop()

    def on_cp_done(task: asyncio.Task[Any]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if ctl.closing_by_us:
            return  # the close command's reply reports it
        if isinstance(exc, ConnectionClosed):
            emit({"event": "closed", "code": ws.close_code, "reason": ws.close_reason})
            ctl.finish(0)
        else:
            emit({"event": "error", "error": f"{type(exc).__name__}: {exc}"})
            ctl.finish(1)

    cp_task = loop.create_task(cp.start())
    cp_task.add_done_callback(on_cp_done)

    lines: asyncio.Queue[str | None] = asyncio.Queue()
    _start_stdin_reader(loop, lines)

    async def pump() -> None:
        while True:
            line = await lines.get()
            if line is None:  # parent went away: close cleanly
                ctl.closing_by_us = True
                await ws.close()
                ctl.finish(0)
                return
            ctl.spawn(line)

    pump_task = loop.create_task(pump())
    try:
        return await ctl.finished
    finally:
        pump_task.cancel()
        cp_task.cancel()
        for task in list(ctl.tasks):
            task.cancel()
        if ws.close_code is None:
            await ws.close()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--url", required=True)
    p.add_argument("--subprotocol", action="append", default=[])
    p.add_argument("--no-subprotocol", action="store_true")
    p.add_argument("--basic-auth", metavar="USER:PASS")
    p.add_argument("--header", action="append", default=[], metavar="'Name: value'")
    p.add_argument("--cafile")
    p.add_argument("--certfile")
    p.add_argument("--keyfile")
    p.add_argument("--max-seconds", type=float, default=60.0)
    p.add_argument("--response-timeout", type=float, default=10.0)
    p.add_argument("--open-timeout", type=float, default=10.0)
    p.add_argument("--log-level", default="INFO")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=args.log_level.upper(),
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    # Hard backstop: whatever happens, the process does not outlive its budget.
    watchdog = threading.Timer(args.max_seconds + 5.0, lambda: os._exit(4))
    watchdog.daemon = True
    watchdog.start()

    async def bounded() -> int:
        try:
            return await asyncio.wait_for(run(args), args.max_seconds)
        except TimeoutError:
            if not _STATE["connected"]:
                emit(
                    {
                        "event": "connect_failed",
                        "error": f"--max-seconds {args.max_seconds} elapsed while connecting",
                        "status": None,
                    }
                )
            emit({"event": "max_seconds"})
            return 3

    return asyncio.run(bounded())


if __name__ == "__main__":
    sys.exit(main())
