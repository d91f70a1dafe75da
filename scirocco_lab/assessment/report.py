"""Building blocks of the report notebooks: the data a report shows and its HTML pieces.

Report notebooks stay thin: one call gathers what a region report needs
(:func:`region_report_data`), and the ``*_html`` helpers turn results into HTML in which every
piece of user text is escaped. Demo data is marked on every page and figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from scirocco_lab.assessment.agreement import AGREEMENT_COLUMNS, agreement_table
from scirocco_lab.assessment.consensus import (
    DelphiRule,
    delphi_table,
    discussion_points,
    round_movement,
)
from scirocco_lab.assessment.longitudinal import LONGITUDINAL_COLUMNS, longitudinal
from scirocco_lab.assessment.plots import (
    longitudinal_chart,
    radar_chart,
    rating_distribution_chart,
)
from scirocco_lab.assessment.scoring import (
    RATING_STATISTICS,
    region_profile,
    strengths_and_weaknesses,
)
from scirocco_lab.assessment.store import RATINGS_READS, ratings_frame
from scirocco_lab.errors import SciroccoLabError
from scirocco_lab.instruments import Instrument, in_instrument_order, load_crosswalk
from scirocco_lab.io.clock import utc_now
from scirocco_lab.io.html import escape_text as _e  # short: HTML f-strings
from scirocco_lab.io.html import table_html
from scirocco_lab.reports.custom import CustomTasks
from scirocco_lab.reports.registry import ReportKind
from scirocco_lab.stats.reliability import coefficient_name
from scirocco_lab.store import Store, get_subject, resolve_instrument

__all__ = [
    "HEADINGS",
    "REPORT_KINDS",
    "RegionReportData",
    "agreement_html",
    "delphi_table_html",
    "discussion_html",
    "longitudinal_html",
    "movement_html",
    "profile_table_html",
    "region_history",
    "region_report_data",
    "region_tasks",
    "strengths_html",
]


@dataclass(frozen=True)
class RegionReportData:
    """Everything the region profile report shows, computed once."""

    subject: dict
    instrument: Instrument
    ratings: pd.DataFrame
    profile: pd.DataFrame
    strengths: pd.DataFrame
    store_label: str
    generated_at: dt.datetime
    delphi: pd.DataFrame
    movement: pd.DataFrame
    agreement: pd.DataFrame
    discussion: pd.DataFrame
    longitudinal: pd.DataFrame

    @property
    def synthetic(self) -> bool:
        return bool(self.subject.get("synthetic"))

    def radar(self):
        """Radar of the consensus (or median) profile against the individual median."""
        frame = pd.concat(
            [
                self.profile.assign(profile="Consensus" if self.has_consensus else "Median")[
                    ["profile", "dimension", "level"]
                ],
                self.profile.assign(profile="Individual median", level=self.profile["median"])[
                    ["profile", "dimension", "level"]
                ]
                if self.has_consensus
                else pd.DataFrame(columns=["profile", "dimension", "level"]),
            ],
            ignore_index=True,
        )
        return radar_chart(
            frame, self.instrument, title=self.subject["name"], synthetic=self.synthetic
        )

    def distribution(self):
        """Spread of the latest round's individual ratings, the consensus level ringed."""
        individual = self.ratings[self.ratings["mode"] == "individual"]
        latest = individual[individual["round"] == individual["round"].max()]
        return rating_distribution_chart(
            latest,
            self.instrument,
            consensus=self.profile[["dimension", "consensus_level"]],
            title=f"Individual ratings, round {int(latest['round'].max())}"
            if not latest.empty
            else None,
            synthetic=self.synthetic,
        )

    @property
    def has_consensus(self) -> bool:
        return bool(self.profile["consensus_level"].notna().any())

    @property
    def has_history(self) -> bool:
        """True when the region was assessed on more than one occasion."""
        return not self.longitudinal.empty and self.longitudinal["occasion"].nunique() > 1

    def longitudinal_chart(self):
        """The region's level per dimension over its assessment occasions."""
        return longitudinal_chart(
            self.longitudinal,
            self.instrument,
            title=f"{self.subject['name']} over time",
            synthetic=self.synthetic,
        )


def region_report_data(
    store: Store, region: str, instrument: str | Instrument | None = None
) -> RegionReportData:
    """Read one region's ratings and compute its profile and strengths/weaknesses."""
    subject = get_subject(store, region)
    chosen = resolve_instrument(store, instrument)
    ratings = ratings_frame(store, subject=region, kind="HS", instrument=chosen.id)
    profile = region_profile(ratings, chosen, region)
    individual = ratings[ratings["mode"] == "individual"]
    rule = DelphiRule(scale=(chosen.scale_min, chosen.scale_max))
    delphi = _in_instrument_order(
        delphi_table(individual, rule=rule) if not individual.empty else pd.DataFrame(), chosen
    )
    latest = delphi[delphi["round"] == delphi["round"].max()] if not delphi.empty else delphi
    latest_ratings = individual[individual["round"] == individual["round"].max()]
    history = region_history(store, region, chosen)
    return RegionReportData(
        subject=subject,
        instrument=chosen,
        ratings=ratings,
        profile=profile,
        strengths=strengths_and_weaknesses(profile),
        store_label=store.label,
        generated_at=utc_now(whole_seconds=True),
        delphi=delphi,
        movement=_in_instrument_order(round_movement(delphi), chosen)
        if not delphi.empty
        else pd.DataFrame(),
        agreement=agreement_table(latest_ratings, by=("subject", "round"))
        if not latest_ratings.empty
        else pd.DataFrame(),
        discussion=_in_instrument_order(
            discussion_points(latest, consensus=profile[["dimension", "consensus_level"]]), chosen
        )
        if not latest.empty
        else pd.DataFrame(columns=["dimension", "reason"]),
        longitudinal=history,
    )


def region_history(
    store: Store,
    region: str,
    instrument: Instrument,
    *,
    crosswalks: dict | None = None,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """The region's longitudinal view (:func:`~scirocco_lab.assessment.longitudinal.
    longitudinal`) over its submitted HS assessments of every instrument that ``crosswalks``
    (instrument id -> cross-walk) or a bundled cross-walk maps onto ``instrument``; other
    generations are left out, as they cannot be shown on its dimensions."""
    get_subject(store, region)
    every = ratings_frame(store, subject=region, kind="HS")
    if every.empty:
        return pd.DataFrame(columns=LONGITUDINAL_COLUMNS)
    crosswalks = dict(crosswalks or {})
    usable, instruments = [], {}
    for instrument_id in pd.unique(every["instrument"]):
        if instrument_id == instrument.id:
            usable.append(instrument_id)
            continue
        try:
            if instrument_id not in crosswalks:
                load_crosswalk(str(instrument_id), instrument.id)
            instruments[instrument_id] = resolve_instrument(store, str(instrument_id))
        except SciroccoLabError:
            continue  # no cross-walk: that generation cannot be shown on this scale
        usable.append(instrument_id)
    return longitudinal(
        every[every["instrument"].isin(usable)],
        region,
        instrument,
        crosswalks=crosswalks,
        instruments=instruments,
        n_boot=n_boot,
        seed=seed,
    )


def _in_instrument_order(frame: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Rows in the instrument's dimension order, with the dimension's display name added."""
    if frame.empty:
        return frame
    named = frame.assign(dimension_name=frame["dimension"].map(instrument.dimension_names))
    by = [c for c in ("round", "round_from") if c in named.columns]
    return in_instrument_order(named, instrument, by=by)


#: The heading of every column the region report's tables show (one wording per column).
HEADINGS = {
    "dimension_number": "#",
    "dimension_name": "Dimension",
    "consensus_level": "Agreed level (workshop)",
    "n_rated": "n rated",
    "n_dont_know": "Don't know",
    "median": "Median",
    "q1": "Q1",
    "q3": "Q3",
    "iqr": "IQR",
    "pct_at_median": "% at median",
    "pct_in_agreement": "% in agreement",
    "distribution": "Distribution",
    "delphi_label": "Delphi label (from the median)",
    "round_from": "From round",
    "round_to": "To round",
    "median_from": "Median before",
    "median_to": "Median after",
    "iqr_change": "IQR change",
    "pct_in_agreement_change": "Agreement change (points)",
    "direction": "Direction",
    "stable": "Stable",
    "coefficient": "Coefficient",
    "variant": "Variant",
    "value": "Value",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "n_raters": "Raters",
    "n_units": "Dimensions",
    "reading": "Reading",
    "note": "Note",
    "from_label": "From",
    "occasion_label": "To",
    "level_before": "Level before",
    "level": "Level after",
    "change": "Change",
    "change_ci_low": "95% interval low",
    "change_ci_high": "95% interval high",
    "how": "How to read it",
}


#: The columns of the Delphi, movement and longitudinal tables, in order.
_DELPHI_TABLE = (
    "dimension_name",
    "n_rated",
    "n_dont_know",
    "median",
    "iqr",
    "pct_at_median",
    "pct_in_agreement",
    "distribution",
    "delphi_label",
)
_MOVEMENT_TABLE = (
    "dimension_name",
    "round_from",
    "round_to",
    "median_from",
    "median_to",
    "iqr_change",
    "pct_in_agreement_change",
    "direction",
    "stable",
)
_LONGITUDINAL_TABLE = (
    "dimension_name",
    "from_label",
    "occasion_label",
    "level_before",
    "level",
    "change",
    "change_ci_low",
    "change_ci_high",
    "how",
)


def _headed(*columns: str) -> dict[str, str]:
    """These columns with their :data:`HEADINGS`, for :func:`table_html`."""
    return {column: HEADINGS[column] for column in columns}


def profile_table_html(profile: pd.DataFrame) -> str:
    """The region profile: consensus level next to the individual statistics."""
    return table_html(
        profile,
        # The statistics of the ratings but their distribution and its Delphi label (the
        # Delphi table shows both).
        columns=_headed(
            "dimension_number",
            "dimension_name",
            "consensus_level",
            *(c for c in RATING_STATISTICS if c not in ("distribution", "delphi_label")),
        ),
    )


def strengths_html(strengths: pd.DataFrame, instrument: Instrument) -> str:
    """Strengths and weaknesses as two short lists with the level's label."""
    if strengths.empty:
        return "<p>No strengths or weaknesses stand out: every rated dimension is at one level.</p>"
    parts = []
    for position, heading in (("strength", "Strengths"), ("weakness", "Weaknesses")):
        rows = strengths[strengths["position"] == position]
        items = []
        for _, row in rows.iterrows():
            level = row["level"]
            label = ""
            if float(level).is_integer():
                label = instrument.dimension(row["dimension"]).level(int(level)).display_label
            items.append(
                f'<li class="sl-{position}"><b>{_e(row["dimension_name"])}</b>: level '
                f"{_e(f'{level:g}')} <span class='sl-meta'>{_e(label)}</span></li>"
            )
        parts.append(f"<h3>{heading}</h3><ul>{''.join(items)}</ul>")
    return "\n".join(parts)


def delphi_table_html(delphi: pd.DataFrame) -> str:
    """The latest round's Delphi table: per dimension the spread and the consensus label."""
    if delphi.empty:
        return "<p>No individual ratings yet.</p>"
    latest = delphi[delphi["round"] == delphi["round"].max()]
    return f"<p>Round {int(latest['round'].iloc[0])}.</p>" + table_html(
        latest, columns=_headed(*_DELPHI_TABLE)
    )


def movement_html(movement: pd.DataFrame) -> str:
    """Round-to-round movement of median, IQR and agreement, or a note when one round."""
    if movement.empty:
        return "<p>One Delphi round so far: nothing to compare.</p>"
    return table_html(movement, columns=_headed(*_MOVEMENT_TABLE))


def agreement_html(agreement: pd.DataFrame) -> str:
    """Agreement coefficients by readable name, with their reading and small-sample warning."""
    if agreement.empty:
        return "<p>Too few ratings to compute agreement.</p>"
    shown = agreement.assign(coefficient=agreement["coefficient"].map(coefficient_name))
    return table_html(
        shown,
        columns=_headed(*AGREEMENT_COLUMNS),
        decimals=2,
    )


def longitudinal_html(frame: pd.DataFrame) -> str:
    """Each dimension's change between consecutive occasions, with its interval."""
    changes = frame[frame["change"].notna()] if not frame.empty else frame
    if changes.empty:
        return "<p>One assessment occasion so far: nothing to compare over time.</p>"
    labels = frame.drop_duplicates("occasion").set_index("occasion")["occasion_label"]
    indexed = frame.set_index(["dimension", "occasion"])
    previous = list(
        zip(changes["dimension"], changes["previous_occasion"].astype(int), strict=True)
    )
    # The cross-walk note belongs to whichever end was mapped from another generation.
    walk_notes = [
        "; ".join(part for part in (indexed["crosswalk_note"].get(key, ""), own) if part)
        for key, own in zip(previous, changes["crosswalk_note"], strict=True)
    ]
    shown = changes.assign(
        from_label=changes["previous_occasion"].map(labels),
        level_before=[indexed["level"].get(key, float("nan")) for key in previous],
        how=[
            "; ".join(part for part in (walk, note) if part)
            for walk, note in zip(walk_notes, changes["change_note"], strict=True)
        ],
    )
    return table_html(shown, columns=_headed(*_LONGITUDINAL_TABLE))


def discussion_html(discussion: pd.DataFrame) -> str:
    """The dimensions to discuss in the workshop, with the reason for each."""
    if discussion.empty:
        return "<p>No dimension needs discussion: the panel agrees everywhere.</p>"
    items = "".join(
        f"<li><b>{_e(row.dimension_name)}</b>: {_e(row.reason)}</li>"
        for row in discussion.itertuples()
    )
    return f"<ul>{items}</ul>"


#: One region-profile task per region in the store (or the regions named), in the store's
#: order (by key), each region once however the regions were named: the shipped template
#: run per region, like a per-region kind of a user's template folder.
region_tasks = CustomTasks(
    template="region_profile",
    title="maturity profile",
    group="Region reports",
    folder="regions",
)


REPORT_KINDS = (
    ReportKind(
        name="region_profile",
        template="region_profile",
        group="Region reports",
        tasks=region_tasks,
        reads=("store_meta", *RATINGS_READS),
        subject_parameters=("region",),
    ),
)
