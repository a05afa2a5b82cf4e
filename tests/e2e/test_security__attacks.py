"""The attacks that once worked (issue 12, items 1–4, 7, 8), replayed against a real ``consultflow serve``.

Each test is its own client: it connects from its own loopback address, since rate limits key on the
client address and the server believes no ``X-Forwarded-For`` (no trusted proxy is configured).
"""

from __future__ import annotations

import io
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from kernel.clock import SystemClock
from storage.db import create_schema, make_engine
from storage.uow import UnitOfWork
from tests.support.attacks import (
    client_from,
    docx_bomb,
    docx_deep,
    docx_entities,
    docx_xxe,
    rss_kb,
    sampling_rss,
    send_chunked,
)
from tests.support.cli import table_counts, write_config
from tests.support.processes import free_port, running, wait_http
from tests.support.scenario import SECRET, STAFF, new_round, setup_office
from workflow.parsing.units_file import UnitRecord
from workflow.reports.render import zip_entry_name
from workflow.services.accounts import add_user
from workflow.services.links import link_token
from workflow.services.units import import_units

pytestmark = [pytest.mark.slow]
CLOCK = SystemClock()
PASSWORD = "correct-horse-battery"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TRAVERSAL_UNIT = "回复表-../../../../x.html"


@dataclass
class Live:
    url: str
    port: int
    pid: int
    engine: Engine
    round_id: int
    tokens: dict[str, str]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp("attacks")
    url = f"sqlite:///{tmp / 'attacks.db'}"
    engine = make_engine(url)
    create_schema(engine)
    office = setup_office(engine, CLOCK, units=3)
    with UnitOfWork(engine) as uow:  # a unit name that would climb out of a ZIP if used as it is
        import_units(uow, CLOCK, STAFF, [UnitRecord(TRAVERSAL_UNIT, "市安委会成员单位")], office_id=office)
    with UnitOfWork(engine) as uow:
        add_user(
            uow, CLOCK, STAFF, username="zhaojian", display_name="赵健", role="staff", password=PASSWORD,
            office_id=office,
        )
    round_id = new_round(engine, CLOCK, office, datetime.now(UTC) + timedelta(days=2), 1)
    tokens = {}
    with UnitOfWork(engine) as uow:
        for rec, unit in uow.rounds.recipients(round_id):
            tokens[unit.name] = link_token(uow, CLOCK, SECRET, rec.id or 0)
        uow.commit()
    config = write_config(tmp / "config.toml", url, f'\n[security]\nsecret_key = "{SECRET}"\n')
    port = free_port()
    with running(
        "serve", "--no-scheduler", "--port", str(port), "--config", str(config), log=tmp / "serve.log"
    ) as proc:
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/healthz")
        yield Live(base, port, proc.pid, engine, round_id, tokens)
    engine.dispose()


def _staff(live: Live, address: str):  # type: ignore[no-untyped-def]
    client = client_from(address, live.url)
    answer = client.post("/api/v1/session", json={"username": "zhaojian", "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return client


# --- 1. login rate limit ------------------------------------------------------------------------------


def _until_refused(send, at_least: int, at_most: int) -> list[int]:  # type: ignore[no-untyped-def]
    """Statuses of ``send(n)`` until the first 429 (which must come after ``at_least`` and by ``at_most``
    requests; the sliding window may allow a few more when the requests straddle a minute boundary)."""
    statuses: list[int] = []
    for n in range(at_most):
        statuses.append(send(n))
        if statuses[-1] == 429:
            break
    assert len(statuses) > at_least and statuses[-1] == 429, statuses
    return statuses


def test_spelling_variants_of_one_name_share_one_limit_and_the_clerk_is_not_locked_out(live: Live) -> None:
    attacker = client_from("127.0.0.2", live.url)
    variants = [" zhaojian", "zhaojian\t", "\u3000zhaojian", "ZhaoJian", "ｚｈａｏｊｉａｎ", "zhao\u200bjian"]

    def guess(n: int):  # type: ignore[no-untyped-def]
        return attacker.post("/api/v1/session", json={"username": variants[n % len(variants)], "password": f"g{n}"})

    statuses = _until_refused(lambda n: guess(n).status_code, at_least=10, at_most=20)
    assert set(statuses[:-1]) == {422}  # LOGIN_FAILED: every variant counts against one key
    refused = guess(99)
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "RATE_LIMITED" and "秒后重试" in error["message"]
    assert refused.headers["Retry-After"] == str(error["details"]["retry_after_seconds"])
    # The attacker's own right guess is refused too: over the limit, no password is checked.
    assert attacker.post("/api/v1/session", json={"username": "zhaojian", "password": PASSWORD}).status_code == 429
    # The clerk at her own desk is not locked out by someone else's failures.
    clerk = client_from("127.0.0.3", live.url)
    assert clerk.post("/api/v1/session", json={"username": " ZHAOJIAN ", "password": PASSWORD}).status_code == 200


def test_one_client_spraying_many_accounts_is_throttled_whatever_forwarded_for_it_sends(live: Live) -> None:
    sprayer = client_from("127.0.0.4", live.url)

    def spray(n: int) -> int:
        return sprayer.post(
            "/api/v1/session",
            json={"username": f"user{n}", "password": "not-the-password"},
            headers={"X-Forwarded-For": f"10.9.{n}.1"},  # not believed: no trusted proxy is configured
        ).status_code

    statuses = _until_refused(spray, at_least=30, at_most=60)
    assert set(statuses[:-1]) == {422}
    assert [spray(100 + n) for n in range(3)] == [429, 429, 429]


# --- 2. request bodies capped while streaming ---------------------------------------------------------


def test_a_200_mb_chunked_body_is_refused_without_the_server_growing(live: Live) -> None:
    before = rss_kb(live.pid)
    answers: list[bytes] = []

    def attack(path: str, size_mb: int, source: str) -> None:
        answers.append(send_chunked("127.0.0.1", live.port, path, size_mb * 1024 * 1024, source=source))

    token = live.tokens["测试单位003"]
    threads = [
        threading.Thread(target=attack, args=(f"/api/v1/links/invalid-token-{n}/replies", 200, f"127.0.1.{n}"))
        for n in range(1, 5)
    ]
    # A valid link is capped the same way (it once accepted a 300 MB body).
    threads.append(threading.Thread(target=attack, args=(f"/api/v1/links/{token}/replies", 300, "127.0.1.9")))
    with sampling_rss(live.pid) as peak:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert len(answers) == 5
    for answer in answers:
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert b"UPLOAD_TOO_LARGE" in answer
    assert peak[0] - before < 50 * 1024, f"server RSS grew from {before} kB to {peak[0]} kB"


# --- 3. office files: bombs, entities, and the event loop --------------------------------------------


def test_healthz_answers_within_a_second_while_a_docx_bomb_is_refused(live: Live) -> None:
    staff = _staff(live, "127.0.0.5")
    bomb = docx_bomb(30)
    assert len(bomb) < 400 * 1024
    delays: list[float] = []
    results: list[object] = []

    def upload() -> None:
        for _ in range(3):
            results.append(
                staff.post(
                    "/api/v1/drafts",
                    data={"title": "炸弹", "issuer": "孝义市人民政府"},
                    files={"file": ("draft.docx", bomb, DOCX)},
                )
            )
            results.append(
                staff.post(
                    f"/api/v1/rounds/{live.round_id}/replies/form",
                    data={"unit": "测试单位001"},
                    files={"file": ("回复表.docx", bomb, DOCX)},
                )
            )

    worker = threading.Thread(target=upload)
    worker.start()
    monitor = client_from("127.0.0.6", live.url)
    while worker.is_alive():
        started = time.monotonic()
        assert monitor.get("/healthz").status_code == 200
        delays.append(time.monotonic() - started)
    worker.join()
    assert len(results) == 6
    for answer in results:
        assert answer.status_code == 422 and answer.json()["error"]["code"] == "UPLOAD_ARCHIVE_UNSAFE"  # type: ignore[attr-defined]
        assert "解压后" in answer.json()["error"]["message"]  # type: ignore[attr-defined]
    assert delays and max(delays) < 1.0, delays


@pytest.mark.parametrize(
    ("make", "says"),
    [(docx_entities, "DOCTYPE"), (docx_xxe, "DOCTYPE"), (docx_deep, "嵌套超过")],
    ids=["nested-entities", "xxe", "deep-nesting"],
)
def test_hostile_xml_in_a_docx_is_refused_with_a_code(live: Live, make, says: str) -> None:  # type: ignore[no-untyped-def]
    staff = _staff(live, "127.0.0.7")
    before = table_counts(live.engine)
    for path, data in (
        ("/api/v1/drafts", {"title": "实体", "issuer": "孝义市人民政府"}),
        (f"/api/v1/rounds/{live.round_id}/replies/form", {"unit": "测试单位001"}),
    ):
        answer = staff.post(path, data=data, files={"file": ("x.docx", make(), DOCX)})
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["code"] == "UPLOAD_ARCHIVE_UNSAFE" and says in answer.json()["error"]["message"]
    assert _without_sessions(table_counts(live.engine)) == _without_sessions(before)


def test_a_malformed_docx_or_xlsx_is_a_422_with_a_code(live: Live) -> None:
    staff = _staff(live, "127.0.0.8")
    not_zip = b"PK\x03\x04 this is not really a zip"
    empty_zip = io.BytesIO()
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("word/document.xml", b"<w:document><unclosed>")
    for payload in (not_zip, empty_zip.getvalue()):
        draft = staff.post(
            "/api/v1/drafts", data={"title": "坏", "issuer": "市政府"}, files={"file": ("d.docx", payload, DOCX)}
        )
        assert draft.status_code == 422 and draft.json()["error"]["code"] in (
            "DRAFT_DOCX_INVALID",
            "UPLOAD_ARCHIVE_UNSAFE",
        )
        units = staff.post("/api/v1/units/import", files={"file": ("u.xlsx", payload, "application/octet-stream")})
        assert units.status_code == 422
        assert units.json()["error"]["code"] in ("UNITS_FORMAT_UNSUPPORTED", "UPLOAD_ARCHIVE_UNSAFE")


# --- 4. control characters refused at the boundary -----------------------------------------------------


def test_control_characters_are_refused_and_nothing_is_stored(live: Live) -> None:
    staff = _staff(live, "127.0.0.9")
    before = _without_sessions(table_counts(live.engine))
    unit = client_from("127.0.0.10", live.url)
    link = unit.post(
        f"/api/v1/links/{live.tokens['测试单位002']}/replies",
        json={"comments": [{"target": "序号1", "text": "建议修改\x0b\x01第一段"}]},
    )
    assert link.status_code == 422 and link.json()["error"]["code"] == "TEXT_CONTROL_CHARACTER"
    assert "修改意见" in link.json()["error"]["message"] and "U+000B" in link.json()["error"]["message"]
    start = staff.post(
        "/api/v1/rounds",
        json={
            "draft_id": 1,
            "doc_number": "孝安办函〔2026〕9\x00号",
            "workdays": 5,
            "all_units": True,
            "contact": "赵健",
            "phone": "18335877837",
        },
    )
    assert start.status_code == 422 and start.json()["error"]["code"] == "TEXT_CONTROL_CHARACTER"
    unit_edit = staff.patch("/api/v1/units/1", json={"contact": "王\x07五"})
    assert unit_edit.status_code == 422 and unit_edit.json()["error"]["code"] == "TEXT_CONTROL_CHARACTER"
    paper = staff.post(
        f"/api/v1/rounds/{live.round_id}/replies",
        json={"unit": "测试单位001", "channel": "paper", "comments": [{"text": "好", "reason": "理由\x1b[31m"}]},
    )
    assert paper.status_code == 422 and paper.json()["error"]["code"] == "TEXT_CONTROL_CHARACTER"
    assert _without_sessions(table_counts(live.engine)) == before
    # Multi-line text stays legitimate.
    ok = unit.post(
        f"/api/v1/links/{live.tokens['测试单位002']}/replies",
        json={"comments": [{"target": "序号1", "text": "第一行\n第二行\t（附表）"}]},
    )
    assert ok.status_code == 201, ok.text


# --- 7. bad input never 500 -----------------------------------------------------------------------------


def test_ids_too_large_or_not_numbers_are_422_with_a_code(live: Live) -> None:
    staff = _staff(live, "127.0.0.11")
    for path in (
        "/api/v1/rounds/9223372036854775808",
        "/api/v1/rounds/2147483648",  # beyond PostgreSQL's INTEGER ids: refused before any query
        "/api/v1/rounds/99999999999999999999999",
        "/api/v1/rounds/-1",
        "/api/v1/rounds/abc",
        "/api/v1/rounds/9223372036854775808/audit",
        "/api/v1/attachments/9223372036854775808",
    ):
        answer = staff.get(path)
        assert answer.status_code in (404, 422), (path, answer.status_code)
        assert answer.json()["error"]["code"] in ("REQUEST_INVALID", "ROUTE_NOT_FOUND"), path
    big = staff.post("/api/v1/comments/9223372036854775808/decision", json={"outcome": "adopted"})
    assert big.status_code == 422 and big.json()["error"]["code"] == "REQUEST_INVALID"
    withdraw = staff.post("/api/v1/rounds/4611686018427387904/withdraw", json={"reason": "x"})  # a 500 on PostgreSQL
    assert withdraw.status_code == 422 and withdraw.json()["error"]["code"] == "REQUEST_INVALID"
    body = staff.post("/api/v1/rounds", json={"draft_id": 2**63, "doc_number": "x", "contact": "a", "phone": "b"})
    assert body.status_code == 422 and body.json()["error"]["code"] == "REQUEST_INVALID"
    assert staff.get("/api/v1/no-such-thing").json()["error"]["code"] == "ROUTE_NOT_FOUND"


def test_form_ids_that_are_not_numbers_are_422(live: Live) -> None:
    staff = _staff(live, "127.0.0.12")
    csrf = staff.headers["X-CSRF-Token"]
    start = staff.post("/rounds", data={"csrf_token": csrf, "draft_id": "abc", "doc_number": "x", "workdays": "5"})
    assert start.status_code == 422 and "REQUEST_INVALID" in start.text
    decide = staff.post(
        f"/rounds/{live.round_id}/decisions", data={"csrf_token": csrf, "comment_id": "abc", "outcome": "adopted"}
    )
    assert decide.status_code == 422 and "REQUEST_INVALID" in decide.text
    huge = staff.post(f"/rounds/{live.round_id}/decisions", data={"csrf_token": csrf, "comment_id": str(2**64)})
    assert huge.status_code == 422


# --- 8. limits on replies and link guessing; ZIP entry names --------------------------------------------


def test_a_reply_with_too_many_comments_is_refused_before_any_work(live: Live) -> None:
    unit = client_from("127.0.0.13", live.url)
    before = _without_sessions(table_counts(live.engine))
    comments = [{"target": "全文", "text": f"意见{n}"} for n in range(201)]
    answer = unit.post(f"/api/v1/links/{live.tokens['测试单位001']}/replies", json={"comments": comments})
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "REPLY_TOO_MANY_COMMENTS"
    long = [{"target": "全文", "text": "长" * 19_000} for _ in range(11)]
    answer = unit.post(f"/api/v1/links/{live.tokens['测试单位001']}/replies", json={"comments": long})
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "REPLY_TOO_LARGE"
    after = _without_sessions(table_counts(live.engine))
    assert {k: v for k, v in after.items() if k != "rate_limit_counter"} == {
        k: v for k, v in before.items() if k != "rate_limit_counter"
    }


def test_guessing_random_link_tokens_is_throttled_per_client(live: Live) -> None:
    guesser = client_from("127.0.0.14", live.url)
    statuses = _until_refused(
        lambda n: guesser.get(f"/api/v1/links/guess-{n:04d}-{'x' * 20}").status_code, at_least=20, at_most=40
    )
    assert set(statuses[:-1]) == {404}
    # Even a real token is refused to this client for now; another client is unaffected.
    assert guesser.get(f"/api/v1/links/{live.tokens['测试单位001']}").status_code == 429
    assert client_from("127.0.0.15", live.url).get(f"/api/v1/links/{live.tokens['测试单位001']}").status_code == 200


def test_zip_entry_names_made_from_unit_names_cannot_climb_out(live: Live) -> None:
    staff = _staff(live, "127.0.0.16")
    answer = staff.get(f"/api/v1/rounds/{live.round_id}/documents/reply-form", params={"format": "docx"})
    assert answer.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(answer.content)).namelist()
    assert len(names) == 4
    for name in names:
        assert "/" not in name and "\\" not in name and ".." not in name, name
    assert f"回复表-{zip_entry_name(TRAVERSAL_UNIT)}.docx" in names


def _without_sessions(counts: dict[str, int]) -> dict[str, int]:
    """Table sizes, leaving out what signing in and counting requests write (sessions, rate limits, audit)."""
    return {k: v for k, v in counts.items() if k not in ("web_session", "rate_limit_counter", "audit_event")}
