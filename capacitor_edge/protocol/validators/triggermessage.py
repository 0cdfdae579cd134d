"""Generated from TriggerMessage.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "11e9f90101230b4263b0ee90657cafd2e5a6218b643ff2fe37271557c6278870"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'TriggerMessageRequest', 'type': 'object', 'properties': {'requestedMessage': {'type': 'string', 'additionalProperties': False, 'enum': ['BootNotification', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'StatusNotification']}, 'connectorId': {'type': 'integer', 'minimum': 1, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['requestedMessage']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['requestedMessage']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'TriggerMessageRequest', 'type': 'object', 'properties': {'requestedMessage': {'type': 'string', 'additionalProperties': False, 'enum': ['BootNotification', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'StatusNotification']}, 'connectorId': {'type': 'integer', 'minimum': 1, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['requestedMessage']}, rule='required')
        data_keys = set(data.keys())
        if "requestedMessage" in data_keys:
            data_keys.remove("requestedMessage")
            data__requestedMessage = data["requestedMessage"]
            if not isinstance(data__requestedMessage, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".requestedMessage must be string", value=data__requestedMessage, name="" + (name_prefix or "data") + ".requestedMessage", definition={'type': 'string', 'additionalProperties': False, 'enum': ['BootNotification', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'StatusNotification']}, rule='type')
            if not (isinstance(data__requestedMessage, str) and data__requestedMessage == 'BootNotification' or isinstance(data__requestedMessage, str) and data__requestedMessage == 'DiagnosticsStatusNotification' or isinstance(data__requestedMessage, str) and data__requestedMessage == 'FirmwareStatusNotification' or isinstance(data__requestedMessage, str) and data__requestedMessage == 'Heartbeat' or isinstance(data__requestedMessage, str) and data__requestedMessage == 'MeterValues' or isinstance(data__requestedMessage, str) and data__requestedMessage == 'StatusNotification'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".requestedMessage must be one of ['BootNotification', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'StatusNotification']", value=data__requestedMessage, name="" + (name_prefix or "data") + ".requestedMessage", definition={'type': 'string', 'additionalProperties': False, 'enum': ['BootNotification', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'StatusNotification']}, rule='enum')
            data__requestedMessage_is_dict = isinstance(data__requestedMessage, dict)
            if data__requestedMessage_is_dict:
                data__requestedMessage_keys = set(data__requestedMessage.keys())
                if data__requestedMessage_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".requestedMessage must not contain "+str(data__requestedMessage_keys)+" properties", value=data__requestedMessage, name="" + (name_prefix or "data") + ".requestedMessage", definition={'type': 'string', 'additionalProperties': False, 'enum': ['BootNotification', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'StatusNotification']}, rule='additionalProperties')
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
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'TriggerMessageRequest', 'type': 'object', 'properties': {'requestedMessage': {'type': 'string', 'additionalProperties': False, 'enum': ['BootNotification', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'StatusNotification']}, 'connectorId': {'type': 'integer', 'minimum': 1, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['requestedMessage']}, rule='additionalProperties')
    return data