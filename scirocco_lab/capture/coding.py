"""The coding panel: read a transcript, code segments, review auto-coding proposals.

A browser's text selection cannot be read by a notebook widget, so a segment is chosen in two
steps: pick the turn (or a range of turns), then optionally paste the exact words inside it
to narrow the range. Apply a code from the codebook (hierarchical paths) and the segment is
written to the store (:func:`scirocco_lab.evaluation.store.write_evaluation`); this coder's
segments on the source are listed with a Remove button each. Coded spans are highlighted in
the transcript with the code's colour. Speakers appear by pseudonym only, and every text is
escaped.

The *Auto-coding* tab loads keyword/pattern rules (:mod:`scirocco_lab.evaluation.autocode`)
and lists the segments they propose for the source; nothing is written until the coder
accepts a proposal (origin ``auto``). Rejected proposals are not proposed again in the
session.

Example (in a notebook cell)::

    CodingPanel(open_store(), coder="coder-A", source="northvale-fg-1")
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Sequence
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from scirocco_lab.capture.base import CaptureWidget, button
from scirocco_lab.errors import DataValidationError, NotFoundError, SciroccoLabError
from scirocco_lab.evaluation.autocode import (
    AutoCodeRule,
    accept_proposals,
    load_rules,
    proposal_key,
    propose_segments,
    validate_rules,
)
from scirocco_lab.evaluation.records import CoderRecord, EvaluationBatch, SegmentRecord
from scirocco_lab.evaluation.store import (
    coders_frame,
    codes_frame,
    remove_segments,
    segments_frame,
    source_text,
    sources_frame,
    turns_frame,
    write_evaluation,
)
from scirocco_lab.store import Store

__all__ = [
    "CodingPanel",
    "ExcerptNotFoundError",
    "code_colours",
    "find_excerpt",
    "source_label",
    "transcript_html",
]

# Colours for codes the codebook gives none (matplotlib's tab10, readable on white).
_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
_PREVIEW = 70
_SHOWN_PROPOSALS = 40


class ExcerptNotFoundError(NotFoundError):
    """The excerpt typed in the coding panel is not (or not once) in the chosen turns."""


def _missing(value) -> bool:
    return value is None or (not isinstance(value, (str, tuple)) and pd.isna(value))


def code_colours(codes: pd.DataFrame) -> dict[str, str]:
    """Each code's colour: its own ``#RRGGBB``, else one from a fixed palette by position.

    >>> code_colours(pd.DataFrame({"code": ["a", "b"], "colour": ["#112233", None]}))
    {'a': '#112233', 'b': '#ff7f0e'}
    """
    return {
        code: colour if isinstance(colour, str) and colour else _PALETTE[i % len(_PALETTE)]
        for i, (code, colour) in enumerate(zip(codes["code"], codes["colour"], strict=True))
    }


def source_label(row) -> str:
    """How a source is named in the picker: title · activity · region · date.

    >>> source_label({"title": "Focus group", "activity": "focus_group", "region": None,
    ...               "held_on": None})
    'Focus group · focus group'
    """
    parts = [row["title"], str(row["activity"]).replace("_", " ")]
    parts += [str(row[key]) for key in ("region", "held_on") if not _missing(row[key])]
    return " · ".join(str(part) for part in parts if not _missing(part))


def find_excerpt(text: str, start: int, end: int, excerpt: str) -> tuple[int, int]:
    """The ``[start, end)`` offsets of ``excerpt`` inside ``text[start:end]``.

    The excerpt must occur exactly once; runs of whitespace match any whitespace (a copy
    from the page may turn line breaks into spaces). Raises :class:`ExcerptNotFoundError`
    with a message for the coder otherwise.

    >>> find_excerpt("P01: We met twice. It helped.", 5, 29, "met  twice")
    (8, 17)
    """
    words = excerpt.split()
    if not words:
        raise ExcerptNotFoundError("the excerpt is empty: type or paste the words to code")
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
    found = list(pattern.finditer(text, start, end))
    shown = " ".join(words)
    if len(shown) > _PREVIEW:
        shown = shown[: _PREVIEW - 1] + "…"
    if not found:
        raise ExcerptNotFoundError(
            f"the excerpt “{shown}” is not in the chosen turn(s). Copy it exactly from the "
            "transcript (same spelling and punctuation), or choose the turn it is in"
        )
    if len(found) > 1:
        raise ExcerptNotFoundError(
            f"the excerpt “{shown}” occurs {len(found)} times in the chosen turn(s): paste "
            "a longer excerpt so it is unique, or narrow the turns"
        )
    return found[0].start(), found[0].end()


def _highlighted(
    text: str, start: int, end: int, spans: Sequence[tuple[int, int, str]], colours, names
) -> str:
    """``text[start:end]`` escaped, with the parts covered by coded spans marked."""
    points = {start, end}
    for span_start, span_end, _code in spans:
        points.update(p for p in (span_start, span_end) if start < p < end)
    ordered = sorted(points)
    pieces = []
    for left, right in itertools.pairwise(ordered):
        piece = html.escape(text[left:right]).replace("\n", "<br/>")
        # Innermost (shortest) segment first: its colour fills the words.
        covering = [
            code
            for _length, code in sorted((e - s, c) for s, e, c in spans if s <= left < right <= e)
        ]
        if not covering:
            pieces.append(piece)
            continue
        first = colours.get(covering[0], _PALETTE[0])
        # A second code on the same words shows as an underline in its colour.
        extra = (
            f";box-shadow:inset 0 -3px 0 {colours.get(covering[1], _PALETTE[1])}"
            if len(covering) > 1
            else ""
        )
        title = html.escape("; ".join(names.get(code, code) for code in covering), quote=True)
        pieces.append(
            f"<mark class='scl-coded' title='{title}' style='background:{first}40;"
            f"border-bottom:2px solid {first};padding:0{extra}'>{piece}</mark>"
        )
    return "".join(pieces)


def transcript_html(
    turns: pd.DataFrame,
    text: str,
    segments: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    selected: tuple[int, int] | None = None,
) -> str:
    """The transcript turn by turn: number, speaker (pseudonym) and the utterance with the
    ``segments``' ranges highlighted in their code's colour; turns ``selected`` (first,
    last) are outlined. Everything is escaped.

    >>> turns = pd.DataFrame({"turn": [1], "speaker": ["P01"], "start_char": [5],
    ...                       "end_char": [13]})
    >>> codes = pd.DataFrame({"code": ["c"], "colour": ["#ff0000"], "path": ["C"]})
    >>> segments = pd.DataFrame({"code": ["c"], "start_char": [5], "end_char": [7]})
    >>> "<mark" in transcript_html(turns, "P01: <b>hi</b>", segments, codes)
    True
    """
    colours = code_colours(codes)
    names = dict(zip(codes["code"], codes["path"], strict=True))
    spans = [
        (int(s), int(e), str(c))
        for s, e, c in zip(
            segments["start_char"], segments["end_char"], segments["code"], strict=True
        )
    ]
    rows = []
    for turn in turns.itertuples(index=False):
        start, end = int(turn.start_char), int(turn.end_char)
        inside = [span for span in spans if span[0] < end and span[1] > start]
        chosen = selected is not None and selected[0] <= int(turn.turn) <= selected[1]
        outline = (
            "border-left:4px solid #0b5394;background:#f3f7fc"
            if chosen
            else ("border-left:4px solid transparent")
        )
        speaker = "—" if _missing(turn.speaker) else html.escape(str(turn.speaker))
        rows.append(
            f"<div class='scl-turn' style='{outline};padding:3px 8px;margin:2px 0'>"
            f"<span style='color:#777;font-size:85%;margin-right:6px'>{int(turn.turn)}</span>"
            f"<b class='scl-speaker'>{speaker}</b>: "
            f"{_highlighted(text, start, end, inside, colours, names)}</div>"
        )
    if not rows:
        rows.append("<i style='color:#777'>This source has no text.</i>")
    legend = "".join(
        f"<span style='display:inline-block;margin:1px 6px 1px 0;padding:0 4px;"
        f"border-bottom:2px solid {colours[code]};background:{colours[code]}40'>"
        f"{html.escape(str(names.get(code, code)))}</span>"
        for code in dict.fromkeys(c for _s, _e, c in spans)
        if code in colours
    )
    legend_html = f"<div class='scl-legend' style='margin:4px 0'>{legend}</div>" if legend else ""
    return f"<div class='scl-transcript'>{legend_html}{''.join(rows)}</div>"


def _preview(text: str, limit: int = _PREVIEW) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class CodingPanel(CaptureWidget):
    """Code one source as one coder, by hand or by accepting auto-coding proposals.

    State: :attr:`coder`, :attr:`source`, the source's :attr:`turns` and :attr:`text`, the
    auto-coding :attr:`rules`, the current :attr:`proposals` and the :attr:`rejected`
    proposal keys of this session. Methods :meth:`choose_source`, :meth:`choose_coder`,
    :meth:`apply_code`, :meth:`remove_segment`, :meth:`load_rules`, :meth:`accept` and
    :meth:`reject` do what the buttons do.
    """

    def __init__(
        self,
        store: Store,
        *,
        coder: str | None = None,
        source: str | None = None,
        rules: str | Path | Sequence[AutoCodeRule] | None = None,
    ) -> None:
        self.store = store
        self.codes = codes_frame(store)
        self.sources = sources_frame(store)
        self.coder: str | None = None
        self.source: str | None = None
        self.text = ""
        self.turns = pd.DataFrame(columns=["source", "turn", "speaker", "start_char", "end_char"])
        self.segments = segments_frame(store, source="")
        self.rules: tuple[AutoCodeRule, ...] = ()
        self.proposals = propose_segments({}, ())
        self.rejected: list[tuple[str, str, int, int]] = []
        self.remove_buttons: dict[int, widgets.Button] = {}
        self.proposal_buttons: dict[int, tuple[widgets.Button, widgets.Button]] = {}
        self._loading = False
        self._build_widgets()
        if coder:
            self.choose_coder(coder)
        if self.sources.empty:
            self._show(
                "The store holds no transcripts yet: import one first (scirocco-lab "
                "transcripts import FILE, see docs/evaluation.md).",
                "warning",
            )
        else:
            self.choose_source(source or str(self.sources["source"].iloc[0]))
        if rules is not None:
            self.load_rules(rules)
        if self.codes.empty and not self.sources.empty:
            self._show("The codebook is empty: add codes first (save_codes).", "warning")

    # --- widgets ---------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.title = widgets.HTML("<h2 style='margin:4px 0'>Coding transcripts</h2>")
        self.coder_picker = widgets.Combobox(
            options=tuple(coders_frame(self.store)["coder"]),
            placeholder="coder pseudonym (pick or type a new one)",
            description="Coder",
            ensure_option=False,
            layout=widgets.Layout(width="360px"),
        )
        self.coder_picker.observe(self._on_coder, names="value")
        self.source_picker = widgets.Dropdown(
            options=[(source_label(row), row["source"]) for _, row in self.sources.iterrows()],
            value=None,
            description="Source",
            layout=widgets.Layout(width="640px"),
        )
        self.source_picker.observe(self._on_source, names="value")
        self.show_all = widgets.Checkbox(
            value=False, description="highlight every coder's segments", indent=False
        )
        self.show_all.observe(lambda _c: self._render_transcript(), names="value")
        self.transcript = widgets.HTML()
        transcript_box = widgets.Box(
            [self.transcript],
            layout=widgets.Layout(
                max_height="420px", overflow="auto", border="1px solid #ddd", padding="4px"
            ),
        )
        self.turn_from = widgets.Dropdown(
            description="From turn", layout=widgets.Layout(width="640px")
        )
        self.turn_to = widgets.Dropdown(description="To turn", layout=widgets.Layout(width="640px"))
        self.turn_from.observe(self._on_turn_from, names="value")
        self.turn_to.observe(lambda _c: self._render_transcript(), names="value")
        self.excerpt = widgets.Textarea(
            placeholder="optional: paste the exact words to code, from inside the chosen turn(s)",
            description="Excerpt",
            layout=widgets.Layout(width="640px", height="60px"),
        )
        self.code_picker = widgets.Dropdown(
            options=[(row["path"], row["code"]) for _, row in self.codes.iterrows()],
            value=None,
            description="Code",
            layout=widgets.Layout(width="640px"),
        )
        self.memo = widgets.Text(
            placeholder="optional memo", description="Memo", layout=widgets.Layout(width="640px")
        )
        self.apply_button = button(
            "Apply code", self.apply_code, button_style="success", icon="tag"
        )
        self.segments_box = widgets.VBox()
        coding = widgets.VBox(
            [
                self.turn_from,
                self.turn_to,
                self.excerpt,
                self.code_picker,
                self.memo,
                self.apply_button,
                widgets.HTML("<b>This coder's segments on this source</b>"),
                self.segments_box,
            ]
        )
        self.rules_path = widgets.Text(
            placeholder="rules file (.yaml or .csv: code, kind keyword|regex, pattern, unit)",
            description="Rules",
            layout=widgets.Layout(width="560px"),
        )
        self.load_button = button(
            "Load rules and propose",
            lambda: self.load_rules(self.rules_path.value.strip()),
            icon="search",
        )
        self.load_button.layout.width = "auto"
        self.accept_all_button = button(
            "Accept all", lambda: self.accept(list(self.proposals.index)), button_style="success"
        )
        self.reject_all_button = button(
            "Reject all", lambda: self.reject(list(self.proposals.index))
        )
        self.proposals_summary = widgets.HTML()
        self.proposals_box = widgets.VBox()
        autocoding = widgets.VBox(
            [
                widgets.HBox([self.rules_path, self.load_button]),
                self.proposals_summary,
                widgets.HBox([self.accept_all_button, self.reject_all_button]),
                self.proposals_box,
            ]
        )
        self.tabs = widgets.Tab(children=[coding, autocoding])
        self.tabs.titles = ("Code", "Auto-coding")
        self._lay_out(
            "scirocco-coding-panel",
            self.title,
            widgets.HBox([self.coder_picker, self.show_all]),
            self.source_picker,
            transcript_box,
            below=[self.tabs],
        )

    # --- actions ---------------------------------------------------------------------------

    def choose_coder(self, coder: str) -> None:
        """Code as ``coder`` (a new name is added to the store with the first segment)."""
        coder = (coder or "").strip()
        self.coder = coder or None
        with self._quietly():
            self.coder_picker.value = coder
        self._reload()

    def choose_source(self, source: str) -> None:
        """Open ``source``: its text, turns and this coder's segments."""
        if source not in set(self.sources["source"]):
            self._show(f"No source '{source}' in the store.", "error")
            return
        self.source = source
        self.text = source_text(self.store, source)
        turns = turns_frame(self.store, source=source)
        if turns.empty:
            # A document without speaker turns is one turn, so it can still be coded.
            turns = pd.DataFrame(
                {
                    "source": [source],
                    "turn": [1],
                    "speaker": [None],
                    "start_char": [0],
                    "end_char": [len(self.text)],
                    "text": [self.text],
                }
            )
        self.turns = turns.reset_index(drop=True)
        with self._quietly():
            self.source_picker.value = source
            options = [
                (
                    f"{int(t.turn)}. "
                    f"{'—' if _missing(t.speaker) else t.speaker}: "
                    f"{_preview(self.text[int(t.start_char) : int(t.end_char)])}",
                    int(t.turn),
                )
                for t in self.turns.itertuples(index=False)
            ]
            self.turn_from.options = options
            self.turn_to.options = options
            first = options[0][1] if options else None
            self.turn_from.value = first
            self.turn_to.value = first
        self._reload()
        self._show("", "info")

    def select_turns(self, first: int, last: int | None = None) -> None:
        """Choose the turns ``first`` to ``last`` (default: ``first`` only)."""
        self.turn_from.value = first
        self.turn_to.value = first if last is None else last

    def selected_range(self) -> tuple[int, int]:
        """The character range the next code goes to: the chosen turns, narrowed to the
        excerpt when one is typed (:class:`ExcerptNotFoundError` when it is not there)."""
        first, last = self.turn_from.value, self.turn_to.value
        if first is None:
            raise ExcerptNotFoundError("choose a turn first")
        if last is None or last < first:
            last = first
        chosen = self.turns[(self.turns["turn"] >= first) & (self.turns["turn"] <= last)]
        start, end = int(chosen["start_char"].min()), int(chosen["end_char"].max())
        if self.excerpt.value.strip():
            return find_excerpt(self.text, start, end, self.excerpt.value)
        return start, end

    def apply_code(self) -> bool:
        """Write a segment: the chosen code on the selected range, by the current coder."""
        if not self.coder:
            self._show("Choose or type a coder first; nothing was written.", "error")
            return False
        if self.source is None:
            self._show("Choose a source first; nothing was written.", "error")
            return False
        code = self.code_picker.value
        if not code:
            self._show("Choose a code from the codebook; nothing was written.", "error")
            return False
        try:
            start, end = self.selected_range()
        except ExcerptNotFoundError as exc:
            self._show(f"Not coded: {exc}.", "error")
            return False
        if start >= end:
            self._show("Not coded: the chosen turn is empty.", "error")
            return False
        segment = SegmentRecord(
            self.source,
            code,
            self.coder,
            start,
            end,
            origin="manual",
            memo=self.memo.value.strip() or None,
        )
        if not self._write([segment]):
            return False
        self.excerpt.value = ""
        self.memo.value = ""
        self._reload()
        self._show(f"Coded “{_preview(self.text[start:end])}” as {self._path(code)}.", "ok")
        return True

    def remove_segment(self, segment_id: int) -> bool:
        """Remove one of this coder's segments from the store."""
        mine = self.segments[self.segments["coder"] == self.coder]
        if segment_id not in set(mine["segment_id"]):
            self._show("That segment is not one of this coder's on this source.", "error")
            return False
        try:
            remove_segments(self.store, [segment_id])
        except SciroccoLabError as exc:
            self._show(f"Not removed: {exc}", "error")
            return False
        row = mine[mine["segment_id"] == segment_id].iloc[0]
        self._reload()
        self._show(f"Removed {self._path(row['code'])} from “{_preview(row['text'])}”.", "ok")
        return True

    def load_rules(self, rules: str | Path | Sequence[AutoCodeRule]) -> bool:
        """Load auto-coding rules (a file path, or rules) and propose segments."""
        try:
            if isinstance(rules, (str, Path)):
                if not str(rules).strip():
                    self._show("Give the path of a rules file (.yaml or .csv).", "error")
                    return False
                self.rules_path.value = str(rules)
                loaded = load_rules(rules, codes=self.codes)
            else:
                loaded = validate_rules(rules, codes=self.codes, source="rules")
        except DataValidationError as exc:
            # A rules file's problems name its file and row, as on the command line.
            self._show(
                "Rules not loaded — please correct:", "error", [str(p) for p in exc.problems]
            )
            return False
        except SciroccoLabError as exc:
            return self._refused(exc, "Rules not loaded")
        self.rules = loaded
        self._propose()
        self._refresh()
        self._show(
            f"{len(self.rules)} rule(s) loaded: {len(self.proposals)} proposal(s) on this "
            "source. Nothing is written until you accept.",
            "info",
        )
        return True

    def accept(self, indices: Sequence[int]) -> bool:
        """Write the proposals at ``indices`` as this coder's segments (origin ``auto``)."""
        indices = [i for i in indices if i in self.proposals.index]
        if not indices:
            self._show("No proposal to accept.", "info")
            return False
        if not self.coder:
            self._show("Choose or type a coder first; nothing was written.", "error")
            return False
        try:
            written = accept_proposals(self.store, self.proposals, indices, self.coder)
        except SciroccoLabError as exc:
            return self._refused(exc, "Not accepted", "nothing was written")
        self._reload()
        self._show(f"Accepted {len(written)} proposal(s) as coded segments.", "ok")
        return True

    def reject(self, indices: Sequence[int]) -> None:
        """Drop the proposals at ``indices``; they are not proposed again in this session."""
        indices = [i for i in indices if i in self.proposals.index]
        for index in indices:
            self.rejected.append(proposal_key(self.proposals.loc[index]))
        self.proposals = self.proposals.drop(index=indices).reset_index(drop=True)
        self._render_proposals()
        self._show(f"Rejected {len(indices)} proposal(s); nothing was written.", "info")

    # --- internals -------------------------------------------------------------------------

    def _write(self, segments: list[SegmentRecord]) -> bool:
        try:
            # The coder (kept as is when stored) and the segment in one transaction.
            write_evaluation(
                self.store,
                EvaluationBatch(
                    coders=(CoderRecord(self.coder),),
                    segments=tuple(segments),
                    source="coding panel",
                ),
            )
        except SciroccoLabError as exc:
            return self._refused(exc, "Not coded", "nothing was written")
        return True

    def _path(self, code: str) -> str:
        found = self.codes.loc[self.codes["code"] == code, "path"]
        return str(found.iloc[0]) if len(found) else code

    def _on_coder(self, change) -> None:
        if not self._loading:
            self.choose_coder(change["new"])

    def _on_source(self, change) -> None:
        if not self._loading and change["new"]:
            self.choose_source(change["new"])

    def _on_turn_from(self, change) -> None:
        if self._loading:
            return
        if self.turn_to.value is None or self.turn_to.value < change["new"]:
            self.turn_to.value = change["new"]
        self._render_transcript()

    def _reload_segments(self) -> None:
        self.segments = (
            segments_frame(self.store, source=self.source)
            if self.source
            else segments_frame(self.store, source="")
        )

    def _propose(self) -> None:
        if not self.rules or self.source is None:
            self.proposals = propose_segments({}, ())
            return
        self.proposals = propose_segments(
            self.turns,
            self.rules,
            existing=self.segments,
            coder=self.coder,
            exclude=self.rejected,
        )

    def _reload(self) -> None:
        # The coder, the source or the stored segments changed: what this coder coded,
        # what the rules propose now, and every view.
        self._reload_segments()
        self._propose()
        self._refresh()

    def _refresh(self) -> None:
        self._render_transcript()
        self._render_segments()
        self._render_proposals()

    def _render_transcript(self) -> None:
        shown = (
            self.segments
            if self.show_all.value
            else self.segments[self.segments["coder"] == self.coder]
        )
        first, last = self.turn_from.value, self.turn_to.value
        selected = None if first is None else (first, max(first, last or first))
        self.transcript.value = transcript_html(
            self.turns, self.text, shown, self.codes, selected=selected
        )

    def _render_segments(self) -> None:
        mine = self.segments[self.segments["coder"] == self.coder]
        self.remove_buttons = {}
        rows = []
        colours = code_colours(self.codes)
        for row in mine.itertuples(index=False):
            segment_id = int(row.segment_id)
            remove = button(
                "Remove",
                lambda sid=segment_id: self.remove_segment(sid),
                layout=widgets.Layout(width="80px"),
            )
            self.remove_buttons[segment_id] = remove
            colour = colours.get(row.code, _PALETTE[0])
            turn = "" if _missing(row.turn) else f"turn {int(row.turn)} · "
            rows.append(
                widgets.HBox(
                    [
                        widgets.HTML(
                            f"<span style='border-left:6px solid {colour};padding-left:6px'>"
                            f"<b>{html.escape(self._path(row.code))}</b></span> "
                            f"<span style='color:#777'>{turn}{html.escape(str(row.origin))}"
                            f"</span> “{html.escape(_preview(row.text))}”",
                            layout=widgets.Layout(width="640px"),
                        ),
                        remove,
                    ]
                )
            )
        self.segments_box.children = rows or [
            widgets.HTML("<i style='color:#777'>No segments coded yet.</i>")
        ]

    def _render_proposals(self) -> None:
        self.proposal_buttons = {}
        count = len(self.proposals)
        if not self.rules:
            self.proposals_summary.value = (
                "<i style='color:#777'>Load a rules file to see proposals.</i>"
            )
        else:
            more = (
                f" (the first {_SHOWN_PROPOSALS} shown; Accept all / Reject all act on all)"
                if count > _SHOWN_PROPOSALS
                else ""
            )
            self.proposals_summary.value = (
                f"<p>{count} proposal(s) from {len(self.rules)} rule(s){more}; "
                f"{len(self.rejected)} rejected in this session. Text this coder already "
                "coded with the same code is not proposed.</p>"
            )
        rows = []
        for index, row in self.proposals.head(_SHOWN_PROPOSALS).iterrows():
            accept = widgets.Button(
                description="Accept", button_style="success", layout=widgets.Layout(width="70px")
            )
            reject = widgets.Button(description="Reject", layout=widgets.Layout(width="70px"))
            accept.on_click(lambda _b, i=index: self.accept([i]))
            reject.on_click(lambda _b, i=index: self.reject([i]))
            self.proposal_buttons[index] = (accept, reject)
            rows.append(
                widgets.HBox(
                    [
                        widgets.HTML(
                            f"<b>{html.escape(self._path(row['code']))}</b> "
                            f"<span style='color:#777'>turn {row['turn']} · "
                            f"{html.escape(str(row['rule']))} · matched "
                            f"“{html.escape(str(row['matched']))}”</span><br/>"
                            f"“{html.escape(_preview(row['text'], 160))}”",
                            layout=widgets.Layout(width="640px"),
                        ),
                        accept,
                        reject,
                    ]
                )
            )
        self.proposals_box.children = rows
        disabled = count == 0
        self.accept_all_button.disabled = disabled
        self.reject_all_button.disabled = disabled
