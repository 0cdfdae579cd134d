"""Generated from BootNotificationResponse.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "12b3ba9878a2cc3d912d0f252f4ea19d4db193274f97252593f886008f5df561"

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
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'BootNotificationResponse', 'type': 'object', 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Pending', 'Rejected']}, 'currentTime': {'type': 'string', 'format': 'date-time'}, 'interval': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['status', 'currentTime', 'interval']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['status', 'currentTime', 'interval']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'BootNotificationResponse', 'type': 'object', 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Pending', 'Rejected']}, 'currentTime': {'type': 'string', 'format': 'date-time'}, 'interval': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['status', 'currentTime', 'interval']}, rule='required')
        data_keys = set(data.keys())
        if "status" in data_keys:
            data_keys.remove("status")
            data__status = data["status"]
            if not isinstance(data__status, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".status must be string", value=data__status, name="" + (name_prefix or "data") + ".status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Pending', 'Rejected']}, rule='type')
            if not (isinstance(data__status, str) and data__status == 'Accepted' or isinstance(data__status, str) and data__status == 'Pending' or isinstance(data__status, str) and data__status == 'Rejected'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".status must be one of ['Accepted', 'Pending', 'Rejected']", value=data__status, name="" + (name_prefix or "data") + ".status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Pending', 'Rejected']}, rule='enum')
            data__status_is_dict = isinstance(data__status, dict)
            if data__status_is_dict:
                data__status_keys = set(data__status.keys())
                if data__status_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".status must not contain "+str(data__status_keys)+" properties", value=data__status, name="" + (name_prefix or "data") + ".status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Pending', 'Rejected']}, rule='additionalProperties')
        if "currentTime" in data_keys:
            data_keys.remove("currentTime")
            data__currentTime = data["currentTime"]
            if not isinstance(data__currentTime, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".currentTime must be string", value=data__currentTime, name="" + (name_prefix or "data") + ".currentTime", definition={'type': 'string', 'format': 'date-time'}, rule='type')
            if isinstance(data__currentTime, str):
                if not REGEX_PATTERNS["date-time_re_pattern"].match(data__currentTime):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".currentTime must be date-time", value=data__currentTime, name="" + (name_prefix or "data") + ".currentTime", definition={'type': 'string', 'format': 'date-time'}, rule='format')
        if "interval" in data_keys:
            data_keys.remove("interval")
            data__interval = data["interval"]
            if not isinstance(data__interval, (int)) or isinstance(data__interval, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".interval must be integer", value=data__interval, name="" + (name_prefix or "data") + ".interval", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__interval, (int, float, Decimal)) and not isinstance(data__interval, bool):
                if data__interval < -9223372036854775808:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".interval must be bigger than or equal to -9223372036854775808", value=data__interval, name="" + (name_prefix or "data") + ".interval", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='minimum')
                if data__interval > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".interval must be smaller than or equal to 9223372036854775807", value=data__interval, name="" + (name_prefix or "data") + ".interval", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='maximum')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'BootNotificationResponse', 'type': 'object', 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Pending', 'Rejected']}, 'currentTime': {'type': 'string', 'format': 'date-time'}, 'interval': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['status', 'currentTime', 'interval']}, rule='additionalProperties')
    return data