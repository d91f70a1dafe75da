"""Twinning: complementarity, partner ranking and programme pairing
(scirocco_lab.comparison.twinning)."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import papermill
import pytest

from scirocco_lab.comparison.plots import complementarity_heatmap
from scirocco_lab.comparison.report import twinning_tasks
from scirocco_lab.comparison.twinning import (
    complementarity,
    complementarity_matrix,
    focus_dimensions,
    programme_pairing,
    rank_partners,
)
from scirocco_lab.errors import (
    ConfigurationError,
    DataValidationError,
    InstrumentError,
    NotFoundError,
)
from scirocco_lab.reports.engine import PACKAGE_TEMPLATES

ROOT = Path(__file__).resolve().parents[2]
REPORTS = PACKAGE_TEMPLATES
EXPLORE = ROOT / "notebooks" / "explore"


def profiles(instrument, regions: dict[str, dict[str, float]], base: float = 3.0) -> pd.DataFrame:
    """Tidy profiles: every dimension at ``base`` unless the region's dict says otherwise."""
    rows = [
        {"subject": region, "dimension": key, "level": float(levels.get(key, base))}
        for region, levels in regions.items()
        for key in instrument.dimension_keys
    ]
    return pd.DataFrame(rows)


def square(values, names=("a", "b", "c")) -> pd.DataFrame:
    return pd.DataFrame(np.array(values, dtype=float), index=list(names), columns=list(names))


# --- complementarity ------------------------------------------------------------------------


def test_complementarity_sums_levels_ahead_only():
    receiving = pd.Series({"funding": 1.0, "evaluation_methods": 4.0, "capacity_building": 2.0})
    transferring = pd.Series({"funding": 3.0, "evaluation_methods": 2.0, "capacity_building": 5.0})
    assert complementarity(receiving, transferring, ["funding", "evaluation_methods"]) == 2.0
    assert complementarity(receiving, transferring, list(receiving.index)) == 5.0


def test_complementarity_ignores_missing_levels():
    receiving = pd.Series({"funding": math.nan, "evaluation_methods": 1.0})
    transferring = pd.Series({"funding": 5.0, "evaluation_methods": 2.0})
    assert complementarity(receiving, transferring, ["funding", "evaluation_methods"]) == 1.0


def test_matrix_restricts_to_the_receivers_weakest_dimensions(exchange):
    frame = profiles(
        exchange,
        {
            "r": {"funding": 1, "evaluation_methods": 1, "capacity_building": 1},
            # t is ahead by 2 everywhere else, but only the receiver's weaknesses count.
            "t": {"funding": 4, "evaluation_methods": 0, "capacity_building": 2},
        },
        base=3.0,
    )
    frame.loc[(frame["subject"] == "t") & (frame["level"] == 3.0), "level"] = 5.0
    matrix = complementarity_matrix(frame, exchange)
    assert matrix.loc["r", "t"] == 4.0  # funding +3, evaluation 0, capacity +1


def test_matrix_diagonal_is_undefined(exchange):
    frame = profiles(exchange, {"a": {"funding": 1}, "b": {"funding": 4}, "c": {}})
    matrix = complementarity_matrix(frame, exchange, focus="all")
    assert np.isnan(np.diag(matrix.to_numpy())).all()
    assert matrix.loc["a", "b"] == 3.0


def test_flat_profile_focuses_on_every_dimension(exchange):
    flat = pd.Series(2.0, index=exchange.dimension_keys)
    assert focus_dimensions(flat, exchange) == exchange.dimension_keys


def test_unknown_focus_dimension_error_names_the_valid_ones(exchange):
    flat = pd.Series(2.0, index=exchange.dimension_keys)
    with pytest.raises(InstrumentError, match="innovation_management"):
        focus_dimensions(flat, exchange, ["inovation"])


# --- ranking partners -----------------------------------------------------------------------


def test_partners_ranked_by_complementarity_then_similarity(exchange):
    frame = profiles(
        exchange,
        {
            "receiver": {"funding": 1},
            "close-match": {"funding": 4},
            "far-match": {"funding": 4, "evaluation_methods": 0, "capacity_building": 0},
            "small-help": {"funding": 2},
        },
    )
    ranking = rank_partners(frame, exchange, "receiver", dimensions=["funding"])
    assert ranking["candidate"].tolist() == ["close-match", "far-match", "small-help"]
    assert ranking["complementarity"].tolist() == [3.0, 3.0, 1.0]
    assert ranking.loc[0, "context_fit"] == 1.0


def test_partner_reason_names_the_dimension_and_lead(exchange):
    frame = profiles(exchange, {"receiver": {"funding": 1}, "coach": {"funding": 4}})
    reason = rank_partners(frame, exchange, "receiver", dimensions=["funding"]).loc[0, "reason"]
    assert reason.startswith("Ahead in Funding (+3)")


def test_partners_include_practices_but_not_the_receivers_own(exchange):
    frame = profiles(exchange, {"receiver": {"funding": 1}, "coach": {"funding": 2}})
    requirements = pd.DataFrame(
        {
            "practice": ["theirs", "mine"],
            "dimension": "funding",
            "requirement_level": [5.0, 5.0],
        }
    )
    ranking = rank_partners(
        frame,
        exchange,
        "receiver",
        dimensions=["funding"],
        requirements=requirements,
        practice_owners={"theirs": "coach", "mine": "receiver"},
    )
    assert ranking["candidate"].tolist() == ["theirs", "coach"]
    assert ranking.loc[0, "candidate_kind"] == "good practice"


def test_unknown_receiving_region_error_names_the_regions(exchange):
    frame = profiles(exchange, {"north": {}, "south": {}})
    with pytest.raises(NotFoundError, match="north, south"):
        rank_partners(frame, exchange, "west")


# --- programme pairing ----------------------------------------------------------------------


def brute_force_best(matrix: pd.DataFrame, capacity: int) -> float:
    """Largest total over every assignment respecting capacity and the diagonal."""
    regions = list(matrix.index)
    best = -math.inf
    for coaches in itertools.product(regions, repeat=len(regions)):
        if any(r == c for r, c in zip(regions, coaches, strict=True)):
            continue
        if max(coaches.count(c) for c in set(coaches)) > capacity:
            continue
        best = max(best, sum(matrix.loc[r, c] for r, c in zip(regions, coaches, strict=True)))
    return best


def test_pairing_finds_the_optimum_of_a_3x3_case():
    # Derangements: a->b, b->c, c->a totals 5 + 4 + 3 = 12; a->c, b->a, c->b totals 9.
    matrix = square([[np.nan, 5, 1], [2, np.nan, 4], [3, 6, np.nan]])
    pairs = programme_pairing(matrix)
    assert list(zip(pairs["receiving_region"], pairs["transferring_region"], strict=True)) == [
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),
    ]
    assert pairs["complementarity"].sum() == 12.0 == brute_force_best(matrix, 1)


def test_pairing_never_pairs_a_region_with_itself():
    matrix = square([[100, 1, 0], [0, 100, 1], [1, 0, 100]])  # the diagonal looks best
    pairs = programme_pairing(matrix)
    assert (pairs["receiving_region"] != pairs["transferring_region"]).all()


def test_pairing_respects_capacity():
    names = ("a", "b", "c", "d")
    # Everyone would learn most from "a"; with capacity 2 only two may.
    matrix = square(
        [[np.nan, 1, 1, 2], [9, np.nan, 1, 1], [8, 2, np.nan, 1], [7, 1, 3, np.nan]], names
    )
    pairs = programme_pairing(matrix, capacity=2)
    assert pairs["transferring_region"].value_counts().max() <= 2
    assert pairs["complementarity"].sum() == brute_force_best(matrix, 2)


def test_more_receivers_than_places_raises_with_fix():
    matrix = square([[np.nan, 1, 1], [1, np.nan, 1], [1, 1, np.nan]])
    with pytest.raises(ConfigurationError, match="Raise the capacity to at least 3"):
        programme_pairing(matrix, transferring_regions=["a"])


def test_pairing_that_needs_a_self_pair_raises():
    matrix = square([[np.nan, 1, 1], [1, np.nan, 1], [1, 1, np.nan]])
    with pytest.raises(ConfigurationError, match="pairing a with itself"):
        programme_pairing(
            matrix, capacity=2, receiving_regions=["a", "b"], transferring_regions=["a"]
        )


def test_pairing_rejects_a_capacity_below_one():
    with pytest.raises(ConfigurationError, match="capacity"):
        programme_pairing(square([[np.nan, 1], [1, np.nan]], ("a", "b")), capacity=0)


def test_pairing_unknown_region_error_names_the_matrix_regions():
    with pytest.raises(NotFoundError, match="a, b, c"):
        programme_pairing(square(np.ones((3, 3))), receiving_regions=["z"])


# --- figures and report tasks ---------------------------------------------------------------


def test_heatmap_outlines_each_pair_and_marks_synthetic():
    matrix = square([[np.nan, 5, 1], [2, np.nan, 4], [3, 6, np.nan]])
    fig = complementarity_heatmap(matrix, pairing=programme_pairing(matrix), synthetic=True)
    assert len(fig.axes[0].patches) == 3
    assert any(t.get_text() == "Synthetic demo data" for t in fig.texts)


def test_twinning_tasks_list_the_programme_and_named_regions(demo_store_url, tmp_path):
    tasks = twinning_tasks(demo_store_url, tmp_path, receiving_regions=["corvalla"])
    assert [t.parameters["receiving_region"] for t in tasks] == [None, "corvalla"]
    assert all(t.template == "twinning" and t.synthetic for t in tasks)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("notebook", "parameters"),
    [
        (REPORTS / "twinning.ipynb", {}),
        (REPORTS / "twinning.ipynb", {"receiving_region": "corvalla", "capacity": 2}),
        (EXPLORE / "twinning-analysis.ipynb", {}),
    ],
    ids=["programme", "receiving-region", "explore"],
)
def test_twinning_notebook_runs(notebook, parameters, demo_store_url, tmp_path):
    output = tmp_path / notebook.name
    papermill.execute_notebook(
        str(notebook),
        str(output),
        parameters={**parameters, "store_url": demo_store_url},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(notebook.parent),
    )
    assert "synthetic demo data" in output.read_text(encoding="utf-8").lower()


def test_pairing_reasons_say_when_the_best_partner_went_to_another_region(exchange):
    from scirocco_lab.comparison.twinning import pairing_reasons

    # a and c both need b most; b can coach one of them; the optimum gives b to c.
    profiles = pd.DataFrame(
        {
            "subject": list("aabbcc"),
            "dimension": ["funding", "evaluation_methods"] * 3,
            "level": [1.0, 1.0, 4.0, 4.0, 1.0, 2.0],
        }
    )
    matrix = complementarity_matrix(profiles, exchange, focus="all")
    pairs = pairing_reasons(
        programme_pairing(matrix), matrix, profiles, exchange, names={"b": "Northvale"}
    ).set_index("receiving_region")
    a = pairs.loc["a"]
    assert a["transferring_region"] != "b"
    assert a["best_partner"] == "b"
    assert a["reason"].startswith("Northvale is ahead in Funding (+3)")
    assert f"but is paired with {a['best_partner_paired_with']}" in a["reason"]
    coached = pairs[pairs["transferring_region"] == "b"]
    assert coached["reason"].str.startswith("Best partner: Ahead in").all()


# --- the vectorised computation against a per-pair reference ---------------------------------


def generated_profiles(instrument, n_regions: int, seed: int) -> pd.DataFrame:
    """Random profiles with ties, half levels (medians) and missing levels."""
    rng = np.random.default_rng(seed)
    levels = rng.integers(0, 11, size=(n_regions, len(instrument.dimension_keys))) / 2.0
    levels[rng.random(levels.shape) < 0.1] = np.nan
    levels[0] = 2.0  # a flat profile: every dimension is its focus
    levels[1, :] = 3.0
    levels[1, 0] = np.nan
    return pd.DataFrame(
        [
            {"subject": f"r{i:02d}", "dimension": key, "level": levels[i, d]}
            for i in range(n_regions)
            for d, key in enumerate(instrument.dimension_keys)
        ]
    )


def reference_pairs(frame: pd.DataFrame, instrument, count: int = 3) -> dict:
    """The module docstring's definitions, one pair at a time in plain Python:
    (receiver, candidate) -> (complementarity, dimensions ahead, strength in focus, fit)."""
    table = frame.pivot(index="subject", columns="dimension", values="level")
    width = instrument.scale_max - instrument.scale_min
    found = {}
    for receiver in table.index:
        own = {k: table.loc[receiver, k] for k in instrument.dimension_keys}
        focus = focus_dimensions(pd.Series(own), instrument, count=count)
        for candidate in table.index:
            if candidate == receiver:
                continue
            other = {k: table.loc[candidate, k] for k in instrument.dimension_keys}
            leads = [other[k] - own[k] for k in focus if other[k] - own[k] > 0]
            shown = [other[k] for k in focus if not math.isnan(other[k])]
            rest = [
                abs(other[k] - own[k])
                for k in instrument.dimension_keys
                if k not in focus and not math.isnan(other[k] - own[k])
            ]
            found[receiver, candidate] = (
                sum(leads),
                len(leads),
                sum(shown) / len(shown) if shown else math.nan,
                1 - sum(rest) / len(rest) / width if rest else math.nan,
            )
    return found


def reference_order(pairs: dict, receiver: str) -> list[str]:
    """Candidates best first by the ranking rule (missing fit lowest, missing strength last)."""
    rows = [(c, v) for (r, c), v in pairs.items() if r == receiver]

    def key(row):
        candidate, (comp, _, strength, fit) = row
        return (
            -comp,
            -(-1.0 if math.isnan(fit) else fit),
            math.isnan(strength),
            0.0 if math.isnan(strength) else -strength,
            candidate,
        )

    return [candidate for candidate, _ in sorted(rows, key=key)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_focus_mask_matches_focus_dimensions_region_by_region(exchange, seed):
    from scirocco_lab.comparison.twinning import focus_mask, level_table

    table = level_table(generated_profiles(exchange, 25, seed), exchange)
    for count in (1, 3, 5):
        mask = focus_mask(table, count=count)
        for i, region in enumerate(table.index):
            expected = focus_dimensions(table.loc[region], exchange, count=count)
            chosen = tuple(k for k, on in zip(exchange.dimension_keys, mask[i], strict=True) if on)
            assert chosen == expected, (region, count)


@pytest.mark.parametrize("seed", [1, 2])
def test_matrix_matches_the_per_pair_reference(exchange, seed):
    frame = generated_profiles(exchange, 20, seed)
    pairs = reference_pairs(frame, exchange)
    matrix = complementarity_matrix(frame, exchange)
    for (receiver, candidate), values in pairs.items():
        assert matrix.loc[receiver, candidate] == values[0]
    assert np.isnan(np.diag(matrix.to_numpy())).all()


def test_all_dimensions_matrix_matches_complementarity_pair_by_pair(exchange):
    frame = generated_profiles(exchange, 15, 4)
    table = frame.pivot(index="subject", columns="dimension", values="level")
    matrix = complementarity_matrix(frame, exchange, focus="all")
    for receiver, candidate in itertools.permutations(table.index, 2):
        expected = complementarity(
            table.loc[receiver], table.loc[candidate], exchange.dimension_keys
        )
        assert matrix.loc[receiver, candidate] == expected


@pytest.mark.parametrize("seed", [1, 2])
def test_partner_ranking_matches_the_per_pair_reference(exchange, seed):
    frame = generated_profiles(exchange, 18, seed)
    pairs = reference_pairs(frame, exchange)
    for receiver in ("r00", "r01", "r07", "r12"):
        ranking = rank_partners(frame, exchange, receiver)
        assert ranking["candidate"].tolist() == reference_order(pairs, receiver)
        got = ranking.set_index("candidate")
        for candidate, row in got.iterrows():
            expected = pairs[receiver, candidate]
            actual = tuple(
                row[["complementarity", "dimensions_ahead", "strength_in_focus", "context_fit"]]
            )
            np.testing.assert_allclose(np.array(actual, float), np.array(expected, float))


@pytest.mark.parametrize("seed", [1, 2])
def test_best_partners_are_the_head_of_each_regions_ranking(exchange, seed):
    from scirocco_lab.comparison.twinning import best_partners

    frame = generated_profiles(exchange, 18, seed)
    best = best_partners(frame, exchange, top=3)
    expected = pd.concat(
        [
            rank_partners(frame, exchange, key).head(3).assign(receiving_region=key)
            for key in sorted(frame["subject"].unique())
        ],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(best, expected, check_dtype=False)


def test_profiles_without_a_level_column_name_the_function_that_makes_them(exchange):
    profiles = pd.DataFrame({"subject": ["a"], "dimension": ["funding"]})
    with pytest.raises(DataValidationError, match=r"column 'level'.*gaps\.region_profiles"):
        complementarity_matrix(profiles, exchange)
