"""Bench of « Simuler le mouvement » end to end on PostgreSQL, through the app's input builder.

    .venv/bin/python bench/affectation_simulation_bench.py [--demandes 8000] [--voeux 25] [--postes 2600] [--runs 2]

1. A fresh database on 127.0.0.1:5432 (trust), migrated; an intra-2027 mouvement written with COPY, drawn
   from a fixed seed over the example académie (176 établissements, 64 communes, 15 groupements, 4
   départements): `--demandes` agents of the general movement (GEN), two in three holding a seat in an
   établissement, one in three entrants; `--voeux` distinct vœux each, from precise to broad: a holder
   asks for places she would leave her seat for (ETB, COM, GEO), an entrant also for départements, with
   or without a restriction to a type d'établissement (no académie: some are left to the extension);
   declared spouses' départements,
   granted rapprochements, verified barèmes, cancelled demandes (2 %) as the desk would leave them.
2. A copy of content/ and data/ whose data/postes.csv gains `--postes` vacant GEN postes (same seed), so
   that vacancies are of the order of the entrants (the example's 227 would leave most of them unplaced).
3. In a child process, `--runs` times: a simulation created as the page does, then run by
   `simulation.executer()` — reading the demandes in chunks and building the engine's input
   (`entree.Constructeur`: the desk's barème of each vœu, seats, ties, extension table), DA* then its
   extension, the exchanges then theirs, barres, comparison, every row written; the child also times the
   reading alone and the building alone, then the validation into the results area (`import_results` of
   every demande). Peak memory: the child's ru_maxrss.
Only 127.0.0.1 is reached; the database and the copy are removed at the end.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load_server, load_setup  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CAMPAGNE = "intra-2027"
NOW = datetime(2027, 4, 20, 10, 0, tzinfo=timezone.utc)  # after intra-2027's saisie
SEED = 2027
TYPE_ORDER = {"ETB": 0, "COM": 1, "GEO": 2, "DPT": 3}


def pg_dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def disciplines_of(site) -> list[str]:
    """The disciplines of the example's GEN postes, the most frequent first (the agents follow them)."""
    counts: dict[str, int] = {}
    for p in site.postes:
        if p.campagne == CAMPAGNE and p.mouvement == "GEN":
            counts[p.discipline_code] = counts.get(p.discipline_code, 0) + 1
    return sorted(counts, key=lambda d: (-counts[d], d))


def write_postes(root: Path, site, count: int, rng: random.Random) -> None:
    """Append `count` vacant GEN postes to the copy's data/postes.csv, weighted like the example's."""
    disciplines = disciplines_of(site)
    weights = [1.0 / (i + 1) ** 0.5 for i in range(len(disciplines))]
    uais = sorted(site.referentiel.etablissements)
    path = root / "data" / "postes.csv"
    lines = [f"B27-{n:05d};{CAMPAGNE};GEN;{rng.choice(uais)};{rng.choices(disciplines, weights)[0]};;;V;;2027-03-17;"
             for n in range(1, count + 1)]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n" + "\n".join(lines) + "\n", encoding="utf-8")


def populate(url: str, site, demandes: int, voeux: int, rng: random.Random) -> dict:
    """The intra-2027 GEN mouvement, written with COPY."""
    import psycopg

    from forms_app.core.db import make_engine
    from forms_app.core.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    ref = site.referentiel
    uais = sorted(ref.etablissements)
    departements = sorted(d.code for d in ref.departements.values() if d.academie == "06")
    precis = ([("ETB", u, "") for u in uais] + [("COM", c, "") for c in sorted(ref.communes)]
              + [("GEO", g, "") for g in sorted(ref.groupements)])
    larges = precis + [("DPT", d, etab) for d in departements for etab in ("", "LYC", "CLG", "LP")]
    poids = {"ETB": 1.0, "COM": 2.0, "GEO": 3.0, "DPT": 4.0}
    pools = {True: (precis, [poids[t] for t, _c, _e in precis]), False: (larges, [poids[t] for t, _c, _e in larges])}
    holding: dict[int, bool] = {}
    disciplines = disciplines_of(site)
    dweights = [1.0 / (i + 1) ** 0.5 for i in range(len(disciplines))]
    moment = NOW - timedelta(days=30)
    started = time.monotonic()
    holders = entrants = cancelled = 0
    with psycopg.connect(pg_dsn(url)) as conn:
        with conn.cursor() as cur:
            with cur.copy(load_setup.COPY_AGENTS) as copy:
                for i in range(1, demandes + 1):
                    holder = holding[i] = rng.random() < 2 / 3
                    holders += holder
                    entrants += not holder
                    copy.write_row((i, f"{i:07d}SIMU{i % 97:02d}"[:13], "Madame" if i % 2 else "Monsieur", f"Nom{i}",
                                    "Prénom", date(1965 + rng.randrange(35), 1 + rng.randrange(12), 1 + rng.randrange(28)),
                                    "professeur certifié", "hors classe" if rng.random() < 0.2 else "classe normale",
                                    1 + rng.randrange(11), date(2024, 9, 1), rng.choices(disciplines, dweights)[0],
                                    "en activité", "temps complet", rng.choice(uais) if holder else "",
                                    date(2008 + rng.randrange(18), 9, 1) if holder else None, "", "", "", "", "", "",
                                    "", rng.choice(("Marié(e)", "Pacsé(e)", "Célibataire", "Concubinage")),
                                    rng.randrange(4), moment, moment))
            with cur.copy("COPY demandes (id, agent_id, campagne, mouvement, discipline, preference, "
                          "voeux_version, revision, created_at, updated_at) FROM STDIN") as copy:
                for i in range(1, demandes + 1):
                    copy.write_row((i, i, CAMPAGNE, "GEN", "", "", voeux, 0, moment, moment))
            with cur.copy("COPY voeux (demande_id, rank, type, code, type_etab, libelle, poste, created_at) "
                          "FROM STDIN") as copy:
                for i in range(1, demandes + 1):
                    pool, weights = pools[holding[i]]
                    chosen: dict[tuple, None] = {}
                    while len(chosen) < voeux:
                        chosen.setdefault(rng.choices(pool, weights)[0], None)
                    ranked = sorted(chosen, key=lambda v: TYPE_ORDER[v[0]])  # from precise to broad
                    for rank, (vtype, code, etab) in enumerate(ranked, start=1):
                        copy.write_row((i, rank, vtype, code, etab, code, "", moment))
            with cur.copy("COPY bareme_situations (demande_id, cle, valeur, updated_at) FROM STDIN") as copy:
                for i in range(1, demandes + 1, 3):
                    copy.write_row((i, "departement_conjoint", departements[i % len(departements)], moment))
            with cur.copy("COPY bareme_decisions (demande_id, element, decision, points_centiemes, motif, "
                          "decided_by, decided_at) FROM STDIN") as copy:
                for i in range(1, demandes + 1, 6):
                    copy.write_row((i, "rapprochement_conjoints", "accorde", None, "Livret de famille", None, moment))
            with cur.copy("COPY bareme_verifications (demande_id, verifie_par, verifie_at) FROM STDIN") as copy:
                for i in range(1, demandes + 1, 2):
                    copy.write_row((i, None, moment))
            with cur.copy("COPY confirmations_demandes (demande_id, agent_id, campagne, etat, pdf, pdf_sha256, "
                          "envoyee_at, annulee_at, retour_mode, corrections) FROM STDIN") as copy:
                for i in range(1, demandes + 1):
                    annulee = rng.random() < 0.02
                    cancelled += annulee
                    copy.write_row((i, i, CAMPAGNE, "annulee" if annulee else "retournee", b"%PDF-", "0" * 64,
                                    moment, moment if annulee else None, "depot", ""))
            for table in ("agents", "demandes"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.commit()
        with conn.cursor() as cur:
            cur.execute("ANALYZE")
        conn.commit()
    return {"seconds": time.monotonic() - started, "holders": holders, "entrants": entrants, "cancelled": cancelled}


def child(url: str, root: str, runs: int) -> dict:
    """In its own process: time reading, building, then whole simulations and one validation."""
    from forms_app import create_app
    from forms_app.affectation import simulation as runs_
    from forms_app.affectation.entree import Constructeur
    from forms_app.affectation.validation import valider
    from forms_app.core.db import new_session, write_transaction
    from forms_app.resultats.models import Resultat

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "banc", "SITE_ROOT": root, "CLOCK": lambda: NOW,
                      "AFFECTATION_EXECUTION": "immediat", "ECHEANCES_INTERVALLE": 0})
    out: dict = {"runs": []}
    with app.app_context():
        site = app.extensions["carriere_site"]()
        campaign = site.campaign(CAMPAGNE)
        session = new_session(app)
        t = time.perf_counter()
        chunks = list(runs_.lire_demandes(session, campaign, "GEN", site.referentiel, NOW.date()))
        out["lecture_seule"] = time.perf_counter() - t
        session.close()
        t = time.perf_counter()
        constructeur = Constructeur(campaign, "GEN", site.referentiel, site.postes)
        for chunk in chunks:
            constructeur.ajouter(chunk)
        entree = constructeur.entree()
        out["construction_seule"] = time.perf_counter() - t
        out["candidats"] = len(entree.mouvement.candidats)
        out["voeux"] = sum(len(c.voeux) for c in entree.mouvement.candidats)
        out["postes"] = len(entree.mouvement.postes)
        out["postes_vacants"] = entree.postes_vacants
        del chunks, constructeur, entree
        for _ in range(runs):
            session = new_session(app)
            with write_transaction(session):
                simulation_id = runs_.creer(session, campaign, "GEN", "banc", None).id
            session.close()
            t = time.perf_counter()
            etat = runs_.executer(app, simulation_id)
            wall = time.perf_counter() - t
            session = new_session(app)
            from forms_app.affectation.models import Simulation

            sim = session.get(Simulation, simulation_id)
            bilan = json.loads(sim.bilan) if sim.bilan else {}
            session.close()
            out["runs"].append({"etat": etat, "wall": wall, "durees": bilan.get("durees", {}),
                                "rapports": bilan.get("rapports", {}), "exclues": bilan.get("exclues", {}),
                                "id": simulation_id})
        session = new_session(app)
        sim = session.get(Simulation, out["runs"][-1]["id"])
        t = time.perf_counter()
        with write_transaction(session):
            bilan = valider(session, campaign, sim, "da", None, site.referentiel)
        out["validation"] = time.perf_counter() - t
        out["resultats"] = bilan.total
        from sqlalchemy import func, select

        out["resultats_en_base"] = session.scalar(select(func.count()).select_from(Resultat))
        session.close()
    app.extensions["carriere_db"]["engine"].dispose()
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demandes", type=int, default=8_000)
    parser.add_argument("--voeux", type=int, default=25)
    parser.add_argument("--postes", type=int, default=2_600, help="vacant GEN postes added to data/postes.csv")
    parser.add_argument("--runs", type=int, default=2, help="simulations run one after the other")
    parser.add_argument("--child", nargs=2, metavar=("URL", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.runs)))
        return 0

    def body(work: Path) -> list[str]:
        from generator.load import load_site

        out = [f"Banc « Simuler le mouvement » : {args.demandes} demandes × {args.voeux} vœux, intra-2027 GEN, "
               f"PostgreSQL ({load_server.uptime()})"]
        rng = random.Random(SEED)
        root = work / "root"
        for part in ("content", "data"):
            shutil.copytree(REPO / part, root / part)
        site, _report = load_site(REPO)
        write_postes(root, site, args.postes, rng)
        database = load_server.PgDatabase()
        try:
            filled = populate(database.url, site, args.demandes, args.voeux, rng)
            out.append(f"- données écrites (COPY) en {filled['seconds']:.1f} s : {filled['holders']} titulaires, "
                       f"{filled['entrants']} entrants, {filled['cancelled']} demandes annulées")
            proc = subprocess.run([sys.executable, __file__, "--runs", str(args.runs), "--child", database.url,
                                   str(root)], capture_output=True, text=True, timeout=1800,
                                  env={**os.environ, "PYTHONHASHSEED": "0"})
            if proc.returncode != 0:
                raise OSError(f"le processus fils a échoué : {proc.stderr[-3000:]}")
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            out.append(f"- entrée du moteur : {r['candidats']} candidats, {r['voeux']} vœux, {r['postes']} postes "
                       f"({r['postes_vacants']} vacants publiés, le reste : les postes des titulaires)")
            out.append(f"- lecture seule des demandes (PostgreSQL, par lots de 500) : {r['lecture_seule']:.2f} s ; "
                       f"construction seule de l'entrée (barème de chaque vœu…) : {r['construction_seule']:.2f} s")
            for n, run in enumerate(r["runs"], start=1):
                d = run["durees"]
                da, ech = run["rapports"].get("da", {}), run["rapports"].get("echanges", {})
                out.append(f"- simulation {n} ({run['etat']}) : {run['wall']:.2f} s de bout en bout — lecture et "
                           f"construction {d.get('lecture', 0):.2f} s, DA* + extension {d.get('da', 0):.2f} s, échanges "
                           f"+ extension {d.get('echanges', 0):.2f} s, enregistrement {d.get('enregistrement', 0):.2f} s")
                out.append(f"  DA* : {da.get('moves')} titulaires mutés, {da.get('satisfied')} satisfaits sur un vœu, "
                           f"entrants {da.get('entrants_placed_by_voeu')} sur un vœu / "
                           f"{da.get('entrants_placed_by_extension')} par l'extension / "
                           f"{da.get('entrants_without_poste')} sans poste ; échanges : {ech.get('moves')} mutés, "
                           f"{ech.get('satisfied')} satisfaits ; écartées : {run['exclues']}")
            out.append(f"- validation (import_results de {r['resultats']} résultats) : {r['validation']:.2f} s "
                       f"({r['resultats_en_base']} lignes en base)")
            out.append(f"- mémoire maximale du processus fils : {r['peak_mib']:.0f} Mio")
        finally:
            database.drop()
        return out

    return load_server.guarded(body)


if __name__ == "__main__":
    sys.exit(main())
