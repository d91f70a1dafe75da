"""What the planning widgets share (pure helpers and the widget base).

The widgets themselves: knowledge-transfer programme builder
(:mod:`~scirocco_lab.capture.knowledge_transfer`), action-plan editor
(:mod:`~scirocco_lab.capture.action_plan`), coaching log
(:mod:`~scirocco_lab.capture.coaching_log`).

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

import html

import ipywidgets as widgets

from scirocco_lab.assessment.store import ratings_frame
from scirocco_lab.capture.base import CaptureWidget
from scirocco_lab.errors import InputProblem, SciroccoLabError
from scirocco_lab.instruments import Instrument
from scirocco_lab.planning.store import planning_context
from scirocco_lab.store import Store, resolve_instrument, subjects_frame

__all__ = [
    "PlanningWidget",
    "key_label",
    "optional_text",
    "parse_count",
    "region_options",
    "removable_list",
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
NO_CHOICE = ""
NEW_ENTRY = ""
WIDE_LAYOUT = widgets.Layout(width="560px")
TEXT_AREA_LAYOUT = widgets.Layout(width="560px", height="70px")


# ---------------------------------------------------------------------------------------
# Pure helpers


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


def optional_text(value: str | None) -> str | None:
    """Stripped text, or None when nothing was typed."""
    value = (value or "").strip()
    return value or None


def parse_count(value: str, source: str, field: str, problems: list[InputProblem]) -> int | None:
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


def key_label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def region_options(store: Store) -> list[tuple[str, str]]:
    systems = subjects_frame(store, kind="system")
    return [(f"{row.name} ({row.key})", row.key) for row in systems.itertuples()]


def removable_list(labels: list[str], on_remove, *, empty: str) -> list[widgets.Widget]:
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


class PlanningWidget(CaptureWidget):
    """What the planning widgets add: a record picker, a region picker, and opening and
    saving one stored record (the editors also set ``loaded``, ``context`` and
    ``instrument``)."""

    store: Store

    def _pick_quietly(self, picker: widgets.Dropdown, value, *, options=None) -> None:
        """Show ``value`` in the record picker without its observer opening the record again
        (the widget already holds it): sets ``options`` first when given."""
        with self._quietly():
            if options is not None:
                picker.options = options
            picker.value = value

    def _hold(self, picker: widgets.Dropdown, key: str, *, options=None) -> None:
        """Edit the stored record ``key`` from now on (saving it replaces it) and show it in
        ``picker``."""
        self.loaded = key
        self._pick_quietly(picker, key, options=options)

    def _save(self, save, record, picker: widgets.Dropdown, options) -> bool:
        """Validate and store ``record`` with ``save`` (a :mod:`scirocco_lab.planning.store`
        save), replacing the stored one when it was opened here; every problem is listed and
        nothing is written when anything is wrong. Then ``picker`` shows it among
        ``options()``."""
        try:
            summary = save(
                self.store, record, replace=self.loaded == record.key, instrument=self.instrument
            )
        except SciroccoLabError as exc:
            return self._refused(exc)
        # Validation checks against what is stored, which now includes this record.
        self.context = planning_context(self.store, self.instrument)
        self._hold(picker, record.key, options=options())
        self._show(f"Saved: {summary}.", "ok")
        return True

    def _open(self, load, key: str):
        """The stored record ``load(store, key)``, or None after showing why it cannot be
        opened."""
        try:
            return load(self.store, key)
        except SciroccoLabError as exc:
            self._refused(exc, "Not opened")
            return None

    def _choose_region(self, picker: widgets.Dropdown, region: str) -> None:
        """Preselect a region given by a notebook parameter or link, or say it is unknown."""
        if region in {value for key_label, value in picker.options}:
            picker.value = region
        else:
            self._show(f"No region '{region}' in the store: choose one below.", "warning")
