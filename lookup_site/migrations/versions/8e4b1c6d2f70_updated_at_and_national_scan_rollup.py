"""updated_at on products, producers, certifications and lots; lot links' created_at;
national rollups of checks (per day and language) and shared provinces;
per-product readiness facts

Revision ID: 8e4b1c6d2f70
Revises: 5d0e2f7a9c31
Create Date: 2026-11-29 03:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8e4b1c6d2f70'
down_revision = '5d0e2f7a9c31'
branch_labels = None
depends_on = None

# Each table's best earlier time for the rows already there.
BACKFILL = {
    'producer': 'created_at',
    'product': 'created_at',
    'certification': 'created_at',
    # A recall or suspension changed the lot after it was created.
    'lot': 'coalesce(status_changed_at, created_at)',
}


def upgrade():
    for table, expression in BACKFILL.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        op.execute(f'UPDATE {table} SET updated_at = {expression}')
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                'updated_at', existing_type=sa.DateTime(timezone=True), nullable=False
            )

    with op.batch_alter_table('lot_input', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))
    # A link is at least as new as the newer of its two lots.
    op.execute(
        'UPDATE lot_input SET created_at = (SELECT max(lot.created_at) FROM lot '
        'WHERE lot.id IN (lot_input.output_lot_id, lot_input.input_lot_id))'
    )
    with op.batch_alter_table('lot_input', schema=None) as batch_op:
        batch_op.alter_column(
            'created_at', existing_type=sa.DateTime(timezone=True), nullable=False
        )

    op.create_table('scan_national_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'language', name=op.f('pk_scan_national_day'))
    )
    op.execute(
        'INSERT INTO scan_national_day (day, language, count) '
        'SELECT day, language, sum(count) FROM scan_day GROUP BY day, language'
    )
    op.create_table('scan_national_place',
    sa.Column('province', sa.String(length=40), nullable=False),
    sa.Column('scans', sa.Integer(), nullable=False),
    sa.Column('first_scans', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('province', name=op.f('pk_scan_national_place'))
    )
    op.execute(
        'INSERT INTO scan_national_place (province, scans, first_scans) '
        'SELECT province, sum(scans), sum(first_scans) FROM scan_place GROUP BY province'
    )

    op.create_table('product_readiness',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('lots', sa.Integer(), nullable=False),
    sa.Column('lots_without_production_date', sa.Integer(), nullable=False),
    sa.Column('lots_with_best_before', sa.Integer(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('lots_with_events', sa.Integer(), nullable=False),
    sa.Column('events_without_place', sa.Integer(), nullable=False),
    sa.Column('events_without_gln', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_product_readiness_product_id_product')),
    sa.PrimaryKeyConstraint('product_id', name=op.f('pk_product_readiness'))
    )
    op.execute(READINESS_FACTS)


# What services/readiness.py counts, for every product already there.
BLANK = "coalesce(trim({}), '') = ''"
READINESS_FACTS = f"""
INSERT INTO product_readiness (
    product_id, lots, lots_without_production_date, lots_with_best_before,
    events, lots_with_events, events_without_place, events_without_gln
)
SELECT product.id,
    coalesce(lots.lots, 0), coalesce(lots.undated, 0), coalesce(lots.best_before, 0),
    coalesce(entries.events, 0), coalesce(entries.lots, 0),
    coalesce(entries.without_place, 0), coalesce(entries.without_gln, 0)
FROM product
LEFT JOIN (
    SELECT product_id, count(id) AS lots, count(id) - count(production_date) AS undated,
        count(best_before) AS best_before
    FROM lot GROUP BY product_id
) AS lots ON lots.product_id = product.id
LEFT JOIN (
    SELECT lot.product_id, count(event.id) AS events, count(DISTINCT event.lot_id) AS lots,
        sum(CASE WHEN {BLANK.format('event.location_name')}
            AND {BLANK.format('event.location_address')}
            AND {BLANK.format('event.location_gln')} THEN 1 ELSE 0 END) AS without_place,
        sum(CASE WHEN {BLANK.format('event.location_gln')} THEN 1 ELSE 0 END) AS without_gln
    FROM event JOIN lot ON lot.id = event.lot_id
    WHERE event.id NOT IN (SELECT corrects_id FROM event WHERE corrects_id IS NOT NULL)
    GROUP BY lot.product_id
) AS entries ON entries.product_id = product.id
"""


def downgrade():
    op.drop_table('product_readiness')
    op.drop_table('scan_national_place')
    op.drop_table('scan_national_day')
    with op.batch_alter_table('lot_input', schema=None) as batch_op:
        batch_op.drop_column('created_at')
    for table in reversed(list(BACKFILL)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('updated_at')
