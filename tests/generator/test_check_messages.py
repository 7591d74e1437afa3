"""Every check of `carriere check`: one broken edit of the sample site, one exact message."""
import shutil
from pathlib import Path

import pytest

from generator.load import load_site

C = "content/campagnes/intra-2027.yaml"
G = "content/guides/se-connecter.md"
G2 = "content/guides/saisir-ses-voeux.md"
N = "content/notes-de-service/2026-123.md"
S = "content/site.yaml"
P = "data/postes.csv"
E = "data/etablissements.csv"

# (case, file, text to replace, replacement, expected `path:line: message`)
CASES = [
    ('yaml-syntax', C, '  maximum: 20\n', '  maximum: [20\n',
     "content/campagnes/intra-2027.yaml:23: erreur de syntaxe YAML : « , » ou « ] » attendu ; vérifiez l'indentation, les deux-points et les guillemets de cette ligne et de la précédente."),
    ('yaml-duplicate-key', C, 'annee: 2026-2027\n', 'annee: 2026-2027\nannee: 2027\n',
     'content/campagnes/intra-2027.yaml:4: la clé « annee » apparaît deux fois (déjà ligne 3) : gardez-en une seule.'),
    ('missing-field', C, 'titre: Mouvement intra-académique 2027\n', '',
     'content/campagnes/intra-2027.yaml:1: champ « titre » manquant : ajoutez « titre: … ».'),
    ('missing-field-front-matter', G, 'resume: Identifiant, premier mot de passe (NUMEN) et déconnexion.\n', '',
     "content/guides/se-connecter.md:1: champ « resume » manquant dans l'en-tête : ajoutez « resume: … »."),
    ('missing-nested', S, '  mail: assistance.carriere@ac-exemple.example\n', '',
     'content/site.yaml:7: champ « mail » manquant dans « contacts » : ajoutez « mail: … ».'),
    ('no-front-matter', G, '---\ntitre', 'titre',
     'content/guides/se-connecter.md:1: le fichier doit commencer par un en-tête entre deux lignes « --- » (titre, resume…) : ajoutez une ligne « --- » tout en haut.'),
    ('wrong-type-int', G, 'ordre: 1\n', 'ordre: premier\n',
     'content/guides/se-connecter.md:5: « ordre » doit être un nombre entier (lu : « premier ») : corrigez la valeur.'),
    ('wrong-type-list', G, 'titre: Se connecter au portail\n', 'titre: [Se connecter]\n',
     'content/guides/se-connecter.md:2: « titre » doit être un texte (lu : une liste) : corrigez la valeur.'),
    ('wrong-type-bool', C, '    lettre_motivation: true\n', '    lettre_motivation: peut-être\n',
     'content/campagnes/intra-2027.yaml:30: « lettre_motivation » doit être true ou false (lu : « peut-être ») : corrigez la valeur.'),
    ('wrong-date', N, 'date_bo: 2026-11-14\n', 'date_bo: 14/11/2026\n',
     'content/notes-de-service/2026-123.md:6: « date_bo » doit être une date AAAA-MM-JJ qui existe (lu : « 14/11/2026 ») : corrigez la valeur.'),
    ('wrong-datetime', C, '    debut: 2027-03-18 12:00\n', '    debut: 18/03/2027 12h\n',
     'content/campagnes/intra-2027.yaml:11: « debut » doit être une date et une heure AAAA-MM-JJ HH:MM (lu : « 18/03/2027 12h ») : corrigez la valeur.'),
    ('unknown-key', G, 'ordre: 1\n', 'ordre: 1\ntitr: x\n',
     'content/guides/se-connecter.md:6: avertissement : clé inconnue « titr » ignorée (voulez-vous dire « titre » ?) : clés possibles : titre, resume, public, ordre, etiquettes.'),
    ('dst-gap', C, '    debut: 2027-03-18 12:00\n', '    debut: 2027-03-28 02:30\n',
     "content/campagnes/intra-2027.yaml:11: la date-heure 2027-03-28 02:30 n'existe pas à Paris (passage à l'heure d'été, les horloges sautent de 02:00 à 03:00) : choisissez une heure avant 02:00 ou à partir de 03:00."),
    ('dst-ambiguous', C, '    debut: 2027-03-01 12:00\n', '    debut: 2026-10-25 02:30\n',
     "content/campagnes/intra-2027.yaml:8: la date-heure 2026-10-25 02:30 est ambiguë à Paris (elle a lieu deux fois au passage à l'heure d'hiver) : choisissez une heure avant 02:00 ou à partir de 03:00."),
    ('ends-before-start', C, '    fin: 2027-03-31 12:00\n', '    fin: 2027-03-10 12:00\n',
     'content/campagnes/intra-2027.yaml:12: la phase « saisie » se termine (2027-03-10 12:00) avant de commencer (2027-03-18 12:00) : corrigez « debut » ou « fin ».'),
    ('overlap', C, '    debut: 2027-04-01 12:00\n', '    debut: 2027-03-30 12:00\n',
     'content/campagnes/intra-2027.yaml:13: la phase « confirmation » commence (2027-03-30 12:00) avant la fin de la phase « saisie » (2027-03-31 12:00) : les phases saisie, confirmation, bareme, resultats se suivent ; corrigez « debut » de « confirmation » ou « fin » de « saisie ».'),
    ('open-ended-followed', C, '    fin: 2027-05-24 12:00\n', '',
     "content/campagnes/intra-2027.yaml:16: la phase « bareme » n'a pas de fin alors que la phase « resultats » la suit : ajoutez « fin » à « bareme »."),
    ('unknown-phase', C, '  - code: bareme\n', '  - code: barème\n',
     'content/campagnes/intra-2027.yaml:16: code de phase inconnu « barème » (voulez-vous dire « bareme » ?) : codes possibles : information, consultation, saisie, confirmation, bareme, resultats, telephone.'),
    ('duplicate-phase', C, '  - code: bareme\n', '  - code: saisie\n',
     'content/campagnes/intra-2027.yaml:16: la phase « saisie » est déjà déclarée ligne 9 : supprimez le doublon ou changez le code.'),
    ('voeu-limit-zero', C, '  maximum: 20\n', '  maximum: 0\n',
     'content/campagnes/intra-2027.yaml:22: « maximum » doit être un nombre entier positif (lu : « 0 ») : corrigez la valeur.'),
    ('voeu-limit-text', C, '  maximum: 20\n', '  maximum: vingt\n',
     'content/campagnes/intra-2027.yaml:22: « maximum » doit être un nombre entier positif (lu : « vingt ») : corrigez la valeur.'),
    ('unknown-etab-restriction', C, '  types: [ETB, COM, GEO, DPT, ACA, ZRE]\n', '  types: [ETB, COM, GEO, DPT, ACA, ZRE]\n  types_etablissement: [CLG, LYCE]\n',
     "content/campagnes/intra-2027.yaml:24: type d'établissement inconnu « LYCE » (voulez-vous dire « LYC » ?) : types possibles : CLG, LYC, LP, EREA."),
    ('etab-restriction-without-zone', C, '  types: [ETB, COM, GEO, DPT, ACA, ZRE]\n', '  types: [ETB, ZRE]\n  types_etablissement: [CLG]\n',
     "content/campagnes/intra-2027.yaml:24: « types_etablissement » ne s'applique qu'aux vœux COM, GEO, DPT, ACA, absents de « types » : retirez « types_etablissement » ou ajoutez l'un de ces types de vœu."),
    ('phase-note-nowhere', C, '    fin: 2027-03-31 12:00\n', '    fin: 2027-03-31 12:00\n    note: /guides/saisir-mes-voeux/\n',
     "content/campagnes/intra-2027.yaml:13: le lien « /guides/saisir-mes-voeux/ » ne mène à aucune page du site (voulez-vous dire « /guides/saisir-ses-voeux/ » ?) : corrigez-le (les adresses possibles sont décrites dans docs/urls.md)."),
    ('ldg-missing-file', C, 'phases:\n', 'lignes_directrices: fichiers/ldg.pdf\nphases:\n',
     "content/campagnes/intra-2027.yaml:6: le lien « /fichiers/ldg.pdf » mène à un fichier absent : ajoutez content/fichiers/ldg.pdf ou corrigez le lien."),
    ('unknown-voeu-type', C, '[ETB, COM, GEO, DPT, ACA, ZRE]', '[ETB, COM, GEO, DPT, ACA, ZRZ]',
     'content/campagnes/intra-2027.yaml:23: type de vœu inconnu « ZRZ » (voulez-vous dire « ZRE » ?) : types possibles : ETB, COM, GEO, DPT, ACA, ZRE, ZRD, ZRA.'),
    ('unknown-kind', C, 'type: intra\n', 'type: intra-academique\n',
     'content/campagnes/intra-2027.yaml:2: « type » doit être inter, intra, specifique, promotion ou rendez-vous (lu : « intra-academique ») : corrigez la valeur.'),
    ('unknown-discipline-campaign', C, '[L1300, L0422]', '[L1300, L9999]',
     "content/campagnes/intra-2027.yaml:31: la discipline « L9999 » du mouvement « SPEA » n'existe pas dans data/disciplines.csv : ajoutez-la à data/disciplines.csv ou corrigez le code."),
    ('duplicate-mouvement', C, '  - code: SPEA\n', '  - code: GEN\n',
     'content/campagnes/intra-2027.yaml:28: le mouvement « GEN » est déjà déclaré ligne 25 : supprimez le doublon ou changez le code.'),
    ('unknown-note', C, 'note_de_service: 2026-123\n', 'note_de_service: 2026-999\n',
     "content/campagnes/intra-2027.yaml:5: la note de service « 2026-999 » n'existe pas (aucun fichier content/notes-de-service/2026-999.md) : corrigez « note_de_service » ou ajoutez la note."),
    ('unknown-discipline-poste', P, '0630021F;L1300', '0630021F;L9999',
     "data/postes.csv:2: la discipline « L9999 » n'existe pas dans data/disciplines.csv : ajoutez-la ou corrigez la colonne « discipline_code »."),
    ('unknown-uai-poste', P, 'GEN;0630021F', 'GEN;0631234Z',
     "data/postes.csv:2: l'établissement « 0631234Z » n'existe pas dans data/etablissements.csv : ajoutez-le ou corrigez la colonne « uai »."),
    ('bad-uai-letter-poste', P, 'GEN;0630021F', 'GEN;0630021A',
     "data/postes.csv:2: l'UAI « 0630021A » n'est pas valide : sa lettre de contrôle devrait être « F » (0630021F) ; corrigez le code."),
    ('bad-uai-letter-etab', E, '0150007B;LPO', '0150007C;LPO',
     "data/etablissements.csv:4: l'UAI « 0150007C » n'est pas valide : sa lettre de contrôle devrait être « B » (0150007B) ; corrigez le code."),
    ('bad-uai-shape-etab', E, '0150007B;LPO', '150007B;LPO',
     "data/etablissements.csv:4: l'UAI « 150007B » n'est pas valide : il faut 7 chiffres puis une lettre de contrôle (exemple : 0630021F) ; corrigez le code."),
    ('poste-unknown-campaign', P, 'P0001;intra-2027', 'P0001;intra-2028',
     "data/postes.csv:2: la campagne « intra-2028 » n'existe pas (aucun fichier content/campagnes/intra-2028.yaml valide) : corrigez la colonne « campagne »."),
    ('poste-unknown-mouvement', P, 'P0001;intra-2027;GEN', 'P0001;intra-2027;SPEN',
     "data/postes.csv:2: le mouvement « SPEN » n'existe pas dans la campagne « intra-2027 » (mouvements : GEN, SPEA) : corrigez la colonne « mouvement » ou déclarez-le dans la campagne."),
    ('poste-discipline-not-in-mouvement', P, 'SPEA;0150007B;L0422', 'SPEA;0150007B;L0202',
     "data/postes.csv:4: la discipline « L0202 » n'est pas proposée au mouvement « SPEA » de la campagne « intra-2027 » (disciplines : L1300, L0422) : corrigez la colonne « discipline_code » ou ajoutez-la au mouvement."),
    ('poste-bad-etat', P, 'L0202;;;SV;', 'L0202;;;X;',
     "data/postes.csv:3: « etat » doit valoir V (vacant) ou SV (susceptible d'être vacant), lu : « X » : corrigez la valeur."),
    ('poste-bad-date', P, 'P0001;intra-2027;GEN;0630021F;L1300;;;V;;2027-03-15', 'P0001;intra-2027;GEN;0630021F;L1300;;;V;;2027-02-30',
     'data/postes.csv:2: « publie_le » doit être une date AAAA-MM-JJ qui existe (lu : « 2027-02-30 ») : corrigez la valeur.'),
    ('poste-duplicate', P, 'P0002;', 'P0001;',
     'data/postes.csv:3: le poste « P0001 » de la campagne « intra-2027 » est déjà défini ligne 2 : supprimez le doublon ou changez le code.'),
    ('poste-wrong-width', P, 'P0001;intra-2027;GEN;0630021F;L1300;;;V;;2027-03-15;', 'P0001;intra-2027;GEN;0630021F;L1300;;;V;;2027-03-15',
     'data/postes.csv:2: la ligne a 10 valeurs au lieu de 11 : vérifiez les « ; » (un « ; » dans un texte doit être entre guillemets).'),
    ('poste-missing-column', P, 'code_poste;campagne;mouvement;uai', 'code_poste;campagne;mvt;uai',
     'data/postes.csv:1: colonne « mouvement » manquante : la première ligne doit nommer les colonnes code_poste;campagne;mouvement;uai;discipline_code;specificite;profil;etat;education_prioritaire;publie_le;contact.'),
    ('etablissement-same-name-same-commune', E, "0630069H;CLG;Collège Jules-Ferry;1 rue de l'École;63200;63300;REP\n",
     "0630069H;CLG;Collège Jules-Ferry;1 rue de l'École;63200;63300;REP\n0630070J;CLG;Collège Jules-Ferry;2 rue Neuve;63200;63300;\n",
     "data/etablissements.csv:4: avertissement : « Collège Jules-Ferry » est déjà le nom de l'établissement 0630069H de la même commune (ligne 3) : les enseignants choisissent un établissement par son nom ; distinguez les deux noms (site, spécialité…) ou vérifiez l'UAI."),
    ('departement-unknown-academie', 'data/departements.csv', '015;Cantal;EXE', '015;Cantal;XXX',
     "data/departements.csv:3: l'académie « XXX » n'existe pas dans data/academies.csv : ajoutez-la ou corrigez la colonne « academie »."),
    ('commune-unknown-departement', 'data/communes.yaml', 'departement: "015"', 'departement: "099"',
     "data/communes.yaml:9: le département « 099 » n'existe pas dans data/departements.csv : ajoutez-le ou corrigez la colonne « departement »."),
    ('groupement-unknown-commune', 'data/groupements.csv', '63113,63300', '63113,63999',
     'data/groupements.csv:2: commune inconnue « 63999 » : ajoutez-la à data/communes.yaml ou corrigez la colonne « communes ».'),
    ('duplicate-code', 'data/disciplines.csv', 'L1300;Mathématiques\n', 'L1300;Mathématiques\nL1300;Maths\n',
     'data/disciplines.csv:5: le code « L1300 » est déjà défini ligne 4 : supprimez le doublon ou changez le code.'),
    ('broken-link', G, '(/plannings/intra-2027/#saisie)', '(/plannings/intra-2028/#saisie)',
     'content/guides/se-connecter.md:16: le lien « /plannings/intra-2028/#saisie » ne mène à aucune page du site (voulez-vous dire « /plannings/intra-2027/ » ?) : corrigez-le (les adresses possibles sont décrites dans docs/urls.md).'),
    ('link-no-slash-end', G2, '(/guides/se-connecter/)', '(/guides/se-connecter)',
     'content/guides/saisir-ses-voeux.md:10: le lien « /guides/se-connecter » doit finir par « / » : écrivez « /guides/se-connecter/ ».'),
    ('relative-link', G2, '(/guides/se-connecter/)', '(guides/se-connecter/)',
     'content/guides/saisir-ses-voeux.md:10: le lien « guides/se-connecter/ » est relatif et ne marchera pas depuis toutes les pages : écrivez-le depuis la racine du site, avec un « / » devant (« /guides/se-connecter/ »).'),
    ('missing-file-link', G2, '(/fichiers/annexe-intra.pdf)', '(/fichiers/annexe.pdf)',
     'content/guides/saisir-ses-voeux.md:15: le lien « /fichiers/annexe.pdf » mène à un fichier absent : ajoutez content/fichiers/annexe.pdf ou corrigez le lien.'),
    ('missing-attachment', N, 'lien: fichiers/annexe-intra.pdf', 'lien: fichiers/annexe-1.pdf',
     'content/notes-de-service/2026-123.md:9: la pièce « fichiers/annexe-1.pdf » est introuvable : ajoutez le fichier content/fichiers/annexe-1.pdf ou corrigez « lien ».'),
    ('broken-nav', S, '    lien: /plannings/\n', '    lien: /planning/\n',
     'content/site.yaml:15: le lien « /planning/ » ne mène à aucune page du site (voulez-vous dire « /plannings/ » ?) : corrigez-le (les adresses possibles sont décrites dans docs/urls.md).'),
    ('bad-status', S, 'statut: partiellement conforme', 'statut: partiel',
     'content/site.yaml:19: « statut » doit être totalement conforme, partiellement conforme ou non conforme (lu : « partiel ») : corrigez la valeur.'),
]


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {rel}: the sample site changed"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("rel", "old", "new", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_content_gets_exact_message(sample_site_dir, rel, old, new, expected):
    edit(sample_site_dir, rel, old, new)
    site, report = load_site(sample_site_dir)
    assert expected in [str(p) for p in report]
    if "avertissement" in expected:
        assert site is not None
    else:
        assert site is None
