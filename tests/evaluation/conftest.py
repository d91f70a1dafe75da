"""A generator of REFI-QDA projects that imitate what each QDA tool writes (synthetic data).

``build_producer_project(producer, folder, ...)`` writes a .qdpx whose project.qde and
sources/ follow one producer's habits, and returns the path and what an import must give.
The habits are taken from issue 14's report of real exports, the two real ATLAS.ti 23 files
in tests/data/refi-qda/, the producers' REFI-QDA documentation and two public readers and
writers (qc's refi_qda writer, QualCoder's refi.py importer notes on MAXQDA, NVivo and
Quirkos files). The report's plain relative ``plainTextPath`` did not say which tool wrote
it: ``relative_text_paths=True`` gives that habit to any producer.

==========  =============================================================================
producer    habits
==========  =============================================================================
nvivo       Users with ``id``; codes with colours and descriptions; plain text UTF-8 with a
            BOM and Windows line breaks, next to a rich-text .docx (richTextPath); one
            source whose plain-text file is empty; date-times with fractions of a second;
            Variables and Cases.
maxqda      guids in braces; code Sets (MemberCode); one source's text UTF-16 with a BOM;
            richTextPath .rtf with its plain-text twin named in plainTextPath; source
            variables in a Case without a name that refers to one source.
atlas       project creatingUserGUID/modifyingUserGUID; selections with names; code groups
            as Sets; plain text UTF-8 without a BOM.
qualcoder   lower-case guids; codes without colours; one coded selection per coding.
taguette    no Users (codings name no creating user); codes without ``isCodable``; text
            inline (PlainTextContent); an empty ``<Sets/>``; the .qdc codebook also has one.
qc          no XML declaration; project named "qc project"; lower-case guids; sources
            named by their corpus path (``interviews/interview-1.txt``); whole-line
            selections named ``line:N`` with no creating user, their codings with one; no
            colours and no date-times anywhere.
==========  =============================================================================

Texts are generated interview sentences (synthetic, no real person). ``selections`` sets how
many coded selections are spread over the sources (two sources unless ``sources`` says
otherwise); every fifth selection carries two codings by two coders.
"""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree

PRODUCERS = ("nvivo", "maxqda", "atlas", "qualcoder", "taguette", "qc")
NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ORIGINS = {
    "nvivo": "NVivo 15 (15.1.0.1091)",
    "maxqda": "MAXQDA 24 (Release 24.4.0)",
    "atlas": "ATLAS.ti for Windows 23.2.3.27778",
    "qualcoder": "QualCoder 3.6",
    "taguette": "Taguette 1.4.1",
    "qc": "qc 0.4.0",
}
SENTENCE = (
    "we share the care plan with the GP every week and the social worker joins when the "
    "family asks for it because trust between teams grew after the pilot ended"
)
WORDS = SENTENCE.split()


@dataclass(frozen=True)
class Expected:
    """What importing a generated project must give."""

    sources: dict[str, str]  # guid key -> text
    empty_sources: int
    codes: dict[str, tuple[str, str | None]]  # guid key -> (name, parent guid key)
    segments: set[tuple]  # (coding guid key, source guid key, code guid key, user, start, end)
    coders: set[str]  # user names; "unknown-coder" when codings name no user
    deviations: tuple[str, ...] = field(default=())  # words each expected warning contains


def _guid(producer: str, *parts) -> str:
    value = str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join([producer, *map(str, parts)]))).upper()
    if producer == "maxqda":
        return "{" + value + "}"
    if producer in ("qualcoder", "qc"):
        return value.lower()
    return value


def _key(guid: str) -> str:
    return guid.strip("{}").lower()


def _text(number: int, words: int) -> str:
    sentences, position = [], number * 7
    while sum(len(s) for s in sentences) < words * 6:
        sentence = " ".join(WORDS[(position + i) % len(WORDS)] for i in range(12))
        sentences.append(f"Speaker {1 + position % 2}: {sentence.capitalize()}.")
        position += 5
    return "\n".join(sentences)


def _spans(text: str, count: int) -> list[tuple[int, int]]:
    """``count`` word-aligned, distinct spans of ``text`` (may overlap, as coders' do)."""
    starts = [i for i, ch in enumerate(text) if ch != " " and (i == 0 or text[i - 1] in " \n")]
    spans: list[tuple[int, int]] = []
    step = max(1, len(starts) // max(count, 1))
    for n in range(count):
        start = starts[(n * step + n // len(starts)) % len(starts)]
        end = text.find(" ", start + 5 + (n % 4) * 6)
        end = len(text) if end < 0 else end
        if (start, end) in spans:
            end = min(len(text), end + 1)
        spans.append((start, end))
    return spans


def _lines(text: str, count: int) -> list[tuple[int, int]]:
    """Whole lines (with their line break), as qc codes them: ``count`` of them, cycling."""
    bounds, start = [], 0
    for line in text.splitlines(keepends=True):
        bounds.append((start, start + len(line)))
        start += len(line)
    return [bounds[n % len(bounds)] for n in range(count)] if bounds else []


def _sub(parent, tag: str, **attributes):
    element = etree.SubElement(parent, f"{{{NS}}}{tag}")
    for name, value in attributes.items():
        if value is not None:
            element.set(name, value)
    return element


def build_producer_project(
    producer: str,
    folder: Path,
    *,
    selections: int = 12,
    sources: int | None = None,
    deviations: bool = True,
    relative_text_paths: bool = False,
    code_count: int = 4,
) -> tuple[Path, Expected]:
    """Write ``folder/<producer>.qdpx`` with the producer's habits; return it and what an
    import must give. ``deviations=False`` leaves out the habits the schema forbids;
    ``relative_text_paths`` writes plainTextPath as a plain relative name (issue 14);
    ``code_count`` above 4 adds uncoded sub-codes under the four coded ones (NVivo: 262)."""
    p = producer
    source_count = sources if sources is not None else (3 if p == "nvivo" else 2)
    users = [("Ana Costa", _guid(p, "user", 1)), ("Ben Okafor", _guid(p, "user", 2))]
    root = etree.Element(f"{{{NS}}}Project", nsmap={None: NS, "xsi": XSI})
    root.set("name", "qc project" if p == "qc" else f"{p} synthetic project")
    root.set("origin", ORIGINS[p])
    if p != "qc":
        root.set(
            "creationDateTime",
            "2025-03-01T09:30:12.1234567Z" if p == "nvivo" else "2025-03-01T09:30:12Z",
        )
    if p == "atlas":
        root.set("creatingUserGUID", users[0][1])
        root.set("modifyingUserGUID", users[0][1])
    if p != "taguette":
        users_element = _sub(root, "Users")
        for number, (name, guid) in enumerate(users, 1):
            _sub(
                users_element,
                "User",
                guid=guid,
                name=name,
                id=f"U{number}" if p == "nvivo" else None,
            )
    codes = _sub(_sub(root, "CodeBook"), "Codes")
    code_tree = [("Information sharing", None), ("Care plan", 0), ("Trust", None), ("Teams", 2)]
    code_tree += [(f"Theme {n}", n % 4) for n in range(4, code_count)]
    code_guids = [_guid(p, "code", i) for i in range(len(code_tree))]
    code_elements = []
    for number, (name, parent) in enumerate(code_tree):
        parent_element = codes if parent is None else code_elements[parent]
        element = _sub(parent_element, "Code", guid=code_guids[number], name=name)
        if not (p == "taguette" and deviations):
            element.set("isCodable", "true")
        if p not in ("qualcoder", "qc"):
            element.set("color", ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"][number % 4])
        if p == "nvivo":
            _sub(element, "Description").text = f"Passages about {name.lower()}"
        code_elements.append(element)
    if p == "nvivo":
        variable = _guid(p, "variable")
        _sub(_sub(root, "Variables"), "Variable", guid=variable, name="Role", typeOfVariable="Text")
        case = _sub(_sub(root, "Cases"), "Case", guid=_guid(p, "case"), name="Participant 1")
        value = _sub(case, "VariableValue")
        _sub(value, "VariableRef", targetGUID=variable)
        _sub(value, "TextValue").text = "nurse"
    sources_element = _sub(root, "Sources")
    members: dict[str, bytes] = {}
    expected_sources: dict[str, str] = {}
    segments: set[tuple] = set()
    coders: set[str] = set()
    texts = []
    for number in range(source_count):
        empty = p == "nvivo" and number == source_count - 1
        text = "" if empty else _text(number, 60 + selections * 4)
        if p == "nvivo":  # Windows line breaks: positions count both characters
            text = text.replace("\n", "\r\n")
        texts.append(text)
    codable = [n for n, text in enumerate(texts) if text]
    per_source = {
        n: selections // len(codable) + (i < selections % len(codable))
        for i, n in enumerate(codable)
    }
    for number, text in enumerate(texts):
        guid = _guid(p, "source", number)
        name = f"interviews/interview-{number + 1}.txt" if p == "qc" else f"Interview {number + 1}"
        expected_sources[_key(guid)] = text
        source = _sub(sources_element, "TextSource", guid=guid, name=name)
        if p not in ("qc",):
            source.set(
                "creationDateTime",
                "2025-03-02T10:00:00.5Z" if p == "nvivo" else "2025-03-02T10:00:00Z",
            )
        stem = guid.strip("{}")
        if p == "taguette":
            _sub(source, "PlainTextContent").text = text
        else:
            relative = relative_text_paths and deviations
            source.set("plainTextPath", f"{stem}.txt" if relative else f"internal://{stem}.txt")
            if p == "nvivo":
                data = b"\xef\xbb\xbf" + text.encode("utf-8") if text else b""
                source.set("richTextPath", f"internal://{stem}.docx")
                members[f"sources/{stem}.docx"] = b"PK\x03\x04 synthetic docx stand-in"
            elif p == "maxqda" and number == 1:
                data = b"\xff\xfe" + text.encode("utf-16-le")
                source.set("richTextPath", f"internal://{stem}.rtf")
                members[f"sources/{stem}.rtf"] = b"{\\rtf1 synthetic}"
            else:
                data = text.encode("utf-8")
            members[f"sources/{stem}.txt"] = data
        spans = (_lines if p == "qc" else _spans)(text, per_source.get(number, 0))
        for index, (start, end) in enumerate(spans):
            selection_guid = _guid(p, "selection", number, index)
            user_name, user_guid = users[index % 2]
            selection = _sub(
                source,
                "PlainTextSelection",
                guid=selection_guid,
                startPosition=str(start),
                endPosition=str(end),
                name={"atlas": text[start:end][:30], "qc": f"line:{index}"}.get(p),
                creatingUser=None if p in ("taguette", "qc") else user_guid,
            )
            pairs = [(code_guids[index % 4], user_name, user_guid)]
            if index % 5 == 0 and p != "qualcoder":
                other = users[(index + 1) % 2]
                pairs.append((code_guids[(index + 1) % 4], other[0], other[1]))
            for coding_number, (code_guid, coder, coder_guid) in enumerate(pairs):
                coding_guid = _guid(p, "coding", number, index, coding_number)
                coding = _sub(
                    selection,
                    "Coding",
                    guid=coding_guid,
                    creatingUser=None if p == "taguette" else coder_guid,
                )
                _sub(coding, "CodeRef", targetGUID=code_guid)
                who = "unknown-coder" if p == "taguette" else coder
                coders.add(who)
                segments.add((_key(coding_guid), _key(guid), _key(code_guid), who, start, end))
    if p == "maxqda":  # file variables: a Case without a name, one SourceRef
        variable = _guid(p, "variable")
        variables = etree.Element(f"{{{NS}}}Variables")
        _sub(variables, "Variable", guid=variable, name="Cases:Age group", typeOfVariable="Text")
        case = _sub(etree.Element(f"{{{NS}}}Cases"), "Case", guid=_guid(p, "case"))
        value = _sub(case, "VariableValue")
        _sub(value, "VariableRef", targetGUID=variable)
        _sub(value, "TextValue").text = "40-49"
        _sub(case, "SourceRef", targetGUID=_guid(p, "source", 0))
        position = list(root).index(sources_element)
        root.insert(position, case.getparent())
        root.insert(position, variables)
    if p in ("maxqda", "atlas"):
        code_set = _sub(_sub(root, "Sets"), "Set", guid=_guid(p, "set"), name="Relations")
        for guid in code_guids[2:]:
            _sub(code_set, "MemberCode", targetGUID=guid)
    if p == "taguette" and deviations:
        _sub(root, "Sets")
    if p == "nvivo":
        _sub(root, "Description").text = "Synthetic NVivo-style project (scirocco-lab tests)"
    members["project.qde"] = etree.tostring(
        root, xml_declaration=p != "qc", encoding="utf-8", pretty_print=True
    )
    path = folder / f"{p}.qdpx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", members.pop("project.qde"))
        for name, data in members.items():
            archive.writestr(name, data)
    expected_deviations = {
        "nvivo": ("UTF-8 with a byte-order mark", "the text is empty"),
        "maxqda": ("UTF-16 with a byte-order mark",),
        "atlas": (),
        "qualcoder": (),
        "taguette": ("empty <Sets>", "isCodable missing", "name no creating user"),
        "qc": (),
    }[p]
    if relative_text_paths and deviations and p != "taguette":
        expected_deviations = (*expected_deviations, "plain relative name")
    expected = Expected(
        sources=expected_sources,
        empty_sources=sum(1 for text in texts if not text),
        codes={
            _key(code_guids[n]): (name, _key(code_guids[parent]) if parent is not None else None)
            for n, (name, parent) in enumerate(code_tree)
        },
        segments=segments,
        coders=coders,
        deviations=expected_deviations if deviations else (),
    )
    return path, expected


def build_taguette_codebook(folder: Path) -> Path:
    """A Taguette-style .qdc: codes with colours and descriptions, and an empty ``<Sets/>``."""
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    root.set("origin", ORIGINS["taguette"])
    codes = etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    for number, name in enumerate(("Information sharing", "Trust", "Teams")):
        code = etree.SubElement(codes, f"{{{CODEBOOK_NS}}}Code")
        code.set("guid", _guid("taguette", "code", number))
        code.set("name", name)
        code.set("isCodable", "true")
        code.set("color", "#7f7f7f")
        etree.SubElement(code, f"{{{CODEBOOK_NS}}}Description").text = f"Tag {name}"
    etree.SubElement(root, f"{{{CODEBOOK_NS}}}Sets")
    path = folder / "taguette.qdc"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
    return path


@pytest.fixture
def producer_project():
    """The generator: ``producer_project(producer, folder, **options) -> (path, Expected)``."""
    return build_producer_project


@pytest.fixture
def taguette_codebook():
    """``taguette_codebook(folder) -> path`` of a Taguette-style .qdc with an empty Sets."""
    return build_taguette_codebook


@pytest.fixture(scope="session")
def items_frame():
    """A builder of a questionnaire-items frame (the columns of ``questionnaire_items_frame``):
    ``items_frame(questionnaire, {item: wording, ...}, reversed=(item, ...))``, the items
    positioned in the order given."""
    import pandas as pd

    def build(questionnaire: str, wordings: dict[str, str], reversed=()):
        return pd.DataFrame(
            {
                "questionnaire": questionnaire,
                "item": list(wordings),
                "position": list(range(1, len(wordings) + 1)),
                "wording": list(wordings.values()),
                "reverse_scored": [item in reversed for item in wordings],
            }
        )

    return build


@pytest.fixture(scope="session")
def visit_questionnaire():
    """A builder of a study-visit questionnaire held on 5 March 2026, as batch parts:
    ``visit_questionnaire(key, title, labels, {item: wording}, answers, reversed=(item, ...),
    **fields)`` gives ``questionnaires``, ``items`` (positioned in order) and ``responses``
    (``answers``: (respondent, item, value, group) each) for an ``EvaluationBatch``; the
    scale runs from 1 to the number of ``labels``; ``fields`` (region, ...) go to the
    QuestionnaireRecord."""
    import datetime as dt

    from scirocco_lab.evaluation.records import ItemRecord, QuestionnaireRecord, ResponseRecord

    def build(key, title, labels, wordings, answers, *, reversed=(), **fields):
        form = QuestionnaireRecord(
            key, title, "study_visit", dt.date(2026, 3, 5), 1, len(labels), labels, **fields
        )
        items = tuple(
            ItemRecord(key, item, position, wording, reverse_scored=item in reversed)
            for position, (item, wording) in enumerate(wordings.items(), start=1)
        )
        responses = tuple(
            ResponseRecord(key, respondent, item, value, group=group)
            for respondent, item, value, group in answers
        )
        return {"questionnaires": (form,), "items": items, "responses": responses}

    return build
