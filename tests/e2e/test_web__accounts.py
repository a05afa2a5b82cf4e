"""Accounts in the web app (issue 11): the admin lists, creates, disables and enables accounts and resets
passwords under the CLI's rules, all audited; everyone changes their own password (old once, new twice);
nobody but an admin sees the accounts (403 in Chinese)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from storage.uow import UnitOfWork
from tests.support.cli import table_counts
from tests.support.web import PASSWORD, WebWorld, build_world, login
from workflow.services.audit import export_events

NEW = "new-password-2026"


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def _signs_in(world: WebWorld, username: str, password: str) -> bool:
    answer = world.client().post("/api/v1/session", json={"username": username, "password": password})
    return answer.status_code == 200


def _user_id(world: WebWorld, username: str) -> int:
    with UnitOfWork(world.engine) as uow:
        user = uow.accounts.by_username(username)
        assert user is not None
        return user.id or 0


def _events(world: WebWorld, prefix: str) -> list[tuple[str, str, str]]:
    with UnitOfWork(world.engine) as uow:
        events = export_events(uow, None)
    return [(e["action"], e["actor"], e["entity"]) for e in events if e["action"].startswith(prefix)]


def _error(html: str, field: str) -> str:
    found = re.search(rf'data-error-for="{field}">([^<]*)<', html)
    return found.group(1) if found else ""


def test_only_admins_see_or_change_accounts(world: WebWorld) -> None:
    anonymous = world.client()
    assert anonymous.get("/admin/users").status_code == 303, "to the login page"
    for username in ("zhaojian", "sfj"):
        client = world.client()
        csrf = login(client, username)
        page = client.get("/admin/users")
        assert page.status_code == 403 and "只有系统管理员可以管理账号。" in page.text
        assert 'href="/admin/users"' not in client.get("/account/password").text, "no menu entry either"
        created = client.post(
            "/admin/users",
            data={"csrf_token": csrf, "username": "x", "display_name": "某", "role": "admin", "password": NEW},
        )
        assert created.status_code == 403
    admin = world.client()
    csrf = login(admin, "admin")
    page = admin.get("/admin/users").text
    assert 'href="/admin/users"' in page
    cells = r'data-account="([^"]+)".*?<td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td>'
    rows = dict(re.findall(cells, page, re.S))
    assert rows == {"zhaojian": "工作人员", "sfj": "合法性审查人员", "admin": "管理员"}
    assert admin.post("/admin/users", data={"username": "x"}).status_code == 403, "CSRF as every form"


def test_an_admin_creates_an_account_and_is_told_every_problem_at_once(world: WebWorld) -> None:
    admin = world.client()
    csrf = login(admin, "admin")
    before = table_counts(world.engine)
    refused = admin.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "username": "liuqing",
            "display_name": " ",
            "role": "reviewer",
            "password": "short",
            "password2": "shorter",
        },
    )
    assert refused.status_code == 422
    assert _error(refused.text, "display_name") == "请填写用户名和姓名。"
    assert _error(refused.text, "password") == "密码至少需要10个字符。"
    assert _error(refused.text, "password2") == "两次输入的新密码不一致。"
    assert 'value="liuqing"' in refused.text and '<option value="reviewer" selected>' in refused.text, "kept"
    assert "short" not in refused.text, "passwords are never sent back"
    assert table_counts(world.engine) == before
    created = admin.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "username": "LiuQing",
            "display_name": "刘青",
            "role": "reviewer",
            "password": NEW,
            "password2": NEW,
        },
    )
    assert created.status_code == 303 and created.headers["location"] == "/admin/users?ok=user_created"
    assert _signs_in(world, "liuqing", NEW), "stored under the one normal form of the name"
    assert ("user.created", "管理员", f"user:{_user_id(world, 'liuqing')}") in _events(world, "user.")
    again = admin.post(
        "/admin/users",
        data={"csrf_token": csrf, "username": "liuqing", "display_name": "刘青", "role": "staff",
              "password": NEW, "password2": NEW},
    )
    assert again.status_code == 409 and _error(again.text, "username") == "用户名“liuqing”已存在。"


def test_disabling_signs_the_account_out_and_enabling_lets_it_in_again(world: WebWorld) -> None:
    clerk = world.client()
    login(clerk, "zhaojian")
    assert clerk.get("/").status_code == 200
    admin = world.client()
    csrf = login(admin, "admin")
    clerk_id = _user_id(world, "zhaojian")
    off = admin.post(f"/admin/users/{clerk_id}/active", data={"csrf_token": csrf, "active": "0"})
    assert off.status_code == 303 and off.headers["location"] == "/admin/users?ok=user_disabled"
    assert clerk.get("/").status_code == 303, "the clerk's open session ended"
    assert not _signs_in(world, "zhaojian", PASSWORD)
    listed = admin.get("/admin/users").text
    assert re.search(r'data-account="zhaojian" class="inactive">.*?已停用', listed, re.S)
    twice = admin.post(f"/admin/users/{clerk_id}/active", data={"csrf_token": csrf, "active": "0"})
    assert twice.status_code == 409 and "已经是停用状态" in twice.text
    on = admin.post(f"/admin/users/{clerk_id}/active", data={"csrf_token": csrf, "active": "1"})
    assert on.status_code == 303 and _signs_in(world, "zhaojian", PASSWORD)
    assert [a for a, _, _ in _events(world, "user.")][-2:] == ["user.disabled", "user.enabled"]


def test_an_admin_cannot_lock_the_accounts_away(world: WebWorld) -> None:
    admin = world.client()
    csrf = login(admin, "admin")
    own = admin.post(f"/admin/users/{_user_id(world, 'admin')}/active", data={"csrf_token": csrf, "active": "0"})
    assert own.status_code == 409 and "不能停用自己正在使用的账号" in own.text
    assert "USER_SELF_DISABLE" in own.text
    page = admin.get("/admin/users").text
    own_row = re.search(r'(?s)data-account="admin".*?</tr>', page).group(0)  # type: ignore[union-attr]
    assert "/active" not in own_row and 'href="/account/password"' in own_row, "its own row offers the password page"
    missing = admin.post("/admin/users/999/active", data={"csrf_token": csrf, "active": "0"})
    assert missing.status_code == 404 and "编号为 999 的账号不存在" in missing.text


def test_an_admin_resets_a_password_typed_twice(world: WebWorld) -> None:
    reviewer = world.client()
    login(reviewer, "sfj")
    admin = world.client()
    csrf = login(admin, "admin")
    sfj = _user_id(world, "sfj")
    mismatch = admin.post(
        f"/admin/users/{sfj}/password", data={"csrf_token": csrf, "password": NEW, "password2": NEW + "x"}
    )
    assert mismatch.status_code == 422
    row = re.search(r'(?s)data-account="sfj".*?</tr>', mismatch.text).group(0)  # type: ignore[union-attr]
    assert _error(row, "password2") == "两次输入的新密码不一致。" and "<details class=\"reset\" open>" in row
    assert _error(re.search(r'(?s)data-account="zhaojian".*?</tr>', mismatch.text).group(0), "password2") == ""  # type: ignore[union-attr]
    assert _signs_in(world, "sfj", PASSWORD), "nothing changed"
    done = admin.post(f"/admin/users/{sfj}/password", data={"csrf_token": csrf, "password": NEW, "password2": NEW})
    assert done.status_code == 303 and done.headers["location"] == "/admin/users?ok=password_reset"
    assert reviewer.get("/review").status_code == 303, "a reset ends every session of the account"
    assert not _signs_in(world, "sfj", PASSWORD) and _signs_in(world, "sfj", NEW)
    assert ("user.password_reset", "管理员", f"user:{sfj}") in _events(world, "user.")


def _change(client: TestClient, csrf: str, old: str, new: str, repeat: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/account/password",
        data={"csrf_token": csrf, "old_password": old, "new_password": new, "new_password2": repeat},
    )


def test_everyone_changes_their_own_password_and_stays_signed_in_only_here(world: WebWorld) -> None:
    here = world.client()
    csrf = login(here, "sfj")
    elsewhere = world.client()
    login(elsewhere, "sfj")
    page = here.get("/account/password")
    assert page.status_code == 200 and 'id="old_password"' in page.text and 'href="/account/password"' in page.text
    before = table_counts(world.engine)
    refused = _change(here, csrf, "wrong-password", "short", "shorter")
    assert refused.status_code == 422 and "请修改以下3处" in refused.text
    assert _error(refused.text, "old_password") == "原密码不正确。"
    assert _error(refused.text, "new_password") == "密码至少需要10个字符。"
    assert _error(refused.text, "new_password2") == "两次输入的新密码不一致。"
    assert "wrong-password" not in refused.text
    counts = table_counts(world.engine)
    assert counts.pop("rate_limit_counter") > before.pop("rate_limit_counter"), "the failure is counted"
    assert counts == before, "nothing else changed"
    same = _change(here, csrf, PASSWORD, PASSWORD, PASSWORD)
    assert same.status_code == 422 and _error(same.text, "new_password") == "新密码不能与原密码相同。"
    done = _change(here, csrf, PASSWORD, NEW, NEW)
    assert done.status_code == 303 and done.headers["location"] == "/account/password?ok=password_changed"
    assert "密码已修改" in here.get(done.headers["location"]).text, "still signed in here"
    assert elsewhere.get("/review").status_code == 303, "signed out elsewhere"
    assert not _signs_in(world, "sfj", PASSWORD) and _signs_in(world, "sfj", NEW)
    assert ("user.password_changed", "司法局审查员", f"user:{_user_id(world, 'sfj')}") in _events(world, "user.")


def test_guessing_the_old_password_through_a_session_is_throttled_like_a_login(world: WebWorld) -> None:
    client = world.client()
    csrf = login(client, "zhaojian")
    answers = [_change(client, csrf, f"guess-{n:04d}xx", NEW, NEW).status_code for n in range(12)]
    assert answers[0] == 422 and answers[-1] == 429, answers
    waiting = _change(client, csrf, PASSWORD, NEW, NEW)
    assert waiting.status_code == 429 and "失败次数过多" in waiting.text and "秒后重试" in waiting.text
    assert _events(world, "user.password_changed") == [], "even the right old password waits: nothing changed"
    assert not _signs_in(world, "zhaojian", PASSWORD), "one counter: signing in from here waits too"
