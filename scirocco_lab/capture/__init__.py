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

# Public name -> the module that defines it, imported on first use (module __getattr__, as in
# scirocco_lab/__init__): `scirocco-lab --help` registers the capture commands without
# importing ipywidgets, pandas or the store, and a Voila assessment form loads only its own
# widget's modules.
_MODULES = {
    "scirocco_lab.assessment.drafts": (
        "AssessmentLockedError",
        "DraftConflictError",
        "FormTarget",
        "SavedAssessment",
        "assessment_ratings",
        "build_assessment",
        "load_assessment",
        "missing_dimensions",
        "save_draft",
        "stored_revision",
        "stored_status",
        "submit_assessment",
    ),
    "scirocco_lab.capture.assessment_form": (
        "DONT_KNOW",
        "AssessmentForm",
        "FormSettings",
        "assessment_form_from_environment",
        "form_settings",
        "query_parameters",
    ),
    "scirocco_lab.capture.twinning": ("TwinningMeeting",),
    "scirocco_lab.capture.workshop": ("ConsensusWorkshop", "workshop_summary"),
    "scirocco_lab.comparison.meetings": (
        "FEASIBILITY",
        "TwinningFeature",
        "load_twinning_features",
        "save_twinning_features",
        "twinning_features_frame",
    ),
    "scirocco_lab.capture.action_plan": ("ActionPlanEditor",),
    "scirocco_lab.capture.coaching_log": ("CoachingLog",),
    "scirocco_lab.capture.knowledge_transfer": ("KnowledgeTransferBuilder",),
    "scirocco_lab.capture.coding": ("CodingPanel",),
}
_LAZY = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # later look-ups skip __getattr__
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
