"""The index page as a programme overview: every region's consensus level by dimension, its
reports with their build status, and a filter box.

The heatmap is an HTML table (one row per region, one column per dimension, the cell
coloured by the latest consensus level): readable at hundreds of regions, filterable, and
cheap (one query of the consensus ratings, no figure). Free text is escaped; the filter is a
few lines of inline script (nothing fetched).

>>> level_colour(None)
'#f4f4f4'
>>> level_colour(5.0) != level_colour(0.0)
True
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

__all__ = ["FILTER_SCRIPT", "KIND_LABELS", "consensus_levels", "level_colour", "overview_html"]

KIND_LABELS = {"region_profile": "profile"}

# Light to dark blue over the 0..5 levels; white text from level 3 up.
_COLOURS = ("#eef4fb", "#cfe0f3", "#a6c8e8", "#6fa3d4", "#3f7cbd", "#1f4e8c")

FILTER_SCRIPT = """
<script>
(function () {
  var box = document.getElementById("sl-filter");
  box.addEventListener("input", function () {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    document.querySelectorAll("[data-filter]").forEach(function (item) {
      var text = item.getAttribute("data-filter");
      var shown = words.every(function (w) { return text.indexOf(w) >= 0; });
      item.style.display = shown ? "" : "none";
    });
  });
})();
</script>
"""


def level_colour(level: float | None) -> str:
    """The cell colour of a consensus level (grey when there is none)."""
    if level is None or level != level:  # None or NaN
        return "#f4f4f4"
    return _COLOURS[max(0, min(len(_COLOURS) - 1, round(level)))]


def consensus_levels(store, instrument: str = "scirocco-exchange"):
    """The latest consensus level per region and dimension, the instrument, and the regions
    (key, name, synthetic): one query of consensus ratings, no analysis."""
    from scirocco_lab.assessment.store import ratings_frame
    from scirocco_lab.reports.registry import region_subjects
    from scirocco_lab.store import resolve_instrument

    chosen = resolve_instrument(store, instrument)
    regions = region_subjects(store)
    ratings = ratings_frame(store, kind="HS", mode="consensus", instrument=chosen.id)
    levels = {}
    if not ratings.empty:
        latest = ratings[ratings["round"] == ratings.groupby("subject")["round"].transform("max")]
        for subject, dimension, level in latest[["subject", "dimension", "level"]].itertuples(
            index=False
        ):
            levels[(subject, dimension)] = None if level != level else float(level)
    return levels, chosen, regions


def overview_html(
    store, entries: Sequence[Mapping], *, instrument: str = "scirocco-exchange"
) -> str:
    """The overview section: the consensus heatmap, each row linking the region's reports
    (a failed or stale one marked)."""
    levels, chosen, regions = consensus_levels(store, instrument)
    if regions.empty:
        return ""
    by_region: dict[str, list[Mapping]] = {}
    for entry in entries:
        for subject in entry.get("subjects") or []:
            by_region.setdefault(subject, []).append(entry)
    head = "".join(
        f'<th title="{html.escape(d.name)}">{number}</th>'
        for number, d in enumerate(chosen.dimensions, 1)
    )
    rows = []
    for region in regions.itertuples():
        cells = []
        for dimension in chosen.dimensions:
            level = levels.get((region.key, dimension.key))
            text = "" if level is None else f"{level:g}"
            colour = level_colour(level)
            ink = "#fff" if level is not None and level >= 3 else "#222"
            cells.append(
                f'<td style="background:{colour};color:{ink}" '
                f'title="{html.escape(dimension.name)}: {text or "no consensus"}">{text}</td>'
            )
        links = []
        for entry in sorted(by_region.get(region.key, []), key=lambda e: e.get("path", "")):
            kind = entry.get("kind") or entry.get("group", "")
            label = html.escape(KIND_LABELS.get(kind, kind.replace("_", " ")))
            if not entry.get("ok"):
                links.append(f'<span class="failed" title="failed">{label} &#10007;</span>')
            else:
                mark = " &#8635;" if entry.get("stale") else ""
                links.append(f'<a href="{html.escape(entry["path"])}">{label}</a>{mark}')
        name = html.escape(str(region.name))
        filter_text = html.escape(f"{region.key} {region.name}".lower())
        rows.append(
            f'<tr data-filter="{filter_text}"><th class="sl-region">{name}</th>'
            f'{"".join(cells)}<td class="sl-links">{" · ".join(links)}</td></tr>'
        )
    legend = "".join(
        f'<span style="background:{colour};color:{"#fff" if n >= 3 else "#222"};'
        f'padding:0 .5em">{n}</span>'
        for n, colour in enumerate(_COLOURS)
    )
    dimension_list = "; ".join(
        f"{number} {html.escape(d.name)}" for number, d in enumerate(chosen.dimensions, 1)
    )
    return (
        "<h2>Programme overview</h2>"
        '<p class="meta">Latest consensus level per region and dimension '
        f"({html.escape(chosen.title)}); grey: no consensus yet. Levels {legend}. "
        f"Dimensions: {dimension_list}. &#8635; stale, &#10007; failed.</p>"
        '<table class="sl-heatmap"><thead><tr><th>Region</th>'
        f"{head}<th>Reports</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
