"""Request bodies and query strings, validated by quart-schema (pydantic) and documented in the
OpenAPI document. Bodies are strict: ``"connectorId": "1"`` is a type error, not a guess."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from capacitor_edge.domain.charger_auth import AUTHORIZATION_KEY, AUTHORIZATION_KEY_RULE
from capacitor_edge.domain.errors import Invalid

# OCPP CiString48 (OCPP 1.6 §7.5 ChargeBoxIdentity travels in the URL): printable ASCII without
# whitespace, and without '/', '?' and '#', which cannot stand in a URL path segment as-is.
CHARGE_BOX_ID_PATTERN = r"^[\x21\x22\x24-\x2e\x30-\x3e\x40-\x7e]{1,48}$"
_CHARGE_BOX_ID = re.compile(CHARGE_BOX_ID_PATTERN)


def _check_charge_box_id(value: str) -> str:
    if not _CHARGE_BOX_ID.match(value):
        raise ValueError(
            "must be 1-48 printable ASCII characters without whitespace, '/', '?' or '#'"
        )
    return value


ChargeBoxId = Annotated[
    str,
    AfterValidator(_check_charge_box_id),
    Field(
        json_schema_extra={"pattern": CHARGE_BOX_ID_PATTERN},
        description="The charger's OCPP identity (CiString48): 1-48 printable ASCII "
        "characters, no whitespace, '/', '?' or '#'.",
        examples=["CHARGER-001"],
    ),
]


def path_integer(field: str, text: str, *, digits: int) -> int:
    """A whole number from a URL path segment. Routes take these as strings and check them
    here, so '/connectors/abc/status' is a 400 naming the parameter rather than a bare 404
    from the router."""
    if not text.isascii() or not text.isdigit() or len(text) > digits:
        raise Invalid(field, "must be a non-negative integer")
    return int(text)


class StrictBody(BaseModel):
    model_config = ConfigDict(strict=True)


def _check_authorization_key(value: str) -> str:
    if not AUTHORIZATION_KEY.fullmatch(value):
        raise ValueError(AUTHORIZATION_KEY_RULE)
    return value


# OCPP 1.6 Security Whitepaper §2.4: the HTTP Basic password of security profiles 1 and 2.
AuthorizationKey = Annotated[
    str,
    AfterValidator(_check_authorization_key),
    Field(
        description="HTTP Basic password of security profiles 1 and 2: 16-40 printable ASCII "
        "characters without spaces. Left out: the box generates one and returns it once.",
        examples=["0f3c9a1d7e5b2c4a6f8e0d1c3b5a7f9e"],
    ),
]
SecurityProfile = Annotated[
    int,
    Field(
        ge=0,
        le=3,
        description="OCPP 1.6 security profile: 0 none, 1 Basic auth, 2 TLS + Basic auth, "
        "3 TLS + client certificate.",
    ),
]


class RegisterCharger(StrictBody):
    chargeBoxId: ChargeBoxId
    name: str | None = Field(default=None, max_length=200, examples=["Office Parking Lot"])
    location: str | None = Field(default=None, max_length=500, examples=["Building A, Spot 12"])
    securityProfile: SecurityProfile | None = None
    authorizationKey: AuthorizationKey | None = None


class PatchCharger(StrictBody):
    """Fields left out stay as they are. ``"authorizationKey": null`` asks for a new generated
    key (profiles 1 and 2)."""

    name: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=500)
    securityProfile: SecurityProfile | None = None
    authorizationKey: AuthorizationKey | None = None


class ListChargersQuery(BaseModel):
    status: Literal["online", "offline"] | None = None
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class CreateApiKey(StrictBody):
    name: str = Field(min_length=1, max_length=200, examples=["Production API Key"])


# OCPP 1.6 IdToken is CiString20.
IdTagText = Annotated[str, Field(min_length=1, max_length=20, examples=["USER123"])]


class CreateIdTag(StrictBody):
    idTag: IdTagText
    expiryDate: str | None = Field(default=None, examples=["2027-01-01T00:00:00.000Z"])
    parentIdTag: IdTagText | None = None
    blocked: bool = False


class PatchIdTag(StrictBody):
    """Only the fields sent are changed; null clears expiryDate or parentIdTag."""

    expiryDate: str | None = None
    parentIdTag: IdTagText | None = None
    blocked: bool | None = None


class PageQuery(BaseModel):
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class ListTransactionsQuery(PageQuery):
    chargeBoxId: str | None = None
    status: Literal["active", "completed", "in_progress"] | None = None
    idTag: str | None = None
    from_: str | None = Field(default=None, alias="from", description="startTime at or after")
    to: str | None = Field(default=None, description="startTime before")


class TransactionsCsvQuery(BaseModel):
    chargeBoxId: str | None = None
    status: Literal["active", "completed", "in_progress"] | None = None
    idTag: str | None = None
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None


ConnectorNumber = Annotated[int, Field(ge=1, le=1000, examples=[1])]


class RemoteStart(StrictBody):
    #: Optional as in OCPP 1.6 §6.33: without it the charger picks the connector.
    connectorId: ConnectorNumber | None = None
    idTag: IdTagText


class StartTransactionRequest(StrictBody):
    chargeBoxId: str = Field(min_length=1, max_length=48, examples=["CHARGER-001"])
    connectorId: ConnectorNumber | None = None
    idTag: IdTagText | None = None


class WaitQuery(BaseModel):
    wait: float = Field(default=0, ge=0, le=60, description="seconds to wait for the session")


class ResetRequest(StrictBody):
    type: Literal["Soft", "Hard"]


class UnlockRequest(StrictBody):
    connectorId: ConnectorNumber


class TriggerRequest(StrictBody):
    requestedMessage: Literal[
        "BootNotification",
        "DiagnosticsStatusNotification",
        "FirmwareStatusNotification",
        "Heartbeat",
        "MeterValues",
        "StatusNotification",
    ]
    connectorId: ConnectorNumber | None = None


class AvailabilityRequest(StrictBody):
    connectorId: int = Field(ge=0, le=1000, description="0 = the whole charger")
    type: Literal["Operative", "Inoperative"]


class ConfigurationGetRequest(StrictBody):
    key: list[Annotated[str, Field(min_length=1, max_length=50)]] | None = None


class ConfigurationChangeRequest(StrictBody):
    key: str = Field(min_length=1, max_length=50)
    value: str = Field(max_length=500)


class FirmwareUpdateRequest(StrictBody):
    location: str | None = Field(default=None, min_length=1, max_length=512)
    firmwareId: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Without `location`: a file uploaded with POST /api/v1/firmware "
        "(default: the newest one).",
    )
    retrieveDate: str | None = None
    retries: int | None = Field(default=None, ge=0, le=100)
    retryInterval: int | None = Field(default=None, ge=0, le=86400)


class DiagnosticsRequest(StrictBody):
    location: str | None = Field(default=None, min_length=1, max_length=512)
    startTime: str | None = None
    stopTime: str | None = None
    retries: int | None = Field(default=None, ge=0, le=100)
    retryInterval: int | None = Field(default=None, ge=0, le=86400)
