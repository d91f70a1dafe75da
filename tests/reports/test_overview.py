"""The index's programme overview: consensus heatmap, report links with status, filter."""

import re

from scirocco_lab.assessment.records import RecordBatch, SubjectRecord
from scirocco_lab.assessment.store import write_batch
from scirocco_lab.cli import main
from scirocco_lab.reports.engine import write_index
from scirocco_lab.reports.overview import overview_html
from scirocco_lab.store import open_store


def demo(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["--store", url, "store", "init", "--seed-demo-if-empty"]) == 0
    return open_store(url)


ENTRIES = [
    {
        "path": "regions/northvale.html",
        "kind": "region_profile",
        "ok": True,
        "subjects": ["northvale"],
        "stale": "data changed since it was built: ratings",
    },
    {
        "path": "comparisons/northvale--x.html",
        "kind": "comparison",
        "ok": False,
        "subjects": ["northvale", "x"],
        "error": "boom",
    },
]


def test_one_heatmap_row_per_region_with_twelve_coloured_levels(tmp_path):
    page = overview_html(demo(tmp_path), ENTRIES)
    rows = re.findall(r"<tr data-filter=.*?</tr>", page)
    assert len(rows) == 9
    northvale = next(row for row in rows if "Northvale" in row)
    assert len(re.findall(r'<td style="background:#', northvale)) == 12


def test_a_regions_row_links_its_reports_marking_stale_and_failed(tmp_path):
    page = overview_html(demo(tmp_path), ENTRIES)
    northvale = next(r for r in re.findall(r"<tr .*?</tr>", page) if "Northvale" in r)
    assert '<a href="regions/northvale.html">profile</a> &#8635;' in northvale
    assert 'class="failed" title="failed">comparison &#10007;' in northvale


def test_region_names_are_escaped(tmp_path):
    store = demo(tmp_path)
    write_batch(store, RecordBatch(subjects=(SubjectRecord("zz", "<b>Zed</b> & co"),)))
    page = overview_html(store, [])
    assert "&lt;b&gt;Zed&lt;/b&gt; &amp; co" in page and "<b>Zed</b>" not in page


def test_index_has_a_filter_box_over_the_overview_and_the_lists(tmp_path):
    page = write_index(
        ENTRIES[:1], tmp_path, overview=overview_html(demo(tmp_path), ENTRIES[:1])
    ).read_text("utf-8")
    assert 'id="sl-filter"' in page and 'querySelectorAll("[data-filter]")' in page
    assert page.count("data-filter=") >= 10  # nine heatmap rows and the report entry
