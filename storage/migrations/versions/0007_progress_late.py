"""Monthly progress: reports sent after the due time are kept, marked late; a unit's progress link can be
revoked (and a new one sent).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa
import storage.types


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("progress_report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("late", sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table("progress_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_revoked_at", storage.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("progress_request", schema=None) as batch_op:
        batch_op.drop_column("link_revoked_at")

    with op.batch_alter_table("progress_report", schema=None) as batch_op:
        batch_op.drop_column("late")
