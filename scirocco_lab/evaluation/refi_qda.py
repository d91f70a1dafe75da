"""REFI-QDA exchange: read and write .qdpx projects and .qdc codebooks, and map them to the store.

Two layers:

* The **file layer** (:func:`read_qdpx`, :func:`read_qdc`, :func:`write_qdpx`,
  :func:`write_qdc`) parses a file into frozen dataclasses (:class:`QdaProject`,
  :class:`QdaCodebook`) and writes them back, independent of the store. Every file read and
  every file written is validated against the REFI-QDA schema; anything the workbench does not
  use (variables, cases, notes, links, graphs, non-text sources and their files, note
  references, extra attributes, ...) is kept verbatim as XML fragments so it survives a round
  trip.
* The **store layer** (:func:`import_qdpx`, :func:`export_qdpx`, :func:`import_qdc`,
  :func:`export_qdc`) maps those objects to the evaluation store (sources, codebook, coders,
  coded segments) and keeps the verbatim parts in the ``qda_*`` tables.

>>> project = read_qdpx("tests/data/refi-qda/atlas-small-project.qdpx")
>>> [code.name for code in project.codes]
['Commits']
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import json
import re
import uuid
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import pandas as pd
from lxml import etree

from scirocco_lab.errors import DuplicateRecordError, FileFormatError
from scirocco_lab.io.clock import utc_now
from scirocco_lab.io.files import write_atomically

__all__ = [
    "CATEGORY_SET_PREFIX",
    "CODEBOOK_NAMESPACE",
    "DIMENSION_SET_PREFIX",
    "PROJECT_NAMESPACE",
    "VARIABLE_PREFIX",
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
    "canonical_xml",
    "codebook_schema",
    "export_qdc",
    "export_qdpx",
    "guid_key",
    "import_qdc",
    "import_qdpx",
    "iter_codes",
    "new_guid",
    "project_from_store",
    "project_schema",
    "read_qdc",
    "read_qdpx",
    "write_qdc",
    "write_qdpx",
]

PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
CODEBOOK_NAMESPACE = "urn:QDA-XML:codebook:1.0"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_PROJECT_LOCATION = (
    f"{PROJECT_NAMESPACE} http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
)
_CODEBOOK_LOCATION = (
    f"{CODEBOOK_NAMESPACE} http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd"
)
_P = f"{{{PROJECT_NAMESPACE}}}"
_C = f"{{{CODEBOOK_NAMESPACE}}}"
_PROJECT_FILE = "project.qde"
_INTERNAL = "internal://"
# Project-level optional parts the workbench keeps verbatim, in schema order. Sets and the
# project Description are modelled (QdaSet, QdaProject.description) because the workbench
# reads the first and writes both.
_PART_SECTIONS = ("Variables", "Cases", "Notes", "Links", "Graphs", "NoteRef")
_SECTION_ITEMS = {
    "Variables": "Variable",
    "Cases": "Case",
    "Notes": "Note",
    "Links": "Link",
    "Graphs": "Graph",
    "NoteRef": "NoteRef",
}
_MAX_UNCOMPRESSED = 4 * 1024**3  # refuse zip bombs: a real project is far smaller
_FIX_EXPORT = (
    "export the project again from your QDA software (REFI-QDA project export, .qdpx), "
    "or repair the file"
)

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


# ---------------------------------------------------------------------------------------
# Schemas


def _schema_text() -> bytes:
    return (
        resources.files("scirocco_lab.evaluation").joinpath("schemas/Project-mrt2019.xsd")
    ).read_bytes()


@functools.cache
def project_schema() -> etree.XMLSchema:
    """The REFI-QDA project schema (urn:QDA-XML:project:1.0), Project-mrt2019.xsd."""
    return etree.XMLSchema(etree.fromstring(_schema_text()))


# The official Codebook.xsd could not be obtained; the codebook schema is derived from the
# project schema: the same CodesType/CodeType, in the codebook namespace, under a CodeBook root
# with the `origin` attribute and the optional Sets that REFI-QDA 1.5 section 5.2 defines.
_CODEBOOK_ROOT = """
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:element name="CodeBook" type="QdcCodeBookType"/>
  <xsd:complexType name="QdcCodeBookType">
    <xsd:sequence>
      <xsd:element name="Codes" type="CodesType"/>
      <xsd:element name="Sets" type="QdcSetsType" minOccurs="0"/>
    </xsd:sequence>
    <xsd:attribute name="origin" type="xsd:string"/>
  </xsd:complexType>
  <xsd:complexType name="QdcSetsType">
    <xsd:sequence>
      <xsd:element name="Set" type="QdcSetType" maxOccurs="unbounded"/>
    </xsd:sequence>
  </xsd:complexType>
  <xsd:complexType name="QdcSetType">
    <xsd:sequence>
      <xsd:element name="Description" type="xsd:string" minOccurs="0"/>
      <xsd:element name="MemberCode" type="QdcMemberCodeType" minOccurs="0"
        maxOccurs="unbounded"/>
    </xsd:sequence>
    <xsd:attribute name="guid" type="GUIDType" use="required"/>
    <xsd:attribute name="name" type="xsd:string" use="required"/>
  </xsd:complexType>
  <xsd:complexType name="QdcMemberCodeType">
    <!-- REFI-QDA 1.5 names it `guid`; some tools write the project's `targetGUID`. -->
    <xsd:attribute name="guid" type="GUIDType"/>
    <xsd:attribute name="targetGUID" type="GUIDType"/>
  </xsd:complexType>
</xsd:schema>
"""


@functools.cache
def codebook_schema() -> etree.XMLSchema:
    """The schema .qdc files are validated against (urn:QDA-XML:codebook:1.0).

    Derived from the project schema's CodeBook types (see docs/refi-qda.md): the official
    Codebook.xsd is not bundled.
    """
    text = _schema_text().replace(PROJECT_NAMESPACE.encode(), CODEBOOK_NAMESPACE.encode())
    schema = etree.fromstring(text)
    xsd = "{http://www.w3.org/2001/XMLSchema}"
    for element in schema.findall(f"{xsd}element"):
        schema.remove(element)  # the Project root
    for node in etree.fromstring(_CODEBOOK_ROOT):
        if isinstance(node.tag, str):
            schema.append(node)
    return etree.XMLSchema(etree.fromstring(etree.tostring(schema)))


def canonical_xml(xml: str) -> str:
    """Canonical XML (C14N 2.0, whitespace-only text dropped) of a fragment, for comparisons.

    >>> canonical_xml('<a  y="2" x="1" ><b/></a>') == canonical_xml('<a x="1" y="2"><b></b></a>')
    True
    """
    return etree.canonicalize(xml, strip_text=True)


# ---------------------------------------------------------------------------------------
# Reading


def _parser() -> etree.XMLParser:
    # No entity expansion or network access: project files come from other people's machines.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        remove_blank_text=True,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
    )


def _parse_xml(data: bytes, where: str) -> etree._Element:
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        at = f", line {line}" if line else ""
        raise FileFormatError(
            f"{where}{at}: not well-formed XML ({exc.msg}). Fix: {_FIX_EXPORT}."
        ) from exc


def _validate(root: etree._Element, schema: etree.XMLSchema, where: str, what: str) -> None:
    if schema.validate(root):
        return
    errors = list(schema.error_log)
    shown = "; ".join(f"line {error.line}: {error.message}" for error in errors[:5])
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    raise FileFormatError(
        f"{where} does not follow the REFI-QDA {what} schema: {shown}{more}. Fix: "
        f"{_FIX_EXPORT}; the schema is scirocco_lab/evaluation/schemas/Project-mrt2019.xsd."
    )


def _children(element: etree._Element) -> Iterator[etree._Element]:
    return (child for child in element if isinstance(child.tag, str))


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _fragment(element: etree._Element) -> str:
    # A copy, so namespace declarations of the whole file the fragment does not use (xsi)
    # are dropped and the same element gives the same text wherever it came from.
    copied = copy.deepcopy(element)
    copied.tail = None
    etree.cleanup_namespaces(copied)
    return etree.tostring(copied, encoding="unicode")


_DATETIME = re.compile(
    r"^(?P<date>-?\d{4,}-\d{2}-\d{2})T(?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<fraction>\d+))?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?$"
)


def _datetime(value: str | None, where: str, line: int | None) -> dt.datetime | None:
    """An xsd:dateTime as an aware UTC datetime (no time zone: taken as UTC)."""
    if value is None:
        return None
    match = _DATETIME.match(value.strip())
    try:
        if match is None:
            raise ValueError(value)
        fraction = (match["fraction"] or "")[:6].ljust(6, "0")
        zone = match["zone"] or "Z"
        zone = "+00:00" if zone == "Z" else zone
        parsed = dt.datetime.fromisoformat(f"{match['date']}T{match['time']}.{fraction}{zone}")
    except ValueError as exc:
        raise FileFormatError(
            f"{where}, line {line}: date-time {value!r} cannot be read. Fix: write it as "
            "YYYY-MM-DDThh:mm:ssZ."
        ) from exc
    return parsed.astimezone(dt.UTC)


def _format_datetime(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    value = value.astimezone(dt.UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    return text + "Z"


def _boolean(value: str | None) -> bool:
    return (value or "true").strip() in ("true", "1")


def _extra_attributes(element: etree._Element, known: set[str]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name, value)
        for name, value in element.attrib.items()
        if name not in known and not name.startswith(f"{{{_XSI}}}")
    )


def _read_code(element: etree._Element) -> QdaCode:
    description = None
    children: list[QdaCode] = []
    kept: list[str] = []
    for child in _children(element):
        name = _local(child)
        if name == "Description":
            description = child.text or ""
        elif name == "Code":
            children.append(_read_code(child))
        else:
            kept.append(_fragment(child))
    return QdaCode(
        guid=element.get("guid"),
        name=element.get("name"),
        is_codable=_boolean(element.get("isCodable")),
        colour=element.get("color"),
        description=description,
        children=tuple(children),
        kept=tuple(kept),
    )


def _read_set(element: etree._Element) -> QdaSet:
    description = None
    members: dict[str, list[str]] = {"MemberCode": [], "MemberSource": [], "MemberNote": []}
    for child in _children(element):
        name = _local(child)
        if name == "Description":
            description = child.text or ""
        elif name in members:
            members[name].append(child.get("targetGUID") or child.get("guid"))
    return QdaSet(
        guid=element.get("guid"),
        name=element.get("name"),
        description=description,
        member_codes=tuple(members["MemberCode"]),
        member_sources=tuple(members["MemberSource"]),
        member_notes=tuple(members["MemberNote"]),
    )


def _check_codes(codes: tuple[QdaCode, ...], where: str) -> None:
    seen: set[str] = set()
    for code, _parent in iter_codes(codes):
        key = guid_key(code.guid)
        if key in seen:
            raise FileFormatError(
                f"{where}: code guid {code.guid} is used by more than one code (second: "
                f"'{code.name}'). Fix: give every code its own guid ({_FIX_EXPORT})."
            )
        seen.add(key)


def _zip_member(names: dict[str, str], internal_path: str) -> str | None:
    """The zip member an ``internal://NAME`` path points to (``sources/NAME``)."""
    name = internal_path[len(_INTERNAL) :].lstrip("/")
    for candidate in (f"sources/{name}", name):
        found = names.get(candidate.lower())
        if found is not None:
            return found
    return None


def _decode_text(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8-sig")  # a BOM is not part of the text positions count
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"{where}: not UTF-8 text (byte {exc.start}). Fix: REFI-QDA plain-text sources "
            "are UTF-8; convert the file or export the project again."
        ) from exc


def _read_selection(
    element: etree._Element, text_length: int, where: str, source_name: str
) -> QdaSelection:
    line = element.sourceline
    start = int(element.get("startPosition"))
    end = int(element.get("endPosition"))
    if not 0 <= start < end <= text_length:
        raise FileFormatError(
            f"{where}, line {line}: selection {element.get('guid')} of source "
            f"'{source_name}' covers characters [{start}, {end}) but the source text has "
            f"{text_length} characters (a selection needs 0 <= start < end <= length). Fix: "
            f"{_FIX_EXPORT}; the positions must count Unicode characters of the plain text."
        )
    description = None
    codings: list[QdaCoding] = []
    kept: list[str] = []
    for child in _children(element):
        name = _local(child)
        if name == "Description":
            description = child.text or ""
        elif name == "Coding":
            codings.append(_read_coding(child, where))
        else:
            kept.append(_fragment(child))
    known = {"guid", "name", "startPosition", "endPosition", "creatingUser", "creationDateTime"}
    return QdaSelection(
        guid=element.get("guid"),
        start=start,
        end=end,
        name=element.get("name"),
        creating_user=element.get("creatingUser"),
        created_at=_datetime(element.get("creationDateTime"), where, line),
        description=description,
        codings=tuple(codings),
        attributes=_extra_attributes(element, known),
        kept=tuple(kept),
    )


def _read_coding(element: etree._Element, where: str) -> QdaCoding:
    code_guid = ""
    kept: list[str] = []
    for child in _children(element):
        if _local(child) == "CodeRef":
            code_guid = child.get("targetGUID")
        else:
            kept.append(_fragment(child))
    return QdaCoding(
        guid=element.get("guid"),
        code_guid=code_guid,
        creating_user=element.get("creatingUser"),
        created_at=_datetime(element.get("creationDateTime"), where, element.sourceline),
        kept=tuple(kept),
    )


def _read_text_source(
    element: etree._Element, archive: zipfile.ZipFile, names: dict[str, str], where: str
) -> tuple[QdaTextSource, str | None]:
    """A TextSource and the zip member its text came from (None when inline)."""
    line = element.sourceline
    label = element.get("name") or element.get("guid")
    inline = element.find(f"{_P}PlainTextContent")
    path = element.get("plainTextPath")
    member = None
    if path and path.startswith(_INTERNAL):
        member = _zip_member(names, path)
        if member is None:
            raise FileFormatError(
                f"{where}, line {line}: text source '{label}' names {path} but the zip has "
                f"no sources/{path[len(_INTERNAL) :]}. Fix: {_FIX_EXPORT} with its source "
                "files included."
            )
        text = _decode_text(archive.read(member), f"{where}: {member}")
    elif inline is not None:
        text = inline.text or ""
    elif path:
        raise FileFormatError(
            f"{where}, line {line}: the text of source '{label}' is outside the project "
            f"file ({path}). Fix: export the project with its sources embedded (internal://)."
        )
    else:
        raise FileFormatError(
            f"{where}, line {line}: text source '{label}' has neither PlainTextContent nor "
            f"plainTextPath. Fix: {_FIX_EXPORT}."
        )
    description = None
    selections: list[QdaSelection] = []
    kept_selections: list[str] = []
    kept: list[str] = []
    for child in _children(element):
        name = _local(child)
        if name == "Description":
            description = child.text or ""
        elif name == "PlainTextContent":
            continue
        elif name == "PlainTextSelection":
            selection = _read_selection(child, len(text), where, label)
            if selection.codings:
                selections.append(selection)
            else:
                kept_selections.append(_fragment(child))
        else:
            kept.append(_fragment(child))
    known = {"guid", "name", "creatingUser", "creationDateTime"}
    if member is not None:  # an inline source keeps a plainTextPath it may have as it was
        known.add("plainTextPath")
    source = QdaTextSource(
        guid=element.get("guid"),
        text=text,
        name=element.get("name"),
        plain_text_path=path if member is not None else None,
        description=description,
        creating_user=element.get("creatingUser"),
        created_at=_datetime(element.get("creationDateTime"), where, line),
        selections=tuple(selections),
        attributes=_extra_attributes(element, known),
        kept_selections=tuple(kept_selections),
        kept=tuple(kept),
    )
    return source, member


def _check_internal_files(root: etree._Element, names: dict[str, str], where: str) -> set[str]:
    """Every ``internal://`` path in the project must be in the zip; returns their members."""
    found: set[str] = set()
    for element in root.iter(tag=etree.Element):
        for attribute in ("path", "plainTextPath", "richTextPath"):
            value = element.get(attribute)
            if not value or not value.startswith(_INTERNAL):
                continue
            member = _zip_member(names, value)
            if member is None:
                raise FileFormatError(
                    f"{where}, line {element.sourceline}: {_local(element)} "
                    f"'{element.get('name') or element.get('guid')}' names {value} but the zip "
                    f"has no sources/{value[len(_INTERNAL) :]}. Fix: {_FIX_EXPORT} with its "
                    "source files included."
                )
            found.add(member)
    return found


def _check_code_refs(root: etree._Element, codes: tuple[QdaCode, ...], where: str) -> None:
    known = {guid_key(code.guid) for code, _ in iter_codes(codes)}
    for reference in root.iter(f"{_P}CodeRef"):
        owner = reference.getparent()
        if _local(owner) != "Coding":
            continue  # a Case's CodeRef is kept verbatim; only codings must resolve
        target = reference.get("targetGUID")
        if guid_key(target) not in known:
            raise FileFormatError(
                f"{where}, line {reference.sourceline}: {_local(owner)} "
                f"{owner.get('guid')} refers to code {target}, which is not in the codebook. "
                f"Fix: {_FIX_EXPORT} including the whole codebook."
            )


def _open_zip(path: Path) -> zipfile.ZipFile:
    if not path.is_file():
        raise FileFormatError(f"{path}: no such file. Fix: check the path.")
    if not zipfile.is_zipfile(path):
        raise FileFormatError(
            f"{path}: not a .qdpx file (a .qdpx is a zip archive holding project.qde and a "
            f"sources folder). Fix: {_FIX_EXPORT}; for a codebook use a .qdc file."
        )
    try:
        archive = zipfile.ZipFile(path)
        total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileFormatError(f"{path}: damaged zip archive ({exc}). Fix: {_FIX_EXPORT}.") from exc
    if total > _MAX_UNCOMPRESSED:
        archive.close()
        raise FileFormatError(
            f"{path}: the archive unpacks to {total} bytes, more than the 4 GiB a project may "
            "hold. Fix: export the project without large media files."
        )
    return archive


def read_qdpx(path: str | Path) -> QdaProject:
    """Read and validate a REFI-QDA project (.qdpx).

    Raises :class:`FileFormatError` naming the file (and line) when it is not a zip, has no
    project.qde, is not well-formed XML, does not follow the schema, has a selection outside
    its source text, a coding of an unknown code, or lacks a source file it names.

    >>> project = read_qdpx("tests/data/refi-qda/atlas-small-project.qdpx")
    >>> project.origin, len(project.users)
    ('ATLAS.ti for Windows 23.2.3.27778', 2)
    """
    path = Path(path)
    try:
        return _read_qdpx(path)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        # A damaged or unusually compressed member, found only when it is unpacked.
        raise FileFormatError(
            f"{path}: a file inside the archive cannot be unpacked ({exc}). Fix: {_FIX_EXPORT}."
        ) from exc


def _read_qdpx(path: Path) -> QdaProject:
    with _open_zip(path) as archive:
        names = {
            info.filename.lower(): info.filename for info in archive.infolist() if not info.is_dir()
        }
        qde = names.get(_PROJECT_FILE)
        if qde is None:
            raise FileFormatError(
                f"{path}: the zip holds no project.qde (found: "
                f"{', '.join(sorted(names.values())[:5]) or 'nothing'}). Fix: {_FIX_EXPORT}."
            )
        where = f"{path} (project.qde)"
        data = archive.read(qde)
        root = _parse_xml(data, where)
        if root.tag != f"{_P}Project":
            raise FileFormatError(
                f"{where}, line {root.sourceline}: the root element is "
                f"<{etree.QName(root).localname}> in namespace "
                f"'{etree.QName(root).namespace}', expected <Project> in {PROJECT_NAMESPACE}. "
                f"Fix: {_FIX_EXPORT}."
            )
        _validate(root, project_schema(), where, "project")
        _check_internal_files(root, names, where)
        project, text_members = _read_project(root, archive, names, where)
        _check_code_refs(root, project.codes, where)
        consumed = {qde, *text_members}
        files = tuple(
            QdaFile(path=name, data=archive.read(name))
            for name in sorted(names.values())
            if name not in consumed
        )
    return replace(project, files=files)


def _read_project(
    root: etree._Element, archive: zipfile.ZipFile, names: dict[str, str], where: str
) -> tuple[QdaProject, set[str]]:
    users: list[QdaUser] = []
    codes: tuple[QdaCode, ...] = ()
    sets: list[QdaSet] = []
    sources: list[QdaTextSource | QdaKeptSource] = []
    parts: list[QdaPart] = []
    description = None
    text_members: set[str] = set()
    for section in _children(root):
        name = _local(section)
        if name == "Users":
            users = [
                QdaUser(guid=user.get("guid"), name=user.get("name"), user_id=user.get("id"))
                for user in _children(section)
            ]
        elif name == "CodeBook":
            codes_element = section.find(f"{_P}Codes")
            codes = tuple(_read_code(code) for code in _children(codes_element))
            _check_codes(codes, where)
        elif name == "Sources":
            for source in _children(section):
                kind = _local(source)
                if kind == "TextSource":
                    text_source, member = _read_text_source(source, archive, names, where)
                    sources.append(text_source)
                    if member is not None:
                        text_members.add(member)
                else:
                    sources.append(
                        QdaKeptSource(
                            kind=kind,
                            guid=source.get("guid"),
                            name=source.get("name"),
                            xml=_fragment(source),
                        )
                    )
        elif name == "Sets":
            sets = [_read_set(item) for item in _children(section)]
        elif name == "Description":
            description = section.text or ""
        elif name == "NoteRef":
            parts.append(QdaPart(section="NoteRef", xml=_fragment(section)))
        else:
            parts.extend(QdaPart(section=name, xml=_fragment(item)) for item in _children(section))
    known = {"name", "origin", "creatingUserGUID", "creationDateTime"}
    project = QdaProject(
        name=root.get("name"),
        origin=root.get("origin"),
        creating_user=root.get("creatingUserGUID"),
        created_at=_datetime(root.get("creationDateTime"), where, root.sourceline),
        description=description,
        users=tuple(users),
        codes=codes,
        sets=tuple(sets),
        sources=tuple(sources),
        parts=tuple(parts),
        attributes=_extra_attributes(root, known),
    )
    guids = [source.guid for source in project.sources]
    if len({guid_key(g) for g in guids}) != len(guids):
        raise FileFormatError(
            f"{where}: two sources share a guid. Fix: give every source its own guid "
            f"({_FIX_EXPORT})."
        )
    return project, text_members


def read_qdc(path: str | Path) -> QdaCodebook:
    """Read and validate a REFI-QDA codebook (.qdc).

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "codes.qdc"
    >>> code = QdaCode(guid="A182CD3A-D83C-4D8C-BC80-26D9103EC6D6", name="Trust")
    >>> write_qdc(QdaCodebook(codes=(code,)), target)
    >>> read_qdc(target).codes[0].name
    'Trust'
    """
    path = Path(path)
    if not path.is_file():
        raise FileFormatError(f"{path}: no such file. Fix: check the path.")
    where = str(path)
    data = path.read_bytes()
    if zipfile.is_zipfile(io.BytesIO(data)):
        raise FileFormatError(
            f"{where}: this is a zip archive (a .qdpx project?), not a .qdc codebook. Fix: "
            "rename it to .qdpx, or export the codebook (REFI-QDA codebook, .qdc)."
        )
    root = _parse_xml(data, where)
    if root.tag != f"{_C}CodeBook":
        raise FileFormatError(
            f"{where}, line {root.sourceline}: the root element is "
            f"<{etree.QName(root).localname}> in namespace '{etree.QName(root).namespace}', "
            f"expected <CodeBook> in {CODEBOOK_NAMESPACE}. Fix: export the codebook again "
            "(REFI-QDA codebook, .qdc)."
        )
    _validate(root, codebook_schema(), where, "codebook")
    codes = tuple(_read_code(code) for code in _children(root.find(f"{_C}Codes")))
    _check_codes(codes, where)
    sets_element = root.find(f"{_C}Sets")
    sets = (
        tuple(_read_set(item) for item in _children(sets_element))
        if sets_element is not None
        else ()
    )
    known = {guid_key(code.guid) for code, _ in iter_codes(codes)}
    for code_set in sets:
        for member in code_set.member_codes:
            if member is None or guid_key(member) not in known:
                raise FileFormatError(
                    f"{where}: set '{code_set.name}' lists code {member}, which is not in the "
                    "codebook. Fix: export the codebook again, or remove that MemberCode."
                )
    return QdaCodebook(codes=codes, sets=sets, origin=root.get("origin"))


# ---------------------------------------------------------------------------------------
# Writing


def _sub(parent: etree._Element, ns: str, tag: str, /, **attributes) -> etree._Element:
    element = etree.SubElement(parent, f"{ns}{tag}")
    for key, value in attributes.items():
        if value is not None:
            element.set(key, value)
    return element


def _text_element(parent: etree._Element, ns: str, name: str, text: str | None) -> None:
    if text is not None:
        _sub(parent, ns, name).text = text


def _append_fragments(parent: etree._Element, fragments: Iterable[str]) -> None:
    for fragment in fragments:
        parent.append(etree.fromstring(fragment, _parser()))


def _write_code(parent: etree._Element, ns: str, code: QdaCode) -> None:
    element = _sub(
        parent,
        ns,
        "Code",
        guid=code.guid,
        name=code.name,
        isCodable="true" if code.is_codable else "false",
        color=code.colour,
    )
    _text_element(element, ns, "Description", code.description)
    if ns == _P:  # the codebook schema has no NoteRef: notes live in projects only
        _append_fragments(element, code.kept)
    for child in code.children:
        _write_code(element, ns, child)


def _write_set(parent: etree._Element, ns: str, code_set: QdaSet) -> None:
    element = _sub(parent, ns, "Set", guid=code_set.guid, name=code_set.name)
    _text_element(element, ns, "Description", code_set.description)
    if ns == _C:
        for member in code_set.member_codes:
            _sub(element, ns, "MemberCode", guid=member)
        return
    for tag, members in (
        ("MemberCode", code_set.member_codes),
        ("MemberSource", code_set.member_sources),
        ("MemberNote", code_set.member_notes),
    ):
        for member in members:
            _sub(element, ns, tag, targetGUID=member)


def _dt(value: dt.datetime | None) -> str | None:
    return _format_datetime(value) if value is not None else None


def _write_selection(parent: etree._Element, selection: QdaSelection) -> None:
    element = _sub(
        parent,
        _P,
        "PlainTextSelection",
        guid=selection.guid,
        name=selection.name,
        startPosition=str(selection.start),
        endPosition=str(selection.end),
        creatingUser=selection.creating_user,
        creationDateTime=_dt(selection.created_at),
    )
    for key, value in selection.attributes:
        element.set(key, value)
    _text_element(element, _P, "Description", selection.description)
    for coding in selection.codings:
        coding_element = _sub(
            element,
            _P,
            "Coding",
            guid=coding.guid,
            creatingUser=coding.creating_user,
            creationDateTime=_dt(coding.created_at),
        )
        _sub(coding_element, _P, "CodeRef", targetGUID=coding.code_guid)
        _append_fragments(coding_element, coding.kept)
    _append_fragments(element, selection.kept)


def _internal_member(path: str) -> str:
    return f"sources/{path[len(_INTERNAL) :].lstrip('/')}"


def _write_text_source(parent: etree._Element, source: QdaTextSource) -> None:
    element = _sub(
        parent,
        _P,
        "TextSource",
        guid=source.guid,
        name=source.name,
        plainTextPath=source.plain_text_path,
        creatingUser=source.creating_user,
        creationDateTime=_dt(source.created_at),
    )
    for key, value in source.attributes:
        element.set(key, value)
    _text_element(element, _P, "Description", source.description)
    if source.plain_text_path is None:
        _sub(element, _P, "PlainTextContent").text = source.text
    # Coded and uncoded selections in position order, as tools write them.
    selections: list[tuple[int, int, object]] = [(s.start, s.end, s) for s in source.selections]
    for fragment in source.kept_selections:
        kept = etree.fromstring(fragment, _parser())
        selections.append((int(kept.get("startPosition")), int(kept.get("endPosition")), fragment))
    for _start, _end, selection in sorted(selections, key=lambda item: item[:2]):
        if isinstance(selection, QdaSelection):
            _write_selection(element, selection)
        else:
            _append_fragments(element, [selection])
    _append_fragments(element, source.kept)


def _project_tree(project: QdaProject) -> etree._Element:
    root = etree.Element(f"{_P}Project", nsmap={None: PROJECT_NAMESPACE, "xsi": _XSI})
    root.set(f"{{{_XSI}}}schemaLocation", _PROJECT_LOCATION)
    root.set("name", project.name)
    for key, value in (
        ("origin", project.origin),
        ("creatingUserGUID", project.creating_user),
        ("creationDateTime", _dt(project.created_at)),
    ):
        if value is not None:
            root.set(key, value)
    for key, value in project.attributes:
        root.set(key, value)
    if project.users:
        users = _sub(root, _P, "Users")
        for user in project.users:
            _sub(users, _P, "User", guid=user.guid, name=user.name, id=user.user_id)
    if project.codes:
        codes = _sub(_sub(root, _P, "CodeBook"), _P, "Codes")
        for code in project.codes:
            _write_code(codes, _P, code)
    sections = {
        name: [p.xml for p in project.parts if p.section == name] for name in _PART_SECTIONS
    }

    def kept_section(name: str) -> None:
        if sections[name]:
            _append_fragments(_sub(root, _P, name), sections[name])

    kept_section("Variables")
    kept_section("Cases")
    if project.sources:
        sources = _sub(root, _P, "Sources")
        for source in project.sources:
            if isinstance(source, QdaTextSource):
                _write_text_source(sources, source)
            else:
                _append_fragments(sources, [source.xml])
    kept_section("Notes")
    kept_section("Links")
    if project.sets:
        sets = _sub(root, _P, "Sets")
        for code_set in project.sets:
            _write_set(sets, _P, code_set)
    kept_section("Graphs")
    _text_element(root, _P, "Description", project.description)
    _append_fragments(root, sections["NoteRef"])
    return root


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def write_qdpx(project: QdaProject, path: str | Path) -> None:
    """Write ``project`` as a .qdpx (zip: project.qde, sources/...), validated, atomically.

    Text sources with a ``plain_text_path`` get their text written as UTF-8 to
    ``sources/NAME``; the others carry it inline. ``project.files`` are written as they are.
    Raises :class:`FileFormatError` (and writes nothing) if the result would not validate.
    """
    path = Path(path)
    root = _project_tree(project)
    where = f"{path} (project.qde, being written)"
    # Validate the serialised form: what other tools will read, with line numbers.
    data = _serialise(root)
    written = _parse_xml(data, where)
    _validate(written, project_schema(), where, "project")
    _check_code_refs(written, project.codes, where)
    members: dict[str, bytes] = {}
    for source in project.text_sources:
        for selection in source.selections:
            if not 0 <= selection.start < selection.end <= len(source.text):
                raise FileFormatError(
                    f"{where}: selection {selection.guid} [{selection.start}, {selection.end}) "
                    f"lies outside the text of source '{source.name}' ({len(source.text)} "
                    "characters). Fix: correct the segment in the store."
                )
        if source.plain_text_path is not None:
            members[_internal_member(source.plain_text_path)] = source.text.encode("utf-8")
    files = {file.path: file.data for file in project.files if file.path not in members}

    def write(target: Path) -> None:
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(_PROJECT_FILE, data)
            for name, content in {**members, **files}.items():
                archive.writestr(name, content)

    write_atomically(path, write)


def write_qdc(codebook: QdaCodebook, path: str | Path) -> None:
    """Write ``codebook`` as a .qdc (urn:QDA-XML:codebook:1.0), validated, atomically.

    Sets keep only their codes (a codebook holds no sources or notes); code NoteRefs are
    dropped (notes exist in projects only).
    """
    path = Path(path)
    if not codebook.codes:
        raise FileFormatError(
            f"{path}: a REFI-QDA codebook needs at least one code. Fix: add codes first."
        )
    root = etree.Element(f"{_C}CodeBook", nsmap={None: CODEBOOK_NAMESPACE, "xsi": _XSI})
    root.set(f"{{{_XSI}}}schemaLocation", _CODEBOOK_LOCATION)
    if codebook.origin is not None:
        root.set("origin", codebook.origin)
    codes = _sub(root, _C, "Codes")
    for code in codebook.codes:
        _write_code(codes, _C, code)
    if codebook.sets:
        sets = _sub(root, _C, "Sets")
        for code_set in codebook.sets:
            _write_set(sets, _C, code_set)
    data = _serialise(root)
    _validate(_parse_xml(data, str(path)), codebook_schema(), f"{path} (being written)", "codebook")
    write_atomically(path, lambda target: target.write_bytes(data))


def new_guid() -> str:
    """A fresh guid (uuid4) in the upper-case form most QDA tools write."""
    return str(uuid.uuid4()).upper()


# =======================================================================================
# Store layer: REFI-QDA projects and codebooks <-> the evaluation store

# Workbench metadata travels as REFI Variables (on text sources and on participant Cases),
# recognised on import by these names; code links to maturity dimensions and framework
# categories travel as code Sets (ATLAS.ti shows them as code groups).
VARIABLE_PREFIX = "scirocco-lab: "
DIMENSION_SET_PREFIX = "dimension: "
KEYS_SET_NAME = "scirocco-lab: code keys"
WORKBENCH_NOTE_NAME = "scirocco-lab: workbench data"
CATEGORY_SET_PREFIX = "category: "
_VARIABLES = {
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
_FIELD_OF_VARIABLE = {VARIABLE_PREFIX + name: key for key, (name, _type) in _VARIABLES.items()}
_VALUE_ELEMENTS = {
    "Text": "TextValue",
    "Boolean": "BooleanValue",
    "Date": "DateValue",
}
_GUID_NAMESPACE = uuid.UUID("5b1e4c1e-7d0a-4a44-9a55-6b1f3c1a2d77")  # scirocco-lab REFI guids


def _stable_guid(*parts: str) -> str:
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

    def __str__(self) -> str:
        codes = f"{self.codes} code(s) ({self.codes_added} new)"
        if self.kind == "qdc":
            return f"read {self.file}: {codes}; kept for export: {self.kept_parts} code set(s)"
        text = (
            f"read {self.file}: {self.sources} source(s), {codes}, "
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


def _missing(value) -> bool:
    """None, NaN, NaT or pd.NA (frames hold missing strings as NaN)."""
    if value is None:
        return True
    if isinstance(value, (str, tuple, list, dict)):
        return False
    return bool(pd.isna(value))


def _clean(value):
    return None if _missing(value) else value


def _slug(text: str, fallback: str) -> str:
    slug = re.sub(r"[^0-9a-z]+", "-", text.lower()).strip("-")[:80].strip("-")
    return slug or fallback


def _unique_key(wanted: str, taken: set[str]) -> str:
    key, number = wanted, 2
    while key in taken:
        key = f"{wanted}-{number}"
        number += 1
    taken.add(key)
    return key


def _colour(value: str | None) -> str | None:
    """REFI colours (#RGB or #RRGGBB) as the store keeps them: #RRGGBB."""
    if value is None:
        return None
    value = value.strip()
    if len(value) == 4:
        value = "#" + "".join(ch * 2 for ch in value[1:])
    return value


# --- reading variables, cases and sets of a project ------------------------------------


def _variable_names(project: QdaProject) -> dict[str, tuple[str, str]]:
    """guid key -> (name, type) of the project's Variables."""
    names = {}
    for part in project.parts:
        if part.section == "Variables":
            element = etree.fromstring(part.xml, _parser())
            names[guid_key(element.get("guid"))] = (
                element.get("name"),
                element.get("typeOfVariable"),
            )
    return names


def _variable_value(fragment: str | etree._Element, names: dict[str, tuple[str, str]]):
    """(workbench field, value) of a VariableValue of a workbench Variable, else None."""
    element = etree.fromstring(fragment, _parser()) if isinstance(fragment, str) else fragment
    reference = element.find(f"{_P}VariableRef")
    name, _type = names.get(guid_key(reference.get("targetGUID")), (None, None))
    field_name = _FIELD_OF_VARIABLE.get(name or "")
    if field_name is None:
        return None
    values = [child for child in _children(element) if _local(child) != "VariableRef"]
    if not values:
        return field_name, None
    value = values[0]
    text = (value.text or "").strip()
    kind = _local(value)
    if kind == "BooleanValue":
        return field_name, text in ("true", "1")
    if kind == "DateValue":
        try:
            return field_name, dt.date.fromisoformat(text[:10])
        except ValueError:
            return field_name, None
    return field_name, value.text


def _split_variable_values(
    fragments: Iterable[str], names: dict[str, tuple[str, str]]
) -> tuple[dict[str, object], tuple[str, ...]]:
    """Workbench variable values by field, and the other fragments (kept verbatim)."""
    ours: dict[str, object] = {}
    kept: list[str] = []
    for fragment in fragments:
        element = etree.fromstring(fragment, _parser())
        found = _variable_value(element, names) if _local(element) == "VariableValue" else None
        if found is None:
            kept.append(fragment)
        else:
            ours[found[0]] = found[1]
    return ours, tuple(kept)


def _is_ours(part: QdaPart, names: dict[str, tuple[str, str]]) -> bool:
    if part.section == "Notes":
        return etree.fromstring(part.xml, _parser()).get("name") == WORKBENCH_NOTE_NAME
    if part.section == "Variables":
        element = etree.fromstring(part.xml, _parser())
        return (element.get("name") or "") in _FIELD_OF_VARIABLE
    if part.section == "Cases":
        element = etree.fromstring(part.xml, _parser())
        return any(
            _variable_value(value, names) is not None
            for value in element.findall(f"{_P}VariableValue")
        )
    return False


def _workbench_data(project: QdaProject) -> dict:
    """What a workbench export put in its own note: synthetic coders, segment origins."""
    for part in project.parts:
        if part.section != "Notes":
            continue
        element = etree.fromstring(part.xml, _parser())
        if element.get("name") != WORKBENCH_NOTE_NAME:
            continue
        content = element.find(f"{_P}PlainTextContent")
        try:
            data = json.loads(content.text if content is not None else "")
        except (TypeError, ValueError):
            return {}  # a note another tool rewrote: the data is simply not used
        return data if isinstance(data, dict) else {}
    return {}


def _workbench_note(
    synthetic_coders: list[str], origins: dict[str, str], turn_starts: dict[str, list]
) -> QdaPart | None:
    """A Note holding what REFI-QDA has no place for, read back by :func:`import_qdpx`."""
    if not synthetic_coders and not origins and not turn_starts:
        return None
    element = etree.Element(f"{_P}Note", nsmap={None: PROJECT_NAMESPACE})
    element.set("guid", _stable_guid("note", WORKBENCH_NOTE_NAME))
    element.set("name", WORKBENCH_NOTE_NAME)
    _sub(element, _P, "Description").text = (
        "Read back by scirocco-lab on import: synthetic (demo) coders, how coded segments "
        "were made (manual or auto-coding) and when turns start in recordings. Safe to delete."
    )
    data = {
        "synthetic_coders": sorted(synthetic_coders),
        "segment_origins": origins,
        "turn_starts": turn_starts,
    }
    _sub(element, _P, "PlainTextContent").text = json.dumps(data, sort_keys=True)
    return QdaPart("Notes", etree.tostring(element, encoding="unicode"))


def _participants_from_cases(project: QdaProject, names, where: str):
    from scirocco_lab.evaluation.records import Origin, ParticipantRecord

    participants = []
    for part in project.parts:
        if part.section != "Cases" or not _is_ours(part, names):
            continue
        element = etree.fromstring(part.xml, _parser())
        values = dict(
            found
            for value in element.findall(f"{_P}VariableValue")
            if (found := _variable_value(value, names)) is not None
        )
        participants.append(
            ParticipantRecord(
                pseudonym=element.get("name") or element.get("guid"),
                group=values.get("group"),
                role=values.get("role"),
                organisation=values.get("organisation"),
                region=values.get("region"),
                full_name=values.get("full_name"),
                email=values.get("email"),
                synthetic=bool(values.get("synthetic", False)),
                provenance=Origin(where),
            )
        )
    return participants


@dataclass(frozen=True)
class _CodeLinks:
    dimensions: dict[str, list[str]]  # code guid key -> dimension keys
    categories: dict[str, list[str]]  # code guid key -> framework categories
    keys: dict[str, str]  # code guid key -> the code's key in the store that exported it
    kept: list[QdaSet]  # sets the workbench does not interpret


def _code_links(sets: Iterable[QdaSet], dimensions: frozenset[str]) -> _CodeLinks:
    """What the workbench's own code sets say about the codes; the other sets are kept."""
    links = _CodeLinks(dimensions={}, categories={}, keys={}, kept=[])
    for code_set in sets:
        name = code_set.name or ""
        only_codes = not code_set.member_sources and not code_set.member_notes
        target = None
        if only_codes and name == KEYS_SET_NAME:
            for line in (code_set.description or "").splitlines():
                # "GUID<tab>key"; any white space will do, in case a tool changed the tab.
                fields = line.strip().split(None, 1)
                if len(fields) == 2:
                    links.keys[guid_key(fields[0])] = fields[1].strip()
            continue
        if only_codes and name.startswith(DIMENSION_SET_PREFIX):
            value = name[len(DIMENSION_SET_PREFIX) :].strip()
            if value in dimensions:
                target = links.dimensions
        elif only_codes and name.startswith(CATEGORY_SET_PREFIX):
            value = name[len(CATEGORY_SET_PREFIX) :].strip()
            if value:
                target = links.categories
        if target is None:
            links.kept.append(code_set)
            continue
        for member in code_set.member_codes:
            values = target.setdefault(guid_key(member), [])
            if value not in values:
                values.append(value)
    return links


# --- mapping a file to records ------------------------------------------------------------


@dataclass(frozen=True)
class _Mapped:
    batch: object  # EvaluationBatch
    extras: tuple[tuple[str, str, dict], ...]  # (kind, guid, data)
    parts: tuple[tuple[str, str | None, str | None, str], ...]  # (section, guid, kind, content)
    files: tuple[QdaFile, ...]
    summary: QdaImportSummary


def _store_state(store) -> dict:
    from sqlalchemy import select

    from scirocco_lab.store import evaluation_tables as t

    with store.engine.connect() as connection:
        sources = connection.execute(
            select(t.evaluation_sources.c.key, t.evaluation_sources.c.guid)
        ).all()
        codes = connection.execute(
            select(t.evaluation_codes.c.key, t.evaluation_codes.c.guid)
        ).all()
        coders = connection.execute(
            select(t.evaluation_coders.c.name, t.evaluation_coders.c.guid)
        ).all()
        participants = connection.execute(select(t.evaluation_participants.c.pseudonym)).all()
    return {
        "participants": {row[0] for row in participants},
        "source_keys": {row[0] for row in sources},
        "source_by_guid": {guid_key(row[1]): row[0] for row in sources},
        "code_keys": {row[0] for row in codes},
        "code_by_guid": {guid_key(row[1]): row[0] for row in codes},
        "coder_names": {row[0] for row in coders},
        "coder_by_guid": {guid_key(row[1]): row[0] for row in coders},
    }


def _map_codes(codes, sets, state, dimensions, where):
    """CodeRecords for the codebook, the code key per guid key, extras, kept sets."""
    from scirocco_lab.evaluation.records import CodeRecord, Origin

    links = _code_links(sets, dimensions)
    taken = set(state["code_keys"])
    key_of: dict[str, str] = {}
    records = []
    extras = []
    for code, parent in iter_codes(codes):
        gkey = guid_key(code.guid)
        key = state["code_by_guid"].get(gkey)
        if key is None and links.keys.get(gkey, "") not in ("", *taken):
            key = links.keys[gkey]
            taken.add(key)
        if key is None:
            wanted = _slug(code.name, "code")
            if wanted in taken and parent is not None:
                wanted = f"{key_of[guid_key(parent.guid)]}-{wanted}"
            key = _unique_key(wanted[:180], taken)  # keys are at most 200 characters
        key_of[gkey] = key
        records.append(
            CodeRecord(
                code=key,
                name=code.name.strip() or code.guid,
                parent=key_of[guid_key(parent.guid)] if parent is not None else None,
                description=code.description or None,
                colour=_colour(code.colour),
                dimensions=tuple(links.dimensions.get(gkey, ())),
                categories=tuple(links.categories.get(gkey, ())),
                guid=code.guid,
                provenance=Origin(where),
            )
        )
        if not code.is_codable or code.kept:
            extras.append(("code", code.guid, {"is_codable": code.is_codable, "kept": code.kept}))
    return records, key_of, extras, links.kept


def _map_coders(users, state, where):
    from scirocco_lab.evaluation.records import CoderRecord, Origin

    taken = set(state["coder_names"])
    seen: set[str] = set()
    name_of: dict[str, str] = {}
    records = []
    extras = []
    for user in users:
        gkey = guid_key(user.guid)
        name = state["coder_by_guid"].get(gkey)
        if name is None:
            # A user named like a stored coder is that coder (tools give one person other
            # guids); two users of one file with the same name stay apart.
            wanted = (user.name or "").strip()[:180] or f"user-{gkey[:8]}"
            clash = wanted in seen
            name = _unique_key(f"{wanted} ({gkey[:8]})", taken) if clash else wanted
        seen.add(name)
        name_of[gkey] = name
        records.append(CoderRecord(coder=name, guid=user.guid, provenance=Origin(where)))
        if user.user_id is not None:
            extras.append(("user", user.guid, {"user_id": user.user_id}))
    return records, name_of, extras


def _paragraph_turns(text: str, source: str):
    """One turn per paragraph (blank-line separated, else per line), without speakers."""
    from scirocco_lab.evaluation.records import TurnRecord

    separator = r"\n[ \t]*\n" if re.search(r"\n[ \t]*\n", text.replace("\r", "")) else r"\n"
    turns = []
    for match in re.finditer(rf"(?:(?!{separator}).)+", text.replace("\r", " "), re.DOTALL):
        start, end = match.span()
        chunk = text[start:end]
        start += len(chunk) - len(chunk.lstrip())
        end -= len(chunk) - len(chunk.rstrip())
        if start < end:
            turns.append(
                TurnRecord(source=source, turn=len(turns) + 1, start_char=start, end_char=end)
            )
    return turns


def _turns(text: str, source: str):
    """Turns re-derived from the text: speaker turns if it has "Speaker: ..." paragraphs."""
    from dataclasses import replace as replaced

    from scirocco_lab.evaluation.transcripts import turns_from_text

    turns = tuple(turns_from_text(text, source=source))
    if any(turn.speaker for turn in turns):
        return tuple(replaced(turn, source=source) for turn in turns)
    return tuple(_paragraph_turns(text, source))


def _map_project(
    store,
    project: QdaProject,
    where: str,
    *,
    region: str | None,
    activity: str | None,
    programme: str | None,
    language: str | None,
    replace_sources: bool,
    dimensions: frozenset[str],
) -> _Mapped:
    from scirocco_lab.evaluation.records import (
        CoderRecord,
        EvaluationBatch,
        Origin,
        SegmentRecord,
        SourceRecord,
    )

    state = _store_state(store)
    names = _variable_names(project)
    code_records, code_key_of, extras, kept_sets = _map_codes(
        project.codes, project.sets, state, dimensions, where
    )
    workbench = _workbench_data(project)
    synthetic_coders = {guid_key(g) for g in workbench.get("synthetic_coders", ())}
    origins = {guid_key(g): o for g, o in dict(workbench.get("segment_origins", {})).items()}
    turn_starts = {guid_key(g): t for g, t in dict(workbench.get("turn_starts", {})).items()}
    coder_records, coder_of, coder_extras = _map_coders(project.users, state, where)
    coder_records = [
        replace(c, synthetic=c.guid is not None and guid_key(c.guid) in synthetic_coders)
        for c in coder_records
    ]
    extras = [*extras, *coder_extras]
    participants = _participants_from_cases(project, names, where)
    taken_sources = set(state["source_keys"])
    sources, turns, segments = [], [], []
    problems = []
    fallback_user = project.creating_user

    def coder_for(*guids: str | None) -> str:
        for guid in guids:
            if guid:
                gkey = guid_key(guid)
                if gkey not in coder_of:  # a user the file's Users do not list
                    name = state["coder_by_guid"].get(gkey) or _unique_key(
                        f"user-{gkey[:8]}", state["coder_names"]
                    )
                    coder_of[gkey] = name
                    coder_records.append(CoderRecord(coder=name, guid=guid))
                return coder_of[gkey]
        if "" not in coder_of:  # no creating user anywhere: one shared label
            coder_of[""] = "unknown-coder"
            coder_records.append(CoderRecord(coder="unknown-coder"))
        return coder_of[""]

    for source in project.text_sources:
        ours, kept = _split_variable_values(source.kept, names)
        gkey = guid_key(source.guid)
        existing = state["source_by_guid"].get(gkey)
        if existing is not None and not replace_sources:
            problems.append(
                f"source '{source.name}' (guid {source.guid}) is already in the store as "
                f"'{existing}'"
            )
        if existing is not None:
            key = existing
        else:
            wanted = str(ours.get("source") or "") or _slug(source.name or "", "source")
            key = _unique_key(wanted, taken_sources)
        participants_text = ours.get("participants")
        # Participants the file lists but neither the store nor the file's cases describe
        # (a tool may drop cases) are left out rather than failing the import.
        known = state["participants"] | {p.pseudonym for p in participants}
        source_participants = tuple(
            name
            for line in str(participants_text or "").split("\n")
            if (name := line.strip()) and name in known
        )
        sources.append(
            SourceRecord(
                source=key,
                title=(source.name or "").strip() or key,
                activity=activity or ours.get("activity") or "other",
                held_on=ours.get("held_on"),
                text=source.text,
                region=region if region is not None else ours.get("region"),
                programme=programme if programme is not None else ours.get("programme"),
                language=language if language is not None else ours.get("language"),
                original_format=ours.get("original_format") or "qdpx",
                participants=source_participants,
                guid=source.guid,
                synthetic=bool(ours.get("synthetic", False)),
                provenance=Origin(where),
            )
        )
        source_turns = _turns(source.text, key)
        starts = turn_starts.get(guid_key(source.guid))
        if starts is not None and len(starts) == len(source_turns):
            source_turns = tuple(
                replace(turn, started_at=start)
                for turn, start in zip(source_turns, starts, strict=True)
            )
        turns.extend(source_turns)
        extras.append(
            (
                "source",
                source.guid,
                {
                    "plain_text_path": source.plain_text_path,
                    "description": source.description,
                    "creating_user": source.creating_user,
                    "created_at": _dt(source.created_at),
                    "attributes": [list(pair) for pair in source.attributes],
                    "kept_selections": list(source.kept_selections),
                    "kept": list(kept),
                },
            )
        )
        for selection in source.selections:
            extras.append(
                (
                    "selection",
                    selection.guid,
                    {
                        "name": selection.name,
                        "creating_user": selection.creating_user,
                        "created_at": _dt(selection.created_at),
                        "attributes": [list(pair) for pair in selection.attributes],
                        "kept": list(selection.kept),
                    },
                )
            )
            for coding in selection.codings:
                segments.append(
                    SegmentRecord(
                        source=key,
                        code=code_key_of[guid_key(coding.code_guid)],
                        coder=coder_for(
                            coding.creating_user, selection.creating_user, fallback_user
                        ),
                        start_char=selection.start,
                        end_char=selection.end,
                        origin=origins.get(guid_key(coding.guid), "imported"),
                        memo=selection.description or None,
                        coded_at=coding.created_at or selection.created_at,
                        guid=coding.guid,
                        provenance=Origin(where),
                    )
                )
                extras.append(
                    (
                        "coding",
                        coding.guid,
                        {"selection": selection.guid, "kept": list(coding.kept)},
                    )
                )
    if problems:
        raise DuplicateRecordError(
            f"{where}: {'; '.join(problems)}. Fix: import with replace (CLI: --replace) to "
            "overwrite those sources and their coded segments, or remove them first."
        )
    parts = [
        (part.section, _part_guid(part), None, part.xml)
        for part in project.parts
        if not _is_ours(part, names)
    ]
    parts += [("Sources", s.guid, s.kind, s.xml) for s in project.kept_sources]
    parts += [("Sets", s.guid, "Set", _set_json(s)) for s in kept_sets]
    batch = EvaluationBatch(
        participants=tuple(participants),
        sources=tuple(sources),
        turns=tuple(turns),
        codes=tuple(code_records),
        coders=tuple(coder_records),
        segments=tuple(segments),
        source=where,
    )
    summary = QdaImportSummary(
        file=where,
        kind="qdpx",
        sources=len(sources),
        codes=len(code_records),
        segments=len(segments),
        coders=len(coder_records),
        participants=len(participants),
        kept_parts=len(parts),
        kept_files=len(project.files),
    )
    return _Mapped(
        batch=batch,
        extras=tuple(extras),
        parts=tuple(parts),
        files=project.files,
        summary=summary,
    )


def _part_guid(part: QdaPart) -> str | None:
    return etree.fromstring(part.xml, _parser()).get("guid")


def _set_json(code_set: QdaSet) -> str:
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


def _set_from_json(text: str) -> QdaSet:
    data = json.loads(text)
    return QdaSet(
        guid=data["guid"],
        name=data["name"],
        description=data.get("description"),
        member_codes=tuple(data.get("member_codes", ())),
        member_sources=tuple(data.get("member_sources", ())),
        member_notes=tuple(data.get("member_notes", ())),
    )


# --- writing to the store -------------------------------------------------------------------


def _write_mapped(
    store,
    mapped: _Mapped,
    *,
    kind: str,
    file_name: str,
    region: str | None,
    replace: bool,
    project: QdaProject | None,
    origin: str | None,
    dimensions: frozenset[str],
):
    """Validate the batch and write it, the kept parts and files in ONE transaction."""
    from scirocco_lab.evaluation import store as evaluation_store
    from scirocco_lab.store import qda_tables as q

    now = utc_now()
    with store.transaction() as connection:
        # The qda_* rows go in the same transaction: nothing lands if anything fails.
        written = evaluation_store.write_evaluation_in(
            connection, mapped.batch, dimensions=dimensions, replace=replace
        )
        result = connection.execute(
            q.qda_projects.insert().values(
                kind=kind,
                name=project.name if project else None,
                origin=origin,
                file_name=file_name,
                region=region,
                creating_user=project.creating_user if project else None,
                created_at=project.created_at if project else None,
                description=project.description if project else None,
                attributes=json.dumps([list(a) for a in project.attributes]) if project else None,
                imported_at=now,
            )
        )
        project_id = result.inserted_primary_key[0]
        if mapped.parts:
            connection.execute(
                q.qda_parts.insert(),
                [
                    {
                        "project_id": project_id,
                        "section": section,
                        "position": position,
                        "guid": guid,
                        "kind": element,
                        "content": content,
                    }
                    for position, (section, guid, element, content) in enumerate(mapped.parts)
                ],
            )
        for file in mapped.files:
            connection.execute(
                q.qda_files.insert().values(project_id=project_id, path=file.path, data=file.data)
            )
        _write_extras(connection, mapped.extras, project_id)
    return written


def _write_extras(connection, extras, project_id: int) -> None:
    """Replace the extras of these elements (bulk: a project has thousands of codings)."""
    from scirocco_lab.store import qda_tables as q

    table = q.qda_element_extras
    rows = {
        (kind, guid_key(guid)): json.dumps(data, ensure_ascii=False) for kind, guid, data in extras
    }
    by_kind: dict[str, list[str]] = {}
    for kind, key in rows:
        by_kind.setdefault(kind, []).append(key)
    for kind, keys in by_kind.items():
        for start in range(0, len(keys), 500):
            connection.execute(
                table.delete().where(
                    (table.c.kind == kind) & table.c.guid.in_(keys[start : start + 500])
                )
            )
    if rows:
        connection.execute(
            table.insert(),
            [
                {"kind": kind, "guid": key, "project_id": project_id, "data": data}
                for (kind, key), data in rows.items()
            ],
        )


def import_qdpx(
    store,
    path: str | Path,
    *,
    region: str | None = None,
    activity: str | None = None,
    programme: str | None = None,
    language: str | None = None,
    replace: bool = False,
    instrument=None,
) -> QdaImportSummary:
    """Import a REFI-QDA project: text sources, codebook, users (coders), coded selections.

    One coded segment per (selection, code), origin ``imported``, coder = the coding's (else
    the selection's) creating user, ``coded_at`` = its creationDateTime, memo = the
    selection's description. Guids are kept, so an export gives the same ones back.
    ``region``, ``activity``, ``programme`` and ``language`` apply to every source (they
    override the values a workbench export carries). Parts the workbench does not use are
    kept in the ``qda_*`` tables for :func:`export_qdpx`. Everything is validated first and
    written in one transaction; on any problem nothing is written. Sources already in the
    store (same guid) are an error unless ``replace``.

    >>> from scirocco_lab.store import open_store
    >>> store = open_store("sqlite://")
    >>> summary = import_qdpx(store, "tests/data/refi-qda/atlas-small-project.qdpx")
    >>> summary.codes, summary.coders
    (3, 2)
    """
    from scirocco_lab.evaluation import store as evaluation_store

    project = read_qdpx(path)
    where = str(path)
    dimensions = evaluation_store.dimension_keys(store, instrument)
    mapped = _map_project(
        store,
        project,
        where,
        region=region,
        activity=activity,
        programme=programme,
        language=language,
        replace_sources=replace,
        dimensions=dimensions,
    )
    written = _write_mapped(
        store,
        mapped,
        kind="qdpx",
        file_name=Path(path).name,
        region=region,
        replace=replace,
        project=project,
        origin=project.origin,
        dimensions=dimensions,
    )
    return _with_written(mapped.summary, written)


def _with_written(summary: QdaImportSummary, written) -> QdaImportSummary:
    return replace(summary, codes_added=written.codes_added, coders_added=written.coders_added)


def import_qdc(
    store, path: str | Path, *, replace: bool = False, instrument=None
) -> QdaImportSummary:
    """Import a REFI-QDA codebook (.qdc) into the store's codebook.

    Codes keep their guid, hierarchy, colour and description; sets named ``dimension: KEY``
    and ``category: NAME`` become the codes' dimension links and framework categories, other
    sets are kept for export. Codes already in the store (same guid) are left as they are
    unless ``replace``.

    >>> from scirocco_lab.store import open_store
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "codes.qdc"
    >>> write_qdc(QdaCodebook(codes=(QdaCode(guid=new_guid(), name="Trust"),)), target)
    >>> import_qdc(open_store("sqlite://"), target).codes
    1
    """
    from scirocco_lab.evaluation import store as evaluation_store
    from scirocco_lab.evaluation.records import EvaluationBatch

    codebook = read_qdc(path)
    where = str(path)
    dimensions = evaluation_store.dimension_keys(store, instrument)
    state = _store_state(store)
    code_records, _keys, extras, kept_sets = _map_codes(
        codebook.codes, codebook.sets, state, dimensions, where
    )
    parts = tuple(("Sets", s.guid, "Set", _set_json(s)) for s in kept_sets)
    mapped = _Mapped(
        batch=EvaluationBatch(codes=tuple(code_records), source=where),
        extras=tuple(extras),
        parts=parts,
        files=(),
        summary=QdaImportSummary(
            file=where, kind="qdc", codes=len(code_records), kept_parts=len(parts)
        ),
    )
    written = _write_mapped(
        store,
        mapped,
        kind="qdc",
        file_name=Path(path).name,
        region=None,
        replace=replace,
        project=None,
        origin=codebook.origin,
        dimensions=dimensions,
    )
    return _with_written(mapped.summary, written)


# --- building a project from the store ---------------------------------------------------


def _extras(store, kind: str) -> dict[str, dict]:
    from sqlalchemy import select

    from scirocco_lab.store import qda_tables as q

    table = q.qda_element_extras
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(table.c.guid, table.c.data).where(table.c.kind == kind)
        ).all()
    return {row[0]: json.loads(row[1]) for row in rows}


def _kept(store, region: str | None):
    """Imported projects, kept parts and files relevant to an export (latest import wins)."""
    from sqlalchemy import select

    from scirocco_lab.store import qda_tables as q

    with store.engine.connect() as connection:
        statement = select(q.qda_projects).order_by(q.qda_projects.c.id)
        if region is not None:
            statement = statement.where(q.qda_projects.c.region == region)
        projects = connection.execute(statement).mappings().all()
        ids = [row["id"] for row in projects]
        parts = (
            connection.execute(
                select(q.qda_parts)
                .where(q.qda_parts.c.project_id.in_(ids))
                .order_by(q.qda_parts.c.project_id, q.qda_parts.c.position)
            )
            .mappings()
            .all()
            if ids
            else []
        )
        files = (
            connection.execute(
                select(q.qda_files.c.path, q.qda_files.c.data)
                .where(q.qda_files.c.project_id.in_(ids))
                .order_by(q.qda_files.c.project_id, q.qda_files.c.id)
            ).all()
            if ids
            else []
        )
    unique_parts: dict[tuple, dict] = {}
    for part in parts:  # a file imported twice gives its parts once
        identity = (part["section"], part["guid"] or part["content"])
        unique_parts.pop(identity, None)
        unique_parts[identity] = dict(part)
    unique_files = {path: data for path, data in files}
    qdpx = [dict(p) for p in projects if p["kind"] == "qdpx"]
    latest = qdpx[-1] if qdpx else None
    if latest is not None:
        latest["attributes"] = [tuple(a) for a in json.loads(latest["attributes"] or "[]")]
    return latest, list(unique_parts.values()), unique_files


def _variable_xml(field_name: str) -> str:
    name, kind = _VARIABLES[field_name]
    element = etree.Element(f"{_P}Variable", nsmap={None: PROJECT_NAMESPACE})
    element.set("guid", _stable_guid("variable", field_name))
    element.set("name", VARIABLE_PREFIX + name)
    element.set("typeOfVariable", kind)
    description = f"scirocco-lab {name} (read back when the file is imported into scirocco-lab)"
    _sub(element, _P, "Description").text = description
    return etree.tostring(element, encoding="unicode")


def _value_xml(field_name: str, value) -> str:
    _name, kind = _VARIABLES[field_name]
    element = etree.Element(f"{_P}VariableValue", nsmap={None: PROJECT_NAMESPACE})
    _sub(element, _P, "VariableRef", targetGUID=_stable_guid("variable", field_name))
    if kind == "Boolean":
        text = "true" if value else "false"
    elif kind == "Date":
        text = value.isoformat()
    else:
        text = str(value)
    _sub(element, _P, _VALUE_ELEMENTS[kind]).text = text
    return etree.tostring(element, encoding="unicode")


def _tree_codes(codes_frame, extras: dict[str, dict]) -> tuple[QdaCode, ...]:
    rows = [
        {name: _clean(value) for name, value in row.items()}
        for row in codes_frame.to_dict("records")
    ]
    children: dict[str | None, list[dict]] = {}
    for row in rows:
        children.setdefault(row["parent"], []).append(row)

    def build(row: dict) -> QdaCode:
        extra = extras.get(guid_key(row["guid"]), {})
        return QdaCode(
            guid=row["guid"],
            name=row["name"],
            is_codable=extra.get("is_codable", True),
            colour=row["colour"],
            description=row["description"],
            children=tuple(build(child) for child in children.get(row["code"], [])),
            kept=tuple(extra.get("kept", ())),
        )

    return tuple(build(row) for row in children.get(None, []))


def _link_sets(codes_frame) -> list[QdaSet]:
    """Code sets for the codes' dimension links and framework categories, and one listing
    every code's key (REFI-QDA codes have no key; tools show the set as a code group)."""
    members: dict[tuple[str, str], list[str]] = {}
    for row in codes_frame.to_dict("records"):
        for prefix, values in (
            (DIMENSION_SET_PREFIX, row["dimensions"]),
            (CATEGORY_SET_PREFIX, row["categories"]),
        ):
            for value in values or ():
                members.setdefault((prefix, value), []).append(row["guid"])
    sets = [
        QdaSet(
            guid=_stable_guid("set", prefix, value),
            name=f"{prefix}{value}",
            description=(
                f"Codes linked to the maturity dimension '{value}' (scirocco-lab)"
                if prefix == DIMENSION_SET_PREFIX
                else f"Codes in the framework category '{value}' (scirocco-lab)"
            ),
            member_codes=tuple(guids),
        )
        for (prefix, value), guids in members.items()
    ]
    if not codes_frame.empty:
        sets.append(
            QdaSet(
                guid=_stable_guid("set", KEYS_SET_NAME),
                name=KEYS_SET_NAME,
                description="\n".join(
                    f"{guid}\t{key}"
                    for guid, key in zip(codes_frame["guid"], codes_frame["code"], strict=True)
                ),
                member_codes=tuple(codes_frame["guid"]),
            )
        )
    return sets


def _selections(segments, coder_guid: dict[str, str], code_guid: dict[str, str], extras):
    """Coded segments of one source grouped into PlainTextSelections."""
    selection_extras, coding_extras = extras
    groups: dict[tuple, list[dict]] = {}
    for segment in segments:
        link = coding_extras.get(guid_key(segment["guid"]), {}).get("selection")
        key = (link, segment["start_char"], segment["end_char"], segment["memo"])
        groups.setdefault(key, []).append(segment)
    used: set[str] = set()
    selections = []
    for (link, start, end, memo), members in groups.items():
        if link is not None and guid_key(link) not in used:
            guid = link
            extra = selection_extras.get(guid_key(link), {})
        else:
            guid = _stable_guid(
                "selection", *sorted(guid_key(member["guid"]) for member in members)
            )
            extra = {}
        used.add(guid_key(guid))
        first = min(members, key=lambda m: (m["coded_at"] is None, m["coded_at"] or 0))
        codings = tuple(
            QdaCoding(
                guid=member["guid"],
                code_guid=code_guid[member["code"]],
                creating_user=coder_guid[member["coder"]],
                created_at=member["coded_at"],
                kept=tuple(coding_extras.get(guid_key(member["guid"]), {}).get("kept", ())),
            )
            for member in members
        )
        created = extra.get("created_at")
        selections.append(
            QdaSelection(
                guid=guid,
                start=int(start),
                end=int(end),
                name=extra.get("name"),
                creating_user=extra.get("creating_user") or coder_guid[first["coder"]],
                created_at=_datetime(created, "store", None) if created else first["coded_at"],
                description=memo,
                codings=codings,
                attributes=tuple(tuple(pair) for pair in extra.get("attributes", ())),
                kept=tuple(extra.get("kept", ())),
            )
        )
    # Stable: selections at the same range stay in segment order (ids), as stored.
    return tuple(sorted(selections, key=lambda s: (s.start, s.end)))


def project_from_store(
    store, *, region: str | None = None, include_identities: bool = False
) -> tuple[QdaProject, dict[str, int]]:
    """The REFI-QDA project for the store (or one region), and counts of what it holds.

    >>> from scirocco_lab.store import open_store
    >>> project, counts = project_from_store(open_store("sqlite://"))
    >>> counts["sources"], project.origin.startswith("scirocco-lab")
    (0, True)
    """
    from scirocco_lab import __version__
    from scirocco_lab.evaluation.store import (
        coders_frame,
        codes_frame,
        participants_frame,
        segments_frame,
        source_text,
        sources_frame,
    )

    codes = codes_frame(store)
    coders = coders_frame(store)
    sources = sources_frame(store, region=region)
    segments = segments_frame(store)
    segments = segments[segments["source"].isin(set(sources["source"]))]
    if region is not None:
        coders = coders[coders["coder"].isin(set(segments["coder"]))]
    participants = participants_frame(store, include_identities=include_identities)
    if region is not None:
        wanted = {p for value in sources["participants"] for p in value}
        participants = participants[participants["pseudonym"].isin(wanted)]
    latest, kept_parts, kept_files = _kept(store, region)
    code_extras = _extras(store, "code")
    user_extras = _extras(store, "user")
    source_extras = _extras(store, "source")
    extras = (_extras(store, "selection"), _extras(store, "coding"))

    coder_guid = dict(zip(coders["coder"], coders["guid"], strict=True))
    code_guid = dict(zip(codes["code"], codes["guid"], strict=True))
    users = tuple(
        QdaUser(
            guid=row.guid,
            name=row.coder,
            user_id=user_extras.get(guid_key(row.guid), {}).get("user_id"),
        )
        for row in coders.itertuples()
    )
    used_variables: set[str] = set()
    text_sources: list[QdaTextSource] = []
    segment_rows = [
        {
            "guid": row["guid"],
            "source": row["source"],
            "code": row["code"],
            "coder": row["coder"],
            "start_char": row["start_char"],
            "end_char": row["end_char"],
            "memo": _clean(row["memo"]),
            "origin": row["origin"],
            "coded_at": row["coded_at"].to_pydatetime() if not _missing(row["coded_at"]) else None,
        }
        for row in segments.to_dict("records")
    ]
    by_source: dict[str, list[dict]] = {}
    for row in segment_rows:
        by_source.setdefault(row["source"], []).append(row)
    for row in sources.to_dict("records"):
        values = {
            "source": row["source"],
            "activity": row["activity"],
            "region": _clean(row["region"]),
            "programme": _clean(row["programme"]),
            "held_on": _clean(row["held_on"]),
            "language": _clean(row["language"]),
            "original_format": row["original_format"],
            "participants": "\n".join(row["participants"]) or None,
            "synthetic": bool(row["synthetic"]),
        }
        variable_values = []
        for field_name, value in values.items():
            if value is not None:
                used_variables.add(field_name)
                variable_values.append(_value_xml(field_name, value))
        extra = source_extras.get(guid_key(row["guid"]), {})
        created = extra.get("created_at")
        text_sources.append(
            QdaTextSource(
                guid=row["guid"],
                text=source_text(store, row["source"]),
                name=row["title"],
                # Imported inline text stays inline; everything else goes to sources/.
                plain_text_path=(
                    extra["plain_text_path"]
                    if "plain_text_path" in extra
                    else f"internal://{row['guid']}.txt"
                ),
                description=extra.get("description"),
                creating_user=extra.get("creating_user"),
                created_at=_datetime(created, "store", None) if created else None,
                selections=_selections(
                    by_source.get(row["source"], []), coder_guid, code_guid, extras
                ),
                attributes=tuple(tuple(pair) for pair in extra.get("attributes", ())),
                kept_selections=tuple(extra.get("kept_selections", ())),
                kept=(*extra.get("kept", ()), *variable_values),
            )
        )
    source_guid = dict(zip(sources["source"], sources["guid"], strict=True))
    cases = []
    for row in participants.to_dict("records"):
        element = etree.Element(f"{_P}Case", nsmap={None: PROJECT_NAMESPACE})
        element.set("guid", _stable_guid("participant", row["pseudonym"]))
        element.set("name", row["pseudonym"])
        values = {
            "group": _clean(row["group"]),
            "role": _clean(row["role"]),
            "organisation": _clean(row["organisation"]),
            "region": _clean(row["region"]),
            "synthetic": bool(row["synthetic"]),
        }
        if include_identities:
            values["full_name"] = _clean(row.get("full_name"))
            values["email"] = _clean(row.get("email"))
        for field_name, value in values.items():
            if value is not None:
                used_variables.add(field_name)
                element.append(etree.fromstring(_value_xml(field_name, value)))
        for source in sources.to_dict("records"):
            if row["pseudonym"] in source["participants"]:
                _sub(element, _P, "SourceRef", targetGUID=source_guid[source["source"]])
        cases.append(QdaPart("Cases", etree.tostring(element, encoding="unicode")))
    variables = [
        QdaPart("Variables", _variable_xml(name)) for name in _VARIABLES if name in used_variables
    ]
    note = _workbench_note(
        [row.guid for row in coders.itertuples() if row.synthetic],
        {row["guid"]: row["origin"] for row in segment_rows if row["origin"] != "imported"},
        _turn_starts(store, sources),
    )
    kept = [
        QdaPart(p["section"], p["content"])
        for p in kept_parts
        if p["section"] not in ("Sources", "Sets")
    ]
    kept_sources = tuple(
        QdaKeptSource(kind=p["kind"], guid=p["guid"], name=None, xml=p["content"])
        for p in kept_parts
        if p["section"] == "Sources"
    )
    kept_sets = [_set_from_json(p["content"]) for p in kept_parts if p["section"] == "Sets"]
    kept_sets = [_drop_unknown_codes(s, set(code_guid.values())) for s in kept_sets]
    project = QdaProject(
        name=(latest["name"] if latest else None)
        or (f"scirocco-lab {region}" if region else "scirocco-lab"),
        origin=f"scirocco-lab {__version__}",
        creating_user=latest["creating_user"] if latest else None,
        created_at=latest["created_at"] if latest else None,
        description=latest["description"] if latest else None,
        users=users,
        codes=_tree_codes(codes, code_extras),
        sets=(*_link_sets(codes), *kept_sets),
        sources=(*text_sources, *kept_sources),
        parts=(*variables, *kept, *cases, *([note] if note else [])),
        files=tuple(QdaFile(path, data) for path, data in kept_files.items()),
        attributes=tuple(
            (k, v) for k, v in (latest["attributes"] if latest else ()) if k not in ("origin",)
        ),
    )
    counts = {
        "sources": len(text_sources),
        "codes": len(codes),
        "segments": len(segment_rows),
        "coders": len(users),
        "participants": len(cases),
        "kept_parts": len(kept) + len(kept_sources) + len(kept_sets),
        "kept_files": len(kept_files),
    }
    return project, counts


def _turn_starts(store, sources) -> dict[str, list]:
    """Per source guid, the turns' start times in the recording (captions), if any."""
    from scirocco_lab.evaluation.store import turns_frame

    turns = turns_frame(store)
    starts = {}
    guid_of = dict(zip(sources["source"], sources["guid"], strict=True))
    for key, group in turns[turns["source"].isin(set(guid_of))].groupby("source", sort=True):
        values = [None if _missing(v) else float(v) for v in group["started_at"]]
        if any(value is not None for value in values):
            starts[guid_of[key]] = values
    return starts


def _drop_unknown_codes(code_set: QdaSet, known: set[str]) -> QdaSet:
    keys = {guid_key(g) for g in known}
    return replace(
        code_set, member_codes=tuple(g for g in code_set.member_codes if guid_key(g) in keys)
    )


def export_qdpx(
    store, path: str | Path, *, region: str | None = None, include_identities: bool = False
) -> QdaExportSummary:
    """Export the store (or one region) as a REFI-QDA project (.qdpx), validated, atomically.

    Holds the codebook (with dimension links and framework categories as code sets), coders
    as users, sources with their text (source metadata as variables), coded segments as
    PlainTextSelections with their codings, participants as cases (pseudonyms; real names
    and e-mails only with ``include_identities=True``), and the parts kept from imported
    projects.

    >>> import tempfile, pathlib
    >>> from scirocco_lab.store import open_store
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "project.qdpx"
    >>> export_qdpx(open_store("sqlite://"), target).sources
    0
    """
    path = Path(path)
    project, counts = project_from_store(
        store, region=region, include_identities=include_identities
    )
    write_qdpx(project, path)
    return QdaExportSummary(file=str(path), kind="qdpx", size_bytes=path.stat().st_size, **counts)


def export_qdc(store, path: str | Path) -> QdaExportSummary:
    """Export the store's codebook as a REFI-QDA codebook (.qdc), validated, atomically.

    >>> import tempfile, pathlib
    >>> from scirocco_lab.store import open_store
    >>> store = open_store("sqlite://")
    >>> source = pathlib.Path(tempfile.mkdtemp()) / "in.qdc"
    >>> write_qdc(QdaCodebook(codes=(QdaCode(guid=new_guid(), name="Trust"),)), source)
    >>> _ = import_qdc(store, source)
    >>> export_qdc(store, source.with_name("out.qdc")).codes
    1
    """
    from scirocco_lab import __version__
    from scirocco_lab.evaluation.store import codes_frame

    path = Path(path)
    codes = codes_frame(store)
    if codes.empty:
        raise FileFormatError(
            f"{path}: the store's codebook is empty, and a REFI-QDA codebook needs at least "
            "one code. Fix: import or add codes first."
        )
    _latest, kept_parts, _files = _kept(store, None)
    known = set(codes["guid"])
    kept_sets = [
        _drop_unknown_codes(_set_from_json(p["content"]), known)
        for p in kept_parts
        if p["section"] == "Sets"
    ]
    codebook = QdaCodebook(
        codes=_tree_codes(codes, _extras(store, "code")),
        sets=tuple(_link_sets(codes)) + tuple(kept_sets),
        origin=f"scirocco-lab {__version__}",
    )
    write_qdc(codebook, path)
    return QdaExportSummary(
        file=str(path),
        kind="qdc",
        codes=len(codes),
        kept_parts=len(kept_sets),
        size_bytes=path.stat().st_size,
    )
