"""Migration 0002_cv_courrier creates exactly what the CV and courrier models declare."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from forms_app.core.db import Base, make_engine

OURS = {"cv_entries", "messages"}


def _about_our_tables(diff) -> bool:
    """True when an autogenerate difference concerns the CV or courrier tables."""
    if isinstance(diff, list):
        return any(_about_our_tables(d) for d in diff)
    for item in diff[1:]:
        name = getattr(item, "name", None)
        table = getattr(item, "table", None)
        if name in OURS or getattr(table, "name", None) in OURS or item in OURS:
            return True
    return False


@pytest.mark.postgres
def test_migrated_schema_matches_the_models(db_url):
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = [d for d in compare_metadata(context, Base.metadata) if _about_our_tables(d)]
    finally:
        engine.dispose()
    assert diffs == []
