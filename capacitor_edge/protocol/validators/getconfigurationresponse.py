"""Generated from GetConfigurationResponse.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "0631ef7608715e7fe604a6d774f07682ad0d13f55421c1032d48a3a04917d189"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'GetConfigurationResponse', 'type': 'object', 'properties': {'configurationKey': {'type': 'array', 'items': {'type': 'object', 'properties': {'key': {'type': 'string', 'maxLength': 50}, 'readonly': {'type': 'boolean'}, 'value': {'type': 'string', 'maxLength': 500}}, 'additionalProperties': False, 'required': ['key', 'readonly']}}, 'unknownKey': {'type': 'array', 'items': {'type': 'string', 'maxLength': 50}}}, 'additionalProperties': False}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data_keys = set(data.keys())
        if "configurationKey" in data_keys:
            data_keys.remove("configurationKey")
            data__configurationKey = data["configurationKey"]
            if not isinstance(data__configurationKey, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".configurationKey must be array", value=data__configurationKey, name="" + (name_prefix or "data") + ".configurationKey", definition={'type': 'array', 'items': {'type': 'object', 'properties': {'key': {'type': 'string', 'maxLength': 50}, 'readonly': {'type': 'boolean'}, 'value': {'type': 'string', 'maxLength': 500}}, 'additionalProperties': False, 'required': ['key', 'readonly']}}, rule='type')
            data__configurationKey_is_list = isinstance(data__configurationKey, (list, tuple))
            if data__configurationKey_is_list:
                data__configurationKey_len = len(data__configurationKey)
                for data__configurationKey_x, data__configurationKey_item in enumerate(data__configurationKey):
                    if not isinstance(data__configurationKey_item, (dict)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".configurationKey[{data__configurationKey_x}]".format(**locals()) + " must be object", value=data__configurationKey_item, name="" + (name_prefix or "data") + ".configurationKey[{data__configurationKey_x}]".format(**locals()) + "", definition={'type': 'object', 'properties': {'key': {'type': 'string', 'maxLength': 50}, 'readonly': {'type': 'boolean'}, 'value': {'type': 'string', 'maxLength': 500}}, 'additionalProperties': False, 'required': ['key', 'readonly']}, rule='type')
                    data__configurationKey_item_is_dict = isinstance(data__configurationKey_item, dict)
                    if data__configurationKey_item_is_dict:
                        data__configurationKey_item__missing_keys = set(['key', 'readonly']) - data__configurationKey_item.keys()
                        if data__configurationKey_item__missing_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".configurationKey[{data__configurationKey_x}]".format(**locals()) + " must contain " + (str(sorted(data__configurationKey_item__missing_keys)) + " properties"), value=data__configurationKey_item, name="" + (name_prefix or "data") + ".configurationKey[{data__configurationKey_x}]".format(**locals()) + "", definition={'type': 'object', 'properties': {'key': {'type': 'string', 'maxLength': 50}, 'readonly': {'type': 'boolean'}, 'value': {'type': 'string', 'maxLength': 500}}, 'additionalProperties': False, 'required': ['key', 'readonly']}, rule='required')
                        data__configurationKey_item_keys = set(data__configurationKey_item.keys())
                        if "key" in data__configurationKey_item_keys:
                            data__configurationKey_item_keys.remove("key")
                            data__configurationKey_item__key = data__configurationKey_item["key"]
                            if not isinstance(data__configurationKey_item__key, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".configurationKey[{data__configurationKey_x}].key".format(**locals()) + " must be string", value=data__configurationKey_item__key, name="" + (name_prefix or "data") + ".configurationKey[{data__configurationKey_x}].key".format(**locals()) + "", definition={'type': 'string', 'maxLength': 50}, rule='type')
                            if isinstance(data__configurationKey_item__key, str):
                                data__configurationKey_item__key_len = len(data__configurationKey_item__key)
                                if data__configurationKey_item__key_len > 50:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".configurationKey[{data__configurationKey_x}].key".format(**locals()) + " must be shorter than or equal to 50 characters", value=data__configurationKey_item__key, name="" + (name_prefix or "data") + ".configurationKey[{data__configurationKey_x}].key".format(**locals()) + "", definition={'type': 'string', 'maxLength': 50}, rule='maxLength')
                        if "readonly" in data__configurationKey_item_keys:
                            data__configurationKey_item_keys.remove("readonly")
                            data__configurationKey_item__readonly = data__configurationKey_item["readonly"]
                            if not isinstance(data__configurationKey_item__readonly, (bool)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".configurationKey[{data__configurationKey_x}].readonly".format(**locals()) + " must be boolean", value=data__configurationKey_item__readonly, name="" + (name_prefix or "data") + ".configurationKey[{data__configurationKey_x}].readonly".format(**locals()) + "", definition={'type': 'boolean'}, rule='type')
                        if "value" in data__configurationKey_item_keys:
                            data__configurationKey_item_keys.remove("value")
                            data__configurationKey_item__value = data__configurationKey_item["value"]
                            if not isinstance(data__configurationKey_item__value, (str)):
                                raise JsonSchemaValueException("" + (name_prefix or "data") + ".configurationKey[{data__configurationKey_x}].value".format(**locals()) + " must be string", value=data__configurationKey_item__value, name="" + (name_prefix or "data") + ".configurationKey[{data__configurationKey_x}].value".format(**locals()) + "", definition={'type': 'string', 'maxLength': 500}, rule='type')
                            if isinstance(data__configurationKey_item__value, str):
                                data__configurationKey_item__value_len = len(data__configurationKey_item__value)
                                if data__configurationKey_item__value_len > 500:
                                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".configurationKey[{data__configurationKey_x}].value".format(**locals()) + " must be shorter than or equal to 500 characters", value=data__configurationKey_item__value, name="" + (name_prefix or "data") + ".configurationKey[{data__configurationKey_x}].value".format(**locals()) + "", definition={'type': 'string', 'maxLength': 500}, rule='maxLength')
                        if data__configurationKey_item_keys:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".configurationKey[{data__configurationKey_x}]".format(**locals()) + " must not contain "+str(data__configurationKey_item_keys)+" properties", value=data__configurationKey_item, name="" + (name_prefix or "data") + ".configurationKey[{data__configurationKey_x}]".format(**locals()) + "", definition={'type': 'object', 'properties': {'key': {'type': 'string', 'maxLength': 50}, 'readonly': {'type': 'boolean'}, 'value': {'type': 'string', 'maxLength': 500}}, 'additionalProperties': False, 'required': ['key', 'readonly']}, rule='additionalProperties')
        if "unknownKey" in data_keys:
            data_keys.remove("unknownKey")
            data__unknownKey = data["unknownKey"]
            if not isinstance(data__unknownKey, (list, tuple)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".unknownKey must be array", value=data__unknownKey, name="" + (name_prefix or "data") + ".unknownKey", definition={'type': 'array', 'items': {'type': 'string', 'maxLength': 50}}, rule='type')
            data__unknownKey_is_list = isinstance(data__unknownKey, (list, tuple))
            if data__unknownKey_is_list:
                data__unknownKey_len = len(data__unknownKey)
                for data__unknownKey_x, data__unknownKey_item in enumerate(data__unknownKey):
                    if not isinstance(data__unknownKey_item, (str)):
                        raise JsonSchemaValueException("" + (name_prefix or "data") + ".unknownKey[{data__unknownKey_x}]".format(**locals()) + " must be string", value=data__unknownKey_item, name="" + (name_prefix or "data") + ".unknownKey[{data__unknownKey_x}]".format(**locals()) + "", definition={'type': 'string', 'maxLength': 50}, rule='type')
                    if isinstance(data__unknownKey_item, str):
                        data__unknownKey_item_len = len(data__unknownKey_item)
                        if data__unknownKey_item_len > 50:
                            raise JsonSchemaValueException("" + (name_prefix or "data") + ".unknownKey[{data__unknownKey_x}]".format(**locals()) + " must be shorter than or equal to 50 characters", value=data__unknownKey_item, name="" + (name_prefix or "data") + ".unknownKey[{data__unknownKey_x}]".format(**locals()) + "", definition={'type': 'string', 'maxLength': 50}, rule='maxLength')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'GetConfigurationResponse', 'type': 'object', 'properties': {'configurationKey': {'type': 'array', 'items': {'type': 'object', 'properties': {'key': {'type': 'string', 'maxLength': 50}, 'readonly': {'type': 'boolean'}, 'value': {'type': 'string', 'maxLength': 500}}, 'additionalProperties': False, 'required': ['key', 'readonly']}}, 'unknownKey': {'type': 'array', 'items': {'type': 'string', 'maxLength': 50}}}, 'additionalProperties': False}, rule='additionalProperties')
    return data