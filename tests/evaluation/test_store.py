"""Evaluation store: one-transaction writes, validation, frames and privacy."""

import datetime as dt
import math
from dataclasses import replace

import pandas as pd
import pytest

from scirocco_lab.assessment.records import SubjectRecord
from scirocco_lab.assessment.store import add_subjects
from scirocco_lab.errors import DataValidationError, NotFoundError
from scirocco_lab.evaluation.records import (
    CodeRecord,
    CoderRecord,
    EvaluationBatch,
    ParticipantRecord,
    SegmentRecord,
    TurnRecord,
)
from scirocco_lab.evaluation.store import (
    CODE_COLUMNS,
    CODER_COLUMNS,
    ITEM_COLUMNS,
    PARTICIPANT_COLUMNS,
    QUESTIONNAIRE_COLUMNS,
    RESPONSE_COLUMNS,
    SEGMENT_COLUMNS,
    SOURCE_COLUMNS,
    TURN_COLUMNS,
    add_coders,
    add_segments,
    coders_frame,
    codes_frame,
    evaluation_counts,
    participants_frame,
    questionnaire_items_frame,
    questionnaires_frame,
    remove_segments,
    responses_frame,
    save_codes,
    segments_frame,
    source_text,
    sources_frame,
    turns_frame,
    write_evaluation,
)
from scirocco_lab.store import open_store

TEXT = "P01: The visit opened our eyes.\n\nFacilitator: What would you change?\n\nP02: Funding."
#          0123456789...


def _turns(source="fg-1"):
    first = TEXT.index("The visit")
    second = TEXT.index("What would")
    third = TEXT.index("Funding.")
    return (
        TurnRecord(source, 1, first, TEXT.index("\n\n"), speaker="NV-P01", started_at=0.0),
        TurnRecord(source, 2, second, TEXT.index("\n\nP02"), speaker="Facilitator"),
        TurnRecord(source, 3, third, len(TEXT), speaker="NV-P02", started_at=12.5),
    )


@pytest.fixture
def small_batch(focus_group_batch):
    """A builder of the test batch; keywords replace its parts."""

    def build(**overrides):
        batch = focus_group_batch(
            TEXT,
            (
                ParticipantRecord(
                    "NV-P01",
                    group="clinician",
                    region="northvale",
                    full_name="Ada Realname",
                    email="ada@example.org",
                ),
                ParticipantRecord("NV-P02", group="manager", region="northvale"),
            ),
            title="Focus group after the study visit",
            source_fields={"region": "northvale"},
            turns=_turns(),
            codes=(
                CodeRecord(
                    "barriers", "Barriers", dimensions=("funding",), categories=("context",)
                ),
                CodeRecord("funding-gap", "Funding gap", parent="barriers", colour="#aa3300"),
                CodeRecord("learning", "Knowledge acquisition"),
            ),
            coders=(CoderRecord("coder-A"), CoderRecord("coder-B")),
            segments=(
                SegmentRecord("fg-1", "learning", "coder-A", 5, 31),
                SegmentRecord("fg-1", "funding-gap", "coder-B", TEXT.index("Funding."), len(TEXT)),
            ),
            source="test batch",
        )
        return replace(batch, **overrides)

    return build


@pytest.fixture
def store():
    store = open_store("sqlite://")
    add_subjects(store, [SubjectRecord("northvale", "Northvale")])
    return store


def test_write_evaluation_counts_what_it_wrote(store, small_batch):
    summary = write_evaluation(store, small_batch())
    assert (summary.participants_added, summary.sources_added, summary.turns_written) == (2, 1, 3)
    assert (summary.codes_added, summary.coders_added, summary.segments_added) == (3, 2, 2)
    assert len(summary.segment_ids) == 2


def test_frames_have_the_contract_columns_when_empty():
    store = open_store("sqlite://")
    frames = {
        "participants": (participants_frame(store), PARTICIPANT_COLUMNS),
        "sources": (sources_frame(store), SOURCE_COLUMNS),
        "turns": (turns_frame(store), TURN_COLUMNS),
        "codes": (codes_frame(store), CODE_COLUMNS),
        "coders": (coders_frame(store), CODER_COLUMNS),
        "segments": (segments_frame(store), SEGMENT_COLUMNS),
        "questionnaires": (questionnaires_frame(store), QUESTIONNAIRE_COLUMNS),
        "items": (questionnaire_items_frame(store), ITEM_COLUMNS),
        "responses": (responses_frame(store), RESPONSE_COLUMNS),
    }
    for name, (frame, columns) in frames.items():
        assert frame.empty, name
        assert frame.columns.tolist() == columns, name


def test_frames_have_the_contract_columns_when_filled(store, small_batch):
    write_evaluation(store, small_batch())
    assert sources_frame(store).columns.tolist() == SOURCE_COLUMNS
    assert turns_frame(store).columns.tolist() == TURN_COLUMNS
    assert codes_frame(store).columns.tolist() == CODE_COLUMNS
    assert segments_frame(store).columns.tolist() == SEGMENT_COLUMNS
    assert "text" not in sources_frame(store).columns


def test_contract_column_lists_are_exact():
    assert SEGMENT_COLUMNS[-5:] == ["turn", "speaker", "region", "activity", "participant_group"]
    assert RESPONSE_COLUMNS == [
        "questionnaire",
        "respondent",
        "group",
        "region",
        "item",
        "value",
        "label",
    ]


def test_sources_frame_lists_participants_and_text_length(store, small_batch):
    write_evaluation(store, small_batch())
    row = sources_frame(store).iloc[0]
    assert row["participants"] == ("NV-P01", "NV-P02")
    assert row["text_length"] == len(TEXT)
    assert row["held_on"] == dt.date(2026, 3, 4)
    assert len(row["guid"]) == 36


def test_source_text_returns_the_full_text(store, small_batch):
    write_evaluation(store, small_batch())
    assert source_text(store, "fg-1") == TEXT


def test_source_text_of_unknown_source_names_known_ones(store, small_batch):
    write_evaluation(store, small_batch())
    with pytest.raises(NotFoundError, match="fg-1"):
        source_text(store, "nope")


def test_turns_frame_derives_utterances(store, small_batch):
    write_evaluation(store, small_batch())
    turns = turns_frame(store)
    assert turns["text"].tolist() == [
        "The visit opened our eyes.",
        "What would you change?",
        "Funding.",
    ]
    assert turns["speaker"].tolist() == ["NV-P01", "Facilitator", "NV-P02"]
    assert math.isnan(turns["started_at"].iloc[1])


def test_segments_frame_derives_text_turn_speaker_and_group(store, small_batch):
    write_evaluation(store, small_batch())
    segments = segments_frame(store)
    first = segments.iloc[0]
    assert first["text"] == TEXT[5:31]
    assert (first["turn"], first["speaker"], first["participant_group"]) == (
        1,
        "NV-P01",
        "clinician",
    )
    assert (first["region"], first["activity"]) == ("northvale", "focus_group")
    last = segments.iloc[1]
    assert (last["turn"], last["speaker"], last["participant_group"]) == (3, "NV-P02", "manager")
    assert str(segments["coded_at"].dt.tz) == "UTC"


def test_segment_starting_on_a_speaker_label_belongs_to_that_turn(store, small_batch):
    write_evaluation(store, small_batch())
    start = TEXT.index("P02:")
    add_segments(store, [SegmentRecord("fg-1", "barriers", "coder-A", start, len(TEXT))])
    segment = segments_frame(store, code="barriers").iloc[0]
    assert segment["turn"] == 3


def test_segments_frame_filters(store, small_batch):
    write_evaluation(store, small_batch())
    assert segments_frame(store, coder="coder-B")["code"].tolist() == ["funding-gap"]
    assert segments_frame(store, code="learning")["coder"].tolist() == ["coder-A"]
    assert segments_frame(store, source="other").empty


def test_codes_frame_orders_parents_first_with_paths(store, small_batch):
    write_evaluation(store, small_batch())
    codes = codes_frame(store)
    assert codes["code"].tolist() == ["barriers", "funding-gap", "learning"]
    assert codes["path"].tolist() == ["Barriers", "Barriers/Funding gap", "Knowledge acquisition"]
    assert codes.iloc[0]["dimensions"] == ("funding",)
    assert codes.iloc[0]["categories"] == ("context",)
    assert codes.iloc[1]["parent"] == "barriers"


def test_real_names_only_with_include_identities(store, small_batch):
    write_evaluation(store, small_batch())
    plain = participants_frame(store)
    assert "Ada Realname" not in plain.to_string()
    assert plain.columns.tolist() == PARTICIPANT_COLUMNS
    named = participants_frame(store, include_identities=True)
    assert named.set_index("pseudonym").loc["NV-P01", "full_name"] == "Ada Realname"


def test_segment_outside_the_text_writes_nothing(store, small_batch):
    batch = small_batch(segments=(SegmentRecord("fg-1", "learning", "coder-A", 10, 10_000),))
    with pytest.raises(DataValidationError, match="inside the text"):
        write_evaluation(store, batch)
    assert evaluation_counts(store)["sources"] == 0


def test_unknown_code_coder_and_source_are_named(store, small_batch):
    write_evaluation(store, small_batch())
    with pytest.raises(DataValidationError) as error:
        add_segments(store, [SegmentRecord("fg-9", "nocode", "coder-Z", 0, 3)])
    message = str(error.value)
    assert "fg-9" in message and "nocode" in message and "coder-Z" in message


def test_unknown_region_and_dimension_are_refused(store, small_batch):
    batch = small_batch(
        participants=(ParticipantRecord("X-1", region="atlantis"),),
        sources=(),
        turns=(),
        segments=(),
        codes=(CodeRecord("c", "C", dimensions=("not_a_dimension",)),),
    )
    with pytest.raises(DataValidationError) as error:
        write_evaluation(store, batch)
    assert "atlantis" in str(error.value) and "not_a_dimension" in str(error.value)


def test_code_cycle_is_refused(store):
    batch = EvaluationBatch(
        codes=(CodeRecord("a", "A", parent="b"), CodeRecord("b", "B", parent="a"))
    )
    with pytest.raises(DataValidationError, match="own ancestor"):
        write_evaluation(store, batch)


def test_overlapping_turns_are_refused(store, small_batch):
    turns = (TurnRecord("fg-1", 1, 0, 20), TurnRecord("fg-1", 2, 10, 30))
    with pytest.raises(DataValidationError, match="overlaps"):
        write_evaluation(store, small_batch(turns=turns, segments=()))


def test_existing_source_is_an_error_without_replace(store, small_batch):
    write_evaluation(store, small_batch())
    with pytest.raises(DataValidationError, match="already in the store"):
        write_evaluation(store, small_batch(segments=()))


def test_replace_keeps_guid_and_drops_old_segments(store, small_batch):
    write_evaluation(store, small_batch())
    guid = sources_frame(store)["guid"].iloc[0]
    summary = write_evaluation(store, small_batch(segments=()), replace=True)
    assert summary.sources_replaced == 1
    assert sources_frame(store)["guid"].iloc[0] == guid
    assert segments_frame(store).empty
    assert len(turns_frame(store)) == 3


def test_replace_may_rewrite_segments_with_their_stored_guids(store, small_batch):
    guid = "5f0c2a9e-7b3d-4c1e-8a6f-9d2b4e1c7a30"
    segment = SegmentRecord("fg-1", "learning", "coder-A", 5, 31, guid=guid)
    write_evaluation(store, small_batch(segments=(segment,)))
    write_evaluation(store, small_batch(segments=(segment,)), replace=True)
    assert segments_frame(store)["guid"].tolist() == [guid]


def test_stored_segment_guid_is_refused_when_its_source_is_not_replaced(store, small_batch):
    guid = "5f0c2a9e-7b3d-4c1e-8a6f-9d2b4e1c7a30"
    write_evaluation(
        store,
        small_batch(segments=(SegmentRecord("fg-1", "learning", "coder-A", 5, 31, guid=guid),)),
    )
    with pytest.raises(DataValidationError, match="another segment already has this guid"):
        add_segments(store, [SegmentRecord("fg-1", "barriers", "coder-B", 0, 3, guid=guid)])


def test_duplicate_segment_is_refused(store, small_batch):
    write_evaluation(store, small_batch())
    with pytest.raises(DataValidationError, match="already applied"):
        add_segments(store, [SegmentRecord("fg-1", "learning", "coder-A", 5, 31)])


def test_add_and_remove_segments(store, small_batch):
    write_evaluation(store, small_batch())
    ids = add_segments(store, [SegmentRecord("fg-1", "barriers", "coder-A", 0, 3, origin="auto")])
    assert segments_frame(store, code="barriers")["segment_id"].tolist() == ids
    assert remove_segments(store, ids) == 1
    assert segments_frame(store, code="barriers").empty


def test_remove_unknown_segment_removes_nothing(store, small_batch):
    write_evaluation(store, small_batch())
    first = int(segments_frame(store)["segment_id"].iloc[0])
    with pytest.raises(NotFoundError, match="999"):
        remove_segments(store, [first, 999])
    assert len(segments_frame(store)) == 2


def test_save_codes_updates_existing_codes(store, small_batch):
    write_evaluation(store, small_batch())
    save_codes(store, [CodeRecord("learning", "Learning", description="new wording")])
    codes = codes_frame(store).set_index("code")
    assert codes.loc["learning", "name"] == "Learning"
    assert codes.loc["learning", "description"] == "new wording"


def test_given_guids_are_kept(store):
    guid = "0b8f4a2e-5c1d-4e9a-9f3b-2d7c6a1e8b90"
    add_coders(store, [CoderRecord("coder-Q", guid=guid)])
    assert coders_frame(store)["guid"].tolist() == [guid]


@pytest.fixture
def questionnaire_batch(visit_questionnaire):
    """A builder of a batch of one questionnaire whose third answer is ``value``."""

    def build(value=4.0):
        return EvaluationBatch(
            **visit_questionnaire(
                "sv-sat",
                "Study visit satisfaction",
                ("Disagree", "Neutral", "Agree"),
                {"useful": "The visit was useful.", "long": "The visit was too long."},
                [
                    ("R01", "useful", 3.0, "clinician"),
                    ("R01", "long", None, "clinician"),
                    ("R02", "useful", value, "manager"),
                ],
                reversed=("long",),
                region="northvale",
            )
        )

    return build


def test_questionnaire_value_outside_scale_writes_nothing(store, questionnaire_batch):
    with pytest.raises(DataValidationError, match=r"outside the scale 1\.\.3"):
        write_evaluation(store, questionnaire_batch(value=4.0))
    assert questionnaires_frame(store).empty


def test_responses_frame_labels_and_regions(store, questionnaire_batch):
    write_evaluation(store, questionnaire_batch(value=2.0))
    responses = responses_frame(store)
    assert responses["label"].iloc[[0, 2]].tolist() == ["Agree", "Neutral"]
    assert pd.isna(responses["label"].iloc[1])
    assert responses["region"].unique().tolist() == ["northvale"]
    assert math.isnan(responses["value"].iloc[1])
    items = questionnaire_items_frame(store)
    assert items["reverse_scored"].tolist() == [False, True]
    assert questionnaires_frame(store).iloc[0]["scale_labels"] == ("Disagree", "Neutral", "Agree")
