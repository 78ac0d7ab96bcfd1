"""The client's address, as the deployment's trusted proxies report it.

`TRUSTED_PROXY_COUNT` (settings, from the environment) says how many proxies in front of
Mutua append to `X-Forwarded-For`. With 0 (the default) the header is ignored entirely and
the address is the socket's peer (`REMOTE_ADDR`): anyone can write any `X-Forwarded-For`, so
believing it would let a client pick a fresh address for every request. With N, the address
is the Nth from the right: the one the outermost of our own proxies saw.

Every limit that keys on the client address goes through `client_ip`: DRF's throttles
(config.throttling), allauth's rate limits (community.adapters.AccountAdapter) and the
view counters.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(candidate: str) -> str | None:
    candidate = candidate.strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address; "" only when even the socket's peer is unknown."""
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    # Fewer hops than proxies: the request skipped some of them; the leftmost is then the
    # furthest address anyone vouches for.
    chosen = _valid(hops[-min(proxies, len(hops))])
    return chosen or remote
