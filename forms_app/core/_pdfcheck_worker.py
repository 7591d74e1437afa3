"""Examine one PDF read from stdin under resource limits and print the verdict as one JSON line."""
# Run as a script, never imported through the package: `python -I forms_app/_pdfcheck_worker.py
# MEMORY_MB CPU_S`. Importing forms_app would load Flask and double the start-up cost, and -I keeps
# the environment and the current folder out of the import path.
#
# Verdicts: {"pages": N} when nothing was found, {"refused": CODE, "found": [...]} otherwise.
# The parent (forms_app.core.pdfcheck) owns the French wording; this side only names what it saw.
from __future__ import annotations

import io
import json
import logging
import resource
import sys
import warnings
import zlib
from typing import Any

# A 300 Ko upload that inflates past this (over 200 to 1) is a bomb, not a rapport d'inspection
# (two A4 pages scanned in colour at 300 dpi, stored as deflated raw pixels, still fit).
# Inflating costs about half a second per 100 Mo here: the budget also bounds the time spent.
INFLATE_BUDGET = 64 * 1024 * 1024
# Any single stream decoded by pypdf itself (filter chains, LZW…) stops here.
STREAM_LIMIT = 32 * 1024 * 1024
# Objects visited from the trailer; an honest 300 Ko file has a few thousand.
NODE_BUDGET = 200_000
# Arrays and dictionaries written inside one another in a single object; real files stay under ten,
# and viewers with recursive parsers crash on thousands.
MAX_DIRECT_DEPTH = 64
INFLATE_CHUNK = 1024 * 1024
EOF_WINDOW = 1024

EXIT_NO_PYPDF = 3

ACTIVE_KEYS = {
    "/JS": "javascript",
    "/JavaScript": "javascript",
    "/OpenAction": "openaction",
    "/AA": "aa",
    "/EmbeddedFiles": "embedded",
    "/EF": "embedded",
    "/XFA": "xfa",
    "/RichMediaContent": "richmedia",
    "/RichMediaSettings": "richmedia",
}
ACTION_TYPES = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/SubmitForm": "submitform",
    "/ImportData": "importdata",
    "/GoToR": "remote",
    "/GoToE": "remote",
    "/RichMediaExecute": "richmedia",
    "/Rendition": "richmedia",
    "/Movie": "richmedia",
    "/Sound": "richmedia",
}
SUBTYPES = {
    "/FileAttachment": "fileattachment",
    "/RichMedia": "richmedia",
    "/Screen": "richmedia",
    "/Movie": "richmedia",
    "/Sound": "richmedia",
    "/3D": "richmedia",
}
# A /URI action is an ordinary link, unless its address runs a script or opens a local or shared file.
URI_SCHEMES = {"javascript:": "javascript", "file:": "file_uri", "\\\\": "file_uri"}
TYPES = {"/EmbeddedFile": "embedded"}
PLAIN_STREAM_FILTERS = {"/FlateDecode", "/LZWDecode", "/RunLengthDecode", "/ASCII85Decode", "/ASCIIHexDecode"}


class Refusal(Exception):
    """A verdict other than acceptance, with the codes of what was found."""

    def __init__(self, code: str, found: list[str] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.found = found or []


def lock_down(memory_mb: int, cpu_s: int) -> None:
    """Cap address space and CPU time; forbid writing files and core dumps."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # SIGXCPU at the soft limit, SIGKILL one second later if it is ignored.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def configure_pypdf(pypdf: Any) -> None:
    """Tighten pypdf's own limits and never let it run an external decoder."""
    pypdf.overwrite_configuration(
        zlib_maximum_output_length=STREAM_LIMIT,
        lzw_maximum_output_length=STREAM_LIMIT,
        run_length_maximum_output_length=STREAM_LIMIT,
        brotli_maximum_output_length=STREAM_LIMIT,
        jbig2_maximum_output_length=STREAM_LIMIT,
        maximum_declared_stream_length=STREAM_LIMIT,
        array_based_stream_maximum_output_length=STREAM_LIMIT,
        image_maximum_buffer_size=STREAM_LIMIT,
        jbig2dec_binary=None,
    )


def name_of(value: Any) -> str | None:
    """The name a dictionary value holds, resolving one indirection."""
    if hasattr(value, "get_object"):
        value = value.get_object()
    return str(value) if isinstance(value, str) and str(value).startswith("/") else None


def uri_findings(value: Any) -> set[str]:
    """What a link address does, when it does more than open a web page."""
    if hasattr(value, "get_object"):
        value = value.get_object()
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return set()
    # Browsers drop leading blanks and control characters before reading the scheme; so do we.
    address = "".join(char for char in value if ord(char) > 32).lower()
    return {code for prefix, code in URI_SCHEMES.items() if address.startswith(prefix)}


def walk(trailer: Any) -> tuple[set[str], list[Any]]:
    """Visit every object reachable from the trailer without recursion; return findings and streams."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    found: set[str] = set()
    streams: list[Any] = []
    seen: set[tuple[int, int]] = set()
    todo: list[tuple[Any, int]] = [(trailer, 0)]
    budget = NODE_BUDGET
    while todo:
        budget -= 1
        node, depth = todo.pop()
        if budget < 0 or depth > MAX_DIRECT_DEPTH:
            raise Refusal("too_complex")
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                continue
            seen.add(ref)
            node, depth = node.get_object(), 0
        if isinstance(node, DictionaryObject):
            for key, value in dict.items(node):
                if key in ACTIVE_KEYS:
                    found.add(ACTIVE_KEYS[key])
                todo.append((value, depth + 1))
            for key, table in (("/S", ACTION_TYPES), ("/Subtype", SUBTYPES), ("/Type", TYPES)):
                name = name_of(dict.get(node, key))
                if name in table:
                    found.add(table[name])
            if name_of(dict.get(node, "/S")) == "/URI":
                found.update(uri_findings(dict.get(node, "/URI")))
            if isinstance(node, StreamObject):
                streams.append(node)
        elif isinstance(node, ArrayObject):
            todo.extend((item, depth + 1) for item in list.__iter__(node))
    return found, streams


def count_pages(root: Any) -> int:
    """Count the leaves of the page tree, refusing a node reached twice (a loop, or a diamond that
    would make a reader that flattens the tree, pypdf included, list 2^n pages)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    todo: list[Any] = [dict.get(root, "/Pages")]
    seen: set[tuple[int, int]] = set()
    pages = 0
    while todo:
        node = todo.pop()
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                raise Refusal("damaged")
            seen.add(ref)
            node = node.get_object()
        if len(seen) > NODE_BUDGET:
            raise Refusal("too_complex")
        if not isinstance(node, DictionaryObject):
            continue  # a missing kid: viewers skip it
        kids = dict.get(node, "/Kids")
        if hasattr(kids, "get_object"):
            kids = kids.get_object()
        if isinstance(kids, ArrayObject):
            todo.extend(list.__iter__(kids))
        elif name_of(dict.get(node, "/Type")) != "/Pages":
            pages += 1
    return pages


def filter_names(stream: Any) -> list[str]:
    """The stream's filters as a list of names (empty when it is stored as is)."""
    filters = stream.get("/Filter")
    if filters is None:
        return []
    if hasattr(filters, "get_object"):
        filters = filters.get_object()
    if isinstance(filters, list):
        return [name_of(item) or "" for item in filters]
    return [name_of(filters) or ""]


def inflated_size(raw: bytes, budget: int) -> int:
    """Count what a Flate stream inflates to, chunk by chunk, stopping past the budget."""
    inflater = zlib.decompressobj()
    total = 0
    pending = raw
    while pending and total <= budget:
        try:
            chunk = inflater.decompress(pending, INFLATE_CHUNK)
        except zlib.error:
            # pypdf's own decoder repairs common tail damage; let it judge.
            return -1
        total += len(chunk)
        pending = inflater.unconsumed_tail
        if inflater.eof:
            break
    return total


def check_streams(streams: list[Any]) -> None:
    """Refuse when the streams decode to more than the budget, or cannot be decoded at all."""
    from pypdf.filters import decode_stream_data

    budget = INFLATE_BUDGET
    for stream in streams:
        filters = filter_names(stream)
        if not filters or filters[0] not in PLAIN_STREAM_FILTERS:
            continue  # stored as is, or image data (JPEG, JBIG2…) left to the viewer
        size = -1
        if filters == ["/FlateDecode"] and "/DecodeParms" not in stream:
            size = inflated_size(stream._data, budget)
        if size < 0:
            try:
                size = len(decode_stream_data(stream))
            except MemoryError:
                raise Refusal("bomb") from None
            except Exception as error:  # noqa: BLE001 - any decoder failure is a verdict
                if type(error).__name__ == "LimitReachedError":
                    raise Refusal("bomb") from None
                if filters[-1] not in PLAIN_STREAM_FILTERS:
                    continue  # an image filter pypdf cannot run here; not ours to judge
                raise Refusal("damaged") from None
        budget -= size
        if budget < 0:
            raise Refusal("bomb")


def examine(data: bytes) -> dict[str, Any]:
    """Parse the PDF and return the verdict."""
    import pypdf

    configure_pypdf(pypdf)
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise Refusal("damaged")  # truncated: pypdf would rebuild what it can, we would not store it
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise Refusal("encrypted")
        root = reader.trailer["/Root"]
        if not isinstance(root, pypdf.generic.DictionaryObject):
            raise Refusal("damaged")
        pages = count_pages(root)
        if pages == 0:
            raise Refusal("no_page")
        found, streams = walk(reader.trailer)
        if found:
            raise Refusal("active", sorted(found))
        check_streams(streams)
    except (Refusal, MemoryError):
        raise
    except Exception as error:  # noqa: BLE001 - whatever pypdf cannot read is a damaged file
        raise Refusal("too_complex" if hit_a_limit(error) else "damaged") from None
    return {"pages": pages}


def hit_a_limit(error: BaseException) -> bool:
    """Whether a pypdf failure comes from a limit (its own, or Python's recursion depth)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, RecursionError) or type(current).__name__ == "LimitReachedError":
            return True
        current = current.__cause__ or current.__context__
    return False


def main(argv: list[str]) -> int:
    """Lock down, read stdin, print one verdict."""
    lock_down(int(argv[1]), int(argv[2]))
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    try:
        import pypdf  # noqa: F401 - fail early and distinctly when the dependency is missing
    except ImportError:
        return EXIT_NO_PYPDF
    data = sys.stdin.buffer.read()
    try:
        verdict = examine(data)
    except Refusal as refusal:
        verdict = {"refused": refusal.code, "found": refusal.found}
    except MemoryError:
        verdict = {"refused": "too_complex", "found": []}
    sys.stdout.write(json.dumps(verdict) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
