"""Exports of a campaign's demandes, memory bounded whatever their number: one line per vœu (CSV with
`;` and a BOM for spreadsheets, or XLSX written by XlsxWriter in constant-memory mode), and a ZIP of
the pièces jointes streamed by stream-zip, one folder per agent. Demandes are read in chunks of
CHUNK ids (keyset), so memory holds one chunk, never the campaign."""
from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.engine import Connection

from generator.model import VOEU_TYPES, Campaign, Referentiel

from ..comptes.models import Account
from ..dossier.models import Agent
from ..mobilite.bareme import dossier_de
from ..mobilite.models import BaremeDecision, BaremeVerification, Demande, PieceJointe, Situation, Voeu
from ..mobilite.rules.bareme import Decision, VoeuLieu, bareme_par_voeu, lieu_declare, lieu_du_voeu, points_fr

CHUNK = 500
COLONNES = ["Nom", "Prénom", "Identifiant", "Établissement d'origine (UAI)", "Demande", "Mouvement", "Discipline",
            "Rang", "Type de vœu", "Code", "Libellé"]


def entetes(campaign: Campaign) -> list[str]:
    return [*COLONNES, *(rule.label for rule in campaign.bareme), "Total"]


def _chunks(conn: Connection, campaign: Campaign, ids: list[int] | None) -> Iterator[list[int]]:
    """The campaign's demande ids (or the given ones) in chunks, ascending."""
    if ids is not None:
        ordered = sorted(set(ids))
        for start in range(0, len(ordered), CHUNK):
            yield ordered[start:start + CHUNK]
        return
    last = 0
    while True:
        chunk = list(conn.execute(select(Demande.id).where(Demande.campagne == campaign.slug, Demande.id > last)
                                  .order_by(Demande.id).limit(CHUNK)).scalars())
        if not chunk:
            return
        yield chunk
        last = chunk[-1]


class _AgentDossier:
    """The columns of `agents` the barème reads, as attributes (dossier_de reads an Agent)."""

    __slots__ = ("corps", "grade", "echelon", "affectation_uai", "affectation_depuis", "situation_familiale",
                 "enfants")

    def __init__(self, row) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(row, name))


def lignes(conn: Connection, campaign: Campaign, ref: Referentiel, ids: list[int] | None = None) -> Iterator[list]:
    """One list of cells per vœu (a demande without vœu gives one line without vœu), demandes by id."""
    codes = [rule.code for rule in campaign.bareme]
    mouvements = {m.code: m.label for m in campaign.mouvements}
    lieux: dict[tuple[str, str], object] = {}
    for chunk in _chunks(conn, campaign, ids):
        demandes = conn.execute(select(Demande.id, Demande.agent_id, Demande.mouvement, Demande.discipline)
                                .where(Demande.id.in_(chunk), Demande.campagne == campaign.slug)
                                .order_by(Demande.id)).all()
        agent_ids = {d.agent_id for d in demandes}
        agents = {a.id: a for a in conn.execute(select(
            Agent.id, Agent.nom, Agent.prenom, Agent.corps, Agent.grade, Agent.echelon, Agent.affectation_uai,
            Agent.affectation_depuis, Agent.situation_familiale, Agent.enfants).where(Agent.id.in_(agent_ids)))}
        idents = dict(conn.execute(select(Account.agent_id, Account.identifiant).where(Account.agent_id.in_(agent_ids))).all())
        voeux: dict[int, list] = {}
        for v in conn.execute(select(Voeu.demande_id, Voeu.rank, Voeu.type, Voeu.code, Voeu.libelle)
                              .where(Voeu.demande_id.in_(chunk)).order_by(Voeu.demande_id, Voeu.rank)):
            voeux.setdefault(v.demande_id, []).append(v)
        situations: dict[int, dict] = {}
        for s in conn.execute(select(Situation.demande_id, Situation.cle, Situation.valeur)
                              .where(Situation.demande_id.in_(chunk))):
            lieu = lieu_declare(ref, s.cle, s.valeur)
            if lieu is not None:
                situations.setdefault(s.demande_id, {})[s.cle] = lieu
        decisions: dict[int, dict] = {}
        for d in conn.execute(select(BaremeDecision.demande_id, BaremeDecision.element, BaremeDecision.decision,
                                     BaremeDecision.points_centiemes, BaremeDecision.motif)
                              .where(BaremeDecision.demande_id.in_(chunk))):
            points = None if d.points_centiemes is None else d.points_centiemes / 100
            decisions.setdefault(d.demande_id, {})[d.element] = Decision(d.decision, points, d.motif)
        verifiees = set(conn.execute(select(BaremeVerification.demande_id)
                                     .where(BaremeVerification.demande_id.in_(chunk))).scalars())
        for d in demandes:
            agent = agents[d.agent_id]
            head = [agent.nom, agent.prenom, idents.get(d.agent_id, ""), agent.affectation_uai or "", d.id,
                    mouvements.get(d.mouvement, d.mouvement), d.discipline]
            rows = voeux.get(d.id, [])
            if not rows:
                yield [*head, "", "", "", "", *([""] * len(codes)), ""]
                continue
            voeux_lieux = []
            for v in rows:
                key = (v.type, v.code)
                lieu = lieux.get(key)
                if lieu is None:
                    lieu = lieux[key] = lieu_du_voeu(ref, v.type, v.code)
                voeux_lieux.append(VoeuLieu(v.rank, v.type, v.code, lieu))
            baremes = bareme_par_voeu(campaign.bareme, dossier_de(_AgentDossier(agent), ref), voeux_lieux,
                                      situations.get(d.id, {}), decisions.get(d.id, {}), verifie=d.id in verifiees)
            for v, b in zip(rows, baremes):
                points = {e.code: e.points for e in b.elements}
                yield [*head, v.rank, VOEU_TYPES.get(v.type, v.type), v.code, v.libelle,
                       *(points.get(code, "") for code in codes), b.total]


def _cell(value) -> str:
    if isinstance(value, float):
        return points_fr(value)
    return "" if value is None else str(value)


class _Echo:
    """A file-like object whose write() returns what it was given, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_stream(rows: Iterable[list], headers: list[str]) -> Iterator[bytes]:
    """CSV for spreadsheets: `;`, UTF-8 with BOM, CRLF; yielded in blocks of about 64 Kio."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff".encode("utf-8") + writer.writerow(headers).encode("utf-8")
    block: list[str] = []
    size = 0
    for row in rows:
        line = writer.writerow([_cell(v) for v in row])
        block.append(line)
        size += len(line)
        if size >= 65536:
            yield "".join(block).encode("utf-8")
            block, size = [], 0
    if block:
        yield "".join(block).encode("utf-8")


def xlsx_file(rows: Iterable[list], headers: list[str], out) -> None:
    """Write an XLSX workbook to `out` (a path or a binary file) in constant-memory mode: each row
    goes to a temporary file as it is written, so memory does not grow with the rows."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "tmpdir": tempfile.gettempdir(),
                                         "strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    sheet = workbook.add_worksheet("Vœux")
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, headers, bold)
    sheet.freeze_panes(1, 0)
    for index, row in enumerate(rows, start=1):
        sheet.write_row(index, 0, ["" if v is None else v for v in row])
    workbook.close()


def xlsx_stream(rows: Iterable[list], headers: list[str], chunk: int = 65536) -> Iterator[bytes]:
    """The XLSX written to a temporary file, then sent in blocks and the file removed."""
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="carriere-export-")
    os.close(handle)
    try:
        xlsx_file(rows, headers, path)
        with open(path, "rb") as stream:
            while block := stream.read(chunk):
                yield block
    finally:
        os.unlink(path)


def _nom_de_fichier(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9._-]+", "_", plain).strip("._-")[:80] or "sans_nom"


def pieces(conn: Connection, campaign: Campaign, ids: list[int] | None = None) -> Iterator[tuple[str, datetime, bytes]]:
    """(path in the archive, date, PDF bytes) of each pièce jointe: one folder per agent."""
    for chunk in _chunks(conn, campaign, ids):
        query = (select(PieceJointe.id, PieceJointe.demande_id, PieceJointe.kind, PieceJointe.filename,
                        PieceJointe.created_at, Agent.nom, Agent.prenom, Account.identifiant)
                 .join(Demande, Demande.id == PieceJointe.demande_id).join(Agent, Agent.id == Demande.agent_id)
                 .outerjoin(Account, Account.agent_id == Agent.id)
                 .where(PieceJointe.demande_id.in_(chunk), Demande.campagne == campaign.slug)
                 .order_by(PieceJointe.demande_id, PieceJointe.id))
        for p in conn.execute(query).all():
            data = conn.execute(select(PieceJointe.data).where(PieceJointe.id == p.id)).scalar_one()
            folder = _nom_de_fichier(f"{p.nom}_{p.prenom}_{p.identifiant or 'sans_compte'}")
            name = _nom_de_fichier(f"demande-{p.demande_id}_{p.kind}_{p.filename}")
            yield f"{folder}/{name}", p.created_at, bytes(data)


def zip_stream(members: Iterable[tuple[str, datetime, bytes]]) -> Iterator[bytes]:
    """A ZIP written as it is read (stream-zip): PDFs are stored, not compressed again (they are)."""
    from stream_zip import NO_COMPRESSION_64, stream_zip

    def files():
        for path, moment, data in members:
            when = (moment or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(tzinfo=None)
            yield path, when, 0o600, NO_COMPRESSION_64, (data,)

    return stream_zip(files())


def ecrire_csv(conn: Connection, campaign: Campaign, ref: Referentiel, out, ids: list[int] | None = None) -> None:
    for block in csv_stream(lignes(conn, campaign, ref, ids), entetes(campaign)):
        out.write(block)


def texte_csv(conn: Connection, campaign: Campaign, ref: Referentiel, ids: list[int] | None = None) -> str:
    """The whole CSV as text (tests and small selections)."""
    buffer = io.BytesIO()
    ecrire_csv(conn, campaign, ref, buffer, ids)
    return buffer.getvalue().decode("utf-8-sig")
