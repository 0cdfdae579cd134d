"""The certificates the box serves and trusts, and how long they have left.

Read once at start-up (a changed file needs a restart anyway: the TLS contexts are built then);
how many days are left is worked out on each look, so a box that runs for weeks still warns in
time. A certificate that expires within :data:`EXPIRY_WARNING_DAYS` is warned about in the log
at start-up and in ``GET /health``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from capacitor_edge.settings import Settings

EXPIRY_WARNING_DAYS = 30
SECONDS_PER_DAY = 86400


@dataclass(frozen=True)
class CertificateInfo:
    #: What the box uses it for: ``ocpp``, ``http`` or ``charger-ca``.
    role: str
    file: str
    subject: str
    not_after: datetime

    def days_left(self, now: datetime) -> int:
        """Whole days until expiry (negative once expired)."""
        return int((self.not_after - now).total_seconds() // SECONDS_PER_DAY)

    def expires_soon(self, now: datetime) -> bool:
        return (self.not_after - now).total_seconds() < EXPIRY_WARNING_DAYS * SECONDS_PER_DAY


def read_certificates(role: str, path: Path) -> list[CertificateInfo]:
    """Every certificate in the PEM file ``path`` (a chain, or a bundle of CAs). Blocking."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise OSError(f"cannot read certificate file {path}: {error.strerror}") from None
    # Imported here: only a box with TLS files reads certificates, and cryptography's x509
    # modules are a start-up cost every other box would pay.
    from cryptography import x509

    try:
        certificates = x509.load_pem_x509_certificates(data)
    except ValueError as error:
        raise OSError(f"{path} holds no readable PEM certificate: {error}") from None
    return [
        CertificateInfo(
            role=role,
            file=str(path),
            subject=certificate.subject.rfc4514_string(),
            not_after=certificate.not_valid_after_utc,
        )
        for certificate in certificates
    ]


class CertificateWatch:
    def __init__(self, certificates: list[CertificateInfo]) -> None:
        self.certificates = certificates

    @classmethod
    def load(cls, files: list[tuple[str, str]]) -> CertificateWatch:
        """From (role, path) pairs; the same file under two roles is read once per role."""
        found: list[CertificateInfo] = []
        for role, path in files:
            found.extend(read_certificates(role, Path(path)))
        return cls(found)

    @classmethod
    def for_settings(cls, settings: Settings) -> CertificateWatch:
        """The OCPP listener's and the REST API's certificates and the charger CA, as
        configured (none when TLS is off)."""
        files: list[tuple[str, str]] = []
        if settings.ocpp_tls():
            files.append(("ocpp", settings.tls_cert_file))
        http = settings.http_certificate()
        if http is not None and http[0] != settings.tls_cert_file:
            files.append(("http", http[0]))
        if settings.tls_client_ca_file:
            files.append(("charger-ca", settings.tls_client_ca_file))
        return cls.load(files)

    def warnings(self, now: datetime) -> list[str]:
        return [
            f"{c.role} certificate {c.subject!r} in {c.file} "
            + (
                f"expired on {c.not_after:%Y-%m-%d}"
                if c.days_left(now) < 0
                else f"expires on {c.not_after:%Y-%m-%d} (in {c.days_left(now)} days)"
            )
            for c in self.certificates
            if c.expires_soon(now)
        ]
