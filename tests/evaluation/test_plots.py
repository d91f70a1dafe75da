"""Evaluation figures: diverging Likert bars, code frequencies, co-occurrence heatmap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from scirocco_lab.errors import ConfigurationError
from scirocco_lab.evaluation.analysis import cooccurrence_matrix, item_distributions
from scirocco_lab.evaluation.plots import (
    code_frequency_chart,
    cooccurrence_heatmap,
    diverging_likert_chart,
)
from scirocco_lab.io.figures import SYNTHETIC_NOTE

LABELS = ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree")
ITEMS = pd.DataFrame(
    {
        "questionnaire": "visit",
        "item": ["useful", "organised", "waste"],
        "position": [1, 2, 3],
        "wording": ["The visit was useful", "It was well organised", "It was a waste of time"],
        "reverse_scored": [False, False, True],
    }
)


def distributions(*, by: str | None = None, scale=(1, 5, LABELS)) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = [
        {"questionnaire": "visit", "respondent": f"R{r}", "group": ["clinician", "manager"][r % 2],
         "item": item, "value": float(rng.integers(scale[0], scale[1] + 1))}
        for r in range(20)
        for item in ITEMS["item"]
    ]  # fmt: skip
    return item_distributions(pd.DataFrame(rows), ITEMS, by=by, scale=scale)


def bar_segments(fig) -> list[Rectangle]:
    return [patch for patch in fig.axes[0].patches if isinstance(patch, Rectangle)]


def test_likert_chart_has_one_segment_per_scale_point_and_bar():
    fig = diverging_likert_chart(distributions(by="group"), by="group")
    assert len(bar_segments(fig)) == 3 * 2 * 5  # items x groups x scale points
    assert len(fig.axes[0].get_yticklabels()) == 6


def test_likert_chart_centres_the_neutral_point_on_zero():
    fig = diverging_likert_chart(distributions())
    neutral = fig.axes[0].containers[2]  # third scale point of five
    for patch in neutral:
        assert patch.get_x() + patch.get_width() / 2 == pytest.approx(0.0)


def test_likert_chart_puts_negative_points_left_and_positive_right():
    fig = diverging_likert_chart(distributions())
    containers = fig.axes[0].containers
    for container in containers[:2]:
        assert all(p.get_x() + p.get_width() <= 1e-9 for p in container)
    for container in containers[3:]:
        assert all(p.get_x() >= -1e-9 for p in container)
    # The most negative point is the outermost on the left.
    for strong, mild in zip(containers[0], containers[1], strict=True):
        assert strong.get_x() + strong.get_width() == pytest.approx(mild.get_x())


def test_likert_chart_legend_lists_the_scale_labels_low_to_high():
    fig = diverging_likert_chart(distributions())
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == list(LABELS)


def test_likert_chart_on_an_even_scale_splits_at_zero():
    four = ("No", "Rather not", "Rather yes", "Yes")
    fig = diverging_likert_chart(distributions(scale=(1, 4, four)))
    containers = fig.axes[0].containers
    for inner_left, inner_right in zip(containers[1], containers[2], strict=True):
        assert inner_left.get_x() + inner_left.get_width() == pytest.approx(0.0)
        assert inner_right.get_x() == pytest.approx(0.0)


def test_likert_chart_refuses_items_on_different_scales():
    mixed = pd.concat(
        [distributions(), distributions(scale=(1, 4, LABELS[:4])).assign(questionnaire="other")],
        ignore_index=True,
    )
    with pytest.raises(ConfigurationError, match="one scale"):
        diverging_likert_chart(mixed)


def test_code_frequency_chart_stacks_groups_and_puts_the_most_frequent_on_top():
    frequencies = pd.DataFrame(
        {
            "code": ["trust", "trust", "money", "money", "staff"],
            "region": ["north", "south", "north", "south", "north"],
            "n_segments": [1, 1, 4, 2, 3],
        }
    )
    fig = code_frequency_chart(frequencies, by="region")
    ax = fig.axes[0]
    assert len(bar_segments(fig)) == 3 * 2  # codes x regions (zero-width included)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["money", "staff", "trust"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["north", "south"]


def test_cooccurrence_heatmap_labels_codes_and_leaves_the_diagonal_empty():
    pairs = pd.DataFrame({"code_a": ["a", "a"], "code_b": ["b", "c"], "count": [2, 5]})
    fig = cooccurrence_heatmap(cooccurrence_matrix(pairs), labels={"a": "Trust"})
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Trust", "b", "c"]
    cell_texts = sorted(t.get_text() for t in ax.texts)
    assert cell_texts == ["0", "0", "2", "2", "5", "5"]  # nothing written on the diagonal


@pytest.mark.parametrize("chart", ["likert", "frequency", "heatmap"])
def test_synthetic_mark_is_present_only_when_asked(chart):
    def draw(synthetic: bool):
        if chart == "likert":
            return diverging_likert_chart(distributions(), synthetic=synthetic)
        if chart == "frequency":
            frame = pd.DataFrame({"code": ["a"], "n_segments": [1]})
            return code_frequency_chart(frame, synthetic=synthetic)
        pairs = pd.DataFrame({"code_a": ["a"], "code_b": ["b"], "count": [1]})
        return cooccurrence_heatmap(cooccurrence_matrix(pairs), synthetic=synthetic)

    assert SYNTHETIC_NOTE in [t.get_text() for t in draw(True).texts]
    assert SYNTHETIC_NOTE not in [t.get_text() for t in draw(False).texts]


def test_empty_inputs_give_a_figure_that_says_so():
    empty_pairs = pd.DataFrame(columns=["code_a", "code_b", "count"])
    figures = [
        diverging_likert_chart(pd.DataFrame(columns=["item", "value", "label", "percent"])),
        code_frequency_chart(pd.DataFrame(columns=["code", "n_segments"])),
        cooccurrence_heatmap(cooccurrence_matrix(empty_pairs)),
    ]
    messages = [fig.axes[0].texts[0].get_text() for fig in figures]
    assert messages == ["No questionnaire answers.", "No coded segments.", "No codes co-occur."]
