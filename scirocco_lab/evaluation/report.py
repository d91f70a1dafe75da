"""Building blocks of the evaluation report: its data, its HTML pieces and its report tasks.

As in :mod:`scirocco_lab.assessment.report`: one call gathers what the report shows
(:func:`evaluation_report_data`: questionnaire results, code frequencies and co-occurrence,
the joint display of maturity scores and themes, quotes and coder agreement for a region or a
programme), and the ``*_html`` helpers turn results into HTML through
:func:`scirocco_lab.assessment.report.table_html`, which escapes every piece of user text. Speakers
appear by pseudonym only: no frame read here carries participants' identities.
:data:`evaluation_tasks` lists the reports for ``scirocco-lab reports build``.

Coder agreement is computed on a documented unit (``agreement_unit``): ``"turn"`` (default:
each speaker turn is a unit; a coder applied a code to a turn when one of their segments of
the code overlaps it), ``"segment"`` (each passage any coder coded, overlapping segments
merged) or ``"character"`` (each character of the compared sources). See
:func:`scirocco_lab.evaluation.analysis.coder_agreement`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from scirocco_lab.assessment.scoring import region_profile
from scirocco_lab.assessment.store import RATINGS_READS, ratings_frame
from scirocco_lab.errors import ConfigurationError, NotFoundError
from scirocco_lab.evaluation.analysis import (
    code_cooccurrence,
    code_frequencies,
    coder_agreement,
    cooccurrence_matrix,
    item_distributions,
    joint_display,
    likert_summary,
    quotes,
)
from scirocco_lab.evaluation.plots import (
    code_frequency_chart,
    cooccurrence_heatmap,
    diverging_likert_chart,
)
from scirocco_lab.evaluation.store import (
    codes_frame,
    questionnaire_items_frame,
    questionnaires_frame,
    responses_frame,
    segments_frame,
    sources_frame,
    turns_frame,
)
from scirocco_lab.instruments import Instrument
from scirocco_lab.io.clock import utc_now
from scirocco_lab.io.html import escape_text as _e  # short: HTML f-strings
from scirocco_lab.io.html import table_html
from scirocco_lab.reports.custom import CustomTasks
from scirocco_lab.reports.registry import ReportKind
from scirocco_lab.store import Store, resolve_instrument, subjects_frame

__all__ = [
    "REPORT_KINDS",
    "EvaluationReportData",
    "agreement_coders",
    "agreement_reading",
    "coder_agreement_html",
    "evaluation_report_data",
    "evaluation_tasks",
    "frequency_table_html",
    "likert_summary_html",
    "note_html",
    "quotes_html",
    "sources_summary",
    "sources_summary_html",
]


def _pooled_items(
    answers: pd.DataFrame, items: pd.DataFrame, scale_min: int, scale_max: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The answers of one questionnaire as a single item "all items", reverse-scored items
    reversed first so that every answer points the same way."""
    reverse = set(items.loc[items["reverse_scored"].astype(bool), "item"])
    flipped = answers["item"].isin(reverse)
    pooled = answers.assign(
        item="all-items",
        value=answers["value"].where(~flipped, scale_min + scale_max - answers["value"]),
    )
    pooled_items = pd.DataFrame(
        {
            "questionnaire": [items["questionnaire"].iloc[0]],
            "item": ["all-items"],
            "position": [1],
            "wording": ["All items"],
            "reverse_scored": [False],
        }
    )
    return pooled, pooled_items


@dataclass(frozen=True)
class EvaluationReportData:
    """Everything the evaluation report shows for one region and/or programme.

    Frames are tidy (see :mod:`scirocco_lab.evaluation.analysis`); a part without data is an
    empty frame, and ``*_problem`` says why a part could not be computed.
    """

    region: str | None
    region_name: str | None
    programme: str | None
    instrument: Instrument
    sources: pd.DataFrame
    summary: pd.DataFrame
    codes: pd.DataFrame
    segments: pd.DataFrame
    turns: pd.DataFrame
    questionnaires: pd.DataFrame
    items: pd.DataFrame
    responses: pd.DataFrame
    likert: pd.DataFrame
    frequencies: pd.DataFrame
    frequencies_by_group: pd.DataFrame
    cooccurrence: pd.DataFrame
    cooccurrence_unit: str
    profile: pd.DataFrame
    joint: pd.DataFrame
    joint_problem: str | None
    quotes: pd.DataFrame
    agreement: pd.DataFrame
    agreement_unit: str
    agreement_problem: str | None
    agreement_other_coders: tuple[str, ...]
    store_label: str
    generated_at: dt.datetime
    subject_synthetic: bool = False

    @property
    def synthetic(self) -> bool:
        """True when any record shown is synthetic demo data."""
        return bool(
            self.subject_synthetic
            or self.sources["synthetic"].astype(bool).any()
            or self.questionnaires["synthetic"].astype(bool).any()
        )

    @property
    def title(self) -> str:
        if self.region_name and self.programme:
            return f"{self.region_name}, programme {self.programme}: evaluation"
        if self.region_name:
            return f"{self.region_name}: evaluation"
        if self.programme:
            return f"Programme {self.programme}: evaluation"
        return "Evaluation"

    @property
    def code_names(self) -> dict[str, str]:
        """Code key to its hierarchical path (the name readers see)."""
        return dict(zip(self.codes["code"], self.codes["path"], strict=True))

    def likert_charts(self, *, by: str | None = None) -> list[tuple[str, object]]:
        """One diverging stacked bar chart per questionnaire: (title, Figure).

        With ``by`` (e.g. ``"group"``) the chart has one bar per respondent group over all
        items pooled (reverse-scored items reversed first): items x groups would be too many
        bars to read, and the per-item split by group is in the summary table.
        """
        charts = []
        for row in self.questionnaires.itertuples(index=False):
            answers = self.responses[self.responses["questionnaire"] == row.questionnaire]
            items = self.items[self.items["questionnaire"] == row.questionnaire]
            if answers["value"].notna().sum() == 0:
                continue
            scale = self.questionnaires[self.questionnaires["questionnaire"] == row.questionnaire]
            if by:
                answers, items = _pooled_items(answers, items, row.scale_min, row.scale_max)
            distributions = item_distributions(answers, items, by=by, scale=scale)
            split = " by respondent group, all items" if by else ""
            charts.append(
                (
                    f"{row.title}{split}",
                    diverging_likert_chart(
                        distributions,
                        by=by,
                        title=f"{row.title}{split} (n = {answers['respondent'].nunique()}"
                        + (" respondents; bars count answers)" if by else ")"),
                        synthetic=self.synthetic,
                    ),
                )
            )
        return charts

    def frequency_chart(self):
        """Coded segments per code, stacked by the speaker's participant group."""
        frame = self.frequencies_by_group.assign(
            participant_group=self.frequencies_by_group["participant_group"].fillna(
                "not a participant"
            )
        )
        return code_frequency_chart(
            frame,
            by="participant_group",
            label="code_path",
            title="Coded segments per code, by the speaker's participant group",
            synthetic=self.synthetic,
        )

    def heatmap(self):
        """How often codes are applied together (per :attr:`cooccurrence_unit`)."""
        matrix = cooccurrence_matrix(self.cooccurrence, codes=self._codes_in(self.cooccurrence))
        unit = "turns" if self.cooccurrence_unit == "turn" else "overlapping stretches of text"
        return cooccurrence_heatmap(
            matrix,
            labels=self.code_names,
            title=f"Codes applied together: number of {unit}",
            synthetic=self.synthetic,
        )

    def _codes_in(self, pairs: pd.DataFrame) -> list[str]:
        present = set(pairs["code_a"]) | set(pairs["code_b"])
        return [code for code in self.codes["code"] if code in present]


def sources_summary(
    sources: pd.DataFrame, turns: pd.DataFrame, segments: pd.DataFrame
) -> pd.DataFrame:
    """Per source: its title, activity, date, number of participants, turns, coded segments
    and the coders who coded it.

    >>> sources = pd.DataFrame({"source": ["fg"], "title": ["FG"], "activity": ["focus_group"],
    ...     "held_on": [None], "participants": [("P1", "P2")], "region": ["nv"]})
    >>> empty = pd.DataFrame(columns=["source", "coder"])
    >>> sources_summary(sources, empty, empty)["n_participants"].tolist()
    [2]
    """
    turn_counts = turns.groupby("source").size() if not turns.empty else pd.Series(dtype=int)
    segment_counts = (
        segments.groupby("source").size() if not segments.empty else pd.Series(dtype=int)
    )
    coders = (
        segments.groupby("source")["coder"].agg(lambda c: ", ".join(sorted(set(c))))
        if not segments.empty
        else pd.Series(dtype=object)
    )
    return pd.DataFrame(
        {
            "source": sources["source"],
            "title": sources["title"],
            "activity": sources["activity"].str.replace("_", " "),
            "held_on": sources["held_on"],
            "n_participants": [len(p) for p in sources["participants"]],
            "n_turns": [int(turn_counts.get(s, 0)) for s in sources["source"]],
            "n_segments": [int(segment_counts.get(s, 0)) for s in sources["source"]],
            "coders": [coders.get(s, "") for s in sources["source"]],
        }
    ).reset_index(drop=True)


def agreement_coders(segments: pd.DataFrame) -> list[str]:
    """The coders whose agreement the report computes: those who coded the most sources
    (so the comparison covers as many sources as possible), at least two when there are.

    >>> segments = pd.DataFrame({"source": ["a", "a", "b", "b", "a"],
    ...                          "coder": ["A", "B", "A", "B", "C"]})
    >>> agreement_coders(segments)
    ['A', 'B']
    """
    if segments.empty:
        return []
    counts = segments.groupby("coder")["source"].nunique().sort_values(ascending=False)
    chosen = sorted(counts[counts == counts.max()].index)
    if len(chosen) < 2:
        chosen = sorted(counts.index[:2])
    return [str(c) for c in chosen]


def _scope(frame: pd.DataFrame, programme: str | None) -> pd.DataFrame:
    if programme is None:
        return frame.reset_index(drop=True)
    return frame[frame["programme"] == programme].reset_index(drop=True)


def evaluation_report_data(
    store: Store,
    *,
    region: str | None = None,
    programme: str | None = None,
    instrument: str | Instrument | None = None,
    agreement_unit: str = "turn",
    cooccurrence_unit: str = "turn",
    quotes_per_code: int = 2,
    quotes_per_dimension: int = 2,
) -> EvaluationReportData:
    """Read the evaluation data of a region and/or programme and compute what the report
    shows.

    Sources and questionnaires are those of ``region`` (their own region) and of
    ``programme``; with neither, all of them. The joint display is made for ``region`` (or
    the one region all the sources come from) from its HS ratings of ``instrument``
    (default: the store's default instrument); without, ``joint_problem`` says why.
    Agreement is computed between :func:`agreement_coders` on ``agreement_unit`` (``"turn"``,
    ``"segment"`` or ``"character"``); co-occurrence on ``cooccurrence_unit`` (``"turn"`` or
    ``"segment"``).

    >>> from scirocco_lab.store import open_store
    >>> evaluation_report_data(open_store("sqlite://"))
    Traceback (most recent call last):
    scirocco_lab.errors.NotFoundError: no evaluation sources or questionnaires for the store. ...
    """
    chosen = resolve_instrument(store, instrument)
    region_name, subject_synthetic = None, False
    if region is not None:
        subjects = subjects_frame(store).set_index("key")
        if region not in subjects.index:
            raise NotFoundError(
                f"no region with key '{region}' in the store. Regions: "
                f"{', '.join(subjects.index[subjects['kind'] == 'system']) or 'none yet'}."
            )
        region_name = str(subjects.loc[region, "name"])
        subject_synthetic = bool(subjects.loc[region, "synthetic"])
    sources = _scope(sources_frame(store, region=region), programme)
    questionnaires = _scope(questionnaires_frame(store, region=region), programme)
    if sources.empty and questionnaires.empty:
        where = " and ".join(
            part
            for part in (
                f"region '{region}'" if region else "",
                f"programme '{programme}'" if programme else "",
            )
            if part
        )
        raise NotFoundError(
            f"no evaluation sources or questionnaires for {where or 'the store'}. Import "
            "transcripts or questionnaires first (see docs/evaluation.md)."
        )
    keys = set(sources["source"])
    codes = codes_frame(store)
    all_turns = turns_frame(store)
    turns = all_turns[all_turns["source"].isin(keys)].reset_index(drop=True)
    all_segments = segments_frame(store)
    segments = all_segments[all_segments["source"].isin(keys)].reset_index(drop=True)

    items = questionnaire_items_frame(store)
    items = items[items["questionnaire"].isin(set(questionnaires["questionnaire"]))]
    responses = responses_frame(store)
    responses = responses[
        responses["questionnaire"].isin(set(questionnaires["questionnaire"]))
    ].reset_index(drop=True)
    likert = _likert(responses, items, questionnaires)

    frequencies = code_frequencies(segments, codes=codes)
    by_group = (
        code_frequencies(segments, by="participant_group", codes=codes)
        if not segments.empty
        else frequencies.assign(participant_group=None)
    )
    cooccurrence = code_cooccurrence(segments, unit=cooccurrence_unit, turns=turns)

    # A programme held in one region gets that region's joint display too.
    regions_in_scope = sorted(set(sources["region"].dropna()))
    joint_region = region or (regions_in_scope[0] if len(regions_in_scope) == 1 else None)
    profile, joint, joint_problem = pd.DataFrame(), pd.DataFrame(), None
    if joint_region is None:
        joint_problem = (
            "The joint display is made for one region; these sources come from "
            f"{len(regions_in_scope)} regions: choose one."
        )
    else:
        ratings = ratings_frame(store, subject=joint_region, kind="HS", instrument=chosen.id)
        if ratings.empty:
            joint_problem = (
                f"{joint_region} has no HS maturity ratings with {chosen.title}: there are no "
                "scores to show next to the themes."
            )
        else:
            profile = region_profile(ratings, chosen, joint_region)
            joint = joint_display(
                profile,
                segments,
                codes,
                region=joint_region,
                instrument=chosen,
                quotes_per_dimension=quotes_per_dimension,
            )

    agreement, agreement_problem = pd.DataFrame(), None
    coders = agreement_coders(segments)
    if len(coders) < 2:
        agreement_problem = (
            "Agreement needs at least two coders who coded the same sources; "
            f"{'only ' + coders[0] + ' coded here' if coders else 'nothing is coded yet'}."
        )
    else:
        try:
            agreement = coder_agreement(
                segments, unit=agreement_unit, turns=turns, source_lengths=sources, coders=coders
            )
        except ConfigurationError as exc:
            agreement_problem = str(exc)

    return EvaluationReportData(
        region=region,
        region_name=region_name,
        programme=programme,
        instrument=chosen,
        sources=sources,
        summary=sources_summary(sources, turns, segments),
        codes=codes,
        segments=segments,
        turns=turns,
        questionnaires=questionnaires,
        items=items,
        responses=responses,
        likert=likert,
        frequencies=frequencies,
        frequencies_by_group=by_group,
        cooccurrence=cooccurrence,
        cooccurrence_unit=cooccurrence_unit,
        profile=profile,
        joint=joint,
        joint_problem=joint_problem,
        quotes=quotes(segments, per_code=quotes_per_code, codes=codes, max_length=300)
        if not segments.empty
        else pd.DataFrame(),
        agreement=agreement,
        agreement_unit=agreement_unit,
        agreement_problem=agreement_problem,
        agreement_other_coders=tuple(
            sorted(set(segments["coder"]) - set(coders)) if len(coders) >= 2 else ()
        ),
        store_label=store.label,
        generated_at=utc_now(whole_seconds=True),
        subject_synthetic=subject_synthetic,
    )


def _likert(
    responses: pd.DataFrame, items: pd.DataFrame, questionnaires: pd.DataFrame
) -> pd.DataFrame:
    """Per questionnaire (each has its own scale) the item summary by respondent group."""
    parts = []
    for key in questionnaires["questionnaire"]:
        answers = responses[responses["questionnaire"] == key]
        if answers.empty:
            continue
        scale = questionnaires[questionnaires["questionnaire"] == key]
        own = items[items["questionnaire"] == key]
        overall = likert_summary(answers, own, scale=scale).assign(group="all respondents")
        grouped = likert_summary(answers.assign(group=answers["group"].fillna("no group")), own,
                                 by="group", scale=scale)  # fmt: skip
        parts.extend([overall, grouped])
    if not parts:
        return pd.DataFrame()
    frame = pd.concat(parts, ignore_index=True)
    return frame.sort_values(["questionnaire", "position", "item"], kind="stable").reset_index(
        drop=True
    )


# ---------------------------------------------------------------------------------------
# HTML pieces


def note_html(text: str | None) -> str:
    """A short escaped paragraph, e.g. why a part of the report is missing.

    >>> note_html("no <data>")
    '<p class="sl-meta">no &lt;data&gt;</p>'
    """
    return f'<p class="sl-meta">{_e(text)}</p>'


def sources_summary_html(summary: pd.DataFrame) -> str:
    """The sources the report draws on."""
    if summary.empty:
        return "<p>No transcripts or documents for this report.</p>"
    return table_html(
        summary,
        columns={
            "title": "Source",
            "activity": "Activity",
            "held_on": "Held on",
            "n_participants": "Participants",
            "n_turns": "Turns",
            "n_segments": "Coded segments",
            "coders": "Coders",
        },
    )


def likert_summary_html(likert: pd.DataFrame) -> str:
    """Per item and respondent group: n, median and the shares agreeing and disagreeing."""
    if likert.empty:
        return "<p>No questionnaire answers for this report.</p>"
    return table_html(
        likert.assign(
            wording=[
                f"{w} (reverse-scored)" if r else w
                for w, r in zip(likert["wording"], likert["reverse_scored"], strict=True)
            ]
        ),
        columns={
            "wording": "Item",
            "group": "Respondents",
            "n": "n",
            "median": "Median",
            "pct_agree": "% agree",
            "pct_neutral": "% neutral",
            "pct_disagree": "% disagree",
        },
        decimals=1,
    )


def frequency_table_html(frequencies: pd.DataFrame) -> str:
    """Codes with how many segments, sources, speakers and coders they have."""
    shown = frequencies[frequencies["n_segments"] > 0]
    if shown.empty:
        return "<p>Nothing is coded yet.</p>"
    return table_html(
        shown,
        columns={
            "code_path": "Code",
            "n_segments": "Segments",
            "n_sources": "Sources",
            "n_speakers": "Speakers",
            "n_coders": "Coders",
        },
    )


def quotes_html(selected: pd.DataFrame, *, limit_codes: int | None = None) -> str:
    """Selected quotes per code with the speaker's pseudonym and the source."""
    if selected.empty:
        return "<p>No quotes: nothing is coded yet.</p>"
    parts = []
    codes = list(dict.fromkeys(selected["code"]))
    for code in codes[:limit_codes] if limit_codes else codes:
        rows = selected[selected["code"] == code]
        heading = rows["code_path"].iloc[0] if "code_path" in rows else code
        items = "".join(
            f"<li><q>{_e(row.quote)}</q> <span class='sl-meta'>({_e(row.speaker)}, "
            f"{_e(row.source)})</span></li>"
            for row in rows.itertuples(index=False)
        )
        parts.append(f"<h3>{_e(heading)}</h3><ul class='sl-quotes'>{items}</ul>")
    return "\n".join(parts)


def coder_agreement_html(agreement: pd.DataFrame, code_names: dict[str, str]) -> str:
    """Per code and overall: percent agreement, Cohen's kappa, Krippendorff's alpha."""
    if agreement.empty:
        return "<p>No agreement computed.</p>"
    shown = agreement.assign(
        code_label=[
            "Overall (all codes)" if scope == "overall" else code_names.get(code, code)
            for scope, code in zip(agreement["scope"], agreement["code"], strict=True)
        ],
        percent=["" if pd.isna(p) else f"{p * 100:.1f}" for p in agreement["percent_agreement"]],
    )
    return table_html(
        shown,
        columns={
            "code_label": "Code",
            "n_units": "Units",
            "n_units_coded": "Units coded by anyone",
            "percent": "% agreement",
            "cohen_kappa": "Cohen's kappa",
            "krippendorff_alpha": "Krippendorff's alpha",
            "alpha_reading": "Reading",
            "note": "Note",
        },
        decimals=2,
    )


def agreement_reading(
    agreement: pd.DataFrame,
    unit: str,
    code_names: dict[str, str] | None = None,
    *,
    other_coders: Sequence[str] = (),
) -> str:
    """A plain-language paragraph on the overall agreement and the weakest codes.

    >>> frame = pd.DataFrame({"scope": ["overall"], "code": [None], "coders": [("A", "B")],
    ...     "n_sources": [2], "n_units": [40], "percent_agreement": [0.9],
    ...     "cohen_kappa": [0.7], "krippendorff_alpha": [0.7], "alpha_reading": ["tentative"],
    ...     "excluded_sources": [()]})
    >>> "agreed on 90% of" in agreement_reading(frame, "turn")
    True
    """
    overall = agreement[agreement["scope"] == "overall"]
    if overall.empty:
        return "<p>No agreement computed.</p>"
    row = overall.iloc[0]
    coders = " and ".join(map(str, row["coders"]))
    unit_text = {
        "turn": "speaker turn (a coder applied a code to a turn when one of their segments of "
        "that code overlaps it)",
        "segment": "passage some coder coded (overlapping segments merged; a coder applied a "
        "code to a passage when one of their segments of that code overlaps it)",
    }.get(unit, "character of the transcripts")
    alpha = row["krippendorff_alpha"]
    alpha_text = (
        "cannot be estimated (no variation)"
        if pd.isna(alpha)
        else f"is {alpha:.2f}, read as <b>{_e(row['alpha_reading'])}</b> (0.80 and above: "
        "reliable; 0.667 to 0.80: tentative conclusions only; below: unreliable)"
    )
    text = (
        f"<p>Unit: each {_e(unit_text)}, for each code. Over {int(row['n_sources'])} "
        f"source(s) coded by {_e(coders)}, the coders agreed on "
        f"{row['percent_agreement'] * 100:.0f}% of the {int(row['n_units'])} yes/no decisions "
        f"(unit × code). Krippendorff's alpha {alpha_text}. Percent agreement is inflated when "
        "most units are uncoded by both; alpha corrects for that.</p>"
    )
    codes = agreement[(agreement["scope"] == "code") & agreement["krippendorff_alpha"].notna()]
    weak = codes[codes["krippendorff_alpha"] < 0.667]
    if not weak.empty:
        names = ", ".join(_e((code_names or {}).get(c, c)) for c in weak["code"])
        text += (
            f"<p>Codes to discuss and redefine before further coding (alpha below 0.667): "
            f"{names}.</p>"
        )
    if other_coders:
        text += (
            f"<p>Not compared: {_e(', '.join(other_coders))}, who coded fewer of these sources.</p>"
        )
    excluded = row.get("excluded_sources") or ()
    if len(excluded):
        text += (
            f"<p>Not compared (not coded by every coder): {_e(', '.join(map(str, excluded)))}.</p>"
        )
    return text


# ---------------------------------------------------------------------------------------
# Report tasks for `scirocco-lab reports build`


def _evaluation_records(store: Store) -> tuple[tuple[pd.DataFrame, str], ...]:
    """The sources and questionnaires an evaluation report shows, with their region column."""
    return ((sources_frame(store), "region"), (questionnaires_frame(store), "region"))


#: One evaluation report per region (or the regions named) that has evaluation sources or
#: questionnaires; written to ``out_dir/evaluation/REGION.html``.
evaluation_tasks = CustomTasks(
    template="evaluation",
    title="evaluation",
    group="Evaluation",
    folder="evaluation",
    records=_evaluation_records,
    parameters=(("programme", None), ("agreement_unit", "turn")),
)


REPORT_KINDS = (
    ReportKind(
        name="evaluation",
        template="evaluation",
        group="Evaluation",
        tasks=evaluation_tasks,
        reads=(
            "store_meta",
            *RATINGS_READS,
            "evaluation_participants",
            "evaluation_sources",
            "evaluation_source_participants",
            "evaluation_turns",
            "evaluation_codes",
            "evaluation_coders",
            "coded_segments",
            "questionnaires",
            "questionnaire_items",
            "questionnaire_responses",
        ),
        subject_parameters=("region",),
    ),
)
