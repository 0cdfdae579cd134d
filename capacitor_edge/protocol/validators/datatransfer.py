"""Generated from DataTransfer.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "ea89dd5d507e171d095241f010b1cbdecc4d55b9e0cc1395a9067878ea3ce81b"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'DataTransferRequest', 'type': 'object', 'properties': {'vendorId': {'type': 'string', 'maxLength': 255}, 'messageId': {'type': 'string', 'maxLength': 50}, 'data': {'type': 'string'}}, 'additionalProperties': False, 'required': ['vendorId']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['vendorId']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'DataTransferRequest', 'type': 'object', 'properties': {'vendorId': {'type': 'string', 'maxLength': 255}, 'messageId': {'type': 'string', 'maxLength': 50}, 'data': {'type': 'string'}}, 'additionalProperties': False, 'required': ['vendorId']}, rule='required')
        data_keys = set(data.keys())
        if "vendorId" in data_keys:
            data_keys.remove("vendorId")
            data__vendorId = data["vendorId"]
            if not isinstance(data__vendorId, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".vendorId must be string", value=data__vendorId, name="" + (name_prefix or "data") + ".vendorId", definition={'type': 'string', 'maxLength': 255}, rule='type')
            if isinstance(data__vendorId, str):
                data__vendorId_len = len(data__vendorId)
                if data__vendorId_len > 255:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".vendorId must be shorter than or equal to 255 characters", value=data__vendorId, name="" + (name_prefix or "data") + ".vendorId", definition={'type': 'string', 'maxLength': 255}, rule='maxLength')
        if "messageId" in data_keys:
            data_keys.remove("messageId")
            data__messageId = data["messageId"]
            if not isinstance(data__messageId, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".messageId must be string", value=data__messageId, name="" + (name_prefix or "data") + ".messageId", definition={'type': 'string', 'maxLength': 50}, rule='type')
            if isinstance(data__messageId, str):
                data__messageId_len = len(data__messageId)
                if data__messageId_len > 50:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".messageId must be shorter than or equal to 50 characters", value=data__messageId, name="" + (name_prefix or "data") + ".messageId", definition={'type': 'string', 'maxLength': 50}, rule='maxLength')
        if "data" in data_keys:
            data_keys.remove("data")
            data__data = data["data"]
            if not isinstance(data__data, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".data must be string", value=data__data, name="" + (name_prefix or "data") + ".data", definition={'type': 'string'}, rule='type')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'DataTransferRequest', 'type': 'object', 'properties': {'vendorId': {'type': 'string', 'maxLength': 255}, 'messageId': {'type': 'string', 'maxLength': 50}, 'data': {'type': 'string'}}, 'additionalProperties': False, 'required': ['vendorId']}, rule='additionalProperties')
    return data