"""The letter's own words on the round (purpose, focus, attachment names) and the demo's illustrative-times flag.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 09:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild: recipients, replies and reviews point at round).
    op.add_column("round", sa.Column("purpose", sa.Text(), nullable=False, server_default=""))
    op.add_column("round", sa.Column("focus", sa.Text(), nullable=False, server_default=""))
    op.add_column("round", sa.Column("attachment_names", sa.Text(), nullable=False, server_default="{}"))
    op.add_column("round", sa.Column("draft_stage", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""))
    op.add_column(
        "round", sa.Column("illustrative_times", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_column("illustrative_times")
        batch_op.drop_column("draft_stage")
        batch_op.drop_column("attachment_names")
        batch_op.drop_column("focus")
        batch_op.drop_column("purpose")
