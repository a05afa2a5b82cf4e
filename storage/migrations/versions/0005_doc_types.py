"""Document types and the process the law asks for: departures with reasons, review due dates and
checklists, 审查意见书, collective deliberation, publication and filing.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 13:37:41.303402
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliberation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("meeting", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("minutes_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("minutes_sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("minutes", sa.LargeBinary(), nullable=True),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deliberation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deliberation_round_id"), ["round_id"], unique=False)

    op.create_table(
        "departure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("departure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_departure_round_id"), ["round_id"], unique=False)

    op.create_table(
        "filing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("filed_to", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id"),
    )
    op.create_table(
        "publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("filing_due", sa.Date(), nullable=True),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id"),
    )
    op.create_table(
        "reviewdocument",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["legalityreview.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reviewdocument", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviewdocument_review_id"), ["review_id"], unique=False)

    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("doc_type", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="general")
        )
        batch_op.add_column(sa.Column("legal_basis", sa.Text(), nullable=False, server_default=""))

    with op.batch_alter_table("legalityreview", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_at", storage.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("min_at", storage.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("checklist", sa.Text(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("changes", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("missing_materials", sa.Text(), nullable=False, server_default="[]"))

    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="internal")
        )
        batch_op.add_column(sa.Column("shorten_reason", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_column("shorten_reason")
        batch_op.drop_column("scope")

    with op.batch_alter_table("legalityreview", schema=None) as batch_op:
        batch_op.drop_column("missing_materials")
        batch_op.drop_column("changes")
        batch_op.drop_column("checklist")
        batch_op.drop_column("min_at")
        batch_op.drop_column("due_at")

    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_column("legal_basis")
        batch_op.drop_column("doc_type")

    with op.batch_alter_table("reviewdocument", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviewdocument_review_id"))

    op.drop_table("reviewdocument")
    op.drop_table("publication")
    op.drop_table("filing")
    with op.batch_alter_table("departure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_departure_round_id"))

    op.drop_table("departure")
    with op.batch_alter_table("deliberation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliberation_round_id"))

    op.drop_table("deliberation")
