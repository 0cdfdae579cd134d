"""Generated from GetLogResponse.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "402d319a06dcee2af85e86c224306608f9affa222d50d43020ae1b28df33e12d"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate_urn_ocpp_cp_1_6_2020_3_getlog_conf(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:GetLog.conf', 'definitions': {'LogStatusEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected', 'AcceptedCanceled']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected', 'AcceptedCanceled']}, 'filename': {'type': 'string', 'maxLength': 255}}, 'required': ['status']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['status']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:GetLog.conf', 'definitions': {'LogStatusEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected', 'AcceptedCanceled']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected', 'AcceptedCanceled']}, 'filename': {'type': 'string', 'maxLength': 255}}, 'required': ['status']}, rule='required')
        data_keys = set(data.keys())
        if "status" in data_keys:
            data_keys.remove("status")
            data__status = data["status"]
            validate___definitions_logstatusenumtype(data__status, custom_formats, (name_prefix or "data") + ".status")
        if "filename" in data_keys:
            data_keys.remove("filename")
            data__filename = data["filename"]
            if not isinstance(data__filename, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".filename must be string", value=data__filename, name="" + (name_prefix or "data") + ".filename", definition={'type': 'string', 'maxLength': 255}, rule='type')
            if isinstance(data__filename, str):
                data__filename_len = len(data__filename)
                if data__filename_len > 255:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".filename must be shorter than or equal to 255 characters", value=data__filename, name="" + (name_prefix or "data") + ".filename", definition={'type': 'string', 'maxLength': 255}, rule='maxLength')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:GetLog.conf', 'definitions': {'LogStatusEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected', 'AcceptedCanceled']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected', 'AcceptedCanceled']}, 'filename': {'type': 'string', 'maxLength': 255}}, 'required': ['status']}, rule='additionalProperties')
    return data

def validate___definitions_logstatusenumtype(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected', 'AcceptedCanceled']}, rule='type')
    if not (isinstance(data, str) and data == 'Accepted' or isinstance(data, str) and data == 'Rejected' or isinstance(data, str) and data == 'AcceptedCanceled'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['Accepted', 'Rejected', 'AcceptedCanceled']", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected', 'AcceptedCanceled']}, rule='enum')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Rejected', 'AcceptedCanceled']}, rule='additionalProperties')
    return data
validate = validate_urn_ocpp_cp_1_6_2020_3_getlog_conf
