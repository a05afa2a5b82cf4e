"""A decision can say it is carried out in any item of the draft (落实于第五条), not only in a task number.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 10:00:00.000000
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("change_item_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("change_item_seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("change_item_label", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_column("change_item_label")
        batch_op.drop_column("change_item_seq")
        batch_op.drop_column("change_item_version")
