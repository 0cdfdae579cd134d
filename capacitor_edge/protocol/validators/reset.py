"""Generated from Reset.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "d40da3625b18add8513924f0a4447c445f8d62d37264dfa3f15f1de1518e74b5"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'ResetRequest', 'type': 'object', 'properties': {'type': {'type': 'string', 'additionalProperties': False, 'enum': ['Hard', 'Soft']}}, 'additionalProperties': False, 'required': ['type']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['type']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'ResetRequest', 'type': 'object', 'properties': {'type': {'type': 'string', 'additionalProperties': False, 'enum': ['Hard', 'Soft']}}, 'additionalProperties': False, 'required': ['type']}, rule='required')
        data_keys = set(data.keys())
        if "type" in data_keys:
            data_keys.remove("type")
            data__type = data["type"]
            if not isinstance(data__type, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".type must be string", value=data__type, name="" + (name_prefix or "data") + ".type", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Hard', 'Soft']}, rule='type')
            if not (isinstance(data__type, str) and data__type == 'Hard' or isinstance(data__type, str) and data__type == 'Soft'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".type must be one of ['Hard', 'Soft']", value=data__type, name="" + (name_prefix or "data") + ".type", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Hard', 'Soft']}, rule='enum')
            data__type_is_dict = isinstance(data__type, dict)
            if data__type_is_dict:
                data__type_keys = set(data__type.keys())
                if data__type_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".type must not contain "+str(data__type_keys)+" properties", value=data__type, name="" + (name_prefix or "data") + ".type", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Hard', 'Soft']}, rule='additionalProperties')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'ResetRequest', 'type': 'object', 'properties': {'type': {'type': 'string', 'additionalProperties': False, 'enum': ['Hard', 'Soft']}}, 'additionalProperties': False, 'required': ['type']}, rule='additionalProperties')
    return data