"""The site tables' migration (issue 16), apart from the store so that the migration list
imports no store (the store imports the database, which imports the list)."""

from __future__ import annotations

SITE_MIGRATION = (
    "site load management",
    """
    -- One site per box: the circuit tree, the chargers in it, the meter (a JSON document the
    -- domain checks as a whole), owned by the organisation that last put it.
    CREATE TABLE site (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        org_id TEXT NOT NULL,
        document TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    -- What each connector was last sent by the load controller and what the charger said.
    CREATE TABLE site_allocations (
        charge_box_id TEXT NOT NULL,
        connector_id INTEGER NOT NULL,
        transaction_id INTEGER,
        limit_a REAL NOT NULL,
        purpose TEXT NOT NULL,
        status TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        PRIMARY KEY (charge_box_id, connector_id)
    );
    """,
)
