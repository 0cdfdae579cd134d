"""Generated from DeleteCertificate.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "e36da6e3e044cdec6eb332855b5f7fcbf0455a8b39475202df294584a3da2ea2"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate_urn_ocpp_cp_1_6_2020_3_deletecertificate_req(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:DeleteCertificate.req', 'definitions': {'HashAlgorithmEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, 'CertificateHashDataType': {'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'certificateHashData': {'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'$ref': '#/definitions/HashAlgorithmEnumType'}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}}, 'required': ['certificateHashData']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['certificateHashData']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:DeleteCertificate.req', 'definitions': {'HashAlgorithmEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, 'CertificateHashDataType': {'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'certificateHashData': {'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'$ref': '#/definitions/HashAlgorithmEnumType'}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}}, 'required': ['certificateHashData']}, rule='required')
        data_keys = set(data.keys())
        if "certificateHashData" in data_keys:
            data_keys.remove("certificateHashData")
            data__certificateHashData = data["certificateHashData"]
            validate___definitions_certificatehashdatatype(data__certificateHashData, custom_formats, (name_prefix or "data") + ".certificateHashData")
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:DeleteCertificate.req', 'definitions': {'HashAlgorithmEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, 'CertificateHashDataType': {'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'certificateHashData': {'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'$ref': '#/definitions/HashAlgorithmEnumType'}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}}, 'required': ['certificateHashData']}, rule='additionalProperties')
    return data

def validate___definitions_certificatehashdatatype(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}, rule='required')
        data_keys = set(data.keys())
        if "hashAlgorithm" in data_keys:
            data_keys.remove("hashAlgorithm")
            data__hashAlgorithm = data["hashAlgorithm"]
            validate___definitions_hashalgorithmenumtype(data__hashAlgorithm, custom_formats, (name_prefix or "data") + ".hashAlgorithm")
        if "issuerNameHash" in data_keys:
            data_keys.remove("issuerNameHash")
            data__issuerNameHash = data["issuerNameHash"]
            if not isinstance(data__issuerNameHash, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issuerNameHash must be string", value=data__issuerNameHash, name="" + (name_prefix or "data") + ".issuerNameHash", definition={'type': 'string', 'maxLength': 128}, rule='type')
            if isinstance(data__issuerNameHash, str):
                data__issuerNameHash_len = len(data__issuerNameHash)
                if data__issuerNameHash_len > 128:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".issuerNameHash must be shorter than or equal to 128 characters", value=data__issuerNameHash, name="" + (name_prefix or "data") + ".issuerNameHash", definition={'type': 'string', 'maxLength': 128}, rule='maxLength')
        if "issuerKeyHash" in data_keys:
            data_keys.remove("issuerKeyHash")
            data__issuerKeyHash = data["issuerKeyHash"]
            if not isinstance(data__issuerKeyHash, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".issuerKeyHash must be string", value=data__issuerKeyHash, name="" + (name_prefix or "data") + ".issuerKeyHash", definition={'type': 'string', 'maxLength': 128}, rule='type')
            if isinstance(data__issuerKeyHash, str):
                data__issuerKeyHash_len = len(data__issuerKeyHash)
                if data__issuerKeyHash_len > 128:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".issuerKeyHash must be shorter than or equal to 128 characters", value=data__issuerKeyHash, name="" + (name_prefix or "data") + ".issuerKeyHash", definition={'type': 'string', 'maxLength': 128}, rule='maxLength')
        if "serialNumber" in data_keys:
            data_keys.remove("serialNumber")
            data__serialNumber = data["serialNumber"]
            if not isinstance(data__serialNumber, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".serialNumber must be string", value=data__serialNumber, name="" + (name_prefix or "data") + ".serialNumber", definition={'type': 'string', 'maxLength': 40}, rule='type')
            if isinstance(data__serialNumber, str):
                data__serialNumber_len = len(data__serialNumber)
                if data__serialNumber_len > 40:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".serialNumber must be shorter than or equal to 40 characters", value=data__serialNumber, name="" + (name_prefix or "data") + ".serialNumber", definition={'type': 'string', 'maxLength': 40}, rule='maxLength')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}, rule='additionalProperties')
    return data

def validate___definitions_hashalgorithmenumtype(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, rule='type')
    if not (isinstance(data, str) and data == 'SHA256' or isinstance(data, str) and data == 'SHA384' or isinstance(data, str) and data == 'SHA512'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['SHA256', 'SHA384', 'SHA512']", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, rule='enum')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, rule='additionalProperties')
    return data
validate = validate_urn_ocpp_cp_1_6_2020_3_deletecertificate_req
