"""Accounts through the JSON API, on SQLite and PostgreSQL: the admin lists the accounts of their office,
adds one, disables and enables one, resets a password, under the rules of the CLI and the admin page (no
disabling oneself, sessions end on a disable or a reset, all audited); everyone changes their own password;
nobody but an admin reaches the admin's routes (403 ``FORBIDDEN``) and nothing changes when refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from storage.uow import UnitOfWork
from tests.support.cli import table_counts
from tests.support.offices import FLOOD
from tests.support.scenario import STAFF
from tests.support.web import PASSWORD, WebWorld, build_world
from workflow.services.accounts import add_user
from workflow.services.audit import export_events
from workflow.services.offices import ensure_office

NEW = "new-password-2026"
ADMIN_ONLY = "只有系统管理员可以管理账号。"


@pytest.fixture
def world(engine: Engine, db_url: str, tmp_path: Path) -> WebWorld:
    return build_world(engine, db_url, tmp_path)


def _signed_in(world: WebWorld, username: str, password: str = PASSWORD) -> tuple[TestClient, dict[str, str]]:
    client = world.client()
    answer = client.post("/api/v1/session", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return client, {"X-CSRF-Token": answer.json()["csrf_token"]}


def _signs_in(world: WebWorld, username: str, password: str) -> bool:
    answer = world.client().post("/api/v1/session", json={"username": username, "password": password})
    return answer.status_code == 200


def _id(world: WebWorld, username: str) -> int:
    with UnitOfWork(world.engine) as uow:
        user = uow.accounts.by_username(username)
        assert user is not None
        return user.id or 0


def _events(world: WebWorld) -> list[tuple[str, str, str]]:
    with UnitOfWork(world.engine) as uow:
        events = export_events(uow, None)
    return [(e["action"], e["actor"], e["entity"]) for e in events if e["action"].startswith("user.")]


def _code(answer) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    return answer.status_code, answer.json()["error"]["code"]


def test_nobody_but_an_admin_reaches_the_account_routes_and_nothing_changes(world: WebWorld) -> None:
    clerk_id = _id(world, "zhaojian")
    before, events = table_counts(world.engine), _events(world)
    assert _code(world.client().get("/api/v1/users")) == (401, "NOT_AUTHENTICATED")
    for username in ("zhaojian", "sfj"):
        client, h = _signed_in(world, username)
        listed = client.get("/api/v1/users")
        assert _code(listed) == (403, "FORBIDDEN") and listed.json()["error"]["message"] == ADMIN_ONLY
        new = {"username": "x1", "display_name": "某", "role": "admin", "password": NEW}
        assert _code(client.post("/api/v1/users", headers=h, json=new)) == (403, "FORBIDDEN")
        off = client.post(f"/api/v1/users/{clerk_id}/active", headers=h, json={"active": False})
        assert _code(off) == (403, "FORBIDDEN")
        reset = client.post(f"/api/v1/users/{clerk_id}/password", headers=h, json={"password": NEW})
        assert _code(reset) == (403, "FORBIDDEN")
    admin, _ = _signed_in(world, "admin")
    no_csrf = admin.post(
        "/api/v1/users", json={"username": "x2", "display_name": "某", "role": "staff", "password": NEW}
    )
    assert _code(no_csrf) == (403, "CSRF_INVALID")
    after = table_counts(world.engine)
    assert (after["user"], after["websession"]) == (before["user"], before["websession"] + 3), "3 sign-ins, no more"
    assert _events(world) == events, "no account changed"
    assert _signs_in(world, "zhaojian", PASSWORD), "the clerk's password untouched"


def test_the_admin_lists_only_their_offices_accounts(world: WebWorld) -> None:
    with UnitOfWork(world.engine) as uow:
        other = ensure_office(uow, world.clock, STAFF, FLOOD.name, profile=FLOOD)
    with UnitOfWork(world.engine) as uow:
        add_user(
            uow,
            world.clock,
            STAFF,
            username="fzb",
            display_name="防指办",
            role="staff",
            password=PASSWORD,
            office_id=other,
        )
    admin, h = _signed_in(world, "admin")
    listed = admin.get("/api/v1/users")
    assert listed.status_code == 200
    rows = {u["username"]: (u["role"], u["role_label"], u["active"]) for u in listed.json()["users"]}
    assert rows == {
        "zhaojian": ("staff", "工作人员", True),
        "sfj": ("reviewer", "合法性审查人员", True),
        "admin": ("admin", "管理员", True),
    }
    assert all("password" not in k for u in listed.json()["users"] for k in u), "never a hash"
    elsewhere = _id(world, "fzb")
    for path, body in (("active", {"active": False}), ("password", {"password": NEW})):
        answer = admin.post(f"/api/v1/users/{elsewhere}/{path}", headers=h, json=body)
        assert _code(answer) == (404, "USER_UNKNOWN"), "another office's account is not there"
    assert _signs_in(world, "fzb", PASSWORD)


def test_the_admin_creates_an_account_told_every_problem_at_once(world: WebWorld) -> None:
    admin, h = _signed_in(world, "admin")
    before = table_counts(world.engine)
    bad = admin.post(
        "/api/v1/users",
        headers=h,
        json={"username": "liuqing", "display_name": " ", "role": "boss", "password": "short"},
    )
    assert _code(bad) == (422, "INPUT_PROBLEMS")
    fields = bad.json()["error"]["details"]["fields"]
    assert fields == {
        "display_name": "请填写用户名和姓名。",
        "role": fields["role"],
        "password": "密码至少需要10个字符。",
    }
    assert "short" not in bad.text, "a password is never sent back"
    one = admin.post(
        "/api/v1/users",
        headers=h,
        json={"username": "liuqing", "display_name": "刘青", "role": "staff", "password": "x"},
    )
    assert _code(one) == (422, "PASSWORD_TOO_SHORT"), "a single problem keeps its own code"
    assert _code(admin.post("/api/v1/users", headers=h, json={"username": "liuqing"})) == (422, "REQUEST_INVALID")
    assert table_counts(world.engine) == before

    body = {"username": "LiuQing", "display_name": "刘青", "role": "reviewer", "password": NEW}
    created = admin.post("/api/v1/users", headers=h, json=body)
    assert created.status_code == 201, created.text
    made = created.json()
    assert made == {
        "id": _id(world, "liuqing"),
        "username": "liuqing",
        "name": "刘青",
        "role": "reviewer",
        "role_label": "合法性审查人员",
        "active": True,
    }
    assert _signs_in(world, "liuqing", NEW)
    assert ("user.created", "管理员", f"user:{made['id']}") in _events(world)
    again = admin.post("/api/v1/users", headers=h, json={**body, "username": "liuqing", "role": "staff"})
    assert _code(again) == (409, "USER_EXISTS")
    assert len(admin.get("/api/v1/users").json()["users"]) == 4


def test_disable_ends_the_sessions_enable_lets_in_again_and_no_admin_disables_themselves(world: WebWorld) -> None:
    clerk, _ = _signed_in(world, "zhaojian")
    assert clerk.get("/api/v1/rounds").status_code == 200
    admin, h = _signed_in(world, "admin")
    clerk_id, admin_id = _id(world, "zhaojian"), _id(world, "admin")
    off = admin.post(f"/api/v1/users/{clerk_id}/active", headers=h, json={"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    assert clerk.get("/api/v1/rounds").status_code == 401, "the clerk's open session ended"
    assert not _signs_in(world, "zhaojian", PASSWORD)
    twice = admin.post(f"/api/v1/users/{clerk_id}/active", headers=h, json={"active": False})
    assert _code(twice) == (409, "USER_STATE_UNCHANGED")
    on = admin.post(f"/api/v1/users/{clerk_id}/active", headers=h, json={"active": True})
    assert on.status_code == 200 and on.json()["active"] is True and _signs_in(world, "zhaojian", PASSWORD)
    assert [a for a, _, _ in _events(world)][-2:] == ["user.disabled", "user.enabled"]

    before = table_counts(world.engine)
    own = admin.post(f"/api/v1/users/{admin_id}/active", headers=h, json={"active": False})
    assert _code(own) == (409, "USER_SELF_DISABLE")
    missing = admin.post("/api/v1/users/999999/active", headers=h, json={"active": False})
    assert _code(missing) == (404, "USER_UNKNOWN")
    assert table_counts(world.engine) == before
    assert admin.get("/api/v1/users").status_code == 200, "still signed in, still an admin"

    # A second admin may disable the first; then the one left cannot disable itself (nor be locked out).
    second = {"username": "admin2", "display_name": "副管理员", "role": "admin", "password": NEW}
    assert admin.post("/api/v1/users", headers=h, json=second).status_code == 201
    admin2, h2 = _signed_in(world, "admin2", NEW)
    assert admin2.post(f"/api/v1/users/{admin_id}/active", headers=h2, json={"active": False}).status_code == 200
    assert admin.get("/api/v1/users").status_code == 401
    last = admin2.post(f"/api/v1/users/{_id(world, 'admin2')}/active", headers=h2, json={"active": False})
    assert _code(last) == (409, "USER_SELF_DISABLE")
    assert _signs_in(world, "admin2", NEW)


def test_a_reset_ends_every_session_of_the_account(world: WebWorld) -> None:
    reviewer, _ = _signed_in(world, "sfj")
    admin, h = _signed_in(world, "admin")
    sfj = _id(world, "sfj")
    before = table_counts(world.engine)
    short = admin.post(f"/api/v1/users/{sfj}/password", headers=h, json={"password": "short"})
    assert _code(short) == (422, "PASSWORD_TOO_SHORT")
    missing = admin.post("/api/v1/users/999999/password", headers=h, json={"password": NEW})
    assert _code(missing) == (404, "USER_UNKNOWN")
    assert table_counts(world.engine) == before and _signs_in(world, "sfj", PASSWORD), "nothing changed"
    done = admin.post(f"/api/v1/users/{sfj}/password", headers=h, json={"password": NEW})
    assert done.status_code == 200 and done.json()["username"] == "sfj"
    assert reviewer.get("/api/v1/rounds").status_code == 401, "a reset ends every session of the account"
    assert not _signs_in(world, "sfj", PASSWORD) and _signs_in(world, "sfj", NEW)
    assert ("user.password_reset", "管理员", f"user:{sfj}") in _events(world)


def test_everyone_changes_their_own_password_and_stays_signed_in_only_here(world: WebWorld) -> None:
    here, h = _signed_in(world, "sfj")
    elsewhere, _ = _signed_in(world, "sfj")
    path = "/api/v1/account/password"
    wrong = here.post(path, headers=h, json={"old_password": "wrong-password", "new_password": "short"})
    assert _code(wrong) == (422, "INPUT_PROBLEMS")
    assert set(wrong.json()["error"]["details"]["fields"]) == {"old_password", "new_password"}
    same = here.post(path, headers=h, json={"old_password": PASSWORD, "new_password": PASSWORD})
    assert _code(same) == (422, "PASSWORD_UNCHANGED")
    assert _code(here.post(path, json={"old_password": PASSWORD, "new_password": NEW})) == (403, "CSRF_INVALID")
    assert _signs_in(world, "sfj", PASSWORD), "nothing changed yet"
    done = here.post(path, headers=h, json={"old_password": PASSWORD, "new_password": NEW})
    assert done.status_code == 200 and done.json() == {"ok": True}
    assert here.get("/api/v1/rounds").status_code == 200, "still signed in here"
    assert elsewhere.get("/api/v1/rounds").status_code == 401, "signed out elsewhere"
    assert not _signs_in(world, "sfj", PASSWORD) and _signs_in(world, "sfj", NEW)
    assert ("user.password_changed", "司法局审查员", f"user:{_id(world, 'sfj')}") in _events(world)
    assert _code(world.client().post(path, json={"old_password": NEW, "new_password": PASSWORD})) == (
        401,
        "NOT_AUTHENTICATED",
    )


def test_guessing_the_old_password_through_the_api_is_throttled_like_a_login(world: WebWorld) -> None:
    client, h = _signed_in(world, "zhaojian")
    path = "/api/v1/account/password"
    answers = [
        client.post(path, headers=h, json={"old_password": f"guess-{n:04d}xx", "new_password": NEW}).status_code
        for n in range(12)
    ]
    assert answers[0] == 422 and answers[-1] == 429, answers
    waiting = client.post(path, headers=h, json={"old_password": PASSWORD, "new_password": NEW})
    assert _code(waiting) == (429, "RATE_LIMITED")
    assert not _signs_in(world, "zhaojian", NEW), "nothing changed"
