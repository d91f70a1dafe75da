"""`reports build --pdf`: A4 PDFs with sections on new pages, the synthetic-data warning and
page numbers on every page (read back with poppler's pdftotext)."""

import re
import subprocess

import pytest

from scirocco_lab.assessment.report import region_tasks
from scirocco_lab.cli import main
from scirocco_lab.reports.engine import build_reports
from scirocco_lab.reports.pdf import header_template

pytestmark = pytest.mark.slow

REGION = "northvale"


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    url = f"sqlite:///{folder / 'demo.db'}"
    assert main(["--store", url, "store", "init", "--seed-demo-if-empty"]) == 0
    out = folder / "reports"
    (result,) = build_reports(region_tasks(url, out, regions=[REGION]), out, pdf=True)
    assert result.ok, result.error
    return result.task.output, result.task.output.with_suffix(".pdf")


def pdf_pages(pdf):
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def page_count(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))


def test_pdf_is_a4_with_page_numbers_on_every_page(printed):
    _html, pdf = printed
    count = page_count(pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "595.92 x 842.88 pts (A4)" in info or "595 x 842 pts (A4)" in info
    pages = pdf_pages(pdf)
    assert len(pages) == count
    assert [f"page {n} of {count}" in page for n, page in enumerate(pages, 1)] == [True] * count


def test_every_page_carries_the_synthetic_data_warning(printed):
    _html, pdf = printed
    assert all("Synthetic demo data: invented for demonstration" in p for p in pdf_pages(pdf))


def test_each_section_starts_a_page(printed):
    html, pdf = printed
    sections = re.findall(r"<h2[^>]*>(.*?)<a", html.read_text("utf-8"))
    assert len(sections) >= 3
    # The first line under each page's running header.
    firsts = {
        [line.strip() for line in page.splitlines() if line.strip()][1] for page in pdf_pages(pdf)
    }
    assert [title for title in sections if title not in firsts] == []
    assert page_count(pdf) > len(sections)


def test_pdf_keeps_the_reports_text(printed):
    _html, pdf = printed
    text = "\n".join(pdf_pages(pdf))
    assert "Northvale: maturity profile" in text and "Delphi table" in text


def test_real_data_pages_carry_the_title_instead():
    header = header_template("Vale & co: maturity profile", synthetic=False)
    assert "Synthetic" not in header and "Vale &amp; co: maturity profile" in header


def test_a_missing_chromium_is_a_clear_error_before_anything_runs(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["--store", url, "store", "init", "--seed-demo-if-empty"]) == 0
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "no-chromium"))
    out = tmp_path / "reports"
    assert main(["--store", url, "reports", "build", "--out", str(out), "--pdf", "--quiet"]) == 2
    assert "scripts/ensure-chromium.sh" in capsys.readouterr().err
    assert not out.exists()
