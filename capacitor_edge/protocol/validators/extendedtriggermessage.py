"""Generated from ExtendedTriggerMessage.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "bbb2c6cef892c729696b7bfdba86461f9aef6e4e62f309efc19cdbfdaf08f6ea"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate_urn_ocpp_cp_1_6_2020_3_extendedtriggermessage_req(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:ExtendedTriggerMessage.req', 'definitions': {'MessageTriggerEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['BootNotification', 'LogStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'SignChargePointCertificate', 'StatusNotification']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'requestedMessage': {'type': 'string', 'additionalProperties': False, 'enum': ['BootNotification', 'LogStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'SignChargePointCertificate', 'StatusNotification']}, 'connectorId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'required': ['requestedMessage']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['requestedMessage']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:ExtendedTriggerMessage.req', 'definitions': {'MessageTriggerEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['BootNotification', 'LogStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'SignChargePointCertificate', 'StatusNotification']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'requestedMessage': {'type': 'string', 'additionalProperties': False, 'enum': ['BootNotification', 'LogStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'SignChargePointCertificate', 'StatusNotification']}, 'connectorId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'required': ['requestedMessage']}, rule='required')
        data_keys = set(data.keys())
        if "requestedMessage" in data_keys:
            data_keys.remove("requestedMessage")
            data__requestedMessage = data["requestedMessage"]
            validate___definitions_messagetriggerenumtype(data__requestedMessage, custom_formats, (name_prefix or "data") + ".requestedMessage")
        if "connectorId" in data_keys:
            data_keys.remove("connectorId")
            data__connectorId = data["connectorId"]
            if not isinstance(data__connectorId, (int)) and not (isinstance(data__connectorId, float) and data__connectorId.is_integer()) or isinstance(data__connectorId, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".connectorId must be integer", value=data__connectorId, name="" + (name_prefix or "data") + ".connectorId", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__connectorId, (int, float, Decimal)) and not isinstance(data__connectorId, bool):
                if data__connectorId < -9223372036854775808:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".connectorId must be bigger than or equal to -9223372036854775808", value=data__connectorId, name="" + (name_prefix or "data") + ".connectorId", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='minimum')
                if data__connectorId > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".connectorId must be smaller than or equal to 9223372036854775807", value=data__connectorId, name="" + (name_prefix or "data") + ".connectorId", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='maximum')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:ExtendedTriggerMessage.req', 'definitions': {'MessageTriggerEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['BootNotification', 'LogStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'SignChargePointCertificate', 'StatusNotification']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'requestedMessage': {'type': 'string', 'additionalProperties': False, 'enum': ['BootNotification', 'LogStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'SignChargePointCertificate', 'StatusNotification']}, 'connectorId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'required': ['requestedMessage']}, rule='additionalProperties')
    return data

def validate___definitions_messagetriggerenumtype(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['BootNotification', 'LogStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'SignChargePointCertificate', 'StatusNotification']}, rule='type')
    if not (isinstance(data, str) and data == 'BootNotification' or isinstance(data, str) and data == 'LogStatusNotification' or isinstance(data, str) and data == 'FirmwareStatusNotification' or isinstance(data, str) and data == 'Heartbeat' or isinstance(data, str) and data == 'MeterValues' or isinstance(data, str) and data == 'SignChargePointCertificate' or isinstance(data, str) and data == 'StatusNotification'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['BootNotification', 'LogStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'SignChargePointCertificate', 'StatusNotification']", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['BootNotification', 'LogStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'SignChargePointCertificate', 'StatusNotification']}, rule='enum')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['BootNotification', 'LogStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'SignChargePointCertificate', 'StatusNotification']}, rule='additionalProperties')
    return data
validate = validate_urn_ocpp_cp_1_6_2020_3_extendedtriggermessage_req
