"""Generated from SecurityEventNotification.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "0c1c9ab4c55adf19e9795b3edd25e225961bef2d200426cd13d14cbe14547013"

VERSION = "2.22.3"
from decimal import Decimal
import re
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


REGEX_PATTERNS = {
    'date-time_re_pattern': re.compile('^\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])[tT](?:[01]\\d|2[0-3]):[0-5]\\d:(?:[0-5]\\d|60)(?:\\.\\d+)?(?:[+-](?:[01]\\d|2[0-3]):?[0-5]\\d|[zZ])?\\Z')
}

NoneType = type(None)

def validate_urn_ocpp_cp_1_6_2020_3_securityeventnotification_req(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:SecurityEventNotification.req', 'type': 'object', 'additionalProperties': False, 'properties': {'type': {'type': 'string', 'maxLength': 50}, 'timestamp': {'type': 'string', 'format': 'date-time'}, 'techInfo': {'type': 'string', 'maxLength': 255}}, 'required': ['type', 'timestamp']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['type', 'timestamp']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:SecurityEventNotification.req', 'type': 'object', 'additionalProperties': False, 'properties': {'type': {'type': 'string', 'maxLength': 50}, 'timestamp': {'type': 'string', 'format': 'date-time'}, 'techInfo': {'type': 'string', 'maxLength': 255}}, 'required': ['type', 'timestamp']}, rule='required')
        data_keys = set(data.keys())
        if "type" in data_keys:
            data_keys.remove("type")
            data__type = data["type"]
            if not isinstance(data__type, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".type must be string", value=data__type, name="" + (name_prefix or "data") + ".type", definition={'type': 'string', 'maxLength': 50}, rule='type')
            if isinstance(data__type, str):
                data__type_len = len(data__type)
                if data__type_len > 50:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".type must be shorter than or equal to 50 characters", value=data__type, name="" + (name_prefix or "data") + ".type", definition={'type': 'string', 'maxLength': 50}, rule='maxLength')
        if "timestamp" in data_keys:
            data_keys.remove("timestamp")
            data__timestamp = data["timestamp"]
            if not isinstance(data__timestamp, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".timestamp must be string", value=data__timestamp, name="" + (name_prefix or "data") + ".timestamp", definition={'type': 'string', 'format': 'date-time'}, rule='type')
            if isinstance(data__timestamp, str):
                if not REGEX_PATTERNS["date-time_re_pattern"].match(data__timestamp):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".timestamp must be date-time", value=data__timestamp, name="" + (name_prefix or "data") + ".timestamp", definition={'type': 'string', 'format': 'date-time'}, rule='format')
        if "techInfo" in data_keys:
            data_keys.remove("techInfo")
            data__techInfo = data["techInfo"]
            if not isinstance(data__techInfo, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".techInfo must be string", value=data__techInfo, name="" + (name_prefix or "data") + ".techInfo", definition={'type': 'string', 'maxLength': 255}, rule='type')
            if isinstance(data__techInfo, str):
                data__techInfo_len = len(data__techInfo)
                if data__techInfo_len > 255:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".techInfo must be shorter than or equal to 255 characters", value=data__techInfo, name="" + (name_prefix or "data") + ".techInfo", definition={'type': 'string', 'maxLength': 255}, rule='maxLength')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:SecurityEventNotification.req', 'type': 'object', 'additionalProperties': False, 'properties': {'type': {'type': 'string', 'maxLength': 50}, 'timestamp': {'type': 'string', 'format': 'date-time'}, 'techInfo': {'type': 'string', 'maxLength': 255}}, 'required': ['type', 'timestamp']}, rule='additionalProperties')
    return data
validate = validate_urn_ocpp_cp_1_6_2020_3_securityeventnotification_req
