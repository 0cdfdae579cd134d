"""TLS for the OCPP listener: the server context, and what a handshake tells about the peer.

The listener stays free of crypto policy: it gets a ready context from :func:`ocpp_ssl_context`
and asks :func:`client_common_name` and :func:`basic_credentials` for the facts the domain's
charger authentication decides on.
"""

from __future__ import annotations

import base64
import binascii
import ssl
from typing import Any

from capacitor_edge.settings import Settings

#: TLS 1.2 suites: forward secret, AEAD only. They include the suites the OCPP 1.6 Security
#: Whitepaper (§2.3, "TLS") requires of a Central System for ECDSA certificates
#: (ECDHE-ECDSA-AES128-GCM-SHA256, ECDHE-ECDSA-AES256-GCM-SHA384) and their RSA twins. TLS 1.3
#: suites are all modern and left at OpenSSL's defaults.
TLS12_CIPHERS = "ECDHE+AESGCM:ECDHE+CHACHA20"


def ocpp_ssl_context(
    cert_file: str, key_file: str, client_ca_file: str | None = None
) -> ssl.SSLContext:
    """A server context: TLS 1.2+, modern suites, no compression or renegotiation.

    With ``client_ca_file``, a client certificate is asked for and, when one is sent, must chain
    to that CA or the handshake fails (security profile 3). It stays optional at the TLS level
    so chargers of profiles 0-2 on the same port can still connect; the domain then refuses a
    profile 3 charger that sent none.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers(TLS12_CIPHERS)
    context.options |= ssl.OP_NO_COMPRESSION | ssl.OP_CIPHER_SERVER_PREFERENCE
    context.options |= ssl.OP_NO_RENEGOTIATION
    context.load_cert_chain(cert_file, key_file)
    if client_ca_file:
        context.load_verify_locations(cafile=client_ca_file)
        context.verify_mode = ssl.CERT_OPTIONAL
    return context


def ocpp_ssl_context_for(settings: Settings) -> ssl.SSLContext | None:
    """The OCPP listener's context as configured, or None for plain ``ws://``."""
    if not settings.ocpp_tls():
        return None
    return ocpp_ssl_context(
        settings.tls_cert_file, settings.tls_key_file, settings.tls_client_ca_file or None
    )


def client_common_name(peer_certificate: dict[str, Any] | None) -> str | None:
    """The subject CN of a verified client certificate (``SSLObject.getpeercert()``), or None
    when there is none. A certificate with several CNs gives none: which one would count?"""
    if not peer_certificate:
        return None
    names = [
        value
        for rdn in peer_certificate.get("subject", ())
        for key, value in rdn
        if key == "commonName"
    ]
    return names[0] if len(names) == 1 else None


def basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """(user, password) of an ``Authorization: Basic`` header value (RFC 7617), or None if
    there is no such header or it cannot be read."""
    if authorization is None:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None
