"""Zip archives and XML from other people's machines: bounds before unpacking, no DOCTYPE.

A .qdpx, .docx or .xlsx is a zip of XML files. Before anything in one is unpacked its members
must stay within :class:`ZipLimits` (zip bombs); XML that declares a ``<!DOCTYPE ...>`` (the
carrier of external entities and entity-expansion bombs) is refused before any parser sees it.
The readers (REFI-QDA, transcripts, spreadsheets) parse with entity resolution, DTD loading
and network access off as well; this module gives them one clear message for both.

>>> doctype_line(b'<?xml version="1.0"?>\\n<!DOCTYPE a [<!ENTITY e "x">]>\\n<a>&e;</a>')
2
>>> doctype_line(b"<a/>") is None
True
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from scirocco_lab.errors import FileFormatError

__all__ = [
    "ZIP_LIMITS",
    "ZipLimits",
    "check_office_file",
    "check_zip_bounds",
    "doctype_line",
    "refuse_doctype",
]

_PROLOG_BYTES = 1 << 16  # a prolog longer than this holds no DOCTYPE a tool would write


@dataclass(frozen=True)
class ZipLimits:
    """Bounds an archive must stay within before anything in it is unpacked (zip bombs).

    ``max_members`` files in the archive, ``max_bytes`` unpacked in all, and no member over
    ``ratio_floor`` bytes unpacked that is more than ``max_ratio`` times its packed size.
    """

    max_members: int = 20_000
    max_bytes: int = 2 * 1024**3
    max_ratio: int = 200
    ratio_floor: int = 64 * 1024**2


ZIP_LIMITS = ZipLimits()


def check_zip_bounds(
    infos: list[zipfile.ZipInfo], where: str, fix: str, limits: ZipLimits = ZIP_LIMITS
) -> None:
    """Refuse an archive whose member list exceeds ``limits``, before anything is unpacked.

    The sizes are the archive's own claims; zipfile never unpacks more than a member claims,
    so checking the claims bounds what is read.
    """
    total = sum(info.file_size for info in infos)
    problem = None
    if len(infos) > limits.max_members:
        problem = (
            f"the archive holds {len(infos)} files, more than the {limits.max_members} it may hold"
        )
    elif total > limits.max_bytes:
        problem = (
            f"the archive unpacks to {total} bytes, more than the {limits.max_bytes} bytes it "
            "may hold"
        )
    else:
        for info in infos:
            packed = max(info.compress_size, 1)
            if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * packed:
                problem = (
                    f"member '{info.filename}' unpacks to {info.file_size} bytes from "
                    f"{info.compress_size} ({info.file_size // packed} times smaller packed; "
                    "a zip bomb?)"
                )
                break
    if problem is not None:
        raise FileFormatError(f"{where}: {problem}; nothing was unpacked. Fix: {fix}.")


def _prolog_text(data: bytes) -> str:
    """The start of ``data`` as text, enough to look at the prolog (BOM or zero-byte aware)."""
    head = data[:_PROLOG_BYTES]
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="replace")
    if head[:2] == b"<\x00":
        return head.decode("utf-16-le", errors="replace")
    if head[:2] == b"\x00<":
        return head.decode("utf-16-be", errors="replace")
    return head.decode("latin-1")


def doctype_line(data: bytes) -> int | None:
    """The line of a ``<!DOCTYPE`` (or stray ``<!ENTITY``) before the root element, else None."""
    text = _prolog_text(data)
    position = 0
    while True:
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        if text.startswith("<?", position):
            closing = "?>"
        elif text.startswith("<!--", position):
            closing = "-->"
        elif text.startswith("<!DOCTYPE", position) or text.startswith("<!ENTITY", position):
            return text.count("\n", 0, position) + 1
        else:
            return None
        end = text.find(closing, position)
        if end < 0:
            return None
        position = end + len(closing)


def refuse_doctype(data: bytes, where: str, fix: str) -> None:
    """Raise :class:`FileFormatError` naming ``where`` and the line if ``data`` has a DOCTYPE.

    >>> refuse_doctype(b'<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a/>', "x.xml",
    ...                "save it again")
    Traceback (most recent call last):
    ...
    scirocco_lab.errors.FileFormatError: x.xml, line 1: the file declares a DOCTYPE ...
    """
    line = doctype_line(data)
    if line is not None:
        raise FileFormatError(
            f"{where}, line {line}: the file declares a DOCTYPE (a document type definition, "
            "which can define entities that pull in other files or expand without end); "
            f"the workbench does not read such files. Fix: {fix}."
        )


def check_office_file(path: str | Path, fix: str, limits: ZipLimits = ZIP_LIMITS) -> None:
    """Check a .docx or .xlsx before a library unpacks it: bounds, and no DOCTYPE in its XML.

    Does nothing for a file that is not a zip (the library's own error says what it is).
    """
    path = Path(path)
    if not zipfile.is_zipfile(path):
        return
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            check_zip_bounds(infos, str(path), fix, limits)
            for info in infos:
                if info.is_dir() or not info.filename.lower().endswith((".xml", ".rels")):
                    continue
                with archive.open(info) as member:
                    head = member.read(_PROLOG_BYTES)
                refuse_doctype(head, f"{path} ({info.filename})", fix)
    except FileFormatError:
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, ValueError):
        return  # damaged: the library that reads the file reports it in its own words
