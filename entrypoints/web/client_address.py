"""Who is asking: the address rate limits are keyed on.

``X-Forwarded-For`` is believed only from the proxies listed in ``[security] trusted_proxies`` (addresses
or networks; empty by default): anyone can write that header, so believing it from everyone would let a
client pick a fresh identity for every request. Behind a listed proxy, the client is the right-most
forwarded address that is not itself a listed proxy.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """``["10.0.0.5", "10.1.0.0/16"]`` → networks; a malformed entry stops the start with a clear message."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            raise ValueError(f"[security] trusted_proxies 中的“{entry}”不是 IP 地址或网段。") from None
    return tuple(networks)


def _listed(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(peer: str, forwarded_for: Sequence[str], trusted: Sequence[Network]) -> str:
    """The client's address: ``peer`` itself unless ``peer`` is a trusted proxy that forwarded the request."""
    if not trusted or not _listed(peer, trusted):
        return peer
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        if _listed(hop, trusted):
            continue
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            return peer  # garbage from the proxy's side: key on the proxy rather than on free text
    return peer
