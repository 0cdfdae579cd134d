"""Generated from CancelReservation.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "e2c5d01c73db72780f78f1b3021fafd6611f4231ae0fee6495e00375d6e3b82d"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'CancelReservationRequest', 'type': 'object', 'properties': {'reservationId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['reservationId']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['reservationId']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'CancelReservationRequest', 'type': 'object', 'properties': {'reservationId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['reservationId']}, rule='required')
        data_keys = set(data.keys())
        if "reservationId" in data_keys:
            data_keys.remove("reservationId")
            data__reservationId = data["reservationId"]
            if not isinstance(data__reservationId, (int)) or isinstance(data__reservationId, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".reservationId must be integer", value=data__reservationId, name="" + (name_prefix or "data") + ".reservationId", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__reservationId, (int, float, Decimal)) and not isinstance(data__reservationId, bool):
                if data__reservationId < -9223372036854775808:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".reservationId must be bigger than or equal to -9223372036854775808", value=data__reservationId, name="" + (name_prefix or "data") + ".reservationId", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='minimum')
                if data__reservationId > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".reservationId must be smaller than or equal to 9223372036854775807", value=data__reservationId, name="" + (name_prefix or "data") + ".reservationId", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='maximum')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'CancelReservationRequest', 'type': 'object', 'properties': {'reservationId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['reservationId']}, rule='additionalProperties')
    return data