"""The dashboard's login cookie, as the REST API accepts it instead of an ``X-API-Key``
(issue 18: no API key ever reaches the browser; the dashboard's script calls this same API).

A request that sends no key but the cookie speaks for the logged-in user's organisation, with
the user's role: ``viewer`` may read, ``operator`` may also send commands, stop sessions and
register chargers, ``admin`` may also manage API keys and webhooks. Every state change also
needs the login's CSRF token in ``X-CSRF-Token``: the cookie is sent by the browser whatever
page makes the request, the token only by the dashboard's own pages.
"""

from __future__ import annotations

import hmac

from quart import Response, request

from capacitor_edge.api.errors import error_response
from capacitor_edge.domain.dashboard_users import DashboardUsers, Login, WebUser

COOKIE = "capacitor_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Path prefixes (under /api/v1) whose changes need ``admin``.
ADMIN_PREFIXES = ("/api/v1/auth/", "/api/v1/webhooks")


async def current_login(users: DashboardUsers) -> tuple[Login, WebUser] | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    return await users.resume(token)


def csrf_matches(login: Login, sent: str | None) -> bool:
    return sent is not None and hmac.compare_digest(sent.encode(), login.csrf.encode())


def needed_role(method: str, path: str) -> str:
    if method in SAFE_METHODS:
        return "viewer"
    if path.startswith(ADMIN_PREFIXES):
        return "admin"
    return "operator"


def refusal(login: Login, user: WebUser, csrf: str | None) -> tuple[Response, int] | None:
    """Why this logged-in request may not go on (403 in the API's error shape), or None."""
    if request.method not in SAFE_METHODS and not csrf_matches(login, csrf):
        return error_response(403, "FORBIDDEN", f"Missing or wrong {CSRF_HEADER}")
    needed = needed_role(request.method, request.path)
    if not user.may(needed):
        return error_response(
            403, "FORBIDDEN", f"Your role ({user.role}) may not do this: it needs {needed}"
        )
    return None
