"""Alembic migrations of the forms app (run by `carriere db upgrade`)."""
