"""The PostgreSQL job queue's tables (procrastinate), on PostgreSQL only.

`vats worker` and the web processes share one queue in the database users already run; SQLite keeps
running jobs inside `vats serve`, so nothing is created there. The schema is the one procrastinate
ships for the pinned version (its own SQL, applied once here so migrations still run in one place).

Revision ID: 0016_jobs
Revises: 0015_copies
"""

from __future__ import annotations

from alembic import op

revision = "0016_jobs"
down_revision = "0015_copies"
branch_labels = None
depends_on = None

_TABLES = (
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
)
_TYPES = ("procrastinate_job_to_defer_v1", "procrastinate_job_event_type", "procrastinate_job_status")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from procrastinate.schema import SchemaManager

    exists = bind.exec_driver_sql("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").scalar()
    if not exists:
        # Through the driver without parameters: the schema's SQL holds literal `%` signs.
        driver = bind.connection.driver_connection
        assert driver is not None, "an open PostgreSQL connection"
        driver.execute(SchemaManager.get_schema())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in _TABLES:
        bind.exec_driver_sql(f"DROP TABLE IF EXISTS {table} CASCADE")
    functions = bind.exec_driver_sql(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate%%'"
    ).scalars()
    for signature in list(functions):
        bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {signature} CASCADE")
    for type_name in _TYPES:
        bind.exec_driver_sql(f"DROP TYPE IF EXISTS {type_name} CASCADE")
