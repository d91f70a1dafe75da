"""`scirocco-lab plan ...` and `scirocco-lab assets search`."""

import io
import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from scirocco_lab.assessment.demo import DEMO_MARK, generate_demo
from scirocco_lab.assessment.store import write_batch
from scirocco_lab.cli import main
from scirocco_lab.planning.demo import seed_planning_demo
from scirocco_lab.store import open_store


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('planning-cli') / 's.db'}"
    store = open_store(url)
    write_batch(store, generate_demo())
    seed_planning_demo(store)
    store.engine.dispose()
    return url


def run(capsys, url, *args):
    code = main(["--store", url, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_plan_list_shows_programmes_and_plans(capsys, store_url):
    code, out, _ = run(capsys, store_url, "plan", "list", "--format", "csv")
    frame = pd.read_csv(io.StringIO(out))
    assert code == 0
    assert frame["record"].value_counts().to_dict() == {
        "knowledge-transfer programme": 3,
        "action plan": 3,
        "coaching programme": 1,
    }


def test_plan_list_filters_by_region(capsys, store_url):
    code, out, _ = run(
        capsys, store_url, "plan", "list", "--region", "eastholm-lakes", "--format", "json"
    )
    records = json.loads(out)
    assert code == 0
    assert {r["key"] for r in records} >= {"coaching-eastholm-lakes-2026"}
    assert all("eastholm-lakes" in (r["region"], r["partner"]) for r in records)


def test_plan_list_of_an_empty_store_says_what_to_do(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    open_store(url).engine.dispose()
    code, out, _ = run(capsys, url, "plan", "list")
    assert code == 0
    assert "demo seed" in out


def test_plan_actions_of_one_plan(capsys, store_url):
    plan = "ap-corvalla-2026"
    code, out, _ = run(capsys, store_url, "plan", "actions", "--plan", plan, "--format", "csv")
    frame = pd.read_csv(io.StringIO(out))
    assert code == 0
    assert set(frame["plan"]) == {plan}
    assert frame["position"].tolist() == list(range(1, len(frame) + 1))


def test_plan_actions_of_unknown_plan_lists_the_known_ones(capsys, store_url):
    code, _, err = run(capsys, store_url, "plan", "actions", "--plan", "ap-nowhere")
    assert code == 2
    assert "ap-corvalla-2026" in err


def test_plan_export_writes_a_workbook(capsys, store_url, tmp_path):
    out_file = tmp_path / "plan.xlsx"
    code, out, _ = run(
        capsys, store_url, "plan", "export", "ap-corvalla-2026", "--out", str(out_file)
    )
    assert code == 0
    assert "wrote" in out
    sheet = load_workbook(out_file)["Action plan"]
    assert sheet["A2"].value.startswith(DEMO_MARK)


def test_plan_export_writes_csv(capsys, store_url, tmp_path):
    out_file = tmp_path / "plan.csv"
    code, _, _ = run(
        capsys, store_url, "plan", "export", "ap-corvalla-2026", "--out", str(out_file)
    )
    assert code == 0
    assert pd.read_csv(out_file)["data_note"].eq(DEMO_MARK).all()


def test_plan_export_of_unknown_plan_writes_nothing(capsys, store_url, tmp_path):
    out_file = tmp_path / "plan.xlsx"
    code, _, err = run(capsys, store_url, "plan", "export", "ap-nowhere", "--out", str(out_file))
    assert code == 2
    assert "Known plans: ap-corvalla-2026" in err
    assert not out_file.exists()


def test_assets_search_by_text_and_dimension(capsys, store_url):
    code, out, _ = run(
        capsys,
        store_url,
        "assets",
        "search",
        "pooled",
        "--dimension",
        "funding",
        "--format",
        "json",
    )
    found = json.loads(out)
    assert code == 0
    assert found and all("funding" in asset["dimensions"] for asset in found)
    assert all("pooled" in (asset["title"] + asset["description"]).lower() for asset in found)


def test_assets_search_by_kind_prints_a_table(capsys, store_url):
    code, out, _ = run(capsys, store_url, "assets", "search", "--kind", "expert")
    assert code == 0
    assert "expert-pooled-budgets" in out
    assert "shared-care-record-toolkit" not in out


def test_assets_search_with_unknown_dimension_fails(capsys, store_url):
    code, _, err = run(capsys, store_url, "assets", "search", "--dimension", "fundng")
    assert code == 2
    assert "funding" in err
