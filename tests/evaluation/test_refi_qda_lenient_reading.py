"""Read leniently: each deviation real QDA tools write is accepted with one warning naming the
element or source; what cannot be read is refused naming the source (guid and name), once."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from scirocco_lab.cli import main
from scirocco_lab.errors import FileFormatError
from scirocco_lab.evaluation.refi_qda import (
    export_qdpx,
    import_qdpx,
    read_qdc,
    read_qdpx,
)
from scirocco_lab.evaluation.store import evaluation_counts, segments_frame, source_text
from scirocco_lab.store import open_store

CODEBOOK = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="{ns}" origin="hand-made">
  <Codes>
    <Code guid="A182CD3A-D83C-4D8C-BC80-26D9103EC6D6" name="Trust" isCodable="true"/>
  </Codes>
  {sets}
</CodeBook>
"""


@pytest.fixture
def base(producer_project, tmp_path) -> tuple[Path, dict[str, bytes]]:
    """A schema-valid ATLAS.ti-style project and its members."""
    path, _expected = producer_project("atlas", tmp_path, deviations=False)
    with zipfile.ZipFile(path) as archive:
        return path, {name: archive.read(name) for name in archive.namelist()}


def _source(members: dict[str, bytes], number: int = 0) -> tuple[str, str]:
    """Guid and text-member name of the base project's source ``number``."""
    names = sorted(n for n in members if n.startswith("sources/"))
    qde = members["project.qde"].decode()
    order = sorted(names, key=lambda n: qde.index(n[len("sources/") :]))
    name = order[number]
    return name[len("sources/") : -len(".txt")], name


def _write(tmp_path: Path, members: dict[str, bytes], name: str = "variant.qdpx") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def _edit(members, old: str, new: str) -> dict[str, bytes]:
    qde = members["project.qde"].decode()
    assert old in qde
    return {**members, "project.qde": qde.replace(old, new, 1).encode()}


# --- sources ---------------------------------------------------------------------------------


def test_empty_plain_text_file_is_kept_as_an_empty_source_and_reported(base, tmp_path):
    _path, members = base
    guid, member = _source(members, 1)
    qde = members["project.qde"].decode()
    # The second source loses its text and its selections (an empty source holds none).
    start = qde.index(f'guid="{guid}"')
    body_start = qde.index(">", start) + 1
    body_end = qde.index("</TextSource>", start)
    qde = qde[:body_start] + qde[body_end:]
    path = _write(tmp_path, {**members, "project.qde": qde.encode(), member: b""})
    store = open_store("sqlite://")
    summary = import_qdpx(store, path)
    assert (summary.sources, summary.empty_sources) == (2, 1)
    assert "(1 empty)" in str(summary)
    empty = [w for w in summary.warnings if "the text is empty" in w]
    assert len(empty) == 1 and f"text source 'Interview 2' (guid {guid})" in empty[0]
    assert source_text(store, "interview-2") == ""


def test_plain_relative_text_path_is_resolved_inside_the_archive(base, tmp_path):
    _path, members = base
    guid, member = _source(members)
    path = _write(tmp_path, _edit(members, f"internal://{guid}.txt", f"{guid}.txt"))
    project = read_qdpx(path)
    source = project.text_sources[0]
    assert source.text == members[member].decode()
    assert source.plain_text_path == f"internal://{guid}.txt"  # written back canonically
    assert len(project.warnings) == 1 and "plain relative name" in project.warnings[0]


def test_absolute_text_path_reads_the_packed_file_of_that_name(base, tmp_path):
    _path, members = base
    guid, member = _source(members)
    edited = _edit(members, f"internal://{guid}.txt", f"C:\\Users\\ana\\NVivo\\{guid}.txt")
    project = read_qdpx(_write(tmp_path, edited))
    assert project.text_sources[0].text == members[member].decode()
    assert "is a path outside the project" in project.warnings[0]


def test_text_path_outside_and_not_packed_is_refused_naming_the_source_once(base, tmp_path, capsys):
    _path, members = base
    guid, member = _source(members)
    edited = _edit(members, f"internal://{guid}.txt", "/home/ana/interview.txt")
    del edited[member]
    path = _write(tmp_path, edited)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["--store", url, "qda", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count(f"text source 'Interview 1' (guid {guid})") == 1
    assert "outside the project file" in err and "Traceback" not in err
    assert set(evaluation_counts(open_store(url)).values()) == {0}


def test_utf16_text_file_with_a_bom_is_read_with_right_positions(base, tmp_path):
    _path, members = base
    _guid, member = _source(members)
    text = members[member].decode()
    path = _write(tmp_path, {**members, member: b"\xff\xfe" + text.encode("utf-16-le")})
    store = open_store("sqlite://")
    summary = import_qdpx(store, path)
    assert source_text(store, "interview-1") == text
    segments = segments_frame(store)
    segment = segments[segments["source"] == "interview-1"].iloc[0]
    assert segment["text"] == text[segment["start_char"] : segment["end_char"]]
    assert ["UTF-16" in w for w in summary.warnings] == [True]


def test_utf8_bom_is_not_counted_in_positions(base, tmp_path):
    _path, members = base
    _guid, member = _source(members)
    path = _write(tmp_path, {**members, member: b"\xef\xbb\xbf" + members[member]})
    project = read_qdpx(path)
    assert project.text_sources[0].text == members[member].decode()
    assert "UTF-8 with a byte-order mark" in project.warnings[0]


def test_text_that_is_not_utf8_without_a_bom_is_refused_naming_the_source(base, tmp_path):
    _path, members = base
    guid, member = _source(members)
    path = _write(tmp_path, {**members, member: "Gespräch über Vertrauen".encode("cp1252")})
    with pytest.raises(FileFormatError) as caught:
        read_qdpx(path)
    assert f"text source 'Interview 1' (guid {guid})" in str(caught.value)
    assert "not UTF-8" in str(caught.value)


def test_rich_text_source_with_a_plain_text_twin_is_read_from_the_twin(base, tmp_path):
    _path, members = base
    guid, member = _source(members)
    edited = _edit(
        members, f'plainTextPath="internal://{guid}.txt"', f'richTextPath="internal://{guid}.docx"'
    )
    edited[f"sources/{guid}.docx"] = b"PK\x03\x04 stand-in"
    project = read_qdpx(_write(tmp_path, edited))
    assert project.text_sources[0].text == members[member].decode()
    assert "plain-text twin" in project.warnings[0]
    assert [f.path for f in project.files] == [f"sources/{guid}.docx"]  # kept for export


def test_rich_text_source_without_plain_text_is_refused_naming_the_source(base, tmp_path):
    _path, members = base
    guid, member = _source(members)
    edited = _edit(
        members, f'plainTextPath="internal://{guid}.txt"', f'richTextPath="internal://{guid}.docx"'
    )
    edited[f"sources/{guid}.docx"] = edited.pop(member)
    with pytest.raises(FileFormatError, match=rf"'Interview 1' \(guid {guid}\) has only rich"):
        read_qdpx(_write(tmp_path, edited))


def test_missing_rich_text_file_is_dropped_when_the_plain_text_is_there(base, tmp_path):
    _path, members = base
    guid, _member = _source(members)
    edited = _edit(
        members,
        f'plainTextPath="internal://{guid}.txt"',
        f'plainTextPath="internal://{guid}.txt" richTextPath="internal://{guid}.rtf"',
    )
    project = read_qdpx(_write(tmp_path, edited))
    assert "richTextPath" not in dict(project.text_sources[0].attributes)
    assert "rich-text file" in project.warnings[0]


# --- elements and attributes -----------------------------------------------------------------


def test_code_without_is_codable_is_taken_as_codable_with_one_warning(base, tmp_path):
    _path, members = base
    qde = members["project.qde"].decode().replace(' isCodable="true"', "")
    project = read_qdpx(_write(tmp_path, {**members, "project.qde": qde.encode()}))
    assert all(code.is_codable for code in project.codes)
    assert len(project.warnings) == 1
    assert "isCodable missing on 4 code(s) ('Information sharing'" in project.warnings[0]


def test_date_time_with_a_space_is_read(base, tmp_path):
    _path, members = base
    edited = _edit(
        members, 'creationDateTime="2025-03-02T10:00:00Z"', 'creationDateTime="2025-03-02 10:00:00"'
    )
    project = read_qdpx(_write(tmp_path, edited))
    assert project.text_sources[0].created_at.hour == 10
    assert "with a space for 'T'" in project.warnings[0]


def test_creating_user_that_is_not_a_guid_is_left_out(base, tmp_path):
    _path, members = base
    qde = members["project.qde"].decode()
    first_user = qde.split('creatingUser="', 1)[1].split('"', 1)[0]
    edited = _edit(members, f'creatingUser="{first_user}"', 'creatingUser="ana"')
    project = read_qdpx(_write(tmp_path, edited))
    assert "creatingUser not a guid on 1 element(s)" in project.warnings[0]


def test_colour_without_hash_gets_one(base, tmp_path):
    _path, members = base
    project = read_qdpx(_write(tmp_path, _edit(members, 'color="#1f77b4"', 'color="1f77b4"')))
    assert project.codes[0].colour == "#1f77b4"
    assert "colour without '#'" in project.warnings[0]


def test_coding_by_a_user_not_in_users_is_imported_with_a_warning(base, tmp_path):
    _path, members = base
    qde = members["project.qde"].decode()
    users = qde[qde.index("<Users>") : qde.index("</Users>") + len("</Users>")]
    second = users.split("<User ")[2]
    path = _write(tmp_path, _edit(members, "<User " + second.split("/>")[0] + "/>", ""))
    summary = import_qdpx(open_store("sqlite://"), path)
    assert len(summary.warnings) == 1
    assert "by a user the project's <Users> does not list" in summary.warnings[0]


def test_cli_prints_warnings_as_plain_lines(base, tmp_path, capsys):
    _path, members = base
    guid, _member = _source(members)
    path = _write(tmp_path, _edit(members, f"internal://{guid}.txt", f"{guid}.txt"))
    assert main(["--store", f"sqlite:///{tmp_path / 's.db'}", "qda", "import", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("read ")
    assert lines[1].startswith("warning: ") and "plain relative name" in lines[1]


def test_lenient_import_exports_a_file_that_needs_no_leniency(base, tmp_path):
    _path, members = base
    guid, member = _source(members)
    edited = _edit(members, f"internal://{guid}.txt", f"{guid}.txt")
    edited["project.qde"] = edited["project.qde"].replace(b' isCodable="true"', b"")
    edited[member] = b"\xef\xbb\xbf" + edited[member]
    store = open_store("sqlite://")
    assert len(import_qdpx(store, _write(tmp_path, edited)).warnings) == 3
    export_qdpx(store, tmp_path / "out.qdpx")
    assert read_qdpx(tmp_path / "out.qdpx").warnings == ()


# --- codebooks -------------------------------------------------------------------------------


def _codebook(tmp_path, sets: str, ns: str = "urn:QDA-XML:codebook:1.0"):
    path = tmp_path / "codes.qdc"
    path.write_text(CODEBOOK.format(ns=ns, sets=sets))
    return path


@pytest.mark.parametrize(
    ("ns", "sets", "warning"),
    [
        ("urn:QDA-XML:codebook:1.0", "<Sets/>", "empty <Sets> removed"),
        ("urn:QDA-XML:project:1.0", "", "project namespace"),
    ],
    ids=["codebook_with_empty_sets", "codebook_in_the_project_namespace"],
)
def test_codebook_deviation_is_read_as_a_codebook_with_a_warning(tmp_path, ns, sets, warning):
    codebook = read_qdc(_codebook(tmp_path, sets, ns))
    assert [code.name for code in codebook.codes] == ["Trust"]
    assert warning in codebook.warnings[0]


def test_codebook_schema_error_gives_a_codebook_fix(tmp_path):
    with pytest.raises(FileFormatError) as caught:
        read_qdc(_codebook(tmp_path, "<Sets><Bad/></Sets>"))
    assert "codebook export, .qdc" in str(caught.value)
    assert ".qdpx" not in str(caught.value)


def test_codebook_set_listing_an_unknown_code_keeps_the_known_ones(tmp_path):
    sets = (
        '<Sets><Set guid="B182CD3A-D83C-4D8C-BC80-26D9103EC6D6" name="Group">'
        '<MemberCode guid="A182CD3A-D83C-4D8C-BC80-26D9103EC6D6"/>'
        '<MemberCode guid="C182CD3A-D83C-4D8C-BC80-26D9103EC6D6"/></Set></Sets>'
    )
    codebook = read_qdc(_codebook(tmp_path, sets))
    assert codebook.sets[0].member_codes == ("A182CD3A-D83C-4D8C-BC80-26D9103EC6D6",)
    assert "set 'Group'" in codebook.warnings[0] and "C182CD3A" in codebook.warnings[0]


def test_two_sources_with_one_guid_are_refused_naming_both(base, tmp_path):
    _path, members = base
    first, _member = _source(members)
    second, _member = _source(members, 1)
    edited = _edit(members, f'guid="{second}"', f'guid="{first}"')
    with pytest.raises(FileFormatError, match=rf"'Interview 1' and 'Interview 2' share .*{first}"):
        read_qdpx(_write(tmp_path, edited))


def test_inline_text_is_read_when_the_text_path_is_not_in_the_archive(base, tmp_path):
    _path, members = base
    guid, member = _source(members)
    text = members.pop(member).decode()
    edited = _edit(
        members,
        f'plainTextPath="internal://{guid}.txt">',
        f'plainTextPath="internal://{guid}.txt"><PlainTextContent>{text}</PlainTextContent>',
    )
    store = open_store("sqlite://")
    summary = import_qdpx(store, _write(tmp_path, edited))
    assert source_text(store, "interview-1") == text
    assert ["read its PlainTextContent instead" in w for w in summary.warnings] == [True]
    export_qdpx(store, tmp_path / "out.qdpx")
    assert read_qdpx(tmp_path / "out.qdpx").warnings == ()


def test_project_file_named_after_the_project_is_read(base, tmp_path):
    _path, members = base
    renamed = {("Interviews.qde" if n == "project.qde" else n): d for n, d in members.items()}
    project = read_qdpx(_write(tmp_path, renamed))
    assert len(project.text_sources) == 2
    assert project.warnings == (
        f"{tmp_path / 'variant.qdpx'}: the project file is 'Interviews.qde', not project.qde; "
        "read as the project",
    )


def test_unknown_region_is_reported_once_for_the_file(base, tmp_path, capsys):
    path, _members = base
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["--store", url, "qda", "import", str(path), "--region", "nowhere"]) == 2
    err = capsys.readouterr().err
    assert err.count("unknown region") == 1 and "1 problem(s)" in err
