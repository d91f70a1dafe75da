"""A region's maturity over time, across rounds, years and instrument generations."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from scirocco_lab.assessment.longitudinal import LONGITUDINAL_COLUMNS, longitudinal
from scirocco_lab.errors import ConfigurationError, NotFoundError
from scirocco_lab.instruments import load_crosswalk, load_instrument

EXCHANGE = load_instrument("scirocco-exchange")
V3 = load_instrument("scirocco-v3")


def occasion(instrument, round_number, date, levels, *, mode="individual", region="r"):
    """Ratings of one occasion: levels maps dimension -> list of levels (one per assessor)."""
    rows = []
    for dimension, values in levels.items():
        for index, level in enumerate(values):
            rows.append(
                {
                    "subject": region,
                    "instrument": instrument.id,
                    "round": round_number,
                    "mode": mode,
                    "assessor": f"a{index}" if mode == "individual" else None,
                    "assessed_on": date,
                    "dimension": dimension,
                    "level": float(level),
                    "dont_know": False,
                }
            )
    return pd.DataFrame(rows)


def at(table, dimension, number):
    return table[(table["dimension"] == dimension) & (table["occasion"] == number)].iloc[0]


def test_one_row_per_target_dimension_and_occasion_in_time_order():
    later = occasion(EXCHANGE, 2, dt.date(2026, 3, 1), {"funding": [3, 3]})
    earlier = occasion(EXCHANGE, 1, dt.date(2025, 3, 1), {"funding": [2, 2]})
    table = longitudinal(pd.concat([later, earlier]), "r", EXCHANGE)
    assert list(table.columns) == LONGITUDINAL_COLUMNS
    assert len(table) == 2 * 12
    assert table.drop_duplicates("occasion")[["round", "year"]].values.tolist() == [
        [1, 2025],
        [2, 2026],
    ]
    assert table["dimension"].iloc[:12].tolist() == list(EXCHANGE.dimension_keys)


def test_change_without_spread_has_a_point_interval():
    ratings = pd.concat(
        [
            occasion(EXCHANGE, 1, "2025-03-01", {"funding": [2] * 6}),
            occasion(EXCHANGE, 2, "2025-05-01", {"funding": [3] * 6}),
        ]
    )
    row = at(longitudinal(ratings, "r", EXCHANGE), "funding", 2)
    assert (row["change"], row["change_ci_low"], row["change_ci_high"]) == (1.0, 1.0, 1.0)
    assert "bootstrap interval" in row["change_note"]


def test_a_spread_panel_widens_the_interval_around_the_change():
    ratings = pd.concat(
        [
            occasion(EXCHANGE, 1, "2025-03-01", {"funding": [0, 1, 2, 2, 3, 4, 5]}),
            occasion(EXCHANGE, 2, "2025-05-01", {"funding": [1, 2, 3, 3, 4, 5, 5]}),
        ]
    )
    row = at(longitudinal(ratings, "r", EXCHANGE, seed=3), "funding", 2)
    assert row["change"] == 1.0
    assert row["change_ci_low"] < 1.0 < row["change_ci_high"]


def test_the_interval_is_seeded():
    ratings = pd.concat(
        [
            occasion(EXCHANGE, 1, "2025-03-01", {"funding": [0, 1, 2, 4, 5]}),
            occasion(EXCHANGE, 2, "2025-05-01", {"funding": [1, 2, 3, 4, 5]}),
        ]
    )
    first = at(longitudinal(ratings, "r", EXCHANGE, seed=1), "funding", 2)
    again = at(longitudinal(ratings, "r", EXCHANGE, seed=1), "funding", 2)
    assert (first["change_ci_low"], first["change_ci_high"]) == (
        again["change_ci_low"],
        again["change_ci_high"],
    )


def test_consensus_level_wins_and_has_no_interval_alone():
    ratings = pd.concat(
        [
            occasion(EXCHANGE, 1, "2025-03-01", {"funding": [2]}, mode="consensus"),
            occasion(EXCHANGE, 2, "2025-05-01", {"funding": [4]}, mode="consensus"),
        ]
    )
    row = at(longitudinal(ratings, "r", EXCHANGE), "funding", 2)
    assert (row["level_source"], row["change"]) == ("consensus", 2.0)
    assert np.isnan(row["change_ci_low"])
    assert row["change_note"] == "no interval: an occasion has no individual ratings"


def test_an_earlier_v3_assessment_goes_through_the_crosswalk():
    old = occasion(
        V3,
        1,
        "2023-05-01",
        {
            "finance_and_funding": [1, 1],
            "information_and_ehealth_services": [2, 4],
            "standardisation_and_simplification": [2, 2],
        },
    )
    new = occasion(EXCHANGE, 1, "2025-05-01", {"funding": [2, 2], "digital_infrastructure": [4, 4]})
    table = longitudinal(pd.concat([old, new]), "r", EXCHANGE)
    funding = at(table, "funding", 1)
    assert (funding["instrument"], funding["level"], funding["crosswalk_relation"]) == (
        "scirocco-v3",
        1.0,
        "renamed",
    )
    digital = at(table, "digital_infrastructure", 1)
    assert digital["crosswalk_relation"] == "merged"
    assert digital["level"] == 2.5  # per assessor: (2 + 2) / 2 and (4 + 2) / 2; median 2.5
    assert "mean of scirocco-v3 Information" in digital["crosswalk_note"]
    new_dimension = at(table, "process_coordination", 1)
    assert (new_dimension["crosswalk_relation"], new_dimension["level_source"]) == (
        "new",
        "no counterpart",
    )
    assert np.isnan(new_dimension["level"])
    assert at(table, "digital_infrastructure", 2)["change"] == 1.5
    assert "across instrument generations" in at(table, "funding", 2)["change_note"]
    assert at(table, "funding", 2)["crosswalk_relation"] == ""


def test_a_user_crosswalk_replaces_the_bundled_one(tmp_path):
    import yaml

    path = tmp_path / "walk.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "format": "scirocco-lab/crosswalk@1",
                "id": "only-funding",
                "from_instrument": "scirocco-v3",
                "to_instrument": "scirocco-exchange",
                "links": [{"from": ["finance_and_funding"], "to": ["funding"], "relation": "same"}],
            }
        ),
        encoding="utf-8",
    )
    old = occasion(V3, 1, "2023-05-01", {"finance_and_funding": [1], "capacity_building": [3]})
    table = longitudinal(old, "r", EXCHANGE, crosswalks={"scirocco-v3": load_crosswalk(path)})
    assert at(table, "funding", 1)["level"] == 1.0
    assert at(table, "capacity_building", 1)["crosswalk_relation"] == "new"  # not in this walk


def test_unknown_region_lists_the_known_ones():
    ratings = occasion(EXCHANGE, 1, "2025-03-01", {"funding": [2]})
    with pytest.raises(NotFoundError, match="Regions with ratings: r"):
        longitudinal(ratings, "atlantis", EXCHANGE)


def test_instrument_id_instead_of_instrument_gets_a_short_message():
    ratings = occasion(EXCHANGE, 1, "2025-03-01", {"funding": [2]})
    with pytest.raises(ConfigurationError, match="got str"):
        longitudinal(ratings, "r", "scirocco-exchange")


def test_region_report_shows_the_earlier_v3_assessment(tmp_path):
    from scirocco_lab.assessment.records import (
        AssessmentRecord,
        RatingRecord,
        RecordBatch,
        SubjectRecord,
    )
    from scirocco_lab.assessment.report import longitudinal_html, region_report_data
    from scirocco_lab.assessment.store import write_batch
    from scirocco_lab.store import open_store

    def assessment(instrument, when, level, round_number=1):
        return AssessmentRecord(
            "HS",
            "northvale",
            instrument.id,
            round=round_number,
            mode="consensus",
            assessed_on=when,
            ratings=tuple(RatingRecord(k, level=level) for k in instrument.dimension_keys),
        )

    store = open_store(f"sqlite:///{tmp_path / 'history.db'}")
    write_batch(
        store,
        RecordBatch(
            subjects=(SubjectRecord("northvale", "Northvale <b>"),),
            assessments=(
                assessment(V3, dt.date(2023, 4, 1), 1),
                assessment(EXCHANGE, dt.date(2025, 4, 1), 3),
            ),
        ),
    )
    report = region_report_data(store, "northvale")
    assert report.has_history
    assert report.longitudinal["instrument"].drop_duplicates().tolist() == [
        "scirocco-v3",
        "scirocco-exchange",
    ]
    html = longitudinal_html(report.longitudinal)
    assert "2023 scirocco-v3 r1" in html and "mean of scirocco-v3" in html
    assert "Process Coordination" not in html  # new in Exchange: no change to show
    assert len(report.longitudinal_chart().axes) == 12


def test_longitudinal_chart_marks_crosswalked_occasions_hollow_and_merged_ones_square():
    from matplotlib.colors import to_hex

    from scirocco_lab.assessment.plots import longitudinal_chart

    frame = pd.DataFrame(
        {
            "dimension": "funding",
            "occasion": [1, 2, 3],
            "occasion_label": ["2023 v3", "2024 v3", "2025 exchange"],
            "level": [1.0, 2.0, 3.0],
            "q1": [1.0, 1.5, 2.5],
            "q3": [2.0, 2.5, 3.5],
            "crosswalk_relation": ["merged", "renamed", ""],
        }
    )
    funding = longitudinal_chart(frame, EXCHANGE).axes[EXCHANGE.dimension_keys.index("funding")]
    points = {}
    for collection in funding.collections:
        offsets = collection.get_offsets()
        if len(offsets) and collection.get_facecolors().size:
            face = to_hex(collection.get_facecolors()[0])
            for x, _y in offsets:
                points[int(x)] = (face, len(collection.get_paths()[0].vertices))
    # a square's path has 5 vertices (closed), matplotlib's circle many more
    assert points[1] == ("#ffffff", 5)
    assert points[2][0] == "#ffffff" and points[2][1] > 5
    assert points[3][0] == "#4c78a8" and points[3][1] > 5
