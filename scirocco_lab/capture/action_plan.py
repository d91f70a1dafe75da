"""The action-plan editor: a region's actions, saved to the store and exported to Excel or CSV."""

from __future__ import annotations

from dataclasses import asdict, replace
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from scirocco_lab.capture.base import button, problem_lines
from scirocco_lab.capture.planning_helpers import (
    NEW_ENTRY,
    NO_CHOICE,
    TEXT_AREA_LAYOUT,
    WIDE_LAYOUT,
    PlanningWidget,
    key_label,
    optional_text,
    region_options,
)
from scirocco_lab.errors import SciroccoLabError
from scirocco_lab.instruments import Instrument
from scirocco_lab.planning.export import write_action_plan
from scirocco_lab.planning.records import (
    ACTION_PRIORITIES,
    ACTION_STATUSES,
    ActionPlanRecord,
    ActionRecord,
    validate_action_plan,
)
from scirocco_lab.planning.report import actions_html
from scirocco_lab.planning.store import (
    actions_frame,
    load_action_plan,
    planning_context,
    programmes_frame,
    save_action_plan,
)
from scirocco_lab.store import Store, resolve_instrument

__all__ = ["ActionPlanEditor"]


# ---------------------------------------------------------------------------------------
# Action-plan editor


class ActionPlanEditor(PlanningWidget):
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
            options=self._plan_options(), value=NEW_ENTRY, description="Open", layout=WIDE_LAYOUT
        )
        self.plan_picker.observe(self._on_open, names="value")
        self.key_input = widgets.Text(
            description="Key", placeholder="e.g. ap-ostermark-2026", layout=WIDE_LAYOUT
        )
        self.title_input = widgets.Text(description="Title", layout=WIDE_LAYOUT)
        self.region_picker = widgets.Dropdown(
            options=[("choose…", NO_CHOICE), *region_options(self.store)],
            value=NO_CHOICE,
            description="Region",
        )
        self.programme_picker = widgets.Dropdown(
            options=[("(none)", NO_CHOICE)], description="Programme", layout=WIDE_LAYOUT
        )
        self.region_picker.observe(lambda _c: self._programme_choices(), names="value")
        self.action_picker = widgets.Dropdown(description="Action", layout=WIDE_LAYOUT)
        self.action_picker.observe(self._on_pick_action, names="value")
        self.dimension_picker = widgets.Dropdown(options=names, description="Dimension")
        self.objective_input = widgets.Textarea(description="Objective", layout=TEXT_AREA_LAYOUT)
        self.owner_input = widgets.Text(description="Owner", placeholder="role, team or pseudonym")
        self.start_input = widgets.DatePicker(description="Start")
        self.end_input = widgets.DatePicker(description="End")
        self.resources_input = widgets.Text(description="Resources", layout=WIDE_LAYOUT)
        self.indicator_input = widgets.Text(description="Indicator", layout=WIDE_LAYOUT)
        self.priority_picker = widgets.Dropdown(
            options=[(key_label(p), p) for p in ACTION_PRIORITIES], value="medium",
            description="Priority",
        )  # fmt: skip
        self.status_picker = widgets.Dropdown(
            options=[(key_label(s), s) for s in ACTION_STATUSES], description="Status"
        )
        self.apply_button = button("Add action", self.apply_action, icon="plus")
        self.remove_button = button(
            "Remove action", lambda: self.remove_action(self.action_picker.value)
        )
        self.table = widgets.HTML()
        self.save_button = button("Save plan", self.save, button_style="success")
        self.export_dir = widgets.Text(
            value=export_dir, description="Export to", layout=WIDE_LAYOUT
        )
        self.export_xlsx_button = button(
            "Export Excel", lambda: self.export("xlsx"), icon="download"
        )
        self.export_csv_button = button("Export CSV", lambda: self.export("csv"), icon="download")
        self._lay_out(
            "scirocco-action-plan",
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
        )

    def _plan_options(self) -> list[tuple[str, str]]:
        from scirocco_lab.planning.store import action_plans_frame

        frame = action_plans_frame(self.store)
        return [("New action plan", NEW_ENTRY)] + [
            (f"{row.title} ({row.region})", row.plan) for row in frame.itertuples()
        ]

    def _programme_choices(self) -> None:
        region = self.region_picker.value
        frame = programmes_frame(self.store, region=region) if region else pd.DataFrame()
        if not frame.empty:
            frame = frame[frame["receiving_region"] == region]
        current = self.programme_picker.value
        options = [("(none)", NO_CHOICE)] + [
            (row.title, row.programme) for row in frame.itertuples()
        ]
        self.programme_picker.options = options
        self.programme_picker.value = current if current in {v for _l, v in options} else NO_CHOICE

    # --- actions ---------------------------------------------------------------------------

    def _typed_action(self, position: int) -> ActionRecord:
        return ActionRecord(
            position=position,
            dimension=self.dimension_picker.value,
            objective=(self.objective_input.value or "").strip(),
            start=self.start_input.value,
            end=self.end_input.value,
            owner=optional_text(self.owner_input.value),
            resources=optional_text(self.resources_input.value),
            indicator=optional_text(self.indicator_input.value),
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
        return self._save(save_action_plan, self.plan(), self.plan_picker, self._plan_options)

    def open_plan(self, key: str) -> None:
        """Load a stored action plan for editing."""
        plan = self._open(load_action_plan, key)
        if plan is None:
            return
        self._hold(self.plan_picker, plan.key)
        self.key_input.value, self.title_input.value = plan.key, plan.title
        self.region_picker.value = plan.region
        self._programme_choices()
        self.programme_picker.value = plan.programme or NO_CHOICE
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
        with self._quietly():
            self.action_picker.options = [("New action", 0)] + [
                (f"{a.position}. {a.objective[:60]}", a.position) for a in self.actions
            ]
            if select is not None:
                self.action_picker.value = select
        self._on_pick_action(None)
