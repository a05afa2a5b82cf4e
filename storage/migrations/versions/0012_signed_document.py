"""The signed final document uploaded at 印发, kept with its SHA-256.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 10:00:00.000000
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signeddocument",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("doc_number", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("uploaded_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("signeddocument", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signeddocument_round_id"), ["round_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("signeddocument", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signeddocument_round_id"))
    op.drop_table("signeddocument")
