"""The charging profile registry (what the box sent each charger, and what the charger said)
and each charger's smart charging setup (phases, voltage, the features it reported)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from capacitor_edge.storage.database import Database


@dataclass(frozen=True)
class ProfileRecord:
    id: int
    connector_id: int
    profile_id: int
    stack_level: int
    purpose: str
    #: The csChargingProfiles object as it went on the wire (camelCase, in the charger's unit).
    profile: dict[str, Any]
    #: The charger's answer in snake case (accepted, rejected, not_supported), or the outcome
    #: of a call that got none (timeout, call_error, connection_lost, not_connected), or
    #: ``sending`` while the call is under way.
    status: str
    sent_at: str
    answered_at: str | None
    cleared_at: str | None
    #: ``clear`` (ClearChargingProfile accepted) or ``replaced`` (a newer profile took its
    #: place, OCPP 1.6 §5.16: same id, or same connector, purpose and stack level).
    cleared_by: str | None
    reapplied_at: str | None


@dataclass(frozen=True)
class SmartChargingSetup:
    """A charger's smart charging setup: None where nothing was set or read yet."""

    phases: int | None = None
    voltage_v: float | None = None
    #: SupportedFeatureProfiles as the charger reported it (comma-separated).
    feature_profiles: str | None = None
    #: ChargingScheduleAllowedChargingRateUnit as the charger reported it ("Current,Power").
    rate_units: str | None = None
    features_read_at: str | None = None


def _record(row: sqlite3.Row) -> ProfileRecord:
    return ProfileRecord(
        id=row["id"],
        connector_id=row["connector_id"],
        profile_id=row["profile_id"],
        stack_level=row["stack_level"],
        purpose=row["purpose"],
        profile=json.loads(row["profile"]),
        status=row["status"],
        sent_at=row["sent_at"],
        answered_at=row["answered_at"],
        cleared_at=row["cleared_at"],
        cleared_by=row["cleared_by"],
        reapplied_at=row["reapplied_at"],
    )


def _insert(
    conn: sqlite3.Connection, seq: int, connector_id: int, profile: dict[str, Any], at: str
) -> int:
    cursor = conn.execute(
        "INSERT INTO charging_profiles (charger_seq, connector_id, profile_id, stack_level,"
        " purpose, profile, status, sent_at) VALUES (?, ?, ?, ?, ?, ?, 'sending', ?)",
        (
            seq,
            connector_id,
            profile["chargingProfileId"],
            profile["stackLevel"],
            profile["chargingProfilePurpose"],
            json.dumps(profile),
            at,
        ),
    )
    return int(cursor.lastrowid or 0)


def _answer(conn: sqlite3.Connection, seq: int, row_id: int, status: str, at: str) -> None:
    conn.execute(
        "UPDATE charging_profiles SET status = ?, answered_at = ? WHERE id = ?",
        (status, at, row_id),
    )
    if status != "accepted":
        return
    row = conn.execute("SELECT * FROM charging_profiles WHERE id = ?", (row_id,)).fetchone()
    # OCPP 1.6 §5.16: an accepted profile replaces the one with the same id, and the one on
    # the same connector with the same purpose and stack level.
    conn.execute(
        "UPDATE charging_profiles SET cleared_at = ?, cleared_by = 'replaced'"
        " WHERE charger_seq = ? AND id != ? AND cleared_at IS NULL AND status = 'accepted'"
        " AND (profile_id = ? OR (connector_id = ? AND purpose = ? AND stack_level = ?))",
        (
            at,
            seq,
            row_id,
            row["profile_id"],
            row["connector_id"],
            row["purpose"],
            row["stack_level"],
        ),
    )


def _clear(
    conn: sqlite3.Connection,
    seq: int,
    profile_id: int | None,
    connector_id: int | None,
    purpose: str | None,
    stack_level: int | None,
    at: str,
) -> int:
    """Mark what an accepted ClearChargingProfile cleared (OCPP 1.6 §5.5: by id, else every
    accepted profile matching all the criteria given; none given clears all)."""
    where = ["charger_seq = ?", "cleared_at IS NULL", "status = 'accepted'"]
    args_any: list[int | str] = [seq]
    if profile_id is not None:
        where.append("profile_id = ?")
        args_any.append(profile_id)
    else:
        for column, value in (
            ("connector_id", connector_id),
            ("purpose", purpose),
            ("stack_level", stack_level),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                args_any.append(value)
    cursor = conn.execute(
        "UPDATE charging_profiles SET cleared_at = ?, cleared_by = 'clear' WHERE "
        + " AND ".join(where),
        (at, *args_any),
    )
    return cursor.rowcount


def _setup(conn: sqlite3.Connection, seq: int) -> SmartChargingSetup:
    row = conn.execute(
        "SELECT * FROM charger_smart_charging WHERE charger_seq = ?", (seq,)
    ).fetchone()
    if row is None:
        return SmartChargingSetup()
    return SmartChargingSetup(
        row["phases"],
        row["voltage_v"],
        row["feature_profiles"],
        row["rate_units"],
        row["features_read_at"],
    )


def _save_setup(conn: sqlite3.Connection, seq: int, setup: SmartChargingSetup) -> None:
    conn.execute(
        "INSERT INTO charger_smart_charging (charger_seq, phases, voltage_v, feature_profiles,"
        " rate_units, features_read_at) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (charger_seq) DO UPDATE SET phases = excluded.phases,"
        " voltage_v = excluded.voltage_v, feature_profiles = excluded.feature_profiles,"
        " rate_units = excluded.rate_units, features_read_at = excluded.features_read_at",
        (
            seq,
            setup.phases,
            setup.voltage_v,
            setup.feature_profiles,
            setup.rate_units,
            setup.features_read_at,
        ),
    )


class ChargingProfileStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def sending(self, seq: int, connector_id: int, profile: dict[str, Any], at: str) -> int:
        """Record a profile about to go out; returns its registry row id."""
        return await self._db.write(lambda c: _insert(c, seq, connector_id, profile, at))

    async def answered(self, seq: int, row_id: int, status: str, at: str) -> None:
        await self._db.write(lambda c: _answer(c, seq, row_id, status, at))

    async def reapplied(self, row_id: int, status: str, at: str) -> None:
        """A re-application after a reboot: the charger's new answer and when."""

        def update(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE charging_profiles SET status = ?, answered_at = ?, reapplied_at = ?"
                " WHERE id = ?",
                (status, at, at, row_id),
            )

        await self._db.write(update)

    async def cleared(
        self,
        seq: int,
        profile_id: int | None,
        connector_id: int | None,
        purpose: str | None,
        stack_level: int | None,
        at: str,
    ) -> int:
        return await self._db.write(
            lambda c: _clear(c, seq, profile_id, connector_id, purpose, stack_level, at)
        )

    async def of_charger(self, seq: int) -> list[ProfileRecord]:
        def read(conn: sqlite3.Connection) -> list[ProfileRecord]:
            rows = conn.execute(
                "SELECT * FROM charging_profiles WHERE charger_seq = ? ORDER BY id DESC", (seq,)
            ).fetchall()
            return [_record(row) for row in rows]

        return await self._db.read(read)

    async def to_reapply(self, seq: int) -> list[ProfileRecord]:
        """Accepted, not cleared, and meant to outlive a transaction (OCPP 1.6 §3.13.1:
        ChargePointMaxProfile and TxDefaultProfile; a TxProfile ends with its transaction)."""

        def read(conn: sqlite3.Connection) -> list[ProfileRecord]:
            rows = conn.execute(
                "SELECT * FROM charging_profiles WHERE charger_seq = ? AND status = 'accepted'"
                " AND cleared_at IS NULL"
                " AND purpose IN ('ChargePointMaxProfile', 'TxDefaultProfile') ORDER BY id",
                (seq,),
            ).fetchall()
            return [_record(row) for row in rows]

        return await self._db.read(read)

    async def setup(self, seq: int) -> SmartChargingSetup:
        return await self._db.read(lambda c: _setup(c, seq))

    async def save_setup(self, seq: int, setup: SmartChargingSetup) -> None:
        await self._db.write(lambda c: _save_setup(c, seq, setup))
