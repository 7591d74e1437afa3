"""Generate the example academy's large tables, deterministically, then check every cross-reference.

Reads the small hand-written tables (data/communes.csv, data/disciplines.csv…) and the campaign
files, and writes data/etablissements.csv, data/postes.csv, data/agents-demo.csv and the
attachments under content/fichiers/. Running it twice gives the same bytes.

    .venv/bin/python scripts/make_demo_data.py          # regenerate, then check
    .venv/bin/python scripts/make_demo_data.py --check  # check only; exit 1 on a problem
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from generator.frdates import window_fr  # noqa: E402
from generator.model import PARIS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
CONTENT = ROOT / "content"
SEED = 2027

UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
AGENTS_HEADER = (
    "numen;civilite;nom;prenom;date_naissance;corps;grade;echelon;echelon_depuis;discipline;"
    "position;modalite_service;affectation_uai;affectation_depuis;adresse;code_postal;commune;"
    "mail_pro;mail_perso;telephone;portable;situation_familiale;enfants"
).split(";")
ETAB_HEADER = ["uai", "type", "nom", "adresse", "code_postal", "commune", "education_prioritaire"]
POSTE_HEADER = [
    "code_poste", "campagne", "mouvement", "uai", "discipline_code", "specificite", "profil",
    "etat", "education_prioritaire", "publie_le", "contact",
]


def uai(dept: str, number: int) -> str:
    """Build a UAI from a département and a 4-digit serial, with its check letter."""
    digits = f"{dept}{number:04d}"
    return digits + UAI_LETTERS[int(digits) % 23]


def read_table(name: str) -> list[dict[str, str]]:
    with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def write_table(path: Path, header: list[str], rows: list[dict[str, object]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


# --- établissements -------------------------------------------------------------------------

# How many of each type per commune (INSEE): the larger towns get lycées and several collèges.
# Communes not listed get one collège.
ETAB_PLAN: dict[str, dict[str, int]] = {
    "63113": {"LYC": 6, "LPO": 4, "LP": 4, "CLG": 12, "EREA": 1},
    "63300": {"LYC": 1, "LPO": 1, "LP": 1, "CLG": 3},
    "63430": {"LYC": 1, "LPO": 1, "LP": 1, "CLG": 3},
    "63178": {"LYC": 1, "LPO": 1, "LP": 1, "CLG": 2},
    "63003": {"LPO": 1, "CLG": 2},
    "63124": {"LYC": 1, "CLG": 2},
    "63075": {"LYC": 1, "CLG": 1},
    "63014": {"LPO": 1, "CLG": 1},
    "63338": {"LPO": 1, "CLG": 1},
    "63195": {"LP": 1, "CLG": 1},
    "63040": {"LYC": 1, "CLG": 1},
    "63125": {"LP": 1, "CLG": 1},
    "63047": {"LP": 1, "CLG": 1},
    "63470": {"CLG": 1, "EREA": 1},
    "03190": {"LYC": 2, "LPO": 1, "LP": 1, "CLG": 3},
    "03185": {"LYC": 2, "LPO": 1, "LP": 2, "CLG": 4},
    "03310": {"LYC": 2, "LPO": 1, "LP": 1, "CLG": 3},
    "03095": {"LP": 1, "CLG": 2},
    "03321": {"LPO": 1, "CLG": 2, "EREA": 1},
    "03082": {"LPO": 1, "CLG": 1},
    "03118": {"LP": 1, "CLG": 1},
    "03254": {"LP": 1, "CLG": 1},
    "15014": {"LYC": 2, "LPO": 1, "LP": 2, "CLG": 4},
    "15187": {"LYC": 1, "LP": 1, "CLG": 2},
    "15120": {"LPO": 1, "CLG": 1},
    "15138": {"CLG": 1},
    "43157": {"LYC": 2, "LPO": 1, "LP": 2, "CLG": 4, "EREA": 1},
    "43268": {"LPO": 1, "LP": 1, "CLG": 2},
    "43137": {"LYC": 1, "LP": 1, "CLG": 2},
    "43040": {"LYC": 1, "LP": 1, "CLG": 2},
    "43224": {"CLG": 1},
    "43112": {"LP": 1, "CLG": 1},
}

# Collèges in éducation prioritaire, by commune: REP+ first, then REP.
PRIORITAIRE: dict[str, list[str]] = {
    "63113": ["REP+", "REP+", "REP", "REP"],
    "63430": ["REP"],
    "03185": ["REP+", "REP"],
    "03310": ["REP"],
    "03095": ["REP"],
    "03190": ["REP"],
    "43157": ["REP"],
    "15014": ["REP"],
    "63338": ["REP"],
}

PEOPLE = [
    "Vercingétorix", "Michel-de-L'Hospital", "Jules-Verne", "Marie-Curie", "George-Sand",
    "Lucie-Aubrac", "Simone-Veil", "Jean-Zay", "Condorcet", "Victor-Hugo", "Jean-Moulin",
    "Pierre-Mendès-France", "Antoine-de-Saint-Exupéry", "Alexandre-Vialatte", "Henri-Pourrat",
    "Louis-Pasteur", "Jules-Ferry", "Camille-Claudel", "Olympe-de-Gouges", "Germaine-Tillion",
    "Albert-Camus", "Paul-Éluard", "Gustave-Eiffel", "Émile-Zola", "Jean-Jaurès", "Sidonie-Colette",
    "Marcel-Pagnol", "Louise-Michel", "Rosa-Parks", "Nelson-Mandela", "Charles-Péguy",
    "Jean-de-La-Fontaine", "Arsène-Vermenouze", "Madeleine-Vionnet", "Léo-Lagrange",
    "Joséphine-Baker", "Gisèle-Halimi", "Aimé-Césaire", "Samuel-Paty", "Évariste-Galois",
]
PLACES = [
    "des Volcans", "du Sancy", "des Combrailles", "de la Chaîne-des-Puys", "du Val-d'Allier",
    "de Gergovie", "des Dômes", "de la Planèze", "du Mézenc", "du Meygal", "du Lioran",
    "de Haute-Auvergne", "du Val-de-Sioule", "du Livradois", "du Forez", "de la Limagne",
    "du Bourbonnais", "de la Margeride", "de l'Artense", "du Velay",
]
STREETS = [
    "rue Jules-Ferry", "avenue de la République", "boulevard Jean-Jaurès", "rue du Lycée",
    "rue des Écoles", "avenue Pasteur", "rue Victor-Hugo", "place de la Mairie",
    "chemin des Vignes", "rue de la Gare", "avenue du Général-de-Gaulle", "rue Lamartine",
    "allée des Tilleuls", "rue du Stade", "route de Vichy", "rue Anatole-France",
]
TYPE_WORD = {
    "LYC": "Lycée", "LPO": "Lycée polyvalent", "LP": "Lycée professionnel",
    "CLG": "Collège", "EREA": "EREA",
}


def make_etablissements(communes: list[dict[str, str]], rnd: random.Random) -> list[dict[str, str]]:
    """One row per établissement, the seed's LPO La Fayette first."""
    rows = [{
        "uai": "0630021F", "type": "LPO", "nom": "Lycée des métiers La Fayette",
        "adresse": "21 boulevard Robert Schuman", "code_postal": "63000", "commune": "63113",
        "education_prioritaire": "",
    }]
    used = {"0630021F"}
    names_used: set[tuple[str, str]] = set()
    for commune in communes:
        insee, dept = commune["code"], commune["departement"]
        plan = ETAB_PLAN.get(insee, {"CLG": 1})
        ep = list(PRIORITAIRE.get(insee, []))
        for kind, count in plan.items():
            for _ in range(count):
                while True:
                    code = uai(dept, rnd.randrange(20, 9990))
                    if code not in used:
                        used.add(code)
                        break
                while True:
                    pool = PLACES if kind == "LP" and rnd.random() < 0.4 else PEOPLE
                    name = rnd.choice(pool)
                    if (insee, name) not in names_used:
                        names_used.add((insee, name))
                        break
                label = f"{TYPE_WORD[kind]} {name}"
                rows.append({
                    "uai": code, "type": kind, "nom": label,
                    "adresse": f"{rnd.randrange(1, 60)} {rnd.choice(STREETS)}",
                    "code_postal": commune["code_postal"], "commune": insee,
                    "education_prioritaire": ep.pop(0) if kind == "CLG" and ep else "",
                })
    rename_repeated_places(rows)
    rows.sort(key=lambda r: r["uai"])
    return rows


def rename_repeated_places(rows: list[dict[str, str]]) -> None:
    """A place (« de l'Artense ») names one établissement of the académie: a later one gets a person's name
    that neither its commune nor another établissement of its type uses. Done after the draws, so every
    other row keeps its bytes."""
    seen: set[str] = set()
    for row in rows:
        place = next((p for p in PLACES if row["nom"].endswith(f" {p}")), None)
        if place is None:
            continue
        if place not in seen:
            seen.add(place)
            continue
        taken = " ".join(r["nom"] for r in rows if r["commune"] == row["commune"] or r["type"] == row["type"])
        person = next(p for p in PEOPLE if f" {p}" not in taken)
        row["nom"] = f"{TYPE_WORD[row['type']]} {person}"


# --- postes vacants -------------------------------------------------------------------------

CONTACTS = {
    "003": "dpe-allier@ac-montferrand.example",
    "015": "dpe-cantal@ac-montferrand.example",
    "043": "dpe-haute-loire@ac-montferrand.example",
    "063": "dpe-puy-de-dome@ac-montferrand.example",
}
GENERAL_BY_TYPE = {
    "CLG": ["L0202", "L0422", "L0421", "L0426", "L1000", "L1300", "L1400", "L1500", "L1600",
            "L1700", "L1800", "L1900", "L0080"],
    "LYC": ["L0100", "L0201", "L0202", "L0422", "L0421", "L0426", "L1000", "L1100", "L1300",
            "L1500", "L1600", "L1900", "L0080"],
    "LPO": ["L0100", "L0202", "L0422", "L1000", "L1100", "L1300", "L1414", "L1500", "L1600",
            "L1900", "P1315"],
    "LP": ["P1315", "L1900", "L0080"],
    "EREA": ["P1315", "L1900"],
}
SPECIFICITES = ["", "", "", "", "Complément de service", "Section européenne", "Poste à mi-temps"]
# Towns large enough for classes préparatoires, and for the arts options of lycées.
CPGE_TOWNS = {"63113", "03190", "03185", "03310", "15014", "43157"}
ARTS_TOWNS = CPGE_TOWNS | {"63300", "63430", "63178", "15187", "43040"}
SPECIFIQUE_PLAN = {
    # mouvement: (types of établissement, communes allowed (None: all), how many postes, profil)
    "CPGE": (("LYC", "LPO"), CPGE_TOWNS, 10, "Enseignement en classe préparatoire ; agrégation requise."),
    "BTS-ELEC": (("LPO",), None, 4, "Enseignement en section de technicien supérieur électrotechnique."),
    "BTS-FOND": (("LPO",), None, 2, "Atelier de fonderie ; habilitation aux machines souhaitée."),
    "BTS-CRCI": (("LPO",), None, 2, "Plateau technique carrosserie ; travail en équipe pluridisciplinaire."),
    "CINE": (("LYC", "LPO"), ARTS_TOWNS, 6,
             "Enseignement de spécialité cinéma-audiovisuel ; certification complémentaire."),
    "THEA": (("LYC",), ARTS_TOWNS, 6,
             "Enseignement de spécialité théâtre ; partenariat avec une scène conventionnée."),
    "DDFPT": (("LP", "LPO"), None, 6, "Coordination des formations professionnelles et des plateaux techniques."),
    # Occitan (auvergnat, vivaro-alpin) is spoken south of the Bourbonnais: Cantal, Haute-Loire, Puy-de-Dôme.
    "OCCITAN": (("CLG",), lambda insee: insee[:2] in {"15", "43", "63"}, 4,
                "Enseignement d'une discipline en langue occitane en section bilingue."),
}


def load_campaigns() -> dict[str, dict]:
    campaigns = {}
    for path in sorted((CONTENT / "campagnes").glob("*.yaml")):
        campaigns[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return campaigns


def make_postes(etabs: list[dict[str, str]], campaigns: dict[str, dict],
                rnd: random.Random) -> list[dict[str, str]]:
    """Postes of the specific and intra campaigns; each poste names a real UAI and discipline."""
    by_type: dict[str, list[dict[str, str]]] = {}
    for e in etabs:
        by_type.setdefault(e["type"], []).append(e)
    rows: list[dict[str, str]] = []

    spe = campaigns["specifique-2027"]
    serial = 0
    for mouvement in spe["mouvements"]:
        kinds, where, count, profil = SPECIFIQUE_PLAN[mouvement["code"]]
        prefs = [p["code"] for p in mouvement.get("preferences", [])]
        pool = [e for k in kinds for e in by_type[k]
                if where is None or (where(e["commune"]) if callable(where) else e["commune"] in where)]
        for etab in rnd.sample(pool, count):
            serial += 1
            rows.append({
                "code_poste": f"S27-{serial:04d}", "campagne": "specifique-2027",
                "mouvement": mouvement["code"], "uai": etab["uai"],
                "discipline_code": rnd.choice(mouvement["disciplines"]),
                "specificite": rnd.choice(prefs) if prefs else "",
                "profil": profil, "etat": rnd.choice(["V", "V", "SV"]),
                "education_prioritaire": etab["education_prioritaire"],
                "publie_le": "2026-11-17", "contact": CONTACTS[etab["uai"][:3]],
            })

    intra = campaigns["intra-2027"]
    spea = next(m for m in intra["mouvements"] if m["code"] == "SPEA")
    serial = 0
    for _ in range(300):
        etab = rnd.choice(etabs)
        serial += 1
        rows.append({
            "code_poste": f"I27-{serial:04d}", "campagne": "intra-2027", "mouvement": "GEN",
            "uai": etab["uai"], "discipline_code": rnd.choice(GENERAL_BY_TYPE[etab["type"]]),
            "specificite": rnd.choice(SPECIFICITES), "profil": "",
            "etat": rnd.choice(["V", "V", "V", "SV"]),
            "education_prioritaire": etab["education_prioritaire"],
            "publie_le": rnd.choice(["2027-03-17", "2027-03-17", "2027-03-24", "2027-03-31"]),
            "contact": CONTACTS[etab["uai"][:3]],
        })
    spea_profils = [
        "Professeur référent pour l'inclusion scolaire ; travail avec le pôle ressource.",
        "Enseignement en section sportive ; encadrement des compétitions.",
        "Enseignement en section européenne ; certification complémentaire DNL souhaitée.",
        "Poste en unité pédagogique pour élèves allophones arrivants.",
        "Coordination du centre de documentation en réseau avec les écoles du secteur.",
    ]
    for _ in range(24):
        etab = rnd.choice(by_type["CLG"] + by_type["LYC"] + by_type["LPO"])
        serial += 1
        rows.append({
            "code_poste": f"I27-{serial:04d}", "campagne": "intra-2027", "mouvement": "SPEA",
            "uai": etab["uai"], "discipline_code": rnd.choice(spea["disciplines"]),
            "specificite": "Poste spécifique académique", "profil": rnd.choice(spea_profils),
            "etat": rnd.choice(["V", "SV"]), "education_prioritaire": etab["education_prioritaire"],
            "publie_le": "2027-03-17", "contact": CONTACTS[etab["uai"][:3]],
        })
    return rows


# --- demo agents ----------------------------------------------------------------------------

# (civilité, nom, prénom, corps, discipline, type of school); Jean Dupont and two J. Martin on purpose.
AGENTS = [
    ("Monsieur", "Dupont", "Jean", "professeur agrégé", "L1300", ("LYC", "LPO")),
    ("Madame", "Martin", "Jeanne", "professeur certifié", "L0202", ("CLG",)),
    ("Monsieur", "Martin", "Julien", "professeur certifié", "L1000", ("LYC",)),
    ("Madame", "D'Aubigny", "Marie-Hélène", "professeur agrégé", "L0201", ("LYC",)),
    ("Monsieur", "Le Goff", "Loïc", "professeur de lycée professionnel", "P1315", ("LP",)),
    ("Madame", "Benali", "Yasmina", "professeur certifié", "L0422", ("CLG",)),
    ("Monsieur", "Chabrier", "Étienne", "professeur certifié", "L1500", ("LYC", "LPO")),
    ("Madame", "Roux", "Camille", "professeur certifié", "L1600", ("CLG",)),
    ("Monsieur", "Faure", "Antoine", "professeur agrégé", "L1500", ("LYC",)),
    ("Madame", "Vidal", "Élodie", "professeur certifié", "L1800", ("CLG", "LYC")),
    ("Monsieur", "Bonnet", "Mathieu", "professeur certifié", "L1400", ("CLG",)),
    ("Madame", "Girard", "Nathalie", "conseiller principal d'éducation", "", ("CLG", "LYC")),
    ("Monsieur", "Mercier", "Thomas", "conseiller principal d'éducation", "", ("LP", "LPO")),
    ("Madame", "Fontaine", "Claire", "professeur des écoles", "", ("EREA",)),
    ("Monsieur", "Dupont", "René", "professeur des écoles", "", ("CLG",)),
    ("Madame", "Morel", "Sophie", "professeur certifié", "L0426", ("CLG",)),
    ("Monsieur", "Lambert", "Nicolas", "professeur certifié", "L1900", ("CLG",)),
    ("Madame", "Rousseau", "Aurélie", "professeur certifié", "L1100", ("LYC",)),
    ("Monsieur", "Blanc", "Olivier", "professeur agrégé", "L0100", ("LYC",)),
    ("Madame", "Guérin", "Isabelle", "professeur certifié", "L0080", ("CLG",)),
    ("Monsieur", "Brun", "Sébastien", "professeur de lycée professionnel", "L1900", ("LP",)),
    ("Madame", "Chevalier", "Laure", "professeur certifié", "L1700", ("CLG",)),
    ("Monsieur", "Gauthier", "François", "professeur certifié", "L1414", ("LPO",)),
    ("Madame", "Perrin", "Manon", "professeur certifié", "L1300", ("CLG",)),
    ("Monsieur", "Robin", "Hugo", "professeur certifié", "L0421", ("LYC",)),
    ("Madame", "Masson", "Chloé", "professeur agrégé", "L0422", ("LYC",)),
    ("Monsieur", "Aubert", "Pierre", "professeur certifié", "L1000", ("CLG",)),
    ("Madame", "Texier", "Hélène", "professeur de lycée professionnel", "P1315", ("LP", "EREA")),
    ("Monsieur", "Nicolas", "Bruno", "professeur certifié", "L1600", ("LYC",)),
    ("Madame", "Boyer", "Amandine", "professeur certifié", "L0202", ("LYC",)),
    ("Monsieur", "Pascal", "Rémi", "professeur certifié", "L1300", ("LPO",)),
    ("Madame", "Cros", "Mathilde", "professeur des écoles", "", ("EREA",)),
    ("Monsieur", "Bertrand", "Grégoire", "professeur agrégé", "L1000", ("LYC",)),
    ("Madame", "Pons", "Justine", "professeur certifié", "L1500", ("CLG",)),
    ("Monsieur", "Delmas", "Yann", "professeur certifié", "L1800", ("LYC",)),
    ("Madame", "Tixier", "Agnès", "conseiller principal d'éducation", "", ("LYC",)),
]
PHONE_PREFIX = {"003": "70", "015": "71", "043": "71", "063": "73"}
FAMILLE = ["Célibataire", "Marié(e)", "Marié(e)", "Pacsé(e)", "Concubinage", "Divorcé(e)"]


def numen(rnd: random.Random) -> str:
    """A fictional 13-character NUMEN: 2 digits, a letter, 7 digits, 3 letters."""
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return (f"{rnd.randrange(10, 99)}{rnd.choice(letters)}{rnd.randrange(10**6, 10**7):07d}"
            + "".join(rnd.choice(letters) for _ in range(3)))


# Years of service at which each échelon of the classe normale is usually reached.
CN_STEPS = [0, 1, 2, 4, 6, 8.5, 11.5, 14.5, 18, 22, 26]


def career(corps: str, years: int, rnd: random.Random) -> tuple[str, int]:
    """Grade and échelon plausible for the years of service, within each grade's bounds."""
    roll = rnd.random()
    if years >= 28 and roll < 0.25 and corps != "professeur des écoles":
        return "classe exceptionnelle", min(4, 1 + (years - 28) // 3)
    if years >= 20 and roll < 0.7:
        top = 4 if corps == "professeur agrégé" else 6
        return "hors classe", min(top, 1 + (years - 20) // 3)
    return "classe normale", sum(1 for step in CN_STEPS if years >= step)


def ddmmyyyy(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def make_agents(etabs: list[dict[str, str]], communes: dict[str, dict[str, str]],
                rnd: random.Random) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    seen_numen: set[str] = set()
    mail_count: dict[str, int] = {}
    for civ, nom, prenom, corps, disc, kinds in AGENTS:
        while (n := numen(rnd)) in seen_numen:
            pass
        seen_numen.add(n)
        born = date(1964, 1, 1) + timedelta(days=rnd.randrange(0, 34 * 365))
        years = max(1, 2026 - born.year - 24)
        grade, echelon = career(corps, years, rnd)
        etab = rnd.choice([e for e in etabs if e["type"] in kinds])
        home = communes[rnd.choice([c for c in communes if c[:2] == etab["commune"][:2]])]
        slug = f"{prenom}.{nom}".lower()
        for a, b in (("é", "e"), ("è", "e"), ("ë", "e"), ("ï", "i"), ("'", ""), (" ", "-")):
            slug = slug.replace(a, b)
        mail_count[slug] = mail_count.get(slug, 0) + 1
        if mail_count[slug] > 1:
            slug += str(mail_count[slug])
        family = rnd.choice(FAMILLE)
        children = rnd.choice([0, 0, 1, 2, 3]) if family != "Célibataire" else rnd.choice([0, 0, 1])
        affect = date(rnd.randrange(max(2008, 2026 - years), 2027), 9, 1)
        rows.append({
            "numen": n, "civilite": civ, "nom": nom, "prenom": prenom,
            "date_naissance": ddmmyyyy(born), "corps": corps, "grade": grade, "echelon": echelon,
            "echelon_depuis": ddmmyyyy(date(2023 + rnd.randrange(0, 3), rnd.randrange(1, 13), 1)),
            "discipline": disc, "position": "en activité",
            "modalite_service": rnd.choice(["temps complet"] * 5 + ["temps partiel sur autorisation",
                                                                      "temps partiel de droit"]),
            "affectation_uai": etab["uai"], "affectation_depuis": ddmmyyyy(affect),
            "adresse": f"{rnd.randrange(1, 90)} {rnd.choice(STREETS)}",
            "code_postal": home["code_postal"], "commune": home["libelle"],
            "mail_pro": f"{slug}@ac-montferrand.example",
            "mail_perso": f"{slug.replace('.', '_', 1)}@courriel.example",
            "telephone": f"04 {PHONE_PREFIX[etab['uai'][:3]]} {rnd.randrange(10, 99)} "
                         f"{rnd.randrange(10, 99)} {rnd.randrange(10, 99)}",
            "portable": "" if rnd.random() < 0.15 else
                        f"06 {rnd.randrange(10, 99)} {rnd.randrange(10, 99)} "
                        f"{rnd.randrange(10, 99)} {rnd.randrange(10, 99)}",
            "situation_familiale": family, "enfants": children,
        })
    # The first agent is the one the guides talk about: keep him on a full-time post.
    rows[0]["modalite_service"] = "temps complet"
    return rows


# --- attachments ----------------------------------------------------------------------------

def pdf_bytes(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with plain text, written by hand so the bytes never change."""
    def esc(text: str) -> str:
        raw = text.encode("cp1252")
        return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)").decode("latin-1")

    ops = ["BT", "/F1 16 Tf", "56 780 Td", f"({esc(title)}) Tj", "/F1 11 Tf", "0 -28 Td"]
    for line in lines:
        ops += [f"({esc(line)}) Tj", "0 -16 Td"]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def phase_lines(campaign: dict) -> list[str]:
    """Two lines per phase: its label, then its window in French."""
    def moment(text: str) -> datetime:
        return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=PARIS)

    lines = []
    for phase in campaign["phases"]:
        end = moment(phase["fin"]) if phase.get("fin") else None
        lines += [f"- {phase['libelle']}", f"   {window_fr(moment(phase['debut']), end)}"]
    return lines


def write_attachments(campaigns: dict[str, dict]) -> None:
    folder = CONTENT / "fichiers"
    folder.mkdir(parents=True, exist_ok=True)
    for slug, name in (("inter-2027", "calendrier-inter-2027.pdf"),
                       ("specifique-2027", "calendrier-mouvements-specifiques-2027.pdf"),
                       ("intra-2027", "calendrier-intra-2027.pdf")):
        c = campaigns[slug]
        lines = ["Académie de Montferrand - document d'exemple", ""]
        lines += phase_lines(c)
        lines += ["", f"Nombre maximal de vœux\u00a0: {c['voeux']['maximum']}",
                  "Toutes les heures sont exprimées en heure de Paris."]
        (folder / name).write_bytes(pdf_bytes(c["titre"] + " - calendrier", lines))


# --- self-check -----------------------------------------------------------------------------

def check() -> list[str]:
    """Every cross-reference of the example data, as `path:line: message`."""
    problems: list[str] = []

    def table(name: str) -> list[tuple[int, dict[str, str]]]:
        return [(i, row) for i, row in enumerate(read_table(name), start=2)]

    academies = {r["code"] for _, r in table("academies")}
    departements = {}
    for line, r in table("departements"):
        departements[r["code"]] = r
        if r["academie"] not in academies:
            problems.append(f"data/departements.csv:{line}: académie inconnue {r['academie']}")
    communes = {}
    for line, r in table("communes"):
        communes[r["code"]] = r
        if r["departement"] not in departements:
            problems.append(f"data/communes.csv:{line}: département inconnu {r['departement']}")
        if r["departement"][1:] != r["code"][:2]:
            problems.append(f"data/communes.csv:{line}: code INSEE {r['code']} hors du département")
    for line, r in table("groupements"):
        if r["departement"] not in departements:
            problems.append(f"data/groupements.csv:{line}: département inconnu {r['departement']}")
        for c in r["communes"].split(","):
            if c not in communes or communes[c]["departement"] != r["departement"]:
                problems.append(f"data/groupements.csv:{line}: commune {c} inconnue ou hors département")
    disciplines = {r["code"] for _, r in table("disciplines")}
    etabs = {}
    for line, r in table("etablissements"):
        code = r["uai"]
        if code in etabs:
            problems.append(f"data/etablissements.csv:{line}: UAI {code} en double")
        etabs[code] = r
        if not (len(code) == 8 and code[:7].isdigit() and code[7] == UAI_LETTERS[int(code[:7]) % 23]):
            problems.append(f"data/etablissements.csv:{line}: UAI {code} invalide")
        commune = communes.get(r["commune"])
        if commune is None or commune["departement"] != code[:3]:
            problems.append(f"data/etablissements.csv:{line}: commune {r['commune']} inconnue ou hors département")
        if r["education_prioritaire"] not in ("", "REP", "REP+"):
            problems.append(f"data/etablissements.csv:{line}: éducation prioritaire inconnue")
    campaigns = load_campaigns()
    seen_postes = set()
    for line, r in table("postes"):
        c = campaigns.get(r["campagne"])
        if r["code_poste"] in seen_postes:
            problems.append(f"data/postes.csv:{line}: code_poste {r['code_poste']} en double")
        seen_postes.add(r["code_poste"])
        if c is None:
            problems.append(f"data/postes.csv:{line}: campagne inconnue {r['campagne']}")
            continue
        mouvement = next((m for m in c.get("mouvements", []) if m["code"] == r["mouvement"]), None)
        if mouvement is None:
            problems.append(f"data/postes.csv:{line}: mouvement inconnu {r['mouvement']}")
        elif mouvement.get("disciplines") and r["discipline_code"] not in mouvement["disciplines"]:
            problems.append(f"data/postes.csv:{line}: discipline hors du mouvement {r['mouvement']}")
        if r["discipline_code"] not in disciplines:
            problems.append(f"data/postes.csv:{line}: discipline inconnue {r['discipline_code']}")
        etab = etabs.get(r["uai"])
        if etab is None:
            problems.append(f"data/postes.csv:{line}: UAI inconnu {r['uai']}")
        elif etab["education_prioritaire"] != r["education_prioritaire"]:
            problems.append(f"data/postes.csv:{line}: éducation prioritaire différente de l'établissement")
        if r["etat"] not in ("V", "SV"):
            problems.append(f"data/postes.csv:{line}: état {r['etat']} inconnu")
        date.fromisoformat(r["publie_le"])
    for slug, c in campaigns.items():
        for m in c.get("mouvements", []):  # promotion and rendez-vous campaigns have none
            for d in m.get("disciplines", []):
                if d not in disciplines:
                    problems.append(f"content/campagnes/{slug}.yaml: discipline inconnue {d}")
        ns = c.get("note_de_service")
        if ns and not (CONTENT / "notes-de-service" / f"{ns}.md").exists():
            problems.append(f"content/campagnes/{slug}.yaml: note de service {ns} introuvable")
    with open(DATA / "agents-demo.csv", encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter=";")
        header = next(reader)
        if header != AGENTS_HEADER:
            problems.append("data/agents-demo.csv:1: en-tête différent du format d'import")
        numens = set()
        for line, row in enumerate(reader, start=2):
            r = dict(zip(header, row))
            if len(r["numen"]) != 13 or r["numen"] in numens:
                problems.append(f"data/agents-demo.csv:{line}: NUMEN invalide ou en double")
            numens.add(r["numen"])
            if r["affectation_uai"] not in etabs:
                problems.append(f"data/agents-demo.csv:{line}: UAI d'affectation inconnu")
            if r["discipline"] and r["discipline"] not in disciplines:
                problems.append(f"data/agents-demo.csv:{line}: discipline inconnue")
    return problems


def generate() -> None:
    # One generator per table, so that editing how one table is drawn leaves the others alone.
    communes = read_table("communes")
    campaigns = load_campaigns()
    etabs = make_etablissements(communes, random.Random(SEED))
    write_table(DATA / "etablissements.csv", ETAB_HEADER, etabs)
    write_table(DATA / "postes.csv", POSTE_HEADER,
                make_postes(etabs, campaigns, random.Random(f"{SEED}-postes")))
    agents = make_agents(etabs, {c["code"]: c for c in communes}, random.Random(f"{SEED}-agents"))
    write_table(DATA / "agents-demo.csv", AGENTS_HEADER, agents)
    write_attachments(campaigns)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Génère et vérifie les données de l'académie d'exemple.")
    parser.add_argument("--check", action="store_true", help="vérifier seulement, sans rien écrire")
    args = parser.parse_args(argv)
    if not args.check:
        generate()
    problems = check()
    for p in problems:
        print(p)
    print(f"{len(problems)} problème(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
