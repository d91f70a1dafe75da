"""Evaluation data: transcripts, questionnaires, codebook, coded segments.

The records (:mod:`scirocco_lab.evaluation.records`) and the store API
(:mod:`scirocco_lab.evaluation.store`) are re-exported here. Importers live in
:mod:`~scirocco_lab.evaluation.transcripts` (.txt, .docx, .vtt, .srt) and
:mod:`~scirocco_lab.evaluation.questionnaires` (CSV, Excel); synthetic demo data in
:mod:`~scirocco_lab.evaluation.demo`. ``docs/evaluation.md`` describes the data model and the
file formats.

>>> from scirocco_lab.evaluation import EvaluationBatch, write_evaluation
>>> EvaluationBatch().is_empty
True
"""

from scirocco_lab.evaluation.records import (
    ACTIVITIES,
    SEGMENT_ORIGINS,
    SOURCE_FORMATS,
    CodeRecord,
    CoderRecord,
    EvaluationBatch,
    ItemRecord,
    ParticipantRecord,
    QuestionnaireRecord,
    ResponseRecord,
    SegmentRecord,
    SourceRecord,
    TurnRecord,
    validate_evaluation,
)
from scirocco_lab.evaluation.store import (
    EvaluationSummary,
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

__all__ = [
    "ACTIVITIES",
    "SEGMENT_ORIGINS",
    "SOURCE_FORMATS",
    "CodeRecord",
    "CoderRecord",
    "EvaluationBatch",
    "EvaluationSummary",
    "ItemRecord",
    "ParticipantRecord",
    "QuestionnaireRecord",
    "ResponseRecord",
    "SegmentRecord",
    "SourceRecord",
    "TurnRecord",
    "add_coders",
    "add_segments",
    "coders_frame",
    "codes_frame",
    "evaluation_counts",
    "participants_frame",
    "questionnaire_items_frame",
    "questionnaires_frame",
    "remove_segments",
    "responses_frame",
    "save_codes",
    "segments_frame",
    "source_text",
    "sources_frame",
    "turns_frame",
    "validate_evaluation",
    "write_evaluation",
]
