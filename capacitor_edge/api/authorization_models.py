"""Request and response models of issue 17's routes (reservations, local lists, id-tag CSV
import); kept beside the shared models.py and responses.py, which are near their size limit."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from capacitor_edge.api.models import DateTime, IdTagText, StrictBody
from capacitor_edge.api.responses import Closed


class ReservationRequest(StrictBody):
    connectorId: int = Field(ge=0, le=2**31 - 1, description="0 reserves any connector")
    idTag: IdTagText
    parentIdTag: IdTagText | None = None
    expiryDate: DateTime


class LocalListRequest(StrictBody):
    updateType: Literal["Full", "Differential"]


class Reservation(Closed):
    reservationId: int
    chargeBoxId: str
    connectorId: int
    idTag: str
    parentIdTag: str | None
    expiryDate: str
    status: Literal["active", "expired", "used", "cancelled"]
    transactionId: int | None
    createdAt: str
    updatedAt: str


class ReservationList(Closed):
    chargeBoxId: str
    reservations: list[Reservation]


class IdTagInfo(Closed):
    status: str
    expiryDate: str | None = None
    parentIdTag: str | None = None


class LocalListEntry(Closed):
    idTag: str
    idTagInfo: IdTagInfo | None = None


class LocalList(Closed):
    chargeBoxId: str
    versionOnCharger: int | None = Field(
        description="GetLocalListVersion's answer (asked now when the charger is online; "
        "-1: not supported, 0: no list); null if never asked"
    )
    versionSent: int = Field(description="The listVersion of the last update accepted")
    listVersion: int = Field(description="The organisation's id-tag list version")
    upToDate: bool
    updateType: str | None
    status: str | None = Field(description="The charger's answer to the last SendLocalList")
    sentAt: str | None
    answeredAt: str | None
    entries: list[LocalListEntry]


class LocalListResult(Closed):
    message: str
    chargeBoxId: str
    updateType: str
    status: str
    versionSent: int
    entries: int
    messages: int
    resent: bool
    leftOut: int = Field(description="Tags left out for LocalAuthListMaxLength")


class IdTagImport(Closed):
    message: str
    created: int
    updated: int


def entry(item: dict[str, Any]) -> LocalListEntry:
    info = item.get("idTagInfo")
    return LocalListEntry(
        idTag=item["idTag"], idTagInfo=None if info is None else IdTagInfo(**info)
    )
