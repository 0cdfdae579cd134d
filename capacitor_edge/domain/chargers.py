"""Charger registrations: register, list, look up, unregister; connector status history."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.charger_credentials import (
    AUTHORIZATION_KEY,
    AUTHORIZATION_KEY_RULE,
    PASSWORD_PROFILES,
    ChargerAuth,
    generate_authorization_key,
)
from capacitor_edge.domain.errors import Conflict, Invalid, NotFound
from capacitor_edge.domain.ids import new_id
from capacitor_edge.domain.live import LiveChargers

# The storage rows the API shows are exactly the domain's entities: re-exported here (``X as X``)
# so the adapters depend on the domain only.
from capacitor_edge.storage.chargers import ChargerRecord as ChargerRecord
from capacitor_edge.storage.chargers import ChargerStore, DuplicateChargeBoxId
from capacitor_edge.storage.chargers import ConnectorStatus as ConnectorStatus
from capacitor_edge.storage.transactions import TransactionStore

#: How many StatusNotifications the connector history endpoint shows.
STATUS_HISTORY_LENGTH = 5
#: WebSocket close code "going away" (RFC 6455 §7.4.1): the charger was unregistered.
CLOSE_GOING_AWAY = 1001


@dataclass(frozen=True)
class ChargerView:
    charger: ChargerRecord
    connectors: list[ConnectorStatus]
    #: connectorId → transactionId of the active session on it.
    active_transactions: dict[int, int]


@dataclass(frozen=True)
class Registration:
    record: ChargerRecord
    #: An AuthorizationKey the box generated: shown once, in this answer, and never again.
    generated_key: str | None = None


class Unset(enum.Enum):
    """A field a PATCH body leaves out (as opposed to setting it to null)."""

    UNSET = enum.auto()


UNSET = Unset.UNSET


class Chargers:
    def __init__(
        self,
        store: ChargerStore,
        transactions: TransactionStore,
        clock: Clock,
        live: LiveChargers,
        base_url: str,
        *,
        auth: ChargerAuth | None = None,
    ) -> None:
        self._store = store
        self._transactions = transactions
        self._clock = clock
        self._live = live
        self._base_url = base_url.rstrip("/")
        self._auth = auth or ChargerAuth(store, failures_per_min=10, tls=False, client_ca=False)

    async def mark_all_offline(self) -> None:
        """At start-up: whatever the last run left behind, no charger is connected yet (those
        it left online get their ``charger.disconnected``)."""
        await self._store.mark_all_offline(iso_z(self._clock.now()))

    def connection_url(self, charge_box_id: str) -> str:
        # Percent-encode so ids with characters such as ':' or '%' still make a valid URL; the
        # listener percent-decodes the path back to the registered id.
        return f"{self._base_url}/ocpp/{quote(charge_box_id, safe='')}"

    async def register(
        self,
        org_id: str,
        charge_box_id: str,
        name: str | None,
        location: str | None,
        *,
        security_profile: int | None = None,
        authorization_key: str | None = None,
    ) -> Registration:
        """Register a charger. Profiles 1 and 2 need an AuthorizationKey: the one given, or
        one generated here and returned once in the :class:`Registration`."""
        profile = self._auth.default_profile if security_profile is None else security_profile
        self._check_profile(profile)
        key, generated = self._key_for(profile, authorization_key, has_key=False)
        key_hash = None if key is None else await self._auth.hash_key(key)
        try:
            record = await self._store.insert(
                charger_id=new_id("chg"),
                org_id=org_id,
                charge_box_id=charge_box_id,
                name=name,
                location=location,
                now=iso_z(self._clock.now()),
                security_profile=profile,
                auth_key_hash=key_hash,
            )
        except DuplicateChargeBoxId:
            raise Conflict(f"Charger {charge_box_id} is already registered") from None
        return Registration(record, key if generated else None)

    async def update(
        self,
        org_id: str,
        charge_box_id: str,
        *,
        name: str | Unset | None = UNSET,
        location: str | Unset | None = UNSET,
        security_profile: int | Unset = UNSET,
        authorization_key: str | Unset | None = UNSET,
    ) -> Registration:
        """Change a registration. ``authorization_key=None`` asks for a newly generated key;
        a charger moved to profile 1 or 2 without a key gets one generated. New credentials
        apply from the charger's next connection: a connected charger is not cut off, so the
        key can still be sent to it with ChangeConfiguration (AuthorizationKey)."""
        current = await self._store.find(charge_box_id, org_id)
        if current is None:
            raise NotFound(f"Charger {charge_box_id} not found")
        changes: dict[str, object] = {}
        if not isinstance(name, Unset):
            changes["name"] = name
        if not isinstance(location, Unset):
            changes["location"] = location
        profile = current.security_profile
        if not isinstance(security_profile, Unset):
            profile = security_profile
            self._check_profile(profile)
            changes["security_profile"] = profile
        generated = False
        if isinstance(authorization_key, Unset):
            has_key = await self._store.auth_key_hash(current.seq) is not None
            key, generated = self._key_for(profile, None, has_key=has_key)
        elif authorization_key is None:
            if profile not in PASSWORD_PROFILES:
                raise Invalid("authorizationKey", "only security profiles 1 and 2 use one")
            key, generated = generate_authorization_key(), True
        else:
            key, generated = self._key_for(profile, authorization_key, has_key=False)
        if key is not None:
            changes["auth_key_hash"] = await self._auth.hash_key(key)
        record = await self._store.update(org_id, charge_box_id, changes)
        if record is None:
            raise NotFound(f"Charger {charge_box_id} not found")
        return Registration(record, key if generated else None)

    def _check_profile(self, profile: int) -> None:
        problem = self._auth.profile_problem(profile)
        if problem is not None:
            raise Invalid("securityProfile", problem)

    @staticmethod
    def _key_for(profile: int, given: str | None, *, has_key: bool) -> tuple[str | None, bool]:
        """(key to store, whether it was generated here) for a charger of ``profile``."""
        if given is not None:
            if profile not in PASSWORD_PROFILES:
                raise Invalid("authorizationKey", "only security profiles 1 and 2 use one")
            if not AUTHORIZATION_KEY.fullmatch(given):
                raise Invalid("authorizationKey", AUTHORIZATION_KEY_RULE)
            return given, False
        if profile in PASSWORD_PROFILES and not has_key:
            return generate_authorization_key(), True
        return None, False

    async def page(
        self, org_id: str, *, online: bool | None, limit: int, offset: int
    ) -> tuple[list[ChargerRecord], int]:
        records, total = await self._store.page(org_id, online=online, limit=limit, offset=offset)
        return [self._with_last_seen(record) for record in records], total

    def _with_last_seen(self, record: ChargerRecord) -> ChargerRecord:
        """``record`` with lastHeartbeat from the live session when that is newer: the stored
        one trails by a batch, and a REST read after the charger's answer must see it."""
        seen = self._live.last_seen(record.charge_box_id)
        if seen is None:
            return record
        text = iso_z(seen)
        if record.last_heartbeat is not None and record.last_heartbeat >= text:
            return record
        return replace(record, last_heartbeat=text)

    async def details(self, org_id: str, charge_box_id: str) -> ChargerView:
        found = await self._store.find_with_connectors(charge_box_id, org_id)
        if found is None:
            raise NotFound(f"Charger {charge_box_id} not found")
        charger, connectors = found
        active = await self._transactions.active_by_connector(charger.seq)
        return ChargerView(self._with_last_seen(charger), connectors, active)

    async def connection(self, org_id: str, charge_box_id: str) -> dict[str, Any]:
        """The charger's live connection as the transport knows it: since when, from which
        address, with which security profile. Not stored: only the session holds it."""
        record = await self._store.find(charge_box_id, org_id)
        if record is None:
            raise NotFound(f"Charger {charge_box_id} not found")
        link = self._live.get(charge_box_id)
        state = None if link is None else link.identity.connection
        return {
            "chargeBoxId": record.charge_box_id,
            "online": state is not None,
            "connectedAt": None
            if state is None or not state.connected_at
            else iso_z(state.connected_at),
            "remoteAddress": None if state is None else state.remote_address,
            "tls": None if state is None else state.tls,
            # The profile this session logged in with (a later PATCH applies from the next).
            "securityProfile": record.security_profile
            if link is None
            else link.identity.security_profile,
            "lastSeen": None if state is None or not state.last_seen else iso_z(state.last_seen),
        }

    async def unregister(self, org_id: str, charge_box_id: str) -> None:
        if not await self._store.delete(org_id, charge_box_id, iso_z(self._clock.now())):
            raise NotFound(f"Charger {charge_box_id} not found")
        # A deleted charger must not stay connected: its session would keep writing to a
        # registration that no longer exists.
        self._live.disconnect(charge_box_id, CLOSE_GOING_AWAY, "charger unregistered")

    async def status_history(
        self, org_id: str, charge_box_id: str, connector_id: int
    ) -> list[ConnectorStatus]:
        history = await self._store.status_history(
            charge_box_id, org_id, connector_id, STATUS_HISTORY_LENGTH
        )
        if history is None:
            raise NotFound(f"Charger {charge_box_id} not found")
        return history
