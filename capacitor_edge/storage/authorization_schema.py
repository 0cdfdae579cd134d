"""The tables of issue 17 (id-tag list versions, the chargers' local lists, reservations), as
one migration step; :mod:`capacitor_edge.storage.schema_steps` lists it."""

from __future__ import annotations

AUTHORIZATION_MIGRATION = (
    "local authorization lists and reservations",
    """
    -- The organisation's local-list version: bumped by every change to its id-tag list.
    CREATE TABLE id_tag_list_versions (
        org_id TEXT PRIMARY KEY,
        version INTEGER NOT NULL
    ) WITHOUT ROWID;
    -- The version each idTag last changed at (deleted ones too: a differential update removes
    -- them from the chargers' lists).
    CREATE TABLE id_tag_changes (
        org_id TEXT NOT NULL,
        id_tag TEXT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (org_id, id_tag)
    ) WITHOUT ROWID;
    CREATE INDEX id_tag_changes_version ON id_tag_changes(org_id, version);
    CREATE INDEX id_tags_parent ON id_tags(org_id, parent_id_tag);
    -- ConcurrentTx: a tag's transactions in progress, read on every Authorize.
    CREATE INDEX transactions_tag ON transactions(org_id, id_tag, status);
    -- Per charger: the local list (OCPP 1.6 §3.5) the box sent it and what it answered.
    -- version_sent is the charger's own list version (SendLocalList.listVersion), counted per
    -- charger so a list split over several messages gets one version per message; org_version
    -- is the organisation's list version the charger's list holds once accepted.
    CREATE TABLE charger_local_lists (
        charger_seq INTEGER PRIMARY KEY REFERENCES chargers(seq),
        version_sent INTEGER NOT NULL DEFAULT 0,
        org_version INTEGER NOT NULL DEFAULT 0,
        version_on_charger INTEGER,
        update_type TEXT,
        status TEXT,
        sent_at TEXT,
        answered_at TEXT,
        asked_at TEXT,
        feature_profiles TEXT,
        max_list INTEGER,
        max_send INTEGER
    );
    -- Reservations (OCPP 1.6 §3.11): reservation_id is the OCPP reservationId, never reused.
    CREATE TABLE reservations (
        reservation_id INTEGER PRIMARY KEY AUTOINCREMENT,
        charger_seq INTEGER NOT NULL REFERENCES chargers(seq),
        org_id TEXT NOT NULL,
        charge_box_id TEXT NOT NULL,
        connector_id INTEGER NOT NULL,
        id_tag TEXT NOT NULL,
        parent_id_tag TEXT,
        expiry_date TEXT NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('pending', 'active', 'expired', 'used', 'cancelled')),
        transaction_id INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX reservations_charger ON reservations(charger_seq, status);
    CREATE INDEX reservations_expiry ON reservations(status, expiry_date);
    """,
)
