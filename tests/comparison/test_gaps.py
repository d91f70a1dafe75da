"""Comparison of a region with good practices, other regions and itself
(scirocco_lab.comparison.gaps)."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import papermill
import pytest

from scirocco_lab.assessment.demo import generate_demo
from scirocco_lab.assessment.store import write_batch
from scirocco_lab.comparison.gaps import (
    STATUS_MEETS,
    STATUS_SHORT,
    STATUS_UNKNOWN,
    compare_across_instruments,
    compare_over_time,
    compare_regions,
    gap_summary,
    practice_gaps,
    practice_requirements,
    rank_practices,
)
from scirocco_lab.comparison.plots import gap_chart
from scirocco_lab.comparison.report import comparison_tasks, feature_table_html
from scirocco_lab.errors import ConfigurationError, InstrumentError, NotFoundError
from scirocco_lab.instruments import load_instrument
from scirocco_lab.reports.engine import PACKAGE_TEMPLATES
from scirocco_lab.store import open_store

REPORTS = PACKAGE_TEMPLATES


@pytest.fixture(scope="module")
def v3():
    return load_instrument("scirocco-v3")


def profile(subject: str | None = None, **levels: float) -> pd.DataFrame:
    frame = pd.DataFrame({"dimension": list(levels), "level": [float(v) for v in levels.values()]})
    return frame.assign(subject=subject) if subject else frame


def requirements(practice: str, **levels: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "practice": practice,
            "dimension": list(levels),
            "requirement_level": [float(v) for v in levels.values()],
        }
    )


def by_dimension(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("dimension")


# --- region against good practice -----------------------------------------------------------


def test_gap_is_readiness_minus_requirement_and_shortfall_its_deficit(exchange):
    gaps = by_dimension(
        practice_gaps(
            profile(funding=2, evaluation_methods=4),
            requirements("gp", funding=4, evaluation_methods=3),
            exchange,
        )
    )
    assert gaps.loc["funding", ["gap", "shortfall"]].tolist() == [-2.0, 2.0]
    assert gaps.loc["evaluation_methods", ["gap", "shortfall"]].tolist() == [1.0, 0.0]


def test_status_says_meets_or_short_by_how_many_levels(exchange):
    gaps = by_dimension(
        practice_gaps(
            profile(funding=2, evaluation_methods=3, capacity_building=3),
            requirements("gp", funding=3, evaluation_methods=3, capacity_building=1),
            exchange,
        )
    )
    assert gaps.loc["funding", "status"] == STATUS_SHORT
    assert gaps.loc["funding", "status_text"] == "short by 1 level"
    assert gaps.loc["evaluation_methods", "status"] == STATUS_MEETS
    assert gaps.loc["evaluation_methods", "status_text"] == "meets"
    assert gaps.loc["capacity_building", "status_text"] == "meets (2 levels above)"


def test_dont_know_readiness_is_unknown_never_met(exchange):
    readiness = pd.DataFrame({"dimension": ["funding"], "level": [math.nan]})
    gaps = practice_gaps(readiness, requirements("gp", funding=0), exchange)
    row = by_dimension(gaps).loc["funding"]
    assert row["status"] == STATUS_UNKNOWN
    assert math.isnan(row["shortfall"])
    summary = gap_summary(gaps).iloc[0]
    assert summary["dimensions_met"] == 0
    assert summary["dimensions_unknown"] == 12  # funding plus the 11 dimensions not given


def test_summary_counts_and_largest_shortfall(exchange):
    readiness = profile(**dict.fromkeys(exchange.dimension_keys, 2))
    needed = dict.fromkeys(exchange.dimension_keys, 1)
    needed.update(funding=5, evaluation_methods=5, capacity_building=3)
    summary = gap_summary(practice_gaps(readiness, requirements("gp", **needed), exchange)).iloc[0]
    assert summary["dimensions_met"] == 9
    assert summary["dimensions_short"] == 3
    assert summary["total_shortfall"] == 7.0  # 3 + 3 + 1
    assert summary["largest_shortfall"] == 3.0
    assert summary["largest_shortfall_dimensions"] == "Funding, Evaluation Methods"
    assert summary["verdict"] == "short in 3 dimensions by 7 levels in total"


def test_ranking_fewest_short_then_total_shortfall_then_unknown(exchange):
    everywhere = dict.fromkeys(exchange.dimension_keys, 2)
    readiness = profile(**{**everywhere, "capacity_building": math.nan})
    low = dict.fromkeys(exchange.dimension_keys, 1)
    practices = pd.concat(
        [
            requirements("one-short-by-3", **{**low, "funding": 5}),
            requirements("one-short-by-1", **{**low, "funding": 3}),
            requirements("two-short", **{**low, "funding": 3, "evaluation_methods": 3}),
        ],
        ignore_index=True,
    )
    # Every practice also needs capacity building, which the region could not rate: one
    # unknown each, so unknowns do not decide between these three.
    ranking = rank_practices(readiness, practices, exchange)
    assert ranking["practice"].tolist() == ["one-short-by-1", "one-short-by-3", "two-short"]
    assert ranking["rank"].tolist() == [1, 2, 3]


def test_ranking_puts_fewer_unknowns_first_when_shortfall_is_equal(exchange):
    readiness = profile(**dict.fromkeys(exchange.dimension_keys, 2))
    low = dict.fromkeys(exchange.dimension_keys, 1)
    partly_rated = {k: v for k, v in low.items() if k != "funding"}  # funding requirement unknown
    practices = pd.concat(
        [requirements("a-partly-rated", **partly_rated), requirements("b-fully-rated", **low)],
        ignore_index=True,
    )
    ranking = rank_practices(readiness, practices, exchange)
    assert ranking["practice"].tolist() == ["b-fully-rated", "a-partly-rated"]
    assert ranking["dimensions_unknown"].tolist() == [0, 1]


def test_ranking_prefers_smaller_shortfall_over_fewer_unknowns(exchange):
    readiness = profile(**dict.fromkeys(exchange.dimension_keys, 2))
    low = dict.fromkeys(exchange.dimension_keys, 1)
    short_by_1_one_unknown = {k: v for k, v in low.items() if k != "funding"}
    short_by_1_one_unknown["evaluation_methods"] = 3
    practices = pd.concat(
        [
            requirements("a-short-by-2", **{**low, "evaluation_methods": 4}),
            requirements("b-short-by-1", **short_by_1_one_unknown),
        ],
        ignore_index=True,
    )
    ranking = rank_practices(readiness, practices, exchange)
    assert ranking["practice"].tolist() == ["b-short-by-1", "a-short-by-2"]


def test_ranking_ties_share_a_rank(exchange):
    readiness = profile(**dict.fromkeys(exchange.dimension_keys, 2))
    low = dict.fromkeys(exchange.dimension_keys, 1)
    practices = pd.concat(
        [requirements("x", **low), requirements("y", **low), requirements("z", funding=5, **{
            k: v for k, v in low.items() if k != "funding"})],
        ignore_index=True,
    )  # fmt: skip
    assert rank_practices(readiness, practices, exchange)["rank"].tolist() == [1, 1, 3]


def test_verdict_never_calls_unknown_dimensions_met(exchange):
    readiness = profile(**{**dict.fromkeys(exchange.dimension_keys, 2), "funding": math.nan})
    practices = requirements("gp", **dict.fromkeys(exchange.dimension_keys, 1))
    summary = gap_summary(practice_gaps(readiness, practices, exchange)).iloc[0]
    assert (summary["dimensions_met"], summary["dimensions_unknown"]) == (11, 1)
    assert summary["verdict"] == "meets every rated requirement; 1 unknown"


def test_requirements_take_consensus_level_and_features(exchange):
    ratings = pd.DataFrame(
        {
            "subject": "gp",
            "round": 1,
            "mode": ["individual", "individual", "consensus"],
            "assessor": ["A", "B", None],
            "dimension": "funding",
            "level": [2.0, 3.0, 4.0],
            "dont_know": False,
            "features": [("Grant",), ("Grant", "Pooled budget"), ("Pooled budget",)],
        }
    )
    row = by_dimension(practice_requirements(ratings, exchange, "gp")).loc["funding"]
    assert row["requirement_level"] == 4.0
    assert row["requirement_source"] == "consensus"
    assert row["features"] == ("Pooled budget",)


def test_requirements_without_consensus_use_median_and_every_feature(exchange):
    ratings = pd.DataFrame(
        {
            "subject": "gp",
            "round": 1,
            "mode": "individual",
            "assessor": ["A", "B", "C"],
            "dimension": "funding",
            "level": [2.0, 3.0, 5.0],
            "dont_know": False,
            "features": [("Grant",), ("Pooled budget", "Grant"), ()],
        }
    )
    row = by_dimension(practice_requirements(ratings, exchange, "gp")).loc["funding"]
    assert row["requirement_level"] == 3.0
    assert row["features"] == ("Grant", "Pooled budget")  # most often named first


def test_unknown_practice_error_names_the_known_ones(exchange):
    ratings = pd.DataFrame(
        {"subject": "gp-1", "round": 1, "mode": "consensus", "dimension": "funding", "level": [1.0]}
    )
    with pytest.raises(NotFoundError, match="gp-1"):
        practice_requirements(ratings, exchange, "no-such-practice")


def test_unknown_dimension_error_names_the_valid_ones(exchange):
    with pytest.raises(InstrumentError, match="process_coordination"):
        practice_gaps(profile(fundng=2), requirements("gp", funding=3), exchange)


# --- region against region, and over time ----------------------------------------------------


def test_compare_regions_difference_is_other_minus_region(exchange):
    table = by_dimension(
        compare_regions(
            profile("north", funding=1, evaluation_methods=4),
            profile("south", funding=3, evaluation_methods=4),
            exchange,
        )
    )
    assert table.loc["funding", "difference"] == 2.0
    assert table.loc["funding", "comparison"] == "south ahead by 2 levels"
    assert table.loc["evaluation_methods", "comparison"] == "equal"
    assert table.loc["capacity_building", "comparison"] == "unknown"


def ratings_over_time() -> pd.DataFrame:
    """Round 1: two individual ratings (median 2.5); round 2: a consensus at 4."""
    return pd.DataFrame(
        {
            "subject": "north",
            "instrument": "scirocco-exchange",
            "round": [1, 1, 2],
            "mode": ["individual", "individual", "consensus"],
            "assessor": ["A", "B", None],
            "dimension": "funding",
            "level": [2.0, 3.0, 4.0],
            "dont_know": False,
            "assessed_on": pd.to_datetime(["2025-01-10", "2025-01-12", "2025-06-01"]).date,
        }
    )


def test_over_time_compares_first_and_last_round(exchange):
    row = by_dimension(compare_over_time(ratings_over_time(), exchange, "north")).loc["funding"]
    assert (row["earlier_level"], row["later_level"], row["change"]) == (2.5, 4.0, 1.5)
    assert row["direction"] == "improved"


def test_over_time_accepts_dates_for_the_rounds(exchange):
    table = compare_over_time(
        ratings_over_time(), exchange, "north", earlier="2025-02-01", later="2025-12-31"
    )
    assert (table["earlier_round"].iloc[0], table["later_round"].iloc[0]) == (1, 2)


def test_over_time_with_one_round_says_so(exchange):
    single = ratings_over_time().query("round == 1")
    with pytest.raises(ConfigurationError, match="rounds recorded: 1"):
        compare_over_time(single, exchange, "north")


# --- across instrument generations ----------------------------------------------------------


def test_crosswalk_marks_process_coordination_as_no_counterpart(v3, exchange):
    old = profile(**dict.fromkeys(v3.dimension_keys, 2))
    new = profile(**dict.fromkeys(exchange.dimension_keys, 3))
    table = compare_across_instruments(old, v3, new, exchange)
    row = table[table["to_dimension"] == "process_coordination"].iloc[0]
    assert not row["comparable"]
    assert row["comparison"] == "no counterpart (new in scirocco-exchange)"
    assert math.isnan(row["change"])


def test_crosswalk_merged_dimension_compares_each_source_and_their_mean(v3, exchange):
    old = profile(information_and_ehealth_services=2, standardisation_and_simplification=4)
    new = profile(digital_infrastructure=3)
    table = compare_across_instruments(old, v3, new, exchange)
    merged = table[table["relation"] == "merged"]
    assert merged["from_level"].tolist() == [2.0, 4.0, 3.0]  # each source, then the mean
    assert merged["change"].tolist() == [1.0, -1.0, 0.0]
    assert merged["caution"].all()


def test_crosswalk_read_backwards_reports_dropped_dimension(v3, exchange):
    table = compare_across_instruments(profile(funding=2), exchange, profile(), v3)
    row = table[table["from_dimension"] == "process_coordination"].iloc[0]
    assert row["comparison"] == "no counterpart (dropped from scirocco-v3)"


# --- report pieces --------------------------------------------------------------------------


def test_gap_chart_colours_short_dimensions_differently(exchange):
    gaps = practice_gaps(profile(funding=1, evaluation_methods=4),
                         requirements("gp", funding=3, evaluation_methods=2), exchange)  # fmt: skip
    fig = gap_chart(gaps, synthetic=True)
    colours = {tuple(bar.get_facecolor()) for bar in fig.axes[0].patches}
    assert len(colours) >= 2
    assert any(t.get_text() == "Synthetic demo data" for t in fig.texts)


def test_feature_table_escapes_user_text(exchange):
    gaps = practice_gaps(profile(funding=1), requirements("gp", funding=3), exchange)
    gaps["features"] = [("<script>alert(1)</script>",)] + [()] * 11
    rendered = feature_table_html(gaps)
    assert "<script>" not in rendered
    assert "&lt;script&gt;" in rendered


def test_comparison_tasks_one_per_rated_region_leaving_the_choice_to_the_notebook(
    demo_store_url, tmp_path
):
    tasks = comparison_tasks(demo_store_url, tmp_path)
    assert len(tasks) == 9
    for task in tasks:
        assert task.parameters["practice"] is None  # the notebook ranks and picks
        assert task.output == tmp_path / "comparisons" / f"{task.parameters['region']}.html"
        assert task.synthetic


def test_comparison_tasks_skip_a_region_that_owns_every_rated_practice(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'own.db'}")
    batch = generate_demo()
    owned = {s.key: s.owner for s in batch.subjects if s.kind == "good_practice"}
    owner = next(iter(owned.values()))
    gp = [a for a in batch.assessments if a.kind == "GP" and owned[a.subject] == owner]
    hs = [a for a in batch.assessments if a.kind == "HS"]
    write_batch(store, replace(batch, assessments=tuple(hs + gp)))
    regions = {t.parameters["region"] for t in comparison_tasks(store.url, tmp_path)}
    assert owner not in regions
    assert regions  # the other regions can still adopt the owner's practices


@pytest.mark.slow
@pytest.mark.parametrize(
    "parameters",
    [{"region": "corvalla"}, {"region": "northvale", "other_region": "ostermark"}],
    ids=["best-practice", "other-region"],
)
def test_comparison_report_runs(parameters, demo_store_url, tmp_path):
    output = tmp_path / "comparison.ipynb"
    papermill.execute_notebook(
        str(REPORTS / "comparison.ipynb"),
        str(output),
        parameters={**parameters, "store_url": demo_store_url},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(REPORTS),
    )
    assert "Synthetic demo data" in output.read_text(encoding="utf-8")


# --- Feasibility recorded in twinning meetings ------------------------------------------------


def meeting(practice, dimension, *rows, region=None):
    """Meeting rows: (feature, feasibility, adaptation) per feature of one dimension."""
    frame = pd.DataFrame(
        [
            {
                "practice": practice,
                "dimension": dimension,
                "feature": feature,
                "feasibility": feasibility,
                "adaptation": adaptation,
            }
            for feature, feasibility, adaptation in rows
        ]
    )
    return frame.assign(region=region) if region else frame


def test_gap_shows_the_least_feasible_feature_and_its_adaptation(exchange):
    rows = meeting(
        "gp",
        "funding",
        ("Pooled budget", "not feasible", "needs a regional law"),
        ("Shared tariff", "difficult", None),
    )
    gaps = practice_gaps(
        profile(funding=1), requirements("gp", funding=3), exchange, feasibility=rows
    )
    funding = by_dimension(gaps).loc["funding"]
    assert funding["feasibility"] == "not feasible"
    assert (
        funding["feasibility_text"]
        == "not feasible: Pooled budget (adaptation: needs a regional law)"
    )
    assert by_dimension(gaps).loc["evaluation_methods", "feasibility_text"] == (
        "not discussed in a twinning meeting"
    )


def test_infeasible_practice_ranks_below_a_feasible_one_with_the_reason(exchange):
    readiness = profile(funding=2, evaluation_methods=2)
    practices = pd.concat(
        [requirements("easy", funding=2, evaluation_methods=2), requirements("hard", funding=2)]
    )
    without = rank_practices(readiness, practices, exchange)
    assert without["practice"].tolist() == ["easy", "hard"]  # both ready: the key decides
    rows = meeting("easy", "funding", ("Pooled budget", "not feasible", None))
    ranked = rank_practices(readiness, practices, exchange, feasibility=rows)
    assert ranked["practice"].tolist() == ["hard", "easy"]
    easy = ranked.set_index("practice").loc["easy"]
    assert easy["dimensions_infeasible"] == 1
    assert easy["feasibility_reason"] == "Funding: not feasible: Pooled budget"
    assert "not feasible in 1 dimension" in easy["verdict"]


def test_difficult_features_only_break_ties(exchange):
    readiness = profile(funding=2)
    practices = pd.concat([requirements("a", funding=2), requirements("b", funding=2)])
    rows = meeting("a", "funding", ("Pooled budget", "difficult", None))
    ranked = rank_practices(readiness, practices, exchange, feasibility=rows)
    assert ranked["practice"].tolist() == ["b", "a"]
    assert ranked["rank"].tolist() == [1, 2]


def test_feasibility_of_another_regions_meeting_is_ignored(exchange):
    rows = meeting("gp", "funding", ("Pooled budget", "not feasible", None), region="elsewhere")
    gaps = practice_gaps(
        profile("northvale", funding=1), requirements("gp", funding=3), exchange, feasibility=rows
    )
    assert by_dimension(gaps).loc["funding", "feasibility"] is None


def test_unknown_feasibility_value_is_refused(exchange):
    from scirocco_lab.errors import DataValidationError

    rows = meeting("gp", "funding", ("Pooled budget", "maybe", None))
    with pytest.raises(DataValidationError, match="possible, difficult, not feasible"):
        practice_gaps(profile(funding=1), requirements("gp", funding=3), exchange, feasibility=rows)


def test_comparison_report_uses_the_regions_meeting_feasibility(tmp_path, exchange):
    from scirocco_lab.assessment.demo import generate_demo
    from scirocco_lab.assessment.store import write_batch
    from scirocco_lab.comparison.meetings import (
        TwinningFeature,
        save_twinning_features,
        stored_assessment_keys,
    )
    from scirocco_lab.comparison.report import comparison_report_data, gap_table_html
    from scirocco_lab.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'meeting.db'}")
    write_batch(store, generate_demo())
    before = comparison_report_data(store, "corvalla")
    best = before.practice["key"]
    keys = stored_assessment_keys(store)

    def key_of(kind, subject):
        return next(
            k for k, row in keys.items() if row["kind"] == kind and row["subject"] == subject
        )

    save_twinning_features(
        store,
        key_of("HS", "corvalla"),
        key_of("GP", best),
        [TwinningFeature("funding", "Pooled <b>budget</b>", feasibility="not feasible")],
        exchange,
    )
    after = comparison_report_data(store, "corvalla")
    assert after.practice["key"] != best  # the infeasible practice no longer ranks first
    ranked = after.ranking.set_index("practice")
    assert ranked.loc[best, "dimensions_infeasible"] == 1
    assert "Pooled <b>budget</b>" in ranked.loc[best, "feasibility_reason"]
    shown = comparison_report_data(store, "corvalla", practice=best)
    html = gap_table_html(shown.gaps)
    assert "Feasibility (twinning meeting)" in html
    assert "not feasible: Pooled &lt;b&gt;budget&lt;/b&gt;" in html
