"""Documents of the app as PDF: an HTML page of the project rendered by WeasyPrint, with nothing fetched."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PdfRendu:
    data: bytes
    pages: int
    sha256: str


def _no_fetch(url: str, *args, **kwargs):
    """The document needs nothing from outside: any URL in it is refused."""
    raise ValueError(f"ressource externe refusée : {url[:80]}")


def html_to_pdf(html: str, stylesheets: list[Path]) -> PdfRendu:
    """Render the page (A4 and the rest from the stylesheets' @page and @media print rules)."""
    import weasyprint  # its import costs ≈ 0.3 s: only when a PDF is asked for

    document = weasyprint.HTML(string=html, url_fetcher=_no_fetch).render(
        stylesheets=[weasyprint.CSS(filename=str(path)) for path in stylesheets])
    data = document.write_pdf()
    return PdfRendu(data, len(document.pages), hashlib.sha256(data).hexdigest())
