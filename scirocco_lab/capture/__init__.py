"""Capture: assessment forms, consensus workshops and twinning meetings as notebook widgets.

- :class:`AssessmentForm`: a participant's individual HS or GP assessment, saved as a draft
  on every change, resumable, locked on submit (also served as a web app by Voilà, see
  :mod:`scirocco_lab.capture.serve`).
- :class:`ConsensusWorkshop`: per dimension the spread of the individual ratings, the
  consensus statistics and disagreement flags; the facilitator records the agreed levels.
- :class:`TwinningMeeting`: two assessments side by side and, per dimension, the features the
  receiving system must implement.
- :class:`KnowledgeTransferBuilder`, :class:`ActionPlanEditor`, :class:`CoachingLog`: planning
  records (knowledge-transfer programmes, action plans, coaching programmes).
- :class:`CodingPanel`: read a transcript, apply or remove codes, accept or reject
  auto-coding proposals.

The store logic under the widgets is plain functions (:mod:`scirocco_lab.assessment.drafts`,
:mod:`scirocco_lab.comparison.meetings`) that tests and scripts call directly.
"""

from scirocco_lab.assessment.drafts import (
    AssessmentLockedError,
    DraftConflictError,
    FormTarget,
    SavedAssessment,
    assessment_ratings,
    build_assessment,
    load_assessment,
    missing_dimensions,
    save_draft,
    stored_revision,
    stored_status,
    submit_assessment,
)
from scirocco_lab.capture.assessment_form import (
    DONT_KNOW,
    AssessmentForm,
    FormSettings,
    assessment_form_from_environment,
    form_settings,
    query_parameters,
)
from scirocco_lab.capture.twinning import TwinningMeeting
from scirocco_lab.capture.workshop import ConsensusWorkshop, workshop_summary
from scirocco_lab.comparison.meetings import (
    FEASIBILITY,
    TwinningFeature,
    load_twinning_features,
    save_twinning_features,
    twinning_features_frame,
)

__all__ = [
    "DONT_KNOW",
    "FEASIBILITY",
    "ActionPlanEditor",
    "AssessmentForm",
    "AssessmentLockedError",
    "CoachingLog",
    "CodingPanel",
    "ConsensusWorkshop",
    "DraftConflictError",
    "FormSettings",
    "FormTarget",
    "KnowledgeTransferBuilder",
    "SavedAssessment",
    "TwinningFeature",
    "TwinningMeeting",
    "assessment_form_from_environment",
    "assessment_ratings",
    "build_assessment",
    "form_settings",
    "load_assessment",
    "load_twinning_features",
    "missing_dimensions",
    "query_parameters",
    "save_draft",
    "save_twinning_features",
    "stored_revision",
    "stored_status",
    "submit_assessment",
    "twinning_features_frame",
    "workshop_summary",
]

# The planning and coding widgets pull in the report and analysis modules (about 0.7 s of
# imports); loading them on first use keeps that off every Voila assessment-form start.
_LAZY = {
    "ActionPlanEditor": "scirocco_lab.capture.action_plan",
    "CoachingLog": "scirocco_lab.capture.coaching_log",
    "KnowledgeTransferBuilder": "scirocco_lab.capture.knowledge_transfer",
    "CodingPanel": "scirocco_lab.capture.coding",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
