"""Uploaded PDFs made safe to open: bounded inspection; active content refused or removed (ADR 0024).

Every PDF that enters the platform from outside (an applicant's upload, a supplement, a counter
scan) passes ``make_safe`` before it is stored, and every PDF sent to the public verifier passes
``check_limits`` before pyHanko reads it. Both work on qpdf's reading of the file (pikepdf) and
never inflate a stream into memory to measure it.

**Bounds** (settings ``MOTCUA_PDF_MAX_PAGES``, ``MOTCUA_PDF_MAX_OBJECTS``,
``MOTCUA_PDF_MAX_DECODED_MB``), checked in this order so that no step does unbounded work:

1. the size, before anything is parsed (``storage``: ``MOTCUA_UPLOAD_MAX_MB`` while streaming);
2. the number of objects in the cross-reference table, before any is resolved;
3. the object streams' decoded size, counted by our own bounded decoders before qpdf inflates
   them to resolve the objects inside. What qpdf must decode to open the file at all (the
   cross-reference streams, and the object streams holding the catalog and page tree) is bounded
   by its own cap, ``QPDF_STREAM_LIMIT``, set process-wide for Flate, RunLength and predictors;
4. the pages (qpdf lists them on opening, and refuses a page tree that loops or revisits a node);
5. every stream's decoded size, added up against one budget for the document. Flate, LZW and
   RunLength are decoded in chunks and only counted; a filter feeding another (Flate inside
   Flate) keeps at most ``MAX_INTERMEDIATE`` bytes; image codecs (JPEG, JPEG 2000, JBIG2, CCITT)
   are not decoded, their images' declared size is bounded instead (``MAX_IMAGE_PIXELS``).

**Active content**, found anywhere in the file (reachable or not, direct or indirect objects):

- *refused*, signed or not: Launch actions, embedded files (and file-attachment annotations),
  XFA forms, multimedia and 3D (RichMedia, Screen, Movie, Sound, 3D annotations; Rendition and
  RichMediaExecute actions). Removing them would change what the document shows or is;
- *removed* from an unsigned file: JavaScript (actions, the document's JavaScript name tree,
  ``javascript:`` links), the OpenAction when it is an action rather than a page to show,
  additional actions (``/AA``) everywhere, and actions that send or import form data or open
  another file (SubmitForm, ImportData, GoToR, GoToE). The file is rewritten by qpdf, read again
  and must come out clean, or it is refused;
- a *signed* file is never rewritten (that breaks its signature): with anything of the second
  kind it is refused, naming what it holds; without, it is kept byte for byte.

An unsigned file that qpdf had to repair (a damaged cross-reference table, wrong lengths) is
rewritten from qpdf's reading even when nothing was removed, so the official's reader gets the
structure that was checked rather than its own guess at a damaged one.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import pikepdf
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.errors import MotcuaError
from motcua.documents.errors import DocumentErrorCode
from motcua.documents.pdf_filters import Budget, TooMuchData, decoded_size

logger = logging.getLogger(__name__)

MiB = 1024 * 1024
# an A4 page scanned at 600 dpi is 35 million pixels; A0 at 300 dpi 140 million
MAX_IMAGE_PIXELS = 250_000_000
# what qpdf itself may decode in one stream (it inflates cross-reference and object streams to
# read the file); process-wide, set once when the documents app starts
QPDF_STREAM_LIMIT = 64 * MiB


class Finding(StrEnum):
    JAVASCRIPT = "javascript"
    OPEN_ACTION = "open_action"
    ADDITIONAL_ACTIONS = "additional_actions"
    DATA_ACTIONS = "data_actions"
    LAUNCH = "launch"
    EMBEDDED_FILES = "embedded_files"
    XFA = "xfa"
    MULTIMEDIA = "multimedia"


# removed from an unsigned file; a signed one holding any is refused
REMOVABLE = frozenset(
    {Finding.JAVASCRIPT, Finding.OPEN_ACTION, Finding.ADDITIONAL_ACTIONS, Finding.DATA_ACTIONS}
)
# refused whoever signed the file
ALWAYS_REFUSED = frozenset(Finding) - REMOVABLE

LABELS: dict[Finding, Promise] = {
    Finding.JAVASCRIPT: gettext_lazy("JavaScript code"),
    Finding.OPEN_ACTION: gettext_lazy("an action that runs when the file is opened (OpenAction)"),
    Finding.ADDITIONAL_ACTIONS: gettext_lazy(
        "actions that run by themselves on pages, fields or annotations (AA)"
    ),
    Finding.DATA_ACTIONS: gettext_lazy("actions that send or import form data or open other files"),
    Finding.LAUNCH: gettext_lazy("a command that starts a program or opens another file (Launch)"),
    Finding.EMBEDDED_FILES: gettext_lazy("files embedded inside it"),
    Finding.XFA: gettext_lazy("an XFA form"),
    Finding.MULTIMEDIA: gettext_lazy("multimedia or 3D content (Flash, video, sound)"),
}

_ACTIONS: dict[str, Finding] = {
    "/JavaScript": Finding.JAVASCRIPT,
    "/Launch": Finding.LAUNCH,
    "/SubmitForm": Finding.DATA_ACTIONS,
    "/ImportData": Finding.DATA_ACTIONS,
    "/GoToR": Finding.DATA_ACTIONS,
    "/GoToE": Finding.DATA_ACTIONS,
    "/Rendition": Finding.MULTIMEDIA,
    "/Movie": Finding.MULTIMEDIA,
    "/Sound": Finding.MULTIMEDIA,
    "/RichMediaExecute": Finding.MULTIMEDIA,
}
_ANNOTATIONS: dict[str, Finding] = {
    "/FileAttachment": Finding.EMBEDDED_FILES,
    "/RichMedia": Finding.MULTIMEDIA,
    "/Screen": Finding.MULTIMEDIA,
    "/Movie": Finding.MULTIMEDIA,
    "/Sound": Finding.MULTIMEDIA,
    "/3D": Finding.MULTIMEDIA,
}


def labels(findings: Any) -> str:
    """The findings as the applicant reads them, in a stable order."""
    return ", ".join(str(LABELS[Finding(f)]) for f in sorted(findings, key=list(Finding).index))


class PdfRefused(MotcuaError):
    """The PDF is not accepted; ``findings`` names the active content that made it so (empty
    when a bound, a password or damage did)."""

    code = DocumentErrorCode.PDF_REFUSED

    def __init__(self, message: str, *, findings: frozenset[Finding] = frozenset(), reason: str = "") -> None:
        super().__init__(message)
        self.findings = findings
        self.reason = reason or ("active_content" if findings else "unreadable")


@dataclass(frozen=True)
class Limits:
    max_pages: int
    max_objects: int
    max_decoded: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_pages=settings.MOTCUA_PDF_MAX_PAGES,
            max_objects=settings.MOTCUA_PDF_MAX_OBJECTS,
            max_decoded=settings.MOTCUA_PDF_MAX_DECODED_BYTES,
        )


@dataclass(frozen=True)
class Inspection:
    pages: int
    objects: int
    decoded: int  # bytes, all streams decoded by the general filters
    signed: bool
    repaired: bool  # qpdf had to recover a damaged structure
    findings: frozenset[Finding]


@dataclass(frozen=True)
class Outcome:
    """What ``make_safe`` did: ``rewritten`` when the stored bytes differ from the upload."""

    rewritten: bool
    removed: tuple[str, ...]  # Finding values, in ``Finding`` order
    signed: bool


def install_qpdf_limits() -> None:
    """qpdf's process-wide caps on its own decoding (the documents app calls this at start)."""
    pikepdf.settings.set_qpdf_limits(
        flate_max_memory=QPDF_STREAM_LIMIT,
        run_length_max_memory=QPDF_STREAM_LIMIT,
        png_max_memory=QPDF_STREAM_LIMIT,
        tiff_max_memory=QPDF_STREAM_LIMIT,
        dct_max_memory=QPDF_STREAM_LIMIT,
    )


def _too_much_data(limit: int) -> PdfRefused:
    return PdfRefused(
        _(
            "The PDF holds more than %(mb)d MB of data once decompressed, which the platform does "
            "not accept. Save it again with ordinary compression (for example with “Print to PDF”) "
            "and upload it again."
        )
        % {"mb": limit // MiB},
        reason="decompressed_size",
    )


# --- Walking the file ------------------------------------------------------------------------------


_DICTIONARY = pikepdf.ObjectType.dictionary
_STREAM = pikepdf.ObjectType.stream
_ARRAY = pikepdf.ObjectType.array
# Names and words that may make an object active content (or a signature, an image): an object
# whose serialisation by qpdf holds none of them is not walked key by key. qpdf writes names in
# their canonical form (``/J#61vaScript`` comes out as ``/JavaScript``); a ``javascript:`` link is
# found through its ``/URI`` key, whatever the string's encoding.
_WORTH_A_LOOK = re.compile(
    rb"/(JS|AA|OpenAction|JavaScript|Launch|SubmitForm|ImportData|GoToR|GoToE|Rendition|Movie|Sound"
    rb"|RichMedia|RichMediaExecute|XFA|EmbeddedFiles?|EF|FileAttachment|Screen|3D|URI|ByteRange|Image)\b"
)


def _kind(value: Any) -> pikepdf.ObjectType | None:
    """The object type of a container (dictionary, stream, array); None for anything else."""
    if type(value) is not pikepdf.Object:  # Python scalars (int, bool, Decimal) come out as such
        return None
    kind = value._type_code
    return kind if kind in (_DICTIONARY, _STREAM, _ARRAY) else None


def _containers(pdf: pikepdf.Pdf) -> Iterator[tuple[pikepdf.Object, pikepdf.ObjectType]]:
    for top in pdf.objects:
        kind = _kind(top)
        if kind is not None:
            yield top, kind


def _within(top: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """``top`` (a dictionary or stream) and the direct dictionaries inside it. A caller may
    change a dictionary before its children are read."""
    stack = [top]
    while stack:
        current = stack.pop()
        if current._type_code == _ARRAY:
            children = list(current)
        else:
            yield current
            children = list(current.values())
        stack.extend(c for c in children if _kind(c) is not None and not c.is_indirect)


def _dictionaries(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """Every dictionary and stream of the file: each indirect object once, and the direct
    dictionaries inside it."""
    for top, kind in _containers(pdf):
        if kind == _ARRAY:
            for child in top:
                if _kind(child) is not None and not child.is_indirect:
                    yield from _within(child)
        else:
            yield from _within(top)


def _serialised(top: pikepdf.Object, kind: pikepdf.ObjectType) -> bytes:
    """qpdf's serialisation of an object (a stream's dictionary, not its data)."""
    target = top.stream_dict if kind == _STREAM else top
    return bytes(target.unparse(resolved=True))


def _string(value: Any) -> str:
    try:
        return str(value) if isinstance(value, pikepdf.String) else ""
    except UnicodeDecodeError:
        return ""


def _action_finding(item: pikepdf.Object) -> Finding | None:
    """What an action dictionary does, when that is active content."""
    kind = item.get("/S")
    if isinstance(kind, pikepdf.Name):
        found = _ACTIONS.get(str(kind))
        if found is not None:
            return found
        if str(kind) == "/URI" and _string(item.get("/URI")).strip().lower().startswith("javascript:"):
            return Finding.JAVASCRIPT
    if "/JS" in item:
        return Finding.JAVASCRIPT
    return None


def _benign_open_action(value: Any) -> bool:
    """An OpenAction that only shows a page: a destination, or a GoTo action with nothing next."""
    if isinstance(value, pikepdf.Array):
        return True
    return (
        isinstance(value, pikepdf.Dictionary)
        and value.get("/S") == pikepdf.Name.GoTo
        and "/Next" not in value
    )


def _findings_in(item: pikepdf.Object) -> set[Finding]:
    found: set[Finding] = set()
    keys = set(item.keys())
    action = _action_finding(item)
    if action is not None:
        found.add(action)
    if "/AA" in keys:
        found.add(Finding.ADDITIONAL_ACTIONS)
    if "/OpenAction" in keys and not _benign_open_action(item.get("/OpenAction")):
        found.add(Finding.OPEN_ACTION)
    if "/JavaScript" in keys:  # the document's JavaScript name tree (in /Names)
        found.add(Finding.JAVASCRIPT)
    if "/XFA" in keys:
        found.add(Finding.XFA)
    if "/EmbeddedFiles" in keys or "/EF" in keys or item.get("/Type") == pikepdf.Name.EmbeddedFile:
        found.add(Finding.EMBEDDED_FILES)
    subtype = item.get("/Subtype")
    if isinstance(subtype, pikepdf.Name) and str(subtype) in _ANNOTATIONS and "/Rect" in keys:
        found.add(_ANNOTATIONS[str(subtype)])
    return found


def _is_signature(item: pikepdf.Object) -> bool:
    return "/ByteRange" in item and "/Contents" in item


def _check_image(item: pikepdf.Object) -> None:
    if item.get("/Subtype") != pikepdf.Name.Image:
        return
    width, height = item.get("/Width"), item.get("/Height")
    if isinstance(width, int) and isinstance(height, int) and width * height > MAX_IMAGE_PIXELS:
        raise PdfRefused(
            _("The PDF contains an image larger than %(megapixels)d million pixels.")
            % {"megapixels": MAX_IMAGE_PIXELS // 1_000_000},
            reason="image_size",
        )


def _damaged() -> PdfRefused:
    return PdfRefused(
        _(
            "The PDF is damaged, or cannot be read within the platform's limits. Save it again (for "
            "example with “Print to PDF”) and upload it again."
        ),
        reason="damaged",
    )


def open_pdf(source: Path | bytes) -> pikepdf.Pdf:
    """qpdf's reading of the file; ``PdfRefused`` for a password or a file it cannot read."""
    try:
        return pikepdf.open(io.BytesIO(source) if isinstance(source, bytes) else source)
    except pikepdf.PasswordError:
        raise PdfRefused(
            _("The PDF is protected by a password. Upload a copy without a password."), reason="password"
        ) from None
    except (pikepdf.PdfError, RuntimeError, ValueError) as exc:
        logger.info("PDF could not be opened", extra={"error": type(exc).__name__})
        raise _qpdf_refusal(exc) from None


def inspect(pdf: pikepdf.Pdf, limits: Limits | None = None) -> Inspection:
    """Bounds first, then what the file holds. ``PdfRefused`` when a bound is passed."""
    limits = limits or Limits.from_settings()
    try:
        return _inspect(pdf, limits)
    except PdfRefused:
        raise
    except TooMuchData:
        raise _too_much_data(limits.max_decoded) from None
    except (pikepdf.PdfError, RuntimeError, ValueError, RecursionError) as exc:
        logger.info("PDF could not be inspected", extra={"error": type(exc).__name__})
        raise _qpdf_refusal(exc) from None


def _qpdf_refusal(exc: Exception) -> PdfRefused:
    """qpdf gave up: past its own decoding cap, or on damage it could not repair. (Past its cap
    on opening, e.g. in the object stream that holds the catalog, it reports a damaged file:
    the message to the applicant covers both.)"""
    if "limit exceeded" in str(exc):
        return _too_much_data(QPDF_STREAM_LIMIT)
    return _damaged()


def _inspect(pdf: pikepdf.Pdf, limits: Limits) -> Inspection:
    too_complex = PdfRefused(
        _(
            "The PDF is too complex (more than %(objects)d objects). Save it again more simply and "
            "upload it again."
        )
        % {"objects": limits.max_objects},
        reason="objects",
    )
    xref = pdf.get_xref_table()
    if len(xref) > limits.max_objects:
        raise too_complex
    budget = Budget(limits.max_decoded)
    counted: set[tuple[int, int]] = set()
    # object streams, before qpdf inflates one to read an object inside it
    containers = {entry.obj_stream_number for entry in xref.values() if entry.type == 2}
    for number in sorted(n for n in containers if n is not None):
        container = pdf.get_object((number, 0))
        if isinstance(container, pikepdf.Stream):
            decoded_size(container, budget)
            counted.add((number, 0))
    pages = len(pdf.pages)  # listed by qpdf on opening: a tree that loops or revisits a node fails there
    if pages > limits.max_pages:
        raise PdfRefused(
            _("The PDF has more than %(pages)d pages; split it into several files.")
            % {"pages": limits.max_pages},
            reason="pages",
        )
    findings: set[Finding] = set()
    signed = False
    objects = 0
    for top, kind in _containers(pdf):
        objects += 1
        if objects > limits.max_objects:
            raise too_complex
        if kind == _STREAM and top.objgen not in counted:
            decoded_size(top, budget)
        serialised = _serialised(top, kind)
        if not _WORTH_A_LOOK.search(serialised):
            continue
        items = (
            _within(top)
            if kind != _ARRAY
            else (d for c in top if _kind(c) is not None and not c.is_indirect for d in _within(c))
        )
        for item in items:
            if item._type_code == _STREAM:
                _check_image(item)
            findings |= _findings_in(item)
            signed = signed or _is_signature(item)
    return Inspection(
        pages=pages,
        objects=objects,
        decoded=budget.used,
        signed=signed,
        repaired=bool(pdf.get_warnings()),
        findings=frozenset(findings),
    )


def check_limits(data: bytes) -> None:
    """The verifier's guard: refuse what passes a bound before pyHanko reads it. A file qpdf
    cannot open (damaged, or encrypted with a password) is left to the verifier, which reads its
    signatures under its own decoding limits or calls it unreadable; active content does not
    matter there, nothing is kept or handed to anyone."""
    try:
        pdf = open_pdf(data)
    except PdfRefused:
        return
    with pdf:
        try:
            inspect(pdf)
        except PdfRefused as exc:
            if exc.reason != "damaged":
                raise


# --- Removing active content ----------------------------------------------------------------------


def _removable_action(value: Any) -> bool:
    return isinstance(value, pikepdf.Dictionary) and _action_finding(value) in REMOVABLE


def _neutralise(pdf: pikepdf.Pdf) -> None:
    """Remove what ``REMOVABLE`` names, wherever it is, in place."""
    for item in _dictionaries(pdf):
        if _removable_action(item):
            for key in list(item.keys()):  # an inert, empty dictionary wherever it is still used
                del item[key]
            continue
        for key in ("/AA", "/JavaScript"):
            if key in item:
                del item[key]
        if "/OpenAction" in item and not _benign_open_action(item.get("/OpenAction")):
            del item["/OpenAction"]
        for key in ("/A", "/Next", "/PA"):
            value = item.get(key)
            if _removable_action(value):
                del item[key]
            elif isinstance(value, pikepdf.Array):
                kept = [element for element in value if not _removable_action(element)]
                if len(kept) != len(value):
                    item[key] = pikepdf.Array(kept)


def make_safe(path: Path, *, limits: Limits | None = None) -> Outcome:
    """Check the PDF at ``path`` and, when it must change, rewrite it in place (through a new
    file renamed over it). ``PdfRefused`` when it is refused; the file is then left as it was
    for the caller to discard."""
    limits = limits or Limits.from_settings()
    with open_pdf(path) as pdf:
        found = inspect(pdf, limits)
        refused = found.findings & ALWAYS_REFUSED
        if refused:
            raise _refusal(found.findings)
        removable = found.findings & REMOVABLE
        if found.signed:
            if removable:
                raise PdfRefused(
                    _(
                        "The PDF is digitally signed and contains %(found)s. Removing them would break "
                        "its signature, so the file was refused: ask whoever signed it for a copy "
                        "without them."
                    )
                    % {"found": labels(removable)},
                    findings=frozenset(removable),
                )
            return Outcome(rewritten=False, removed=(), signed=True)
        if not removable and not found.repaired:
            return Outcome(rewritten=False, removed=(), signed=False)
        _neutralise(pdf)
        cleaned = path.with_name(f".{path.name}.clean")
        try:
            pdf.save(
                cleaned,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                encryption=False,
                fix_metadata_version=False,
            )
        except (pikepdf.PdfError, RuntimeError, ValueError) as exc:
            cleaned.unlink(missing_ok=True)
            logger.info("PDF could not be rewritten", extra={"error": type(exc).__name__})
            raise _not_cleaned() from None
    try:
        with open_pdf(cleaned) as again:
            left = inspect(again, limits).findings
        if left:
            raise _not_cleaned()
        cleaned.replace(path)
    finally:
        cleaned.unlink(missing_ok=True)
    return Outcome(
        rewritten=True,
        removed=tuple(f.value for f in Finding if f in removable),
        signed=False,
    )


def _refusal(findings: frozenset[Finding]) -> PdfRefused:
    return PdfRefused(
        _(
            "The PDF was refused because it contains %(found)s. Save the document again without them "
            "(for example with “Print to PDF”) and upload it again."
        )
        % {"found": labels(findings)},
        findings=findings,
    )


def _not_cleaned() -> PdfRefused:
    return PdfRefused(
        _(
            "The PDF's active content could not be removed safely. Save the document again (for "
            "example with “Print to PDF”) and upload it again."
        ),
        reason="not_cleaned",
    )


def removal_notice(removed: Any) -> str:
    """What the applicant is told when a file was accepted with something removed ("" if not)."""
    if not removed:
        return ""
    return _("The file was accepted after removing %(removed)s. Nothing else in it was changed.") % {
        "removed": labels(removed)
    }
