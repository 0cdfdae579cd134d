"""Generated from StartTransactionResponse.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "66de74e797fe95cc58e9fe49143121e70d91daed2e59f37fd51d204aa3a95f9a"

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
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'StartTransactionResponse', 'type': 'object', 'properties': {'idTagInfo': {'type': 'object', 'properties': {'expiryDate': {'type': 'string', 'format': 'date-time'}, 'parentIdTag': {'type': 'string', 'maxLength': 20}, 'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx']}}, 'additionalProperties': False, 'required': ['status']}, 'transactionId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['idTagInfo', 'transactionId']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['idTagInfo', 'transactionId']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'StartTransactionResponse', 'type': 'object', 'properties': {'idTagInfo': {'type': 'object', 'properties': {'expiryDate': {'type': 'string', 'format': 'date-time'}, 'parentIdTag': {'type': 'string', 'maxLength': 20}, 'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx']}}, 'additionalProperties': False, 'required': ['status']}, 'transactionId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['idTagInfo', 'transactionId']}, rule='required')
        data_keys = set(data.keys())
        if "idTagInfo" in data_keys:
            data_keys.remove("idTagInfo")
            data__idTagInfo = data["idTagInfo"]
            if not isinstance(data__idTagInfo, (dict)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".idTagInfo must be object", value=data__idTagInfo, name="" + (name_prefix or "data") + ".idTagInfo", definition={'type': 'object', 'properties': {'expiryDate': {'type': 'string', 'format': 'date-time'}, 'parentIdTag': {'type': 'string', 'maxLength': 20}, 'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx']}}, 'additionalProperties': False, 'required': ['status']}, rule='type')
            data__idTagInfo_is_dict = isinstance(data__idTagInfo, dict)
            if data__idTagInfo_is_dict:
                data__idTagInfo__missing_keys = set(['status']) - data__idTagInfo.keys()
                if data__idTagInfo__missing_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".idTagInfo must contain " + (str(sorted(data__idTagInfo__missing_keys)) + " properties"), value=data__idTagInfo, name="" + (name_prefix or "data") + ".idTagInfo", definition={'type': 'object', 'properties': {'expiryDate': {'type': 'string', 'format': 'date-time'}, 'parentIdTag': {'type': 'string', 'maxLength': 20}, 'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx']}}, 'additionalProperties': False, 'required': ['status']}, rule='required')
                data__idTagInfo_keys = set(data__idTagInfo.keys())
                if "expiryDate" in data__idTagInfo_keys:
                    data__idTagInfo_keys.remove("expiryDate")
                    data__idTagInfo__expiryDate = data__idTagInfo["expiryDate"]
                    if not isinstance(data__idTagInfo__expiryDate, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".idTagInfo.expiryDate must be string", value=data__idTagInfo__expiryDate, name="" + (name_prefix or "data") + ".idTagInfo.expiryDate", definition={'type': 'string', 'format': 'date-time'}, rule='type')
                    if isinstance(data__idTagInfo__expiryDate, str):
                        if not REGEX_PATTERNS["date-time_re_pattern"].match(data__idTagInfo__expiryDate):
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".idTagInfo.expiryDate must be date-time", value=data__idTagInfo__expiryDate, name="" + (name_prefix or "data") + ".idTagInfo.expiryDate", definition={'type': 'string', 'format': 'date-time'}, rule='format')
                if "parentIdTag" in data__idTagInfo_keys:
                    data__idTagInfo_keys.remove("parentIdTag")
                    data__idTagInfo__parentIdTag = data__idTagInfo["parentIdTag"]
                    if not isinstance(data__idTagInfo__parentIdTag, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".idTagInfo.parentIdTag must be string", value=data__idTagInfo__parentIdTag, name="" + (name_prefix or "data") + ".idTagInfo.parentIdTag", definition={'type': 'string', 'maxLength': 20}, rule='type')
                    if isinstance(data__idTagInfo__parentIdTag, str):
                        data__idTagInfo__parentIdTag_len = len(data__idTagInfo__parentIdTag)
                        if data__idTagInfo__parentIdTag_len > 20:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".idTagInfo.parentIdTag must be shorter than or equal to 20 characters", value=data__idTagInfo__parentIdTag, name="" + (name_prefix or "data") + ".idTagInfo.parentIdTag", definition={'type': 'string', 'maxLength': 20}, rule='maxLength')
                if "status" in data__idTagInfo_keys:
                    data__idTagInfo_keys.remove("status")
                    data__idTagInfo__status = data__idTagInfo["status"]
                    if not isinstance(data__idTagInfo__status, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".idTagInfo.status must be string", value=data__idTagInfo__status, name="" + (name_prefix or "data") + ".idTagInfo.status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx']}, rule='type')
                    if not (isinstance(data__idTagInfo__status, str) and data__idTagInfo__status == 'Accepted' or isinstance(data__idTagInfo__status, str) and data__idTagInfo__status == 'Blocked' or isinstance(data__idTagInfo__status, str) and data__idTagInfo__status == 'Expired' or isinstance(data__idTagInfo__status, str) and data__idTagInfo__status == 'Invalid' or isinstance(data__idTagInfo__status, str) and data__idTagInfo__status == 'ConcurrentTx'):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".idTagInfo.status must be one of ['Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx']", value=data__idTagInfo__status, name="" + (name_prefix or "data") + ".idTagInfo.status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx']}, rule='enum')
                    data__idTagInfo__status_is_dict = isinstance(data__idTagInfo__status, dict)
                    if data__idTagInfo__status_is_dict:
                        data__idTagInfo__status_keys = set(data__idTagInfo__status.keys())
                        if data__idTagInfo__status_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".idTagInfo.status must not contain "+str(data__idTagInfo__status_keys)+" properties", value=data__idTagInfo__status, name="" + (name_prefix or "data") + ".idTagInfo.status", definition={'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx']}, rule='additionalProperties')
                if data__idTagInfo_keys:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".idTagInfo must not contain "+str(data__idTagInfo_keys)+" properties", value=data__idTagInfo, name="" + (name_prefix or "data") + ".idTagInfo", definition={'type': 'object', 'properties': {'expiryDate': {'type': 'string', 'format': 'date-time'}, 'parentIdTag': {'type': 'string', 'maxLength': 20}, 'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx']}}, 'additionalProperties': False, 'required': ['status']}, rule='additionalProperties')
        if "transactionId" in data_keys:
            data_keys.remove("transactionId")
            data__transactionId = data["transactionId"]
            if not isinstance(data__transactionId, (int)) or isinstance(data__transactionId, bool):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".transactionId must be integer", value=data__transactionId, name="" + (name_prefix or "data") + ".transactionId", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='type')
            if isinstance(data__transactionId, (int, float, Decimal)) and not isinstance(data__transactionId, bool):
                if data__transactionId < -9223372036854775808:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".transactionId must be bigger than or equal to -9223372036854775808", value=data__transactionId, name="" + (name_prefix or "data") + ".transactionId", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='minimum')
                if data__transactionId > 9223372036854775807:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".transactionId must be smaller than or equal to 9223372036854775807", value=data__transactionId, name="" + (name_prefix or "data") + ".transactionId", definition={'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}, rule='maximum')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'StartTransactionResponse', 'type': 'object', 'properties': {'idTagInfo': {'type': 'object', 'properties': {'expiryDate': {'type': 'string', 'format': 'date-time'}, 'parentIdTag': {'type': 'string', 'maxLength': 20}, 'status': {'type': 'string', 'additionalProperties': False, 'enum': ['Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx']}}, 'additionalProperties': False, 'required': ['status']}, 'transactionId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['idTagInfo', 'transactionId']}, rule='additionalProperties')
    return data