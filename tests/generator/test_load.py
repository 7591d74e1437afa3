"""load_site on the sample site: the model it builds, and every problem reported at once."""
from datetime import date, datetime

from generator.load import load_site
from generator.model import PARIS
from generator.urls import page_paths


def test_sample_site_loads_without_any_problem(sample_site_dir):
    site, report = load_site(sample_site_dir)
    assert [str(p) for p in report] == []
    assert report.summary() == "aucun problème"
    assert site is not None
    assert site.root == str(sample_site_dir.resolve())


def test_site_config_and_navigation(sample_site):
    config = sample_site.config
    assert config.academie == "Académie d'Exemple"
    assert config.base_url == "https://carriere.ac-exemple.example"
    assert config.base_path == "/"
    assert [(n.title, n.url) for n in config.navigation] == [
        ("Guides", "/guides/"), ("Plannings", "/plannings/"), ("Mon dossier", "/app/")]
    assert config.accessibility.audit_date == date(2026, 10, 15)
    assert config.contacts.phone == "04 00 00 00 00"


def test_guides_are_ordered_and_keep_their_body(sample_site):
    assert [g.slug for g in sample_site.guides] == ["se-connecter", "saisir-ses-voeux"]
    guide = sample_site.guides[0]
    assert guide.audience == ("enseignants",)
    assert guide.tags == ("connexion", "NUMEN")
    assert guide.body_md.startswith("## Votre identifiant")
    assert guide.source.path == "content/guides/se-connecter.md"


def test_note_attachment_points_at_the_copied_file(sample_site):
    (note,) = sample_site.notes
    assert note.reference == "2026-123"
    assert note.bo_date == date(2026, 11, 14)
    assert [(a.title, a.href) for a in note.attachments] == [("Annexe 1 — calendrier", "fichiers/annexe-intra.pdf")]


def test_campaign_phases_are_paris_times(sample_site):
    campaign = sample_site.campaign("intra-2027")
    assert campaign.note_de_service == "2026-123"
    assert [p.code for p in campaign.phases] == ["information", "saisie", "confirmation", "bareme", "resultats"]
    saisie = campaign.saisie
    assert saisie.label == "Saisie des vœux"
    assert saisie.start == datetime(2027, 3, 18, 12, 0, tzinfo=PARIS)
    assert saisie.start.utcoffset().total_seconds() == 3600
    assert saisie.is_open_at(datetime(2027, 3, 31, 11, 59, tzinfo=PARIS))
    assert not saisie.is_open_at(datetime(2027, 3, 31, 12, 0, tzinfo=PARIS))
    assert campaign.phase("information").label == "Information et publication de la note de service"
    assert campaign.phase("resultats").end is None
    assert campaign.voeu_limit == 20
    assert campaign.voeu_types == ("ETB", "COM", "GEO", "DPT", "ACA", "ZRE")
    spea = campaign.mouvement("SPEA")
    assert spea.lettre_motivation and spea.disciplines == ("L1300", "L0422")
    assert [(p.code, p.label) for p in spea.preferences] == [("EURO", "Section européenne")]
    assert campaign.mouvement("GEN").lettre_motivation is False
    (piece,) = campaign.pieces
    assert (piece.code, piece.max_size_ko, piece.required) == ("rapport_inspection", 300, False)
    (rule,) = campaign.bareme
    assert rule.params == {"points_par_echelon": 7, "minimum": 14}


def test_referentiel_and_postes(sample_site):
    ref = sample_site.referentiel
    assert ref.departements["063"].academie == "EXE"
    assert ref.communes["63113"].libelle == "Clermont-Ferrand"  # from a YAML table
    assert ref.groupements["063951"].communes == ("63113", "63300")
    assert ref.etablissements["0630069H"].education_prioritaire == "REP"
    assert ref.etablissements["0630069H"].departement == "063"
    assert [p.code_poste for p in sample_site.postes] == ["P0001", "P0002", "P0003"]
    poste = sample_site.postes[2]
    assert (poste.mouvement, poste.uai, poste.profil) == ("SPEA", "0150007B", "Enseignement en DNL souhaité")
    assert poste.publie_le == date(2027, 3, 15)
    assert str(poste.source) == "data/postes.csv:4"


def test_page_paths_follow_the_url_scheme(sample_site):
    pages = page_paths(sample_site)
    for path in ("", "guides/se-connecter/", "notes-de-service/2026-123/", "plannings/intra-2027/",
                 "plannings/intra-2027.ics", "postes/intra-2027/", "postes/intra-2027/gen-l1300/",
                 "postes/intra-2027/spea-l0422/", "postes/intra-2027.csv", "postes/intra-2027.json",
                 "recherche/index.json", "404.html", "sitemap.xml", "accessibilite/"):
        assert path in pages
    assert "postes/intra-2027/spea-l1300/" not in pages


def test_every_broken_file_is_reported_in_one_run(sample_site_dir):
    (sample_site_dir / "content/guides/se-connecter.md").write_text("---\ntitre: [\n---\ncorps\n", encoding="utf-8")
    camp = sample_site_dir / "content/campagnes/intra-2027.yaml"
    camp.write_text(camp.read_text(encoding="utf-8").replace("maximum: 20", "maximum: -3"), encoding="utf-8")
    disc = sample_site_dir / "data/disciplines.csv"
    disc.write_text(disc.read_text(encoding="utf-8") + "L1300;Doublon\n", encoding="utf-8")
    site, report = load_site(sample_site_dir)
    assert site is None
    where = {(p.path, p.line) for p in report.errors}
    assert ("content/guides/se-connecter.md", 3) in where  # syntax error at the real file line
    assert ("content/campagnes/intra-2027.yaml", 22) in where
    assert ("data/disciplines.csv", 5) in where
    assert report.summary().startswith(f"{len(report.errors)} erreurs")


def test_yaml_error_in_front_matter_points_at_the_file_line(sample_site_dir):
    guide = sample_site_dir / "content/guides/se-connecter.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("ordre: 1", "ordre: 1: 2"), encoding="utf-8")
    _, report = load_site(sample_site_dir)
    assert [str(p) for p in report] == [
        "content/guides/se-connecter.md:5: erreur de syntaxe YAML : deux-points inattendu ; vérifiez "
        "l'indentation, les deux-points et les guillemets de cette ligne et de la précédente."]


def test_duplicate_note_reference(sample_site_dir):
    notes = sample_site_dir / "content/notes-de-service"
    (notes / "2026-124.md").write_text((notes / "2026-123.md").read_text(encoding="utf-8"), encoding="utf-8")
    _, report = load_site(sample_site_dir)
    assert [str(p) for p in report] == [
        "content/notes-de-service/2026-124.md:1: la référence « 2026-123 » est déjà celle de "
        "content/notes-de-service/2026-123.md : chaque note de service a sa propre référence, corrigez « reference »."]


def test_file_name_must_be_a_slug(sample_site_dir):
    guides = sample_site_dir / "content/guides"
    (guides / "se-connecter.md").rename(guides / "Se Connecter.md")
    site, report = load_site(sample_site_dir)
    assert site is None
    assert "content/guides/Se Connecter.md: nom de fichier « Se Connecter » invalide : utilisez des minuscules " \
           "sans accent, des chiffres et des tirets (exemple : se-connecter.md), il devient l'adresse de la page." \
           in [str(p) for p in report]


def test_missing_content_folder(tmp_path):
    site, report = load_site(tmp_path)
    assert site is None
    assert [p.message for p in report] == [
        f"dossier absent dans {tmp_path.resolve()} : lancez la commande depuis le dossier qui contient content/ "
        "et data/, ou indiquez-le avec --root."]


def test_table_written_twice_is_an_error(sample_site_dir):
    (sample_site_dir / "data/academies.yaml").write_text("- {code: EXE, libelle: Exemple}\n", encoding="utf-8")
    _, report = load_site(sample_site_dir)
    assert [str(p) for p in report] == [
        "data/academies.yaml: la table « academies » est écrite deux fois (data/academies.csv, "
        "data/academies.yaml) : gardez un seul fichier."]


def _postes_rows(count: int) -> str:
    uais = ["0630021F", "0630069H", "0150007B"]
    lines = []
    for i in range(count):
        lines.append(f"Q{i:06d};intra-2027;GEN;{uais[i % 3]};L1300;;;V;;2027-03-15;")
    return "\n".join(lines) + "\n"


def test_postes_split_in_a_folder_are_merged(sample_site_dir):
    folder = sample_site_dir / "data/postes"
    folder.mkdir()
    header = (sample_site_dir / "data/postes.csv").read_text(encoding="utf-8").splitlines()[0]
    (folder / "lot-1.csv").write_text(header + "\n" + _postes_rows(2), encoding="utf-8")
    (folder / "lot-2.csv").write_text(header + "\nQ000000;intra-2027;GEN;0630021F;L1300;;;V;;2027-03-15;\n",
                                      encoding="utf-8")
    site, report = load_site(sample_site_dir)
    assert [str(p) for p in report] == [
        "data/postes/lot-2.csv:2: le poste « Q000000 » de la campagne « intra-2027 » est déjà défini dans "
        "data/postes/lot-1.csv:2 : supprimez le doublon ou changez le code."]


def test_twenty_thousand_postes_load_whole(sample_site_dir):
    """Every row of a large table loads (its speed is bench/build_bench.py's business, not a unit test's)."""
    postes = sample_site_dir / "data/postes.csv"
    postes.write_text(postes.read_text(encoding="utf-8") + _postes_rows(20_000), encoding="utf-8")
    site, report = load_site(sample_site_dir)
    assert site is not None, report.lines()
    assert len(site.postes) == 20_003


def test_campaign_slug_written_twice(sample_site_dir):
    camps = sample_site_dir / "content/campagnes"
    (camps / "intra-2027.yml").write_text((camps / "intra-2027.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    site, report = load_site(sample_site_dir)
    assert site is None
    assert [str(p) for p in report] == [
        "content/campagnes/intra-2027.yml: la campagne « intra-2027 » est déjà écrite dans "
        "content/campagnes/intra-2027.yaml : gardez un seul fichier."]


def test_a_refused_code_is_reported_once_not_in_every_row_using_it(sample_site_dir):
    deps = sample_site_dir / "data/departements.csv"
    deps.write_text(deps.read_text(encoding="utf-8").replace("015;Cantal;EXE", "015;Cantal;XXX"), encoding="utf-8")
    site, report = load_site(sample_site_dir)
    assert site is None
    # The Cantal commune, its lycée and the lycée's poste are left out without a message of their own.
    assert [str(p) for p in report] == [
        "data/departements.csv:3: l'académie « XXX » n'existe pas dans data/academies.csv : ajoutez-la ou corrigez "
        "la colonne « academie »."]
