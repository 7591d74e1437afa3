"""`carriere demo` and `carriere demo-totp`: the whole product on 127.0.0.1 with demonstration accounts."""
from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timedelta
from pathlib import Path

from .core.cli import cmd_db_upgrade, database_url, engine_for
from .core.config import REPO_ROOT
from .dossier.cli import import_file

DEMO_GESTIONNAIRE = "gestion"
DEMO_GESTIONNAIRE_PASSWORD = "demonstration-gestion-montferrand"
DEMO_CAMPAIGN = "specifique-2027"
DEMO_TEACHERS_SHOWN = 5
DEMO_EVALUATEUR_PASSWORD = "demonstration-evaluation-montferrand"
# (role, prénom, nom, the demo teacher whose établissement or discipline is the scope): each sees at least her.
DEMO_EVALUATEURS = (
    ("chef_etablissement", "Hélène", "Proviseure", "mdaubigny"),
    ("inspecteur", "Paul", "Inspecteur", "jmartin2"),
    ("recteur", "Rose", "Rectrice", None),
)
DEMO_PROMOTION = "hors-classe-2027"


def _demo_saisie(root: Path):
    """The saisie phase of the demo campaign, or None when the content has none."""
    from generator.load import load_site

    site, _report = load_site(str(root))
    campaign = site.campaign(DEMO_CAMPAIGN) if site is not None else None
    return campaign.saisie if campaign is not None else None


def _demo_now(root: Path, saisie=False) -> datetime | None:
    """A moment inside the demo campaign's saisie window: real now if inside, else its start + 1 day.

    CARRIERE_NOW, when set, wins whatever the window says."""
    from .core.clock import parse_fixed_now, system_now

    if os.environ.get("CARRIERE_NOW", "").strip():
        return parse_fixed_now(os.environ["CARRIERE_NOW"])
    if saisie is False:
        saisie = _demo_saisie(root)
    if saisie is None:
        return None
    current = system_now()
    if saisie.is_open_at(current):
        return None
    return saisie.start + timedelta(days=1)


def _jour_heure(moment: datetime) -> str:
    from generator.model import PARIS

    return f"{moment.astimezone(PARIS):%d/%m/%Y à %H:%M}"


def etat_fenetre(saisie, moment: datetime) -> str:
    """The saisie window of the demo campaign as it stands at moment: ouverte, à venir or close, with dates."""
    if saisie is None:
        return f"la campagne « {DEMO_CAMPAIGN} » n'a pas de fenêtre de saisie"
    dates = (f"du {_jour_heure(saisie.start)} au {_jour_heure(saisie.end)}" if saisie.end is not None
             else f"à compter du {_jour_heure(saisie.start)}")
    state = saisie.state_at(moment)
    label = {"ouverte": "ouverte", "a_venir": "à venir", "close": "close"}[state]
    return f"fenêtre de saisie de « {DEMO_CAMPAIGN} » {label} ({dates})"


def _build(root: Path) -> Path:
    out = root / "build" / "site"
    try:
        from generator.build import build_site
        from generator.load import load_site
    except ImportError:
        print("construction du site non disponible dans cette installation : seule l'application sera servie.")
        return out
    site, report = load_site(str(root))
    if site is None:
        for line in report.lines(dedupe=True):
            print(line)
        print("le contenu a des erreurs : le site n'est pas reconstruit (« carriere check » pour le détail).")
        return out
    result = build_site(site, out, jobs=os.cpu_count() or 1)
    summary = getattr(result, "summary", None)
    print(summary() if callable(summary) else f"site construit dans {out}")
    return out


def _ensure_gestionnaire(app) -> tuple[str, bool]:
    """Create the demo gestionnaire once; return its TOTP secret and whether it was created."""
    from sqlalchemy import select

    from .comptes import totp
    from .comptes.models import Account
    from .core import audit
    from .core.clock import security_now
    from .core.db import new_session, write_transaction

    db = new_session(app)
    try:
        account = db.scalar(select(Account).where(Account.identifiant == DEMO_GESTIONNAIRE))
        if account is not None and account.totp_secret:
            return account.totp_secret, False
        secret = totp.new_secret()
        with write_transaction(db):
            account = Account(
                identifiant=DEMO_GESTIONNAIRE, role="gestionnaire", agent_id=None,
                display_name="Gestionnaire de démonstration",
                password_hash=app.extensions["carriere_hasher"].hash(DEMO_GESTIONNAIRE_PASSWORD),
                must_change_password=False, totp_secret=secret, totp_enabled=True, created_at=security_now(),
            )
            db.add(account)
            db.flush()
            audit.record(db, actor_id=None, action="compte_cree", target=f"compte:{DEMO_GESTIONNAIRE}",
                         after={"role": "gestionnaire", "demo": True})
        return secret, True
    finally:
        db.close()


def _ensure_evaluateurs(app) -> list[tuple[str, str, str]]:
    """Create the demo evaluators once (password set, TOTP on); return (identifiant, profil et périmètre, secret)."""
    from sqlalchemy import select

    from .comptes import totp
    from .comptes.models import Account
    from .core.clock import security_now
    from .core.content import current_site
    from .core.db import new_session, write_transaction
    from .dossier.models import Agent
    from .evaluateurs.access import ROLE_LABELS
    from .evaluateurs.comptes import creer_evaluateur, perimetre_label
    from .evaluateurs.models import Perimetre

    shown = []
    with app.app_context():
        site = current_site()
        ref = site.referentiel if site is not None else None
        db = new_session(app)
        try:
            for role, prenom, nom, teacher in DEMO_EVALUATEURS:
                account = db.scalar(select(Account).where(Account.display_name == f"{prenom} {nom}",
                                                          Account.role == role))
                if account is None:
                    agent = None if teacher is None else db.scalar(
                        select(Agent).join(Account, Account.agent_id == Agent.id).where(Account.identifiant == teacher))
                    if teacher is not None and (agent is None or not (agent.affectation_uai if role == "chef_etablissement"
                                                                      else agent.discipline)):
                        continue  # the demo data changed: no scope to give
                    with write_transaction(db):
                        account, _first, _expires = creer_evaluateur(
                            db, app.extensions["carriere_hasher"], role=role, prenom=prenom, nom=nom,
                            uai=agent.affectation_uai if role == "chef_etablissement" else "",
                            discipline=agent.discipline if role == "inspecteur" else "",
                            moment=security_now(), actor_id=None)
                        account.password_hash = app.extensions["carriere_hasher"].hash(DEMO_EVALUATEUR_PASSWORD)
                        account.must_change_password, account.first_secret_expires_at = False, None
                        account.totp_secret, account.totp_enabled = totp.new_secret(), True
                scope = db.scalar(select(Perimetre).where(Perimetre.account_id == account.id))
                where = perimetre_label(role, scope.uai, scope.discipline, ref, scope.circonscription) if scope else ""
                shown.append((account.identifiant, f"{ROLE_LABELS.get(role, role)} — {where}", account.totp_secret))
        finally:
            db.close()
    return shown


def _teachers_table(app) -> list[tuple[str, str, str]]:
    from sqlalchemy import select

    from .comptes.models import Account
    from .core.db import new_session
    from .dossier.models import Agent

    db = new_session(app)
    try:
        rows = db.execute(
            select(Account.identifiant, Agent.prenom, Agent.nom, Agent.numen, Account.must_change_password)
            .join(Agent, Account.agent_id == Agent.id).order_by(Account.id).limit(DEMO_TEACHERS_SHOWN)
        ).all()
    finally:
        db.close()
    return [(r[0], f"{r[1]} {r[2]}", r[3] if r[4] else "(déjà changé)") for r in rows]


def cmd_demo(args: argparse.Namespace) -> int:
    """Build, migrate, import, create the gestionnaire, print the accounts, serve on 127.0.0.1."""
    root = Path(args.root).resolve()
    os.environ.setdefault("CARRIERE_DATABASE_URL", database_url("demo.db"))
    os.environ["CARRIERE_ROOT"] = str(root)
    os.environ.setdefault("CARRIERE_DEV", "1")  # plain http on 127.0.0.1: cookies without Secure
    url = os.environ["CARRIERE_DATABASE_URL"]
    if args.reset and url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url[len("sqlite:///"):] + suffix).unlink(missing_ok=True)
    site_dir = _build(root)
    if cmd_db_upgrade(args) != 0:
        return 1
    history = root / "data" / "agents-demo-historique.csv"
    code, _ = import_file(root / "data" / "agents-demo.csv", url, None,
                          historique=history if history.is_file() else None)
    if code != 0:
        return code
    saisie = _demo_saisie(root)
    fixed = _demo_now(root, saisie)
    if fixed is not None:
        os.environ["CARRIERE_NOW"] = fixed.isoformat()
    from . import create_app
    from .comptes.totp import grouped

    app = create_app()
    secret, _created = _ensure_gestionnaire(app)
    base = f"http://127.0.0.1:{args.port}"
    print()
    print(f"Portail carrière de démonstration : {base}/  (application : {base}/app/)")
    from .core.clock import system_now

    if fixed is not None:
        print(f"Horloge de démonstration : {_jour_heure(fixed)}, {etat_fenetre(saisie, fixed)}")
    else:
        print(f"Heure réelle : {_jour_heure(system_now())}, {etat_fenetre(saisie, system_now())}")
    print("\nEnseignants (premier mot de passe = NUMEN, à changer à la première connexion) :")
    for identifiant, name, first in _teachers_table(app):
        print(f"  {identifiant:<12} {name:<28} {first}")
    print("\nGestionnaire (double authentification obligatoire) :")
    print(f"  identifiant : {DEMO_GESTIONNAIRE}")
    print(f"  mot de passe : {DEMO_GESTIONNAIRE_PASSWORD}")
    print(f"  clé TOTP : {grouped(secret)}  (code du moment : carriere demo-totp)")
    evaluateurs = _ensure_evaluateurs(app)
    if evaluateurs:
        print("\nÉvaluateurs des promotions et des rendez-vous de carrière (double authentification obligatoire) :")
        print(f"  mot de passe : {DEMO_EVALUATEUR_PASSWORD}")
        for identifiant, profil, key in evaluateurs:
            print(f"  {identifiant:<12} {profil}")
            print(f"  {'':<12} clé TOTP : {grouped(key)}  (code du moment : carriere demo-totp {identifiant})")
        _annonce_avis(app)
    _annonce_suivi(app)
    if args.no_serve:
        return 0
    return _serve(app, site_dir, args.port)


def _annonce_avis(app) -> None:
    """When the demo promotion's avis phase opens, and how to see it before then."""
    from .core.clock import now
    from .core.content import current_site

    with app.app_context():
        site, moment = current_site(), now()
        campaign = site.campaign(DEMO_PROMOTION) if site is not None else None
        phase = campaign.phase("avis") if campaign is not None else None
        if phase is None or phase.end is None or phase.state_at(moment) != "a_venir":
            return
        inside = phase.start + timedelta(days=14)
        print(f"  Phase des avis de « {DEMO_PROMOTION} » : du {_jour_heure(phase.start)} au {_jour_heure(phase.end)}. "
              "Pour la voir dès maintenant, sur une base à part (les échéances passées d'ici là y seront accomplies) :")
        print(f"    export CARRIERE_NOW={inside.isoformat()} CARRIERE_DATABASE_URL=sqlite:///instance/demo-avis.db")
        print("    make demo    (puis, dans le même terminal : .venv/bin/carriere demo-totp IDENTIFIANT)")


def _annonce_suivi(app) -> None:
    """Where notices land, and the campaigns' échéances as they stand at the demo clock."""
    from .avis.reglages import ou_vont_les_avis, reglages
    from .core.clock import now
    from .core.content import current_site
    from .core.echeances import instants

    print("\nAvis (envoyés par le worker lancé avec le serveur) :")
    for line in ou_vont_les_avis(reglages(app)):
        print(f"  {line}")
    with app.app_context():
        moment, site = now(), current_site()
        print("Échéances des campagnes (accomplies d'elles-mêmes une fois leur heure passée) :")
        for due in instants(site):
            etat = "due" if due.at <= moment else "à venir"
            print(f"  {_jour_heure(due.at)}  {due.campaign.slug} : {due.echeance.libelle} ({etat})")


def _worker():
    """`carriere avis worker` beside the server, with the same environment."""
    import subprocess

    code = "from generator.cli import main; raise SystemExit(main(['avis', 'worker']))"
    return subprocess.Popen([sys.executable, "-c", code], env=dict(os.environ))


def _serve(app, site_dir: Path, port: int) -> int:
    from werkzeug.serving import run_simple

    from .wsgi import combine

    print(f"\nArrêt : Ctrl-C. Serveur sur 127.0.0.1:{port}.")
    worker = _worker()
    try:
        run_simple("127.0.0.1", port, combine(site_dir, app), threaded=True, use_reloader=False)
    except OSError as exc:
        print(f"port {port} indisponible ({exc.strerror}) : relancez avec --port N (make demo PORT=N).", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        worker.terminate()
        worker.wait(timeout=10)
    print("serveur arrêté.")
    return 0


def cmd_demo_totp(args: argparse.Namespace) -> int:
    """Print the current TOTP code of a demo account (the gestionnaire unless another identifiant is given)."""
    import pyotp
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from .comptes.models import Account

    url = os.environ.get("CARRIERE_DATABASE_URL", "").strip() or database_url("demo.db")
    engine = engine_for(url)
    try:
        with Session(engine) as db:
            demo_names = [f"{prenom} {nom}" for _role, prenom, nom, _teacher in DEMO_EVALUATEURS]
            secret = db.scalar(select(Account.totp_secret).where(
                Account.identifiant == args.identifiant,
                (Account.identifiant == DEMO_GESTIONNAIRE) | Account.display_name.in_(demo_names)))
    except Exception:
        secret = None
    finally:
        engine.dispose()
    if not secret:
        print(f"« {args.identifiant} » n'est pas un compte de démonstration avec double authentification : "
              "lancez d'abord « carriere demo », puis donnez un identifiant qu'il affiche.", file=sys.stderr)
        return 1
    print(pyotp.TOTP(secret).now())
    return 0


def register(subparsers) -> None:
    """`carriere demo` and `carriere demo-totp`."""
    demo = subparsers.add_parser(
        "demo", help="démonstration complète sur 127.0.0.1",
        description="Construit le site, crée la base instance/demo.db, importe data/agents-demo.csv, crée un "
                    "gestionnaire, affiche les comptes puis sert le site (/) et l'application (/app).",
    )
    demo.add_argument("--root", metavar="DOSSIER", type=Path, default=REPO_ROOT,
                      help="dossier qui contient content/ et data/ (par défaut : le dépôt)")
    demo.add_argument("--port", metavar="N", type=int, default=8000, help="port d'écoute (par défaut : 8000)")
    demo.add_argument("--reset", action="store_true", help="repartir d'une base de démonstration vide")
    demo.add_argument("--no-serve", action="store_true", help="tout préparer sans lancer le serveur")
    demo.set_defaults(func=cmd_demo)

    code = subparsers.add_parser("demo-totp", help="code TOTP du moment d'un compte de démonstration",
                                 description="Affiche le code à 6 chiffres du gestionnaire de démonstration, ou d'un "
                                             "évaluateur de démonstration.")
    code.add_argument("identifiant", nargs="?", default=DEMO_GESTIONNAIRE,
                      help=f"identifiant du compte (par défaut : {DEMO_GESTIONNAIRE})")
    code.set_defaults(func=cmd_demo_totp)
