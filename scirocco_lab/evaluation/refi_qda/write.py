"""Writing REFI-QDA files: :mod:`.model` objects to .qdpx projects and .qdc codebooks,
validated against the schema before anything is written, atomically.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from scirocco_lab.errors import FileFormatError
from scirocco_lab.evaluation.refi_qda.model import (
    CODEBOOK_NAMESPACE,
    PROJECT_NAMESPACE,
    QdaCode,
    QdaCodebook,
    QdaProject,
    QdaSelection,
    QdaSet,
    QdaTextSource,
)
from scirocco_lab.evaluation.refi_qda.schema import (
    CODEBOOK_PREFIX,
    CODEBOOK_SCHEMA_LOCATION,
    INTERNAL_PREFIX,
    PROJECT_MEMBER,
    PROJECT_PREFIX,
    PROJECT_SCHEMA_LOCATION,
    XSI_NAMESPACE,
    check_code_refs,
    codebook_schema,
    format_datetime,
    parse_xml,
    project_schema,
    safe_member_name,
    validate_tree,
    xml_parser,
)
from scirocco_lab.io.files import write_atomically

__all__ = [
    "sub_element",
    "write_qdc",
    "write_qdpx",
]

# Project-level optional parts the workbench keeps verbatim, in schema order. Sets and the
# project Description are modelled (QdaSet, QdaProject.description) because the workbench
# reads the first and writes both.
_PART_SECTIONS = ("Variables", "Cases", "Notes", "Links", "Graphs", "NoteRef")


def sub_element(parent: etree._Element, ns: str, tag: str, /, **attributes) -> etree._Element:
    element = etree.SubElement(parent, f"{ns}{tag}")
    for key, value in attributes.items():
        if value is not None:
            element.set(key, value)
    return element


def _text_element(parent: etree._Element, ns: str, name: str, text: str | None) -> None:
    if text is not None:
        sub_element(parent, ns, name).text = text


def _append_fragments(parent: etree._Element, fragments: Iterable[str]) -> None:
    for fragment in fragments:
        parent.append(etree.fromstring(fragment, xml_parser()))


def _write_code(parent: etree._Element, ns: str, code: QdaCode) -> None:
    element = sub_element(
        parent,
        ns,
        "Code",
        guid=code.guid,
        name=code.name,
        isCodable="true" if code.is_codable else "false",
        color=code.colour,
    )
    _text_element(element, ns, "Description", code.description)
    if ns == PROJECT_PREFIX:  # the codebook schema has no NoteRef: notes live in projects only
        _append_fragments(element, code.kept)
    for child in code.children:
        _write_code(element, ns, child)


def _write_set(parent: etree._Element, ns: str, code_set: QdaSet) -> None:
    element = sub_element(parent, ns, "Set", guid=code_set.guid, name=code_set.name)
    _text_element(element, ns, "Description", code_set.description)
    if ns == CODEBOOK_PREFIX:
        for member in code_set.member_codes:
            sub_element(element, ns, "MemberCode", guid=member)
        return
    for tag, members in (
        ("MemberCode", code_set.member_codes),
        ("MemberSource", code_set.member_sources),
        ("MemberNote", code_set.member_notes),
    ):
        for member in members:
            sub_element(element, ns, tag, targetGUID=member)


def _authored_element(parent: etree._Element, tag: str, item, **attributes) -> etree._Element:
    """The project element ``tag`` of a selection, coding or text source: its guid, name,
    ``attributes``, creating user and time, then the attributes it kept, and its
    Description."""
    element = sub_element(
        parent,
        PROJECT_PREFIX,
        tag,
        guid=item.guid,
        name=getattr(item, "name", None),
        **attributes,
        creatingUser=item.creating_user,
        creationDateTime=format_datetime(item.created_at),
    )
    for key, value in getattr(item, "attributes", ()):
        element.set(key, value)
    _text_element(element, PROJECT_PREFIX, "Description", getattr(item, "description", None))
    return element


def _write_selection(parent: etree._Element, selection: QdaSelection) -> None:
    element = _authored_element(
        parent,
        "PlainTextSelection",
        selection,
        startPosition=str(selection.start),
        endPosition=str(selection.end),
    )
    for coding in selection.codings:
        coding_element = _authored_element(element, "Coding", coding)
        sub_element(coding_element, PROJECT_PREFIX, "CodeRef", targetGUID=coding.code_guid)
        _append_fragments(coding_element, coding.kept)
    _append_fragments(element, selection.kept)


def _internal_member(path: str) -> str:
    return f"sources/{path[len(INTERNAL_PREFIX) :].lstrip('/')}"


def _write_text_source(parent: etree._Element, source: QdaTextSource) -> None:
    element = _authored_element(parent, "TextSource", source, plainTextPath=source.plain_text_path)
    if source.plain_text_path is None:
        sub_element(element, PROJECT_PREFIX, "PlainTextContent").text = source.text
    # Coded and uncoded selections in position order, as tools write them.
    selections: list[tuple[int, int, object]] = [(s.start, s.end, s) for s in source.selections]
    for fragment in source.kept_selections:
        kept = etree.fromstring(fragment, xml_parser())
        selections.append((int(kept.get("startPosition")), int(kept.get("endPosition")), fragment))
    for _start, _end, selection in sorted(selections, key=lambda item: item[:2]):
        if isinstance(selection, QdaSelection):
            _write_selection(element, selection)
        else:
            _append_fragments(element, [selection])
    _append_fragments(element, source.kept)


def _project_tree(project: QdaProject) -> etree._Element:
    root = etree.Element(
        f"{PROJECT_PREFIX}Project", nsmap={None: PROJECT_NAMESPACE, "xsi": XSI_NAMESPACE}
    )
    root.set(f"{{{XSI_NAMESPACE}}}schemaLocation", PROJECT_SCHEMA_LOCATION)
    root.set("name", project.name)
    for key, value in (
        ("origin", project.origin),
        ("creatingUserGUID", project.creating_user),
        ("creationDateTime", format_datetime(project.created_at)),
    ):
        if value is not None:
            root.set(key, value)
    for key, value in project.attributes:
        root.set(key, value)
    if project.users:
        users = sub_element(root, PROJECT_PREFIX, "Users")
        for user in project.users:
            sub_element(
                users, PROJECT_PREFIX, "User", guid=user.guid, name=user.name, id=user.user_id
            )
    if project.codes:
        codes = sub_element(sub_element(root, PROJECT_PREFIX, "CodeBook"), PROJECT_PREFIX, "Codes")
        for code in project.codes:
            _write_code(codes, PROJECT_PREFIX, code)
    sections = {
        name: [p.xml for p in project.parts if p.section == name] for name in _PART_SECTIONS
    }

    def kept_section(name: str) -> None:
        if sections[name]:
            _append_fragments(sub_element(root, PROJECT_PREFIX, name), sections[name])

    kept_section("Variables")
    kept_section("Cases")
    if project.sources:
        sources = sub_element(root, PROJECT_PREFIX, "Sources")
        for source in project.sources:
            if isinstance(source, QdaTextSource):
                _write_text_source(sources, source)
            else:
                _append_fragments(sources, [source.xml])
    kept_section("Notes")
    kept_section("Links")
    if project.sets:
        sets = sub_element(root, PROJECT_PREFIX, "Sets")
        for code_set in project.sets:
            _write_set(sets, PROJECT_PREFIX, code_set)
    kept_section("Graphs")
    _text_element(root, PROJECT_PREFIX, "Description", project.description)
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
    written = parse_xml(data, where)
    validate_tree(written, project_schema(), where, "project")
    check_code_refs(written, project.codes, where)
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
            if not source.plain_text_path.startswith(INTERNAL_PREFIX):
                raise FileFormatError(
                    f"{where}: source '{source.name}' (guid {source.guid}) has plainTextPath "
                    f"'{source.plain_text_path}'; a project writes internal://NAME. Fix: give "
                    "the source an internal:// path or inline text; nothing was written."
                )
            members[_internal_member(source.plain_text_path)] = source.text.encode("utf-8")
    files = {file.path: file.data for file in project.files if file.path not in members}
    for name in (*members, *files):
        if not safe_member_name(name):  # never write a member that would unpack elsewhere
            raise FileFormatError(
                f"{path}: archive member '{name}' would lead outside the project (an absolute "
                "path or '..'). Fix: rename the source or drop that file; nothing was written."
            )

    def write(target: Path) -> None:
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(PROJECT_MEMBER, data)
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
    root = etree.Element(
        f"{CODEBOOK_PREFIX}CodeBook", nsmap={None: CODEBOOK_NAMESPACE, "xsi": XSI_NAMESPACE}
    )
    root.set(f"{{{XSI_NAMESPACE}}}schemaLocation", CODEBOOK_SCHEMA_LOCATION)
    if codebook.origin is not None:
        root.set("origin", codebook.origin)
    codes = sub_element(root, CODEBOOK_PREFIX, "Codes")
    for code in codebook.codes:
        _write_code(codes, CODEBOOK_PREFIX, code)
    if codebook.sets:
        sets = sub_element(root, CODEBOOK_PREFIX, "Sets")
        for code_set in codebook.sets:
            _write_set(sets, CODEBOOK_PREFIX, code_set)
    data = _serialise(root)
    validate_tree(
        parse_xml(data, str(path)), codebook_schema(), f"{path} (being written)", "codebook"
    )
    write_atomically(path, lambda target: target.write_bytes(data))
