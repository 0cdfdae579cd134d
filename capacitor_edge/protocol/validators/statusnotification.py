"""Generated from StatusNotification.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "84e1685a8cd4089400ffeffc0e26cf066cf954c48f05727b53d8acb6f2de4688"

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
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'StatusNotificationRequest', 'type': 'object', 'properties': {'connectorId': {'type': 'integer', 'minimum': 0, 'maximum': 9223372036854775807}, 'errorCode': {'type': 'string', 'additionalProperties': False, 'enum': ['ConnectorLockFailure', 'EVCommunicationError', 'GroundFailure', 'HighTemperature', 'InternalError', 'LocalListConflict', 'NoError', 'OtherError', 'OverCurrentFailure', 'PowerMeterFailure', 'PowerSwitchFailure', 'ReaderFailure', 'ResetFailure', 'UnderVoltage', 'OverVoltage', 'WeakSignal']}, 'info': {'type': 'string', 'maxLength': 50}, 'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Available', 'Preparing', 'Charging', 'SuspendedEVSE', 'SuspendedEV', 'Finishing', 'Reserved', 'Unavailable', 'Faulted']}, 'timestamp': {'type': 'string', 'format': 'date-time'}, 'vendorId': {'type': 'string', 'maxLength': 255}, 'vendorErrorCode': {'type': 'string', 'maxLength': 50}}, 'additionalProperties': False, 'required': ['connectorId', 'errorCode', 'status']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['connectorId', 'errorCode', 'status']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'StatusNotificationRequest', 'type': 'object', 'properties': {'connectorId': {'type': 'integer', 'minimum': 0, 'maximum': 9223372036854775807}, 'errorCode': {'type': 'string', 'additionalProperties': False, 'enum': ['ConnectorLockFailure', 'EVCommunicationError', 'GroundFailure', 'HighTemperature', 'InternalError', 'LocalListConflict', 'NoError', 'OtherError', 'OverCurrentFailure', 'PowerMeterFailure', 'PowerSwitchFailure', 'ReaderFailure', 'ResetFailure', 'UnderVoltage', 'OverVoltage', 'WeakSignal']}, 'info': {'type': 'string', 'maxLength': 50}, 'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Available', 'Preparing', 'Charging', 'SuspendedEVSE', 'SuspendedEV', 'Finishing', 'Reserved', 'Unavailable', 'Faulted']}, 'timestamp': {'type': 'string', 'format': 'date-time'}, 'vendorId': {'type': 'string', 'maxLength': 255}, 'vendorErrorCode': {'type': 'string', 'maxLength': 50}}, 'additionalProperties': False, 'required': ['connectorId', 'errorCode', 'status']}, rule='required')
        data_keys = set(data.keys())
        if "connectorId" in data_keys:
            data_keys.remove("connectorId")
            data__connectorId = data["connectorId"]
            if not isinstance(data__connectorId, (int)) or isinstance(data__connectorId, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".connectorId must be integer", value=data__connectorId, name="" + (name_prefix or "data") + ".connectorId", definition={'type': 'integer', 'minimum': 0, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__connectorId, (int, float, Decimal)) and not isinstance(data__connectorId, bool):
                if data__connectorId < 0:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".connectorId must be bigger than or equal to 0", value=data__connectorId, name="" + (name_prefix or "data") + ".connectorId", definition={'type': 'integer', 'minimum': 0, 'maximum': 9223372036854775807}, rule='minimum')
                if data__connectorId > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".connectorId must be smaller than or equal to 9223372036854775807", value=data__connectorId, name="" + (name_prefix or "data") + ".connectorId", definition={'type': 'integer', 'minimum': 0, 'maximum': 9223372036854775807}, rule='maximum')
        if "errorCode" in data_keys:
            data_keys.remove("errorCode")
            data__errorCode = data["errorCode"]
            if not isinstance(data__errorCode, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".errorCode must be string", value=data__errorCode, name="" + (name_prefix or "data") + ".errorCode", definition={'type': 'string', 'additionalProperties': False, 'enum': ['ConnectorLockFailure', 'EVCommunicationError', 'GroundFailure', 'HighTemperature', 'InternalError', 'LocalListConflict', 'NoError', 'OtherError', 'OverCurrentFailure', 'PowerMeterFailure', 'PowerSwitchFailure', 'ReaderFailure', 'ResetFailure', 'UnderVoltage', 'OverVoltage', 'WeakSignal']}, rule='type')
            if not (isinstance(data__errorCode, str) and data__errorCode == 'ConnectorLockFailure' or isinstance(data__errorCode, str) and data__errorCode == 'EVCommunicationError' or isinstance(data__errorCode, str) and data__errorCode == 'GroundFailure' or isinstance(data__errorCode, str) and data__errorCode == 'HighTemperature' or isinstance(data__errorCode, str) and data__errorCode == 'InternalError' or isinstance(data__errorCode, str) and data__errorCode == 'LocalListConflict' or isinstance(data__errorCode, str) and data__errorCode == 'NoError' or isinstance(data__errorCode, str) and data__errorCode == 'OtherError' or isinstance(data__errorCode, str) and data__errorCode == 'OverCurrentFailure' or isinstance(data__errorCode, str) and data__errorCode == 'PowerMeterFailure' or isinstance(data__errorCode, str) and data__errorCode == 'PowerSwitchFailure' or isinstance(data__errorCode, str) and data__errorCode == 'ReaderFailure' or isinstance(data__errorCode, str) and data__errorCode == 'ResetFailure' or isinstance(data__errorCode, str) and data__errorCode == 'UnderVoltage' or isinstance(data__errorCode, str) and data__errorCode == 'OverVoltage' or isinstance(data__errorCode, str) and data__errorCode == 'WeakSignal'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".errorCode must be one of ['ConnectorLockFailure', 'EVCommunicationError', 'GroundFailure', 'HighTemperature', 'InternalError', 'LocalListConflict', 'NoError', 'OtherError', 'OverCurrentFailure', 'PowerMeterFailure', 'PowerSwitchFailure', 'ReaderFailure', 'ResetFailure', 'UnderVoltage', 'OverVoltage', 'WeakSignal']", value=data__errorCode, name="" + (name_prefix or "data") + ".errorCode", definition={'type': 'string', 'additionalProperties': False, 'enum': ['ConnectorLockFailure', 'EVCommunicationError', 'GroundFailure', 'HighTemperature', 'InternalError', 'LocalListConflict', 'NoError', 'OtherError', 'OverCurrentFailure', 'PowerMeterFailure', 'PowerSwitchFailure', 'ReaderFailure', 'ResetFailure', 'UnderVoltage', 'OverVoltage', 'WeakSignal']}, rule='enum')
            data__errorCode_is_dict = isinstance(data__errorCode, dict)
            if data__errorCode_is_dict:
                data__errorCode_keys = set(data__errorCode.keys())
                if data__errorCode_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".errorCode must not contain "+str(data__errorCode_keys)+" properties", value=data__errorCode, name="" + (name_prefix or "data") + ".errorCode", definition={'type': 'string', 'additionalProperties': False, 'enum': ['ConnectorLockFailure', 'EVCommunicationError', 'GroundFailure', 'HighTemperature', 'InternalError', 'LocalListConflict', 'NoError', 'OtherError', 'OverCurrentFailure', 'PowerMeterFailure', 'PowerSwitchFailure', 'ReaderFailure', 'ResetFailure', 'UnderVoltage', 'OverVoltage', 'WeakSignal']}, rule='additionalProperties')
        if "info" in data_keys:
            data_keys.remove("info")
            data__info = data["info"]
            if not isinstance(data__info, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".info must be string", value=data__info, name="" + (name_prefix or "data") + ".info", definition={'type': 'string', 'maxLength': 50}, rule='type')
            if isinstance(data__info, str):
                data__info_len = len(data__info)
                if data__info_len > 50:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".info must be shorter than or equal to 50 characters", value=data__info, name="" + (name_prefix or "data") + ".info", definition={'type': 'string', 'maxLength': 50}, rule='maxLength')
        if "status" in data_keys:
            data_keys.remove("status")
            data__status = data["status"]
            if not isinstance(data__status, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".status must be string", value=data__status, name="" + (name_prefix or "data") + ".status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Available', 'Preparing', 'Charging', 'SuspendedEVSE', 'SuspendedEV', 'Finishing', 'Reserved', 'Unavailable', 'Faulted']}, rule='type')
            if not (isinstance(data__status, str) and data__status == 'Available' or isinstance(data__status, str) and data__status == 'Preparing' or isinstance(data__status, str) and data__status == 'Charging' or isinstance(data__status, str) and data__status == 'SuspendedEVSE' or isinstance(data__status, str) and data__status == 'SuspendedEV' or isinstance(data__status, str) and data__status == 'Finishing' or isinstance(data__status, str) and data__status == 'Reserved' or isinstance(data__status, str) and data__status == 'Unavailable' or isinstance(data__status, str) and data__status == 'Faulted'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".status must be one of ['Available', 'Preparing', 'Charging', 'SuspendedEVSE', 'SuspendedEV', 'Finishing', 'Reserved', 'Unavailable', 'Faulted']", value=data__status, name="" + (name_prefix or "data") + ".status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Available', 'Preparing', 'Charging', 'SuspendedEVSE', 'SuspendedEV', 'Finishing', 'Reserved', 'Unavailable', 'Faulted']}, rule='enum')
            data__status_is_dict = isinstance(data__status, dict)
            if data__status_is_dict:
                data__status_keys = set(data__status.keys())
                if data__status_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".status must not contain "+str(data__status_keys)+" properties", value=data__status, name="" + (name_prefix or "data") + ".status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Available', 'Preparing', 'Charging', 'SuspendedEVSE', 'SuspendedEV', 'Finishing', 'Reserved', 'Unavailable', 'Faulted']}, rule='additionalProperties')
        if "timestamp" in data_keys:
            data_keys.remove("timestamp")
            data__timestamp = data["timestamp"]
            if not isinstance(data__timestamp, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".timestamp must be string", value=data__timestamp, name="" + (name_prefix or "data") + ".timestamp", definition={'type': 'string', 'format': 'date-time'}, rule='type')
            if isinstance(data__timestamp, str):
                if not REGEX_PATTERNS["date-time_re_pattern"].match(data__timestamp):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".timestamp must be date-time", value=data__timestamp, name="" + (name_prefix or "data") + ".timestamp", definition={'type': 'string', 'format': 'date-time'}, rule='format')
        if "vendorId" in data_keys:
            data_keys.remove("vendorId")
            data__vendorId = data["vendorId"]
            if not isinstance(data__vendorId, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".vendorId must be string", value=data__vendorId, name="" + (name_prefix or "data") + ".vendorId", definition={'type': 'string', 'maxLength': 255}, rule='type')
            if isinstance(data__vendorId, str):
                data__vendorId_len = len(data__vendorId)
                if data__vendorId_len > 255:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".vendorId must be shorter than or equal to 255 characters", value=data__vendorId, name="" + (name_prefix or "data") + ".vendorId", definition={'type': 'string', 'maxLength': 255}, rule='maxLength')
        if "vendorErrorCode" in data_keys:
            data_keys.remove("vendorErrorCode")
            data__vendorErrorCode = data["vendorErrorCode"]
            if not isinstance(data__vendorErrorCode, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".vendorErrorCode must be string", value=data__vendorErrorCode, name="" + (name_prefix or "data") + ".vendorErrorCode", definition={'type': 'string', 'maxLength': 50}, rule='type')
            if isinstance(data__vendorErrorCode, str):
                data__vendorErrorCode_len = len(data__vendorErrorCode)
                if data__vendorErrorCode_len > 50:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".vendorErrorCode must be shorter than or equal to 50 characters", value=data__vendorErrorCode, name="" + (name_prefix or "data") + ".vendorErrorCode", definition={'type': 'string', 'maxLength': 50}, rule='maxLength')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'StatusNotificationRequest', 'type': 'object', 'properties': {'connectorId': {'type': 'integer', 'minimum': 0, 'maximum': 9223372036854775807}, 'errorCode': {'type': 'string', 'additionalProperties': False, 'enum': ['ConnectorLockFailure', 'EVCommunicationError', 'GroundFailure', 'HighTemperature', 'InternalError', 'LocalListConflict', 'NoError', 'OtherError', 'OverCurrentFailure', 'PowerMeterFailure', 'PowerSwitchFailure', 'ReaderFailure', 'ResetFailure', 'UnderVoltage', 'OverVoltage', 'WeakSignal']}, 'info': {'type': 'string', 'maxLength': 50}, 'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Available', 'Preparing', 'Charging', 'SuspendedEVSE', 'SuspendedEV', 'Finishing', 'Reserved', 'Unavailable', 'Faulted']}, 'timestamp': {'type': 'string', 'format': 'date-time'}, 'vendorId': {'type': 'string', 'maxLength': 255}, 'vendorErrorCode': {'type': 'string', 'maxLength': 50}}, 'additionalProperties': False, 'required': ['connectorId', 'errorCode', 'status']}, rule='additionalProperties')
    return data