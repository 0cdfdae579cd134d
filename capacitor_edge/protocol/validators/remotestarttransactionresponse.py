"""Generated from RemoteStartTransactionResponse.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "59b0351c60d104ff5713a896b29e040a84a15bb93f72156d0b5176279b2a6c6f"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'RemoteStartTransactionResponse', 'type': 'object', 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected']}}, 'additionalProperties': False, 'required': ['status']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['status']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'RemoteStartTransactionResponse', 'type': 'object', 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected']}}, 'additionalProperties': False, 'required': ['status']}, rule='required')
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
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'RemoteStartTransactionResponse', 'type': 'object', 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected']}}, 'additionalProperties': False, 'required': ['status']}, rule='additionalProperties')
    return data