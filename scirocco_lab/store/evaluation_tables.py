"""Old import path of the evaluation tables, kept for one release: use
:mod:`scirocco_lab.evaluation.tables`."""

from scirocco_lab.evaluation.tables import (
    coded_segments,
    evaluation_coders,
    evaluation_codes,
    evaluation_participants,
    evaluation_source_participants,
    evaluation_sources,
    evaluation_turns,
    participant_identities,
    questionnaire_items,
    questionnaire_responses,
    questionnaires,
)

__all__ = [
    "coded_segments",
    "evaluation_coders",
    "evaluation_codes",
    "evaluation_participants",
    "evaluation_source_participants",
    "evaluation_sources",
    "evaluation_turns",
    "participant_identities",
    "questionnaire_items",
    "questionnaire_responses",
    "questionnaires",
]
