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
from ..mobilite.models import BaremeDecision, BaremeVerification, Demande, PieceJointe, Situation, Voeu
from ..mobilite.rules.bareme import (
    Decision,
    VoeuLieu,
    dans,
    elements_retenus,
    lieu_declare,
    lieu_du_voeu,
    points_fr,
)

CHUNK = 1000
COLONNES = ["Nom", "Prénom", "Identifiant", "Établissement d'origine (UAI)", "Demande", "Mouvement", "Discipline",
            "Rang", "Type de vœu", "Code", "Libellé"]


def entetes(campaign: Campaign) -> list[str]:
    return [*COLONNES, *(rule.label for rule in campaign.bareme), "Total"]


def _chunks(conn: Connection, campaign: Campaign, ids: list[int] | None) -> Iterator[tuple[int, int, list[int] | None]]:
    """(lowest id, highest id, the ids or None for every demande of the campaign between them), ascending:
    a whole campaign is read by id ranges (keyset), a selection by its ids."""
    if ids is not None:
        ordered = sorted(set(ids))
        for start in range(0, len(ordered), CHUNK):
            part = ordered[start:start + CHUNK]
            yield part[0], part[-1], part
        return
    last = 0
    while True:
        chunk = conn.execute(select(Demande.id).where(Demande.campagne == campaign.slug, Demande.id > last)
                             .order_by(Demande.id).limit(CHUNK)).scalars().all()
        if not chunk:
            return
        yield chunk[0], chunk[-1], None
        last = chunk[-1]


def _of_chunk(column, campaign: Campaign, lo: int, hi: int, ids: list[int] | None) -> list:
    """The WHERE of a chunk for a table joined to its demande (column: its demande_id)."""
    # The range on the table's own demande_id too: its index is read for the range, not the whole table.
    where = [Demande.id == column, Demande.campagne == campaign.slug, Demande.id >= lo, Demande.id <= hi]
    if column is not Demande.id:
        where += [column >= lo, column <= hi]
    if ids is not None:
        where.append(Demande.id.in_(ids))
    return where


def lignes(conn: Connection, campaign: Campaign, ref: Referentiel, ids: list[int] | None = None) -> Iterator[list]:
    """One list of cells per vœu (a demande without vœu gives one line without vœu), demandes by id."""
    from ..core.clock import now

    codes = [rule.code for rule in campaign.bareme]
    empty = [""] * (4 + len(codes) + 1)
    mouvements = {m.code: m.label for m in campaign.mouvements}
    lieux: dict[tuple[str, str], object] = {}
    portees_vues: dict[tuple, tuple] = {}
    cellules: dict[tuple, list] = {}
    masques: dict[tuple, tuple] = {}
    jour = now().date()
    for lo, hi, chunk in _chunks(conn, campaign, ids):
        demandes = conn.execute(
            select(Demande.id, Demande.mouvement, Demande.discipline, Agent.nom, Agent.prenom, Agent.corps,
                   Agent.grade, Agent.echelon, Agent.affectation_uai, Agent.affectation_depuis,
                   Agent.situation_familiale, Agent.enfants, Account.identifiant)
            .join(Agent, Agent.id == Demande.agent_id).outerjoin(Account, Account.agent_id == Agent.id)
            .where(*_of_chunk(Demande.id, campaign, lo, hi, chunk)).order_by(Demande.id)).all()
        voeux: dict[int, list] = {}
        for v in conn.execute(select(Voeu.demande_id, Voeu.rank, Voeu.type, Voeu.code, Voeu.libelle)
                              .select_from(Voeu.__table__.join(Demande, Demande.id == Voeu.demande_id))
                              .where(*_of_chunk(Voeu.demande_id, campaign, lo, hi, chunk))
                              .order_by(Voeu.demande_id, Voeu.rank)).all():
            voeux.setdefault(v[0], []).append(v)
        situations: dict[int, dict] = {}
        for demande_id, cle, valeur in conn.execute(
                select(Situation.demande_id, Situation.cle, Situation.valeur)
                .select_from(Situation.__table__.join(Demande, Demande.id == Situation.demande_id))
                .where(*_of_chunk(Situation.demande_id, campaign, lo, hi, chunk))).all():
            lieu = lieu_declare(ref, cle, valeur)
            if lieu is not None:
                situations.setdefault(demande_id, {})[cle] = lieu
        decisions: dict[int, dict] = {}
        for demande_id, element, decision, centiemes, motif in conn.execute(
                select(BaremeDecision.demande_id, BaremeDecision.element, BaremeDecision.decision,
                       BaremeDecision.points_centiemes, BaremeDecision.motif)
                .select_from(BaremeDecision.__table__.join(Demande, Demande.id == BaremeDecision.demande_id))
                .where(*_of_chunk(BaremeDecision.demande_id, campaign, lo, hi, chunk))).all():
            decisions.setdefault(demande_id, {})[element] = Decision(
                decision, None if centiemes is None else centiemes / 100, motif)
        verifiees = set(conn.execute(
            select(BaremeVerification.demande_id)
            .select_from(BaremeVerification.__table__.join(Demande, Demande.id == BaremeVerification.demande_id))
            .where(*_of_chunk(BaremeVerification.demande_id, campaign, lo, hi, chunk))).scalars().all())
        for d in demandes:
            head = [d.nom, d.prenom, d.identifiant or "", d.affectation_uai or "", d.id,
                    mouvements.get(d.mouvement, d.mouvement), d.discipline]
            rows = voeux.get(d.id)
            if not rows:
                yield head + empty
                continue
            decided = decisions.get(d.id, {})
            # Dossiers alike (grade, échelon, years in the post…) with the same decisions share their elements.
            key = (_dossier(d, ref, jour), tuple(sorted(decided.items())), d.id in verifiees)
            found = portees_vues.get(key)
            if found is None:
                if len(portees_vues) > 5000:
                    portees_vues.clear()  # memory stays bounded whatever the campaign
                    cellules.clear()
                portees = elements_retenus(campaign.bareme, key[0], decided, verifie=key[2])
                partout = {e.code: e.points for scope, e in portees if scope == (None, None, None)}
                restreintes = tuple(p for p in portees if p[0] != (None, None, None))
                found = portees_vues[key] = (len(portees_vues), partout, restreintes,
                                             tuple(scope for scope, _e in restreintes),
                                             any(scope[1] is not None for scope, _e in restreintes))
            numero, partout, restreintes, scopes, par_rang = found
            situation = situations.get(d.id, {})
            sit = tuple(sorted(situation.items())) if situation else ()
            # Which restricted elements bear on a vœu depends on their scopes, the declared places, the vœu's
            # type and code (and rank for a `rang`): found once; the cells of each (elements, that) once too.
            for _demande, rank, vtype, code, libelle in rows:
                mkey = (scopes, sit, vtype, code, rank if par_rang else 0)
                mask = masques.get(mkey)
                if mask is None:
                    lieu = lieux.get((vtype, code))
                    if lieu is None:
                        lieu = lieux[(vtype, code)] = lieu_du_voeu(ref, vtype, code)
                    voeu = VoeuLieu(rank, vtype, code, lieu)
                    if len(masques) > 100_000:
                        masques.clear()
                    mask = masques[mkey] = tuple(dans(scope, voeu, situation) for scope in scopes)
                cells = cellules.get((numero, mask))
                if cells is None:
                    points = dict(partout)
                    points.update((e.code, e.points) for (_s, e), on in zip(restreintes, mask) if on)
                    cells = cellules[(numero, mask)] = [*(points.get(c, "") for c in codes),
                                                        round(sum(points.values()), 2)]
                yield [*head, rank, VOEU_TYPES.get(vtype, vtype), code, libelle, *cells]


def _dossier(agent, ref: Referentiel, jour):
    """What the barème reads of an agent's dossier (mobilite.bareme.dossier_de, for a plain row)."""
    from ..mobilite.rules.bareme import Dossier

    etab = ref.etablissements.get(agent.affectation_uai or "")
    return Dossier(corps=agent.corps or "", grade=agent.grade or "", echelon=agent.echelon or 0,
                   affectation_depuis=agent.affectation_depuis,
                   education_prioritaire=etab.education_prioritaire if etab else "",
                   situation_familiale=agent.situation_familiale or "", enfants=agent.enfants or 0, jour=jour)


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
        line = writer.writerow([points_fr(v) if type(v) is float else v for v in row])
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
    for lo, hi, chunk in _chunks(conn, campaign, ids):
        query = (select(PieceJointe.id, PieceJointe.demande_id, PieceJointe.kind, PieceJointe.filename,
                        PieceJointe.created_at, Agent.nom, Agent.prenom, Account.identifiant)
                 .join(Demande, Demande.id == PieceJointe.demande_id).join(Agent, Agent.id == Demande.agent_id)
                 .outerjoin(Account, Account.agent_id == Agent.id)
                 .where(*_of_chunk(PieceJointe.demande_id, campaign, lo, hi, chunk))
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
