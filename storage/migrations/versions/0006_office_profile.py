"""Office profiles: each office's code and its profile (categories, wording, reviewer) as JSON.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 16:40:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild: other tables' foreign keys point at office).
    op.add_column("office", sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.add_column("office", sa.Column("profile", sa.Text(), nullable=False, server_default="{}"))
    op.create_index(op.f("ix_office_code"), "office", ["code"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_office_code"), table_name="office")
    with op.batch_alter_table("office", schema=None) as batch_op:
        batch_op.drop_column("profile")
        batch_op.drop_column("code")
