"""The security headers every answer carries, added as the answer starts (a pure ASGI middleware).

Why not ``@app.middleware("http")``: Starlette's ``BaseHTTPMiddleware`` runs every request in a task group
with memory streams between the app and the server, which cost a link reply more than its rate-limit
count; adding four headers needs none of that.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),  # reply links carry a token in the URL
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
    ),
)
_NAMES = frozenset(name for name, _ in HEADERS)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", ()) if k.lower() not in _NAMES]
                message["headers"] = [*kept, *HEADERS]  # ours win over any a route set
            await send(message)

        await self.app(scope, receive, with_headers)
