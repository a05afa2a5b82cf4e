"""E-mail over SMTP: plain, STARTTLS or SSL, optional login; text + HTML with attachments."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate

import structlog

from notifications.message import DeliveryResult, OutgoingMessage

log = structlog.get_logger("consultflow.smtp")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    security: str = "plain"  # plain | starttls | ssl
    username: str | None = None
    password: str | None = None
    sender_name: str = ""
    timeout: float = 10.0
    ca_file: str | None = None  # an office's internal CA, for STARTTLS/SSL to its own mail server


def build_email(settings: SmtpSettings, msg: OutgoingMessage) -> EmailMessage:
    email = EmailMessage()
    local, _, domain = settings.sender.partition("@")
    # [notifications.smtp] sender_name when set, else the name of the office whose message it is
    email["From"] = Address(settings.sender_name or msg.sender_name or local, local, domain)
    email["To"] = msg.address
    email["Subject"] = msg.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = f"<{msg.header_key.replace(':', '.').replace('@', '.')}@consultflow>"
    email["X-Consultflow-Key"] = msg.header_key
    email.set_content(msg.text, charset="utf-8")
    if msg.html:
        email.add_alternative(msg.html, subtype="html", charset="utf-8")
    for attachment in msg.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        email.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype or "octet-stream", filename=attachment.filename
        )
    return email


class SmtpChannel:
    """One connection (and login) serves every message of a relay run; ``close()`` ends it.

    Office mail servers limit connections per minute, so a round start to 40 units must not open 40.
    """

    name = "email"

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._client: smtplib.SMTP | None = None

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.settings.ca_file)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._tls())
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            if s.security == "starttls":
                client.ehlo()
                if not client.has_extn("starttls"):
                    raise smtplib.SMTPNotSupportedError("服务器不支持 STARTTLS")
                client.starttls(context=self._tls())
            if s.username:
                client.login(s.username, s.password or "")
        except BaseException:
            _quietly_close(client)
            raise
        return client

    def _deliver(self, email: EmailMessage, address: str) -> dict[str, tuple[int, bytes]]:
        reused = self._client is not None
        if self._client is None:
            self._client = self._connect()
        try:
            return self._client.send_message(email, from_addr=self.settings.sender, to_addrs=[address])
        except smtplib.SMTPServerDisconnected:
            self.close()
            if not reused:
                raise
            # The server dropped a connection kept from the previous message: once more, on a new one.
            self._client = self._connect()
            return self._client.send_message(email, from_addr=self.settings.sender, to_addrs=[address])

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            _quietly_close(client)

    def send(self, msg: OutgoingMessage) -> DeliveryResult:
        s = self.settings
        try:
            refused = self._deliver(build_email(s, msg), msg.address)
            if refused:
                code, text = next(iter(refused.values()))
                return DeliveryResult(False, 500 <= code < 600, f"{code} {text!r}")
            return DeliveryResult(True, False, "250 accepted")
        except smtplib.SMTPRecipientsRefused as exc:  # this address only; the connection stays usable
            code, text = next(iter(exc.recipients.values()))
            return DeliveryResult(False, 500 <= code < 600, f"{code} {text!r}")
        except smtplib.SMTPAuthenticationError as exc:
            # Every message fails the same way until the account is fixed: say so plainly, and keep
            # retrying with backoff (not permanent), so mail flows again once an admin corrects it.
            self.close()
            log.error("smtp.login_refused", host=s.host, port=s.port, username=s.username, code=exc.smtp_code)
            return DeliveryResult(
                False,
                False,
                f"SMTP 登录失败，请检查 [notifications.smtp] 的用户名和密码：{exc.smtp_code} {exc.smtp_error!r}",
                channel_down=True,
            )
        except smtplib.SMTPResponseException as exc:
            self.close()
            return DeliveryResult(False, 500 <= exc.smtp_code < 600, f"{exc.smtp_code} {exc.smtp_error!r}")
        except smtplib.SMTPNotSupportedError as exc:
            self.close()
            return DeliveryResult(False, True, f"SMTP: {exc}", channel_down=True)
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            log.warning("smtp.unreachable", host=s.host, port=s.port, error=str(exc))
            return DeliveryResult(False, False, f"{type(exc).__name__}: {exc}", channel_down=True)


def _quietly_close(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()
