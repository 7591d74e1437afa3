"""Next to each vœu, the teacher reads her barème on it and last years' barres (data/barres, the site's
model), with a link to the comparateur de mobilité of her discipline; an edit of data/barres shows up on a
page the cache already kept (the content's generation is part of the page's key)."""
from __future__ import annotations

import shutil
from datetime import datetime

import pytest

from forms_app.core.db import new_session, write_transaction
from forms_app.mobilite.barres import BarresVoeu, indexer, mouvement_des_barres
from forms_app.mobilite.models import Demande, Voeu
from generator.model import PARIS, Barre
from gestion_world import INTRA, PENDANT_SAISIE, text_of

NBSP = "\u00a0"


def intra_demande(app, agent_id: int, voeux: list[tuple[str, str, str]]) -> int:
    db = new_session(app)
    with write_transaction(db):
        demande = Demande(agent_id=agent_id, campagne=INTRA, mouvement="GEN", discipline="", preference="",
                          voeux_version=len(voeux), created_at=PENDANT_SAISIE, updated_at=PENDANT_SAISIE)
        db.add(demande)
        db.flush()
        for rank, (type_, code, etab) in enumerate(voeux, start=1):
            db.add(Voeu(demande_id=demande.id, rank=rank, type=type_, code=code, libelle=code, poste="",
                        type_etab=etab, created_at=PENDANT_SAISIE))
        demande_id = demande.id
    db.close()
    return demande_id


@pytest.fixture
def site_copy(tmp_path, project_root, app_config, monkeypatch):
    """The example content in a folder a test may edit while the app runs."""
    from forms_app.core import content

    root = tmp_path / "site"
    shutil.copytree(project_root / "content", root / "content")
    shutil.copytree(project_root / "data", root / "data")
    monkeypatch.setattr(content, "CHECK_EVERY", 0.0)
    holder = content.SiteHolder(str(root))
    assert holder.site is not None, holder.problems
    app_config["SITE_HOLDER"] = holder
    app_config["SITE_ROOT"] = str(root)
    return root


def test_the_teacher_sees_last_years_barres_next_to_her_barème(site_copy, app, clock, make_teacher, login):
    """Mathématiques, intra: her barème is 199 on every vœu (échelon 7: 49, 5 years in her post: 150)."""
    clock.current = PENDANT_SAISIE
    agent, account, password = make_teacher()
    client = app.test_client()
    assert login(client, account.identifiant, password).status_code == 302
    demande_id = intra_demande(app, agent.id, [("ETB", "0630021F", ""), ("COM", "63113", ""), ("DPT", "063", "LYC"),
                                               ("ETB", "0630726X", "")])
    page = client.get(f"/mobilite/demandes/{demande_id}/")
    assert page.status_code == 200
    text = text_of(page)
    assert "Barres des années passées" in text
    assert "En 2025, il fallait 745 points ; votre barème sur ce vœu : 199" in text
    assert "En 2026, il fallait 463 points ; votre barème sur ce vœu : 199 (avant : 2025 : aucune place ; 2024 : 482)" in text
    assert "En 2026, il fallait 100 points ; votre barème sur ce vœu : 199 (avant : 2025 : 118 ; 2024 : 120)" in text
    assert "Aucune barre publiée pour ce vœu les années passées" in text
    html = page.get_data(as_text=True)
    assert '<a href="/comparateur/intra-l1300/">comparateur de mobilité (Mathématiques)</a>' in html
    assert f"En 2026, il fallait 100 points{NBSP}; votre barème sur ce vœu{NBSP}: 199" in html

    pages = app.extensions["carriere_pages"]
    hits = pages.hits
    assert client.get(f"/mobilite/demandes/{demande_id}/").get_data(as_text=True) == html
    assert pages.hits == hits + 1  # kept: the same state sends the same page
    # The publisher adds 2027's barres: the page kept for this state is not sent again.
    barres = site_copy / "data" / "barres" / "2027.csv"
    barres.write_text("annee;mouvement;discipline;type_voeu;code_voeu;type_etablissement;barre;entrants\n"
                      "2027;intra;L1300;ETB;0630726X;;212,5;1\n", encoding="utf-8")
    import os
    later = datetime(2027, 3, 20, 11, 0, tzinfo=PARIS).timestamp()
    os.utime(barres, (later, later))
    text = text_of(client.get(f"/mobilite/demandes/{demande_id}/"))
    assert "En 2027, il fallait 212,5 points ; votre barème sur ce vœu : 199" in text


def test_no_barème_no_barres_column(app, clock, teacher_client):
    """A campaign without barème (the spécifique example) shows neither barème nor barres."""
    client, agent, _account = teacher_client
    db = new_session(app)
    with write_transaction(db):
        demande = Demande(agent_id=agent.id, campagne="specifique-2027", mouvement="OCCITAN", discipline="L1000",
                          preference="", voeux_version=0, created_at=clock(), updated_at=clock())
        db.add(demande)
        db.flush()
        demande_id = demande.id
    db.close()
    assert "Barres des années passées" not in text_of(client.get(f"/mobilite/demandes/{demande_id}/"))


PHRASES = [
    pytest.param(((2026, 412.0, 3), (2025, 398.0, 2)), 380.0, "en 2026, il fallait 412 points ; votre barème sur ce vœu : 380",
                 "2025 : 398", id="the issue's sentence"),
    pytest.param(((2026, None, 0),), 150.2, "en 2026, aucune place ne s'est libérée ; votre barème sur ce vœu : 150,2", "",
                 id="nobody entered"),
    pytest.param(((2026, 1.5, 1),), None, "en 2026, il fallait 1,5 point", "", id="singular, barème unknown"),
    pytest.param((), 12.0, "aucune barre publiée pour ce vœu les années passées", "", id="no barre"),
]


@pytest.mark.parametrize("annees, bareme, phrase, avant", PHRASES)
def test_the_sentence(annees, bareme, phrase, avant):
    from forms_app.mobilite.rules.bareme import points_fr

    voeu = BarresVoeu(annees, bareme)
    assert voeu.phrase(points_fr).replace(NBSP, " ") == phrase
    assert voeu.avant(points_fr).replace(NBSP, " ") == avant


def test_the_movement_and_the_index(project_root):
    from generator.load import load_site

    site, _report = load_site(project_root)
    intra, inter, spe = site.campaign("intra-2027"), site.campaign("inter-2027"), site.campaign("specifique-2027")
    assert [mouvement_des_barres(intra, "GEN"), mouvement_des_barres(intra, "SPEA"),
            mouvement_des_barres(inter, "GEN"), mouvement_des_barres(spe, "CPGE")] == ["intra", "spea", "inter", "spen"]
    index, groupes = indexer([Barre(2025, "intra", "L1300", "DPT", "063", "", 107.0, 22),
                              Barre(2026, "intra", "L1300", "DPT", "063", "", 101.0, 20)])
    assert index[("intra", "L1300", "DPT", "063", "")] == [(2026, 101.0, 20), (2025, 107.0, 22)]
    assert groupes == {("intra", "L1300")}
