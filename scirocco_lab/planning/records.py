"""Planning records as frozen dataclasses, and the rules they must satisfy.

Four kinds of planning record, following the SCIROCCO Exchange knowledge-transfer programme
(steps 1-8: dimensions, needs, stakeholders, assets, activity menu, personalisation, dated
plan, evaluation) and a system improvement coaching programme (a cohort of coaches working
with teams or neighbourhoods, dated milestones, a session log and a mid-point review):

- :class:`AssetRecord`: an entry in the capacity-building asset catalogue (tool, guideline,
  good practice, training, expert), tagged by dimensions, languages and owner region.
- :class:`KnowledgeTransferProgramme`: a receiving region's programme with its
  :class:`StakeholderRecord` s, selected assets, :class:`ActivityRecord` s from the menu and
  :class:`MilestoneRecord` s (the dated plan).
- :class:`ActionPlanRecord`: numbered :class:`ActionRecord` s of a region.
- :class:`CoachingProgrammeRecord`: :class:`CoachRecord` s, :class:`TeamRecord` s,
  :class:`AssignmentRecord` s, milestones, :class:`CoachingSessionRecord` s and a
  :class:`MidpointReview`.

People are recorded by pseudonym. ``full_name`` and ``email`` on a stakeholder or coach are
personal data: the store keeps them in a separate identities table and no frame shows them
unless asked.

The ``validate_*`` functions are pure: they check a record against a
:class:`PlanningContext` (the regions, dimension keys, assets and programme keys known) and
return every problem found as an :class:`~scirocco_lab.errors.InputProblem`, so a widget can
show them all at once. :mod:`scirocco_lab.planning.store` raises
:class:`~scirocco_lab.errors.DataValidationError` with them and writes nothing.

>>> import datetime as dt
>>> context = PlanningContext(regions=frozenset({"ostermark"}), dimensions=("funding",))
>>> plan = ActionPlanRecord("ap-1", "Funding plan", "ostermark", actions=(
...     ActionRecord(1, "funding", "Agree a pooled budget",
...                  start=dt.date(2026, 5, 1), end=dt.date(2026, 4, 1)),))
>>> [problem.field for problem in validate_action_plan(plan, context)]
['end']
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from scirocco_lab.errors import (
    DataValidationError,
    DuplicateRecordError,
    InputProblem,
    ProblemCollector,
)

__all__ = [
    "ACTION_PRIORITIES",
    "ACTION_STATUSES",
    "ACTIVITY_KINDS",
    "ACTIVITY_STATUSES",
    "ASSET_KINDS",
    "ASSIGNMENT_ROLES",
    "COACHING_PLAN_TIMELINE",
    "KNOWLEDGE_TRANSFER_STEPS",
    "MAX_STUDY_VISIT_DAYS",
    "MAX_STUDY_VISIT_EXPERTS",
    "MILESTONE_STATUSES",
    "PROGRAMME_KINDS",
    "PROGRAMME_STATUSES",
    "TEAM_KINDS",
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
    "PlanningBatch",
    "PlanningContext",
    "StakeholderRecord",
    "TeamRecord",
    "coaching_timeline_milestones",
    "knowledge_transfer_step_milestones",
    "validate_action_plan",
    "validate_assets",
    "validate_coaching_programme",
    "validate_coaching_session",
    "validate_midpoint_review",
    "validate_programme",
]

ASSET_KINDS = ("tool", "guideline", "good_practice", "training", "expert")
#: The seed-001 activity menu: expert mission to the receiving region, event, capacity-building
#: activity, study visit to the transferring region, exchange/secondment/placement of staff.
ACTIVITY_KINDS = ("expert_mission", "event", "capacity_building", "study_visit", "staff_exchange")
ACTIVITY_STATUSES = ("planned", "done", "cancelled")
PROGRAMME_STATUSES = ("draft", "active", "completed", "cancelled")
PROGRAMME_KINDS = ("knowledge_transfer", "coaching")
ACTION_PRIORITIES = ("high", "medium", "low")
ACTION_STATUSES = ("planned", "in_progress", "done", "delayed", "cancelled")
MILESTONE_STATUSES = ("planned", "done", "late")
TEAM_KINDS = ("team", "neighbourhood")
ASSIGNMENT_ROLES = ("lead", "co-coach")
#: Programme rule (seed 001): a study visit hosts at most five visiting experts ...
MAX_STUDY_VISIT_EXPERTS = 5
#: ... and lasts at most two days (end - start + 1).
MAX_STUDY_VISIT_DAYS = 2

#: The eight steps of the knowledge-transfer programme (seed 001) with their dates there,
#: used as the default milestones of a programme (see :func:`knowledge_transfer_step_milestones`).
KNOWLEDGE_TRANSFER_STEPS: tuple[tuple[str, str, dt.date], ...] = (
    ("step-1-dimensions", "Step 1: dimension(s) for knowledge transfer", dt.date(2020, 3, 20)),
    ("step-2-needs", "Step 2: objectives and needs specified", dt.date(2020, 3, 31)),
    ("step-3-stakeholders", "Step 3: stakeholders identified", dt.date(2020, 4, 10)),
    ("step-4-assets", "Step 4: capacity-building assets selected", dt.date(2020, 4, 30)),
    ("step-5-activities", "Step 5: activity types chosen from the menu", dt.date(2020, 4, 30)),
    ("step-6-personalised", "Step 6: programme personalised", dt.date(2020, 4, 30)),
    ("step-7-implemented", "Step 7: programme implemented", dt.date(2021, 2, 28)),
    ("step-8-evaluated", "Step 8: impact evaluated (focus groups)", dt.date(2021, 2, 28)),
)

#: The dated plan of the system improvement coaching programme (seed 004), shifted as a
#: whole by :func:`coaching_timeline_milestones`.
COACHING_PLAN_TIMELINE: tuple[tuple[str, str, dt.date], ...] = (
    ("recruit", "Recruit coaching programme participants", dt.date(2024, 7, 7)),
    ("content-review", "Complete update and review of programme contents", dt.date(2024, 8, 4)),
    (
        "neighbourhood-plans",
        "Liaise with neighbourhoods on improvement plans",
        dt.date(2024, 8, 19),
    ),
    ("programme-start", "Commence system coaching programme", dt.date(2024, 9, 22)),
    ("assign-teams", "Assign participants to neighbourhood teams", dt.date(2024, 10, 13)),
    ("coaching-contacts", "Agree coaching contacts and co-coaching", dt.date(2024, 11, 7)),
    (
        "taught-phase-done",
        "Complete taught phase of system improvement coaching",
        dt.date(2024, 12, 15),
    ),
    ("peer-supervision", "Commence peer supervision", dt.date(2025, 1, 12)),
    (
        "ongoing-coaching",
        "Ongoing coaching sessions agreed with neighbourhood teams",
        dt.date(2025, 1, 26),
    ),
    ("midpoint-review", "Mid-point review session", dt.date(2025, 3, 9)),
    ("year-1-findings", "Collation of findings for the year 1 report", dt.date(2025, 6, 2)),
)

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
MAX_KEY = 100
MAX_TITLE = 300


class DuplicatePlanningRecordError(DuplicateRecordError, DataValidationError):
    """A planning record with this key is already in the store (save with ``replace=True``
    to overwrite it). Also a :class:`DataValidationError`, with the problem listed."""


# ---------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class AssetRecord:
    """A capacity-building asset in the catalogue (seed 001, step 4)."""

    key: str
    kind: str  # one of ASSET_KINDS
    title: str
    description: str | None = None
    dimensions: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # ISO 639 codes such as "en"
    region: str | None = None  # key of the region that owns or offers it
    url: str | None = None
    synthetic: bool = False


@dataclass(frozen=True)
class StakeholderRecord:
    """A person taking part in a knowledge-transfer programme, by pseudonym."""

    pseudonym: str
    role: str | None = None
    organisation: str | None = None
    full_name: str | None = None  # personal data: kept in the identities table only
    email: str | None = None


@dataclass(frozen=True)
class ActivityRecord:
    """One knowledge-transfer activity chosen from the menu (``kind`` in ACTIVITY_KINDS)."""

    key: str
    kind: str
    title: str
    start: dt.date
    end: dt.date
    location: str | None = None
    visiting_experts: int | None = None
    participants: int | None = None
    dimensions: tuple[str, ...] = ()
    expected_outcomes: str | None = None
    status: str = "planned"

    @property
    def days(self) -> int:
        """Length in days, counting both the first and the last day."""
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class MilestoneRecord:
    """A dated milestone of a knowledge-transfer or coaching programme."""

    key: str
    title: str
    due: dt.date
    done_on: dt.date | None = None
    status: str = "planned"  # one of MILESTONE_STATUSES


@dataclass(frozen=True)
class KnowledgeTransferProgramme:
    """A receiving region's personalised knowledge-transfer programme (seed 001)."""

    key: str
    title: str
    receiving_region: str
    dimensions: tuple[str, ...]  # step 1
    transferring_region: str | None = None  # the "coaching" partner, if there is one
    needs: str | None = None  # step 2
    objectives: str | None = None  # step 2
    stakeholders: tuple[StakeholderRecord, ...] = ()  # step 3
    assets: tuple[str, ...] = ()  # step 4: asset keys from the catalogue
    activities: tuple[ActivityRecord, ...] = ()  # steps 5-7
    milestones: tuple[MilestoneRecord, ...] = ()  # step 7: with the activities, the dated plan
    evaluation_plan: str | None = None  # step 8
    start: dt.date | None = None
    end: dt.date | None = None
    status: str = "draft"  # one of PROGRAMME_STATUSES
    synthetic: bool = False


@dataclass(frozen=True)
class ActionRecord:
    """One action of an action plan; ``position`` numbers the actions 1..n."""

    position: int
    dimension: str
    objective: str
    start: dt.date
    end: dt.date
    owner: str | None = None  # who is responsible: a role, team or pseudonym
    resources: str | None = None
    indicator: str | None = None
    priority: str = "medium"  # one of ACTION_PRIORITIES
    status: str = "planned"  # one of ACTION_STATUSES


@dataclass(frozen=True)
class ActionPlanRecord:
    """A region's action plan, optionally part of a knowledge-transfer programme."""

    key: str
    title: str
    region: str
    actions: tuple[ActionRecord, ...] = ()
    programme: str | None = None  # knowledge-transfer programme key
    synthetic: bool = False


@dataclass(frozen=True)
class CoachRecord:
    """A member of a coaching cohort, by pseudonym."""

    pseudonym: str
    role: str | None = None
    organisation: str | None = None
    cohort: str | None = None
    full_name: str | None = None  # personal data: kept in the identities table only
    email: str | None = None


@dataclass(frozen=True)
class TeamRecord:
    """A team or neighbourhood that receives coaching."""

    key: str
    name: str
    kind: str = "neighbourhood"  # one of TEAM_KINDS
    description: str | None = None


@dataclass(frozen=True)
class AssignmentRecord:
    """A coach assigned to a team, as lead or co-coach."""

    coach: str  # pseudonym
    team: str  # team key
    role: str = "lead"  # one of ASSIGNMENT_ROLES
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class CoachingSessionRecord:
    """One coaching session in the log."""

    session_date: dt.date
    coach: str  # pseudonym
    team: str  # team key
    duration_minutes: int = 60
    focus: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class MidpointReview:
    """The mid-point review of a coaching programme."""

    reviewed_on: dt.date
    summary: str
    decisions: str | None = None


@dataclass(frozen=True)
class CoachingProgrammeRecord:
    """A system improvement coaching programme (seed 004)."""

    key: str
    title: str
    region: str
    start: dt.date
    end: dt.date
    coaches: tuple[CoachRecord, ...] = ()
    teams: tuple[TeamRecord, ...] = ()
    assignments: tuple[AssignmentRecord, ...] = ()
    milestones: tuple[MilestoneRecord, ...] = ()
    sessions: tuple[CoachingSessionRecord, ...] = ()
    midpoint_review: MidpointReview | None = None
    status: str = "draft"  # one of PROGRAMME_STATUSES
    synthetic: bool = False


@dataclass(frozen=True)
class PlanningBatch:
    """Planning records written together, in one transaction (assets first, then
    knowledge-transfer programmes, action plans and coaching programmes)."""

    assets: tuple[AssetRecord, ...] = ()
    programmes: tuple[KnowledgeTransferProgramme, ...] = ()
    action_plans: tuple[ActionPlanRecord, ...] = ()
    coaching_programmes: tuple[CoachingProgrammeRecord, ...] = ()


@dataclass(frozen=True)
class PlanningContext:
    """What the store knows, for validation: region keys, the instrument's dimension keys,
    asset keys, and programme keys of each kind (knowledge-transfer programme key -> its
    receiving region)."""

    regions: frozenset[str]
    dimensions: tuple[str, ...]
    assets: frozenset[str] = frozenset()
    programmes: Mapping[str, str] = field(default_factory=dict)
    coaching_programmes: frozenset[str] = frozenset()
    instrument: str = "scirocco-exchange"


# ---------------------------------------------------------------------------------------
# Templates from the seeds


def knowledge_transfer_step_milestones(
    first_due: dt.date, implementation_end: dt.date
) -> tuple[MilestoneRecord, ...]:
    """Milestones for the eight seed-001 steps: steps 1-6 spaced as in the programme
    (20 March to 30 April), steps 7 and 8 due at ``implementation_end``.

    >>> steps = knowledge_transfer_step_milestones(dt.date(2026, 1, 9), dt.date(2026, 12, 18))
    >>> [(m.key, m.due.isoformat()) for m in steps[:2]]
    [('step-1-dimensions', '2026-01-09'), ('step-2-needs', '2026-01-20')]
    """
    base = KNOWLEDGE_TRANSFER_STEPS[0][2]
    milestones = []
    for key, title, due in KNOWLEDGE_TRANSFER_STEPS:
        shifted = first_due + (due - base) if key[:6] not in ("step-7", "step-8") else None
        milestones.append(MilestoneRecord(key, title, shifted or implementation_end))
    return tuple(milestones)


def coaching_timeline_milestones(recruit_on: dt.date) -> tuple[MilestoneRecord, ...]:
    """The eleven seed-004 milestones, shifted so that recruitment is due on ``recruit_on``.

    >>> timeline = coaching_timeline_milestones(dt.date(2026, 7, 7))
    >>> len(timeline), timeline[-2].key, timeline[-2].due.isoformat()
    (11, 'midpoint-review', '2027-03-09')
    """
    shift = recruit_on - COACHING_PLAN_TIMELINE[0][2]
    return tuple(
        MilestoneRecord(key, title, due + shift) for key, title, due in COACHING_PLAN_TIMELINE
    )


# ---------------------------------------------------------------------------------------
# Validation helpers


def _shown(value):
    """Dates as ISO text in messages (a user typed 2026-05-01, not datetime.date(...))."""
    return value.isoformat() if isinstance(value, dt.date) else value


class _Problems(ProblemCollector):
    """The shared collector, with the checks planning records repeat (keys, texts, dates)."""

    def add(self, source, row, column, value, message, fix) -> None:
        super().add(source, row, column, _shown(value), message, fix)

    def key(self, source, row, column, value, what: str) -> None:
        if not isinstance(value, str) or not value.strip():
            self.add(source, row, column, value, f"{what} needs a key", "give a short key")
        elif len(value) > MAX_KEY or not _KEY.match(value):
            self.add(
                source,
                row,
                column,
                value,
                f"{what} key is not a short code",
                "use letters, digits, '-', '_' or '.' (no spaces), at most 100 characters, "
                "e.g. kt-ostermark-2026",
            )

    def text(self, source, row, column, value, what: str, *, required=True, limit=MAX_TITLE):
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(source, row, column, value, f"{what} is empty", f"fill in the {column}")
        elif not isinstance(value, str):
            self.add(source, row, column, value, f"{what} is not text", f"type the {column}")
        elif limit is not None and len(value) > limit:
            self.add(
                source,
                row,
                column,
                value[:40] + "...",
                f"{what} is longer than {limit} characters",
                "shorten it; put details in the description",
            )

    def choice(self, source, row, column, value, choices: Sequence[str], what: str) -> None:
        if value not in choices:
            self.add(
                source, row, column, value, f"unknown {what}", f"use one of {', '.join(choices)}"
            )

    def date(self, source, row, column, value, *, required=True) -> bool:
        """True when ``value`` is a usable date."""
        if value is None:
            if required:
                self.add(source, row, column, None, "the date is missing", "give a date")
            return False
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            self.add(
                source, row, column, repr(value), "not a date", "give a date such as 2026-05-04"
            )
            return False
        return True

    def span(self, source, row, start, end, what: str, *, required=True) -> None:
        """Both dates valid, and the end not before the start."""
        start_ok = self.date(source, row, "start", start, required=required)
        end_ok = self.date(source, row, "end", end, required=required)
        if start_ok and end_ok and end < start:
            self.add(
                source,
                row,
                "end",
                end,
                f"{what} ends on {end.isoformat()}, before it starts on {start.isoformat()}",
                f"set the end date on or after the start date ({start.isoformat()}), or swap "
                "the two dates",
            )

    def within(self, source, row, column, value, start, end, what: str) -> None:
        """``value`` (a valid date) lies inside [start, end] when both are dates."""
        if not (isinstance(start, dt.date) and isinstance(end, dt.date) and start <= end):
            return
        if isinstance(value, dt.date) and not start <= value <= end:
            self.add(
                source,
                row,
                column,
                value,
                f"{what} lies outside the programme ({start.isoformat()} to {end.isoformat()})",
                "correct the date, or widen the programme's start and end dates",
            )

    def region(self, source, row, column, value, context: PlanningContext, *, required=True):
        if value is None or value == "":
            if required:
                self.add(source, row, column, value, "no region given", "name a region by key")
        elif value not in context.regions:
            known = ", ".join(sorted(context.regions)) or "none yet"
            self.add(
                source,
                row,
                column,
                value,
                "unknown region",
                f"use the key of a region in the store ({known}), or add the region first "
                "(`scirocco-lab subjects add`)",
            )

    def dimensions(self, source, row, column, values, context: PlanningContext, *, required):
        values = tuple(values or ())
        if required and not values:
            self.add(
                source,
                row,
                column,
                None,
                "no dimension chosen",
                f"choose at least one of {', '.join(context.dimensions)}",
            )
        for value in values:
            self.dimension(source, row, column, value, context)
        self.duplicates(source, row, column, values, "dimension")

    def dimension(self, source, row, column, value, context: PlanningContext) -> None:
        if value not in context.dimensions:
            self.add(
                source,
                row,
                column,
                value,
                f"unknown dimension of instrument '{context.instrument}'",
                f"use one of {', '.join(context.dimensions)}",
            )

    def duplicates(self, source, row, column, values: Iterable, what: str) -> None:
        seen = set()
        for value in values:
            if value in seen:
                self.add(
                    source,
                    row,
                    column,
                    value,
                    f"{what} listed twice",
                    f"list each {what} once",
                )
            seen.add(value)

    def count(self, source, row, column, value, what: str) -> bool:
        """None, or a whole number >= 0; True when it is a usable number."""
        if value is None:
            return False
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.add(source, row, column, value, f"{what} must be a whole number 0 or more", "")
            return False
        return True

    def person(self, source, row, pseudonym, email) -> None:
        if not isinstance(pseudonym, str) or not pseudonym.strip():
            self.add(
                source, row, "pseudonym", pseudonym, "no pseudonym", "give a code, e.g. OSM-S01"
            )
        elif len(pseudonym) > MAX_KEY or "@" in pseudonym:
            self.add(
                source,
                row,
                "pseudonym",
                pseudonym,
                "a pseudonym must be a short code, not an e-mail address",
                "use a code such as OSM-S01; put the e-mail address in the email field",
            )
        if email is not None and (not isinstance(email, str) or "@" not in email):
            self.add(source, row, "email", email, "not an e-mail address", "correct or clear it")


def _existing_key(problems: _Problems, source: str, key: str, exists: bool, what: str) -> None:
    """Record a clash with a stored record of another kind (same key space)."""
    if exists:
        problems.add(
            source,
            None,
            "key",
            key,
            f"the key is already used by a {what}",
            "choose another key; programme keys are shared by both kinds of programme",
        )


def _milestones(problems: _Problems, source: str, milestones) -> None:
    part = f"{source} milestones"
    for row, milestone in enumerate(milestones, start=1):
        problems.key(part, row, "milestone", milestone.key, "a milestone")
        problems.text(part, row, "title", milestone.title, "the milestone title")
        problems.date(part, row, "due", milestone.due)
        problems.date(part, row, "done_on", milestone.done_on, required=False)
        problems.choice(part, row, "status", milestone.status, MILESTONE_STATUSES, "status")
        if milestone.done_on is not None and milestone.status != "done":
            problems.add(
                part,
                row,
                "status",
                milestone.status,
                "the milestone has a done date but is not marked done",
                "set the status to done, or clear the done date",
            )
    problems.duplicates(part, None, "milestone", [m.key for m in milestones], "milestone key")


# ---------------------------------------------------------------------------------------
# Validation


def validate_assets(assets: Iterable[AssetRecord], context: PlanningContext) -> list[InputProblem]:
    """Every problem in catalogue assets (rows numbered from 1 in the order given).

    >>> context = PlanningContext(regions=frozenset(), dimensions=("funding",))
    >>> asset = AssetRecord("a1", "webinar", "Pooled budgets", dimensions=("funding",))
    >>> [problem.field for problem in validate_assets([asset], context)]
    ['kind']
    """
    assets = tuple(assets)
    problems = _Problems()
    source = "asset catalogue"
    for row, asset in enumerate(assets, start=1):
        problems.key(source, row, "asset", asset.key, "an asset")
        problems.choice(source, row, "kind", asset.kind, ASSET_KINDS, "asset kind")
        problems.text(source, row, "title", asset.title, "the asset title")
        problems.text(source, row, "description", asset.description, "", required=False, limit=None)
        problems.dimensions(source, row, "dimensions", asset.dimensions, context, required=False)
        for language in asset.languages:
            if not isinstance(language, str) or not _LANGUAGE.match(language):
                problems.add(
                    source,
                    row,
                    "languages",
                    language,
                    "not a language code",
                    "use lower-case ISO 639 codes such as en, es, nl",
                )
        problems.duplicates(source, row, "languages", asset.languages, "language")
        problems.region(source, row, "region", asset.region, context, required=False)
        if asset.url is not None and not str(asset.url).startswith(("http://", "https://")):
            problems.add(
                source, row, "url", asset.url, "not a web address", "start it with https://"
            )
    problems.duplicates(source, None, "asset", [a.key for a in assets], "asset key")
    return problems.items


def validate_programme(
    programme: KnowledgeTransferProgramme, context: PlanningContext
) -> list[InputProblem]:
    """Every problem in a knowledge-transfer programme.

    Checks the regions (known, and transferring differs from receiving), dimensions against
    the instrument, selected assets against the catalogue, activities (menu kind, dates,
    study-visit limits of five visiting experts and two days), milestones, stakeholders and
    duplicate keys. Activities must lie within the programme's start and end when both are
    given.
    """
    problems = _Problems()
    key = programme.key
    source = f"knowledge-transfer programme '{key}'"
    problems.key(source, None, "key", key, "the programme")
    _existing_key(problems, source, key, key in context.coaching_programmes, "coaching programme")
    problems.text(source, None, "title", programme.title, "the programme title")
    problems.region(source, None, "receiving_region", programme.receiving_region, context)
    problems.region(
        source, None, "transferring_region", programme.transferring_region, context, required=False
    )
    if (
        programme.transferring_region
        and programme.transferring_region == programme.receiving_region
    ):
        problems.add(
            source,
            None,
            "transferring_region",
            programme.transferring_region,
            "the transferring region is the receiving region; a region does not twin with itself",
            "choose another transferring region (see `scirocco-lab twinning rank`), or leave it "
            "empty",
        )
    problems.dimensions(source, None, "dimensions", programme.dimensions, context, required=True)
    problems.choice(source, None, "status", programme.status, PROGRAMME_STATUSES, "status")
    problems.span(source, None, programme.start, programme.end, "the programme", required=False)
    for row, asset in enumerate(programme.assets, start=1):
        if asset not in context.assets:
            problems.add(
                f"{source} assets",
                row,
                "asset",
                asset,
                "unknown asset",
                "pick an asset from the catalogue (`scirocco-lab assets search`), or add it "
                "to the catalogue first",
            )
    problems.duplicates(f"{source} assets", None, "asset", programme.assets, "asset")
    part = f"{source} stakeholders"
    for row, person in enumerate(programme.stakeholders, start=1):
        problems.person(part, row, person.pseudonym, person.email)
    problems.duplicates(
        part, None, "pseudonym", [p.pseudonym for p in programme.stakeholders], "stakeholder"
    )
    part = f"{source} activities"
    for row, activity in enumerate(programme.activities, start=1):
        problems.key(part, row, "activity", activity.key, "an activity")
        problems.choice(part, row, "kind", activity.kind, ACTIVITY_KINDS, "activity kind")
        problems.text(part, row, "title", activity.title, "the activity title")
        problems.choice(part, row, "status", activity.status, ACTIVITY_STATUSES, "status")
        problems.span(part, row, activity.start, activity.end, "the activity")
        problems.dimensions(part, row, "dimensions", activity.dimensions, context, required=False)
        experts_ok = problems.count(
            part, row, "visiting_experts", activity.visiting_experts, "visiting experts"
        )
        problems.count(part, row, "participants", activity.participants, "participants")
        problems.within(
            part, row, "start", activity.start, programme.start, programme.end, "the activity"
        )
        problems.within(
            part, row, "end", activity.end, programme.start, programme.end, "the activity"
        )
        if activity.kind != "study_visit":
            continue
        if experts_ok and activity.visiting_experts > MAX_STUDY_VISIT_EXPERTS:
            problems.add(
                part,
                row,
                "visiting_experts",
                activity.visiting_experts,
                f"a study visit hosts at most {MAX_STUDY_VISIT_EXPERTS} visiting experts",
                f"reduce the group to {MAX_STUDY_VISIT_EXPERTS}, or plan a second visit",
            )
        dates_ok = all(isinstance(d, dt.date) for d in (activity.start, activity.end))
        if dates_ok and activity.end >= activity.start and activity.days > MAX_STUDY_VISIT_DAYS:
            problems.add(
                part,
                row,
                "end",
                activity.end,
                f"a study visit lasts at most {MAX_STUDY_VISIT_DAYS} days; this one lasts "
                f"{activity.days}",
                "end it the day after it starts, or record a longer stay as a staff exchange",
            )
    problems.duplicates(
        part, None, "activity", [a.key for a in programme.activities], "activity key"
    )
    _milestones(problems, source, programme.milestones)
    return problems.items


def validate_action_plan(plan: ActionPlanRecord, context: PlanningContext) -> list[InputProblem]:
    """Every problem in an action plan: region, programme, and each action's dimension,
    texts, dates (end not before start), priority, status and position (1..n, no repeats)."""
    problems = _Problems()
    source = f"action plan '{plan.key}'"
    problems.key(source, None, "key", plan.key, "the action plan")
    problems.text(source, None, "title", plan.title, "the plan title")
    problems.region(source, None, "region", plan.region, context)
    if plan.programme is not None:
        receiving = context.programmes.get(plan.programme)
        if receiving is None:
            known = ", ".join(sorted(context.programmes)) or "none yet"
            problems.add(
                source,
                None,
                "programme",
                plan.programme,
                "unknown knowledge-transfer programme",
                f"use a programme key ({known}), or leave it empty",
            )
        elif receiving != plan.region:
            problems.add(
                source,
                None,
                "programme",
                plan.programme,
                f"the programme is for region '{receiving}', not '{plan.region}'",
                "link the plan to a programme of its own region",
            )
    part = f"{source} actions"
    for row, action in enumerate(plan.actions, start=1):
        if isinstance(action.position, bool) or not isinstance(action.position, int):
            problems.add(part, row, "position", action.position, "not a number", "number 1..n")
        elif action.position < 1:
            problems.add(
                part, row, "position", action.position, "positions start at 1", "number 1..n"
            )
        problems.dimension(part, row, "dimension", action.dimension, context)
        problems.text(part, row, "objective", action.objective, "the objective", limit=None)
        problems.text(part, row, "owner", action.owner, "the owner", required=False)
        problems.span(part, row, action.start, action.end, "the action")
        problems.choice(part, row, "priority", action.priority, ACTION_PRIORITIES, "priority")
        problems.choice(part, row, "status", action.status, ACTION_STATUSES, "status")
    problems.duplicates(part, None, "position", [a.position for a in plan.actions], "position")
    return problems.items


def validate_coaching_session(
    session: CoachingSessionRecord,
    *,
    programme: str,
    coaches: Iterable[str],
    teams: Iterable[str],
    start: dt.date | None = None,
    end: dt.date | None = None,
    row: int | None = None,
) -> list[InputProblem]:
    """Problems of one logged session: coach and team of the programme, date within the
    programme, a positive duration (at most a working day)."""
    problems = _Problems()
    source = f"coaching programme '{programme}' sessions"
    coaches, teams = set(coaches), set(teams)
    if problems.date(source, row, "session_date", session.session_date):
        problems.within(
            source, row, "session_date", session.session_date, start, end, "the session"
        )
    if session.coach not in coaches:
        problems.add(
            source,
            row,
            "coach",
            session.coach,
            "not a coach of this programme",
            f"use one of {', '.join(sorted(coaches)) or 'none yet: add coaches first'}",
        )
    if session.team not in teams:
        problems.add(
            source,
            row,
            "team",
            session.team,
            "not a team of this programme",
            f"use one of {', '.join(sorted(teams)) or 'none yet: add teams first'}",
        )
    minutes = session.duration_minutes
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= 600:
        problems.add(
            source,
            row,
            "duration_minutes",
            minutes,
            "duration must be 1 to 600 minutes",
            "give the session length in whole minutes",
        )
    return problems.items


def validate_midpoint_review(
    review: MidpointReview, *, programme: str, start=None, end=None
) -> list[InputProblem]:
    """Problems of a mid-point review: a date within the programme and a summary."""
    problems = _Problems()
    source = f"coaching programme '{programme}' mid-point review"
    if problems.date(source, None, "reviewed_on", review.reviewed_on):
        problems.within(source, None, "reviewed_on", review.reviewed_on, start, end, "the review")
    problems.text(source, None, "summary", review.summary, "the summary", limit=None)
    return problems.items


def validate_coaching_programme(
    programme: CoachingProgrammeRecord, context: PlanningContext
) -> list[InputProblem]:
    """Every problem in a coaching programme: region, dates, coaches (pseudonyms), teams,
    assignments and sessions that name known coaches and teams, milestones, the review."""
    problems = _Problems()
    key = programme.key
    source = f"coaching programme '{key}'"
    problems.key(source, None, "key", key, "the programme")
    _existing_key(problems, source, key, key in context.programmes, "knowledge-transfer programme")
    problems.text(source, None, "title", programme.title, "the programme title")
    problems.region(source, None, "region", programme.region, context)
    problems.choice(source, None, "status", programme.status, PROGRAMME_STATUSES, "status")
    problems.span(source, None, programme.start, programme.end, "the programme")
    part = f"{source} coaches"
    for row, coach in enumerate(programme.coaches, start=1):
        problems.person(part, row, coach.pseudonym, coach.email)
    coaches = [c.pseudonym for c in programme.coaches]
    problems.duplicates(part, None, "pseudonym", coaches, "coach")
    part = f"{source} teams"
    for row, team in enumerate(programme.teams, start=1):
        problems.key(part, row, "team", team.key, "a team")
        problems.text(part, row, "name", team.name, "the team name")
        problems.choice(part, row, "kind", team.kind, TEAM_KINDS, "team kind")
    teams = [t.key for t in programme.teams]
    problems.duplicates(part, None, "team", teams, "team key")
    part = f"{source} assignments"
    for row, assignment in enumerate(programme.assignments, start=1):
        if assignment.coach not in coaches:
            problems.add(
                part, row, "coach", assignment.coach, "unknown coach", "add the coach to the cohort"
            )
        if assignment.team not in teams:
            problems.add(part, row, "team", assignment.team, "unknown team", "add the team first")
        problems.choice(part, row, "role", assignment.role, ASSIGNMENT_ROLES, "role")
        problems.span(part, row, assignment.start, assignment.end, "the assignment", required=False)
    problems.duplicates(
        part,
        None,
        "coach",
        [(a.coach, a.team) for a in programme.assignments],
        "coach and team pair",
    )
    _milestones(problems, source, programme.milestones)
    for row, session in enumerate(programme.sessions, start=1):
        problems.items.extend(
            validate_coaching_session(
                session,
                programme=key,
                coaches=coaches,
                teams=teams,
                start=programme.start,
                end=programme.end,
                row=row,
            )
        )
    problems.duplicates(
        f"{source} sessions",
        None,
        "session_date",
        [(s.session_date, s.coach, s.team) for s in programme.sessions],
        "session (same date, coach and team)",
    )
    if programme.midpoint_review is not None:
        problems.items.extend(
            validate_midpoint_review(
                programme.midpoint_review, programme=key, start=programme.start, end=programme.end
            )
        )
    return problems.items
