"""Where a webhook may point: the SSRF guard.

In production an endpoint must be `https://` and every address its host resolves to must be
public: private, loopback, link-local, multicast, reserved and unspecified addresses are
refused, and so are the IPv6 forms that wrap one (IPv4-mapped, 6to4, Teredo). The check runs
when the endpoint is registered and again when each delivery connects, on the very address
the connection then uses (`GuardedAdapter`), so a name that resolves to a public address at
registration and to an internal one later (DNS rebinding) reaches nothing.

In development `http://` is allowed only to loopback hosts (a receiver on this machine), and
any host over https.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3 import connection, connectionpool

LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeAddress(Exception):
    """The host resolves to an address webhooks may not reach."""


def _embedded_v4(address: Address) -> ipaddress.IPv4Address | None:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address.teredo is not None:
            return address.teredo[1]
    return None


def address_is_public(address: Address) -> bool:
    """True for an address on the public internet."""
    inner = _embedded_v4(address)
    if inner is not None and not address_is_public(inner):
        return False
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def _is_loopback_host(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_public(host: str, port: int) -> list[str]:
    """The host's addresses, if every one of them is public; UnsafeAddress otherwise."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise UnsafeAddress(_("The host “%(host)s” cannot be resolved.") % {"host": host}) from exc
    addresses = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]
        address = ipaddress.ip_address(text)
        if not address_is_public(address):
            raise UnsafeAddress(
                _("“%(host)s” resolves to %(address)s, which is not a public address.")
                % {"host": host, "address": text}
            )
        addresses.append(text)
    if not addresses:
        raise UnsafeAddress(_("The host “%(host)s” cannot be resolved.") % {"host": host})
    return addresses


def webhook_url_check(url: str) -> str:
    """The URL, cleaned, if webhooks may be sent there; ValidationError on `url` otherwise."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValidationError({"url": _("Enter a valid URL.")}) from None
    host = parts.hostname or ""
    if parts.scheme not in {"http", "https"} or not host:
        raise ValidationError({"url": _("Enter a full URL that starts with https://.")})
    if parts.username or parts.password:
        raise ValidationError({"url": _("Leave the user name and password out of the URL.")})
    if parts.fragment:
        raise ValidationError({"url": _("Leave the #fragment out of the URL.")})
    if parts.scheme == "http" and (settings.PRODUCTION or not _is_loopback_host(host)):
        raise ValidationError(
            {
                "url": _(
                    "Webhooks need https://. Plain http:// is allowed only to this machine "
                    "(localhost) in development."
                )
            }
        )
    if settings.PRODUCTION:
        try:
            resolve_public(host, port or 443)
        except UnsafeAddress as exc:
            raise ValidationError({"url": str(exc)}) from None
    return url


# --- at delivery time: connect only to the address that was checked ---------------------------


class _GuardedConnectionMixin:
    _dns_host: str
    port: int

    def _new_conn(self) -> Any:
        if settings.PRODUCTION:
            # Resolved now, checked, and the connection is made to that address: the name
            # cannot resolve differently between the check and the connect. TLS still
            # verifies the certificate for the name (the host is unchanged).
            self._dns_host = resolve_public(self._dns_host, self.port)[0]
        return super()._new_conn()  # type: ignore[misc]


class _GuardedHTTPConnection(_GuardedConnectionMixin, connection.HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardedConnectionMixin, connection.HTTPSConnection):
    pass


class _GuardedHTTPPool(connectionpool.HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(connectionpool.HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose connections go through the guard."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPPool,
            "https": _GuardedHTTPSPool,
        }
