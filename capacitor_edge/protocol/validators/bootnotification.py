"""Generated from BootNotification.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "899b87f7f4f1e18c52af5b503d6f4b7e4f540fa2c6b5e08ed6eb5ae7cb583a64"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'BootNotificationRequest', 'type': 'object', 'properties': {'chargePointVendor': {'type': 'string', 'maxLength': 20}, 'chargePointModel': {'type': 'string', 'maxLength': 20}, 'chargePointSerialNumber': {'type': 'string', 'maxLength': 25}, 'chargeBoxSerialNumber': {'type': 'string', 'maxLength': 25}, 'firmwareVersion': {'type': 'string', 'maxLength': 50}, 'iccid': {'type': 'string', 'maxLength': 20}, 'imsi': {'type': 'string', 'maxLength': 20}, 'meterType': {'type': 'string', 'maxLength': 25}, 'meterSerialNumber': {'type': 'string', 'maxLength': 25}}, 'additionalProperties': False, 'required': ['chargePointVendor', 'chargePointModel']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['chargePointVendor', 'chargePointModel']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'BootNotificationRequest', 'type': 'object', 'properties': {'chargePointVendor': {'type': 'string', 'maxLength': 20}, 'chargePointModel': {'type': 'string', 'maxLength': 20}, 'chargePointSerialNumber': {'type': 'string', 'maxLength': 25}, 'chargeBoxSerialNumber': {'type': 'string', 'maxLength': 25}, 'firmwareVersion': {'type': 'string', 'maxLength': 50}, 'iccid': {'type': 'string', 'maxLength': 20}, 'imsi': {'type': 'string', 'maxLength': 20}, 'meterType': {'type': 'string', 'maxLength': 25}, 'meterSerialNumber': {'type': 'string', 'maxLength': 25}}, 'additionalProperties': False, 'required': ['chargePointVendor', 'chargePointModel']}, rule='required')
        data_keys = set(data.keys())
        if "chargePointVendor" in data_keys:
            data_keys.remove("chargePointVendor")
            data__chargePointVendor = data["chargePointVendor"]
            if not isinstance(data__chargePointVendor, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".chargePointVendor must be string", value=data__chargePointVendor, name="" + (name_prefix or "data") + ".chargePointVendor", definition={'type': 'string', 'maxLength': 20}, rule='type')
            if isinstance(data__chargePointVendor, str):
                data__chargePointVendor_len = len(data__chargePointVendor)
                if data__chargePointVendor_len > 20:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".chargePointVendor must be shorter than or equal to 20 characters", value=data__chargePointVendor, name="" + (name_prefix or "data") + ".chargePointVendor", definition={'type': 'string', 'maxLength': 20}, rule='maxLength')
        if "chargePointModel" in data_keys:
            data_keys.remove("chargePointModel")
            data__chargePointModel = data["chargePointModel"]
            if not isinstance(data__chargePointModel, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".chargePointModel must be string", value=data__chargePointModel, name="" + (name_prefix or "data") + ".chargePointModel", definition={'type': 'string', 'maxLength': 20}, rule='type')
            if isinstance(data__chargePointModel, str):
                data__chargePointModel_len = len(data__chargePointModel)
                if data__chargePointModel_len > 20:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".chargePointModel must be shorter than or equal to 20 characters", value=data__chargePointModel, name="" + (name_prefix or "data") + ".chargePointModel", definition={'type': 'string', 'maxLength': 20}, rule='maxLength')
        if "chargePointSerialNumber" in data_keys:
            data_keys.remove("chargePointSerialNumber")
            data__chargePointSerialNumber = data["chargePointSerialNumber"]
            if not isinstance(data__chargePointSerialNumber, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".chargePointSerialNumber must be string", value=data__chargePointSerialNumber, name="" + (name_prefix or "data") + ".chargePointSerialNumber", definition={'type': 'string', 'maxLength': 25}, rule='type')
            if isinstance(data__chargePointSerialNumber, str):
                data__chargePointSerialNumber_len = len(data__chargePointSerialNumber)
                if data__chargePointSerialNumber_len > 25:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".chargePointSerialNumber must be shorter than or equal to 25 characters", value=data__chargePointSerialNumber, name="" + (name_prefix or "data") + ".chargePointSerialNumber", definition={'type': 'string', 'maxLength': 25}, rule='maxLength')
        if "chargeBoxSerialNumber" in data_keys:
            data_keys.remove("chargeBoxSerialNumber")
            data__chargeBoxSerialNumber = data["chargeBoxSerialNumber"]
            if not isinstance(data__chargeBoxSerialNumber, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".chargeBoxSerialNumber must be string", value=data__chargeBoxSerialNumber, name="" + (name_prefix or "data") + ".chargeBoxSerialNumber", definition={'type': 'string', 'maxLength': 25}, rule='type')
            if isinstance(data__chargeBoxSerialNumber, str):
                data__chargeBoxSerialNumber_len = len(data__chargeBoxSerialNumber)
                if data__chargeBoxSerialNumber_len > 25:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".chargeBoxSerialNumber must be shorter than or equal to 25 characters", value=data__chargeBoxSerialNumber, name="" + (name_prefix or "data") + ".chargeBoxSerialNumber", definition={'type': 'string', 'maxLength': 25}, rule='maxLength')
        if "firmwareVersion" in data_keys:
            data_keys.remove("firmwareVersion")
            data__firmwareVersion = data["firmwareVersion"]
            if not isinstance(data__firmwareVersion, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".firmwareVersion must be string", value=data__firmwareVersion, name="" + (name_prefix or "data") + ".firmwareVersion", definition={'type': 'string', 'maxLength': 50}, rule='type')
            if isinstance(data__firmwareVersion, str):
                data__firmwareVersion_len = len(data__firmwareVersion)
                if data__firmwareVersion_len > 50:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".firmwareVersion must be shorter than or equal to 50 characters", value=data__firmwareVersion, name="" + (name_prefix or "data") + ".firmwareVersion", definition={'type': 'string', 'maxLength': 50}, rule='maxLength')
        if "iccid" in data_keys:
            data_keys.remove("iccid")
            data__iccid = data["iccid"]
            if not isinstance(data__iccid, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".iccid must be string", value=data__iccid, name="" + (name_prefix or "data") + ".iccid", definition={'type': 'string', 'maxLength': 20}, rule='type')
            if isinstance(data__iccid, str):
                data__iccid_len = len(data__iccid)
                if data__iccid_len > 20:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".iccid must be shorter than or equal to 20 characters", value=data__iccid, name="" + (name_prefix or "data") + ".iccid", definition={'type': 'string', 'maxLength': 20}, rule='maxLength')
        if "imsi" in data_keys:
            data_keys.remove("imsi")
            data__imsi = data["imsi"]
            if not isinstance(data__imsi, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".imsi must be string", value=data__imsi, name="" + (name_prefix or "data") + ".imsi", definition={'type': 'string', 'maxLength': 20}, rule='type')
            if isinstance(data__imsi, str):
                data__imsi_len = len(data__imsi)
                if data__imsi_len > 20:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".imsi must be shorter than or equal to 20 characters", value=data__imsi, name="" + (name_prefix or "data") + ".imsi", definition={'type': 'string', 'maxLength': 20}, rule='maxLength')
        if "meterType" in data_keys:
            data_keys.remove("meterType")
            data__meterType = data["meterType"]
            if not isinstance(data__meterType, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".meterType must be string", value=data__meterType, name="" + (name_prefix or "data") + ".meterType", definition={'type': 'string', 'maxLength': 25}, rule='type')
            if isinstance(data__meterType, str):
                data__meterType_len = len(data__meterType)
                if data__meterType_len > 25:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".meterType must be shorter than or equal to 25 characters", value=data__meterType, name="" + (name_prefix or "data") + ".meterType", definition={'type': 'string', 'maxLength': 25}, rule='maxLength')
        if "meterSerialNumber" in data_keys:
            data_keys.remove("meterSerialNumber")
            data__meterSerialNumber = data["meterSerialNumber"]
            if not isinstance(data__meterSerialNumber, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".meterSerialNumber must be string", value=data__meterSerialNumber, name="" + (name_prefix or "data") + ".meterSerialNumber", definition={'type': 'string', 'maxLength': 25}, rule='type')
            if isinstance(data__meterSerialNumber, str):
                data__meterSerialNumber_len = len(data__meterSerialNumber)
                if data__meterSerialNumber_len > 25:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".meterSerialNumber must be shorter than or equal to 25 characters", value=data__meterSerialNumber, name="" + (name_prefix or "data") + ".meterSerialNumber", definition={'type': 'string', 'maxLength': 25}, rule='maxLength')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'BootNotificationRequest', 'type': 'object', 'properties': {'chargePointVendor': {'type': 'string', 'maxLength': 20}, 'chargePointModel': {'type': 'string', 'maxLength': 20}, 'chargePointSerialNumber': {'type': 'string', 'maxLength': 25}, 'chargeBoxSerialNumber': {'type': 'string', 'maxLength': 25}, 'firmwareVersion': {'type': 'string', 'maxLength': 50}, 'iccid': {'type': 'string', 'maxLength': 20}, 'imsi': {'type': 'string', 'maxLength': 20}, 'meterType': {'type': 'string', 'maxLength': 25}, 'meterSerialNumber': {'type': 'string', 'maxLength': 25}}, 'additionalProperties': False, 'required': ['chargePointVendor', 'chargePointModel']}, rule='additionalProperties')
    return data