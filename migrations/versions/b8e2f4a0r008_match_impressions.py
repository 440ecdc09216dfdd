"""match impressions: the match lists shown to need owners, for providers' track records

Revision ID: b8e2f4a0r008
Revises: b4f0b3d0r004
Create Date: 2026-11-26 01:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b8e2f4a0r008"
down_revision = "b4f0b3d0r004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "match_impressions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("industry", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("shown_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["need_id"], ["needs.id"], name=op.f("fk_match_impressions_need_id_needs"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["provider_id"], ["organizations.id"],
                                name=op.f("fk_match_impressions_provider_id_organizations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["solution_id"], ["solutions.id"],
                                name=op.f("fk_match_impressions_solution_id_solutions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_impressions")),
    )
    with op.batch_alter_table("match_impressions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_impressions_need_id"), ["need_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_match_impressions_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_match_impressions_shown_at"), ["shown_at"], unique=False)


def downgrade():
    with op.batch_alter_table("match_impressions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_impressions_shown_at"))
        batch_op.drop_index(batch_op.f("ix_match_impressions_provider_id"))
        batch_op.drop_index(batch_op.f("ix_match_impressions_need_id"))
    op.drop_table("match_impressions")
