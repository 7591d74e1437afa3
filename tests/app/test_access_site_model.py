"""The app reads the published site's model at start-up and re-reads it when content changes."""
from __future__ import annotations

import os
import shutil

from forms_app.core import content
from forms_app.core.content import SiteHolder


def test_header_names_the_teacher_with_corps_grade_and_discipline(teacher_client):
    client, _agent, _account = teacher_client
    html = client.get("/").get_data(as_text=True)
    assert '<span class="user-name">Jean Dupont</span>' in html
    assert "professeur certifié, classe normale · " in html
    assert "· L1300<" not in html  # the code is shown by its label from data/disciplines


def test_layout_comes_from_the_sites_configuration(client, site_holder):
    html = client.get("/connexion").get_data(as_text=True)
    assert site_holder().config.academie in html


def test_site_model_is_reloaded_when_a_content_file_changes(tmp_path, project_root, monkeypatch):
    root = tmp_path / "site"
    shutil.copytree(project_root / "tests" / "fixtures" / "sample-site", root)
    monkeypatch.setattr(content, "CHECK_EVERY", 0.0)
    holder = SiteHolder(str(root))
    first = holder()
    assert first is not None and first.config.academie == "Académie d'Exemple"
    assert holder() is first  # nothing changed: no reload
    path = root / "content" / "site.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Académie d'Exemple", "Académie de Test"),
                    encoding="utf-8")
    stamp = path.stat().st_mtime + 5
    os.utime(path, (stamp, stamp))
    assert holder().config.academie == "Académie de Test"


def test_broken_content_keeps_the_app_up_without_a_model(tmp_path, project_root, monkeypatch):
    root = tmp_path / "site"
    shutil.copytree(project_root / "tests" / "fixtures" / "sample-site", root)
    (root / "content" / "site.yaml").write_text("academie: [non fermé\n", encoding="utf-8")
    holder = SiteHolder(str(root))
    assert holder() is None
    assert any("site.yaml" in p for p in holder.problems)


def test_a_content_error_saved_later_keeps_the_last_valid_model(tmp_path, project_root, monkeypatch):
    root = tmp_path / "site"
    shutil.copytree(project_root / "tests" / "fixtures" / "sample-site", root)
    monkeypatch.setattr(content, "CHECK_EVERY", 0.0)
    holder = SiteHolder(str(root))
    first = holder()
    assert first is not None
    path = root / "content" / "site.yaml"
    path.write_text("academie: [non fermé\n", encoding="utf-8")
    stamp = path.stat().st_mtime + 5
    os.utime(path, (stamp, stamp))
    assert holder() is first
    assert any(p.startswith("content/site.yaml:2: erreur de syntaxe YAML") for p in holder.problems)
