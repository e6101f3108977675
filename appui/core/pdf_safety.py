"""Active content in uploaded PDFs: find it, and remove it, with pypdf (the PDF's objects, not its bytes).

A PDF can hold actions a viewer runs by itself: JavaScript, a program to launch, data sent to or fetched from
elsewhere, run when the file opens (``/OpenAction``), when a page or a field is used (``/AA``, additional
actions) or when a link is clicked. A paper kept in a person's vault needs none of it. Searching the bytes for
"/JavaScript" is not enough (names can be written ``/Java#53cript``, objects hidden in compressed object
streams), so the file is parsed and every object reachable from its catalogue is inspected.

Kept: the pages, their text and images, forms, plain web links (``/URI``: the viewer asks before opening them).
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

# Actions that run code, open or launch another file or program, or send or import data.
DANGEROUS_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute", "/GoToE", "/GoToR"}
)
# Keys that trigger actions without a click, or hold scripts, wherever they appear. (``/OpenAction`` is
# handled apart: most PDF writers use it harmlessly, to open the file at its first page.)
_TRIGGER_KEYS = ("/AA", "/JS", "/XFA")
# Entries of the document's name dictionary that list scripts or embedded files (a launch needs one).
_NAME_TREES = ("/JavaScript", "/EmbeddedFiles")
_ACTION_LINKS = ("/A", "/Next")


class UnreadablePdfError(Exception):
    """The file cannot be parsed as a PDF (damaged, or protected by a password): it cannot be checked."""


@dataclass(frozen=True)
class PdfCheck:
    """What an uploaded PDF holds, and the content to keep (the file itself, or a copy without active content)."""

    findings: tuple[str, ...]
    content: bytes

    @property
    def cleaned(self) -> bool:
        return bool(self.findings)


def _reachable(root: PdfObject) -> Iterator[DictionaryObject]:
    """Yield every dictionary (streams included) reachable from ``root``, once each, without recursion."""
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject] = [root]
    while stack:
        item: PdfObject | None = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            yield item
            # dict.values() gives the stored references, not the resolved objects: cycles are detected above.
            stack.extend(dict.values(item))
        elif isinstance(item, ArrayObject):
            stack.extend(list.__iter__(item))


def _action_type(value: PdfObject) -> str | None:
    resolved = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(resolved, DictionaryObject):
        kind = resolved.get("/S")
        return str(kind) if kind is not None else None
    return None


def _runs_on_opening(dictionary: DictionaryObject) -> bool:
    """Return whether the dictionary has an opening action other than showing a page (a destination)."""
    value = dict.get(dictionary, NameObject("/OpenAction"))
    if value is None:
        return False
    return isinstance(value.get_object(), DictionaryObject) and _action_type(value) != "/GoTo"


def _findings(root: PdfObject) -> list[str]:
    found: set[str] = set()
    for dictionary in _reachable(root):
        if _runs_on_opening(dictionary):
            found.add("/OpenAction")
        for key in _TRIGGER_KEYS:
            if key in dictionary:
                found.add(key)
        kind = dictionary.get("/S")
        if kind is not None and str(kind) in DANGEROUS_ACTIONS:
            found.add(str(kind))
        names = dictionary.get("/Names")
        if isinstance(names, DictionaryObject):
            found.update(key for key in _NAME_TREES if key in names)
    return sorted(found)


def _remove_active_content(root: PdfObject) -> None:
    for dictionary in list(_reachable(root)):
        if _runs_on_opening(dictionary):
            del dictionary[NameObject("/OpenAction")]
        for key in _TRIGGER_KEYS:
            dictionary.pop(NameObject(key), None)
        for key in _ACTION_LINKS:
            value = dict.get(dictionary, NameObject(key))
            if value is None:
                continue
            if isinstance(value.get_object(), ArrayObject):
                kept = [item for item in value.get_object() if _action_type(item) not in DANGEROUS_ACTIONS]
                dictionary[NameObject(key)] = ArrayObject(kept)
            elif _action_type(value) in DANGEROUS_ACTIONS:
                del dictionary[NameObject(key)]
        names = dictionary.get("/Names")
        if isinstance(names, DictionaryObject):
            for key in _NAME_TREES:
                names.pop(NameObject(key), None)


def _open(data: bytes) -> PdfReader:
    reader = PdfReader(io.BytesIO(data), strict=False)
    # Owner-password-only files (print or copy restrictions, common in administrative PDFs) open with "".
    if reader.is_encrypted and not reader.decrypt(""):
        raise UnreadablePdfError("protégé par un mot de passe")
    return reader


def active_content(data: bytes) -> list[str]:
    """Return the kinds of active content of the PDF ``data`` (empty when there is none)."""
    try:
        reader = _open(data)
        return _findings(reader.trailer)
    except UnreadablePdfError:
        raise
    except Exception as exc:  # noqa: BLE001 — pypdf raises many kinds of error on damaged or hostile files
        raise UnreadablePdfError(str(exc)) from exc


def check_pdf(data: bytes) -> PdfCheck:
    """Return the PDF to keep: ``data`` itself when it holds no active content, else a copy without it.

    The copy is checked again; UnreadablePdfError is raised when the file cannot be parsed, or when active
    content would remain.
    """
    try:
        reader = _open(data)
        findings = _findings(reader.trailer)
        if not findings:
            return PdfCheck(findings=(), content=data)
        writer = PdfWriter(clone_from=reader)
        _remove_active_content(writer.root_object)
        # What was removed must not stay in the file as unreachable objects, for a laxer reader to find.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
        cleaned = out.getvalue()
    except UnreadablePdfError:
        raise
    except Exception as exc:  # noqa: BLE001 — see active_content()
        raise UnreadablePdfError(str(exc)) from exc
    remaining = active_content(cleaned)
    if remaining:
        raise UnreadablePdfError(f"contenu actif impossible à retirer : {', '.join(remaining)}")
    return PdfCheck(findings=tuple(findings), content=cleaned)
