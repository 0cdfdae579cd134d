"""Response shapes, for the OpenAPI document only (the presenters build the bodies)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    success: bool = False
    error: ErrorDetail


class CertificateStatus(BaseModel):
    role: str = Field(description="`ocpp`, `http` or `charger-ca`")
    file: str
    subject: str
    notAfter: str
    daysLeft: int
    expiresSoon: bool = Field(description="true within 30 days of expiry (or past it)")


class StorageState(BaseModel):
    status: str = Field(description="`full` (no room in the data dir) or `error`")
    message: str = Field(description="What is wrong: the data dir, its free bytes, the WAL size")
    since: str = Field(description="When storage stopped working")


class Health(BaseModel):
    status: str = Field(description="`ok`, `starting` (503) or `failing` (503)")
    storage: StorageState | None = Field(
        default=None, description="Only while failing: why the box cannot store what it is sent."
    )
    certificates: list[CertificateStatus] | None = Field(
        default=None, description="Only when TLS is configured: each certificate in use."
    )


class Instructions(BaseModel):
    message: str
    url: str
    protocol: str


class RegisteredCharger(BaseModel):
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


class ChargerSummary(BaseModel):
    id: str
    chargeBoxId: str
    name: str | None
    status: str
    isOnline: bool
    vendor: str | None
    model: str | None
    lastHeartbeat: str | None


class Pagination(BaseModel):
    total: int
    limit: int
    offset: int


class ChargerList(BaseModel):
    chargers: list[ChargerSummary]
    pagination: Pagination


class Connector(BaseModel):
    connectorId: int
    status: str
    errorCode: str
    lastUpdated: str
    transactionId: int | None


class ChargerDetails(BaseModel):
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


class Unregistered(BaseModel):
    message: str
    chargeBoxId: str


class StatusNotification(BaseModel):
    status: str
    errorCode: str
    timestamp: str


class ConnectorHistory(BaseModel):
    chargeBoxId: str
    connectorId: int
    statusNotifications: list[StatusNotification]


class CreatedApiKey(BaseModel):
    id: str
    name: str
    key: str
    createdAt: str


class ApiKey(BaseModel):
    id: str
    name: str
    prefix: str
    lastUsed: str | None
    createdAt: str


class ApiKeyList(BaseModel):
    apiKeys: list[ApiKey]


class Message(BaseModel):
    message: str


class ConnectionAttempt(BaseModel):
    chargeBoxId: str
    remoteAddress: str
    reason: str
    timestamp: str


class ConnectionAttempts(BaseModel):
    connectionAttempts: list[ConnectionAttempt]


class TracedFrame(BaseModel):
    direction: str
    frame: str
    timestamp: str


class ChargerMessages(BaseModel):
    chargeBoxId: str
    messages: list[TracedFrame]


class IdTag(BaseModel):
    idTag: str
    expiryDate: str | None
    parentIdTag: str | None
    blocked: bool
    createdAt: str
    updatedAt: str


class IdTagList(BaseModel):
    idTags: list[IdTag]
    pagination: Pagination


class Transaction(BaseModel):
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


class TransactionList(BaseModel):
    transactions: list[Transaction]
    pagination: Pagination


class MeterValue(BaseModel):
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


class MeterValueList(BaseModel):
    transactionId: int
    meterValues: list[MeterValue]
    pagination: Pagination


class RemoteStarted(BaseModel):
    message: str
    chargeBoxId: str
    connectorId: int
    idTag: str
    status: str
    transactionId: int | None
    note: str | None = None


class RemoteStopped(BaseModel):
    message: str
    transactionId: int
    chargeBoxId: str
    status: str
    note: str | None = None


class CommandResult(BaseModel):
    """The charger's answer: `status` in lower snake case, plus what was asked."""

    message: str
    chargeBoxId: str
    status: str


class ConfigurationKey(BaseModel):
    key: str
    readonly: bool
    value: str | None = None


class ConfigurationResult(BaseModel):
    chargeBoxId: str
    configurationKey: list[ConfigurationKey]
    unknownKey: list[str]


class CommandEntry(BaseModel):
    action: str
    apiKeyId: str | None
    request: dict[str, object]
    outcome: str
    response: dict[str, object] | None
    errorCode: str | None
    errorDescription: str | None
    requestedAt: str
    finishedAt: str


class CommandLog(BaseModel):
    chargeBoxId: str
    commands: list[CommandEntry]
    pagination: Pagination


class FirmwareFile(BaseModel):
    """An uploaded firmware file; `downloadUrl` is what chargers are given (no key needed)."""

    id: str
    name: str
    size: int
    sha256: str
    createdAt: str
    downloadUrl: str


class FirmwareList(BaseModel):
    firmware: list[FirmwareFile]


class DiagnosticsFile(BaseModel):
    """A diagnostics file a charger uploaded to the box; `downloadUrl` needs the API key."""

    id: str
    fileName: str
    size: int
    sha256: str
    receivedAt: str
    downloadUrl: str


class DiagnosticsFileList(BaseModel):
    chargeBoxId: str
    files: list[DiagnosticsFile]


class ReceivedFile(BaseModel):
    id: str
    fileName: str
    size: int
    sha256: str
