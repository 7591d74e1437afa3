"""Screening of uploaded PDFs: every hostile kind refused in time with its message, honest files kept."""
from __future__ import annotations

import hashlib
import io
import resource
import shutil
import subprocess
import time

import hostile_pdfs as hostile
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms_app.core import pdfcheck
from forms_app.core.pdfcheck import PdfRefused, read_limited, screen_pdf

CAP = 300 * 1024
TIMEOUT_S = 5.0
N = "\u00a0"
SAVE = (
    "enregistrez le document en PDF sans mot de passe, sans pièce jointe ni script (par exemple avec "
    f"«{N}Imprimer > Enregistrer au format PDF{N}»), puis déposez-le à nouveau."
)
TOO_BIG = (
    f"Le fichier dépasse la taille maximale de 300{N}Ko{N}: réduisez-le (par exemple en l'enregistrant "
    f"en PDF «{N}taille réduite{N}») puis déposez-le à nouveau."
)
NOT_PDF = f"Ce fichier n'est pas un PDF, même si son nom se termine par .pdf{N}: ouvrez-le avec le logiciel qui l'a créé, {SAVE}"
ENCRYPTED = f"Ce PDF est protégé par un mot de passe ou chiffré{N}: {SAVE}"
NO_PAGE = f"Ce PDF ne contient aucune page{N}: repartez du document d'origine, {SAVE}"
DAMAGED = f"Ce fichier PDF est endommagé ou illisible{N}: vérifiez qu'il s'ouvre en entier sur votre poste, {SAVE}"
BOMB = f"Ce PDF contient des données compressées anormalement volumineuses{N}: {SAVE}"
TOO_COMPLEX = f"Ce PDF a une structure trop complexe pour être examiné{N}: {SAVE}"
TIMEOUT = f"L'examen du fichier a pris trop de temps, le document est sans doute trop complexe{N}: {SAVE}"


def active(contenu: str) -> str:
    """The refusal that names the active content found."""
    return f"Ce PDF contient {contenu}, que le portail refuse par sécurité{N}: {SAVE}"


HOSTILE = [
    ("chiffré avec mot de passe", hostile.encrypted, ENCRYPTED),
    ("chiffré sans mot de passe", hostile.encrypted_no_password, ENCRYPTED),
    ("JavaScript dans /Names", hostile.javascript_in_names, active("du JavaScript")),
    (
        "JavaScript en /OpenAction",
        hostile.openaction_javascript,
        active("du JavaScript et une action automatique à l'ouverture (OpenAction)"),
    ),
    ("JavaScript en /AA de page", hostile.page_aa, active("du JavaScript et des actions automatiques (AA)")),
    ("annotation /A JavaScript", hostile.annotation_javascript, active("du JavaScript")),
    ("JavaScript dans un flux d'objets", hostile.javascript_in_object_stream, active("du JavaScript")),
    (
        "noms codés en #xx",
        hostile.escaped_names,
        active("du JavaScript et une action automatique à l'ouverture (OpenAction)"),
    ),
    ("action Launch", hostile.launch_action, active("une action qui lance une application (Launch)")),
    ("action SubmitForm", hostile.submit_form, active("une action d'envoi de formulaire (SubmitForm)")),
    ("action GoToR", hostile.remote_goto, active("un lien qui ouvre un autre fichier (GoToR)")),
    ("lien javascript:", hostile.javascript_uri, active("du JavaScript")),
    ("lien vers un partage réseau", hostile.unc_uri, active("un lien vers un fichier local ou réseau (file:)")),
    ("annotation sonore", hostile.sound_annotation, active("du contenu multimédia (son, vidéo, 3D ou RichMedia)")),
    ("fichier incorporé", hostile.embedded_file, active("un fichier incorporé (EmbeddedFile)")),
    (
        "annotation pièce jointe",
        hostile.file_attachment_annotation,
        active("un fichier incorporé (EmbeddedFile) et une annotation avec pièce jointe (FileAttachment)"),
    ),
    ("formulaire XFA", hostile.xfa_form, active("un formulaire XFA")),
    ("aucune page", hostile.zero_pages, NO_PAGE),
    ("tronqué", hostile.truncated, DAMAGED),
    ("pas un PDF, nommé .pdf", hostile.not_a_pdf, NOT_PDF),
    ("déchets après l'en-tête", hostile.garbage_after_header, DAMAGED),
    ("arbre des pages en boucle", hostile.page_tree_loop, DAMAGED),
    ("arbre des pages en losanges (2^30 pages)", hostile.page_tree_diamond, DAMAGED),
    ("bombe de compression", hostile.compression_bomb, BOMB),
    ("bombe de compression à deux étages", hostile.nested_compression_bomb, BOMB),
    ("tableaux imbriqués 5 000 fois", hostile.deeply_nested_arrays, TOO_COMPLEX),
    ("dictionnaires imbriqués 3 000 fois", hostile.deeply_nested_dicts, TOO_COMPLEX),
    ("vide", lambda: b"", f"Le fichier déposé est vide{N}: choisissez le document à joindre puis déposez-le à nouveau."),
]


@pytest.mark.parametrize(("kind", "build", "message"), HOSTILE, ids=[kind for kind, _, _ in HOSTILE])
def test_hostile_pdf_is_refused_in_time_with_its_message(kind, build, message):
    data = build()
    assert len(data) <= CAP, "a hostile file over the cap would only test the size check"
    started = time.monotonic()
    with pytest.raises(PdfRefused) as refused:
        screen_pdf(data, max_bytes=CAP, timeout_s=TIMEOUT_S)
    assert time.monotonic() - started < TIMEOUT_S
    assert refused.value.message == message
    assert str(refused.value) == message


def test_honest_one_page_pdf_is_accepted_with_its_hash_and_page_count():
    data = hostile.valid_pdf()
    report = screen_pdf(data, max_bytes=CAP)
    assert report.pages == 1
    assert report.size == len(data)
    assert report.sha256 == hashlib.sha256(data).hexdigest()


KNOWN_REFUSALS = {ENCRYPTED, NO_PAGE, DAMAGED, BOMB, TOO_COMPLEX, TIMEOUT, NOT_PDF}


@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=8))
def test_a_damaged_honest_file_is_accepted_whole_or_refused_with_a_known_message(changes):
    data = bytearray(hostile.valid_pdf())
    for position, value in changes:
        data[position % len(data)] = value
    try:
        report = screen_pdf(bytes(data), max_bytes=CAP)
    except PdfRefused as refused:
        named = refused.message.startswith("Ce PDF contient ") and refused.message.endswith(SAVE)
        assert refused.message in KNOWN_REFUSALS or named
    else:
        assert report.pages == 1


def test_ordinary_web_link_is_accepted():
    assert screen_pdf(hostile.web_link(), max_bytes=CAP).pages == 1


def test_long_chain_of_references_is_walked_without_recursion_and_accepted():
    data = hostile.long_reference_chain()
    assert screen_pdf(data, max_bytes=CAP).pages == 1


@pytest.fixture
def no_child(monkeypatch):
    """Fail the test if a child process is started."""

    def refuse(*args, **kwargs):
        raise AssertionError("a child process was started")

    monkeypatch.setattr(pdfcheck.subprocess, "run", refuse)


def test_pdf_over_the_cap_is_refused_before_parsing(no_child):
    data = hostile.over_cap(CAP)
    assert len(data) == CAP + 1
    with pytest.raises(PdfRefused) as refused:
        screen_pdf(data, max_bytes=CAP)
    assert refused.value.message == TOO_BIG


def test_cap_is_stated_as_the_campaign_states_it(no_child):
    with pytest.raises(PdfRefused) as refused:
        screen_pdf(b"%PDF-" + bytes(2 * 1024 * 1024), max_bytes=2 * 1024 * 1024)
    assert f"taille maximale de 2{N}Mo{N}:" in refused.value.message


class EndlessUpload(io.RawIOBase):
    """An upload that never ends, counting what was read from it."""

    def __init__(self) -> None:
        self.delivered = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        buffer[:] = b"%" * len(buffer)
        self.delivered += len(buffer)
        return len(buffer)


def test_read_limited_refuses_an_upload_over_the_cap_after_reading_one_byte_more():
    upload = EndlessUpload()
    with pytest.raises(PdfRefused) as refused:
        read_limited(upload, CAP)
    assert refused.value.message == TOO_BIG
    assert upload.delivered == CAP + 1


@pytest.mark.parametrize("size", [0, 1, CAP - 1, CAP])
def test_read_limited_returns_an_upload_up_to_the_cap_whole(size):
    content = bytes(range(256)) * (size // 256 + 1)
    assert read_limited(io.BytesIO(content[:size]), CAP) == content[:size]


def test_a_header_later_than_the_first_byte_is_not_a_pdf(no_child):
    with pytest.raises(PdfRefused) as refused:
        screen_pdf(b"<html>" + hostile.valid_pdf(), max_bytes=CAP)
    assert refused.value.message == NOT_PDF


def test_slow_examination_is_killed_at_the_wall_clock_limit():
    # 50 ms is less than the interpreter needs to start: the parent must kill it and say so.
    started = time.monotonic()
    with pytest.raises(PdfRefused) as refused:
        screen_pdf(hostile.valid_pdf(), max_bytes=CAP, timeout_s=0.05)
    assert refused.value.message == TIMEOUT
    assert time.monotonic() - started < 1.0


def test_memory_limit_applies_to_the_child_and_a_starved_child_refuses():
    # 16 Mo of address space is too little to load pypdf: proof the limit is set, and that a child
    # dying without a verdict never counts as an acceptance.
    with pytest.raises(PdfRefused) as refused:
        screen_pdf(hostile.valid_pdf(), max_bytes=CAP, memory_mb=16)
    assert refused.value.message == TOO_COMPLEX


def children_cpu_seconds() -> float:
    """User and system time of the child processes waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def test_one_screening_of_an_honest_page_stays_well_under_a_second():
    data = hostile.valid_pdf()
    screen_pdf(data, max_bytes=CAP)  # warm the file cache
    # CPU time, not wall time: the cost of a screening, whatever else the machine is running.
    before = children_cpu_seconds()
    screen_pdf(data, max_bytes=CAP)
    assert children_cpu_seconds() - before < 0.5


CHROMIUM = shutil.which("chromium")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_a_page_printed_to_pdf_by_chromium_is_accepted(tmp_path):
    page = tmp_path / "rapport.html"
    page.write_text(
        '<!doctype html><html lang="fr"><meta charset="utf-8"><title>Rapport</title>'
        '<h1>Rapport de rendez-vous de carrière</h1><p><a href="https://exemple.fr/">Un lien</a>, '
        '<a href="#suite">une ancre</a>.</p><h2 id="suite">Suite</h2>',
        encoding="utf-8",
    )
    printed = tmp_path / "rapport.pdf"
    subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--print-to-pdf={printed}", "--no-pdf-header-footer", "--generate-pdf-document-outline",
            page.as_uri(),
        ],
        check=True, capture_output=True, timeout=60,
    )
    assert screen_pdf(printed.read_bytes(), max_bytes=CAP).pages == 1


@pytest.mark.parametrize("filename, start", [
    ("rapport.docx", "Le fichier «\u00a0rapport.docx\u00a0» n'est pas un PDF\u00a0:"),
    ("C:\\Mes documents\\scan.png", "Le fichier «\u00a0scan.png\u00a0» n'est pas un PDF\u00a0:"),
    ("rapport.PDF", "Ce fichier n'est pas un PDF, même si son nom se termine par .pdf\u00a0:"),
    ("", "Ce fichier n'est pas un PDF, même si son nom se termine par .pdf\u00a0:"),
])
def test_a_file_that_is_no_pdf_is_named_as_uploaded(no_child, filename, start):
    with pytest.raises(PdfRefused) as refused:
        screen_pdf(b"PK\x03\x04", max_bytes=1024, filename=filename)
    assert refused.value.message.startswith(start)
