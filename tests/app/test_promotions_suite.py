"""Issue 14, the gaps closed: the first-degree inspecteur's circonscription, the recteur's appréciation kept
from an earlier campaign or the 3rd rendez-vous, the dossier de promotion frozen at the end of its phase, the
appréciation finale notified at the notification phase (by itself, once), the answer to a recours with its
silence rule, the échelon spécial campaign, and the new pages' French typography."""
from __future__ import annotations

import html
import json
import re
import threading
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from forms_app.core.db import new_session, write_transaction
from forms_app.core.echeances import run_due
from forms_app.courrier.models import Message
from forms_app.cv.models import CvEntry
from forms_app.dossier.models import Agent
from forms_app.evaluateurs.access import Portee
from forms_app.promotions.models import AppreciationRecteur, DossierFige, Promouvable
from forms_app.rendezvous.models import RendezVous
from generator.model import PARIS
from test_promotions import (  # noqa: F401  (fixtures)
    AVANT,
    AVIS,
    CONSULTATION,
    HC,
    UAI,
    ids,
    log,
    make_staff,
    staff,
    teacher,
    world,
)

NB = "\u00a0"
DOSSIER_FIN = datetime(2027, 2, 8, 12, 0, tzinfo=PARIS)
VOLVIC = "0636678S"  # EREA Joséphine-Baker, Volvic: circonscription 063-RIOM (data/circonscriptions.csv)
BRIOUDE = "0438659D"  # Collège Antoine-de-Saint-Exupéry, Brioude: 043-BRIOUDE


def text(response) -> str:
    return html.unescape(response.data.decode())


def gestionnaire(app, login, world):
    return log(app, login, world["gestionnaire"][0].identifiant, world["gestionnaire"][1])


def ouvrir(app, login, world, form_post, slug=HC):
    response = form_post(gestionnaire(app, login, world), f"/promotions/{slug}/ouvrir", page=f"/promotions/{slug}/gestion")
    assert response.status_code == 302


# --- the first degree: an inspecteur's circonscription ------------------------------------------


def test_scope_model_of_a_circonscription():
    ien = Portee("inspecteur", "inspecteur", circonscription="063-RIOM", uais=frozenset({VOLVIC}))
    assert ien.couvre(VOLVIC, "", premier=True)
    assert not ien.couvre(VOLVIC, "L1300", premier=False)  # a second-degree teacher of the same school
    assert not ien.couvre(BRIOUDE, "", premier=True)  # another circonscription
    ipr = Portee("inspecteur", "inspecteur", discipline="L1300")
    assert ipr.couvre(UAI, "L1300") and not ipr.couvre(VOLVIC, "", premier=True)


def test_ien_reaches_the_first_degree_agents_of_her_circonscription(app, login, world, make_teacher, make_staff,
                                                                     clock, form_post):
    clock.current = AVIS
    volvic, _, _ = make_teacher(prenom="Claire", nom="Fontaine", corps="professeur des écoles", echelon=11,
                                echelon_depuis=date(2025, 2, 1), affectation_uai=VOLVIC, discipline="")
    brioude, _, _ = make_teacher(prenom="René", nom="Brivadois", corps="professeur des écoles", echelon=10,
                                 echelon_depuis=date(2022, 2, 1), affectation_uai=BRIOUDE, discipline="")
    second, _, _ = make_teacher(prenom="Paul", nom="Second", echelon=10, echelon_depuis=date(2022, 2, 1),
                                affectation_uai=VOLVIC, discipline="L1300")
    ien = make_staff("inspecteur", nom="Ien", discipline="")
    db = new_session(app)
    with write_transaction(db):
        from forms_app.evaluateurs.models import Perimetre
        db.get(Perimetre, ien.id).circonscription = "063-RIOM"
    db.close()
    ouvrir(app, login, world, form_post)
    client = staff(app, login, ien)
    page = text(client.get(f"/promotions/{HC}/avis"))
    assert "1 promouvable dans votre périmètre" in page and "Fontaine" in page
    assert "Brivadois" not in page and "Second" not in page
    assert client.get(f"/promotions/{HC}/agents/{volvic.id}/synthese").status_code == 200
    assert client.get(f"/promotions/{HC}/agents/{brioude.id}/").status_code == 404
    assert client.get(f"/promotions/{HC}/agents/{second.id}/").status_code == 404
    p = ids(app)
    assert form_post(client, f"/promotions/{HC}/avis", {f"avis-{p[volvic.id]}": "satisfaisant"}).status_code == 302
    outside = form_post(client, f"/promotions/{HC}/avis", {f"avis-{p[second.id]}": "satisfaisant"})
    assert outside.status_code == 302  # a line outside her table is ignored, never written
    db = new_session(app)
    from forms_app.promotions.models import AvisPromotion
    given = dict(db.execute(select(AvisPromotion.promouvable_id, AvisPromotion.valeur)).all())
    db.close()
    assert given == {p[volvic.id]: "satisfaisant"}
    # The discipline's inspecteur (second degree) does not reach the professeurs des écoles.
    ipr = staff(app, login, world["ipr"])
    assert "Fontaine" not in text(ipr.get(f"/promotions/{HC}/avis"))
    assert ipr.get(f"/promotions/{HC}/agents/{volvic.id}/").status_code == 404
    assert client.get(f"/rendez-vous/agents/{second.id}").status_code == 404


def test_gestionnaire_creates_an_ien_with_her_circonscription(app, gestionnaire_client, form_post):
    client, _ = gestionnaire_client
    both = form_post(client, "/evaluateurs/", {"role": "inspecteur", "prenom": "Inès", "nom": "Circo",
                                               "discipline": "L1300", "circonscription": "063-RIOM"})
    assert both.status_code == 400 and "soit une discipline" in text(both)
    unknown = form_post(client, "/evaluateurs/", {"role": "inspecteur", "prenom": "Inès", "nom": "Circo",
                                                  "circonscription": "063-NULLE-PART"})
    assert unknown.status_code == 400 and f"Circonscription inconnue{NB}: choisissez-en une" in text(unknown)
    created = form_post(client, "/evaluateurs/", {"role": "inspecteur", "prenom": "Inès", "nom": "Circo",
                                                  "circonscription": "063-riom"})
    assert created.status_code == 200
    page = text(created)
    assert "Circonscription de Riom (063-RIOM, premier degré)" in page
    assert "<td>063-AMBERT</td><td>Circonscription d'Ambert</td><td>Ambert, Courpière, Thiers</td>" in page


def test_cli_creates_an_ien(app, db_url, project_root, monkeypatch, capsys):
    from generator.cli import main

    monkeypatch.setenv("CARRIERE_DATABASE_URL", db_url)
    monkeypatch.setenv("CARRIERE_ROOT", str(project_root))
    assert main(["evaluateur", "ajouter", "--role", "inspecteur", "--prenom", "Yves", "--nom", "Ien",
                 "--circonscription", "043-brioude"]) == 0
    assert "Compte créé : yien" in capsys.readouterr().out
    assert main(["evaluateur", "ajouter", "--role", "inspecteur", "--prenom", "Yves", "--nom", "Autre"]) == 1
    assert "soit une discipline" in capsys.readouterr().err
    db = new_session(app)
    from forms_app.evaluateurs.models import Perimetre
    assert [p.circonscription for p in db.scalars(select(Perimetre))] == ["043-BRIOUDE"]
    db.close()


# --- the recteur's appréciation kept for later campaigns --------------------------------------


def test_appreciation_kept_from_an_earlier_campaign_and_from_the_third_rendez_vous(app, login, world, clock, form_post):
    t = {n: v[0].id for n, v in world["teachers"].items()}
    earlier = datetime(2026, 4, 1, 10, 0, tzinfo=PARIS)
    db = new_session(app)
    with write_transaction(db):
        # Arnaud had « Excellent » in the 2026 campaign; Berger « Satisfaisant » in 2025 then « Très
        # satisfaisant » at her 3rd rendez-vous (notified later: the more recent wins).
        for nom, slug, valeur, when in (("Arnaud", "hors-classe-2026", "excellent", earlier),
                                        ("Berger", "hors-classe-2025", "satisfaisant", datetime(2025, 4, 1, tzinfo=PARIS)),
                                        ("Caron", "classe-exceptionnelle-2026", "excellent", earlier)):
            old = Promouvable(campagne=slug, agent_id=t[nom], vivier="promouvables", echelon=9,
                              echelon_depuis=date(2024, 9, 1), uai=UAI, discipline="L1300",
                              nature="classe_exceptionnelle" if "exceptionnelle" in slug else "hors_classe",
                              created_at=when)
            db.add(old)
            db.flush()
            db.add(AppreciationRecteur(promouvable_id=old.id, valeur=valeur, origine="", updated_at=when))
        db.add(RendezVous(campagne="rendez-vous-carriere-2025-2026", agent_id=t["Berger"], type="rdv3", echelon=9,
                          echelon_depuis=date(2024, 6, 1), lieu="", grille="{}", observations="",
                          appreciation_finale="tres_satisfaisant", appreciation_notifiee_at=datetime(2026, 9, 2, tzinfo=PARIS),
                          recours="", created_at=earlier, updated_at=earlier))
    db.close()
    clock.current = AVIS
    ouvrir(app, login, world, form_post)
    p = ids(app)
    db = new_session(app)
    kept = {row.promouvable_id: (row.valeur, row.origine) for row in db.scalars(select(AppreciationRecteur).where(
        AppreciationRecteur.promouvable_id.in_(list(p.values()))))}
    db.close()
    assert kept == {
        p[t["Arnaud"]]: ("excellent", "campagne hors-classe-2026"),
        p[t["Berger"]]: ("tres_satisfaisant",
                         "appréciation finale du rendez-vous de carrière (rendez-vous-carriere-2025-2026, rdv3)"),
    }  # Caron's was for another nature of promotion
    ouvrir(app, login, world, form_post)  # once: re-opening keeps them as they are
    clock.current = datetime(2027, 3, 15, 10, 0, tzinfo=PARIS)
    page = text(staff(app, login, world["recteur"]).get(f"/promotions/{HC}/appreciations"))
    assert "Conservée (campagne hors-classe-2026)" in page
    clock.current = CONSULTATION
    synthese = text(teacher(app, login, world, "Arnaud").get(f"/promotions/{HC}/dossier/synthese"))
    assert (f"<dt>Appréciation du recteur</dt><dd>Excellent (appréciation conservée{NB}: campagne "
            "hors-classe-2026)</dd>") in synthese


# --- the dossier de promotion frozen at the end of the dossier phase --------------------------


def add_cv(app, agent_id, intitule, rank=1):
    db = new_session(app)
    with write_transaction(db):
        db.add(CvEntry(agent_id=agent_id, rubrique="diplomes", rank=rank, intitule=intitule, organisme="",
                       niveau="", precisions="", updated_at=app.config["CLOCK"]()))
    db.close()


def test_dossier_frozen_at_the_end_of_the_dossier_phase(app, login, world, clock, form_post):
    t = {n: v[0].id for n, v in world["teachers"].items()}
    clock.current = AVANT
    add_cv(app, t["Arnaud"], "Master de mathématiques")
    ouvrir(app, login, world, form_post)
    arnaud = teacher(app, login, world, "Arnaud")
    assert "Compléter" in text(arnaud.get(f"/promotions/{HC}/dossier/qualifications"))
    # The end of the phase: the échéance freezes each dossier, once.
    clock.current = DOSSIER_FIN
    bilans = [b for b in run_due(app, campagne=HC) if b.due.echeance.action == "promotions.gel_dossier"]
    assert [b.nombre for b in bilans] == [6]
    assert [b.deja_faite for b in run_due(app, campagne=HC)
            if b.due.echeance.action == "promotions.gel_dossier"] == [True]
    clock.current = AVIS
    add_cv(app, t["Arnaud"], "Agrégation obtenue après la date", rank=2)
    chef = staff(app, login, world["chef"])
    page = text(chef.get(f"/promotions/{HC}/agents/{t['Arnaud']}/qualifications"))
    assert "Master de mathématiques" in page and "Agrégation obtenue après la date" not in page
    assert "Dossier arrêté le 08/02/2027 à 12:00" in page
    arnaud = teacher(app, login, world, "Arnaud")
    own = text(arnaud.get(f"/promotions/{HC}/dossier/qualifications"))
    assert "Agrégation obtenue après la date" not in own and "les changements ultérieurs de votre CV" in own
    # A promouvable added to the list after the end is frozen when she is added.
    db = new_session(app)
    with write_transaction(db):
        db.get(Agent, t["Girard"]).echelon, db.get(Agent, t["Girard"]).echelon_depuis = 9, date(2025, 1, 1)
    db.close()
    add_cv(app, t["Girard"], "Licence de lettres")
    ouvrir(app, login, world, form_post)
    db = new_session(app)
    girard = db.scalar(select(Promouvable.id).where(Promouvable.agent_id == t["Girard"], Promouvable.campagne == HC))
    frozen = db.get(DossierFige, girard)
    assert frozen is not None and json.loads(frozen.contenu)["cv"]["diplomes"][0]["intitule"] == "Licence de lettres"
    assert db.scalar(select(func.count()).select_from(DossierFige)) == 7
    db.close()


# --- the appréciation finale at the notification phase; the recours and its answer -------------


def rendez_vous_notifie(app, login, world, clock, form_post, appreciation="satisfaisant"):
    """Girard's rendez-vous up to the appréciation finale notified (1 September 2027); her client, the URL."""
    t = world["teachers"]
    db = new_session(app)
    with write_transaction(db):
        agent = db.get(Agent, t["Girard"][0].id)
        agent.echelon, agent.echelon_depuis = 8, date(2026, 1, 1)
    db.close()
    clock.current = datetime(2027, 3, 1, 10, 0, tzinfo=PARIS)
    ipr = staff(app, login, world["ipr"])
    url = f"/rendez-vous/agents/{t['Girard'][0].id}"
    assert form_post(ipr, url, {"action": "planifier", "jour": "16/03/2027", "heure": "10:00",
                                "lieu": "Salle 12"}).status_code == 302
    grille = {f"item-c{i}": "satisfaisant" for i in range(1, 12)}
    assert form_post(ipr, url, {"action": "compte_rendu", **grille, "appreciation": "Bien."}).status_code == 302
    assert form_post(ipr, url, {"action": "transmettre"}).status_code == 302
    clock.current = datetime(2027, 7, 2, 10, 0, tzinfo=PARIS)
    recteur = staff(app, login, world["recteur"])
    assert form_post(recteur, url, {"action": "appreciation_finale",
                                    "appreciation_finale": appreciation}).status_code == 302
    clock.current = datetime(2027, 9, 1, 8, 0, tzinfo=PARIS)
    run_due(app, campagne="rendez-vous-carriere-2026-2027")
    return url


def test_recours_answered_within_its_delay(app, login, world, clock, form_post):
    url = rendez_vous_notifie(app, login, world, clock, form_post)
    clock.current = datetime(2027, 9, 10, 10, 0, tzinfo=PARIS)
    girard = teacher(app, login, world, "Girard")
    assert form_post(girard, "/rendez-vous/recours", {"texte": "Mon investissement mérite mieux."},
                     page="/rendez-vous/").status_code == 302
    page = text(girard.get("/rendez-vous/"))
    assert ("Le recteur répond au plus tard le lundi 11 octobre 2027 à 0\u00a0h\u00a000 (exclu)" in page
            or "Le recteur répond au plus tard le 11/10/2027 à 00:00 (exclu)" in page)
    gclient = gestionnaire(app, login, world)
    staff_page = text(gclient.get(url))
    assert "le recours est réputé rejeté (le silence vaut refus)" in staff_page and "Envoyer la réponse" in staff_page
    chef = staff(app, login, world["chef"])
    assert form_post(chef, url, {"action": "repondre_recours", "decision": "maintenue",
                                 "reponse": "Non."}).status_code == 403  # a chef d'établissement does not answer
    for data, message in (
        ({"reponse": "Texte."}, f"Choisissez la décision{NB}: appréciation maintenue ou révisée."),
        ({"decision": "revisee", "nouvelle_appreciation": "satisfaisant", "reponse": "Texte."},
         "Choisissez la nouvelle appréciation finale, différente de celle qui a été notifiée."),
        ({"decision": "maintenue", "reponse": "  "}, "Rédigez la réponse à l'agent"),
        ({"decision": "maintenue", "reponse": "x" * 4001}, "Rédigez la réponse à l'agent"),
    ):
        refused = form_post(gclient, url, {"action": "repondre_recours", **data})
        assert refused.status_code == 400 and message in text(refused), data
    recteur = staff(app, login, world["recteur"])
    assert form_post(recteur, url, {"action": "repondre_recours", "decision": "revisee",
                                    "nouvelle_appreciation": "tres_satisfaisant",
                                    "reponse": "Après réexamen, l'appréciation est relevée."}).status_code == 302
    again = form_post(recteur, url, {"action": "repondre_recours", "decision": "maintenue", "reponse": "Non."})
    assert again.status_code == 409 and "a déjà reçu sa réponse" in text(again)
    page = text(girard.get("/rendez-vous/"))
    assert "<strong>appréciation révisée</strong>" in page and "Après réexamen" in page
    assert "Vous pouvez saisir la commission administrative paritaire (CAP) jusqu'au" in page
    db = new_session(app)
    rdv = db.scalar(select(RendezVous))
    message = db.scalar(select(Message).where(Message.subject == "Réponse à votre recours sur l'appréciation finale"))
    db.close()
    assert rdv.appreciation_finale == "tres_satisfaisant" and rdv.recours_decision == "revisee"
    assert f"l'appréciation finale est révisée{NB}: Très satisfaisant" in message.body


def test_recours_without_answer_is_refused_by_silence(app, login, world, clock, form_post):
    url = rendez_vous_notifie(app, login, world, clock, form_post)
    clock.current = datetime(2027, 9, 10, 10, 0, tzinfo=PARIS)
    girard = teacher(app, login, world, "Girard")
    assert form_post(girard, "/rendez-vous/recours", {"texte": "Recours."}, page="/rendez-vous/").status_code == 302
    clock.current = datetime(2027, 10, 11, 0, 0, tzinfo=PARIS)  # 10/09 + 30 days: the answer's delay is over
    girard = teacher(app, login, world, "Girard")
    page = text(girard.get("/rendez-vous/"))
    assert "votre recours est réputé rejeté (le silence vaut refus)" in page
    # The CAP's delay (30 days) runs from the silence: through 10 November.
    assert "saisir la commission administrative paritaire (CAP) jusqu'au 11/11/2027 à 00:00 (exclu)" in page
    recteur = staff(app, login, world["recteur"])
    late = form_post(recteur, url, {"action": "repondre_recours", "decision": "maintenue", "reponse": "Trop tard."})
    assert late.status_code == 409 and "le recours est réputé rejeté" in text(late)


@pytest.mark.postgres
def test_notification_once_when_servers_race(app, login, world, clock, form_post, db_backend):
    """Two runs at the same instant (two app servers): one message, one notification."""
    t = world["teachers"]
    db = new_session(app)
    with write_transaction(db):
        agent = db.get(Agent, t["Girard"][0].id)
        agent.echelon, agent.echelon_depuis = 8, date(2026, 1, 1)
        db.add(RendezVous(campagne="rendez-vous-carriere-2026-2027", agent_id=agent.id, type="rdv2", echelon=8,
                          echelon_depuis=date(2026, 1, 1), lieu="Salle", grille="{}", observations="",
                          appreciation_finale="excellent", appreciation_at=datetime(2027, 7, 2, tzinfo=PARIS),
                          compte_rendu_notifie_at=datetime(2027, 4, 1, tzinfo=PARIS), recours="",
                          created_at=datetime(2027, 3, 1, tzinfo=PARIS), updated_at=datetime(2027, 7, 2, tzinfo=PARIS)))
    db.close()
    clock.current = datetime(2027, 9, 1, 8, 0, tzinfo=PARIS)
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(run_due(app, campagne="rendez-vous-carriere-2026-2027")))
               for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    done = sum(b.nombre for r in results for b in r)
    db = new_session(app)
    sent = db.scalar(select(func.count()).select_from(Message).where(
        Message.subject == "Appréciation finale de votre rendez-vous de carrière"))
    db.close()
    assert (done, sent) == (1, 1)


def test_operators_command_notifies(app, world, db_url, project_root, monkeypatch, capsys):
    from generator.cli import main

    t = world["teachers"]
    db = new_session(app)
    with write_transaction(db):
        db.add(RendezVous(campagne="rendez-vous-carriere-2026-2027", agent_id=t["Girard"][0].id, type="rdv2",
                          echelon=8, echelon_depuis=date(2026, 1, 1), lieu="Salle", grille="{}", observations="",
                          appreciation_finale="excellent", appreciation_at=datetime(2027, 7, 2, tzinfo=PARIS),
                          compte_rendu_notifie_at=datetime(2027, 4, 1, tzinfo=PARIS), recours="",
                          created_at=datetime(2027, 3, 1, tzinfo=PARIS), updated_at=datetime(2027, 7, 2, tzinfo=PARIS)))
    db.close()
    monkeypatch.setenv("CARRIERE_DATABASE_URL", db_url)
    monkeypatch.setenv("CARRIERE_ROOT", str(project_root))
    monkeypatch.setenv("CARRIERE_SECRET_KEY", "clé de test")
    monkeypatch.setenv("CARRIERE_NOW", "2027-08-31T10:00:00+02:00")
    assert main(["rendez-vous", "echeances"]) == 0
    assert ("rendez-vous-carriere-2026-2027 : notification des appréciations finales des rendez-vous de carrière — "
            "à venir le 01/09/2027 à 08:00") in capsys.readouterr().out
    monkeypatch.setenv("CARRIERE_NOW", "2027-09-01T08:00:00+02:00")
    assert main(["rendez-vous", "echeances"]) == 0
    assert "(échéance du 01/09/2027 08:00) — faite : 1 élément(s)" in capsys.readouterr().out
    assert main(["rendez-vous", "echeances", "--campagne", "rendez-vous-carriere-2026-2027"]) == 0
    assert "déjà faite" in capsys.readouterr().out
    assert main(["promotions", "echeances", "--campagne", "inconnue"]) == 1
    assert "aucune campagne « inconnue »" in capsys.readouterr().err


# --- the échelon spécial ----------------------------------------------------------------------


def test_echelon_special_campaign(app, login, world, make_teacher, clock, form_post):
    ok, account, password = make_teacher(prenom="Odile", nom="Spéciale", grade="classe exceptionnelle", echelon=4,
                                          echelon_depuis=date(2024, 8, 31), affectation_uai=UAI)
    short, _, _ = make_teacher(prenom="Jules", nom="Court", grade="classe exceptionnelle", echelon=4,
                               echelon_depuis=date(2024, 9, 1), affectation_uai=UAI)
    clock.current = datetime(2027, 3, 10, 10, 0, tzinfo=PARIS)
    client = log(app, login, account.identifiant, password)
    page = text(client.get("/promotions/"))
    assert "Accès à l'échelon spécial de la classe exceptionnelle 2027" in page
    assert f"Promouvable{NB}: 4e échelon depuis le 31 août 2024, situation au 31 août 2027." in page
    ouvrir(app, login, world, form_post, slug="echelon-special-2027")
    db = new_session(app)
    listed = set(db.scalars(select(Promouvable.agent_id).where(Promouvable.campagne == "echelon-special-2027")))
    db.close()
    assert listed == {ok.id}  # 35 months in the 4th échelon on 31 August 2027 is one short of 36


# --- French typography of what the new pages print ----------------------------------------------


class _Texte(HTMLParser):
    """The text a reader sees (scripts, styles and attribute values aside)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style") and self.skip > 0

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def typographie(page: str) -> list[str]:
    """Ordinary spaces where French wants a no-break one: before : ; ? ! », after «."""
    parser = _Texte()
    parser.feed(page[page.index("<main"):page.index("</main>")])  # the layout's header and footer are not ours
    seen = " ".join(" ".join(parser.parts).split(" \n"))
    return sorted({m.group(0) for m in re.finditer(r".{0,25}(?: [:;?!»]|« ).{0,15}", seen)})


def test_new_pages_use_french_typography(app, login, world, make_teacher, clock, form_post):
    """Every new page, for each role, at a moment it shows the most, with its error states."""
    pages = []
    clock.current = AVIS
    ouvrir(app, login, world, form_post)
    t = {n: v[0].id for n, v in world["teachers"].items()}
    gclient = gestionnaire(app, login, world)
    for url in ("/promotions/", f"/promotions/{HC}/gestion", f"/promotions/{HC}/tableau", "/evaluateurs/",
                "/rendez-vous/"):
        pages.append((url, gclient.get(url)))
    pages.append(("appreciations", staff(app, login, world["recteur"]).get(f"/promotions/{HC}/appreciations")))
    pages.append(("evaluateurs (erreur)", form_post(gclient, "/evaluateurs/", {"role": "inspecteur", "prenom": "A",
                                                                              "nom": "B"})))
    chef = staff(app, login, world["chef"])
    pages.append(("avis", chef.get(f"/promotions/{HC}/avis")))
    p = ids(app)
    pages.append(("avis (quota)", form_post(chef, f"/promotions/{HC}/avis", {
        f"avis-{p[t['Arnaud']]}": "tres_satisfaisant", f"avis-{p[t['Berger']]}": "tres_satisfaisant"})))
    for onglet in ("situation", "affectations", "qualifications", "activites", "fonctions", "distinctions",
                   "synthese"):
        suffix = "" if onglet == "situation" else onglet
        pages.append((f"agent {onglet}", chef.get(f"/promotions/{HC}/agents/{t['Arnaud']}/{suffix}")))
    url = rendez_vous_notifie(app, login, world, clock, form_post)
    clock.current = datetime(2027, 9, 10, 10, 0, tzinfo=PARIS)
    girard = teacher(app, login, world, "Girard")
    form_post(girard, "/rendez-vous/recours", {"texte": "Recours."}, page="/rendez-vous/")
    pages.append(("rdv agent", girard.get("/rendez-vous/")))
    pages.append(("rdv staff", gestionnaire(app, login, world).get(url)))
    pages.append(("perspectives", girard.get("/perspectives/")))
    arnaud = teacher(app, login, world, "Arnaud")
    for path in ("/promotions/", f"/promotions/{HC}/dossier/", f"/promotions/{HC}/dossier/synthese",
                 f"/promotions/{HC}/synthese/imprimer", "/promotions/classe-exceptionnelle-2027/candidature",
                 "/rendez-vous/", "/perspectives/"):
        pages.append((path, arnaud.get(path)))
    assert {name: r.status_code for name, r in pages if r.status_code not in (200, 400, 409)} == {}
    problems = {name: found for name, response in pages if (found := typographie(response.data.decode()))}
    assert problems == {}


# --- the shipped guides describe steps that exist ---------------------------------------------------


def test_guides_name_what_the_pages_show(app, login, world, make_teacher, clock, form_post, project_root):
    """Each button, link or heading the guides tell a teacher to use is on the page where the step happens."""
    avis = (project_root / "content/guides/trouver-l-avis-de-son-ien-hors-classe.md").read_text(encoding="utf-8")
    rapport = (project_root / "content/guides/joindre-un-rapport-d-inspection.md").read_text(encoding="utf-8")
    clock.current = AVANT
    _, hors, password = make_teacher(prenom="Hugo", nom="Hors", grade="hors classe", echelon=4,
                                     echelon_depuis=date(2024, 1, 1))
    ouvrir(app, login, world, form_post)
    arnaud = teacher(app, login, world, "Arnaud")
    steps = [
        (avis, "**Promotions**", text(arnaud.get("/")), "Promotions"),
        (avis, "**Consulter votre dossier de promotion**", text(arnaud.get("/promotions/")),
         "Consulter votre dossier de promotion"),
        (avis, "**Synthèse**", text(arnaud.get(f"/promotions/{HC}/dossier/")), ">Synthèse</a>"),
        (avis, "*Avis et appréciation*", text(arnaud.get(f"/promotions/{HC}/dossier/synthese")), "Avis et appréciation"),
        (avis, "**Imprimer**", text(arnaud.get(f"/promotions/{HC}/dossier/synthese")), ">Imprimer</a>"),
        (avis, "**Télécharger la synthèse (PDF)**", text(arnaud.get(f"/promotions/{HC}/dossier/synthese")),
         "Télécharger la synthèse (PDF)"),
        (avis, "**Imprimer**", text(arnaud.get(f"/promotions/{HC}/synthese/imprimer")), ">Imprimer</button>"),
        (avis, "**Votre courrier**", text(arnaud.get("/")), "Votre courrier"),
        (avis, "*Déposer ou modifier votre candidature au\npremier vivier*",
         text(log(app, login, hors.identifiant, password).get("/promotions/")),
         "Déposer ou modifier votre candidature au premier vivier"),
        (rapport, "**Rendez-vous de carrière**", text(arnaud.get("/")), "Rendez-vous de carrière"),
    ]
    missing = [(guide_words, page_words) for guide, guide_words, page, page_words in steps
               if guide_words not in guide or page_words not in page]
    assert missing == []
    # The Synthèse says from when the avis can be read (the guide's « avant cette date »), then « Non renseigné ».
    assert "Les avis et l'appréciation seront consultables à partir du 06/04/2027" in text(
        arnaud.get(f"/promotions/{HC}/dossier/synthese"))
    clock.current = CONSULTATION
    page = text(teacher(app, login, world, "Arnaud").get(f"/promotions/{HC}/dossier/synthese"))
    assert "<dd>Non renseigné</dd>" in page and "*Non renseigné*" in avis


@pytest.mark.postgres
def test_two_saves_at_once_never_break_a_quota(app, login, world, clock, form_post, db_backend):
    """Two tabs (or two evaluators of one scope) give the last « Très satisfaisant » at the same instant: one wins."""
    from forms_app.promotions.models import AvisPromotion

    clock.current = AVIS
    ouvrir(app, login, world, form_post)
    p = ids(app)
    t = {n: v[0].id for n, v in world["teachers"].items()}
    clients = [staff(app, login, world["chef"]) for _ in range(2)]
    tokens = [re.search(r'name="csrf_token" value="([^"]+)"', c.get(f"/promotions/{HC}/avis").data.decode()).group(1)
              for c in clients]
    for round_ in range(4):
        db = new_session(app)
        with write_transaction(db):
            db.query(AvisPromotion).delete()
        db.close()
        barrier = threading.Barrier(2)
        answers: list = []

        def save(i, nom):
            barrier.wait()
            answers.append(clients[i].post(f"/promotions/{HC}/avis", headers={"Accept": "application/json"},
                                           data={"csrf_token": tokens[i], f"avis-{p[t[nom]]}": "tres_satisfaisant"}))

        threads = [threading.Thread(target=save, args=(0, "Arnaud")), threading.Thread(target=save, args=(1, "Berger"))]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=60)
        db = new_session(app)
        given = db.scalar(select(func.count()).select_from(AvisPromotion).where(AvisPromotion.valeur == "tres_satisfaisant"))
        db.close()
        assert sorted(a.status_code for a in answers) == [200, 409] and given == 1, round_


def test_hostile_posts_get_a_french_4xx_and_change_nothing(app, login, world, clock, form_post):
    """Odd dates, control characters, unknown actions and values, over-long texts: 4xx with a message, never 500."""
    url = rendez_vous_notifie(app, login, world, clock, form_post)
    girard_id = world["teachers"]["Girard"][0].id
    db = new_session(app)
    before = db.scalar(select(RendezVous).where(RendezVous.agent_id == girard_id))
    snapshot = (before.date_rdv, before.lieu, before.appreciation_finale, before.recours)
    db.close()
    clock.current = datetime(2027, 9, 10, 10, 0, tzinfo=PARIS)
    recteur, ipr = staff(app, login, world["recteur"]), staff(app, login, world["ipr"])
    other = f"/rendez-vous/agents/{world['teachers']['Arnaud'][0].id}"  # not due: nothing to schedule
    cases = [
        (ipr, url, {"action": "planifier", "jour": "31/02/2027", "heure": "10:00", "lieu": "Salle"}),
        (ipr, url, {"action": "planifier", "jour": "01/01/0001", "heure": "25:61", "lieu": "Salle"}),
        (ipr, other, {"action": "planifier", "jour": "01/01/9999", "heure": "10:00", "lieu": "Salle\x00\x1b"}),
        (ipr, url, {"action": "compte_rendu", "item-c1": "génial", "appreciation": "x"}),
        (ipr, url, {"action": "inconnue"}),
        (recteur, url, {"action": "appreciation_finale", "appreciation_finale": "excellent"}),
        (recteur, url, {"action": "repondre_recours", "decision": "oui", "reponse": "Texte."}),
        (recteur, url, {"action": "repondre_recours", "decision": "maintenue", "reponse": "a\x07b"}),
        (recteur, f"/promotions/{HC}/appreciations", {"appreciation-abc": "excellent", "appreciation-999999": "x"}),
    ]
    for client, target, data in cases:
        response = form_post(client, target, data)
        assert 400 <= response.status_code < 500 or response.status_code == 302, (data, response.status_code)
        if response.status_code >= 400:
            assert "<main" in response.data.decode() or response.is_json, data
    client = gestionnaire(app, login, world)
    for data in ({"role": "pirate", "prenom": "A", "nom": "B"},
                 {"role": "inspecteur", "prenom": "A", "nom": "B", "circonscription": "x" * 500},
                 {"role": "inspecteur", "prenom": "A\x00", "nom": "B", "discipline": "L1300"}):
        assert form_post(client, "/evaluateurs/", data).status_code == 400, data
    db = new_session(app)
    after = db.scalar(select(RendezVous).where(RendezVous.agent_id == girard_id))
    assert (after.date_rdv, after.lieu, after.appreciation_finale, after.recours) == snapshot
    db.close()
