"""Generated from GetLog.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "d61c55388143091b8448991f26d0f94bef0e5fed39c17aeaa0a21919a40b69ae"

VERSION = "2.22.3"
from decimal import Decimal
import re
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


REGEX_PATTERNS = {
    'date-time_re_pattern': re.compile('^\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])[tT](?:[01]\\d|2[0-3]):[0-5]\\d:(?:[0-5]\\d|60)(?:\\.\\d+)?(?:[+-](?:[01]\\d|2[0-3]):?[0-5]\\d|[zZ])?\\Z')
}

NoneType = type(None)

def validate_urn_ocpp_cp_1_6_2020_3_getlog_req(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:GetLog.req', 'definitions': {'LogEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['DiagnosticsLog', 'SecurityLog']}, 'LogParametersType': {'type': 'object', 'additionalProperties': False, 'properties': {'remoteLocation': {'type': 'string', 'maxLength': 512}, 'oldestTimestamp': {'type': 'string', 'format': 'date-time'}, 'latestTimestamp': {'type': 'string', 'format': 'date-time'}}, 'required': ['remoteLocation']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'log': {'type': 'object', 'additionalProperties': False, 'properties': {'remoteLocation': {'type': 'string', 'maxLength': 512}, 'oldestTimestamp': {'type': 'string', 'format': 'date-time'}, 'latestTimestamp': {'type': 'string', 'format': 'date-time'}}, 'required': ['remoteLocation']}, 'logType': {'type': 'string', 'additionalProperties': False, 'enum': ['DiagnosticsLog', 'SecurityLog']}, 'requestId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'retries': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'retryInterval': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'required': ['logType', 'requestId', 'log']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['logType', 'requestId', 'log']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:GetLog.req', 'definitions': {'LogEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['DiagnosticsLog', 'SecurityLog']}, 'LogParametersType': {'type': 'object', 'additionalProperties': False, 'properties': {'remoteLocation': {'type': 'string', 'maxLength': 512}, 'oldestTimestamp': {'type': 'string', 'format': 'date-time'}, 'latestTimestamp': {'type': 'string', 'format': 'date-time'}}, 'required': ['remoteLocation']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'log': {'type': 'object', 'additionalProperties': False, 'properties': {'remoteLocation': {'type': 'string', 'maxLength': 512}, 'oldestTimestamp': {'type': 'string', 'format': 'date-time'}, 'latestTimestamp': {'type': 'string', 'format': 'date-time'}}, 'required': ['remoteLocation']}, 'logType': {'type': 'string', 'additionalProperties': False, 'enum': ['DiagnosticsLog', 'SecurityLog']}, 'requestId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'retries': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'retryInterval': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'required': ['logType', 'requestId', 'log']}, rule='required')
        data_keys = set(data.keys())
        if "log" in data_keys:
            data_keys.remove("log")
            data__log = data["log"]
            validate___definitions_logparameterstype(data__log, custom_formats, (name_prefix or "data") + ".log")
        if "logType" in data_keys:
            data_keys.remove("logType")
            data__logType = data["logType"]
            validate___definitions_logenumtype(data__logType, custom_formats, (name_prefix or "data") + ".logType")
        if "requestId" in data_keys:
            data_keys.remove("requestId")
            data__requestId = data["requestId"]
            if not isinstance(data__requestId, (int)) and not (isinstance(data__requestId, float) and data__requestId.is_integer()) or isinstance(data__requestId, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".requestId must be integer", value=data__requestId, name="" + (name_prefix or "data") + ".requestId", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__requestId, (int, float, Decimal)) and not isinstance(data__requestId, bool):
                if data__requestId < -9223372036854775808:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".requestId must be bigger than or equal to -9223372036854775808", value=data__requestId, name="" + (name_prefix or "data") + ".requestId", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='minimum')
                if data__requestId > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".requestId must be smaller than or equal to 9223372036854775807", value=data__requestId, name="" + (name_prefix or "data") + ".requestId", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='maximum')
        if "retries" in data_keys:
            data_keys.remove("retries")
            data__retries = data["retries"]
            if not isinstance(data__retries, (int)) and not (isinstance(data__retries, float) and data__retries.is_integer()) or isinstance(data__retries, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".retries must be integer", value=data__retries, name="" + (name_prefix or "data") + ".retries", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__retries, (int, float, Decimal)) and not isinstance(data__retries, bool):
                if data__retries < -9223372036854775808:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".retries must be bigger than or equal to -9223372036854775808", value=data__retries, name="" + (name_prefix or "data") + ".retries", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='minimum')
                if data__retries > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".retries must be smaller than or equal to 9223372036854775807", value=data__retries, name="" + (name_prefix or "data") + ".retries", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='maximum')
        if "retryInterval" in data_keys:
            data_keys.remove("retryInterval")
            data__retryInterval = data["retryInterval"]
            if not isinstance(data__retryInterval, (int)) and not (isinstance(data__retryInterval, float) and data__retryInterval.is_integer()) or isinstance(data__retryInterval, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".retryInterval must be integer", value=data__retryInterval, name="" + (name_prefix or "data") + ".retryInterval", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__retryInterval, (int, float, Decimal)) and not isinstance(data__retryInterval, bool):
                if data__retryInterval < -9223372036854775808:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".retryInterval must be bigger than or equal to -9223372036854775808", value=data__retryInterval, name="" + (name_prefix or "data") + ".retryInterval", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='minimum')
                if data__retryInterval > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".retryInterval must be smaller than or equal to 9223372036854775807", value=data__retryInterval, name="" + (name_prefix or "data") + ".retryInterval", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='maximum')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:GetLog.req', 'definitions': {'LogEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['DiagnosticsLog', 'SecurityLog']}, 'LogParametersType': {'type': 'object', 'additionalProperties': False, 'properties': {'remoteLocation': {'type': 'string', 'maxLength': 512}, 'oldestTimestamp': {'type': 'string', 'format': 'date-time'}, 'latestTimestamp': {'type': 'string', 'format': 'date-time'}}, 'required': ['remoteLocation']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'log': {'type': 'object', 'additionalProperties': False, 'properties': {'remoteLocation': {'type': 'string', 'maxLength': 512}, 'oldestTimestamp': {'type': 'string', 'format': 'date-time'}, 'latestTimestamp': {'type': 'string', 'format': 'date-time'}}, 'required': ['remoteLocation']}, 'logType': {'type': 'string', 'additionalProperties': False, 'enum': ['DiagnosticsLog', 'SecurityLog']}, 'requestId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'retries': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'retryInterval': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'required': ['logType', 'requestId', 'log']}, rule='additionalProperties')
    return data

def validate___definitions_logenumtype(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['DiagnosticsLog', 'SecurityLog']}, rule='type')
    if not (isinstance(data, str) and data == 'DiagnosticsLog' or isinstance(data, str) and data == 'SecurityLog'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['DiagnosticsLog', 'SecurityLog']", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['DiagnosticsLog', 'SecurityLog']}, rule='enum')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['DiagnosticsLog', 'SecurityLog']}, rule='additionalProperties')
    return data

def validate___definitions_logparameterstype(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'additionalProperties': False, 'properties': {'remoteLocation': {'type': 'string', 'maxLength': 512}, 'oldestTimestamp': {'type': 'string', 'format': 'date-time'}, 'latestTimestamp': {'type': 'string', 'format': 'date-time'}}, 'required': ['remoteLocation']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['remoteLocation']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'additionalProperties': False, 'properties': {'remoteLocation': {'type': 'string', 'maxLength': 512}, 'oldestTimestamp': {'type': 'string', 'format': 'date-time'}, 'latestTimestamp': {'type': 'string', 'format': 'date-time'}}, 'required': ['remoteLocation']}, rule='required')
        data_keys = set(data.keys())
        if "remoteLocation" in data_keys:
            data_keys.remove("remoteLocation")
            data__remoteLocation = data["remoteLocation"]
            if not isinstance(data__remoteLocation, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".remoteLocation must be string", value=data__remoteLocation, name="" + (name_prefix or "data") + ".remoteLocation", definition={'type': 'string', 'maxLength': 512}, rule='type')
            if isinstance(data__remoteLocation, str):
                data__remoteLocation_len = len(data__remoteLocation)
                if data__remoteLocation_len > 512:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".remoteLocation must be shorter than or equal to 512 characters", value=data__remoteLocation, name="" + (name_prefix or "data") + ".remoteLocation", definition={'type': 'string', 'maxLength': 512}, rule='maxLength')
        if "oldestTimestamp" in data_keys:
            data_keys.remove("oldestTimestamp")
            data__oldestTimestamp = data["oldestTimestamp"]
            if not isinstance(data__oldestTimestamp, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".oldestTimestamp must be string", value=data__oldestTimestamp, name="" + (name_prefix or "data") + ".oldestTimestamp", definition={'type': 'string', 'format': 'date-time'}, rule='type')
            if isinstance(data__oldestTimestamp, str):
                if not REGEX_PATTERNS["date-time_re_pattern"].match(data__oldestTimestamp):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".oldestTimestamp must be date-time", value=data__oldestTimestamp, name="" + (name_prefix or "data") + ".oldestTimestamp", definition={'type': 'string', 'format': 'date-time'}, rule='format')
        if "latestTimestamp" in data_keys:
            data_keys.remove("latestTimestamp")
            data__latestTimestamp = data["latestTimestamp"]
            if not isinstance(data__latestTimestamp, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".latestTimestamp must be string", value=data__latestTimestamp, name="" + (name_prefix or "data") + ".latestTimestamp", definition={'type': 'string', 'format': 'date-time'}, rule='type')
            if isinstance(data__latestTimestamp, str):
                if not REGEX_PATTERNS["date-time_re_pattern"].match(data__latestTimestamp):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".latestTimestamp must be date-time", value=data__latestTimestamp, name="" + (name_prefix or "data") + ".latestTimestamp", definition={'type': 'string', 'format': 'date-time'}, rule='format')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'additionalProperties': False, 'properties': {'remoteLocation': {'type': 'string', 'maxLength': 512}, 'oldestTimestamp': {'type': 'string', 'format': 'date-time'}, 'latestTimestamp': {'type': 'string', 'format': 'date-time'}}, 'required': ['remoteLocation']}, rule='additionalProperties')
    return data
validate = validate_urn_ocpp_cp_1_6_2020_3_getlog_req
