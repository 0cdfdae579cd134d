"""The organisation's id-tag list, managed over REST, imported and exported as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.errors import Conflict, Invalid, NotFound
from capacitor_edge.domain.times import normalise_time
from capacitor_edge.storage.id_tags import DuplicateIdTag, IdTagStore

# The storage rows the API shows are exactly the domain's entities: re-exported here (``X as X``)
# so the adapters depend on the domain only.
from capacitor_edge.storage.id_tags import IdTagRecord as IdTagRecord
from capacitor_edge.storage.id_tags import ImportCount as ImportCount

#: The CSV columns, in the order export writes them; import needs ``idTag`` only.
CSV_COLUMNS = ("idTag", "parentIdTag", "expiryDate", "blocked")
#: OCPP 1.6 IdToken is CiString20Type.
MAX_ID_TAG = 20
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}


def _blocked(line: int, text: str) -> bool:
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise Invalid("body", f"line {line}: blocked must be true or false, not {text!r}")


def _tag(line: int, field: str, text: str | None) -> str | None:
    value = (text or "").strip()
    if not value:
        return None
    if len(value) > MAX_ID_TAG:
        raise Invalid("body", f"line {line}: {field} is longer than {MAX_ID_TAG} characters")
    return value


class IdTags:
    def __init__(
        self, store: IdTagStore, clock: Clock, changed: Callable[[str], None] | None = None
    ) -> None:
        self._store = store
        self._clock = clock
        # Told after each committed change (the chargers' local lists follow it).
        self._changed = changed or (lambda org_id: None)

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
        self._changed(org_id)
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
        self._changed(org_id)
        return updated

    async def delete(self, org_id: str, id_tag: str) -> None:
        if not await self._store.delete(org_id, id_tag, iso_z(self._clock.now())):
            raise NotFound(f"idTag {id_tag} not found")
        self._changed(org_id)

    async def page(self, org_id: str, limit: int, offset: int) -> tuple[list[IdTagRecord], int]:
        return await self._store.page(org_id, limit, offset)

    # -- CSV -----------------------------------------------------------------------

    async def export_csv(self, org_id: str) -> str:
        """Every tag as CSV (:data:`CSV_COLUMNS`), by idTag; what :meth:`import_csv` reads."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for record in await self._store.all(org_id):
            writer.writerow(
                [
                    record.id_tag,
                    record.parent_id_tag or "",
                    record.expiry_date or "",
                    "true" if record.blocked else "false",
                ]
            )
        return out.getvalue()

    async def import_csv(self, org_id: str, text: str) -> ImportCount:
        """Create or replace every tag of the CSV (a header row naming the columns first), all
        or nothing: one bad line is a 400 naming it, and nothing is stored."""
        reader = csv.DictReader(io.StringIO(text))
        header = [name.strip() for name in reader.fieldnames or []]
        unknown = sorted(set(header) - set(CSV_COLUMNS))
        if "idTag" not in header or unknown:
            raise Invalid(
                "body",
                f"the first line must name the columns ({', '.join(CSV_COLUMNS)}; idTag "
                f"required)" + (f"; unknown: {', '.join(unknown)}" if unknown else ""),
            )
        reader.fieldnames = header
        now = iso_z(self._clock.now())
        records: dict[str, IdTagRecord] = {}
        for row in reader:
            line = reader.line_num
            id_tag = _tag(line, "idTag", row.get("idTag"))
            if id_tag is None:
                raise Invalid("body", f"line {line}: idTag is empty")
            if id_tag in records:
                raise Invalid("body", f"line {line}: idTag {id_tag} appears twice")
            try:
                expiry = normalise_time("expiryDate", (row.get("expiryDate") or "").strip() or None)
            except Invalid as bad:
                raise Invalid("body", f"line {line}: expiryDate {bad.message}") from None
            records[id_tag] = IdTagRecord(
                id_tag=id_tag,
                parent_id_tag=_tag(line, "parentIdTag", row.get("parentIdTag")),
                expiry_date=expiry,
                blocked=_blocked(line, row.get("blocked") or ""),
                created_at=now,
                updated_at=now,
            )
        count = await self._store.import_all(org_id, list(records.values()))
        if count.created or count.updated:
            self._changed(org_id)
        return count
