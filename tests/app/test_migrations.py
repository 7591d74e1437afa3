"""The migrations form one numbered chain with one head; they go up and down again on SQLite; the
tables of the dossier's history and of the courrier's attachments are exactly what the models say."""
from __future__ import annotations

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from forms_app.core.db import Base, make_engine
from forms_app.core.migrate import MIGRATIONS, alembic_config, current_revision, upgrade

OURS = {"message_pieces", "agent_carriere", "agent_affectations", "agents"}


def scripts(engine) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(engine))


def test_one_linear_chain_with_one_head_numbered_in_order(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'vide.db'}")
    try:
        directory = scripts(engine)
        heads = directory.get_heads()
        assert len(heads) == 1, f"plusieurs têtes de migration : {heads} : chaînez la vôtre sur la plus récente"
        chain = list(reversed(list(directory.walk_revisions())))
    finally:
        engine.dispose()
    assert chain[0].down_revision is None
    for number, script in enumerate(chain, start=1):
        assert re.match(rf"{number:04d}_", script.revision), (number, script.revision)
        assert (MIGRATIONS / "versions" / f"{script.revision}.py").is_file(), script.revision
    files = sorted(p.stem for p in (MIGRATIONS / "versions").glob("[0-9]*.py"))
    assert files == [s.revision for s in chain], "un fichier de migration hors de la chaîne"


def test_upgrade_then_downgrade_to_base_then_upgrade_again(tmp_path):
    from alembic import command

    engine = make_engine(f"sqlite:///{tmp_path / 'allers-retours.db'}")
    try:
        upgrade(engine)
        head = scripts(engine).get_current_head()
        assert current_revision(engine) == head
        assert OURS <= set(inspect(engine).get_table_names())
        cfg = alembic_config(engine)
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
        assert current_revision(engine) == head
    finally:
        engine.dispose()


def _about_our_tables(diff) -> bool:
    if isinstance(diff, list):
        return any(_about_our_tables(d) for d in diff)
    for item in diff[1:]:
        name = getattr(item, "name", None)
        table = getattr(item, "table", None)
        if name in OURS or getattr(table, "name", None) in OURS or item in OURS:
            return True
    return False


@pytest.mark.postgres
def test_migrated_tables_match_the_models(db_url):
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = [d for d in compare_metadata(context, Base.metadata) if _about_our_tables(d)]
    finally:
        engine.dispose()
    assert diffs == []
