"""The Synthèse of a dossier de promotion as a PDF: the same partial as the page and its print, through WeasyPrint."""
from __future__ import annotations

from flask import render_template

from ..core.config import REPO_ROOT
from ..core.pdf import html_to_pdf

CSS = REPO_ROOT / "templates" / "assets" / "app" / "promotions-print.css"


def synthese_pdf(context: dict) -> bytes:
    """« Dossier de promotion de grade de … », its situation and the « Avis et appréciation »."""
    html = render_template("app/promotions/synthese_pdf.html", **context)
    return html_to_pdf(html, [CSS]).data
