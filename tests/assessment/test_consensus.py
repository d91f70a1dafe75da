"""Consensus rules: SCIROCCO Delphi branches, half-integer medians, thresholds, quartiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scirocco_lab.assessment.consensus import (
    QUANTILE_METHODS,
    DelphiRule,
    StabilityRule,
    consensus_table,
    delphi_table,
    round_movement,
)
from scirocco_lab.errors import ConfigurationError, DataValidationError


def panel(levels, *, dont_know=None, subject="Region A", round_number=1, dimension="funding"):
    """Tidy ratings of one dimension by len(levels) assessors (None = don't know)."""
    levels = list(levels)
    flags = [level is None for level in levels] if dont_know is None else list(dont_know)
    return pd.DataFrame(
        {
            "subject": subject,
            "round": round_number,
            "assessor": [f"a{i:02d}" for i in range(len(levels))],
            "dimension": dimension,
            "level": [np.nan if level is None else float(level) for level in levels],
            "dont_know": flags,
        }
    )


def one_row(levels, **kwargs):
    return delphi_table(panel(levels), **kwargs).iloc[0]


# --- Delphi branches (12-person panel, published rule) ----------------------------------------


def test_median_two_with_three_outside_is_agreement_initial():
    row = one_row([2, 2, 2, 2, 1, 1, 3, 3, 2, 0, 5, 5])
    assert row["median"] == 2
    assert (row["region_low"], row["region_high"]) == (1, 3)
    assert row["n_outside"] == 3
    assert row["pct_in_agreement"] == pytest.approx(75.0)
    assert row["pct_at_median"] == pytest.approx(100 * 5 / 12)
    assert (row["distribution"], row["delphi_label"]) == ("Agreement", "Initial")


def test_median_four_with_agreement_is_progressing():
    row = one_row([4, 4, 4, 4, 4, 3, 3, 5, 5, 0, 1, 2])
    assert row["median"] == 4
    assert row["n_outside"] == 3
    assert (row["distribution"], row["delphi_label"]) == ("Agreement", "Progressing")


def test_median_five_region_is_clipped_to_the_scale_and_optimising():
    row = one_row([5, 5, 5, 5, 5, 5, 5, 4, 4, 2, 1, 0])
    assert row["median"] == 5
    assert (row["region_low"], row["region_high"]) == (4, 5)
    assert row["n_outside"] == 3
    assert (row["distribution"], row["delphi_label"]) == ("Agreement", "Optimising")


def test_four_ratings_outside_the_region_is_split_uncertain():
    row = one_row([3, 3, 3, 3, 3, 3, 2, 4, 0, 0, 5, 5])
    assert (row["median"], row["region_low"], row["region_high"]) == (3, 2, 4)
    assert row["n_outside"] == 4
    assert (row["distribution"], row["delphi_label"]) == ("Split", "Uncertain")


def test_threshold_boundary_three_outside_agrees_four_splits():
    three = one_row([1, 1, 1, 1, 1, 1, 1, 1, 1, 4, 4, 4])
    four = one_row([1, 1, 1, 1, 1, 1, 1, 1, 4, 4, 4, 4])
    assert (three["n_outside"], three["distribution"]) == (3, "Agreement")
    assert (four["n_outside"], four["distribution"]) == (4, "Split")


# --- Half-integer medians ---------------------------------------------------------------------


def test_half_median_two_and_a_half_with_agreement_is_progressing_by_default():
    row = one_row([2] * 6 + [3] * 6)
    assert row["median"] == 2.5
    assert (row["region_low"], row["region_high"]) == (2, 4)
    assert row["pct_at_median"] == pytest.approx(50.0)  # half of the 6 at 2 and of the 6 at 3
    assert (row["distribution"], row["delphi_label"]) == ("Agreement", "Progressing")


def test_half_median_rounded_down_gives_initial():
    row = one_row([2] * 6 + [3] * 6, rule=DelphiRule(half_median_level="down"))
    assert row["delphi_label"] == "Initial"


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("mean", 100 * 3.5 / 12),
        ("up", 100 * 4 / 12),
        ("down", 100 * 3 / 12),
        ("either", 100 * 7 / 12),
        ("none", 0.0),
    ],
)
def test_half_median_percent_at_median_choices(choice, expected):
    levels = [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4]  # median (2 + 3) / 2 = 2.5
    row = one_row(levels, rule=DelphiRule(half_median_at_median=choice))
    assert row["median"] == 2.5
    assert row["pct_at_median"] == pytest.approx(expected)


def test_published_half_median_row_with_37_5_percent_at_median():
    # IJIC doi 10.5334/ijic.7747 Table 4 reports median 2.5 with 37.5 % at median: 4 ratings at
    # 2 and 5 at 3 give (4 + 5) / 2 of 12 = 37.5 % (counting only the 3s would give 41.7 %).
    row = one_row([1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4])
    assert row["median"] == 2.5
    assert round(row["pct_at_median"], 1) == 37.5
    assert (row["distribution"], row["delphi_label"]) == ("Agreement", "Progressing")


def test_published_half_median_row_with_20_8_percent_at_median():
    # The same table's median 2.5 with 20.8 % at median: 2 ratings at 2 and 3 at 3 of 12.
    row = one_row([0, 0, 1, 1, 2, 2, 3, 3, 3, 4, 5, 5])
    assert row["median"] == 2.5
    assert round(row["pct_at_median"], 1) == 20.8


def test_the_rounded_up_convention_stays_selectable():
    levels = [1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4]
    row = one_row(levels, rule=DelphiRule(half_median_at_median="up"))
    assert round(row["pct_at_median"], 1) == 41.7


def test_consensus_table_defaults_to_the_published_convention():
    ratings = panel([1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4])
    for rule in ("delphi-scirocco", "percent-agreement", "iqr"):
        table = consensus_table(ratings, rule=rule)
        assert table["pct_at_median"].iloc[0] == pytest.approx(37.5)


@pytest.mark.parametrize(
    ("region", "bounds", "n_outside", "distribution"),
    [("up", (2, 4), 4, "Split"), ("down", (1, 3), 5, "Split"), ("widen", (1, 4), 1, "Agreement")],
)
def test_half_median_region_choices(region, bounds, n_outside, distribution):
    levels = [0, 1, 1, 1, 2, 2, 3, 3, 4, 4, 4, 4]  # median 2.5
    row = one_row(levels, rule=DelphiRule(half_median_region=region))
    assert row["median"] == 2.5
    assert (row["region_low"], row["region_high"]) == bounds
    assert row["n_outside"] == n_outside
    assert row["distribution"] == distribution


# --- Other open choices -----------------------------------------------------------------------


def test_best_region_placement_takes_the_fullest_window_containing_the_median():
    levels = [3] * 7 + [5] * 5  # median 3
    centred = one_row(levels)
    best = one_row(levels, rule=DelphiRule(region_placement="best"))
    assert (centred["n_outside"], centred["distribution"]) == (5, "Split")
    assert (best["region_low"], best["region_high"]) == (3, 5)
    assert (best["n_outside"], best["distribution"]) == (0, "Agreement")


def test_best_region_placement_prefers_the_centred_window_on_ties():
    row = one_row([3, 3, 3, 3], rule=DelphiRule(region_placement="best"))
    assert (row["region_low"], row["region_high"]) == (2, 4)


def test_shift_keeps_a_full_width_region_at_the_scale_end():
    levels = [5] * 8 + [3] * 4
    clipped = one_row(levels)
    shifted = one_row(levels, rule=DelphiRule(scale_end="shift"))
    assert (clipped["region_low"], clipped["distribution"]) == (4, "Split")
    assert (shifted["region_low"], shifted["region_high"]) == (3, 5)
    assert shifted["delphi_label"] == "Optimising"


def test_wider_region_counts_more_ratings_inside():
    row = one_row([3] * 8 + [1, 1, 5, 5], rule=DelphiRule(region_width=5))
    assert (row["region_low"], row["region_high"]) == (1, 5)
    assert row["n_outside"] == 0


def test_proportion_threshold_scales_to_a_six_person_panel():
    levels = [2, 2, 2, 2, 5, 5]  # two of six outside 1..3
    by_count = one_row(levels)
    by_share = one_row(levels, rule=DelphiRule(outside_threshold=None, outside_proportion=4 / 12))
    assert (by_count["n_outside"], by_count["distribution"]) == (2, "Agreement")
    assert by_share["distribution"] == "Split"
    one_outside = one_row(
        [2, 2, 2, 2, 2, 5], rule=DelphiRule(outside_threshold=None, outside_proportion=4 / 12)
    )
    assert one_outside["distribution"] == "Agreement"


def test_proportion_threshold_uses_rated_answers_not_dont_knows():
    # 9 rated, 3 don't-know: 3 of 9 outside is exactly one third.
    levels = [2, 2, 2, 2, 2, 2, 5, 5, 5, None, None, None]
    rule = DelphiRule(outside_threshold=None, outside_proportion=1 / 3)
    row = delphi_table(panel(levels), rule=rule).iloc[0]
    assert (row["n_rated"], row["n_outside"], row["distribution"]) == (9, 3, "Split")


def test_custom_level_bands_and_labels():
    rule = DelphiRule(level_bands=((0, 1, "Low"), (2, 5, "High")), split_level="No consensus")
    assert one_row([1] * 12, rule=rule)["delphi_label"] == "Low"
    assert one_row([1] * 6 + [5] * 6, rule=rule)["delphi_label"] == "No consensus"


# --- Don't-know and missing -------------------------------------------------------------------


def test_dont_knows_are_counted_but_not_rated():
    ratings = panel([4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0])
    ratings.loc[9:, "dont_know"] = True  # the three 0s become don't-knows (stale levels ignored)
    row = delphi_table(ratings).iloc[0]
    assert (row["n_rated"], row["n_dont_know"], row["n_missing"]) == (9, 3, 0)
    assert row["n_outside"] == 0
    assert row["pct_in_agreement"] == pytest.approx(100.0)


def test_nan_level_without_flag_is_missing_not_dont_know():
    ratings = panel([3, 3, 3, None])
    ratings["dont_know"] = False
    row = delphi_table(ratings).iloc[0]
    assert (row["n_rated"], row["n_dont_know"], row["n_missing"]) == (3, 0, 1)


def test_without_dont_know_column_nan_levels_are_dont_knows():
    ratings = panel([3, 3, 3, None]).drop(columns="dont_know")
    row = delphi_table(ratings).iloc[0]
    assert (row["n_rated"], row["n_dont_know"], row["n_missing"]) == (3, 1, 0)


def test_group_with_only_dont_knows_has_no_statistics_or_label():
    row = one_row([None] * 5)
    assert row["n_dont_know"] == 5
    assert row["n_rated"] == 0
    assert np.isnan(row["median"]) and np.isnan(row["pct_in_agreement"])
    assert pd.isna(row["distribution"]) and pd.isna(row["delphi_label"])


def test_min_rated_withholds_labels_from_small_groups():
    row = one_row([3, 3, None, None], rule=DelphiRule(min_rated=3))
    assert row["median"] == 3
    assert pd.isna(row["distribution"]) and pd.isna(row["delphi_label"])


# --- Statistics against numpy / pandas --------------------------------------------------------


def random_ratings(seed=7, n_groups=300):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 21, size=n_groups)
    group = np.repeat(np.arange(n_groups), sizes)
    return pd.DataFrame(
        {
            "subject": [f"s{g // 3:03d}" for g in group],
            "round": 1,
            "assessor": np.concatenate([np.arange(size) for size in sizes]).astype(str),
            "dimension": [f"d{g % 3}" for g in group],
            "level": rng.integers(0, 6, size=group.size).astype(float),
            "dont_know": False,
        }
    )


def test_median_and_quartiles_match_pandas_quantile_on_random_data():
    ratings = random_ratings()
    table = delphi_table(ratings)
    grouped = ratings.groupby(["subject", "round", "dimension"])["level"]
    expected = pd.DataFrame(
        {
            "median": grouped.median(),
            "q1": grouped.quantile(0.25),
            "q3": grouped.quantile(0.75),
            "n_rated": grouped.size(),
        }
    ).reset_index()
    merged = table.merge(expected, on=["subject", "round", "dimension"], suffixes=("", "_pd"))
    assert len(merged) == len(table) == 300
    for column in ("median", "q1", "q3", "n_rated"):
        np.testing.assert_allclose(merged[column], merged[f"{column}_pd"], atol=1e-12)


@pytest.mark.parametrize("method", QUANTILE_METHODS)
def test_every_quartile_method_matches_numpy(method):
    ratings = random_ratings(seed=11, n_groups=120)
    table = delphi_table(ratings, rule=DelphiRule(quantile_method=method))
    for (subject, dimension), group in ratings.groupby(["subject", "dimension"]):
        row = table[(table["subject"] == subject) & (table["dimension"] == dimension)].iloc[0]
        q1, q3 = np.quantile(group["level"].to_numpy(), [0.25, 0.75], method=method)
        assert row["q1"] == pytest.approx(q1, abs=1e-12)
        assert row["q3"] == pytest.approx(q3, abs=1e-12)


def test_region_counts_match_a_per_group_computation():
    ratings = random_ratings(seed=3)
    table = delphi_table(ratings)
    for (subject, dimension), group in ratings.groupby(["subject", "dimension"]):
        levels = group["level"].to_numpy()
        point = np.ceil(np.median(levels))
        inside = np.sum((levels >= point - 1) & (levels <= point + 1))
        row = table[(table["subject"] == subject) & (table["dimension"] == dimension)].iloc[0]
        assert row["n_outside"] == levels.size - inside
        # Published convention: each rating at a half-integer median's neighbours counts 1/2.
        median = np.median(levels)
        at_median = (np.mean(levels == np.floor(median)) + np.mean(levels == np.ceil(median))) / 2
        assert row["pct_at_median"] == pytest.approx(100 * at_median)
        counts = np.bincount(levels.astype(int))
        assert row["pct_at_mode"] == pytest.approx(100 * counts.max() / levels.size)


def test_one_million_ratings_give_one_row_per_subject_and_dimension():
    n_subjects, n_assessors, n_dimensions = 5_000, 17, 12
    rng = np.random.default_rng(0)
    size = n_subjects * n_assessors * n_dimensions
    levels = rng.integers(0, 6, size=size).astype(float)
    dont_know = rng.random(size) < 0.05
    levels[dont_know] = np.nan
    ratings = pd.DataFrame(
        {
            "subject": np.repeat(
                [f"s{i:05d}" for i in range(n_subjects)], n_assessors * n_dimensions
            ),
            "round": 1,
            "assessor": np.tile(
                np.repeat([f"a{j}" for j in range(n_assessors)], n_dimensions), n_subjects
            ),
            "dimension": np.tile(
                [f"d{k:02d}" for k in range(n_dimensions)], n_subjects * n_assessors
            ),
            "level": levels,
            "dont_know": dont_know,
        }
    )
    # Speed is measured by benchmarks/consensus_benchmark.py, not asserted here.
    table = delphi_table(ratings)
    assert len(table) == n_subjects * n_dimensions
    assert table["n_dont_know"].sum() == dont_know.sum()


# --- Shape, order, names, validation ----------------------------------------------------------


def test_output_is_sorted_by_subject_and_round_with_dimensions_in_first_seen_order():
    ratings = pd.concat(
        [
            panel([3, 3], subject="B", dimension="zeta"),
            panel([3, 3], subject="B", dimension="alpha"),
            panel([3, 3], subject="A", round_number=2, dimension="zeta"),
            panel([3, 3], subject="A", round_number=1, dimension="alpha"),
            panel([3, 3], subject="A", round_number=1, dimension="zeta"),
        ]
    )
    table = delphi_table(ratings)
    assert list(zip(table["subject"], table["round"], table["dimension"], strict=True)) == [
        ("A", 1, "zeta"),
        ("A", 1, "alpha"),
        ("A", 2, "zeta"),
        ("B", 1, "zeta"),
        ("B", 1, "alpha"),
    ]


def test_other_column_names_are_accepted():
    ratings = (
        panel([4] * 12)
        .rename(
            columns={"subject": "region", "assessor": "who", "dimension": "item", "level": "score"}
        )
        .drop(columns=["round", "dont_know"])
    )
    table = delphi_table(
        ratings, by=("region",), item="item", rating="score", dont_know=None, rater="who"
    )
    assert list(table.columns[:2]) == ["region", "item"]
    assert table["delphi_label"].iloc[0] == "Progressing"


def test_non_integer_level_is_rejected_with_its_row():
    ratings = panel([3, 3.5, 3])
    with pytest.raises(DataValidationError) as caught:
        delphi_table(ratings)
    (problem,) = caught.value.problems
    assert (problem.row, problem.field, problem.value) == (3, "level", 3.5)


def test_level_outside_the_scale_is_rejected():
    with pytest.raises(DataValidationError, match=r"0\.\.5 scale"):
        delphi_table(panel([3, 6]))


def test_duplicate_rating_by_one_assessor_is_rejected():
    ratings = panel([3, 3, 4])
    ratings.loc[2, "assessor"] = "a00"
    with pytest.raises(DataValidationError, match="twice") as caught:
        delphi_table(ratings)
    assert caught.value.problems[0].row == 4


def test_missing_column_is_reported_with_the_columns_present():
    with pytest.raises(DataValidationError, match="column is missing"):
        delphi_table(panel([3]).drop(columns="dimension"))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"outside_threshold": 4, "outside_proportion": 0.3},
        {"outside_threshold": None},
        {"region_width": 2},
        {"half_median_level": "nearest"},
        {"quantile_method": "type7"},
        {"outside_proportion": 1.5, "outside_threshold": None},
    ],
)
def test_invalid_rule_parameters_raise_configuration_error(kwargs):
    with pytest.raises(ConfigurationError):
        DelphiRule(**kwargs)


# --- Other consensus rules --------------------------------------------------------------------


def test_percent_agreement_rule_meets_seventy_five_percent_exactly():
    nine_of_twelve = panel([2] * 9 + [5] * 3)
    eight_of_twelve = panel([2] * 8 + [5] * 4)
    assert (
        consensus_table(nine_of_twelve, rule="percent-agreement")["distribution"].iloc[0]
        == "Agreement"
    )
    assert (
        consensus_table(eight_of_twelve, rule="percent-agreement")["distribution"].iloc[0]
        == "Split"
    )


def test_percent_agreement_at_the_mode():
    ratings = panel([2] * 6 + [3] * 6)  # all inside the region, half at the mode
    by_region = consensus_table(ratings, rule="percent-agreement").iloc[0]
    by_mode = consensus_table(ratings, rule="percent-agreement", agreement_on="mode").iloc[0]
    assert by_region["distribution"] == "Agreement"
    assert (by_mode["pct_at_mode"], by_mode["distribution"]) == (50.0, "Split")
    assert by_mode["delphi_label"] == "Uncertain"
    assert by_mode["rule"] == "percent-agreement"


def test_iqr_rule_agrees_at_iqr_one_and_splits_above():
    at_one = consensus_table(panel([3] * 4 + [4] * 4), rule="iqr").iloc[0]
    above = consensus_table(panel([2, 2, 3, 3, 3, 4, 4, 4]), rule="iqr").iloc[0]
    assert (at_one["iqr"], at_one["distribution"]) == (1.0, "Agreement")
    assert (above["iqr"], above["distribution"]) == (1.25, "Split")


def test_iqr_rule_threshold_is_a_parameter():
    ratings = panel([1, 2, 2, 3, 3, 4, 4, 5])  # IQR 2
    assert consensus_table(ratings, rule="iqr")["distribution"].iloc[0] == "Split"
    assert consensus_table(ratings, rule="iqr", max_iqr=2)["distribution"].iloc[0] == "Agreement"


def test_rules_share_the_table_shape():
    ratings = panel([2, 3, 3, 4])
    columns = [
        list(consensus_table(ratings, rule=rule).columns)
        for rule in ("delphi-scirocco", "percent-agreement", "iqr")
    ]
    assert columns[0] == columns[1] == columns[2]
    assert columns[0] == list(delphi_table(ratings).columns)


def test_unknown_rule_name_raises_configuration_error():
    with pytest.raises(ConfigurationError, match="percent-agreement"):
        consensus_table(panel([3]), rule="majority")


# --- Round movement ---------------------------------------------------------------------------


def two_rounds(first, second):
    ratings = pd.concat([panel(first, round_number=1), panel(second, round_number=2)])
    return round_movement(delphi_table(ratings)).iloc[0]


def test_round_movement_reports_changes_between_consecutive_rounds():
    moved = two_rounds([1, 2, 3, 3, 3, 3, 3, 3, 4, 5, 5, 0], [2, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4])
    assert (moved["round_from"], moved["round_to"]) == (1, 2)
    assert moved["median_change"] == 0
    assert moved["pct_in_agreement_from"] == pytest.approx(100 * 8 / 12)
    assert moved["pct_in_agreement_to"] == pytest.approx(100.0)
    assert moved["pct_in_agreement_change"] == pytest.approx(100 * 4 / 12)
    assert moved["direction"] == "converging"
    assert not moved["stable"]  # 33 points is more than 15


def test_small_change_with_same_median_and_level_is_stable():
    moved = two_rounds([3] * 10 + [0, 5], [3] * 11 + [0])
    assert moved["pct_in_agreement_change"] == pytest.approx(100 / 12)
    assert moved["stable"]


def test_agreement_change_above_threshold_is_not_stable_even_with_same_level():
    ratings = pd.concat([panel([3] * 9 + [0] * 3, round_number=1), panel([3] * 12, round_number=2)])
    table = delphi_table(ratings)
    assert list(table["delphi_label"]) == ["Progressing", "Progressing"]
    moved = round_movement(table).iloc[0]
    assert moved["pct_in_agreement_change"] == pytest.approx(25.0)
    assert not moved["stable"]
    assert round_movement(table, stability=StabilityRule(max_agreement_change=30))["stable"].iloc[0]


def test_changed_median_is_not_stable_unless_allowed():
    ratings = pd.concat([panel([3] * 12, round_number=1), panel([3] * 5 + [4] * 7, round_number=2)])
    table = delphi_table(ratings)
    assert not round_movement(table)["stable"].iloc[0]
    relaxed = StabilityRule(require_same_median=False, require_same_level=True)
    assert round_movement(table, stability=relaxed)["stable"].iloc[0]


def test_direction_labels():
    assert two_rounds([3] * 12, [3] * 12)["direction"] == "unchanged"
    assert two_rounds([3] * 12, [3] * 8 + [0, 0, 5, 5])["direction"] == "diverging"


def test_round_movement_skips_a_missing_round():
    ratings = pd.concat([panel([3] * 4, round_number=1), panel([3] * 4, round_number=3)])
    moved = round_movement(delphi_table(ratings))
    assert list(zip(moved["round_from"], moved["round_to"], strict=True)) == [(1, 3)]


def test_round_movement_keeps_the_dimension_order_of_its_input():
    rounds = [
        panel([3] * 12, round_number=r, dimension=d)
        for r in (1, 2)
        for d in ("structure_and_governance", "breadth_of_ambition")
    ]
    moved = round_movement(delphi_table(pd.concat(rounds, ignore_index=True)))
    assert moved["dimension"].tolist() == ["structure_and_governance", "breadth_of_ambition"]
