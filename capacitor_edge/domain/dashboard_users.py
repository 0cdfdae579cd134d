"""Dashboard users and their logins (issue 18): people, not keys.

Passwords are hashed with Argon2id (RFC 9106; argon2-cffi's defaults: 64 MiB, 3 passes), in
worker threads, at most :data:`HASH_THREADS` at a time, so a burst of logins never blocks the
event loop. Failed logins are rate limited per source address, as API keys and chargers are.

A login is a random token in a cookie, held in memory: a restart logs everyone out, which on a
box that restarts for upgrades only is cheaper than writing each request's ``last_seen``. Each
request re-reads its user (one indexed row), so ``users delete`` and ``users passwd`` on the CLI
end that user's logins at their next request, even while the box runs.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections import OrderedDict
from dataclasses import dataclass

import trio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.errors import Conflict, Invalid, NotFound
from capacitor_edge.domain.ids import new_id
from capacitor_edge.domain.rate_limits import FailureLimiter
from capacitor_edge.storage.users import UserRecord, UserStore

__all__ = ["ROLES", "DashboardUsers", "Login", "UserRecord", "WebUser"]

#: Each role may do what the ones before it may.
ROLES = ("viewer", "operator", "admin")
NAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")
NAME_RULE = "must be 1-64 letters, digits or . _ @ -"
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
HASH_THREADS = 2
#: Logins held at once; the least recently used goes first past this.
MAX_SESSIONS = 10_000
_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the name is unknown, so a wrong name takes as long as a wrong
    password. Made on first use, not at import: a hash costs ~0.2 s of CPU and 64 MiB at peak,
    which every start-up paid before any dashboard login."""
    return _HASHER.hash("not a password of anyone")


def hash_password(password: str) -> str:
    """Argon2id, with its parameters and salt in the string. Blocking: ~0.2 s of CPU, 64 MiB."""
    return _HASHER.hash(password)


def verify_password(password: str, stored: str | None) -> bool:
    """``stored`` None: an unknown user, checked against the dummy hash all the same."""
    try:
        return _HASHER.verify(_dummy_hash() if stored is None else stored, password) and (
            stored is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def check_name(name: str) -> None:
    if not NAME.fullmatch(name):
        raise Invalid("name", NAME_RULE)


def check_role(role: str) -> None:
    if role not in ROLES:
        raise Invalid("role", f"must be one of {', '.join(ROLES)}")


def check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise Invalid("password", f"must be {MIN_PASSWORD} to {MAX_PASSWORD} characters")


@dataclass(frozen=True)
class WebUser:
    """The person behind a dashboard request."""

    id: str
    org_id: str
    org_name: str
    name: str
    role: str

    def may(self, role: str) -> bool:
        """Whether this user has ``role`` or one above it."""
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass
class Login:
    token: str
    #: Sent back in ``X-CSRF-Token`` (or the form's ``csrf`` field) with every state change.
    csrf: str
    user_id: str
    generation: int
    last_seen: float


class DashboardUsers:
    def __init__(
        self,
        store: UserStore,
        clock: Clock,
        *,
        idle_timeout_s: float,
        failures_per_min: int,
        hash_threads: int = HASH_THREADS,
    ) -> None:
        self._store = store
        self._clock = clock
        self.idle_timeout_s = idle_timeout_s
        self.failures = FailureLimiter(failures_per_min)
        self._hashing = trio.CapacityLimiter(hash_threads)
        self._logins: OrderedDict[str, Login] = OrderedDict()

    # -- logins ------------------------------------------------------------------------------

    async def log_in(self, name: str, password: str) -> Login | None:
        """A new login for ``name``, or None if name or password is wrong. The caller spends
        and refunds the address's failure token (:attr:`failures`)."""
        user = await self._store.find(name) if NAME.fullmatch(name) else None
        stored = user.password_hash if user is not None else None
        ok = await trio.to_thread.run_sync(
            verify_password, password[:MAX_PASSWORD], stored, limiter=self._hashing
        )
        if user is None or not ok:
            return None
        login = Login(
            token=secrets.token_urlsafe(32),
            csrf=secrets.token_urlsafe(32),
            user_id=user.id,
            generation=user.generation,
            last_seen=trio.current_time(),
        )
        self._logins[login.token] = login
        while len(self._logins) > MAX_SESSIONS:
            self._logins.popitem(last=False)
        return login

    async def resume(self, token: str) -> tuple[Login, WebUser] | None:
        """The login of ``token`` and its user, if it is still valid; marks it used now."""
        login = self._logins.get(token)
        if login is None:
            return None
        now = trio.current_time()
        if now - login.last_seen > self.idle_timeout_s:
            del self._logins[token]
            return None
        user = await self._store.find_by_id(login.user_id)
        if user is None or user.generation != login.generation:
            # Deleted, or its password changed: this login ends.
            self._logins.pop(token, None)
            return None
        login.last_seen = now
        self._logins.move_to_end(token)
        return login, WebUser(user.id, user.org_id, user.org_name, user.name, user.role)

    def is_active(self, token: str) -> bool:
        """Whether the login of ``token`` is neither logged out nor idle past its timeout (an
        open event stream asks this, without counting as use)."""
        login = self._logins.get(token)
        return login is not None and trio.current_time() - login.last_seen <= self.idle_timeout_s

    def log_out(self, token: str) -> None:
        self._logins.pop(token, None)

    # -- administration (the admin view; the CLI writes the database itself) ----------------

    async def list(self, org_id: str) -> list[UserRecord]:
        return await self._store.list(org_id)

    async def count(self) -> int:
        return await self._store.count()

    async def create(self, org_id: str, name: str, role: str, password: str) -> UserRecord:
        check_name(name)
        check_role(role)
        check_password(password)
        hashed = await trio.to_thread.run_sync(hash_password, password, limiter=self._hashing)
        user_id = new_id("usr")
        now = iso_z(self._clock.now())
        created = await self._store.insert(
            user_id=user_id, org_id=org_id, name=name, role=role, password_hash=hashed, now=now
        )
        if not created:
            raise Conflict(f"User {name} already exists")
        found = await self._store.find(name)
        assert found is not None
        return found

    async def delete(self, org_id: str, name: str) -> None:
        if not await self._store.delete(name, org_id):
            raise NotFound(f"User {name} not found")
