"""The ``capacitor-edge`` command line."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import trio

from capacitor_edge import __version__
from capacitor_edge.app.serve import database_path, serve
from capacitor_edge.clock import SystemClock, iso_z
from capacitor_edge.domain.ids import new_id
from capacitor_edge.domain.keys import DEFAULT_ORGANISATION, generate_key
from capacitor_edge.settings import CONFIG_ENV, Settings, SettingsError, load_settings
from capacitor_edge.storage import keys as key_rows
from capacitor_edge.storage.database import connect
from capacitor_edge.storage.migrations import DatabaseTooNew, apply_migrations

log = logging.getLogger("capacitor_edge")


def _add_settings_flags(parser: argparse.ArgumentParser, *, network: bool) -> None:
    parser.add_argument("--config", type=Path, help=f"TOML settings file (or ${CONFIG_ENV})")
    parser.add_argument("--data-dir", help="data directory (default ./capacitor-data)")
    if network:
        parser.add_argument("--http", metavar="HOST:PORT", help="REST API address (0.0.0.0:8080)")
        parser.add_argument("--ocpp", metavar="HOST:PORT", help="OCPP listener (0.0.0.0:9000)")
        parser.add_argument("--public-url", help="base URL chargers use, e.g. ws://gw.local:9000")
        parser.add_argument("--log-level", choices=["debug", "info", "warning", "error"])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="capacitor-edge", description="A site-local OCPP 1.6J central system."
    )
    parser.add_argument("--version", action="version", version=f"capacitor-edge {__version__}")
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
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    config = args.config
    if config is None and os.environ.get(CONFIG_ENV):
        config = Path(os.environ[CONFIG_ENV])
    flags = {
        name: getattr(args, name, None)
        for name in ("data_dir", "http", "ocpp", "public_url", "log_level")
    }
    return load_settings(config, os.environ, flags)


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


async def _serve_until_signalled(settings: Settings) -> None:
    shutdown = trio.Event()
    async with trio.open_nursery() as nursery:
        with trio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:

            async def watch() -> None:
                async for signum in signals:
                    log.info("received %s", signal.Signals(signum).name)
                    shutdown.set()
                    return

            nursery.start_soon(watch)
            await serve(settings, shutdown)
            nursery.cancel_scope.cancel()


def run_serve(settings: Settings) -> int:
    configure_logging(settings.log_level)
    try:
        trio.run(_serve_until_signalled, settings)
    except BaseExceptionGroup as group:
        # Nurseries wrap start-up failures in groups; a failure with a plain explanation (a
        # newer database, a port in use) is shown as that one line, not as a traceback.
        known = group.subgroup(lambda e: isinstance(e, DatabaseTooNew | OSError))
        if known is None or (
            known is not group
            and group.subgroup(
                lambda e: not isinstance(e, DatabaseTooNew | OSError | BaseExceptionGroup)
            )
        ):
            raise
        raise _first_leaf(known) from None
    return 0


def _first_leaf(error: BaseException) -> BaseException:
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return error


def run_keys_create(settings: Settings, name: str, org: str) -> int:
    """Create a key straight in the database: SQLite's locking makes this safe while the server
    runs (WAL, busy timeout), and the server finds new keys on their first use."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    conn = connect(database_path(settings))
    try:
        apply_migrations(conn)
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
    print(f"created API key {key.key_id} ({name!r}) for organisation {org!r}; shown once:")
    print(key.secret)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = settings_from(args)
        if args.command == "serve":
            return run_serve(settings)
        if args.command == "keys" and args.keys_command == "create":
            return run_keys_create(settings, args.name, args.org)
    except (SettingsError, DatabaseTooNew) as error:
        print(f"capacitor-edge: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"capacitor-edge: {error}", file=sys.stderr)
        return 1
    raise AssertionError("unreachable: argparse requires a command")
