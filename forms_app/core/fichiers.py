"""Stored PDFs served back: a safe file name, and an attachment no browser renders in the app's origin."""
from __future__ import annotations

import re
import unicodedata

from flask import make_response


def safe_filename(name: str) -> str:
    """ASCII letters, digits, dot, dash and underscore; always ends in .pdf."""
    base = unicodedata.normalize("NFKD", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    base = "".join(ch for ch in base if not unicodedata.combining(ch))
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._-")[:120]
    if not base.lower().endswith(".pdf"):
        base = (base or "document") + ".pdf"
    return base


def pdf_attachment(data: bytes, filename: str):
    """The PDF as a download: attachment, nosniff, and a sandbox CSP in case a browser opens it anyway."""
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
