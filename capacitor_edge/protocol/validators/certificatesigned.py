"""Generated from CertificateSigned.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "4f6032247e6e333f4d5b9545b098cc39c93bc568da81553e673362928332b6e3"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate_urn_ocpp_cp_1_6_2020_3_certificatesigned_req(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:CertificateSigned.req', 'type': 'object', 'properties': {'certificateChain': {'type': 'string', 'maxLength': 10000}}, 'additionalProperties': False, 'required': ['certificateChain']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['certificateChain']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:CertificateSigned.req', 'type': 'object', 'properties': {'certificateChain': {'type': 'string', 'maxLength': 10000}}, 'additionalProperties': False, 'required': ['certificateChain']}, rule='required')
        data_keys = set(data.keys())
        if "certificateChain" in data_keys:
            data_keys.remove("certificateChain")
            data__certificateChain = data["certificateChain"]
            if not isinstance(data__certificateChain, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".certificateChain must be string", value=data__certificateChain, name="" + (name_prefix or "data") + ".certificateChain", definition={'type': 'string', 'maxLength': 10000}, rule='type')
            if isinstance(data__certificateChain, str):
                data__certificateChain_len = len(data__certificateChain)
                if data__certificateChain_len > 10000:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".certificateChain must be shorter than or equal to 10000 characters", value=data__certificateChain, name="" + (name_prefix or "data") + ".certificateChain", definition={'type': 'string', 'maxLength': 10000}, rule='maxLength')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:CertificateSigned.req', 'type': 'object', 'properties': {'certificateChain': {'type': 'string', 'maxLength': 10000}}, 'additionalProperties': False, 'required': ['certificateChain']}, rule='additionalProperties')
    return data
validate = validate_urn_ocpp_cp_1_6_2020_3_certificatesigned_req
