"""Generated from ClearCacheResponse.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "2e867f79a7d7d1cae7aa5085f3fd3875f7cb46b9004bbc0ddb3597c50a089cf8"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'ClearCacheResponse', 'type': 'object', 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected']}}, 'additionalProperties': False, 'required': ['status']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['status']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'ClearCacheResponse', 'type': 'object', 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected']}}, 'additionalProperties': False, 'required': ['status']}, rule='required')
        data_keys = set(data.keys())
        if "status" in data_keys:
            data_keys.remove("status")
            data__status = data["status"]
            if not isinstance(data__status, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".status must be string", value=data__status, name="" + (name_prefix or "data") + ".status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected']}, rule='type')
            if not (isinstance(data__status, str) and data__status == 'Accepted' or isinstance(data__status, str) and data__status == 'Rejected'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".status must be one of ['Accepted', 'Rejected']", value=data__status, name="" + (name_prefix or "data") + ".status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected']}, rule='enum')
            data__status_is_dict = isinstance(data__status, dict)
            if data__status_is_dict:
                data__status_keys = set(data__status.keys())
                if data__status_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".status must not contain "+str(data__status_keys)+" properties", value=data__status, name="" + (name_prefix or "data") + ".status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected']}, rule='additionalProperties')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'ClearCacheResponse', 'type': 'object', 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected']}}, 'additionalProperties': False, 'required': ['status']}, rule='additionalProperties')
    return data