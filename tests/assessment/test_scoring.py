"""Region profiles on small hand-made data."""

import math

import pandas as pd
import pytest

from scirocco_lab.assessment.scoring import (
    consensus_profile,
    individual_profile,
    region_profile,
    strengths_and_weaknesses,
)
from scirocco_lab.instruments import instrument_from_mapping

THREE = instrument_from_mapping(
    {
        "format": "scirocco-lab/instrument@1",
        "id": "three",
        "title": "Three dimensions",
        "version": "1",
        "scale": {"min": 0, "max": 5},
        "dimensions": [
            {"key": k, "number": n, "name": k.title(), "objective": "o", "levels": []}
            for n, k in enumerate(["alpha", "beta", "gamma"], 1)
        ],
    }
)


def rating(assessor, dimension, level, *, round_number=1, mode="individual", subject="r1"):
    dont_know = level is None
    return {
        "subject": subject,
        "round": round_number,
        "mode": mode,
        "assessor": assessor,
        "dimension": dimension,
        "level": math.nan if dont_know else float(level),
        "dont_know": dont_know,
    }


@pytest.fixture
def ratings():
    rows = [
        rating("a", "alpha", 1),
        rating("b", "alpha", 2),
        rating("c", "alpha", 4),
        rating("d", "alpha", 5),
        rating("e", "alpha", None),
        rating("a", "beta", 3),
        rating("b", "beta", 3),
        rating("c", "beta", 3),
        rating(None, "alpha", 2, mode="consensus"),
        rating(None, "beta", 3, mode="consensus"),
    ]
    return pd.DataFrame(rows)


def test_individual_statistics_by_hand(ratings):
    alpha = individual_profile(ratings, THREE).set_index("dimension").loc["alpha"]
    # levels 1, 2, 4, 5: median 3; linear quartiles 1.75 and 4.25
    assert (alpha.n_rated, alpha.n_dont_know) == (4, 1)
    assert alpha["median"] == 3.0
    assert alpha.q1 == pytest.approx(1.75)
    assert alpha.q3 == pytest.approx(4.25)
    assert alpha.iqr == pytest.approx(2.5)


def test_unrated_dimension_appears_with_zero_count(ratings):
    gamma = individual_profile(ratings, THREE).set_index("dimension").loc["gamma"]
    assert gamma.n_rated == 0
    assert math.isnan(gamma["median"])


def test_latest_round_is_used_by_default(ratings):
    later = pd.DataFrame(
        [rating("a", "beta", 5, round_number=2), rating("b", "beta", 5, round_number=2)]
    )
    profile = individual_profile(pd.concat([ratings, later]), THREE)
    assert set(profile["round"]) == {2}
    assert profile.set_index("dimension").loc["beta", "median"] == 5.0


def test_all_rounds_on_request(ratings):
    later = pd.DataFrame([rating("a", "beta", 5, round_number=2)])
    profile = individual_profile(pd.concat([ratings, later]), THREE, round="all")
    assert sorted(set(profile["round"])) == [1, 2]


def test_consensus_profile_takes_consensus_rows_only(ratings):
    consensus = consensus_profile(ratings, THREE).set_index("dimension")
    assert consensus["consensus_level"].to_dict() == {"alpha": 2.0, "beta": 3.0}


def test_region_profile_prefers_consensus_over_median(ratings):
    profile = region_profile(ratings, THREE, "r1").set_index("dimension")
    assert profile.loc["alpha", "level"] == 2.0
    assert profile.loc["alpha", "level_source"] == "consensus"
    assert profile.loc["gamma", "level_source"] == "not rated"


def test_region_profile_falls_back_to_median_without_consensus(ratings):
    individual_only = ratings[ratings["mode"] == "individual"]
    profile = region_profile(individual_only, THREE, "r1").set_index("dimension")
    assert profile.loc["alpha", "level"] == 3.0
    assert profile.loc["alpha", "level_source"] == "individual median"


def test_strengths_and_weaknesses_keep_ties():
    profile = pd.DataFrame(
        {"dimension": list("abcde"), "dimension_name": list("ABCDE"), "level": [4, 4, 3, 1, 2]}
    )
    result = strengths_and_weaknesses(profile, count=1)
    assert result[result.position == "strength"]["dimension"].tolist() == ["a", "b"]
    assert result[result.position == "weakness"]["dimension"].tolist() == ["d"]


def test_flat_profile_has_no_strengths():
    profile = pd.DataFrame({"dimension": list("ab"), "dimension_name": list("AB"), "level": [3, 3]})
    assert strengths_and_weaknesses(profile).empty


def test_missing_columns_are_named():
    from scirocco_lab.errors import DataValidationError

    with pytest.raises(DataValidationError, match="'level'"):
        individual_profile(pd.DataFrame({"subject": [], "round": [], "dimension": []}), THREE)


def test_individual_median_breaks_ties_between_equal_levels():
    profile = pd.DataFrame(
        {
            "dimension": list("abcd"),
            "dimension_name": list("ABCD"),
            "level": [3, 3, 3, 1],
            "median": [2.5, 3.5, 3.0, 1.0],
        }
    )
    result = strengths_and_weaknesses(profile, count=1)
    assert result[result.position == "strength"]["dimension"].tolist() == ["b"]


def test_dimension_is_never_both_strength_and_weakness():
    profile = pd.DataFrame(
        {"dimension": list("abc"), "dimension_name": list("ABC"), "level": [3, 2, 2]}
    )
    result = strengths_and_weaknesses(profile, count=2)
    assert not result.duplicated("dimension").any()
    assert result[result.position == "strength"]["dimension"].tolist() == ["a"]


def test_profiles_of_several_subjects_at_once_equal_each_alone():
    from scirocco_lab.assessment.scoring import subject_profiles

    # r1: two rounds and a consensus; r2: individual only, a later round; r3: consensus only.
    rows = [
        rating("a", "alpha", 1, subject="r1"),
        rating("b", "alpha", 3, subject="r1"),
        rating("a", "alpha", 4, subject="r1", round_number=2),
        rating(None, "beta", 2, subject="r1", mode="consensus"),
        rating("a", "beta", 5, subject="r2", round_number=3),
        rating("b", "beta", None, subject="r2", round_number=3),
        rating(None, "gamma", 1, subject="r3", mode="consensus", round_number=2),
    ]
    frame = pd.DataFrame(rows)
    together = subject_profiles(frame, THREE, ["r3", "r1", "r2"])
    alone = pd.concat(
        [region_profile(frame[frame["subject"] == s], THREE, s) for s in ("r3", "r1", "r2")],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(together, alone, check_dtype=False)  # alone: some all-NaN
    assert together.loc[together["subject"] == "r2", "individual_round"].dropna().eq(3).all()
