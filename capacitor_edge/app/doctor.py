"""``capacitor-edge doctor``: check what the appliance needs from its box and say what to fix.

Read-only: it opens the database with ``mode=ro``, binds each port only to see whether it is free
(and closes it at once), and changes nothing. Each check prints one line, ``ok``, ``warn`` or
``FAIL``, and every FAIL line says what to do; the exit status is 1 if anything failed.
"""

from __future__ import annotations

import errno
import os
import socket
import sqlite3
import ssl
import stat
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from capacitor_edge.app.lock import LOCK_FILE, is_locked
from capacitor_edge.app.serve import INITIAL_KEY_FILE, database_path
from capacitor_edge.settings import HostPort, Settings
from capacitor_edge.storage.backups import inspect_read_only
from capacitor_edge.storage.migrations import MIGRATIONS
from capacitor_edge.storage.space import Reserve, free_bytes, wal_bytes


@dataclass
class Report:
    lines: list[tuple[str, str]] = field(default_factory=list)

    def ok(self, text: str) -> None:
        self.lines.append(("ok", text))

    def warn(self, text: str) -> None:
        self.lines.append(("warn", text))

    def fail(self, text: str) -> None:
        self.lines.append(("FAIL", text))

    @property
    def failed(self) -> bool:
        return any(level == "FAIL" for level, _ in self.lines)

    def render(self) -> str:
        return "\n".join(f"{level:<4}  {text}" for level, text in self.lines)


def check_data_dir(settings: Settings, report: Report) -> bool:
    """Returns True if the directory exists (the other file checks need it)."""
    data_dir = settings.data_dir
    if not data_dir.exists():
        parent = data_dir.resolve().parent
        if os.access(parent, os.W_OK | os.X_OK):
            report.warn(f"data dir {data_dir} does not exist yet; `serve` will create it")
        else:
            report.fail(
                f"data dir {data_dir} does not exist and {parent} is not writable by uid "
                f"{os.geteuid()}: create it and give it to the service user "
                f"(mkdir -p {data_dir} && chown USER {data_dir} && chmod 0700 {data_dir})"
            )
        return False
    if not data_dir.is_dir():
        report.fail(f"data dir {data_dir} is not a directory: move that file away")
        return False
    info = data_dir.stat()
    if not os.access(data_dir, os.W_OK | os.X_OK):
        report.fail(
            f"data dir {data_dir} is not writable by uid {os.geteuid()}: run as its owner "
            f"(uid {info.st_uid}) or `chown` it to the service user"
        )
    else:
        report.ok(f"data dir {data_dir} exists and is writable")
    mode = stat.S_IMODE(info.st_mode)
    if mode & stat.S_IWOTH:
        report.fail(f"data dir {data_dir} is world-writable ({mode:04o}): chmod 0700 {data_dir}")
    elif mode & (stat.S_IRWXG | stat.S_IRWXO):
        report.warn(
            f"data dir {data_dir} is open to group/others ({mode:04o}); chmod 0700 {data_dir} "
            "keeps the database and the first API key private"
        )
    if info.st_uid != os.geteuid():
        report.warn(
            f"data dir {data_dir} belongs to uid {info.st_uid}, not to this user (uid "
            f"{os.geteuid()}); run doctor as the service user for exact answers"
        )
    key_file = data_dir / INITIAL_KEY_FILE
    if key_file.exists():
        key_mode = stat.S_IMODE(key_file.stat().st_mode)
        if key_mode & 0o077:
            report.fail(f"{key_file} is readable by others ({key_mode:04o}): chmod 0600 {key_file}")
        else:
            report.ok(f"{key_file} is private (0600)")
    return True


def check_database(settings: Settings, report: Report) -> None:
    database = database_path(settings)
    if not database.exists():
        report.warn(f"no database at {database} yet; `serve` creates it on first start")
        return
    try:
        errors, version = inspect_read_only(database)
    except sqlite3.DatabaseError as error:
        report.fail(
            f"database {database} cannot be read ({error}): restore a backup with "
            "`capacitor-edge restore FILE` (migration backups are kept next to it as *.bak)"
        )
        return
    if errors:
        report.fail(
            f"database {database} fails PRAGMA integrity_check ({'; '.join(errors[:3])}): "
            "restore a backup with `capacitor-edge restore FILE`"
        )
    else:
        report.ok(f"database {database} passes PRAGMA integrity_check")
    known = len(MIGRATIONS)
    if version > known:
        report.fail(
            f"database schema version {version} is newer than this capacitor-edge knows "
            f"({known}): run the newer version, or restore a backup made for this one"
        )
    elif version < known:
        report.warn(
            f"database schema version {version} is behind ({known}); the next `serve` "
            "migrates it, keeping a copy next to it first"
        )
    else:
        report.ok(f"database schema version {version} is current")


def check_room(settings: Settings, report: Report) -> None:
    """Free space in the data dir and the WAL's size: a full disk stops every write."""
    data_dir = settings.data_dir
    reserve = Reserve(data_dir, settings.storage_reserve_mib * 1024 * 1024)
    try:
        free = free_bytes(data_dir)
    except OSError as error:
        report.warn(f"cannot tell the free space in {data_dir} ({error.strerror})")
        return
    held = f"the {_mib(reserve.size)} reserve {reserve.path}"
    state = "is in place" if reserve.present() else "is missing (released on a full disk)"
    text = f"data dir {data_dir}: {_mib(free)} free ({free} bytes); {held} {state}"
    if free < reserve.size and not reserve.present():
        report.fail(f"{text}: the disk is full; free space there (old *.bak copies, logs)")
    elif free < max(2 * reserve.size, LOW_FREE_BYTES):
        report.warn(f"{text}: little room left; free space there before writes fail")
    else:
        report.ok(text)
    wal = wal_bytes(database_path(settings))
    if reserve.size and wal > reserve.size:
        report.warn(
            f"WAL {wal} bytes is larger than {held}: a checkpoint may not fit on a full disk "
            "(a long-running reader, e.g. a backup, keeps it from being folded in)"
        )
    else:
        report.ok(f"WAL {database_path(settings)}-wal: {wal} bytes")


#: Below this much free space doctor warns, whatever the reserve.
LOW_FREE_BYTES = 64 * 1024 * 1024


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


def _probe_context(settings: Settings) -> ssl.SSLContext:
    """Trust exactly the box's own REST certificate (a leaf as trust anchor, so a site CA or a
    self-signed certificate both work); the probe goes to a loopback address the certificate
    need not name, so the host name is not checked. Unreadable files: verify nothing, the
    /health answer still has to be ours."""
    certificate = settings.http_certificate()
    context = ssl.create_default_context()
    context.check_hostname = False
    try:
        if certificate is None:
            raise OSError("no certificate")
        context.load_verify_locations(cafile=certificate[0])
        context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    except (OSError, ssl.SSLError):
        context.verify_mode = ssl.CERT_NONE
    return context


def _health(bind: HostPort, settings: Settings) -> bool:
    """Whether the program on the REST port is a capacitor-edge: its ``GET /health`` answers
    with our JSON, over HTTPS when ``http_tls`` is on (plain http to an HTTPS port fails)."""
    host = bind.host
    if host in {"0.0.0.0", ""}:
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    tls = settings.http_certificate() is not None
    url = f"{'https' if tls else 'http'}://{host}:{bind.port}/health"
    verify: ssl.SSLContext | bool = _probe_context(settings) if tls else False
    try:
        with httpx.Client(verify=verify, timeout=3, trust_env=False) as client:
            answer = client.get(url)
        body = answer.json()
    except (httpx.HTTPError, ValueError):
        return False
    return isinstance(body, dict) and "status" in body


def check_port(
    name: str, bind: HostPort, server_running: bool, report: Report, settings: Settings
) -> None:
    if bind.port == 0:
        report.ok(f"{name} {bind}: port 0, the system picks a free port")
        return
    try:
        infos = socket.getaddrinfo(bind.host, bind.port, type=socket.SOCK_STREAM)
    except OSError as error:
        report.fail(f"{name} {bind}: cannot resolve {bind.host!r} ({error}): fix `{name}`")
        return
    family, kind, proto, _, address = infos[0]
    probe = socket.socket(family, kind, proto)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(address)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            if server_running and (name != "http" or _health(bind, settings)):
                report.ok(f"{name} {bind}: in use by the running capacitor-edge")
            else:
                report.fail(
                    f"{name} {bind}: the port is in use by another program: stop it or "
                    f"choose another port for `{name}`"
                )
        elif error.errno == errno.EACCES:
            report.fail(
                f"{name} {bind}: binding a port below 1024 needs CAP_NET_BIND_SERVICE: use a "
                "port of 1024 or more, or grant that capability in the unit "
                "(AmbientCapabilities= and CapabilityBoundingSet=)"
            )
        elif error.errno == errno.EADDRNOTAVAIL:
            report.fail(f"{name} {bind}: {bind.host} is not an address of this machine")
        else:
            report.fail(f"{name} {bind}: cannot bind ({error})")
        return
    finally:
        probe.close()
    report.ok(f"{name} {bind}: free")


def _setting_path(settings: Settings, name: str) -> Path | None:
    # getattr: the TLS settings are read by name, so this check follows them if they move.
    value = getattr(settings, name, None)
    return Path(str(value)) if value else None


def check_key_pair(settings: Settings, cert_name: str, key_name: str, report: Report) -> None:
    cert, key = _setting_path(settings, cert_name), _setting_path(settings, key_name)
    if cert is None and key is None:
        return
    if cert is None or key is None:
        report.fail(f"set both `{cert_name}` and `{key_name}`, or neither")
        return
    missing = [str(p) for p in (cert, key) if not os.access(p, os.R_OK)]
    if missing:
        report.fail(
            f"cannot read {', '.join(missing)} (`{cert_name}`/`{key_name}`): check the paths "
            "and that the service user may read them"
        )
        return
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
    except (ssl.SSLError, OSError) as error:
        report.fail(
            f"{cert} / {key} do not load as a certificate chain and its key ({error}): check "
            "they are PEM and that the key belongs to the certificate"
        )
        return
    if stat.S_IMODE(key.stat().st_mode) & 0o077:
        report.warn(f"{key} is readable by others: chmod 0600 {key}")
    report.ok(f"`{cert_name}` {cert} and its key load")


def check_certificates(settings: Settings, report: Report) -> None:
    check_key_pair(settings, "tls_cert_file", "tls_key_file", report)
    check_key_pair(settings, "http_tls_cert_file", "http_tls_key_file", report)
    client_ca = _setting_path(settings, "tls_client_ca_file")
    if client_ca is not None:
        try:
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_verify_locations(client_ca)
        except (ssl.SSLError, OSError) as error:
            report.fail(f"`tls_client_ca_file` {client_ca} does not load as PEM CA ({error})")
        else:
            report.ok(f"`tls_client_ca_file` {client_ca} loads")
    if not any(
        _setting_path(settings, name)
        for name in ("tls_cert_file", "tls_key_file", "http_tls_cert_file", "tls_client_ca_file")
    ):
        report.ok("TLS not configured (chargers connect with ws://)")


def diagnose(settings: Settings) -> Report:
    report = Report()
    if check_data_dir(settings, report):
        check_database(settings, report)
        check_room(settings, report)
    try:
        running = settings.data_dir.is_dir() and is_locked(settings.data_dir)
    except OSError as error:
        report.warn(f"cannot tell whether a server runs ({error}); run doctor as the service user")
        running = False
    if running:
        report.ok(f"a capacitor-edge serve is running on this data dir (it holds {LOCK_FILE})")
    check_port("http", settings.http, running, report, settings)
    check_port("ocpp", settings.ocpp, running, report, settings)
    plain = getattr(settings, "ocpp_plain", None)
    if plain:
        check_port("ocpp_plain", HostPort.parse(str(plain)), running, report, settings)
    check_certificates(settings, report)
    return report


def run_doctor(settings: Settings) -> int:
    report = diagnose(settings)
    print(report.render())
    if report.failed:
        print("capacitor-edge doctor: problems found; fix the FAIL lines above")
        return 1
    print("capacitor-edge doctor: no problems found")
    return 0
