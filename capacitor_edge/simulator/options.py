"""What one ``simulate`` run is asked to do, and the connection security it implies.

Security profiles follow the OCPP 1.6 Security Whitepaper (edition 2), §2:

- profile 0: no credentials, over ``ws://`` or ``wss://`` (the box accepts both);
- profile 1: ``ws://`` with HTTP Basic authentication (``--password``);
- profile 2: ``wss://`` (TLS, server certificate checked against ``--ca``) with Basic auth;
- profile 3: ``wss://`` with a TLS client certificate (``--cert``/``--key``), no password.

The Basic-auth user name is the chargeBoxId and the password is the charger's
``AuthorizationKey`` (Whitepaper §2.2.1). TLS is 1.2 or newer (§2.3.1).
"""

from __future__ import annotations

import base64
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import quote, urlsplit

SCENARIOS: Final = ("boot", "sessions", "storm")
#: How long each scenario runs when ``--duration`` is not given, in seconds (0: until every
#: charger has booted and reported its connectors' status).
DEFAULT_DURATION_S: Final = {"boot": 30.0, "sessions": 120.0, "storm": 0.0}
SUBPROTOCOL: Final = "ocpp1.6"


class OptionsError(ValueError):
    """A combination of options that cannot work; the message names the option."""


@dataclass(frozen=True)
class Options:
    url: str
    chargers: int = 1
    id_prefix: str = "SIM-"
    connectors: int = 1
    scenario: str = "boot"
    duration_s: float | None = None
    seed: int = 1
    #: Simulated seconds per real second: intervals the charger keeps (heartbeat, meter
    #: samples, idle and charging times) pass this many times faster. Energy follows
    #: simulated time, so a session charges as much as it would have in real time.
    time_scale: float = 1.0
    password: str | None = None
    cert: Path | None = None
    key: Path | None = None
    ca: Path | None = None
    register: bool = False
    api: str | None = None
    api_key: str | None = None
    connect_concurrency: int = 100
    connect_timeout_s: float = 30.0
    call_timeout_s: float = 30.0
    json: bool = False
    progress: bool = False
    id_tag: str = "SIMULATOR"
    #: One charger with exactly this chargeBoxId (e.g. the CN of a profile 3 certificate).
    charge_box_id: str | None = None
    #: Every car draws this current per phase on this many phases (the connectors' rating);
    #: None: each session draws one of 16/32 A on 1 or 3 phases at random, rated 32 A.
    max_current_a: float | None = None
    phases: int | None = None
    voltage_v: float = 230.0

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("ws", "wss") or not parts.hostname:
            raise OptionsError(f"--url: must be ws://HOST:PORT/PATH or wss://… (got {self.url!r})")
        if self.scenario not in SCENARIOS:
            raise OptionsError(f"--scenario: one of {', '.join(SCENARIOS)}")
        if self.chargers < 1 or self.connectors < 1:
            raise OptionsError("--chargers and --connectors must be at least 1")
        if self.time_scale <= 0:
            raise OptionsError("--time-scale must be > 0")
        if self.duration_s is not None and self.duration_s < 0:
            raise OptionsError("--duration must be >= 0")
        if (self.cert or self.key or self.ca) and parts.scheme != "wss":
            raise OptionsError("--cert/--key/--ca need a wss:// URL")
        if self.key and not self.cert:
            raise OptionsError("--key needs --cert")
        if self.charge_box_id is not None and self.chargers != 1:
            raise OptionsError("--id names one charger: leave out --chargers or give 1")
        if self.max_current_a is not None and self.max_current_a <= 0:
            raise OptionsError("--max-current must be > 0")
        if self.phases is not None and self.phases not in (1, 2, 3):
            raise OptionsError("--phases: 1, 2 or 3")
        if self.voltage_v <= 0:
            raise OptionsError("--voltage must be > 0")
        if self.register and not (self.api and self.api_key):
            raise OptionsError("--register needs --api URL and --api-key KEY")

    @property
    def duration(self) -> float:
        return DEFAULT_DURATION_S[self.scenario] if self.duration_s is None else self.duration_s

    @property
    def security_profile(self) -> int:
        """The OCPP Security Whitepaper profile these options amount to (0: none)."""
        if self.cert is not None:
            return 3
        if self.password is None:
            return 0  # over wss:// too: TLS without credentials is no profile of its own
        return 2 if urlsplit(self.url).scheme == "wss" else 1

    def charge_box_ids(self) -> list[str]:
        if self.charge_box_id is not None:
            return [self.charge_box_id]
        width = max(4, len(str(self.chargers)))
        return [f"{self.id_prefix}{n:0{width}d}" for n in range(1, self.chargers + 1)]

    def charger_url(self, charge_box_id: str) -> str:
        """``--url`` with the id appended as one percent-encoded path segment."""
        return f"{self.url.rstrip('/')}/{quote(charge_box_id, safe='')}"


def basic_auth_header(charge_box_id: str, password: str) -> tuple[bytes, bytes]:
    """Whitepaper §2.2.1: ``Authorization: Basic base64(<chargeBoxId>:<AuthorizationKey>)``."""
    token = base64.b64encode(f"{charge_box_id}:{password}".encode()).decode("ascii")
    return b"Authorization", f"Basic {token}".encode("ascii")


def api_verify(options: Options) -> ssl.SSLContext | bool:
    """How the REST API's HTTPS certificate is checked: against ``--ca`` when given (a box
    with TLS serves REST and OCPP with the same certificate, signed by the site CA), else
    against the system's trust store."""
    if options.ca is None:
        return True
    try:
        return ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(options.ca))
    except (OSError, ssl.SSLError) as error:
        raise OptionsError(f"TLS files: {error}") from None


def ssl_context(options: Options) -> ssl.SSLContext | None:
    """The client TLS context for a ``wss://`` URL (None for ``ws://``).

    The server certificate is always verified, host name included: against ``--ca`` when given,
    else against the system's trust store. A charger that skipped the check would hand its
    password to anyone on the site network (Whitepaper §2.3.1 requires it).
    """
    if urlsplit(options.url).scheme != "wss":
        return None
    try:
        context = ssl.create_default_context(
            ssl.Purpose.SERVER_AUTH, cafile=str(options.ca) if options.ca else None
        )
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if options.cert is not None:
            context.load_cert_chain(str(options.cert), str(options.key) if options.key else None)
    except (OSError, ssl.SSLError) as error:
        raise OptionsError(f"TLS files: {error}") from None
    return context
