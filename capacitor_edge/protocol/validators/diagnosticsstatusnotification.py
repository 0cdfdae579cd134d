"""Generated from DiagnosticsStatusNotification.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "b01336836fd540e300203a5d6c8e95718e171a460ed7b8c21af65c4a060a2e94"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'DiagnosticsStatusNotificationRequest', 'type': 'object', 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Idle', 'Uploaded', 'UploadFailed', 'Uploading']}}, 'additionalProperties': False, 'required': ['status']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['status']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'DiagnosticsStatusNotificationRequest', 'type': 'object', 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Idle', 'Uploaded', 'UploadFailed', 'Uploading']}}, 'additionalProperties': False, 'required': ['status']}, rule='required')
        data_keys = set(data.keys())
        if "status" in data_keys:
            data_keys.remove("status")
            data__status = data["status"]
            if not isinstance(data__status, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".status must be string", value=data__status, name="" + (name_prefix or "data") + ".status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Idle', 'Uploaded', 'UploadFailed', 'Uploading']}, rule='type')
            if not (isinstance(data__status, str) and data__status == 'Idle' or isinstance(data__status, str) and data__status == 'Uploaded' or isinstance(data__status, str) and data__status == 'UploadFailed' or isinstance(data__status, str) and data__status == 'Uploading'):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".status must be one of ['Idle', 'Uploaded', 'UploadFailed', 'Uploading']", value=data__status, name="" + (name_prefix or "data") + ".status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Idle', 'Uploaded', 'UploadFailed', 'Uploading']}, rule='enum')
            data__status_is_dict = isinstance(data__status, dict)
            if data__status_is_dict:
                data__status_keys = set(data__status.keys())
                if data__status_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".status must not contain "+str(data__status_keys)+" properties", value=data__status, name="" + (name_prefix or "data") + ".status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Idle', 'Uploaded', 'UploadFailed', 'Uploading']}, rule='additionalProperties')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'DiagnosticsStatusNotificationRequest', 'type': 'object', 'properties': {'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Idle', 'Uploaded', 'UploadFailed', 'Uploading']}}, 'additionalProperties': False, 'required': ['status']}, rule='additionalProperties')
    return data