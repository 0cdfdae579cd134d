"""Organisations and API keys.

A key is ``cap_live_`` + 32 random URL-safe characters (192 bits). Only its SHA-256 is stored: a
key is a high-entropy random secret, not a password, so a slow hash would add nothing but cost on
every request. It is shown once, when created.
"""

from __future__ import annotations

import hashlib
import secrets
from contextlib import suppress
from dataclasses import dataclass

import trio

from capacitor_edge.clock import Clock, iso_z
from capacitor_edge.domain.errors import NotFound, StorageFailure
from capacitor_edge.domain.ids import new_id
from capacitor_edge.domain.rate_limits import FailureLimiter

# The storage rows the API shows are exactly the domain's entities: re-exported here (``X as X``)
# so the adapters depend on the domain only.
from capacitor_edge.storage.keys import ApiKeyRecord as ApiKeyRecord
from capacitor_edge.storage.keys import KeyStore

KEY_PREFIX = "cap_live_"
DEFAULT_ORGANISATION = "default"
#: ``lastUsed`` is written at most this often per key, so authentication is not a write per request.
LAST_USED_RESOLUTION_S = 60.0


@dataclass(frozen=True)
class NewKey:
    key_id: str
    secret: str
    key_hash: str
    prefix: str


def generate_key() -> NewKey:
    secret = KEY_PREFIX + secrets.token_urlsafe(24)  # 24 bytes → 32 characters
    return NewKey(
        key_id=new_id("key"),
        secret=secret,
        key_hash=hash_key(secret),
        prefix=secret[: len(KEY_PREFIX) + 4] + "****",
    )


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is calling: an organisation, through one of its keys."""

    org_id: str
    key_id: str


@dataclass(frozen=True)
class CreatedKey:
    record: ApiKeyRecord
    secret: str


class ApiKeys:
    # Keys are looked up by the SHA-256 of the presented secret, never compared character by
    # character, so the time a lookup takes tells an attacker nothing about a real key.

    def __init__(self, store: KeyStore, clock: Clock, *, failures_per_min: int = 30) -> None:
        self._store = store
        self._clock = clock
        #: Failed attempts per source address (the REST layer answers 429 past the limit).
        self.failures = FailureLimiter(failures_per_min)
        # key hash → (record, trio time of the last lastUsed write). Revocation evicts at once.
        self._cache: dict[str, tuple[ApiKeyRecord, float]] = {}

    async def bootstrap(self) -> CreatedKey | None:
        """On an empty database, create the ``default`` organisation and its first key."""
        if await self._store.count_organisations() > 0:
            return None
        return await self.create(name="initial", org_name=DEFAULT_ORGANISATION)

    async def create(
        self, *, name: str, org_name: str | None = None, org_id: str | None = None
    ) -> CreatedKey:
        now = iso_z(self._clock.now())
        if org_id is None:
            org = await self._store.ensure_organisation(
                new_id("org"), org_name or DEFAULT_ORGANISATION, now
            )
            org_id = org.id
        key = generate_key()
        record = await self._store.insert_key(
            key_id=key.key_id,
            org_id=org_id,
            name=name,
            key_hash=key.key_hash,
            prefix=key.prefix,
            now=now,
        )
        return CreatedKey(record, key.secret)

    async def authenticate(self, secret: str | None) -> Principal | None:
        if not secret or not secret.startswith(KEY_PREFIX) or len(secret) > 128:
            return None
        key_hash = hash_key(secret)
        cached = self._cache.get(key_hash)
        if cached is None:
            record = await self._store.find_key_by_hash(key_hash)
            if record is None:
                return None
            last_touch = float("-inf")
        else:
            record, last_touch = cached
        now = trio.current_time()
        if now - last_touch >= LAST_USED_RESOLUTION_S:
            # `lastUsed` is bookkeeping: a full disk must not refuse reads (GETs).
            with suppress(StorageFailure):
                await self._store.touch_key(record.id, iso_z(self._clock.now()))
            last_touch = now
        self._cache[key_hash] = (record, last_touch)
        return Principal(org_id=record.org_id, key_id=record.id)

    async def list(self, org_id: str) -> list[ApiKeyRecord]:
        return await self._store.list_keys(org_id)

    async def revoke(self, org_id: str, key_id: str) -> None:
        revoked = await self._store.revoke_key(org_id, key_id, iso_z(self._clock.now()))
        if not revoked:
            raise NotFound(f"API key {key_id} not found")
        for key_hash, (record, _) in list(self._cache.items()):
            if record.id == key_id:
                del self._cache[key_hash]
