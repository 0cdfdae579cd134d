"""OCPP-J 1.6 CALLERROR error codes.

The spellings are the ones in the OCPP-J 1.6 table of ErrorCodes (§4.2.3). They differ from the
`ocpp` library, which sends the OCPP 2.0 spelling "FormatViolation" even on 1.6 connections and
would confuse a strict 1.6 charger. "OccurenceConstraintViolation" keeps the 1.6 typo on purpose:
it is the literal string on the wire.
"""

from enum import StrEnum


class ErrorCode(StrEnum):
    # Requested Action is not known by receiver.
    NotImplemented = "NotImplemented"
    # Requested Action is recognized but not supported by the receiver.
    NotSupported = "NotSupported"
    # An internal error occurred; the receiver could not process the Action.
    InternalError = "InternalError"
    # Payload for Action is incomplete.
    ProtocolError = "ProtocolError"
    # A security issue prevented the receiver from completing the Action.
    SecurityError = "SecurityError"
    # Payload is syntactically incorrect or does not conform to the PDU structure for Action.
    FormationViolation = "FormationViolation"
    # Payload is syntactically correct but at least one field contains an invalid value.
    PropertyConstraintViolation = "PropertyConstraintViolation"
    # Payload is syntactically correct but at least one field violates occurrence constraints.
    OccurenceConstraintViolation = "OccurenceConstraintViolation"  # sic, OCPP-J 1.6 spelling
    # Payload is syntactically correct but at least one field violates data type constraints.
    TypeConstraintViolation = "TypeConstraintViolation"
    # Any other error not covered by the previous ones.
    GenericError = "GenericError"
