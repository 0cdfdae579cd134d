"""Generated from SignCertificate.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "d279f7eacc8bc0bd764c55178925140a1ffe9a4581e05ab6d413adfce6190d71"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate_urn_ocpp_cp_1_6_2020_3_signcertificate_req(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:SignCertificate.req', 'type': 'object', 'additionalProperties': False, 'properties': {'csr': {'type': 'string', 'maxLength': 5500}}, 'required': ['csr']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['csr']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:SignCertificate.req', 'type': 'object', 'additionalProperties': False, 'properties': {'csr': {'type': 'string', 'maxLength': 5500}}, 'required': ['csr']}, rule='required')
        data_keys = set(data.keys())
        if "csr" in data_keys:
            data_keys.remove("csr")
            data__csr = data["csr"]
            if not isinstance(data__csr, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".csr must be string", value=data__csr, name="" + (name_prefix or "data") + ".csr", definition={'type': 'string', 'maxLength': 5500}, rule='type')
            if isinstance(data__csr, str):
                data__csr_len = len(data__csr)
                if data__csr_len > 5500:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".csr must be shorter than or equal to 5500 characters", value=data__csr, name="" + (name_prefix or "data") + ".csr", definition={'type': 'string', 'maxLength': 5500}, rule='maxLength')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:SignCertificate.req', 'type': 'object', 'additionalProperties': False, 'properties': {'csr': {'type': 'string', 'maxLength': 5500}}, 'required': ['csr']}, rule='additionalProperties')
    return data
validate = validate_urn_ocpp_cp_1_6_2020_3_signcertificate_req
