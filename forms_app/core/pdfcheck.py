"""Screen uploaded PDFs: size, header, then a parse in a locked-down child process."""
from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

WORKER = Path(__file__).resolve().with_name("_pdfcheck_worker.py")
EXIT_NO_PYPDF = 3  # the worker's exit status when pypdf cannot be imported
# Viewers tolerate junk before the header; we do not, so a file cannot be two formats at once.
MAGIC = b"%PDF-"
READ_CHUNK = 64 * 1024

NBSP = "\u00a0"
HOW_TO_SAVE = (
    f"enregistrez le document en PDF sans mot de passe, sans pièce jointe ni script (par exemple avec "
    f"«{NBSP}Imprimer > Enregistrer au format PDF{NBSP}»), puis déposez-le à nouveau."
)

MSG_TOO_BIG = (
    f"Le fichier dépasse la taille maximale de {{taille}}{NBSP}: réduisez-le (par exemple en l'enregistrant "
    f"en PDF «{NBSP}taille réduite{NBSP}») puis déposez-le à nouveau."
)
MSG_EMPTY = f"Le fichier déposé est vide{NBSP}: choisissez le document à joindre puis déposez-le à nouveau."
MSG_NOT_PDF = (
    f"Ce fichier n'est pas un PDF, même si son nom se termine par .pdf{NBSP}: ouvrez-le avec le logiciel "
    f"qui l'a créé, {HOW_TO_SAVE}"
)
MSG_NOT_PDF_NAMED = (
    f"Le fichier «{NBSP}{{nom}}{NBSP}» n'est pas un PDF{NBSP}: ouvrez-le avec le logiciel qui l'a créé, "
    f"{HOW_TO_SAVE}"
)
MSG_ENCRYPTED = f"Ce PDF est protégé par un mot de passe ou chiffré{NBSP}: {HOW_TO_SAVE}"
MSG_NO_PAGE = f"Ce PDF ne contient aucune page{NBSP}: repartez du document d'origine, {HOW_TO_SAVE}"
MSG_ACTIVE = f"Ce PDF contient {{contenu}}, que le portail refuse par sécurité{NBSP}: {HOW_TO_SAVE}"
MSG_DAMAGED = (
    f"Ce fichier PDF est endommagé ou illisible{NBSP}: vérifiez qu'il s'ouvre en entier sur votre poste, "
    f"{HOW_TO_SAVE}"
)
MSG_BOMB = f"Ce PDF contient des données compressées anormalement volumineuses{NBSP}: {HOW_TO_SAVE}"
MSG_TOO_COMPLEX = f"Ce PDF a une structure trop complexe pour être examiné{NBSP}: {HOW_TO_SAVE}"
MSG_TIMEOUT = (
    f"L'examen du fichier a pris trop de temps, le document est sans doute trop complexe{NBSP}: "
    f"{HOW_TO_SAVE}"
)

# What the worker may find, in the order a message lists it.
ACTIVE_CONTENT = {
    "javascript": "du JavaScript",
    "openaction": "une action automatique à l'ouverture (OpenAction)",
    "aa": "des actions automatiques (AA)",
    "launch": "une action qui lance une application (Launch)",
    "remote": "un lien qui ouvre un autre fichier (GoToR)",
    "file_uri": "un lien vers un fichier local ou réseau (file:)",
    "submitform": "une action d'envoi de formulaire (SubmitForm)",
    "importdata": "une action d'import de données (ImportData)",
    "embedded": "un fichier incorporé (EmbeddedFile)",
    "fileattachment": "une annotation avec pièce jointe (FileAttachment)",
    "xfa": "un formulaire XFA",
    "richmedia": "du contenu multimédia (son, vidéo, 3D ou RichMedia)",
}
REFUSALS = {
    "encrypted": MSG_ENCRYPTED,
    "no_page": MSG_NO_PAGE,
    "damaged": MSG_DAMAGED,
    "bomb": MSG_BOMB,
    "too_complex": MSG_TOO_COMPLEX,
}


class PdfRefused(Exception):
    """An upload the portal will not store; message is French, for the person who sent it."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class PdfReport:
    """An accepted PDF: its SHA-256 (hex), its page count and its size in bytes."""

    sha256: str
    pages: int
    size: int


def taille(max_bytes: int) -> str:
    """300 Ko, 2 Mo: the cap as the campaign file states it (1 Ko = 1024 octets)."""
    if max_bytes % (1024 * 1024) == 0:
        return f"{max_bytes // (1024 * 1024)}{NBSP}Mo"
    if max_bytes % 1024 == 0:
        return f"{max_bytes // 1024}{NBSP}Ko"
    return f"{max_bytes}{NBSP}octets"


def too_big(max_bytes: int) -> PdfRefused:
    """The refusal for a file over the cap."""
    return PdfRefused(MSG_TOO_BIG.format(taille=taille(max_bytes)), "too_big")


def read_limited(stream: BinaryIO, max_bytes: int) -> bytes:
    """Read at most max_bytes + 1 bytes; refuse the upload when there is more than max_bytes."""
    parts: list[bytes] = []
    remaining = max_bytes + 1
    while remaining > 0:
        chunk = stream.read(min(READ_CHUNK, remaining))
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    if remaining <= 0:
        raise too_big(max_bytes)
    return b"".join(parts)


def french_list(items: list[str]) -> str:
    """a, b et c"""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def active_message(found: list[str]) -> str:
    """Name what was found, in a fixed order."""
    labels = [label for code, label in ACTIVE_CONTENT.items() if code in found]
    return MSG_ACTIVE.format(contenu=french_list(labels or ["du contenu actif"]))


def child_environment() -> dict[str, str]:
    """Nothing from the server's environment but what the interpreter may need to load."""
    return {key: os.environ[key] for key in ("LD_LIBRARY_PATH",) if key in os.environ}


def run_worker(data: bytes, timeout_s: float, memory_mb: int) -> dict:
    """Parse data in a fresh interpreter under limits; return its verdict or raise PdfRefused."""
    cpu_s = max(1, math.ceil(timeout_s))
    command = [sys.executable, "-I", str(WORKER), str(memory_mb), str(cpu_s)]
    try:
        done = subprocess.run(
            command,
            input=data,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            timeout=timeout_s,
            env=child_environment(),
            check=False,
        )
    except subprocess.TimeoutExpired:
        # run() has already killed and reaped the child.
        raise PdfRefused(MSG_TIMEOUT, "timeout") from None
    if done.returncode == EXIT_NO_PYPDF:
        raise RuntimeError("pdfcheck: the worker cannot import pypdf; check the installation")
    if done.returncode < 0:
        # Killed by a signal: SIGXCPU or SIGKILL from the CPU limit.
        raise PdfRefused(MSG_TIMEOUT, "timeout")
    try:
        verdict = json.loads(done.stdout.decode("utf-8").strip().splitlines()[-1])
    except (UnicodeDecodeError, ValueError, IndexError):
        # The child died without a verdict: out of memory in a place it could not report.
        raise PdfRefused(MSG_TOO_COMPLEX, "too_complex") from None
    return verdict


def not_pdf(filename: str = "") -> PdfRefused:
    """The refusal for a file that is no PDF, in words that fit its name (« rapport.docx » is not one)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()[:80]
    if name and not name.lower().endswith(".pdf"):
        return PdfRefused(MSG_NOT_PDF_NAMED.format(nom=name), "not_pdf")
    return PdfRefused(MSG_NOT_PDF, "not_pdf")


def screen_pdf(
    data: bytes, *, max_bytes: int, timeout_s: float = 5.0, memory_mb: int = 256, filename: str = ""
) -> PdfReport:
    """Accept a PDF fit to store, or raise PdfRefused saying why and what to do (filename: as uploaded,
    for the wording of a refusal)."""
    if len(data) > max_bytes:
        raise too_big(max_bytes)
    if not data:
        raise PdfRefused(MSG_EMPTY, "empty")
    if not data.startswith(MAGIC):
        raise not_pdf(filename)
    verdict = run_worker(data, timeout_s, memory_mb)
    code = verdict.get("refused")
    if code == "active":
        found = [str(item) for item in verdict.get("found", [])]
        log.info("PDF refused: active content %s", ", ".join(found))
        raise PdfRefused(active_message(found), "active")
    if code is not None:
        log.info("PDF refused: %s", code)
        raise PdfRefused(REFUSALS.get(str(code), MSG_DAMAGED), str(code))
    pages = verdict.get("pages")
    if not isinstance(pages, int) or pages < 1:
        raise PdfRefused(MSG_DAMAGED, "damaged")
    return PdfReport(sha256=hashlib.sha256(data).hexdigest(), pages=pages, size=len(data))
