"""Generated from StartTransaction.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "9f3097f0899ba666eb6a4d2e647e781fc5b5375615b5a1188cb4c6c2d15ac317"

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
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'StartTransactionRequest', 'type': 'object', 'properties': {'connectorId': {'type': 'integer', 'minimum': 1, 'maximum': 9223372036854775807}, 'idTag': {'type': 'string', 'maxLength': 20}, 'meterStart': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'reservationId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'timestamp': {'type': 'string', 'format': 'date-time'}}, 'additionalProperties': False, 'required': ['connectorId', 'idTag', 'meterStart', 'timestamp']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['connectorId', 'idTag', 'meterStart', 'timestamp']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'StartTransactionRequest', 'type': 'object', 'properties': {'connectorId': {'type': 'integer', 'minimum': 1, 'maximum': 9223372036854775807}, 'idTag': {'type': 'string', 'maxLength': 20}, 'meterStart': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'reservationId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'timestamp': {'type': 'string', 'format': 'date-time'}}, 'additionalProperties': False, 'required': ['connectorId', 'idTag', 'meterStart', 'timestamp']}, rule='required')
        data_keys = set(data.keys())
        if "connectorId" in data_keys:
            data_keys.remove("connectorId")
            data__connectorId = data["connectorId"]
            if not isinstance(data__connectorId, (int)) or isinstance(data__connectorId, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".connectorId must be integer", value=data__connectorId, name="" + (name_prefix or "data") + ".connectorId", definition={'type': 'integer', 'minimum': 1, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__connectorId, (int, float, Decimal)) and not isinstance(data__connectorId, bool):
                if data__connectorId < 1:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".connectorId must be bigger than or equal to 1", value=data__connectorId, name="" + (name_prefix or "data") + ".connectorId", definition={'type': 'integer', 'minimum': 1, 'maximum': 9223372036854775807}, rule='minimum')
                if data__connectorId > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".connectorId must be smaller than or equal to 9223372036854775807", value=data__connectorId, name="" + (name_prefix or "data") + ".connectorId", definition={'type': 'integer', 'minimum': 1, 'maximum': 9223372036854775807}, rule='maximum')
        if "idTag" in data_keys:
            data_keys.remove("idTag")
            data__idTag = data["idTag"]
            if not isinstance(data__idTag, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".idTag must be string", value=data__idTag, name="" + (name_prefix or "data") + ".idTag", definition={'type': 'string', 'maxLength': 20}, rule='type')
            if isinstance(data__idTag, str):
                data__idTag_len = len(data__idTag)
                if data__idTag_len > 20:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".idTag must be shorter than or equal to 20 characters", value=data__idTag, name="" + (name_prefix or "data") + ".idTag", definition={'type': 'string', 'maxLength': 20}, rule='maxLength')
        if "meterStart" in data_keys:
            data_keys.remove("meterStart")
            data__meterStart = data["meterStart"]
            if not isinstance(data__meterStart, (int)) or isinstance(data__meterStart, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".meterStart must be integer", value=data__meterStart, name="" + (name_prefix or "data") + ".meterStart", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__meterStart, (int, float, Decimal)) and not isinstance(data__meterStart, bool):
                if data__meterStart < -9223372036854775808:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".meterStart must be bigger than or equal to -9223372036854775808", value=data__meterStart, name="" + (name_prefix or "data") + ".meterStart", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='minimum')
                if data__meterStart > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".meterStart must be smaller than or equal to 9223372036854775807", value=data__meterStart, name="" + (name_prefix or "data") + ".meterStart", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='maximum')
        if "reservationId" in data_keys:
            data_keys.remove("reservationId")
            data__reservationId = data["reservationId"]
            if not isinstance(data__reservationId, (int)) or isinstance(data__reservationId, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".reservationId must be integer", value=data__reservationId, name="" + (name_prefix or "data") + ".reservationId", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__reservationId, (int, float, Decimal)) and not isinstance(data__reservationId, bool):
                if data__reservationId < -9223372036854775808:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".reservationId must be bigger than or equal to -9223372036854775808", value=data__reservationId, name="" + (name_prefix or "data") + ".reservationId", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='minimum')
                if data__reservationId > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".reservationId must be smaller than or equal to 9223372036854775807", value=data__reservationId, name="" + (name_prefix or "data") + ".reservationId", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='maximum')
        if "timestamp" in data_keys:
            data_keys.remove("timestamp")
            data__timestamp = data["timestamp"]
            if not isinstance(data__timestamp, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".timestamp must be string", value=data__timestamp, name="" + (name_prefix or "data") + ".timestamp", definition={'type': 'string', 'format': 'date-time'}, rule='type')
            if isinstance(data__timestamp, str):
                if not REGEX_PATTERNS["date-time_re_pattern"].match(data__timestamp):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".timestamp must be date-time", value=data__timestamp, name="" + (name_prefix or "data") + ".timestamp", definition={'type': 'string', 'format': 'date-time'}, rule='format')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'StartTransactionRequest', 'type': 'object', 'properties': {'connectorId': {'type': 'integer', 'minimum': 1, 'maximum': 9223372036854775807}, 'idTag': {'type': 'string', 'maxLength': 20}, 'meterStart': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'reservationId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'timestamp': {'type': 'string', 'format': 'date-time'}}, 'additionalProperties': False, 'required': ['connectorId', 'idTag', 'meterStart', 'timestamp']}, rule='additionalProperties')
    return data