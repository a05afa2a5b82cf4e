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
    email["From"] = Address(settings.sender_name or local, local, domain)
    email["To"] = msg.address
    email["Subject"] = msg.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = f"<{msg.key.replace(':', '.').replace('@', '.')}@consultflow>"
    email["X-Consultflow-Key"] = msg.key
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
    name = "email"

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.settings.ca_file)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "ssl":
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._tls())
        client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        if s.security == "starttls":
            client.ehlo()
            if not client.has_extn("starttls"):
                client.quit()
                raise smtplib.SMTPNotSupportedError("服务器不支持 STARTTLS")
            client.starttls(context=self._tls())
        return client

    def send(self, msg: OutgoingMessage) -> DeliveryResult:
        s = self.settings
        try:
            with self._connect() as client:
                if s.username:
                    client.login(s.username, s.password or "")
                refused = client.send_message(build_email(s, msg), from_addr=s.sender, to_addrs=[msg.address])
            if refused:
                code, text = next(iter(refused.values()))
                return DeliveryResult(False, 500 <= code < 600, f"{code} {text!r}")
            return DeliveryResult(True, False, "250 accepted")
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            return DeliveryResult(False, 500 <= code < 600, f"{code} {text!r}")
        except smtplib.SMTPAuthenticationError as exc:
            # Every message fails the same way until the account is fixed: say so plainly, and keep
            # retrying with backoff (not permanent), so mail flows again once an admin corrects it.
            log.error("smtp.login_refused", host=s.host, port=s.port, username=s.username, code=exc.smtp_code)
            return DeliveryResult(
                False,
                False,
                f"SMTP 登录失败，请检查 [notifications.smtp] 的用户名和密码：{exc.smtp_code} {exc.smtp_error!r}",
            )
        except smtplib.SMTPResponseException as exc:
            return DeliveryResult(False, 500 <= exc.smtp_code < 600, f"{exc.smtp_code} {exc.smtp_error!r}")
        except smtplib.SMTPNotSupportedError as exc:
            return DeliveryResult(False, True, f"SMTP: {exc}")
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("smtp.unreachable", host=s.host, port=s.port, error=str(exc))
            return DeliveryResult(False, False, f"{type(exc).__name__}: {exc}")
