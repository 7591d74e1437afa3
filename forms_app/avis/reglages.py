"""Where notices go: the SMTP server, the SMS provider, the app's public address (app config or environment)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

TLS_MODES = ("starttls", "ssl", "aucun")


@dataclass(frozen=True)
class Reglages:
    smtp_host: str  # "" : e-mails are written to files under instance/courriels/ (demonstration)
    smtp_port: int
    smtp_tls: str  # TLS_MODES
    smtp_user: str
    smtp_password: str
    smtp_ca: str  # a CA file to verify the SMTP server's certificate ("" : the system's CAs)
    expediteur: str
    sms: str  # "fichier", "http" or "aucun"
    sms_url: str
    sms_cle: str
    app_url: str  # absolute address of the app, for the link in each notice
    dossier: Path  # instance/: the « fichier » adapters write there
    file: str  # the Huey queue: sqlite file path, or redis://…
    bail_s: int  # how long a worker's claim on a notice holds before another worker may take it


def _get(app: Flask, key: str, env: str, default: str = "") -> str:
    value = app.config.get(key)
    if value is None:
        value = os.environ.get(env, "").strip() or default
    return str(value)


def reglages(app: Flask) -> Reglages:
    """Read AVIS_* from app.config, else CARRIERE_* from the environment (docs/app.md lists them)."""
    instance = Path(app.instance_path)
    host = _get(app, "AVIS_SMTP_HOST", "CARRIERE_SMTP_HOST")
    tls = _get(app, "AVIS_SMTP_TLS", "CARRIERE_SMTP_TLS", "starttls")
    if tls not in TLS_MODES:
        raise ValueError(f"CARRIERE_SMTP_TLS : {tls!r} inconnu, choisissez parmi {', '.join(TLS_MODES)}")
    port = int(_get(app, "AVIS_SMTP_PORT", "CARRIERE_SMTP_PORT", "465" if tls == "ssl" else "587"))
    sms_url = _get(app, "AVIS_SMS_URL", "CARRIERE_SMS_URL")
    sms = _get(app, "AVIS_SMS", "CARRIERE_SMS", "http" if sms_url else "fichier")
    if sms not in ("fichier", "http", "aucun"):
        raise ValueError(f"CARRIERE_SMS : {sms!r} inconnu, choisissez fichier, http ou aucun")
    return Reglages(
        smtp_host=host, smtp_port=port, smtp_tls=tls,
        smtp_user=_get(app, "AVIS_SMTP_USER", "CARRIERE_SMTP_USER"),
        smtp_password=_get(app, "AVIS_SMTP_PASSWORD", "CARRIERE_SMTP_PASSWORD"),
        smtp_ca=_get(app, "AVIS_SMTP_CA", "CARRIERE_SMTP_CA"),
        expediteur=_get(app, "AVIS_EXPEDITEUR", "CARRIERE_COURRIEL_EXPEDITEUR", "ne-pas-repondre@localhost"),
        sms=sms, sms_url=sms_url, sms_cle=_get(app, "AVIS_SMS_CLE", "CARRIERE_SMS_CLE"),
        app_url=_get(app, "APP_URL", "CARRIERE_APP_URL").rstrip("/"),
        dossier=Path(_get(app, "AVIS_DOSSIER", "CARRIERE_AVIS_DOSSIER", str(instance))),
        # Under TESTING, no queue unless a test names one: the tests call the worker themselves.
        file=_get(app, "AVIS_FILE", "CARRIERE_AVIS_FILE", "" if app.testing else str(instance / "avis-file.db")),
        bail_s=int(_get(app, "AVIS_BAIL_S", "CARRIERE_AVIS_BAIL_S", "300")),
    )


def ou_vont_les_avis(r: Reglages) -> list[str]:
    """Where notices land, in words, for `make demo` and the worker's start."""
    courriel = (f"courriels : serveur SMTP {r.smtp_host}:{r.smtp_port} ({r.smtp_tls})" if r.smtp_host
                else f"courriels : fichiers .eml dans {r.dossier / 'courriels'} (aucun serveur SMTP configuré)")
    sms = {"fichier": f"SMS : fichier {r.dossier / 'sms' / 'sms.txt'}",
           "http": f"SMS : fournisseur HTTP {r.sms_url}", "aucun": "SMS : aucun envoi"}[r.sms]
    return [courriel, sms]
