"""Generated from DataTransferResponse.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "bf212c6d1bdc1ada853c80daea10b3cefaffd283bf61b8e7421d3061fb1633a6"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'DataTransferResponse', 'type': 'object', 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected', 'UnknownMessageId', 'UnknownVendorId']}, 'data': {'type': 'string'}}, 'additionalProperties': False, 'required': ['status']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['status']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'DataTransferResponse', 'type': 'object', 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected', 'UnknownMessageId', 'UnknownVendorId']}, 'data': {'type': 'string'}}, 'additionalProperties': False, 'required': ['status']}, rule='required')
        data_keys = set(data.keys())
        if "status" in data_keys:
            data_keys.remove("status")
            data__status = data["status"]
            if not isinstance(data__status, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".status must be string", value=data__status, name="" + (name_prefix or "data") + ".status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected', 'UnknownMessageId', 'UnknownVendorId']}, rule='type')
            if not (isinstance(data__status, str) and data__status == 'Accepted' or isinstance(data__status, str) and data__status == 'Rejected' or isinstance(data__status, str) and data__status == 'UnknownMessageId' or isinstance(data__status, str) and data__status == 'UnknownVendorId'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".status must be one of ['Accepted', 'Rejected', 'UnknownMessageId', 'UnknownVendorId']", value=data__status, name="" + (name_prefix or "data") + ".status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected', 'UnknownMessageId', 'UnknownVendorId']}, rule='enum')
            data__status_is_dict = isinstance(data__status, dict)
            if data__status_is_dict:
                data__status_keys = set(data__status.keys())
                if data__status_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".status must not contain "+str(data__status_keys)+" properties", value=data__status, name="" + (name_prefix or "data") + ".status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected', 'UnknownMessageId', 'UnknownVendorId']}, rule='additionalProperties')
        if "data" in data_keys:
            data_keys.remove("data")
            data__data = data["data"]
            if not isinstance(data__data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".data must be string", value=data__data, name="" + (name_prefix or "data") + ".data", definition={'type': 'string'}, rule='type')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'DataTransferResponse', 'type': 'object', 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected', 'UnknownMessageId', 'UnknownVendorId']}, 'data': {'type': 'string'}}, 'additionalProperties': False, 'required': ['status']}, rule='additionalProperties')
    return data