"""User text with `$...$` in any figure is shown literally, never parsed as TeX."""

import datetime as dt
import io

import pandas as pd
import pytest
from matplotlib.figure import Figure

from scirocco_lab.assessment.plots import radar_chart, rating_distribution_chart
from scirocco_lab.comparison.plots import complementarity_heatmap, gap_chart, overlay_radar
from scirocco_lab.evaluation.analysis import cooccurrence_matrix
from scirocco_lab.evaluation.plots import (
    code_frequency_chart,
    cooccurrence_heatmap,
    diverging_likert_chart,
)
from scirocco_lab.instruments import instrument_from_mapping
from scirocco_lab.io.figures import literal_figure
from scirocco_lab.planning.timeline import timeline_chart, timeline_items

# Two dollars make matplotlib read mathtext; `\frac{` unclosed makes that parse fail.
NAME = r"Zone $a\frac{b$ & $c$"


@pytest.fixture(scope="module")
def dollar_instrument():
    return instrument_from_mapping(
        {
            "format": "scirocco-lab/instrument@1",
            "id": "dollars",
            "title": "Dollars",
            "version": "1",
            "languages": ["en"],
            "scale": {"min": 0, "max": 5},
            "dimensions": [
                {
                    "key": f"d{n}",
                    "number": n,
                    "name": {"en": f"{NAME} {n}"},
                    "objective": "o",
                    "levels": [{"level": 0, "label": {"en": "none"}}],
                }
                for n in (1, 2, 3)
            ],
        },
        origin="test",
    )


def _profile(instrument, label=NAME):
    return pd.DataFrame({"profile": label, "dimension": instrument.dimension_keys, "level": 2.0})


def _builds(fig: Figure) -> list[str]:
    fig.savefig(io.BytesIO(), format="png")  # would raise ParseFatalException on mathtext
    shown = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "_preprocess_math"))]
    return [t for t in shown if "$" in t]


def _shown_literally(fig: Figure) -> None:
    texts = _builds(fig)
    assert texts, "the figure shows the name"
    for text in fig.findobj(lambda a: hasattr(a, "_preprocess_math")):
        if "$" in text.get_text():
            shown, math = text._preprocess_math(text.get_text())
            assert math is False and "a\\frac{b" in shown


def test_radar_with_dollar_names_builds(dollar_instrument):
    _shown_literally(radar_chart(_profile(dollar_instrument), dollar_instrument, title=NAME))


def test_overlay_radar_with_dollar_region_builds(dollar_instrument):
    profile = _profile(dollar_instrument)
    _shown_literally(overlay_radar({NAME: profile, "B": profile}, dollar_instrument))


def test_rating_distribution_with_dollar_dimensions_builds(dollar_instrument):
    ratings = pd.DataFrame({"dimension": dollar_instrument.dimension_keys, "level": 1.0})
    _shown_literally(rating_distribution_chart(ratings, dollar_instrument, title=NAME))


def test_gap_chart_with_dollar_dimension_names_builds():
    gaps = pd.DataFrame(
        {"dimension_number": [1, 2], "dimension_name": [NAME, "b"], "gap": [1.0, -1.0]}
    )
    _shown_literally(gap_chart(gaps, title=NAME, above_label=NAME))


def test_heatmaps_with_dollar_labels_build():
    matrix = pd.DataFrame([[None, 1.0], [2.0, None]], index=[NAME, "b"], columns=[NAME, "b"])
    _shown_literally(complementarity_heatmap(matrix, title=NAME))
    pairs = pd.DataFrame({"code_a": [NAME], "code_b": ["b"], "count": [3]})
    _shown_literally(cooccurrence_heatmap(cooccurrence_matrix(pairs)))


def test_code_frequency_chart_with_dollar_code_builds():
    frame = pd.DataFrame({"code": [NAME, "money"], "n_segments": [5, 2]})
    _shown_literally(code_frequency_chart(frame, title=NAME))


def test_likert_chart_with_dollar_wording_builds():
    distributions = pd.DataFrame(
        {
            "item": ["q1", "q1"],
            "wording": [NAME, NAME],
            "value": [1, 2],
            "label": [NAME, "agree"],
            "n": [1, 2],
            "percent": [33.3, 66.7],
            "scale_min": [1, 1],
            "scale_max": [2, 2],
        }
    )
    _shown_literally(diverging_likert_chart(distributions, title=NAME))


def test_timeline_with_dollar_action_builds():
    actions = pd.DataFrame(
        {
            "plan": ["p1"],
            "plan_title": [NAME],
            "region": ["r"],
            "position": [1],
            "objective": [NAME],
            "start": [dt.date(2025, 1, 6)],
            "end": [dt.date(2025, 3, 28)],
            "status": ["in_progress"],
            "synthetic": [False],
        }
    )
    _shown_literally(timeline_chart(timeline_items(actions=actions), title=NAME))


def test_literal_figure_leaves_plain_text_alone():
    fig = Figure()
    ax = fig.add_subplot()
    ax.set_title("cost 5%")
    literal_figure(fig)
    assert ax.get_title() == "cost 5%"
