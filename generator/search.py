"""The client-side search index and the sitemap, both built from the page list."""
from __future__ import annotations

import json
from collections.abc import Iterable
from xml.sax.saxutils import escape

from .model import SiteConfig


def search_index(entries: list[tuple[str, str, str, str, str]]) -> bytes:
    """Compact JSON: kind, URL (relative to base_path), title, summary, keywords."""
    data = [{"k": k, "u": u, "t": t, "s": s, "x": x} for k, u, t, s, x in entries]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def postes_index(campaigns: Iterable[tuple[str, str, Iterable]]) -> bytes:
    """The postes for the search page (search.js turns them into entries like search_index's).

    One row per campaign and établissement, not per poste (the bench's 20,000 postes make ~800 rows),
    and each label written once: {"c": [[slug, title]…], "d": [[discipline code, label]…] sorted by
    label, "e": [[campaign index, UAI, établissement, commune, code postal, département,
    [discipline indexes], "codes of the postes separated by spaces"]…]}."""
    rows_by_campaign = [(slug, title, list(rows)) for slug, title, rows in campaigns]
    labels = {r.discipline_code: r.discipline for _, _, rows in rows_by_campaign for r in rows}
    codes = sorted(labels, key=lambda code: (labels[code].casefold(), code))
    position = {code: i for i, code in enumerate(codes)}
    entries = []
    for index, (_, _, rows) in enumerate(rows_by_campaign):
        by_uai: dict[str, list] = {}
        for r in rows:
            by_uai.setdefault(r.uai, []).append(r)
        for uai, items in by_uai.items():
            first = items[0]
            entries.append([index, uai, first.etablissement, first.commune, first.code_postal, first.departement,
                            sorted({position[r.discipline_code] for r in items}),
                            " ".join(r.code_poste for r in items)])
    data = {"c": [[slug, title] for slug, title, _ in rows_by_campaign],
            "d": [[code, labels[code]] for code in codes], "e": entries}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def absolute_base(config: SiteConfig) -> str:
    """base_url joined with base_path, without doubling a path already in base_url."""
    base = config.base_url.rstrip("/")
    path = config.base_path.rstrip("/")
    if path and base.endswith(path):
        return base + "/"
    return base + config.base_path


def sitemap(config: SiteConfig, urls: list[str]) -> bytes:
    base = absolute_base(config)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(base + u)}</loc></url>" for u in urls]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")
