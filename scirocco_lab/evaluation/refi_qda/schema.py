"""REFI-QDA schemas and the XML layer shared by reading and writing: safe parsing, schema
validation, element helpers and xsd:dateTime conversion.

>>> project_schema().validate(etree.fromstring(b'<x/>'))
False
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
from collections.abc import Iterator
from importlib import resources

from lxml import etree

from scirocco_lab.errors import FileFormatError
from scirocco_lab.evaluation.refi_qda.model import (
    CODEBOOK_NAMESPACE,
    PROJECT_NAMESPACE,
    QdaCode,
    guid_key,
    iter_codes,
)
from scirocco_lab.io.archives import refuse_doctype

__all__ = [
    "CODEBOOK_PREFIX",
    "CODEBOOK_SCHEMA_LOCATION",
    "FIX_CODEBOOK",
    "FIX_EXPORT",
    "INTERNAL_PREFIX",
    "PROJECT_MEMBER",
    "PROJECT_PREFIX",
    "PROJECT_SCHEMA_LOCATION",
    "XSI_NAMESPACE",
    "canonical_xml",
    "check_code_refs",
    "child_elements",
    "codebook_schema",
    "format_datetime",
    "fragment_xml",
    "local_name",
    "parse_datetime",
    "parse_xml",
    "project_schema",
    "safe_member_name",
    "schema_text",
    "validate_tree",
    "xml_parser",
]

XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance"
PROJECT_SCHEMA_LOCATION = (
    f"{PROJECT_NAMESPACE} http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
)
CODEBOOK_SCHEMA_LOCATION = (
    f"{CODEBOOK_NAMESPACE} http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd"
)
PROJECT_PREFIX = f"{{{PROJECT_NAMESPACE}}}"
CODEBOOK_PREFIX = f"{{{CODEBOOK_NAMESPACE}}}"
PROJECT_MEMBER = "project.qde"
INTERNAL_PREFIX = "internal://"
FIX_EXPORT = (
    "export the project again from your QDA software (REFI-QDA project export, .qdpx), "
    "or repair the file"
)
FIX_CODEBOOK = (
    "export the codebook again from your QDA software (REFI-QDA codebook export, .qdc), "
    "or repair the file"
)


def schema_text() -> bytes:
    return (
        resources.files("scirocco_lab.evaluation").joinpath("schemas/Project-mrt2019.xsd")
    ).read_bytes()


@functools.cache
def project_schema() -> etree.XMLSchema:
    """The REFI-QDA project schema (urn:QDA-XML:project:1.0), Project-mrt2019.xsd."""
    return etree.XMLSchema(etree.fromstring(schema_text()))


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
    text = schema_text().replace(PROJECT_NAMESPACE.encode(), CODEBOOK_NAMESPACE.encode())
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


def safe_member_name(name: str) -> bool:
    """Whether a zip member name stays inside the archive: relative, no ``..``, no drive.

    >>> safe_member_name("sources/a.txt"), safe_member_name("../../x"), safe_member_name("/tmp/x")
    (True, False, False)
    >>> safe_member_name("C:\\\\x.txt"), safe_member_name("sources\\\\..\\\\x")
    (False, False)
    """
    normal = name.replace("\\", "/")
    parts = normal.split("/")
    return bool(
        normal.strip()
        and not normal.startswith("/")
        and not re.match(r"^[A-Za-z]:", normal)
        and "\x00" not in normal
        and ".." not in parts
    )


def xml_parser() -> etree.XMLParser:
    """The one parser for REFI-QDA XML: no DTD loading, no entity resolution, no network.

    Project files come from other people's machines; a DOCTYPE is refused before parsing
    (:func:`parse_xml`), and this parser would not act on one anyway.
    """
    return etree.XMLParser(
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        resolve_entities=False,
        no_network=True,
        remove_blank_text=True,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
    )


def parse_xml(data: bytes, where: str, fix: str = FIX_EXPORT) -> etree._Element:
    """Parse REFI-QDA XML safely; a DOCTYPE (entities, external DTDs) is refused.

    Raises :class:`FileFormatError` naming ``where`` (and the line), with ``fix`` as the
    advice for a file that is not well-formed.

    >>> parse_xml(b'<a><b/></a>', "x.qde").tag
    'a'
    >>> parse_xml(b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', "x.qde")
    Traceback (most recent call last):
    ...
    scirocco_lab.errors.FileFormatError: x.qde, line 1: the file declares a DOCTYPE ...
    """
    refuse_doctype(
        data,
        where,
        "export the file again from your QDA software, or delete the <!DOCTYPE ...> declaration",
    )
    try:
        root = etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        at = f", line {line}" if line else ""
        raise FileFormatError(f"{where}{at}: not well-formed XML ({exc.msg}). Fix: {fix}.") from exc
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:  # a prolog not seen above
        raise FileFormatError(
            f"{where}: the file declares a DOCTYPE, which the workbench does not read. Fix: "
            "delete the <!DOCTYPE ...> declaration."
        )
    return root


def validate_tree(
    root: etree._Element, schema: etree.XMLSchema, where: str, what: str, fix: str = FIX_EXPORT
) -> None:
    """Validate ``root`` against ``schema``; refuse with the first five errors and ``fix``."""
    try:
        valid = schema.validate(root)
    except etree.XMLSchemaValidateError as exc:  # libxml2 gives up (an unexpanded entity, ...)
        raise FileFormatError(
            f"{where}: the REFI-QDA {what} schema cannot check the file ({exc}). Fix: {fix}."
        ) from exc
    if valid:
        return
    errors = list(schema.error_log)
    shown = "; ".join(f"line {error.line}: {error.message}" for error in errors[:5])
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    raise FileFormatError(
        f"{where} does not follow the REFI-QDA {what} schema: {shown}{more}. Fix: "
        f"{fix}; the schema is scirocco_lab/evaluation/schemas/Project-mrt2019.xsd."
    )


def child_elements(element: etree._Element) -> Iterator[etree._Element]:
    return (child for child in element if isinstance(child.tag, str))


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname


def fragment_xml(element: etree._Element) -> str:
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


def parse_datetime(value: str | None, where: str, line: int | None) -> dt.datetime | None:
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


def format_datetime(value: dt.datetime | None) -> str | None:
    """An aware or naive (taken as UTC) datetime as xsd:dateTime in UTC; None stays None.

    >>> format_datetime(dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC))
    '2024-05-01T12:00:00Z'
    """
    return _format_datetime(value) if value is not None else None


def check_code_refs(root: etree._Element, codes: tuple[QdaCode, ...], where: str) -> None:
    known = {guid_key(code.guid) for code, _ in iter_codes(codes)}
    for reference in root.iter(f"{PROJECT_PREFIX}CodeRef"):
        owner = reference.getparent()
        if local_name(owner) != "Coding":
            continue  # a Case's CodeRef is kept verbatim; only codings must resolve
        target = reference.get("targetGUID")
        if guid_key(target) not in known:
            source = next(
                (a for a in owner.iterancestors() if local_name(a).endswith("Source")), None
            )
            of = (
                f" in source '{source.get('name')}' (guid {source.get('guid')})"
                if source is not None
                else ""
            )
            raise FileFormatError(
                f"{where}, line {reference.sourceline}: {local_name(owner)} "
                f"{owner.get('guid')}{of} refers to code {target}, which is not in the "
                f"codebook. Fix: {FIX_EXPORT} including the whole codebook."
            )
