"""The composition root: the one place that picks the concrete parts (SQLite stores, the file
area, the compiled OCPP schemas) and wires them into the domain's services. The domain's
services take their collaborators as arguments and build none of them."""

from __future__ import annotations

from capacitor_edge.clock import Clock
from capacitor_edge.domain.authorization_sync import AuthorizationSync
from capacitor_edge.domain.certificates import CertificateWatch
from capacitor_edge.domain.charger_credentials import ChargerAuth
from capacitor_edge.domain.charger_messages import ChargerMessages
from capacitor_edge.domain.chargers import Chargers
from capacitor_edge.domain.commands import Commands
from capacitor_edge.domain.dashboard_users import DashboardUsers
from capacitor_edge.domain.events import Events
from capacitor_edge.domain.files import Files
from capacitor_edge.domain.id_tag_authorization import Authorizer
from capacitor_edge.domain.id_tags import IdTags
from capacitor_edge.domain.keys import ApiKeys
from capacitor_edge.domain.live import LiveChargers
from capacitor_edge.domain.load_control import LoadControl
from capacitor_edge.domain.load_history import LoadHistory
from capacitor_edge.domain.load_profiles import SmartChargingSender
from capacitor_edge.domain.load_state import Tuning
from capacitor_edge.domain.local_lists import LocalLists
from capacitor_edge.domain.remote_starts import RemoteStarts
from capacitor_edge.domain.reservations import Reservations
from capacitor_edge.domain.selftest_runs import SelfTestRuns
from capacitor_edge.domain.services import Services
from capacitor_edge.domain.smart_charging import SmartCharging
from capacitor_edge.domain.traffic import Traffic
from capacitor_edge.domain.transactions import Transactions
from capacitor_edge.domain.uplink import Uplink
from capacitor_edge.domain.upstream import Mirror
from capacitor_edge.domain.upstream_site import SiteCapping
from capacitor_edge.domain.webhooks import Webhooks
from capacitor_edge.meters.registers import METER_MODELS
from capacitor_edge.protocol import ALL_ACTIONS, SchemaRegistry
from capacitor_edge.settings import Settings
from capacitor_edge.storage.chargers import ChargerStore
from capacitor_edge.storage.charging_profiles import ChargingProfileStore
from capacitor_edge.storage.commands import CommandStore
from capacitor_edge.storage.database import Database
from capacitor_edge.storage.events import EventStore
from capacitor_edge.storage.files import FileArea, FileStore
from capacitor_edge.storage.id_tags import IdTagStore
from capacitor_edge.storage.keys import KeyStore
from capacitor_edge.storage.local_lists import LocalListStore
from capacitor_edge.storage.reservations import ReservationStore
from capacitor_edge.storage.site import SiteStore
from capacitor_edge.storage.traffic import TrafficStore
from capacitor_edge.storage.transactions import TransactionStore
from capacitor_edge.storage.uplink import UplinkStore
from capacitor_edge.storage.upstream import UpstreamCapStore, UpstreamStore
from capacitor_edge.storage.users import UserStore
from capacitor_edge.storage.webhooks import WebhookStore


def build_services(db: Database, settings: Settings, clock: Clock) -> Services:
    """Wire the services. Compiles every OCPP 1.6 schema now, so a missing one fails start-up
    instead of reaching a charger as NotImplemented."""
    live = LiveChargers()
    charger_store = ChargerStore(db)
    traffic = TrafficStore(db)
    transaction_store = TransactionStore(db)
    id_tag_store = IdTagStore(db)
    remote_starts = RemoteStarts()
    audit = CommandStore(db)
    event_store = EventStore(db)
    smart_charging = SmartCharging(
        live,
        charger_store,
        transaction_store,
        ChargingProfileStore(db),
        audit,
        clock,
        settings.nominal_voltage_v,
    )
    reservations = Reservations(
        live, charger_store, ReservationStore(db), audit, clock, settings.reservation_sweep_s
    )
    local_lists = LocalLists(live, charger_store, id_tag_store, LocalListStore(db), audit, clock)
    authorization_sync = AuthorizationSync(
        live,
        charger_store,
        id_tag_store,
        local_lists,
        sync=settings.local_list_sync == "on",
        policy=settings.site_authorization_policy(),
    )

    def rebooted(charger_seq: int, charge_box_id: str) -> None:
        smart_charging.rebooted(charger_seq, charge_box_id)
        authorization_sync.rebooted(charger_seq, charge_box_id)

    load_control = LoadControl(
        SiteStore(db),
        SmartChargingSender(smart_charging),
        clock,
        Tuning(
            settings.load_threshold_a,
            settings.load_min_interval_s,
            settings.load_headroom_after_s,
            settings.load_rotation_interval_s,
        ),
        live.is_online,
        tuple(METER_MODELS),
        settings.nominal_voltage_v,
    )
    charger_auth = ChargerAuth(
        charger_store,
        failures_per_min=settings.charger_auth_failures_per_min,
        tls=settings.ocpp_tls(),
        client_ca=bool(settings.tls_client_ca_file),
        default_profile=settings.default_security_profile,
    )
    commands = Commands(
        live,
        charger_store,
        transaction_store,
        audit,
        remote_starts,
        clock,
        smart_charging,
        reservations,
        local_lists,
    )
    mirror = None
    if settings.upstream_url:  # issue 20: the box as a local controller
        mirror = Mirror(
            UpstreamStore(db),
            charger_store,
            commands,
            smart_charging,
            clock,
            settings.upstream_refused(),
            SiteCapping(load_control, UpstreamCapStore(db), settings.nominal_voltage_v),
        )
    return Services(
        mirror=mirror,
        settings=settings,
        clock=clock,
        live=live,
        keys=ApiKeys(KeyStore(db), clock, failures_per_min=settings.api_key_failures_per_min),
        chargers=Chargers(
            charger_store,
            transaction_store,
            clock,
            live,
            settings.charger_base_url(),
            auth=charger_auth,
        ),
        traffic=Traffic(traffic, charger_store),
        charger_messages=ChargerMessages(
            charger_store,
            traffic,
            transaction_store,
            Authorizer(id_tag_store, settings.authorization_mode, settings.concurrent_tx == "on"),
            clock,
            settings.heartbeat_interval_s,
            remote_starts,
            settings.accepted_vendors(),
            rebooted=rebooted,
            reservation_used=reservations.used,
            observer=load_control,
            mirror=mirror,
        ),
        schemas=SchemaRegistry(ALL_ACTIONS),
        id_tags=IdTags(id_tag_store, clock, authorization_sync.tags_changed),
        transactions=Transactions(transaction_store, clock),
        commands=commands,
        files=Files(
            FileStore(db),
            FileArea(settings.data_dir / "files"),
            charger_store,
            clock,
            settings.firmware_max_bytes,
            settings.diagnostics_max_bytes,
        ),
        charger_auth=charger_auth,
        certificates=CertificateWatch.for_settings(settings),
        smart_charging=smart_charging,
        events=Events(
            event_store, clock, settings.event_retention_days, settings.event_retention_rows
        ),
        webhooks=Webhooks(WebhookStore(db), event_store, clock),
        dashboard_users=DashboardUsers(
            UserStore(db),
            clock,
            idle_timeout_s=settings.dashboard_idle_timeout_min * 60,
            failures_per_min=settings.dashboard_login_failures_per_min,
        ),
        reservations=reservations,
        authorization_sync=authorization_sync,
        uplink=Uplink(UplinkStore(db), charger_store),
        load_control=load_control,
        load_history=LoadHistory(
            load_control, settings.load_history_interval_s, settings.load_history_hours
        ),
        selftests=SelfTestRuns(clock, settings.selftest_timeout_s),
    )
