"""Who may charge: the answer to Authorize and StartTransaction (OCPP 1.6 §4.1, §7.19)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from capacitor_edge.clock import parse_iso
from capacitor_edge.storage.id_tags import IdTagStore


class Authorizer:
    def __init__(self, id_tags: IdTagStore, mode: str) -> None:
        self._id_tags = id_tags
        self._mode = mode

    async def id_tag_info(self, org_id: str, id_tag: str, now: datetime) -> dict[str, Any]:
        """IdTagInfo for ``id_tag``: in ``open`` mode always Accepted; in ``list`` mode from the
        organisation's list (unknown → Invalid, blocked → Blocked, past expiry → Expired)."""
        if self._mode == "open":
            return {"status": "Accepted"}
        record = await self._id_tags.find(org_id, id_tag)
        if record is None:
            return {"status": "Invalid"}
        info: dict[str, Any] = {}
        if record.expiry_date is not None:
            info["expiryDate"] = record.expiry_date
        if record.parent_id_tag is not None:
            info["parentIdTag"] = record.parent_id_tag
        if record.blocked:
            info["status"] = "Blocked"
        elif record.expiry_date is not None and parse_iso(record.expiry_date) <= now:
            info["status"] = "Expired"
        else:
            info["status"] = "Accepted"
        return info
