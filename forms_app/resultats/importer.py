"""Import a campaign's results: from a CSV file (checked line by line, `FILE:line: message`) or from plain
rows (an allocation's validated simulation), all or nothing, idempotent.

`import_results(session, campaign, rows, actor)` is the one entry point: it checks every row against the
database, raises ResultatsRefuses with every problem before writing anything, then writes in the
caller's transaction. Importing the same rows again changes nothing; a published result cannot change.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from generator.model import Campaign

from ..core import audit
from ..core.clock import now
from ..dossier.models import Agent
from ..mobilite.models import Demande, Voeu
from .models import EXTENSION, ISSUES, MAINTENU, NON_SATISFAIT, SATISFAIT, Resultat
from ..core.texte import chiffres

NBSP = "\u00a0"
COLONNES = ("numen", "demande", "resultat", "voeu", "uai", "libelle")
REQUISES = ("numen", "demande", "resultat")
ISSUES_CSV = {"satisfait": SATISFAIT, "maintenu": MAINTENU, "non satisfait": NON_SATISFAIT,
              "non_satisfait": NON_SATISFAIT, "extension": EXTENSION}
UAI_RE = re.compile(r"^\d{7}[A-Z]$")
LIBELLE_MAX = 300


@dataclass(frozen=True)
class LigneResultat:
    """One result to import. agent_id or numen names the agent; ligne: where it came from (0: not a file)."""

    demande_id: int
    issue: str  # models.ISSUES
    voeu_rang: int | None = None
    uai: str = ""
    libelle: str = ""
    agent_id: int | None = None
    numen: str = ""
    ligne: int = 0


class ResultatsRefuses(Exception):
    """Every problem found, as `FILE:line: message` (or `ligne N: message` without a file); nothing written."""

    def __init__(self, problemes: list[str]) -> None:
        super().__init__("\n".join(problemes))
        self.problemes = problemes


@dataclass
class BilanImport:
    crees: int = 0
    modifies: int = 0
    inchanges: int = 0
    details: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.crees + self.modifies + self.inchanges


def _etablissement(uai: str, referentiel):
    """(the établissement of this UAI, or None; the refusal to write after « fichier:ligne: », or None).
    An empty UAI is neither: the line names its affectation otherwise."""
    if not uai:
        return None, None
    etab = referentiel.etablissements.get(uai) if referentiel is not None else None
    if not UAI_RE.match(uai) or (referentiel is not None and etab is None):
        return None, f"UAI « {uai[:10]} » inconnu : un établissement du référentiel (7 chiffres et une lettre)"
    return etab, None


def _ou(fichier: str, ligne: int) -> str:
    if ligne and fichier:
        return f"{fichier}:{ligne}: "
    return f"ligne {ligne}{NBSP}: " if ligne else ""


def lire_csv(texte: str, fichier: str = "resultats.csv") -> list[LigneResultat]:
    """Parse the CSV (`;`, a header line, UTF-8); raise ResultatsRefuses with every line's problem."""
    texte = texte.lstrip("\ufeff")
    problemes: list[str] = []
    lignes: list[LigneResultat] = []
    reader = csv.reader(io.StringIO(texte), delimiter=";")
    try:
        entete = [c.strip().lower() for c in next(reader)]
    except StopIteration:
        raise ResultatsRefuses([f"{fichier}:1: fichier vide : la première ligne doit nommer les colonnes "
                                f"({';'.join(COLONNES)})"]) from None
    manquantes = [c for c in REQUISES if c not in entete]
    if manquantes:
        raise ResultatsRefuses([f"{fichier}:1: colonne(s) manquante(s) : {', '.join(manquantes)} ; l'en-tête attendu "
                                f"est {';'.join(COLONNES)}"])
    inconnues = [c for c in entete if c not in COLONNES]
    if inconnues:
        problemes.append(f"{fichier}:1: colonne(s) inconnue(s) : {', '.join(inconnues)} ; colonnes possibles : "
                         f"{', '.join(COLONNES)}")
    for numero, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(entete):
            problemes.append(f"{fichier}:{numero}: {len(cells)} valeur(s) pour {len(entete)} colonne(s) : vérifiez "
                             "les « ; »")
            continue
        row = {k: v.strip() for k, v in zip(entete, cells)}
        ou = f"{fichier}:{numero}: "
        issue = ISSUES_CSV.get(row["resultat"].lower())
        if issue is None:
            problemes.append(f"{ou}résultat « {row['resultat'][:40]} » inconnu : écrivez satisfait, maintenu, "
                             "non satisfait ou extension")
            continue
        if not chiffres(row["demande"]) or len(row["demande"]) > 9:
            problemes.append(f"{ou}numéro de demande « {row['demande'][:20]} » invalide : un nombre entier")
            continue
        voeu = row.get("voeu", "")
        if voeu and (not chiffres(voeu) or len(voeu) > 3):
            problemes.append(f"{ou}numéro de vœu « {voeu[:20]} » invalide : un nombre entier (1 pour le premier vœu)")
            continue
        lignes.append(LigneResultat(
            demande_id=int(row["demande"]), issue=issue, voeu_rang=int(voeu) if voeu else None,
            uai=row.get("uai", "").upper(), libelle=row.get("libelle", ""), numen=row["numen"].upper(), ligne=numero))
    if problemes:
        raise ResultatsRefuses(problemes)
    return lignes


def import_results(session: Session, campaign: Campaign, rows: list[LigneResultat], actor: int | None, *,
                   fichier: str = "", referentiel=None, moment: datetime | None = None) -> BilanImport:
    """Check every row, then write them (in the caller's write transaction). All or nothing."""
    moment = moment or now()
    problemes: list[str] = []
    demande_ids = [r.demande_id for r in rows]
    demandes = {}
    for start in range(0, len(demande_ids), 900):
        chunk = demande_ids[start:start + 900]
        demandes.update({d.id: d for d in session.execute(
            select(Demande.id, Demande.agent_id, Demande.campagne).where(Demande.id.in_(chunk))).all()})
    numens = {r.numen for r in rows if r.numen}
    agents_par_numen: dict[str, int] = {}
    for chunk in _chunks(sorted(numens), 900):
        agents_par_numen.update(dict(session.execute(select(Agent.numen, Agent.id).where(Agent.numen.in_(chunk))).all()))
    nb_voeux: dict[int, dict[int, tuple[str, str, str]]] = {}
    for chunk in _chunks(sorted(set(demande_ids) & set(demandes)), 900):
        for demande_id, rank, vtype, code, libelle in session.execute(
                select(Voeu.demande_id, Voeu.rank, Voeu.type, Voeu.code, Voeu.libelle).where(Voeu.demande_id.in_(chunk))):
            nb_voeux.setdefault(demande_id, {})[rank] = (vtype, code, libelle)
    from ..confirmations.models import ANNULEE, NON_RECEVABLE, ConfirmationDemande

    exclues = {}
    for chunk in _chunks(sorted(set(demande_ids)), 900):
        exclues.update(dict(session.execute(select(ConfirmationDemande.demande_id, ConfirmationDemande.etat).where(
            ConfirmationDemande.demande_id.in_(chunk), ConfirmationDemande.etat.in_((ANNULEE, NON_RECEVABLE)))).all()))
    existants = {}
    for chunk in _chunks(sorted(set(demande_ids)), 900):
        existants.update({r.demande_id: r for r in session.scalars(
            select(Resultat).where(Resultat.demande_id.in_(chunk)))})
    vus: dict[int, int] = {}
    propres: list[tuple[LigneResultat, int, str]] = []
    for r in rows:
        ou = _ou(fichier, r.ligne)
        if r.issue not in ISSUES:
            problemes.append(f"{ou}résultat « {r.issue} » inconnu : satisfait, maintenu, non satisfait ou extension")
            continue
        demande = demandes.get(r.demande_id)
        if demande is None or demande.campagne != campaign.slug:
            problemes.append(f"{ou}la demande n° {r.demande_id} n'existe pas dans la campagne {campaign.slug} : "
                             "vérifiez le numéro de demande")
            continue
        agent_id = r.agent_id if r.agent_id is not None else agents_par_numen.get(r.numen)
        if agent_id is None:
            problemes.append(f"{ou}aucun agent n'a le NUMEN « {r.numen[:13]} » : vérifiez-le dans le fichier des agents")
            continue
        if agent_id != demande.agent_id:
            problemes.append(f"{ou}la demande n° {r.demande_id} n'est pas celle de cet agent : vérifiez le NUMEN ou le "
                             "numéro de demande")
            continue
        if r.demande_id in vus:
            problemes.append(f"{ou}la demande n° {r.demande_id} a déjà un résultat "
                             f"{'ligne ' + str(vus[r.demande_id]) if vus[r.demande_id] else 'plus haut'} : gardez-en un")
            continue
        vus[r.demande_id] = r.ligne
        if r.demande_id in exclues and r.issue != NON_SATISFAIT:
            etat = "annulée" if exclues[r.demande_id] == ANNULEE else "non recevable"
            problemes.append(f"{ou}la demande n° {r.demande_id} est {etat} : son seul résultat possible est "
                             "« non satisfait »")
            continue
        libelle = r.libelle
        if r.issue == EXTENSION:
            etab, refus = _etablissement(r.uai, referentiel)
            if r.voeu_rang is not None:
                problemes.append(f"{ou}une « extension » se fait hors des vœux : laissez la colonne voeu vide")
                continue
            if refus:
                problemes.append(ou + refus)
                continue
            if not libelle and etab is not None:
                libelle = f"{etab.type} {etab.nom}"
            if not r.uai and not libelle:
                problemes.append(f"{ou}une « extension » nomme l'affectation : donnez son UAI ou son libellé")
                continue
            if len(libelle) > LIBELLE_MAX:
                problemes.append(f"{ou}libellé de {len(libelle)} caractères : {LIBELLE_MAX} au plus")
                continue
        elif r.issue == SATISFAIT:
            voeux = nb_voeux.get(r.demande_id, {})
            if r.voeu_rang is None or r.voeu_rang not in voeux:
                problemes.append(f"{ou}« satisfait » demande le numéro du vœu obtenu, entre 1 et {len(voeux)} pour "
                                 f"la demande n° {r.demande_id}" if voeux else
                                 f"{ou}la demande n° {r.demande_id} n'a aucun vœu : elle ne peut pas être satisfaite")
                continue
            if r.uai:
                etab, refus = _etablissement(r.uai, referentiel)
                if refus:
                    problemes.append(ou + refus)
                    continue
                if not libelle and etab is not None:
                    libelle = f"{etab.type} {etab.nom}"
            if not r.uai and not libelle:
                vtype, code, vlibelle = voeux[r.voeu_rang]
                libelle = vlibelle  # an académie, a zone: the vœu names the affectation
            if len(libelle) > LIBELLE_MAX:
                problemes.append(f"{ou}libellé de {len(libelle)} caractères : {LIBELLE_MAX} au plus")
                continue
        elif r.voeu_rang is not None or r.uai:
            problemes.append(f"{ou}un résultat « {'maintenu' if r.issue == MAINTENU else 'non satisfait'} » n'a ni vœu "
                             "ni UAI : laissez ces colonnes vides")
            continue
        existant = existants.get(r.demande_id)
        place = r.issue in (SATISFAIT, EXTENSION)  # an affectation named: UAI and label kept
        cle = (r.issue, r.voeu_rang if r.issue == SATISFAIT else None, r.uai if place else "", libelle if place else "")
        if existant is not None and existant.publie_at is not None and existant.cle() != cle:
            problemes.append(f"{ou}le résultat de la demande n° {r.demande_id} est déjà publié : il ne peut plus "
                             "changer (écrivez à l'agent depuis le courrier)")
            continue
        propres.append((r, agent_id, libelle))
    if problemes:
        raise ResultatsRefuses(problemes)
    bilan = BilanImport()
    for r, agent_id, libelle in propres:
        place = r.issue in (SATISFAIT, EXTENSION)
        cle = (r.issue, r.voeu_rang if r.issue == SATISFAIT else None, r.uai if place else "", libelle if place else "")
        existant = existants.get(r.demande_id)
        if existant is None:
            session.add(Resultat(demande_id=r.demande_id, agent_id=agent_id, campagne=campaign.slug, issue=cle[0],
                                 voeu_rang=cle[1], uai=cle[2], libelle=cle[3], importe_at=moment, importe_par=actor))
            bilan.crees += 1
        elif existant.cle() == cle:
            bilan.inchanges += 1
        else:
            existant.issue, existant.voeu_rang, existant.uai, existant.libelle = cle
            existant.importe_at, existant.importe_par = moment, actor
            bilan.modifies += 1
    if bilan.crees or bilan.modifies:
        session.flush()
        audit.record(session, actor_id=actor, action="resultats.import", target=f"campagne:{campaign.slug}",
                     after={"crees": bilan.crees, "modifies": bilan.modifies, "inchanges": bilan.inchanges,
                            "fichier": fichier})
    return bilan


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]
