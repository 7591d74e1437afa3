"""The `carriere` command line: exit codes, printed problems, help and the établissements importer."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main


def add_unknown_key(root: Path, rel: str) -> None:
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8").replace("ordre:", "titr: x\nordre:", 1), encoding="utf-8")


def test_check_passes_on_the_sample_site(sample_site_dir, capsys):
    assert main(["check", "--root", str(sample_site_dir)]) == 0
    assert capsys.readouterr().out == "aucun problème\n"


def test_check_prints_each_error_and_fails(sample_site_dir, capsys):
    camp = sample_site_dir / "content/campagnes/intra-2027.yaml"
    camp.write_text(camp.read_text(encoding="utf-8").replace("type: intra", "type: autre"), encoding="utf-8")
    assert main(["check", "--root", str(sample_site_dir)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "content/campagnes/intra-2027.yaml:2: « type » doit être inter, intra, specifique, promotion ou rendez-vous "
        "(lu : « autre ») : "
        "corrigez la valeur.",
        "1 erreur",
    ]


def test_warnings_pass_unless_strict(sample_site_dir, capsys):
    add_unknown_key(sample_site_dir, "content/guides/se-connecter.md")
    assert main(["check", "--root", str(sample_site_dir)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "1 avertissement"
    assert out[0].startswith("content/guides/se-connecter.md:5: avertissement : clé inconnue « titr » ignorée")
    assert main(["check", "--strict", "--root", str(sample_site_dir)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == \
        "mode --strict : les avertissements font échouer la vérification."


def test_repeated_warnings_are_shown_once_unless_verbose(sample_site_dir, capsys):
    for rel in ("content/guides/se-connecter.md", "content/guides/saisir-ses-voeux.md"):
        add_unknown_key(sample_site_dir, rel)
    assert main(["check", "--root", str(sample_site_dir)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3
    assert out[0].startswith("content/guides/saisir-ses-voeux.md:5: avertissement : clé inconnue « titr »")
    assert out[1] == "  … et 1 autre fois le même avertissement (--verbose pour tout voir)"
    assert out[2] == "2 avertissements"
    assert main(["check", "--verbose", "--root", str(sample_site_dir)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out[:2]] == [
        "content/guides/saisir-ses-voeux.md", "content/guides/se-connecter.md"]


def test_build_refuses_content_with_errors(sample_site_dir, capsys):
    (sample_site_dir / "content/site.yaml").write_text("academie: [\n", encoding="utf-8")
    out_dir = sample_site_dir / "build" / "site"
    assert main(["build", "--root", str(sample_site_dir), "--out", str(out_dir)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("content/site.yaml:2: erreur de syntaxe YAML")
    assert out[-1] == "construction refusée : corrigez les erreurs ci-dessus puis relancez « carriere build »."
    assert not out_dir.exists()


@pytest.mark.parametrize("command", [[], ["check"], ["build"], ["serve"], ["import-etablissements"]])
def test_help_is_in_french(command, capsys):
    with pytest.raises(SystemExit) as stop:
        main([*command, "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("utilisation : carriere")
    assert "affiche cette aide et quitte" in out
    if command:
        assert "--root DOSSIER" in out


def test_bad_option_value_is_refused_in_french(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["build", "--jobs", "0"])
    assert stop.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == \
        "carriere build : erreur : option --jobs : le nombre de processus doit être au moins 1 (lu : 0)"


def test_console_script_never_shows_a_traceback(sample_site_dir):
    (sample_site_dir / "data/postes.csv").write_bytes("code_poste;campagne\nP1;é\n".encode("latin-1"))
    run = subprocess.run([sys.executable, "-m", "generator.cli", "check", "--root", str(sample_site_dir)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr + run.stdout
    assert "data/postes.csv: le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8 (CSV UTF-8 dans un tableur)." \
        in run.stdout.splitlines()


ANNUAIRE = """\
Identifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Statut_public_prive;Adresse_1;Code_postal;\
Code_commune;Nom_commune;Voie_generale;Voie_technologique;Voie_professionnelle;appartenance_education_prioritaire
0630021F;Lycée Blaise-Pascal;Lycée;Public;36 avenue Carnot;63000;63113;Clermont-Ferrand;1;1;0;
0630069H;Collège Jules-Ferry;Collège;Public;1 rue de l'École;63200;63300;Riom;;;;REP
0631234A;Collège mal codé;Collège;Public;;63000;63113;Clermont-Ferrand;;;;
0632001H;École du Centre;Ecole;Public;;63000;63113;Clermont-Ferrand;;;;
0150007B;Lycée Émile-Duclaux;Lycée;Public;16 rue du Docteur-Ramon;15000;15014;Aurillac;1;1;1;
0630070J;Lycée privé;Lycée;Privé;;63000;63113;Clermont-Ferrand;1;0;0;
"""


def test_import_etablissements_writes_our_table(tmp_path, capsys):
    source = tmp_path / "fr-en-annuaire-education.csv"
    source.write_text(ANNUAIRE, encoding="utf-8-sig")
    out = tmp_path / "data" / "etablissements.csv"
    assert main(["import-etablissements", str(source), "--out", str(out)]) == 1
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == (f"{source}:4: l'UAI « 0631234A » n'est pas valide : sa lettre de contrôle devrait être "
                          "« Z » (0631234Z) ; corrigez le code.")
    assert printed[1] == (f"3 établissements écrits dans {out} ; 2 lignes hors second degré public ignorées ; "
                          "1 ligne refusée.")
    assert out.read_text(encoding="utf-8").splitlines() == [
        "uai;type;nom;adresse;code_postal;commune;education_prioritaire",
        "0150007B;LPO;Lycée Émile-Duclaux;16 rue du Docteur-Ramon;15000;15014;",
        "0630021F;LYC;Lycée Blaise-Pascal;36 avenue Carnot;63000;63113;",
        "0630069H;CLG;Collège Jules-Ferry;1 rue de l'École;63200;63300;REP",
    ]


def test_import_etablissements_rejects_another_file(tmp_path, capsys):
    source = tmp_path / "autre.csv"
    source.write_text("uai,nom\n0630021F,Lycée\n", encoding="utf-8")
    out = tmp_path / "etablissements.csv"
    assert main(["import-etablissements", str(source), "--out", str(out)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{source}:1: colonnes manquantes : Identifiant_de_l_etablissement, Nom_etablissement, Type_etablissement, "
        "Code_postal, Code_commune : est-ce bien l'export CSV (séparateur « ; ») de l'Annuaire de l'éducation ?",
        "aucun établissement à écrire : le fichier de sortie n'a pas été modifié.",
    ]
    assert not out.exists()


def test_commands_plug_in_through_the_entry_point_group(monkeypatch, capsys):
    import importlib.metadata
    import types

    calls = []

    def register_commands(subparsers):
        hello = subparsers.add_parser("bonjour", help="dire bonjour")
        hello.add_argument("--nom", default="monde")
        hello.set_defaults(func=lambda args: calls.append(args.nom) or 3)

    monkeypatch.setitem(sys.modules, "paquet_de_test", types.SimpleNamespace(register_commands=register_commands))
    entry = importlib.metadata.EntryPoint(name="test", value="paquet_de_test:register_commands",
                                          group="carriere.commandes")
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        lambda group=None: [entry] if group == "carriere.commandes" else [])
    assert main(["bonjour", "--nom", "Camille"]) == 3
    assert calls == ["Camille"]
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "bonjour" in capsys.readouterr().out


def test_the_installed_forms_app_declares_its_commands(capsys):
    """The app's commands reach `carriere` through its entry point, and generator/ never names forms_app."""
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "demo" in out and "mobilite" in out and "agents" in out
    import generator

    sources = "".join(p.read_text(encoding="utf-8") for p in Path(generator.__file__).parent.glob("*.py"))
    assert "forms_app" not in sources


@pytest.mark.parametrize("broken", [False, True])
def test_build_command_exits_with_its_code_and_its_output(sample_site_dir, tmp_path, broken):
    """`carriere build` as a process skips the interpreter's teardown: its code, output and cache stay whole."""
    if broken:
        guide = sample_site_dir / "content/guides/se-connecter.md"
        guide.write_text("---\ntitre: [pas fermé\n---\nTexte\n", encoding="utf-8")
    out = tmp_path / "build" / "site"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as in a real pipe
    run = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--root", str(sample_site_dir),
                          "--out", str(out), "--jobs", "2"], capture_output=True, text=True, timeout=120, env=env)
    assert "Traceback" not in run.stderr + run.stdout
    if broken:
        assert run.returncode == 1
        assert run.stdout.splitlines()[-1].startswith("construction refusée : corrigez les erreurs")
        assert not out.exists()
    else:
        assert run.returncode == 0
        assert run.stdout.splitlines()[-1].startswith(f"site construit dans {out} : ")
        assert (out / "index.html").is_file()
    cache = list((tmp_path / "build" / ".carriere-cache").glob("*.pickle"))
    assert cache and not list((tmp_path / "build" / ".carriere-cache").glob("*.tmp"))
