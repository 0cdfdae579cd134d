"""The organisation's id-tag list, managed over REST."""

from __future__ import annotations

from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.errors import Conflict, NotFound
from capacitor_edge.domain.times import normalise_time
from capacitor_edge.storage.id_tags import DuplicateIdTag, IdTagStore

# The storage rows the API shows are exactly the domain's entities: re-exported here (``X as X``)
# so the adapters depend on the domain only.
from capacitor_edge.storage.id_tags import IdTagRecord as IdTagRecord


class IdTags:
    def __init__(self, store: IdTagStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def create(
        self,
        org_id: str,
        id_tag: str,
        *,
        expiry_date: str | None,
        parent_id_tag: str | None,
        blocked: bool,
    ) -> IdTagRecord:
        now = iso_z(self._clock.now())
        record = IdTagRecord(
            id_tag=id_tag,
            parent_id_tag=parent_id_tag,
            expiry_date=normalise_time("expiryDate", expiry_date),
            blocked=blocked,
            created_at=now,
            updated_at=now,
        )
        try:
            await self._store.insert(org_id, record)
        except DuplicateIdTag:
            raise Conflict(f"idTag {id_tag} already exists") from None
        return record

    async def get(self, org_id: str, id_tag: str) -> IdTagRecord:
        record = await self._store.find(org_id, id_tag)
        if record is None:
            raise NotFound(f"idTag {id_tag} not found")
        return record

    async def update(self, org_id: str, id_tag: str, changes: dict[str, object]) -> IdTagRecord:
        """Apply the fields present in ``changes`` (``expiryDate``, ``parentIdTag``,
        ``blocked``); a field set to null clears it."""
        current = await self.get(org_id, id_tag)
        expiry = changes.get("expiryDate", current.expiry_date)
        parent = changes.get("parentIdTag", current.parent_id_tag)
        blocked = changes.get("blocked", current.blocked)
        updated = IdTagRecord(
            id_tag=id_tag,
            parent_id_tag=parent if isinstance(parent, str) else None,
            expiry_date=normalise_time("expiryDate", expiry if isinstance(expiry, str) else None),
            blocked=bool(blocked),
            created_at=current.created_at,
            updated_at=iso_z(self._clock.now()),
        )
        if not await self._store.update(org_id, updated):
            raise NotFound(f"idTag {id_tag} not found")
        return updated

    async def delete(self, org_id: str, id_tag: str) -> None:
        if not await self._store.delete(org_id, id_tag):
            raise NotFound(f"idTag {id_tag} not found")

    async def page(self, org_id: str, limit: int, offset: int) -> tuple[list[IdTagRecord], int]:
        return await self._store.page(org_id, limit, offset)
