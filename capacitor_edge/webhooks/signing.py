"""Standard Webhooks signatures (https://www.standardwebhooks.com): ``webhook-id``,
``webhook-timestamp`` and ``webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>``.

Signed with the ``standardwebhooks`` package, so the box signs exactly as receivers verify.
"""

from __future__ import annotations

from datetime import datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"


def signer(secret: str) -> Webhook:
    """The signer of ``secret``: a ``whsec_<base64>`` secret is its decoded bytes (as Standard
    Webhooks libraries read it); any other secret (the seed API took free text) is its UTF-8
    bytes, which receivers pass as bytes (``Webhook(secret.encode())``)."""
    if secret.startswith(SECRET_PREFIX):
        return Webhook(secret)
    return Webhook(secret.encode("utf-8"))


def signed_headers(secret: str, message_id: str, at: datetime, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers of one attempt (signed afresh per attempt, so a
    retry a day later still passes the receiver's timestamp tolerance)."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signer(secret).sign(message_id, at, body),
    }
