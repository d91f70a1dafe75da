"""Store -> REFI-QDA file: build a project or codebook from the evaluation store (with the
parts kept from imports) and write it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
from lxml import etree

from scirocco_lab.errors import FileFormatError
from scirocco_lab.evaluation.refi_qda.model import (
    CATEGORY_SET_PREFIX,
    DIMENSION_SET_PREFIX,
    KEYS_SET_NAME,
    PROJECT_NAMESPACE,
    VALUE_ELEMENTS,
    VARIABLE_PREFIX,
    WORKBENCH_NOTE_NAME,
    WORKBENCH_VARIABLES,
    QdaCode,
    QdaCodebook,
    QdaCoding,
    QdaExportSummary,
    QdaFile,
    QdaKeptSource,
    QdaPart,
    QdaProject,
    QdaSelection,
    QdaSet,
    QdaTextSource,
    QdaUser,
    guid_key,
    set_from_json,
    stable_guid,
)
from scirocco_lab.evaluation.refi_qda.schema import (
    PROJECT_PREFIX,
    parse_datetime,
    safe_member_name,
)
from scirocco_lab.evaluation.refi_qda.write import (
    sub_element,
    write_qdc,
    write_qdpx,
)

__all__ = [
    "export_qdc",
    "export_qdpx",
    "project_from_store",
]


def _missing(value) -> bool:
    """None, NaN, NaT or pd.NA (frames hold missing strings as NaN)."""
    if value is None:
        return True
    if isinstance(value, (str, tuple, list, dict)):
        return False
    return bool(pd.isna(value))


def _clean(value):
    return None if _missing(value) else value


def _workbench_note(
    synthetic_coders: list[str], origins: dict[str, str], turn_starts: dict[str, list]
) -> QdaPart | None:
    """A Note holding what REFI-QDA has no place for, read back by :func:`import_qdpx`."""
    if not synthetic_coders and not origins and not turn_starts:
        return None
    element = etree.Element(f"{PROJECT_PREFIX}Note", nsmap={None: PROJECT_NAMESPACE})
    element.set("guid", stable_guid("note", WORKBENCH_NOTE_NAME))
    element.set("name", WORKBENCH_NOTE_NAME)
    sub_element(element, PROJECT_PREFIX, "Description").text = (
        "Read back by scirocco-lab on import: synthetic (demo) coders, how coded segments "
        "were made (manual or auto-coding) and when turns start in recordings. Safe to delete."
    )
    data = {
        "synthetic_coders": sorted(synthetic_coders),
        "segment_origins": origins,
        "turn_starts": turn_starts,
    }
    sub_element(element, PROJECT_PREFIX, "PlainTextContent").text = json.dumps(data, sort_keys=True)
    return QdaPart("Notes", etree.tostring(element, encoding="unicode"))


# --- building a project from the store ---------------------------------------------------


def _extras(store, kind: str) -> dict[str, dict]:
    from sqlalchemy import select

    from scirocco_lab.evaluation import tables as q

    table = q.qda_element_extras
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(table.c.guid, table.c.data).where(table.c.kind == kind)
        ).all()
    return {row[0]: json.loads(row[1]) for row in rows}


def _kept(store, region: str | None):
    """Imported projects, kept parts and files relevant to an export (latest import wins)."""
    from sqlalchemy import select

    from scirocco_lab.evaluation import tables as q

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
    name, kind = WORKBENCH_VARIABLES[field_name]
    element = etree.Element(f"{PROJECT_PREFIX}Variable", nsmap={None: PROJECT_NAMESPACE})
    element.set("guid", stable_guid("variable", field_name))
    element.set("name", VARIABLE_PREFIX + name)
    element.set("typeOfVariable", kind)
    description = f"scirocco-lab {name} (read back when the file is imported into scirocco-lab)"
    sub_element(element, PROJECT_PREFIX, "Description").text = description
    return etree.tostring(element, encoding="unicode")


def _value_xml(field_name: str, value) -> str:
    _name, kind = WORKBENCH_VARIABLES[field_name]
    element = etree.Element(f"{PROJECT_PREFIX}VariableValue", nsmap={None: PROJECT_NAMESPACE})
    sub_element(
        element, PROJECT_PREFIX, "VariableRef", targetGUID=stable_guid("variable", field_name)
    )
    if kind == "Boolean":
        text = "true" if value else "false"
    elif kind == "Date":
        text = value.isoformat()
    else:
        text = str(value)
    sub_element(element, PROJECT_PREFIX, VALUE_ELEMENTS[kind]).text = text
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
            guid=stable_guid("set", prefix, value),
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
                guid=stable_guid("set", KEYS_SET_NAME),
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
            guid = stable_guid("selection", *sorted(guid_key(member["guid"]) for member in members))
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
                created_at=parse_datetime(created, "store", None) if created else first["coded_at"],
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
    # Stores written before member names were checked on import may hold unsafe ones.
    warnings = tuple(
        f"kept file '{name}' was left out: its name leads outside the project"
        for name in kept_files
        if not safe_member_name(name)
    )
    kept_files = {name: data for name, data in kept_files.items() if safe_member_name(name)}
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
                created_at=parse_datetime(created, "store", None) if created else None,
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
        element = etree.Element(f"{PROJECT_PREFIX}Case", nsmap={None: PROJECT_NAMESPACE})
        element.set("guid", stable_guid("participant", row["pseudonym"]))
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
                sub_element(
                    element, PROJECT_PREFIX, "SourceRef", targetGUID=source_guid[source["source"]]
                )
        cases.append(QdaPart("Cases", etree.tostring(element, encoding="unicode")))
    variables = [
        QdaPart("Variables", _variable_xml(name))
        for name in WORKBENCH_VARIABLES
        if name in used_variables
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
    kept_sets = [set_from_json(p["content"]) for p in kept_parts if p["section"] == "Sets"]
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
        warnings=warnings,
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
    return QdaExportSummary(
        file=str(path),
        kind="qdpx",
        size_bytes=path.stat().st_size,
        warnings=project.warnings,
        **counts,
    )


def export_qdc(store, path: str | Path) -> QdaExportSummary:
    """Export the store's codebook as a REFI-QDA codebook (.qdc), validated, atomically.

    >>> import tempfile, pathlib
    >>> from scirocco_lab.store import open_store
    >>> store = open_store("sqlite://")
    >>> from scirocco_lab.evaluation.refi_qda import import_qdc, new_guid
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
        _drop_unknown_codes(set_from_json(p["content"]), known)
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
