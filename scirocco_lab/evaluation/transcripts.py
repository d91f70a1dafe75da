"""Transcripts from plain text, Word (.docx) and captions (WebVTT, SRT), with speaker turns.

:func:`read_transcript` reads a file into a :class:`Transcript`: a
:class:`~scirocco_lab.evaluation.records.SourceRecord`, its
:class:`~scirocco_lab.evaluation.records.TurnRecord` s and the
:class:`~scirocco_lab.evaluation.records.ParticipantRecord` s who speak. Every speaker name is
replaced by a pseudonym (from a speaker map, else ``SOURCE-P01``, ``SOURCE-P02``, ... in order
of appearance); the name as written goes to the participant's ``full_name`` only, which the
store keeps apart. The stored text is rebuilt from the turns as ``Pseudonym: utterance``
paragraphs separated by a blank line, so no speaker name written as a label reaches it.
Names *mentioned inside* an utterance ("thanks, Jane") are not detected.

What counts as a turn, per format (``docs/evaluation.md`` has examples):

- **.txt / .docx**: a line ``Name: utterance``, optionally after a timestamp ``[00:01:23]``,
  ``(00:01:23)`` or ``00:01:23``; following lines or paragraphs without a speaker continue the
  turn. In Word, a bold leading run is a speaker too (``**Name** utterance``), and a table of
  rows ``speaker | utterance`` (or ``time | speaker | utterance``) is read row by row.
- **.vtt**: a voice tag ``<v Name>`` or a ``Name:`` prefix in the cue text; **.srt**: a
  ``Name:`` prefix. A cue without a speaker continues the previous speaker; consecutive cues
  by one speaker merge into one turn that starts at the first cue's time.

:func:`import_transcript` reads and writes a file in one transaction;
:func:`turns_from_text` re-derives the turns from a stored text.

>>> text, turns = build_source_text([("P01", "It was useful.", None), ("P02", "Yes.", 4.0)])
>>> print(text)
P01: It was useful.
<BLANKLINE>
P02: Yes.
>>> [(turn.speaker, text[turn.start_char:turn.end_char]) for turn in turns_from_text(text)]
[('P01', 'It was useful.'), ('P02', 'Yes.')]
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from scirocco_lab.errors import DataValidationError, FileFormatError, InputProblem
from scirocco_lab.evaluation.records import (
    EvaluationBatch,
    Origin,
    ParticipantRecord,
    SourceRecord,
    TurnRecord,
)
from scirocco_lab.io.archives import check_office_file

__all__ = [
    "ACTIVITY_ABBREVIATIONS",
    "DEFAULT_LABELS",
    "TRANSCRIPT_SUFFIXES",
    "SpeakerEntry",
    "Transcript",
    "build_source_text",
    "default_source_key",
    "import_transcript",
    "read_speaker_map",
    "read_transcript",
    "turns_from_text",
]

#: File suffixes read by :func:`read_transcript`.
TRANSCRIPT_SUFFIXES = (".txt", ".docx", ".vtt", ".srt")
#: Speaker labels that are roles, not names: kept as written (not pseudonymised, no
#: participant record) unless the speaker map lists them. Matched case-insensitively,
#: optionally followed by a number ("Interviewer 2").
DEFAULT_LABELS = ("facilitator", "co-facilitator", "moderator", "interviewer", "note taker")
#: Short activity codes used in default source keys.
ACTIVITY_ABBREVIATIONS = {
    "study_visit": "sv",
    "webinar": "web",
    "expert_mission": "em",
    "focus_group": "fg",
    "interview": "int",
    "other": "src",
}
_DOCS = "docs/evaluation.md"

# A speaker label: starts with a letter, then letters, digits, spaces and a few marks,
# at most 60 characters; checked for at most 6 words by _looks_like_speaker.
_SPEAKER = r"[^\W\d_][\w .'’()&/-]{0,59}?"
_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_LINE = re.compile(
    rf"^\s*(?:[\[(](?P<bracketed>{_TIME})[\])]|(?P<bare>{_TIME}))?\s*(?:[-–]\s*)?"
    rf"(?:(?P<speaker>{_SPEAKER})\s*:(?:\s+|$))?(?P<text>.*)$"
)
_LABEL = re.compile(rf"(?P<speaker>{_SPEAKER}): ")  # used with match(text, pos): no "^"
_PARAGRAPH_BREAK = re.compile(r"\r?\n[ \t]*\r?\n")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)*\s+([^>]+?)\s*>")
_TAG = re.compile(r"<[^>]*>")
_VTT_TIMING = re.compile(
    r"^\s*(?:\d+:)?\d{2}:\d{2}\.\d{3}\s+-->\s+(?:\d+:)?\d{2}:\d{2}\.\d{3}(?:\s+.*)?$"
)
_SRT_TIMING = re.compile(
    r"^\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s+-->\s+\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}(?:\s+.*)?$"
)
_LABEL_WORDS = re.compile(
    r"^(?:" + "|".join(re.escape(label) for label in DEFAULT_LABELS) + r")(?: \d+)?$"
)


class Transcript(NamedTuple):
    """A read transcript: unpack as ``source, turns, participants``."""

    source: SourceRecord
    turns: tuple[TurnRecord, ...]
    participants: tuple[ParticipantRecord, ...]


@dataclass(frozen=True)
class SpeakerEntry:
    """One row of a speaker map: the name as written in transcripts -> pseudonym."""

    name: str
    pseudonym: str
    group: str | None = None
    role: str | None = None
    organisation: str | None = None


@dataclass(frozen=True)
class _Utterance:
    speaker: str | None  # as written in the file
    text: str
    started_at: float | None
    where: str  # "line 12", "paragraph 4", "cue 7": for messages


# ---------------------------------------------------------------------------------------
# The stored text


def _looks_like_speaker(name: str) -> bool:
    return 0 < len(name) <= 60 and len(name.split()) <= 6 and name == name.strip()


def build_source_text(
    utterances: Iterable[tuple[str | None, str, float | None]], source: str = ""
) -> tuple[str, tuple[TurnRecord, ...]]:
    """The stored text of a source and its turns, from (speaker, utterance, started_at).

    Each turn becomes a paragraph ``Speaker: utterance`` (just the utterance when the
    speaker is None); paragraphs are separated by one blank line; a turn's range covers the
    utterance. Blank lines inside an utterance are dropped so they cannot split a turn.
    Empty utterances are skipped.

    >>> text, turns = build_source_text([("P01", "Hi.", None)], "fg-1")
    >>> text, turns[0].start_char, turns[0].end_char
    ('P01: Hi.', 5, 8)
    """
    parts: list[str] = []
    turns: list[TurnRecord] = []
    position = 0
    for speaker, utterance, started_at in utterances:
        lines = [line.strip() for line in str(utterance).splitlines()]
        body = "\n".join(line for line in lines if line)
        if not body:
            continue
        if parts:
            parts.append("\n\n")
            position += 2
        prefix = f"{speaker}: " if speaker else ""
        parts.append(prefix + body)
        start = position + len(prefix)
        position = start + len(body)
        turns.append(
            TurnRecord(source, len(turns) + 1, start, position, speaker, started_at=started_at)
        )
    return "".join(parts), tuple(turns)


def turns_from_text(text: str, source: str = "") -> tuple[TurnRecord, ...]:
    """The turns of a stored source text (see :func:`build_source_text`).

    Paragraphs are separated by blank lines. A paragraph ``Speaker: utterance`` starts a
    turn; a paragraph without a speaker label continues the turn before it (or, before the
    first labelled paragraph, is a turn of its own with speaker None). ``started_at`` is not
    in the text and comes back as None. Used to rebuild turns for sources imported from
    other tools.

    >>> [t.speaker for t in turns_from_text("Intro.\\n\\nP01: Yes.\\n\\nand more\\n\\nP02: No.")]
    [None, 'P01', 'P02']
    """
    spans: list[list] = []  # [speaker, start, end]
    position = 0
    for match in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        paragraph = text[position:end]
        stripped = paragraph.rstrip()
        lead = len(paragraph) - len(paragraph.lstrip())
        if stripped.strip():
            start = position + lead
            stop = position + len(stripped)
            label = _LABEL.match(text, start, stop)
            if label and _looks_like_speaker(label.group("speaker")):
                spans.append([label.group("speaker"), label.end(), stop])
            elif spans and spans[-1][0] is not None:
                spans[-1][2] = stop
            else:
                spans.append([None, start, stop])
        if match:
            position = match.end()
    return tuple(
        TurnRecord(source, number, start, end, speaker)
        for number, (speaker, start, end) in enumerate(spans, start=1)
    )


# ---------------------------------------------------------------------------------------
# Reading files into utterances


def _problem(path: Path, where: str, message: str, fix: str) -> FileFormatError:
    return FileFormatError(f"{path}, {where}: {message}. Fix: {fix}.")


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileFormatError(f"cannot read {path}: {exc.strerror or exc}.") from exc
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _problem(
            path,
            f"line {line}",
            "the file is not UTF-8 text",
            "open it in a text editor and save it as UTF-8 (in Word: Save As, Plain Text, "
            "Unicode (UTF-8))",
        ) from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise _problem(
            path,
            f"line {line}",
            "binary content, not a text file",
            "export the transcript as plain text (.txt, UTF-8), .docx, .vtt or .srt",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _seconds(value: str | None) -> float | None:
    if not value:
        return None
    parts = value.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def _utterances_from_lines(
    lines: Iterable[tuple[str, str, str | None]],
) -> list[_Utterance]:
    """(where, line, bold speaker or None) -> utterances; continuation lines join a turn."""
    utterances: list[_Utterance] = []
    current: dict | None = None

    def close() -> None:
        if current is not None and (current["lines"] or current["speaker"]):
            utterances.append(
                _Utterance(
                    current["speaker"],
                    "\n".join(current["lines"]),
                    current["started_at"],
                    current["where"],
                )
            )

    for where, raw, bold_speaker in lines:
        if not raw.strip() and bold_speaker is None:
            continue
        if bold_speaker is not None:
            speaker, text, started_at = bold_speaker, raw.strip(), None
        else:
            match = _LINE.match(raw)
            speaker = match.group("speaker") if match else None
            if speaker is not None and not _looks_like_speaker(speaker.strip()):
                speaker = None
            if speaker is None:
                text = raw.strip()
                started_at = None
                if match and (match.group("bracketed") or match.group("bare")):
                    text = match.group("text").strip()
                    started_at = _seconds(match.group("bracketed") or match.group("bare"))
            else:
                speaker = speaker.strip()
                text = match.group("text").strip()
                started_at = _seconds(match.group("bracketed") or match.group("bare"))
        if speaker is None:
            if current is None:
                current = {"speaker": None, "lines": [], "started_at": started_at, "where": where}
            if text:
                current["lines"].append(text)
            continue
        close()
        current = {
            "speaker": speaker,
            "lines": [text] if text else [],
            "started_at": started_at,
            "where": where,
        }
    close()
    return [u for u in utterances if u.text.strip()]


def _text_lines(path: Path) -> list[tuple[str, str, None]]:
    return [
        (f"line {number}", line, None)
        for number, line in enumerate(_read_text(path).split("\n"), start=1)
    ]


def _bold(run, bold_styles: frozenset[str]) -> bool:
    if run.bold is not None:
        return bool(run.bold)
    # Read the character style id from the XML: run.style looks up the default style,
    # which scans every style of the document for every run (seconds for long files).
    return run._r.style in bold_styles


def _docx_paragraph_lines(
    paragraph, where: str, bold_styles: frozenset[str]
) -> list[tuple[str, str, str | None]]:
    """A Word paragraph as lines; a bold leading run that looks like a name is a speaker."""
    runs = [run for run in paragraph.runs if run.text]
    bold_prefix = []
    for run in runs:
        if not run.text.strip() and not bold_prefix:
            continue
        if _bold(run, bold_styles):
            bold_prefix.append(run.text)
        else:
            break
    text = paragraph.text
    if bold_prefix:
        prefix = "".join(bold_prefix)
        rest = text[text.find(prefix) + len(prefix) :] if prefix in text else ""
        name = prefix.strip().rstrip(":").strip()
        ends_with_colon = prefix.strip().endswith(":") or rest.lstrip().startswith(":")
        if name and _looks_like_speaker(name) and (rest.strip() or ends_with_colon):
            rest = rest.lstrip()
            rest = rest[1:] if rest.startswith(":") else rest
            # A bold name with a timestamp before it ("[00:01:02] Name") is not handled here.
            first, *others = rest.split("\n")
            return [(where, first, name)] + [(where, line, None) for line in others]
    return [(where, line, None) for line in text.split("\n")]


def _docx_lines(path: Path) -> list[tuple[str, str, str | None]]:
    # Bounds and no DOCTYPE before python-docx unpacks it (it would drop entities silently).
    check_office_file(path, "open it in Word or LibreOffice and save it again as .docx")
    try:
        import docx
        from docx.enum.style import WD_STYLE_TYPE
        from docx.table import Table

        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises zip, XML and key errors alike
        raise _problem(
            path,
            "the whole file",
            f"not a readable Word .docx file ({type(exc).__name__})",
            "open it in Word or LibreOffice and save it as .docx (Word 2007 or later); an old "
            ".doc file must be saved as .docx first",
        ) from exc
    bold_styles = frozenset(
        style.style_id
        for style in document.styles
        if style.type == WD_STYLE_TYPE.CHARACTER and style.font.bold
    )
    lines: list[tuple[str, str, str | None]] = []
    number = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row_number, row in enumerate(block.rows, start=1):
                cells = [cell.text.strip() for cell in row.cells]
                cells = [c for i, c in enumerate(cells) if i == 0 or c != cells[i - 1]]
                where = f"table row {row_number}"
                if len(cells) >= 2 and cells[0].lower() in ("speaker", "name", "time"):
                    continue  # a header row
                if len(cells) == 3 and re.fullmatch(_TIME, cells[0]):
                    lines.append((where, f"[{cells[0]}] {cells[1]}: {cells[2]}", None))
                elif len(cells) == 2 and cells[0] and _looks_like_speaker(cells[0]):
                    lines.append((where, f"{cells[0]}: {cells[1]}", None))
                else:
                    lines.append((where, " ".join(cells), None))
            continue
        number += 1
        lines.extend(_docx_paragraph_lines(block, f"paragraph {number}", bold_styles))
    return lines


def _caption_lines(path: Path, kind: str) -> list[tuple[int, str]]:
    """Check a caption file's structure line by line (webvtt-py names no line numbers)."""
    text = _read_text(path)
    lines = text.split("\n")
    if kind == "vtt":
        if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
            raise _problem(
                path,
                "line 1",
                "a WebVTT file must start with the line WEBVTT",
                "add a first line WEBVTT followed by a blank line (if this is an SRT file, "
                "rename it to .srt)",
            )
        timing = _VTT_TIMING
        example = "00:01:02.500 --> 00:01:05.000"
    else:
        timing = _SRT_TIMING
        example = "00:01:02,500 --> 00:01:05,000"
    numbered = list(enumerate(lines, start=1))
    for number, line in numbered:
        if "-->" in line and not timing.match(line):
            raise _problem(
                path,
                f"line {number}",
                f"broken timing line {line.strip()!r}",
                f"write it as {example} (hours:minutes:seconds, then milliseconds)",
            )
    if kind == "srt":
        # A cue is: its number, a timing line, then text. A number followed by anything
        # else after a blank line means the timing line is missing or mangled.
        for index, (number, line) in enumerate(numbered):
            previous_blank = index == 0 or not numbered[index - 1][1].strip()
            if previous_blank and line.strip().isdigit():
                following = numbered[index + 1][1] if index + 1 < len(numbered) else ""
                if not _SRT_TIMING.match(following):
                    raise _problem(
                        path,
                        f"line {number + 1}",
                        f"cue {line.strip()} has no timing line (found {following.strip()!r})",
                        f"put the cue's timing on the line after its number, as {example}",
                    )
    return numbered


def _caption_utterances(path: Path, kind: str) -> list[_Utterance]:
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    numbered = _caption_lines(path, kind)
    content = "\n".join(line for _, line in numbered)
    try:
        captions = webvtt.from_buffer(io.StringIO(content), format=kind, strict=kind == "vtt")
    except (MalformedFileError, MalformedCaptionError, ValueError) as exc:
        raise _problem(
            path,
            "the whole file",
            f"not a valid {kind.upper()} caption file ({exc})",
            f"check it against the {kind.upper()} examples in {_DOCS}",
        ) from exc
    pieces: list[_Utterance] = []
    speaker: str | None = None
    for number, caption in enumerate(captions, start=1):
        started_at = caption.start_time.in_milliseconds() / 1000
        for raw in caption.lines:
            voice = _VOICE.search(raw)
            line = html.unescape(_TAG.sub("", raw)).strip()
            named = None
            if voice:
                named = voice.group(1).strip()
            else:
                match = _LINE.match(line.lstrip("-– "))
                if (
                    match
                    and match.group("speaker")
                    and _looks_like_speaker(match.group("speaker").strip())
                ):
                    named = match.group("speaker").strip()
                    line = match.group("text").strip()
            if named is not None:
                speaker = named
            if line:
                pieces.append(_Utterance(speaker, line, started_at, f"cue {number}"))
    # Consecutive cues (or lines) by one speaker are one turn, timed by its first cue.
    merged: list[_Utterance] = []
    for piece in pieces:
        if merged and merged[-1].speaker == piece.speaker:
            last = merged[-1]
            merged[-1] = _Utterance(
                last.speaker, f"{last.text} {piece.text}", last.started_at, last.where
            )
        else:
            merged.append(piece)
    return merged


def _utterances(path: Path) -> tuple[str, list[_Utterance]]:
    suffix = path.suffix.lower()
    if not path.exists():
        raise FileFormatError(f"{path} does not exist. Check the path.")
    if suffix == ".txt":
        return "txt", _utterances_from_lines(_text_lines(path))
    if suffix == ".docx":
        return "docx", _utterances_from_lines(_docx_lines(path))
    if suffix in (".vtt", ".srt"):
        return suffix[1:], _caption_utterances(path, suffix[1:])
    raise FileFormatError(
        f"{path}: cannot read '{suffix or 'no suffix'}' transcripts. Fix: save the transcript "
        f"as .txt (UTF-8), .docx, .vtt or .srt (see {_DOCS})."
    )


# ---------------------------------------------------------------------------------------
# Speaker maps and pseudonyms


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


def _pseudonym_problem(pseudonym: str) -> str | None:
    if not pseudonym or not _looks_like_speaker(pseudonym) or not re.fullmatch(_SPEAKER, pseudonym):
        return (
            "a pseudonym starts with a letter and holds letters, digits, spaces and . - _ ' "
            "( ) / & only, at most 60 characters and 6 words"
        )
    return None


def read_speaker_map(
    speaker_map: str | Path | Mapping | Iterable[SpeakerEntry] | None,
) -> dict[str, SpeakerEntry]:
    """A speaker map as {normalised name: entry}.

    ``speaker_map`` is a CSV path (columns ``name``, ``pseudonym``, optional ``group``,
    ``role``, ``organisation``), a mapping name -> pseudonym (or name -> dict of those
    columns), or :class:`SpeakerEntry` records. Names match case-insensitively with spaces
    normalised. Problems (missing column, empty or bad pseudonym, a name twice) raise
    :class:`DataValidationError` naming the row.

    >>> read_speaker_map({"Ada Lind": "NV-P01"})["ada lind"].pseudonym
    'NV-P01'
    """
    if speaker_map is None:
        return {}
    label = "speaker map"
    rows: list[tuple[int | None, dict]] = []
    if isinstance(speaker_map, (str, Path)):
        path = Path(speaker_map)
        label = str(path)
        text = _read_text(path)
        reader = csv.DictReader(io.StringIO(text))
        header = [(name or "").strip().lower() for name in reader.fieldnames or []]
        missing = [column for column in ("name", "pseudonym") if column not in header]
        if missing:
            raise DataValidationError(
                [
                    InputProblem(
                        label,
                        1,
                        column,
                        None,
                        "column is missing",
                        "the speaker map needs the columns name, pseudonym (optional: group, "
                        "role, organisation)",
                    )
                    for column in missing
                ]
            )
        for number, row in enumerate(reader, start=2):
            cleaned = {
                (key or "").strip().lower(): (value or "").strip() or None
                for key, value in row.items()
            }
            if any(cleaned.values()):
                rows.append((number, cleaned))
    elif isinstance(speaker_map, Mapping):
        for name, value in speaker_map.items():
            fields = dict(value) if isinstance(value, Mapping) else {"pseudonym": value}
            rows.append((None, {"name": name, **fields}))
    else:
        for entry in speaker_map:
            rows.append((None, entry.__dict__.copy()))
    problems: list[InputProblem] = []
    entries: dict[str, SpeakerEntry] = {}
    for number, row in rows:
        name = (row.get("name") or "").strip()
        pseudonym = (row.get("pseudonym") or "").strip()
        if not name:
            problems.append(
                InputProblem(label, number, "name", None, "empty name", "fill in the name")
            )
            continue
        fault = _pseudonym_problem(pseudonym)
        if fault:
            problems.append(
                InputProblem(
                    label, number, "pseudonym", pseudonym or None, "bad or missing pseudonym", fault
                )
            )
            continue
        key = _normal(name)
        if key in entries:
            problems.append(
                InputProblem(
                    label,
                    number,
                    "name",
                    name,
                    "this name is listed twice",
                    "keep one row per speaker",
                )
            )
            continue
        entries[key] = SpeakerEntry(
            name=name,
            pseudonym=pseudonym,
            group=row.get("group"),
            role=row.get("role"),
            organisation=row.get("organisation"),
        )
    if problems:
        raise DataValidationError(problems)
    return entries


def default_source_key(region: str | None, activity: str, held_on: dt.date | None) -> str:
    """The key a transcript gets when none is given, e.g. ``northvale-fg-20260304``.

    >>> default_source_key("northvale", "focus_group", dt.date(2026, 3, 4))
    'northvale-fg-20260304'
    """
    parts = [region or "source", ACTIVITY_ABBREVIATIONS.get(activity, "src")]
    if held_on is not None:
        parts.append(held_on.strftime("%Y%m%d"))
    return "-".join(parts)


def _is_label(name: str, labels: Sequence[str]) -> bool:
    words = _normal(name)
    if labels is DEFAULT_LABELS:
        return bool(_LABEL_WORDS.match(words))
    wanted = {_normal(label) for label in labels}
    return words in wanted or re.sub(r" \d+$", "", words) in wanted


# ---------------------------------------------------------------------------------------
# Public API


def read_transcript(
    path: str | Path,
    *,
    activity: str = "other",
    held_on: dt.date | None = None,
    region: str | None = None,
    programme: str | None = None,
    title: str | None = None,
    source: str | None = None,
    language: str | None = "en",
    speaker_map: str | Path | Mapping | Iterable[SpeakerEntry] | None = None,
    pseudonym_prefix: str | None = None,
    keep_labels: Sequence[str] = DEFAULT_LABELS,
    synthetic: bool = False,
) -> Transcript:
    """Read a .txt, .docx, .vtt or .srt transcript, pseudonymised, into records.

    Speakers are replaced by the speaker map's pseudonyms, else by ``PREFIX-P01``,
    ``PREFIX-P02``, ... in order of appearance (``pseudonym_prefix`` defaults to the source
    key, which defaults to :func:`default_source_key`). Role labels (``keep_labels``, by
    default Facilitator, Moderator, Interviewer, ...) stay as they are and are not
    participants. A malformed or empty file raises
    :class:`~scirocco_lab.errors.FileFormatError` naming the file and line. Nothing is
    written; see :func:`import_transcript`.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "fg.txt"
    >>> _ = path.write_text("Facilitator: Welcome.\\nAda Lind: Thanks, it was useful.\\n")
    >>> source, turns, participants = read_transcript(path, source="fg-1")
    >>> print(source.text)
    Facilitator: Welcome.
    <BLANKLINE>
    fg-1-P01: Thanks, it was useful.
    >>> participants[0].full_name
    'Ada Lind'
    """
    path = Path(path)
    original_format, utterances = _utterances(path)
    if not utterances:
        raise _problem(
            path,
            "the whole file",
            "no transcript text found",
            f"check that the file holds the transcript with speaker turns (see {_DOCS})",
        )
    key = source or default_source_key(region, activity, held_on)
    prefix = pseudonym_prefix if pseudonym_prefix is not None else f"{key}-"
    if prefix and not prefix.endswith(("-", "_", " ")):
        prefix += "-"
    mapped = read_speaker_map(speaker_map)
    pseudonyms: dict[str, str] = {}
    participants: dict[str, ParticipantRecord] = {}
    generated = 0
    where = Origin(str(path))
    for utterance in utterances:
        if utterance.speaker is None:
            continue
        normal = _normal(utterance.speaker)
        if normal in pseudonyms:
            continue
        entry = mapped.get(normal)
        if entry is not None:
            # Every mapped speaker is a participant, a mapped "Facilitator" label too.
            pseudonym = entry.pseudonym
            participants.setdefault(
                pseudonym,
                ParticipantRecord(
                    pseudonym,
                    group=entry.group,
                    role=entry.role,
                    organisation=entry.organisation,
                    region=region,
                    full_name=None if _normal(pseudonym) == normal else utterance.speaker,
                    synthetic=synthetic,
                    provenance=where,
                ),
            )
        elif _is_label(utterance.speaker, keep_labels):
            pseudonym = utterance.speaker
        else:
            generated += 1
            pseudonym = f"{prefix}P{generated:02d}"
            while pseudonym in participants:  # a mapped pseudonym may look like a generated one
                pseudonym += "x"
            participants[pseudonym] = ParticipantRecord(
                pseudonym,
                region=region,
                full_name=utterance.speaker,
                synthetic=synthetic,
                provenance=where,
            )
        fault = _pseudonym_problem(pseudonym)
        if fault:
            raise _problem(
                path,
                utterance.where,
                f"cannot use {pseudonym!r} as a speaker label",
                f"{fault}; give a pseudonym prefix or a speaker map",
            )
        pseudonyms[normal] = pseudonym
    text, turns = build_source_text(
        (
            (pseudonyms[_normal(u.speaker)] if u.speaker else None, u.text, u.started_at)
            for u in utterances
        ),
        key,
    )
    spoken = tuple(dict.fromkeys(t.speaker for t in turns if t.speaker in participants))
    record = SourceRecord(
        source=key,
        title=title or path.stem.replace("_", " "),
        activity=activity,
        held_on=held_on,
        text=text,
        region=region,
        programme=programme,
        language=language,
        original_format=original_format,
        participants=spoken,
        synthetic=synthetic,
        provenance=where,
    )
    turns = tuple(
        TurnRecord(
            t.source,
            t.turn,
            t.start_char,
            t.end_char,
            t.speaker,
            started_at=t.started_at,
            provenance=where,
        )
        for t in turns
    )
    return Transcript(record, turns, tuple(participants[p] for p in spoken))


def import_transcript(
    store,
    path: str | Path,
    *,
    region: str | None,
    activity: str,
    held_on: dt.date | None,
    source: str | None = None,
    replace: bool = False,
    **options,
) -> Transcript:
    """Read a transcript (:func:`read_transcript`, which takes the other keyword ``options``:
    title, programme, language, speaker_map, pseudonym_prefix, keep_labels) and write it
    (source, turns, participants) in one transaction.

    Without ``source``, the key is :func:`default_source_key`, with ``-2``, ``-3``, ...
    added when the store already holds it. Unknown region or activity, or a key already in
    the store (unless ``replace``): :class:`DataValidationError` naming the file, nothing
    written. Returns the records written.
    """
    from scirocco_lab.evaluation.store import sources_frame, write_file_import
    from scirocco_lab.store.ledger import check_reimport

    digest, earlier = check_reimport(store, "transcript", path, replace=replace, noun="source")
    key = source if source is not None else earlier  # --replace: the same file replaces its own
    if key is None:
        existing = set(sources_frame(store)["source"])
        base = default_source_key(region, activity, held_on)
        key, number = base, 1
        while key in existing:
            number += 1
            key = f"{base}-{number}"
    transcript = read_transcript(
        path, activity=activity, held_on=held_on, region=region, source=key, **options
    )
    batch = EvaluationBatch(
        participants=transcript.participants,
        sources=(transcript.source,),
        turns=transcript.turns,
        source=str(path),
    )
    write_file_import(
        store,
        batch,
        kind="transcript",
        digest=digest,
        record=key,
        path=path,
        table="evaluation_sources",
        counts={"turns": len(transcript.turns), "participants": len(transcript.participants)},
        replace=replace,
    )
    return transcript
