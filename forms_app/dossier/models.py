"""An agent's administrative dossier, as imported from the academy's CSV."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import AwareDateTime, Base
from ..core.texte import plain

# CSV column -> label shown to people (docs/agents-csv.md documents each one).
AGENT_FIELDS: tuple[str, ...] = (
    "numen", "civilite", "nom", "prenom", "date_naissance", "corps", "grade", "echelon",
    "echelon_depuis", "discipline", "position", "modalite_service", "affectation_uai",
    "affectation_depuis", "adresse", "code_postal", "commune", "mail_pro", "mail_perso",
    "telephone", "portable", "situation_familiale", "enfants", "corps_depuis", "services_depuis",
)


class Agent(Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    numen: Mapped[str] = mapped_column(String(13), unique=True)
    civilite: Mapped[str] = mapped_column(String(10))  # "Monsieur" | "Madame"
    nom: Mapped[str] = mapped_column(String(100))
    prenom: Mapped[str] = mapped_column(String(100))
    # « prénom nom » as people search it (core.texte.plain), kept by the listener below: searches on a name
    # match whatever accents and case are typed, on SQLite and PostgreSQL alike.
    recherche: Mapped[str] = mapped_column(String(210), default="", server_default="", index=True)
    date_naissance: Mapped[date] = mapped_column(Date)
    corps: Mapped[str] = mapped_column(String(120))
    grade: Mapped[str] = mapped_column(String(120))
    echelon: Mapped[int] = mapped_column(Integer)
    echelon_depuis: Mapped[date | None] = mapped_column(Date)
    discipline: Mapped[str] = mapped_column(String(120), default="")
    position: Mapped[str] = mapped_column(String(120))
    modalite_service: Mapped[str] = mapped_column(String(120))
    affectation_uai: Mapped[str] = mapped_column(String(8), default="")
    affectation_depuis: Mapped[date | None] = mapped_column(Date)
    adresse: Mapped[str] = mapped_column(String(250), default="")
    code_postal: Mapped[str] = mapped_column(String(5), default="")
    commune: Mapped[str] = mapped_column(String(120), default="")
    mail_pro: Mapped[str] = mapped_column(String(254), default="")
    mail_perso: Mapped[str] = mapped_column(String(254), default="")
    telephone: Mapped[str] = mapped_column(String(20), default="")
    portable: Mapped[str] = mapped_column(String(20), default="")
    situation_familiale: Mapped[str] = mapped_column(String(60), default="")
    enfants: Mapped[int] = mapped_column(Integer, default=0)
    # Start of the ancienneté dans le corps and of the AGS, when the agents file gives them (else: history).
    corps_depuis: Mapped[date | None] = mapped_column(Date)
    services_depuis: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime)

    @property
    def nom_complet(self) -> str:
        """"Jean Dupont", as the header and the dossier show it."""
        return f"{self.prenom} {self.nom}"

    def snapshot(self) -> dict[str, str]:
        """Field values for the audit log, without the NUMEN."""
        return {
            name: "" if getattr(self, name) is None else str(getattr(self, name))
            for name in AGENT_FIELDS
            if name != "numen"
        }


def recherche_de(prenom: str | None, nom: str | None) -> str:
    """The searchable form of a name."""
    return plain(f"{prenom or ''} {nom or ''}")[:210]


@event.listens_for(Agent, "before_insert")
@event.listens_for(Agent, "before_update")
def _keep_recherche(_mapper, _connection, agent: Agent) -> None:
    agent.recherche = recherche_de(agent.prenom, agent.nom)


class LigneCarriere(Base):
    """A past state of an agent's career: from `debut` on, this corps, grade, échelon and position
    (until the next line, or the agents file's current state)."""

    __tablename__ = "agent_carriere"
    __table_args__ = (UniqueConstraint("agent_id", "debut", name="uq_agent_carriere_debut"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    debut: Mapped[date] = mapped_column(Date)
    corps: Mapped[str] = mapped_column(String(120))
    grade: Mapped[str] = mapped_column(String(120))
    echelon: Mapped[int] = mapped_column(Integer)
    position: Mapped[str] = mapped_column(String(120))

    def cle(self) -> tuple:
        """What the line says, to compare a re-import with what is stored."""
        return (self.debut.isoformat(), self.corps, self.grade, self.echelon, self.position)


class LigneAffectation(Base):
    """A past affectation of an agent, from `debut` to `fin` (None: until the next one)."""

    __tablename__ = "agent_affectations"
    __table_args__ = (Index("ix_agent_affectations_agent", "agent_id", "debut"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    debut: Mapped[date] = mapped_column(Date)
    fin: Mapped[date | None] = mapped_column(Date)
    uai: Mapped[str] = mapped_column(String(8))
    etablissement: Mapped[str] = mapped_column(String(200), default="")  # when the UAI is outside the référentiel
    nature: Mapped[str] = mapped_column(String(60), default="")  # « à titre définitif », « à titre provisoire »…

    def cle(self) -> tuple:
        return (self.debut.isoformat(), self.fin.isoformat() if self.fin else "", self.uai, self.etablissement,
                self.nature)
