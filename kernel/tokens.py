"""Reply-link tokens: HMAC(secret, nonce), and the hash under which a link is looked up.

Pure functions, shared by the side that creates links (workflow) and the side that writes them into
notices (notifications): the database holds only the nonce and the token's SHA-256, so a notice can
be re-sent with the same link while a stolen database yields no working one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_nonce() -> str:
    """A fresh nonce: 192 bits of randomness (≥128 required)."""
    return secrets.token_urlsafe(24)


def reply_token(secret: str, nonce: str) -> str:
    """The token of the link with ``nonce``: URL-safe base64 of HMAC-SHA256(secret, nonce), unpadded."""
    digest = hmac.new(secret.encode("utf-8"), nonce.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def token_hash(token: str) -> str:
    """What the database stores and looks a link up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
