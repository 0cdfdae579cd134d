"""Generated from RemoteStopTransaction.json by capacitor_edge/protocol/validator_code.py
(``make validators``): do not edit."""

SCHEMA_DIGEST = "0381e587bed8452c7e6b2b0a5433b84a4552f5787a4265653b334f7d53a26931"

VERSION = "2.22.3"
from decimal import Decimal
from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException


NoneType = type(None)

def validate(data, custom_formats={}, name_prefix=None):
    if not isinstance(data, (dict)):
        raise JsonSchemaValueException("" + (name_prefix or "data") + " must be object", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'RemoteStopTransactionRequest', 'type': 'object', 'properties': {'transactionId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['transactionId']}, rule='type')
    data_is_dict = isinstance(data, dict)
    if data_is_dict:
        data__missing_keys = set(['transactionId']) - data.keys()
        if data__missing_keys:
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must contain " + (str(sorted(data__missing_keys)) + " properties"), value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'RemoteStopTransactionRequest', 'type': 'object', 'properties': {'transactionId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['transactionId']}, rule='required')
        data_keys = set(data.keys())
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
            raise JsonSchemaValueException("" + (name_prefix or "data") + " must not contain "+str(data_keys)+" properties", value=data, name="" + (name_prefix or "data") + "", definition={'$schema': 'http://json-schema.org/draft-04/schema#', 'title': 'RemoteStopTransactionRequest', 'type': 'object', 'properties': {'transactionId': {'type': 'integer', 'minimum': -9223372036854775808, 'maximum': 9223372036854775807}}, 'additionalProperties': False, 'required': ['transactionId']}, rule='additionalProperties')
    return data