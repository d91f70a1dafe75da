"""Building blocks of the comparison and twinning report notebooks.

As in :mod:`scirocco_lab.assessment.report`: one call gathers what a report shows
(:func:`comparison_report_data`, :func:`twinning_report_data`), and the ``*_html`` helpers
turn results into HTML through :func:`scirocco_lab.assessment.report.table_html`, which escapes
every piece of user text. :func:`comparison_tasks` and :func:`twinning_tasks` list the reports for
``scirocco-lab reports build``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd

from scirocco_lab.assessment.store import RATINGS_READS, rated_subjects, ratings_frame
from scirocco_lab.comparison.gaps import (
    compare_regions,
    gap_summary,
    practice_gaps,
    practice_requirements,
    rank_practices,
    region_profiles,
)
from scirocco_lab.comparison.meetings import meeting_feasibility
from scirocco_lab.comparison.plots import (
    complementarity_heatmap,
    gap_chart,
    overlay_radar,
    partner_chart,
)
from scirocco_lab.comparison.twinning import (
    best_partners,
    cluster_order,
    complementarity_matrix,
    pairing_reasons,
    programme_pairing,
    rank_partners,
)
from scirocco_lab.errors import ConfigurationError, NotFoundError
from scirocco_lab.instruments import Instrument
from scirocco_lab.io.clock import utc_now
from scirocco_lab.io.html import escape_text as _e  # short: HTML f-strings
from scirocco_lab.io.html import table_html
from scirocco_lab.reports.registry import ReportKind, ReportTask, region_subjects
from scirocco_lab.store import Store, resolve_instrument, subjects_frame

__all__ = [
    "HEATMAP_REGIONS",
    "PARTNER_PAGE",
    "REPORT_KINDS",
    "ComparisonReportData",
    "TwinningReportData",
    "comparison_report_data",
    "comparison_tasks",
    "feature_table_html",
    "gap_table_html",
    "pairing_html",
    "partners_html",
    "practice_ranking_html",
    "read_practice_ratings",
    "readiness_summary_html",
    "region_comparison_html",
    "twinning_report_data",
    "twinning_tasks",
]


#: Up to this many regions the twinning report shows the heatmap of every pair; beyond it, a
#: heatmap's cells are too small to read, and each region's best partner is charted instead.
HEATMAP_REGIONS = 40
#: Receiving regions per page of the best-partner chart.
PARTNER_PAGE = 50


def read_practice_ratings(store: Store, instrument_id: str) -> pd.DataFrame:
    """Submitted GP (good-practice requirement) ratings made with one instrument."""
    return ratings_frame(store, kind="GP", instrument=instrument_id)


def _subjects(store: Store) -> pd.DataFrame:
    return subjects_frame(store).set_index("key", drop=False)


def _subject(subjects: pd.DataFrame, key: str, kind: str, what: str) -> dict:
    part = subjects[subjects["kind"] == kind]
    if key not in part.index:
        known = ", ".join(part.index) or "none yet"
        raise NotFoundError(f"no {what} with key '{key}' in the store. Known {what}s: {known}.")
    return part.loc[key].to_dict()


# ---------------------------------------------------------------------------------------
# Comparison report


@dataclass(frozen=True)
class ComparisonReportData:
    """Everything the comparison report shows: a region against a good practice's
    requirements (``practice``) or against another region (``other``)."""

    region: dict
    instrument: Instrument
    readiness: pd.DataFrame
    practice: dict | None
    requirements: pd.DataFrame | None
    gaps: pd.DataFrame | None
    summary: pd.DataFrame | None
    ranking: pd.DataFrame
    other: dict | None
    comparison: pd.DataFrame | None
    practice_chosen_by_rank: bool
    store_label: str
    generated_at: dt.datetime

    @property
    def synthetic(self) -> bool:
        """True when any subject shown is synthetic demo data."""
        return any(bool(s.get("synthetic")) for s in (self.region, self.practice, self.other) if s)

    @property
    def counterpart(self) -> dict:
        """The good practice or the other region the region is compared with."""
        return self.practice if self.practice is not None else self.other

    @property
    def title(self) -> str:
        return f"{self.region['name']} compared with {self.counterpart['name']}"

    def radar(self):
        """The region's readiness overlaid with the requirement (or the other region)."""
        if self.gaps is not None:
            profiles = {
                f"{self.region['name']} (readiness)": self.gaps.rename(
                    columns={"readiness_level": "level"}
                ),
                f"{self.practice['name']} (requirement)": self.gaps.rename(
                    columns={"requirement_level": "level"}
                ),
            }
        else:
            profiles = {
                self.region["name"]: self.comparison.rename(columns={"region_level": "level"}),
                self.other["name"]: self.comparison.rename(columns={"other_level": "level"}),
            }
        return overlay_radar(profiles, self.instrument, title=self.title, synthetic=self.synthetic)

    def gap_chart(self):
        """Diverging bars per dimension (requirement vs readiness, or region vs region)."""
        if self.gaps is not None:
            return gap_chart(
                self.gaps,
                title=f"{self.region['name']}: readiness minus requirement",
                synthetic=self.synthetic,
            )
        return gap_chart(
            self.comparison,
            value="difference",
            title=f"{self.other['name']} minus {self.region['name']}",
            synthetic=self.synthetic,
            above_label=f"{self.other['name']} ahead",
            below_label=f"{self.region['name']} ahead",
        )


#: The half of a :class:`ComparisonReportData` that a comparison with another region, or
#: with a good practice, does not have.
_NO_PRACTICE = dict.fromkeys(("practice", "requirements", "gaps", "summary"))
_NO_OTHER_REGION = dict.fromkeys(("other", "comparison"))


def _stamp(store: Store) -> dict[str, object]:
    """Which store a report's data was read from, and when (every report shows both)."""
    return {"store_label": store.label, "generated_at": utc_now(whole_seconds=True)}


def comparison_report_data(
    store: Store,
    region: str,
    *,
    practice: str | None = None,
    other_region: str | None = None,
    instrument: str | Instrument | None = None,
) -> ComparisonReportData:
    """Read the store and compute a comparison; without ``practice`` or ``other_region``
    the region is compared with its best-ranked good practice (not one it owns)."""
    if practice and other_region:
        raise ConfigurationError(
            "give either a good practice (practice) or another region (other_region), not both"
        )
    chosen = resolve_instrument(store, instrument)
    subjects = _subjects(store)
    region_subject = _subject(subjects, region, "system", "region")
    hs_ratings = ratings_frame(store, kind="HS", instrument=chosen.id)
    if region not in set(hs_ratings["subject"]):
        raise NotFoundError(
            f"region '{region}' has no submitted assessments with instrument '{chosen.id}'"
        )
    readiness = region_profiles(hs_ratings, chosen, [region])
    gp_ratings = read_practice_ratings(store, chosen.id)
    all_requirements = practice_requirements(gp_ratings, chosen)
    owners = subjects["owner"].to_dict()
    # What the region's twinning meetings recorded about each practice's features.
    feasibility = meeting_feasibility(store)
    feasibility = feasibility[feasibility["region"] == region]
    ranking = (
        rank_practices(readiness, all_requirements, chosen, feasibility=feasibility)
        if len(gp_ratings)
        else None
    )
    if ranking is not None:
        ranking = ranking.assign(
            practice_name=ranking["practice"].map(subjects["name"]),
            owner=ranking["practice"].map(owners),
        )
    else:
        ranking = pd.DataFrame(columns=["rank", "practice", "practice_name", "owner", "verdict"])
    # What both kinds of comparison show; each adds its own half.
    report = partial(
        ComparisonReportData,
        region=region_subject,
        instrument=chosen,
        readiness=readiness,
        ranking=ranking,
        **_stamp(store),
    )
    chosen_by_rank = False
    if not other_region and not practice:
        candidates = ranking[ranking["owner"] != region]
        if candidates.empty:
            raise NotFoundError(
                f"no good practice with requirement ratings to compare '{region}' with; "
                "give other_region to compare with another region"
            )
        practice, chosen_by_rank = str(candidates.iloc[0]["practice"]), True
    if practice:
        practice_subject = _subject(subjects, practice, "good_practice", "good practice")
        requirements = practice_requirements(gp_ratings, chosen, practice)
        gaps = practice_gaps(readiness, requirements, chosen, feasibility=feasibility)
        return report(
            **_NO_OTHER_REGION,
            practice=practice_subject,
            requirements=requirements,
            gaps=gaps,
            summary=gap_summary(gaps),
            practice_chosen_by_rank=chosen_by_rank,
        )
    other_subject = _subject(subjects, other_region, "system", "region")
    if other_region == region:
        raise ConfigurationError(
            f"other_region is '{region}' itself; to compare a region with itself over time "
            "use scirocco_lab.comparison.gaps.compare_over_time"
        )
    other = region_profiles(hs_ratings, chosen, [other_region])
    return report(
        **_NO_PRACTICE,
        other=other_subject,
        comparison=compare_regions(readiness, other, chosen),
        practice_chosen_by_rank=False,
    )


def gap_table_html(gaps: pd.DataFrame) -> str:
    """Per dimension: readiness, requirement, gap, status in words, and the feasibility the
    twinning meetings recorded for the practice's features there."""
    if "feasibility_text" not in gaps.columns:
        gaps = gaps.assign(feasibility_text="not discussed in a twinning meeting")
    return table_html(
        gaps,
        columns={
            "dimension_number": "#",
            "dimension_name": "Dimension",
            "readiness_level": "Readiness",
            "requirement_level": "Requirement",
            "gap": "Gap",
            "status_text": "Status",
            "feasibility_text": "Feasibility (twinning meeting)",
        },
    )


def feature_table_html(gaps: pd.DataFrame) -> str:
    """The features the practice needs, per dimension, with the region's status there;
    dimensions where the region is short or unknown come first."""
    order = {"short": 0, "unknown": 1, "meets": 2}
    rows = gaps[[len(f) > 0 for f in gaps["features"]]]
    if rows.empty:
        return "<p>The practice's assessment names no features.</p>"
    rows = rows.assign(
        _order=rows["status"].map(order),
        features_text=["; ".join(f) for f in rows["features"]],
    ).sort_values(["_order", "dimension_number"], kind="stable")
    return table_html(
        rows,
        columns={
            "dimension_name": "Dimension",
            "status_text": "Your status",
            "features_text": "Features the practice needs",
        },
    )


def readiness_summary_html(summary: pd.DataFrame) -> str:
    """The summary indicators of one region x practice as a short list."""
    row = summary.iloc[0]
    items = [
        f"<li><b>Verdict:</b> {_e(row['verdict'])}</li>",
        f"<li><b>Dimensions met:</b> {int(row['dimensions_met'])}; "
        f"<b>short:</b> {int(row['dimensions_short'])}; "
        f"<b>unknown:</b> {int(row['dimensions_unknown'])}</li>",
        f"<li><b>Total shortfall:</b> {row['total_shortfall']:g} level(s); "
        f"<b>largest:</b> {row['largest_shortfall']:g}"
        + (f" ({_e(row['largest_shortfall_dimensions'])})" if row["dimensions_short"] else "")
        + "</li>",
    ]
    return f"<ul>{''.join(items)}</ul>"


def practice_ranking_html(ranking: pd.DataFrame) -> str:
    """Every good practice ranked by the region's readiness to adopt it."""
    if ranking.empty:
        return "<p>No good practice in the store has requirement ratings.</p>"
    return table_html(
        ranking,
        columns={
            "rank": "Rank",
            "practice_name": "Good practice",
            "owner": "Owner",
            "dimensions_short": "Short",
            "total_shortfall": "Total shortfall",
            "dimensions_unknown": "Unknown",
            "verdict": "Verdict",
            "feasibility_reason": "Not feasible here",
        },
    )


def region_comparison_html(comparison: pd.DataFrame) -> str:
    """Two regions' levels per dimension with the difference in words."""
    return table_html(
        comparison,
        columns={
            "dimension_number": "#",
            "dimension_name": "Dimension",
            "region_level": str(comparison["region"].iloc[0]),
            "other_level": str(comparison["other_region"].iloc[0]),
            "difference": "Difference",
            "comparison": "Comparison",
        },
    )


# ---------------------------------------------------------------------------------------
# Twinning report


@dataclass(frozen=True)
class TwinningReportData:
    """Everything the twinning report shows."""

    instrument: Instrument
    regions: pd.DataFrame
    profiles: pd.DataFrame
    matrix: pd.DataFrame
    capacity: int
    pairing: pd.DataFrame | None
    pairing_problem: str | None
    receiving_region: str | None
    partners: pd.DataFrame
    store_label: str
    generated_at: dt.datetime
    best: pd.DataFrame | None = None

    @property
    def synthetic(self) -> bool:
        return bool(self.regions["synthetic"].any())

    @property
    def names(self) -> dict[str, str]:
        """Region key to display name."""
        return dict(zip(self.regions["key"], self.regions["name"], strict=True))

    def heatmap(self):
        """Complementarity heatmap with the programme pairing outlined, regions in clustered
        order (similar profiles together)."""
        order = cluster_order(self.profiles, self.instrument)
        return complementarity_heatmap(
            self.matrix.loc[order, order],
            pairing=self.pairing,
            labels=self.names,
            title="Complementarity in each receiving region's weakest dimensions",
            synthetic=self.synthetic,
        )

    def figures(self) -> list[tuple[str, object]]:
        """The complementarity figures, as (alt text, figure): the heatmap of every pair
        when there are at most :data:`HEATMAP_REGIONS` regions; beyond that (a heatmap
        would be a wall of numbers) each region's best partner as a bar, a page of
        :data:`PARTNER_PAGE` regions per figure."""
        if len(self.matrix) <= HEATMAP_REGIONS:
            return [("Complementarity heatmap", self.heatmap())]
        best = self.best if self.best is not None else best_partners(self.profiles, self.instrument)
        pages = range(0, len(best), PARTNER_PAGE)
        return [
            (
                f"Best partner of regions {start + 1}-{min(start + PARTNER_PAGE, len(best))}",
                partner_chart(
                    best.iloc[start : start + PARTNER_PAGE],
                    pairing=self.pairing,
                    labels=self.names,
                    title=(
                        "Each region's best partner (bar) and its programme pairing (dot): "
                        f"regions {start + 1}-{min(start + PARTNER_PAGE, len(best))} "
                        f"of {len(best)}"
                    ),
                    synthetic=self.synthetic,
                ),
            )
            for start in pages
        ]


def twinning_report_data(
    store: Store,
    instrument: str | Instrument | None = None,
    *,
    receiving_region: str | None = None,
    dimensions: Sequence[str] | None = None,
    capacity: int = 1,
    include_practices: bool = True,
) -> TwinningReportData:
    """Profiles of every region, the complementarity matrix, the programme pairing and,
    for ``receiving_region``, its ranked partners (regions, and good practices unless
    ``include_practices`` is False).

    A pairing that cannot be made (e.g. one region only) is reported in
    ``pairing_problem`` instead of failing the whole report.
    """
    chosen = resolve_instrument(store, instrument)
    subjects = _subjects(store)
    hs_ratings = ratings_frame(store, kind="HS", instrument=chosen.id)
    profiles = region_profiles(hs_ratings, chosen)
    regions = subjects[subjects["key"].isin(set(profiles["subject"]))].reset_index(drop=True)
    matrix = complementarity_matrix(profiles, chosen)
    # Each region's best transferring region, in the store's order of regions.
    best = best_partners(profiles, chosen)
    order = {key: position for position, key in enumerate(regions["key"])}
    best = best[best["receiving_region"].isin(order)]
    best = best.sort_values("receiving_region", key=lambda s: s.map(order), kind="stable")
    best = best.reset_index(drop=True)
    pairing, problem = None, None
    names = dict(zip(regions["key"], regions["name"], strict=True))
    try:
        pairing = pairing_reasons(
            programme_pairing(matrix, capacity=capacity), matrix, profiles, chosen, names=names
        )
    except ConfigurationError as exc:
        problem = str(exc)
    if receiving_region:
        _subject(subjects, receiving_region, "system", "region")
        requirements = (
            practice_requirements(read_practice_ratings(store, chosen.id), chosen)
            if include_practices
            else None
        )
        partners = rank_partners(
            profiles,
            chosen,
            receiving_region,
            dimensions=dimensions,
            requirements=requirements,
            practice_owners=subjects["owner"].dropna().to_dict(),
        ).assign(receiving_region=receiving_region)
    else:
        # The programme view: each region's best transferring region (regions only; good
        # practices are ranked in a region's own report).
        partners = best
    partners = partners.assign(
        candidate_name=partners["candidate"].map(subjects["name"]).fillna(partners["candidate"]),
        receiving_name=partners["receiving_region"].map(subjects["name"]),
    )
    if pairing is not None:
        # The programme's pairing next to each region's own best: they differ when the
        # optimum gave the best partner to another region, and the report must say so.
        paired = pairing.set_index("receiving_region")["transferring_region"]
        partners = partners.assign(
            paired_with=partners["receiving_region"].map(paired).map(subjects["name"])
        )
    return TwinningReportData(
        instrument=chosen,
        regions=regions,
        profiles=profiles,
        matrix=matrix,
        capacity=capacity,
        pairing=pairing,
        pairing_problem=problem,
        receiving_region=receiving_region,
        partners=partners,
        **_stamp(store),
        best=best,
    )


def partners_html(partners: pd.DataFrame, *, limit: int = 8) -> str:
    """Candidate partners with their indicators and reason: the best ``limit`` for one
    receiving region, or each region's best when ``partners`` covers several."""
    if partners is None or partners.empty:
        return "<p>No candidate partners.</p>"
    several = "receiving_region" in partners and partners["receiving_region"].nunique() > 1
    shown = partners if several else partners.head(limit)
    if "candidate_name" not in shown.columns:
        shown = shown.assign(candidate_name=shown["candidate"])
    if "receiving_name" not in shown.columns and several:
        shown = shown.assign(receiving_name=shown["receiving_region"])
    first = {"receiving_name": "Receiving region"} if several else {"rank": "Rank"}
    return table_html(
        shown,
        columns={
            **first,
            "candidate_name": "Candidate",
            "candidate_kind": "Kind",
            "complementarity": "Complementarity",
            "strength_in_focus": "Mean level in focus",
            "context_fit": "Context fit",
            "reason": "Why",
            **(
                {"paired_with": "Paired in the programme with"}
                if several and "paired_with" in shown.columns
                else {}
            ),
        },
        decimals=2,
    )


def pairing_html(
    pairing: pd.DataFrame | None, names: dict[str, str], *, problem: str | None = None
) -> str:
    """The programme pairing: who coaches whom, with the complementarity of each pair; or,
    when no pairing exists (``pairing`` None), the ``problem`` explaining why."""
    if pairing is None:
        return f'<p class="sl-problem"><b>No pairing possible:</b> {_e(problem)}</p>'
    shown = pairing.assign(
        receiving_name=pairing["receiving_region"].map(names).fillna(pairing["receiving_region"]),
        transferring_name=pairing["transferring_region"]
        .map(names)
        .fillna(pairing["transferring_region"]),
        note=[
            "no partner is ahead in this region's focus dimensions"
            if c == 0
            else (reason if "reason" in pairing.columns else "")
            for c, reason in zip(
                pairing["complementarity"],
                pairing["reason"] if "reason" in pairing.columns else [""] * len(pairing),
                strict=True,
            )
        ],
    )
    return table_html(
        shown,
        columns={
            "receiving_name": "Receiving region",
            "transferring_name": "Transferring region",
            "complementarity": "Complementarity",
            "coach_load": "Receivers of this coach",
            "note": "Why this pair",
        },
        decimals=0,
    )


# ---------------------------------------------------------------------------------------
# Report tasks for `scirocco-lab reports build`


def comparison_tasks(
    store_url: str,
    out_dir: Path,
    *,
    regions: Sequence[str] | None = None,
    instrument: str = "scirocco-exchange",
) -> list[ReportTask]:
    """One comparison report per region (or the regions named) against the good practice
    it is most ready to adopt, leaving out practices it owns. Regions without HS ratings,
    regions that own every rated practice, and stores without GP ratings give no task.

    The notebook ranks the practices and picks the best (``practice`` left None): planning
    only asks the store which regions and practices have ratings, so it reads no rating
    and takes the same time however many ratings there are.
    """
    from scirocco_lab.store import open_store

    store = open_store(store_url, create=False)
    chosen = resolve_instrument(store, instrument)
    practices = rated_subjects(store, kind="GP", instrument=chosen.id)
    if not practices:
        return []
    subjects = _subjects(store)
    systems = region_subjects(store, regions)
    rated = set(rated_subjects(store, kind="HS", instrument=chosen.id))
    owners = subjects["owner"].to_dict()
    tasks = []
    for row in systems.itertuples():
        candidates = [p for p in practices if owners.get(p) != row.key]
        if row.key not in rated or not candidates:
            continue
        tasks.append(
            ReportTask(
                template="comparison",
                title=f"{row.name}: readiness for its best-ranked good practice",
                parameters={
                    "region": row.key,
                    "practice": None,
                    "store_url": store_url,
                    "instrument": instrument,
                },
                output=out_dir / "comparisons" / f"{row.key}.html",
                synthetic=bool(row.synthetic)
                or any(bool(subjects.loc[p, "synthetic"]) for p in candidates),
                group="Comparisons",
            )
        )
    return tasks


def twinning_tasks(
    store_url: str,
    out_dir: Path,
    *,
    regions: Sequence[str] | None = None,
    instrument: str = "scirocco-exchange",
    capacity: int = 1,
    receiving_regions: Sequence[str] = (),
) -> list[ReportTask]:
    """The twinning programme report, plus one partner report per region in
    ``receiving_regions``. The programme report covers every region: ``regions`` (the
    registry's common argument) does not narrow it."""
    from scirocco_lab.store import open_store

    store = open_store(store_url, create=False)
    systems = region_subjects(store)
    region_subjects(store, receiving_regions)  # refuses unknown receiving regions
    synthetic = bool(systems["synthetic"].any())
    base = {"store_url": store_url, "instrument": instrument, "capacity": capacity}
    tasks = [
        ReportTask(
            template="twinning",
            title="Twinning programme",
            parameters={**base, "receiving_region": None},
            output=out_dir / "twinning" / "programme.html",
            synthetic=synthetic,
            group="Twinning",
        )
    ]
    tasks.extend(
        ReportTask(
            template="twinning",
            title=f"{systems.loc[key, 'name']}: twinning partners",
            parameters={**base, "receiving_region": key},
            output=out_dir / "twinning" / f"{key}.html",
            synthetic=synthetic,
            group="Twinning",
        )
        for key in receiving_regions
    )
    return tasks


REPORT_KINDS = (
    ReportKind(
        name="comparison",
        template="comparison",
        group="Comparisons",
        tasks=comparison_tasks,
        reads=("store_meta", *RATINGS_READS, "twinning_features"),
        depends_on=("region_profile",),
        # The region and the practice compared, and every good practice (the ranking).
        subject_parameters=("region", "practice", "other_region"),
        reads_assessment_kinds=("GP",),
    ),
    ReportKind(
        name="twinning",
        template="twinning",
        group="Twinning",
        tasks=twinning_tasks,
        reads=("store_meta", *RATINGS_READS),
        programme_wide=True,
        depends_on=("region_profile",),
    ),
)
