"""Zip archives and XML from other machines: bounds before unpacking, DOCTYPE refused.

Hostile .docx and .xlsx files are generated here from files python-docx and openpyxl write.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from scirocco_lab.cli import main
from scirocco_lab.errors import FileFormatError
from scirocco_lab.io.archives import ZipLimits, check_office_file, doctype_line
from scirocco_lab.io.tables import read_table

ENTITY = '<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _with_doctype(source: Path, target: Path, member: str) -> Path:
    """``source`` with a DOCTYPE declaring an external entity put into ``member``."""
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as out:
        for info in archive.infolist():
            data = archive.read(info.filename)
            if info.filename == member:
                text = data.decode("utf-8")
                declaration = ""
                if text.startswith("<?xml"):
                    declaration, text = text.split("?>", 1)
                    declaration += "?>\n"
                root = text.lstrip().split()[0][1:]
                data = (declaration + ENTITY.format(root=root) + text).encode("utf-8")
            out.writestr(info, data)
    return target


@pytest.fixture
def xlsx(tmp_path) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["subject", "assessor", "round", "dimension", "level"])
    workbook.active.append(["northvale", "a1", 1, "structure-governance", 2])
    path = tmp_path / "ratings.xlsx"
    workbook.save(path)
    return path


@pytest.fixture
def docx_file(tmp_path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("Ana: We share the care plan every week.")
    path = tmp_path / "interview.docx"
    document.save(path)
    return path


def test_doctype_is_found_in_utf16_xml():
    data = '<?xml version="1.0" encoding="utf-16"?>\n' + ENTITY.format(root="a") + "<a/>"
    assert doctype_line(data.encode("utf-16")) == 2


def test_plain_xml_has_no_doctype():
    assert doctype_line(b'<?xml version="1.0"?>\n<!-- note -->\n<a><b/></a>') is None


def test_xlsx_with_a_doctype_is_refused_naming_the_member(xlsx, tmp_path):
    bad = _with_doctype(xlsx, tmp_path / "bad.xlsx", "xl/worksheets/sheet1.xml")
    with pytest.raises(FileFormatError, match=r"bad\.xlsx \(xl/worksheets/sheet1\.xml\), line"):
        read_table(bad, None)


def test_clean_xlsx_still_reads(xlsx):
    assert read_table(xlsx, None).rows[0][1][0] == "northvale"


def test_docx_with_a_doctype_is_refused_by_the_transcript_import(docx_file, tmp_path, capsys):
    bad = _with_doctype(docx_file, tmp_path / "bad.docx", "word/document.xml")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    argv = ["--store", url, "transcripts", "import", str(bad), "--region", "northvale"]
    argv += ["--activity", "interview", "--date", "2024-05-01"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "bad.docx (word/document.xml)" in err and "DOCTYPE" in err
    assert "Traceback" not in err


def test_office_file_with_too_many_members_is_refused(xlsx):
    with pytest.raises(FileFormatError, match="more than the 3 it may hold; nothing was unpacked"):
        check_office_file(xlsx, "save it again", ZipLimits(max_members=3))


def test_office_file_check_leaves_a_non_zip_to_its_reader(tmp_path):
    path = tmp_path / "not-a-zip.xlsx"
    path.write_text("subject,level\n")
    check_office_file(path, "save it again")  # no error: openpyxl's own message follows
