"""Every page a demo user can reach by following the app's own links answers without a server error and
without a dead link: the demo prepared by `carriere demo`, crawled as the gestionnaire and as a teacher at
instants of the year when different phases are open."""
from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pyotp
import pytest
from sqlalchemy import create_engine, text

from forms_app import demo as cli
from forms_app.core.config import DEFAULTS
from generator.cli import main as carriere

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HREF = re.compile(r'href="([^"#]+)')
# Paths the built site serves beside the app (forms_app.wsgi.combine), absent from the app alone.
SITE = ("/guides/", "/notes-de-service/", "/plannings/", "/postes/", "/recherche/", "/accessibilite/",
        "/mentions-legales/", "/donnees-personnelles/", "/plan-du-site/", "/comparateur/", "/assets/")
FILES = (".pdf", ".zip", ".xlsx", ".csv", ".ics")
MAX_PAGES = 800


def crawl(client, start: str = "/") -> tuple[set[str], list[tuple[int, str]]]:
    """Follow every GET link inside the app from start: (the addresses seen, the (status, address) that failed)."""
    seen: set[str] = set()
    queue, failed = deque([start]), []
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        body = response.get_data(as_text=not urlsplit(url).path.endswith(FILES))
        response.close()
        if response.status_code >= 400:
            failed.append((response.status_code, url))
            continue
        if response.status_code in (301, 302, 303):
            target = urlsplit(urljoin("http://localhost" + url, response.headers["Location"]))
            if target.path != "/connexion":
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
            continue
        if "html" not in response.content_type:
            continue
        for href in HREF.findall(body):
            href = href.replace("&amp;", "&")
            if not href.startswith(("/", "?")) or href.startswith(SITE) or "deconnexion" in href:
                continue
            target = urlsplit(urljoin("http://localhost" + url, href))
            address = target.path + (f"?{target.query}" if target.query else "")
            if address not in seen:
                queue.append(address)
    return seen, failed


def post_form(client, url: str, data: dict):
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": TOKEN.search(page).group(1)})


@pytest.mark.parametrize("who, instant, at_least", [
    ("gestion", "2027-02-15T10:00:00+01:00", 300),  # inter's barème, promotions' avis, intra announced
    ("jdupont", "2026-12-04T18:00:00+01:00", 60),  # the spécifique saisie open, inter's confirmations
    ("mdaubigny", "2027-06-20T10:00:00+02:00", 40),  # after the results, promotions' tableau
])
def test_every_linked_page_of_the_demo_answers(tmp_path, monkeypatch, capsys, who, instant, at_least):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("CARRIERE_DATABASE_URL", url)
    monkeypatch.setenv("CARRIERE_NOW", instant)
    for name in ("CARRIERE_DEV", "CARRIERE_ROOT"):  # set by `carriere demo`: restored after the test
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setitem(DEFAULTS, "ARGON2_PARAMS", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})
    monkeypatch.setattr(cli, "_build", lambda root: tmp_path / "site")
    assert carriere(["demo", "--no-serve"]) == 0
    capsys.readouterr()

    from forms_app import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "exploration", "AFFECTATION_EXECUTION": "immediat"})
    client = app.test_client()
    engine = create_engine(url)
    with engine.connect() as conn:
        if who == "gestion":
            secret = conn.execute(text("select totp_secret from accounts where identifiant = 'gestion'")).scalar()
        else:
            numen = conn.execute(text("select numen from agents join accounts on accounts.agent_id = agents.id "
                                      "where identifiant = :who"), {"who": who}).scalar()
    engine.dispose()
    if who == "gestion":
        post_form(client, "/connexion", {"identifiant": "gestion", "password": cli.DEMO_GESTIONNAIRE_PASSWORD})
        assert post_form(client, "/connexion/code", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    else:
        post_form(client, "/connexion", {"identifiant": who, "password": numen})
        chosen = "une phrase de passe assez longue pour le portail"
        assert post_form(client, "/compte/mot-de-passe", {"current_password": numen, "new_password": chosen,
                                                          "confirm": chosen}).status_code == 302

    seen, failed = crawl(client)
    app.extensions["carriere_db"]["engine"].dispose()
    assert failed == []
    assert at_least <= len(seen) < MAX_PAGES, sorted(seen)
