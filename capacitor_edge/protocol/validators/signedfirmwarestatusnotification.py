"""Generated from SignedFirmwareStatusNotification.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "9213cf5b0edadcf28f905ac7ea91009b4414a05ea7a2187e9ea375b8466551ca"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate_urn_ocpp_cp_1_6_2020_3_signedfirmwarestatusnotification_req(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:SignedFirmwareStatusNotification.req', 'definitions': {'FirmwareStatusEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['Downloaded', 'DownloadFailed', 'Downloading', 'DownloadScheduled', 'DownloadPaused', 'Idle', 'InstallationFailed', 'Installing', 'Installed', 'InstallRebooting', 'InstallScheduled', 'InstallVerificationFailed', 'InvalidSignature', 'SignatureVerified']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Downloaded', 'DownloadFailed', 'Downloading', 'DownloadScheduled', 'DownloadPaused', 'Idle', 'InstallationFailed', 'Installing', 'Installed', 'InstallRebooting', 'InstallScheduled', 'InstallVerificationFailed', 'InvalidSignature', 'SignatureVerified']}, 'requestId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'required': ['status']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['status']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:SignedFirmwareStatusNotification.req', 'definitions': {'FirmwareStatusEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['Downloaded', 'DownloadFailed', 'Downloading', 'DownloadScheduled', 'DownloadPaused', 'Idle', 'InstallationFailed', 'Installing', 'Installed', 'InstallRebooting', 'InstallScheduled', 'InstallVerificationFailed', 'InvalidSignature', 'SignatureVerified']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Downloaded', 'DownloadFailed', 'Downloading', 'DownloadScheduled', 'DownloadPaused', 'Idle', 'InstallationFailed', 'Installing', 'Installed', 'InstallRebooting', 'InstallScheduled', 'InstallVerificationFailed', 'InvalidSignature', 'SignatureVerified']}, 'requestId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'required': ['status']}, rule='required')
        data_keys = set(data.keys())
        if "status" in data_keys:
            data_keys.remove("status")
            data__status = data["status"]
            validate___definitions_firmwarestatusenumtype(data__status, custom_formats, (name_prefix or "data") + ".status")
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
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:SignedFirmwareStatusNotification.req', 'definitions': {'FirmwareStatusEnumType': {'type': 'string', 'additionalProperties': False, 'enum': ['Downloaded', 'DownloadFailed', 'Downloading', 'DownloadScheduled', 'DownloadPaused', 'Idle', 'InstallationFailed', 'Installing', 'Installed', 'InstallRebooting', 'InstallScheduled', 'InstallVerificationFailed', 'InvalidSignature', 'SignatureVerified']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Downloaded', 'DownloadFailed', 'Downloading', 'DownloadScheduled', 'DownloadPaused', 'Idle', 'InstallationFailed', 'Installing', 'Installed', 'InstallRebooting', 'InstallScheduled', 'InstallVerificationFailed', 'InvalidSignature', 'SignatureVerified']}, 'requestId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'required': ['status']}, rule='additionalProperties')
    return data

def validate___definitions_firmwarestatusenumtype(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (str)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be string", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Downloaded', 'DownloadFailed', 'Downloading', 'DownloadScheduled', 'DownloadPaused', 'Idle', 'InstallationFailed', 'Installing', 'Installed', 'InstallRebooting', 'InstallScheduled', 'InstallVerificationFailed', 'InvalidSignature', 'SignatureVerified']}, rule='type')
    if not (isinstance(data, str) and data == 'Downloaded' or isinstance(data, str) and data == 'DownloadFailed' or isinstance(data, str) and data == 'Downloading' or isinstance(data, str) and data == 'DownloadScheduled' or isinstance(data, str) and data == 'DownloadPaused' or isinstance(data, str) and data == 'Idle' or isinstance(data, str) and data == 'InstallationFailed' or isinstance(data, str) and data == 'Installing' or isinstance(data, str) and data == 'Installed' or isinstance(data, str) and data == 'InstallRebooting' or isinstance(data, str) and data == 'InstallScheduled' or isinstance(data, str) and data == 'InstallVerificationFailed' or isinstance(data, str) and data == 'InvalidSignature' or isinstance(data, str) and data == 'SignatureVerified'):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be one of ['Downloaded', 'DownloadFailed', 'Downloading', 'DownloadScheduled', 'DownloadPaused', 'Idle', 'InstallationFailed', 'Installing', 'Installed', 'InstallRebooting', 'InstallScheduled', 'InstallVerificationFailed', 'InvalidSignature', 'SignatureVerified']", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Downloaded', 'DownloadFailed', 'Downloading', 'DownloadScheduled', 'DownloadPaused', 'Idle', 'InstallationFailed', 'Installing', 'Installed', 'InstallRebooting', 'InstallScheduled', 'InstallVerificationFailed', 'InvalidSignature', 'SignatureVerified']}, rule='enum')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Downloaded', 'DownloadFailed', 'Downloading', 'DownloadScheduled', 'DownloadPaused', 'Idle', 'InstallationFailed', 'Installing', 'Installed', 'InstallRebooting', 'InstallScheduled', 'InstallVerificationFailed', 'InvalidSignature', 'SignatureVerified']}, rule='additionalProperties')
    return data
validate = validate_urn_ocpp_cp_1_6_2020_3_signedfirmwarestatusnotification_req
