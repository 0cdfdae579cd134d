"""Local authorization lists on the chargers (OCPP 1.6 §3.5 Local Authorization List
Management: SendLocalList §5.15, GetLocalListVersion §5.10).

The box puts the organisation's id-tag list on each charger, with each tag's IdTagInfo as the
box would answer it (groups included), so chargers keep authorizing cards while the link to the
box is down, and a blocked card is refused by them too. Per charger it keeps the version it sent
and what the charger answered (:mod:`capacitor_edge.storage.local_lists`).

- A Full update sends every tag; a Differential one the tags changed since the organisation's
  list version the charger holds (a deleted tag goes without IdTagInfo: §5.15 removes it).
- SendLocalListMaxLength: an update longer than that goes out as several messages, the first of
  its type and the rest Differential, each with the next version (so a charger checking that a
  differential version is newer accepts each one).
- LocalAuthListMaxLength: a Full list longer than that keeps the Accepted tags first (a tag
  not on the list is refused offline anyway); a Differential that would overflow it is sent as
  a Full list instead.
- VersionMismatch or Failed answering a Differential (or a later part of a split update) is
  answered with one Full resend; NotSupported is recorded and ends the update.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import trio

from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.charger_calls import ChargerCalls, snake_status
from capacitor_edge.domain.errors import CallUnanswered, ChargerUnavailable, NotFound
from capacitor_edge.domain.id_tag_authorization import chain_of, group_info
from capacitor_edge.domain.keys import Principal
from capacitor_edge.domain.live import LiveChargers
from capacitor_edge.protocol.ocpp_messages import call, call_result
from capacitor_edge.storage.chargers import ChargerRecord, ChargerStore
from capacitor_edge.storage.commands import CommandStore
from capacitor_edge.storage.id_tags import IdTagStore, ListSnapshot
from capacitor_edge.storage.local_lists import LocalListState as LocalListState
from capacitor_edge.storage.local_lists import LocalListStore

PROFILE = "LocalAuthListManagement"
FEATURE_KEYS = ["SupportedFeatureProfiles", "LocalAuthListMaxLength", "SendLocalListMaxLength"]
#: Answers to a SendLocalList that a Full resend may put right.
RESEND_ON = frozenset({"Failed", "VersionMismatch"})


@dataclass(frozen=True)
class LocalListUpdate:
    """What one update did: the type that ended it (``Full`` after a resend), the charger's
    last answer (snake case), the version sent, the entries sent and in how many messages."""

    update_type: str
    status: str
    version_sent: int
    entries: int
    messages: int
    resent: bool = False
    left_out: int = 0


@dataclass(frozen=True)
class LocalListView:
    state: LocalListState
    list_version: int
    entries: list[dict[str, Any]]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def supports(state: LocalListState) -> bool:
    return PROFILE in {word.strip() for word in (state.feature_profiles or "").split(",")}


class LocalLists:
    def __init__(
        self,
        live: LiveChargers,
        chargers: ChargerStore,
        id_tags: IdTagStore,
        store: LocalListStore,
        audit: CommandStore,
        clock: Clock,
    ) -> None:
        self._live = live
        self._chargers = chargers
        self._id_tags = id_tags
        self.store = store
        self.calls = ChargerCalls(live, audit, clock)
        self._clock = clock
        #: Chargers whose features were read on their current connection.
        self.fresh: set[int] = set()
        self._locks: dict[int, trio.Lock] = {}

    def lock(self, charger_seq: int) -> trio.Lock:
        """Held while the charger's list is updated: each update numbers its messages from
        the version the last one ended at."""
        return self._locks.setdefault(charger_seq, trio.Lock())

    def _now(self) -> str:
        return iso_z(self._clock.now())

    async def charger(self, principal: Principal, charge_box_id: str) -> ChargerRecord:
        record = await self._chargers.find(charge_box_id, principal.org_id)
        if record is None:
            raise NotFound(f"Charger {charge_box_id} not found")
        return record

    def entries(self, snapshot: ListSnapshot) -> list[dict[str, Any]]:
        """The snapshot's entries as SendLocalList's localAuthorizationList."""
        now = self._clock.now()
        listed: list[dict[str, Any]] = []
        for id_tag, record in snapshot.entries:
            if record is None:
                listed.append({"idTag": id_tag})
            else:
                info = group_info(chain_of(id_tag, snapshot.records), now)
                listed.append({"idTag": id_tag, "idTagInfo": info})
        return listed

    # -- what the charger holds ------------------------------------------------------

    async def features(self, principal: Principal, charger: ChargerRecord) -> LocalListState:
        """The charger's profiles and list limits, read once per connection."""
        state = await self.store.state(charger.seq)
        if charger.seq in self.fresh and state.feature_profiles is not None:
            return state
        answer = await self.calls.exchange(
            principal,
            charger,
            call.GetConfiguration(key=FEATURE_KEYS),
            call_result.GetConfiguration,
        )
        values = {item["key"]: item.get("value") for item in answer.configuration_key or ()}
        state = await self.store.change(
            charger.seq,
            feature_profiles=values.get("SupportedFeatureProfiles") or "",
            max_list=_int(values.get("LocalAuthListMaxLength")),
            max_send=_int(values.get("SendLocalListMaxLength")),
        )
        self.fresh.add(charger.seq)
        return state

    async def ask_version(self, principal: Principal, charger: ChargerRecord) -> LocalListState:
        """GetLocalListVersion (OCPP 1.6 §5.10), kept as ``version_on_charger``."""
        answer = await self.calls.exchange(
            principal, charger, call.GetLocalListVersion(), call_result.GetLocalListVersion
        )
        return await self.store.change(
            charger.seq, version_on_charger=int(answer.list_version), asked_at=self._now()
        )

    async def view(self, principal: Principal, charge_box_id: str) -> LocalListView:
        """What the charger holds (asked now if it is online) and the box's list for it."""
        charger = await self.charger(principal, charge_box_id)
        if self._live.is_online(charger.charge_box_id):
            state = await self.ask_version(principal, charger)
        else:
            state = await self.store.state(charger.seq)
        snapshot = await self._id_tags.snapshot(charger.org_id, None)
        return LocalListView(state, snapshot.version, self.entries(snapshot))

    # -- sending ---------------------------------------------------------------------

    async def send(
        self, principal: Principal, charge_box_id: str, update_type: str
    ) -> LocalListUpdate:
        """SendLocalList over REST: ``Full`` (every tag) or ``Differential`` (the changes
        since the version the charger holds)."""
        charger = await self.charger(principal, charge_box_id)
        try:
            await self.features(principal, charger)
        except ChargerUnavailable:
            raise
        except CallUnanswered:
            # Sent without the limits: the charger's own answer says whether it takes it.
            pass
        async with self.lock(charger.seq):
            return await self.update(principal, charger, update_type)

    async def update(
        self,
        principal: Principal,
        charger: ChargerRecord,
        update_type: str,
        may_resend: bool = True,
    ) -> LocalListUpdate:
        """Send the update (split, trimmed or resent in full as the module says)."""
        state = await self.store.state(charger.seq)
        since = None if update_type == "Full" else state.org_version
        snapshot = await self._id_tags.snapshot(charger.org_id, since)
        entries = self.entries(snapshot)
        if (
            update_type == "Differential"
            and state.max_list is not None
            and len(snapshot.records) > state.max_list
        ):
            # The charger's list could overflow: a Full list, trimmed, instead.
            return await self.update(principal, charger, "Full", may_resend)
        left_out = 0
        if update_type == "Full" and state.max_list is not None and len(entries) > state.max_list:
            entries.sort(key=lambda entry: entry["idTagInfo"]["status"] != "Accepted")
            left_out = len(entries) - state.max_list
            entries = entries[: state.max_list]
        size = state.max_send if state.max_send and state.max_send > 0 else max(len(entries), 1)
        parts = [entries[i : i + size] for i in range(0, len(entries), size)] or [[]]
        if update_type == "Differential" and not entries:
            return LocalListUpdate(update_type, "up_to_date", state.version_sent, 0, 0)
        version = state.version_sent
        for index, part in enumerate(parts):
            kind = update_type if index == 0 else "Differential"
            version += 1
            status = await self._send_one(principal, charger, kind, version, part)
            if status == "Accepted":
                continue
            if status in RESEND_ON and kind == "Differential" and may_resend:
                full = await self.update(principal, charger, "Full", may_resend=False)
                return replace(full, resent=True)
            # Reported with the version the charger last accepted: this one was refused.
            return LocalListUpdate(
                update_type, snake_status(status), version - 1, len(entries), index + 1
            )
        await self.store.change(charger.seq, org_version=snapshot.version)
        return LocalListUpdate(
            update_type, "accepted", version, len(entries), len(parts), False, left_out
        )

    async def _send_one(
        self,
        principal: Principal,
        charger: ChargerRecord,
        update_type: str,
        version: int,
        entries: list[dict[str, Any]],
    ) -> str:
        request = call.SendLocalList(
            list_version=version,
            update_type=update_type,
            local_authorization_list=entries,
        )
        sent_at = self._now()
        answer = await self.calls.exchange(principal, charger, request, call_result.SendLocalList)
        status = str(answer.status)
        changes: dict[str, object] = {
            "update_type": update_type,
            "status": snake_status(status),
            "sent_at": sent_at,
            "answered_at": self._now(),
        }
        if status == "Accepted":
            changes.update(version_sent=version, version_on_charger=version)
        await self.store.answered(charger.seq, len(entries), **changes)
        return status
