"""REFI-QDA data model: frozen dataclasses for what a .qdpx project or .qdc codebook holds,
the import/export summaries, and the names under which workbench data travels in the files.

>>> guid_key('{A182CD3A-D83C-4D8C-BC80-26D9103EC6D6}')
'a182cd3a-d83c-4d8c-bc80-26d9103ec6d6'
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "CATEGORY_SET_PREFIX",
    "CODEBOOK_NAMESPACE",
    "DIMENSION_SET_PREFIX",
    "FIELD_OF_VARIABLE",
    "KEYS_SET_NAME",
    "PROJECT_NAMESPACE",
    "VALUE_ELEMENTS",
    "VARIABLE_PREFIX",
    "WORKBENCH_NOTE_NAME",
    "WORKBENCH_VARIABLES",
    "QdaCode",
    "QdaCodebook",
    "QdaCoding",
    "QdaExportSummary",
    "QdaFile",
    "QdaImportSummary",
    "QdaKeptSource",
    "QdaPart",
    "QdaProject",
    "QdaSelection",
    "QdaSet",
    "QdaTextSource",
    "QdaUser",
    "guid_key",
    "iter_codes",
    "new_guid",
    "set_from_json",
    "set_to_json",
    "stable_guid",
]

PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
CODEBOOK_NAMESPACE = "urn:QDA-XML:codebook:1.0"


# ---------------------------------------------------------------------------------------
# Data classes: what a REFI-QDA file holds


@dataclass(frozen=True)
class QdaUser:
    """A REFI-QDA user (a coder): ``guid``, display ``name`` and optional tool ``user_id``."""

    guid: str
    name: str | None = None
    user_id: str | None = None


@dataclass(frozen=True)
class QdaCode:
    """A code with its sub-codes. ``kept`` holds its NoteRef elements verbatim."""

    guid: str
    name: str
    is_codable: bool = True
    colour: str | None = None
    description: str | None = None
    children: tuple[QdaCode, ...] = ()
    kept: tuple[str, ...] = ()


@dataclass(frozen=True)
class QdaSet:
    """A set (ATLAS.ti: group) of codes, sources and notes, by guid."""

    guid: str
    name: str
    description: str | None = None
    member_codes: tuple[str, ...] = ()
    member_sources: tuple[str, ...] = ()
    member_notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class QdaCoding:
    """One code applied to a selection; ``kept`` holds its NoteRef elements verbatim."""

    guid: str
    code_guid: str
    creating_user: str | None = None
    created_at: dt.datetime | None = None
    kept: tuple[str, ...] = ()


@dataclass(frozen=True)
class QdaSelection:
    """A PlainTextSelection: half-open character range ``[start, end)`` of its source text.

    ``attributes`` holds attributes the workbench does not use (modifyingUser, ...) and
    ``kept`` the NoteRef elements, verbatim.
    """

    guid: str
    start: int
    end: int
    name: str | None = None
    creating_user: str | None = None
    created_at: dt.datetime | None = None
    description: str | None = None
    codings: tuple[QdaCoding, ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()
    kept: tuple[str, ...] = ()


@dataclass(frozen=True)
class QdaTextSource:
    """A TextSource with its plain text.

    ``plain_text_path`` is ``"internal://NAME"`` (the text is ``sources/NAME`` in the zip) or
    None (the text is inline, PlainTextContent). ``kept`` holds the source's own Coding,
    NoteRef and VariableValue elements verbatim, in file order; ``kept_selections`` holds
    selections that carry no coding (the workbench stores coded segments only).
    """

    guid: str
    text: str
    name: str | None = None
    plain_text_path: str | None = None
    description: str | None = None
    creating_user: str | None = None
    created_at: dt.datetime | None = None
    selections: tuple[QdaSelection, ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()
    kept_selections: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()


@dataclass(frozen=True)
class QdaKeptSource:
    """A source the workbench does not read (PDF, picture, audio, video), kept verbatim."""

    kind: str
    guid: str
    name: str | None
    xml: str


@dataclass(frozen=True)
class QdaPart:
    """One project-level optional item kept verbatim: a Variable, Case, Note, Link, Graph or
    NoteRef element (``section`` is its container: Variables, Cases, Notes, ...)."""

    section: str
    xml: str


@dataclass(frozen=True)
class QdaFile:
    """A file inside the .qdpx zip (``path`` such as ``sources/<guid>.pdf``)."""

    path: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class QdaProject:
    """A parsed REFI-QDA project (.qdpx).

    ``sources`` keeps the file's order of text sources (:class:`QdaTextSource`) and sources
    kept verbatim (:class:`QdaKeptSource`); ``files`` are the zip members other than
    project.qde and the text sources' plain-text files (PDFs, pictures, rich text, ...).
    """

    name: str
    origin: str | None = None
    creating_user: str | None = None
    created_at: dt.datetime | None = None
    description: str | None = None
    users: tuple[QdaUser, ...] = ()
    codes: tuple[QdaCode, ...] = ()
    sets: tuple[QdaSet, ...] = ()
    sources: tuple[QdaTextSource | QdaKeptSource, ...] = ()
    parts: tuple[QdaPart, ...] = ()
    files: tuple[QdaFile, ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()
    # What reading the file let pass, one line per deviation (not part of the content).
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def text_sources(self) -> tuple[QdaTextSource, ...]:
        """The text sources, in file order."""
        return tuple(s for s in self.sources if isinstance(s, QdaTextSource))

    @property
    def kept_sources(self) -> tuple[QdaKeptSource, ...]:
        """The non-text sources kept verbatim, in file order."""
        return tuple(s for s in self.sources if isinstance(s, QdaKeptSource))


@dataclass(frozen=True)
class QdaCodebook:
    """A parsed REFI-QDA codebook (.qdc): codes and code sets."""

    codes: tuple[QdaCode, ...] = ()
    sets: tuple[QdaSet, ...] = ()
    origin: str | None = None
    # What reading the file let pass, one line per deviation (not part of the content).
    warnings: tuple[str, ...] = field(default=(), compare=False)


def iter_codes(codes: Iterable[QdaCode], parent: QdaCode | None = None):
    """Every code depth-first with its parent: yields ``(code, parent or None)``.

    >>> leaf = QdaCode(guid="2D2466F0-D77F-4F8C-BDF9-628966B6B74D", name="leaf")
    >>> root = QdaCode(guid="A182CD3A-D83C-4D8C-BC80-26D9103EC6D6", name="root", children=(leaf,))
    >>> [(c.name, p.name if p else None) for c, p in iter_codes([root])]
    [('root', None), ('leaf', 'root')]
    """
    for code in codes:
        yield code, parent
        yield from iter_codes(code.children, code)


def guid_key(guid: str) -> str:
    """A guid compared the way tools do: without braces, lower case."""
    return guid.strip().strip("{}").lower()


def new_guid() -> str:
    """A fresh guid (uuid4) in the upper-case form most QDA tools write."""
    return str(uuid.uuid4()).upper()


# ---------------------------------------------------------------------------------------
# Workbench metadata travels as REFI Variables (on text sources and on participant Cases),
# recognised on import by these names; code links to maturity dimensions and framework
# categories travel as code Sets (ATLAS.ti shows them as code groups).
VARIABLE_PREFIX = "scirocco-lab: "
DIMENSION_SET_PREFIX = "dimension: "
KEYS_SET_NAME = "scirocco-lab: code keys"
WORKBENCH_NOTE_NAME = "scirocco-lab: workbench data"
CATEGORY_SET_PREFIX = "category: "
WORKBENCH_VARIABLES = {
    # field: (variable name after the prefix, REFI type)
    "source": ("source key", "Text"),
    "activity": ("activity", "Text"),
    "region": ("region", "Text"),
    "programme": ("programme", "Text"),
    "held_on": ("held on", "Date"),
    "language": ("language", "Text"),
    "original_format": ("original format", "Text"),
    "participants": ("participants", "Text"),
    "synthetic": ("synthetic", "Boolean"),
    "group": ("participant group", "Text"),
    "role": ("role", "Text"),
    "organisation": ("organisation", "Text"),
    "full_name": ("full name", "Text"),
    "email": ("email", "Text"),
}
FIELD_OF_VARIABLE = {
    VARIABLE_PREFIX + name: key for key, (name, _type) in WORKBENCH_VARIABLES.items()
}
VALUE_ELEMENTS = {
    "Text": "TextValue",
    "Boolean": "BooleanValue",
    "Date": "DateValue",
}
_GUID_NAMESPACE = uuid.UUID("5b1e4c1e-7d0a-4a44-9a55-6b1f3c1a2d77")  # scirocco-lab REFI guids


def stable_guid(*parts: str) -> str:
    """The same guid for the same workbench item in every export (uuid5)."""
    return str(uuid.uuid5(_GUID_NAMESPACE, "\x1f".join(parts))).upper()


@dataclass(frozen=True)
class QdaImportSummary:
    """What one REFI-QDA import read and wrote."""

    file: str
    kind: str  # qdpx | qdc
    sources: int = 0
    codes: int = 0
    segments: int = 0
    coders: int = 0
    participants: int = 0
    kept_parts: int = 0
    kept_files: int = 0
    codes_added: int = 0
    coders_added: int = 0
    empty_sources: int = 0

    warnings: tuple[str, ...] = ()  # one line per deviation let pass, for the user

    def __str__(self) -> str:
        codes = f"{self.codes} code(s) ({self.codes_added} new)"
        if self.kind == "qdc":
            return f"read {self.file}: {codes}; kept for export: {self.kept_parts} code set(s)"
        empty = f" ({self.empty_sources} empty)" if self.empty_sources else ""
        text = (
            f"read {self.file}: {self.sources} source(s){empty}, {codes}, "
            f"{self.segments} coded segment(s), {self.coders} coder(s) ({self.coders_added} new)"
        )
        if self.participants:
            text += f", {self.participants} participant(s)"
        return text + (
            f"; kept for export: {self.kept_parts} optional part(s), {self.kept_files} file(s)"
        )


@dataclass(frozen=True)
class QdaExportSummary:
    """What one REFI-QDA export wrote."""

    file: str
    kind: str  # qdpx | qdc
    sources: int = 0
    codes: int = 0
    segments: int = 0
    coders: int = 0
    participants: int = 0
    kept_parts: int = 0
    kept_files: int = 0
    size_bytes: int = 0

    warnings: tuple[str, ...] = ()  # one line per deviation let pass, for the user

    def __str__(self) -> str:
        if self.kind == "qdc":
            return (
                f"wrote {self.file}: {self.codes} code(s), {self.kept_parts} kept code set(s) "
                f"({self.size_bytes} bytes)"
            )
        text = (
            f"wrote {self.file}: {self.sources} source(s), {self.codes} code(s), "
            f"{self.segments} coded segment(s), {self.coders} coder(s)"
        )
        if self.participants:
            text += f", {self.participants} participant(s)"
        return text + (
            f"; kept optional parts: {self.kept_parts}, files: {self.kept_files} "
            f"({self.size_bytes} bytes)"
        )


def set_to_json(code_set: QdaSet) -> str:
    return json.dumps(
        {
            "guid": code_set.guid,
            "name": code_set.name,
            "description": code_set.description,
            "member_codes": list(code_set.member_codes),
            "member_sources": list(code_set.member_sources),
            "member_notes": list(code_set.member_notes),
        },
        ensure_ascii=False,
    )


def set_from_json(text: str) -> QdaSet:
    data = json.loads(text)
    return QdaSet(
        guid=data["guid"],
        name=data["name"],
        description=data.get("description"),
        member_codes=tuple(data.get("member_codes", ())),
        member_sources=tuple(data.get("member_sources", ())),
        member_notes=tuple(data.get("member_notes", ())),
    )
