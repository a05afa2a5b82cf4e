"""`make run`: a fresh SQLite database with the seed round and one open round a few minutes from
now, demo accounts, then the web server with the scheduler. Prints the URL and the logins."""

from __future__ import annotations

import argparse
import secrets
from datetime import timedelta
from importlib import resources
from pathlib import Path

from entrypoints.cli.main import main as cli
from kernel.actors import Actor, Role
from kernel.clock import SystemClock
from kernel.timefmt import cn_datetime, to_beijing
from storage.checkpoints import install
from storage.db import make_engine
from storage.migrate import upgrade
from storage.uow import UnitOfWork
from workflow.config import load_settings
from workflow.demo.loader import load_demo
from workflow.demo.units import demo_units
from workflow.parsing.draft_text import parse_draft_text
from workflow.services.accounts import add_user
from workflow.services.checkpoints import ensure_signing_key, load_publisher
from workflow.services.drafts import import_draft
from workflow.services.links import link_token
from workflow.services.queries import ILLUSTRATIVE_TIMES_NOTICE
from workflow.services.rounds import StartRound, start_round

ROOT = Path(__file__).resolve().parents[1]
ACCOUNTS = (
    ("zhaojian", "赵健", "staff", "anweiban-2023"),
    ("sifaju", "市司法局审查员", "reviewer", "hefaxing-2023"),
    ("admin", "系统管理员", "admin", "guanliyuan-2023"),
)


def write_config(database: Path, port: int) -> Path:
    path = database.parent / "demo-config.toml"
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text = text.replace('url = "sqlite:///var/consultflow.db"', f'url = "sqlite:///{database.resolve()}"')
    text = text.replace('"profiles/', f'"{ROOT}/profiles/')  # profile paths are relative to the config file
    text = text.replace("port = 8000", f"port = {port}").replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    text = text.replace('enabled = ["email", "webhook", "console"]', 'enabled = ["console"]\nconsole_only = true')
    secret = secrets.token_urlsafe(48)  # a fresh key per demo: nothing forgeable, no weak-key warning
    text = text.replace('secret_key = "change-me-in-production"', f'secret_key = "{secret}"')
    # The demo's own signing key and checkpoint file, next to its database (a fresh trail per demo).
    text = text.replace('signing_key = "var/audit-signing.key"', 'signing_key = "demo-audit-signing.key"')
    text = text.replace('checkpoint_file = "var/audit-checkpoints.jsonl"', 'checkpoint_file = "demo-checkpoints.jsonl"')
    path.write_text(text, encoding="utf-8")
    return path


def prepare(database: Path, port: int) -> Path:
    database.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    config = write_config(database, port)
    settings = load_settings(config)
    settings.audit_checkpoint_file.unlink(missing_ok=True)
    ensure_signing_key(settings)
    engine = make_engine(settings.database_url)
    install(engine, load_publisher(settings))
    upgrade(engine)
    seed = load_demo(engine, settings)
    clock = SystemClock()
    admin = Actor("make run", Role.admin)
    with UnitOfWork(engine) as uow:
        office = uow.directory.office_by_code(settings.default_office)
    for username, name, role, password in ACCOUNTS:
        with UnitOfWork(engine) as uow:
            add_user(
                uow, clock, admin, username=username, display_name=name, role=role, password=password,
                office_id=office.id if office and office.id else 0,
            )
    text = resources.files("workflow.demo").joinpath("data/draft_2023_safety.txt").read_text(encoding="utf-8")
    staff = Actor("赵健", Role.staff)
    with UnitOfWork(engine) as uow:
        draft = import_draft(
            uow,
            clock,
            staff,
            parse_draft_text(text),
            title="孝义市人民政府关于做好安全生产工作的通知（演示）",
            issuer="孝义市人民政府",
            filename="演示文稿.txt",
            office_id=office.id if office else None,
        )
    deadline = clock.now() + timedelta(minutes=5)
    year = to_beijing(clock.now()).year
    with UnitOfWork(engine) as uow:
        cmd = StartRound(
            draft_id=draft.draft_id,
            office_id=office.id if office and office.id else 0,
            doc_number=f"孝安办函〔{year}〕1号",
            deadline=deadline,
            contact="赵健",
            phone="18335877837",
            unit_names=[u.name for u in demo_units() if u.category == "市安委会成员单位"][:8],
        )
        started = start_round(uow, clock, staff, cmd, secret=settings.secret_key)
    secret = settings.secret_key
    with UnitOfWork(engine) as uow:
        recipient = uow.rounds.recipients(started.round_id)[0]
        token = link_token(uow, clock, secret, recipient[0].id or 0)
        uow.commit()
    base = settings.base_url
    print("\n征求意见系统已就绪（演示数据）：", base)
    print(f"  历史轮次：孝安办函〔2023〕1号 → {base}/rounds/{seed.round_id}")
    recorded, made_up = "、".join(seed.recorded), "、".join(seed.illustrative)
    print(f"    {ILLUSTRATIVE_TIMES_NOTICE}（{made_up}为示意；{recorded}为种子记载）")
    print(
        f"  进行中轮次：孝安办函〔{year}〕1号，截止 {cn_datetime(deadline)}（约5分钟后由调度器自动截止）"
        f" → {base}/rounds/{started.round_id}"
    )
    print(f"  单位回复链接（{recipient[1].name}）：{base}/r/{token}")
    print("  演示账号：")
    for username, name, _role, password in ACCOUNTS:
        print(f"    {name}：用户名 {username}，密码 {password}")
    print()
    engine.dispose()
    return config


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="var/demo.db")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    config = prepare(Path(args.database), args.port)
    cli(["serve", "--config", str(config)])


if __name__ == "__main__":
    main()
