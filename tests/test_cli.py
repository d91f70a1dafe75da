"""The scirocco-lab command line: set-up, listings, profiles and clear errors."""

import json

import pytest

from scirocco_lab.cli import main


@pytest.fixture
def store_path(tmp_path):
    return str(tmp_path / "cli.db")


def run(capsys, *args):
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_store_init_seeds_demo_data_once(capsys, store_path):
    status, out, _ = run(capsys, "--store", store_path, "store", "init", "--seed-demo-if-empty")
    assert status == 0 and "seeded with synthetic demo data" in out
    status, out, _ = run(capsys, "--store", store_path, "store", "init", "--seed-demo-if-empty")
    assert status == 0 and "demo data not added" in out


def test_store_path_from_environment(capsys, store_path, monkeypatch):
    monkeypatch.setenv("SCIROCCO_LAB_STORE", store_path)
    run(capsys, "store", "init")
    status, out, _ = run(capsys, "store", "info")
    assert status == 0 and store_path in out


def test_profile_as_json(capsys, store_path):
    run(capsys, "--store", store_path, "store", "init", "--seed-demo-if-empty")
    status, out, _ = run(capsys, "--store", store_path, "profile", "northvale", "--format", "json")
    rows = json.loads(out)
    assert status == 0 and len(rows) == 12
    assert {"dimension", "level", "median", "iqr", "n_dont_know"} <= set(rows[0])


def test_unknown_region_is_a_clear_error(capsys, store_path):
    run(capsys, "--store", store_path, "store", "init")
    status, _, err = run(capsys, "--store", store_path, "profile", "atlantis")
    assert status == 2
    assert "no region or good practice with key 'atlantis'" in err


def test_instruments_list_names_both_bundled(capsys):
    status, out, _ = run(capsys, "instruments", "list", "--format", "csv")
    assert status == 0 and "scirocco-exchange" in out and "scirocco-v3" in out


def test_instruments_show_marks_missing_labels(capsys):
    status, out, _ = run(capsys, "instruments", "show", "scirocco-exchange")
    assert status == 0 and "summary labels" in out and "(no summary label bundled)" in out


def test_subjects_add_then_list(capsys, store_path):
    run(capsys, "--store", store_path, "subjects", "add", "fjordby", "--name", "Fjordby",
        "--country", "Norway")
    status, out, _ = run(capsys, "--store", store_path, "subjects", "list", "--format", "csv")
    assert status == 0 and "fjordby,system,Fjordby,Norway" in out


def test_good_practice_with_unknown_owner_is_refused(capsys, store_path):
    status, _, err = run(capsys, "--store", store_path, "subjects", "add", "gp1", "--name", "GP",
                         "--good-practice", "--owner", "nowhere")
    assert status == 2 and "owner region is not in the store" in err


def test_reports_build_on_empty_store_says_what_to_do(capsys, store_path):
    run(capsys, "--store", store_path, "store", "init")
    status, out, _ = run(capsys, "--store", store_path, "reports", "build", "--quiet")
    assert status == 1 and "demo seed" in out
