"""The Quart-Trio application: routes, validation, OpenAPI document and error shape."""

from __future__ import annotations

from typing import Any

import trio
from quart_schema import (
    APIKeySecurityScheme,
    Info,
    QuartSchema,
    security_scheme,
)
from quart_trio import QuartTrio
from quart_trio.wrappers import TrioRequest

from capacitor_edge import __version__
from capacitor_edge.api import presenters, responses
from capacitor_edge.api.authorization import authorization_blueprint
from capacitor_edge.api.chargers import chargers_blueprint
from capacitor_edge.api.charging_profiles import charging_profiles_blueprint
from capacitor_edge.api.commands import commands_blueprint
from capacitor_edge.api.contract import DUMP_OPTIONS, returns
from capacitor_edge.api.dashboard_routes import dashboard_routes_blueprint
from capacitor_edge.api.docs import install_docs
from capacitor_edge.api.errors import install_error_handlers
from capacitor_edge.api.events import events_blueprint
from capacitor_edge.api.files import charger_files_blueprint, files_blueprint, is_upload_path
from capacitor_edge.api.id_tags import id_tags_blueprint
from capacitor_edge.api.key_check import require_api_key
from capacitor_edge.api.keys import keys_blueprint
from capacitor_edge.api.metrics import install_request_metrics, metrics_blueprint
from capacitor_edge.api.openapi import ContractProvider
from capacitor_edge.api.site import site_blueprint
from capacitor_edge.api.traffic import traffic_blueprint
from capacitor_edge.api.transactions import (
    TRANSACTION_ID_CONVERTER,
    TransactionIdConverter,
    transactions_blueprint,
)
from capacitor_edge.api.upstream import upstream_blueprint
from capacitor_edge.api.webhooks import webhooks_blueprint
from capacitor_edge.domain.errors import Invalid
from capacitor_edge.domain.health import StorageHealth
from capacitor_edge.domain.load_view import health_block
from capacitor_edge.domain.services import Services

API_PREFIX = "/api/v1"
#: JSON bodies of this API are small; anything bigger is a mistake or an attack.
MAX_BODY_BYTES = 1024 * 1024


class JsonRequest(TrioRequest):
    """Read JSON bodies whatever the Content-Type: ``curl -d '{...}'`` sends a form type."""

    async def get_json(self, force: bool = True, silent: bool = False, cache: bool = True) -> Any:
        raw = await self.get_data(cache=True, as_text=False)
        assert isinstance(raw, bytes)  # as_text=False
        if not raw.strip():
            # No body: the fields take their defaults (an optional body, e.g. GetConfiguration
            # with no keys), and a required field missing is named in the 400.
            return {}
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            # JSON is UTF-8 (RFC 8259 §8.1); Quart's own decoding would raise a 500 here.
            raise Invalid("body", "is not UTF-8 text (JSON must be UTF-8)") from None
        return await super().get_json(force=force, silent=silent, cache=cache)

    def __init__(self, method: str, scheme: str, path: str, *args: Any, **kwargs: Any) -> None:
        # File uploads are streamed to disk by their handlers, which enforce their own (larger)
        # limits; Quart's body limit is the JSON one and would refuse them by Content-Length.
        if is_upload_path(path):
            kwargs["max_content_length"] = None
        super().__init__(method, scheme, path, *args, **kwargs)


def create_app(
    services: Services, ready: trio.Event, storage: StorageHealth | None = None
) -> QuartTrio:
    app = QuartTrio("capacitor_edge")
    app.request_class = JsonRequest
    app.url_map.converters[TRANSACTION_ID_CONVERTER] = TransactionIdConverter
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
        openapi_provider_class=ContractProvider,
        pydantic_dump_options=DUMP_OPTIONS,
    )
    # After QuartSchema, which installs its own JSON provider: keep the documented field order.
    app.json.sort_keys = False  # type: ignore[attr-defined]
    install_error_handlers(app)
    install_request_metrics(app)
    install_docs(app)

    @app.get("/health")
    @security_scheme([])  # no key needed: load balancers and systemd probes call it
    @returns(responses.Health, 200, 503)
    async def health() -> Any:
        """200 once the appliance is ready and while it can store what it acknowledges; 503
        ``failing`` with the storage's state when it cannot (a full disk). No key needed."""
        if not ready.is_set():
            return responses.Health(status="starting"), 503
        if storage is not None and not storage.current.ok:
            return responses.Health(
                status="failing", storage=presenters.storage_status(storage)
            ), 503
        extra: dict[str, Any] = {}
        if services.certificates.certificates:
            # Only with TLS configured, so the plain appliance still answers {"status": "ok"}.
            extra["certificates"] = presenters.certificate_statuses(
                services.certificates, services.clock.now()
            )
        site = health_block(services.load_control)
        if site is not None:  # likewise only with a site
            extra["site"] = site
        return responses.Health(status="ok", **extra), 200

    blueprints = (
        chargers_blueprint(services.chargers),
        keys_blueprint(services.keys),
        traffic_blueprint(services.traffic),
        id_tags_blueprint(services.id_tags),
        transactions_blueprint(services.transactions),
        commands_blueprint(
            services.commands,
            services.settings.default_remote_id_tag,
            services.files,
            services.settings,
        ),
        files_blueprint(services.files, services.settings),
        charging_profiles_blueprint(services.smart_charging),
        events_blueprint(services.events),
        webhooks_blueprint(services.webhooks),
        authorization_blueprint(services.commands, services.reservations),
        site_blueprint(services.load_control),
        upstream_blueprint(services.mirror, services.chargers),
        dashboard_routes_blueprint(services.chargers, services.load_history, services.selftests),
    )
    for blueprint in blueprints:
        require_api_key(blueprint, services.keys, services.dashboard_users)
        app.register_blueprint(blueprint, url_prefix=API_PREFIX)
    # Chargers cannot send an API key: these URLs carry their own random token.
    app.register_blueprint(charger_files_blueprint(services.files))
    # Prometheus scrapes GET /metrics, open on the LAN or key-protected (`metrics_access`).
    app.register_blueprint(metrics_blueprint(services))
    return app
