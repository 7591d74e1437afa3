"""Generate a reproducible benchmark corpus: a whole site root for us, the same guides for the peers."""
from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from generator.model import uai_check_letter

SEED = 2027

# Vocabulary for the generated prose: our own sentences about a teacher's career.
SUBJECTS = [
    "La demande de mutation", "Le dossier de l'agent", "La saisie des vœux", "Le barème",
    "La lettre de motivation", "Le rapport d'inspection", "Le calendrier de la campagne",
    "La confirmation de demande", "Le poste spécifique", "Le gestionnaire académique",
    "La pièce justificative", "L'avis de l'inspecteur", "Le récapitulatif imprimé",
    "La phase intra-académique", "Le mouvement inter-académique", "Le curriculum vitae",
]
VERBS = [
    "doit être vérifié avant la date de clôture", "peut être modifié tant que la phase est ouverte",
    "est consultable depuis l'onglet « Services »", "se prépare avec l'aide de votre établissement",
    "reste accessible après la fermeture du serveur", "conditionne l'examen de votre candidature",
    "est transmis à la division des personnels enseignants", "figure dans le courrier de confirmation",
    "se complète en quelques minutes", "est examiné par la commission académique",
]
COMPLEMENTS = [
    "pour chaque type de mouvement demandé", "au plus tard le dernier jour de la saisie",
    "dans la limite de quinze vœux", "au format PDF et d'une taille maximale de 300 Ko",
    "selon les règles de la note de service", "en cas de rapprochement de conjoints",
    "lorsque le poste est déclaré susceptible d'être vacant", "après avis du chef d'établissement",
    "pour les personnels titulaires comme pour les stagiaires", "depuis n'importe quel poste connecté",
]
HEADINGS = [
    "Avant de commencer", "Préparer les pièces", "Saisir la demande", "Classer ses vœux",
    "Vérifier le barème", "Après la saisie", "En cas de difficulté", "Calendrier à retenir",
    "Qui contacter", "Questions fréquentes",
]
ITEMS = [
    "votre identifiant (initiale du prénom suivie du nom)", "votre NUMEN, à conserver précieusement",
    "le dernier rapport d'inspection", "l'attestation de l'employeur du conjoint",
    "la copie du livret de famille", "la liste des établissements souhaités",
    "le code du poste relevé dans la liste des postes vacants", "une adresse électronique valide",
]
AUDIENCES = ["enseignants", "gestionnaires", "tous", "personnels d'éducation", "psychologues"]
TAGS = ["mobilité", "connexion", "CV", "barème", "résultats", "promotion", "inspection", "calendrier"]

DEPARTEMENTS = [("003", "Allier"), ("015", "Cantal"), ("043", "Haute-Loire"), ("063", "Puy-de-Dôme")]
TOWN_ROOTS = ["Saint-", "Le ", "La ", "", "", "Mont", "Val-de-", "Bourg-", "Pont-", "Villeneuve-"]
TOWN_STEMS = ["Aubière", "Thiers", "Ambert", "Issoire", "Riom", "Brioude", "Aurillac", "Mauriac",
              "Vichy", "Moulins", "Gannat", "Yssingeaux", "Langeac", "Murat", "Billom", "Volvic"]
ETAB_TYPES = [("CLG", "Collège"), ("LYC", "Lycée"), ("LPO", "Lycée polyvalent"), ("LP", "Lycée professionnel")]
PATRONS = ["Blaise-Pascal", "Jules-Ferry", "Marie-Curie", "Jean-Zay", "Lucie-Aubrac", "Simone-Veil",
           "Albert-Camus", "George-Sand", "Louise-Michel", "Victor-Hugo", "Olympe-de-Gouges"]
DISCIPLINES = [
    ("L0100", "Philosophie"), ("L0201", "Lettres classiques"), ("L0202", "Lettres modernes"),
    ("L0421", "Allemand"), ("L0422", "Anglais"), ("L0426", "Espagnol"), ("L0429", "Italien"),
    ("L1000", "Histoire et géographie"), ("L1100", "Sciences économiques et sociales"),
    ("L1300", "Mathématiques"), ("L1411", "Technologie"), ("L1500", "Physique-chimie"),
    ("L1600", "Sciences de la vie et de la Terre"), ("L1700", "Éducation musicale"),
    ("L1800", "Arts plastiques"), ("L1900", "Éducation physique et sportive"),
    ("L8011", "Documentation"), ("L0080", "Conseiller principal d'éducation"),
    ("P1315", "Mathématiques et physique-chimie (PLP)"), ("P0222", "Lettres et anglais (PLP)"),
]
# Twenty more disciplines, only for the barres: the postes draw from DISCIPLINES alone, so the rest of the
# corpus keeps its bytes.
MORE_DISCIPLINES = [(f"L9{i:03d}", f"Discipline complémentaire {i}") for i in range(1, 21)]
BARRE_YEARS = (2024, 2025, 2026)


@dataclass(frozen=True)
class Corpus:
    root: Path  # our site root (content/, data/)
    guides: list[tuple[str, dict, str]]  # (slug, front matter, Markdown body), for the peers
    postes: int


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(COMPLEMENTS)}."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))


def guide_body(rng: random.Random, index: int, total: int) -> str:
    """Markdown of one guide: headings, paragraphs, a list, a table, an internal link."""
    other = f"guide-{(index * 7 + 1) % total:05d}"
    parts = [_paragraph(rng)]
    for heading in rng.sample(HEADINGS, 3):
        parts.append(f"## {heading}")
        parts.append(_paragraph(rng))
    parts.append("Munissez-vous de :")
    parts.append("\n".join(f"- {item}" for item in rng.sample(ITEMS, 4)))
    parts.append(
        "| Étape | Ouverture | Clôture |\n|---|---|---|\n"
        + "\n".join(f"| {h} | {rng.randint(1, 28)} novembre | {rng.randint(1, 28)} décembre |"
                    for h in rng.sample(HEADINGS, 3))
    )
    parts.append(f"Pour aller plus loin, lisez [le guide voisin](/guides/{other}/).")
    parts.append(_paragraph(rng))
    return "\n\n".join(parts) + "\n"


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_guides(content: Path, rng: random.Random, count: int) -> list[tuple[str, dict, str]]:
    """Write content/guides/*.md with our front matter; return them for the peers."""
    folder = content / "guides"
    folder.mkdir(parents=True)
    guides = []
    for i in range(count):
        slug = f"guide-{i:05d}"
        meta = {
            "titre": f"{rng.choice(HEADINGS)} : {rng.choice(SUBJECTS).lower()} ({i})",
            "resume": _sentence(rng),
            "public": rng.sample(AUDIENCES, 2),
            "ordre": i,
            "etiquettes": rng.sample(TAGS, 2),
        }
        body = guide_body(rng, i, count)
        front = "\n".join([
            f"titre: {_yaml_str(meta['titre'])}",
            f"resume: {_yaml_str(meta['resume'])}",
            "public: [" + ", ".join(meta["public"]) + "]",
            f"ordre: {meta['ordre']}",
            "etiquettes: [" + ", ".join(meta["etiquettes"]) + "]",
        ])
        (folder / f"{slug}.md").write_text(f"---\n{front}\n---\n\n{body}", encoding="utf-8")
        guides.append((slug, meta, body))
    return guides


SITE_YAML = """\
academie: Académie de Montferrand
titre: Portail carrière
url: https://carriere.ac-montferrand.example
chemin: /
application: /app
contacts:
  mail: assistance.carriere@ac-montferrand.example
  telephone: 04 73 00 00 00
  horaires: du lundi au vendredi, de 9 h à 12 h et de 14 h à 17 h
  adresse: Rectorat de l'académie de Montferrand, 3 avenue Vercingétorix, 63000 Clermont-Ferrand
navigation:
  - titre: Guides
    lien: guides/
  - titre: Plannings
    lien: plannings/
  - titre: Postes vacants
    lien: postes/
accessibilite:
  statut: partiellement conforme
  rgaa: 4.1.2
  date_audit: 2026-10-15
  contact: accessibilite@ac-montferrand.example
"""

NOTE_MD = """\
---
reference: "{ref}"
titre: "{titre}"
resume: "Modalités et calendrier de la campagne {annee}."
bo: "BO spécial n° {n} du 14 novembre 2026"
date_bo: 2026-11-14
---

{body}
"""

CAMPAIGNS = [
    # slug, type, title, note slug, mouvements [(code, libelle, lettre)]
    ("inter-2027", "inter", "Mouvement inter-académique 2027", "2026-121",
     [("INTER", "Mouvement inter-académique", False)]),
    ("intra-2027", "intra", "Mouvement intra-académique 2027", "2026-122",
     [("INTRA", "Mouvement intra-académique", False)]),
    ("specifique-2027", "specifique", "Mouvements spécifiques académiques 2027", "2026-123",
     [("CPGE", "Classes préparatoires aux grandes écoles", True),
      ("BTS", "Sections de techniciens supérieurs", True),
      ("CINE", "Cinéma et audiovisuel", True),
      ("DDF", "Directeur délégué aux formations", True)]),
]

PHASES = """\
phases:
  - code: information
    libelle: Publication de la note de service
    debut: 2026-11-14 09:00
  - code: saisie
    libelle: Saisie et modification des demandes
    debut: 2026-11-17 12:00
    fin: 2026-12-08 12:00
  - code: confirmation
    libelle: Retour des confirmations de demande
    debut: 2026-12-09 09:00
    fin: 2026-12-16 12:00
  - code: bareme
    libelle: Affichage et contrôle du barème
    debut: 2027-01-20 09:00
    fin: 2027-02-03 12:00
  - code: resultats
    libelle: Résultats
    debut: 2027-03-04 09:00
"""


def write_campaigns(content: Path, rng: random.Random) -> None:
    """Write three campaigns of one year and the notes de service they cite."""
    camp_dir, note_dir = content / "campagnes", content / "notes-de-service"
    camp_dir.mkdir(parents=True)
    note_dir.mkdir(parents=True)
    codes = [code for code, _ in DISCIPLINES]
    for n, (slug, kind, title, note, mouvements) in enumerate(CAMPAIGNS, start=1):
        (note_dir / f"{note}.md").write_text(
            NOTE_MD.format(ref=note, titre=f"Note de service : {title.lower()}", annee="2026-2027",
                           n=n, body=_paragraph(rng) + "\n\n" + _paragraph(rng)),
            encoding="utf-8",
        )
        lines = [f"titre: {title}", f"type: {kind}", "annee: 2026-2027",
                 f"resume: {_yaml_str(_sentence(rng))}", f'note_de_service: "{note}"', PHASES.rstrip(),
                 "voeux:", "  maximum: 15", "  types: [ETB, COM, GEO, DPT, ACA]", "mouvements:"]
        for code, libelle, lettre in mouvements:
            lines += [f"  - code: {code}", f"    libelle: {libelle}",
                      f"    lettre_motivation: {'true' if lettre else 'false'}",
                      "    disciplines: [" + ", ".join(codes) + "]"]
        lines += ["pieces_jointes:", "  - code: rapport_inspection",
                  "    libelle: Rapport d'inspection ou de rendez-vous de carrière",
                  "    taille_max_ko: 300", "    obligatoire: false"]
        (camp_dir / f"{slug}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _csv(path: Path, header: str, rows: list[list[str]]) -> None:
    path.write_text(header + "\n" + "\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")


def write_referentiel(data: Path, rng: random.Random) -> list[str]:
    """Write a small coherent referentiel; return the UAIs of its établissements."""
    data.mkdir(parents=True)
    _csv(data / "academies.csv", "code;libelle", [["MTF", "Académie de Montferrand"]])
    _csv(data / "departements.csv", "code;libelle;academie",
         [[code, name, "MTF"] for code, name in DEPARTEMENTS])
    communes, groupements, etabs = [], [], []
    for dep, dep_name in DEPARTEMENTS:
        dep_communes = []
        for k in range(25):
            insee = f"{int(dep):02d}{k + 1:03d}"
            name = f"{rng.choice(TOWN_ROOTS)}{rng.choice(TOWN_STEMS)}"
            communes.append([insee, f"{name} ({k + 1})", dep, f"{int(dep):02d}{k % 9}{k:02d}"[:5]])
            dep_communes.append(insee)
        for g in range(3):
            members = dep_communes[g * 8:(g + 1) * 8]
            groupements.append([f"{dep}{g + 1:02d}G", f"Groupement {dep_name} {g + 1}", dep,
                                ",".join(members)])
        for e in range(100):
            number = int(dep) * 10000 + e + 1
            uai = f"{number:07d}{uai_check_letter(number)}"
            kind, label = rng.choice(ETAB_TYPES)
            commune = rng.choice(communes[-25:])
            etabs.append([uai, kind, f"{label} {rng.choice(PATRONS)}", f"{e + 1} rue de l'École",
                          commune[3], commune[0], rng.choice(["", "", "", "REP", "REP+"])])
    _csv(data / "communes.csv", "code;libelle;departement;code_postal", communes)
    _csv(data / "groupements.csv", "code;libelle;departement;communes", groupements)
    _csv(data / "etablissements.csv",
         "uai;type;nom;adresse;code_postal;commune;education_prioritaire", etabs)
    _csv(data / "disciplines.csv", "code;libelle", [list(d) for d in DISCIPLINES + MORE_DISCIPLINES])
    return [row[0] for row in etabs]


def write_barres(data: Path, rng: random.Random) -> int:
    """Write data/barres/AAAA.csv: three years of intra barres, 40 disciplines × ≈ 300 zones (the académie,
    its départements, groupements and communes, and 180 of its établissements); return the rows written."""
    communes = [line.split(";")[0] for line in (data / "communes.csv").read_text(encoding="utf-8").splitlines()[1:]]
    groupements = [line.split(";")[0] for line in (data / "groupements.csv").read_text(encoding="utf-8").splitlines()[1:]]
    uais = [line.split(";")[0] for line in (data / "etablissements.csv").read_text(encoding="utf-8").splitlines()[1:]]
    zones = ([("ACA", "MTF")] + [("DPT", code) for code, _ in DEPARTEMENTS] + [("GEO", g) for g in groupements]
             + [("COM", c) for c in communes] + [("ETB", u) for u in uais[::2][:180]])
    folder = data / "barres"
    folder.mkdir()
    count = 0
    for year in BARRE_YEARS:
        rows = []
        for code, _ in DISCIPLINES + MORE_DISCIPLINES:
            for kind, zone in zones:
                if rng.random() < 0.1:
                    rows.append([str(year), "intra", code, kind, zone, "", "", "0"])
                    continue
                points = rng.randint(14, 1200) + rng.choice([0, 0, 0.2, 0.5])
                rows.append([str(year), "intra", code, kind, zone, "", f"{points:g}", str(rng.randint(1, 40))])
        _csv(folder / f"{year}.csv", "annee;mouvement;discipline;type_voeu;code_voeu;type_etablissement;barre;"
             "entrants", rows)
        count += len(rows)
    return count


def write_postes(data: Path, rng: random.Random, count: int, uais: list[str]) -> None:
    """Write data/postes.csv with COUNT rows spread over the intra and specific campaigns."""
    targets = [(slug, code) for slug, kind, _, _, mvts in CAMPAIGNS if kind != "inter"
               for code, _, _ in mvts]
    codes = [code for code, _ in DISCIPLINES]
    rows = []
    for i in range(count):
        slug, mvt = rng.choice(targets)
        rows.append([f"P{i + 1:06d}", slug, mvt, rng.choice(uais), rng.choice(codes),
                     rng.choice(["", "Section européenne", "Classe à horaires aménagés"]),
                     rng.choice(["", "Poste à profil : expérience en lycée souhaitée"]),
                     rng.choice(["V", "SV"]), rng.choice(["", "REP", "REP+"]),
                     f"2026-11-{rng.randint(10, 16)}", "dpe.mouvement@ac-montferrand.example"])
    _csv(data / "postes.csv", "code_poste;campagne;mouvement;uai;discipline_code;specificite;"
         "profil;etat;education_prioritaire;publie_le;contact", rows)


def generate(root: Path, guides: int, postes: int) -> Corpus:
    """Create ROOT afresh with a whole site: same arguments give the same bytes."""
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(SEED)
    content = root / "content"
    content.mkdir(parents=True)
    (content / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    written = write_guides(content, rng, guides)
    write_campaigns(content, rng)
    uais = write_referentiel(root / "data", rng)
    write_postes(root / "data", rng, postes, uais)
    write_barres(root / "data", random.Random(f"{SEED}-barres"))  # its own draws: the rest keeps its bytes
    return Corpus(root=root, guides=written, postes=postes)
