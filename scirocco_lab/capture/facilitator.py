"""The facilitator's live view of a workshop round: who submitted, who is still drafting,
who has not started, and the spread of the submitted levels per dimension.

:func:`workshop_status` reads the store (pseudonyms only, never names); :func:`facilitator_page`
renders it as a page that reloads itself, served by ``scirocco-lab serve`` at
``/facilitator?key=...`` without a kernel.

>>> from scirocco_lab.store import open_store, add_subjects
>>> from scirocco_lab.assessment.records import SubjectRecord
>>> store = open_store("sqlite://")
>>> _ = add_subjects(store, [SubjectRecord("northvale", "Northvale")])
>>> status = workshop_status(store, "northvale", round=1)
>>> status.submitted, status.drafts
((), ())
>>> "http-equiv='refresh'" in facilitator_page(status, refresh_seconds=5)
True
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from scirocco_lab.assessment.invitations import invitations_frame
from scirocco_lab.io.clock import utc_now
from scirocco_lab.store import Store, get_subject, ratings_frame, resolve_instrument

__all__ = ["DraftProgress", "WorkshopStatus", "facilitator_page", "workshop_status"]


@dataclass(frozen=True)
class DraftProgress:
    """One participant's draft: dimensions answered so far."""

    assessor: str
    answered: int
    total: int


@dataclass(frozen=True)
class WorkshopStatus:
    """A round's progress at ``checked_at`` (UTC)."""

    subject: str
    subject_name: str
    round: int
    instrument: str
    submitted: tuple[str, ...]
    drafts: tuple[DraftProgress, ...]
    not_started: tuple[str, ...]
    spread: pd.DataFrame
    checked_at: str


def workshop_status(
    store: Store, subject: str, *, round: int = 1, instrument: str | None = None
) -> WorkshopStatus:
    """Progress of ``subject``'s individual assessments in ``round`` (pseudonyms only).

    ``spread`` has one row per dimension: n (submitted levels), min, median, max, IQR and
    how many answered don't-know.
    """
    found = resolve_instrument(store, instrument)
    ratings = ratings_frame(
        store, subject=subject, kind=None, mode="individual", round=round, status=None
    )
    ratings = ratings[ratings["instrument"] == found.id]
    answered = ratings[ratings["level"].notna() | ratings["dont_know"].astype(bool)]
    by_status = ratings.drop_duplicates("assessor")[["assessor", "status"]]
    submitted = tuple(sorted(by_status.loc[by_status["status"] == "submitted", "assessor"]))
    total = len(found.dimensions)
    counts = answered[answered["status"] == "draft"].groupby("assessor").size()
    drafts = tuple(
        DraftProgress(name, int(counts.get(name, 0)), total)
        for name in sorted(by_status.loc[by_status["status"] == "draft", "assessor"])
    )
    invited = invitations_frame(store, subject=subject, round=round)
    invited = invited[invited["status"] != "revoked"]
    started = set(by_status["assessor"])
    not_started = tuple(sorted(set(invited["assessor"]) - started))
    rows = []
    final = ratings[ratings["status"] == "submitted"]
    for dimension in found.dimensions:
        mine = final[final["dimension"] == dimension.key]
        levels = mine["level"].dropna()
        rows.append(
            {
                "dimension": f"{dimension.number}. {dimension.name}",
                "n": len(levels),
                "min": float(levels.min()) if len(levels) else None,
                "median": float(levels.median()) if len(levels) else None,
                "max": float(levels.max()) if len(levels) else None,
                "iqr": float(levels.quantile(0.75) - levels.quantile(0.25))
                if len(levels)
                else None,
                "dont_know": int(mine["dont_know"].astype(bool).sum()),
            }
        )
    return WorkshopStatus(
        subject=subject,
        subject_name=str(get_subject(store, subject)["name"]),
        round=round,
        instrument=found.id,
        submitted=submitted,
        drafts=drafts,
        not_started=not_started,
        spread=pd.DataFrame(rows),
        checked_at=utc_now(whole_seconds=True).isoformat(),
    )


def _number(value: object) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:g}"


def facilitator_page(status: WorkshopStatus, *, refresh_seconds: int = 5) -> str:
    """The live page: reloads itself every ``refresh_seconds``; every text escaped."""
    esc = html.escape
    submitted = ", ".join(esc(name) for name in status.submitted) or "nobody yet"
    drafts = (
        "".join(
            f"<li>{esc(d.assessor)}: {d.answered} of {d.total} answered</li>" for d in status.drafts
        )
        or "<li>none</li>"
    )
    waiting = ", ".join(esc(name) for name in status.not_started) or "none"
    spread_rows = "".join(
        f"<tr><td>{esc(str(row.dimension))}</td><td>{row.n}</td><td>{_number(row.min)}</td>"
        f"<td>{_number(row.median)}</td><td>{_number(row.max)}</td><td>{_number(row.iqr)}</td>"
        f"<td>{row.dont_know}</td></tr>"
        for row in status.spread.itertuples()
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='refresh' content='{int(refresh_seconds)}'>"
        f"<title>Workshop: {esc(status.subject_name)}</title><style>"
        "body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}"
        "td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}"
        "td:first-child,th:first-child{text-align:left}</style></head>"
        "<body class='scirocco-facilitator'>"
        f"<h1>{esc(status.subject_name)} · round {status.round}</h1>"
        f"<p>Instrument {esc(status.instrument)}. Updated {esc(status.checked_at)} UTC; this "
        f"page reloads every {int(refresh_seconds)} s.</p>"
        f"<h2>Submitted ({len(status.submitted)})</h2><p class='scl-submitted'>{submitted}</p>"
        f"<h2>Drafts in progress ({len(status.drafts)})</h2><ul class='scl-drafts'>{drafts}</ul>"
        f"<h2>Invited, not started ({len(status.not_started)})</h2><p>{waiting}</p>"
        "<h2>Spread of submitted levels</h2><table class='scl-spread'><tr><th>Dimension</th>"
        "<th>n</th><th>min</th><th>median</th><th>max</th><th>IQR</th><th>don't know</th></tr>"
        f"{spread_rows}</table></body></html>"
    )
