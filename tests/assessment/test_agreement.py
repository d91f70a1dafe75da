"""Agreement coefficients against published worked examples, plus subgroup tests vs scipy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from scirocco_lab.assessment.agreement import (
    AGREEMENT_COLUMNS,
    ALPHA_METRICS,
    agreement_table,
    cronbach_alpha,
    fleiss_kappa,
    icc,
    interpret,
    krippendorff_alpha,
    percent_agreement,
    rating_matrix,
    subgroup_comparison,
)
from scirocco_lab.errors import ConfigurationError, DataValidationError
from scirocco_lab.stats.reliability import SmallSample

DATA = Path(__file__).parent.parent / "data"

nan = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C: 4 observers
# (rows) x 12 units (columns), missing values. Our functions take units x raters: transpose.
KRIPPENDORFF_C = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
).T

# Shrout & Fleiss (1979), Table 2: 6 targets (rows) x 4 judges (columns).
SHROUT_FLEISS = np.array(
    [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]],
    dtype=float,
)

# Fleiss (1971) kappa example as reproduced on Wikipedia ("Fleiss' kappa"): 10 subjects,
# 14 raters, 5 categories; each row gives how many raters chose each category.
FLEISS_WIKIPEDIA_COUNTS = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def by_variant(result):
    return dict(zip(result["variant"], result["value"], strict=True))


# --- Krippendorff's alpha ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_alpha_matches_published_example_with_missing_data(metric, expected):
    result = krippendorff_alpha(KRIPPENDORFF_C, metric=metric)
    assert round(result["value"].iloc[0], 3) == expected


def test_krippendorff_alpha_counts_only_pairable_units():
    row = krippendorff_alpha(KRIPPENDORFF_C, metric="nominal").iloc[0]
    assert (row["n_units"], row["n_raters"]) == (11, 4)  # unit 12 has a single value


def test_krippendorff_alpha_binary_two_observers():
    mary = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    dave = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    value = krippendorff_alpha(np.array([mary, dave]).T, metric="nominal")["value"].iloc[0]
    assert value == pytest.approx(1 - 19 * 4 / (14 * 6))  # 0.095, Krippendorff 2011 example A
    assert round(value, 3) == 0.095


def test_krippendorff_alpha_returns_one_row_per_metric_in_order():
    result = krippendorff_alpha(KRIPPENDORFF_C, metric=ALPHA_METRICS)
    assert list(result["variant"]) == list(ALPHA_METRICS)
    assert list(result.columns) == list(AGREEMENT_COLUMNS)


def test_krippendorff_alpha_is_one_for_perfect_agreement():
    matrix = np.array([[1, 1, 1], [3, 3, nan], [5, 5, 5]])
    assert krippendorff_alpha(matrix)["value"].iloc[0] == pytest.approx(1.0)


def test_krippendorff_alpha_is_not_estimable_without_variation():
    row = krippendorff_alpha(np.array([[2, 2], [2, 2]])).iloc[0]
    assert np.isnan(row["value"])
    assert row["reading"] == "not estimable"


def test_krippendorff_bootstrap_is_seeded_and_brackets_the_estimate():
    first = krippendorff_alpha(KRIPPENDORFF_C, metric="interval", n_boot=500, seed=1).iloc[0]
    again = krippendorff_alpha(KRIPPENDORFF_C, metric="interval", n_boot=500, seed=1).iloc[0]
    other = krippendorff_alpha(KRIPPENDORFF_C, metric="interval", n_boot=500, seed=2).iloc[0]
    assert (first["ci_low"], first["ci_high"]) == (again["ci_low"], again["ci_high"])
    assert first["ci_low"] != other["ci_low"]
    assert first["ci_low"] < first["value"] < first["ci_high"] <= 1
    assert "500 resamples" in first["note"]


def test_krippendorff_without_bootstrap_has_no_ci():
    row = krippendorff_alpha(KRIPPENDORFF_C).iloc[0]
    assert np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])


def test_unknown_metric_raises_configuration_error():
    with pytest.raises(ConfigurationError, match="ordinal"):
        krippendorff_alpha(KRIPPENDORFF_C, metric="circular")


# --- Fleiss' kappa ----------------------------------------------------------------------------


def fleiss_matrix():
    """Units x raters matrix with the Wikipedia example's category counts."""
    return np.array([np.repeat(np.arange(1, 6), row) for row in FLEISS_WIKIPEDIA_COUNTS])


def test_fleiss_kappa_matches_the_worked_example():
    row = fleiss_kappa(fleiss_matrix()).iloc[0]
    assert round(row["value"], 3) == 0.210
    assert (row["n_units"], row["n_raters"]) == (10, 14)
    assert row["reading"] == "fair; small sample: 10 units (fewer than 30)"


def fleiss_1971_diagnoses():
    """Fleiss (1971): 30 patients x 6 diagnoses, categories 1..5 (R irr's `diagnoses`)."""
    ratings = pd.read_csv(DATA / "fleiss1971_diagnoses.csv")
    return rating_matrix(ratings, item="unit", rating="rating", dont_know=None)


def test_fleiss_kappa_matches_fleiss_1971_diagnoses():
    row = fleiss_kappa(fleiss_1971_diagnoses()).iloc[0]
    assert round(row["value"], 3) == 0.430
    assert (row["n_units"], row["n_raters"]) == (30, 6)
    assert row["reading"] == "moderate"  # 30 units and 6 raters: no small-sample warning


def test_fleiss_kappa_agrees_with_statsmodels_on_fleiss_1971():
    from statsmodels.stats.inter_rater import aggregate_raters
    from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss_kappa

    matrix = fleiss_1971_diagnoses()
    counts, _ = aggregate_raters(matrix.to_numpy().astype(int))
    expected = statsmodels_fleiss_kappa(counts, method="fleiss")
    assert fleiss_kappa(matrix)["value"].iloc[0] == pytest.approx(expected, abs=1e-12)
    assert expected == pytest.approx(0.4302445, abs=1e-7)  # irr::kappam.fleiss


# --- Small samples ----------------------------------------------------------------------------


def test_small_sample_warning_names_units_and_raters():
    matrix = SHROUT_FLEISS[:, :2]  # 6 units, 2 raters
    reading = krippendorff_alpha(matrix, metric="interval")["reading"].iloc[0]
    assert reading.endswith("small sample: 6 units (fewer than 30) and 2 raters (fewer than 3)")


def test_small_sample_thresholds_are_parameters():
    rule = SmallSample(min_units=5, min_raters=2)
    reading = icc(SHROUT_FLEISS, small_sample=rule)["reading"].iloc[0]
    assert "small sample" not in reading


def test_small_sample_rule_rejects_nonsense():
    with pytest.raises(ConfigurationError, match="min_units"):
        SmallSample(min_units=0)


def test_not_estimable_values_carry_no_small_sample_warning():
    row = krippendorff_alpha(np.array([[2, 2], [2, 2]])).iloc[0]
    assert row["reading"] == "not estimable"


def test_fleiss_kappa_uses_only_complete_units_by_default():
    matrix = fleiss_matrix().astype(float)
    matrix[0, 3] = nan
    row = fleiss_kappa(matrix).iloc[0]
    expected = fleiss_kappa(fleiss_matrix()[1:]).iloc[0]
    assert row["n_units"] == 9
    assert row["value"] == pytest.approx(expected["value"])
    assert "1 unit(s)" in row["note"]


def test_fleiss_kappa_can_drop_raters_instead():
    matrix = fleiss_matrix().astype(float)
    matrix[0, 3] = nan
    row = fleiss_kappa(matrix, listwise="raters").iloc[0]
    assert (row["n_units"], row["n_raters"]) == (10, 13)


# --- ICC --------------------------------------------------------------------------------------


def test_icc_matches_shrout_and_fleiss_table():
    values = by_variant(icc(SHROUT_FLEISS))
    expected = {
        "ICC(1,1)": 0.17,
        "ICC(2,1)": 0.29,
        "ICC(3,1)": 0.71,
        "ICC(1,k)": 0.44,
        "ICC(2,k)": 0.62,
        "ICC(3,k)": 0.91,
    }
    assert {form: round(value, 2) for form, value in values.items()} == expected


def test_icc_confidence_intervals_match_r_psych():
    # psych::ICC(sf) output for the Shrout & Fleiss data (psych's own example), as printed:
    # lower bounds to 3 decimals, upper bounds to 2.
    result = icc(SHROUT_FLEISS).set_index("variant")
    lower = {
        "ICC(1,1)": -0.133,
        "ICC(2,1)": 0.019,
        "ICC(3,1)": 0.342,
        "ICC(1,k)": -0.884,
        "ICC(2,k)": 0.071,
        "ICC(3,k)": 0.676,
    }
    upper = {
        "ICC(1,1)": 0.72,
        "ICC(2,1)": 0.76,
        "ICC(3,1)": 0.95,
        "ICC(1,k)": 0.91,
        "ICC(2,k)": 0.93,
        "ICC(3,k)": 0.99,
    }
    for form in lower:
        assert round(result.loc[form, "ci_low"], 3) == lower[form], form
        assert round(result.loc[form, "ci_high"], 2) == upper[form], form


def test_icc31_interval_matches_an_independent_f_computation():
    n, k = SHROUT_FLEISS.shape
    residual = (
        SHROUT_FLEISS
        - SHROUT_FLEISS.mean(axis=1, keepdims=True)
        - SHROUT_FLEISS.mean(axis=0, keepdims=True)
        + SHROUT_FLEISS.mean()
    )
    ms_error = np.sum(residual**2) / ((n - 1) * (k - 1))
    ms_rows = k * np.var(SHROUT_FLEISS.mean(axis=1), ddof=1)
    f_low = (ms_rows / ms_error) / stats.f.ppf(0.95, n - 1, (n - 1) * (k - 1))
    row = icc(SHROUT_FLEISS, confidence=0.90).set_index("variant").loc["ICC(3,1)"]
    assert row["ci_low"] == pytest.approx((f_low - 1) / (f_low + k - 1))


def test_icc_drops_units_with_missing_ratings():
    matrix = SHROUT_FLEISS.copy()
    matrix[2, 1] = nan
    result = icc(matrix)
    expected = icc(np.delete(SHROUT_FLEISS, 2, axis=0))
    np.testing.assert_allclose(result["value"], expected["value"])
    assert set(result["n_units"]) == {5}


def test_icc_not_estimable_with_one_unit():
    result = icc(SHROUT_FLEISS[:1])
    assert result["value"].isna().all()
    assert len(result) == 6


# --- Percent agreement ------------------------------------------------------------------------


def test_percent_agreement_averages_pairwise_agreement_over_units():
    matrix = np.array([[3, 3, 2], [1, 1, nan], [4, nan, nan]])  # last unit has no pair
    result = percent_agreement(matrix, tolerance=[0, 1])
    # In percent, on the 0-100 scale of the consensus tables' % columns.
    assert by_variant(result) == pytest.approx({"exact": 100 * (1 / 3 + 1) / 2, "within 1": 100})
    assert set(result["n_units"]) == {2}
    # No benchmark bands, but the small-sample warning still reaches the reading.
    assert list(result["reading"]) == ["small sample: 2 units (fewer than 30)"] * 2


# --- Cronbach's alpha -------------------------------------------------------------------------


def test_cronbach_alpha_hand_computed():
    items = np.array([[1, 2, 3, 4], [2, 2, 4, 4], [1, 3, 3, 5]])  # 3 items x 4 cases
    # item variances 5/3 + 4/3 + 8/3 = 17/3, total-score variance 15: 3/2 * (1 - 17/45) = 14/15
    assert cronbach_alpha(items)["value"].iloc[0] == pytest.approx(14 / 15)


def test_cronbach_alpha_and_feldt_ci_equal_icc3k_of_the_transpose():
    cases_by_items = SHROUT_FLEISS  # 6 cases x 4 items
    alpha = cronbach_alpha(cases_by_items.T).iloc[0]
    icc3k = icc(cases_by_items).set_index("variant").loc["ICC(3,k)"]
    assert alpha["value"] == pytest.approx(icc3k["value"])
    assert alpha["ci_low"] == pytest.approx(icc3k["ci_low"])
    assert alpha["ci_high"] == pytest.approx(icc3k["ci_high"])
    assert (alpha["n_raters"], alpha["n_units"]) == (6, 4)


def test_cronbach_alpha_drops_cases_with_missing_items():
    items = SHROUT_FLEISS.T.copy()
    items[1, 0] = nan  # case 0 missed item 1
    row = cronbach_alpha(items).iloc[0]
    assert row["n_raters"] == 5
    assert row["value"] == pytest.approx(cronbach_alpha(SHROUT_FLEISS.T[:, 1:])["value"].iloc[0])


# --- From the long frame ----------------------------------------------------------------------


def long_ratings(matrix, subject="R", dimensions=None):
    """Tidy frame from a units x raters matrix (NaN -> don't-know)."""
    units, raters = matrix.shape
    dimensions = dimensions or [f"dim{u:02d}" for u in range(units)]
    rows = []
    for u in range(units):
        for r in range(raters):
            value = matrix[u, r]
            rows.append(
                {
                    "subject": subject,
                    "round": 1,
                    "assessor": f"{subject}-a{r}",
                    "dimension": dimensions[u],
                    "level": value,
                    "dont_know": bool(np.isnan(value)),
                }
            )
    return pd.DataFrame(rows)


def test_rating_matrix_turns_dont_knows_into_nan():
    ratings = long_ratings(KRIPPENDORFF_C)
    ratings.loc[0, "level"] = 9.0  # a stale level kept with a don't-know flag is ignored
    ratings.loc[0, "dont_know"] = True
    matrix = rating_matrix(ratings)
    assert matrix.shape == (12, 4)
    assert np.isnan(matrix.iloc[0, 0])
    np.testing.assert_array_equal(matrix.to_numpy()[1:], KRIPPENDORFF_C[1:])


def test_agreement_table_has_one_row_per_coefficient_per_subject():
    ratings = pd.concat(
        [long_ratings(SHROUT_FLEISS, subject="B"), long_ratings(KRIPPENDORFF_C, subject="A")]
    )
    table = agreement_table(ratings)
    assert list(table.columns) == ["subject", *AGREEMENT_COLUMNS]
    assert list(table["subject"].unique()) == ["A", "B"]
    per_subject = table[table["subject"] == "B"]
    assert list(per_subject["coefficient"]).count("icc") == 6
    assert len(per_subject) == 4 + 1 + 6 + 2 + 1  # alpha at all four levels of measurement


def test_agreement_table_gives_alpha_at_every_level_of_measurement_by_default():
    table = agreement_table(long_ratings(KRIPPENDORFF_C))
    alpha = table[table["coefficient"] == "krippendorff_alpha"]
    assert list(alpha["variant"]) == ["nominal", "ordinal", "interval", "ratio"]
    assert alpha["value"].round(3).tolist() == [0.743, 0.815, 0.849, 0.797]


def test_agreement_table_passes_the_small_sample_rule_on():
    lenient = SmallSample(min_units=1, min_raters=1)
    table = agreement_table(long_ratings(KRIPPENDORFF_C), small_sample=lenient)
    assert not table["reading"].str.contains("small sample", na=False).any()
    strict = agreement_table(long_ratings(KRIPPENDORFF_C))
    estimable = strict[strict["value"].notna()]
    assert estimable["reading"].str.contains("small sample").all()


def test_agreement_table_values_equal_the_direct_functions():
    ratings = long_ratings(KRIPPENDORFF_C)
    table = agreement_table(ratings, alpha_metrics=ALPHA_METRICS).set_index(
        ["coefficient", "variant"]
    )
    direct = pd.concat(
        [
            krippendorff_alpha(KRIPPENDORFF_C, metric=ALPHA_METRICS),
            fleiss_kappa(KRIPPENDORFF_C),
            icc(KRIPPENDORFF_C),
            percent_agreement(KRIPPENDORFF_C, tolerance=[0, 1]),
            cronbach_alpha(KRIPPENDORFF_C),
        ]
    ).set_index(["coefficient", "variant"])
    np.testing.assert_allclose(table.loc[direct.index, "value"], direct["value"], equal_nan=True)
    assert round(table.loc[("krippendorff_alpha", "interval"), "value"], 3) == 0.849


def test_agreement_table_rejects_repeated_ratings_across_rounds():
    first = long_ratings(SHROUT_FLEISS)
    second = first.assign(round=2)
    with pytest.raises(DataValidationError, match="round"):
        agreement_table(pd.concat([first, second]))
    by_round = agreement_table(pd.concat([first, second]), by=("subject", "round"))
    assert sorted(by_round["round"].unique()) == [1, 2]


def test_agreement_table_selects_coefficients():
    table = agreement_table(long_ratings(SHROUT_FLEISS), coefficients=["fleiss_kappa"])
    assert list(table["coefficient"]) == ["fleiss_kappa"]
    with pytest.raises(ConfigurationError, match="cohen"):
        agreement_table(long_ratings(SHROUT_FLEISS), coefficients=["cohen"])


# --- Interpretation bands ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("coefficient", "value", "reading"),
    [
        ("fleiss_kappa", -0.05, "poor"),
        ("fleiss_kappa", 0.20, "slight"),
        ("fleiss_kappa", 0.21, "fair"),
        ("fleiss_kappa", 0.60, "moderate"),
        ("fleiss_kappa", 0.61, "substantial"),
        ("fleiss_kappa", 0.81, "almost perfect"),
        ("krippendorff_alpha", 0.666, "unreliable"),
        ("krippendorff_alpha", 0.667, "tentative"),
        ("krippendorff_alpha", 0.800, "reliable"),
        ("icc", 0.49, "poor"),
        ("icc", 0.50, "moderate"),
        ("icc", 0.75, "good"),
        ("icc", 0.90, "good"),
        ("icc", 0.91, "excellent"),
        ("cronbach_alpha", 0.92, "excellent"),
        ("cronbach_alpha", 0.85, "good"),
        ("cronbach_alpha", 0.70, "questionable"),
        ("cronbach_alpha", 0.45, "unacceptable"),
        ("icc", nan, "not estimable"),
    ],
)
def test_interpret_bands(coefficient, value, reading):
    assert interpret(coefficient, value) == reading


def test_interpret_refuses_coefficients_without_bands():
    with pytest.raises(ConfigurationError, match="75"):
        interpret("percent_agreement", 0.8)


# --- Subgroup comparison ----------------------------------------------------------------------


def subgroup_ratings():
    rows = []
    data = {
        "funding": {"clinician": [1, 2, 2, 3, 2], "manager": [3, 4, 4, 5], "citizen": [2, 2, 3]},
        "governance": {"clinician": [3, 3, 4, 2, 3], "manager": [3, 2, 4, 3], "citizen": [4, 4, 5]},
        "population": {"clinician": [0, 1, 1, 2, 1], "manager": [3, 3, 4, 2], "citizen": [1, 0, 2]},
    }
    assessor = 0
    for dimension, groups in data.items():
        for role, levels in groups.items():
            for level in levels:
                rows.append(
                    {
                        "subject": "R",
                        "assessor": f"a{assessor}",
                        "dimension": dimension,
                        "role": role,
                        "level": float(level),
                        "dont_know": False,
                    }
                )
                assessor += 1
    return pd.DataFrame(rows), data


def test_kruskal_wallis_and_epsilon_squared_match_scipy():
    ratings, data = subgroup_ratings()
    result = subgroup_comparison(ratings, attribute="role", p_adjust=None)
    funding = result[result["dimension"] == "funding"]
    samples = [data["funding"][role] for role in sorted(data["funding"])]
    expected = stats.kruskal(*samples)
    n = sum(len(sample) for sample in samples)
    assert set(funding["test"]) == {"Kruskal-Wallis H"}
    assert funding["statistic"].iloc[0] == pytest.approx(expected.statistic)
    assert funding["p_value"].iloc[0] == pytest.approx(expected.pvalue)
    assert funding["effect_size"].iloc[0] == pytest.approx(expected.statistic / (n - 1))
    assert list(funding["group"]) == ["citizen", "clinician", "manager"]
    assert list(funding["n"]) == [3, 5, 4]
    assert list(funding["median"]) == [2.0, 2.0, 4.0]


def test_mann_whitney_and_rank_biserial_by_hand():
    ratings, data = subgroup_ratings()
    two_groups = ratings[ratings["role"] != "citizen"]
    result = subgroup_comparison(two_groups, attribute="role", p_adjust=None)
    row = result[result["dimension"] == "funding"].iloc[0]
    clinician, manager = data["funding"]["clinician"], data["funding"]["manager"]
    expected = stats.mannwhitneyu(clinician, manager, alternative="two-sided")
    assert row["test"] == "Mann-Whitney U"
    assert row["statistic"] == pytest.approx(expected.statistic)
    assert row["p_value"] == pytest.approx(expected.pvalue)
    # Rank-biserial by counting pairs: P(clinician > manager) - P(clinician < manager).
    greater = sum(c > m for c in clinician for m in manager)
    less = sum(c < m for c in clinician for m in manager)
    assert row["effect_size"] == pytest.approx((greater - less) / (len(clinician) * len(manager)))
    assert row["effect_size_measure"] == "rank-biserial r"


def test_holm_adjustment_across_dimensions():
    ratings, _ = subgroup_ratings()
    result = subgroup_comparison(ratings, attribute="role").drop_duplicates("dimension")
    p = result["p_value"].to_numpy()
    order = np.argsort(p)
    holm = np.empty_like(p)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p) - rank) * p[index]))
        holm[index] = running
    np.testing.assert_allclose(result["p_adjusted"], holm)


def test_subgroup_excludes_dont_knows_and_missing_attributes():
    ratings, _ = subgroup_ratings()
    ratings.loc[0, "dont_know"] = True  # its stale level must be ignored
    ratings.loc[1, "role"] = None
    result = subgroup_comparison(ratings, attribute="role")
    funding = result[(result["dimension"] == "funding") & (result["group"] == "clinician")]
    assert funding["n"].iloc[0] == 3


def test_subgroup_with_one_group_is_not_tested():
    ratings, _ = subgroup_ratings()
    result = subgroup_comparison(ratings[ratings["role"] == "manager"], attribute="role")
    assert result["test"].isna().all()
    assert result["p_value"].isna().all()
    assert result["note"].str.contains("fewer than two groups").all()


def test_other_p_adjust_methods_come_from_statsmodels():
    ratings, _ = subgroup_ratings()
    result = subgroup_comparison(ratings, attribute="role", p_adjust="bonferroni")
    tests = result.drop_duplicates("dimension")
    np.testing.assert_allclose(tests["p_adjusted"], np.minimum(3 * tests["p_value"], 1.0))
    with pytest.raises(ConfigurationError, match="multipletests"):
        subgroup_comparison(ratings, attribute="role", p_adjust="tukey")


def test_subgroup_takes_any_attribute_from_the_assessor_table():
    ratings, _ = subgroup_ratings()
    assessors = pd.DataFrame(
        {
            "pseudonym": ratings["assessor"],
            "sector": np.where(ratings["role"] == "manager", "social", "health"),
        }
    )
    direct = subgroup_comparison(ratings.assign(sector=assessors["sector"]), attribute="sector")
    joined = subgroup_comparison(ratings, attribute="sector", assessors=assessors)
    pd.testing.assert_frame_equal(joined, direct)
    assert set(joined["group"]) == {"health", "social"}


def test_subgroup_unknown_assessor_attribute_lists_the_known_ones():
    ratings, _ = subgroup_ratings()
    assessors = pd.DataFrame({"pseudonym": ["a0"], "role": ["x"], "sector": ["health"]})
    with pytest.raises(ConfigurationError, match="'role', 'sector'"):
        subgroup_comparison(ratings, attribute="seniority", assessors=assessors)


def test_subgroup_flags_groups_of_one():
    ratings, _ = subgroup_ratings()
    lone = ratings.index[(ratings["dimension"] == "funding") & (ratings["role"] == "citizen")]
    ratings = ratings.drop(lone[1:])  # one citizen left on funding
    result = subgroup_comparison(ratings, attribute="role")
    funding = result[result["dimension"] == "funding"].set_index("group")
    assert funding["group_of_one"].to_dict() == {
        "citizen": True,
        "clinician": False,
        "manager": False,
    }
    assert "group(s) of one: citizen" in funding.loc["manager", "note"]
    governance = result[result["dimension"] == "governance"]
    assert not governance["group_of_one"].any()
    assert governance["note"].isna().all() or (governance["note"] == "").all()
