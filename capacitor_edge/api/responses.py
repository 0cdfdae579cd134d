"""The response models: what the routes return, what is sent and what ``/openapi.json`` shows
(api/contract.py). Each is closed (``extra="forbid"``, ``additionalProperties: false``): a
field cannot be sent unless it is listed here. A field with a default is sent only when the
route gives it; field order here is the order on the wire.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class ErrorDetail(Closed):
    code: str
    message: str
    chargerErrorCode: str | None = Field(
        default=None, description="502 only: the charger's CALLERROR code"
    )
    chargerErrorDescription: str | None = Field(
        default=None, description="502 only: the charger's CALLERROR description"
    )


class ErrorBody(Closed):
    success: bool = False
    error: ErrorDetail


class CertificateStatus(Closed):
    role: str = Field(description="`ocpp`, `http` or `charger-ca`")
    file: str
    subject: str
    notAfter: str
    daysLeft: int
    expiresSoon: bool = Field(description="true within 30 days of expiry (or past it)")


class StorageState(Closed):
    status: str = Field(description="`full` (no room in the data dir) or `error`")
    message: str = Field(description="What is wrong: the data dir, its free bytes, the WAL size")
    since: str = Field(description="When storage stopped working")


class Health(Closed):
    status: str = Field(description="`ok`, `starting` (503) or `failing` (503)")
    storage: StorageState | None = Field(
        default=None, description="Only while failing: why the box cannot store what it is sent."
    )
    certificates: list[CertificateStatus] | None = Field(
        default=None, description="Only when TLS is configured: each certificate in use."
    )
    site: dict[str, Any] | None = Field(
        default=None, description="Only with a site (load management): meter, sessions, paused."
    )


class Instructions(Closed):
    message: str
    url: str
    protocol: str


class RegisteredCharger(Closed):
    id: str
    chargeBoxId: str
    name: str | None
    location: str | None
    status: str
    isOnline: bool
    registeredAt: str
    connectionUrl: str
    instructions: Instructions
    authorizationKey: str | None = Field(
        default=None,
        description="Only when the box generated the charger's AuthorizationKey (security "
        "profiles 1 and 2): shown this once, never again.",
    )


class ChargerSummary(Closed):
    id: str
    chargeBoxId: str
    name: str | None
    status: str
    isOnline: bool
    vendor: str | None
    model: str | None
    lastHeartbeat: str | None


class Pagination(Closed):
    total: int
    limit: int
    offset: int


class ChargerList(Closed):
    chargers: list[ChargerSummary]
    pagination: Pagination


class Connector(Closed):
    connectorId: int
    status: str
    errorCode: str
    lastUpdated: str
    transactionId: int | None


class ChargerQuirks(Closed):
    """What the charger sends that the box copes with, for staff to raise with its installer."""

    zonelessTimestamps: int = Field(
        description="Timestamps it sent without a time zone (accepted and read as UTC)"
    )
    lastZonelessAt: str | None = Field(description="When the box last received one")
    orphanStops: int = Field(
        description="StopTransactions for a transaction the box never gave it (-1, 0 or "
        "unknown): answered and kept"
    )
    orphanMeterValues: int = Field(
        description="MeterValues naming such a transaction: answered and kept, without one"
    )


class ChargerDetails(Closed):
    id: str
    chargeBoxId: str
    name: str | None
    status: str
    isOnline: bool
    vendor: str | None
    model: str | None
    serialNumber: str | None
    firmwareVersion: str | None
    lastHeartbeat: str | None
    connectors: list[Connector]
    connectionUrl: str
    location: str | None
    registeredAt: str
    chargePointStatus: Connector | None
    iccid: str | None
    imsi: str | None
    meterType: str | None
    meterSerialNumber: str | None
    lastBoot: str | None
    firmwareStatus: str | None
    firmwareStatusAt: str | None
    diagnosticsStatus: str | None
    diagnosticsStatusAt: str | None
    quirks: ChargerQuirks


class Unregistered(Closed):
    message: str
    chargeBoxId: str


class StatusNotification(Closed):
    status: str
    errorCode: str
    timestamp: str


class ConnectorHistory(Closed):
    chargeBoxId: str
    connectorId: int
    statusNotifications: list[StatusNotification]


class CreatedApiKey(Closed):
    id: str
    name: str
    key: str
    createdAt: str


class ApiKey(Closed):
    id: str
    name: str
    prefix: str
    lastUsed: str | None
    createdAt: str


class ApiKeyList(Closed):
    apiKeys: list[ApiKey]


class Message(Closed):
    message: str


class ConnectionAttempt(Closed):
    chargeBoxId: str
    remoteAddress: str
    reason: str
    timestamp: str


class ConnectionAttempts(Closed):
    connectionAttempts: list[ConnectionAttempt]


class TracedFrame(Closed):
    direction: str
    frame: str
    timestamp: str


class MessageTrace(Closed):
    # The document keeps its title: renamed in code only, so the name ChargerMessages means one
    # thing (the domain's handlers of what a charger sends).
    model_config = ConfigDict(extra="forbid", title="ChargerMessages")

    chargeBoxId: str
    messages: list[TracedFrame]


class IdTag(Closed):
    idTag: str
    expiryDate: str | None
    parentIdTag: str | None
    blocked: bool
    createdAt: str
    updatedAt: str


class IdTagDeleted(Closed):
    message: str
    idTag: str


class IdTagList(Closed):
    idTags: list[IdTag]
    pagination: Pagination


class Transaction(Closed):
    id: str
    transactionId: int
    chargeBoxId: str
    connectorId: int
    idTag: str
    status: str
    meterStart: int
    meterStop: int | None
    energyDelivered: float | None
    durationMinutes: int
    startTime: str
    stopTime: str | None
    stopReason: str | None
    remoteStarted: bool
    authorizationStatus: str
    clockSuspect: bool = Field(
        description="The charger's clock looked unset when it sent startTime or stopTime (before "
        "2015, or over a day ahead of the box): those are shown as sent, and durationMinutes "
        "is measured between the times the box received the start and the stop."
    )


class TransactionList(Closed):
    transactions: list[Transaction]
    pagination: Pagination


class MeterValue(Closed):
    connectorId: int
    timestamp: str
    measurand: str
    phase: str | None
    unit: str | None
    context: str | None
    location: str | None
    format: str | None
    value: str
    valueWh: float | None


class MeterValueList(Closed):
    transactionId: int
    meterValues: list[MeterValue]
    pagination: Pagination


class RemoteStarted(Closed):
    message: str
    chargeBoxId: str
    #: null when the request named none and the charger has not started yet.
    connectorId: int | None
    idTag: str
    status: str
    transactionId: int | None
    note: str | None = None


class RemoteStopped(Closed):
    message: str
    transactionId: int
    chargeBoxId: str
    status: str
    note: str | None = None


class CommandResult(Closed):
    """The charger's answer: `status` in lower snake case, plus what was asked."""

    message: str
    chargeBoxId: str
    # What was asked, echoed by the commands that take it, in the order each command sends it.
    requestedMessage: str | None = None
    connectorId: int | None = None
    type: str | None = None
    key: str | None = None
    value: str | None = None
    location: str | None = None
    retrieveDate: str | None = None
    fileName: str | None = None
    vendorId: str | None = None
    messageId: str | None = None
    data: str | None = Field(default=None, description="DataTransfer: the charger's data")
    status: str
    firmwareId: str | None = None


class ConfigurationKey(Closed):
    key: str
    readonly: bool
    value: str | None = None


class ConfigurationResult(Closed):
    chargeBoxId: str
    configurationKey: list[ConfigurationKey]
    unknownKey: list[str]


class CommandEntry(Closed):
    action: str
    apiKeyId: str | None
    request: dict[str, object]
    outcome: str
    response: dict[str, object] | None
    errorCode: str | None
    errorDescription: str | None
    requestedAt: str
    finishedAt: str


class CommandLog(Closed):
    chargeBoxId: str
    commands: list[CommandEntry]
    pagination: Pagination


class FirmwareFile(Closed):
    """An uploaded firmware file; `downloadUrl` is what chargers are given (no key needed)."""

    id: str
    name: str
    size: int
    sha256: str
    createdAt: str
    downloadUrl: str


class FirmwareList(Closed):
    firmware: list[FirmwareFile]


class DiagnosticsFile(Closed):
    """A diagnostics file a charger uploaded to the box; `downloadUrl` needs the API key."""

    id: str
    fileName: str
    size: int
    sha256: str
    receivedAt: str
    downloadUrl: str


class DiagnosticsFileList(Closed):
    chargeBoxId: str
    files: list[DiagnosticsFile]


class ReceivedFile(Closed):
    id: str
    fileName: str
    size: int
    sha256: str
