"""Planning widgets: knowledge-transfer programme builder, action-plan editor, coaching log.

- :class:`KnowledgeTransferBuilder` follows the steps of the SCIROCCO Exchange knowledge
  transfer programme: the receiving (and optional transferring) region, the dimensions to
  improve (suggested: the region's weakest), needs and objectives, stakeholders by pseudonym,
  assets from the catalogue (text search and dimension filter), activities from the menu
  (with the study-visit limits), dated milestones and the evaluation plan.
- :class:`ActionPlanEditor`: a region's actions (dimension, objective, owner, dates,
  resources, indicator, priority, status), saved to the store and exported to Excel or CSV.
- :class:`CoachingLog`: a coaching programme's session log, milestones marked done and the
  mid-point review.

Every write goes through :mod:`scirocco_lab.planning.store`, which validates first and writes
in one transaction: invalid input is shown in the widget and leaves the store unchanged. The
widgets hold plain state (lists of records) and expose methods that do what their buttons do,
so tests drive them without a browser.

Example (in a notebook cell)::

    KnowledgeTransferBuilder(open_store(), receiving_region="ostermark")
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import asdict, replace
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from scirocco_lab.assessment.drafts import describe_problem
from scirocco_lab.capture.views import message_html
from scirocco_lab.errors import DataValidationError, InputProblem, SciroccoLabError
from scirocco_lab.instruments import Instrument
from scirocco_lab.planning.catalogue import search_assets
from scirocco_lab.planning.export import write_action_plan
from scirocco_lab.planning.records import (
    ACTION_PRIORITIES,
    ACTION_STATUSES,
    ACTIVITY_KINDS,
    ACTIVITY_STATUSES,
    MAX_STUDY_VISIT_DAYS,
    MAX_STUDY_VISIT_EXPERTS,
    PROGRAMME_STATUSES,
    ActionPlanRecord,
    ActionRecord,
    ActivityRecord,
    CoachingSessionRecord,
    KnowledgeTransferProgramme,
    MidpointReview,
    MilestoneRecord,
    StakeholderRecord,
    knowledge_transfer_step_milestones,
    validate_action_plan,
    validate_programme,
)
from scirocco_lab.planning.report import actions_html, coaching_html, milestones_html
from scirocco_lab.planning.store import (
    actions_frame,
    assets_frame,
    coaches_frame,
    coaching_programmes_frame,
    load_action_plan,
    load_coaching_programme,
    load_programme,
    log_coaching_session,
    milestones_frame,
    planning_context,
    programmes_frame,
    record_midpoint_review,
    save_action_plan,
    save_programme,
    sessions_frame,
    set_milestone_status,
    teams_frame,
)
from scirocco_lab.store import Store, ratings_frame, resolve_instrument, subjects_frame

__all__ = [
    "ACTIVITY_MENU",
    "ActionPlanEditor",
    "CoachingLog",
    "KnowledgeTransferBuilder",
    "problem_lines",
    "weakest_dimensions",
]

#: The activity menu of the knowledge-transfer programme (seed 001, step 5) as shown in the
#: builder; keys are those of :data:`scirocco_lab.planning.records.ACTIVITY_KINDS`.
ACTIVITY_MENU = {
    "expert_mission": "Expert mission to the receiving region",
    "event": "Event in the receiving region (or elsewhere)",
    "capacity_building": "Capacity-building activity",
    "study_visit": "Study visit to the transferring region",
    "staff_exchange": "Exchange, secondment or placement of staff",
}
_NONE = ""
_NEW = ""
_WIDE = widgets.Layout(width="560px")
_TEXT_AREA = widgets.Layout(width="560px", height="70px")


# ---------------------------------------------------------------------------------------
# Pure helpers


def problem_lines(problems) -> list[str]:
    """Validation problems as sentences for a widget, naming the item number when a
    problem belongs to one item of a list (the third activity, the second action).

    >>> problem_lines([InputProblem("action plan 'p' actions", 2, "end", "2025-01-01",
    ...                             "the action ends before it starts", "swap the dates")])
    ["action plan 'p' actions, item 2 — end: the action ends before it starts (you entered \
'2025-01-01'). Fix: swap the dates."]
    """
    return [
        describe_problem(replace(p, source=f"{p.source}, item {p.row}") if p.row else p)
        for p in problems
    ]


def weakest_dimensions(
    store: Store, region: str, instrument: str | Instrument | None = None
) -> tuple[str, ...]:
    """The region's weakest dimensions by its submitted HS ratings (consensus where there is
    one, else the individual median), as suggested by step 1 of the programme; empty when
    the region has no ratings yet.

    >>> from scirocco_lab.store import open_store
    >>> weakest_dimensions(open_store("sqlite://"), "nowhere")
    ()
    """
    from scirocco_lab.assessment.scoring import region_profile, strengths_and_weaknesses

    chosen = resolve_instrument(store, instrument)
    ratings = ratings_frame(store, subject=region, kind="HS", instrument=chosen.id)
    if ratings.empty:
        return ()
    weak = strengths_and_weaknesses(region_profile(ratings, chosen, region))
    return tuple(weak.loc[weak["position"] == "weakness", "dimension"])


def _text(value: str | None) -> str | None:
    """Stripped text, or None when nothing was typed."""
    value = (value or "").strip()
    return value or None


def _count(value: str, source: str, field: str, problems: list[InputProblem]) -> int | None:
    """A whole number typed in a text box; None when empty, a problem when not a number."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        problems.append(
            InputProblem(source, None, field, text, "not a whole number", "type digits only")
        )
        return None


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _region_options(store: Store) -> list[tuple[str, str]]:
    systems = subjects_frame(store, kind="system")
    return [(f"{row.name} ({row.key})", row.key) for row in systems.itertuples()]


def _removable(labels: list[str], on_remove, *, empty: str) -> list[widgets.Widget]:
    """One row per item: its (escaped) label and a Remove button calling ``on_remove(i)``."""
    if not labels:
        return [widgets.HTML(f"<i style='color:#777'>{html.escape(empty)}</i>")]
    rows = []
    for index, label in enumerate(labels):
        button = widgets.Button(description="Remove", layout=widgets.Layout(width="80px"))
        button.on_click(lambda _b, i=index: on_remove(i))
        rows.append(
            widgets.HBox(
                [widgets.HTML(html.escape(label), layout=widgets.Layout(width="470px")), button]
            )
        )
    return rows


class _PlanningWidget:
    """Shared plumbing: the message box and display in a notebook."""

    message: widgets.HTML
    widget: widgets.Widget

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _show(self, text: str, tone: str = "info", details=()) -> None:
        self.message.value = message_html(text, tone, list(details))

    def _choose_region(self, picker: widgets.Dropdown, region: str) -> None:
        """Preselect a region given by a notebook parameter or link, or say it is unknown."""
        if region in {value for _label, value in picker.options}:
            picker.value = region
        else:
            self._show(f"No region '{region}' in the store: choose one below.", "warning")

    def _refused(self, exc: SciroccoLabError, what: str = "Not saved") -> bool:
        if isinstance(exc, DataValidationError):
            self._show(f"{what} — please correct:", "error", problem_lines(exc.problems))
        else:
            self._show(f"{what}: {exc}", "error")
        return False


# ---------------------------------------------------------------------------------------
# Knowledge-transfer programme builder


class KnowledgeTransferBuilder(_PlanningWidget):
    """Build (or edit) a receiving region's knowledge-transfer programme, step by step.

    State: :attr:`stakeholders`, :attr:`chosen_assets` (asset keys), :attr:`activities` and
    :attr:`milestones` (lists of records); the other fields live in the widgets.
    :meth:`programme` assembles the record, :meth:`save` validates and stores it.
    """

    def __init__(
        self,
        store: Store,
        *,
        receiving_region: str | None = None,
        programme: str | None = None,
        instrument: str | Instrument | None = None,
    ) -> None:
        self.store = store
        self.instrument = resolve_instrument(store, instrument)
        self.context = planning_context(store, self.instrument)
        self.catalogue = assets_frame(store)
        self.stakeholders: list[StakeholderRecord] = []
        self.chosen_assets: list[str] = []
        self.activities: list[ActivityRecord] = []
        self.milestones: list[MilestoneRecord] = []
        self.loaded: str | None = None  # key of the stored programme being edited
        self.suggested: tuple[str, ...] = ()
        self._loading = False
        self._build_widgets()
        if programme:
            self.open_programme(programme)
        elif receiving_region:
            self._choose_region(self.receiving_picker, receiving_region)
        self._refresh()

    # --- widgets ---------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        regions = _region_options(self.store)
        names = {d.key: f"{d.number}. {d.name}" for d in self.instrument.dimensions}
        self.title_html = widgets.HTML(
            "<h2 style='margin:4px 0'>Knowledge-transfer programme</h2>"
            "<div>Receiving region learns from a transferring region, following the steps "
            "of the SCIROCCO Exchange knowledge-transfer programme.</div>"
        )
        self.programme_picker = widgets.Dropdown(
            options=self._programme_options(), value=_NEW, description="Open", layout=_WIDE
        )
        self.programme_picker.observe(self._on_open, names="value")
        self.key_input = widgets.Text(
            description="Key", placeholder="e.g. kt-ostermark-2026", layout=_WIDE
        )
        self.title_input = widgets.Text(description="Title", layout=_WIDE)
        self.receiving_picker = widgets.Dropdown(
            options=[("choose…", _NONE), *regions], value=_NONE, description="Receiving"
        )
        self.receiving_picker.observe(self._on_region, names="value")
        self.transferring_picker = widgets.Dropdown(
            options=[("(none yet)", _NONE), *regions], value=_NONE, description="Transferring"
        )
        self.start_input = widgets.DatePicker(description="Start")
        self.end_input = widgets.DatePicker(description="End")
        self.status_picker = widgets.Dropdown(
            options=[(_label(s), s) for s in PROGRAMME_STATUSES], description="Status"
        )
        # Step 1
        self.dimensions_picker = widgets.SelectMultiple(
            options=[(names[k], k) for k in self.instrument.dimension_keys],
            rows=min(12, len(names)),
            description="Dimensions",
            layout=_WIDE,
        )
        self.suggestion = widgets.HTML()
        self.suggest_button = widgets.Button(
            description="Use the weakest dimensions", layout=widgets.Layout(width="auto")
        )
        self.suggest_button.on_click(lambda _b: self.use_suggestion())
        # Step 2
        self.needs_input = widgets.Textarea(
            description="Needs", placeholder="What is the exact need?", layout=_TEXT_AREA
        )
        self.objectives_input = widgets.Textarea(description="Objectives", layout=_TEXT_AREA)
        # Step 3
        self.stakeholder_pseudonym = widgets.Text(
            description="Pseudonym", placeholder="e.g. OSM-S01 (no names)"
        )
        self.stakeholder_role = widgets.Text(description="Role")
        self.stakeholder_organisation = widgets.Text(description="Organisation")
        self.add_stakeholder_button = widgets.Button(description="Add stakeholder", icon="plus")
        self.add_stakeholder_button.on_click(lambda _b: self.add_stakeholder())
        self.stakeholders_box = widgets.VBox()
        # Step 4
        self.asset_search = widgets.Text(
            description="Search", placeholder="words in title or description", layout=_WIDE
        )
        self.asset_dimension = widgets.Dropdown(
            options=[("any dimension", _NONE), *((names[k], k) for k in names)],
            value=_NONE,
            description="Dimension",
            layout=_WIDE,
        )
        for control in (self.asset_search, self.asset_dimension):
            control.observe(lambda _c: self.search(), names="value")
        self.asset_results = widgets.SelectMultiple(rows=6, description="Found", layout=_WIDE)
        self.add_assets_button = widgets.Button(description="Add selected assets", icon="plus")
        self.add_assets_button.on_click(lambda _b: self.add_assets(self.asset_results.value))
        self.assets_box = widgets.VBox()
        # Steps 5-6
        self.activity_kind = widgets.Dropdown(
            options=[(ACTIVITY_MENU.get(k, _label(k)), k) for k in ACTIVITY_KINDS],
            description="Kind",
            layout=_WIDE,
        )
        self.activity_kind.observe(lambda _c: self._show_limits(), names="value")
        self.activity_limits = widgets.HTML()
        self.activity_title = widgets.Text(description="Title", layout=_WIDE)
        self.activity_location = widgets.Text(description="Location", layout=_WIDE)
        self.activity_start = widgets.DatePicker(description="Start")
        self.activity_end = widgets.DatePicker(description="End")
        self.activity_experts = widgets.Text(description="Visiting experts", placeholder="number")
        self.activity_participants = widgets.Text(description="Participants", placeholder="number")
        self.activity_outcomes = widgets.Textarea(
            description="Expected outcomes", layout=_TEXT_AREA
        )
        self.activity_status = widgets.Dropdown(
            options=[(_label(s), s) for s in ACTIVITY_STATUSES], description="Status"
        )
        self.add_activity_button = widgets.Button(description="Add activity", icon="plus")
        self.add_activity_button.on_click(lambda _b: self.add_activity())
        self.activities_box = widgets.VBox()
        # Step 7
        self.steps_button = widgets.Button(
            description="Add the eight programme steps as milestones",
            layout=widgets.Layout(width="auto"),
        )
        self.steps_button.on_click(lambda _b: self.add_step_milestones())
        self.milestone_title = widgets.Text(description="Milestone", layout=_WIDE)
        self.milestone_due = widgets.DatePicker(description="Due")
        self.add_milestone_button = widgets.Button(description="Add milestone", icon="plus")
        self.add_milestone_button.on_click(lambda _b: self.add_milestone())
        self.milestones_box = widgets.VBox()
        # Step 8
        self.evaluation_input = widgets.Textarea(
            description="Evaluation plan",
            placeholder="How will the experience of the participants be captured? "
            "(e.g. focus groups)",
            layout=_TEXT_AREA,
        )
        self.save_button = widgets.Button(description="Save programme", button_style="success")
        self.save_button.on_click(lambda _b: self.save())
        self.message = widgets.HTML()
        sections = [
            (
                "Programme",
                [
                    self.key_input,
                    self.title_input,
                    self.receiving_picker,
                    self.transferring_picker,
                    widgets.HBox([self.start_input, self.end_input]),
                    self.status_picker,
                ],
            ),
            (
                "Step 1: dimensions to improve",
                [self.suggestion, self.suggest_button, self.dimensions_picker],
            ),
            ("Step 2: needs and objectives", [self.needs_input, self.objectives_input]),
            (
                "Step 3: stakeholders",
                [
                    widgets.HBox([self.stakeholder_pseudonym, self.stakeholder_role]),
                    widgets.HBox([self.stakeholder_organisation, self.add_stakeholder_button]),
                    self.stakeholders_box,
                ],
            ),
            (
                "Step 4: assets from the catalogue",
                [
                    self.asset_search,
                    self.asset_dimension,
                    self.asset_results,
                    self.add_assets_button,
                    self.assets_box,
                ],
            ),
            (
                "Steps 5-6: activities from the menu",
                [
                    self.activity_kind,
                    self.activity_limits,
                    self.activity_title,
                    self.activity_location,
                    widgets.HBox([self.activity_start, self.activity_end]),
                    widgets.HBox([self.activity_experts, self.activity_participants]),
                    self.activity_outcomes,
                    widgets.HBox([self.activity_status, self.add_activity_button]),
                    self.activities_box,
                ],
            ),
            (
                "Step 7: dated plan (milestones)",
                [
                    self.steps_button,
                    widgets.HBox([self.milestone_title, self.milestone_due]),
                    self.add_milestone_button,
                    self.milestones_box,
                ],
            ),
            ("Step 8: evaluation plan", [self.evaluation_input]),
        ]
        self.steps = widgets.Accordion(
            children=[widgets.VBox(children) for _title, children in sections],
            titles=tuple(title for title, _children in sections),
            selected_index=0,
        )
        self.widget = widgets.VBox(
            [self.title_html, self.programme_picker, self.steps, self.save_button, self.message]
        )
        self.widget.add_class("scirocco-knowledge-transfer")
        self._show_limits()
        self.search()

    def _programme_options(self) -> list[tuple[str, str]]:
        frame = programmes_frame(self.store)
        return [("New programme", _NEW)] + [
            (f"{row.title} ({row.receiving_region})", row.programme) for row in frame.itertuples()
        ]

    # --- step 1 ----------------------------------------------------------------------------

    def use_suggestion(self) -> None:
        """Choose the receiving region's weakest dimensions."""
        if self.suggested:
            self.dimensions_picker.value = self.suggested

    def _on_region(self, _change) -> None:
        region = self.receiving_picker.value
        self.suggested = weakest_dimensions(self.store, region, self.instrument) if region else ()
        names = {d.key: d.name for d in self.instrument.dimensions}
        if self.suggested:
            listed = ", ".join(names[k] for k in self.suggested)
            self.suggestion.value = (
                f"<div>Weakest dimensions of this region by its maturity assessment: "
                f"<b>{html.escape(listed)}</b>.</div>"
            )
            if not self.dimensions_picker.value:
                self.dimensions_picker.value = self.suggested
        else:
            self.suggestion.value = (
                "<div style='color:#555'>No submitted assessment of this region yet: choose "
                "the dimensions from its strengths and weaknesses.</div>"
                if region
                else ""
            )
        self.suggest_button.disabled = not self.suggested

    # --- step 3 ----------------------------------------------------------------------------

    def add_stakeholder(self) -> bool:
        """Add the stakeholder typed in the fields (a pseudonym, never a name or address)."""
        person = StakeholderRecord(
            pseudonym=(self.stakeholder_pseudonym.value or "").strip(),
            role=_text(self.stakeholder_role.value),
            organisation=_text(self.stakeholder_organisation.value),
        )
        draft = replace(
            self._bare_programme(), stakeholders=(*self.stakeholders, person), activities=()
        )
        problems = [
            p for p in validate_programme(draft, self.context) if p.source.endswith("stakeholders")
        ]
        if problems:
            self._show("Stakeholder not added — please correct:", "error", problem_lines(problems))
            return False
        self.stakeholders.append(person)
        for field in (
            self.stakeholder_pseudonym,
            self.stakeholder_role,
            self.stakeholder_organisation,
        ):
            field.value = ""
        self._refresh()
        self._show(f"Stakeholder {person.pseudonym} added (not saved yet).", "info")
        return True

    def remove_stakeholder(self, index: int) -> None:
        del self.stakeholders[index]
        self._refresh()

    # --- step 4 ----------------------------------------------------------------------------

    def search(self) -> pd.DataFrame:
        """Catalogue assets matching the search words and the dimension filter."""
        found = search_assets(
            self.catalogue,
            text=_text(self.asset_search.value),
            dimension=self.asset_dimension.value or None,
        )
        self.asset_results.options = [
            (f"{row.title} · {_label(row.kind)}", row.asset) for row in found.itertuples()
        ]
        return found

    def add_assets(self, keys) -> None:
        """Add catalogue assets (by key) to the programme, each once."""
        for key in keys:
            if key not in self.chosen_assets:
                self.chosen_assets.append(key)
        self._refresh()

    def remove_asset(self, index: int) -> None:
        del self.chosen_assets[index]
        self._refresh()

    # --- steps 5-7 -------------------------------------------------------------------------

    def _show_limits(self) -> None:
        study_visit = self.activity_kind.value == "study_visit"
        style = "color:#7a5200;font-weight:bold" if study_visit else "color:#555"
        self.activity_limits.value = (
            f"<div style='{style}'>A study visit hosts at most {MAX_STUDY_VISIT_EXPERTS} "
            f"visiting experts and lasts at most {MAX_STUDY_VISIT_DAYS} days.</div>"
        )

    def _activity_key(self, kind: str) -> str:
        taken = {a.key for a in self.activities}
        number = 1
        while f"{kind.replace('_', '-')}-{number}" in taken:
            number += 1
        return f"{kind.replace('_', '-')}-{number}"

    def add_activity(self) -> bool:
        """Add the activity in the fields; refused with a message (nothing added) when its
        dates, counts or the study-visit limits are wrong."""
        kind = self.activity_kind.value
        source = "activity"
        typed: list[InputProblem] = []
        experts = _count(self.activity_experts.value, source, "visiting_experts", typed)
        participants = _count(self.activity_participants.value, source, "participants", typed)
        activity = ActivityRecord(
            key=self._activity_key(kind),
            kind=kind,
            title=(self.activity_title.value or "").strip(),
            start=self.activity_start.value,
            end=self.activity_end.value,
            location=_text(self.activity_location.value),
            visiting_experts=experts,
            participants=participants,
            expected_outcomes=_text(self.activity_outcomes.value),
            status=self.activity_status.value,
        )
        draft = replace(self._bare_programme(), activities=(activity,))
        problems = typed + [
            p for p in validate_programme(draft, self.context) if p.source.endswith("activities")
        ]
        if problems:
            self._show("Activity not added — please correct:", "error", problem_lines(problems))
            return False
        self.activities.append(activity)
        for field in (
            self.activity_title,
            self.activity_location,
            self.activity_experts,
            self.activity_participants,
            self.activity_outcomes,
        ):
            field.value = ""
        self._refresh()
        self._show(f"Activity '{activity.title}' added (not saved yet).", "info")
        return True

    def remove_activity(self, index: int) -> None:
        del self.activities[index]
        self._refresh()

    def add_step_milestones(self) -> None:
        """Add the eight steps of the programme as milestones, dated from the programme's
        start (default today) to its end (default a year later); steps already listed are
        kept as they are."""
        first = self.start_input.value or dt.date.today()
        last = self.end_input.value or first + dt.timedelta(days=365)
        listed = {m.key for m in self.milestones}
        self.milestones.extend(
            m for m in knowledge_transfer_step_milestones(first, last) if m.key not in listed
        )
        self.milestones.sort(key=lambda m: m.due)
        self._refresh()

    def add_milestone(self) -> bool:
        """Add the milestone in the fields (title and due date)."""
        title, due = (self.milestone_title.value or "").strip(), self.milestone_due.value
        taken = {m.key for m in self.milestones}
        number = len(self.milestones) + 1
        while f"milestone-{number}" in taken:
            number += 1
        milestone = MilestoneRecord(f"milestone-{number}", title, due)
        draft = replace(self._bare_programme(), milestones=(milestone,))
        problems = [
            p for p in validate_programme(draft, self.context) if p.source.endswith("milestones")
        ]
        if problems:
            self._show("Milestone not added — please correct:", "error", problem_lines(problems))
            return False
        self.milestones.append(milestone)
        self.milestones.sort(key=lambda m: m.due)
        self.milestone_title.value = ""
        self._refresh()
        return True

    def remove_milestone(self, index: int) -> None:
        del self.milestones[index]
        self._refresh()

    # --- the record ------------------------------------------------------------------------

    def _bare_programme(self) -> KnowledgeTransferProgramme:
        """The programme fields without lists (for checking one new item at a time)."""
        return KnowledgeTransferProgramme(
            key=(self.key_input.value or "").strip(),
            title=(self.title_input.value or "").strip(),
            receiving_region=self.receiving_picker.value or "",
            dimensions=tuple(self.dimensions_picker.value),
            transferring_region=self.transferring_picker.value or None,
            needs=_text(self.needs_input.value),
            objectives=_text(self.objectives_input.value),
            evaluation_plan=_text(self.evaluation_input.value),
            start=self.start_input.value,
            end=self.end_input.value,
            status=self.status_picker.value,
        )

    def programme(self) -> KnowledgeTransferProgramme:
        """The programme as the widgets show it."""
        return replace(
            self._bare_programme(),
            stakeholders=tuple(self.stakeholders),
            assets=tuple(self.chosen_assets),
            activities=tuple(self.activities),
            milestones=tuple(self.milestones),
        )

    def save(self) -> bool:
        """Validate and store the programme; every problem is listed and nothing is written
        when anything is wrong. Saving the programme that was opened replaces it."""
        programme = self.programme()
        try:
            summary = save_programme(
                self.store,
                programme,
                replace=self.loaded == programme.key,
                instrument=self.instrument,
            )
        except SciroccoLabError as exc:
            return self._refused(exc)
        self.loaded = programme.key
        self.context = planning_context(self.store, self.instrument)
        self._loading = True
        try:
            self.programme_picker.options = self._programme_options()
            self.programme_picker.value = programme.key
        finally:
            self._loading = False
        self._show(f"Saved: {summary}.", "ok")
        return True

    def open_programme(self, key: str) -> None:
        """Load a stored programme into the widgets for editing."""
        try:
            programme = load_programme(self.store, key)
        except SciroccoLabError as exc:
            self._refused(exc, "Not opened")
            return
        self.loaded = programme.key
        self._loading = True
        try:
            self.programme_picker.value = programme.key
        finally:
            self._loading = False
        self.key_input.value = programme.key
        self.title_input.value = programme.title
        self.receiving_picker.value = programme.receiving_region
        self.transferring_picker.value = programme.transferring_region or _NONE
        self.start_input.value, self.end_input.value = programme.start, programme.end
        self.status_picker.value = programme.status
        self.dimensions_picker.value = programme.dimensions
        self.needs_input.value = programme.needs or ""
        self.objectives_input.value = programme.objectives or ""
        self.evaluation_input.value = programme.evaluation_plan or ""
        self.stakeholders = list(programme.stakeholders)
        self.chosen_assets = list(programme.assets)
        self.activities = list(programme.activities)
        self.milestones = list(programme.milestones)
        self._refresh()
        self._show(f"Opened programme '{key}'.", "info")

    def _on_open(self, _change) -> None:
        if self._loading:
            return
        if self.programme_picker.value:
            self.open_programme(self.programme_picker.value)

    def _refresh(self) -> None:
        self.stakeholders_box.children = _removable(
            [
                " · ".join(t for t in (s.pseudonym, s.role, s.organisation) if t)
                for s in self.stakeholders
            ],
            self.remove_stakeholder,
            empty="No stakeholders yet.",
        )
        titles = (
            self.catalogue.set_index("asset")["title"].to_dict() if not self.catalogue.empty else {}
        )
        self.assets_box.children = _removable(
            [titles.get(key, key) for key in self.chosen_assets],
            self.remove_asset,
            empty="No assets chosen yet.",
        )
        self.activities_box.children = _removable(
            [
                f"{ACTIVITY_MENU.get(a.kind, a.kind)}: {a.title} · {a.start} to {a.end}"
                + (f" · {a.visiting_experts} visiting experts" if a.visiting_experts else "")
                + (f" · {a.location}" if a.location else "")
                for a in self.activities
            ],
            self.remove_activity,
            empty="No activities yet.",
        )
        self.milestones_box.children = _removable(
            [f"{m.due} · {m.title}" for m in self.milestones],
            self.remove_milestone,
            empty="No milestones yet.",
        )


# ---------------------------------------------------------------------------------------
# Action-plan editor


class ActionPlanEditor(_PlanningWidget):
    """Add, edit and remove the actions of a region's action plan, save it, export it.

    State: :attr:`actions` (a list of :class:`ActionRecord`, numbered 1..n in order). Pick an
    action in :attr:`action_picker` to edit it, or "New action" to add one. Exports write the
    stored plan to ``export_dir`` (Excel workbook or CSV).
    """

    def __init__(
        self,
        store: Store,
        *,
        region: str | None = None,
        plan: str | None = None,
        instrument: str | Instrument | None = None,
        export_dir: str | Path = "exports",
    ) -> None:
        self.store = store
        self.instrument = resolve_instrument(store, instrument)
        self.context = planning_context(store, self.instrument)
        self.actions: list[ActionRecord] = []
        self.loaded: str | None = None
        self.last_export: Path | None = None
        self._loading = False
        self._build_widgets(str(export_dir))
        if plan:
            self.open_plan(plan)
        elif region:
            self._choose_region(self.region_picker, region)
        self._refresh()

    def _build_widgets(self, export_dir: str) -> None:
        names = [(f"{d.number}. {d.name}", d.key) for d in self.instrument.dimensions]
        self.title_html = widgets.HTML("<h2 style='margin:4px 0'>Action plan</h2>")
        self.plan_picker = widgets.Dropdown(
            options=self._plan_options(), value=_NEW, description="Open", layout=_WIDE
        )
        self.plan_picker.observe(self._on_open, names="value")
        self.key_input = widgets.Text(
            description="Key", placeholder="e.g. ap-ostermark-2026", layout=_WIDE
        )
        self.title_input = widgets.Text(description="Title", layout=_WIDE)
        self.region_picker = widgets.Dropdown(
            options=[("choose…", _NONE), *_region_options(self.store)],
            value=_NONE,
            description="Region",
        )
        self.programme_picker = widgets.Dropdown(
            options=[("(none)", _NONE)], description="Programme", layout=_WIDE
        )
        self.region_picker.observe(lambda _c: self._programme_choices(), names="value")
        self.action_picker = widgets.Dropdown(description="Action", layout=_WIDE)
        self.action_picker.observe(self._on_pick_action, names="value")
        self.dimension_picker = widgets.Dropdown(options=names, description="Dimension")
        self.objective_input = widgets.Textarea(description="Objective", layout=_TEXT_AREA)
        self.owner_input = widgets.Text(description="Owner", placeholder="role, team or pseudonym")
        self.start_input = widgets.DatePicker(description="Start")
        self.end_input = widgets.DatePicker(description="End")
        self.resources_input = widgets.Text(description="Resources", layout=_WIDE)
        self.indicator_input = widgets.Text(description="Indicator", layout=_WIDE)
        self.priority_picker = widgets.Dropdown(
            options=[(_label(p), p) for p in ACTION_PRIORITIES], value="medium",
            description="Priority",
        )  # fmt: skip
        self.status_picker = widgets.Dropdown(
            options=[(_label(s), s) for s in ACTION_STATUSES], description="Status"
        )
        self.apply_button = widgets.Button(description="Add action", icon="plus")
        self.apply_button.on_click(lambda _b: self.apply_action())
        self.remove_button = widgets.Button(description="Remove action")
        self.remove_button.on_click(lambda _b: self.remove_action(self.action_picker.value))
        self.table = widgets.HTML()
        self.save_button = widgets.Button(description="Save plan", button_style="success")
        self.save_button.on_click(lambda _b: self.save())
        self.export_dir = widgets.Text(value=export_dir, description="Export to", layout=_WIDE)
        self.export_xlsx_button = widgets.Button(description="Export Excel", icon="download")
        self.export_xlsx_button.on_click(lambda _b: self.export("xlsx"))
        self.export_csv_button = widgets.Button(description="Export CSV", icon="download")
        self.export_csv_button.on_click(lambda _b: self.export("csv"))
        self.message = widgets.HTML()
        self.widget = widgets.VBox(
            [
                self.title_html,
                self.plan_picker,
                self.key_input,
                self.title_input,
                widgets.HBox([self.region_picker, self.programme_picker]),
                self.table,
                widgets.HTML("<b>Edit an action</b>"),
                self.action_picker,
                self.dimension_picker,
                self.objective_input,
                self.owner_input,
                widgets.HBox([self.start_input, self.end_input]),
                self.resources_input,
                self.indicator_input,
                widgets.HBox([self.priority_picker, self.status_picker]),
                widgets.HBox([self.apply_button, self.remove_button]),
                widgets.HBox([self.save_button]),
                self.export_dir,
                widgets.HBox([self.export_xlsx_button, self.export_csv_button]),
                self.message,
            ]
        )
        self.widget.add_class("scirocco-action-plan")

    def _plan_options(self) -> list[tuple[str, str]]:
        from scirocco_lab.planning.store import action_plans_frame

        frame = action_plans_frame(self.store)
        return [("New action plan", _NEW)] + [
            (f"{row.title} ({row.region})", row.plan) for row in frame.itertuples()
        ]

    def _programme_choices(self) -> None:
        region = self.region_picker.value
        frame = programmes_frame(self.store, region=region) if region else pd.DataFrame()
        if not frame.empty:
            frame = frame[frame["receiving_region"] == region]
        current = self.programme_picker.value
        options = [("(none)", _NONE)] + [(row.title, row.programme) for row in frame.itertuples()]
        self.programme_picker.options = options
        self.programme_picker.value = current if current in {v for _l, v in options} else _NONE

    # --- actions ---------------------------------------------------------------------------

    def _typed_action(self, position: int) -> ActionRecord:
        return ActionRecord(
            position=position,
            dimension=self.dimension_picker.value,
            objective=(self.objective_input.value or "").strip(),
            start=self.start_input.value,
            end=self.end_input.value,
            owner=_text(self.owner_input.value),
            resources=_text(self.resources_input.value),
            indicator=_text(self.indicator_input.value),
            priority=self.priority_picker.value,
            status=self.status_picker.value,
        )

    def apply_action(self) -> bool:
        """Add the action in the fields (action picker on "New action") or update the picked
        one; refused with a message when it is incomplete or ends before it starts."""
        editing = self.action_picker.value or 0
        position = editing or len(self.actions) + 1
        action = self._typed_action(position)
        draft = ActionPlanRecord(
            (self.key_input.value or "").strip(),
            "",
            self.region_picker.value or "",
            actions=(action,),
        )
        problems = [
            p for p in validate_action_plan(draft, self.context) if p.source.endswith("actions")
        ]
        if problems:
            self._show("Action not kept — please correct:", "error", problem_lines(problems))
            return False
        if editing:
            self.actions[editing - 1] = action
            message = f"Action {editing} updated (not saved yet)."
        else:
            self.actions.append(action)
            message = f"Action {position} added (not saved yet)."
        # After an addition the picker stays on "New action", ready for the next one.
        self._refresh(select=editing)
        self._show(message, "info")
        return True

    def remove_action(self, position: int | None) -> None:
        """Remove an action; the ones after it move up one place."""
        if not position:
            self._show("Pick the action to remove first.", "warning")
            return
        del self.actions[position - 1]
        self.actions = [replace(a, position=i) for i, a in enumerate(self.actions, start=1)]
        self._refresh(select=0)
        self._show(f"Action {position} removed (not saved yet).", "info")

    def _on_pick_action(self, _change) -> None:
        if self._loading:
            return
        position = self.action_picker.value or 0
        self.apply_button.description = f"Update action {position}" if position else "Add action"
        if not position:
            return
        action = self.actions[position - 1]
        self.dimension_picker.value = action.dimension
        self.objective_input.value = action.objective
        self.owner_input.value = action.owner or ""
        self.start_input.value, self.end_input.value = action.start, action.end
        self.resources_input.value = action.resources or ""
        self.indicator_input.value = action.indicator or ""
        self.priority_picker.value = action.priority
        self.status_picker.value = action.status

    # --- plan ------------------------------------------------------------------------------

    def plan(self) -> ActionPlanRecord:
        """The action plan as the widgets show it."""
        return ActionPlanRecord(
            key=(self.key_input.value or "").strip(),
            title=(self.title_input.value or "").strip(),
            region=self.region_picker.value or "",
            actions=tuple(self.actions),
            programme=self.programme_picker.value or None,
        )

    def save(self) -> bool:
        """Validate and store the plan; every problem is listed and nothing is written when
        anything is wrong. Saving the plan that was opened replaces it."""
        plan = self.plan()
        try:
            summary = save_action_plan(
                self.store, plan, replace=self.loaded == plan.key, instrument=self.instrument
            )
        except SciroccoLabError as exc:
            return self._refused(exc)
        self.loaded = plan.key
        self._loading = True
        try:
            self.plan_picker.options = self._plan_options()
            self.plan_picker.value = plan.key
        finally:
            self._loading = False
        self._show(f"Saved: {summary}.", "ok")
        return True

    def open_plan(self, key: str) -> None:
        """Load a stored action plan for editing."""
        try:
            plan = load_action_plan(self.store, key)
        except SciroccoLabError as exc:
            self._refused(exc, "Not opened")
            return
        self.loaded = plan.key
        self._loading = True
        try:
            self.plan_picker.value = plan.key
        finally:
            self._loading = False
        self.key_input.value, self.title_input.value = plan.key, plan.title
        self.region_picker.value = plan.region
        self._programme_choices()
        self.programme_picker.value = plan.programme or _NONE
        self.actions = list(plan.actions)
        self._refresh(select=0)
        self._show(f"Opened action plan '{key}'.", "info")

    def _on_open(self, _change) -> None:
        if not self._loading and self.plan_picker.value:
            self.open_plan(self.plan_picker.value)

    def export(self, kind: str) -> Path | None:
        """Write the stored plan to ``<export dir>/<plan key>.<kind>`` (``xlsx`` or ``csv``).

        The plan must be saved first and have no unsaved changes, so a file never shows
        something the store does not hold.
        """
        plan = self.plan()
        try:
            stored = load_action_plan(self.store, plan.key) if self.loaded == plan.key else None
        except SciroccoLabError:
            stored = None
        if stored is None or replace(plan, synthetic=stored.synthetic) != stored:
            self._show("Save the plan first: the export writes the plan as stored.", "warning")
            return None
        frame = actions_frame(self.store, plan=plan.key)
        path = Path(self.export_dir.value or ".") / f"{plan.key}.{kind}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_action_plan(
                frame,
                path,
                plan_title=plan.title,
                dimension_names={d.key: d.name for d in self.instrument.dimensions},
            )
        except (SciroccoLabError, OSError) as exc:
            self._show(f"Not exported: {exc}", "error")
            return None
        self.last_export = path
        self._show(f"Exported {len(frame)} action(s) to {path}.", "ok")
        return path

    def _refresh(self, select: int | None = None) -> None:
        names = {d.key: d.name for d in self.instrument.dimensions}
        frame = pd.DataFrame(
            [{**asdict(a), "plan": self.key_input.value, "synthetic": False} for a in self.actions]
        )
        self.table.value = actions_html(frame, dimension_names=names)
        self._loading = True
        try:
            self.action_picker.options = [("New action", 0)] + [
                (f"{a.position}. {a.objective[:60]}", a.position) for a in self.actions
            ]
            if select is not None:
                self.action_picker.value = select
        finally:
            self._loading = False
        self._on_pick_action(None)


# ---------------------------------------------------------------------------------------
# Coaching log


class CoachingLog(_PlanningWidget):
    """A coaching programme's log: sessions, milestones done, the mid-point review.

    Each button writes one small record at once (:func:`log_coaching_session`,
    :func:`set_milestone_status`, :func:`record_midpoint_review`); the overview above shows
    the cohort, teams, session summary, milestones and the review as stored.
    """

    def __init__(self, store: Store, *, programme: str | None = None) -> None:
        self.store = store
        self.programme: str | None = None
        self._build_widgets()
        first = programme or next((v for _l, v in self.programme_picker.options if v), None)
        if first:
            self.choose(first)
        else:
            self._show(
                "No coaching programme in the store yet: save one first "
                "(scirocco_lab.planning.save_coaching_programme).",
                "warning",
            )

    def _build_widgets(self) -> None:
        frame = coaching_programmes_frame(self.store)
        self.title_html = widgets.HTML("<h2 style='margin:4px 0'>Coaching log</h2>")
        self.programme_picker = widgets.Dropdown(
            options=[("choose…", _NONE)]
            + [(f"{r.title} ({r.region})", r.programme) for r in frame.itertuples()],
            value=_NONE,
            description="Programme",
            layout=_WIDE,
        )
        self.programme_picker.observe(
            lambda _c: (
                self.choose(self.programme_picker.value)
                if self.programme_picker.value and self.programme_picker.value != self.programme
                else None
            ),
            names="value",
        )
        self.overview = widgets.HTML()
        self.session_date = widgets.DatePicker(description="Date", value=dt.date.today())
        self.session_coach = widgets.Dropdown(description="Coach")
        self.session_team = widgets.Dropdown(description="Team", layout=_WIDE)
        self.session_minutes = widgets.IntText(value=60, description="Minutes")
        self.session_focus = widgets.Text(description="Focus", layout=_WIDE)
        self.session_notes = widgets.Textarea(description="Notes", layout=_TEXT_AREA)
        self.log_button = widgets.Button(description="Log session", button_style="success")
        self.log_button.on_click(lambda _b: self.log_session())
        self.milestone_picker = widgets.Dropdown(description="Milestone", layout=_WIDE)
        self.milestone_done_on = widgets.DatePicker(description="Done on", value=dt.date.today())
        self.done_button = widgets.Button(description="Mark done")
        self.done_button.on_click(lambda _b: self.mark_done())
        self.review_date = widgets.DatePicker(description="Held on")
        self.review_summary = widgets.Textarea(description="Summary", layout=_TEXT_AREA)
        self.review_decisions = widgets.Textarea(description="Decisions", layout=_TEXT_AREA)
        self.review_button = widgets.Button(description="Record review")
        self.review_button.on_click(lambda _b: self.record_review())
        self.message = widgets.HTML()
        self.widget = widgets.VBox(
            [
                self.title_html,
                self.programme_picker,
                self.overview,
                widgets.HTML("<h3>Log a coaching session</h3>"),
                widgets.HBox([self.session_date, self.session_coach]),
                self.session_team,
                self.session_minutes,
                self.session_focus,
                self.session_notes,
                self.log_button,
                widgets.HTML("<h3>Milestones</h3>"),
                widgets.HBox([self.milestone_picker]),
                widgets.HBox([self.milestone_done_on, self.done_button]),
                widgets.HTML("<h3>Mid-point review</h3>"),
                self.review_date,
                self.review_summary,
                self.review_decisions,
                self.review_button,
                self.message,
            ]
        )
        self.widget.add_class("scirocco-coaching-log")

    def choose(self, programme: str) -> None:
        """Show a coaching programme and fill the choices of coaches, teams, milestones."""
        try:
            record = load_coaching_programme(self.store, programme)
        except SciroccoLabError as exc:
            self._refused(exc, "Not opened")
            return
        self.programme = programme
        self.programme_picker.value = programme
        self.session_coach.options = [(c.pseudonym, c.pseudonym) for c in record.coaches]
        self.session_team.options = [(t.name, t.key) for t in record.teams]
        review = record.midpoint_review
        self.review_date.value = review.reviewed_on if review else None
        self.review_summary.value = review.summary if review else ""
        self.review_decisions.value = (review.decisions or "") if review else ""
        self._refresh()
        self._show(f"Coaching programme '{record.title}'.", "info")

    def log_session(self) -> bool:
        """Log the session in the fields; refused with a message when the coach, team, date
        or duration is wrong or the same session is already logged."""
        session = CoachingSessionRecord(
            session_date=self.session_date.value,
            coach=self.session_coach.value,
            team=self.session_team.value,
            duration_minutes=int(self.session_minutes.value),
            focus=_text(self.session_focus.value),
            notes=_text(self.session_notes.value),
        )
        try:
            log_coaching_session(self.store, self.programme, session)
        except SciroccoLabError as exc:
            return self._refused(exc, "Session not logged")
        self.session_focus.value = self.session_notes.value = ""
        self._refresh()
        self._show(f"Session of {session.coach} with {session.team} logged.", "ok")
        return True

    def mark_done(self) -> bool:
        """Mark the picked milestone done on the chosen date."""
        milestone = self.milestone_picker.value
        if not milestone:
            self._show("Every milestone is done already.", "info")
            return False
        try:
            set_milestone_status(
                self.store,
                self.programme,
                milestone,
                "done",
                done_on=self.milestone_done_on.value or dt.date.today(),
            )
        except SciroccoLabError as exc:
            return self._refused(exc, "Milestone not updated")
        self._refresh()
        self._show("Milestone marked done.", "ok")
        return True

    def record_review(self) -> bool:
        """Record (or overwrite) the mid-point review from the fields."""
        review = MidpointReview(
            reviewed_on=self.review_date.value,
            summary=(self.review_summary.value or "").strip(),
            decisions=_text(self.review_decisions.value),
        )
        try:
            record_midpoint_review(self.store, self.programme, review)
        except SciroccoLabError as exc:
            return self._refused(exc, "Review not recorded")
        self._refresh()
        self._show("Mid-point review recorded.", "ok")
        return True

    def _refresh(self) -> None:
        key = self.programme
        programme = coaching_programmes_frame(self.store).set_index("programme").loc[key]
        milestones = milestones_frame(self.store, programme=key)
        self.overview.value = coaching_html(
            {"programme": key, **programme.to_dict()},
            coaches=coaches_frame(self.store, programme=key),
            teams=teams_frame(self.store, programme=key),
            sessions=sessions_frame(self.store, programme=key),
        ) + ("<h4>Milestones</h4>" + milestones_html(milestones))
        open_ones = (
            milestones[milestones["status"] != "done"] if not milestones.empty else milestones
        )
        self.milestone_picker.options = [
            (f"{row.due} · {row.title}", row.milestone) for row in open_ones.itertuples()
        ]
