"""Request bodies and query strings, validated by quart-schema (pydantic) and documented in the
OpenAPI document. Bodies are strict: ``"connectorId": "1"`` is a type error, not a guess."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from capacitor_edge.domain.charger_credentials import AUTHORIZATION_KEY, AUTHORIZATION_KEY_RULE
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


#: Digits allowed in the whole-number path segments (the OpenAPI document says the same).
CONNECTOR_ID_DIGITS = 9
TRANSACTION_ID_DIGITS = 18


def path_integer(field: str, text: str, *, digits: int) -> int:
    """A whole number from a URL path segment. Routes take these as strings and check them
    here, so '/connectors/abc/status' is a 400 naming the parameter rather than a bare 404
    from the router."""
    if not text.isascii() or not text.isdigit() or len(text) > digits:
        raise Invalid(field, "must be a non-negative integer")
    return int(text)


#: SQLite stores integers in 64 bits; a bigger one cannot even be bound to a query.
SQL_INT_MIN = -(2**63)
SQL_INT_MAX = 2**63 - 1


def _bound_integer_properties(schema: dict[str, Any]) -> None:
    """Say in the OpenAPI document what :class:`QueryString` enforces: every integer fits."""
    for prop in schema.get("properties", {}).values():
        for variant in [prop, *prop.get("anyOf", [])]:
            if variant.get("type") == "integer":
                variant["minimum"] = max(variant.get("minimum", SQL_INT_MIN), SQL_INT_MIN)
                variant["maximum"] = min(variant.get("maximum", SQL_INT_MAX), SQL_INT_MAX)


class QueryString(BaseModel):
    """Every query string model: one place that keeps integers within what SQLite can take,
    so `?offset=9223372036854775808` is a 400 naming `offset`, on every route."""

    model_config = ConfigDict(json_schema_extra=_bound_integer_properties, defer_build=True)

    @field_validator("*", mode="after")
    @classmethod
    def _fits_sql_integer(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            if value > SQL_INT_MAX:
                raise ValueError(f"must be at most {SQL_INT_MAX}")
            if value < SQL_INT_MIN:
                raise ValueError(f"must be at least {SQL_INT_MIN}")
        return value


#: An ISO-8601 / RFC 3339 date-time; the server reads any offset and stores UTC with ``Z``.
DateTime = Annotated[
    str, Field(json_schema_extra={"format": "date-time"}, examples=["2027-01-01T00:00:00.000Z"])
]


def _empty_is_none(value: str | None) -> str | None:
    return value or None


#: ``expiryDate``: a date-time, or null or ``""`` for "never expires" (forms send ``""``).
ExpiryDate = Annotated[
    str | None,
    AfterValidator(_empty_is_none),
    Field(
        json_schema_extra={
            "anyOf": [{"type": "string", "format": "date-time"}, {"const": ""}, {"type": "null"}]
        },
        description='When the idTag expires; null or "" for never.',
        examples=["2027-01-01T00:00:00.000Z"],
    ),
]


class StrictBody(BaseModel):
    """Request bodies: no type guessing (``"1"`` is not a number), except that a JSON number
    with no fraction (``909.0``) is the integer it equals, as JSON Schema says; the OpenAPI
    document's ``integer`` then means what the server does."""

    model_config = ConfigDict(strict=True, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _whole_floats_are_integers(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return {
            key: int(value) if isinstance(value, float) and value.is_integer() else value
            for key, value in data.items()
        }


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


class ListChargersQuery(QueryString):
    status: Literal["online", "offline"] | None = None
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class CreateApiKey(StrictBody):
    name: str = Field(min_length=1, max_length=200, examples=["Production API Key"])


# OCPP 1.6 IdToken is CiString20.
IdTagText = Annotated[str, Field(min_length=1, max_length=20, examples=["USER123"])]


class CreateIdTag(StrictBody):
    idTag: IdTagText
    expiryDate: ExpiryDate = None
    parentIdTag: IdTagText | None = None
    blocked: bool = False


class PatchIdTag(StrictBody):
    """Only the fields sent are changed; null clears expiryDate or parentIdTag."""

    expiryDate: ExpiryDate = None
    parentIdTag: IdTagText | None = None
    blocked: bool | None = None


class PageQuery(QueryString):
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class ListTransactionsQuery(PageQuery):
    chargeBoxId: str | None = None
    status: Literal["active", "completed", "in_progress"] | None = None
    idTag: str | None = None
    from_: DateTime | None = Field(default=None, alias="from", description="startTime at or after")
    to: DateTime | None = Field(default=None, description="startTime before")


class TransactionsCsvQuery(QueryString):
    chargeBoxId: str | None = None
    status: Literal["active", "completed", "in_progress"] | None = None
    idTag: str | None = None
    from_: DateTime | None = Field(default=None, alias="from")
    to: DateTime | None = None


ConnectorNumber = Annotated[int, Field(ge=1, le=1000, examples=[1])]


class RemoteStart(StrictBody):
    #: Optional as in OCPP 1.6 §6.33: without it the charger picks the connector.
    connectorId: ConnectorNumber | None = None
    idTag: IdTagText
    chargingProfile: ChargingProfileBody | None = Field(
        default=None, description="A TxProfile for the transaction (OCPP 1.6 §5.11)"
    )


class StartTransactionRequest(StrictBody):
    chargeBoxId: str = Field(min_length=1, max_length=48, examples=["CHARGER-001"])
    connectorId: ConnectorNumber | None = None
    idTag: IdTagText | None = None
    chargingProfile: ChargingProfileBody | None = Field(
        default=None, description="A TxProfile for the transaction (OCPP 1.6 §5.11)"
    )


class WaitQuery(QueryString):
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
    retrieveDate: DateTime | None = None
    retries: int | None = Field(default=None, ge=0, le=100)
    retryInterval: int | None = Field(default=None, ge=0, le=86400)


class DiagnosticsRequest(StrictBody):
    location: str | None = Field(default=None, min_length=1, max_length=512)
    startTime: DateTime | None = None
    stopTime: DateTime | None = None
    retries: int | None = Field(default=None, ge=0, le=100)
    retryInterval: int | None = Field(default=None, ge=0, le=86400)


class DataTransferRequest(StrictBody):
    # OCPP 1.6 §6.17: vendorId CiString255, messageId CiString50, data text of any length.
    vendorId: str = Field(min_length=1, max_length=255, examples=["com.example"])
    messageId: str | None = Field(default=None, max_length=50)
    data: str | None = None


# -- smart charging (OCPP 1.6 §7.8-7.13) -------------------------------------------------------


def _tenths(value: float) -> float:
    # The schemas' multipleOf 0.1, checked through the decimal text as the wire's is.
    if Decimal(repr(value)) % Decimal("0.1") != 0:
        raise ValueError("must be a multiple of 0.1")
    return value


#: A gigawatt, or a million amperes: far past any charger, and within what Decimal divides
#: exactly (a limit of 1e308 would make the multipleOf check itself fail).
LIMIT_MAX = 1e9
Tenths = Annotated[float, Field(ge=0, le=LIMIT_MAX), AfterValidator(_tenths)]
ProfileInteger = Annotated[int, Field(ge=0, le=SQL_INT_MAX)]


class ChargingSchedulePeriodBody(StrictBody):
    startPeriod: ProfileInteger = Field(description="seconds from the schedule's start")
    limit: Tenths = Field(description="in chargingRateUnit: amperes per phase, or watts")
    numberPhases: int | None = Field(default=None, ge=1, le=3)


class ChargingScheduleBody(StrictBody):
    duration: ProfileInteger | None = None
    startSchedule: DateTime | None = None
    chargingRateUnit: Literal["A", "W"]
    chargingSchedulePeriod: list[ChargingSchedulePeriodBody] = Field(min_length=1, max_length=100)
    minChargingRate: Tenths | None = None


class ChargingProfileBody(StrictBody):
    """OCPP 1.6 §7.8 ChargingProfile, as it goes on the wire."""

    chargingProfileId: ProfileInteger
    transactionId: ProfileInteger | None = None
    stackLevel: ProfileInteger
    chargingProfilePurpose: Literal["ChargePointMaxProfile", "TxDefaultProfile", "TxProfile"]
    chargingProfileKind: Literal["Absolute", "Recurring", "Relative"]
    recurrencyKind: Literal["Daily", "Weekly"] | None = None
    validFrom: DateTime | None = None
    validTo: DateTime | None = None
    chargingSchedule: ChargingScheduleBody

    def wire(self) -> dict[str, Any]:
        """The profile as the schema spells it: unset optional fields left out."""
        return self.model_dump(exclude_none=True)


class SetChargingProfileRequest(StrictBody):
    connectorId: int = Field(ge=0, le=1000, description="0 = the whole charger")
    csChargingProfiles: ChargingProfileBody


class ClearChargingProfilesQuery(QueryString):
    connectorId: int | None = Field(default=None, ge=0, le=1000)
    purpose: Literal["ChargePointMaxProfile", "TxDefaultProfile", "TxProfile"] | None = None
    stackLevel: int | None = Field(default=None, ge=0)


class CompositeScheduleQuery(QueryString):
    duration: int = Field(ge=1, le=2_678_400, description="seconds (at most 31 days)")
    chargingRateUnit: Literal["A", "W"] | None = None


class SmartChargingSetupRequest(StrictBody):
    """For A<->W conversions; null: 3 phases, the `nominal_voltage_v` setting."""

    phases: int | None = Field(default=None, ge=1, le=3)
    voltage: float | None = Field(default=None, gt=0, le=1000, description="volts per phase")
