"""The `carriere` command line: check, build, serve and import the académie's sources."""
from __future__ import annotations

import argparse
import gc
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from .cache import cache_dir_for, paused_gc, wait_saved
from .report import Report

# argparse speaks English; the messages a publisher meets most get a French wording.
_ARGPARSE_FR = (
    (r"the following arguments are required: (.*)", r"argument obligatoire manquant : \1"),
    (r"unrecognized arguments: (.*)", r"argument inconnu : \1"),
    (r"argument (\S+): invalid int value: (.*)", r"l'option \1 attend un nombre entier (lu : \2)"),
    (r"argument (\S+): invalid _jobs value: (.*)", r"l'option \1 attend un nombre entier (lu : \2)"),
    (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)", r"commande inconnue \2 (possibles : \3)"),
    (r"argument (\S+): expected one argument", r"l'option \1 attend une valeur"),
    (r"^argument (\S+): ", r"option \1 : "),
)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, prefix if prefix is not None else "utilisation : ")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that answers in French."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="affiche cette aide et quitte")

    def error(self, message: str):  # type: ignore[no-untyped-def]
        for pattern, french in _ARGPARSE_FR:
            message = re.sub(pattern, french, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


def _root_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", metavar="DOSSIER", type=Path, default=Path("."),
                        help="dossier qui contient content/ et data/ (par défaut : le dossier courant)")


def _print_report(report: Report, verbose: bool) -> None:
    for line in report.lines(dedupe=not verbose):
        print(line)


def _load(args: argparse.Namespace, cache_dir: Path | None = None,  # type: ignore[no-untyped-def]
          background_save: bool = False):
    from .load import load_site

    return load_site(args.root, cache_dir, background_save=background_save)


def _out_dir(args: argparse.Namespace) -> Path:
    return args.out if args.out is not None else Path(args.root) / "build" / "site"


def cmd_check(args: argparse.Namespace) -> int:
    """Print every problem and a summary; exit 1 on errors, or on warnings with --strict."""
    _, report = _load(args)
    _print_report(report, args.verbose)
    print(report.summary())
    if report.has_errors:
        return 1
    if args.strict and report.warnings:
        print("mode --strict : les avertissements font échouer la vérification.")
        return 1
    return 0


def _missing_module(exc: ImportError, module: str, what: str) -> bool:
    if exc.name == module:
        print(f"{what} n'est pas disponible dans cette installation (module {module} absent).", file=sys.stderr)
        return True
    return False


def cmd_build(args: argparse.Namespace) -> int:
    """Validate everything, then hand the model to the renderer; refuse to build on errors."""
    out = _out_dir(args)
    try:
        with paused_gc():
            # The cache is written by a child while this process validates, plans and renders.
            site, report = _load(args, cache_dir_for(out), background_save=True)
        # The model lives until the command ends: later collections need not walk it again and again.
        gc.freeze()
        try:
            return _build(args, out, site, report)
        finally:
            gc.unfreeze()
    finally:
        wait_saved()


def _build(args: argparse.Namespace, out: Path, site, report: Report) -> int:  # type: ignore[no-untyped-def]
    _print_report(report, args.verbose)
    if site is None:
        print(report.summary())
        print("construction refusée : corrigez les erreurs ci-dessus puis relancez « carriere build ».")
        return 1
    if args.strict and report.warnings:
        print(report.summary())
        print("construction refusée (--strict) : corrigez les avertissements ci-dessus.")
        return 1
    try:
        from .build import BuildError, build_site
    except ImportError as exc:
        if _missing_module(exc, "generator.build", "la construction du site"):
            return 1
        raise
    try:
        result = build_site(site, out, jobs=args.jobs, progress="auto")
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 1
    rendered = len(result.rendered)
    print(f"site construit dans {out} : {_plural(result.pages, 'fichier')}, {rendered} rendu{'s' if rendered > 1 else ''}, "
          f"{result.written} écrit{'s' if result.written > 1 else ''}, {result.removed} "
          f"supprimé{'s' if result.removed > 1 else ''} ({result.seconds:.1f} s).")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Preview the site on 127.0.0.1, rebuilding on save."""
    try:
        from .serve import serve
    except ImportError as exc:
        if _missing_module(exc, "generator.serve", "la prévisualisation"):
            return 1
        raise
    out = args.out if args.out is not None else Path(args.root) / "build" / "site"
    result = serve(Path(args.root), out, args.port)
    return result if isinstance(result, int) else 0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def cmd_import_etablissements(args: argparse.Namespace) -> int:
    """Turn the Annuaire de l'éducation export into data/etablissements.csv."""
    from .annuaire import import_annuaire, write_etablissements

    source: Path = args.file
    if not source.is_file():
        print(f"{source} : fichier introuvable : indiquez le chemin de l'export CSV de l'Annuaire de l'éducation.",
              file=sys.stderr)
        return 1
    result = import_annuaire(source, str(source))
    for problem in result.problems:
        print(problem)
    out = args.out if args.out is not None else Path(args.root) / "data" / "etablissements.csv"
    if not result.rows:
        print("aucun établissement à écrire : le fichier de sortie n'a pas été modifié.")
        return 1
    write_etablissements(result.rows, out)
    parts = [f"{_plural(len(result.rows), 'établissement')} écrit{'s' if len(result.rows) > 1 else ''} dans {out}"]
    if result.skipped:
        parts.append(f"{_plural(result.skipped, 'ligne')} hors second degré public ignorée"
                     f"{'s' if result.skipped > 1 else ''}")
    if result.problems:
        parts.append(f"{_plural(len(result.problems), 'ligne')} refusée{'s' if len(result.problems) > 1 else ''}")
    print(" ; ".join(parts) + ".")
    print("Lancez ensuite « carriere check » : il signale les communes absentes de data/communes.")
    return 1 if result.problems else 0


def _jobs(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"le nombre de processus doit être au moins 1 (lu : {text})")
    return value


GENERATOR_COMMANDS = ("check", "build", "serve", "import-etablissements")


def build_parser(app_commands: bool = True) -> argparse.ArgumentParser:
    """The whole command line; without app_commands, plugged-in commands (and their imports) stay out."""
    parser = _Parser(
        prog="carriere",
        description="Portail carrière : vérifier, construire et prévisualiser le site de l'académie.",
        epilog="Aide d'une commande : carriere COMMANDE --help",
    )
    sub = parser.add_subparsers(title="commandes", metavar="COMMANDE", parser_class=_Parser)

    check = sub.add_parser("check", help="vérifier content/ et data/ sans rien écrire",
                           description="Lit et vérifie tout le contenu ; affiche chaque problème sous la forme "
                                       "fichier:ligne: message. Code de sortie 1 s'il y a des erreurs.")
    _root_option(check)
    check.add_argument("--strict", action="store_true", help="échouer aussi sur les avertissements (pour la CI)")
    check.add_argument("-v", "--verbose", action="store_true", help="afficher chaque avertissement répété")
    check.set_defaults(func=cmd_check)

    build = sub.add_parser("build", help="construire le site statique",
                           description="Vérifie tout le contenu puis construit le site ; refuse de construire "
                                       "s'il y a des erreurs.")
    _root_option(build)
    build.add_argument("--out", metavar="DOSSIER", type=Path, default=None,
                       help="dossier de sortie (par défaut : ROOT/build/site)")
    build.add_argument("--jobs", metavar="N", type=_jobs, default=os.cpu_count() or 1,
                       help="nombre de processus de rendu (par défaut : nombre de cœurs)")
    build.add_argument("--strict", action="store_true", help="refuser aussi de construire s'il y a des avertissements")
    build.add_argument("-v", "--verbose", action="store_true", help="afficher chaque avertissement répété")
    build.set_defaults(func=cmd_build)

    serve = sub.add_parser("serve", help="prévisualiser le site sur 127.0.0.1",
                           description="Construit le site, le sert sur 127.0.0.1 et le reconstruit à chaque "
                                       "enregistrement.")
    _root_option(serve)
    serve.add_argument("--port", metavar="N", type=int, default=8000, help="port d'écoute (par défaut : 8000)")
    serve.add_argument("--out", metavar="DOSSIER", type=Path, default=None,
                       help="dossier de sortie (par défaut : ROOT/build/site)")
    serve.set_defaults(func=cmd_serve)

    imp = sub.add_parser("import-etablissements", help="importer l'export de l'Annuaire de l'éducation",
                         description="Lit l'export CSV (séparateur « ; ») de l'Annuaire de l'éducation et écrit "
                                     "la table des établissements du second degré public.")
    _root_option(imp)
    imp.add_argument("file", metavar="FICHIER", type=Path, help="export CSV de l'Annuaire de l'éducation")
    imp.add_argument("--out", metavar="FICHIER", type=Path, default=None,
                     help="table à écrire (par défaut : ROOT/data/etablissements.csv)")
    imp.set_defaults(func=cmd_import_etablissements)

    if app_commands:
        plug_in_commands(sub)
    return parser


COMMANDS_GROUP = "carriere.commandes"


def plug_in_commands(subparsers) -> None:  # type: ignore[no-untyped-def]
    """Add the commands other installed packages declare (entry point group `carriere.commandes`).

    The forms app declares its own there (pyproject.toml): the generator never imports it by name.
    """
    from importlib.metadata import entry_points

    for entry in sorted(entry_points(group=COMMANDS_GROUP), key=lambda e: e.name):
        try:
            register = entry.load()
        except ImportError:
            continue  # a package whose own dependencies are missing: its commands are not offered
        register(subparsers)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand and return its exit code."""
    words = list(sys.argv[1:] if argv is None else argv)
    # A generator command needs neither Flask nor SQLAlchemy: importing them costs more than a rebuild.
    parser = build_parser(app_commands=not (words and words[0] in GENERATOR_COMMANDS))
    args = parser.parse_args(words)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        code = int(func(args) or 0)
    except KeyboardInterrupt:
        print("interrompu.", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"erreur : {exc.strerror or exc} ({exc.filename or ''}) : vérifiez le chemin et les droits.",
              file=sys.stderr)
        return 1
    if argv is None and func is cmd_build:
        # A process of its own (not a test calling main): freeing the model object by object at exit
        # takes ≈ 0.1 s, a sixth of a one-guide rebuild, and a build leaves nothing to clean up (pool
        # joined, cache writer waited for, files closed). Only the output buffers need flushing.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


if __name__ == "__main__":
    sys.exit(main())
