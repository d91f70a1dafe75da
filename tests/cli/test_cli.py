"""The scirocco-lab command line: set-up, listings, profiles and clear errors."""

import json

import pandas as pd
import pytest

from scirocco_lab.cli import main


@pytest.fixture
def store_path(tmp_path):
    return str(tmp_path / "cli.db")


@pytest.fixture
def on_demo(capsys, store_path):
    """``on_demo(*args)``: run a command on a fresh demo store (``store init
    --seed-demo-if-empty`` first, as the test set-up); (status, stdout, stderr)."""
    run(capsys, "--store", store_path, "store", "init", "--seed-demo-if-empty")
    return lambda *args: run(capsys, "--store", store_path, *args)


def run(capsys, *args):
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_store_init_seeds_demo_data_once(capsys, store_path):
    status, out, _ = run(capsys, "--store", store_path, "store", "init", "--seed-demo-if-empty")
    assert status == 0 and "seeded with synthetic demo data" in out
    status, out, _ = run(capsys, "--store", store_path, "store", "init", "--seed-demo-if-empty")
    assert status == 0 and "demo data not added" in out


def test_store_init_tops_up_a_demo_store_without_planning_and_evaluation_records(
    capsys, store_path
):
    from scirocco_lab.assessment.demo import generate_demo
    from scirocco_lab.assessment.store import write_batch
    from scirocco_lab.store import open_store

    write_batch(open_store(store_path), generate_demo())
    status, out, _ = run(capsys, "--store", store_path, "store", "init", "--seed-demo-if-empty")
    assert status == 0
    assert "synthetic planning demo" in out and "evaluation synthetic demo" in out


def test_store_init_leaves_a_store_with_real_data_alone(capsys, store_path):
    run(capsys, "--store", store_path, "subjects", "add", "basque", "--name", "Basque Country")
    status, out, _ = run(capsys, "--store", store_path, "store", "init", "--seed-demo-if-empty")
    assert status == 0 and "demo data not added" in out


def test_store_path_from_environment(capsys, store_path, monkeypatch):
    monkeypatch.setenv("SCIROCCO_LAB_STORE", store_path)
    run(capsys, "store", "init")
    status, out, _ = run(capsys, "store", "info")
    assert status == 0 and store_path in out


def test_profile_as_json(on_demo):
    status, out, _ = on_demo("profile", "northvale", "--format", "json")
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
    run(
        capsys,
        "--store",
        store_path,
        "subjects",
        "add",
        "fjordby",
        "--name",
        "Fjordby",
        "--country",
        "Norway",
    )
    status, out, _ = run(capsys, "--store", store_path, "subjects", "list", "--format", "csv")
    assert status == 0 and "fjordby,system,Fjordby,Norway" in out


def test_good_practice_with_unknown_owner_is_refused(capsys, store_path):
    status, _, err = run(
        capsys,
        "--store",
        store_path,
        "subjects",
        "add",
        "gp1",
        "--name",
        "GP",
        "--good-practice",
        "--owner",
        "nowhere",
    )
    assert status == 2 and "owner region is not in the store" in err


def test_reports_build_on_empty_store_says_what_to_do(capsys, store_path):
    run(capsys, "--store", store_path, "store", "init")
    status, out, _ = run(capsys, "--store", store_path, "reports", "build", "--quiet")
    assert status == 1 and "demo seed" in out


def write_panel(path, levels, *, extra_rows=""):
    lines = ["assessor,dimension,rating,round"]
    lines += [f"p{i},funding,{level},1" for i, level in enumerate(levels)]
    path.write_text("\n".join(lines) + "\n" + extra_rows, encoding="utf-8")
    return path


def test_consensus_from_csv_reports_split_panel(capsys, tmp_path):
    # 12 raters, median 3, four ratings outside 2..4 -> Split / Uncertain (published rule)
    panel = write_panel(tmp_path / "panel.csv", [3, 3, 3, 3, 3, 2, 4, 3, 0, 0, 5, 5])
    status, out, _ = run(capsys, "consensus", "--file", str(panel), "--format", "json")
    (row,) = json.loads(out)
    assert status == 0
    assert (row["n_outside"], row["distribution"], row["delphi_label"]) == (
        4,
        "Split",
        "Uncertain",
    )


def test_consensus_refuses_file_with_bad_row_naming_line_and_field(capsys, tmp_path):
    panel = write_panel(tmp_path / "panel.csv", [3, 3, "three", 2])
    status, out, err = run(capsys, "consensus", "--file", str(panel))
    assert status == 2 and out == ""
    assert "panel.csv, row 4, column 'rating'" in err and "nothing was computed" in err


def test_consensus_skips_bad_rows_on_request_and_lists_them(capsys, tmp_path):
    panel = write_panel(tmp_path / "panel.csv", [3, 3, 9, 2])
    status, out, err = run(
        capsys, "consensus", "--file", str(panel), "--skip-bad-rows", "--format", "json"
    )
    (row,) = json.loads(out)
    assert status == 0 and row["n_rated"] == 3
    assert "skipped: " in err and "row 4, column 'rating'" in err


def test_agreement_from_csv_gives_one_row_per_coefficient(capsys, tmp_path):
    rows = "assessor,unit,rating\n" + "".join(
        f"{rater},{unit},{(unit_index + shift) % 6}\n"
        for unit_index, unit in enumerate("abcdef")
        for rater, shift in (("r1", 0), ("r2", 0), ("r3", 1))
    )
    (tmp_path / "items.csv").write_text(rows, encoding="utf-8")
    status, out, _ = run(
        capsys, "agreement", "--file", str(tmp_path / "items.csv"), "--format", "json"
    )
    coefficients = {(r["coefficient"], r["variant"]) for r in json.loads(out)}
    assert status == 0
    assert ("krippendorff_alpha", "ordinal") in coefficients and ("icc", "ICC(2,1)") in coefficients


def test_consensus_from_store_by_region(on_demo):
    status, out, _ = on_demo("consensus", "--region", "northvale", "--format", "csv")
    assert status == 0
    assert out.splitlines()[0].startswith("subject,round,dimension,n_rated")
    assert {line.split(",")[1] for line in out.splitlines()[1:]} == {"1", "2", "3"}


def test_gaps_ranks_good_practices_for_a_region(on_demo):
    status, out, _ = on_demo("gaps", "northvale", "--summary", "--format", "json")
    ranking = json.loads(out)
    assert status == 0 and len(ranking) == 6
    assert [row["rank"] for row in ranking] == sorted(row["rank"] for row in ranking)


def test_twinning_pair_never_pairs_a_region_with_itself(on_demo):
    status, out, _ = on_demo("twinning", "pair", "--format", "json")
    pairs = json.loads(out)
    assert status == 0 and len(pairs) == 9
    assert all(p["receiving_region"] != p["transferring_region"] for p in pairs)


def test_twinning_pair_prints_each_pairs_reason(on_demo):
    status, out, _ = on_demo("twinning", "pair", "--format", "json")
    pairs = json.loads(out)
    assert status == 0
    for pair in pairs:
        if pair["best_partner"] == pair["transferring_region"]:
            assert pair["reason"].startswith("Best partner: ")
        else:
            assert "but is paired with" in pair["reason"]


def test_twinning_rank_unknown_region_is_a_clear_error(on_demo):
    status, _, err = on_demo("twinning", "rank", "atlantis")
    assert status == 2 and "atlantis" in err


def test_consensus_from_store_lists_dimensions_in_instrument_order(capsys, store_path):
    from scirocco_lab.instruments import load_instrument

    run(capsys, "--store", store_path, "store", "init", "--seed-demo-if-empty")
    status, out, _ = run(
        capsys,
        "--store",
        store_path,
        "consensus",
        "--region",
        "northvale",
        "--round",
        "1",
        "--format",
        "csv",
    )
    dimensions = [line.split(",")[2] for line in out.splitlines()[1:]]
    assert status == 0
    assert dimensions == list(load_instrument("scirocco-exchange").dimension_keys)


def test_table_output_rounds_half_up(capsys, tmp_path):
    # 13 of 64 ratings at the mode: 20.3125 %, shown 20.313 (Python's format gives 20.312).
    levels = [0] * 13 + [1] * 13 + [2] * 13 + [3] * 13 + [4] * 12
    path = write_panel(tmp_path / "panel.csv", levels)
    status, out, _ = run(capsys, "consensus", "--file", str(path))
    assert status == 0
    assert "20.313" in out and "20.312" not in out


# --- Statistics commands: every coefficient, subgroups, movement, longitudinal ----------------

DATA = __import__("pathlib").Path(__file__).parent.parent / "data"


def test_fleiss_1971_example_from_a_ratings_file(capsys):
    status, out, _ = run(
        capsys,
        "agreement",
        "--file",
        str(DATA / "fleiss1971_diagnoses.csv"),
        "--coefficient",
        "fleiss_kappa",
        "--format",
        "json",
    )
    rows = json.loads(out)
    assert status == 0 and len(rows) == 1
    assert round(rows[0]["value"], 3) == 0.430
    assert (rows[0]["n_units"], rows[0]["n_raters"]) == (30, 6)


def test_agreement_prints_one_row_per_coefficient_and_variant(capsys):
    status, out, _ = run(
        capsys, "agreement", "--file", str(DATA / "fleiss1971_diagnoses.csv"), "--format", "json"
    )
    pairs = [(r["coefficient"], r["variant"]) for r in json.loads(out)]
    assert status == 0
    assert pairs[:4] == [
        ("krippendorff_alpha", m) for m in ("nominal", "ordinal", "interval", "ratio")
    ]
    assert len(pairs) == len(set(pairs)) == 14


def test_agreement_metric_filter_selects_alpha_variants(capsys):
    status, out, _ = run(
        capsys,
        "agreement",
        "--file",
        str(DATA / "fleiss1971_diagnoses.csv"),
        "--metric",
        "ordinal",
        "--format",
        "csv",
    )
    lines = out.splitlines()
    assert status == 0 and len(lines) == 2
    assert ",krippendorff_alpha,ordinal," in lines[1]


def test_agreement_unknown_coefficient_is_a_short_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["agreement", "--coefficient", "cohen"])
    assert caught.value.code == 2
    assert "invalid choice: 'cohen'" in capsys.readouterr().err


def test_consensus_movement_from_a_file(capsys, tmp_path):
    lines = ["assessor,dimension,rating,round"]
    lines += [f"p{i},funding,{level},1" for i, level in enumerate([1, 2, 3, 4, 5, 3])]
    lines += [f"p{i},funding,{level},2" for i, level in enumerate([3, 3, 3, 3, 4, 3])]
    path = tmp_path / "rounds.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, out, _ = run(capsys, "consensus", "--file", str(path), "--movement", "--format", "json")
    moved = json.loads(out)
    assert status == 0 and len(moved) == 1
    assert (moved[0]["round_from"], moved[0]["round_to"], moved[0]["direction"]) == (
        1,
        2,
        "converging",
    )


def test_subgroups_from_a_file_with_an_assessor_table(capsys, tmp_path):
    ratings = tmp_path / "ratings.csv"
    levels = {"a": 1, "b": 2, "c": 2, "d": 4, "e": 5, "f": 4}
    ratings.write_text(
        "assessor,dimension,rating\n" + "".join(f"{k},funding,{v}\n" for k, v in levels.items()),
        encoding="utf-8",
    )
    assessors = tmp_path / "assessors.csv"
    assessors.write_text(
        "Assessor,Sector\na,health\nb,health\nc,health\nd,social\ne,social\nf,social\n",
        encoding="utf-8",
    )
    status, out, _ = run(
        capsys,
        "subgroups",
        "--file",
        str(ratings),
        "--assessors",
        str(assessors),
        "--attribute",
        "sector",
        "--format",
        "json",
    )
    rows = json.loads(out)
    assert status == 0
    assert [(r["group"], r["n"], r["test"]) for r in rows] == [
        ("health", 3, "Mann-Whitney U"),
        ("social", 3, "Mann-Whitney U"),
    ]


def test_subgroups_from_the_store_flags_groups_of_one(on_demo):
    status, out, _ = on_demo(
        "subgroups", "--region", "northvale", "--round", "1",
        "--attribute", "role", "--format", "json",
    )  # fmt: skip
    rows = json.loads(out)
    assert status == 0 and rows
    singles = [r for r in rows if r["n"] == 1]
    assert all(r["group_of_one"] for r in singles)
    assert all("group(s) of one" in r["note"] for r in singles)


def test_subgroups_unknown_attribute_names_the_known_ones(on_demo):
    status, _, err = on_demo("subgroups", "--region", "northvale", "--attribute", "seniority")
    assert status == 2
    assert "'role', 'sector'" in err and "Traceback" not in err


def test_longitudinal_command_prints_the_tidy_frame(on_demo):
    status, out, _ = on_demo("longitudinal", "northvale", "--n-boot", "50", "--format", "json")
    rows = json.loads(out)
    assert status == 0
    assert {"occasion", "level", "change", "change_ci_low", "crosswalk_relation"} <= set(rows[0])
    assert len(rows) % 12 == 0


def test_longitudinal_with_a_broken_crosswalk_file_is_one_clear_error(on_demo, tmp_path):
    walk = tmp_path / "walk.yaml"
    walk.write_text("format: nonsense\n", encoding="utf-8")
    status, _, err = on_demo("longitudinal", "northvale", "--crosswalk", str(walk))
    assert status == 2
    assert "malformed cross-walk file" in err and "Traceback" not in err


def test_wrong_argument_types_get_short_messages(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["consensus", "--round", "two"])
    assert caught.value.code == 2
    assert "'two' is not a whole number" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["consensus", "--outside-proportion", "4"])
    assert "not a share in (0, 1]" in capsys.readouterr().err


def test_statistics_from_the_store_keep_to_one_instrument(on_demo):
    # northvale also has an earlier SCIROCCO v3 round 1: it must not join the Exchange panel.
    status, out, _ = on_demo(
        "agreement", "--region", "northvale", "--round", "1",
        "--coefficient", "fleiss_kappa", "--format", "json",
    )  # fmt: skip
    assert status == 0 and json.loads(out)[0]["n_units"] <= 12
    status, out, _ = on_demo(
        "consensus", "--region", "northvale", "--round", "1",
        "--instrument", "scirocco-v3", "--format", "csv",
    )  # fmt: skip
    assert status == 0 and len(out.splitlines()) == 1 + 12
    assert "information_and_ehealth_services" in out


@pytest.mark.parametrize(("flag", "expected"), [((), "'=SUM(1)"), (("--raw-values",), "=SUM(1)")])
def test_export_neutralises_formulas_unless_raw_values(capsys, tmp_path, flag, expected):
    store = str(tmp_path / "s.db")
    ratings = tmp_path / "in.csv"
    ratings.write_text(
        "subject,subject_name,kind,status,assessor,role,dimension,level,justification\n"
        "basque,Basque Country,HS,draft,A1,clinician,funding,3,=SUM(1)\n"
    )
    run(capsys, "--store", store, "store", "init")
    assert run(capsys, "--store", store, "import", str(ratings))[0] == 0
    out = tmp_path / "out.csv"
    assert run(capsys, "--store", store, "export", str(out), "--status", "any", *flag)[0] == 0
    assert pd.read_csv(out, keep_default_na=False)["justification"].tolist() == [expected]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("consensus", "--region", "northvale", "--round", "9"), "no individual ratings"),
        (("agreement", "--region", "northvale", "--round", "9"), "no individual ratings"),
    ],
)
def test_query_matching_nothing_says_so(capsys, demo_store_url, args, expected):
    status, out, _ = run(capsys, "--store", demo_store_url, *args)
    assert status == 0
    assert expected in out and "round 9" in out and "Empty DataFrame" not in out


def test_codes_list_on_empty_store_says_so(capsys, store_path):
    run(capsys, "--store", store_path, "store", "init")
    status, out, _ = run(capsys, "--store", store_path, "codes", "list")
    assert status == 0 and out.startswith("no codes in the store yet")


def test_codes_list_prints_no_python_reprs(capsys, demo_store_url):
    status, out, _ = run(capsys, "--store", demo_store_url, "codes", "list")
    assert status == 0
    assert "(" not in out and "'" not in out


def test_export_of_unknown_subject_refuses_naming_known_ones(capsys, demo_store_url, tmp_path):
    target = tmp_path / "out.csv"
    status, _, err = run(capsys, "--store", demo_store_url, "export", str(target), "--subject", "x")
    assert status == 2 and "no subject 'x'" in err and "northvale" in err
    assert not target.exists()


def test_one_problem_is_reported_once(capsys, store_path, tmp_path):
    run(capsys, "--store", store_path, "store", "init")
    transcript = tmp_path / "fg.txt"
    transcript.write_text("MODERATOR: Welcome.\nANNA: Thank you.\nBEN: Hello.\n")
    status, _, err = run(
        capsys, "--store", store_path, "transcripts", "import", str(transcript),
        "--region", "nowhere", "--activity", "focus_group", "--date", "2026-01-01",
    )  # fmt: skip
    assert status == 2
    assert err.count("unknown region") == 1


def test_audit_lists_an_import_without_identities(capsys, store_path, tmp_path, monkeypatch):
    monkeypatch.setenv("SCIROCCO_LAB_ACTOR", "facilitator-1")
    run(capsys, "--store", store_path, "subjects", "add", "basque", "--name", "Basque Country")
    transcript = tmp_path / "fg.txt"
    transcript.write_text("MODERATOR: Welcome.\nAnna Berg: Thank you.\n")
    args = ("--region", "basque", "--activity", "focus_group", "--date", "2026-01-01")
    assert (
        run(capsys, "--store", store_path, "transcripts", "import", str(transcript), *args)[0] == 0
    )
    status, out, _ = run(capsys, "--store", store_path, "audit", "--format", "csv")
    assert status == 0
    assert "facilitator-1,import,evaluation_sources" in out and "fg.txt" in out
    assert "Anna Berg" not in out


def test_audit_since_tomorrow_says_nothing_recorded(capsys, store_path):
    run(capsys, "--store", store_path, "store", "init")
    status, out, _ = run(capsys, "--store", store_path, "audit", "--since", "2999-01-01")
    assert status == 0 and out.startswith("no writes recorded")


def test_help_imports_no_widget_or_statistics_library():
    import subprocess
    import sys

    # A fresh interpreter: this test process has imported everything already.
    script = (
        "import sys\n"
        "from scirocco_lab.cli.commands import build_parser\n"
        "build_parser().format_help()\n"
        "heavy = sorted({'ipywidgets', 'scipy', 'matplotlib', 'IPython'} & set(sys.modules))\n"
        "print(','.join(heavy))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == ""
