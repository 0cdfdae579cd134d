"""Every domain service, built once per process and handed to the REST and OCPP adapters."""

from __future__ import annotations

from dataclasses import dataclass

from capacitor_edge.clock import Clock
from capacitor_edge.domain.chargers import Chargers
from capacitor_edge.domain.keys import ApiKeys
from capacitor_edge.domain.live import LiveChargers
from capacitor_edge.settings import Settings
from capacitor_edge.storage.chargers import ChargerStore
from capacitor_edge.storage.database import Database
from capacitor_edge.storage.keys import KeyStore


@dataclass
class Services:
    settings: Settings
    clock: Clock
    live: LiveChargers
    keys: ApiKeys
    chargers: Chargers
    charger_store: ChargerStore


def build_services(db: Database, settings: Settings, clock: Clock) -> Services:
    live = LiveChargers()
    charger_store = ChargerStore(db)
    return Services(
        settings=settings,
        clock=clock,
        live=live,
        keys=ApiKeys(KeyStore(db), clock),
        chargers=Chargers(charger_store, clock, live, settings.charger_base_url()),
        charger_store=charger_store,
    )
