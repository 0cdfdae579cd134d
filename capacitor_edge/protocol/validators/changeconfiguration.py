"""Generated from ChangeConfiguration.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "5ad88278e3c27b4913a061272c18a5ace75fe90b162c4004573052cb7520309d"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'ChangeConfigurationRequest', 'type': 'object', 'properties': {'key': {'type': 'string', 'maxLength': 50}, 'value': {'type': 'string', 'maxLength': 500}}, 'additionalProperties': False, 'required': ['key', 'value']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['key', 'value']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'ChangeConfigurationRequest', 'type': 'object', 'properties': {'key': {'type': 'string', 'maxLength': 50}, 'value': {'type': 'string', 'maxLength': 500}}, 'additionalProperties': False, 'required': ['key', 'value']}, rule='required')
        data_keys = set(data.keys())
        if "key" in data_keys:
            data_keys.remove("key")
            data__key = data["key"]
            if not isinstance(data__key, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".key must be string", value=data__key, name="" + (name_prefix or "data") + ".key", definition={'type': 'string', 'maxLength': 50}, rule='type')
            if isinstance(data__key, str):
                data__key_len = len(data__key)
                if data__key_len > 50:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".key must be shorter than or equal to 50 characters", value=data__key, name="" + (name_prefix or "data") + ".key", definition={'type': 'string', 'maxLength': 50}, rule='maxLength')
        if "value" in data_keys:
            data_keys.remove("value")
            data__value = data["value"]
            if not isinstance(data__value, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".value must be string", value=data__value, name="" + (name_prefix or "data") + ".value", definition={'type': 'string', 'maxLength': 500}, rule='type')
            if isinstance(data__value, str):
                data__value_len = len(data__value)
                if data__value_len > 500:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".value must be shorter than or equal to 500 characters", value=data__value, name="" + (name_prefix or "data") + ".value", definition={'type': 'string', 'maxLength': 500}, rule='maxLength')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'ChangeConfigurationRequest', 'type': 'object', 'properties': {'key': {'type': 'string', 'maxLength': 50}, 'value': {'type': 'string', 'maxLength': 500}}, 'additionalProperties': False, 'required': ['key', 'value']}, rule='additionalProperties')
    return data