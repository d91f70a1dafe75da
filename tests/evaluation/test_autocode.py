"""Auto-coding rules: matching, units, merging, files with errors, and accepting proposals."""

import pandas as pd
import pytest

from scirocco_lab.errors import DataValidationError, NotFoundError
from scirocco_lab.evaluation.autocode import (
    AutoCodeRule,
    accept_proposals,
    load_rules,
    propose_segments,
    sentence_spans,
)
from scirocco_lab.evaluation.records import (
    CodeRecord,
    CoderRecord,
    EvaluationBatch,
    SourceRecord,
    TurnRecord,
)
from scirocco_lab.evaluation.store import segments_frame, turns_frame, write_evaluation
from scirocco_lab.store import open_store

TEXT = {"fg": "We met twice. Integrated care needs trust.\nThe budget is joined-up now."}


def test_keyword_rule_proposes_the_sentence_with_the_match():
    proposals = propose_segments(TEXT, [AutoCodeRule("integration", "keyword", "integrat*")])
    assert proposals[["code", "start_char", "end_char", "text", "matched"]].to_dict("records") == [
        {
            "code": "integration",
            "start_char": 14,
            "end_char": 42,
            "text": "Integrated care needs trust.",
            "matched": "Integrated",
        }
    ]


def test_regex_rule_matches_a_pattern():
    proposals = propose_segments(TEXT, [AutoCodeRule("integration", "regex", r"joined[- ]up")])
    assert list(proposals["text"]) == ["The budget is joined-up now."]
    assert list(proposals["matched"]) == ["joined-up"]


def test_keywords_match_whole_words_only():
    rules = [AutoCodeRule("trust", "keyword", "trust"), AutoCodeRule("int", "keyword", "integrat*")]
    texts = {"s": "Mistrust and trustworthy are not it. Disintegrate neither."}
    assert propose_segments(texts, rules).empty


def test_keywords_are_case_insensitive_unless_asked():
    texts = {"s": "TRUST matters."}
    assert len(propose_segments(texts, [AutoCodeRule("t", "keyword", "trust")])) == 1
    strict = AutoCodeRule("t", "keyword", "trust", case_sensitive=True)
    assert propose_segments(texts, [strict]).empty


def test_a_phrase_keyword_spans_any_whitespace():
    texts = {"s": "A shared  care\tplan helps."}
    proposals = propose_segments(texts, [AutoCodeRule("plan", "keyword", "care plan")])
    assert list(proposals["matched"]) == ["care\tplan"]


def test_sentence_spans_do_not_split_after_abbreviations():
    assert sentence_spans("We met. E.g. twice! Then?") == [(0, 7), (8, 19), (20, 25)]


def test_a_word_ending_like_an_abbreviation_still_ends_a_sentence():
    text = "We went first. Dr. Ames followed."
    assert [text[a:b] for a, b in sentence_spans(text)] == ["We went first.", "Dr. Ames followed."]


def test_turn_unit_proposes_the_whole_turn_with_offsets_into_the_source():
    turns = pd.DataFrame(
        {
            "source": ["fg", "fg"],
            "turn": [1, 2],
            "start_char": [10, 40],
            "text": ["First turn. No match.", "Budget talk. More talk."],
        }
    )
    proposals = propose_segments(turns, [AutoCodeRule("funding", "keyword", "budget", "turn")])
    assert proposals[["start_char", "end_char", "turn"]].to_dict("records") == [
        {"start_char": 40, "end_char": 63, "turn": 2}
    ]


def test_overlapping_proposals_of_one_code_are_merged():
    rules = [
        AutoCodeRule("integration", "keyword", "integrat*"),
        AutoCodeRule("integration", "keyword", "trust"),
        AutoCodeRule("integration", "keyword", "met", unit="turn"),
    ]
    proposals = propose_segments(TEXT, rules)
    (row,) = proposals.to_dict("records")
    assert (row["start_char"], row["end_char"]) == (0, 42)
    assert row["matched"] == "met; Integrated; trust"
    assert row["unit"] == "sentence+turn"


def test_different_codes_are_not_merged():
    rules = [AutoCodeRule("a", "keyword", "integrat*"), AutoCodeRule("b", "keyword", "trust")]
    assert sorted(propose_segments(TEXT, rules)["code"]) == ["a", "b"]


def test_proposals_covered_by_the_coders_existing_segments_are_dropped():
    rules = [
        AutoCodeRule("trust", "keyword", "trust"),
        AutoCodeRule("funding", "keyword", "budget"),
    ]
    existing = pd.DataFrame(
        {
            "source": ["fg", "fg"],
            "code": ["trust", "funding"],
            "coder": ["C1", "C2"],
            "start_char": [36, 43],  # "trust" itself, and C2's funding sentence
            "end_char": [41, 71],
        }
    )
    proposals = propose_segments(TEXT, rules, existing=existing, coder="C1")
    assert list(proposals["code"]) == ["funding"]  # C2's segment does not count for C1


def test_excluded_proposals_are_not_proposed_again():
    rule = AutoCodeRule("trust", "keyword", "trust")
    assert propose_segments(TEXT, [rule], exclude=[("fg", "trust", 14, 42)]).empty


def test_csv_rules_load_with_defaults(tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text("code,kind,pattern,unit\ntrust,keyword,trust*,\nfunding,regex,budget,turn\n")
    rules = load_rules(path, codes=["trust", "funding"])
    assert rules == (
        AutoCodeRule("trust", "keyword", "trust*", "sentence"),
        AutoCodeRule("funding", "regex", "budget", "turn"),
    )


def test_yaml_rules_accept_a_keyword_list_and_codebook_paths(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - code: Context/Trust\n    keywords: [trust*, confiden*]\n")
    codes = pd.DataFrame({"code": ["trust"], "name": ["Trust"], "path": ["Context/Trust"]})
    rules = load_rules(path, codes=codes)
    assert [(r.code, r.pattern) for r in rules] == [("trust", "trust*"), ("trust", "confiden*")]


def test_bad_regex_error_names_file_row_and_regex_message(tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text("code,kind,pattern\ntrust,keyword,trust\nfunding,regex,budget(\n")
    with pytest.raises(DataValidationError) as caught:
        load_rules(path, codes=["trust", "funding"])
    (problem,) = caught.value.problems
    assert (problem.source, problem.row, problem.field) == (str(path), 3, "pattern")
    assert "missing ), unterminated subpattern" in str(problem)


def test_unknown_code_error_names_file_row_and_known_codes(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(
        "- code: trust\n  kind: keyword\n  pattern: trust\n"
        "- code: trsut\n  kind: keyword\n  pattern: x\n"
    )
    with pytest.raises(DataValidationError) as caught:
        load_rules(path, codes=["trust", "funding"])
    (problem,) = caught.value.problems
    assert (problem.source, problem.row, problem.value) == (str(path), 4, "trsut")
    assert "unknown code" in str(problem) and "funding, trust" in str(problem)


def test_a_regex_matching_empty_text_is_refused(tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text("code,kind,pattern\ntrust,regex,(trust)?\n")
    with pytest.raises(DataValidationError, match="matches empty text"):
        load_rules(path)


# --- proposals and the store --------------------------------------------------------------


@pytest.fixture
def store():
    store = open_store("sqlite://")
    write_evaluation(
        store,
        EvaluationBatch(
            sources=(SourceRecord("fg", "Focus group", "focus_group", None, TEXT["fg"]),),
            turns=(TurnRecord("fg", 1, 0, 42, "P01"), TurnRecord("fg", 2, 43, 71, "P02")),
            codes=(CodeRecord("trust", "Trust"), CodeRecord("funding", "Funding")),
            coders=(CoderRecord("C1"),),
        ),
    )
    return store


RULES = [AutoCodeRule("trust", "keyword", "trust"), AutoCodeRule("funding", "keyword", "budget")]


def test_proposals_are_not_written_until_accepted(store):
    proposals = propose_segments(turns_frame(store), RULES)
    assert len(proposals) == 2
    assert segments_frame(store).empty


def test_accepting_writes_only_the_chosen_proposals_with_origin_auto(store):
    proposals = propose_segments(turns_frame(store), RULES)
    chosen = proposals.index[proposals["code"] == "funding"]
    ids = accept_proposals(store, proposals, chosen, "C1")
    stored = segments_frame(store)
    assert stored["segment_id"].tolist() == ids
    assert stored[["code", "coder", "origin", "text"]].to_dict("records") == [
        {"code": "funding", "coder": "C1", "origin": "auto", "text": "The budget is joined-up now."}
    ]
    assert "keyword budget" in stored["memo"].iloc[0]


def test_accepting_an_unknown_index_writes_nothing(store):
    proposals = propose_segments(turns_frame(store), RULES)
    with pytest.raises(NotFoundError, match="no proposal with index 7"):
        accept_proposals(store, proposals, [0, 7], "C1")
    assert segments_frame(store).empty


def test_a_turns_frame_without_its_text_column_says_where_turns_come_from():
    turns = pd.DataFrame({"source": ["s1"], "start_char": [0]})
    with pytest.raises(DataValidationError, match=r"column 'text'.*turns_frame\(store\)"):
        propose_segments(turns, [AutoCodeRule("integration", "keyword", "integrat*")])
