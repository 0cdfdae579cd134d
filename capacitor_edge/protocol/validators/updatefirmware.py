"""Generated from UpdateFirmware.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "507d9c53966f04ac255d7ac1182e256dc9f15149eb667f967f416b773e97b562"

VERSION = "2.22.3"
from decimal import Decimal
import re
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


REGEX_PATTERNS = {
    'uri_re_pattern': re.compile('^\\w+:(\\/?\\/?)[^\\s]+\\Z'),
    'date-time_re_pattern': re.compile('^\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])[tT](?:[01]\\d|2[0-3]):[0-5]\\d:(?:[0-5]\\d|60)(?:\\.\\d+)?(?:[+-](?:[01]\\d|2[0-3]):?[0-5]\\d|[zZ])?\\Z')
}

NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'UpdateFirmwareRequest', 'type': 'object', 'properties': {'location': {'type': 'string', 'format': 'uri'}, 'retries': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'retrieveDate': {'type': 'string', 'format': 'date-time'}, 'retryInterval': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['location', 'retrieveDate']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['location', 'retrieveDate']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'UpdateFirmwareRequest', 'type': 'object', 'properties': {'location': {'type': 'string', 'format': 'uri'}, 'retries': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'retrieveDate': {'type': 'string', 'format': 'date-time'}, 'retryInterval': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['location', 'retrieveDate']}, rule='required')
        data_keys = set(data.keys())
        if "location" in data_keys:
            data_keys.remove("location")
            data__location = data["location"]
            if not isinstance(data__location, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".location must be string", value=data__location, name="" + (name_prefix or "data") + ".location", definition={'type': 'string', 'format': 'uri'}, rule='type')
            if isinstance(data__location, str):
                if not REGEX_PATTERNS["uri_re_pattern"].match(data__location):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".location must be uri", value=data__location, name="" + (name_prefix or "data") + ".location", definition={'type': 'string', 'format': 'uri'}, rule='format')
        if "retries" in data_keys:
            data_keys.remove("retries")
            data__retries = data["retries"]
            if not isinstance(data__retries, (int)) or isinstance(data__retries, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".retries must be integer", value=data__retries, name="" + (name_prefix or "data") + ".retries", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__retries, (int, float, Decimal)) and not isinstance(data__retries, bool):
                if data__retries < -9223372036854775808:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".retries must be bigger than or equal to -9223372036854775808", value=data__retries, name="" + (name_prefix or "data") + ".retries", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='minimum')
                if data__retries > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".retries must be smaller than or equal to 9223372036854775807", value=data__retries, name="" + (name_prefix or "data") + ".retries", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='maximum')
        if "retrieveDate" in data_keys:
            data_keys.remove("retrieveDate")
            data__retrieveDate = data["retrieveDate"]
            if not isinstance(data__retrieveDate, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".retrieveDate must be string", value=data__retrieveDate, name="" + (name_prefix or "data") + ".retrieveDate", definition={'type': 'string', 'format': 'date-time'}, rule='type')
            if isinstance(data__retrieveDate, str):
                if not REGEX_PATTERNS["date-time_re_pattern"].match(data__retrieveDate):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".retrieveDate must be date-time", value=data__retrieveDate, name="" + (name_prefix or "data") + ".retrieveDate", definition={'type': 'string', 'format': 'date-time'}, rule='format')
        if "retryInterval" in data_keys:
            data_keys.remove("retryInterval")
            data__retryInterval = data["retryInterval"]
            if not isinstance(data__retryInterval, (int)) or isinstance(data__retryInterval, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".retryInterval must be integer", value=data__retryInterval, name="" + (name_prefix or "data") + ".retryInterval", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__retryInterval, (int, float, Decimal)) and not isinstance(data__retryInterval, bool):
                if data__retryInterval < -9223372036854775808:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".retryInterval must be bigger than or equal to -9223372036854775808", value=data__retryInterval, name="" + (name_prefix or "data") + ".retryInterval", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='minimum')
                if data__retryInterval > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".retryInterval must be smaller than or equal to 9223372036854775807", value=data__retryInterval, name="" + (name_prefix or "data") + ".retryInterval", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='maximum')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'UpdateFirmwareRequest', 'type': 'object', 'properties': {'location': {'type': 'string', 'format': 'uri'}, 'retries': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'retrieveDate': {'type': 'string', 'format': 'date-time'}, 'retryInterval': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['location', 'retrieveDate']}, rule='additionalProperties')
    return data