"""X-Forwarded-For is believed only from the proxies listed in [security] trusted_proxies."""

from __future__ import annotations

import pytest

from entrypoints.web.client_address import client_address, trusted_networks

PROXY = trusted_networks(["10.0.0.5", "192.168.10.0/24"])


def test_without_trusted_proxies_the_peer_is_the_client_whatever_it_claims() -> None:
    assert client_address("127.0.0.1", ["1.2.3.4"], ()) == "127.0.0.1"
    assert client_address("203.0.113.9", ["10.0.0.5, 1.2.3.4"], PROXY) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client() -> None:
    assert client_address("10.0.0.5", ["198.51.100.7"], PROXY) == "198.51.100.7"
    # The client may prepend anything; only what the trusted proxies appended counts.
    assert client_address("10.0.0.5", ["6.6.6.6, 198.51.100.7, 192.168.10.3"], PROXY) == "198.51.100.7"
    assert client_address("10.0.0.5", [], PROXY) == "10.0.0.5"
    assert client_address("10.0.0.5", ["not-an-address"], PROXY) == "10.0.0.5"


def test_a_malformed_entry_stops_the_start() -> None:
    with pytest.raises(ValueError, match="trusted_proxies"):
        trusted_networks(["10.0.0.300"])
