"""Generated from Authorize.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "1622b2a9810e5a8f38249526c8a1c6a4cd7c214f0bd53dfbbab4a0d8dca2af89"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'AuthorizeRequest', 'type': 'object', 'properties': {'idTag': {'type': 'string', 'maxLength': 20}}, 'additionalProperties': False, 'required': ['idTag']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['idTag']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'AuthorizeRequest', 'type': 'object', 'properties': {'idTag': {'type': 'string', 'maxLength': 20}}, 'additionalProperties': False, 'required': ['idTag']}, rule='required')
        data_keys = set(data.keys())
        if "idTag" in data_keys:
            data_keys.remove("idTag")
            data__idTag = data["idTag"]
            if not isinstance(data__idTag, (str)):
                raise JsonSchemaValueException("" + (name_prefix or "data") + ".idTag must be string", value=data__idTag, name="" + (name_prefix or "data") + ".idTag", definition={'type': 'string', 'maxLength': 20}, rule='type')
            if isinstance(data__idTag, str):
                data__idTag_len = len(data__idTag)
                if data__idTag_len > 20:
                    raise JsonSchemaValueException("" + (name_prefix or "data") + ".idTag must be shorter than or equal to 20 characters", value=data__idTag, name="" + (name_prefix or "data") + ".idTag", definition={'type': 'string', 'maxLength': 20}, rule='maxLength')
        if data_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'AuthorizeRequest', 'type': 'object', 'properties': {'idTag': {'type': 'string', 'maxLength': 20}}, 'additionalProperties': False, 'required': ['idTag']}, rule='additionalProperties')
    return data