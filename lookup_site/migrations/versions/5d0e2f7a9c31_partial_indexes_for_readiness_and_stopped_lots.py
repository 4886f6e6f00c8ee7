"""partial indexes for readiness (corrections) and the dashboard (stopped lots)

Revision ID: 5d0e2f7a9c31
Revises: 3b5dc7ef5a24
Create Date: 2026-11-29 01:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d0e2f7a9c31'
down_revision = '3b5dc7ef5a24'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(
            'ix_event_corrects_id', ['corrects_id'], unique=False,
            postgresql_where=sa.text('corrects_id IS NOT NULL'),
            sqlite_where=sa.text('corrects_id IS NOT NULL'),
        )
    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.create_index(
            'ix_lot_stopped', ['id'], unique=False,
            postgresql_where=sa.text("status <> 'active'"),
            sqlite_where=sa.text("status <> 'active'"),
        )


def downgrade():
    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.drop_index('ix_lot_stopped')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_corrects_id')
