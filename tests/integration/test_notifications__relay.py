"""The outbox end to end: queued in the same transaction as the change, relayed to a real SMTP
server, retried with backoff, never lost, reminders once, feedback only about one's own comments."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kernel.actors import Actor, Role
from kernel.clock import FixedClock
from notifications.channels.base import Channel
from notifications.channels.smtp import SmtpChannel, SmtpSettings
from notifications.channels.webhook import WebhookChannel
from notifications.relay import Relay, RelayPolicy
from storage.uow import UnitOfWork, uow_factory
from tests.support.cli import write_config
from tests.support.http_server import http_server
from tests.support.scenario import STAFF, new_round, setup_office
from tests.support.smtp_server import SmtpServer, self_signed, silent_server
from workflow.config import load_settings
from workflow.notices import build_composer
from workflow.parsing.units_file import UnitRecord
from workflow.schedule_plan import plan_round
from workflow.scheduler import SchedulerSettings, queue_due_reminders
from workflow.services.deadlines import sweep
from workflow.services.decisions import Decide, decide
from workflow.services.issuance import issue
from workflow.services.notify_admin import retry_message
from workflow.services.replies import CommentInput, SubmitReply, submit_reply
from workflow.services.review import record_review, submit_review
from workflow.services.rounds import change_deadline
from workflow.services.units import import_units
from workflow.services.withdrawal import withdraw

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
def world(engine: Engine, db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    clock = FixedClock(T0)
    office = setup_office(engine, clock, units=4)
    settings = load_settings(
        write_config(tmp_path / "config.toml", db_url, '\n[server]\nbase_url = "https://zqyj.xiaoyi.example.cn"\n')
    )
    server = SmtpServer()

    def relay(policy: RelayPolicy | None = None) -> Relay:
        channel = SmtpChannel(SmtpSettings("127.0.0.1", server.port, "ajw@xiaoyi.example.cn", timeout=3))
        return Relay(
            uow_factory(engine),
            clock,
            {"email": channel},
            build_composer(settings, clock),
            policy or RelayPolicy(max_attempts=5, backoff_seconds=30, lease_seconds=60),
        )

    yield engine, clock, office, server, relay
    server.stop()


def _unit_of(message) -> str:  # type: ignore[no-untyped-def]
    """测试单位00N from the address unitN@…"""
    return f"测试单位{int(message['To'].split('@')[0].removeprefix('unit')):03d}"


def _statuses(engine: Engine, round_id: int) -> Counter[str]:
    with UnitOfWork(engine) as uow:
        return Counter(m.status for m in uow.outbox.for_round(round_id))


def test_smtp_down_then_up_every_message_arrives_exactly_once(world) -> None:  # type: ignore[no-untyped-def]
    engine, clock, office, server, relay = world
    rid = new_round(engine, clock, office, T0 + timedelta(days=3), 1)
    assert _statuses(engine, rid) == {"pending": 4}  # queued with the round, in its transaction
    first = relay().run_once()  # the SMTP server is down
    assert (first.sent, first.failed) == (0, 4)
    assert _statuses(engine, rid) == {"failed": 4}
    server.start()
    assert relay().run_once().sent == 0  # backoff: not due yet
    clock.advance(timedelta(seconds=31))
    assert relay().run_once().sent == 4
    assert relay().run_once().sent == 0
    assert _statuses(engine, rid) == {"sent": 4}
    received = Counter(r.rcpt_tos[0] for r in server.received)
    assert received == {f"unit{i}@xiaoyi.example.cn": 1 for i in range(1, 5)}
    notice = server.received[0].message
    title = "孝义市安全生产委员会办公室关于对《测试文稿1（代拟稿）》征求意见的函"
    assert notice["Subject"].startswith(f"【征求意见】{title}")
    body = notice.get_body(("plain",)).get_content()
    assert "请于2026年3月5日9时前反馈修改意见" in body and "逾期未回复视为无意见" in body
    assert "https://zqyj.xiaoyi.example.cn/r/" in body
    files = {p.get_filename(): p.get_content() for p in notice.iter_attachments()}
    form_name = f"附件3-《测试文稿1（代拟稿）》征求意见回复表（{_unit_of(notice)}）.docx"
    assert set(files) == {
        "截止时间.ics",
        "孝安办函〔2026〕1号.docx",
        "附件1-测试文稿1（代拟稿）.docx",
        "附件2-测试文稿1（重点任务分工）.docx",
        form_name,
    }
    from docx import Document

    form = Document(io.BytesIO(files[form_name]))
    assert f"单位名称（盖章）：{_unit_of(notice)}" in "\n".join(p.text for p in form.paragraphs)
    letter = Document(io.BytesIO(files["孝安办函〔2026〕1号.docx"]))
    assert "逾期未回复视为无意见" in "\n".join(p.text for p in letter.paragraphs)
    with UnitOfWork(engine) as uow:
        msg = uow.outbox.for_round(rid)[0]
        attempts = uow.outbox.attempts(msg.id or 0)
        assert [a.ok for a in attempts] == [False, True]
        assert "Connection refused" in attempts[0].detail


def test_relay_killed_between_sending_and_recording_loses_nothing(world) -> None:  # type: ignore[no-untyped-def]
    engine, clock, office, server, relay = world
    server.start()
    rid = new_round(engine, clock, office, T0 + timedelta(days=3), 2)

    class Killed(Exception):
        pass

    dying = relay()

    def die(message_id: int, result: object) -> None:
        raise Killed  # the process dies after the SMTP server accepted, before the database knows

    dying._record = die  # type: ignore[method-assign]
    with pytest.raises(Killed):
        dying.run_once()
    assert _statuses(engine, rid) == {"sending": 4}
    assert relay().run_once().sent == 0  # the dead relay's lease still holds
    clock.advance(timedelta(seconds=61))
    assert relay().run_once().sent == 4
    assert _statuses(engine, rid) == {"sent": 4}
    ids = Counter(r.message["Message-ID"] for r in server.received)
    assert set(ids.values()) <= {1, 2} and len(ids) == 4  # a re-send carries the same Message-ID


def test_permanent_failure_stays_visible_until_retried(world) -> None:  # type: ignore[no-untyped-def]
    engine, clock, office, server, relay = world
    server.start()
    server.handler.refuse_with = "550 5.1.1 no such mailbox"
    rid = new_round(engine, clock, office, T0 + timedelta(days=3), 3)
    relay().run_once()
    assert _statuses(engine, rid) == {"dead": 4}
    server.handler.refuse_with = None

    with UnitOfWork(engine) as uow:
        first = uow.outbox.for_round(rid)[0].id or 0
    with UnitOfWork(engine) as uow:
        retry_message(uow, clock, STAFF, first)
    assert relay().run_once().sent == 1
    assert _statuses(engine, rid) == {"dead": 3, "sent": 1}


def test_reminders_only_to_silent_units_once_each(world) -> None:  # type: ignore[no-untyped-def]
    engine, clock, office, server, relay = world
    server.start()
    deadline = T0 + timedelta(days=3)
    rid = new_round(engine, clock, office, deadline, 4)
    relay().run_once()
    with UnitOfWork(engine) as uow:
        submit_reply(uow, clock, STAFF, SubmitReply(round_id=rid, unit_name="测试单位001", no_comments=True))
    hours = SchedulerSettings().reminder_hours
    for at in (deadline - timedelta(hours=24), deadline - timedelta(hours=2)):
        clock.set(at)
        for action in plan_round(deadline, at, hours):
            if action.kind == "reminder" and action.at <= at:
                queue_due_reminders(uow_factory(engine), clock, rid, action.offset)
                queue_due_reminders(uow_factory(engine), clock, rid, action.offset)  # a job that runs twice
        relay().run_once()
    reminders = [r for r in server.received if r.message["Subject"].startswith("【提醒】")]
    assert Counter(r.rcpt_tos[0] for r in reminders) == {f"unit{i}@xiaoyi.example.cn": 2 for i in (2, 3, 4)}
    subjects = sorted({r.message["Subject"] for r in reminders})
    assert subjects == [f"【提醒】距征求意见截止还有{x}：孝安办函〔2026〕4号" for x in ("1天", "2小时")]


def test_adoption_feedback_carries_only_the_units_own_comments(world) -> None:  # type: ignore[no-untyped-def]
    engine, clock, office, server, relay = world
    server.start()
    rid = new_round(engine, clock, office, T0 + timedelta(days=1), 5)
    comments = {}
    for n, unit in ((1, "测试单位001"), (2, "测试单位002")):
        with UnitOfWork(engine) as uow:
            comments[unit] = submit_reply(
                uow,
                clock,
                STAFF,
                SubmitReply(
                    round_id=rid,
                    unit_name=unit,
                    comments=[
                        CommentInput(f"序号{n}", f"{unit}的第一条意见"),
                        CommentInput(f"序号{n + 2}", f"{unit}的第二条意见"),
                    ],
                ),
            ).comment_ids
    clock.advance(timedelta(days=1))
    sweep(uow_factory(engine), clock)
    for unit, ids in comments.items():
        for cid in ids:
            with UnitOfWork(engine) as uow:
                decide(uow, clock, STAFF, Decide(cid, "rejected", f"{unit}：理由不充分或无依据，不予采纳。"))
    with UnitOfWork(engine) as uow:
        submit_review(uow, clock, STAFF, rid)
    relay().run_once()
    assert not [r for r in server.received if r.message["Subject"].startswith("【采纳情况反馈】")], (
        "no feedback while the review may still return the draft"
    )
    with UnitOfWork(engine) as uow:
        record_review(
            uow, clock, Actor("市司法局审查员", Role.reviewer), rid, approve=True, reviewer="市司法局", opinion=""
        )
    relay().run_once()
    relay().run_once()
    sent = [r for r in server.received if r.message["Subject"].startswith("【采纳情况反馈】")]
    assert len(sent) == 2, "once per unit, when the outcome is final"
    feedback = {r.rcpt_tos[0]: r.message.get_body(("plain",)).get_content() for r in sent}
    assert all("通过合法性审查" in text and "最终采纳情况" in text for text in feedback.values())
    assert set(feedback) == {"unit1@xiaoyi.example.cn", "unit2@xiaoyi.example.cn"}
    assert "测试单位001的第一条意见" in feedback["unit1@xiaoyi.example.cn"]
    assert "测试单位002" not in feedback["unit1@xiaoyi.example.cn"]
    assert "不予采纳，测试单位002：理由不充分或无依据。" in feedback["unit2@xiaoyi.example.cn"]
    assert "测试单位001" not in feedback["unit2@xiaoyi.example.cn"]
    deemed = [r for r in server.received if r.message["Subject"].startswith("【已截止】")]
    assert sorted(r.rcpt_tos[0] for r in deemed) == ["unit3@xiaoyi.example.cn", "unit4@xiaoyi.example.cn"]


def test_unit_without_address_is_visible_not_silently_dropped(engine: Engine) -> None:
    clock = FixedClock(T0)
    office = setup_office(engine, clock, units=2, with_email=False)
    rid = new_round(engine, clock, office, T0 + timedelta(days=1), 6)
    assert _statuses(engine, rid) == {"undeliverable": 2}


def test_wrong_smtp_password_keeps_messages_until_the_account_is_fixed(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine, clock, office, _, _ = world

    context, cert = self_signed(tmp_path)
    server = SmtpServer(starttls=context, logins={"ajw": "s3cret-pass"})
    server.start()
    settings = load_settings(write_config(tmp_path / "login.toml", "sqlite://", ""))

    def relay(password: str) -> Relay:
        channel = SmtpChannel(
            SmtpSettings(
                "127.0.0.1",
                server.port,
                "ajw@xiaoyi.example.cn",
                timeout=3,
                security="starttls",
                ca_file=str(cert),
                username="ajw",
                password=password,
            )
        )
        policy = RelayPolicy(max_attempts=5, backoff_seconds=30, lease_seconds=60)
        return Relay(
            uow_factory(engine), clock, {"email": channel}, build_composer(settings, clock, attachments=False), policy
        )

    try:
        rid = new_round(engine, clock, office, T0 + timedelta(days=3), 4)
        assert relay("wrong").run_once().failed == 4
        assert _statuses(engine, rid) == {"failed": 4}, "retried later, not given up"
        with UnitOfWork(engine) as uow:
            attempt = uow.outbox.attempts(uow.outbox.for_round(rid)[0].id or 0)[0]
        assert "SMTP 登录失败" in attempt.detail and "535" in attempt.detail
        clock.advance(timedelta(seconds=31))
        assert relay("s3cret-pass").run_once().sent == 4
    finally:
        server.stop()
    assert _statuses(engine, rid) == {"sent": 4} and len(server.received) == 4


def test_reply_links_are_made_with_the_round_and_sending_writes_none(world) -> None:  # type: ignore[no-untyped-def]
    engine, clock, office, server, relay = world
    server.start()
    rid = new_round(engine, clock, office, T0 + timedelta(days=3), 9)

    def links() -> dict[int, str]:
        with UnitOfWork(engine) as uow:
            rows = [uow.links.for_recipient(r.id or 0) for r, _ in uow.rounds.recipients(rid)]
        return {row.recipient_id: row.nonce for row in rows if row is not None and not row.revoked}

    made = links()
    assert len(made) == 4, "every recipient has its reply link in the transaction that started the round"
    assert relay().run_once().sent == 4
    assert links() == made, "composing and sending the notices created or changed no link"


def test_one_smtp_connection_per_run(world) -> None:  # type: ignore[no-untyped-def]
    engine, clock, office, server, relay = world
    server.start()
    rid = new_round(engine, clock, office, T0 + timedelta(days=3), 5)
    assert relay().run_once().sent == 4
    assert len(server.received) == 4 and len({r.connection for r in server.received}) == 1
    assert _statuses(engine, rid) == {"sent": 4}


def test_a_hung_mail_server_is_tried_once_per_run_not_once_per_message(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine, clock, office, _, _ = world
    settings = load_settings(write_config(tmp_path / "hung.toml", "sqlite://"))
    with silent_server() as (port, accepted):
        channel = SmtpChannel(SmtpSettings("127.0.0.1", port, "ajw@xiaoyi.example.cn", timeout=1))
        policy = RelayPolicy(max_attempts=5, backoff_seconds=30, lease_seconds=60)
        rid = new_round(engine, clock, office, T0 + timedelta(days=3), 6)
        composer = build_composer(settings, clock, attachments=False)
        result = Relay(uow_factory(engine), clock, {"email": channel}, composer, policy).run_once()
        assert (result.sent, result.failed) == (0, 4)
        assert len(accepted) == 1, "the other three were not tried against the same hung server"
    assert _statuses(engine, rid) == {"failed": 4}, "all four back off and are retried later"
    with UnitOfWork(engine) as uow:
        details = [uow.outbox.attempts(m.id or 0)[0].detail for m in uow.outbox.for_round(rid)]
    assert "timed out" in details[0]
    assert all(d.startswith("本轮未发送，发送渠道不可用：") and "timed out" in d for d in details[1:])


def test_review_request_result_and_issuance_notices(world) -> None:  # type: ignore[no-untyped-def]
    engine, clock, office, server, relay = world
    server.start()
    with UnitOfWork(engine) as uow:
        import_units(
            uow,
            clock,
            STAFF,
            [UnitRecord("市司法局", "市直部门", ("司法局",), "周股长", "", "sfj@xiaoyi.example.cn")],
            office_id=office,
        )
    with UnitOfWork(engine) as uow:  # the office's own mailbox, as `consultflow init` sets it from config
        row = uow.directory.office(office)
        assert row is not None
        row.email = "ajw@xiaoyi.example.cn"
        uow.directory.add(row)
        uow.commit()
    rid = new_round(engine, clock, office, T0 + timedelta(days=1), 7, units=["测试单位001", "测试单位002"])
    with UnitOfWork(engine) as uow:
        [cid] = submit_reply(
            uow,
            clock,
            STAFF,
            SubmitReply(round_id=rid, unit_name="测试单位001", comments=[CommentInput("序号3", "意见")]),
        ).comment_ids
    clock.advance(timedelta(days=1))
    sweep(uow_factory(engine), clock)
    with UnitOfWork(engine) as uow:
        decide(uow, clock, STAFF, Decide(cid, "partly_adopted", "部分内容已在序号3中体现。"))
    with UnitOfWork(engine) as uow:
        submit_review(uow, clock, STAFF, rid)
    with UnitOfWork(engine) as uow:
        record_review(uow, clock, STAFF, rid, approve=True, reviewer="市司法局", opinion="符合法律法规规定。")
    with UnitOfWork(engine) as uow:
        issue(uow, clock, STAFF, rid, "孝政发〔2026〕7号")
    relay().run_once()
    assert _statuses(engine, rid)["sent"] >= 6 and "dead" not in _statuses(engine, rid)
    by_subject = {
        r.message["Subject"]: (r.rcpt_tos[0], r.message.get_body(("plain",)).get_content()) for r in server.received
    }
    [request] = [v for k, v in by_subject.items() if k.startswith("【合法性审查】")]
    assert request[0] == "sfj@xiaoyi.example.cn"
    assert "征求2家单位，有修改意见1家，无修改意见0家，逾期未回复视为无意见1家" in request[1]
    assert "共收到修改意见1条，予以采纳0条，部分采纳1条，不予采纳0条" in request[1]
    assert "https://zqyj.xiaoyi.example.cn/review/rounds/" in request[1]
    [result] = [v for k, v in by_subject.items() if k.startswith("【审查结果】")]
    assert result[0] == "ajw@xiaoyi.example.cn" and "符合法律法规规定。" in result[1]
    issued = [v for k, v in by_subject.items() if "孝政发〔2026〕7号" in k or "孝政发〔2026〕7号" in v[1]]
    assert issued, "the issuance notice names the issued document number"


def test_units_with_webhooks_get_signed_json_and_email_both(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import hashlib
    import hmac

    engine, clock, office, server, _ = world
    server.start()
    settings = load_settings(write_config(tmp_path / "hooks.toml", "sqlite://"))
    with http_server() as (url, recorder):
        with UnitOfWork(engine) as uow:
            import_units(
                uow,
                clock,
                STAFF,
                [
                    UnitRecord("兑镇镇", "乡镇（街道）", (), "王", "", "", f"{url}/hooks/duizhen"),
                    UnitRecord("梧桐镇", "乡镇（街道）", (), "李", "", "wt@xiaoyi.example.cn", f"{url}/hooks/wutong"),
                ],
                office_id=office,
            )
        rid = new_round(engine, clock, office, T0 + timedelta(days=3), 8, units=["兑镇镇", "梧桐镇"])
        channels: dict[str, Channel] = {
            "email": SmtpChannel(SmtpSettings("127.0.0.1", server.port, "ajw@xiaoyi.example.cn", timeout=3)),
            "webhook": WebhookChannel("s3cret"),
        }
        composer = build_composer(settings, clock, attachments=False)
        assert Relay(uow_factory(engine), clock, channels, composer).run_once().sent == 3
    assert _statuses(engine, rid) == {"sent": 3}
    assert sorted(r.path for r in recorder.requests) == ["/hooks/duizhen", "/hooks/wutong"]
    for request in recorder.requests:
        signed = request.headers["X-Consultflow-Timestamp"].encode() + b"." + request.body
        expected = "sha256=" + hmac.new(b"s3cret", signed, hashlib.sha256).hexdigest()
        assert request.headers["X-Consultflow-Signature"] == expected
        assert request.json["subject"].startswith("【征求意见】") and "/r/" in request.json["text"]
    assert [r.rcpt_tos for r in server.received] == [["wt@xiaoyi.example.cn"]]


def test_withdrawal_and_deadline_change_notices_reach_the_units(world) -> None:  # type: ignore[no-untyped-def]
    engine, clock, office, server, relay = world
    server.start()
    rid = new_round(engine, clock, office, T0 + timedelta(days=3), 9, units=["测试单位001", "测试单位002"])
    with UnitOfWork(engine) as uow:
        change_deadline(uow, clock, STAFF, rid, T0 + timedelta(days=5), "部分单位申请延期")
    with UnitOfWork(engine) as uow:
        withdraw(uow, clock, STAFF, rid, "上级文件调整，暂缓出台")
    relay().run_once()
    assert "dead" not in _statuses(engine, rid) and "failed" not in _statuses(engine, rid)
    bodies = {r.message["Subject"]: r.message.get_body(("plain",)).get_content() for r in server.received}
    changed = [b for s, b in bodies.items() if s.startswith("【截止时间调整】")]
    assert changed and "部分单位申请延期" in changed[0] and "2026年3月7日9时" in changed[0]
    withdrawn = [b for s, b in bodies.items() if "撤回" in s]
    assert withdrawn and "上级文件调整，暂缓出台" in withdrawn[0]
