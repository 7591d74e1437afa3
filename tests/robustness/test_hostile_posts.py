"""Hostile posts to every form of the app: never a 5xx, and a refused post stores nothing.

Every POST rule of app.url_map is a target, posted by the logged-in teacher with her own ids and with
another teacher's ids (the latter must always be refused); the auth and courrier forms are also posted
by the persona they serve (visitor, first login, pending TOTP code, gestionnaire). Hypothesis starts
from a valid body and keeps, drops, replaces or doubles each field with hostile values, adds stray
fields, changes the encoding and the CSRF token. After an accepted post the tables are put back.
"""
from __future__ import annotations

import io
import json
import os
import secrets
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from robust_world import SESSION_COOKIE, SPEC, csrf_from
from robust_world import persona as persona_of

NEW_PASSWORD = "un nouveau chemin vers la salle des profs"
ETB_LIBRE = "0030788R"  # in data/etablissements.csv, in nobody's list
# CARRIERE_ROBUSTESSE_EXEMPLES=N: a longer hunt with random seeds; by default a short, reproducible run.
HUNT = int(os.environ.get("CARRIERE_ROBUSTESSE_EXEMPLES", "0"))
EXAMPLES = HUNT or 16

GIANTS = ["x" * 100_000, "é" * 100_000, "\U0001d518" * 60_000, "\x00" * 100_000, "9" * 100_000,
          "<b>" * 30_000, "a\u0301" * 50_000]
SPECIALS = ["", " ", "\x00", "a\x00b", "\t", "\r\n\r\n", "\x1b[31m", "\x7f", "\x85", "\u2028", "\u202e",
            "\ufeff", "\ud800", "a\udfffb", "\U0010ffff", "-1", "0", "00", "+1", "2147483648", str(2**63),
            "-" + str(2**64), "9" * 5000, "1e309", "-0", "NaN", "Infinity", "0x10", "１２３", "٣", "true", "null",
            "[]", "{}", "<script>alert(1)</script>", "' OR 1=1 --", "%00", "%ZZ", "../../etc/passwd",
            "{{7*7}}", "ETB", "COM", "ACA", "GEO", "DPT", ETB_LIBRE, ETB_LIBRE.lower(), "0030226E", "63", "063",
            "rapport_inspection", "habilitation", "THEA", "L0202", "diplomes", "01/09/2026", "31/02/2026",
            "2026-09-01", "A1", "maternelle", "adresse", "04 73 12 34 56", "+33 6 12 34 56 78",
            "a@b.fr", "1", "2", "3", "123456"]
HOSTILE = st.one_of(
    st.sampled_from(SPECIALS),
    st.text(max_size=30),
    st.text(st.characters(max_codepoint=0x9F), max_size=12),
    st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3),
    st.integers().map(str),
    st.floats().map(repr),
    st.binary(max_size=24),
)
STRAY_KEYS = st.sampled_from(["csrf_token", "id", "agent_id", "demande_id", "rank", "role", "version",
                              "account_id", "texte[]", "", "\x00", "é", "a" * 300])
CSRF_MODES = ["valide"] * 6 + ["absent", "faux", "autre session", "en-tête", "doublé"]
ENCODINGS = ["urlencoded"] * 4 + ["multipart", "json", "brut"]
RAW_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=zz",
             "text/plain", "application/octet-stream", "application/x-www-form-urlencoded; charset=latin-1"]


def tiny_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


FILES = st.one_of(st.sampled_from([b"", b"%PDF-", b"%PDF-1.7\n%%EOF", b"MZ\x90\x00", b"\x00" * 400_000]),
                  st.binary(max_size=64), st.just(b"pdf"))


def bases(w: dict) -> dict[str, dict[str, str]]:
    """A valid body for every POST endpoint (the ids of the path come from the target)."""
    ligne_cv = {"intitule": "Licence de lettres", "organisme": "Université Clermont Auvergne",
                "annee_debut": "2012", "annee_fin": "", "niveau": "", "precisions": "Mention bien"}
    return {
        "auth.login": {"identifiant": w["identifiant"], "password": w["password"]},
        "auth.login_code": {"code": "123456"},
        "auth.logout": {},
        "auth.change_password": {"current_password": w["password"], "new_password": NEW_PASSWORD,
                                 "confirm": NEW_PASSWORD},
        "auth.totp_enrol": {"code": "123456"},
        "auth.totp_disable": {"password": w["password"]},
        "dossier.perso": {"telephone": "04 73 12 34 56", "portable": "06 12 34 56 78", "mail_perso": "a@b.fr"},
        "dossier.signaler": {"rubrique": "adresse", "description": "Nouvelle adresse à Riom.",
                             "date_effet": "01/09/2026"},
        "dossier.mise_a_jour": {"enfants": "3"},
        "cv.ajouter": ligne_cv,
        "cv.modifier": ligne_cv,
        "cv.supprimer": {},
        "cv.monter": {},
        "cv.descendre": {},
        "courrier.repondre": {"corps": "Merci pour votre réponse."},
        "courrier.ecrire": {"destinataire": w["identifiant"], "objet": "Question", "corps": "Bonjour."},
        "mobilite.creer": {"mouvement": "THEA", "discipline": "L0202", "preference": ""},
        "mobilite.supprimer": {},
        "mobilite.telephones": {"telephone": "04 73 12 34 56", "portable": "06 12 34 56 78"},
        "mobilite.enregistrer_lettre": {"texte": "Madame, Monsieur,\r\nje souhaite rejoindre…"},
        "mobilite.brouillon": {"texte": "Madame, Monsieur,"},
        "mobilite.deposer": {"kind": "rapport_inspection"},
        "mobilite.supprimer_piece": {},
        "mobilite.enregistrer_voeu": {"version": "0", "type": "ETB", "code": ETB_LIBRE, "poste": ""},
        "mobilite.monter": {"version": "0"},
        "mobilite.descendre": {"version": "0"},
        "mobilite.supprimer_voeu": {"version": "0"},
        "comptes.reactiver_numen": {"sans_totp": "y"},
        "mobilite.declarer_situation": {"departement_conjoint": "063"},
        "mobilite.demander_correction": {"element": "echelon", "texte": "Mon échelon est le 8e, pas le 7e."},
        "gestion.decider": {"decision": "corrige", "points": "150,2", "motif": "Arrêté du 1er septembre"},
        "gestion.verifier": {},
        "gestion.repondre": {"reponse": "refuser", "points": "", "motif": "Pièce illisible."},
        "gestion.ecrire": {"objet": "Votre demande", "corps": "Elle est bien reçue."},
        "gestion.lot": {"action": "message", "ids": str(w["own"]["demande_id"]), "objet": "Calendrier",
                        "corps": "Le barème sera affiché le 3 mai."},
        "avis.preference": {"courriel": "non"},
        "confirmations.retour": {"corrections": "Mon conjoint travaille à Lyon depuis septembre."},
        "confirmations.papier": {"retour": "demande"},
        "resultats.importer": {},
        "resultats.publier": {},
        "affectation.lancer": {"mouvement": "THEA", "note": "Première simulation"},
        "affectation.valider_simulation": {"algorithme": "da"},
        "evaluateurs.index": {"role": "chef_etablissement", "prenom": "Anne", "nom": "Proviseur", "uai": "0630021F",
                              "discipline": "", "circonscription": ""},
        "promotions.avis": {f"avis-{w['own']['agent_id']}": "favorable"},
        "promotions.appreciations": {f"appreciation-{w['own']['agent_id']}": "excellent"},
        "promotions.candidature": {"fonctions": "formateur", "annees": "9", "precisions": "Depuis 2015."},
        "promotions.ouvrir_view": {},
        "promotions.publier_view": {},
        "rendezvous.agent": {"action": "planifier", "jour": "20/12/2026", "heure": "10:00", "lieu": "Salle 12"},
        "rendezvous.observations": {"texte": "Mes observations sur le compte rendu."},
        "rendezvous.recours": {"texte": "Je forme un recours gracieux."},
    }


INT_PARAMS = {"agent_id", "entry_id", "message_id", "demande_id", "voeu_id", "piece_id", "correction_id",
              "simulation_id"}
SLUGS = {"cv": "diplomes", "mobilite": SPEC, "gestion": SPEC, "resultats": SPEC, "affectation": SPEC,
         "promotions": "classe-exceptionnelle-2027"}
STRINGS = {"element": "echelon"}  # other string parameters of POST rules
EXTRA_PERSONAS = [("auth.login", "visiteur"), ("auth.login_code", "code"), ("auth.change_password", "premier"),
                  ("courrier.ecrire", "gestionnaire"), ("courrier.repondre", "gestionnaire"),
                  ("comptes.reactiver_numen", "gestionnaire"), ("dossier.mise_a_jour", "gestionnaire"),
                  ("gestion.decider", "gestionnaire"),
                  ("gestion.verifier", "gestionnaire"), ("gestion.repondre", "gestionnaire"),
                  ("gestion.ecrire", "gestionnaire"), ("gestion.lot", "gestionnaire"),
                  ("confirmations.papier", "gestionnaire"), ("resultats.importer", "gestionnaire"),
                  ("resultats.publier", "gestionnaire"), ("affectation.lancer", "gestionnaire"),
                  ("affectation.valider_simulation", "gestionnaire"), ("evaluateurs.index", "gestionnaire"),
                  ("promotions.ouvrir_view", "gestionnaire"), ("promotions.publier_view", "gestionnaire"),
                  ("rendezvous.agent", "gestionnaire")]
# The file field of the forms that take one (fuzzed with real and hostile contents).
FICHIERS = {"mobilite.deposer": ("fichier", "rapport.pdf"), "confirmations.retour": ("signee", "signee.pdf"),
            "resultats.importer": ("fichier", "resultats.csv"),
            "promotions.candidature": ("justificatifs", "arrete.pdf")}


def post_rules():
    """(endpoint, rule) of every rule that accepts POST, from a throwaway app's url_map."""
    from forms_app import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    return sorted((r.endpoint, r) for r in app.url_map.iter_rules() if "POST" in r.methods)


def targets():
    found = []
    for endpoint, rule in post_rules():
        has_ids = bool(INT_PARAMS & set(rule.arguments))
        found.append(pytest.param(endpoint, "enseignant", "own", id=f"{endpoint}-enseignant"))
        if has_ids:
            found.append(pytest.param(endpoint, "enseignant", "other", id=f"{endpoint}-autre-enseignant"))
    found += [pytest.param(e, p, "own", id=f"{e}-{p}") for e, p in EXTRA_PERSONAS]
    return found


def path_for(app, endpoint: str, ids: dict) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "POST" in r.methods)
    values = {}
    for name in rule.arguments:
        if name in INT_PARAMS:
            values[name] = ids[name]
        elif name in STRINGS:
            values[name] = STRINGS[name]
        else:
            assert name == "slug", f"{rule.rule}: paramètre {name} inconnu du test de robustesse"
            values[name] = SLUGS[endpoint.split(".")[0]]
    return rule.build(values, append_unknown=False)[1]


def test_every_post_rule_has_a_valid_body(app, world):
    """A new form fails here until it gets a body in bases() (so it is fuzzed too)."""
    missing = [e for e, _r in post_rules() if e not in bases(world)]
    assert not missing, f"ajoutez un corps valide à bases() pour : {missing}"


def as_bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def encode(pairs: list[tuple[str, str | bytes]], files: list[tuple[str, str, bytes]], encoding: str, raw: bytes,
           raw_type: str) -> tuple[bytes, str]:
    """The body and its Content-Type."""
    if encoding == "urlencoded" and not files:
        body = "&".join(f"{quote_from_bytes(as_bytes(k))}={quote_from_bytes(as_bytes(v))}" for k, v in pairs)
        return body.encode("ascii"), "application/x-www-form-urlencoded"
    if encoding in ("urlencoded", "multipart"):
        boundary = "----carriere" + secrets.token_hex(8)
        out = io.BytesIO()
        for key, value in pairs:
            out.write(f"--{boundary}\r\n".encode())
            out.write(b'Content-Disposition: form-data; name="' + as_bytes(key) + b'"\r\n\r\n')
            out.write(as_bytes(value) + b"\r\n")
        for key, filename, content in files:
            out.write(f"--{boundary}\r\n".encode())
            out.write(b'Content-Disposition: form-data; name="' + as_bytes(key) + b'"; filename="'
                      + as_bytes(filename) + b'"\r\nContent-Type: application/pdf\r\n\r\n')
            out.write(content + b"\r\n")
        out.write(f"--{boundary}--\r\n".encode())
        return out.getvalue(), f"multipart/form-data; boundary={boundary}"
    if encoding == "json":
        doc = {k if isinstance(k, str) else k.decode("latin-1"): (v if isinstance(v, str) else v.decode("latin-1"))
               for k, v in pairs}
        return json.dumps(doc).encode(), "application/json"
    return raw, raw_type


@pytest.mark.parametrize(("endpoint", "persona", "owner"), targets())
def test_hostile_posts(request, app, world, table_state, endpoint, persona, owner):
    examples = HUNT or getattr(request.module, "EXAMPLES", EXAMPLES)
    who = persona_of(app, persona, world)
    ids = dict(world[owner])
    if persona == "gestionnaire":
        ids["message_id"] = world["own"]["sent_message_id"]  # the teacher's message in their box
    path = path_for(app, endpoint, ids)
    base = bases({**world, "password": who["password"]})[endpoint]
    foreign = csrf_from(app.test_client().get("/connexion").data)  # a token of another session
    pdf = tiny_pdf()
    seen: dict[int, int] = {}

    @settings(max_examples=examples, deadline=None, database=None, derandomize=not HUNT,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(data=st.data())
    def post(data):
        pairs: list[tuple[str, str | bytes]] = []
        for key, value in base.items():
            action = data.draw(st.sampled_from(["garder", "garder", "retirer", "remplacer", "doubler"]), label=key)
            if action in ("garder", "doubler"):
                pairs.append((key, value))
            if action in ("remplacer", "doubler"):
                pairs.append((key, data.draw(HOSTILE, label=f"{key} hostile")))
        pairs += data.draw(st.lists(st.tuples(STRAY_KEYS, HOSTILE), max_size=2), label="champs en plus")
        giant = data.draw(st.sampled_from([None] * 12 + GIANTS), label="100 000 caractères")
        if giant is not None:  # one very long value per example at most: parsing them is the slow part
            index = data.draw(st.integers(0, len(pairs)), label="où")
            pairs[index:index + 1] = [(pairs[index][0] if index < len(pairs) else "texte", giant)]
        pairs = data.draw(st.permutations(pairs), label="ordre")
        mode = data.draw(st.sampled_from(CSRF_MODES), label="csrf")
        headers = {}
        if mode == "valide":
            pairs.append(("csrf_token", who["csrf"]))
        elif mode == "faux":
            pairs.append(("csrf_token", data.draw(HOSTILE, label="faux jeton")))
        elif mode == "autre session":
            pairs.append(("csrf_token", foreign))
        elif mode == "en-tête":
            headers["X-CSRFToken"] = who["csrf"]
        elif mode == "doublé":
            pairs += [("csrf_token", data.draw(HOSTILE, label="jeton doublé")), ("csrf_token", who["csrf"])]
        files = []
        if endpoint in FICHIERS and data.draw(st.booleans(), label="fichier"):
            field, usual = FICHIERS[endpoint]
            content = data.draw(st.one_of(st.just(pdf), FILES), label="contenu")
            name = data.draw(st.one_of(st.just(usual), HOSTILE.map(lambda v: v if isinstance(v, str)
                                                                   else v.hex())), label="nom")
            files.append((field, name, content))
        encoding = data.draw(st.sampled_from(ENCODINGS), label="encodage")
        raw = data.draw(st.binary(max_size=200), label="corps brut") if encoding == "brut" else b""
        raw_type = data.draw(st.sampled_from(RAW_TYPES), label="type brut") if encoding == "brut" else ""
        body, content_type = encode(pairs, files, encoding, raw, raw_type)

        before = table_state.dump()
        client = app.test_client()
        client.set_cookie(SESSION_COOKIE, who["cookie"])
        response = client.post(path, data=body, content_type=content_type, headers=headers)
        status = response.status_code
        seen[status] = seen.get(status, 0) + 1
        assert status < 500, (endpoint, status)
        if status >= 400:
            assert table_state.stored() == table_state.stored(before), (endpoint, status, "refusé mais modifié")
            if response.mimetype == "text/html":
                html = response.get_data(as_text=True)
                assert 'lang="fr"' in html and "Traceback" not in html
        else:
            assert owner == "own", (endpoint, status, "accepté avec les identifiants d'une autre")
            table_state.restore(before)

    post()
    assert sum(seen.values()) >= examples // 2
    if owner == "other":
        assert all(code >= 400 for code in seen)


@pytest.mark.parametrize("endpoint", ["mobilite.enregistrer_voeu", "courrier.ecrire", "cv.ajouter"])
def test_a_json_body_is_not_a_form(app, world, table_state, endpoint):
    """Flask-WTF would read JSON as form data: a lone surrogate or a list then made a 500 (found here)."""
    body = {**bases(world)[endpoint], "csrf_token": world["csrf"]}
    body.update({key: "\ud800" for key in list(body)[:2]})
    body["intitule"] = ["liste", "de", "valeurs"]
    before = table_state.stored()
    client = app.test_client()
    client.set_cookie(SESSION_COOKIE, world["cookie"])
    response = client.post(path_for(app, endpoint, world["own"]), data=json.dumps(body),
                           content_type="application/json")
    assert response.status_code == 400
    assert "Votre session a expiré, renvoyez le formulaire." in response.get_data(as_text=True)
    assert table_state.stored() == before


@pytest.mark.parametrize("endpoint", [e for e, _r in post_rules()])
def test_nul_in_each_field_is_refused_or_harmless(app, world, table_state, endpoint):
    """NUL in one field at a time, everything else valid: never a 5xx, never a NUL stored.

    PostgreSQL refuses NUL in text (a 500 for the vœu's poste and the lettre's brouillon, found here).
    """
    base = bases(world)[endpoint]
    path = path_for(app, endpoint, world["own"])
    for field in base:
        before = table_state.dump()
        client = app.test_client()
        client.set_cookie(SESSION_COOKIE, world["cookie"])
        response = client.post(path, data={**base, field: "ab\x00cd efgh ijkl mnop", "csrf_token": world["csrf"]})
        assert response.status_code < 500, (endpoint, field)
        after = table_state.stored()
        if response.status_code >= 400:
            assert after == table_state.stored(before), (endpoint, field)
        else:
            assert not any(isinstance(v, str) and "\x00" in v
                           for rows in after.values() for row in rows for v in row), (endpoint, field)
            table_state.restore(before)
