"""Generated from SignedUpdateFirmware.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "ad6b14e6598b355a5ec2f93a2e46a703a254f65f68b496db0a22317e376be4be"

VERSION = "2.22.3"
from decimal import Decimal
import re
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


REGEX_PATTERNS = {
    'date-time_re_pattern': re.compile('^\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])[tT](?:[01]\\d|2[0-3]):[0-5]\\d:(?:[0-5]\\d|60)(?:\\.\\d+)?(?:[+-](?:[01]\\d|2[0-3]):?[0-5]\\d|[zZ])?\\Z')
}

NoneType = type(None)

def validate_urn_ocpp_cp_1_6_2020_3_signedupdatefirmware_req(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:SignedUpdateFirmware.req', 'definitions': {'FirmwareType': {'type': 'object', 'additionalProperties': False, 'properties': {'location': {'type': 'string', 'maxLength': 512}, 'retrieveDateTime': {'type': 'string', 'format': 'date-time'}, 'installDateTime': {'type': 'string', 'format': 'date-time'}, 'signingCertificate': {'type': 'string', 'maxLength': 5500}, 'signature': {'type': 'string', 'maxLength': 800}}, 'required': ['location', 'retrieveDateTime', 'signingCertificate', 'signature']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'retries': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'retryInterval': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'requestId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'firmware': {'type': 'object', 'additionalProperties': False, 'properties': {'location': {'type': 'string', 'maxLength': 512}, 'retrieveDateTime': {'type': 'string', 'format': 'date-time'}, 'installDateTime': {'type': 'string', 'format': 'date-time'}, 'signingCertificate': {'type': 'string', 'maxLength': 5500}, 'signature': {'type': 'string', 'maxLength': 800}}, 'required': ['location', 'retrieveDateTime', 'signingCertificate', 'signature']}}, 'required': ['requestId', 'firmware']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['requestId', 'firmware']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:SignedUpdateFirmware.req', 'definitions': {'FirmwareType': {'type': 'object', 'additionalProperties': False, 'properties': {'location': {'type': 'string', 'maxLength': 512}, 'retrieveDateTime': {'type': 'string', 'format': 'date-time'}, 'installDateTime': {'type': 'string', 'format': 'date-time'}, 'signingCertificate': {'type': 'string', 'maxLength': 5500}, 'signature': {'type': 'string', 'maxLength': 800}}, 'required': ['location', 'retrieveDateTime', 'signingCertificate', 'signature']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'retries': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'retryInterval': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'requestId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'firmware': {'type': 'object', 'additionalProperties': False, 'properties': {'location': {'type': 'string', 'maxLength': 512}, 'retrieveDateTime': {'type': 'string', 'format': 'date-time'}, 'installDateTime': {'type': 'string', 'format': 'date-time'}, 'signingCertificate': {'type': 'string', 'maxLength': 5500}, 'signature': {'type': 'string', 'maxLength': 800}}, 'required': ['location', 'retrieveDateTime', 'signingCertificate', 'signature']}}, 'required': ['requestId', 'firmware']}, rule='required')
        data_keys = set(data.keys())
        if "retries" in data_keys:
            data_keys.remove("retries")
            data__retries = data["retries"]
            if not isinstance(data__retries, (int)) and not (isinstance(data__retries, float) and data__retries.is_integer()) or isinstance(data__retries, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".retries must be integer", value=data__retries, name="" + (name_prefix or "data") + ".retries", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__retries, (int, float, Decimal)) and not isinstance(data__retries, bool):
                if data__retries < -9223372036854775808:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".retries must be bigger than or equal to -9223372036854775808", value=data__retries, name="" + (name_prefix or "data") + ".retries", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='minimum')
                if data__retries > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".retries must be smaller than or equal to 9223372036854775807", value=data__retries, name="" + (name_prefix or "data") + ".retries", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='maximum')
        if "retryInterval" in data_keys:
            data_keys.remove("retryInterval")
            data__retryInterval = data["retryInterval"]
            if not isinstance(data__retryInterval, (int)) and not (isinstance(data__retryInterval, float) and data__retryInterval.is_integer()) or isinstance(data__retryInterval, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".retryInterval must be integer", value=data__retryInterval, name="" + (name_prefix or "data") + ".retryInterval", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__retryInterval, (int, float, Decimal)) and not isinstance(data__retryInterval, bool):
                if data__retryInterval < -9223372036854775808:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".retryInterval must be bigger than or equal to -9223372036854775808", value=data__retryInterval, name="" + (name_prefix or "data") + ".retryInterval", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='minimum')
                if data__retryInterval > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".retryInterval must be smaller than or equal to 9223372036854775807", value=data__retryInterval, name="" + (name_prefix or "data") + ".retryInterval", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='maximum')
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
        if "firmware" in data_keys:
            data_keys.remove("firmware")
            data__firmware = data["firmware"]
            validate___definitions_firmwaretype(data__firmware, custom_formats, (name_prefix or "data") + ".firmware")
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-06/schema#', '$id': 'urn:OCPP:Cp:1.6:2020:3:SignedUpdateFirmware.req', 'definitions': {'FirmwareType': {'type': 'object', 'additionalProperties': False, 'properties': {'location': {'type': 'string', 'maxLength': 512}, 'retrieveDateTime': {'type': 'string', 'format': 'date-time'}, 'installDateTime': {'type': 'string', 'format': 'date-time'}, 'signingCertificate': {'type': 'string', 'maxLength': 5500}, 'signature': {'type': 'string', 'maxLength': 800}}, 'required': ['location', 'retrieveDateTime', 'signingCertificate', 'signature']}}, 'type': 'object', 'additionalProperties': False, 'properties': {'retries': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'retryInterval': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'requestId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, 'firmware': {'type': 'object', 'additionalProperties': False, 'properties': {'location': {'type': 'string', 'maxLength': 512}, 'retrieveDateTime': {'type': 'string', 'format': 'date-time'}, 'installDateTime': {'type': 'string', 'format': 'date-time'}, 'signingCertificate': {'type': 'string', 'maxLength': 5500}, 'signature': {'type': 'string', 'maxLength': 800}}, 'required': ['location', 'retrieveDateTime', 'signingCertificate', 'signature']}}, 'required': ['requestId', 'firmware']}, rule='additionalProperties')
    return data

def validate___definitions_firmwaretype(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'additionalProperties': False, 'properties': {'location': {'type': 'string', 'maxLength': 512}, 'retrieveDateTime': {'type': 'string', 'format': 'date-time'}, 'installDateTime': {'type': 'string', 'format': 'date-time'}, 'signingCertificate': {'type': 'string', 'maxLength': 5500}, 'signature': {'type': 'string', 'maxLength': 800}}, 'required': ['location', 'retrieveDateTime', 'signingCertificate', 'signature']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['location', 'retrieveDateTime', 'signingCertificate', 'signature']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'additionalProperties': False, 'properties': {'location': {'type': 'string', 'maxLength': 512}, 'retrieveDateTime': {'type': 'string', 'format': 'date-time'}, 'installDateTime': {'type': 'string', 'format': 'date-time'}, 'signingCertificate': {'type': 'string', 'maxLength': 5500}, 'signature': {'type': 'string', 'maxLength': 800}}, 'required': ['location', 'retrieveDateTime', 'signingCertificate', 'signature']}, rule='required')
        data_keys = set(data.keys())
        if "location" in data_keys:
            data_keys.remove("location")
            data__location = data["location"]
            if not isinstance(data__location, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".location must be string", value=data__location, name="" + (name_prefix or "data") + ".location", definition={'type': 'string', 'maxLength': 512}, rule='type')
            if isinstance(data__location, str):
                data__location_len = len(data__location)
                if data__location_len > 512:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".location must be shorter than or equal to 512 characters", value=data__location, name="" + (name_prefix or "data") + ".location", definition={'type': 'string', 'maxLength': 512}, rule='maxLength')
        if "retrieveDateTime" in data_keys:
            data_keys.remove("retrieveDateTime")
            data__retrieveDateTime = data["retrieveDateTime"]
            if not isinstance(data__retrieveDateTime, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".retrieveDateTime must be string", value=data__retrieveDateTime, name="" + (name_prefix or "data") + ".retrieveDateTime", definition={'type': 'string', 'format': 'date-time'}, rule='type')
            if isinstance(data__retrieveDateTime, str):
                if not REGEX_PATTERNS["date-time_re_pattern"].match(data__retrieveDateTime):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".retrieveDateTime must be date-time", value=data__retrieveDateTime, name="" + (name_prefix or "data") + ".retrieveDateTime", definition={'type': 'string', 'format': 'date-time'}, rule='format')
        if "installDateTime" in data_keys:
            data_keys.remove("installDateTime")
            data__installDateTime = data["installDateTime"]
            if not isinstance(data__installDateTime, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".installDateTime must be string", value=data__installDateTime, name="" + (name_prefix or "data") + ".installDateTime", definition={'type': 'string', 'format': 'date-time'}, rule='type')
            if isinstance(data__installDateTime, str):
                if not REGEX_PATTERNS["date-time_re_pattern"].match(data__installDateTime):
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".installDateTime must be date-time", value=data__installDateTime, name="" + (name_prefix or "data") + ".installDateTime", definition={'type': 'string', 'format': 'date-time'}, rule='format')
        if "signingCertificate" in data_keys:
            data_keys.remove("signingCertificate")
            data__signingCertificate = data["signingCertificate"]
            if not isinstance(data__signingCertificate, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".signingCertificate must be string", value=data__signingCertificate, name="" + (name_prefix or "data") + ".signingCertificate", definition={'type': 'string', 'maxLength': 5500}, rule='type')
            if isinstance(data__signingCertificate, str):
                data__signingCertificate_len = len(data__signingCertificate)
                if data__signingCertificate_len > 5500:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".signingCertificate must be shorter than or equal to 5500 characters", value=data__signingCertificate, name="" + (name_prefix or "data") + ".signingCertificate", definition={'type': 'string', 'maxLength': 5500}, rule='maxLength')
        if "signature" in data_keys:
            data_keys.remove("signature")
            data__signature = data["signature"]
            if not isinstance(data__signature, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".signature must be string", value=data__signature, name="" + (name_prefix or "data") + ".signature", definition={'type': 'string', 'maxLength': 800}, rule='type')
            if isinstance(data__signature, str):
                data__signature_len = len(data__signature)
                if data__signature_len > 800:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".signature must be shorter than or equal to 800 characters", value=data__signature, name="" + (name_prefix or "data") + ".signature", definition={'type': 'string', 'maxLength': 800}, rule='maxLength')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'type': 'object', 'additionalProperties': False, 'properties': {'location': {'type': 'string', 'maxLength': 512}, 'retrieveDateTime': {'type': 'string', 'format': 'date-time'}, 'installDateTime': {'type': 'string', 'format': 'date-time'}, 'signingCertificate': {'type': 'string', 'maxLength': 5500}, 'signature': {'type': 'string', 'maxLength': 800}}, 'required': ['location', 'retrieveDateTime', 'signingCertificate', 'signature']}, rule='additionalProperties')
    return data
validate = validate_urn_ocpp_cp_1_6_2020_3_signedupdatefirmware_req
