"""Creating an evaluator's account (gestionnaire's page and CLI): a one-time first password, then the
choice of a password and the TOTP enrolment at first login, as for gestionnaires."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from generator.model import is_valid_uai

from ..comptes.identifiants import base_identifiant, next_identifiant
from ..comptes.models import Account
from ..core import audit
from ..dossier.agents_store import end_of_day
from .access import EVALUATEUR_ROLES, ROLE_LABELS
from .models import Perimetre

FIRST_PASSWORD_DAYS = 7


class RefusCompte(ValueError):
    """A French message saying what to fix."""


MSG_PROFIL = "Choisissez un profil\u00a0: chef d'établissement, inspecteur ou recteur."
MSG_NOM = "Saisissez le prénom et le nom\u00a0: l'identifiant en est formé."
MSG_UAI = ("Saisissez l'UAI de l'établissement du chef d'établissement (7\u00a0chiffres et une lettre, par exemple "
           "0630021F).")
MSG_INSPECTEUR = ("Pour un inspecteur, saisissez soit une discipline du référentiel (second degré, par exemple "
                  "L1300), soit une circonscription (premier degré, par exemple 063-RIOM), pas les deux.")
MSG_DISCIPLINE = "Choisissez la discipline de l'inspecteur parmi celles du référentiel (par exemple L1300)."
MSG_CIRCONSCRIPTION = ("Circonscription inconnue\u00a0: choisissez-en une de data/circonscriptions.csv (par exemple "
                       "063-RIOM).")


def refus_evaluateur(role: str, prenom: str, nom: str, uai: str, discipline: str, disciplines,
                     circonscription: str = "", circonscriptions=None) -> tuple[str, str] | None:
    """What is wrong with these values, as (the field to fix, the message), or None."""
    if role not in EVALUATEUR_ROLES:
        return "role", MSG_PROFIL
    if not base_identifiant(prenom, nom) or not nom.strip():
        return "nom", MSG_NOM
    if role == "chef_etablissement" and not is_valid_uai(uai):
        return "uai", MSG_UAI
    if role == "inspecteur":
        if bool(discipline) == bool(circonscription):
            return "discipline", MSG_INSPECTEUR
        if discipline and discipline not in disciplines:
            return "discipline", MSG_DISCIPLINE
        if circonscription and circonscription not in (circonscriptions or {}):
            return "circonscription", MSG_CIRCONSCRIPTION
    return None


def creer_evaluateur(db: Session, hasher, *, role: str, prenom: str, nom: str, uai: str = "", discipline: str = "",
                     circonscription: str = "", moment: datetime,
                     actor_id: int | None) -> tuple[Account, str, datetime]:
    """Add the account and its scope to db's transaction; returns it, its first password and its expiry."""
    first = "-".join(secrets.token_hex(3) for _ in range(4))
    expires = end_of_day(moment.date() + timedelta(days=FIRST_PASSWORD_DAYS))
    identifiant = next_identifiant(base_identifiant(prenom, nom), set(db.scalars(select(Account.identifiant)).all()))
    account = Account(identifiant=identifiant, role=role, agent_id=None, display_name=f"{prenom} {nom}",
                      password_hash=hasher.hash(first), must_change_password=True, first_secret_expires_at=expires,
                      totp_enabled=False, created_at=moment)
    db.add(account)
    db.flush()
    db.add(Perimetre(account_id=account.id, uai=uai if role == "chef_etablissement" else "",
                     discipline=discipline if role == "inspecteur" else "",
                     circonscription=circonscription if role == "inspecteur" else "", appreciation_recteur=False))
    audit.record(db, actor_id=actor_id, action="compte_cree", target=f"compte:{identifiant}",
                 after={"role": role, "nom": f"{prenom} {nom}", "uai": uai, "discipline": discipline,
                        "circonscription": circonscription})
    return account, first, expires


def perimetre_label(role: str, uai: str, discipline: str, ref, circonscription: str = "") -> str:
    """« Collège X (0630021F) », « Mathématiques (L1300) », « Circonscription de Riom (063-RIOM) », « toute
    l'académie »."""
    if role == "chef_etablissement":
        etab = ref.etablissements.get(uai) if ref else None
        return f"{etab.nom} ({uai})" if etab else uai
    if role == "inspecteur" and circonscription:
        c = ref.circonscriptions.get(circonscription) if ref else None
        return f"{c.libelle} ({circonscription}, premier degré)" if c else circonscription
    if role == "inspecteur":
        d = ref.disciplines.get(discipline) if ref else None
        return f"{d.libelle} ({discipline})" if d else discipline
    if role == "recteur":
        return "toute l'académie"
    return ""


__all__ = ["ROLE_LABELS", "RefusCompte", "creer_evaluateur", "perimetre_label", "refus_evaluateur"]
