"""The dashboard's routes: log in and out, the pages (one per view), and user administration.

HTML, not part of the REST contract: hidden from ``/openapi.json``. Every page answers with a
Content-Security-Policy that allows the box's own scripts and styles only (no inline script,
no CDN), so an injected string can never run in a staff member's browser.
"""

from __future__ import annotations

import math
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from quart import Blueprint, Response, render_template, request, send_from_directory
from quart_schema import hide

from capacitor_edge import __version__
from capacitor_edge.api import web_session
from capacitor_edge.domain.dashboard_users import DashboardUsers, Login, WebUser

PREFIX = "/dashboard"
#: The pages' scripts and styles, inside the package (and inside the single-file executable).
STATIC = Path(__file__).with_name("static")
#: A random token in a cookie and in the login form (double submit): a login cannot be forged
#: from another site, which would log the victim in as the attacker.
LOGIN_CSRF_COOKIE = "capacitor_login_csrf"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
#: Page name → (template, the role it needs).
PAGES = {
    "board": ("board.html", "viewer"),
    "sessions": ("sessions.html", "viewer"),
    "installer": ("installer.html", "viewer"),
    "site": ("site.html", "viewer"),
    "admin": ("admin.html", "admin"),
}


def _secure() -> bool:
    return request.scheme == "https"


def _set_cookie(response: Response, name: str, value: str, path: str = "/") -> None:
    response.set_cookie(name, value, path=path, httponly=True, samesite="Strict", secure=_secure())


def _go(url: str, status: int = 302) -> Response:
    return Response("", status, headers={"Location": url})


def _local_target(text: str | None) -> str:
    """Where to go after logging in: a dashboard path of this box only (no open redirect)."""
    if text and text.startswith(PREFIX + "/") and not urlsplit(text).netloc and "\\" not in text:
        return text
    return PREFIX + "/"


def dashboard_blueprint(users: DashboardUsers) -> Blueprint:
    bp = Blueprint("dashboard", __name__, template_folder="templates")

    @bp.after_request
    async def security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    async def login_page(message: str | None = None, status: int = 200) -> Response:
        token = secrets.token_urlsafe(32)
        html = await render_template(
            "login.html",
            csrf=token,
            message=message,
            next=_local_target(request.args.get("next")),
            version=__version__,
        )
        response = Response(html, status=status, content_type="text/html; charset=utf-8")
        _set_cookie(response, LOGIN_CSRF_COOKIE, token, path=f"{PREFIX}/login")
        return response

    async def page(name: str, login: Login, user: WebUser, **extra: Any) -> Response:
        template, needed = PAGES.get(name, ("charger.html", "viewer"))
        if not user.may(needed):
            return Response(
                f"Your role ({user.role}) may not open this page.", 403, content_type="text/plain"
            )
        html = await render_template(
            template,
            view=name,
            user=user,
            csrf=login.csrf,
            operator=user.may("operator"),
            admin=user.may("admin"),
            version=__version__,
            **extra,
        )
        return Response(html, content_type="text/html; charset=utf-8")

    async def logged_in() -> tuple[Login, WebUser] | Response:
        found = await web_session.current_login(users)
        if found is None:
            return _go(f"{PREFIX}/login?next={request.path}")
        return found

    @bp.get(f"{PREFIX}/static/<path:filename>")
    @hide  # a route of our own: a blueprint's static route would show in /openapi.json
    async def static(filename: str) -> Any:
        return await send_from_directory(STATIC, filename)

    @bp.get("/")
    @hide
    async def root() -> Any:
        return _go(f"{PREFIX}/")

    @bp.get(f"{PREFIX}/login")
    @hide
    async def login_form() -> Any:
        return await login_page()

    @bp.post(f"{PREFIX}/login")
    @hide
    async def login() -> Any:
        form = await request.form
        cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        sent = form.get("csrf", "")
        if not cookie or not secrets.compare_digest(cookie.encode(), sent.encode()):
            return await login_page("The form expired: please try again.", 403)
        source = request.remote_addr or "unknown"
        retry_after = users.failures.take(source)
        if retry_after is not None:
            response = await login_page(
                "Too many failed logins from this address: wait a minute and try again.", 429
            )
            response.headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
            return response
        made = await users.log_in(form.get("name", ""), form.get("password", ""))
        if made is None:
            return await login_page("Wrong name or password.", 401)
        users.failures.refund(source)
        response = _go(_local_target(form.get("next")), 303)
        _set_cookie(response, web_session.COOKIE, made.token)
        response.delete_cookie(LOGIN_CSRF_COOKIE, path=f"{PREFIX}/login")
        return response

    @bp.post(f"{PREFIX}/logout")
    @hide
    async def logout() -> Any:
        found = await web_session.current_login(users)
        if found is not None:
            form = await request.form
            if not web_session.csrf_matches(found[0], form.get("csrf")):
                return Response("Missing or wrong CSRF token.", 403, content_type="text/plain")
            users.log_out(found[0].token)
        response = _go(f"{PREFIX}/login", 303)
        response.delete_cookie(web_session.COOKIE, path="/")
        return response

    @bp.get(f"{PREFIX}/")
    @hide
    async def board() -> Any:
        found = await logged_in()
        return found if isinstance(found, Response) else await page("board", *found)

    @bp.get(f"{PREFIX}/<view>")
    @hide
    async def other_view(view: str) -> Any:
        found = await logged_in()
        if isinstance(found, Response):
            return found
        if view not in PAGES:
            return Response("No such page.", 404, content_type="text/plain")
        return await page(view, *found)

    @bp.get(f"{PREFIX}/chargers/<charge_box_id>")
    @hide
    async def charger(charge_box_id: str) -> Any:
        found = await logged_in()
        if isinstance(found, Response):
            return found
        return await page("charger", *found, charge_box_id=charge_box_id)

    return bp
