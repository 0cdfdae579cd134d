"""Generated from GetDiagnosticsResponse.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "c73f2932a90a12e59f674305b55947d610e84aa32095a1a286fbb08c6b1410cd"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'GetDiagnosticsResponse', 'type': 'object', 'properties': {'fileName': {'type': 'string', 'maxLength': 255}}, 'additionalProperties': False}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if "fileName" in data_keys:
            data_keys.remove("fileName")
            data__fileName = data["fileName"]
            if not isinstance(data__fileName, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".fileName must be string", value=data__fileName, name="" + (name_prefix or "data") + ".fileName", definition={'type': 'string', 'maxLength': 255}, rule='type')
            if isinstance(data__fileName, str):
                data__fileName_len = len(data__fileName)
                if data__fileName_len > 255:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".fileName must be shorter than or equal to 255 characters", value=data__fileName, name="" + (name_prefix or "data") + ".fileName", definition={'type': 'string', 'maxLength': 255}, rule='maxLength')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'GetDiagnosticsResponse', 'type': 'object', 'properties': {'fileName': {'type': 'string', 'maxLength': 255}}, 'additionalProperties': False}, rule='additionalProperties')
    return data