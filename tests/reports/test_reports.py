"""End-to-end: region reports executed by papermill and exported to self-contained HTML."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from scirocco_lab.assessment.records import (
    RecordBatch,
    SubjectRecord,
)
from scirocco_lab.assessment.report import region_tasks
from scirocco_lab.assessment.store import write_batch
from scirocco_lab.cli import main
from scirocco_lab.reports.engine import PACKAGE_TEMPLATES, build_reports
from scirocco_lab.store import open_store

pytestmark = pytest.mark.slow

TEMPLATE = PACKAGE_TEMPLATES / "region_profile.ipynb"


def test_build_writes_self_contained_escaped_reports_and_index(tmp_path, seeded_store):
    url = seeded_store(tmp_path / "s.db", synthetic=True)
    out = tmp_path / "reports"
    results = build_reports(region_tasks(url, out), out, workers=2)
    assert [r.ok for r in results] == [True, True], [r.error for r in results]
    page = (out / "regions" / "vale.html").read_text("utf-8")
    # Self-contained: nothing fetched from the network when opened.
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"""<link[^>]+href=["']?https?:""", page)
    assert "data:image/png;base64," in page
    # User text is escaped, never interpreted.
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page
    # Demo data is marked; assessors' names never reach a report.
    assert "Synthetic demo data" in page
    assert "Secret Person" not in page
    # The store is named by its file name, never its full path.
    assert "Store: s.db." in page and str(tmp_path) not in page
    index = (out / "index.html").read_text("utf-8")
    assert 'href="regions/vale.html"' in index
    assert 'href="regions/empty.html"' in index
    assert "&lt;script&gt;" in index


def test_real_data_report_has_no_synthetic_banner(tmp_path, seeded_store, store_url):
    url = seeded_store(store_url, synthetic=False)  # SQLite and PostgreSQL
    out = tmp_path / "reports"
    (result,) = build_reports(region_tasks(url, out, regions=["vale"]), out, workers=1)
    assert result.ok, result.error
    assert "Synthetic demo data" not in result.task.output.read_text("utf-8")


def test_failing_region_does_not_stop_the_others(tmp_path, seeded_store, monkeypatch, capsys):
    templates = tmp_path / "templates"
    templates.mkdir()
    notebook = nbformat.read(TEMPLATE, as_version=4)
    notebook.cells.insert(
        1,
        nbformat.v4.new_code_cell(
            'if region == "vale":\n    raise RuntimeError("deliberate failure for vale")'
        ),
    )
    nbformat.write(notebook, templates / "region_profile.ipynb")
    for other in TEMPLATE.parent.glob("*.ipynb"):
        if other.name != TEMPLATE.name:
            shutil.copy(other, templates / other.name)
    monkeypatch.setenv("SCIROCCO_LAB_TEMPLATES", str(templates))
    url = seeded_store(tmp_path / "s.db", synthetic=True)
    out = tmp_path / "reports"
    status = main(["--store", url, "reports", "build", "--out", str(out), "--quiet"])
    assert status == 1
    assert (out / "regions" / "empty.html").exists()
    assert not (out / "regions" / "vale.html").exists()
    printed = capsys.readouterr().out
    assert "FAILED" in printed and "deliberate failure for vale" in printed
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    regions = [e for e in manifest["reports"] if e["path"].startswith("regions/")]
    assert {entry["path"]: entry["ok"] for entry in regions} == {
        "regions/empty.html": True,
        "regions/vale.html": False,
    }


def test_partial_rebuild_keeps_earlier_reports_in_index(tmp_path, seeded_store):
    url = seeded_store(tmp_path / "s.db", synthetic=True)
    out = tmp_path / "reports"
    build_reports(region_tasks(url, out), out, workers=2)
    build_reports(region_tasks(url, out, regions=["empty"]), out, workers=1)
    index = (out / "index.html").read_text("utf-8")
    assert 'href="regions/vale.html"' in index and 'href="regions/empty.html"' in index


def test_template_runs_with_plain_papermill_cli(tmp_path, seeded_store):
    url = seeded_store(tmp_path / "s.db", synthetic=True)
    papermill = shutil.which("papermill", path=str(Path(sys.executable).parent))
    output = tmp_path / "out.ipynb"
    completed = subprocess.run(
        [
            papermill,
            str(TEMPLATE),
            str(output),
            "-p",
            "region",
            "vale",
            "-p",
            "store_url",
            url,
            "--no-progress-bar",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    executed = nbformat.read(output, as_version=4)
    html_outputs = [
        out.get("data", {}).get("text/html", "")
        for cell in executed.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
    ]
    assert any("maturity profile" in text for text in html_outputs)


def test_template_has_one_parameters_cell():
    notebook = nbformat.read(TEMPLATE, as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert "region =" in tagged[0].source and "store_url =" in tagged[0].source


def test_region_subjects_keeps_the_named_order():
    from scirocco_lab.reports.registry import region_subjects

    store = open_store("sqlite://")
    write_batch(store, RecordBatch(subjects=(SubjectRecord("a", "A"), SubjectRecord("b", "B"))))
    assert region_subjects(store, ["b", "a"]).index.tolist() == ["b", "a"]


def test_region_subjects_refuses_unknown_regions_listing_the_known_ones():
    from scirocco_lab.errors import NotFoundError
    from scirocco_lab.reports.registry import region_subjects

    store = open_store("sqlite://")
    write_batch(store, RecordBatch(subjects=(SubjectRecord("a", "A"),)))
    with pytest.raises(NotFoundError, match=r"unknown region\(s\): zz\. Regions in the store: a\."):
        region_subjects(store, ["a", "zz"])


def test_every_report_kind_reads_tables_the_store_has():
    from scirocco_lab.reports.registry import report_kinds
    from scirocco_lab.store import schema

    open_store("sqlite://")  # registers every domain's tables on the metadata
    for kind in report_kinds():
        unknown = set(kind.reads) - set(schema.metadata.tables)
        assert not unknown, f"{kind.name} reads unknown tables {unknown}"


def test_every_report_kind_has_its_template_in_the_package():
    from scirocco_lab.reports.engine import report_templates
    from scirocco_lab.reports.registry import report_kinds

    assert {kind.template for kind in report_kinds()} <= set(report_templates())
