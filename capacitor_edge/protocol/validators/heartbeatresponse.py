"""Generated from HeartbeatResponse.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "533f7afe1072c996ec96bd0c34fba1cac706d0e8e4abe5c774006b95815b5886"

VERSION = "2.22.3"
from decimal import Decimal
import re
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


REGEX_PATTERNS = {
    'date-time_re_pattern': re.compile('^\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])[tT](?:[01]\\d|2[0-3]):[0-5]\\d:(?:[0-5]\\d|60)(?:\\.\\d+)?(?:[+-](?:[01]\\d|2[0-3]):?[0-5]\\d|[zZ])?\\Z')
}

NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'HeartbeatResponse', 'type': 'object', 'properties': {'currentTime': {'type': 'string', 'format': 'date-time'}}, 'additionalProperties': False, 'required': ['currentTime']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['currentTime']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'HeartbeatResponse', 'type': 'object', 'properties': {'currentTime': {'type': 'string', 'format': 'date-time'}}, 'additionalProperties': False, 'required': ['currentTime']}, rule='required')
        data_keys = set(data.keys())
        if "currentTime" in data_keys:
            data_keys.remove("currentTime")
            data__currentTime = data["currentTime"]
            if not isinstance(data__currentTime, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".currentTime must be string", value=data__currentTime, name="" + (name_prefix or "data") + ".currentTime", definition={'type': 'string', 'format': 'date-time'}, rule='type')
            if isinstance(data__currentTime, str):
                if not REGEX_PATTERNS["date-time_re_pattern"].match(data__currentTime):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".currentTime must be date-time", value=data__currentTime, name="" + (name_prefix or "data") + ".currentTime", definition={'type': 'string', 'format': 'date-time'}, rule='format')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'HeartbeatResponse', 'type': 'object', 'properties': {'currentTime': {'type': 'string', 'format': 'date-time'}}, 'additionalProperties': False, 'required': ['currentTime']}, rule='additionalProperties')
    return data