"""The ``capacitor-edge`` command line."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import trio

from capacitor_edge.app import cert_files
from capacitor_edge.app.heap import settle_heap
from capacitor_edge.app.logs import FORMATS as LOG_FORMATS
from capacitor_edge.app.logs import configure_logging
from capacitor_edge.app.maintenance import run_backup, run_restore
from capacitor_edge.app.serve import database_path, serve
from capacitor_edge.app.users_cli import add_users_parser, run_users
from capacitor_edge.build_info import build_info
from capacitor_edge.clock import SystemClock, iso_z
from capacitor_edge.domain.ids import new_id
from capacitor_edge.domain.keys import DEFAULT_ORGANISATION, NewKey, generate_key
from capacitor_edge.settings import CONFIG_ENV, Settings, SettingsError, load_settings
from capacitor_edge.simulator import command as simulate_command
from capacitor_edge.storage import keys as key_rows
from capacitor_edge.storage.database import connect, migrate_with_backup
from capacitor_edge.storage.migrations import DatabaseTooNew
from capacitor_edge.storage.space import StorageFailure
from capacitor_edge.upstream.links import check_upstream_files

log = logging.getLogger("capacitor_edge")


def _add_settings_flags(parser: argparse.ArgumentParser, *, network: bool) -> None:
    parser.add_argument("--config", type=Path, help=f"TOML settings file (or ${CONFIG_ENV})")
    parser.add_argument("--data-dir", help="data directory (default ./capacitor-data)")
    if network:
        parser.add_argument("--http", metavar="HOST:PORT", help="REST API address (0.0.0.0:8080)")
        parser.add_argument("--ocpp", metavar="HOST:PORT", help="OCPP listener (0.0.0.0:9000)")
        parser.add_argument("--public-url", help="base URL chargers use, e.g. ws://gw.local:9000")
        parser.add_argument("--log-level", choices=["debug", "info", "warning", "error"])
        parser.add_argument(
            "--log-format", choices=list(LOG_FORMATS), help="stderr log lines (default text)"
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="capacitor-edge",
        description="A site-local OCPP 1.6J central system.",
        # Keeps --version's two lines as written (the default formatter re-wraps them).
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=build_info().describe())
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve_parser = commands.add_parser("serve", help="run the appliance")
    _add_settings_flags(serve_parser, network=True)

    keys_parser = commands.add_parser("keys", help="manage API keys")
    key_commands = keys_parser.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    create = key_commands.add_parser(
        "create", help="create an API key (also while the server runs); prints it last"
    )
    create.add_argument("--name", default="cli", help="a label for the key")
    create.add_argument("--org", default=DEFAULT_ORGANISATION, help="organisation (created if new)")
    _add_settings_flags(create, network=False)

    for users_parser in add_users_parser(commands):
        _add_settings_flags(users_parser, network=False)

    backup = commands.add_parser(
        "backup", help="copy the live database to FILE (safe while the server runs)"
    )
    backup.add_argument("file", type=Path, metavar="FILE", help="where to write the copy")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    _add_settings_flags(backup, network=False)
    restore = commands.add_parser(
        "restore", help="replace the database with the backup FILE (the server must be stopped)"
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="a file made by backup")
    _add_settings_flags(restore, network=False)
    doctor = commands.add_parser(
        "doctor", help="check data dir, database, ports and certificates; say what to fix"
    )
    _add_settings_flags(doctor, network=True)
    simulate = commands.add_parser(
        "simulate", help="simulated OCPP 1.6J chargers against a box; --selftest for installers"
    )
    simulate_command.add_arguments(simulate)

    certs_parser = commands.add_parser(
        "certs", help="installer certificate kit: site CA, server and charger certificates"
    )
    cert_commands = certs_parser.add_subparsers(
        dest="certs_command", required=True, metavar="ACTION"
    )
    init = cert_commands.add_parser(
        "init",
        help="create the site CA (kept if it exists) and a server certificate in DATA_DIR/certs",
    )
    init.add_argument(
        "--host",
        action="append",
        default=[],
        metavar="NAME",
        help="a DNS name chargers use for the box (repeatable; default: this host name and "
        "localhost, plus 127.0.0.1 and ::1 when no --ip either)",
    )
    init.add_argument(
        "--ip", action="append", default=[], metavar="ADDR", help="an IP address (repeatable)"
    )
    init.add_argument("--days", type=int, default=cert_files.SERVER_DAYS, help="server validity")
    init.add_argument("--ca-days", type=int, default=cert_files.CA_DAYS, help="new CA validity")
    _add_settings_flags(init, network=False)
    charger = cert_commands.add_parser(
        "charger", help="issue a client certificate for a security profile 3 charger"
    )
    charger.add_argument("charge_box_id", metavar="CHARGEBOXID", help="becomes the subject CN")
    charger.add_argument("--days", type=int, default=cert_files.CHARGER_DAYS, help="validity")
    charger.add_argument(
        "--p12", action="store_true", help="also write a PKCS#12 bundle (certificate, key, CA)"
    )
    charger.add_argument(
        "--p12-password", help="password of the bundle (default: generated, printed once)"
    )
    _add_settings_flags(charger, network=False)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    config = args.config
    if config is None and os.environ.get(CONFIG_ENV):
        config = Path(os.environ[CONFIG_ENV])
    flags = {
        name: getattr(args, name, None)
        for name in ("data_dir", "http", "ocpp", "public_url", "log_level", "log_format")
    }
    return load_settings(config, os.environ, flags)


async def _serve_until_signalled(settings: Settings) -> None:
    shutdown = trio.Event()
    # The receiver outlives the nursery: if serve() fails at start-up, `watch` is cancelled
    # while the receiver is still open (not left iterating a closed one, a RuntimeError).
    with trio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
        async with trio.open_nursery() as nursery:

            async def watch() -> None:
                async for signum in signals:
                    log.info("received %s", signal.Signals(signum).name)
                    shutdown.set()
                    return

            nursery.start_soon(watch)
            async with trio.open_nursery() as serving:
                endpoints = await serving.start(partial(serve, settings, shutdown))
                # Ready first, then the rest of the warm-up: the OCPP validators compile in a
                # worker thread (a message that comes sooner compiles its own on first use),
                # then the heap is settled with them in it.
                await trio.to_thread.run_sync(endpoints.services.schemas.compile_all)
                settle_heap()
            nursery.cancel_scope.cancel()


def run_serve(settings: Settings) -> int:
    configure_logging(settings.log_level, settings.log_format)
    if settings.upstream_url:  # a bad upstream file: exit 2 with its setting's name
        check_upstream_files(settings, cert_files.SiteFiles.under(settings.data_dir).ca_cert)
    try:
        trio.run(_serve_until_signalled, settings)
    except BaseExceptionGroup as group:
        # Nurseries wrap start-up failures in groups; a failure with a plain explanation (a
        # newer database, a port in use) is shown as that one line, not as a traceback.
        known = group.subgroup(
            lambda e: isinstance(e, DatabaseTooNew | OSError | StorageFailure | SettingsError)
        )
        if known is None or (
            known is not group
            and group.subgroup(
                lambda e: (
                    not isinstance(
                        e,
                        DatabaseTooNew
                        | OSError
                        | StorageFailure
                        | SettingsError  # e.g. the MQTT uplink's TLS or password files
                        | BaseExceptionGroup,
                    )
                )
            )
        ):
            raise
        raise _first_leaf(known) from None
    return 0


def _first_leaf(error: BaseException) -> BaseException:
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return error


def create_key(database: Path, name: str, org: str) -> NewKey:
    """Create an API key for organisation ``org`` (created if new) straight in the database:
    SQLite's locking makes this safe while the server runs (WAL, busy timeout), and the server
    finds new keys on their first use. Blocking."""
    conn = connect(database)
    try:
        migrate_with_backup(conn, database)
        now = iso_z(SystemClock().now())
        key = generate_key()
        conn.execute("BEGIN IMMEDIATE")
        try:
            organisation = key_rows.ensure_organisation(conn, new_id("org"), org, now)
            key_rows.insert_key(
                conn,
                key_id=key.key_id,
                org_id=organisation.id,
                name=name,
                key_hash=key.key_hash,
                prefix=key.prefix,
                now=now,
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.close()
    return key


def run_keys_create(settings: Settings, name: str, org: str) -> int:
    # 0700: the database holds key hashes and the first API key sits beside it.
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = create_key(database_path(settings), name, org)
    print(f"created API key {key.key_id} ({name!r}) for organisation {org!r}; shown once:")
    print(key.secret)
    return 0


def run_certs(settings: Settings, args: argparse.Namespace) -> int:
    now = SystemClock().now()
    # The kit imports cryptography, which nothing else on the CLI's start-up path needs.
    from capacitor_edge.app import certs as cert_kit

    if args.certs_command == "init":
        return cert_kit.run_certs_init(
            settings.data_dir, args.host, args.ip, days=args.days, ca_days=args.ca_days, now=now
        )
    return cert_kit.run_certs_charger(
        settings.data_dir,
        args.charge_box_id,
        days=args.days,
        p12=args.p12,
        p12_password=args.p12_password,
        now=now,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "simulate":  # a client of the box: it reads no appliance settings
        return simulate_command.main(args)
    try:
        settings = settings_from(args)
        if args.command == "serve":
            return run_serve(settings)
        if args.command == "keys" and args.keys_command == "create":
            return run_keys_create(settings, args.name, args.org)
        if args.command == "users":
            settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            return run_users(database_path(settings), args)
        if args.command == "backup":
            return run_backup(settings, args.file, force=args.force)
        if args.command == "restore":
            return run_restore(settings, args.file)
        if args.command == "doctor":
            from capacitor_edge.app.doctor import run_doctor  # httpx, only for doctor

            return run_doctor(settings)
        if args.command == "certs":
            return run_certs(settings, args)
    except (SettingsError, DatabaseTooNew, cert_files.KitError) as error:
        print(f"capacitor-edge: {error}", file=sys.stderr)
        return 2
    except (OSError, StorageFailure) as error:
        print(f"capacitor-edge: {error}", file=sys.stderr)
        return 1
    raise AssertionError("unreachable: argparse requires a command")
