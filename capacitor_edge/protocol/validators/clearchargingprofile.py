"""Generated from ClearChargingProfile.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "f3c71e61a83cb93eaf0f5e28b4a635e2e5fa0a8075149c3b0a9713883f57469c"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'ClearChargingProfileRequest', 'type': 'object', 'properties': {'id': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'connectorId': {'type': 'integer', 'minimum': 0, 'maximum': 9223372036854775807}, 'chargingProfilePurpose': {'type': 'string', 'additionalProperties': False, 'enum': ['ChargePointMaxProfile', 'TxDefaultProfile', 'TxProfile']}, 'stackLevel': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if "id" in data_keys:
            data_keys.remove("id")
            data__id = data["id"]
            if not isinstance(data__id, (int)) or isinstance(data__id, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".id must be integer", value=data__id, name="" + (name_prefix or "data") + ".id", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__id, (int, float, Decimal)) and not isinstance(data__id, bool):
                if data__id < -9223372036854775808:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".id must be bigger than or equal to -9223372036854775808", value=data__id, name="" + (name_prefix or "data") + ".id", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='minimum')
                if data__id > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".id must be smaller than or equal to 9223372036854775807", value=data__id, name="" + (name_prefix or "data") + ".id", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='maximum')
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
        if "chargingProfilePurpose" in data_keys:
            data_keys.remove("chargingProfilePurpose")
            data__chargingProfilePurpose = data["chargingProfilePurpose"]
            if not isinstance(data__chargingProfilePurpose, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".chargingProfilePurpose must be string", value=data__chargingProfilePurpose, name="" + (name_prefix or "data") + ".chargingProfilePurpose", definition={'type': 'string', 'additionalProperties': False, 'enum': ['ChargePointMaxProfile', 'TxDefaultProfile', 'TxProfile']}, rule='type')
            if not (isinstance(data__chargingProfilePurpose, str) and data__chargingProfilePurpose == 'ChargePointMaxProfile' or isinstance(data__chargingProfilePurpose, str) and data__chargingProfilePurpose == 'TxDefaultProfile' or isinstance(data__chargingProfilePurpose, str) and data__chargingProfilePurpose == 'TxProfile'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".chargingProfilePurpose must be one of ['ChargePointMaxProfile', 'TxDefaultProfile', 'TxProfile']", value=data__chargingProfilePurpose, name="" + (name_prefix or "data") + ".chargingProfilePurpose", definition={'type': 'string', 'additionalProperties': False, 'enum': ['ChargePointMaxProfile', 'TxDefaultProfile', 'TxProfile']}, rule='enum')
            data__chargingProfilePurpose_is_dict = isinstance(data__chargingProfilePurpose, dict)
            if data__chargingProfilePurpose_is_dict:
                data__chargingProfilePurpose_keys = set(data__chargingProfilePurpose.keys())
                if data__chargingProfilePurpose_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".chargingProfilePurpose must not contain "+str(data__chargingProfilePurpose_keys)+" properties", value=data__chargingProfilePurpose, name="" + (name_prefix or "data") + ".chargingProfilePurpose", definition={'type': 'string', 'additionalProperties': False, 'enum': ['ChargePointMaxProfile', 'TxDefaultProfile', 'TxProfile']}, rule='additionalProperties')
        if "stackLevel" in data_keys:
            data_keys.remove("stackLevel")
            data__stackLevel = data["stackLevel"]
            if not isinstance(data__stackLevel, (int)) or isinstance(data__stackLevel, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".stackLevel must be integer", value=data__stackLevel, name="" + (name_prefix or "data") + ".stackLevel", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__stackLevel, (int, float, Decimal)) and not isinstance(data__stackLevel, bool):
                if data__stackLevel < -9223372036854775808:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".stackLevel must be bigger than or equal to -9223372036854775808", value=data__stackLevel, name="" + (name_prefix or "data") + ".stackLevel", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='minimum')
                if data__stackLevel > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".stackLevel must be smaller than or equal to 9223372036854775807", value=data__stackLevel, name="" + (name_prefix or "data") + ".stackLevel", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='maximum')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'ClearChargingProfileRequest', 'type': 'object', 'properties': {'id': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'connectorId': {'type': 'integer', 'minimum': 0, 'maximum': 9223372036854775807}, 'chargingProfilePurpose': {'type': 'string', 'additionalProperties': False, 'enum': ['ChargePointMaxProfile', 'TxDefaultProfile', 'TxProfile']}, 'stackLevel': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False}, rule='additionalProperties')
    return data