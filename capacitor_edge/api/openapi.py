"""The OpenAPI document says what the server does (issue 12): quart-schema builds it from the
routes' pydantic models; this provider adds, in one place, what every route shares.

- 401 on every operation that takes a key, and 429 where failed keys are rate limited (every
  ``/api/v1`` route, see :mod:`capacitor_edge.api.key_check`), with ``Retry-After``;
- 400 wherever a body, a query string or a whole-number path segment is read, 404 wherever
  a path names something, 413 wherever a JSON body is read;
- a request body is required only when its model has a required field (the command
  endpoints whose fields are all optional take no body at all);
- the bodies that are not JSON: ``/metrics`` (Prometheus text), the CSV export, file
  downloads, and the multipart firmware upload.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel
from quart_schema.openapi import OpenAPIProvider
from quart_schema.validation import DataSource

from capacitor_edge.api import responses as r
from capacitor_edge.api.errors import status_meanings
from capacitor_edge.api.models import CONNECTOR_ID_DIGITS, TRANSACTION_ID_DIGITS

API_PREFIX = "/api/v1"
_METHODS = ("get", "put", "post", "patch", "delete")
#: Path segments routes read as whole numbers (a 400 otherwise, see models.path_integer).
_WHOLE_NUMBER_SEGMENTS = {
    "connector_id": CONNECTOR_ID_DIGITS,
    "transaction_id": TRANSACTION_ID_DIGITS,
    "profile_id": 10,  # api/charging_profiles.py: an OCPP integer
    "reservation_id": 10,  # api/authorization.py: an OCPP integer
}
_TEXT = {"type": "string"}
_BINARY = {"type": "string", "format": "binary"}
#: (path, method) -> (content type, schema, description) of a 200 that is not JSON.
_NOT_JSON = {
    ("/metrics", "get"): (
        "text/plain",
        _TEXT,
        "Every metric in the Prometheus text exposition format (version 0.0.4).",
    ),
    (f"{API_PREFIX}/transactions.csv", "get"): (
        "text/csv",
        _TEXT,
        "One row per session with the columns of a transaction; booleans as true/false.",
    ),
    (f"{API_PREFIX}/id-tags.csv", "get"): (
        "text/csv",
        _TEXT,
        "The id-tag list: idTag, parentIdTag, expiryDate, blocked (true/false).",
    ),
    (f"{API_PREFIX}/chargers/{{charge_box_id}}/diagnostics-files/{{file_id}}", "get"): (
        "application/octet-stream",
        _BINARY,
        "The file as the charger sent it.",
    ),
    ("/files/firmware/{firmware_id}/{token}/{name}", "get"): (
        "application/octet-stream",
        _BINARY,
        "The firmware file (Range requests are honoured).",
    ),
}
_FIRMWARE_UPLOAD = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": _BINARY,
                    "name": {"type": "string", "description": "default: the file's name"},
                },
            }
        }
    },
}


#: Each error status's description, from the one table the error handler answers with.
_MEANINGS = status_meanings()


class ContractProvider(OpenAPIProvider):
    def build_request_body(
        self, model: type[Any], source: DataSource
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        body, definitions = super().build_request_body(model, source)
        fields = model.model_fields if issubclass(model, BaseModel) else {}
        body["required"] = any(field.is_required() for field in fields.values())
        return body, definitions

    def schema(self) -> dict[str, Any]:
        # Deep copy: quart-schema shares one operation's dicts between the methods of a route.
        document = copy.deepcopy(super().schema())
        error, definitions = self.build_response_object(r.ErrorBody, None)
        document["components"]["schemas"].update(definitions)
        default_security = document.get("security", [])
        for path, item in document["paths"].items():
            for method in _METHODS:
                operation = item.get(method)
                if operation is not None:
                    self._complete(path, method, operation, error, default_security)
        return document

    def _complete(
        self,
        path: str,
        method: str,
        operation: dict[str, Any],
        error: dict[str, Any],
        default_security: list[Any],
    ) -> None:
        responses: dict[Any, Any] = operation["responses"]

        def document(status: int, described: dict[str, Any] | None = None) -> None:
            existing = responses.get(status, responses.get(str(status)))
            if existing is None:
                existing = responses[status] = copy.deepcopy(described or error)
            if not existing.get("description"):
                existing["description"] = _MEANINGS.get(status, "")

        parameters = operation.get("parameters", [])
        for parameter in parameters:
            digits = _WHOLE_NUMBER_SEGMENTS.get(parameter["name"])
            if parameter["in"] == "path" and digits is not None:
                parameter["schema"] = {"type": "string", "pattern": f"^[0-9]{{1,{digits}}}$"}
        if path == f"{API_PREFIX}/firmware" and method == "post":
            operation["requestBody"] = copy.deepcopy(_FIRMWARE_UPLOAD)
        if operation.get("security", default_security):
            document(401)
            if path.startswith(API_PREFIX + "/"):
                limited = copy.deepcopy(error)
                limited["headers"] = {
                    "Retry-After": {
                        "description": "Seconds until a failed-key token is back.",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                }
                document(429, limited)
        if any(p["in"] == "path" for p in parameters):
            document(404)
        reads_input = any(p["in"] == "query" for p in parameters) or any(
            p["in"] == "path" and p["name"] in _WHOLE_NUMBER_SEGMENTS for p in parameters
        )
        if "requestBody" in operation:
            reads_input = True
            if "application/json" in operation["requestBody"]["content"]:
                document(413)
        if reads_input:
            document(400)
        for status, response in responses.items():
            # Error statuses a route documents itself (a command's 502-504) say what they mean too.
            if not response.get("description") and str(status).isdigit():
                response["description"] = _MEANINGS.get(int(status), "")
        special = _NOT_JSON.get((path, method))
        if special is not None:
            content_type, schema, description = special
            responses[200] = {
                "description": description,
                "content": {content_type: {"schema": schema}},
            }
