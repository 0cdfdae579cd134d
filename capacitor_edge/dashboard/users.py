"""``/dashboard/api/users``: the admin view's user administration (JSON, hidden from the REST
contract: it takes a dashboard login, never an API key). Admins manage the users of their own
organisation; the CLI (``capacitor-edge users``) manages all of them."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, g, jsonify, request
from quart_schema import hide

from capacitor_edge.api import web_session
from capacitor_edge.api.errors import error_response
from capacitor_edge.domain.dashboard_users import DashboardUsers, UserRecord, WebUser
from capacitor_edge.domain.errors import Invalid

PATH = "/dashboard/api/users"


def present(user: UserRecord) -> dict[str, str]:
    return {"name": user.name, "role": user.role, "createdAt": user.created_at}


def users_blueprint(users: DashboardUsers) -> Blueprint:
    bp = Blueprint("dashboard_users", __name__)

    @bp.before_request
    async def admin_only() -> Any:
        found = await web_session.current_login(users)
        if found is None:
            return error_response(401, "UNAUTHORIZED", "Log in to the dashboard first")
        login, user = found
        csrf = request.headers.get(web_session.CSRF_HEADER)
        if request.method not in web_session.SAFE_METHODS and not web_session.csrf_matches(
            login, csrf
        ):
            return error_response(403, "FORBIDDEN", f"Missing or wrong {web_session.CSRF_HEADER}")
        if not user.may("admin"):
            return error_response(403, "FORBIDDEN", "Only an admin manages users")
        g.web_user = user
        return None

    def me() -> WebUser:
        user: WebUser = g.web_user  # set by admin_only
        return user

    @bp.get(PATH)
    @hide
    async def list_users() -> Any:
        return jsonify({"users": [present(u) for u in await users.list(me().org_id)]})

    @bp.post(PATH)
    @hide
    async def create_user() -> Any:
        body = await request.get_json()
        if not isinstance(body, dict):
            raise Invalid("body", "must be a JSON object")
        fields = {}
        for name in ("name", "role", "password"):
            value = body.get(name)
            if not isinstance(value, str):
                raise Invalid(name, "is required (a string)")
            fields[name] = value
        created = await users.create(
            me().org_id, fields["name"], fields["role"], fields["password"]
        )
        return jsonify(present(created)), 201

    @bp.delete(f"{PATH}/<name>")
    @hide
    async def delete_user(name: str) -> Any:
        if name == me().name:
            raise Invalid("name", "you cannot delete yourself")
        await users.delete(me().org_id, name)
        return jsonify({"message": f"User {name} deleted"})

    return bp
