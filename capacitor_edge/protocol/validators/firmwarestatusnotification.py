"""Generated from FirmwareStatusNotification.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "ea25b99146b21ebda1c78f29c3bfcedba540918c87d7b6f742dff352a1fd279c"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'FirmwareStatusNotificationRequest', 'type': 'object', 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Downloaded', 'DownloadFailed', 'Downloading', 'Idle', 'InstallationFailed', 'Installing', 'Installed']}}, 'additionalProperties': False, 'required': ['status']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['status']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'FirmwareStatusNotificationRequest', 'type': 'object', 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Downloaded', 'DownloadFailed', 'Downloading', 'Idle', 'InstallationFailed', 'Installing', 'Installed']}}, 'additionalProperties': False, 'required': ['status']}, rule='required')
        data_keys = set(data.keys())
        if "status" in data_keys:
            data_keys.remove("status")
            data__status = data["status"]
            if not isinstance(data__status, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".status must be string", value=data__status, name="" + (name_prefix or "data") + ".status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Downloaded', 'DownloadFailed', 'Downloading', 'Idle', 'InstallationFailed', 'Installing', 'Installed']}, rule='type')
            if not (isinstance(data__status, str) and data__status == 'Downloaded' or isinstance(data__status, str) and data__status == 'DownloadFailed' or isinstance(data__status, str) and data__status == 'Downloading' or isinstance(data__status, str) and data__status == 'Idle' or isinstance(data__status, str) and data__status == 'InstallationFailed' or isinstance(data__status, str) and data__status == 'Installing' or isinstance(data__status, str) and data__status == 'Installed'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".status must be one of ['Downloaded', 'DownloadFailed', 'Downloading', 'Idle', 'InstallationFailed', 'Installing', 'Installed']", value=data__status, name="" + (name_prefix or "data") + ".status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Downloaded', 'DownloadFailed', 'Downloading', 'Idle', 'InstallationFailed', 'Installing', 'Installed']}, rule='enum')
            data__status_is_dict = isinstance(data__status, dict)
            if data__status_is_dict:
                data__status_keys = set(data__status.keys())
                if data__status_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".status must not contain "+str(data__status_keys)+" properties", value=data__status, name="" + (name_prefix or "data") + ".status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Downloaded', 'DownloadFailed', 'Downloading', 'Idle', 'InstallationFailed', 'Installing', 'Installed']}, rule='additionalProperties')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'FirmwareStatusNotificationRequest', 'type': 'object', 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Downloaded', 'DownloadFailed', 'Downloading', 'Idle', 'InstallationFailed', 'Installing', 'Installed']}}, 'additionalProperties': False, 'required': ['status']}, rule='additionalProperties')
    return data