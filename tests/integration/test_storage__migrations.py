"""Alembic migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

from storage.db import make_engine
from storage.migrate import alembic_config, is_initialised, upgrade


def _same_as_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), SQLModel.metadata)
        revision = MigrationContext.configure(conn).get_current_revision()
    assert diff == [], diff
    assert revision == ScriptDirectory.from_config(alembic_config(str(engine.url))).get_current_head()
    assert {"auditevent", "outboxmessage", "recipient", "round"} <= set(inspect(engine).get_table_names())


def test_upgrade_matches_models_and_is_idempotent(db_url: str) -> None:
    """Replaying every migration on an empty database builds exactly the models' schema."""
    engine: Engine = make_engine(db_url)
    assert not is_initialised(engine)
    upgrade(engine, from_models=False)
    upgrade(engine)
    assert is_initialised(engine)
    _same_as_models(engine)
    engine.dispose()


def test_an_empty_database_is_built_from_the_models_at_the_newest_revision(db_url: str) -> None:
    """``init`` on an empty database creates the tables in one go and records the newest revision, so the
    next upgrade has nothing to do; the test above proves the migrations end in the same schema."""
    engine: Engine = make_engine(db_url)
    upgrade(engine)
    _same_as_models(engine)
    upgrade(engine)  # stamped at head: nothing to replay
    _same_as_models(engine)
    engine.dispose()


def test_upgrading_an_existing_database_keeps_and_fills_its_rows(db_url: str) -> None:
    """A database at 0002 (with a round) upgrades to head; recipients get their unit's name filled in, the
    unit table, rebuilt for per-office names while a recipient points at it, keeps its row, and a decision
    that named its task (落实于序号8) keeps it, with no item named (0013)."""
    from alembic import command
    from sqlalchemy import text

    engine: Engine = make_engine(db_url)
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO office (id, name, short_name, email, reviewer_unit) VALUES (1, '市安委办', '', '', '')")
        )
        conn.execute(
            text(
                "INSERT INTO unit (id, name, category, aliases, contact, phone, email, webhook, active) "
                "VALUES (1, '市应急管理局', 'member_unit', '[]', '', '', '', '', true)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO draft (id, office_id, title, issuer, state, current_version, created_at) "
                "VALUES (1, 1, '通知', '市政府', 'soliciting', 1, '2026-03-02 01:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO round (id, draft_id, version, office_id, doc_number, doc_year, letter_date, deadline, "
                "deadline_warning, contact, phone, basis, requirements, state, created_at) VALUES (1, 1, 1, 1, "
                "'孝安办函〔2026〕1号', 2026, '2026-03-02', '2026-03-05 09:00:00', '', '赵健', '1', '', '', 'open', "
                "'2026-03-02 01:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO recipient (id, round_id, unit_id, state, late, revisions) "
                "VALUES (1, 1, 1, 'pending', false, 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO reply (id, recipient_id, round_id, revision, kind, channel, received_at, recorded_at, "
                "recorded_by, sealed, late, superseded, admitted, attachment_name, attachment_sha256) VALUES (1, 1, "
                "1, 1, 'comments', 'web', '2026-03-03 01:00:00', '2026-03-03 01:00:00', '赵健', false, false, false, "
                "false, '', '')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO comment (id, reply_id, round_id, seq, target, task_number, text, basis, reason) "
                "VALUES (1, 1, 1, 1, '序号8', 8, '建议增加演练。', '', '')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO decision (id, comment_id, outcome, reason, change_task_number, decided_by, decided_at) "
                "VALUES (1, 1, 'adopted', '', 8, '赵健', '2026-03-06 01:00:00')"
            )
        )
    upgrade(engine)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT unit_name, unit_category FROM recipient WHERE id = 1")).one()
        unit = conn.execute(text("SELECT name, office_id FROM unit WHERE id = 1")).one()
        decision = conn.execute(
            text(
                "SELECT outcome, change_task_number, change_item_version, change_item_seq, change_item_label "
                "FROM decision WHERE id = 1"
            )
        ).one()
    assert tuple(row) == ("市应急管理局", "member_unit")
    assert tuple(unit) == ("市应急管理局", 1), "the unit (asked in a round) is kept and belongs to the office"
    assert tuple(decision) == ("adopted", 8, None, None, None), "the decision keeps its task; no item is named"
    engine.dispose()
