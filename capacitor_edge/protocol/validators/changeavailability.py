"""Generated from ChangeAvailability.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "513eb37f11397de593b27a180a8711d58ed4f7214ae29a8997047d1de906ccdc"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'ChangeAvailabilityRequest', 'type': 'object', 'properties': {'connectorId': {'type': 'integer', 'minimum': 0, 'maximum': 9223372036854775807}, 'type': {'type': 'string', 'additionalProperties': False, 'enum': ['Inoperative', 'Operative']}}, 'additionalProperties': False, 'required': ['connectorId', 'type']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['connectorId', 'type']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'ChangeAvailabilityRequest', 'type': 'object', 'properties': {'connectorId': {'type': 'integer', 'minimum': 0, 'maximum': 9223372036854775807}, 'type': {'type': 'string', 'additionalProperties': False, 'enum': ['Inoperative', 'Operative']}}, 'additionalProperties': False, 'required': ['connectorId', 'type']}, rule='required')
        data_keys = set(data.keys())
        if "connectorId" in data_keys:
            data_keys.remove("connectorId")
            data__connectorId = data["connectorId"]
            if not isinstance(data__connectorId, (int)) or isinstance(data__connectorId, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".connectorId must be integer", value=data__connectorId, name="" + (name_prefix or "data") + ".connectorId", definition={'type': 'integer', 'minimum': 0, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__connectorId, (int, float, Decimal)) and not isinstance(data__connectorId, bool):
                if data__connectorId < 0:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".connectorId must be bigger than or equal to 0", value=data__connectorId, name="" + (name_prefix or "data") + ".connectorId", definition={'type': 'integer', 'minimum': 0, 'maximum': 9223372036854775807}, rule='minimum')
                if data__connectorId > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".connectorId must be smaller than or equal to 9223372036854775807", value=data__connectorId, name="" + (name_prefix or "data") + ".connectorId", definition={'type': 'integer', 'minimum': 0, 'maximum': 9223372036854775807}, rule='maximum')
        if "type" in data_keys:
            data_keys.remove("type")
            data__type = data["type"]
            if not isinstance(data__type, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".type must be string", value=data__type, name="" + (name_prefix or "data") + ".type", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Inoperative', 'Operative']}, rule='type')
            if not (isinstance(data__type, str) and data__type == 'Inoperative' or isinstance(data__type, str) and data__type == 'Operative'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".type must be one of ['Inoperative', 'Operative']", value=data__type, name="" + (name_prefix or "data") + ".type", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Inoperative', 'Operative']}, rule='enum')
            data__type_is_dict = isinstance(data__type, dict)
            if data__type_is_dict:
                data__type_keys = set(data__type.keys())
                if data__type_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".type must not contain "+str(data__type_keys)+" properties", value=data__type, name="" + (name_prefix or "data") + ".type", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Inoperative', 'Operative']}, rule='additionalProperties')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'ChangeAvailabilityRequest', 'type': 'object', 'properties': {'connectorId': {'type': 'integer', 'minimum': 0, 'maximum': 9223372036854775807}, 'type': {'type': 'string', 'additionalProperties': False, 'enum': ['Inoperative', 'Operative']}}, 'additionalProperties': False, 'required': ['connectorId', 'type']}, rule='additionalProperties')
    return data