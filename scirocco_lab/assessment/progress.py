"""A workshop round's progress from the store: who submitted, who is drafting, who was
invited and has not started, and the spread of the submitted levels per dimension.

Pseudonyms only, never names. The facilitator's page and notebook view show it
(:mod:`scirocco_lab.capture.facilitator`).

A round with one participant's draft (one dimension of twelve answered) and nothing
submitted yet:

>>> from scirocco_lab.assessment.drafts import save_draft
>>> from scirocco_lab.assessment.records import (
...     AssessmentRecord, AssessorRecord, RatingRecord, SubjectRecord)
>>> from scirocco_lab.assessment.store import add_assessors, add_subjects
>>> from scirocco_lab.store import open_store
>>> store = open_store("sqlite://")
>>> _ = add_subjects(store, [SubjectRecord("northvale", "Northvale")])
>>> _ = add_assessors(store, [AssessorRecord("NV-01")])
>>> draft = AssessmentRecord("HS", "northvale", "scirocco-exchange", assessor="NV-01",
...     ratings=(RatingRecord("funding", level=3),))
>>> _ = save_draft(store, draft)
>>> status = workshop_status(store, "northvale", round=1)
>>> status.submitted, [(d.assessor, d.answered, d.total) for d in status.drafts]
((), [('NV-01', 1, 12)])
>>> len(status.spread)
12
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from scirocco_lab.assessment.invitations import invitations_frame
from scirocco_lab.assessment.store import ratings_frame
from scirocco_lab.io.clock import utc_now
from scirocco_lab.store import Store, get_subject, resolve_instrument

__all__ = ["DraftProgress", "WorkshopStatus", "workshop_status"]


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
