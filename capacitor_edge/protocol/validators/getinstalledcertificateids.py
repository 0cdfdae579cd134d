"""Generated from GetInstalledCertificateIds.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "054d772dde3df1f50b2e5df0616787f301cc2b300f475c232dbf09f0615abdd7"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate_urn_ocpp_cp_1_6_2020_3_getinstalledcertificateids_req(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:GetInstalledCertificateIds.req', 'definitions': {'CertificateUseEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['CentralSystemRootCertificate', 'ManufacturerRootCertificate']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'certificateType': {'type': 'string', 'additionalProperties': False, 'enum': ['CentralSystemRootCertificate', 'ManufacturerRootCertificate']}}, 'required': ['certificateType']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['certificateType']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:GetInstalledCertificateIds.req', 'definitions': {'CertificateUseEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['CentralSystemRootCertificate', 'ManufacturerRootCertificate']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'certificateType': {'type': 'string', 'additionalProperties': False, 'enum': ['CentralSystemRootCertificate', 'ManufacturerRootCertificate']}}, 'required': ['certificateType']}, rule='required')
        data_keys = set(data.keys())
        if "certificateType" in data_keys:
            data_keys.remove("certificateType")
            data__certificateType = data["certificateType"]
            validate___definitions_certificateuseenumtype(data__certificateType, custom_formats, (name_prefix or "data") + ".certificateType")
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:GetInstalledCertificateIds.req', 'definitions': {'CertificateUseEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['CentralSystemRootCertificate', 'ManufacturerRootCertificate']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'certificateType': {'type': 'string', 'additionalProperties': False, 'enum': ['CentralSystemRootCertificate', 'ManufacturerRootCertificate']}}, 'required': ['certificateType']}, rule='additionalProperties')
    return data

def validate___definitions_certificateuseenumtype(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['CentralSystemRootCertificate', 'ManufacturerRootCertificate']}, rule='type')
    if not (isinstance(data, str) and data == 'CentralSystemRootCertificate' or isinstance(data, str) and data == 'ManufacturerRootCertificate'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['CentralSystemRootCertificate', 'ManufacturerRootCertificate']", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['CentralSystemRootCertificate', 'ManufacturerRootCertificate']}, rule='enum')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['CentralSystemRootCertificate', 'ManufacturerRootCertificate']}, rule='additionalProperties')
    return data
validate = validate_urn_ocpp_cp_1_6_2020_3_getinstalledcertificateids_req
