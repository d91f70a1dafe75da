"""Transcript import: formats, speaker turns, pseudonymisation, errors."""

import datetime as dt

import docx
import pytest

from scirocco_lab.assessment.records import SubjectRecord
from scirocco_lab.assessment.store import add_subjects
from scirocco_lab.errors import DataValidationError, DuplicateRecordError, FileFormatError
from scirocco_lab.evaluation.demo import generate_evaluation_demo, write_demo_transcripts
from scirocco_lab.evaluation.records import CodeRecord, CoderRecord, SegmentRecord
from scirocco_lab.evaluation.store import (
    add_coders,
    add_segments,
    evaluation_counts,
    participants_frame,
    save_codes,
    segments_frame,
    source_text,
    sources_frame,
    turns_frame,
)
from scirocco_lab.evaluation.transcripts import (
    build_source_text,
    import_transcript,
    read_transcript,
    turns_from_text,
)
from scirocco_lab.store import open_store

TXT = """[00:00:05] Facilitator: Welcome, everyone. What did you learn?
[00:00:12] Ada Lindqvist: The visit was an eye-opener.
It showed me how a shared plan works.

(00:01:02) Bram Okonkwo: Funding is our problem.
00:01:30 Ada Lindqvist: I agree with Bram.
"""


def _speaker_texts(transcript):
    text = transcript.source.text
    return [(t.speaker, text[t.start_char : t.end_char]) for t in transcript.turns]


@pytest.fixture
def store():
    store = open_store("sqlite://")
    add_subjects(store, [SubjectRecord("northvale", "Northvale")])
    return store


@pytest.fixture
def txt_file(tmp_path):
    path = tmp_path / "focus group.txt"
    path.write_text(TXT, encoding="utf-8")
    return path


def test_txt_keeps_speaker_turns_and_joins_continuation_lines(txt_file):
    transcript = read_transcript(txt_file, source="fg-1")
    assert _speaker_texts(transcript) == [
        ("Facilitator", "Welcome, everyone. What did you learn?"),
        ("fg-1-P01", "The visit was an eye-opener.\nIt showed me how a shared plan works."),
        ("fg-1-P02", "Funding is our problem."),
        ("fg-1-P01", "I agree with Bram."),
    ]


def test_txt_timestamps_become_start_times(txt_file):
    transcript = read_transcript(txt_file, source="fg-1")
    assert [t.started_at for t in transcript.turns] == [5.0, 12.0, 62.0, 90.0]


def test_stored_text_holds_pseudonyms_not_speaker_names(txt_file):
    transcript = read_transcript(txt_file, source="fg-1")
    assert "Ada Lindqvist" not in transcript.source.text
    assert transcript.source.text.startswith("Facilitator: Welcome")
    assert "\n\nfg-1-P02: Funding is our problem." in transcript.source.text


def test_participants_are_numbered_in_order_of_appearance(txt_file):
    transcript = read_transcript(txt_file, source="fg-1", region="northvale")
    names = {p.pseudonym: p.full_name for p in transcript.participants}
    assert names == {"fg-1-P01": "Ada Lindqvist", "fg-1-P02": "Bram Okonkwo"}
    assert transcript.source.participants == ("fg-1-P01", "fg-1-P02")
    assert {p.region for p in transcript.participants} == {"northvale"}


def test_role_labels_are_not_participants(txt_file):
    transcript = read_transcript(txt_file, source="fg-1")
    assert "Facilitator" not in {p.pseudonym for p in transcript.participants}


def test_txt_with_bom_and_windows_line_ends(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffAda: Hello.\r\nBram: Hi.\r\n".encode())
    transcript = read_transcript(path, source="x")
    assert [s for s, _ in _speaker_texts(transcript)] == ["x-P01", "x-P02"]


def test_docx_reads_name_colon_paragraphs_and_continuations(tmp_path):
    document = docx.Document()
    document.add_paragraph("Interviewer: How was the mission?")
    document.add_paragraph("Carla Mendes: Useful.")
    document.add_paragraph("We changed our discharge checklist afterwards.")
    path = tmp_path / "interview.docx"
    document.save(str(path))
    transcript = read_transcript(path, source="int-1")
    assert _speaker_texts(transcript) == [
        ("Interviewer", "How was the mission?"),
        ("int-1-P01", "Useful.\nWe changed our discharge checklist afterwards."),
    ]
    assert transcript.source.original_format == "docx"


def test_docx_bold_leading_run_is_a_speaker(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("Carla Mendes").bold = True
    paragraph.add_run(" The hub works because everyone sees the same plan.")
    path = tmp_path / "bold.docx"
    document.save(str(path))
    transcript = read_transcript(path, source="b")
    assert _speaker_texts(transcript) == [
        ("b-P01", "The hub works because everyone sees the same plan.")
    ]
    assert transcript.participants[0].full_name == "Carla Mendes"


def test_docx_bold_character_style_is_a_speaker(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("Carla Mendes:").style = document.styles["Strong"]
    paragraph.add_run(" Yes.")
    path = tmp_path / "strong.docx"
    document.save(str(path))
    assert _speaker_texts(read_transcript(path, source="s")) == [("s-P01", "Yes.")]


def test_docx_table_rows_are_turns(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    rows = [("Speaker", "Text"), ("Moderator", "Questions?"), ("Dana Eid", "Yes.")]
    for row, (speaker, said) in zip(table.rows, rows, strict=True):
        row.cells[0].text, row.cells[1].text = speaker, said
    path = tmp_path / "table.docx"
    document.save(str(path))
    transcript = read_transcript(path, source="t")
    assert _speaker_texts(transcript) == [("Moderator", "Questions?"), ("t-P01", "Yes.")]


VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Moderator>Welcome to the webinar.

00:00:04.500 --> 00:00:08.000
<v.loud Eva Brandt>I have a question about

00:00:08.000 --> 00:00:10.000
<v Eva Brandt>the pooled budget &amp; its rules.

00:00:11.000 --> 00:00:13.000
Moderator: Good question.

00:00:13.000 --> 00:00:15.000
Let me answer it.
"""


SRT = """1
00:00:01,000 --> 00:00:03,000
Facilitator: Shall we start?

2
00:00:03,500 --> 00:00:06,000
Jonas Weber: Yes. The visit

3
00:00:06,000 --> 00:00:08,000
changed how I see discharge.
"""


CAPTIONS = {
    # name: (file, its text, source key, (speaker, utterance) per turn, turn start times)
    "vtt_voice_tags_merge_consecutive_cues": (
        "webinar.vtt",
        VTT,
        "w",
        [
            ("Moderator", "Welcome to the webinar."),
            ("w-P01", "I have a question about the pooled budget & its rules."),
            ("Moderator", "Good question. Let me answer it."),
        ],
        [1.0, 4.5, 11.0],
    ),
    "srt_name_prefix_and_continuation_cues": (
        "debrief.srt",
        SRT,
        "d",
        [
            ("Facilitator", "Shall we start?"),
            ("d-P01", "Yes. The visit changed how I see discharge."),
        ],
        [1.0, 3.5],
    ),
}


@pytest.mark.parametrize("name", CAPTIONS)
def test_caption_cues_become_turns(tmp_path, name):
    file_name, text, source, said, started = CAPTIONS[name]
    path = tmp_path / file_name
    path.write_text(text, encoding="utf-8")
    transcript = read_transcript(path, source=source)
    assert _speaker_texts(transcript) == said
    assert [t.started_at for t in transcript.turns] == started


def test_speaker_map_csv_gives_pseudonyms_and_groups(tmp_path, txt_file):
    speaker_map = tmp_path / "speakers.csv"
    speaker_map.write_text(
        "name,pseudonym,group,role,organisation\n"
        "ada lindqvist,NV-P07,clinician,community nurse,Northvale Hospital\n",
        encoding="utf-8",
    )
    transcript = read_transcript(txt_file, source="fg-1", speaker_map=speaker_map)
    speakers = [s for s, _ in _speaker_texts(transcript)]
    assert speakers == ["Facilitator", "NV-P07", "fg-1-P01", "NV-P07"]
    mapped = {p.pseudonym: p for p in transcript.participants}["NV-P07"]
    assert (mapped.group, mapped.full_name) == ("clinician", "Ada Lindqvist")


def test_speaker_map_with_a_bad_pseudonym_is_refused(txt_file):
    with pytest.raises(DataValidationError, match="pseudonym"):
        read_transcript(txt_file, speaker_map={"Ada Lindqvist": "P: 1"})


def test_speaker_map_without_pseudonym_column_is_refused(tmp_path, txt_file):
    speaker_map = tmp_path / "speakers.csv"
    speaker_map.write_text("name,alias\nAda,NV-1\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="column is missing"):
        read_transcript(txt_file, speaker_map=speaker_map)


def test_turns_from_text_round_trips_the_stored_text(txt_file):
    transcript = read_transcript(txt_file, source="fg-1")
    rebuilt = turns_from_text(transcript.source.text, "fg-1")
    simple = [(t.turn, t.speaker, t.start_char, t.end_char) for t in transcript.turns]
    assert [(t.turn, t.speaker, t.start_char, t.end_char) for t in rebuilt] == simple


def test_turns_from_text_keeps_unlabelled_opening_paragraph():
    text, _ = build_source_text([(None, "Recorded on 4 March.", None), ("P01", "Hi.", None)])
    assert [(t.speaker, text[t.start_char : t.end_char]) for t in turns_from_text(text)] == [
        (None, "Recorded on 4 March."),
        ("P01", "Hi."),
    ]


@pytest.fixture(
    params=[
        ("nohead.vtt", "00:00:01.000 --> 00:00:02.000\nHi\n", r"nohead\.vtt, line 1: .*WEBVTT"),
        (
            "broken.srt",
            SRT.replace("00:00:03,500 --> 00:00:06,000", "00:00:3,5 -> 6"),
            r"broken\.srt, line 6: cue 2 has no timing line",
        ),
        (
            "bad.vtt",
            VTT.replace("00:00:08.000 --> 00:00:10.000", "00:08 --> 00:10"),
            r"bad\.vtt, line 9: broken timing line",
        ),
        ("broken.docx", b"this is not a zip file", r"broken\.docx.*save it as \.docx"),
        ("empty.txt", "\n\n   \n", "no transcript text"),
        ("latin.txt", "Ada: ok\nBram: caf\xe9\n".encode("latin-1"), r"latin\.txt, line 2: .*UTF-8"),
        ("notes.pdf", b"%PDF", r"\.txt \(UTF-8\), \.docx, \.vtt or \.srt"),
    ],
    ids=[
        "vtt_without_header_names_file_and_line",
        "srt_with_broken_timing_line_names_the_line",
        "vtt_with_mangled_arrow_line_names_the_line",
        "unreadable_docx_is_a_file_format_error",
        "empty_transcript_is_refused",
        "text_that_is_not_utf8_names_the_line",
        "unknown_suffix_is_refused",
    ],
)
def bad_transcript(request, tmp_path):
    """A malformed transcript file and what its one message must say."""
    name, content, message = request.param
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path, message


def test_malformed_transcript_is_a_file_format_error_naming_the_place(bad_transcript):
    path, message = bad_transcript
    with pytest.raises(FileFormatError, match=message):
        read_transcript(path)


def test_import_transcript_writes_source_turns_and_participants(store, txt_file):
    import_transcript(
        store, txt_file, region="northvale", activity="focus_group", held_on=dt.date(2026, 3, 4)
    )
    sources = sources_frame(store)
    assert sources["source"].tolist() == ["northvale-fg-20260304"]
    assert len(turns_frame(store)) == 4
    assert participants_frame(store)["pseudonym"].tolist() == [
        "northvale-fg-20260304-P01",
        "northvale-fg-20260304-P02",
    ]


def test_second_file_on_the_same_day_gets_a_new_default_key(store, txt_file, tmp_path):
    other = tmp_path / "second interview.txt"
    other.write_text(TXT + "\nMODERATOR: One more question.\n", encoding="utf-8")
    for path in (txt_file, other):
        import_transcript(
            store, path, region="northvale", activity="interview", held_on=dt.date(2026, 3, 4)
        )
    assert sorted(sources_frame(store)["source"]) == [
        "northvale-int-20260304",
        "northvale-int-20260304-2",
    ]


def test_reimporting_the_same_file_is_refused_naming_the_earlier_import(store, txt_file, tmp_path):
    import_transcript(store, txt_file, region="northvale", activity="interview", held_on=None)
    renamed = tmp_path / "copy.txt"
    renamed.write_bytes(txt_file.read_bytes())
    before = evaluation_counts(store)
    with pytest.raises(DuplicateRecordError, match=r"already imported.*focus group\.txt"):
        import_transcript(store, renamed, region="northvale", activity="interview", held_on=None)
    assert evaluation_counts(store) == before


def test_reimport_with_replace_replaces_the_earlier_source(store, txt_file):
    for replace in (False, True):
        import_transcript(
            store, txt_file, region="northvale", activity="interview", held_on=None,
            replace=replace,
        )  # fmt: skip
    assert len(sources_frame(store)) == 1


def test_import_with_unknown_region_writes_nothing(store, txt_file):
    with pytest.raises(DataValidationError, match="atlantis"):
        import_transcript(store, txt_file, region="atlantis", activity="focus_group", held_on=None)
    assert not any(evaluation_counts(store).values())


def test_real_names_reach_only_the_identities(store, txt_file):
    transcript = import_transcript(
        store, txt_file, region="northvale", activity="focus_group", held_on=dt.date(2026, 3, 4)
    )
    save_codes(store, [CodeRecord("funding", "Funding")])
    add_coders(store, [CoderRecord("coder-A")])
    key = transcript.source.source
    text = source_text(store, key)
    add_segments(store, [SegmentRecord(key, "funding", "coder-A", 0, len(text))])
    visible = "\n".join(
        frame.to_csv()
        for frame in (
            sources_frame(store),
            turns_frame(store),
            segments_frame(store),
            participants_frame(store),
        )
    )
    for name in ("Ada Lindqvist", "Bram Okonkwo"):
        assert name not in visible + text
    named = participants_frame(store, include_identities=True)
    assert set(named["full_name"]) == {"Ada Lindqvist", "Bram Okonkwo"}


def test_demo_files_import_back_to_the_demo_sources(tmp_path):
    paths = write_demo_transcripts(tmp_path)
    demo = {source.source: source for source in generate_evaluation_demo().sources}
    for kind in ("txt", "docx", "vtt", "srt"):
        path = paths[kind]
        transcript = read_transcript(path, source=path.stem, speaker_map=paths["speaker_map"])
        assert transcript.source.text == demo[path.stem].text, kind
        assert transcript.source.participants == demo[path.stem].participants, kind
