"""Reading REFI-QDA files: .qdpx projects and .qdc codebooks into :mod:`.model` objects,
validated against the schema.

>>> project = read_qdpx("tests/data/refi-qda/atlas-small-project.qdpx")
>>> [code.name for code in project.codes]
['Commits']
"""

from __future__ import annotations

import codecs
import io
import zipfile
import zlib
from dataclasses import replace
from pathlib import Path

from lxml import etree

from scirocco_lab.errors import FileFormatError
from scirocco_lab.evaluation.refi_qda.model import (
    CODEBOOK_NAMESPACE,
    PROJECT_NAMESPACE,
    QdaCode,
    QdaCodebook,
    QdaCoding,
    QdaFile,
    QdaKeptSource,
    QdaPart,
    QdaProject,
    QdaSelection,
    QdaSet,
    QdaTextSource,
    QdaUser,
    guid_key,
    iter_codes,
)
from scirocco_lab.evaluation.refi_qda.repair import repair_tree
from scirocco_lab.evaluation.refi_qda.schema import (
    CODEBOOK_PREFIX,
    FIX_CODEBOOK,
    FIX_EXPORT,
    INTERNAL_PREFIX,
    PROJECT_MEMBER,
    PROJECT_PREFIX,
    XSI_NAMESPACE,
    check_code_refs,
    child_elements,
    codebook_schema,
    fragment_xml,
    local_name,
    parse_datetime,
    parse_xml,
    project_schema,
    safe_member_name,
    validate_tree,
)
from scirocco_lab.io.archives import ZIP_LIMITS, ZipLimits, check_zip_bounds

__all__ = [
    "read_qdc",
    "read_qdpx",
]


def _boolean(value: str | None) -> bool:
    return (value or "true").strip() in ("true", "1")


def _extra_attributes(element: etree._Element, known: set[str]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name, value)
        for name, value in element.attrib.items()
        if name not in known and not name.startswith(f"{{{XSI_NAMESPACE}}}")
    )


def _read_children(element: etree._Element, readers: dict) -> tuple[str | None, list[str]]:
    """Walk an element's children: a Description gives the description (None without
    one), a child whose name ``readers`` has goes to its reader, any other is kept
    verbatim. Returns the description and the kept children's XML."""
    description = None
    kept: list[str] = []
    for child in child_elements(element):
        name = local_name(child)
        if name == "Description":
            description = child.text or ""
        elif name in readers:
            readers[name](child)
        else:
            kept.append(fragment_xml(child))
    return description, kept


def _read_code(element: etree._Element) -> QdaCode:
    children: list[QdaCode] = []
    description, kept = _read_children(
        element, {"Code": lambda child: children.append(_read_code(child))}
    )
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
    members: dict[str, list[str]] = {"MemberCode": [], "MemberSource": [], "MemberNote": []}

    def member(child: etree._Element) -> None:
        members[local_name(child)].append(child.get("targetGUID") or child.get("guid"))

    description, _other = _read_children(element, dict.fromkeys(members, member))
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
                f"'{code.name}'). Fix: give every code its own guid ({FIX_EXPORT})."
            )
        seen.add(key)


def _zip_member(names: dict[str, str], internal_path: str) -> str | None:
    """The zip member an ``internal://NAME`` path points to (``sources/NAME``)."""
    name = internal_path[len(INTERNAL_PREFIX) :].lstrip("/")
    for candidate in (f"sources/{name}", name):
        found = names.get(candidate.lower())
        if found is not None:
            return found
    return None


def _source_label(element: etree._Element) -> str:
    """How every message names a source: its name and guid."""
    name = element.get("name")
    guid = element.get("guid")
    return f"text source '{name}' (guid {guid})" if name else f"text source {guid}"


def _decode_text(data: bytes, where: str, label: str, warnings: list[str]) -> str:
    """The plain text of a source file: UTF-8, or UTF-16 / UTF-8 with a BOM (warned about).

    A BOM is not part of the text the selections' positions count.
    """
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError:
                break
            shown = codec.upper().replace("-LE", "").replace("-BE", "")
            warnings.append(
                f"{where}: {label}: the text file is {shown} with a byte-order mark, not plain "
                "UTF-8; read as such (positions count characters after the mark)"
            )
            return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"{where}: {label}: the text file is not UTF-8 (byte {exc.start}) and has no "
            "byte-order mark saying what it is. Fix: REFI-QDA plain-text sources are UTF-8; "
            "save the source as UTF-8 in your QDA software and export the project again."
        ) from exc


def _read_selection(
    element: etree._Element, text_length: int, where: str, label: str
) -> QdaSelection:
    line = element.sourceline
    start = int(element.get("startPosition"))
    end = int(element.get("endPosition"))
    if not 0 <= start < end <= text_length:
        raise FileFormatError(
            f"{where}, line {line}: selection {element.get('guid')} of {label} covers "
            f"characters [{start}, {end}) but the source text has {text_length} characters "
            f"(a selection needs 0 <= start < end <= length). Fix: {FIX_EXPORT}; the "
            "positions must count Unicode characters of the plain text."
        )
    codings: list[QdaCoding] = []
    description, kept = _read_children(
        element, {"Coding": lambda child: codings.append(_read_coding(child, where))}
    )
    known = {"guid", "name", "startPosition", "endPosition", "creatingUser", "creationDateTime"}
    return QdaSelection(
        guid=element.get("guid"),
        start=start,
        end=end,
        name=element.get("name"),
        creating_user=element.get("creatingUser"),
        created_at=parse_datetime(element.get("creationDateTime"), where, line),
        description=description,
        codings=tuple(codings),
        attributes=_extra_attributes(element, known),
        kept=tuple(kept),
    )


def _read_coding(element: etree._Element, where: str) -> QdaCoding:
    code_guid = ""
    kept: list[str] = []
    for child in child_elements(element):
        if local_name(child) == "CodeRef":
            code_guid = child.get("targetGUID")
        else:
            kept.append(fragment_xml(child))
    return QdaCoding(
        guid=element.get("guid"),
        code_guid=code_guid,
        creating_user=element.get("creatingUser"),
        created_at=parse_datetime(element.get("creationDateTime"), where, element.sourceline),
        kept=tuple(kept),
    )


def _member_for(names: dict[str, str], path: str) -> str | None:
    """The zip member a plainTextPath names: ``internal://NAME`` or a plain relative name,
    looked up as ``sources/NAME`` and then ``NAME``; None if it is not in the archive."""
    name = path[len(INTERNAL_PREFIX) :] if path.startswith(INTERNAL_PREFIX) else path
    name = name.replace("\\", "/").lstrip("/")
    while name.startswith("./"):
        name = name[2:]
    if not safe_member_name(name):
        return None
    for candidate in (f"sources/{name}", name):
        found = names.get(candidate.lower())
        if found is not None:
            return found
    return None


def _twin(names: dict[str, str], path: str | None) -> str | None:
    """A plain-text file next to a rich-text one (same name, .txt), if the archive has one."""
    if not path:
        return None
    name = (path[len(INTERNAL_PREFIX) :] if path.startswith(INTERNAL_PREFIX) else path).replace(
        "\\", "/"
    )
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    for candidate in (f"sources/{stem}.txt", f"{stem}.txt"):
        found = names.get(candidate.lower())
        if found is not None:
            return found
    return None


def _source_text(
    element: etree._Element,
    archive: zipfile.ZipFile,
    names: dict[str, str],
    where: str,
    warnings: list[str],
) -> tuple[str, str | None]:
    """The text of a TextSource and the zip member it came from (None when inline).

    Accepts what producers write besides ``internal://``: a plain relative name of a file in
    the archive, an absolute path whose file was packed into sources/, a rich-text source
    with a plain-text twin; every such deviation gives one warning naming the source.
    """
    line = element.sourceline
    label = _source_label(element)
    inline = element.find(f"{PROJECT_PREFIX}PlainTextContent")
    path = element.get("plainTextPath")
    rich = element.get("richTextPath")
    member = None
    if path:
        member = _member_for(names, path)
        if member is not None and not path.startswith(INTERNAL_PREFIX):
            warnings.append(
                f"{where}, line {line}: {label}: plainTextPath '{path}' is a plain relative "
                f"name, not internal://; read from {member} in the archive"
            )
        elif member is None and not path.startswith(INTERNAL_PREFIX):
            # A path on the producer's machine: never opened; its file may have been packed.
            base = path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
            member = names.get(f"sources/{base}".lower()) if base else None
            if member is not None:
                warnings.append(
                    f"{where}, line {line}: {label}: plainTextPath '{path}' is a path outside "
                    f"the project; read {member}, the file of that name in the archive"
                )
        if member is None and inline is not None:
            warnings.append(
                f"{where}, line {line}: {label}: plainTextPath '{path}' is not in the "
                "archive; read its PlainTextContent instead"
            )
    if member is None and inline is None and not path:
        member = _twin(names, rich)
        if member is not None:
            warnings.append(
                f"{where}, line {line}: {label}: rich text only (richTextPath '{rich}'); "
                f"read its plain-text twin {member}"
            )
    if member is not None:
        text = _decode_text(archive.read(member), f"{where}: {member}", label, warnings)
    elif inline is not None:
        text = inline.text or ""
    elif path and path.startswith(INTERNAL_PREFIX):
        raise FileFormatError(
            f"{where}, line {line}: {label} names {path} but the archive has no "
            f"sources/{path[len(INTERNAL_PREFIX) :]}. Fix: {FIX_EXPORT} with its source "
            "files included."
        )
    elif path:
        raise FileFormatError(
            f"{where}, line {line}: the text of {label} is outside the project file ({path}) "
            "and not in the archive. Fix: export the project with its sources embedded "
            "(internal://)."
        )
    elif rich:
        raise FileFormatError(
            f"{where}, line {line}: {label} has only rich text ({rich}) and no plain-text "
            "file or PlainTextContent; the workbench reads plain text. Fix: export the "
            "project again with plain-text copies of the sources (REFI-QDA export does this)."
        )
    else:
        raise FileFormatError(
            f"{where}, line {line}: {label} has neither PlainTextContent nor plainTextPath. "
            f"Fix: {FIX_EXPORT}."
        )
    if not text:
        warnings.append(
            f"{where}, line {line}: {label}: the text is empty; kept as an empty source "
            "(nothing in it can be coded)"
        )
    return text, member


def _internal_path(member: str) -> str:
    """The canonical ``internal://`` path of a zip member (relative to sources/)."""
    return INTERNAL_PREFIX + (
        member[len("sources/") :] if member.startswith("sources/") else member
    )


def _read_text_source(
    element: etree._Element, text: str, member: str | None, where: str
) -> QdaTextSource:
    """A TextSource whose ``text`` (from :func:`_source_text`) came from the zip ``member``
    (None when inline)."""
    line = element.sourceline
    label = _source_label(element)
    selections: list[QdaSelection] = []
    kept_selections: list[str] = []

    def read_selection(child: etree._Element) -> None:
        selection = _read_selection(child, len(text), where, label)
        if selection.codings:
            selections.append(selection)
        else:
            kept_selections.append(fragment_xml(child))

    description, kept = _read_children(
        element,
        {"PlainTextContent": lambda _child: None, "PlainTextSelection": read_selection},
    )
    # The path is written back as internal://; an inline source's dangling one is dropped.
    known = {"guid", "name", "creatingUser", "creationDateTime", "plainTextPath"}
    path = element.get("plainTextPath")
    if member is not None:
        path = path if path and path.startswith(INTERNAL_PREFIX) else _internal_path(member)
    return QdaTextSource(
        guid=element.get("guid"),
        text=text,
        name=element.get("name"),
        plain_text_path=path if member is not None else None,
        description=description,
        creating_user=element.get("creatingUser"),
        created_at=parse_datetime(element.get("creationDateTime"), where, line),
        selections=tuple(selections),
        attributes=_extra_attributes(element, known),
        kept_selections=tuple(kept_selections),
        kept=tuple(kept),
    )


def _check_internal_files(
    root: etree._Element, names: dict[str, str], where: str, warnings: list[str]
) -> None:
    """Every ``internal://`` path in the project must stay inside the archive and be in it.

    A text source's plain text is looked for leniently when the source is read; its missing
    rich-text file is dropped with a warning (the workbench reads the plain text).
    """
    for element in root.iter(tag=etree.Element):
        for attribute in ("path", "plainTextPath", "richTextPath"):
            value = element.get(attribute)
            if not value or not value.startswith(INTERNAL_PREFIX):
                continue
            kind = local_name(element)
            label = (
                _source_label(element)
                if kind == "TextSource"
                else f"{kind} '{element.get('name') or element.get('guid')}' (guid "
                f"{element.get('guid')})"
            )
            if not safe_member_name(value[len(INTERNAL_PREFIX) :].lstrip("/")):
                raise FileFormatError(
                    f"{where}, line {element.sourceline}: {label} names {value}, a file "
                    "outside the project (an absolute path or '..'); the workbench reads only "
                    f"files inside the archive. Fix: {FIX_EXPORT}."
                )
            if kind == "TextSource" and attribute == "plainTextPath":
                continue  # read (leniently) with the source, see _source_text
            if _zip_member(names, value) is not None:
                continue
            if kind == "TextSource":
                del element.attrib[attribute]
                warnings.append(
                    f"{where}, line {element.sourceline}: {label}: its rich-text file {value} "
                    "is not in the archive; left out (the plain text is read)"
                )
                continue
            raise FileFormatError(
                f"{where}, line {element.sourceline}: {label} names {value} but the archive "
                f"has no sources/{value[len(INTERNAL_PREFIX) :]}. Fix: {FIX_EXPORT} with its "
                "source files included."
            )


def _open_zip(path: Path, limits: ZipLimits) -> zipfile.ZipFile:
    if not path.is_file():
        raise FileFormatError(f"{path}: no such file. Fix: check the path.")
    if not zipfile.is_zipfile(path):
        raise FileFormatError(
            f"{path}: not a .qdpx file (a .qdpx is a zip archive holding project.qde and a "
            f"sources folder). Fix: {FIX_EXPORT}; for a codebook use a .qdc file."
        )
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileFormatError(f"{path}: damaged zip archive ({exc}). Fix: {FIX_EXPORT}.") from exc
    try:
        check_zip_bounds(
            infos,
            str(path),
            "export the project without large media files, or check where the file came from",
            limits,
        )
    except FileFormatError:
        archive.close()
        raise
    return archive


def read_qdpx(path: str | Path, *, limits: ZipLimits = ZIP_LIMITS) -> QdaProject:
    """Read and validate a REFI-QDA project (.qdpx).

    Raises :class:`FileFormatError` naming the file (and line) when it is not a zip, is
    larger than ``limits`` allow, has no project.qde, is not well-formed XML or declares a
    DOCTYPE, does not follow the schema, has a selection outside its source text, a coding of
    an unknown code, or lacks a source file it names. Archive members whose names lead
    outside the archive (``../x``, ``/tmp/x``) are dropped, with a warning in
    ``QdaProject.warnings``.

    >>> project = read_qdpx("tests/data/refi-qda/atlas-small-project.qdpx")
    >>> project.origin, len(project.users)
    ('ATLAS.ti for Windows 23.2.3.27778', 2)
    """
    path = Path(path)
    try:
        return _read_qdpx(path, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        # A damaged or unusually compressed member, found only when it is unpacked.
        raise FileFormatError(
            f"{path}: a file inside the archive cannot be unpacked ({exc}). Fix: {FIX_EXPORT}."
        ) from exc


def _read_qdpx(path: Path, limits: ZipLimits) -> QdaProject:
    warnings: list[str] = []
    with _open_zip(path, limits) as archive:
        names: dict[str, str] = {}
        for info in archive.infolist():
            if info.is_dir():
                continue
            if not safe_member_name(info.filename):
                warnings.append(
                    f"{path}: archive member '{info.filename}' was dropped: its name leads "
                    "outside the project (an absolute path or '..'); it is not read and "
                    "will not be exported"
                )
                continue
            names[info.filename.replace("\\", "/").lower()] = info.filename
        qde = names.get(PROJECT_MEMBER)
        others = [name for key, name in names.items() if key.endswith(".qde") and "/" not in key]
        if qde is None and len(others) == 1:  # some tools name it after the project
            qde = others[0]
            warnings.append(
                f"{path}: the project file is '{qde}', not project.qde; read as the project"
            )
        if qde is None:
            raise FileFormatError(
                f"{path}: the zip holds no project.qde (found: "
                f"{', '.join(sorted(names.values())[:5]) or 'nothing'}). Fix: {FIX_EXPORT}."
            )
        where = f"{path} ({qde})"
        data = archive.read(qde)
        root = parse_xml(data, where)
        if root.tag != f"{PROJECT_PREFIX}Project":
            raise FileFormatError(
                f"{where}, line {root.sourceline}: the root element is "
                f"<{etree.QName(root).localname}> in namespace "
                f"'{etree.QName(root).namespace}', expected <Project> in {PROJECT_NAMESPACE}. "
                f"Fix: {FIX_EXPORT}."
            )
        warnings.extend(repair_tree(root, where))
        if not root.get("name"):
            root.set("name", path.stem)
            warnings.append(f"{where}: the project has no name; named '{path.stem}'")
        validate_tree(root, project_schema(), where, "project")
        _check_internal_files(root, names, where, warnings)
        project, text_members = _read_project(root, archive, names, where, warnings)
        check_code_refs(root, project.codes, where)
        consumed = {qde, *text_members}
        files = tuple(
            QdaFile(path=name.replace("\\", "/"), data=archive.read(name))
            for name in sorted(names.values())
            if name not in consumed
        )
    return replace(project, files=files, warnings=tuple(warnings))


def _read_project(
    root: etree._Element,
    archive: zipfile.ZipFile,
    names: dict[str, str],
    where: str,
    warnings: list[str],
) -> tuple[QdaProject, set[str]]:
    users: list[QdaUser] = []
    codes: tuple[QdaCode, ...] = ()
    sets: list[QdaSet] = []
    sources: list[QdaTextSource | QdaKeptSource] = []
    parts: list[QdaPart] = []
    description = None
    text_members: set[str] = set()
    for section in child_elements(root):
        name = local_name(section)
        if name == "Users":
            users = [
                QdaUser(guid=user.get("guid"), name=user.get("name"), user_id=user.get("id"))
                for user in child_elements(section)
            ]
        elif name == "CodeBook":
            codes_element = section.find(f"{PROJECT_PREFIX}Codes")
            codes = tuple(_read_code(code) for code in child_elements(codes_element))
            _check_codes(codes, where)
        elif name == "Sources":
            for source in child_elements(section):
                kind = local_name(source)
                if kind == "TextSource":
                    text, member = _source_text(source, archive, names, where, warnings)
                    sources.append(_read_text_source(source, text, member, where))
                    if member is not None:
                        text_members.add(member)
                else:
                    sources.append(
                        QdaKeptSource(
                            kind=kind,
                            guid=source.get("guid"),
                            name=source.get("name"),
                            xml=fragment_xml(source),
                        )
                    )
        elif name == "Sets":
            sets = [_read_set(item) for item in child_elements(section)]
        elif name == "Description":
            description = section.text or ""
        elif name == "NoteRef":
            parts.append(QdaPart(section="NoteRef", xml=fragment_xml(section)))
        else:
            parts.extend(
                QdaPart(section=name, xml=fragment_xml(item)) for item in child_elements(section)
            )
    known = {"name", "origin", "creatingUserGUID", "creationDateTime"}
    project = QdaProject(
        name=root.get("name"),
        origin=root.get("origin"),
        creating_user=root.get("creatingUserGUID"),
        created_at=parse_datetime(root.get("creationDateTime"), where, root.sourceline),
        description=description,
        users=tuple(users),
        codes=codes,
        sets=tuple(sets),
        sources=tuple(sources),
        parts=tuple(parts),
        attributes=_extra_attributes(root, known),
    )
    first: dict[str, str | None] = {}
    for source in project.sources:
        key = guid_key(source.guid)
        if key in first:
            raise FileFormatError(
                f"{where}: sources '{first[key]}' and '{source.name}' share the guid "
                f"{source.guid}. Fix: give every source its own guid ({FIX_EXPORT})."
            )
        first[key] = source.name
    return project, text_members


def read_qdc(path: str | Path) -> QdaCodebook:
    """Read and validate a REFI-QDA codebook (.qdc).

    >>> import tempfile, pathlib
    >>> from scirocco_lab.evaluation.refi_qda import QdaCode, QdaCodebook, write_qdc
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
    root = parse_xml(data, where, FIX_CODEBOOK)
    warnings: list[str] = []
    if root.tag == f"{PROJECT_PREFIX}CodeBook":
        # Some tools write the codebook in the project namespace: the same elements.
        for element in root.iter(tag=etree.Element):
            element.tag = CODEBOOK_PREFIX + local_name(element)
        etree.cleanup_namespaces(root)
        warnings.append(
            f"{where}: the codebook is in the project namespace ({PROJECT_NAMESPACE}), not "
            f"{CODEBOOK_NAMESPACE}; read as a codebook"
        )
    if root.tag != f"{CODEBOOK_PREFIX}CodeBook":
        raise FileFormatError(
            f"{where}, line {root.sourceline}: the root element is "
            f"<{etree.QName(root).localname}> in namespace '{etree.QName(root).namespace}', "
            f"expected <CodeBook> in {CODEBOOK_NAMESPACE}. Fix: export the codebook again "
            "(REFI-QDA codebook, .qdc)."
        )
    warnings.extend(repair_tree(root, where))
    validate_tree(root, codebook_schema(), where, "codebook", FIX_CODEBOOK)
    codes = tuple(_read_code(code) for code in child_elements(root.find(f"{CODEBOOK_PREFIX}Codes")))
    _check_codes(codes, where)
    sets_element = root.find(f"{CODEBOOK_PREFIX}Sets")
    sets = (
        tuple(_read_set(item) for item in child_elements(sets_element))
        if sets_element is not None
        else ()
    )
    known = {guid_key(code.guid) for code, _ in iter_codes(codes)}
    kept_sets = []
    for code_set in sets:
        unknown = [m for m in code_set.member_codes if m is None or guid_key(m) not in known]
        if unknown:
            warnings.append(
                f"{where}: set '{code_set.name}' (guid {code_set.guid}) lists "
                f"{len(unknown)} code(s) not in the codebook ({', '.join(map(str, unknown[:5]))}"
                f"{', ...' if len(unknown) > 5 else ''}); those members are left out"
            )
            code_set = replace(
                code_set,
                member_codes=tuple(m for m in code_set.member_codes if m not in unknown),
            )
        kept_sets.append(code_set)
    return QdaCodebook(
        codes=codes, sets=tuple(kept_sets), origin=root.get("origin"), warnings=tuple(warnings)
    )
