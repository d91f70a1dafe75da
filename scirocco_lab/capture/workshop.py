"""The consensus workshop: the panel's spread per dimension, and the agreed levels.

For a subject and a round the facilitator sees, per dimension, a small chart of the submitted
individual ratings, the consensus statistics
(:func:`scirocco_lab.assessment.consensus.consensus_table`, SCIROCCO Delphi rule by default) and a
flag where stakeholders disagree (``Split``). They record the agreed level (or don't know) and its
justification; the result is the consensus assessment (mode ``consensus``) of that round, saved as a
draft on every change and locked when recorded. Any number of rounds: the round picker lists every
round with ratings.

Example (in a notebook cell)::

    ConsensusWorkshop(open_store(), "northvale", round=2)
"""

from __future__ import annotations

import html
import math

import ipywidgets as widgets
import pandas as pd

from scirocco_lab.assessment.consensus import DelphiRule, consensus_table
from scirocco_lab.assessment.drafts import (
    FormTarget,
    build_assessment,
    load_assessment,
    save_draft,
    submit_assessment,
)
from scirocco_lab.assessment.records import RatingRecord
from scirocco_lab.assessment.store import assessments_frame, ratings_frame
from scirocco_lab.capture.base import CaptureWidget, button, dimension_picker
from scirocco_lab.capture.views import level_bar_chart
from scirocco_lab.errors import SciroccoLabError
from scirocco_lab.instruments import Instrument
from scirocco_lab.io.display import format_number
from scirocco_lab.store import Store, get_subject, resolve_instrument

__all__ = [
    "ConsensusWorkshop",
    "panel_rounds",
    "workshop_rule",
    "workshop_summary",
    "workshop_table_html",
]

_NOT_AGREED = "not_agreed"
_DONT_KNOW = "dont_know"


def panel_rounds(store: Store, subject: str, instrument: str) -> list[int]:
    """Rounds with at least one submitted individual assessment of ``subject``."""
    frame = assessments_frame(
        store, subject=subject, mode="individual", status="submitted", instrument=instrument
    )
    return sorted(int(r) for r in frame["round"].unique())


def workshop_rule(instrument: Instrument) -> DelphiRule:
    """The SCIROCCO Delphi rule with its split threshold (4 of 12 outside the agreement
    region) as a share, so a workshop panel of any size can be flagged, on the instrument's
    scale. The published count (4) never flags a panel of fewer than 8 people.

    >>> from scirocco_lab.instruments import load_instrument
    >>> workshop_rule(load_instrument("scirocco-exchange")).outside_proportion
    0.3333333333333333
    """
    return DelphiRule(
        outside_threshold=None,
        outside_proportion=4 / 12,
        scale=(instrument.scale_min, instrument.scale_max),
    )


def workshop_summary(
    ratings: pd.DataFrame,
    instrument: Instrument,
    *,
    rule: str = "delphi-scirocco",
    delphi: DelphiRule | None = None,
) -> pd.DataFrame:
    """One row per dimension (instrument order): level counts and consensus statistics.

    ``ratings`` is :func:`~scirocco_lab.assessment.store.ratings_frame` for one subject and round.
    Columns: ``dimension``, ``name``, ``counts`` (level -> count), ``n_rated``,
    ``n_dont_know``, ``median``, ``iqr``, ``pct_in_agreement``, ``distribution``,
    ``delphi_label`` and ``disagree`` (True where the rule finds a Split). ``delphi``
    defaults to :func:`workshop_rule`.

    >>> from scirocco_lab.instruments import load_instrument
    >>> exchange = load_instrument("scirocco-exchange")
    >>> empty = pd.DataFrame(columns=["subject", "round", "dimension", "assessor", "level",
    ...                               "dont_know"])
    >>> workshop_summary(empty, exchange)["n_rated"].sum()
    np.int64(0)
    """
    stats = pd.DataFrame()
    if not ratings.empty:
        stats = consensus_table(
            ratings[["subject", "round", "dimension", "assessor", "level", "dont_know"]],
            rule=rule,
            delphi=delphi or workshop_rule(instrument),
        ).set_index("dimension")
    rows = []
    for dimension in instrument.dimensions:
        mine = ratings[ratings["dimension"] == dimension.key] if not ratings.empty else ratings
        rated = mine[~mine["dont_know"].astype(bool)]["level"].dropna() if len(mine) else []
        counts = {int(level): int(n) for level, n in pd.Series(rated).value_counts().items()}
        row = stats.loc[dimension.key] if dimension.key in stats.index else None
        distribution = None if row is None else row["distribution"]
        distribution = None if isinstance(distribution, float) else distribution
        rows.append(
            {
                "dimension": dimension.key,
                "name": dimension.name,
                "counts": counts,
                "n_rated": sum(counts.values()),
                "n_dont_know": int(mine["dont_know"].astype(bool).sum()) if len(mine) else 0,
                "median": math.nan if row is None else float(row["median"]),
                "iqr": math.nan if row is None else float(row["iqr"]),
                "pct_in_agreement": math.nan if row is None else float(row["pct_in_agreement"]),
                "distribution": distribution,
                "delphi_label": None if row is None else row["delphi_label"],
                "disagree": distribution == "Split",
            }
        )
    return pd.DataFrame(rows)


def workshop_table_html(
    summary: pd.DataFrame, instrument: Instrument, agreed: dict[str, RatingRecord]
) -> str:
    """The workshop overview as an HTML table: spread chart, statistics, flag, agreed level."""
    scale = (instrument.scale_min, instrument.scale_max)
    head = "".join(
        f"<th style='text-align:left;padding:2px 6px'>{h}</th>"
        for h in (
            "Dimension",
            "Spread",
            "Rated / ?",
            "Median (IQR)",
            "% in agreement",
            "Panel",
            "Agreed",
        )
    )
    body = []
    for row in summary.itertuples():
        if row.disagree:
            flag = "<b style='color:#a11b1b'>⚠ disagree</b>"
        elif row.distribution == "Agreement":
            flag = "<span style='color:#1e6b30'>agree</span>"
        else:
            flag = "<span style='color:#777'>no ratings</span>"
        median = (
            "–"
            if math.isnan(row.median)
            else f"{format_number(row.median, 1)} ({format_number(row.iqr, 2)})"
        )
        agreement = (
            "–"
            if math.isnan(row.pct_in_agreement)
            else f"{format_number(row.pct_in_agreement, 0)} %"
        )
        rating = agreed.get(row.dimension)
        if rating is None or (rating.level is None and not rating.dont_know):
            agreed_text = "<span style='color:#777'>not yet</span>"
        else:
            agreed_text = "don't know" if rating.dont_know else f"<b>{rating.level}</b>"
        background = "#fff4f4" if row.disagree else "white"
        body.append(
            f"<tr style='background:{background};border-top:1px solid #ddd'>"
            f"<td style='padding:2px 6px'>{html.escape(row.name)}</td>"
            f"<td style='padding:2px 6px'>"
            f"{level_bar_chart(row.counts, scale, dont_know=row.n_dont_know, width=80)}</td>"
            f"<td style='padding:2px 6px'>{row.n_rated} / {row.n_dont_know}</td>"
            f"<td style='padding:2px 6px'>{median}</td>"
            f"<td style='padding:2px 6px'>{agreement}</td>"
            f"<td style='padding:2px 6px'>{flag}</td>"
            f"<td style='padding:2px 6px'>{agreed_text}</td></tr>"
        )
    return (
        "<table class='scl-workshop' style='border-collapse:collapse;font-size:90%'>"
        f"<tr>{head}</tr>{''.join(body)}</table>"
    )


class ConsensusWorkshop(CaptureWidget):
    """Facilitator's view of one subject's panel, per round, recording the consensus.

    State: the current ``round``, the ``agreed`` ratings (dimension -> RatingRecord) and
    whether the consensus is ``locked``. Methods :meth:`show_round`, :meth:`agree` and
    :meth:`record` do what the widgets do.
    """

    def __init__(
        self,
        store: Store,
        subject: str,
        *,
        instrument: str | Instrument | None = None,
        round: int | None = None,
        rule: str = "delphi-scirocco",
        delphi: DelphiRule | None = None,
    ) -> None:
        self.store = store
        self.delphi = delphi
        self.subject = subject
        self.subject_name = str(get_subject(store, subject)["name"])
        self.kind = "GP" if get_subject(store, subject)["kind"] == "good_practice" else "HS"
        self.instrument = resolve_instrument(store, instrument)
        self.rule = rule
        rounds = panel_rounds(store, subject, self.instrument.id)
        if round is not None and round not in rounds:
            rounds = sorted({*rounds, round})
        self.round = round if round is not None else (rounds[-1] if rounds else 1)
        self.agreed: dict[str, RatingRecord] = {}
        self.locked = False
        self.summary = pd.DataFrame()
        self._loading = False
        self._build_widgets(rounds or [self.round])
        self.show_round(self.round)

    @property
    def target(self) -> FormTarget:
        """The consensus assessment being recorded."""
        return FormTarget(self.kind, self.subject, self.instrument.id, self.round, "consensus")

    def _build_widgets(self, rounds: list[int]) -> None:
        self.title = widgets.HTML(
            f"<h2 style='margin:4px 0'>Consensus workshop: {html.escape(self.subject_name)}</h2>"
            f"<div>{html.escape(self.instrument.title)} · {self.kind} · rule {self.rule}</div>"
        )
        self.round_picker = widgets.Dropdown(
            options=[(f"Round {r}", r) for r in rounds], value=self.round, description="Round"
        )
        self.round_picker.observe(
            lambda change: self.show_round(change["new"]) if not self._loading else None,
            names="value",
        )
        self.table = widgets.HTML()
        self.dimension_picker = dimension_picker(self.instrument)
        self.dimension_picker.observe(lambda _c: self._load_editor(), names="value")
        self.hint = widgets.HTML()
        self.level_choice = widgets.Dropdown(description="Agreed level")
        self.justification = widgets.Textarea(
            description="Justify",
            placeholder="Why the workshop agreed on this level",
            continuous_update=False,
            layout=widgets.Layout(width="600px", height="80px"),
        )
        for control in (self.level_choice, self.justification):
            control.observe(self._on_edit, names="value")
        self.record_button = button("Record consensus", self.record, button_style="success")
        self._lay_out(
            "scirocco-consensus-workshop",
            self.title,
            self.round_picker,
            self.table,
            self.dimension_picker,
            self.hint,
            self.level_choice,
            self.justification,
            self.record_button,
        )

    # --- actions ---------------------------------------------------------------------------

    def show_round(self, round_number: int) -> None:
        """Load the panel's ratings and any stored consensus of ``round_number``."""
        self.round = round_number
        ratings = ratings_frame(
            self.store,
            subject=self.subject,
            kind=self.kind,
            mode="individual",
            round=round_number,
            status="submitted",
            instrument=self.instrument.id,
        )
        self.summary = workshop_summary(
            ratings, self.instrument, rule=self.rule, delphi=self.delphi
        )
        stored = load_assessment(self.store, self.target, None)
        self.agreed = {r.dimension: r for r in stored.ratings} if stored else {}
        self.locked = stored is not None and stored.status == "submitted"
        for control in (self.level_choice, self.justification, self.record_button):
            control.disabled = self.locked
        with self._quietly():
            self.round_picker.value = round_number
        self._refresh_table()
        self._load_editor()
        disagreements = int(self.summary["disagree"].sum())
        panel = int(ratings["assessor"].nunique()) if not ratings.empty else 0
        text = (
            f"Round {round_number}: {panel} submitted assessment(s); stakeholders disagree on "
            f"{disagreements} dimension(s)."
        )
        if self.locked:
            text += " The consensus of this round is recorded and locked."
        self._show(text, "warning" if disagreements else "info")

    def agree(
        self,
        dimension: str,
        *,
        level: int | None = None,
        dont_know: bool = False,
        justification: str | None = None,
    ) -> bool:
        """Set the agreed level of ``dimension`` and save the consensus draft."""
        self.agreed[dimension] = RatingRecord(
            dimension, level=level, dont_know=dont_know, justification=justification
        )
        saved = self._save_draft()
        self._refresh_table()
        if self.dimension_picker.value == dimension:
            self._load_editor()
        return saved

    def record(self) -> bool:
        """Submit the consensus assessment: every dimension agreed (or don't know)."""
        record = build_assessment(self.target, None, self.agreed, instrument=self.instrument)
        try:
            submit_assessment(self.store, record, instrument=self.instrument)
        except SciroccoLabError as exc:
            return self._refused(exc, "Consensus not recorded", "agree on these first")
        self.locked = True
        for control in (self.level_choice, self.justification, self.record_button):
            control.disabled = True
        self._show(f"Consensus of round {self.round} recorded and locked.", "ok")
        return True

    # --- internals -------------------------------------------------------------------------

    def _load_editor(self) -> None:
        key = self.dimension_picker.value
        dimension = self.instrument.dimension(key)
        row = self.summary[self.summary["dimension"] == key].iloc[0]
        rating = self.agreed.get(key, RatingRecord(key))
        with self._quietly():
            self.level_choice.options = (
                [("— not agreed yet", _NOT_AGREED)]
                + [(f"{lv.number} — {lv.display_label}", lv.number) for lv in dimension.levels]
                + [("Don't know", _DONT_KNOW)]
            )
            if rating.dont_know:
                self.level_choice.value = _DONT_KNOW
            else:
                self.level_choice.value = _NOT_AGREED if rating.level is None else rating.level
            self.justification.value = rating.justification or ""
        median = "no ratings" if math.isnan(row["median"]) else f"median {row['median']:g}"
        flag = " — <b style='color:#a11b1b'>stakeholders disagree</b>" if row["disagree"] else ""
        self.hint.value = f"<div>Panel: {median}, {row['n_rated']} rated{flag}</div>"

    def _on_edit(self, _change) -> None:
        if self._loading or self.locked:
            return
        key = self.dimension_picker.value
        choice = self.level_choice.value
        self.agreed[key] = RatingRecord(
            key,
            level=None if choice in (_NOT_AGREED, _DONT_KNOW, None) else int(choice),
            dont_know=choice == _DONT_KNOW,
            justification=self.justification.value.strip() or None,
        )
        self._save_draft()
        self._refresh_table()

    def _save_draft(self) -> bool:
        record = build_assessment(self.target, None, self.agreed, instrument=self.instrument)
        try:
            save_draft(self.store, record, instrument=self.instrument)
        except SciroccoLabError as exc:
            return self._refused(exc, "Not saved")
        self._show("Consensus draft saved.", "ok")
        return True

    def _refresh_table(self) -> None:
        self.table.value = workshop_table_html(self.summary, self.instrument, self.agreed)
