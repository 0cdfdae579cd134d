"""Every schema migration's SQL, in order: the version of a database is how many of these it
has applied (:mod:`capacitor_edge.storage.migrations` applies them). Never edit one that has
shipped; append a new one."""

from __future__ import annotations

from capacitor_edge.storage.authorization_schema import AUTHORIZATION_MIGRATION
from capacitor_edge.storage.site_schema import SITE_MIGRATION
from capacitor_edge.storage.uplink_cursors import UPLINK_MIGRATION
from capacitor_edge.storage.upstream_outbox import UPSTREAM_CAPS_MIGRATION, UPSTREAM_MIGRATION
from capacitor_edge.storage.users import USERS_MIGRATION

MIGRATIONS: list[tuple[str, str]] = [
    (
        "organisations, api keys and chargers",
        """
        CREATE TABLE organisations (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            org_id TEXT NOT NULL REFERENCES organisations(id),
            name TEXT NOT NULL,
            key_hash TEXT NOT NULL UNIQUE,
            prefix TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_used TEXT,
            revoked_at TEXT
        );
        CREATE INDEX api_keys_org ON api_keys(org_id, created_at);
        -- A charger registration. Deleting soft-deletes it (deleted_at) so its history stays for
        -- audit; the same chargeBoxId may then be registered again as a new row.
        CREATE TABLE chargers (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            org_id TEXT NOT NULL REFERENCES organisations(id),
            charge_box_id TEXT NOT NULL,
            name TEXT,
            location TEXT,
            registered_at TEXT NOT NULL,
            deleted_at TEXT,
            is_online INTEGER NOT NULL DEFAULT 0,
            connected_at TEXT,
            vendor TEXT,
            model TEXT,
            serial_number TEXT,
            firmware_version TEXT,
            iccid TEXT,
            imsi TEXT,
            meter_type TEXT,
            meter_serial_number TEXT,
            last_boot TEXT,
            last_heartbeat TEXT
        );
        -- The WebSocket path carries no organisation, so a chargeBoxId is unique on the box.
        CREATE UNIQUE INDEX chargers_live_cbid ON chargers(charge_box_id) WHERE deleted_at IS NULL;
        CREATE INDEX chargers_org_seq ON chargers(org_id, seq) WHERE deleted_at IS NULL;
        CREATE INDEX chargers_org_online ON chargers(org_id, is_online, seq)
            WHERE deleted_at IS NULL;
        -- The current status of each connector (connectorId 0 is the charge point itself).
        CREATE TABLE connector_status (
            charger_seq INTEGER NOT NULL REFERENCES chargers(seq),
            connector_id INTEGER NOT NULL,
            status TEXT NOT NULL,
            error_code TEXT NOT NULL,
            info TEXT,
            vendor_id TEXT,
            vendor_error_code TEXT,
            timestamp TEXT NOT NULL,
            PRIMARY KEY (charger_seq, connector_id)
        ) WITHOUT ROWID;
        -- Every StatusNotification, for the connector history endpoint and audit.
        CREATE TABLE status_notifications (
            id INTEGER PRIMARY KEY,
            charger_seq INTEGER NOT NULL REFERENCES chargers(seq),
            connector_id INTEGER NOT NULL,
            status TEXT NOT NULL,
            error_code TEXT NOT NULL,
            info TEXT,
            vendor_id TEXT,
            vendor_error_code TEXT,
            timestamp TEXT NOT NULL,
            received_at TEXT NOT NULL
        );
        CREATE INDEX status_notifications_connector
            ON status_notifications(charger_seq, connector_id, id);
        """,
    ),
    (
        "connection attempts and message traces",
        """
        -- Refused charger connections, so installers can see which ids are knocking. org_id is
        -- the owner of the id at the time (NULL for an unregistered id).
        CREATE TABLE connection_attempts (
            id INTEGER PRIMARY KEY,
            charge_box_id TEXT NOT NULL,
            org_id TEXT,
            remote_address TEXT NOT NULL,
            reason TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX connection_attempts_org ON connection_attempts(org_id, id);
        -- Every OCPP frame in and out, newest N kept per charger registration.
        CREATE TABLE message_trace (
            id INTEGER PRIMARY KEY,
            charger_seq INTEGER NOT NULL REFERENCES chargers(seq),
            direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
            frame TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX message_trace_charger ON message_trace(charger_seq, id);
        """,
    ),
    (
        "id tags, transactions and meter values",
        """
        -- The authorization list of each organisation (OCPP 1.6 IdTagInfo fields).
        CREATE TABLE id_tags (
            org_id TEXT NOT NULL REFERENCES organisations(id),
            id_tag TEXT NOT NULL,
            parent_id_tag TEXT,
            expiry_date TEXT,
            blocked INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (org_id, id_tag)
        ) WITHOUT ROWID;
        -- transaction_id is the OCPP transactionId: AUTOINCREMENT never hands out a number
        -- twice on this box, also after deletes and restarts.
        CREATE TABLE transactions (
            transaction_id INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            charger_seq INTEGER NOT NULL REFERENCES chargers(seq),
            org_id TEXT NOT NULL,
            charge_box_id TEXT NOT NULL,
            connector_id INTEGER NOT NULL,
            id_tag TEXT NOT NULL,
            authorization_status TEXT NOT NULL,
            reservation_id INTEGER,
            meter_start INTEGER NOT NULL,
            start_time TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'completed')),
            meter_stop INTEGER,
            stop_time TEXT,
            stop_reason TEXT,
            stop_id_tag TEXT,
            closed_by TEXT,
            remote_started INTEGER NOT NULL DEFAULT 0,
            last_meter_wh REAL,
            last_meter_at TEXT,
            created_at TEXT NOT NULL
        );
        -- A replayed StartTransaction (same charger, connector, idTag, timestamp, meterStart)
        -- finds the transaction it already created.
        CREATE UNIQUE INDEX transactions_replay
            ON transactions(charger_seq, connector_id, id_tag, start_time, meter_start);
        CREATE INDEX transactions_org ON transactions(org_id, transaction_id);
        CREATE INDEX transactions_org_status ON transactions(org_id, status, transaction_id);
        CREATE INDEX transactions_charger ON transactions(charger_seq, status, connector_id);
        -- Every sampled value, as sent, with Energy registers normalised to Wh.
        CREATE TABLE meter_values (
            id INTEGER PRIMARY KEY,
            charger_seq INTEGER NOT NULL REFERENCES chargers(seq),
            transaction_id INTEGER,
            connector_id INTEGER NOT NULL,
            timestamp TEXT NOT NULL,
            measurand TEXT NOT NULL,
            phase TEXT,
            unit TEXT,
            context TEXT,
            location TEXT,
            format TEXT,
            value TEXT NOT NULL,
            value_wh REAL,
            received_at TEXT NOT NULL
        );
        CREATE INDEX meter_values_transaction ON meter_values(transaction_id, id);
        -- StopTransactions for a transactionId this box never issued: answered, kept for audit.
        CREATE TABLE orphan_stops (
            id INTEGER PRIMARY KEY,
            charger_seq INTEGER NOT NULL REFERENCES chargers(seq),
            transaction_id INTEGER NOT NULL,
            id_tag TEXT,
            meter_stop INTEGER NOT NULL,
            timestamp TEXT NOT NULL,
            reason TEXT,
            received_at TEXT NOT NULL
        );
        CREATE TABLE data_transfers (
            id INTEGER PRIMARY KEY,
            charger_seq INTEGER NOT NULL REFERENCES chargers(seq),
            vendor_id TEXT NOT NULL,
            message_id TEXT,
            data TEXT,
            received_at TEXT NOT NULL
        );
        """,
    ),
    (
        "command audit log, firmware and diagnostics status",
        """
        -- Every command sent to a charger from the REST API: who, what, and what came back.
        CREATE TABLE commands (
            id INTEGER PRIMARY KEY,
            charger_seq INTEGER NOT NULL REFERENCES chargers(seq),
            api_key_id TEXT,
            action TEXT NOT NULL,
            request TEXT NOT NULL,
            outcome TEXT NOT NULL,
            response TEXT,
            error_code TEXT,
            error_description TEXT,
            requested_at TEXT NOT NULL,
            finished_at TEXT NOT NULL
        );
        CREATE INDEX commands_charger ON commands(charger_seq, id);
        ALTER TABLE chargers ADD COLUMN firmware_status TEXT;
        ALTER TABLE chargers ADD COLUMN firmware_status_at TEXT;
        ALTER TABLE chargers ADD COLUMN diagnostics_status TEXT;
        ALTER TABLE chargers ADD COLUMN diagnostics_status_at TEXT;
        ALTER TABLE transactions ADD COLUMN remote_request_id INTEGER;
        """,
    ),
    (
        "firmware and diagnostics files served by the box",
        """
        -- Bytes live on disk under DATA_DIR/files, named by generated ids only; these rows hold
        -- everything else (the client's file name is metadata, never part of a path).
        CREATE TABLE firmware_files (
            id TEXT PRIMARY KEY,
            org_id TEXT NOT NULL,
            name TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            token TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX firmware_files_org ON firmware_files(org_id, created_at);
        -- One per GetDiagnostics sent without a location: the token in the upload URL.
        CREATE TABLE diagnostics_slots (
            token TEXT PRIMARY KEY,
            charger_seq INTEGER NOT NULL REFERENCES chargers(seq),
            charger_id TEXT NOT NULL,
            org_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE TABLE diagnostics_files (
            id TEXT PRIMARY KEY,
            charger_seq INTEGER NOT NULL REFERENCES chargers(seq),
            charger_id TEXT NOT NULL,
            org_id TEXT NOT NULL,
            file_name TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            received_at TEXT NOT NULL
        );
        CREATE INDEX diagnostics_files_charger ON diagnostics_files(charger_seq, received_at);
        """,
    ),
    (
        "charger security profiles and authorization keys",
        """
        -- OCPP 1.6 security profile (0-3) of each registration, and for profiles 1 and 2 the
        -- slow hash of its AuthorizationKey (the HTTP Basic password); the key itself is never
        -- stored.
        ALTER TABLE chargers ADD COLUMN security_profile INTEGER NOT NULL DEFAULT 0
            CHECK (security_profile BETWEEN 0 AND 3);
        ALTER TABLE chargers ADD COLUMN auth_key_hash TEXT;
        """,
    ),
    (
        "charger clock and message quirks",
        """
        -- Per charger, for staff: timestamps sent without a zone (read as UTC), StopTransactions
        -- and MeterValues naming a transaction this box never gave the charger (kept as orphans).
        ALTER TABLE chargers ADD COLUMN zoneless_timestamps INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE chargers ADD COLUMN last_zoneless_at TEXT;
        ALTER TABLE chargers ADD COLUMN orphan_stops INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE chargers ADD COLUMN orphan_meter_values INTEGER NOT NULL DEFAULT 0;
        -- A start or stop time from a charger clock not set yet (1970, or over a day ahead):
        -- the times are kept as sent, and durations come from the box's receive times.
        ALTER TABLE transactions ADD COLUMN clock_suspect INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE transactions ADD COLUMN stop_received_at TEXT;
        -- The transactionId a MeterValues or StopTransaction named when it was not one this box
        -- gave the charger (transaction_id is then NULL).
        ALTER TABLE meter_values ADD COLUMN claimed_transaction_id INTEGER;
        CREATE INDEX orphan_stops_charger ON orphan_stops(charger_seq, id);
        """,
    ),
    (
        "event journal and webhooks",
        """
        -- The journal (DESIGN.md, "The journal"): one row per state change, written in the same
        -- transaction as the change. AUTOINCREMENT: a sequence number is never handed out twice,
        -- also after pruning, so a consumer's cursor always means the same place.
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            org_id TEXT NOT NULL,
            type TEXT NOT NULL,
            charge_box_id TEXT,
            at TEXT NOT NULL,
            data TEXT NOT NULL
        );
        CREATE INDEX events_org ON events(org_id, seq);
        -- cursor: the last event seq delivered (2xx) or skipped as not subscribed; the worker
        -- delivers what comes after it. state: ok, failing (retrying) or disabled (gave up).
        CREATE TABLE webhooks (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            org_id TEXT NOT NULL,
            url TEXT NOT NULL,
            events TEXT NOT NULL,
            secret TEXT NOT NULL,
            trust_site_ca INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'failing', 'disabled')),
            cursor INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX webhooks_org ON webhooks(org_id, seq);
        -- Every delivery attempt, for GET /api/v1/webhooks/{id}/deliveries.
        CREATE TABLE webhook_deliveries (
            id INTEGER PRIMARY KEY,
            webhook_seq INTEGER NOT NULL REFERENCES webhooks(seq) ON DELETE CASCADE,
            event_seq INTEGER NOT NULL,
            event_type TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            at TEXT NOT NULL,
            status_code INTEGER,
            duration_ms INTEGER NOT NULL,
            error TEXT,
            kind TEXT NOT NULL CHECK (kind IN ('delivery', 'redelivery', 'test'))
        );
        CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_seq, id);
        """,
    ),
    (
        "charging profile registry",
        """
        -- Every charging profile the box sent a charger (OCPP 1.6 §3.13): the profile as it
        -- went on the wire, the charger's answer, and whether it was cleared or replaced since.
        CREATE TABLE charging_profiles (
            id INTEGER PRIMARY KEY,
            charger_seq INTEGER NOT NULL REFERENCES chargers(seq),
            connector_id INTEGER NOT NULL,
            profile_id INTEGER NOT NULL,
            stack_level INTEGER NOT NULL,
            purpose TEXT NOT NULL,
            profile TEXT NOT NULL,
            status TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            answered_at TEXT,
            cleared_at TEXT,
            cleared_by TEXT,
            reapplied_at TEXT
        );
        CREATE INDEX charging_profiles_charger ON charging_profiles(charger_seq, id);
        -- Per charger: its electrical setup (for A<->W) and the smart charging features it
        -- reported (GetConfiguration SupportedFeatureProfiles, ChargingScheduleAllowed...Unit).
        CREATE TABLE charger_smart_charging (
            charger_seq INTEGER PRIMARY KEY REFERENCES chargers(seq),
            phases INTEGER,
            voltage_v REAL,
            feature_profiles TEXT,
            rate_units TEXT,
            features_read_at TEXT
        );
        """,
    ),
    USERS_MIGRATION,
    AUTHORIZATION_MIGRATION,
    UPLINK_MIGRATION,
    SITE_MIGRATION,
    UPSTREAM_MIGRATION,
    UPSTREAM_CAPS_MIGRATION,
]
