"""REFI-QDA file -> store: map a project's or codebook's sources, codes, users and coded
selections to evaluation records and write them, with the parts kept for export, in one
transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from scirocco_lab.errors import DataValidationError, DuplicateRecordError, InputProblem
from scirocco_lab.evaluation.refi_qda.model import (
    CATEGORY_SET_PREFIX,
    DIMENSION_SET_PREFIX,
    FIELD_OF_VARIABLE,
    KEYS_SET_NAME,
    WORKBENCH_NOTE_NAME,
    QdaCodebook,
    QdaFile,
    QdaImportSummary,
    QdaPart,
    QdaProject,
    QdaSet,
    guid_key,
    iter_codes,
    set_to_json,
)
from scirocco_lab.evaluation.refi_qda.read import (
    read_qdc,
    read_qdpx,
)
from scirocco_lab.evaluation.refi_qda.schema import (
    PROJECT_PREFIX,
    child_elements,
    format_datetime,
    local_name,
    xml_parser,
)
from scirocco_lab.io.clock import utc_now
from scirocco_lab.store.ledger import audit

__all__ = [
    "import_qdc",
    "import_qdpx",
]


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
            element = etree.fromstring(part.xml, xml_parser())
            names[guid_key(element.get("guid"))] = (
                element.get("name"),
                element.get("typeOfVariable"),
            )
    return names


def _variable_value(fragment: str | etree._Element, names: dict[str, tuple[str, str]]):
    """(workbench field, value) of a VariableValue of a workbench Variable, else None."""
    element = etree.fromstring(fragment, xml_parser()) if isinstance(fragment, str) else fragment
    reference = element.find(f"{PROJECT_PREFIX}VariableRef")
    name, _type = names.get(guid_key(reference.get("targetGUID")), (None, None))
    field_name = FIELD_OF_VARIABLE.get(name or "")
    if field_name is None:
        return None
    values = [child for child in child_elements(element) if local_name(child) != "VariableRef"]
    if not values:
        return field_name, None
    value = values[0]
    text = (value.text or "").strip()
    kind = local_name(value)
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
        element = etree.fromstring(fragment, xml_parser())
        found = _variable_value(element, names) if local_name(element) == "VariableValue" else None
        if found is None:
            kept.append(fragment)
        else:
            ours[found[0]] = found[1]
    return ours, tuple(kept)


def _is_ours(part: QdaPart, names: dict[str, tuple[str, str]]) -> bool:
    if part.section == "Notes":
        return etree.fromstring(part.xml, xml_parser()).get("name") == WORKBENCH_NOTE_NAME
    if part.section == "Variables":
        element = etree.fromstring(part.xml, xml_parser())
        return (element.get("name") or "") in FIELD_OF_VARIABLE
    if part.section == "Cases":
        element = etree.fromstring(part.xml, xml_parser())
        return any(
            _variable_value(value, names) is not None
            for value in element.findall(f"{PROJECT_PREFIX}VariableValue")
        )
    return False


def _workbench_data(project: QdaProject) -> dict:
    """What a workbench export put in its own note: synthetic coders, segment origins."""
    for part in project.parts:
        if part.section != "Notes":
            continue
        element = etree.fromstring(part.xml, xml_parser())
        if element.get("name") != WORKBENCH_NOTE_NAME:
            continue
        content = element.find(f"{PROJECT_PREFIX}PlainTextContent")
        try:
            data = json.loads(content.text if content is not None else "")
        except (TypeError, ValueError):
            return {}  # a note another tool rewrote: the data is simply not used
        return data if isinstance(data, dict) else {}
    return {}


def _participants_from_cases(project: QdaProject, names, where: str):
    from scirocco_lab.evaluation.records import Origin, ParticipantRecord

    participants = []
    for part in project.parts:
        if part.section != "Cases" or not _is_ours(part, names):
            continue
        element = etree.fromstring(part.xml, xml_parser())
        values = dict(
            found
            for value in element.findall(f"{PROJECT_PREFIX}VariableValue")
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

    from scirocco_lab.evaluation import tables as t
    from scirocco_lab.store import schema

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
        subjects = connection.execute(select(schema.subjects.c.key)).scalars().all()
    return {
        "subjects": set(subjects),
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
    if region is not None and region not in state["subjects"]:
        # Said once for the file, not once per source.
        known = ", ".join(sorted(state["subjects"])[:10]) or "none yet"
        raise DataValidationError(
            [
                InputProblem(
                    where,
                    None,
                    "region",
                    region,
                    f"unknown region (known: {known})",
                    "add the region first (`scirocco-lab subjects add`) or give one of the "
                    "known keys",
                )
            ]
        )
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

    unlisted: dict[str, int] = {}  # coder name -> codings by a user <Users> does not list

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
                    unlisted[name] = 0
                if coder_of[gkey] in unlisted:
                    unlisted[coder_of[gkey]] += 1
                return coder_of[gkey]
        if "" not in coder_of:  # no creating user anywhere: one shared label
            coder_of[""] = "unknown-coder"
            coder_records.append(CoderRecord(coder="unknown-coder"))
            unlisted["unknown-coder"] = 0
        unlisted["unknown-coder"] += 1
        return coder_of[""]

    def named(source) -> Origin:
        return Origin(f"{where}, text source '{source.name}' (guid {source.guid})")

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
                provenance=named(source),
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
                    "created_at": format_datetime(source.created_at),
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
                        "created_at": format_datetime(selection.created_at),
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
                        provenance=named(source),
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
    parts += [("Sets", s.guid, "Set", set_to_json(s)) for s in kept_sets]
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
        **_read_counts(batch),
        kept_parts=len(parts),
        kept_files=len(project.files),
        empty_sources=sum(1 for source in sources if not source.text),
        warnings=(
            *project.warnings,
            *(
                f"{where}: {count} coding(s) by a user the project's <Users> does not list; "
                f"imported as coder '{name}'"
                if name != "unknown-coder"
                else f"{where}: {count} coding(s) name no creating user (nor does the "
                "project); imported as coder 'unknown-coder'"
                for name, count in unlisted.items()
            ),
        ),
    )
    return _Mapped(
        batch=batch,
        extras=tuple(extras),
        parts=tuple(parts),
        files=project.files,
        summary=summary,
    )


def _read_counts(batch) -> dict[str, int]:
    """The summary's counts of what the file gave: the batch's records of each kind."""
    kinds = ("sources", "codes", "segments", "coders", "participants")
    return {kind: len(getattr(batch, kind)) for kind in kinds}


def _part_guid(part: QdaPart) -> str | None:
    return etree.fromstring(part.xml, xml_parser()).get("guid")


# --- writing to the store -------------------------------------------------------------------


def _write_mapped(
    store,
    mapped: _Mapped,
    path: str | Path,
    read: QdaProject | QdaCodebook,
    *,
    region: str | None,
    replace: bool,
    dimensions: frozenset[str],
) -> QdaImportSummary:
    """Validate the batch and write it, the kept parts and files in ONE transaction; the
    summary with what was added."""
    from scirocco_lab.evaluation import store as evaluation_store
    from scirocco_lab.evaluation import tables as q

    now = utc_now()
    kind, file_name, origin = mapped.summary.kind, Path(path).name, read.origin
    project = read if isinstance(read, QdaProject) else None
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
        audit(
            connection,
            "import",
            "qda_projects",
            keys=[source.source for source in mapped.batch.sources],
            counts={**written.counts, "kept_parts": len(mapped.parts), "files": len(mapped.files)},
            file=file_name,
        )
    return dataclasses.replace(
        mapped.summary, codes_added=written.codes_added, coders_added=written.coders_added
    )


def _write_extras(connection, extras, project_id: int) -> None:
    """Replace the extras of these elements (bulk: a project has thousands of codings)."""
    from scirocco_lab.evaluation import tables as q

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
    return _write_mapped(
        store, mapped, path, project, region=region, replace=replace, dimensions=dimensions
    )


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
    >>> from scirocco_lab.evaluation.refi_qda import QdaCode, QdaCodebook, new_guid, write_qdc
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
    parts = tuple(("Sets", s.guid, "Set", set_to_json(s)) for s in kept_sets)
    mapped = _Mapped(
        batch=EvaluationBatch(codes=tuple(code_records), source=where),
        extras=tuple(extras),
        parts=parts,
        files=(),
        summary=QdaImportSummary(
            file=where,
            kind="qdc",
            codes=len(code_records),
            kept_parts=len(parts),
            warnings=codebook.warnings,
        ),
    )
    return _write_mapped(
        store, mapped, path, codebook, region=None, replace=replace, dimensions=dimensions
    )
