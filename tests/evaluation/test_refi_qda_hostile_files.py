"""Hostile REFI-QDA files: DOCTYPE/entities, zip members outside the archive, zip bombs.

Every hostile file is generated here; each is refused with one message naming the file (exit
status 2 from the CLI, no traceback, nothing written) or, for unsafe member names, read with
the member dropped and a warning.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from scirocco_lab.cli import main
from scirocco_lab.errors import FileFormatError
from scirocco_lab.evaluation import tables as q
from scirocco_lab.evaluation.refi_qda import (
    QdaCode,
    QdaCoding,
    QdaFile,
    QdaProject,
    QdaSelection,
    QdaTextSource,
    QdaUser,
    export_qdpx,
    import_qdpx,
    read_qdc,
    read_qdpx,
    write_qdpx,
)
from scirocco_lab.evaluation.store import evaluation_counts
from scirocco_lab.io.archives import ZipLimits
from scirocco_lab.store import open_store

USER = "1B1C2D3E-0000-4000-8000-000000000001"
CODE = "2B1C2D3E-0000-4000-8000-000000000002"
SOURCE = "3B1C2D3E-0000-4000-8000-000000000003"
TEXT = "We share the care plan with the GP every week."

CODEBOOK_WITH_DOCTYPE = f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE CodeBook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="{CODE}" name="Trust" isCodable="true"><Description>&xxe;</Description></Code>
</Codes></CodeBook>
"""

LAUGHS = (
    '<!DOCTYPE Project [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
)


def _project() -> QdaProject:
    selection = QdaSelection(
        guid="4B1C2D3E-0000-4000-8000-000000000004",
        start=3,
        end=8,
        creating_user=USER,
        codings=(
            QdaCoding(
                guid="5B1C2D3E-0000-4000-8000-000000000005", code_guid=CODE, creating_user=USER
            ),
        ),
    )
    return QdaProject(
        name="hostile",
        users=(QdaUser(guid=USER, name="Ana"),),
        codes=(QdaCode(guid=CODE, name="Sharing"),),
        sources=(
            QdaTextSource(
                guid=SOURCE,
                text=TEXT,
                name="Interview 1",
                plain_text_path=f"internal://{SOURCE}.txt",
                selections=(selection,),
            ),
        ),
    )


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rezip(path: Path, members: dict[str, bytes], target: Path) -> Path:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return target


@pytest.fixture
def good_qdpx(tmp_path) -> Path:
    path = tmp_path / "good.qdpx"
    write_qdpx(_project(), path)
    return path


def _with_qde(good: Path, tmp_path: Path, qde: bytes) -> Path:
    members = _members(good)
    members["project.qde"] = qde
    return _rezip(good, members, tmp_path / "changed.qdpx")


def _cli(tmp_path, *args) -> int:
    return main(["--store", f"sqlite:///{tmp_path / 'store.db'}", "qda", *args])


# --- DOCTYPE and entities --------------------------------------------------------------------


def test_codebook_with_an_external_entity_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "xxe.qdc"
    path.write_text(CODEBOOK_WITH_DOCTYPE, encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"xxe\.qdc, line 2: the file declares a DOCTYPE"):
        read_qdc(path)


def test_utf16_codebook_with_a_doctype_is_refused_too(tmp_path):
    path = tmp_path / "xxe16.qdc"
    path.write_bytes(CODEBOOK_WITH_DOCTYPE.replace("utf-8", "utf-16").encode("utf-16"))
    with pytest.raises(FileFormatError, match="declares a DOCTYPE"):
        read_qdc(path)


def test_doctype_after_a_comment_is_found(tmp_path):
    path = tmp_path / "commented.qdc"
    path.write_text("<!-- made by hand -->\n" + CODEBOOK_WITH_DOCTYPE.split("\n", 1)[1])
    with pytest.raises(FileFormatError, match="line 2: the file declares a DOCTYPE"):
        read_qdc(path)


def test_project_with_entity_expansion_is_refused(good_qdpx, tmp_path):
    qde = _members(good_qdpx)["project.qde"].replace(b"<Project ", LAUGHS.encode() + b"<Project ")
    path = _with_qde(good_qdpx, tmp_path, qde.replace(b'name="Sharing"', b'name="&c;"'))
    with pytest.raises(
        FileFormatError, match=r"changed\.qdpx \(project\.qde\), line \d+: .*DOCTYPE"
    ):
        read_qdpx(path)


def test_cli_refuses_an_entity_file_with_exit_2_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "xxe.qdc"
    path.write_text(CODEBOOK_WITH_DOCTYPE, encoding="utf-8")
    assert _cli(tmp_path, "import", str(path)) == 2
    captured = capsys.readouterr()
    assert "xxe.qdc" in captured.err and "DOCTYPE" in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert set(evaluation_counts(open_store(f"sqlite:///{tmp_path / 'store.db'}")).values()) == {0}


# --- zip member names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../../x.txt", "/tmp/x.txt", "sources\\..\\..\\x.txt", "C:/x.txt"]
)
def test_member_leading_outside_the_archive_is_dropped_with_a_warning(good_qdpx, tmp_path, name):
    members = {**_members(good_qdpx), name: b"planted"}
    project = read_qdpx(_rezip(good_qdpx, members, tmp_path / "planted.qdpx"))
    assert [file.path for file in project.files] == []
    assert len(project.warnings) == 1 and name in project.warnings[0]


def test_dropped_member_is_not_in_the_next_export(good_qdpx, tmp_path, capsys):
    members = {**_members(good_qdpx), "../../evil.sh": b"rm -rf ~", "sources/keep.pdf": b"%PDF"}
    planted = _rezip(good_qdpx, members, tmp_path / "planted.qdpx")
    assert _cli(tmp_path, "import", str(planted)) == 0
    out = capsys.readouterr().out
    assert "warning: " in out and "../../evil.sh" in out
    assert _cli(tmp_path, "export", str(tmp_path / "out.qdpx")) == 0
    assert sorted(_members(tmp_path / "out.qdpx")) == sorted(
        ["project.qde", "sources/keep.pdf", f"sources/{SOURCE}.txt"]
    )


def test_plain_text_path_leading_outside_the_archive_is_refused_naming_the_source(
    good_qdpx, tmp_path
):
    qde = _members(good_qdpx)["project.qde"].replace(
        f"internal://{SOURCE}.txt".encode(), b"internal://../../etc/passwd"
    )
    with pytest.raises(FileFormatError, match=rf"'Interview 1' \(guid {SOURCE}\).*outside"):
        read_qdpx(_with_qde(good_qdpx, tmp_path, qde))


def test_write_refuses_a_member_leading_outside_and_writes_nothing(tmp_path):
    project = QdaProject(name="p", files=(QdaFile("../outside.txt", b"x"),))
    target = tmp_path / "out.qdpx"
    with pytest.raises(FileFormatError, match=r"'\.\./outside\.txt' would lead outside"):
        write_qdpx(project, target)
    assert list(tmp_path.iterdir()) == []


def test_export_leaves_out_an_unsafe_file_an_older_store_kept(good_qdpx, tmp_path):
    store = open_store("sqlite://")
    import_qdpx(store, good_qdpx)
    with store.transaction() as connection:
        project_id = connection.execute(q.qda_projects.select()).first().id
        connection.execute(
            q.qda_files.insert().values(project_id=project_id, path="/etc/cron.d/x", data=b"x")
        )
    summary = export_qdpx(store, tmp_path / "out.qdpx")
    assert "/etc/cron.d/x" not in _members(tmp_path / "out.qdpx")
    assert any("/etc/cron.d/x" in warning for warning in summary.warnings)


# --- zip bombs -------------------------------------------------------------------------------


def test_too_many_members_are_refused_before_unpacking(good_qdpx, tmp_path):
    members = {**_members(good_qdpx), **{f"sources/n{i}.txt": b"" for i in range(5)}}
    path = _rezip(good_qdpx, members, tmp_path / "many.qdpx")
    with pytest.raises(FileFormatError, match=r"holds 7 files, more than the 6"):
        read_qdpx(path, limits=ZipLimits(max_members=6))


def test_archive_unpacking_to_more_than_the_limit_is_refused(good_qdpx, tmp_path):
    members = {**_members(good_qdpx), "sources/big.bin": b"x" * 5000}
    path = _rezip(good_qdpx, members, tmp_path / "big.qdpx")
    with pytest.raises(FileFormatError, match=r"unpacks to \d+ bytes, more than the 4000"):
        read_qdpx(path, limits=ZipLimits(max_bytes=4000))


@pytest.fixture(scope="module")
def bomb_qdpx(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bomb")
    good = folder / "good.qdpx"
    write_qdpx(_project(), good)
    members = {**_members(good), "sources/zeros.bin": bytes(80 * 1024**2)}
    return _rezip(good, members, folder / "bomb.qdpx")


def test_highly_compressed_member_is_refused_as_a_zip_bomb(bomb_qdpx):
    path = bomb_qdpx
    assert path.stat().st_size < 1024**2  # 80 MiB of zeros packs to well under 1 MiB
    with pytest.raises(FileFormatError, match=r"'sources/zeros\.bin' unpacks to 83886080 bytes"):
        read_qdpx(path)


def test_cli_refuses_a_zip_bomb_with_exit_2(bomb_qdpx, tmp_path, capsys):
    assert _cli(tmp_path, "import", str(bomb_qdpx)) == 2
    err = capsys.readouterr().err
    assert "bomb.qdpx" in err and "zip bomb" in err and "Traceback" not in err
