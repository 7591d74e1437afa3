"""The client-side search index and the sitemap, both built from the page list."""
from __future__ import annotations

import json
from xml.sax.saxutils import escape

from .model import SiteConfig


def search_index(entries: list[tuple[str, str, str, str, str]]) -> bytes:
    """Compact JSON: kind, URL (relative to base_path), title, summary, keywords."""
    data = [{"k": k, "u": u, "t": t, "s": s, "x": x} for k, u, t, s, x in entries]
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
