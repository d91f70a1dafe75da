"""The knowledge-transfer programme builder: the steps of the SCIROCCO Exchange programme as
a notebook widget."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import replace
from functools import partial

import ipywidgets as widgets
import pandas as pd

from scirocco_lab.capture.base import button, problem_lines
from scirocco_lab.capture.planning_helpers import (
    ACTIVITY_MENU,
    NEW_ENTRY,
    NO_CHOICE,
    TEXT_AREA_LAYOUT,
    WIDE_LAYOUT,
    PlanningWidget,
    key_label,
    optional_text,
    parse_count,
    region_options,
    removable_list,
    weakest_dimensions,
)
from scirocco_lab.errors import InputProblem
from scirocco_lab.instruments import Instrument
from scirocco_lab.planning.catalogue import search_assets
from scirocco_lab.planning.records import (
    ACTIVITY_KINDS,
    ACTIVITY_STATUSES,
    MAX_STUDY_VISIT_DAYS,
    MAX_STUDY_VISIT_EXPERTS,
    PROGRAMME_STATUSES,
    ActivityRecord,
    KnowledgeTransferProgramme,
    MilestoneRecord,
    StakeholderRecord,
    knowledge_transfer_step_milestones,
    validate_programme,
)
from scirocco_lab.planning.store import (
    assets_frame,
    load_programme,
    planning_context,
    programmes_frame,
    save_programme,
)
from scirocco_lab.store import Store, resolve_instrument

__all__ = ["KnowledgeTransferBuilder"]


# ---------------------------------------------------------------------------------------
# Knowledge-transfer programme builder


class KnowledgeTransferBuilder(PlanningWidget):
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
        regions = region_options(self.store)
        names = {d.key: f"{d.number}. {d.name}" for d in self.instrument.dimensions}
        self.title_html = widgets.HTML(
            "<h2 style='margin:4px 0'>Knowledge-transfer programme</h2>"
            "<div>Receiving region learns from a transferring region, following the steps "
            "of the SCIROCCO Exchange knowledge-transfer programme.</div>"
        )
        self.programme_picker = widgets.Dropdown(
            options=self._programme_options(),
            value=NEW_ENTRY,
            description="Open",
            layout=WIDE_LAYOUT,
        )
        self.programme_picker.observe(self._on_open, names="value")
        self.key_input = widgets.Text(
            description="Key", placeholder="e.g. kt-ostermark-2026", layout=WIDE_LAYOUT
        )
        self.title_input = widgets.Text(description="Title", layout=WIDE_LAYOUT)
        self.receiving_picker = widgets.Dropdown(
            options=[("choose…", NO_CHOICE), *regions], value=NO_CHOICE, description="Receiving"
        )
        self.receiving_picker.observe(self._on_region, names="value")
        self.transferring_picker = widgets.Dropdown(
            options=[("(none yet)", NO_CHOICE), *regions],
            value=NO_CHOICE,
            description="Transferring",
        )
        self.start_input = widgets.DatePicker(description="Start")
        self.end_input = widgets.DatePicker(description="End")
        self.status_picker = widgets.Dropdown(
            options=[(key_label(s), s) for s in PROGRAMME_STATUSES], description="Status"
        )
        # Step 1
        self.dimensions_picker = widgets.SelectMultiple(
            options=[(names[k], k) for k in self.instrument.dimension_keys],
            rows=min(12, len(names)),
            description="Dimensions",
            layout=WIDE_LAYOUT,
        )
        self.suggestion = widgets.HTML()
        self.suggest_button = button(
            "Use the weakest dimensions", self.use_suggestion, layout=widgets.Layout(width="auto")
        )
        # Step 2
        self.needs_input = widgets.Textarea(
            description="Needs", placeholder="What is the exact need?", layout=TEXT_AREA_LAYOUT
        )
        self.objectives_input = widgets.Textarea(description="Objectives", layout=TEXT_AREA_LAYOUT)
        # Step 3
        self.stakeholder_pseudonym = widgets.Text(
            description="Pseudonym", placeholder="e.g. OSM-S01 (no names)"
        )
        self.stakeholder_role = widgets.Text(description="Role")
        self.stakeholder_organisation = widgets.Text(description="Organisation")
        self.add_stakeholder_button = button("Add stakeholder", self.add_stakeholder, icon="plus")
        self.stakeholders_box = widgets.VBox()
        # Step 4
        self.asset_search = widgets.Text(
            description="Search", placeholder="words in title or description", layout=WIDE_LAYOUT
        )
        self.asset_dimension = widgets.Dropdown(
            options=[("any dimension", NO_CHOICE), *((names[k], k) for k in names)],
            value=NO_CHOICE,
            description="Dimension",
            layout=WIDE_LAYOUT,
        )
        for control in (self.asset_search, self.asset_dimension):
            control.observe(lambda _c: self.search(), names="value")
        self.asset_results = widgets.SelectMultiple(rows=6, description="Found", layout=WIDE_LAYOUT)
        self.add_assets_button = button(
            "Add selected assets", lambda: self.add_assets(self.asset_results.value), icon="plus"
        )
        self.assets_box = widgets.VBox()
        # Steps 5-6
        self.activity_kind = widgets.Dropdown(
            options=[(ACTIVITY_MENU.get(k, key_label(k)), k) for k in ACTIVITY_KINDS],
            description="Kind",
            layout=WIDE_LAYOUT,
        )
        self.activity_kind.observe(lambda _c: self._show_limits(), names="value")
        self.activity_limits = widgets.HTML()
        self.activity_title = widgets.Text(description="Title", layout=WIDE_LAYOUT)
        self.activity_location = widgets.Text(description="Location", layout=WIDE_LAYOUT)
        self.activity_start = widgets.DatePicker(description="Start")
        self.activity_end = widgets.DatePicker(description="End")
        self.activity_experts = widgets.Text(description="Visiting experts", placeholder="number")
        self.activity_participants = widgets.Text(description="Participants", placeholder="number")
        self.activity_outcomes = widgets.Textarea(
            description="Expected outcomes", layout=TEXT_AREA_LAYOUT
        )
        self.activity_status = widgets.Dropdown(
            options=[(key_label(s), s) for s in ACTIVITY_STATUSES], description="Status"
        )
        self.add_activity_button = button("Add activity", self.add_activity, icon="plus")
        self.activities_box = widgets.VBox()
        # Step 7
        self.steps_button = button(
            "Add the eight programme steps as milestones",
            self.add_step_milestones,
            layout=widgets.Layout(width="auto"),
        )
        self.milestone_title = widgets.Text(description="Milestone", layout=WIDE_LAYOUT)
        self.milestone_due = widgets.DatePicker(description="Due")
        self.add_milestone_button = button("Add milestone", self.add_milestone, icon="plus")
        self.milestones_box = widgets.VBox()
        # Step 8
        self.evaluation_input = widgets.Textarea(
            description="Evaluation plan",
            placeholder="How will the experience of the participants be captured? "
            "(e.g. focus groups)",
            layout=TEXT_AREA_LAYOUT,
        )
        self.save_button = button("Save programme", self.save, button_style="success")
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
        self._lay_out(
            "scirocco-knowledge-transfer",
            self.title_html,
            self.programme_picker,
            self.steps,
            self.save_button,
        )
        self._show_limits()
        self.search()

    def _programme_options(self) -> list[tuple[str, str]]:
        frame = programmes_frame(self.store)
        return [("New programme", NEW_ENTRY)] + [
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
            role=optional_text(self.stakeholder_role.value),
            organisation=optional_text(self.stakeholder_organisation.value),
        )
        draft = replace(
            self._bare_programme(), stakeholders=(*self.stakeholders, person), activities=()
        )
        return self._add(
            "Stakeholder",
            "stakeholders",
            draft,
            lambda: self.stakeholders.append(person),
            clear=(
                self.stakeholder_pseudonym,
                self.stakeholder_role,
                self.stakeholder_organisation,
            ),
            done=f"Stakeholder {person.pseudonym} added (not saved yet).",
        )

    # --- step 4 ----------------------------------------------------------------------------

    def search(self) -> pd.DataFrame:
        """Catalogue assets matching the search words and the dimension filter."""
        found = search_assets(
            self.catalogue,
            text=optional_text(self.asset_search.value),
            dimension=self.asset_dimension.value or None,
        )
        self.asset_results.options = [
            (f"{row.title} · {key_label(row.kind)}", row.asset) for row in found.itertuples()
        ]
        return found

    def add_assets(self, keys) -> None:
        """Add catalogue assets (by key) to the programme, each once."""
        for key in keys:
            if key not in self.chosen_assets:
                self.chosen_assets.append(key)
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
        experts = parse_count(self.activity_experts.value, source, "visiting_experts", typed)
        participants = parse_count(self.activity_participants.value, source, "participants", typed)
        activity = ActivityRecord(
            key=self._activity_key(kind),
            kind=kind,
            title=(self.activity_title.value or "").strip(),
            start=self.activity_start.value,
            end=self.activity_end.value,
            location=optional_text(self.activity_location.value),
            visiting_experts=experts,
            participants=participants,
            expected_outcomes=optional_text(self.activity_outcomes.value),
            status=self.activity_status.value,
        )
        draft = replace(self._bare_programme(), activities=(activity,))
        return self._add(
            "Activity",
            "activities",
            draft,
            lambda: self.activities.append(activity),
            typed=typed,
            clear=(
                self.activity_title,
                self.activity_location,
                self.activity_experts,
                self.activity_participants,
                self.activity_outcomes,
            ),
            done=f"Activity '{activity.title}' added (not saved yet).",
        )

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

        def keep() -> None:
            self.milestones.append(milestone)
            self.milestones.sort(key=lambda m: m.due)

        return self._add("Milestone", "milestones", draft, keep, clear=(self.milestone_title,))

    # --- the lists (stakeholders, assets, activities, milestones) ---------------------------

    def _add(self, what: str, section: str, draft, keep, *, typed=(), clear=(), done=None) -> bool:
        """Check one new item before ``keep()`` adds it to its list: ``draft`` is the bare
        programme with only that item in ``section``. Its problems (after any ``typed``
        ones) are shown and nothing is added; else the ``clear`` fields are emptied for the
        next item and ``done`` is shown."""
        problems = [
            *typed,
            *(p for p in validate_programme(draft, self.context) if p.source.endswith(section)),
        ]
        if problems:
            self._show(f"{what} not added — please correct:", "error", problem_lines(problems))
            return False
        keep()
        for field in clear:
            field.value = ""
        self._refresh()
        if done:
            self._show(done, "info")
        return True

    def _remove(self, items: list, index: int) -> None:
        """The Remove button of item ``index`` in one of the lists (not saved until
        :meth:`save`)."""
        del items[index]
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
            needs=optional_text(self.needs_input.value),
            objectives=optional_text(self.objectives_input.value),
            evaluation_plan=optional_text(self.evaluation_input.value),
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
        return self._save(
            save_programme, self.programme(), self.programme_picker, self._programme_options
        )

    def open_programme(self, key: str) -> None:
        """Load a stored programme into the widgets for editing."""
        programme = self._open(load_programme, key)
        if programme is None:
            return
        self._hold(self.programme_picker, programme.key)
        self.key_input.value = programme.key
        self.title_input.value = programme.title
        self.receiving_picker.value = programme.receiving_region
        self.transferring_picker.value = programme.transferring_region or NO_CHOICE
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
        self.stakeholders_box.children = removable_list(
            [
                " · ".join(t for t in (s.pseudonym, s.role, s.organisation) if t)
                for s in self.stakeholders
            ],
            partial(self._remove, self.stakeholders),
            empty="No stakeholders yet.",
        )
        titles = (
            self.catalogue.set_index("asset")["title"].to_dict() if not self.catalogue.empty else {}
        )
        self.assets_box.children = removable_list(
            [titles.get(key, key) for key in self.chosen_assets],
            partial(self._remove, self.chosen_assets),
            empty="No assets chosen yet.",
        )
        self.activities_box.children = removable_list(
            [
                f"{ACTIVITY_MENU.get(a.kind, a.kind)}: {a.title} · {a.start} to {a.end}"
                + (f" · {a.visiting_experts} visiting experts" if a.visiting_experts else "")
                + (f" · {a.location}" if a.location else "")
                for a in self.activities
            ],
            partial(self._remove, self.activities),
            empty="No activities yet.",
        )
        self.milestones_box.children = removable_list(
            [f"{m.due} · {m.title}" for m in self.milestones],
            partial(self._remove, self.milestones),
            empty="No milestones yet.",
        )
