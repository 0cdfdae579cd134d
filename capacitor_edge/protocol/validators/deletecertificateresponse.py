"""Generated from DeleteCertificateResponse.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "3ae46639f9f4efc0daff2f014a5cbd1398771b47d13ebcbd81b4115f92aea9c6"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate_urn_ocpp_cp_1_6_2020_3_deletecertificate_conf(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:DeleteCertificate.conf', 'definitions': {'DeleteCertificateStatusEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Failed', 'NotFound']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Failed', 'NotFound']}}, 'required': ['status']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['status']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:DeleteCertificate.conf', 'definitions': {'DeleteCertificateStatusEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Failed', 'NotFound']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Failed', 'NotFound']}}, 'required': ['status']}, rule='required')
        data_keys = set(data.keys())
        if "status" in data_keys:
            data_keys.remove("status")
            data__status = data["status"]
            validate___definitions_deletecertificatestatusenumtype(data__status, custom_formats, (name_prefix or "data") + ".status")
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:DeleteCertificate.conf', 'definitions': {'DeleteCertificateStatusEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Failed', 'NotFound']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Failed', 'NotFound']}}, 'required': ['status']}, rule='additionalProperties')
    return data

def validate___definitions_deletecertificatestatusenumtype(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Failed', 'NotFound']}, rule='type')
    if not (isinstance(data, str) and data == 'Accepted' or isinstance(data, str) and data == 'Failed' or isinstance(data, str) and data == 'NotFound'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['Accepted', 'Failed', 'NotFound']", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Failed', 'NotFound']}, rule='enum')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Failed', 'NotFound']}, rule='additionalProperties')
    return data
validate = validate_urn_ocpp_cp_1_6_2020_3_deletecertificate_conf
