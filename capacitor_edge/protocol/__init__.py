"""Sans-IO OCPP-J 1.6: text frames in, events out; requests in, text frames out.

Imports only the standard library, `ocpp` (for its bundled v16 schemas) and `fastjsonschema`.
"""

from capacitor_edge.protocol.actions import (
    ALL_ACTIONS,
    CHARGER_INITIATED,
    CSMS_INITIATED,
    CSMS_SENDABLE,
)
from capacitor_edge.protocol.errors import ErrorCode
from capacitor_edge.protocol.frames import (
    Call,
    CallError,
    CallResult,
    Frame,
    Unparseable,
    encode_call,
    encode_error,
    encode_result,
    parse_frame,
)
from capacitor_edge.protocol.schemas import SchemaMissing, SchemaRegistry, Violation
from capacitor_edge.protocol.session import (
    CHARGE_POINT,
    CSMS,
    CallInProgress,
    CallReceived,
    Dropped,
    ErrorReceived,
    Event,
    OcppSession,
    ResultReceived,
    Role,
    Send,
)

__all__ = [
    "ALL_ACTIONS",
    "CHARGER_INITIATED",
    "CHARGE_POINT",
    "CSMS",
    "CSMS_INITIATED",
    "CSMS_SENDABLE",
    "Call",
    "CallError",
    "CallInProgress",
    "CallReceived",
    "CallResult",
    "Dropped",
    "ErrorCode",
    "ErrorReceived",
    "Event",
    "Frame",
    "OcppSession",
    "ResultReceived",
    "Role",
    "SchemaMissing",
    "SchemaRegistry",
    "Send",
    "Unparseable",
    "Violation",
    "encode_call",
    "encode_error",
    "encode_result",
    "parse_frame",
]
