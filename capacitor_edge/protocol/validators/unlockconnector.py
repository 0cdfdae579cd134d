"""Generated from UnlockConnector.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "b0bea3fd53fb505d6e99ec311f06e458213b5d2dfc1556694860af48a6210423"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'UnlockConnectorRequest', 'type': 'object', 'properties': {'connectorId': {'type': 'integer', 'minimum': 1, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['connectorId']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['connectorId']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'UnlockConnectorRequest', 'type': 'object', 'properties': {'connectorId': {'type': 'integer', 'minimum': 1, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['connectorId']}, rule='required')
        data_keys = set(data.keys())
        if "connectorId" in data_keys:
            data_keys.remove("connectorId")
            data__connectorId = data["connectorId"]
            if not isinstance(data__connectorId, (int)) or isinstance(data__connectorId, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".connectorId must be integer", value=data__connectorId, name="" + (name_prefix or "data") + ".connectorId", definition={'type': 'integer', 'minimum': 1, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__connectorId, (int, float, Decimal)) and not isinstance(data__connectorId, bool):
                if data__connectorId < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".connectorId must be bigger than or equal to 1", value=data__connectorId, name="" + (name_prefix or "data") + ".connectorId", definition={'type': 'integer', 'minimum': 1, 'maximum': 9223372036854775807}, rule='minimum')
                if data__connectorId > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".connectorId must be smaller than or equal to 9223372036854775807", value=data__connectorId, name="" + (name_prefix or "data") + ".connectorId", definition={'type': 'integer', 'minimum': 1, 'maximum': 9223372036854775807}, rule='maximum')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'UnlockConnectorRequest', 'type': 'object', 'properties': {'connectorId': {'type': 'integer', 'minimum': 1, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['connectorId']}, rule='additionalProperties')
    return data