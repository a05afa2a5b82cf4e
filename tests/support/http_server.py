"""A real local HTTP server that records every request and answers with a chosen status."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Recorder:
    requests: list[Request] = field(default_factory=list)
    status: int = 200
    answer: bytes = b'{"errcode":0,"errmsg":"ok"}'


@contextmanager
def http_server() -> Iterator[tuple[str, Recorder]]:
    recorder = Recorder()

    class Handle(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            recorder.requests.append(Request(self.path, dict(self.headers.items()), self.rfile.read(length)))
            self.send_response(recorder.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(recorder.answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", recorder
    finally:
        server.shutdown()
        server.server_close()
