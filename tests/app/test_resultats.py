"""Results: the CSV (every error as FILE:line: message, all or nothing, idempotent), import_results() from
plain rows, publication by a gestionnaire or by itself at the phase « resultats » (one message per agent
with the seed's words, an e-mail notice, an SMS when a portable is given), shown on the demande's page."""
from __future__ import annotations

import io
from html import unescape

import pytest
from sqlalchemy import func, select
from suivi_support import INTER, MOT_DE_PASSE, RESULTATS, make_demande

from forms_app.avis.models import Avis
from forms_app.core.db import new_session, write_transaction
from forms_app.core.echeances import run_due
from forms_app.courrier.models import Message
from forms_app.resultats.importer import LigneResultat, ResultatsRefuses, import_results, lire_csv
from forms_app.resultats.models import Resultat
from generator.cli import main

ENTETE = "numen;demande;resultat;voeu;uai;libelle\n"


@pytest.fixture
def monde(app, make_teacher):
    """Two teachers with one inter-2027 demande each (vœux Lyon then Aix-Marseille)."""
    claire, claire_account, _ = make_teacher(prenom="Claire", nom="Martin", portable="06 12 34 56 78",
                                             password=MOT_DE_PASSE)
    paul, paul_account, _ = make_teacher(prenom="Paul", nom="Durand", mail_pro="", password=MOT_DE_PASSE)
    return {"claire": (claire, claire_account, make_demande(app, claire.id)),
            "paul": (paul, paul_account, make_demande(app, paul.id))}


def csv_de(monde, claire="satisfait;2;;", paul="non satisfait;;;"):
    (c, _ca, cd), (p, _pa, pd) = monde["claire"], monde["paul"]
    return ENTETE + f"{c.numen};{cd};{claire}\n{p.numen};{pd};{paul}\n"


def importer(app, texte, fichier="resultats.csv"):
    with app.app_context():
        from forms_app.core.content import current_site

        campaign = current_site().campaign(INTER)
        db = new_session(app)
        try:
            with write_transaction(db):
                return import_results(db, campaign, lire_csv(texte, fichier), None, fichier=fichier,
                                      referentiel=current_site().referentiel)
        finally:
            db.close()


def resultats(app):
    db = new_session(app)
    rows = [(r.demande_id, r.issue, r.voeu_rang, r.uai, r.libelle, r.publie_at is not None)
            for r in db.scalars(select(Resultat).order_by(Resultat.demande_id))]
    db.close()
    return rows


def test_import_is_all_or_nothing_and_idempotent(app, monde):
    bilan = importer(app, csv_de(monde))
    assert (bilan.crees, bilan.modifies, bilan.inchanges) == (2, 0, 0)
    cd, pd = monde["claire"][2], monde["paul"][2]
    assert resultats(app) == [(cd, "satisfait", 2, "", "Aix-Marseille", False),
                              (pd, "non_satisfait", None, "", "", False)]
    again = importer(app, csv_de(monde))
    assert (again.crees, again.modifies, again.inchanges) == (0, 0, 2)
    changed = importer(app, csv_de(monde, claire="satisfait;1;0630021F;"))
    assert (changed.crees, changed.modifies) == (0, 1)
    assert resultats(app)[0][1:5] == ("satisfait", 1, "0630021F", "LPO Lycée des métiers La Fayette")


@pytest.mark.parametrize("claire, paul, message", [
    ("satisfait;9;;", "non satisfait;;;", "resultats.csv:2: « satisfait » demande le numéro du vœu obtenu, entre 1 et 2"),
    ("admis;;;", "non satisfait;;;",
     "resultats.csv:2: résultat « admis » inconnu : écrivez satisfait, maintenu, non satisfait ou extension"),
    ("extension;1;0630021F;", "non satisfait;;;", "resultats.csv:2: une « extension » se fait hors des vœux"),
    ("extension;;;", "non satisfait;;;", "resultats.csv:2: une « extension » nomme l'affectation"),
    ("satisfait;1;0630021X;", "non satisfait;;;", "resultats.csv:2: UAI « 0630021X » inconnu"),
    ("satisfait;1;;", "maintenu;2;;", "resultats.csv:3: un résultat « maintenu » n'a ni vœu ni UAI"),
    ("satisfait;un;;", "maintenu;;;", "resultats.csv:2: numéro de vœu « un » invalide"),
    ("satisfait;²;;", "maintenu;;;", "resultats.csv:2: numéro de vœu « ² » invalide"),
])
def test_a_bad_line_refuses_the_whole_file(app, monde, claire, paul, message):
    with pytest.raises(ResultatsRefuses) as refus:
        importer(app, csv_de(monde, claire, paul))
    assert any(p.startswith(message) for p in refus.value.problemes), refus.value.problemes
    assert resultats(app) == []


def test_every_problem_is_reported_with_its_line(app, monde, make_teacher):
    (c, _ca, cd), (p, _pa, pd) = monde["claire"], monde["paul"]
    texte = ENTETE + f"{c.numen};{pd};maintenu;;;\n{p.numen};99999;maintenu;;;\n{p.numen};{pd};maintenu;;;\n" \
                     f"{p.numen};{pd};maintenu;;;\nINCONNU;{cd};maintenu;;;\n"
    with pytest.raises(ResultatsRefuses) as refus:
        importer(app, texte)
    assert refus.value.problemes == [
        f"resultats.csv:2: la demande n° {pd} n'est pas celle de cet agent : vérifiez le NUMEN ou le numéro de demande",
        "resultats.csv:3: la demande n° 99999 n'existe pas dans la campagne inter-2027 : vérifiez le numéro de demande",
        f"resultats.csv:5: la demande n° {pd} a déjà un résultat ligne 4 : gardez-en un",
        "resultats.csv:6: aucun agent n'a le NUMEN « INCONNU » : vérifiez-le dans le fichier des agents",
    ]
    with pytest.raises(ResultatsRefuses) as header:
        importer(app, "numen;demande\n")
    assert header.value.problemes == ["resultats.csv:1: colonne(s) manquante(s) : resultat ; l'en-tête attendu est "
                                      "numen;demande;resultat;voeu;uai;libelle"]


def test_an_entrant_placed_by_the_extension_reads_so(app, monde):
    """« extension »: an affectation outside the vœux (the allocation's extension table), with its UAI."""
    from forms_app.resultats.lecture import phrase

    importer(app, csv_de(monde, claire="extension;;0630021F;"))
    assert resultats(app)[0][1:5] == ("extension", None, "0630021F", "LPO Lycée des métiers La Fayette")
    assert phrase("extension", None, "0630021F", "LPO Lycée des métiers La Fayette") == (
        "affectation hors de vos vœux, en extension\u00a0: LPO Lycée des métiers La Fayette (0630021F)")


def test_import_results_takes_plain_rows_from_an_allocation(app, monde):
    """The allocation's validated simulation hands its rows to the same function."""
    (c, _ca, cd), (p, _pa, pd) = monde["claire"], monde["paul"]
    with app.app_context():
        from forms_app.core.content import current_site

        campaign = current_site().campaign(INTER)
        db = new_session(app)
        with write_transaction(db):
            bilan = import_results(db, campaign, [LigneResultat(cd, "satisfait", 1, agent_id=c.id),
                                                  LigneResultat(pd, "maintenu", agent_id=p.id)], None)
        db.close()
    assert bilan.crees == 2
    assert resultats(app)[0][1:5] == ("satisfait", 1, "", "Lyon")


@pytest.mark.postgres
def test_publication_by_the_gestionnaire_one_message_per_agent(app, clock, monde, make_gestionnaire, login,
                                                               client, csrf, db_backend):
    clock.current = RESULTATS.replace(day=2)  # before the phase: the gestionnaire publishes by hand
    gestionnaire, password = make_gestionnaire()
    login(client, gestionnaire.identifiant, password)
    page = client.get("/resultats/inter-2027/")
    assert page.status_code == 200
    data = {"csrf_token": csrf(page.data), "fichier": (io.BytesIO(csv_de(monde).encode()), "resultats.csv")}
    response = client.post("/resultats/inter-2027/importer", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert "2 résultats importés, dont 0 publié" in unescape(client.get("/resultats/inter-2027/").get_data(as_text=True))
    bad = {"csrf_token": csrf(page.data), "fichier": (io.BytesIO(b"numen;demande;resultat\nX;1;admis\n"), "r.csv")}
    refused = client.post("/resultats/inter-2027/importer", data=bad, content_type="multipart/form-data")
    assert refused.status_code == 400
    assert "r.csv:2: résultat « admis » inconnu" in unescape(refused.get_data(as_text=True))
    response = client.post("/resultats/inter-2027/publier", data={"csrf_token": csrf(page.data)})
    assert response.status_code == 302
    db = new_session(app)
    messages = list(db.scalars(select(Message).where(Message.kind == "resultat").order_by(Message.to_account_id)))
    avis = db.execute(select(Avis.canal, Avis.account_id, Avis.destinataire)).all()
    db.close()
    claire_account, paul_account = monde["claire"][1], monde["paul"][1]
    assert [m.to_account_id for m in messages] == sorted([claire_account.id, paul_account.id])
    claire_message = next(m for m in messages if m.to_account_id == claire_account.id)
    assert claire_message.body.startswith("Le résultat de votre demande vous est communiqué dans votre courrier.")
    assert "satisfaite sur le vœu n°\u00a02\u00a0: Aix-Marseille" in claire_message.body
    assert sorted((c, a) for c, a, _d in avis) == sorted([("courriel", claire_account.id), ("sms", claire_account.id)])
    assert ("sms", claire_account.id, "06 12 34 56 78") in avis
    assert client.post("/resultats/inter-2027/publier", data={"csrf_token": csrf(page.data)}).status_code == 302
    db = new_session(app)
    assert db.scalar(select(func.count()).select_from(Message).where(Message.kind == "resultat")) == 2
    db.close()
    # A published result cannot change any more
    with pytest.raises(ResultatsRefuses, match="est déjà publié"):
        importer(app, csv_de(monde, claire="satisfait;1;;"))


def test_publication_by_itself_at_the_phase_and_shown_on_the_demande(app, clock, monde, login, client):
    importer(app, csv_de(monde))
    clock.current = RESULTATS.replace(hour=11, minute=59)
    assert "resultats.publication" not in [b.due.echeance.action for b in run_due(app, campagne=INTER)]
    assert not any(r[5] for r in resultats(app))
    clock.current = RESULTATS
    bilans = run_due(app, campagne=INTER)
    assert [(b.due.echeance.action, b.nombre) for b in bilans if b.nombre] == [("resultats.publication", 2)]
    assert all(r[5] for r in resultats(app))
    run_due(app, campagne=INTER)
    db = new_session(app)
    assert db.scalar(select(func.count()).select_from(Message).where(Message.kind == "resultat")) == 2
    db.close()
    claire, account, demande_id = monde["claire"]
    login(client, account.identifiant, MOT_DE_PASSE)
    page = unescape(client.get(f"/mobilite/demandes/{demande_id}/").get_data(as_text=True))
    assert "Le résultat de votre demande vous est communiqué dans votre courrier" in page
    assert "satisfaite sur le vœu n°\u00a02\u00a0: Aix-Marseille" in page


def test_the_cli_imports_and_publishes(app, monde, db_url, project_root, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("CARRIERE_DATABASE_URL", db_url)
    monkeypatch.setenv("CARRIERE_ROOT", str(project_root))
    monkeypatch.setenv("CARRIERE_SECRET_KEY", "clé de test")
    fichier = tmp_path / "resultats.csv"
    fichier.write_text(csv_de(monde, claire="satisfait;7;;"), encoding="utf-8")
    assert main(["mobilite", "resultats", "importer", str(fichier), "--campagne", INTER]) == 1
    assert f"{fichier}:2: « satisfait » demande le numéro du vœu obtenu" in capsys.readouterr().err
    fichier.write_text(csv_de(monde), encoding="utf-8")
    assert main(["mobilite", "resultats", "importer", str(fichier), "--campagne", INTER]) == 0
    assert "2 résultat(s) ajouté(s), 0 modifié(s), 0 inchangé(s)" in capsys.readouterr().out
    assert main(["mobilite", "resultats", "publier", "--campagne", INTER]) == 0
    assert "2 résultat(s) publié(s)" in capsys.readouterr().out
