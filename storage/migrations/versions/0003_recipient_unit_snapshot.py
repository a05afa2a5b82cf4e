"""Recipients keep the unit's name and category as they were when it was asked.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 09:43:57.034423
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recipient", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unit_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("unit_category", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="")
        )
    # Existing rounds: the best record of the name at the time is the name now.
    op.execute(
        "UPDATE recipient SET unit_name = (SELECT unit.name FROM unit WHERE unit.id = recipient.unit_id), "
        "unit_category = (SELECT unit.category FROM unit WHERE unit.id = recipient.unit_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("recipient", schema=None) as batch_op:
        batch_op.drop_column("unit_category")
        batch_op.drop_column("unit_name")
