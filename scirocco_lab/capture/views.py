"""Small HTML fragments the capture widgets show: pure functions of plain data.

Every text that came from a person (justifications, feature names, codes) or from an
instrument file is passed through :func:`html.escape`, so nothing typed in a form can inject
markup into another participant's or the facilitator's page.

>>> "&lt;b&gt;" in message_html("<b>")
True
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence

from scirocco_lab.instruments import Dimension

__all__ = [
    "demo_note_html",
    "dimension_html",
    "level_bar_chart",
    "message_html",
    "progress_chips",
]

_TONES = {
    "info": ("#0b5394", "#e8f0fb"),
    "ok": ("#1e6b30", "#e6f4ea"),
    "error": ("#a11b1b", "#fdecea"),
    "warning": ("#7a5200", "#fff4e0"),
}


def message_html(text: str, tone: str = "info", details: Iterable[str] = ()) -> str:
    """A coloured message box; ``details`` become a bulleted list. Everything is escaped.

    >>> message_html("Saved <draft>", "ok")[:40]
    '<div class="scl-message scl-ok" role="st'
    >>> "&lt;draft&gt;" in message_html("Saved <draft>", "ok")
    True
    """
    if not text:
        return ""
    colour, background = _TONES.get(tone, _TONES["info"])
    items = "".join(f"<li>{html.escape(d)}</li>" for d in details)
    listing = f"<ul style='margin:4px 0 0 0'>{items}</ul>" if items else ""
    role = "alert" if tone == "error" else "status"
    return (
        f'<div class="scl-message scl-{tone}" role="{role}" style="color:{colour};'
        f"background:{background};padding:6px 10px;border-radius:4px;"
        f'margin:4px 0">{html.escape(text)}{listing}</div>'
    )


def demo_note_html(synthetic: bool) -> str:
    """The synthetic-data mark a form shows when its subject is demo data ("" otherwise).

    >>> "Synthetic demo data" in demo_note_html(True), demo_note_html(False)
    (True, '')
    """
    if not synthetic:
        return ""
    from scirocco_lab.assessment.demo import DEMO_MARK

    return (
        '<div class="scl-synthetic" role="note" style="color:#8a1c12;background:#fdecea;'
        "border:1px solid #e6a19a;padding:4px 10px;border-radius:4px;margin:4px 0;"
        f'font-weight:600">&#9888; {html.escape(DEMO_MARK)}: this region and its ratings are '
        "invented for trying the workbench out.</div>"
    )


def dimension_html(dimension: Dimension, total: int) -> str:
    """The dimension's number, name and objective, and a table of the levels with their
    descriptions when the instrument has any (the form's choices already show the labels).

    >>> from scirocco_lab.instruments import load_instrument
    >>> funding = load_instrument("scirocco-exchange").dimension("funding")
    >>> "Dimension 5 of 12: Funding" in dimension_html(funding, 12)
    True
    """
    heading = (
        f"<h3 style='margin:6px 0'>Dimension {dimension.number} of {total}: "
        f"{html.escape(dimension.name)}</h3>"
        f"<p style='margin:2px 0 6px 0'>{html.escape(dimension.objective)}</p>"
    )
    if not any(level.description for level in dimension.levels):
        return heading
    rows = []
    for level in dimension.levels:
        description = (
            f"<div style='color:#555;font-size:90%'>{html.escape(level.description)}</div>"
            if level.description
            else ""
        )
        rows.append(
            "<tr>"
            f"<td style='font-weight:bold;vertical-align:top;padding:2px 8px'>{level.number}</td>"
            f"<td style='padding:2px 8px'>{html.escape(level.display_label)}{description}</td>"
            "</tr>"
        )
    return (
        f"{heading}<table class='scl-levels' style='border-collapse:collapse'>"
        "<tr><th style='text-align:left;padding:2px 8px'>Level</th>"
        "<th style='text-align:left;padding:2px 8px'>What it means</th></tr>"
        f"{''.join(rows)}</table>"
    )


def progress_chips(
    items: Sequence[tuple[str, bool]], current: int | None = None, *, title: str = ""
) -> str:
    """One numbered chip per dimension: green when answered, outlined when current.

    >>> progress_chips([("Funding", True), ("Evaluation", False)], current=1).count("title=")
    2
    """
    chips = []
    for index, (name, done) in enumerate(items):
        background = "#2e7d32" if done else "#e0e0e0"
        colour = "white" if done else "#333"
        border = "2px solid #0b5394" if index == current else "2px solid transparent"
        chips.append(
            f"<span title='{html.escape(name, quote=True)}' style='display:inline-block;"
            f"min-width:22px;text-align:center;margin:1px;padding:1px 3px;border-radius:3px;"
            f"background:{background};color:{colour};border:{border}'>{index + 1}</span>"
        )
    label = f"<span style='margin-right:6px'>{html.escape(title)}</span>" if title else ""
    return f"<div class='scl-progress'>{label}{''.join(chips)}</div>"


def level_bar_chart(
    counts: Mapping[int, int], scale: tuple[int, int], *, dont_know: int = 0, width: int = 120
) -> str:
    """A small horizontal bar chart of how many people chose each level (plus don't-know).

    Pure HTML and CSS so it renders the same in JupyterLab, Voilà and a screenshot, with no
    plotting library in the kernel.
    """
    low, high = scale
    largest = max([*counts.values(), dont_know, 1])
    rows = []
    labels = [(str(level), counts.get(level, 0)) for level in range(low, high + 1)]
    if dont_know:
        labels.append(("?", dont_know))
    for label, count in labels:
        bar = round(width * count / largest)
        rows.append(
            "<div style='display:flex;align-items:center;height:11px;font-size:10px'>"
            f"<div style='width:12px'>{label}</div>"
            f"<div style='width:{bar}px;height:8px;background:#5b8cc6'></div>"
            f"<div style='margin-left:3px'>{count or ''}</div></div>"
        )
    return f"<div class='scl-chart'>{''.join(rows)}</div>"
