"""The client's address, as far as it can be trusted.

Behind the TLS proxy every request comes from the proxy's address; the proxy adds the client's
address to ``X-Forwarded-For``. That header is believed only when the direct peer
(``REMOTE_ADDR``) is one of ``settings.TRUSTED_PROXIES``: anyone else could write anything in
it. The header is read from the right (the entry the nearest proxy wrote) and every trusted
proxy on the way is skipped, so a client that sends its own ``X-Forwarded-For`` to the proxy
cannot choose the address it is counted under.

One function for everything that counts or records clients: the wrong-code throttle of the
public screening forms, allauth's log-in rate limits (``carecore.adapters``) and the audit log.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# X-Forwarded-For longer than this is not read at all (a proxy chain is a handful of hops).
MAX_FORWARDED_ENTRIES = 20


def parse_networks(values: Iterable[str], *, setting: str = "TRUSTED_PROXIES") -> list[IPNetwork]:
    """Addresses or networks ("10.0.0.5", "172.28.0.0/24", "::1") as networks; a bad value is a
    configuration error that stops the start, not a proxy silently ignored."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{setting}: {value!r} is not an IP address or network"
            ) from exc
    return networks


def _address(value: str) -> IPAddress | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1 and "." in value:  # "192.0.2.1:51234"
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: IPAddress, networks: list[IPNetwork]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request) -> str | None:
    """The client's IP address: the peer, or, when the peer is a trusted proxy, the nearest
    address in X-Forwarded-For that is not itself a trusted proxy. None when the peer is not
    an IP address (a Unix socket with no proxy header)."""
    peer = _address(request.META.get("REMOTE_ADDR") or "")
    networks = settings.TRUSTED_PROXY_NETWORKS
    if peer is None or not _trusted(peer, networks):
        return str(peer) if peer is not None else None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR") or ""
    entries = [entry for entry in forwarded.split(",") if entry.strip()]
    if len(entries) > MAX_FORWARDED_ENTRIES:
        return str(peer)
    client = peer
    for entry in reversed(entries):
        address = _address(entry)
        if address is None:  # garbage: stop at the last address a trusted hop vouched for
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
