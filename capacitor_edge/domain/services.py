"""Every domain service, as the REST and OCPP adapters receive them.

Built once per process by the composition root, :func:`capacitor_edge.app.compose.build_services`:
the domain says what the adapters get, ``app/`` decides which concrete parts make it up."""

from __future__ import annotations

from dataclasses import dataclass

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
from capacitor_edge.domain.id_tags import IdTags
from capacitor_edge.domain.keys import ApiKeys
from capacitor_edge.domain.live import LiveChargers
from capacitor_edge.domain.load_control import LoadControl
from capacitor_edge.domain.load_history import LoadHistory
from capacitor_edge.domain.reservations import Reservations
from capacitor_edge.domain.selftest_runs import SelfTestRuns
from capacitor_edge.domain.smart_charging import SmartCharging
from capacitor_edge.domain.traffic import Traffic
from capacitor_edge.domain.transactions import Transactions
from capacitor_edge.domain.uplink import Uplink
from capacitor_edge.domain.upstream import Mirror
from capacitor_edge.domain.webhooks import Webhooks
from capacitor_edge.protocol import SchemaRegistry
from capacitor_edge.settings import Settings


@dataclass
class Services:
    settings: Settings
    clock: Clock
    live: LiveChargers
    keys: ApiKeys
    chargers: Chargers
    traffic: Traffic
    charger_messages: ChargerMessages
    schemas: SchemaRegistry
    id_tags: IdTags
    transactions: Transactions
    commands: Commands
    files: Files
    charger_auth: ChargerAuth
    certificates: CertificateWatch
    smart_charging: SmartCharging
    events: Events
    webhooks: Webhooks
    dashboard_users: DashboardUsers
    reservations: Reservations
    authorization_sync: AuthorizationSync
    uplink: Uplink
    load_control: LoadControl
    load_history: LoadHistory
    selftests: SelfTestRuns
    #: The upstream mirror (issue 20); None unless ``upstream_url`` is set.
    mirror: Mirror | None = None
