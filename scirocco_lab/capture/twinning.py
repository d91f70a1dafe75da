"""The twinning & coaching meeting: two assessments side by side, features to implement.

Pick the receiving region's HS assessment and a good practice's GP assessment (or a second
HS assessment, e.g. the transferring region's), see both per dimension with the gap and the
features the practice needs, and record per dimension the features the receiving system must
implement: feature name, already partially implemented (yes/no), feasibility (possible /
difficult / not feasible) and the adaptation needed. Rows are added and removed freely; Save
stores them (:mod:`scirocco_lab.comparison.meetings`) and choosing the same pair reopens them.

Example (in a notebook cell)::

    TwinningMeeting(open_store(), receiving_subject="ostermark")
"""

from __future__ import annotations

import html
import math
from dataclasses import replace

import ipywidgets as widgets
import pandas as pd

from scirocco_lab.assessment.drafts import assessment_ratings
from scirocco_lab.capture.base import CaptureWidget, button, dimension_picker
from scirocco_lab.comparison.meetings import (
    FEASIBILITY,
    TwinningFeature,
    load_twinning_features,
    save_twinning_features,
    stored_assessment_keys,
)
from scirocco_lab.errors import SciroccoLabError
from scirocco_lab.instruments import Instrument
from scirocco_lab.store import Store, resolve_instrument

__all__ = ["TwinningMeeting", "assessment_label", "side_by_side", "side_by_side_html"]

_NOT_SET = ""


def assessment_label(row: dict) -> str:
    """A readable name for an assessment row of :func:`stored_assessment_keys`.

    >>> assessment_label({"subject_name": "Northvale", "kind": "HS", "mode": "consensus",
    ...                   "assessor": None, "round": 2})
    'Northvale · HS · consensus · round 2'
    """
    who = "consensus" if row["mode"] == "consensus" else f"by {row['assessor']}"
    return f"{row['subject_name']} · {row['kind']} · {who} · round {int(row['round'])}"


def _levels(store: Store, row: dict) -> pd.DataFrame:
    ratings = assessment_ratings(store, int(row["assessment_id"]))
    return pd.DataFrame(
        {
            "level": [math.nan if r.level is None else float(r.level) for r in ratings],
            "features": [r.features for r in ratings],
        },
        index=pd.Index([r.dimension for r in ratings], name="dimension"),
    )


def side_by_side(
    receiving: pd.DataFrame, reference: pd.DataFrame, instrument: Instrument
) -> pd.DataFrame:
    """One row per dimension: both levels (NaN when don't know or not rated), the gap
    (reference minus receiving) and the reference's features.

    Inputs are ratings frames of one assessment each, indexed by dimension.
    """
    rows = []
    for dimension in instrument.dimensions:
        mine = receiving["level"].get(dimension.key, float("nan"))
        theirs = reference["level"].get(dimension.key, float("nan"))
        features = reference["features"].get(dimension.key, ()) if len(reference) else ()
        rows.append(
            {
                "dimension": dimension.key,
                "name": dimension.name,
                "receiving_level": mine,
                "reference_level": theirs,
                "gap": theirs - mine,
                "reference_features": tuple(features) if isinstance(features, tuple) else (),
            }
        )
    return pd.DataFrame(rows)


def _level_text(instrument: Instrument, key: str, level: float) -> str:
    if pd.isna(level):
        return "<span style='color:#777'>don't know / not rated</span>"
    label = instrument.dimension(key).level(int(level)).display_label
    return f"<b>{int(level)}</b> <span style='font-size:85%'>{html.escape(label)}</span>"


def side_by_side_html(
    table: pd.DataFrame,
    instrument: Instrument,
    receiving_label: str,
    reference_label: str,
    counts: dict[str, int],
) -> str:
    """The comparison as an HTML table; a positive gap (reference ahead) is highlighted."""
    head = "".join(
        f"<th style='text-align:left;padding:2px 6px'>{html.escape(h)}</th>"
        for h in (
            "Dimension",
            f"Receiving: {receiving_label}",
            f"Reference: {reference_label}",
            "Gap",
            "Features the reference needs",
            "Rows",
        )
    )
    body = []
    for row in table.itertuples():
        gap = "–" if pd.isna(row.gap) else f"{row.gap:+g}"
        ahead = not pd.isna(row.gap) and row.gap > 0
        features = "; ".join(html.escape(f) for f in row.reference_features)
        body.append(
            f"<tr style='border-top:1px solid #ddd;background:{'#fff8e6' if ahead else 'white'}'>"
            f"<td style='padding:2px 6px'>{html.escape(row.name)}</td>"
            f"<td style='padding:2px 6px'>"
            f"{_level_text(instrument, row.dimension, row.receiving_level)}</td>"
            f"<td style='padding:2px 6px'>"
            f"{_level_text(instrument, row.dimension, row.reference_level)}</td>"
            f"<td style='padding:2px 6px'>{gap}</td>"
            f"<td style='padding:2px 6px;font-size:85%'>{features}</td>"
            f"<td style='padding:2px 6px'>{counts.get(row.dimension, 0) or ''}</td></tr>"
        )
    return (
        "<table class='scl-twinning' style='border-collapse:collapse;font-size:90%'>"
        f"<tr>{head}</tr>{''.join(body)}</table>"
    )


class TwinningMeeting(CaptureWidget):
    """Record a twinning & coaching meeting between two stored assessments.

    State: the chosen ``receiving`` and ``reference`` assessment keys and the ``features``
    being edited (a list of :class:`TwinningFeature`, all dimensions). Methods
    :meth:`open_pair`, :meth:`add_feature`, :meth:`remove_feature` and :meth:`save` do what
    the widgets do.
    """

    def __init__(
        self,
        store: Store,
        *,
        instrument: str | Instrument | None = None,
        receiving_subject: str | None = None,
        reference_subject: str | None = None,
    ) -> None:
        self.store = store
        self.instrument = resolve_instrument(store, instrument)
        self.assessments = {
            key: row
            for key, row in stored_assessment_keys(store).items()
            if row["status"] == "submitted" and row["instrument"] == self.instrument.id
        }
        self.receiving: str | None = None
        self.reference: str | None = None
        self.features: list[TwinningFeature] = []
        self.comparison = pd.DataFrame()
        self._loading = False
        self._build_widgets()
        receiving = self._first(kind="HS", subject=receiving_subject)
        reference = self._first(kind="GP", subject=reference_subject, exclude=receiving)
        if reference is None:
            reference = self._first(kind="HS", subject=reference_subject, exclude=receiving)
        if receiving and reference:
            self.open_pair(receiving, reference)
        else:
            self._show(
                "The store needs a submitted HS assessment and a second submitted assessment "
                "(GP or HS) of the same instrument before a meeting can be recorded.",
                "warning",
            )

    def _first(self, *, kind: str, subject: str | None, exclude: str | None = None) -> str | None:
        # Consensus assessments first: a meeting usually compares agreed profiles.
        candidates = [
            (row["mode"] != "consensus", -int(row["round"]), key)
            for key, row in self.assessments.items()
            if row["kind"] == kind
            and key != exclude
            and (subject is None or row["subject"] == subject)
        ]
        return min(candidates)[2] if candidates else None

    def _options(self, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
        rows = [
            (kinds.index(row["kind"]), row["mode"] != "consensus", assessment_label(row), key)
            for key, row in self.assessments.items()
            if row["kind"] in kinds
        ]
        return [(label, key) for *_order, label, key in sorted(rows)]

    def _build_widgets(self) -> None:
        self.title = widgets.HTML(
            "<h2 style='margin:4px 0'>Twinning &amp; coaching meeting</h2>"
            f"<div>{html.escape(self.instrument.title)}</div>"
        )
        self.receiving_picker = widgets.Dropdown(
            options=self._options(("HS",)),
            value=None,
            description="Receiving",
            layout=widgets.Layout(width="560px"),
        )
        self.reference_picker = widgets.Dropdown(
            options=self._options(("GP", "HS")),
            value=None,
            description="Reference",
            layout=widgets.Layout(width="560px"),
        )
        for picker in (self.receiving_picker, self.reference_picker):
            picker.observe(self._on_pick, names="value")
        self.table = widgets.HTML()
        self.dimension_picker = dimension_picker(self.instrument)
        self.dimension_picker.observe(lambda _c: self._render_rows(), names="value")
        self.rows_box = widgets.VBox()
        self.add_button = button(
            "Add feature", lambda: self.add_feature(self.dimension_picker.value), icon="plus"
        )
        self.copy_button = button(
            "Add the reference's features",
            self.add_reference_features,
            layout=widgets.Layout(width="auto"),
        )
        self.save_button = button("Save meeting", self.save, button_style="success")
        self._lay_out(
            "scirocco-twinning-meeting",
            self.title,
            self.receiving_picker,
            self.reference_picker,
            self.table,
            self.dimension_picker,
            widgets.HTML("<b>Features the receiving system must implement in this dimension</b>"),
            self.rows_box,
            widgets.HBox([self.add_button, self.copy_button, self.save_button]),
        )

    # --- actions ---------------------------------------------------------------------------

    def open_pair(self, receiving: str, reference: str) -> None:
        """Compare two stored assessments and reopen the meeting's saved rows."""
        if receiving == reference:
            self._show("Pick two different assessments to compare.", "error")
            return
        self.receiving, self.reference = receiving, reference
        with self._quietly():
            self.receiving_picker.value = receiving
            self.reference_picker.value = reference
        self.comparison = side_by_side(
            _levels(self.store, self.assessments[receiving]),
            _levels(self.store, self.assessments[reference]),
            self.instrument,
        )
        self.features = list(load_twinning_features(self.store, receiving, reference))
        self._refresh()
        saved = len(self.features)
        self._show(
            f"Reopened the meeting: {saved} feature row(s) saved earlier."
            if saved
            else "New meeting: add the features the receiving system must implement.",
            "info",
        )

    def add_feature(
        self,
        dimension: str,
        feature: str = "",
        *,
        partially_implemented: bool = False,
        feasibility: str | None = None,
        adaptation: str | None = None,
    ) -> None:
        """Add a row to ``dimension`` (not saved until :meth:`save`)."""
        self.features.append(
            TwinningFeature(dimension, feature, partially_implemented, feasibility, adaptation)
        )
        self._refresh()

    def add_reference_features(self) -> None:
        """Add a row for each feature the reference needs in the current dimension and that
        is not listed yet."""
        key = self.dimension_picker.value
        row = self.comparison[self.comparison["dimension"] == key]
        listed = {f.feature for f in self.features if f.dimension == key}
        for name in row["reference_features"].iloc[0] if len(row) else ():
            if name not in listed:
                self.features.append(TwinningFeature(key, name))
        self._refresh()

    def remove_feature(self, index: int) -> None:
        """Remove row ``index`` of :attr:`features` (not saved until :meth:`save`)."""
        del self.features[index]
        self._refresh()

    def save(self) -> bool:
        """Store every row of the meeting; shows what to fix when a row is incomplete."""
        if not (self.receiving and self.reference):
            self._show("Pick the two assessments first.", "error")
            return False
        try:
            count = save_twinning_features(
                self.store, self.receiving, self.reference, self.features, self.instrument
            )
        except SciroccoLabError as exc:
            return self._refused(exc, "Not saved")
        self._show(f"Meeting saved: {count} feature row(s).", "ok")
        return True

    # --- internals -------------------------------------------------------------------------

    def _on_pick(self, _change) -> None:
        if self._loading:
            return
        receiving, reference = self.receiving_picker.value, self.reference_picker.value
        if receiving and reference:
            self.open_pair(receiving, reference)

    def _refresh(self) -> None:
        counts: dict[str, int] = {}
        for feature in self.features:
            counts[feature.dimension] = counts.get(feature.dimension, 0) + 1
        if self.receiving and self.reference:
            self.table.value = side_by_side_html(
                self.comparison,
                self.instrument,
                assessment_label(self.assessments[self.receiving]),
                assessment_label(self.assessments[self.reference]),
                counts,
            )
        self._render_rows()

    def _render_rows(self) -> None:
        key = self.dimension_picker.value
        rows = [self._row(i, f) for i, f in enumerate(self.features) if f.dimension == key]
        self.rows_box.children = rows or [
            widgets.HTML("<i style='color:#777'>No features recorded for this dimension.</i>")
        ]

    def _row(self, index: int, feature: TwinningFeature) -> widgets.HBox:
        name = widgets.Text(
            value=feature.feature, placeholder="feature name", layout=widgets.Layout(width="240px")
        )
        partial = widgets.Checkbox(
            value=feature.partially_implemented,
            description="partially implemented",
            indent=False,
            layout=widgets.Layout(width="170px"),
        )
        feasibility = widgets.Dropdown(
            options=[("feasibility?", _NOT_SET)] + [(f, f) for f in FEASIBILITY],
            value=feature.feasibility or _NOT_SET,
            layout=widgets.Layout(width="130px"),
        )
        adaptation = widgets.Text(
            value=feature.adaptation or "",
            placeholder="adaptation needed",
            layout=widgets.Layout(width="260px"),
        )
        remove = widgets.Button(description="Remove", layout=widgets.Layout(width="80px"))

        def edited(_change) -> None:
            self.features[index] = replace(
                self.features[index],
                feature=name.value,
                partially_implemented=bool(partial.value),
                feasibility=feasibility.value or None,
                adaptation=adaptation.value or None,
            )

        for control in (name, partial, feasibility, adaptation):
            control.observe(edited, names="value")
        remove.on_click(lambda _b: self.remove_feature(index))
        return widgets.HBox([name, partial, feasibility, adaptation, remove])
