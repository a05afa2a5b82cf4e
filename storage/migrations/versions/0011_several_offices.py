"""Several offices on one server: units and accounts belong to an office, audit events name theirs.

Unit names become unique per office (two offices may both list 市应急管理局). Existing units, accounts and
drafts are given the first office (the only one a database made before this revision can have). Audit
events stored before keep no office: their hashes cover none, and the chain must still verify (their
round says whose they are).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

FIRST_OFFICE = "(SELECT MIN(id) FROM office)"


def upgrade() -> None:
    bind = op.get_bind()
    units = bind.execute(sa.text("SELECT COUNT(*) FROM unit")).scalar_one()
    offices = bind.execute(sa.text("SELECT COUNT(*) FROM office")).scalar_one()
    if units and not offices:  # a directory imported before any office existed: give it one to belong to
        op.execute("INSERT INTO office (name, short_name, email, reviewer_unit, profile) VALUES ('发文机关', '', '', '', '{}')")
    if bind.dialect.name == "sqlite":
        # The unnamed UNIQUE(name) of 0001 can only go by rebuilding the table (storage.migrate turns
        # foreign-key enforcement off around migrations, as SQLite's ALTER TABLE procedure requires).
        with op.batch_alter_table(
            "unit", recreate="always", naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"}
        ) as batch_op:
            batch_op.drop_constraint("uq_unit_name", type_="unique")
            batch_op.add_column(sa.Column("office_id", sa.Integer(), nullable=True))
    else:
        op.drop_constraint("unit_name_key", "unit", type_="unique")
        op.add_column("unit", sa.Column("office_id", sa.Integer(), nullable=True))
    op.execute(f"UPDATE unit SET office_id = {FIRST_OFFICE}")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.alter_column("office_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key("fk_unit_office_id_office", "office", ["office_id"], ["id"])
        batch_op.create_unique_constraint("uq_unit_office_name", ["office_id", "name"])
        batch_op.create_index(batch_op.f("ix_unit_office_id"), ["office_id"], unique=False)

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("office_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_user_office_id_office", "office", ["office_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_user_office_id"), ["office_id"], unique=False)
    op.execute(f'UPDATE "user" SET office_id = {FIRST_OFFICE}')
    op.execute(f"UPDATE draft SET office_id = {FIRST_OFFICE} WHERE office_id IS NULL")

    op.add_column("auditevent", sa.Column("office_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_auditevent_office_id"), "auditevent", ["office_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_auditevent_office_id"), table_name="auditevent")
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.drop_column("office_id")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_office_id"))
        batch_op.drop_constraint("fk_user_office_id_office", type_="foreignkey")
        batch_op.drop_column("office_id")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_office_id"))
        batch_op.drop_constraint("uq_unit_office_name", type_="unique")
        batch_op.drop_constraint("fk_unit_office_id_office", type_="foreignkey")
        batch_op.drop_column("office_id")
        batch_op.create_unique_constraint("unit_name_key", ["name"])
