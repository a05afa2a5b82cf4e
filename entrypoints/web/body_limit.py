"""Request bodies capped while they stream in, so no request can make the server buffer more than the cap.

Why not ``Content-Length``: a chunked request has none, and the parsers (JSON, multipart) would read the
whole body into memory before any route could refuse it — four parallel 200 MB bodies to a bad reply link
took the server from 190 MB to ~2 GB. This pure ASGI middleware counts the bytes as the server receives
them and, once over the cap, stops reading and answers 413 ``UPLOAD_TOO_LARGE``: the rest of the body is
never read (uvicorn stops reading the socket when the app does not ask for more, and closes the connection).

Caps: multipart uploads (draft files, reply forms, scans, unit directories: 10 MB each) get
``[security] max_upload_bytes`` (default 12 MB); every other body (JSON, plain forms) gets
``max_body_bytes`` (default 2 MB), which is far above the largest legitimate reply.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kernel.errors import PayloadTooLarge


def _too_large(cap: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        "UPLOAD_TOO_LARGE", f"请求内容超过 {cap // (1024 * 1024)} MB 的上限，已拒收。", limit_bytes=cap
    )


class BodyTooLarge(Exception):
    """Raised from ``receive`` once the cap is passed; the middleware turns it into the 413 answer."""

    def __init__(self, cap: int) -> None:
        super().__init__(cap)
        self.error = _too_large(cap)


@dataclass(frozen=True)
class BodyCaps:
    upload: int = 12 * 1024 * 1024
    other: int = 2 * 1024 * 1024

    @classmethod
    def from_mapping(cls, section: dict[str, Any]) -> BodyCaps:
        return cls(int(section.get("max_upload_bytes", cls.upload)), int(section.get("max_body_bytes", cls.other)))

    def for_scope(self, scope: Scope) -> int:
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        return self.upload if content_type.startswith("multipart/form-data") else self.other


class BodyLimit:
    def __init__(self, app: ASGIApp, caps: BodyCaps) -> None:
        self.app = app
        self.caps = caps

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.caps.for_scope(scope)
        length = dict(scope.get("headers") or []).get(b"content-length", b"")
        if length.isdigit() and int(length) > cap:
            await _answer(send, _too_large(cap))
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    raise BodyTooLarge(cap)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await _answer(send, exc.error)


async def _answer(send: Send, error: PayloadTooLarge) -> None:
    body = json.dumps(error.to_dict(), ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
