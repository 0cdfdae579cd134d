"""Generated from GetLocalListVersionResponse.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "07a068ca2adec365def1e1b43df1ee926918cda005791c6b83097a41f73938a8"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'GetLocalListVersionResponse', 'type': 'object', 'properties': {'listVersion': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['listVersion']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['listVersion']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'GetLocalListVersionResponse', 'type': 'object', 'properties': {'listVersion': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['listVersion']}, rule='required')
        data_keys = set(data.keys())
        if "listVersion" in data_keys:
            data_keys.remove("listVersion")
            data__listVersion = data["listVersion"]
            if not isinstance(data__listVersion, (int)) or isinstance(data__listVersion, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".listVersion must be integer", value=data__listVersion, name="" + (name_prefix or "data") + ".listVersion", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__listVersion, (int, float, Decimal)) and not isinstance(data__listVersion, bool):
                if data__listVersion < -9223372036854775808:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".listVersion must be bigger than or equal to -9223372036854775808", value=data__listVersion, name="" + (name_prefix or "data") + ".listVersion", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='minimum')
                if data__listVersion > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".listVersion must be smaller than or equal to 9223372036854775807", value=data__listVersion, name="" + (name_prefix or "data") + ".listVersion", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='maximum')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'GetLocalListVersionResponse', 'type': 'object', 'properties': {'listVersion': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['listVersion']}, rule='additionalProperties')
    return data