"""Who evaluates whom: a chef d'établissement the agents assigned to her UAI, an inspecteur those of her
discipline (second degree) or the first-degree agents of her circonscription, the recteur (or a gestionnaire
given the right) every agent. Gestionnaires see every agent."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from flask import abort, g

from ..comptes.access import login_required
from ..core.db import get_session
from .models import Perimetre

EVALUATEUR_ROLES = ("chef_etablissement", "inspecteur", "recteur")
ROLE_LABELS = {"chef_etablissement": "Chef d'établissement", "inspecteur": "Inspecteur", "recteur": "Recteur"}
# The corps of the first degree: their inspecteur is the IEN of a circonscription, not a discipline's.
PREMIER_DEGRE = ("professeur des écoles", "instituteur")


def premier_degre(corps: str | None) -> bool:
    """Whether an agent of this corps belongs to the first degree."""
    return " ".join((corps or "").casefold().split()) in PREMIER_DEGRE


@dataclass(frozen=True)
class Portee:
    """The logged-in account's reach over agents."""

    role: str
    evaluateur: str | None  # the avis it gives: "chef_etablissement" | "inspecteur" | None
    uai: str = ""
    discipline: str = ""
    circonscription: str = ""
    uais: frozenset[str] = frozenset()  # the circonscription's établissements
    tout: bool = False  # every agent (recteur, gestionnaire)
    apprecie: bool = False  # gives the recteur's appréciation

    def couvre(self, uai: str, discipline: str, premier: bool = False) -> bool:
        """Whether an agent with this UAI and discipline (of the first degree or not) is within reach."""
        if self.tout:
            return True
        if self.evaluateur == "chef_etablissement":
            return bool(self.uai) and uai == self.uai
        if self.evaluateur == "inspecteur" and self.circonscription:
            return premier and uai in self.uais
        if self.evaluateur == "inspecteur":
            return bool(self.discipline) and discipline == self.discipline and not premier
        return False

    def couvre_agent(self, agent) -> bool:
        return self.couvre(agent.affectation_uai or "", agent.discipline or "", premier_degre(agent.corps))


def uais_de_circonscription(code: str) -> frozenset[str]:
    """The établissements of the circonscription's communes (empty for an unknown code)."""
    from ..core.content import current_site

    site = current_site()
    circo = site.referentiel.circonscriptions.get(code) if site is not None and code else None
    if circo is None:
        return frozenset()
    communes = set(circo.communes)
    return frozenset(u for u, e in site.referentiel.etablissements.items() if e.commune in communes)


def portee() -> Portee | None:
    """The reach of the account logged in; None for a teacher."""
    account = g.account
    if account is None or account.role == "enseignant":
        return None
    perimetre = get_session().get(Perimetre, account.id)
    if account.role == "gestionnaire":
        return Portee("gestionnaire", None, tout=True, apprecie=bool(perimetre and perimetre.appreciation_recteur))
    if account.role == "recteur":
        return Portee("recteur", None, tout=True, apprecie=True)
    if perimetre is None:
        return Portee(account.role, account.role)  # no scope yet: reaches nobody
    circonscription = perimetre.circonscription or ""
    return Portee(account.role, account.role, uai=perimetre.uai, discipline=perimetre.discipline,
                  circonscription=circonscription, uais=uais_de_circonscription(circonscription))


def evaluateur_required(view):
    """Evaluators, the recteur and gestionnaires; a teacher gets 403."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if g.account.role not in (*EVALUATEUR_ROLES, "gestionnaire"):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
