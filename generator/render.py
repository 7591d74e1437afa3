"""Jinja2 environment of the published site and the rendering of one output to bytes."""
from __future__ import annotations

import hashlib
import traceback
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2 import meta
from markupsafe import Markup, escape

from . import comparateur, frdates, frnombres
from .markdown_ext import RenderedMarkdown, convert, make_markdown
from .model import ETAB_RESTRICTIONS, PHASE_CODES, VOEU_TYPES, SiteConfig, link_url
from .pages import Page

PROJECT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class TemplateProblem(Exception):
    """A template (usually an académie's override) cannot be compiled or rendered: `file:line: message`."""


def _where(filename: str | None, root: str | None = None) -> str:
    if not filename:
        return "gabarit"
    path = Path(filename)
    for base in (Path(root) if root else None, PROJECT_TEMPLATES.parent):
        if base is not None and path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return filename


def syntax_problem(exc: jinja2.TemplateSyntaxError, root: str | None = None) -> TemplateProblem:
    return TemplateProblem(
        f"{_where(exc.filename, root)}:{exc.lineno}: erreur de syntaxe dans le gabarit : {exc.message} ; "
        "corrigez le gabarit puis relancez la construction."
    )


def render_problem(exc: Exception, page_path: str, root: str | None = None) -> TemplateProblem:
    """Point at the template line that failed, found in the traceback Jinja rewrites to templates."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".xml"))]
    where = f"{_where(frames[-1].filename, root)}:{frames[-1].lineno}" if frames else "gabarit"
    return TemplateProblem(
        f"{where}: le gabarit ne peut pas produire « {page_path} » : {exc} ; "
        "vérifiez les noms de variables et de blocs (voir docs/theme.md)."
    )


def template_dirs(root: str, config: SiteConfig) -> list[Path]:
    """The publisher's override folder first, then the project's templates."""
    dirs = []
    if config.templates_dir:
        dirs.append(Path(root) / config.templates_dir)
    dirs.append(PROJECT_TEMPLATES)
    return dirs


_ENVS: dict[tuple, jinja2.Environment] = {}


def make_env(root: str, config: SiteConfig) -> jinja2.Environment:
    """The environment for this root and base path; reused across builds so templates compile once."""
    key = (tuple(str(d) for d in template_dirs(root, config)), config.base_path)
    if key not in _ENVS:
        _ENVS[key] = _new_env(key[0], config.base_path)
    return _ENVS[key]


def _new_env(dirs: tuple[str, ...], base_path: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(dirs)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,  # the preview server edits templates under a long-lived environment
    )

    def url(path: str) -> str:
        """A site URL (relative to the site root) as an absolute path; external URLs unchanged."""
        if path.startswith(("http://", "https://", "mailto:", "tel:", "/", "#")):
            return path
        return base_path + path

    def attachment_url(href: str) -> str:
        """A note's attachment: an absolute URL, or a file under content/ copied to the build."""
        if href.startswith(("http://", "https://")):
            return href
        href = href.lstrip("/")
        return base_path + (href[len("content/"):] if href.startswith("content/") else href)

    @lru_cache(maxsize=1)
    def _md():
        return make_markdown(base_path)

    def markdown(text: str) -> RenderedMarkdown:
        rendered = convert(_md(), text)
        return RenderedMarkdown(Markup(rendered.html), rendered.toc)

    env.filters.update(
        url=url,
        attachment_url=attachment_url,
        markdown=markdown,
        date_fr=frdates.date_fr,
        datetime_fr=frdates.datetime_fr,
        window_fr=lambda p: frdates.window_fr(p.start, p.end),
        nbsp=lambda s: Markup(str(Markup.escape(s)).replace(" ", "&nbsp;")),
        nombre=frnombres.nombre,
        compte=frnombres.compte,
        taux=frnombres.taux,
        points=frnombres.points,
        lien=lambda href, app_url: link_url(href, base_path, app_url),
    )
    env.globals.update(VOEU_TYPES=VOEU_TYPES, PHASE_CODES=PHASE_CODES, ETAB_RESTRICTIONS=ETAB_RESTRICTIONS,
                       postes_rows=postes_rows, comparateur_zones=comparateur.zones_html)
    return env


def _escape_text(text: str) -> str:
    """markupsafe.escape(text) for a plain str, as a str: the same five replacements as its native code."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;") \
        .replace('"', "&#34;")


def postes_rows(rows, show_mouvement: bool, first_id: str = "") -> Markup:  # type: ignore[no-untyped-def]
    """The rows of the postes table (site/_postes.html), one string per row instead of a Jinja loop.

    20,000 postes make 40,000 rows per build (the campaign's page and its groups' pages): as a loop in
    the template each cost ≈ 22 µs, here a few µs. Every field of a PosteRow is a plain str; the labels
    repeat from row to row, so each distinct value is escaped once per call. Same bytes as the loop it
    replaces (tests/generator/test_postes_rows.py keeps that loop and compares)."""
    out = []
    seen: dict[str, str] = {}

    def h(text: str) -> str:
        try:
            return seen[text]
        except KeyError:
            escaped = seen[text] = _escape_text(text)
            return escaped

    row_id = f' id="{escape(first_id)}"' if first_id else ""
    for r in rows:
        etab = h(r.etablissement)
        ep = f' <span class="badge">{h(r.education_prioritaire)}</span>' if r.education_prioritaire else ""
        cp = f' <span class="meta">({h(r.code_postal)})</span>' if r.code_postal else ""
        mvt = f"<td>{h(r.mouvement_libelle)}</td>" if show_mouvement else ""
        spec, profil = r.specificite, r.profil
        br = "<br>" if spec and profil else ""
        code = _escape_text(r.code_poste)
        out.append(
            f"    <tr data-poste{row_id}>\n"
            f"      <td>{code}</td>\n"
            f'      <td class="c-etablissement">{etab}<br><span class="uai">{h(r.uai)}</span>{ep}</td>\n'
            f'      <td class="c-commune">{h(r.commune)}{cp}</td>\n'
            f'      <td class="c-departement">{h(r.departement)} <span class="meta">'
            f"({h(r.departement_code)})</span></td>\n"
            f'      <td class="c-discipline">{h(r.discipline)} <span class="meta">'
            f"({h(r.discipline_code)})</span></td>\n"
            f"{mvt}      <td>{h(spec)}{br}{h(profil)}</td>\n"
            f"      <td>{h(r.etat)}</td>\n"
            f'      <td><a href="{_escape_text(r.voeu_url)}">Ajouter à mes vœux<span class="visually-hidden"> : poste '
            f"{code}, {etab}</span></a></td>\n"
            "    </tr>\n"
        )
        row_id = ""
    return Markup("".join(out))


def template_sources(env: jinja2.Environment, names: list[str]) -> dict[str, tuple[str, str]]:
    """name -> (source, filename) for each template, as the loader resolves it (overrides first)."""
    found = {}
    for name in names:
        source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        found[name] = (source, filename or "")
    return found


def template_refs(env: jinja2.Environment, source: str, cache: dict[str, list[str]]) -> list[str]:
    """Names a template source loads; "*" for a dynamic name. Cached by source hash across builds."""
    key = hashlib.sha1(source.encode()).hexdigest()
    if key not in cache:
        cache[key] = sorted(
            ref if ref is not None else "*" for ref in meta.find_referenced_templates(env.parse(source))
        )
    return cache[key]


def check_syntax(env: jinja2.Environment, names: list[str], root: str) -> None:
    """Compile the given templates now, so a syntax error stops the build before anything is written."""
    for name in names:
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            raise syntax_problem(exc, root) from None


def template_digests(env: jinja2.Environment, roots: set[str], cache: dict[str, list[str]]) -> dict[str, str]:
    """For each page template, a hash of every template it loads (extends, include, import)."""
    sources = template_sources(env, all_template_names(env))
    digests = {}
    for root in roots:
        seen: set[str] = set()
        todo = [root]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            if current == "*":  # a dynamic name: depend on every template
                todo.extend(sources)
                continue
            if current not in sources:
                try:
                    sources.update(template_sources(env, [current]))
                except jinja2.TemplateNotFound:
                    raise TemplateProblem(f"gabarit introuvable : {current} ; vérifiez le nom dans extends, "
                                          "include ou import, ou ajoutez le fichier.") from None
            try:
                todo.extend(template_refs(env, sources[current][0], cache))
            except jinja2.TemplateSyntaxError as exc:
                exc.filename = exc.filename or sources[current][1]
                raise syntax_problem(exc) from None
            except jinja2.TemplateNotFound as exc:
                raise TemplateProblem(f"{sources[current][1]}: gabarit introuvable : {exc.name} ; "
                                      "vérifiez le nom dans extends, include ou import.") from None
        h = hashlib.sha1()
        for name in sorted(seen - {"*"}):
            source, filename = sources[name]
            h.update(f"{name}\0{filename}\0{source}\0".encode())
        digests[root] = h.hexdigest()
    return digests


def all_template_names(env: jinja2.Environment) -> list[str]:
    return sorted(n for n in env.list_templates() if n.endswith((".html", ".xml", ".txt"))
                  and not n.startswith("assets/"))


def render_output(env: jinja2.Environment, page: Page, context: dict, config: SiteConfig,
                  now: datetime) -> bytes:
    """The bytes of one output file."""
    if page.kind == "html":
        assert page.template is not None
        try:
            template = env.get_template(page.template)
        except jinja2.TemplateSyntaxError as exc:
            raise syntax_problem(exc) from None
        build = {"now": now, "date": frdates.date_fr(now.astimezone(frdates.PARIS).date(), weekday=False),
                 "datetime": frdates.datetime_fr(now)}
        try:
            return template.render(site=config, page=page, build=build, **context).encode("utf-8")
        except jinja2.TemplateError as exc:
            raise render_problem(exc, page.path) from None
    # Imported here: icalendar alone costs more than rendering one edited guide.
    from . import downloads, ics, search

    if page.kind == "ics":
        return ics.campaign_ics(context["campaign"], config, now)
    if page.builder == "postes_csv":
        return downloads.postes_csv(context["rows"])
    if page.builder == "postes_json":
        return downloads.postes_json(context["campaign"], context["rows"])
    if page.builder == "search_index":
        return search.search_index(context["entries"])
    if page.builder == "search_postes":
        return search.postes_index(context["campaigns"])
    if page.builder == "sitemap":
        return search.sitemap(config, context["urls"])
    raise ValueError(f"unknown output kind {page.kind}/{page.builder}")
