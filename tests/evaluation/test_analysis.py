"""Analysis of coded evaluation data and questionnaires, on hand-built tidy frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scirocco_lab.assessment.agreement import krippendorff_alpha
from scirocco_lab.errors import ConfigurationError, DataValidationError
from scirocco_lab.evaluation.analysis import (
    CODER_AGREEMENT_COLUMNS,
    code_cooccurrence,
    code_frequencies,
    coder_agreement,
    cooccurrence_matrix,
    item_distributions,
    joint_display,
    joint_display_html,
    likert_summary,
    quotes,
)

SEGMENT_DEFAULTS = {
    "region": "northvale",
    "activity": "focus_group",
    "participant_group": None,
    "speaker": None,
    "turn": None,
    "text": "",
}


def segments_frame(rows: list[dict]) -> pd.DataFrame:
    """A segments frame with the contract's columns; unspecified columns get defaults."""
    frame = pd.DataFrame([{**SEGMENT_DEFAULTS, **row} for row in rows])
    frame.insert(0, "segment_id", range(1, len(frame) + 1))
    return frame


def turns_frame(source: str, n: int, width: int = 10) -> pd.DataFrame:
    """n back-to-back turns of ``width`` characters each."""
    starts = np.arange(n) * width
    return pd.DataFrame(
        {
            "source": source,
            "turn": np.arange(1, n + 1),
            "start_char": starts,
            "end_char": starts + width,
        }
    )


def turn_coding(coder: str, marks: list[int], *, code: str = "c", source: str = "s") -> list[dict]:
    """One segment inside each turn (width 10) the coder marked with 1."""
    return [
        {
            "source": source,
            "code": code,
            "coder": coder,
            "start_char": 10 * i + 2,
            "end_char": 10 * i + 6,
        }
        for i, mark in enumerate(marks)
        if mark
    ]


CODEBOOK = pd.DataFrame(
    {
        "code": ["barriers", "staff", "money", "trust", "learning"],
        "name": ["Barriers", "Staff shortage", "Money", "Trust", "Learning"],
        "parent": [None, "barriers", "barriers", None, None],
        "dimensions": [("funding",), ("capacity_building",), (), ("readiness_to_change",), ()],
        "path": ["Barriers", "Barriers/Staff shortage", "Barriers/Money", "Trust", "Learning"],
    }
)

FREQUENCY_SEGMENTS = segments_frame(
    [
        {"source": "fg-1", "code": "staff", "coder": "A", "start_char": 0, "end_char": 10,
         "speaker": "P1", "participant_group": "clinician", "region": "northvale"},
        {"source": "fg-1", "code": "staff", "coder": "B", "start_char": 0, "end_char": 12,
         "speaker": "P2", "participant_group": "manager", "region": "northvale"},
        {"source": "iv-1", "code": "staff", "coder": "A", "start_char": 5, "end_char": 9,
         "speaker": "P3", "participant_group": "clinician", "region": "ostermark",
         "activity": "interview"},
        {"source": "iv-1", "code": "money", "coder": "A", "start_char": 20, "end_char": 30,
         "speaker": "P3", "participant_group": "clinician", "region": "ostermark",
         "activity": "interview"},
    ]
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Frequencies


def test_frequencies_count_segments_sources_speakers_and_coders_per_code():
    result = code_frequencies(FREQUENCY_SEGMENTS).set_index("code")
    assert result.loc["staff"].tolist() == [3, 2, 3, 2]
    assert result.loc["money"].tolist() == [1, 1, 1, 1]


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("source", {("staff", "fg-1"): 2, ("staff", "iv-1"): 1, ("money", "iv-1"): 1}),
        (
            "region",
            {("staff", "northvale"): 2, ("staff", "ostermark"): 1, ("money", "ostermark"): 1},
        ),
        (
            "activity",
            {("staff", "focus_group"): 2, ("staff", "interview"): 1, ("money", "interview"): 1},
        ),
        (
            "participant_group",
            {("staff", "clinician"): 2, ("staff", "manager"): 1, ("money", "clinician"): 1},
        ),
        (
            "speaker",
            {("staff", "P1"): 1, ("staff", "P2"): 1, ("staff", "P3"): 1, ("money", "P3"): 1},
        ),
    ],
)
def test_frequencies_by_each_grouping(by, expected):
    result = code_frequencies(FREQUENCY_SEGMENTS, by=by)
    assert list(result.columns[:2]) == ["code", by]
    assert (
        dict(zip(zip(result["code"], result[by], strict=True), result["n_segments"], strict=True))
        == expected
    )


def test_frequencies_with_codebook_list_unused_codes_with_zero_and_their_path():
    result = code_frequencies(FREQUENCY_SEGMENTS, codes=CODEBOOK).set_index("code")
    assert result.loc["trust", "n_segments"] == 0
    assert result.loc["money", "code_path"] == "Barriers/Money"
    assert list(result.index) == ["barriers", "money", "staff", "learning", "trust"]  # by path


def test_roll_up_counts_child_segments_into_the_parent():
    plain = code_frequencies(FREQUENCY_SEGMENTS, codes=CODEBOOK).set_index("code")
    rolled = code_frequencies(FREQUENCY_SEGMENTS, codes=CODEBOOK, include_descendants=True)
    rolled = rolled.set_index("code")
    assert plain.loc["barriers", "n_segments"] == 0
    assert rolled.loc["barriers", "n_segments"] == 4  # 3 staff + 1 money
    assert rolled.loc["barriers", "n_sources"] == 2
    assert rolled.loc["staff", "n_segments"] == 3  # children keep their own counts


def test_roll_up_without_codebook_is_refused():
    with pytest.raises(ConfigurationError, match="codebook"):
        code_frequencies(FREQUENCY_SEGMENTS, include_descendants=True)


# --------------------------------------------------------------------------------------------
# Co-occurrence

COOCCURRENCE_SEGMENTS = segments_frame(
    [
        # Source s: a covers 0-20 and 40-60; b overlaps both stretches (two co-occurrences);
        # c touches a at 20 without overlapping (half-open ranges).
        {"source": "s", "code": "a", "coder": "A", "start_char": 0, "end_char": 20, "turn": 1},
        {"source": "s", "code": "a", "coder": "A", "start_char": 40, "end_char": 60, "turn": 3},
        {"source": "s", "code": "b", "coder": "A", "start_char": 10, "end_char": 50, "turn": 1},
        {"source": "s", "code": "c", "coder": "A", "start_char": 20, "end_char": 30, "turn": 2},
        # A second coder codes part of the same passage with a: no extra co-occurrence.
        {"source": "s", "code": "a", "coder": "B", "start_char": 0, "end_char": 15, "turn": 1},
        # Source t: b and c far apart.
        {"source": "t", "code": "b", "coder": "A", "start_char": 0, "end_char": 5, "turn": 1},
        {"source": "t", "code": "c", "coder": "A", "start_char": 50, "end_char": 60, "turn": 5},
    ]
)  # fmt: skip


def test_segment_cooccurrence_counts_stretches_and_shared_characters():
    result = code_cooccurrence(COOCCURRENCE_SEGMENTS).set_index(["code_a", "code_b"])
    # a and b overlap on 10-20 and 40-50: two stretches, 20 shared characters out of
    # a (40) + b (45) - 20 = 65 characters coded with either.
    assert result.loc[("a", "b"), "count"] == 2
    assert result.loc[("a", "b"), "jaccard"] == pytest.approx(20 / 65)
    # b and c overlap on 20-30 in s; never in t.
    assert result.loc[("b", "c"), "count"] == 1
    assert ("a", "c") not in result.index  # touching at 20 is not overlapping


def test_cooccurrence_matrix_is_symmetric_with_empty_diagonal():
    matrix = cooccurrence_matrix(code_cooccurrence(COOCCURRENCE_SEGMENTS))
    values = matrix.to_numpy()
    assert list(matrix.index) == ["a", "b", "c"]
    assert np.array_equal(values, values.T, equal_nan=True)
    assert np.isnan(np.diag(values)).all()
    assert matrix.loc["a", "c"] == 0


def test_turn_cooccurrence_uses_every_turn_a_segment_overlaps():
    turns = turns_frame("s", 6, width=10)  # turn i covers [10(i-1), 10i)
    in_s = COOCCURRENCE_SEGMENTS[COOCCURRENCE_SEGMENTS["source"] == "s"]
    pairs = code_cooccurrence(in_s, unit="turn", turns=turns).set_index(["code_a", "code_b"])
    # a: turns 1, 2, 5, 6; b (10-50): turns 2-5; c (20-30): turn 3.
    assert pairs.loc[("a", "b"), ["count", "jaccard"]].tolist() == [2, pytest.approx(2 / 6)]
    assert pairs.loc[("b", "c"), ["count", "jaccard"]].tolist() == [1, pytest.approx(1 / 4)]
    assert ("a", "c") not in pairs.index


def test_turn_cooccurrence_without_turns_uses_the_segments_turn_column():
    result = code_cooccurrence(COOCCURRENCE_SEGMENTS, unit="turn").set_index(["code_a", "code_b"])
    assert result.loc[("a", "b"), "count"] == 1  # both start in turn 1 of s
    assert ("b", "c") not in result.index


def test_same_coder_ignores_overlaps_between_different_coders():
    segments = segments_frame(
        [
            {"source": "s", "code": "a", "coder": "A", "start_char": 0, "end_char": 10},
            {"source": "s", "code": "b", "coder": "B", "start_char": 5, "end_char": 15},
        ]
    )
    assert len(code_cooccurrence(segments)) == 1
    assert code_cooccurrence(segments, same_coder=True).empty


# --------------------------------------------------------------------------------------------
# Quotes


def test_quotes_never_include_identity_columns():
    segments = segments_frame(
        [
            {"source": "fg-1", "code": "trust", "coder": "A", "start_char": 0, "end_char": 50,
             "speaker": "FG-northvale-P03", "text": "We trusted the visitors from the first day."},
        ]
    )  # fmt: skip
    segments = segments.assign(
        full_name="Maria Realname", email="maria@example.org", name="Maria Realname"
    )
    result = quotes(segments, codes=CODEBOOK)
    assert not {"full_name", "email", "name"} & set(result.columns)
    assert "Realname" not in result.astype(str).to_string()
    assert result.loc[0, "speaker"] == "FG-northvale-P03"
    assert result.loc[0, "code_name"] == "Trust"


def test_quotes_merge_a_passage_coded_by_several_coders_and_rank_it_first():
    shared = "Peer exchange with the visiting region changed how we plan discharge."
    longer = "The longest excerpt in the whole source, coded by one coder only, about learning."
    segments = segments_frame(
        [
            {"source": "fg-1", "code": "learning", "coder": "A", "start_char": 0, "end_char": 70,
             "speaker": "P1", "text": shared},
            {"source": "fg-1", "code": "learning", "coder": "B", "start_char": 5, "end_char": 60,
             "speaker": "P1", "text": shared[5:60]},
            {"source": "fg-2", "code": "learning", "coder": "A", "start_char": 0, "end_char": 82,
             "speaker": "P7", "text": longer},
            {"source": "fg-2", "code": "learning", "coder": "A", "start_char": 100, "end_char": 110,
             "speaker": "P7", "text": "Too short."},
        ]
    )  # fmt: skip
    result = quotes(segments, per_code=5)
    assert result["quote"].tolist() == [shared, longer]  # short one skipped, passage once
    assert result["n_coders"].tolist() == [2, 1]
    assert result["coders"].tolist() == [("A", "B"), ("A",)]
    assert result["rank"].tolist() == [1, 2]


def test_quotes_are_limited_per_code_and_cut_at_a_word_boundary():
    words = " ".join(["word"] * 60)
    segments = segments_frame(
        [
            {"source": f"s{i}", "code": "c", "coder": "A", "start_char": 0, "end_char": 300,
             "speaker": "P1", "text": words}
            for i in range(4)
        ]
    )  # fmt: skip
    result = quotes(segments, per_code=2, max_length=50)
    assert len(result) == 2
    assert result["source"].tolist() == ["s0", "s1"]  # ties broken by source
    assert all(len(q) <= 50 and q.endswith("word…") for q in result["quote"])


# --------------------------------------------------------------------------------------------
# Coder agreement


def test_cohen_kappa_matches_the_50_item_worked_example():
    # Wikipedia, "Cohen's kappa", worked example: 50 proposals, both readers "yes" 20, A yes /
    # B no 5, A no / B yes 10, both "no" 15: p_o = 0.70, p_e = 0.50, kappa = 0.40.
    marks_a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    marks_b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    segments = segments_frame(turn_coding("A", marks_a) + turn_coding("B", marks_b))
    row = coder_agreement(segments, turns=turns_frame("s", 50)).iloc[0]
    assert row["n_units"] == 50
    assert row["percent_agreement"] == pytest.approx(0.70)
    assert row["cohen_kappa"] == pytest.approx(0.40)


def test_cohen_kappa_agrees_with_statsmodels():
    from statsmodels.stats.inter_rater import cohens_kappa

    rng = np.random.default_rng(7)
    marks_a = (rng.random(60) < 0.4).astype(int).tolist()
    marks_b = [m if rng.random() < 0.8 else 1 - m for m in marks_a]
    segments = segments_frame(turn_coding("A", marks_a) + turn_coding("B", marks_b))
    row = coder_agreement(segments, turns=turns_frame("s", 60)).iloc[0]
    table = pd.crosstab(pd.Series(marks_a), pd.Series(marks_b)).to_numpy()
    assert row["cohen_kappa"] == pytest.approx(cohens_kappa(table).kappa)


def test_alpha_matches_krippendorff_2011_binary_example():
    # Krippendorff (2011), two observers, ten units, binary data: alpha = 0.095.
    mary = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    dave = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    segments = segments_frame(turn_coding("mary", mary) + turn_coding("dave", dave))
    row = coder_agreement(segments, turns=turns_frame("s", 10)).iloc[0]
    assert round(row["krippendorff_alpha"], 3) == 0.095


def test_identical_coders_agree_perfectly():
    marks = [1, 0, 0, 1, 1, 0, 0, 0]
    segments = segments_frame(turn_coding("A", marks) + turn_coding("B", marks))
    for unit in ("turn", "character"):
        row = coder_agreement(segments, unit=unit, turns=turns_frame("s", 8)).iloc[0]
        assert row[["percent_agreement", "cohen_kappa", "krippendorff_alpha"]].tolist() == [
            1.0,
            1.0,
            1.0,
        ]
        assert row["alpha_reading"] == "reliable"


def test_three_coders_get_alpha_as_the_agreement_module_computes_it_and_no_kappa():
    rng = np.random.default_rng(3)
    marks = rng.random((40, 3)) < 0.35
    rows = []
    for j, coder in enumerate("ABC"):
        rows += turn_coding(coder, marks[:, j].astype(int).tolist())
    result = coder_agreement(segments_frame(rows), turns=turns_frame("s", 40))
    expected = krippendorff_alpha(marks.astype(float), metric="nominal")["value"].iloc[0]
    assert result.loc[0, "krippendorff_alpha"] == pytest.approx(expected)
    assert np.isnan(result.loc[0, "cohen_kappa"])
    assert result.loc[0, "coders"] == ("A", "B", "C")


# Hand example for the two units: a 40-character source in four 10-character turns.
# Coder A codes 0-5; coder B codes 2-8 and 22-25.
UNIT_EXAMPLE = segments_frame(
    [
        {"source": "s", "code": "c", "coder": "A", "start_char": 0, "end_char": 5},
        {"source": "s", "code": "c", "coder": "B", "start_char": 2, "end_char": 8},
        {"source": "s", "code": "c", "coder": "B", "start_char": 22, "end_char": 25},
    ]
)


def test_turn_unit_on_the_hand_example():
    # Turns: 1 both, 2 neither, 3 B only, 4 neither -> p_o 3/4, p_e 1/4*2/4 + 3/4*2/4 = 1/2.
    row = coder_agreement(UNIT_EXAMPLE, unit="turn", turns=turns_frame("s", 4)).iloc[0]
    assert row["n_units"] == 4
    assert row["n_units_coded"] == 2
    assert row["percent_agreement"] == pytest.approx(0.75)
    assert row["cohen_kappa"] == pytest.approx(0.5)


def test_character_unit_on_the_hand_example():
    # Characters: both 2-5 (3), A only 0-2 (2), B only 5-8 and 22-25 (6), neither 29.
    # p_o = 32/40; p_e = 5/40 * 9/40 + 35/40 * 31/40 = 0.70625.
    row = coder_agreement(UNIT_EXAMPLE, unit="character", source_lengths={"s": 40}).iloc[0]
    assert row["n_units"] == 40
    assert row["n_units_coded"] == 11
    assert row["percent_agreement"] == pytest.approx(0.8)
    assert row["cohen_kappa"] == pytest.approx((0.8 - 0.70625) / (1 - 0.70625))


def test_segment_unit_merges_overlapping_segments_into_passages():
    # Coder A: c on 0-5, d on 30-35; coder B: c on 2-8, d on 20-25. Passages 0-8, 20-25, 30-35.
    example = segments_frame(
        [
            {"source": "s", "code": "c", "coder": "A", "start_char": 0, "end_char": 5},
            {"source": "s", "code": "d", "coder": "A", "start_char": 30, "end_char": 35},
            {"source": "s", "code": "c", "coder": "B", "start_char": 2, "end_char": 8},
            {"source": "s", "code": "d", "coder": "B", "start_char": 20, "end_char": 25},
        ]
    )
    result = coder_agreement(example, unit="segment").set_index("code")
    assert result.loc["c", "n_units"] == 3
    assert result.loc["c", "cohen_kappa"] == pytest.approx(1.0)
    # d: one passage each coder alone, one neither -> p_o 1/3, p_e 5/9, kappa -0.5.
    assert result.loc["d", "percent_agreement"] == pytest.approx(1 / 3)
    assert result.loc["d", "cohen_kappa"] == pytest.approx(-0.5)


def test_character_unit_equals_the_per_character_computation():
    rng = np.random.default_rng(11)
    lengths = {"s1": 300, "s2": 180}
    rows = []
    for source, length in lengths.items():
        for coder in ("A", "B", "C"):
            for _ in range(12):
                start = int(rng.integers(0, length - 5))
                end = int(min(length, start + rng.integers(1, 40)))
                code = str(rng.choice(["x", "y"]))
                rows.append({"source": source, "code": code, "coder": coder,
                             "start_char": start, "end_char": end})  # fmt: skip
    segments = segments_frame(rows)
    result = coder_agreement(segments, unit="character", source_lengths=lengths)
    for code in ("x", "y"):
        # Naive reference: one row per character, one column per coder.
        matrix = np.vstack(
            [
                np.column_stack(
                    [_covered(segments, source, code, coder, length) for coder in ("A", "B", "C")]
                )
                for source, length in lengths.items()
            ]
        ).astype(float)
        expected = krippendorff_alpha(matrix, metric="nominal")["value"].iloc[0]
        row = result[result["code"] == code].iloc[0]
        assert row["n_units"] == 480
        assert row["krippendorff_alpha"] == pytest.approx(expected)


def _covered(segments: pd.DataFrame, source: str, code: str, coder: str, length: int):
    mask = np.zeros(length, dtype=bool)
    part = segments[
        (segments["source"] == source) & (segments["code"] == code) & (segments["coder"] == coder)
    ]
    for start, end in zip(part["start_char"], part["end_char"], strict=True):
        mask[start:end] = True
    return mask


def test_sources_not_coded_by_every_coder_are_excluded():
    only_a = segments_frame(
        [{"source": "extra", "code": "c", "coder": "A", "start_char": 0, "end_char": 9}]
    )
    segments = pd.concat([UNIT_EXAMPLE, only_a], ignore_index=True)
    turns = pd.concat([turns_frame("s", 4), turns_frame("extra", 3)], ignore_index=True)
    result = coder_agreement(segments, turns=turns)
    assert result.loc[0, "excluded_sources"] == ("extra",)
    assert result.loc[0, "n_sources"] == 1
    assert result.loc[0, "n_units"] == 4  # the three turns of "extra" are not units
    assert result.attrs["excluded_sources"] == ("extra",)
    assert result.loc[0, "cohen_kappa"] == pytest.approx(0.5)


def test_agreement_has_one_row_per_code_and_a_pooled_overall_row():
    two_codes = pd.concat(
        [UNIT_EXAMPLE, UNIT_EXAMPLE.assign(code="d", coder=UNIT_EXAMPLE["coder"])],
        ignore_index=True,
    )
    result = coder_agreement(two_codes, turns=turns_frame("s", 4))
    assert list(result.columns) == list(CODER_AGREEMENT_COLUMNS)
    assert result["scope"].tolist() == ["code", "code", "overall"]
    assert result.loc[2, "n_units"] == 8
    assert result.loc[2, "percent_agreement"] == pytest.approx(0.75)


def test_agreement_needs_two_coders_and_turns_for_the_turn_unit():
    one_coder = UNIT_EXAMPLE[UNIT_EXAMPLE["coder"] == "A"]
    with pytest.raises(ConfigurationError, match="at least two coders"):
        coder_agreement(one_coder, turns=turns_frame("s", 4))
    with pytest.raises(ConfigurationError, match="turns"):
        coder_agreement(UNIT_EXAMPLE, unit="turn")


# --------------------------------------------------------------------------------------------
# Joint display

PROFILE = pd.DataFrame(
    {
        "subject": "northvale",
        "dimension": ["readiness_to_change", "funding", "capacity_building"],
        "dimension_number": [1, 5, 12],
        "dimension_name": ["Readiness to Change", "Funding", "Capacity Building"],
        "level": [3.0, 1.0, np.nan],
        "level_source": ["consensus", "consensus", "not rated"],
        "consensus_level": [3.0, 1.0, np.nan],
        "delphi_label": ["Progressing", "Initial", None],
        "distribution": ["Agreement", "Agreement", None],
    }
)

JOINT_SEGMENTS = segments_frame(
    [
        {"source": "fg-nv", "code": "trust", "coder": "A", "start_char": 0, "end_char": 60,
         "speaker": "FG-northvale-P01",
         "text": "Everyone here now sees why we must change together."},
        {"source": "fg-nv", "code": "money", "coder": "A", "start_char": 100, "end_char": 160,
         "speaker": "FG-northvale-P02",
         "text": "The pilot money runs out in spring and nobody has a plan."},
        {"source": "fg-nv", "code": "staff", "coder": "A", "start_char": 200, "end_char": 260,
         "speaker": "FG-northvale-P03",
         "text": "We lose two nurses a month to the private clinics nearby."},
        {"source": "fg-os", "code": "money", "coder": "A", "start_char": 0, "end_char": 60,
         "region": "ostermark", "speaker": "FG-ostermark-P01",
         "text": "Ostermark quote that must not appear in Northvale's display."},
    ]
)  # fmt: skip


def test_joint_display_has_one_row_per_dimension_with_that_dimensions_quotes():
    result = joint_display(PROFILE, JOINT_SEGMENTS, CODEBOOK).set_index("dimension")
    assert list(result.index) == ["readiness_to_change", "funding", "capacity_building"]
    assert result.loc["readiness_to_change", "themes"] == "Trust (1)"
    assert result.loc["readiness_to_change", "delphi_label"] == "Progressing"
    (quote,) = result.loc["readiness_to_change", "quotes"]
    assert "change together" in quote and "FG-northvale-P01" in quote
    # funding is linked to "barriers", so its children money and staff are its themes (the
    # Ostermark segment is another region's).
    assert result.loc["funding", "theme_codes"] == ("money", "staff")
    assert result.loc["funding", "n_segments"] == 2
    assert not any("Ostermark" in q for q in result.loc["funding", "quotes"])
    assert result.loc["capacity_building", "theme_codes"] == ("staff",)


def test_joint_display_without_inheritance_uses_only_direct_links():
    result = joint_display(PROFILE, JOINT_SEGMENTS, CODEBOOK, inherit_dimensions=False)
    funding = result.set_index("dimension").loc["funding"]
    assert funding["theme_codes"] == ()
    assert funding["quotes"] == ()


def test_joint_display_adds_the_instruments_level_label():
    from scirocco_lab.instruments import load_instrument

    instrument = load_instrument()
    result = joint_display(PROFILE, JOINT_SEGMENTS, CODEBOOK, instrument=instrument)
    expected = instrument.dimension("readiness_to_change").level(3).display_label
    assert result.loc[0, "level_label"] == expected


def test_joint_display_html_escapes_all_text():
    segments = JOINT_SEGMENTS.assign(text="<script>alert('x')</script> and more words here ok")
    html = joint_display_html(joint_display(PROFILE, segments, CODEBOOK), caption="<Northvale>")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;Northvale&gt;" in html


# --------------------------------------------------------------------------------------------
# Questionnaires


@pytest.fixture
def items(items_frame):
    wordings = {"useful": "The visit was useful", "waste": "The visit was a waste of time"}
    return items_frame("visit", wordings, reversed=("waste",))


SCALE = pd.DataFrame(
    {
        "questionnaire": ["visit"],
        "scale_min": [1],
        "scale_max": [5],
        "scale_labels": [("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree")],
    }
)


def responses_frame(answers: dict[str, list[float]], groups: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"questionnaire": "visit", "respondent": f"R{i}", "group": group, "item": item,
             "value": value}
            for item, values in answers.items()
            for i, (value, group) in enumerate(zip(values, groups, strict=True))
        ]
    )  # fmt: skip


GROUPS = ["clinician", "clinician", "manager", "manager"]
RESPONSES = responses_frame({"useful": [5, 4, 4, np.nan], "waste": [1, 1, 2, 5]}, GROUPS)


def test_item_distributions_reverse_reverse_scored_items(items):
    result = item_distributions(RESPONSES, items, scale=SCALE)
    waste = result[result["item"] == "waste"].set_index("value")
    # Answers 1, 1, 2, 5 to a reverse-scored item count as 5, 5, 4, 1.
    assert waste["count"].tolist() == [1, 0, 0, 1, 2]
    assert waste.loc[5, "label"] == "Strongly agree"
    assert waste["reverse_scored"].all()
    assert waste.loc[5, "wording"] == "The visit was a waste of time"


def test_item_distributions_list_every_scale_point_per_group_with_percent_of_answers(items):
    result = item_distributions(RESPONSES, items, by="group", scale=SCALE)
    useful = result[(result["item"] == "useful") & (result["group"] == "manager")]
    assert useful["value"].tolist() == [1, 2, 3, 4, 5]
    assert useful["count"].tolist() == [0, 0, 0, 1, 0]
    assert useful["percent"].tolist() == [0.0, 0.0, 0.0, 100.0, 0.0]
    assert useful["n"].iloc[0] == 1 and useful["n_missing"].iloc[0] == 1


def test_likert_summary_reports_top_and_bottom_two_after_reversal(items):
    result = likert_summary(RESPONSES, items, scale=SCALE).set_index("item")
    assert result.loc["useful", ["n", "n_missing", "median", "pct_agree"]].tolist() == [
        3, 1, 4.0, 100.0
    ]  # fmt: skip
    # waste scored 5, 5, 4, 1: 75 % agree (with the positive reading), 25 % disagree.
    assert result.loc["waste", ["pct_agree", "pct_neutral", "pct_disagree"]].tolist() == [
        75.0, 0.0, 25.0
    ]  # fmt: skip
    assert result.loc["waste", "mean"] == pytest.approx(3.75)


def test_answers_off_the_scale_are_rejected_with_their_row(items):
    bad = RESPONSES.copy()
    bad.loc[1, "value"] = 7
    with pytest.raises(DataValidationError, match="row 3"):
        item_distributions(bad, items, scale=SCALE)


def test_scale_is_inferred_from_answers_and_labels_when_not_given(items):
    responses = RESPONSES.assign(
        label=RESPONSES["value"].map({1: "No", 2: "Hardly", 4: "Mostly", 5: "Yes"})
    )
    result = item_distributions(responses, items)
    assert result["value"].drop_duplicates().tolist() == [1, 2, 3, 4, 5]
    assert result.drop_duplicates("value")["label"].tolist() == [
        "No",
        "Hardly",
        "3",
        "Mostly",
        "Yes",
    ]
