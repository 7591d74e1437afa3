"""Read and check postes vacants (tens of thousands of rows: one tight loop, no per-row objects but the result)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from .model import Campaign, Poste, Referentiel, SourceRef
from .referentiel import EDUCATION_PRIORITAIRE, uai_problem
from .report import Report
from .tables import Table, read_table

COLUMNS = ("code_poste", "campagne", "mouvement", "uai", "discipline_code", "specificite", "profil", "etat",
           "education_prioritaire", "publie_le", "contact")
REQUIRED = ("code_poste", "campagne", "mouvement", "uai", "discipline_code", "etat", "publie_le")
ETATS = ("V", "SV")


def load_postes(root: Path, report: Report, ref: Referentiel, campaigns: dict[str, Campaign],
                tables: dict[str, Table], broken: set[str] = frozenset()  # type: ignore[assignment]
                ) -> tuple[list[Poste], set[tuple[str, str, str]]]:
    """Read data/postes.csv|yaml and data/postes/*; check every code against the other sources.

    `broken` names campaigns whose file has errors: their postes are not checked against them,
    so one bad campaign file does not bury the report under one message per poste.
    Also returns every (campagne, mouvement, discipline) written, valid or not, for the link check."""
    table = read_table(root, "postes", COLUMNS, report, required=REQUIRED, folder=True)
    disc_label = tables["disciplines"].label
    etab_label = tables["etablissements"].label
    disc_rejected, etab_rejected = tables["disciplines"].rejected, tables["etablissements"].rejected
    mouvements = {slug: {m.code: m for m in c.mouvements} for slug, c in campaigns.items()}
    dates: dict[str, date | None] = {}
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    postes: list[Poste] = []
    groups: set[tuple[str, str, str]] = set()
    err = report.error
    for path, rows in table.chunks:
        for line, row in rows:
            groups.add((row["campagne"], row["mouvement"], row["discipline_code"]))
            empty = [c for c in REQUIRED if not row[c]]
            if empty:
                err(path, line, f"colonne{'s' if len(empty) > 1 else ''} {', '.join(f'« {c} »' for c in empty)} "
                                f"vide{'s' if len(empty) > 1 else ''} : remplissez-la{'s' if len(empty) > 1 else ''}.")
                continue
            ok = True
            campagne, code_mvt, uai, discipline = row["campagne"], row["mouvement"], row["uai"], row["discipline_code"]
            campaign_mvts = mouvements.get(campagne)
            if campaign_mvts is None and campagne in broken:
                ok = False
            elif campaign_mvts is None:
                ok = False
                err(path, line, f"la campagne « {campagne} » n'existe pas (aucun fichier content/campagnes/"
                                f"{campagne}.yaml valide) : corrigez la colonne « campagne ».")
            else:
                mvt = campaign_mvts.get(code_mvt)
                if mvt is None:
                    ok = False
                    err(path, line, f"le mouvement « {code_mvt} » n'existe pas dans la campagne « {campagne} » "
                                    f"(mouvements : {', '.join(campaign_mvts) or 'aucun'}) : corrigez la colonne "
                                    "« mouvement » ou déclarez-le dans la campagne.")
                elif mvt.disciplines and discipline not in mvt.disciplines and discipline in ref.disciplines:
                    ok = False
                    err(path, line, f"la discipline « {discipline} » n'est pas proposée au mouvement « {code_mvt} » "
                                    f"de la campagne « {campagne} » (disciplines : {', '.join(mvt.disciplines)}) : "
                                    "corrigez la colonne « discipline_code » ou ajoutez-la au mouvement.")
            if discipline not in ref.disciplines:
                ok = False
                if discipline not in disc_rejected:
                        err(path, line, f"la discipline « {discipline} » n'existe pas dans {disc_label} : ajoutez-la "
                                    "ou corrigez la colonne « discipline_code ».")
            if uai not in ref.etablissements:
                ok = False
                if uai not in etab_rejected:
                    err(path, line, uai_problem(uai) or f"l'établissement « {uai} » n'existe pas dans {etab_label} : "
                                                         "ajoutez-le ou corrigez la colonne « uai ».")
            if row["etat"] not in ETATS:
                ok = False
                err(path, line, f"« etat » doit valoir V (vacant) ou SV (susceptible d'être vacant), lu : "
                                f"« {row['etat']} » : corrigez la valeur.")
            if row["education_prioritaire"] not in EDUCATION_PRIORITAIRE:
                ok = False
                err(path, line, f"« education_prioritaire » doit être vide, REP ou REP+ (lu : "
                                f"« {row['education_prioritaire']} ») : corrigez la valeur.")
            text = row["publie_le"]
            if text not in dates:
                try:
                    dates[text] = date.fromisoformat(text)
                except ValueError:
                    dates[text] = None
            published = dates[text]
            if published is None:
                ok = False
                err(path, line, f"« publie_le » doit être une date AAAA-MM-JJ qui existe (lu : « {text} ») : "
                                "corrigez la valeur.")
            key = (campagne, row["code_poste"])
            if key in seen:
                first_path, first_line = seen[key]
                where = f"ligne {first_line}" if first_path == path else f"dans {first_path}:{first_line}"
                err(path, line, f"le poste « {row['code_poste']} » de la campagne « {campagne} » est déjà défini "
                                f"{where} : supprimez le doublon ou changez le code.")
                continue
            seen[key] = (path, line)
            if ok:
                postes.append(Poste(
                    code_poste=row["code_poste"], campagne=campagne, mouvement=code_mvt, uai=uai,
                    discipline_code=discipline, specificite=row["specificite"], profil=row["profil"],
                    etat=row["etat"], education_prioritaire=row["education_prioritaire"],
                    publie_le=published, contact=row["contact"], source=SourceRef(path, line),  # type: ignore[arg-type]
                ))
    return postes, groups
