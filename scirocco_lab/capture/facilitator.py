"""The facilitator's live view of a workshop round as a page that reloads itself, served by
``scirocco-lab serve`` at ``/facilitator?key=...`` without a kernel; the data is
:func:`scirocco_lab.assessment.progress.workshop_status`.

>>> from scirocco_lab.assessment.progress import workshop_status
>>> from scirocco_lab.assessment.store import add_subjects
>>> from scirocco_lab.store import open_store
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

import pandas as pd

from scirocco_lab.assessment.progress import WorkshopStatus

__all__ = ["facilitator_page"]


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
