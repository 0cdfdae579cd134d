"""Generated from GetConfiguration.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "36d1fa69da33a389c3422a84ff0aa294e4e91f1676737b86f7d4e4ce74f5087b"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'GetConfigurationRequest', 'type': 'object', 'properties': {'key': {'type': 'array', 'items': {'type': 'string', 'maxLength': 50}}}, 'additionalProperties': False}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if "key" in data_keys:
            data_keys.remove("key")
            data__key = data["key"]
            if not isinstance(data__key, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".key must be array", value=data__key, name="" + (name_prefix or "data") + ".key", definition={'type': 'array', 'items': {'type': 'string', 'maxLength': 50}}, rule='type')
            data__key_is_list = isinstance(data__key, (list, tuple))
            if data__key_is_list:
                data__key_len = len(data__key)
                for data__key_x, data__key_item in enumerate(data__key):
                    if not isinstance(data__key_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".key[{data__key_x}]".format(**locals()) + " must be string", value=data__key_item, name="" + (name_prefix or "data") + ".key[{data__key_x}]".format(**locals()) + "", definition={'type': 'string', 'maxLength': 50}, rule='type')
                    if isinstance(data__key_item, str):
                        data__key_item_len = len(data__key_item)
                        if data__key_item_len > 50:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".key[{data__key_x}]".format(**locals()) + " must be shorter than or equal to 50 characters", value=data__key_item, name="" + (name_prefix or "data") + ".key[{data__key_x}]".format(**locals()) + "", definition={'type': 'string', 'maxLength': 50}, rule='maxLength')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'GetConfigurationRequest', 'type': 'object', 'properties': {'key': {'type': 'array', 'items': {'type': 'string', 'maxLength': 50}}}, 'additionalProperties': False}, rule='additionalProperties')
    return data