"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-29 05:27:50.559967
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hub_state',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_hub_state'))
    )
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('country', sa.String(length=3), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('code', name=op.f('uq_organisations_code'))
    )
    op.create_table('submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=500), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('profile', sa.String(length=32), nullable=False),
    sa.Column('schema_version', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('rows_accepted', sa.Integer(), nullable=False),
    sa.Column('rows_quarantined', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('report', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_submissions_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['replaces_id'], ['submissions.id'], name=op.f('fk_submissions_replaces_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions'))
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submissions_organisation_id_sha256'), ['organisation_id', 'sha256'], unique=False)

    op.create_table('case_records',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('local_id', sa.String(length=128), nullable=True),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('year_band', sa.String(length=16), nullable=True),
    sa.Column('gender', sa.String(length=48), nullable=True),
    sa.Column('age_band', sa.String(length=48), nullable=True),
    sa.Column('majority_status', sa.String(length=48), nullable=True),
    sa.Column('majority_at_exploit', sa.String(length=48), nullable=True),
    sa.Column('citizenship', sa.String(length=48), nullable=True),
    sa.Column('citizenship_region', sa.String(length=48), nullable=True),
    sa.Column('country_of_exploitation', sa.String(length=48), nullable=True),
    sa.Column('exploitation_region', sa.String(length=48), nullable=True),
    sa.Column('duration_band', sa.String(length=48), nullable=True),
    sa.Column('trafficking_status', sa.String(length=48), nullable=True),
    sa.Column('status_decided_by', sa.String(length=48), nullable=True),
    sa.Column('data_source', sa.String(length=48), nullable=True),
    sa.Column('primary_language', sa.String(length=48), nullable=True),
    sa.Column('secondary_language', sa.String(length=48), nullable=True),
    sa.Column('forms_yes', sa.Integer(), nullable=True),
    sa.Column('forms_known', sa.Integer(), nullable=True),
    sa.Column('sectors_yes', sa.Integer(), nullable=True),
    sa.Column('sectors_known', sa.Integer(), nullable=True),
    sa.Column('sex_types_yes', sa.Integer(), nullable=True),
    sa.Column('sex_types_known', sa.Integer(), nullable=True),
    sa.Column('means_yes', sa.Integer(), nullable=True),
    sa.Column('means_known', sa.Integer(), nullable=True),
    sa.Column('recruiters_yes', sa.Integer(), nullable=True),
    sa.Column('recruiters_known', sa.Integer(), nullable=True),
    sa.Column('extra', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_case_records_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_case_records_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_records'))
    )
    with op.batch_alter_table('case_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_records_country_of_exploitation_year'), ['country_of_exploitation', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_records_submission_id'), ['submission_id'], unique=False)

    op.create_table('country_aggregates',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('iso3', sa.String(length=3), nullable=False),
    sa.Column('indicator', sa.String(length=128), nullable=False),
    sa.Column('dimension', sa.String(length=128), nullable=False),
    sa.Column('category', sa.String(length=256), nullable=False),
    sa.Column('category_code', sa.String(length=64), nullable=True),
    sa.Column('sex', sa.String(length=16), nullable=False),
    sa.Column('age', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=True),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('suppressed', sa.Boolean(), nullable=False),
    sa.Column('value_text', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=256), nullable=True),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_country_aggregates_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_country_aggregates'))
    )
    with op.batch_alter_table('country_aggregates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_country_aggregates_iso3_indicator_year'), ['iso3', 'indicator', 'year'], unique=False)

    op.create_table('quarantine',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('row_values', sa.Text(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_quarantine_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantine'))
    )
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quarantine_submission_id'), ['submission_id'], unique=False)

    op.create_table('stat_cubes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('cube', sa.String(length=16), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('data_source', sa.String(length=48), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('year_band', sa.String(length=16), nullable=True),
    sa.Column('gender', sa.String(length=48), nullable=True),
    sa.Column('age_band', sa.String(length=48), nullable=True),
    sa.Column('majority_status', sa.String(length=48), nullable=True),
    sa.Column('forms_yes', sa.Integer(), nullable=True),
    sa.Column('means_yes', sa.Integer(), nullable=True),
    sa.Column('recruiters_yes', sa.Integer(), nullable=True),
    sa.Column('citizenship', sa.String(length=48), nullable=True),
    sa.Column('citizenship_region', sa.String(length=48), nullable=True),
    sa.Column('country_of_exploitation', sa.String(length=48), nullable=True),
    sa.Column('exploitation_region', sa.String(length=48), nullable=True),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_stat_cubes_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stat_cubes'))
    )
    with op.batch_alter_table('stat_cubes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stat_cubes_cube'), ['cube'], unique=False)
        batch_op.create_index(batch_op.f('ix_stat_cubes_submission_id'), ['submission_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('stat_cubes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stat_cubes_submission_id'))
        batch_op.drop_index(batch_op.f('ix_stat_cubes_cube'))

    op.drop_table('stat_cubes')
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quarantine_submission_id'))

    op.drop_table('quarantine')
    with op.batch_alter_table('country_aggregates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_country_aggregates_iso3_indicator_year'))

    op.drop_table('country_aggregates')
    with op.batch_alter_table('case_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_records_submission_id'))
        batch_op.drop_index(batch_op.f('ix_case_records_country_of_exploitation_year'))

    op.drop_table('case_records')
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissions_organisation_id_sha256'))

    op.drop_table('submissions')
    op.drop_table('organisations')
    op.drop_table('hub_state')
