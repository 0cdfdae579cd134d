"""What the box sends chargers by itself for authorization, in the background:

- after each BootNotification on a new connection: the site's authorization-cache policy
  (ChangeConfiguration of AuthorizationCacheEnabled, LocalAuthorizeOffline, LocalPreAuthorize,
  for the settings that are set), then the local list brought up to date (GetLocalListVersion;
  a version other than the one the box last sent gets a Full list, else the changes since);
- after each change to an organisation's id-tag list: a Differential SendLocalList to each of
  its online chargers.

Each is audited as the ``system``'s. Only for chargers that list LocalAuthListManagement in
SupportedFeatureProfiles, and only once the organisation has a list (or the charger was sent
one): a site that never uses lists sees no extra messages. Work for one charger is done one at
a time (a lock per charger), each charger in its own task, so one that does not answer holds up
no other.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import trio

from capacitor_edge.domain.boot_pacing import BootPacing
from capacitor_edge.domain.charger_calls import snake_status
from capacitor_edge.domain.errors import CallUnanswered, StorageFailure
from capacitor_edge.domain.keys import Principal
from capacitor_edge.domain.live import LiveChargers
from capacitor_edge.domain.local_lists import LocalLists, supports
from capacitor_edge.protocol.ocpp_messages import call, call_result
from capacitor_edge.storage.chargers import ChargerRecord, ChargerStore
from capacitor_edge.storage.id_tags import IdTagStore

log = logging.getLogger("capacitor_edge.local_lists")

SYSTEM_KEY = "system"
#: Requests waiting for a task; past this many, the oldest wait (a tag change is caught up by
#: the next one, a boot by the next boot).
_QUEUE = 1000


class AuthorizationSync:
    def __init__(
        self,
        live: LiveChargers,
        chargers: ChargerStore,
        id_tags: IdTagStore,
        local_lists: LocalLists,
        *,
        sync: bool,
        policy: Mapping[str, str],
    ) -> None:
        self._live = live
        self._chargers = chargers
        self._id_tags = id_tags
        self._lists = local_lists
        self._sync = sync
        self._policy = dict(policy)
        self._send, self._receive = trio.open_memory_channel[tuple[str, str]](_QUEUE)
        #: In a boot storm the work after each boot waits for the boots to pause.
        self._pacing = BootPacing()

    def rebooted(self, charger_seq: int, charge_box_id: str) -> None:
        """A charger booted on a new connection (not awaited: the Boot answer waits for
        nothing of this)."""
        self._lists.fresh.discard(charger_seq)
        if self._policy or self._sync:
            self._pacing.note()
            self._queue("boot", charge_box_id)

    def tags_changed(self, org_id: str) -> None:
        """The organisation's list changed: each of its online chargers is brought up to date."""
        if self._sync:
            self._queue("changed", org_id)

    def _queue(self, kind: str, name: str) -> None:
        try:
            self._send.send_nowait((kind, name))
        except trio.WouldBlock:
            log.warning("too much authorization work at once: %s %s left for later", kind, name)

    async def run(
        self, shutdown: trio.Event, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED
    ) -> None:
        async with trio.open_nursery() as nursery:

            async def stop() -> None:
                await shutdown.wait()
                nursery.cancel_scope.cancel()

            nursery.start_soon(stop)
            task_status.started()
            async for kind, name in self._receive:
                if kind == "boot":
                    nursery.start_soon(self._after_boot, name)
                else:
                    for link in self._live.links():
                        nursery.start_soon(self._contained, link.charge_box_id, False, name)

    async def _after_boot(self, charge_box_id: str) -> None:
        async with self._pacing.turn(trio.current_time()):
            await self._contained(charge_box_id, True)

    async def _contained(self, charge_box_id: str, booted: bool, org_id: str | None = None) -> None:
        try:
            charger = await (
                # After a boot (any organisation): an indexed point read on the loop's thread.
                self._chargers.find_for_link(charge_box_id)
                if org_id is None
                else self._chargers.find(charge_box_id, org_id)
            )
            if charger is None:
                return
            async with self._lists.lock(charger.seq):
                if booted:
                    await self._apply_policy(charger)
                if self._sync:
                    await self._bring_up_to_date(charger, booted)
        except (CallUnanswered, StorageFailure) as failed:
            log.warning("authorization of %s not brought up to date: %s", charge_box_id, failed)
        except Exception:
            # Contained: one charger's trouble must not end the others' (or the box).
            log.exception("authorization of %s", charge_box_id)

    async def _apply_policy(self, charger: ChargerRecord) -> None:
        """The site's offline policy (settings), audited like any command."""
        principal = Principal(charger.org_id, SYSTEM_KEY)
        for key, value in self._policy.items():
            answer = await self._lists.calls.exchange(
                principal,
                charger,
                call.ChangeConfiguration(key=key, value=value),
                call_result.ChangeConfiguration,
            )
            if answer.status != "Accepted":
                log.warning(
                    "%s answered ChangeConfiguration %s=%s with %s",
                    charger.charge_box_id,
                    key,
                    value,
                    snake_status(str(answer.status)),
                )

    async def _bring_up_to_date(self, charger: ChargerRecord, booted: bool) -> None:
        state = await self._lists.store.state(charger.seq)
        version = await self._id_tags.version(charger.org_id)
        if version == 0 and state.version_sent == 0:
            return  # no list here, none on the charger: nothing to say
        if not booted and state.org_version == version and state.feature_profiles is not None:
            return  # already holds this version
        principal = Principal(charger.org_id, SYSTEM_KEY)
        state = await self._lists.features(principal, charger)
        if not supports(state):
            return
        update_type = "Differential"
        if booted:
            state = await self._lists.ask_version(principal, charger)
            if state.version_sent == 0 or state.version_on_charger != state.version_sent:
                update_type = "Full"  # never sent one, or the charger lost or replaced it
        if update_type == "Differential" and state.org_version == version:
            return
        result = await self._lists.update(principal, charger, update_type)
        if result.status not in {"accepted", "up_to_date"}:
            log.warning("local list of %s not updated: %s", charger.charge_box_id, result.status)
