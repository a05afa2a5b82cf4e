"""Drafts of every shape: each version's addressable items (序号, 章/节/条/款/项, numbered headings), the
links that carry them from one version to the next, the version's kind, and each comment's anchor.

Versions stored before this have no items: their tasks are read as items (workflow.services.draft_items).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 09:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draft_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("parent_seq", sa.Integer(), nullable=True),
        sa.Column("heading", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["draftversion.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "seq"),
    )
    with op.batch_alter_table("draft_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draft_item_version_id"), ["version_id"], unique=False)

    op.create_table(
        "draft_item_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("from_seq", sa.Integer(), nullable=False),
        sa.Column("to_seq", sa.Integer(), nullable=False),
        sa.Column("main", sa.Boolean(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["draftversion.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "from_seq", "to_seq"),
    )
    with op.batch_alter_table("draft_item_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draft_item_link_version_id"), ["version_id"], unique=False)

    with op.batch_alter_table("draftversion", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="tasks")
        )

    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anchor_seq", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_column("anchor_seq")

    with op.batch_alter_table("draftversion", schema=None) as batch_op:
        batch_op.drop_column("kind")

    with op.batch_alter_table("draft_item_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_item_link_version_id"))
    op.drop_table("draft_item_link")
    with op.batch_alter_table("draft_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_item_version_id"))
    op.drop_table("draft_item")
