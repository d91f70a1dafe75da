"""The synthetic demo-data generator: valid, deterministic, fictional and realistic enough."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict

import numpy as np
import pytest

from scirocco_lab.assessment.demo import DEMO_MARK, DEMO_SEED, DEMO_SOURCE, generate_demo
from scirocco_lab.assessment.records import RecordBatch, validate_batch
from scirocco_lab.instruments import (
    INSTRUMENT_FORMAT,
    Instrument,
    instrument_from_mapping,
    load_instrument,
)


@pytest.fixture(scope="module")
def demo(exchange: Instrument) -> RecordBatch:
    return generate_demo(DEMO_SEED, instrument=exchange)


@pytest.fixture(scope="module")
def small_instrument() -> Instrument:
    """Three dimensions on a 1..4 scale, with keys the generator has no flavour text for."""
    return instrument_from_mapping(
        {
            "format": INSTRUMENT_FORMAT,
            "id": "tiny-test",
            "title": "Tiny test instrument",
            "version": "1",
            "scale": {"min": 1, "max": 4},
            "dimensions": [
                {
                    "key": key,
                    "number": number,
                    "name": name,
                    "objective": f"How far {name.lower()} supports care.",
                    "levels": [{"level": level, "label": f"Stage {level}"} for level in (1, 4)],
                }
                for number, (key, name) in enumerate(
                    [("leadership", "Leadership"), ("data_use", "Data Use"), ("teams", "Teams")],
                    start=1,
                )
            ],
        }
    )


def _regions(batch: RecordBatch) -> list[str]:
    return [subject.key for subject in batch.subjects if subject.kind == "system"]


def _practices(batch: RecordBatch):
    return [subject for subject in batch.subjects if subject.kind == "good_practice"]


def _round_levels(
    batch: RecordBatch, instrument: str = "scirocco-exchange"
) -> dict[tuple[str, int], dict[str, list[int]]]:
    """Submitted individual HS levels (don't-knows left out) by (region, round) and dimension,
    of one instrument (the earlier SCIROCCO v3 assessments are a separate series)."""
    levels: dict[tuple[str, int], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for assessment in batch.assessments:
        if (assessment.kind, assessment.mode, assessment.status) != (
            "HS",
            "individual",
            "submitted",
        ) or assessment.instrument != instrument:
            continue
        for rating in assessment.ratings:
            if rating.level is not None:
                levels[(assessment.subject, assessment.round)][rating.dimension].append(
                    rating.level
                )
    return levels


def _rounds_by_region(batch: RecordBatch) -> dict[str, list[int]]:
    rounds: dict[str, set[int]] = defaultdict(set)
    for region, round_number in _round_levels(batch):
        rounds[region].add(round_number)
    return {region: sorted(numbers) for region, numbers in rounds.items()}


def _year_of_round(batch: RecordBatch) -> dict[tuple[str, int], int]:
    """The year of each Exchange (region, round): Delphi rounds of 2025, reassessment 2026."""
    return {
        (a.subject, a.round): a.assessed_on.year
        for a in batch.assessments
        if a.kind == "HS" and a.instrument == "scirocco-exchange"
    }


def _delphi_rounds_by_region(batch: RecordBatch) -> dict[str, list[int]]:
    """Each region's Delphi rounds of its first (2025) assessment cycle."""
    years = _year_of_round(batch)
    return {
        region: [n for n in numbers if years[(region, n)] == 2025]
        for region, numbers in _rounds_by_region(batch).items()
    }


def _outside_share(levels: list[int]) -> float:
    """Share of ratings outside the 3-point region around the median (Delphi rule)."""
    median = float(np.median(levels))
    return sum(abs(level - median) > 1 for level in levels) / len(levels)


def _is_split(levels: list[int]) -> bool:
    outside = sum(abs(level - float(np.median(levels))) > 1 for level in levels)
    return outside >= 4 if len(levels) == 12 else outside / len(levels) >= 1 / 3


# --- validity and determinism ---------------------------------------------------------


def test_demo_batch_validates(demo: RecordBatch, exchange: Instrument):
    v3 = load_instrument("scirocco-v3")
    assert validate_batch(demo, {exchange.id: exchange, v3.id: v3}) == []


def test_same_seed_gives_identical_batch(demo: RecordBatch, exchange: Instrument):
    assert generate_demo(DEMO_SEED, instrument=exchange) == demo


def test_other_seed_gives_different_batch(demo: RecordBatch, exchange: Instrument):
    assert generate_demo(DEMO_SEED + 1, instrument=exchange) != demo


def test_defaults_are_demo_seed_and_exchange_instrument(demo: RecordBatch):
    assert generate_demo() == demo
    # Exchange throughout, plus the earlier assessments made with the previous generation.
    assert {assessment.instrument for assessment in demo.assessments} == {
        "scirocco-exchange",
        "scirocco-v3",
    }


# --- labelling and personal data ------------------------------------------------------


def test_batch_carries_the_demo_mark(demo: RecordBatch):
    assert DEMO_MARK == "Synthetic demo data"
    assert demo.notes[0] == DEMO_MARK
    assert demo.source == DEMO_SOURCE


def test_every_subject_and_assessor_is_synthetic(demo: RecordBatch):
    assert all(subject.synthetic for subject in demo.subjects)
    assert all(assessor.synthetic for assessor in demo.assessors)


def test_pseudonyms_are_unique_region_codes(demo: RecordBatch):
    pseudonyms = [assessor.pseudonym for assessor in demo.assessors]
    assert len(pseudonyms) == len(set(pseudonyms))
    assert all(re.fullmatch(r"[A-Z]{3}-\d{2}", pseudonym) for pseudonym in pseudonyms)


def test_assessors_carry_fictional_personal_data(demo: RecordBatch):
    # The personal-data fields must exist in demo data so the rest of the system can
    # prove it keeps them out of reports.
    for assessor in demo.assessors:
        assert assessor.full_name and " " in assessor.full_name
        assert assessor.email and assessor.email.endswith("@example.org")
        assert assessor.role and assessor.sector and assessor.organisation
    names = [assessor.full_name for assessor in demo.assessors]
    assert len(names) == len(set(names))


def test_no_personal_data_in_any_text(demo: RecordBatch):
    personal = [a.full_name for a in demo.assessors] + [a.email for a in demo.assessors]
    texts = [rating.justification for a in demo.assessments for rating in a.ratings]
    texts += [assessment.notes for assessment in demo.assessments]
    joined = "\n".join(text for text in texts if text)
    assert not [value for value in personal if value in joined]


# --- counts and shape -----------------------------------------------------------------


def test_totals_within_expected_ranges(demo: RecordBatch):
    assert 8 <= len(_regions(demo)) <= 10
    assert 5 <= len(_practices(demo)) <= 7
    assert 100 <= len(demo.assessors) <= 130
    # 212 Delphi-cycle assessments of 2025, plus 21 earlier v3 and about 25 of the 2026
    # reassessments.
    assert 230 <= len(demo.assessments) <= 290
    assert 2700 <= demo.rating_count <= 3500


def test_each_region_has_8_to_15_stakeholders(demo: RecordBatch):
    panel_sizes = defaultdict(int)
    for assessor in demo.assessors:
        panel_sizes[assessor.home_subject] += 1
    assert set(panel_sizes) == set(_regions(demo))
    assert all(8 <= size <= 15 for size in panel_sizes.values())


def test_levels_are_plain_ints_on_the_scale(demo: RecordBatch, exchange: Instrument):
    levels = [r.level for a in demo.assessments for r in a.ratings if r.level is not None]
    assert all(type(level) is int for level in levels)
    assert min(levels) >= exchange.scale_min and max(levels) <= exchange.scale_max
    assert len(set(levels)) == len(exchange.level_numbers)  # the whole scale is used


def test_dont_know_is_about_five_percent(demo: RecordBatch):
    ratings = [
        rating
        for assessment in demo.assessments
        if assessment.kind == "HS" and assessment.mode == "individual"
        for rating in assessment.ratings
    ]
    share = sum(rating.dont_know for rating in ratings) / len(ratings)
    assert 0.02 <= share <= 0.09
    assert all(rating.level is None for rating in ratings if rating.dont_know)


def test_individual_ratings_carry_confidence_and_some_justifications(demo: RecordBatch):
    rated = [
        rating
        for assessment in demo.assessments
        if assessment.mode == "individual"
        for rating in assessment.ratings
        if rating.level is not None and assessment.status == "submitted"
    ]
    assert {rating.confidence for rating in rated} == {"low", "medium", "high"}
    with_text = [rating.justification for rating in rated if rating.justification]
    assert 0.3 < len(with_text) / len(rated) < 0.95
    assert len(set(with_text)) > 100  # varied, not one sentence repeated


def test_dates_are_in_2025_and_2026_and_the_v3_assessments_earlier(demo: RecordBatch):
    dates = [a.assessed_on for a in demo.assessments if a.instrument == "scirocco-exchange"]
    assert all(isinstance(date, dt.date) for date in dates)
    assert min(dates) >= dt.date(2025, 1, 1) and max(dates) <= dt.date(2026, 12, 31)
    earlier = [a.assessed_on for a in demo.assessments if a.instrument == "scirocco-v3"]
    assert earlier and min(earlier) >= dt.date(2023, 1, 1) and max(earlier) < min(dates)


# --- Delphi rounds and consensus ------------------------------------------------------


def test_at_least_three_regions_have_several_rounds(demo: RecordBatch):
    rounds = _rounds_by_region(demo)
    multi = [region for region, numbers in rounds.items() if len(numbers) >= 2]
    assert len(multi) >= 3
    assert all(numbers == list(range(1, len(numbers) + 1)) for numbers in rounds.values())
    assert max(len(numbers) for numbers in rounds.values()) <= 3


def test_later_rounds_keep_or_lose_panel_members(demo: RecordBatch):
    panels: dict[tuple[str, int], set[str]] = defaultdict(set)
    for a in demo.assessments:
        if a.kind == "HS" and a.mode == "individual" and a.status == "submitted":
            panels[(a.subject, a.round)].add(a.assessor)
    for region, numbers in _rounds_by_region(demo).items():
        home = {a.pseudonym for a in demo.assessors if a.home_subject == region}
        assert panels[(region, 1)] == home  # round 1 has all assessors
        for earlier, later in itertools.pairwise(numbers):
            lost = panels[(region, earlier)] - panels[(region, later)]
            assert panels[(region, later)] <= panels[(region, earlier)]
            assert len(lost) <= 2


def test_spread_shrinks_from_first_to_last_round(demo: RecordBatch):
    levels = _round_levels(demo)
    changes = []
    for region, numbers in _delphi_rounds_by_region(demo).items():
        if len(numbers) < 2:
            continue
        first, last = levels[(region, numbers[0])], levels[(region, numbers[-1])]
        spread_first = np.mean([_outside_share(values) for values in first.values()])
        spread_last = np.mean([_outside_share(values) for values in last.values()])
        changes.append(spread_last - spread_first)
    assert np.mean(changes) < 0


def test_some_region_dimension_is_split(demo: RecordBatch):
    splits = [
        (region, round_number, dimension)
        for (region, round_number), by_dimension in _round_levels(demo).items()
        for dimension, values in by_dimension.items()
        if _is_split(values)
    ]
    assert splits
    # Disagreement is the exception, not the rule.
    total = sum(len(by_dimension) for by_dimension in _round_levels(demo).values())
    assert len(splits) < 0.1 * total


def test_each_region_has_one_consensus_for_the_last_round_of_each_year(demo: RecordBatch):
    rounds = _rounds_by_region(demo)
    years = _year_of_round(demo)
    for region in _regions(demo):
        consensus = [
            a for a in demo.assessments
            if a.subject == region and a.kind == "HS" and a.mode == "consensus"
            and a.instrument == "scirocco-exchange"
        ]  # fmt: skip
        by_year = defaultdict(list)
        for number in rounds[region]:
            by_year[years[(region, number)]].append(number)
        assert sorted(w.round for w in consensus) == [max(n) for _, n in sorted(by_year.items())]
        for workshop in consensus:
            assert workshop.assessor is None and workshop.status == "submitted"
            individual_dates = [
                a.assessed_on
                for a in demo.assessments
                if a.subject == region and a.mode == "individual" and a.round == workshop.round
                and a.instrument == "scirocco-exchange"
            ]  # fmt: skip
            assert workshop.assessed_on > max(individual_dates)


def test_consensus_levels_lie_near_their_rounds_median(demo: RecordBatch):
    for a in demo.assessments:
        if a.kind != "HS" or a.mode != "consensus":
            continue
        # Each workshop against the individual ratings of its own round and instrument.
        last = _round_levels(demo, a.instrument)[(a.subject, a.round)]
        for rating in a.ratings:
            assert rating.justification and rating.justification.startswith("Workshop agreed")
            if rating.level is not None:
                assert abs(rating.level - np.median(last[rating.dimension])) <= 1.5


def test_regions_have_complementary_profiles(demo: RecordBatch, exchange: Instrument):
    profiles = {
        a.subject: np.array([r.level if r.level is not None else np.nan for r in a.ratings])
        for a in demo.assessments
        if a.kind == "HS" and a.mode == "consensus"
    }
    complementary = [
        (one, other)
        for one in profiles
        for other in profiles
        if one < other
        and np.nanmax(profiles[one] - profiles[other]) >= 2
        and np.nanmax(profiles[other] - profiles[one]) >= 2
    ]
    assert len(complementary) >= 2


# --- good practices and drafts --------------------------------------------------------


def test_each_good_practice_has_a_consensus_requirement_profile_with_features(
    demo: RecordBatch,
):
    region_keys = set(_regions(demo))
    for practice in _practices(demo):
        assert practice.owner in region_keys
        consensus = [
            a for a in demo.assessments
            if a.subject == practice.key and a.kind == "GP" and a.mode == "consensus"
        ]  # fmt: skip
        assert len(consensus) == 1
        with_features = [rating for rating in consensus[0].ratings if rating.features]
        assert with_features
        assert all(len(rating.features) <= 3 for rating in consensus[0].ratings)


def test_good_practices_are_rated_by_two_to_four_owner_stakeholders(demo: RecordBatch):
    home = {assessor.pseudonym: assessor.home_subject for assessor in demo.assessors}
    for practice in _practices(demo):
        raters = [
            a.assessor for a in demo.assessments
            if a.subject == practice.key and a.kind == "GP" and a.mode == "individual"
        ]  # fmt: skip
        assert 2 <= len(raters) <= 4
        assert {home[rater] for rater in raters} == {practice.owner}


def test_features_are_more_common_where_requirements_are_high(demo: RecordBatch):
    counts: dict[str, list[int]] = {"high": [], "low": []}
    for a in demo.assessments:
        if a.kind == "GP" and a.mode == "consensus":
            for rating in a.ratings:
                band = "high" if rating.level >= 4 else "low" if rating.level <= 1 else None
                if band:
                    counts[band].append(len(rating.features))
    assert np.mean(counts["high"]) > np.mean(counts["low"]) + 1


def test_drafts_leave_some_dimensions_unrated(demo: RecordBatch, exchange: Instrument):
    drafts = [a for a in demo.assessments if a.status == "draft"]
    assert len(drafts) >= 2
    assert all(a.mode == "individual" for a in drafts)
    assert all(0 < len(a.ratings) < len(exchange.dimension_keys) for a in drafts)


# --- other instruments ----------------------------------------------------------------


def test_generator_works_for_a_small_custom_instrument(small_instrument: Instrument):
    batch = generate_demo(7, instrument=small_instrument)
    assert validate_batch(batch, {small_instrument.id: small_instrument}) == []
    levels = {r.level for a in batch.assessments for r in a.ratings if r.level is not None}
    assert levels <= {1, 2, 3, 4}
    dimensions = {r.dimension for a in batch.assessments for r in a.ratings}
    assert dimensions == {"leadership", "data_use", "teams"}


# --- History: an earlier v3 assessment and a later year -------------------------------


def test_three_regions_have_an_earlier_v3_assessment_with_a_consensus(demo: RecordBatch):
    v3 = [a for a in demo.assessments if a.instrument == "scirocco-v3"]
    assert {a.subject for a in v3} == {"northvale", "ostermark", "valmorra"}
    for region in ("northvale", "ostermark", "valmorra"):
        own = [a for a in v3 if a.subject == region]
        assert sum(a.mode == "consensus" for a in own) == 1
        assert sum(a.mode == "individual" for a in own) >= 5


def test_two_regions_are_reassessed_a_year_later_with_a_split_panel(demo: RecordBatch):
    years = _year_of_round(demo)
    later = {region for (region, _), year in years.items() if year == 2026}
    assert later == {"kestrel-coast", "eastholm-lakes"}
    levels = _round_levels(demo)
    for region in later:
        (number,) = [n for (r, n), year in years.items() if r == region and year == 2026]
        splits = [d for d, values in levels[(region, number)].items() if _is_split(values)]
        assert len(splits) >= 1  # more disagreement than in their converged 2025 panels


def test_the_demo_shows_every_kind_of_longitudinal_change(tmp_path, exchange):
    from scirocco_lab.assessment.report import region_history
    from scirocco_lab.assessment.store import write_batch
    from scirocco_lab.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'demo.db'}")
    write_batch(store, generate_demo())
    northvale = region_history(store, "northvale", exchange, n_boot=50)
    assert northvale["instrument"].drop_duplicates().tolist() == [
        "scirocco-v3",
        "scirocco-exchange",
    ]
    assert {"merged", "new", "renamed", ""} <= set(northvale["crosswalk_relation"])
    kestrel = region_history(store, "kestrel-coast", exchange, n_boot=50)
    assert kestrel["year"].drop_duplicates().tolist() == [2025, 2026]
