"""The `Mutua-Signature` header (docs/api.md, "Webhooks").

    Mutua-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the secret>

The receiver recomputes the HMAC over the timestamp, a dot and the raw body it received (not
a re-encoded copy), compares in constant time, and refuses timestamps too far from its clock
(five minutes is usual) so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "Mutua-Signature"
DEFAULT_TOLERANCE = 300


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The header's value for a body sent at `timestamp`."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def webhook_signature_valid(
    *, secret: str, header: str, body: bytes, now: int, tolerance: int = DEFAULT_TOLERANCE
) -> bool:
    """What a receiver does: True if `header` signs `body` and is recent enough."""
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _sep, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = webhook_signature(secret=secret, timestamp=timestamp, body=body).split("v1=")[1]
    return any(hmac.compare_digest(expected, given) for given in parts.get("v1", []))
