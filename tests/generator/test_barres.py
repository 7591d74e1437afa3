"""data/barres (past barres, for the comparateur de mobilité): every check, one exact `path:line: message`."""
from pathlib import Path

import pytest

from generator.barres import barres_by_voeu
from generator.load import load_site
from generator.model import Barre

B = "data/barres.csv"
HEADER = "annee;mouvement;discipline;type_voeu;code_voeu;type_etablissement;barre;entrants"

# (case, text of data/barres.csv to replace, replacement, expected `path:line: message`)
CASES = [
    ("year-format", "2025;intra;L1300;ACA", "25;intra;L1300;ACA",
     "data/barres.csv:2: « annee » doit être l'année du mouvement sur quatre chiffres, AAAA (lu : « 25 ») : "
     "corrigez la valeur, par exemple 2026."),
    ("year-text", "2025;intra;L1300;ACA", "2025-2026;intra;L1300;ACA",
     "data/barres.csv:2: « annee » doit être l'année du mouvement sur quatre chiffres, AAAA (lu : « 2025-2026 ») : "
     "corrigez la valeur, par exemple 2026."),
    ("unknown-mouvement", "2025;intra;L1300;ACA", "2025;intre;L1300;ACA",
     "data/barres.csv:2: mouvement inconnu « intre » (voulez-vous dire « intra » ?) : mouvements possibles : "
     "inter, intra, spen, spea."),
    ("unknown-discipline", "2026;inter;L0422", "2026;inter;L9999",
     "data/barres.csv:12: la discipline « L9999 » n'existe pas dans data/disciplines.csv : ajoutez-la ou corrigez "
     "la colonne « discipline »."),
    ("unknown-voeu-type", "L1300;DPT;063;;85.5", "L1300;DEP;063;;85.5",
     "data/barres.csv:3: type de vœu inconnu « DEP » (voulez-vous dire « DPT » ?) : types possibles : ETB, COM, "
     "GEO, DPT, ACA, ZRE, ZRD, ZRA."),
    ("unknown-commune", "COM;63113;;212", "COM;63999;;212",
     "data/barres.csv:5: le code « 63999 » d'un vœu COM n'est pas une commune de data/communes.yaml : corrigez "
     "« code_voeu » ou ajoutez la commune à data/communes.yaml."),
    ("unknown-departement", "DPT;063;;92", "DPT;099;;92",
     "data/barres.csv:8: le code « 099 » d'un vœu DPT n'est pas un département de data/departements.csv : "
     "corrigez « code_voeu » ou ajoutez le département à data/departements.csv."),
    ("unknown-groupement", "GEO;063951", "GEO;063959",
     "data/barres.csv:11: le code « 063959 » d'un vœu GEO n'est pas un groupement de data/groupements.csv : "
     "corrigez « code_voeu » ou ajoutez le groupement à data/groupements.csv."),
    ("unknown-academie", "inter;L0422;ACA;EXE", "inter;L0422;ACA;06",
     "data/barres.csv:12: le code « 06 » d'un vœu ACA n'est pas une académie de data/academies.csv : corrigez "
     "« code_voeu » ou ajoutez l'académie à data/academies.csv."),
    ("bad-uai-letter", "ETB;0630021F;;;0", "ETB;0630021A;;;0",
     "data/barres.csv:6: l'UAI « 0630021A » n'est pas valide : sa lettre de contrôle devrait être « F » "
     "(0630021F) ; corrigez le code."),
    ("unknown-etablissement", "ETB;0630021F;;;0", "ETB;0630020E;;;0",
     "data/barres.csv:6: le code « 0630020E » d'un vœu ETB n'est pas un établissement de "
     "data/etablissements.csv : corrigez « code_voeu » ou ajoutez l'établissement à data/etablissements.csv."),
    ("inter-not-academie", "2026;inter;L0422;ACA;EXE", "2026;inter;L0422;DPT;063",
     "data/barres.csv:12: le mouvement inter ne publie que des barres par académie (type de vœu ACA), lu : "
     "« DPT » : corrigez « type_voeu » ou « mouvement »."),
    ("unknown-restriction", "DPT;063;LYC;120", "DPT;063;LYCE;120",
     "data/barres.csv:4: type d'établissement inconnu « LYCE » (voulez-vous dire « LYC » ?) : types possibles : "
     "CLG, LYC, LP, EREA, ou vide pour tout type."),
    ("restriction-on-etablissement", "ETB;0630021F;;1012.5", "ETB;0630021F;LYC;1012.5",
     "data/barres.csv:10: « type_etablissement » ne s'applique qu'aux vœux COM, GEO, DPT, ACA (lu sur un vœu "
     "ETB) : videz la colonne."),
    ("barre-not-a-number", "85.5;7", "85,5 pts;7",
     "data/barres.csv:3: « barre » doit être un nombre de points (412 ou 412,5), ou rester vide si personne "
     "n'est entré (lu : « 85,5 pts ») : corrigez la valeur."),
    ("barre-negative", ";21;12", ";-21;12",
     "data/barres.csv:2: « barre » doit être un nombre de points (412 ou 412,5), ou rester vide si personne "
     "n'est entré (lu : « -21 ») : corrigez la valeur."),
    ("entrants-not-a-number", "212;2", "212;deux",
     "data/barres.csv:5: « entrants » doit être un nombre entier, 0 ou plus (lu : « deux ») : corrigez la valeur."),
    ("entrants-without-barre", "ETB;0630021F;;;0", "ETB;0630021F;;;3",
     "data/barres.csv:6: la barre est vide mais 3 entrants sont indiqués : indiquez la barre (le plus petit "
     "barème admis) ou mettez 0 entrant."),
    ("one-entrant-without-barre", "ETB;0630021F;;;0", "ETB;0630021F;;;1",
     "data/barres.csv:6: la barre est vide mais 1 entrant est indiqué : indiquez la barre (le plus petit barème "
     "admis) ou mettez 0 entrant."),
    ("barre-without-entrant", "ACA;EXE;;28;10", "ACA;EXE;;28;0",
     "data/barres.csv:7: une barre de 28 points est indiquée sans entrant : indiquez le nombre d'entrants, ou "
     "videz « barre » si personne n'est entré."),
    ("duplicate", "2026;intra;L1300;COM;63113;;198.2;1", "2026;intra;L1300;DPT;063;;198.2;1",
     "data/barres.csv:9: la barre 2026 du vœu DPT 063 (intra, L1300) est déjà donnée ligne 8 : supprimez le "
     "doublon."),
    ("empty-cells", "2026;inter;L0422;ACA;EXE;;342;4", ";inter;L0422;ACA;;;342;4",
     "data/barres.csv:12: colonnes « annee », « code_voeu » vides : remplissez-les."),
    ("empty-cell", "2026;inter;L0422;ACA;EXE;;342;4", "2026;;L0422;ACA;EXE;;342;4",
     "data/barres.csv:12: colonne « mouvement » vide : remplissez-la."),
    ("missing-column", HEADER, HEADER.removesuffix(";entrants"),
     "data/barres.csv:1: colonne « entrants » manquante : la première ligne doit nommer les colonnes "
     "annee;mouvement;discipline;type_voeu;code_voeu;type_etablissement;barre;entrants."),
    ("wrong-width", "2026;inter;L0422;ACA;EXE;;342;4", "2026;inter;L0422;ACA;EXE;342;4",
     "data/barres.csv:12: la ligne a 7 valeurs au lieu de 8 : vérifiez les « ; » (un « ; » dans un texte doit "
     "être entre guillemets)."),
]


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {rel}: the sample site changed"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_barres_get_exact_message(sample_site_dir, old, new, expected):
    edit(sample_site_dir, B, old, new)
    site, report = load_site(sample_site_dir)
    assert expected in [str(p) for p in report]
    if "avertissement" in expected:
        assert site is not None
    else:
        assert site is None


def test_every_problem_is_reported_at_once(sample_site_dir):
    """Three broken rows and a broken cell of a fourth: four messages in one run, none hides another."""
    edit(sample_site_dir, B, "2025;intra;L1300;ACA", "25;intra;L1300;ACA")
    edit(sample_site_dir, B, "COM;63113;;212;2", "COM;63999;;212;deux")
    edit(sample_site_dir, B, "2026;inter;L0422", "2026;inter;L9999")
    site, report = load_site(sample_site_dir)
    assert site is None
    assert [str(p) for p in report if p.path == B] == [
        "data/barres.csv:2: « annee » doit être l'année du mouvement sur quatre chiffres, AAAA (lu : « 25 ») : "
        "corrigez la valeur, par exemple 2026.",
        "data/barres.csv:5: le code « 63999 » d'un vœu COM n'est pas une commune de data/communes.yaml : corrigez "
        "« code_voeu » ou ajoutez la commune à data/communes.yaml.",
        "data/barres.csv:5: « entrants » doit être un nombre entier, 0 ou plus (lu : « deux ») : corrigez la valeur.",
        "data/barres.csv:12: la discipline « L9999 » n'existe pas dans data/disciplines.csv : ajoutez-la ou "
        "corrigez la colonne « discipline ».",
    ]


def test_a_code_refused_in_its_own_table_is_not_reported_again(sample_site_dir):
    """A commune with an error in data/communes.yaml: the barres of the commune and of its établissement are
    refused without a message of their own (nor do its établissement and postes get one)."""
    edit(sample_site_dir, "data/communes.yaml", 'departement: "063"\n  code_postal: "63000"',
         'departement: "099"\n  code_postal: "63000"')
    site, report = load_site(sample_site_dir)
    assert site is None
    assert [p.path for p in report] == ["data/communes.yaml"]


def test_a_duplicate_in_another_file_names_that_file(sample_site_dir):
    folder = sample_site_dir / "data" / "barres"
    folder.mkdir()
    (folder / "2026.csv").write_text(f"{HEADER}\n2026;intra;L1300;DPT;063;;92;6\n", encoding="utf-8")
    site, report = load_site(sample_site_dir)
    assert [str(p) for p in report] == [
        "data/barres/2026.csv:2: la barre 2026 du vœu DPT 063 (intra, L1300) est déjà donnée dans "
        "data/barres.csv:8 : supprimez le doublon."]


def test_the_barres_become_the_model(sample_site):
    """Numbers parsed, an empty barre is None, file order kept; a decimal comma reads as a point."""
    assert sample_site.barres[:3] == [
        Barre(2025, "intra", "L1300", "ACA", "EXE", "", 21.0, 12),
        Barre(2025, "intra", "L1300", "DPT", "063", "", 85.5, 7),
        Barre(2025, "intra", "L1300", "DPT", "063", "LYC", 120.0, 3),
    ]
    assert Barre(2025, "intra", "L1300", "ETB", "0630021F", "", None, 0) in sample_site.barres
    assert len(sample_site.barres) == 11


def test_decimal_comma_blank_lines_spaces_and_no_restriction_column(sample_site_dir):
    """What a spreadsheet writes: « 85,5 », spaces around cells, blank lines, no type_etablissement column."""
    (sample_site_dir / B).write_text(
        "annee;mouvement;discipline;type_voeu;code_voeu;barre;entrants\n"
        "2025; intra ;L1300;DPT;063;85,5;7\n\n;;;;;;\n2026;intra;L1300;DPT;063;;0\n", encoding="utf-8")
    site, report = load_site(sample_site_dir)
    assert site is not None, report.lines()
    assert site.barres == [Barre(2025, "intra", "L1300", "DPT", "063", "", 85.5, 7),
                           Barre(2026, "intra", "L1300", "DPT", "063", "", None, 0)]


def test_yaml_is_read_like_csv(sample_site_dir, sample_site):
    rows = [line.split(";") for line in (sample_site_dir / B).read_text(encoding="utf-8").splitlines()]
    keys = rows[0]
    items = ["- {" + ", ".join(f'{k}: "{v}"' for k, v in zip(keys, row)) + "}" for row in rows[1:]]
    (sample_site_dir / B).unlink()
    (sample_site_dir / "data" / "barres.yaml").write_text("\n".join(items) + "\n", encoding="utf-8")
    site, report = load_site(sample_site_dir)
    assert site is not None, report.lines()
    assert site.barres == sample_site.barres


def test_no_barres_file_no_barre(sample_site_dir):
    (sample_site_dir / B).unlink()
    site, report = load_site(sample_site_dir)
    assert site is not None and site.barres == [] and not report


def test_barres_by_voeu_oldest_first(sample_site):
    found = barres_by_voeu(reversed(sample_site.barres))
    assert [(b.annee, b.barre) for b in found[("intra", "L1300", "DPT", "063", "")]] == [(2025, 85.5), (2026, 92.0)]
    assert [b.annee for b in found[("intra", "L1300", "DPT", "063", "LYC")]] == [2025]
