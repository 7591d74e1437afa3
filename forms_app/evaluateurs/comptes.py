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


def refus_evaluateur(role: str, prenom: str, nom: str, uai: str, discipline: str, disciplines) -> str | None:
    """What is wrong with these values, or None."""
    if role not in EVALUATEUR_ROLES:
        return "Choisissez un profil : chef d'établissement, inspecteur ou recteur."
    if not base_identifiant(prenom, nom) or not nom.strip():
        return "Saisissez le prénom et le nom : l'identifiant en est formé."
    if role == "chef_etablissement" and not is_valid_uai(uai):
        return "Saisissez l'UAI de l'établissement du chef d'établissement (7 chiffres et une lettre, par exemple 0630021F)."
    if role == "inspecteur" and discipline not in disciplines:
        return "Choisissez la discipline de l'inspecteur parmi celles du référentiel (par exemple L1300)."
    return None


def creer_evaluateur(db: Session, hasher, *, role: str, prenom: str, nom: str, uai: str = "", discipline: str = "",
                     moment: datetime, actor_id: int | None) -> tuple[Account, str, datetime]:
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
                     discipline=discipline if role == "inspecteur" else "", appreciation_recteur=False))
    audit.record(db, actor_id=actor_id, action="compte_cree", target=f"compte:{identifiant}",
                 after={"role": role, "nom": f"{prenom} {nom}", "uai": uai, "discipline": discipline})
    return account, first, expires


def perimetre_label(role: str, uai: str, discipline: str, ref) -> str:
    """« Collège X (0630021F) », « Mathématiques (L1300) », « toute l'académie »."""
    if role == "chef_etablissement":
        etab = ref.etablissements.get(uai) if ref else None
        return f"{etab.nom} ({uai})" if etab else uai
    if role == "inspecteur":
        d = ref.disciplines.get(discipline) if ref else None
        return f"{d.libelle} ({discipline})" if d else discipline
    if role == "recteur":
        return "toute l'académie"
    return ""


__all__ = ["ROLE_LABELS", "RefusCompte", "creer_evaluateur", "perimetre_label", "refus_evaluateur"]
