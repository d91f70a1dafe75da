"""REFI-QDA exchange: .qdpx projects and .qdc codebooks, read, written and mapped to the store."""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select

from scirocco_lab.assessment.records import SubjectRecord
from scirocco_lab.assessment.store import add_subjects
from scirocco_lab.cli import main
from scirocco_lab.errors import DuplicateRecordError, FileFormatError
from scirocco_lab.evaluation import tables as q
from scirocco_lab.evaluation.records import (
    CodeRecord,
    CoderRecord,
    ParticipantRecord,
    SegmentRecord,
)
from scirocco_lab.evaluation.refi_qda import (
    QdaCode,
    QdaCodebook,
    QdaProject,
    QdaSelection,
    QdaTextSource,
    canonical_xml,
    codebook_schema,
    export_qdc,
    export_qdpx,
    import_qdc,
    import_qdpx,
    project_schema,
    read_qdc,
    read_qdpx,
    write_qdpx,
)
from scirocco_lab.evaluation.store import (
    coders_frame,
    codes_frame,
    evaluation_counts,
    participants_frame,
    segments_frame,
    source_text,
    sources_frame,
    turns_frame,
    write_evaluation,
)
from scirocco_lab.evaluation.transcripts import turns_from_text
from scirocco_lab.instruments import load_instrument
from scirocco_lab.store import open_store

DATA = Path(__file__).resolve().parents[1] / "data" / "refi-qda"
ATLAS_BLANK = DATA / "atlas-blank-project.qdpx"
ATLAS_SMALL = DATA / "atlas-small-project.qdpx"
DIMENSIONS = [d.key for d in load_instrument("scirocco-exchange").dimensions]
TEXT = (
    "Facilitator: Welcome, everyone.\n\n"
    "FG-northvale-P01: We trust the partners from the other region.\n\n"
    "FG-northvale-P02: Not always; the funding is hard to find."
)


def _store():
    store = open_store("sqlite://")
    add_subjects(store, [SubjectRecord("northvale", "Northvale"), SubjectRecord("ostermark", "Ø")])
    return store


def _span(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def filled_store(focus_group_batch):
    """A store with participants, a source, a two-level codebook, two coders, segments."""
    store = _store()
    at = dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC)
    trust, funding = _span("trust the partners"), _span("funding is hard")
    batch = focus_group_batch(
        TEXT,
        (
            ParticipantRecord(
                "FG-northvale-P01", group="clinician", region="northvale", full_name="Jane Realname"
            ),
            ParticipantRecord("FG-northvale-P02", group="manager", email="p02@example.org"),
        ),
        title="Focus group 1",
        source_fields={"region": "northvale", "programme": "kt-1", "synthetic": True},
        turns=tuple(  # as if from captions: the turns start at 0, 4.5 and 9 seconds
            replace(turn, started_at=4.5 * number)
            for number, turn in enumerate(turns_from_text(TEXT, "fg-1"))
        ),
        codes=(
            CodeRecord(
                "trust",
                "Trust",
                description="Trust between partners",
                colour="#1F77B4",
                dimensions=(DIMENSIONS[0], DIMENSIONS[1]),
                categories=("enabler",),
            ),
            CodeRecord("distrust", "Distrust", parent="trust", categories=("barrier",)),
            CodeRecord("funding", "Funding", dimensions=(DIMENSIONS[1],)),
        ),
        coders=(CoderRecord("coder-A"), CoderRecord("coder-B", synthetic=True)),
        segments=(
            SegmentRecord("fg-1", "trust", "coder-A", *trust, memo="a clear quote", coded_at=at),
            SegmentRecord("fg-1", "trust", "coder-B", *trust, coded_at=at),
            SegmentRecord("fg-1", "distrust", "coder-B", *trust, coded_at=at),
            SegmentRecord("fg-1", "funding", "coder-B", *funding, origin="auto", coded_at=at),
        ),
    )
    write_evaluation(store, batch)
    return store


def _qda_rows(store) -> int:
    with store.engine.connect() as connection:
        return sum(
            connection.execute(select(func.count()).select_from(table)).scalar()
            for table in (q.qda_projects, q.qda_parts, q.qda_files, q.qda_element_extras)
        )


def _zip(path: Path, qde: str | bytes, files: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        if qde is not None:
            archive.writestr("project.qde", qde)
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return path


def _qde(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("project.qde")


G = "{:08x}-0000-4000-8000-000000000000".format  # readable guids for hand-made files
SOURCE = G(0x50)
RICH_QDE = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="rich" origin="Hand-made 1.0"
    creatingUserGUID="{G(1)}" basePath="C:\\data">
  <Users>
    <User guid="{G(1)}" name="Coder One" id="c1"/><User guid="{G(2)}" name="Coder Two"/>
  </Users>
  <CodeBook><Codes>
    <Code guid="{G(0x10)}" name="Trust" isCodable="true" color="#f00">
      <Description>Trust between partners</Description>
      <NoteRef targetGUID="{G(0x90)}"/>
      <Code guid="{G(0x11)}" name="Distrust" isCodable="true"/>
    </Code>
    <Code guid="{G(0x12)}" name="Themes" isCodable="false"/>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="{G(0x20)}" name="Age" typeOfVariable="Integer"/>
  </Variables>
  <Cases>
    <Case guid="{G(0x30)}" name="Case 1">
      <VariableValue><VariableRef targetGUID="{G(0x20)}"/><IntegerValue>42</IntegerValue>
      </VariableValue>
      <SourceRef targetGUID="{SOURCE}"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{SOURCE}" name="Interview 1" plainTextPath="internal://{SOURCE}.txt"
        richTextPath="internal://{SOURCE}.docx" modifyingUser="{G(2)}">
      <PlainTextSelection guid="{G(0x60)}" name="q1" startPosition="0" endPosition="5"
          creatingUser="{G(1)}" creationDateTime="2024-01-02T03:04:05Z" modifyingUser="{G(2)}">
        <Description>first words</Description>
        <Coding guid="{G(0x70)}" creatingUser="{G(1)}"><CodeRef targetGUID="{G(0x10)}"/></Coding>
        <Coding guid="{G(0x71)}" creatingUser="{G(2)}">
          <CodeRef targetGUID="{G(0x11)}"/><NoteRef targetGUID="{G(0x90)}"/>
        </Coding>
        <NoteRef targetGUID="{G(0x90)}"/>
      </PlainTextSelection>
      <PlainTextSelection guid="{G(0x61)}" startPosition="6" endPosition="11"/>
      <Coding guid="{G(0x72)}"><CodeRef targetGUID="{G(0x12)}"/></Coding>
      <VariableValue><VariableRef targetGUID="{G(0x20)}"/><IntegerValue>7</IntegerValue>
      </VariableValue>
    </TextSource>
    <PDFSource guid="{G(0x51)}" name="Report" path="internal://report.pdf">
      <PDFSelection guid="{G(0x62)}" page="1" firstX="0" firstY="0" secondX="9" secondY="9">
        <Coding guid="{G(0x73)}"><CodeRef targetGUID="{G(0x10)}"/></Coding>
      </PDFSelection>
    </PDFSource>
  </Sources>
  <Notes>
    <Note guid="{G(0x90)}" name="Memo"><PlainTextContent>A memo</PlainTextContent></Note>
  </Notes>
  <Links>
    <Link guid="{G(0x91)}" name="causes" originGUID="{G(0x10)}" targetGUID="{G(0x11)}"
        direction="OneWay"/>
  </Links>
  <Sets>
    <Set guid="{G(0xA0)}" name="Group A"><Description>codes and a source</Description>
      <MemberCode targetGUID="{G(0x10)}"/><MemberSource targetGUID="{SOURCE}"/></Set>
    <Set guid="{G(0xA1)}" name="dimension: {DIMENSIONS[0]}">
      <MemberCode targetGUID="{G(0x11)}"/></Set>
  </Sets>
  <Graphs>
    <Graph guid="{G(0xB0)}" name="map"><Vertex guid="{G(0xB1)}" firstX="1" firstY="2"/></Graph>
  </Graphs>
  <Description>A hand-made project with every optional part</Description>
  <NoteRef targetGUID="{G(0x90)}"/>
</Project>
"""
RICH_FILES = {
    f"sources/{SOURCE}.txt": "\ufeffHello world, this is Ünïcode.".encode(),
    f"sources/{SOURCE}.docx": b"PK-not-really-docx",
    "sources/report.pdf": b"%PDF-1.4 stand-in",
}


def _rich(tmp_path: Path, qde: str = RICH_QDE, files=None) -> Path:
    return _zip(tmp_path / "rich.qdpx", qde, RICH_FILES if files is None else files)


# --- the two real ATLAS.ti exports ------------------------------------------------------


def test_atlas_blank_project_imports_its_two_users():
    store = _store()
    summary = import_qdpx(store, ATLAS_BLANK)
    assert (summary.sources, summary.codes, summary.segments, summary.coders) == (0, 0, 0, 2)
    coders = coders_frame(store)
    assert sorted(coders["guid"]) == [
        "088B08AC-D5CD-4ADB-8B71-B4F3459C177F",
        "C32A2BD5-537F-4838-8B17-DF9EFBAFDF4B",
    ]


def test_atlas_small_project_imports_its_two_level_codebook():
    store = _store()
    summary = import_qdpx(store, ATLAS_SMALL)
    assert (summary.codes, summary.coders) == (3, 2)
    codes = codes_frame(store).set_index("guid")
    parent_key = codes.loc["A182CD3A-D83C-4D8C-BC80-26D9103EC6D6", "code"]
    assert codes.loc["2D2466F0-D77F-4F8C-BDF9-628966B6B74D", "parent"] == parent_key
    assert codes.loc["086AC733-7B1C-4749-A138-D7182F63A5C9", "path"] == (
        "Commits/2022-02-11T10:39:25Z cdbfd92"
    )


def test_atlas_small_project_exports_again_with_its_guids(tmp_path):
    store = _store()
    import_qdpx(store, ATLAS_SMALL)
    export_qdpx(store, tmp_path / "again.qdpx")
    again = read_qdpx(tmp_path / "again.qdpx")
    original = read_qdpx(ATLAS_SMALL)
    assert again.codes == original.codes
    assert set(again.users) == set(original.users)
    assert again.name == original.name


# --- validation of written files ----------------------------------------------------------


def test_exported_project_validates_against_the_schema(tmp_path, filled_store):
    export_qdpx(filled_store, tmp_path / "out.qdpx")
    root = etree.fromstring(_qde(tmp_path / "out.qdpx"))
    assert project_schema().validate(root), project_schema().error_log


def test_exported_codebook_validates_against_the_codebook_schema(tmp_path, filled_store):
    export_qdc(filled_store, tmp_path / "codes.qdc")
    root = etree.parse(str(tmp_path / "codes.qdc")).getroot()
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    assert codebook_schema().validate(root), codebook_schema().error_log


def test_writing_an_invalid_project_leaves_the_old_file(tmp_path):
    target = tmp_path / "out.qdpx"
    target.write_bytes(b"old")
    source = QdaTextSource(
        guid=SOURCE, text="short", selections=(QdaSelection(guid=G(0x60), start=2, end=99),)
    )
    with pytest.raises(FileFormatError, match="outside the text"):
        write_qdpx(QdaProject(name="p", sources=(source,)), target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.qdpx"]


# --- malformed files: a clear error, nothing written ----------------------------------------

MALFORMED = {
    "not a zip": lambda tmp: (tmp / "x.qdpx").write_bytes(b"plain text") and tmp / "x.qdpx",
    "no project.qde": lambda tmp: _zip(tmp / "x.qdpx", None, {"other.xml": b"<a/>"}),
    "XML syntax": lambda tmp: _zip(tmp / "x.qdpx", RICH_QDE.replace("</Users>", "</Userz>")),
    "schema": lambda tmp: _zip(
        tmp / "x.qdpx", RICH_QDE.replace('startPosition="6"', 'startPosition="six"')
    ),
    "selection outside text": lambda tmp: _rich(
        tmp,
        RICH_QDE.replace(
            'startPosition="6" endPosition="11"', 'startPosition="6" endPosition="999"'
        ),
    ),
    "unknown code": lambda tmp: _rich(
        tmp,
        RICH_QDE.replace(
            f'<CodeRef targetGUID="{G(0x11)}"/>', f'<CodeRef targetGUID="{G(0x19)}"/>'
        ),
    ),
    "missing source file": lambda tmp: _rich(
        tmp, files={k: v for k, v in RICH_FILES.items() if not k.endswith(".txt")}
    ),
}
MESSAGES = {
    "not a zip": "not a .qdpx file",
    "no project.qde": "no project.qde",
    "XML syntax": r"line \d+: not well-formed",
    "schema": r"does not follow the REFI-QDA project schema: line \d+",
    "selection outside text": r"covers characters \[6, 999\)",
    "unknown code": f"refers to code {G(0x19)}",
    "missing source file": f"names internal://{SOURCE}.txt but the archive has no",
}


@pytest.mark.parametrize("problem", list(MALFORMED))
def test_malformed_project_is_refused_and_nothing_is_written(tmp_path, problem):
    path = MALFORMED[problem](tmp_path)
    store = _store()
    before = (evaluation_counts(store), _qda_rows(store))
    with pytest.raises(FileFormatError, match=MESSAGES[problem]) as caught:
        import_qdpx(store, path)
    assert str(path) in str(caught.value)
    assert "Fix:" in str(caught.value)
    assert (evaluation_counts(store), _qda_rows(store)) == before


def test_a_source_already_in_the_store_needs_replace(tmp_path):
    store = _store()
    path = _rich(tmp_path)
    import_qdpx(store, path)
    before = (evaluation_counts(store), _qda_rows(store))
    with pytest.raises(DuplicateRecordError, match="already in the store"):
        import_qdpx(store, path)
    assert (evaluation_counts(store), _qda_rows(store)) == before
    assert import_qdpx(store, path, replace=True).segments == 2


def test_malformed_codebook_is_refused(tmp_path):
    path = tmp_path / "bad.qdc"
    path.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>')
    with pytest.raises(FileFormatError, match=r"bad.qdc does not follow .* line 1"):
        read_qdc(path)


# --- store -> .qdpx -> fresh store ----------------------------------------------------------


def test_store_to_qdpx_to_fresh_store_is_lossless(tmp_path, filled_store):
    store = filled_store
    export_qdpx(store, tmp_path / "out.qdpx")
    fresh = _store()
    summary = import_qdpx(fresh, tmp_path / "out.qdpx")
    assert (summary.sources, summary.codes, summary.segments, summary.coders) == (1, 3, 4, 2)
    assert sources_frame(fresh).equals(sources_frame(store))
    assert source_text(fresh, "fg-1") == source_text(store, "fg-1")
    assert turns_frame(fresh).equals(turns_frame(store))
    assert codes_frame(fresh).equals(codes_frame(store))
    assert coders_frame(fresh).equals(coders_frame(store))
    assert participants_frame(fresh).equals(participants_frame(store))
    assert (
        segments_frame(fresh)
        .drop(columns="segment_id")
        .equals(segments_frame(store).drop(columns="segment_id"))
    )  # guid, source, code, coder, range, time, memo, origin (manual, auto), turn, ...


def test_a_second_export_writes_the_same_file(tmp_path, filled_store):
    store = filled_store
    export_qdpx(store, tmp_path / "first.qdpx")
    fresh = _store()
    import_qdpx(fresh, tmp_path / "first.qdpx")
    export_qdpx(fresh, tmp_path / "second.qdpx")
    assert _qde(tmp_path / "second.qdpx") == _qde(tmp_path / "first.qdpx")


def test_export_of_one_region_holds_only_its_sources(tmp_path, filled_store):
    store = filled_store
    summary = export_qdpx(store, tmp_path / "ostermark.qdpx", region="ostermark")
    assert (summary.sources, summary.segments, summary.coders) == (0, 0, 0)
    assert summary.codes == 3  # the codebook is shared


# --- a foreign project keeps what the workbench does not use ------------------------------


def test_optional_parts_survive_import_and_export(tmp_path):
    store = _store()
    import_qdpx(store, _rich(tmp_path))
    export_qdpx(store, tmp_path / "out.qdpx")
    before, after = read_qdpx(tmp_path / "rich.qdpx"), read_qdpx(tmp_path / "out.qdpx")

    def canonical(parts):
        return sorted(canonical_xml(p.xml) for p in parts if "scirocco-lab" not in p.xml)

    assert canonical(after.parts) == canonical(before.parts)  # Variable, Case, Note, Link, ...
    assert [canonical_xml(s.xml) for s in after.kept_sources] == [
        canonical_xml(s.xml) for s in before.kept_sources
    ]
    assert {f.path: f.data for f in after.files} == {f.path: f.data for f in before.files}
    assert [s for s in after.sets if s.name == "Group A"] == [before.sets[0]]
    assert after.description == before.description
    assert dict(after.attributes)["basePath"] == "C:\\data"
    (old,), (new,) = before.text_sources, after.text_sources
    assert new.kept_selections == old.kept_selections
    ours = [etree.fromstring(p.xml).get("guid") for p in after.parts if "scirocco-lab" in p.xml]
    assert [canonical_xml(k) for k in new.kept if not any(g in k for g in ours)] == [
        canonical_xml(k) for k in old.kept
    ]
    assert dict(new.attributes) == dict(old.attributes)
    assert new.selections[0].kept == old.selections[0].kept
    assert new.selections[0].attributes == old.selections[0].attributes
    assert [c.kept for c in new.selections[0].codings] == [
        c.kept for c in old.selections[0].codings
    ]
    assert after.codes[0].kept == before.codes[0].kept
    assert after.codes[1].is_codable is False


def test_foreign_project_maps_codings_to_segments(tmp_path):
    store = _store()
    import_qdpx(store, _rich(tmp_path), region="northvale", activity="interview")
    segments = segments_frame(store)
    assert segments["coder"].tolist() == ["Coder One", "Coder Two"]
    assert segments["text"].tolist() == ["Hello", "Hello"]
    assert set(segments["origin"]) == {"imported"}
    assert set(segments["memo"]) == {"first words"}
    assert sources_frame(store).loc[0, ["region", "activity"]].tolist() == [
        "northvale",
        "interview",
    ]
    codes = codes_frame(store).set_index("guid")
    assert codes.loc[G(0x11), "dimensions"] == (DIMENSIONS[0],)  # from "dimension: ..." set
    assert codes.loc[G(0x10), "colour"] == "#ff0000"


def test_byte_order_mark_is_not_part_of_the_text(tmp_path):
    project = read_qdpx(_rich(tmp_path))
    assert project.text_sources[0].text.startswith("Hello")


# --- codebooks ----------------------------------------------------------------------------


def test_qdc_round_trip_keeps_the_codebook(tmp_path, filled_store):
    store = filled_store
    summary = export_qdc(store, tmp_path / "codes.qdc")
    assert summary.codes == 3
    fresh = _store()
    import_qdc(fresh, tmp_path / "codes.qdc")
    assert codes_frame(fresh).equals(codes_frame(store))


def test_qdc_with_atlas_style_sets_is_read(tmp_path):
    path = tmp_path / "atlas.qdc"
    path.write_text(
        f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="ATLAS.ti Win 23.4.0">
  <Codes><Code guid="{G(1)}" name="code1" color="#46AA00" isCodable="true">
    <Description>description</Description></Code></Codes>
  <Sets><Set name="code group 1" guid="{G(2)}"><MemberCode guid="{G(1)}"/></Set></Sets>
</CodeBook>""",
        encoding="utf-8",
    )
    codebook = read_qdc(path)
    assert codebook.sets[0].member_codes == (G(1),)
    assert codebook == QdaCodebook(
        codes=(QdaCode(guid=G(1), name="code1", colour="#46AA00", description="description"),),
        sets=codebook.sets,
        origin="ATLAS.ti Win 23.4.0",
    )


# --- command line and privacy ----------------------------------------------------------------


def test_cli_import_prints_the_counts(tmp_path, capsys):
    url = f"sqlite:///{tmp_path}/s.db"
    assert main(["--store", url, "qda", "import", str(ATLAS_SMALL)]) == 0
    out = capsys.readouterr().out
    assert "0 source(s), 3 code(s) (3 new), 0 coded segment(s), 2 coder(s)" in out


def test_cli_export_prints_the_counts(tmp_path, capsys):
    url = f"sqlite:///{tmp_path}/s.db"
    main(["--store", url, "qda", "import", str(_rich(tmp_path))])
    capsys.readouterr()
    assert main(["--store", url, "qda", "export", str(tmp_path / "out.qdpx")]) == 0
    out = capsys.readouterr().out
    assert "1 source(s), 3 code(s), 2 coded segment(s), 2 coder(s)" in out
    assert "kept optional parts: 8, files: 2" in out


def test_cli_reports_a_malformed_file_with_exit_code_2(tmp_path, capsys):
    path = tmp_path / "x.qdpx"
    path.write_text("not a zip")
    assert main(["--store", f"sqlite:///{tmp_path}/s.db", "qda", "import", str(path)]) == 2
    assert "not a .qdpx file" in capsys.readouterr().err


def test_real_names_stay_out_of_an_export_by_default(tmp_path, filled_store):
    store = filled_store
    export_qdpx(store, tmp_path / "out.qdpx")
    text = _qde(tmp_path / "out.qdpx").decode()
    assert "Jane Realname" not in text and "p02@example.org" not in text
    assert "FG-northvale-P01" in text


def test_real_names_go_into_an_export_when_asked(tmp_path, filled_store):
    store = filled_store
    export_qdpx(store, tmp_path / "out.qdpx", include_identities=True)
    fresh = _store()
    import_qdpx(fresh, tmp_path / "out.qdpx")
    people = participants_frame(fresh, include_identities=True).set_index("pseudonym")
    assert people.loc["FG-northvale-P01", "full_name"] == "Jane Realname"


def test_inline_text_source_is_imported_and_stays_inline(tmp_path):
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="inline">
  <Sources><TextSource guid="{SOURCE}" name="Notes">
    <PlainTextContent>Speaker A: yes.

Speaker B: no.</PlainTextContent>
  </TextSource></Sources>
</Project>"""
    store = _store()
    import_qdpx(store, _zip(tmp_path / "inline.qdpx", qde))
    assert turns_frame(store)["speaker"].tolist() == ["Speaker A", "Speaker B"]
    export_qdpx(store, tmp_path / "out.qdpx")
    (source,) = read_qdpx(tmp_path / "out.qdpx").text_sources
    assert (source.plain_text_path, source.text) == (None, "Speaker A: yes.\n\nSpeaker B: no.")
