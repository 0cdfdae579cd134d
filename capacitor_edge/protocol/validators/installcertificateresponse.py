"""Generated from InstallCertificateResponse.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "0cadc80f69af95d0b3d89981958f8d40bc3b2db70b9bfc28ec2a74e4e1cf6552"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate_urn_ocpp_cp_1_6_2020_3_installcertificate_conf(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:InstallCertificate.conf', 'definitions': {'InstallCertificateStatusEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Failed', 'Rejected']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Failed', 'Rejected']}}, 'required': ['status']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['status']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:InstallCertificate.conf', 'definitions': {'InstallCertificateStatusEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Failed', 'Rejected']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Failed', 'Rejected']}}, 'required': ['status']}, rule='required')
        data_keys = set(data.keys())
        if "status" in data_keys:
            data_keys.remove("status")
            data__status = data["status"]
            validate___definitions_installcertificatestatusenumtype(data__status, custom_formats, (name_prefix or "data") + ".status")
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:InstallCertificate.conf', 'definitions': {'InstallCertificateStatusEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Failed', 'Rejected']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Failed', 'Rejected']}}, 'required': ['status']}, rule='additionalProperties')
    return data

def validate___definitions_installcertificatestatusenumtype(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Failed', 'Rejected']}, rule='type')
    if not (isinstance(data, str) and data == 'Accepted' or isinstance(data, str) and data == 'Failed' or isinstance(data, str) and data == 'Rejected'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['Accepted', 'Failed', 'Rejected']", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Failed', 'Rejected']}, rule='enum')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Failed', 'Rejected']}, rule='additionalProperties')
    return data
validate = validate_urn_ocpp_cp_1_6_2020_3_installcertificate_conf
