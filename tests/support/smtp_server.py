"""A real SMTP server (aiosmtpd) on a free port that keeps what it receives; it can refuse or be down."""

from __future__ import annotations

import email
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from aiosmtpd.controller import Controller

from tests.support.processes import free_port


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    connection: int = 0  # which SMTP connection carried it (same number = same connection)


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    refuse_with: str | None = None  # e.g. "550 mailbox unavailable" or "451 try again later"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if self.refuse_with:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        msg = email.message_from_bytes(envelope.content, policy=default)
        connection = id(session)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), msg, connection))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


class SmtpServer:
    """``starttls``/``implicit_tls`` take an SSLContext with the server's certificate; ``logins`` maps
    user names to passwords and makes AUTH required."""

    def __init__(
        self,
        port: int | None = None,
        *,
        starttls: ssl.SSLContext | None = None,
        implicit_tls: ssl.SSLContext | None = None,
        logins: dict[str, str] | None = None,
    ) -> None:
        self.port = port or free_port()
        self.handler = Handler()
        self._controller: Controller | None = None
        self._starttls, self._implicit, self._logins = starttls, implicit_tls, logins

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def _authenticate(self, server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = (
            isinstance(auth_data, LoginPassword)
            and self._logins is not None
            and self._logins.get(auth_data.login.decode()) == auth_data.password.decode()
        )
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

    def start(self) -> None:
        kwargs: dict[str, object] = {}
        if self._starttls is not None:
            kwargs.update(tls_context=self._starttls, require_starttls=True)
        if self._logins is not None:
            kwargs.update(
                authenticator=self._authenticate,
                auth_required=True,
                auth_require_tls=self._starttls is not None or self._implicit is not None,
            )
        self._controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            ssl_context=self._implicit,
            server_hostname="localhost",
            **kwargs,
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def self_signed(tmp: Path) -> tuple[ssl.SSLContext, Path]:
    """A certificate for 127.0.0.1/localhost made with openssl; returns the server context and the
    certificate file the client trusts (as an office would trust its internal CA)."""
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    return context, cert


@contextmanager
def silent_server() -> Iterator[tuple[int, list[object]]]:
    """A host that accepts TCP connections and never answers (a firewall black hole, a hung server)."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[object] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1], accepted
    finally:
        listener.close()
        for conn in accepted:
            conn.close()  # type: ignore[attr-defined]
