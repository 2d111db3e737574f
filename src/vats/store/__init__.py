"""Persistence: SQLAlchemy models, Alembic migrations and repositories (SQLite or PostgreSQL)."""
