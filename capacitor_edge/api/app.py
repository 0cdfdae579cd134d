"""The Quart-Trio application: routes, validation, OpenAPI document and error shape."""

from __future__ import annotations

from typing import Any

import trio
from quart_schema import APIKeySecurityScheme, Info, QuartSchema, document_response
from quart_trio import QuartTrio
from quart_trio.wrappers import TrioRequest

from capacitor_edge import __version__
from capacitor_edge.api import responses
from capacitor_edge.api.auth import require_api_key
from capacitor_edge.api.chargers import chargers_blueprint
from capacitor_edge.api.commands import commands_blueprint
from capacitor_edge.api.errors import install_error_handlers
from capacitor_edge.api.id_tags import id_tags_blueprint
from capacitor_edge.api.keys import keys_blueprint
from capacitor_edge.api.traffic import traffic_blueprint
from capacitor_edge.api.transactions import transactions_blueprint
from capacitor_edge.domain.services import Services

API_PREFIX = "/api/v1"
#: JSON bodies of this API are small; anything bigger is a mistake or an attack.
MAX_BODY_BYTES = 1024 * 1024


class JsonRequest(TrioRequest):
    """Read JSON bodies whatever the Content-Type: ``curl -d '{...}'`` sends a form type."""

    async def get_json(self, force: bool = True, silent: bool = False, cache: bool = True) -> Any:
        return await super().get_json(force=force, silent=silent, cache=cache)


def create_app(services: Services, ready: trio.Event) -> QuartTrio:
    app = QuartTrio("capacitor_edge")
    app.request_class = JsonRequest
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    QuartSchema(
        app,
        openapi_path="/openapi.json",
        swagger_ui_path="/docs",
        redoc_ui_path=None,
        scalar_ui_path=None,
        info=Info(title="capacitor-edge", version=__version__),
        security_schemes={"ApiKey": APIKeySecurityScheme(name="X-API-Key", in_="header")},
        security=[{"ApiKey": []}],
    )
    # After QuartSchema, which installs its own JSON provider: keep the documented field order.
    app.json.sort_keys = False  # type: ignore[attr-defined]
    install_error_handlers(app)

    @app.get("/health")
    @document_response(responses.Health)
    @document_response(responses.Health, 503)
    async def health() -> Any:
        """200 once the appliance is ready; no key needed."""
        if not ready.is_set():
            return {"status": "starting"}, 503
        return {"status": "ok"}

    blueprints = (
        chargers_blueprint(services.chargers),
        keys_blueprint(services.keys),
        traffic_blueprint(services.traffic, services.charger_store),
        id_tags_blueprint(services.id_tags),
        transactions_blueprint(services.transactions),
        commands_blueprint(services.commands, services.settings.default_remote_id_tag),
    )
    for blueprint in blueprints:
        require_api_key(blueprint, services.keys)
        app.register_blueprint(blueprint, url_prefix=API_PREFIX)
    return app
