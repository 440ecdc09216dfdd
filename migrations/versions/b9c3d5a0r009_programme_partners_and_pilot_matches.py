"""programme solution partners; programme-only pilot scenarios; proposals name a solution; selection makes a match

Programmes get solution partners (provider organisations). An open scenario may be visible to one
programme only (visibility `programme`, `programme_id`) and records the need its selection created
(`need_id`; a confidential one when the scenario was not public: `needs.confidential`); a proposal names
the provider's solution it offers (`solution_id`, empty on older rows).

Revision ID: b9c3d5a0r009
Revises: b8e2f4a0r008
Create Date: 2026-11-27 09:00:00

"""
from alembic import op
import sqlalchemy as sa

VISIBILITY_BEFORE = "visibility IN ('public', 'invited')"
VISIBILITY_AFTER = "visibility IN ('public', 'invited', 'programme')"


def _visibility_check(batch_op, condition: str) -> None:
    batch_op.drop_constraint(op.f("ck_open_scenarios_pilotvisibility"), type_="check")
    batch_op.create_check_constraint(op.f("ck_open_scenarios_pilotvisibility"), sa.text(condition))


# revision identifiers, used by Alembic.
revision = "b9c3d5a0r009"
down_revision = "b8e2f4a0r008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "programme_partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_programme_partners_organization_id_organizations")),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"],
                                name=op.f("fk_programme_partners_programme_id_programmes"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_partners")),
        sa.UniqueConstraint("programme_id", "organization_id", name="uq_programme_partners_programme_org"),
    )
    with op.batch_alter_table("programme_partners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programme_partners_organization_id"), ["organization_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_programme_partners_programme_id"), ["programme_id"], unique=False)

    with op.batch_alter_table("open_scenarios", schema=None) as batch_op:
        batch_op.add_column(sa.Column("programme_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("need_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_open_scenarios_programme_id"), ["programme_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_open_scenarios_programme_id_programmes"), "programmes",
                                    ["programme_id"], ["id"])
        batch_op.create_foreign_key(batch_op.f("fk_open_scenarios_need_id_needs"), "needs", ["need_id"], ["id"])
        _visibility_check(batch_op, VISIBILITY_AFTER)

    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confidential", sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("solution_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_proposals_solution_id"), ["solution_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_proposals_solution_id_solutions"), "solutions",
                                    ["solution_id"], ["id"])


def downgrade():
    # Programme-only scenarios cannot be expressed before this revision: they become invitation-only
    # (visible to their owner and officials only; no invitees), never public.
    op.execute(sa.text("UPDATE open_scenarios SET visibility = 'invited' WHERE visibility = 'programme'"))
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_proposals_solution_id_solutions"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_proposals_solution_id"))
        batch_op.drop_column("solution_id")

    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.drop_column("confidential")

    with op.batch_alter_table("open_scenarios", schema=None) as batch_op:
        _visibility_check(batch_op, VISIBILITY_BEFORE)
        batch_op.drop_constraint(batch_op.f("fk_open_scenarios_need_id_needs"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_open_scenarios_programme_id_programmes"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_open_scenarios_programme_id"))
        batch_op.drop_column("need_id")
        batch_op.drop_column("programme_id")

    with op.batch_alter_table("programme_partners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_partners_programme_id"))
        batch_op.drop_index(batch_op.f("ix_programme_partners_organization_id"))
    op.drop_table("programme_partners")
