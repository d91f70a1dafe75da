"""Synthetic evaluation demo: determinism, shape, coder disagreement, idempotent seeding."""

from collections import Counter

import pytest

from scirocco_lab.assessment.demo import DEMO_MARK, generate_demo
from scirocco_lab.assessment.store import write_batch
from scirocco_lab.evaluation.demo import (
    DEMO_CODERS,
    DEMO_REGIONS,
    generate_evaluation_demo,
    seed_evaluation_demo,
)
from scirocco_lab.evaluation.records import EvaluationContext, validate_evaluation
from scirocco_lab.evaluation.store import (
    codes_frame,
    evaluation_counts,
    segments_frame,
    sources_frame,
)
from scirocco_lab.instruments import load_instrument
from scirocco_lab.store import open_store

EXCHANGE = load_instrument()


@pytest.fixture(scope="module")
def batch():
    return generate_evaluation_demo()


@pytest.fixture(scope="module")
def seeded():
    store = open_store("sqlite://")
    write_batch(store, generate_demo())
    summary = seed_evaluation_demo(store)
    return store, summary


def test_same_seed_same_batch_other_seed_other_batch(batch):
    assert generate_evaluation_demo() == batch
    assert generate_evaluation_demo(7) != batch


def test_demo_batch_is_valid_and_marked(batch):
    context = EvaluationContext(
        subjects=frozenset(DEMO_REGIONS), dimensions=frozenset(EXCHANGE.dimension_keys)
    )
    assert validate_evaluation(batch, context) == []
    assert batch.notes[0] == DEMO_MARK
    assert all(s.synthetic for s in batch.sources)
    assert all(p.synthetic for p in batch.participants)
    assert all(q.synthetic for q in batch.questionnaires)


def test_demo_has_six_to_eight_sources_of_15_to_30_turns(batch):
    assert 6 <= len(batch.sources) <= 8
    turns = Counter(turn.source for turn in batch.turns)
    assert all(15 <= count <= 30 for count in turns.values()), turns
    assert {s.region for s in batch.sources} == set(DEMO_REGIONS)
    assert {"focus_group", "interview"} <= {s.activity for s in batch.sources}


def test_participants_come_from_several_groups(batch):
    groups = {p.group for p in batch.participants}
    assert {"clinician", "manager", "patient representative", "IT specialist"} <= groups


def test_codebook_has_two_levels_linked_to_real_dimensions(batch):
    parents = {c.code for c in batch.codes if c.parent is None}
    assert 12 <= len(batch.codes) <= 20
    assert all(c.parent in parents for c in batch.codes if c.parent is not None)
    linked = {key for c in batch.codes for key in c.dimensions}
    assert linked and linked <= set(EXCHANGE.dimension_keys)


def test_codes_keep_only_dimensions_the_instrument_has(batch):
    shrunk = EXCHANGE.to_mapping()
    shrunk["dimensions"] = [d for d in shrunk["dimensions"] if d["key"] == "funding"]
    from scirocco_lab.instruments import instrument_from_mapping

    other = generate_evaluation_demo(instrument=instrument_from_mapping(shrunk))
    assert {key for c in other.codes for key in c.dimensions} == {"funding"}


def test_two_coders_agree_mostly_but_not_fully(batch):
    a = [s for s in batch.segments if s.coder == "coder-A"]
    b = [s for s in batch.segments if s.coder == "coder-B"]

    def overlaps(x, y):
        return x.source == y.source and x.start_char < y.end_char and y.start_char < x.end_char

    same_code = [any(overlaps(x, y) and x.code == y.code for y in a) for x in b]
    exact = [
        any(
            overlaps(x, y)
            and (x.code, x.start_char, x.end_char) == (y.code, y.start_char, y.end_char)
            for y in a
        )
        for x in b
    ]
    other_code = [
        any(
            overlaps(x, y)
            and (x.start_char, x.end_char) == (y.start_char, y.end_char)
            and x.code != y.code
            for y in a
        )
        for x in b
    ]
    assert sum(same_code) / len(b) > 0.8  # high agreement...
    assert sum(same_code) > sum(exact)  # ...but some boundaries differ
    assert any(other_code)  # ...and some codes
    assert {s.coder for s in batch.segments} == set(DEMO_CODERS)
    assert len({s.source for s in batch.segments if s.coder == "coder-C"}) == 1


def test_questionnaires_have_8_items_and_10_to_15_respondents(batch):
    assert len(batch.questionnaires) == len(DEMO_REGIONS)
    for form in batch.questionnaires:
        items = [i for i in batch.items if i.questionnaire == form.questionnaire]
        respondents = {
            r.respondent for r in batch.responses if r.questionnaire == form.questionnaire
        }
        assert len(items) == 8 and any(i.reverse_scored for i in items)
        assert 10 <= len(respondents) <= 15
        assert (form.scale_min, form.scale_max) == (1, 5)


def test_seed_writes_once_and_returns_a_summary(seeded):
    store, summary = seeded
    assert summary is not None and "transcripts" in summary
    assert len(sources_frame(store)) == 8
    assert not segments_frame(store).empty
    assert seed_evaluation_demo(store) is None


def test_seed_needs_the_demo_regions():
    store = open_store("sqlite://")
    assert seed_evaluation_demo(store) is None
    assert not any(evaluation_counts(store).values())


def test_demo_segments_know_speaker_and_group(seeded):
    store, _ = seeded
    segments = segments_frame(store)
    assert segments["speaker"].notna().all()
    assert segments["participant_group"].notna().mean() > 0.9
    assert codes_frame(store)["path"].str.contains("/").any()


def test_no_sentence_is_put_in_two_participants_mouths(batch):
    # Facilitators and interviewers follow one topic guide; participants never share a line.
    import re

    texts = {source.source: source.text for source in batch.sources}
    speakers_of: dict[str, set[str]] = {}
    for turn in batch.turns:
        if turn.speaker in ("Facilitator", "Interviewer"):
            continue
        spoken = texts[turn.source][turn.start_char : turn.end_char].strip()
        for sentence in re.split(r"(?<=[.?!])\s+", spoken):
            speakers_of.setdefault(sentence, set()).add(turn.speaker)
    shared = {sentence: who for sentence, who in speakers_of.items() if len(who) > 1}
    assert shared == {}
    assert len(speakers_of) > 150
