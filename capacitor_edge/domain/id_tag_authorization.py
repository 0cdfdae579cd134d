"""Who may charge: the IdTagInfo (OCPP 1.6 §7.19) answered to Authorize, StartTransaction and
StopTransaction, and put on the chargers' local lists.

Groups (parentIdTag): a tag's own state first (Blocked before Expired), then its parent's, its
parent's parent's ...: a blocked parent blocks its children and an expired one expires them,
and the expiryDate given is the earliest in the chain, so a charger's cache or local list stops
accepting a card when its group ends. A parent that is not itself on the list is only a group
name. ConcurrentTx (§7.19: "already involved in another transaction") is per tag: the other
tags of its group may charge at the same time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from capacitor_edge.clock import parse_iso
from capacitor_edge.storage.id_tags import IdTagRecord, IdTagStore


def group_info(chain: Sequence[IdTagRecord], now: datetime) -> dict[str, Any]:
    """IdTagInfo of ``chain[0]`` from it and its parents (``chain``: the tag first); Invalid
    for an empty chain (the tag is not on the list)."""
    if not chain:
        return {"status": "Invalid"}
    status = "Accepted"
    expiries: list[str] = []
    for record in chain:
        if record.expiry_date is not None:
            expiries.append(record.expiry_date)
        if status != "Accepted":
            continue
        if record.blocked:
            status = "Blocked"
        elif record.expiry_date is not None and parse_iso(record.expiry_date) <= now:
            status = "Expired"
    info: dict[str, Any] = {}
    if expiries:
        # The stored form is fixed-width ISO with Z, so the text order is the time order.
        info["expiryDate"] = min(expiries)
    if chain[0].parent_id_tag is not None:
        info["parentIdTag"] = chain[0].parent_id_tag
    info["status"] = status
    return info


def chain_of(id_tag: str, records: dict[str, IdTagRecord], depth: int = 8) -> list[IdTagRecord]:
    """:func:`group_info`'s chain from an in-memory list (the local list's whole snapshot)."""
    chain: list[IdTagRecord] = []
    name: str | None = id_tag
    while name is not None and name in records and len(chain) < depth:
        record = records[name]
        if record in chain:
            break
        chain.append(record)
        name = record.parent_id_tag
    return chain


class Authorizer:
    def __init__(self, id_tags: IdTagStore, mode: str, concurrent_tx: bool = True) -> None:
        self._id_tags = id_tags
        self._mode = mode
        self._concurrent_tx = concurrent_tx

    async def id_tag_info(self, org_id: str, id_tag: str, now: datetime) -> dict[str, Any]:
        """IdTagInfo for ``id_tag`` without a ConcurrentTx check (StopTransaction's): in
        ``open`` mode always Accepted; in ``list`` mode from the organisation's list (unknown
        → Invalid, blocked → Blocked, past expiry → Expired, its group's state included)."""
        if self._mode == "open":
            return {"status": "Accepted"}
        chain, _ = await self._id_tags.authorization(org_id, id_tag, sessions=False)
        return group_info(chain, now)

    async def authorize(
        self,
        org_id: str,
        id_tag: str,
        now: datetime,
        starting_at: tuple[int, int] | None = None,
    ) -> dict[str, Any]:
        """IdTagInfo for Authorize, or for StartTransaction on (charger seq, connector)
        ``starting_at``: as :meth:`id_tag_info`, and ConcurrentTx for an Accepted tag that has
        a transaction in progress elsewhere (a replayed StartTransaction is on its own
        connector, so it does not count against itself). ``open`` mode accepts every tag,
        the shared remote-start tag included, so it never answers ConcurrentTx."""
        if self._mode == "open":
            return {"status": "Accepted"}
        chain, sessions = await self._id_tags.authorization(
            org_id, id_tag, sessions=self._concurrent_tx
        )
        info = group_info(chain, now)
        if info["status"] == "Accepted" and any(place != starting_at for place in sessions):
            info["status"] = "ConcurrentTx"
        return info
