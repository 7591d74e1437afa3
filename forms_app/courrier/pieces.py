"""PDF attachments of messages: read and screen the uploads of a form, before anything is written."""
from __future__ import annotations

from dataclasses import dataclass

from ..core.fichiers import safe_filename
from ..core.pdfcheck import PdfRefused, PdfReport, read_limited, screen_pdf, taille

NBSP = "\u00a0"
MAX_PIECES = 3
MAX_BYTES = 300 * 1024  # as the pièces jointes of the demandes (seed 000: « taille max 300 Ko »)
CONSIGNE = f"PDF de {taille(MAX_BYTES)} au plus chacun, {MAX_PIECES} fichiers au plus"
MSG_TROP = f"Joignez {MAX_PIECES} fichiers au plus{NBSP}: vous en avez choisi {{n}}. Retirez-en puis renvoyez."
MSG_NON_PDF = (
    f"«{NBSP}{{nom}}{NBSP}» n'est pas un PDF{NBSP}: enregistrez le document au format PDF (par exemple avec "
    f"«{NBSP}Imprimer > Enregistrer au format PDF{NBSP}») puis joignez-le à nouveau."
)


@dataclass(frozen=True)
class PieceRecue:
    """An upload that passed the screening: what will be stored."""

    filename: str
    data: bytes
    report: PdfReport


class PiecesRefusees(Exception):
    """The uploads cannot be accepted; message is French and names the file."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status  # 413 for a file over the size limit


def lire_pieces(uploads, *, maximum: int = MAX_PIECES) -> list[PieceRecue]:
    """Screen every chosen file (empty file inputs are no choice); refuse them all at the first bad one."""
    chosen = [u for u in uploads if u is not None and getattr(u, "filename", "")]
    if len(chosen) > maximum:
        raise PiecesRefusees(MSG_TROP.format(n=len(chosen)))
    pieces = []
    for upload in chosen:
        name = safe_filename(upload.filename)
        try:
            data = read_limited(upload.stream, MAX_BYTES)
            report = screen_pdf(data, max_bytes=MAX_BYTES)
        except PdfRefused as exc:
            if exc.code == "not_pdf":
                raise PiecesRefusees(MSG_NON_PDF.format(nom=upload.filename[:120])) from None
            reason = exc.message[:1].lower() + exc.message[1:]  # after a colon, French goes on in lower case
            raise PiecesRefusees(f"«{NBSP}{upload.filename[:120]}{NBSP}»{NBSP}: {reason}",
                                 413 if exc.code == "too_big" else 400) from None
        pieces.append(PieceRecue(name, data, report))
    return pieces
