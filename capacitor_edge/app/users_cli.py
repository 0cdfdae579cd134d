"""``capacitor-edge users``: dashboard users on the command line, also while the box runs
(each command is one short transaction on the same SQLite file, as ``keys create`` is)."""

from __future__ import annotations

import argparse
import getpass
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeVar

from capacitor_edge.clock import SystemClock, iso_z
from capacitor_edge.domain.dashboard_users import (
    ROLES,
    check_name,
    check_password,
    hash_password,
)
from capacitor_edge.domain.errors import Invalid
from capacitor_edge.domain.ids import new_id
from capacitor_edge.domain.keys import DEFAULT_ORGANISATION
from capacitor_edge.storage import keys as key_rows
from capacitor_edge.storage import users as user_rows
from capacitor_edge.storage.database import connect, migrate_with_backup

T = TypeVar("T")


def add_users_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> list[argparse.ArgumentParser]:
    """The ``users`` subcommands; returns their parsers for the settings flags."""
    users = commands.add_parser("users", help="manage dashboard users (also while the box runs)")
    actions = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    create = actions.add_parser(
        "create", help="create a user; the password is read from standard input (or prompted)"
    )
    create.add_argument("name", metavar="NAME", help="the login name")
    create.add_argument("--role", required=True, choices=ROLES, help="what the user may do")
    create.add_argument("--org", default=DEFAULT_ORGANISATION, help="organisation (created if new)")
    listing = actions.add_parser("list", help="every user: name, role, organisation")
    passwd = actions.add_parser(
        "passwd", help="set a new password (read as for create); ends the user's logins"
    )
    passwd.add_argument("name", metavar="NAME")
    delete = actions.add_parser("delete", help="delete a user; ends the user's logins")
    delete.add_argument("name", metavar="NAME")
    return [create, listing, passwd, delete]


def read_password(stdin: TextIO = sys.stdin) -> str:
    """On a terminal: asked twice, not echoed. Otherwise: the first line of standard input,
    so scripts can pipe it in (never as an argument: that would show in ``ps``)."""
    if stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise Invalid("password", "the two entries differ")
        password = first
    else:
        password = stdin.readline().rstrip("\r\n")
    check_password(password)
    return password


def _in_transaction(database: Path, fn: Callable[[sqlite3.Connection], T]) -> T:
    conn = connect(database)
    try:
        migrate_with_backup(conn, database)
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.close()
    return result


def run_users(database: Path, args: argparse.Namespace) -> int:
    """Blocking. 0 done, 1 when the named user does not exist or already does."""
    now = iso_z(SystemClock().now())
    command = args.users_command
    try:
        if command == "list":
            for user in _in_transaction(database, user_rows.list_users):
                print(f"{user.name}\t{user.role}\t{user.org_name}\t{user.created_at}")
            return 0
        check_name(args.name)
        if command == "delete":
            if not _in_transaction(database, lambda c: user_rows.delete_user(c, args.name)):
                return _missing(args.name)
            print(f"deleted user {args.name!r}")
            return 0
        hashed = hash_password(read_password())
        if command == "passwd":
            if not _in_transaction(
                database, lambda c: user_rows.set_password(c, args.name, hashed, now)
            ):
                return _missing(args.name)
            print(f"password of {args.name!r} changed; its logins have ended")
            return 0

        def insert(conn: sqlite3.Connection) -> bool:
            org = key_rows.ensure_organisation(conn, new_id("org"), args.org, now)
            return user_rows.insert_user(
                conn,
                user_id=new_id("usr"),
                org_id=org.id,
                name=args.name,
                role=args.role,
                password_hash=hashed,
                now=now,
            )

        if not _in_transaction(database, insert):
            print(f"capacitor-edge: user {args.name!r} already exists", file=sys.stderr)
            return 1
        print(f"created {args.role} {args.name!r} in organisation {args.org!r}")
        return 0
    except Invalid as error:
        print(f"capacitor-edge: {error.field} {error}", file=sys.stderr)
        return 2


def _missing(name: str) -> int:
    print(f"capacitor-edge: no user {name!r}", file=sys.stderr)
    return 1
