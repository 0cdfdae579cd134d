"""Generated from GetInstalledCertificateIdsResponse.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "447a3e8167818fba4832ce9b41059a8160b09a7a4f6967a80eea03a66de455d5"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate_urn_ocpp_cp_1_6_2020_3_getinstalledcertificateids_conf(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:GetInstalledCertificateIds.conf', 'definitions': {'GetInstalledCertificateStatusEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'NotFound']}, 'HashAlgorithmEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, 'CertificateHashDataType': {'javaType': 'CertificateHashData', 'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'certificateHashData': {'type': 'array', 'additionalItems': False, 'items': {'javaType': 'CertificateHashData', 'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'$ref': '#/definitions/HashAlgorithmEnumType'}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}, 'minItems': 1}, 'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'NotFound']}}, 'required': ['status']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['status']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:GetInstalledCertificateIds.conf', 'definitions': {'GetInstalledCertificateStatusEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'NotFound']}, 'HashAlgorithmEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, 'CertificateHashDataType': {'javaType': 'CertificateHashData', 'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'certificateHashData': {'type': 'array', 'additionalItems': False, 'items': {'javaType': 'CertificateHashData', 'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'$ref': '#/definitions/HashAlgorithmEnumType'}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}, 'minItems': 1}, 'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'NotFound']}}, 'required': ['status']}, rule='required')
        data_keys = set(data.keys())
        if "certificateHashData" in data_keys:
            data_keys.remove("certificateHashData")
            data__certificateHashData = data["certificateHashData"]
            if not isinstance(data__certificateHashData, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".certificateHashData must be array", value=data__certificateHashData, name="" + (name_prefix or "data") + ".certificateHashData", definition={'type': 'array', 'additionalItems': False, 'items': {'javaType': 'CertificateHashData', 'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'$ref': '#/definitions/HashAlgorithmEnumType'}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}, 'minItems': 1}, rule='type')
            data__certificateHashData_is_list = isinstance(data__certificateHashData, (list, tuple))
            if data__certificateHashData_is_list:
                data__certificateHashData_len = len(data__certificateHashData)
                if data__certificateHashData_len < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".certificateHashData must contain at least 1 items", value=data__certificateHashData, name="" + (name_prefix or "data") + ".certificateHashData", definition={'type': 'array', 'additionalItems': False, 'items': {'javaType': 'CertificateHashData', 'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'$ref': '#/definitions/HashAlgorithmEnumType'}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}, 'minItems': 1}, rule='minItems')
                for data__certificateHashData_x, data__certificateHashData_item in enumerate(data__certificateHashData):
                    validate___definitions_certificatehashdatatype(data__certificateHashData_item, custom_formats, (name_prefix or "data") + ".certificateHashData[{data__certificateHashData_x}]".format(**locals()))
        if "status" in data_keys:
            data_keys.remove("status")
            data__status = data["status"]
            validate___definitions_getinstalledcertificatestatusenumtype(data__status, custom_formats, (name_prefix or "data") + ".status")
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:GetInstalledCertificateIds.conf', 'definitions': {'GetInstalledCertificateStatusEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'NotFound']}, 'HashAlgorithmEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, 'CertificateHashDataType': {'javaType': 'CertificateHashData', 'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'certificateHashData': {'type': 'array', 'additionalItems': False, 'items': {'javaType': 'CertificateHashData', 'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'$ref': '#/definitions/HashAlgorithmEnumType'}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}, 'minItems': 1}, 'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'NotFound']}}, 'required': ['status']}, rule='additionalProperties')
    return data

def validate___definitions_getinstalledcertificatestatusenumtype(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'NotFound']}, rule='type')
    if not (isinstance(data, str) and data == 'Accepted' or isinstance(data, str) and data == 'NotFound'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['Accepted', 'NotFound']", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'NotFound']}, rule='enum')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'NotFound']}, rule='additionalProperties')
    return data

def validate___definitions_certificatehashdatatype(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'javaType': 'CertificateHashData', 'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'javaType': 'CertificateHashData', 'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}, rule='required')
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
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'javaType': 'CertificateHashData', 'type': 'object', 'additionalProperties': False, 'properties': {'hashAlgorithm': {'type': 'string', 'additionalProperties': False, 'enum': ['SHA256', 'SHA384', 'SHA512']}, 'issuerNameHash': {'type': 'string', 'maxLength': 128}, 'issuerKeyHash': {'type': 'string', 'maxLength': 128}, 'serialNumber': {'type': 'string', 'maxLength': 40}}, 'required': ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']}, rule='additionalProperties')
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
validate = validate_urn_ocpp_cp_1_6_2020_3_getinstalledcertificateids_conf
