"""Read content/site.yaml, guides and notes de service into model objects, reporting every problem."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .frontmatter import FrontMatterError, split_front_matter
from .model import Accessibility, Attachment, Contacts, Guide, NoteDeService, SourceRef
from .report import Report
from .tables import parse_yaml_file
from .validate import Fields, suggest
from .yamlio import YamlSyntaxError, YMap, load_yaml

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NOTE_REFERENCE = re.compile(r"^\d{4}-\d+$")
ACCESSIBILITY_STATUSES = ("totalement conforme", "partiellement conforme", "non conforme")
URL = re.compile(r"^https?://[^\s/]+")

SITE_KEYS = ("academie", "titre", "url", "chemin", "application", "templates", "contacts", "navigation",
             "accessibilite")
CONTACT_KEYS = ("mail", "telephone", "horaires", "adresse")
NAV_KEYS = ("titre", "lien")
ACCESS_KEYS = ("statut", "rgaa", "date_audit", "contact", "defenseur")
GUIDE_KEYS = ("titre", "resume", "public", "ordre", "etiquettes")
NOTE_KEYS = ("reference", "titre", "resume", "bo", "date_bo", "pieces")
PIECE_KEYS = ("titre", "lien")


@dataclass
class SiteDraft:
    """site.yaml read but not finished: navigation links wait until every page is known."""

    academie: str
    title: str
    base_url: str
    base_path: str
    app_url: str
    contacts: Contacts
    navigation: list[tuple[int, str, str]]  # (line, titre, lien)
    accessibility: Accessibility
    templates_dir: str | None
    source: SourceRef
    status_line: int = 0  # line of accessibilite.statut, for the check against content/accessibilite.yaml


def read_yaml_file(root: Path, path: Path, report: Report) -> object | None:
    """Parse a whole YAML file; report syntax errors and repeated keys; None when unreadable."""
    readable, data = parse_yaml_file(root, path, report)
    if not readable:
        return None
    return YMap(1) if data is None else data  # an empty file: every required field gets reported


def expect_mapping(data: object, name: str, report: Report) -> YMap | None:
    if isinstance(data, YMap):
        return data
    report.error(name, getattr(data, "line", 1) or 1,
                 "le fichier doit contenir des lignes « clé: valeur » : voir docs/content-format.md.")
    return None


def check_slug(name: str, slug: str, report: Report) -> bool:
    if SLUG.match(slug):
        return True
    report.error(name, 0, f"nom de fichier « {slug} » invalide : utilisez des minuscules sans accent, des chiffres "
                          "et des tirets (exemple : se-connecter.md), il devient l'adresse de la page.")
    return False


def load_site_config(root: Path, report: Report) -> SiteDraft | None:
    """Read content/site.yaml."""
    path = root / "content" / "site.yaml"
    name = "content/site.yaml"
    if not path.is_file():
        report.error(name, 0, "fichier absent : créez content/site.yaml (voir docs/content-format.md).")
        return None
    raw = read_yaml_file(root, path, report)
    data = None if raw is None else expect_mapping(raw, name, report)
    if data is None:
        return None
    f = Fields(report, name, data)
    f.check_keys(SITE_KEYS)
    academie = f.text("academie")
    title = f.text("titre")
    base_url = f.text("url")
    if base_url is not None and not URL.match(base_url):
        f.error(f.line("url"), f"« url » doit être une adresse absolue commençant par https:// (lu : « {base_url} ») : "
                               "corrigez la valeur.")
    base_path = f.text("chemin", required=False) or "/"
    if not base_path.startswith("/"):
        f.error(f.line("chemin"), f"« chemin » doit commencer par « / » (lu : « {base_path} ») : par exemple / ou "
                                  "/carriere/.")
    app_url = f.text("application", required=False) or "/app"
    templates_dir = f.text("templates", required=False)
    if templates_dir is not None and not (root / templates_dir).is_dir():
        f.error(f.line("templates"), f"le dossier de gabarits « {templates_dir} » n'existe pas : créez-le à côté de "
                                     "content/ ou retirez la clé « templates ».")

    contacts = None
    cmap = f.mapping("contacts")
    if cmap is not None:
        c = Fields(report, name, cmap, " dans « contacts »")
        c.check_keys(CONTACT_KEYS)
        mail, phone = c.text("mail"), c.text("telephone")
        hours, postal = c.text("horaires", False) or "", c.text("adresse", False) or ""
        if c.ok and mail and phone:
            contacts = Contacts(mail=mail, phone=phone, hours=hours, postal=postal)
        else:
            f.ok = False

    navigation: list[tuple[int, str, str]] = []
    for line, item in f.items("navigation"):
        n = Fields(report, name, item, " dans cet élément de « navigation »")
        n.check_keys(NAV_KEYS)
        titre, lien = n.text("titre"), n.text("lien")
        if titre and lien:
            navigation.append((item.line_of("lien"), titre, lien))
        else:
            f.ok = False

    accessibility = None
    amap = f.mapping("accessibilite")
    if amap is not None:
        a = Fields(report, name, amap, " dans « accessibilite »")
        a.check_keys(ACCESS_KEYS)
        status, rgaa, audit, contact = a.text("statut"), a.text("rgaa"), a.day("date_audit"), a.text("contact")
        defenseur = a.text("defenseur", required=False)
        if status is not None and status not in ACCESSIBILITY_STATUSES:
            a.error(a.line("statut"), f"« statut » doit être {', '.join(ACCESSIBILITY_STATUSES[:-1])} ou "
                                      f"{ACCESSIBILITY_STATUSES[-1]} (lu : « {status} »){suggest(status, ACCESSIBILITY_STATUSES)} : "
                                      "corrigez la valeur.")
        if a.ok and status and rgaa and audit and contact:
            extra = {"defenseur_url": defenseur} if defenseur else {}
            accessibility = Accessibility(status=status, rgaa_version=rgaa, audit_date=audit, contact=contact, **extra)
        else:
            f.ok = False

    if not f.ok or None in (academie, title, base_url, contacts, accessibility):
        return None
    return SiteDraft(
        academie=academie, title=title, base_url=base_url.rstrip("/"),  # type: ignore[union-attr]
        base_path=base_path.rstrip("/") + "/", app_url=app_url, contacts=contacts,  # type: ignore[arg-type]
        navigation=navigation, accessibility=accessibility,  # type: ignore[arg-type]
        templates_dir=templates_dir, source=SourceRef(name, 1), status_line=amap.line_of("statut"),  # type: ignore[union-attr]
    )


def read_markdown(root: Path, path: Path, report: Report) -> tuple[YMap, str, int] | None:
    """Split and parse a Markdown file's front matter; (meta, body, body first line) or None."""
    name = path.relative_to(root).as_posix()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        report.error(name, 0, "le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8.")
        return None
    try:
        split = split_front_matter(text)
    except FrontMatterError as exc:
        report.error(name, exc.line, exc.message)
        return None
    try:
        meta, issues = load_yaml(split.meta, split.meta_offset)
    except YamlSyntaxError as exc:
        report.error(name, exc.issue.line, exc.issue.message)
        return None
    for issue in issues:
        report.error(name, issue.line, issue.message)
    if meta is None:
        meta = YMap(1)
    if not isinstance(meta, YMap):
        report.error(name, 2, "l'en-tête doit contenir des lignes « clé: valeur » (titre: …) : corrigez-le.")
        return None
    meta.line = 1  # a missing field is reported on the opening `---`
    return meta, split.body, split.body_first_line


def load_guide(root: Path, path: Path, report: Report) -> tuple[Guide, int] | None:
    """Read one guide; returns it with the file line of its body's first line."""
    name = path.relative_to(root).as_posix()
    slug = path.stem
    slug_ok = check_slug(name, slug, report)
    parsed = read_markdown(root, path, report)
    if parsed is None:
        return None
    meta, body, body_line = parsed
    f = Fields(report, name, meta, " dans l'en-tête")
    f.check_keys(GUIDE_KEYS)
    title, summary = f.text("titre"), f.text("resume")
    audience, tags = f.texts("public"), f.texts("etiquettes")
    order = f.integer("ordre", required=False)
    if not (f.ok and slug_ok) or title is None or summary is None or audience is None or tags is None:
        return None
    return Guide(slug=slug, title=title, summary=summary, audience=audience,
                 order=100 if order is None else order, tags=tags, body_md=body,
                 source=SourceRef(name, 1)), body_line


def attachment_href(lien: str) -> str | None:
    """Normalize an attachment link: an absolute URL, or `fichiers/…` relative to the site root."""
    if URL.match(lien):
        return lien
    local = lien.lstrip("/")
    if local.startswith("content/"):
        local = local[len("content/"):]
    return local if local.startswith("fichiers/") and ".." not in local.split("/") else None


def load_note(root: Path, path: Path, report: Report) -> tuple[NoteDeService, int] | None:
    """Read one note de service; returns it with the file line of its body's first line."""
    name = path.relative_to(root).as_posix()
    slug = path.stem
    slug_ok = check_slug(name, slug, report)
    parsed = read_markdown(root, path, report)
    if parsed is None:
        return None
    meta, body, body_line = parsed
    f = Fields(report, name, meta, " dans l'en-tête")
    f.check_keys(NOTE_KEYS)
    reference, title = f.text("reference"), f.text("titre")
    summary, bo = f.text("resume", False) or "", f.text("bo", False) or ""
    bo_date = f.day("date_bo")
    if reference is not None and not NOTE_REFERENCE.match(reference):
        f.error(f.line("reference"), f"« reference » doit s'écrire AAAA-NNN, par exemple 2026-123 "
                                     f"(lu : « {reference} ») : corrigez la valeur.")
    attachments: list[Attachment] = []
    for line, item in f.items("pieces"):
        p = Fields(report, name, item, " dans cette pièce")
        p.check_keys(PIECE_KEYS)
        titre, lien = p.text("titre"), p.text("lien")
        if titre is None or lien is None:
            f.ok = False
            continue
        href = attachment_href(lien)
        if href is None:
            f.error(item.line_of("lien"), f"« lien » doit être une adresse https://… ou un fichier de content/fichiers/ "
                                          f"(lu : « {lien} ») : corrigez la valeur.")
            continue
        if not href.startswith("http") and not (root / "content" / href).is_file():
            f.error(item.line_of("lien"), f"la pièce « {lien} » est introuvable : ajoutez le fichier content/{href} "
                                          "ou corrigez « lien ».")
            continue
        attachments.append(Attachment(title=titre, href=href))
    if not (f.ok and slug_ok) or reference is None or title is None or bo_date is None:
        return None
    return NoteDeService(slug=slug, reference=reference, title=title, summary=summary, bo_reference=bo,
                         bo_date=bo_date, attachments=tuple(attachments), body_md=body,
                         source=SourceRef(name, 1)), body_line
