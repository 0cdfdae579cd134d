"""Generated from InstallCertificate.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "35fc9ba2125648ef7af94c2fc743fc00e38f2c7a63709400ab7fa8c00e8fe5c0"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate_urn_ocpp_cp_1_6_2020_3_installcertificate_req(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:InstallCertificate.req', 'definitions': {'CertificateUseEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['CentralSystemRootCertificate', 'ManufacturerRootCertificate']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'certificateType': {'type': 'string', 'additionalProperties': False, 'enum': ['CentralSystemRootCertificate', 'ManufacturerRootCertificate']}, 'certificate': {'type': 'string', 'maxLength': 5500}}, 'required': ['certificateType', 'certificate']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['certificateType', 'certificate']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:InstallCertificate.req', 'definitions': {'CertificateUseEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['CentralSystemRootCertificate', 'ManufacturerRootCertificate']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'certificateType': {'type': 'string', 'additionalProperties': False, 'enum': ['CentralSystemRootCertificate', 'ManufacturerRootCertificate']}, 'certificate': {'type': 'string', 'maxLength': 5500}}, 'required': ['certificateType', 'certificate']}, rule='required')
        data_keys = set(data.keys())
        if "certificateType" in data_keys:
            data_keys.remove("certificateType")
            data__certificateType = data["certificateType"]
            validate___definitions_certificateuseenumtype(data__certificateType, custom_formats, (name_prefix or "data") + ".certificateType")
        if "certificate" in data_keys:
            data_keys.remove("certificate")
            data__certificate = data["certificate"]
            if not isinstance(data__certificate, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".certificate must be string", value=data__certificate, name="" + (name_prefix or "data") + ".certificate", definition={'type': 'string', 'maxLength': 5500}, rule='type')
            if isinstance(data__certificate, str):
                data__certificate_len = len(data__certificate)
                if data__certificate_len > 5500:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".certificate must be shorter than or equal to 5500 characters", value=data__certificate, name="" + (name_prefix or "data") + ".certificate", definition={'type': 'string', 'maxLength': 5500}, rule='maxLength')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:InstallCertificate.req', 'definitions': {'CertificateUseEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['CentralSystemRootCertificate', 'ManufacturerRootCertificate']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'certificateType': {'type': 'string', 'additionalProperties': False, 'enum': ['CentralSystemRootCertificate', 'ManufacturerRootCertificate']}, 'certificate': {'type': 'string', 'maxLength': 5500}}, 'required': ['certificateType', 'certificate']}, rule='additionalProperties')
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
validate = validate_urn_ocpp_cp_1_6_2020_3_installcertificate_req
