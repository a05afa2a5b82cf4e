"""Channels against real servers: aiosmtpd for e-mail, a local HTTP server for webhooks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlparse

from notifications.channels.robots import DingTalkChannel, WeComChannel
from notifications.channels.smtp import SmtpChannel, SmtpSettings
from notifications.channels.webhook import WebhookChannel
from notifications.message import Attachment, OutgoingMessage
from tests.support.http_server import http_server
from tests.support.processes import free_port
from tests.support.smtp_server import SmtpServer, self_signed, smtp_server

MSG = OutgoingMessage(
    key="solicitation:1:2::jt@x.cn",
    channel="email",
    address="jt@x.cn",
    subject="【征求意见】关于对《通知（代拟稿）》征求意见的函",
    text="交通运输局：现征求你单位意见。",
    html="<p>交通运输局：现征求你单位意见。</p>",
    markdown="**交通运输局**",
    attachments=(
        Attachment("截止时间.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
        Attachment(
            "征求意见函.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK\x03\x04docx",
        ),
    ),
    payload={"kind": "solicitation"},
)


def _smtp(port: int, **kw: Any) -> SmtpChannel:
    return SmtpChannel(
        SmtpSettings(
            host="127.0.0.1",
            port=port,
            sender="ajw@xiaoyi.example.cn",
            sender_name="孝义市安全生产委员会办公室",
            timeout=5,
            **kw,
        )
    )


def test_smtp_delivers_multipart_with_attachments() -> None:
    with smtp_server() as server:
        result = _smtp(server.port).send(MSG)
    assert result.ok, result.detail
    [got] = server.received
    assert got.rcpt_tos == ["jt@x.cn"] and got.mail_from == "ajw@xiaoyi.example.cn"
    message = got.message
    assert message["Subject"] == MSG.subject
    assert "孝义市安全生产委员会办公室" in str(message["From"])
    assert message["Message-ID"] == "<solicitation.1.2..jt.x.cn@consultflow>"
    assert message["X-Consultflow-Key"] == MSG.key
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and html is not None, "both a text and an HTML body"
    assert plain.get_content().strip() == MSG.text
    assert "现征求你单位意见" in html.get_content()
    files = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert files["截止时间.ics"].startswith("BEGIN:VCALENDAR")
    assert files["征求意见函.docx"] == b"PK\x03\x04docx"


def test_smtp_refusals_are_classified() -> None:
    with smtp_server() as server:
        server.handler.refuse_with = "550 5.1.1 mailbox unavailable"
        permanent = _smtp(server.port).send(MSG)
        server.handler.refuse_with = "451 4.3.0 try again later"
        temporary = _smtp(server.port).send(MSG)
    assert not permanent.ok and permanent.permanent and "550" in permanent.detail
    assert not temporary.ok and not temporary.permanent and "451" in temporary.detail


def test_smtp_down_is_a_temporary_failure_not_an_exception() -> None:
    result = _smtp(free_port()).send(MSG)
    assert not result.ok and not result.permanent and "Connection refused" in result.detail


def test_starttls_not_offered_is_a_clear_failure() -> None:
    with smtp_server() as server:
        result = _smtp(server.port, security="starttls").send(MSG)
    assert not result.ok and result.permanent and "STARTTLS" in result.detail
    assert server.received == []


def test_signed_webhook() -> None:
    with http_server() as (url, recorder):
        result = WebhookChannel("s3cret").send(
            OutgoingMessage(**{**MSG.__dict__, "address": url + "/hook", "channel": "webhook"})
        )
    assert result.ok
    [request] = recorder.requests
    timestamp = request.headers["X-Consultflow-Timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    signed = timestamp.encode() + b"." + request.body
    expected = "sha256=" + hmac.new(b"s3cret", signed, hashlib.sha256).hexdigest()
    assert request.headers["X-Consultflow-Signature"] == expected
    unsigned_time = "sha256=" + hmac.new(b"s3cret", request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Consultflow-Signature"] != unsigned_time, "the timestamp is covered too"
    assert request.headers["Idempotency-Key"] == MSG.key
    assert request.json["subject"] == MSG.subject and request.json["payload"] == {"kind": "solicitation"}


def test_webhook_failures_are_classified() -> None:
    with http_server() as (url, recorder):
        recorder.status = 500
        temporary = WebhookChannel("k").send(OutgoingMessage(**{**MSG.__dict__, "address": url}))
        recorder.status = 400
        permanent = WebhookChannel("k").send(OutgoingMessage(**{**MSG.__dict__, "address": url}))
    assert not temporary.ok and not temporary.permanent
    assert not permanent.ok and permanent.permanent
    down = WebhookChannel("k").send(OutgoingMessage(**{**MSG.__dict__, "address": f"http://127.0.0.1:{free_port()}"}))
    assert not down.ok and not down.permanent


def test_wecom_and_dingtalk_robot_formats() -> None:
    with http_server() as (url, recorder):
        assert (
            WeComChannel().send(OutgoingMessage(**{**MSG.__dict__, "address": url + "/cgi-bin/webhook/send?key=k"})).ok
        )
        assert (
            DingTalkChannel("SEC")
            .send(OutgoingMessage(**{**MSG.__dict__, "address": url + "/robot/send?access_token=t"}))
            .ok
        )
        recorder.answer = b'{"errcode":310000,"errmsg":"sign not match"}'
        refused = DingTalkChannel("SEC").send(OutgoingMessage(**{**MSG.__dict__, "address": url + "/robot/send"}))
    wecom, ding, _ = recorder.requests
    assert wecom.json == {"msgtype": "markdown", "markdown": {"content": "**交通运输局**"}}
    assert ding.json == {"msgtype": "markdown", "markdown": {"title": MSG.subject, "text": "**交通运输局**"}}
    query = parse_qs(urlparse(ding.path).query)
    ts = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(b"SEC", f"{ts}\nSEC".encode(), hashlib.sha256).digest()).decode()
    assert unquote_plus(query["sign"][0]) == expected or query["sign"][0] == expected
    assert not refused.ok and refused.permanent and "310000" in refused.detail


def test_starttls_with_login(tmp_path) -> None:  # type: ignore[no-untyped-def]
    context, cert = self_signed(tmp_path)
    server = SmtpServer(starttls=context, logins={"ajw": "s3cret-pass"})
    server.start()
    try:
        ok = _smtp(server.port, security="starttls", username="ajw", password="s3cret-pass", ca_file=str(cert)).send(
            MSG
        )
        untrusted = _smtp(server.port, security="starttls", username="ajw", password="s3cret-pass").send(MSG)
    finally:
        server.stop()
    assert ok.ok, ok.detail
    assert not untrusted.ok and "CERTIFICATE_VERIFY_FAILED" in untrusted.detail
    assert len(server.received) == 1


def test_wrong_smtp_password_is_a_clear_retryable_failure(tmp_path) -> None:  # type: ignore[no-untyped-def]
    context, cert = self_signed(tmp_path)
    server = SmtpServer(starttls=context, logins={"ajw": "s3cret-pass"})
    server.start()
    try:
        result = _smtp(server.port, security="starttls", username="ajw", password="wrong", ca_file=str(cert)).send(MSG)
    finally:
        server.stop()
    assert not result.ok and not result.permanent
    assert "SMTP 登录失败" in result.detail and "535" in result.detail
    assert server.received == []


def test_implicit_ssl(tmp_path) -> None:  # type: ignore[no-untyped-def]
    context, cert = self_signed(tmp_path)
    server = SmtpServer(implicit_tls=context)
    server.start()
    try:
        result = _smtp(server.port, security="ssl", ca_file=str(cert)).send(MSG)
    finally:
        server.stop()
    assert result.ok, result.detail
    assert server.received[0].message["Subject"] == MSG.subject


def test_a_kept_connection_the_server_dropped_is_replaced() -> None:
    first = SmtpServer()
    first.start()
    channel = _smtp(first.port)
    try:
        assert channel.send(MSG).ok
        first.stop()  # the server goes away between two messages of one run (restart, idle timeout)
        second = SmtpServer(first.port)
        second.start()
        try:
            again = channel.send(MSG)
        finally:
            channel.close()
            second.stop()
    finally:
        first.stop()
    assert again.ok, again.detail
    assert len(first.received) == 1 and len(second.received) == 1
