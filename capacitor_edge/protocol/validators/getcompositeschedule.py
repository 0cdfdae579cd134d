"""Generated from GetCompositeSchedule.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "8cf44a4e5da979ebe8df792afb8fdb0d33f45a62975275af04d7422f08fb87fb"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'GetCompositeScheduleRequest', 'type': 'object', 'properties': {'connectorId': {'type': 'integer', 'minimum': 0, 'maximum': 9223372036854775807}, 'duration': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'chargingRateUnit': {'type': 'string', 'additionalProperties': False, 'enum': ['A', 'W']}}, 'additionalProperties': False, 'required': ['connectorId', 'duration']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['connectorId', 'duration']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'GetCompositeScheduleRequest', 'type': 'object', 'properties': {'connectorId': {'type': 'integer', 'minimum': 0, 'maximum': 9223372036854775807}, 'duration': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'chargingRateUnit': {'type': 'string', 'additionalProperties': False, 'enum': ['A', 'W']}}, 'additionalProperties': False, 'required': ['connectorId', 'duration']}, rule='required')
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
        if "duration" in data_keys:
            data_keys.remove("duration")
            data__duration = data["duration"]
            if not isinstance(data__duration, (int)) or isinstance(data__duration, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".duration must be integer", value=data__duration, name="" + (name_prefix or "data") + ".duration", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__duration, (int, float, Decimal)) and not isinstance(data__duration, bool):
                if data__duration < -9223372036854775808:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".duration must be bigger than or equal to -9223372036854775808", value=data__duration, name="" + (name_prefix or "data") + ".duration", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='minimum')
                if data__duration > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".duration must be smaller than or equal to 9223372036854775807", value=data__duration, name="" + (name_prefix or "data") + ".duration", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='maximum')
        if "chargingRateUnit" in data_keys:
            data_keys.remove("chargingRateUnit")
            data__chargingRateUnit = data["chargingRateUnit"]
            if not isinstance(data__chargingRateUnit, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".chargingRateUnit must be string", value=data__chargingRateUnit, name="" + (name_prefix or "data") + ".chargingRateUnit", definition={'type': 'string', 'additionalProperties': False, 'enum': ['A', 'W']}, rule='type')
            if not (isinstance(data__chargingRateUnit, str) and data__chargingRateUnit == 'A' or isinstance(data__chargingRateUnit, str) and data__chargingRateUnit == 'W'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".chargingRateUnit must be one of ['A', 'W']", value=data__chargingRateUnit, name="" + (name_prefix or "data") + ".chargingRateUnit", definition={'type': 'string', 'additionalProperties': False, 'enum': ['A', 'W']}, rule='enum')
            data__chargingRateUnit_is_dict = isinstance(data__chargingRateUnit, dict)
            if data__chargingRateUnit_is_dict:
                data__chargingRateUnit_keys = set(data__chargingRateUnit.keys())
                if data__chargingRateUnit_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".chargingRateUnit must not contain "+str(data__chargingRateUnit_keys)+" properties", value=data__chargingRateUnit, name="" + (name_prefix or "data") + ".chargingRateUnit", definition={'type': 'string', 'additionalProperties': False, 'enum': ['A', 'W']}, rule='additionalProperties')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'GetCompositeScheduleRequest', 'type': 'object', 'properties': {'connectorId': {'type': 'integer', 'minimum': 0, 'maximum': 9223372036854775807}, 'duration': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'chargingRateUnit': {'type': 'string', 'additionalProperties': False, 'enum': ['A', 'W']}}, 'additionalProperties': False, 'required': ['connectorId', 'duration']}, rule='additionalProperties')
    return data