"""Dictionary-based auto-coding: keyword and pattern rules that *propose* coded segments.

A rule says "text matching this keyword (or regular expression) is evidence of that code".
:func:`propose_segments` finds every match in the transcripts and proposes the sentence (or
the speaker turn) that contains it as a segment of the code. Proposals are a plain DataFrame:
nothing reaches the store until the coder accepts some of them with
:func:`accept_proposals`, which writes them as segments with origin ``"auto"`` in one
transaction. Rejected proposals are simply not written.

Rules come from a YAML or CSV file (:func:`load_rules`)::

    code,kind,pattern,unit
    integration,keyword,integrat*,sentence
    funding,regex,\\bbudget(s|ing)?\\b,turn

Keywords match whole words, case-insensitively unless ``case_sensitive``; ``*`` stands for
any further letters (``integrat*`` matches "integrated" and "integration", not
"disintegrate"); a space matches any run of whitespace. Regular expressions are Python
``re`` patterns, used as written (case-insensitive unless ``case_sensitive``).

>>> rules = [AutoCodeRule("integration", "keyword", "integrat*")]
>>> proposals = propose_segments({"fg1": "We met twice. Integrated care needs trust."}, rules)
>>> proposals[["code", "start_char", "end_char", "matched"]].to_dict("records")
[{'code': 'integration', 'start_char': 14, 'end_char': 42, 'matched': 'Integrated'}]
>>> proposals["text"].iloc[0]
'Integrated care needs trust.'
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scirocco_lab.errors import (
    ConfigurationError,
    DataValidationError,
    FileFormatError,
    InputProblem,
    NotFoundError,
    require_columns,
)
from scirocco_lab.io.strict_yaml import describe_yaml_error, load_yaml
from scirocco_lab.store import Store

__all__ = [
    "PROPOSAL_COLUMNS",
    "RULE_KINDS",
    "RULE_UNITS",
    "AutoCodeRule",
    "accept_proposals",
    "load_rules",
    "proposal_key",
    "propose_segments",
    "rule_pattern",
    "sentence_spans",
    "validate_rules",
]

RULE_KINDS = ("keyword", "regex")
RULE_UNITS = ("sentence", "turn")
PROPOSAL_COLUMNS = [
    "source",
    "code",
    "start_char",
    "end_char",
    "text",
    "rule",
    "matched",
    "unit",
    "turn",
]
_RULE_COLUMNS = ("code", "kind", "pattern", "unit", "case_sensitive")
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}


@dataclass(frozen=True)
class AutoCodeRule:
    """One auto-coding rule: text matching ``pattern`` proposes a segment of ``code``.

    ``kind`` is ``"keyword"`` (whole words, ``*`` wildcard) or ``"regex"``; ``unit`` is the
    stretch of text proposed around a match: the ``"sentence"`` or the speaker ``"turn"``
    containing it.

    >>> AutoCodeRule("trust", "keyword", "trust*").label
    'keyword trust*'
    """

    code: str
    kind: str
    pattern: str
    unit: str = "sentence"
    case_sensitive: bool = False

    @property
    def label(self) -> str:
        """How the rule is shown next to a proposal."""
        return f"{self.kind} {self.pattern}"


def rule_pattern(rule: AutoCodeRule) -> re.Pattern[str]:
    """The compiled regular expression of a rule (``re.error`` for a bad regex).

    >>> bool(rule_pattern(AutoCodeRule("c", "keyword", "integrat*")).search("Integration"))
    True
    >>> bool(rule_pattern(AutoCodeRule("c", "keyword", "integrat*")).search("disintegrate"))
    False
    """
    flags = 0 if rule.case_sensitive else re.IGNORECASE
    if rule.kind == "regex":
        return re.compile(rule.pattern, flags)
    words = []
    for word in rule.pattern.split():
        # "*" is the only wildcard: any further (or earlier) word characters.
        words.append(r"\w*".join(re.escape(part) for part in word.split("*")))
    # Look-arounds instead of \b, so keywords starting or ending in punctuation ("e-health",
    # "24/7") are still whole words.
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", flags)


# ---------------------------------------------------------------------------------------
# Rules: validation and files


def _problem(source: str, row: int | None, field: str | None, value, message: str, fix: str):
    return InputProblem(source, row, field, value, message, fix)


def _code_aliases(codes) -> dict[str, str] | None:
    """Accepted spellings of each code -> its key: the key, and for a codebook frame also
    the hierarchical path and the name when they name one code only."""
    if codes is None:
        return None
    if isinstance(codes, pd.DataFrame):
        aliases: dict[str, str] = {}
        for column in ("name", "path"):
            if column in codes.columns:
                counts = codes[column].value_counts()
                for key, value in zip(codes["code"], codes[column], strict=True):
                    if isinstance(value, str) and counts.get(value, 0) == 1:
                        aliases[value] = key
        aliases.update({key: key for key in codes["code"]})
        return aliases
    return {key: key for key in codes}


def validate_rules(
    rules: Iterable[AutoCodeRule],
    *,
    codes=None,
    source: str = "rules",
    rows: Sequence[int | None] | None = None,
) -> tuple[AutoCodeRule, ...]:
    """Check rules and return them with codes resolved to codebook keys.

    ``codes`` is the codebook (an iterable of code keys, or a codes frame whose ``path``
    and ``name`` are accepted too); ``None`` skips the code check. Every problem is
    collected: a :class:`DataValidationError` names the file (``source``), the row (from
    ``rows``), the field, the bad value and the fix.

    >>> validate_rules([AutoCodeRule("trust", "keyword", "trust*")], codes=["trust"])[0].code
    'trust'
    """
    rules = tuple(rules)
    rows = list(rows) if rows is not None else [None] * len(rules)
    aliases = _code_aliases(codes)
    known = sorted(set(aliases.values())) if aliases is not None else []
    problems: list[InputProblem] = []
    checked = []
    for rule, row in zip(rules, rows, strict=True):
        code = rule.code
        if not code:
            problems.append(
                _problem(source, row, "code", code, "no code", "name the code the rule proposes")
            )
        elif aliases is not None:
            if code in aliases:
                code = aliases[code]
            else:
                shown = ", ".join(known[:20]) + (" ..." if len(known) > 20 else "")
                problems.append(
                    _problem(
                        source,
                        row,
                        "code",
                        code,
                        "unknown code: it is not in the codebook",
                        f"use a code key of the codebook ({shown or 'the codebook is empty'})",
                    )
                )
        if rule.kind not in RULE_KINDS:
            problems.append(
                _problem(
                    source, row, "kind", rule.kind, "unknown rule kind", "write keyword or regex"
                )
            )
        if rule.unit not in RULE_UNITS:
            problems.append(
                _problem(source, row, "unit", rule.unit, "unknown unit", "write sentence or turn")
            )
        fault = _pattern_fault(rule)
        if fault is not None:
            problems.append(_problem(source, row, "pattern", rule.pattern, *fault))
        checked.append(
            AutoCodeRule(code, rule.kind, rule.pattern, rule.unit, bool(rule.case_sensitive))
        )
    if problems:
        raise DataValidationError(problems)
    return tuple(checked)


def _pattern_fault(rule: AutoCodeRule) -> tuple[str, str] | None:
    """What is wrong with a rule's pattern (message, fix), or None; a pattern of an unknown
    kind is not checked further (the kind's own problem is reported)."""
    if not rule.pattern or not rule.pattern.strip():
        return "empty pattern", "give a keyword or regex"
    if rule.kind not in RULE_KINDS:
        return None
    if rule.kind == "keyword" and not rule.pattern.replace("*", "").strip():
        return "a keyword of wildcards only matches every word", "add letters, e.g. integrat*"
    try:
        compiled = rule_pattern(rule)
    except re.error as exc:
        return (
            f"not a valid regular expression: {exc}",
            "correct the expression (Python re syntax), or use kind keyword",
        )
    if compiled.search("") is not None:
        return (
            "the expression matches empty text, so it would propose everything",
            "make it require at least one character (e.g. + instead of *)",
        )
    return None


def _flag(value, source: str, row: int | None, problems: list[InputProblem]) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in _TRUE:
        return True
    if text not in _FALSE:
        problems.append(
            _problem(source, row, "case_sensitive", value, "not yes or no", "write true or false")
        )
    return False


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _read_csv_rules(path: Path) -> tuple[list[dict], list[int]]:
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = [
        (number, cells) for number, cells in enumerate(reader, 1) if any(c.strip() for c in cells)
    ]
    if not rows:
        raise FileFormatError(
            f"{path}: the file is empty. Fix: put a header row 'code,kind,pattern,unit' and "
            "one rule per row."
        )
    (_header_row, header), data = rows[0], rows[1:]
    names = [h.strip().lower() for h in header]
    missing = [c for c in ("code", "kind", "pattern") if c not in names]
    if missing:
        raise FileFormatError(
            f"{path}: row 1 has no column(s) {', '.join(missing)} (found: "
            f"{', '.join(names) or 'none'}). Fix: the header is code,kind,pattern,unit "
            "(unit and case_sensitive are optional)."
        )
    records = [
        {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(names)}
        for _number, cells in data
    ]
    return records, [number for number, _cells in data]


def _read_yaml_rules(path: Path) -> tuple[list[dict], list[int]]:
    import yaml

    text = path.read_text(encoding="utf-8")
    try:
        document = yaml.compose(text)
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise FileFormatError(
            f"{path}: not valid YAML ({describe_yaml_error(exc)}). Fix the syntax (each key "
            "once per mapping)."
        ) from exc
    # A bare list of rules, or a mapping with a "rules" list.
    if isinstance(data, dict) and "rules" in data:
        node = next((v for k, v in document.value if k.value == "rules"), None)
        data = data["rules"]
    else:
        node = document
    if not isinstance(data, list) or not data:
        raise FileFormatError(
            f"{path}: expected a list of rules (or 'rules:' followed by a list), each with "
            "code, kind, pattern and optionally unit."
        )
    records, lines = [], []
    for item, item_node in zip(data, node.value, strict=True):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict):
            raise FileFormatError(
                f"{path}, line {line}: a rule must be a mapping with code, kind and pattern "
                f"(found {item!r})."
            )
        # Shorthand: one entry with a list of keywords or patterns for one code.
        expanded = False
        for field, kind in (("keywords", "keyword"), ("patterns", "regex")):
            if field in item:
                values = item[field] if isinstance(item[field], list) else [item[field]]
                for value in values:
                    records.append({**item, "kind": kind, "pattern": value})
                    lines.append(line)
                expanded = True
        if not expanded:
            records.append(item)
            lines.append(line)
    return records, lines


def load_rules(path, *, codes=None) -> tuple[AutoCodeRule, ...]:
    """Read auto-coding rules from a CSV or YAML file and validate them.

    CSV: header ``code,kind,pattern,unit`` (``unit`` defaults to ``sentence``; an optional
    ``case_sensitive`` column takes true/false). YAML: a list (or ``rules:`` list) of
    mappings with the same fields, or the shorthand ``{code: trust, keywords: [trust*,
    confiden*]}`` (``patterns:`` for regular expressions). ``codes`` is the codebook (code
    keys, or a codes frame: then paths and names are accepted too and resolved to keys).

    Problems (bad regex, unknown code, unknown kind or unit) raise one
    :class:`DataValidationError` naming the file and the row (CSV: the spreadsheet row,
    header = 1; YAML: the line where the rule starts).

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "rules.csv").write_text("code,kind,pattern\\ntrust,keyword,trust*\\n")
    >>> load_rules(folder / "rules.csv")[0].unit
    'sentence'
    """
    file = Path(path)
    if not file.exists():
        raise FileFormatError(f"{file}: file not found. Check the path and the file name.")
    suffix = file.suffix.lower()
    try:
        if suffix in (".yaml", ".yml"):
            records, rows = _read_yaml_rules(file)
        elif suffix in (".csv", ".txt"):
            records, rows = _read_csv_rules(file)
        else:
            raise FileFormatError(
                f"{file}: unknown rules file type '{suffix or '(none)'}'. Fix: use .csv or .yaml."
            )
    except UnicodeDecodeError:
        raise FileFormatError(f"{file}: not a UTF-8 text file. Fix: save it as UTF-8.") from None
    problems: list[InputProblem] = []
    rules = []
    for record, row in zip(records, rows, strict=True):
        lowered = {str(k).strip().lower(): v for k, v in record.items()}
        rules.append(
            AutoCodeRule(
                code=_text(lowered.get("code")),
                kind=_text(lowered.get("kind")).lower(),
                pattern=_text(lowered.get("pattern")),
                unit=_text(lowered.get("unit")).lower() or "sentence",
                case_sensitive=_flag(lowered.get("case_sensitive"), str(file), row, problems),
            )
        )
    try:
        checked = validate_rules(rules, codes=codes, source=str(file), rows=rows)
    except DataValidationError as exc:
        problems.extend(exc.problems)
        checked = ()
    if problems:
        # A YAML keyword list expands to several rules on one line: report its problem once.
        unique = sorted({str(p): p for p in problems}.values(), key=lambda p: p.row or 0)
        raise DataValidationError(unique, outcome="no rule was loaded")
    return checked


# ---------------------------------------------------------------------------------------
# Units: sentences and turns

# A sentence ends at . ! ? or … (plus closing quotes/brackets) followed by whitespace; a
# line break always ends one (transcripts rarely wrap sentences across lines).
_SENTENCE_END = re.compile(r"""(?<=[.!?…])["'”’)\]]*\s+|\n+""")
# Abbreviations after which a full stop does not end the sentence (a whole word only, so
# "first." still ends one).
_ABBREVIATION = re.compile(r"(?<![\w.])(?:e\.g|i\.e|vs|dr|mr|mrs|ms|prof|st)\.$", re.IGNORECASE)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Half-open ``(start, end)`` offsets of the sentences of ``text``, whitespace trimmed.

    >>> sentence_spans("We met. E.g. twice! Then?")
    [(0, 7), (8, 19), (20, 25)]
    """
    spans = []
    start = 0
    for boundary in _SENTENCE_END.finditer(text):
        before = text[start : boundary.start()].rstrip("\"'”’)]")
        if _ABBREVIATION.search(before) and "\n" not in boundary.group():
            continue  # "e.g. twice" does not end a sentence
        spans.append((start, boundary.start()))
        start = boundary.end()
    spans.append((start, len(text)))
    trimmed = []
    for begin, end in spans:
        piece = text[begin:end]
        left = len(piece) - len(piece.lstrip())
        right = len(piece.rstrip())
        if right > left:
            trimmed.append((begin + left, begin + right))
    return trimmed


def _turn_units(sources) -> pd.DataFrame:
    """Turns (source, turn, start_char, text) from a turns frame, or lines of plain texts."""
    if isinstance(sources, pd.DataFrame):
        require_columns(
            sources,
            ("source", "start_char", "text"),
            "turns",
            fix="pass turns_frame(store) or a mapping {source: text}",
        )
        turns = sources.copy()
        if "turn" not in turns.columns:
            turns["turn"] = None
        return turns[["source", "turn", "start_char", "text"]]
    if not isinstance(sources, Mapping):
        raise TypeError("sources must be a turns DataFrame or a mapping {source: text}")
    rows = []
    for source, text in sources.items():
        # Without speaker turns, each non-empty line is a turn.
        for number, line in enumerate(re.finditer(r"[^\n]+", text or ""), 1):
            if line.group().strip():
                rows.append((source, number, line.start(), line.group()))
    return pd.DataFrame(rows, columns=["source", "turn", "start_char", "text"])


def proposal_key(row) -> tuple[str, str, int, int]:
    """What identifies a proposal across runs: (source, code, start_char, end_char).

    >>> proposal_key({"source": "fg1", "code": "trust", "start_char": 3, "end_char": 9})
    ('fg1', 'trust', 3, 9)
    """
    return (str(row["source"]), str(row["code"]), int(row["start_char"]), int(row["end_char"]))


def _covered(matches: list[tuple[int, int]], existing: list[tuple[int, int]]) -> bool:
    return all(any(s <= start and end <= e for s, e in existing) for start, end in matches)


def propose_segments(
    sources,
    rules: Iterable[AutoCodeRule],
    *,
    existing: pd.DataFrame | None = None,
    coder: str | None = None,
    exclude: Iterable[tuple[str, str, int, int]] = (),
) -> pd.DataFrame:
    """Proposed segments: for every rule match, the sentence or turn containing it.

    ``sources`` is a turns frame (``turns_frame(store)``: source, turn, start_char, text;
    offsets into the source text) or a mapping ``{source: full text}`` (then each line is a
    turn). Proposals of the same code on one source that overlap are merged into one (the
    union of their ranges; ``rule`` and ``matched`` list every rule and matched text).

    A proposal is dropped when every match in it already lies inside an ``existing`` segment
    (a segments frame: source, code, coder, start_char, end_char) of the same code and of
    ``coder`` (of any coder when ``coder`` is None), and when its
    :func:`proposal_key` is in ``exclude`` (e.g. rejected earlier in the session).

    Returns a DataFrame with :data:`PROPOSAL_COLUMNS` (``turn``: the turn number, or the
    line number for plain texts), sorted by source, position and code, index 0..n-1.
    Nothing is written anywhere.

    >>> propose_segments({"s": "No match here."}, [AutoCodeRule("c", "keyword", "trust")]).empty
    True
    """
    rules = validate_rules(rules)
    turns = _turn_units(sources)
    compiled = [(rule, rule_pattern(rule)) for rule in rules]
    found: dict[tuple[str, str], list[dict]] = {}
    for turn in turns.itertuples(index=False):
        text = turn.text or ""
        offset = int(turn.start_char)
        sentences = None
        for rule, pattern in compiled:
            for match in pattern.finditer(text):
                if match.end() == match.start():
                    continue
                if rule.unit == "turn":
                    left = len(text) - len(text.lstrip())
                    unit = (left, len(text.rstrip()))
                else:
                    if sentences is None:
                        sentences = sentence_spans(text)
                    unit = next(
                        (s for s in sentences if s[0] <= match.start() < s[1]),
                        (match.start(), match.end()),
                    )
                    # A match running past its sentence's end takes the following ones too.
                    end = max([unit[1]] + [s[1] for s in sentences if s[0] < match.end() <= s[1]])
                    unit = (unit[0], end)
                found.setdefault((str(turn.source), rule.code), []).append(
                    {
                        "start_char": offset + unit[0],
                        "end_char": offset + unit[1],
                        "text": text[unit[0] : unit[1]],
                        "rule": rule.label,
                        "matched": match.group(),
                        "unit": rule.unit,
                        "turn": turn.turn,
                        "match": (offset + match.start(), offset + match.end()),
                    }
                )
    existing_ranges: dict[tuple[str, str], list[tuple[int, int]]] = {}
    if existing is not None and not existing.empty:
        mine = existing if coder is None else existing[existing["coder"] == coder]
        for row in mine.itertuples(index=False):
            existing_ranges.setdefault((str(row.source), str(row.code)), []).append(
                (int(row.start_char), int(row.end_char))
            )
    excluded = set(exclude)
    rows = []
    for (source, code), items in found.items():
        items.sort(key=lambda item: (item["start_char"], -item["end_char"]))
        merged: list[dict] = []
        for item in items:
            last = merged[-1] if merged else None
            if last is not None and item["start_char"] < last["end_char"]:
                if item["end_char"] > last["end_char"]:
                    # Grow the proposal (units lie within one turn, so the texts join).
                    tail = item["text"][last["end_char"] - item["start_char"] :]
                    last["text"] += tail
                    last["end_char"] = item["end_char"]
                last["hits"].append(item)
                continue
            merged.append({**item, "hits": [item]})
        for item in merged:
            key = (source, code, item["start_char"], item["end_char"])
            hits = sorted(item["hits"], key=lambda hit: hit["match"])
            matches = [hit["match"] for hit in hits]
            if key in excluded or _covered(matches, existing_ranges.get((source, code), [])):
                continue
            rows.append(
                {
                    "source": source,
                    "code": code,
                    "start_char": item["start_char"],
                    "end_char": item["end_char"],
                    "text": item["text"],
                    "rule": "; ".join(dict.fromkeys(hit["rule"] for hit in hits)),
                    "matched": "; ".join(dict.fromkeys(hit["matched"] for hit in hits)),
                    "unit": "+".join(sorted({hit["unit"] for hit in hits})),
                    "turn": item["turn"],
                }
            )
    frame = pd.DataFrame(rows, columns=PROPOSAL_COLUMNS)
    if frame.empty:
        return frame
    frame = frame.sort_values(["source", "start_char", "code"], kind="stable")
    return frame.reset_index(drop=True)


def accept_proposals(
    store: Store, proposals: pd.DataFrame, indices: Iterable, coder: str
) -> list[int]:
    """Write the proposals at ``indices`` (labels of ``proposals.index``) as ``coder``'s
    segments with origin ``"auto"``, in one transaction; returns the new segment ids.

    Proposals not named are not written: that is what rejecting one means. The memo of each
    segment records the rule and the matched text. ``coder`` is added to the store's coders
    in the same transaction when it is new. Unknown indices, or segments the store refuses
    (unknown source or code, the same segment twice), raise an error and write nothing.

    >>> from scirocco_lab.store import open_store
    >>> from scirocco_lab.evaluation.store import save_codes, segments_frame, write_evaluation
    >>> from scirocco_lab.evaluation.records import CodeRecord, EvaluationBatch, SourceRecord
    >>> store = open_store("sqlite://")
    >>> text = "We met. Trust grew."
    >>> _ = write_evaluation(store, EvaluationBatch(
    ...     sources=(SourceRecord("fg", "FG", "focus_group", None, text),),
    ...     codes=(CodeRecord("trust", "Trust"),)))
    >>> proposals = propose_segments({"fg": text}, [AutoCodeRule("trust", "keyword", "trust")])
    >>> ids = accept_proposals(store, proposals, [0], "coder-A")
    >>> segments_frame(store)[["text", "origin"]].values.tolist()
    [['Trust grew.', 'auto']]
    """
    from scirocco_lab.evaluation.records import CoderRecord, EvaluationBatch, SegmentRecord
    from scirocco_lab.evaluation.store import write_evaluation

    wanted = list(dict.fromkeys(indices))
    unknown = [index for index in wanted if index not in proposals.index]
    if unknown:
        raise NotFoundError(
            f"no proposal with index {', '.join(map(str, unknown))}; nothing was written. "
            "Use the index labels of the proposals frame."
        )
    if not wanted:
        return []
    if not coder or not str(coder).strip():
        raise ConfigurationError("choose a coder before accepting proposals; nothing was written")
    segments = tuple(
        SegmentRecord(
            source=str(row["source"]),
            code=str(row["code"]),
            coder=str(coder),
            start_char=int(row["start_char"]),
            end_char=int(row["end_char"]),
            origin="auto",
            memo=f"auto-coded by rule {row['rule']} (matched: {row['matched']})",
        )
        for _index, row in proposals.loc[wanted].iterrows()
    )
    # One write: the coder (kept as it is when already stored) and the segments together,
    # the same transaction add_segments uses.
    summary = write_evaluation(
        store,
        EvaluationBatch(
            coders=(CoderRecord(str(coder)),), segments=segments, source="auto-coding proposals"
        ),
    )
    return list(summary.segment_ids)
