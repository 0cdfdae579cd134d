"""Who may connect as a charger: the OCPP 1.6 security profiles (OCPP 1.6 Security Whitepaper,
edition 2, §2 "Security profiles"), chosen per charger at registration.

- profile 0: ws:// or wss://, no credentials (a registered chargeBoxId is enough);
- profile 1: ws:// or wss://, HTTP Basic auth with user = chargeBoxId and password = the
  charger's AuthorizationKey;
- profile 2: as profile 1, over TLS only;
- profile 3: TLS only, with a client certificate signed by the charger CA whose subject CN is
  the chargeBoxId.

The transport layer does the TLS handshake and reads the request; it hands this module the facts
(:class:`LinkCredentials`) and turns a :class:`Refusal` into an HTTP answer before the upgrade.

AuthorizationKeys are stored only as a slow hash (scrypt). Hashing runs in worker threads, at
most :data:`HASH_THREADS` at a time, so it never blocks the event loop; failed attempts are rate
limited per source address (:mod:`capacitor_edge.domain.rate_limits`), so a flood of wrong
passwords costs the box at most ``charger_auth_failures_per_min`` hashes a minute per address and
never locks out the real charger, which connects from its own address.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

import trio

from capacitor_edge.domain.charger_messages import ChargerIdentity
from capacitor_edge.domain.rate_limits import FailureLimiter
from capacitor_edge.storage.chargers import ChargerStore

#: OCPP 1.6 Security Whitepaper §2.4: AuthorizationKey is 16 to 40 characters. Printable ASCII
#: without space, so it survives HTTP Basic auth and every charger's configuration UI.
AUTHORIZATION_KEY = re.compile(r"[\x21-\x7e]{16,40}")
AUTHORIZATION_KEY_RULE = "must be 16-40 printable ASCII characters without spaces"
#: Profiles whose charger logs in with HTTP Basic auth and an AuthorizationKey.
PASSWORD_PROFILES = frozenset({1, 2})

# scrypt (RFC 7914) from the standard library. n=2**14, r=8, p=1 uses 16 MiB and took 119 ms per
# hash on this project's 2-core machines (2026-11, `hashlib.scrypt`, 40-byte key, 16-byte salt):
# slow enough that a stolen database gives up keys only very slowly, fast enough for a charger's
# login. The parameters are stored with each hash so they can be raised later.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_DKLEN = 32
SCRYPT_MAXMEM = 64 * 1024 * 1024
SALT_BYTES = 16
#: Hashes computed at once. Each takes a core for ~0.1 s; two leave the event loop's core free on
#: a 2-core gateway.
HASH_THREADS = 2


def generate_authorization_key() -> str:
    """40 hex characters (20 random bytes), the form the whitepaper shows for AuthorizationKey."""
    return secrets.token_hex(20)


def _scrypt(key: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        key.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=SCRYPT_MAXMEM, dklen=SCRYPT_DKLEN
    )


def hash_authorization_key(key: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (salt and hash base64). Blocking: ~0.1 s of CPU."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(key, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_authorization_key(key: str, stored: str) -> bool:
    """Whether ``key`` hashes to ``stored`` (compared in constant time). Blocking."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(key, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


class RefusalKind(enum.Enum):
    #: Credentials missing or wrong (HTTP 401 with a Basic challenge).
    UNAUTHORIZED = "unauthorized"
    #: The link itself is not allowed for this charger (HTTP 403).
    FORBIDDEN = "forbidden"
    #: Too many failures from this address (HTTP 429 with Retry-After).
    RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class Refusal:
    kind: RefusalKind
    reason: str
    retry_after_s: float | None = None


@dataclass(frozen=True)
class LinkCredentials:
    """What a connecting charger showed, as the transport saw it."""

    #: Source address (no port): the unit of rate limiting.
    remote: str
    #: Whether the connection came over TLS.
    tls: bool
    #: Subject CN of a client certificate that verified against the charger CA, if any.
    client_cn: str | None = None
    #: (user, password) from an ``Authorization: Basic`` header, if any.
    basic: tuple[str, str] | None = None


class ChargerAuth:
    def __init__(
        self,
        store: ChargerStore,
        *,
        failures_per_min: int,
        tls: bool,
        client_ca: bool,
        default_profile: int = 0,
        hash_threads: int = HASH_THREADS,
    ) -> None:
        self._store = store
        self.failures = FailureLimiter(failures_per_min)
        self._tls = tls
        self._client_ca = client_ca
        self.default_profile = default_profile
        self._hashing = trio.CapacityLimiter(hash_threads)

    # -- keys --------------------------------------------------------------------------------

    async def hash_key(self, key: str) -> str:
        return await trio.to_thread.run_sync(hash_authorization_key, key, limiter=self._hashing)

    async def verify_key(self, key: str, stored: str) -> bool:
        return await trio.to_thread.run_sync(
            verify_authorization_key, key, stored, limiter=self._hashing
        )

    def profile_problem(self, profile: int) -> str | None:
        """Why this box cannot serve chargers of ``profile`` as configured, or None."""
        if profile >= 2 and not self._tls:
            return (
                f"security profile {profile} needs TLS on the OCPP listener: set tls_cert_file "
                "and tls_key_file (capacitor-edge certs init makes them)"
            )
        if profile == 3 and not self._client_ca:
            return (
                "security profile 3 needs a charger CA: set tls_client_ca_file "
                "(the site CA made by capacitor-edge certs init)"
            )
        return None

    # -- admission ---------------------------------------------------------------------------

    async def admit(self, charger: ChargerIdentity, link: LinkCredentials) -> Refusal | None:
        """None if ``link`` may connect as ``charger``; else why not."""
        profile = charger.security_profile
        if profile == 0:
            return None
        if profile >= 2 and not link.tls:
            return Refusal(
                RefusalKind.FORBIDDEN, f"security profile {profile} requires TLS (wss://)"
            )
        # The token is taken before the (slow) check and given back if it passes, so that
        # concurrent attempts from one address cannot all get past the limit together.
        retry_after = self.failures.take(link.remote)
        if retry_after is not None:
            return Refusal(
                RefusalKind.RATE_LIMITED,
                "too many failed logins from this address",
                retry_after_s=retry_after,
            )
        refusal = (
            self._check_certificate(charger, link)
            if profile == 3
            else await self._check_password(charger, link)
        )
        if refusal is None or (profile in PASSWORD_PROFILES and link.basic is None):
            # Admitted, or no password was guessed at all (HTTP clients often try without
            # credentials first and answer the 401 challenge): not a failure.
            self.failures.refund(link.remote)
        return refusal

    def _check_certificate(self, charger: ChargerIdentity, link: LinkCredentials) -> Refusal | None:
        if link.client_cn is None:
            return Refusal(
                RefusalKind.FORBIDDEN, "security profile 3 requires a client certificate"
            )
        if link.client_cn != charger.charge_box_id:
            return Refusal(
                RefusalKind.FORBIDDEN,
                f"client certificate CN {link.client_cn[:64]!r} is not the chargeBoxId",
            )
        return None

    async def _check_password(
        self, charger: ChargerIdentity, link: LinkCredentials
    ) -> Refusal | None:
        if link.basic is None:
            return Refusal(RefusalKind.UNAUTHORIZED, "HTTP Basic authorization required")
        user, password = link.basic
        if user != charger.charge_box_id:
            return Refusal(RefusalKind.UNAUTHORIZED, "Basic auth user is not the chargeBoxId")
        stored = await self._store.auth_key_hash(charger.charger_seq)
        if (
            stored is None
            or not AUTHORIZATION_KEY.fullmatch(password)
            or not await self.verify_key(password, stored)
        ):
            return Refusal(RefusalKind.UNAUTHORIZED, "wrong password (AuthorizationKey)")
        return None
