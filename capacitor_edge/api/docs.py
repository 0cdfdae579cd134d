"""``/docs``: Swagger UI served from the box itself, so it works on a site with no internet.

quart-schema renders the page; by default it points at a CDN, which a gateway on a closed LAN
cannot reach (a blank page). The assets come from the ``swagger-ui-py`` package's copy of
Swagger UI 5 (which reads OpenAPI 3.1, the version quart-schema writes), not from files kept
in this repository.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from quart import Blueprint, Quart, send_file
from quart_schema import hide

from capacitor_edge.domain.errors import NotFound

ASSETS_PREFIX = "/docs/assets"
#: What the page loads; nothing else in the package's directory is served.
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
}


def assets_dir() -> Path:
    """Where ``swagger_ui/static`` is, found without importing the package (its ``__init__``
    pulls in web-framework handlers we do not use). In the PyInstaller binary the files are
    data files at the same package-relative place (packaging/capacitor-edge.spec)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the swagger-ui-py package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def docs_blueprint() -> Blueprint:
    bp = Blueprint("docs_assets", __name__)
    folder = assets_dir()

    @bp.get(f"{ASSETS_PREFIX}/<name>")
    @hide
    async def asset(name: str) -> Any:
        mimetype = ASSETS.get(name)
        if mimetype is None:
            raise NotFound(f"No such asset {name}")
        response = await send_file(folder / name, mimetype=mimetype, conditional=True)
        # The files change only with the package version; let browsers keep them a day.
        response.cache_control.public = True
        response.cache_control.max_age = 86400
        return response

    return bp


def install_docs(app: Quart) -> None:
    """Point quart-schema's Swagger UI page at the box's own copy of its assets."""
    app.config["QUART_SCHEMA_SWAGGER_JS_URL"] = f"{ASSETS_PREFIX}/swagger-ui-bundle.js"
    app.config["QUART_SCHEMA_SWAGGER_CSS_URL"] = f"{ASSETS_PREFIX}/swagger-ui.css"
    app.register_blueprint(docs_blueprint())
