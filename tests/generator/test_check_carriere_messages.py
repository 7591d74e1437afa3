"""`carriere check` on promotion and rendez-vous campaign files, data/echelons.csv and data/circonscriptions.csv:
one broken edit, one exact `path:line: message` (the sample site plus the career files of tests/fixtures/carriere)."""
import shutil
from pathlib import Path

import pytest

from generator.load import load_site

CARRIERE = Path(__file__).resolve().parent.parent / "fixtures" / "carriere"
H = "content/campagnes/hors-classe-2027.yaml"
CE = "content/campagnes/classe-exceptionnelle-2027.yaml"
R = "content/campagnes/rendez-vous-carriere-2026-2027.yaml"
E = "data/echelons.csv"
CI = "data/circonscriptions.csv"

# (case, file, text to replace, replacement, expected `path:line: message`)
CASES = [
    ('h-unknown-key', H, '  arrondi: inferieur\n', '  arrondi: inferieur\n  bareme: 3\n',
     'content/campagnes/hors-classe-2027.yaml:70: avertissement : clé inconnue « bareme » ignorée : clés possibles : nature, corps, grade_origine, grade_acces, date_reference, eligibilite, viviers, evaluateurs, avis, appreciations, plage_appel, taux_promotion, departage, arrondi, reprise_rendez_vous.'),
    ('h-nature', H, '  nature: hors_classe\n', '  nature: hors_class\n',
     'content/campagnes/hors-classe-2027.yaml:31: « nature » inconnue « hors_class » (voulez-vous dire « hors_classe » ?) : valeurs possibles : hors_classe, classe_exceptionnelle, echelon_special.'),
    ('h-date_reference-missing', H, '  date_reference: 2027-08-31\n', '',
     'content/campagnes/hors-classe-2027.yaml:31: champ « date_reference » manquant dans « promotion » : ajoutez « date_reference: … ».'),
    ('h-both', H, '  eligibilite:\n', '  viviers:\n    - {code: a, libelle: A, echelon_min: 9}\n  eligibilite:\n',
     'content/campagnes/hors-classe-2027.yaml:39: « eligibilite » et « viviers » sont donnés tous les deux : gardez « eligibilite » (un seul vivier) ou « viviers » (plusieurs).'),
    ('h-anciennete-negative', H, '    anciennete_echelon_min_mois: 24\n', '    anciennete_echelon_min_mois: -1\n',
     'content/campagnes/hors-classe-2027.yaml:39: « anciennete_echelon_min_mois » ne peut pas être négatif : indiquez un nombre de mois, 0 ou plus.'),
    ('h-quota-gt-100', H, 'quota_pourcent: 20}', 'quota_pourcent: 120}',
     'content/campagnes/hors-classe-2027.yaml:46: « quota_pourcent » vaut 120 : un quota est un pourcentage entre 0 et 100, corrigez la valeur.'),
    ('h-quota-text', H, 'quota_pourcent: 20}', 'quota_pourcent: beaucoup}',
     'content/campagnes/hors-classe-2027.yaml:46: « quota_pourcent » doit être un nombre positif, par exemple 20 ou 22,5 (lu : « beaucoup ») : corrigez la valeur.'),
    ('h-evaluateur', H, '    - code: inspecteur\n', '    - code: inspectrice\n',
     'content/campagnes/hors-classe-2027.yaml:43: code inconnu « inspectrice » dans « evaluateurs » (voulez-vous dire « inspecteur » ?) : codes possibles : chef_etablissement, inspecteur.'),
    ('h-duplicate-avis', H, '    - {code: satisfaisant, libelle: Satisfaisant}\n', '    - {code: tres_satisfaisant, libelle: Satisfaisant}\n',
     'content/campagnes/hors-classe-2027.yaml:47: le code « tres_satisfaisant » est déjà déclaré ligne 46 dans « avis » : supprimez le doublon ou changez le code.'),
    ('h-points-missing', H, '    - {code: satisfaisant, libelle: Satisfaisant, points: 105}\n', '    - {code: satisfaisant, libelle: Satisfaisant}\n',
     'content/campagnes/hors-classe-2027.yaml:52: champ « points » manquant dans « appreciations » : ajoutez « points: … ».'),
    ('h-avis-empty', H, '  avis:\n    - {code: tres_satisfaisant, libelle: Très satisfaisant, quota_pourcent: 20}\n    - {code: satisfaisant, libelle: Satisfaisant}\n    - {code: a_consolider, libelle: À consolider}\n', '  avis: []\n',
     'content/campagnes/hors-classe-2027.yaml:45: « avis » est vide : ajoutez au moins une valeur (code, libelle).'),
    ('h-plage-dup', H, '    - {echelon: 9, annees: 3, points: 10}\n', '    - {echelon: 9, annees: 2, points: 10}\n',
     "content/campagnes/hors-classe-2027.yaml:56: l'échelon 9 avec 2 an(s) est déjà dans « plage_appel » ligne 55 : gardez une seule ligne."),
    ('h-taux-0', H, '  taux_promotion: 22,5\n', '  taux_promotion: 0\n',
     'content/campagnes/hors-classe-2027.yaml:66: « taux_promotion » vaut 0 : donnez un pourcentage plus grand que 0 et au plus égal à 100, par exemple 22,5.'),
    ('h-taux-150', H, '  taux_promotion: 22,5\n', '  taux_promotion: 150\n',
     'content/campagnes/hors-classe-2027.yaml:66: « taux_promotion » vaut 150 : donnez un pourcentage plus grand que 0 et au plus égal à 100, par exemple 22,5.'),
    ('h-taux-text', H, '  taux_promotion: 22,5\n', '  taux_promotion: 22 %\n',
     'content/campagnes/hors-classe-2027.yaml:66: « taux_promotion » doit être un nombre positif, par exemple 20 ou 22,5 (lu : « 22 % ») : corrigez la valeur.'),
    ('h-taux-missing', H, '  taux_promotion: 22,5\n', '',
     'content/campagnes/hors-classe-2027.yaml:31: champ « taux_promotion » manquant dans « promotion » : ajoutez « taux_promotion: … ».'),
    ('h-departage', H, '[echelon, anciennete_echelon, age]', '[echelon, anciennete, age]',
     'content/campagnes/hors-classe-2027.yaml:67: critère de départage inconnu « anciennete » (voulez-vous dire « anciennete_corps » ?) : critères possibles : echelon, anciennete_echelon, anciennete_corps, age.'),
    ('h-arrondi', H, '  arrondi: inferieur\n', '  arrondi: au_plus_pres\n',
     'content/campagnes/hors-classe-2027.yaml:69: « arrondi » inconnu « au_plus_pres » (voulez-vous dire « plus_proche » ?) : valeurs possibles : inferieur, superieur, plus_proche.'),
    ('h-reprise', H, '  reprise_rendez_vous: [rdv3]\n', '  reprise_rendez_vous: {rdv: 3}\n',
     'content/campagnes/hors-classe-2027.yaml:68: « reprise_rendez_vous » doit être une liste de textes, par exemple [a, b] (lu : une liste de clés) : corrigez la valeur.'),
    ('h-no-avis-phase', H, "  - code: avis\n    libelle: Avis des chefs d'établissement et des inspecteurs\n    debut: 2027-02-08 12:00\n    fin: 2027-03-08 12:00\n", '',
     'content/campagnes/hors-classe-2027.yaml:8: une campagne de promotion a une phase « avis » (avis des évaluateurs) : ajoutez-la.'),
    ('h-consultation-early', H, '    debut: 2027-04-06 12:00\n  - code: tableau', '    debut: 2027-03-01 12:00\n  - code: tableau',
     'content/campagnes/hors-classe-2027.yaml:24: la phase « consultation » (les agents lisent les avis) commence avant la fin de la phase « avis » : faites-la commencer à la fin des avis.'),
    ('h-phase-code', H, '  - code: consultation\n', '  - code: consultations\n',
     'content/campagnes/hors-classe-2027.yaml:24: code de phase inconnu « consultations » (voulez-vous dire « consultation » ?) : codes possibles : information, candidature, dossier, avis, appreciation, consultation, tableau.'),
    ('h-overlap', H, '    debut: 2027-03-08 12:00\n    fin: 2027-04-06 12:00\n', '    debut: 2027-03-01 12:00\n    fin: 2027-04-06 12:00\n',
     'content/campagnes/hors-classe-2027.yaml:20: la phase « appreciation » commence (2027-03-01 12:00) avant la fin de la phase « avis » (2027-03-08 12:00) : les phases dossier, avis, appreciation, tableau se suivent ; corrigez « debut » de « appreciation » ou « fin » de « avis ».'),
    ('ce-vivier-dup', CE, '    - code: hors_classe\n', '    - code: fonctions\n',
     'content/campagnes/classe-exceptionnelle-2027.yaml:56: le vivier « fonctions » est déjà déclaré ligne 43 : changez son code.'),
    ('ce-parts', CE, '      part: 20\n', '      part: 30\n',
     'content/campagnes/classe-exceptionnelle-2027.yaml:42: les « part » des viviers doivent être données pour chaque vivier et faire 100 en tout : corrigez-les, ou retirez-les toutes.'),
    ('ce-annees-missing', CE, '      annees_fonctions: 8\n', '',
     'content/campagnes/classe-exceptionnelle-2027.yaml:43: champ « annees_fonctions » manquant dans le vivier « fonctions » : ajoutez « annees_fonctions: … ».'),
    ('ce-fonctions-missing', CE, '      fonctions:\n', '      fonctions_:\n',
     'content/campagnes/classe-exceptionnelle-2027.yaml:43: champ « fonctions » manquant dans le vivier « fonctions » : ajoutez « fonctions: … ».'),
    ('ce-candidature-phase-missing', CE, '  - code: candidature\n    libelle: Candidatures au premier vivier (fonctions et justificatifs)\n    debut: 2027-01-11 12:00\n    fin: 2027-02-01 12:00\n', '',
     "content/campagnes/classe-exceptionnelle-2027.yaml:7: un vivier demande une candidature mais la campagne n'a pas de phase « candidature » : ajoutez-la (debut, fin)."),
    ('ce-candidature-no-end', CE, '    debut: 2027-01-11 12:00\n    fin: 2027-02-01 12:00\n  - code: dossier', '    debut: 2027-01-11 12:00\n  - code: dossier',
     "content/campagnes/classe-exceptionnelle-2027.yaml:8: la phase « candidature » n'a pas de fin : ajoutez « fin »."),
    ('r-de-ge-a', R, 'echelon: 6, de_mois: 12, a_mois: 24}', 'echelon: 6, de_mois: 24, a_mois: 12}',
     "content/campagnes/rendez-vous-carriere-2026-2027.yaml:26: « de_mois » (24) doit être positif et inférieur à « a_mois » (12) : les agents concernés ont au moins de_mois et moins de a_mois dans l'échelon ; corrigez l'une des deux valeurs."),
    ('r-dup', R, '{code: rdv2,', '{code: rdv1,',
     'content/campagnes/rendez-vous-carriere-2026-2027.yaml:27: le rendez-vous « rdv1 » est déjà déclaré ligne 26 : changez son code.'),
    ('r-cap-missing', R, '    cap_jours: 30\n', '',
     'content/campagnes/rendez-vous-carriere-2026-2027.yaml:30: champ « cap_jours » manquant dans « delais » : ajoutez « cap_jours: … ».'),
    ('r-zero', R, '    observations_jours: 21\n', '    observations_jours: 0\n',
     'content/campagnes/rendez-vous-carriere-2026-2027.yaml:31: « observations_jours » doit être un nombre entier positif (lu : « 0 ») : corrigez la valeur.'),
    ('r-unknown-delai', R, '    cap_jours: 30\n', '    cap_jours: 30\n    rappel_jours: 7\n',
     'content/campagnes/rendez-vous-carriere-2026-2027.yaml:36: avertissement : clé inconnue « rappel_jours » ignorée (voulez-vous dire « cap_jours » ?) : clés possibles : preavis_jours, observations_jours, observations_caracteres, recours_jours, reponse_recours_jours, cap_jours.'),
    ('r-no-rdv-phase', R, '  - code: rendez_vous\n    libelle: Inspections et entretiens, comptes rendus et observations\n    debut: 2026-09-14 08:00\n    fin: 2027-06-30 18:00\n', '',
     'content/campagnes/rendez-vous-carriere-2026-2027.yaml:7: une campagne de rendez-vous de carrière a une phase « rendez_vous » : ajoutez-la.'),
    ('r-niveaux-empty', R, '  niveaux:\n    - {code: a_consolider, libelle: À consolider}\n    - {code: satisfaisant, libelle: Satisfaisant}\n    - {code: tres_satisfaisant, libelle: Très satisfaisant}\n    - {code: excellent, libelle: Excellent}\n', '  niveaux: []\n',
     'content/campagnes/rendez-vous-carriere-2026-2027.yaml:36: « niveaux » est vide : ajoutez au moins une valeur (code, libelle).'),
    ('r-delais-missing', R, '  delais:\n', '  delai:\n',
     'content/campagnes/rendez-vous-carriere-2026-2027.yaml:24: champ « delais » manquant dans « rendez_vous » : ajoutez « delais: … ».'),
    ('e-echelon', E, ';classe normale;3;24;\n', ';classe normale;trois;24;\n',
     'data/echelons.csv:4: « echelon » doit être un nombre entier positif (lu : « trois ») : corrigez la valeur.'),
    ('e-duree', E, ';classe normale;3;24;\n', ';classe normale;3;2 ans;\n',
     'data/echelons.csv:4: « duree_mois » doit être un nombre de mois entier positif (lu : « 2 ans ») : corrigez la valeur, ou laissez-la vide pour le dernier échelon du grade.'),
    ('e-accel', E, ';classe normale;6;36;24\n', ';classe normale;6;36;36\n',
     "data/echelons.csv:7: « duree_acceleree_mois » doit être plus courte que « duree_mois » : corrigez l'une des deux valeurs, ou videz la durée accélérée."),
    ('e-dup', E, ';classe normale;3;24;\n', ';classe normale;2;24;\n',
     "data/echelons.csv:4: l'échelon 2 du grade « classe normale » est déjà décrit ligne 3 : gardez une seule ligne."),
    ('ci-missing', CI, '063-RIOM;Circonscription de Riom;063;63300\n', '063-RIOM;Circonscription de Riom;063;\n',
     'data/circonscriptions.csv:3: « code », « libelle », « departement » et « communes » sont obligatoires : complétez la ligne (communes séparées par des virgules).'),
    ('ci-dup', CI, '063-RIOM;Circonscription de Riom;063;63300\n', '063-CLERMONT;Circonscription de Riom;063;63300\n',
     'data/circonscriptions.csv:3: la circonscription « 063-CLERMONT » est déjà décrite ligne 2 : gardez une seule ligne ou changez le code.'),
    ('ci-dept', CI, '063-RIOM;Circonscription de Riom;063;63300\n', '063-RIOM;Circonscription de Riom;064;63300\n',
     "data/circonscriptions.csv:3: le département « 064 » n'existe pas dans data/departements.csv : corrigez la colonne « departement »."),
    ('ci-commune', CI, '063-RIOM;Circonscription de Riom;063;63300\n', '063-RIOM;Circonscription de Riom;063;63300,63999\n',
     'data/circonscriptions.csv:3: commune inconnue « 63999 » : ajoutez-la à data/communes.yaml ou corrigez la colonne « communes ».'),
    ('ci-twice', CI, '063-RIOM;Circonscription de Riom;063;63300\n', '063-RIOM;Circonscription de Riom;063;63300,63113\n',
     "data/circonscriptions.csv:3: la commune « 63113 » est déjà dans la circonscription « 063-CLERMONT » (ligne 2) : une commune relève d'une seule circonscription ; retirez-la de l'une des deux."),
]


@pytest.fixture
def career_site(sample_site_dir: Path) -> Path:
    """The sample site with a hors classe, a classe exceptionnelle and a rendez-vous campaign, the échelon
    durations and two circonscriptions: it loads without a problem."""
    for rel in (H, CE, R, E, CI):
        shutil.copy(CARRIERE / Path(rel).name, sample_site_dir / rel)
    site, report = load_site(sample_site_dir)
    assert site is not None and list(report) == [], report.lines()
    assert set(site.referentiel.circonscriptions) == {"063-CLERMONT", "063-RIOM"}
    return sample_site_dir


@pytest.mark.parametrize(("rel", "old", "new", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_career_file_gets_exact_message(career_site, rel, old, new, expected):
    path = career_site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {rel}: tests/fixtures/carriere changed"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    site, report = load_site(career_site)
    assert expected in [str(p) for p in report]
    if "avertissement" in expected:
        assert site is not None
    else:
        assert site is None
