"""Configuration defaults and what the environment may override."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

REPO_ROOT = Path(__file__).resolve().parents[2]

DEFAULTS = {
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_ABSOLUTE_HOURS": 12,
    "SESSION_COOKIE_NAME": "carriere_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "WTF_CSRF_ENABLED": True,
    "WTF_CSRF_TIME_LIMIT": None,  # the server-side session's own time-outs bound the token
    "DEV": False,
    "FIRST_SECRET_DAYS": 60,
    # Argon2id at OWASP's floor (19 MiB, 2 passes, 1 lane): ~0.2 s on one core, so a deadline-day
    # login peak stays servable; raise it and accounts are rehashed at their next login.
    "ARGON2_PARAMS": {"time_cost": 2, "memory_cost": 19456, "parallelism": 1},
    # Growing delay after repeated failures: (threshold, first delay in s, cap in s) per key kind.
    "THROTTLE_ACCOUNT": (5, 5, 300),
    "THROTTLE_ADDRESS": (20, 5, 900),
    "FIXED_NOW": None,
    "PROXIES": 0,
    # Rendered vœu-list pages kept per worker (one per session and demande; about 15 Ko each); 0: none.
    "PAGE_CACHE_ENTRIES": 2000,  # reverse proxies in front of the app whose X-Forwarded-* headers are trusted
}


def default_database_url(instance_path: str) -> str:
    """SQLite file under instance/, unless CARRIERE_DATABASE_URL says otherwise."""
    url = os.environ.get("CARRIERE_DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{Path(instance_path) / 'carriere.db'}"


def site_root() -> str:
    """Where content/ and data/ live: CARRIERE_ROOT or the repository."""
    return os.environ.get("CARRIERE_ROOT", "").strip() or str(REPO_ROOT)


def secret_key(instance_path: str) -> str:
    """CARRIERE_SECRET_KEY, or a random key kept in instance/secret_key."""
    from_env = os.environ.get("CARRIERE_SECRET_KEY", "").strip()
    if from_env:
        return from_env
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        # Several workers may start at once: write aside, then link atomically; the first one wins.
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        draft.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="utf-8").strip()


def configure(app: Flask, test_config: dict | None) -> None:
    """Fill app.config from defaults, the environment, then test_config."""
    app.config.from_mapping(DEFAULTS)
    if os.environ.get("CARRIERE_DEV", "") == "1":
        app.config["DEV"] = True
    proxies = os.environ.get("CARRIERE_PROXIES", "").strip()
    if proxies.isdigit():
        app.config["PROXIES"] = int(proxies)
    if test_config:
        app.config.from_mapping(test_config)
    app.config.setdefault("SITE_ROOT", site_root())
    if not app.config.get("DATABASE_URL"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = default_database_url(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(app.instance_path)
    if app.config["DEV"] or app.config.get("TESTING"):
        app.config["SESSION_COOKIE_SECURE"] = False
