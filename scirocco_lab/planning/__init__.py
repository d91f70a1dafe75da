"""Planning records: knowledge-transfer programmes, asset catalogue, action plans, coaching.

Records and their rules are in :mod:`scirocco_lab.planning.records`; saving, loading and tidy
frames in :mod:`scirocco_lab.planning.store`; catalogue search in
:mod:`scirocco_lab.planning.catalogue`; the action-plan workbook in
:mod:`scirocco_lab.planning.export`. The most used names are re-exported here.

>>> from scirocco_lab.planning import ACTIVITY_KINDS
>>> "study_visit" in ACTIVITY_KINDS
True
"""

from scirocco_lab.planning.records import (
    ACTION_PRIORITIES,
    ACTION_STATUSES,
    ACTIVITY_KINDS,
    ASSET_KINDS,
    ActionPlanRecord,
    ActionRecord,
    ActivityRecord,
    AssetRecord,
    AssignmentRecord,
    CoachingProgrammeRecord,
    CoachingSessionRecord,
    CoachRecord,
    DuplicatePlanningRecordError,
    KnowledgeTransferProgramme,
    MidpointReview,
    MilestoneRecord,
    StakeholderRecord,
    TeamRecord,
)
from scirocco_lab.planning.store import (
    action_plans_frame,
    actions_frame,
    activities_frame,
    assets_frame,
    coaching_programmes_frame,
    load_action_plan,
    load_coaching_programme,
    load_programme,
    milestones_frame,
    programmes_frame,
    save_action_plan,
    save_assets,
    save_coaching_programme,
    save_programme,
)

__all__ = [
    "ACTION_PRIORITIES",
    "ACTION_STATUSES",
    "ACTIVITY_KINDS",
    "ASSET_KINDS",
    "ActionPlanRecord",
    "ActionRecord",
    "ActivityRecord",
    "AssetRecord",
    "AssignmentRecord",
    "CoachRecord",
    "CoachingProgrammeRecord",
    "CoachingSessionRecord",
    "DuplicatePlanningRecordError",
    "KnowledgeTransferProgramme",
    "MidpointReview",
    "MilestoneRecord",
    "StakeholderRecord",
    "TeamRecord",
    "action_plans_frame",
    "actions_frame",
    "activities_frame",
    "assets_frame",
    "coaching_programmes_frame",
    "load_action_plan",
    "load_coaching_programme",
    "load_programme",
    "milestones_frame",
    "programmes_frame",
    "save_action_plan",
    "save_assets",
    "save_coaching_programme",
    "save_programme",
]
