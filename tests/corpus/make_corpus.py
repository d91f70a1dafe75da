"""Writes the small malformed files of tests/corpus/ (run once; the files are committed).

    .venv/bin/python tests/corpus/make_corpus.py

Each case is one file; ``cases.csv`` says how it is imported and what the message must name.
"""

import csv
import io
import json
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
FILES = HERE / "files"
HEAD = "subject,kind,status,assessor,role,dimension,level\n"
ROW = "northvale,HS,draft,NV-T1,clinician,funding,{}\n"

RATINGS = "import {file}"
PANEL = "consensus --file {file}"
QUESTIONNAIRE = (
    "questionnaires import {file} --items {support}/q-items.csv --scale 1-5 --region northvale "
    "--activity study_visit --date 2026-01-01"
)
ITEMS = (
    "questionnaires import {support}/q-responses.csv --items {file} --scale 1-5 "
    "--region northvale --activity study_visit --date 2026-01-01"
)
TRANSCRIPT = "transcripts import {file} --region northvale --activity focus_group --date 2026-01-01"
SPEAKERS = (
    "transcripts import {support}/t-good.txt --speaker-map {file} --region northvale "
    "--activity focus_group --date 2026-01-01"
)
RULES = "api:load_rules {file}"
INSTRUMENT = "instruments show {file}"
QDA = "qda import {file} --region northvale --activity focus_group"
QDC = "qda import {file}"

cases: list[tuple[str, str, str]] = []


def text(name: str, content: str | bytes, command: str, expect: str) -> None:
    path = FILES / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    cases.append((name, command, expect))


def xlsx(name: str, rows: list[list], command: str, expect: str) -> None:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(FILES / name)
    cases.append((name, command, expect))


def main() -> None:
    FILES.mkdir(exist_ok=True)
    support = HERE / "support"
    support.mkdir(exist_ok=True)
    (support / "q-items.csv").write_text("item,wording\nuseful,The visit was useful.\n")
    (support / "q-responses.csv").write_text("respondent,group,useful\nR1,clinician,4\n")
    (support / "t-good.txt").write_text("MODERATOR: Welcome.\nANNA: Thank you.\n")

    # -- ratings, CSV --------------------------------------------------------------------
    for name, level in [("1e0", "1e0"), ("3.0000001", "3.0000001"), ("2.5", "2.5"),
                        ("off-scale", "7"), ("negative", "-1"), ("text", "three"),
                        ("formula", "=1+1"), ("hex", "0x3")]:  # fmt: skip
        text(f"ratings-level-{name}.csv", HEAD + ROW.format(level), RATINGS, "row 2|level")
    text("ratings-missing-subject-column.csv", "kind,assessor,dimension,level\nHS,a,funding,3\n",
         RATINGS, "subject")  # fmt: skip
    text("ratings-empty.csv", "", RATINGS, "the file is empty")
    text("ratings-blank-lines.csv", "\n\n  \n", RATINGS, "the file is empty")
    text("ratings-header-only.csv", HEAD, RATINGS, "only a header row")
    text("ratings-unknown-subject.csv", HEAD + ROW.format(3).replace("northvale", "atlantis"),
         RATINGS, "row 2|subject")  # fmt: skip
    text("ratings-unknown-dimension.csv", HEAD + ROW.format(3).replace("funding", "luck"),
         RATINGS, "row 2|dimension")  # fmt: skip
    text("ratings-unknown-kind.csv", HEAD + ROW.format(3).replace(",HS,", ",XX,"),
         RATINGS, "row 2|kind")  # fmt: skip
    text("ratings-unknown-status.csv", HEAD + ROW.format(3).replace("draft", "maybe"),
         RATINGS, "row 2|status")  # fmt: skip
    text("ratings-duplicate-rows.csv", HEAD + ROW.format(3) + ROW.format(4), RATINGS, "row 3")
    text("ratings-binary.csv", b"subject,kind\x00\x01\x02\nx,y\n", RATINGS, "binary")
    text("ratings-latin1.csv", (HEAD + ROW.format(3)).replace("clinician", "m\xe9dico")
         .encode("latin-1"), RATINGS, "UTF-8")  # fmt: skip
    text("ratings-unbalanced-quote.csv", HEAD + 'northvale,HS,draft,"NV-T1,clinician,funding,3\n',
         RATINGS, "well-formed")  # fmt: skip
    text("ratings-bad-round.csv", "subject,kind,status,assessor,role,round,dimension,level\n"
         "northvale,HS,draft,NV-T1,clinician,1.5,funding,3\n", RATINGS, "row 2|round")  # fmt: skip
    text("ratings-bad-dont-know.csv", HEAD.replace("level", "level,dont_know")
         + ROW.format("3,perhaps"), RATINGS, "row 2|dont_know")  # fmt: skip
    text("ratings-unknown-instrument.csv", HEAD.replace("kind", "kind,instrument")
         + ROW.format(3).replace(",HS,", ",HS,no-such-instrument,"), RATINGS,
         "row 2|instrument")  # fmt: skip
    text("ratings-bad-date.csv", HEAD.replace("level", "level,assessed_on")
         + ROW.format("3,2026-13-45"), RATINGS, "row 2|assessed_on")  # fmt: skip
    text("ratings-bad-confidence.csv", HEAD.replace("level", "level,confidence")
         + ROW.format("3,sure"), RATINGS, "row 2|confidence")  # fmt: skip
    text("ratings-wide-level-1e0.csv", "subject,kind,status,assessor,role,funding\n"
         "northvale,HS,draft,NV-T1,clinician,1e0\n", RATINGS, "row 2|funding")  # fmt: skip
    text("ratings-wrong-suffix.txt", HEAD + ROW.format(3), RATINGS, "unknown file type")
    text("ratings-old-excel.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 60, RATINGS, "cannot be read")

    # -- ratings, Excel ------------------------------------------------------------------
    header = HEAD.strip().split(",")
    for name, level in [("1e0", "1e0"), ("2.5", 2.5), ("text", "three")]:
        cells = [*ROW.strip().format(level).split(",")[:6], level]
        xlsx(f"ratings-level-{name}.xlsx", [header, cells], RATINGS, "row 2|level")
    xlsx("ratings-empty.xlsx", [], RATINGS, "the file is empty")
    xlsx("ratings-header-only.xlsx", [header], RATINGS, "only a header row")
    text("ratings-not-a-zip.xlsx", HEAD + ROW.format(3), RATINGS, "not a readable .xlsx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    text("ratings-zip-not-workbook.xlsx", buffer.getvalue(), RATINGS, "not a readable .xlsx")

    # -- individual ratings for consensus statistics ------------------------------------------
    text("panel-level-1e0.csv", "assessor,dimension,rating\na,funding,1e0\n", PANEL,
         "row 2|rating")  # fmt: skip
    text("panel-missing-rating-column.csv", "assessor,dimension\na,funding\n", PANEL, "rating")
    text("panel-bad-round.csv", "assessor,dimension,rating,round\na,funding,3,2.5\n", PANEL,
         "row 2|round")  # fmt: skip

    # -- questionnaires ---------------------------------------------------------------------
    text("q-value-off-scale.csv", "respondent,group,useful\nR1,clinician,7\n", QUESTIONNAIRE,
         "useful")  # fmt: skip
    text("q-value-text.csv", "respondent,group,useful\nR1,clinician,lots\n", QUESTIONNAIRE,
         "useful")  # fmt: skip
    text("q-missing-respondent.csv", "group,useful\nclinician,4\n", QUESTIONNAIRE, "respondent")
    text("q-empty.csv", "", QUESTIONNAIRE, "the file is empty")
    text("q-binary.csv", b"respondent\x00\x00\n", QUESTIONNAIRE, "binary")
    text("q-items-missing-wording.csv", "item\nuseful\n", ITEMS, "wording")
    text("q-items-empty.csv", "", ITEMS, "the file is empty")
    text("q-items-duplicate.csv", "item,wording\nuseful,A\nuseful,B\n", ITEMS, "useful")

    # -- transcripts --------------------------------------------------------------------------
    text("t-empty.txt", "", TRANSCRIPT, "t-empty.txt")
    text("t-binary.txt", b"MODERATOR: hi\x00\x00\x01", TRANSCRIPT, "line 1|binary")
    text("t-latin1.txt", "MODERATOR: Bienvenue \xe0 tous.\n".encode("latin-1"), TRANSCRIPT,
         "UTF-8")  # fmt: skip
    text("t-bad-header.vtt", "NOT WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhi\n", TRANSCRIPT,
         "line 1")  # fmt: skip
    text("t-bad-timestamp.vtt", "WEBVTT\n\n00:00:xx.000 --> 00:00:02.000\n<v Anna>hi\n",
         TRANSCRIPT, "line")  # fmt: skip
    text("t-bad-timestamp.srt", "1\n00:00:01,000 -> 00:00:02,000\nANNA: hi\n", TRANSCRIPT,
         "line")  # fmt: skip
    text("t-empty.srt", "", TRANSCRIPT, "t-empty.srt")
    text("t-not-a-zip.docx", "MODERATOR: hello\n", TRANSCRIPT, "t-not-a-zip.docx")
    text("t-zip-not-docx.docx", buffer.getvalue(), TRANSCRIPT, "t-zip-not-docx.docx")
    text("t-wrong-suffix.pdf", "%PDF-1.4\n", TRANSCRIPT, "t-wrong-suffix.pdf")
    text("sm-missing-pseudonym-column.csv", "name,group\nANNA,clinician\n", SPEAKERS, "pseudonym")
    text("sm-name-twice.csv", "name,pseudonym\nANNA,P1\nANNA,P2\n", SPEAKERS,
         "row 3|twice")  # fmt: skip
    text("sm-empty.csv", "", SPEAKERS, "sm-empty.csv")

    # -- auto-coding rules ------------------------------------------------------------------
    text("rules-missing-column.csv", "code,kind\ntrust,keyword\n", RULES, "pattern")
    text("rules-bad-regex.csv", "code,kind,pattern\ntrust,regex,([\n", RULES, "row 2|pattern")
    text("rules-unknown-kind.csv", "code,kind,pattern\ntrust,magic,x\n", RULES, "row 2|kind")
    text("rules-duplicate-key.yaml", "rules:\n  - code: trust\n    code: money\n    kind: keyword\n"
         "    pattern: x\n", RULES, "line 3")  # fmt: skip
    text("rules-not-a-list.yaml", "rules: 3\n", RULES, "list of rules")
    text("rules-bad-yaml.yaml", "rules: [\n", RULES, "line")
    text("rules-latin1.csv", "code,kind,pattern\ntrust,keyword,caf\xe9\n".encode("latin-1"),
         RULES, "UTF-8")  # fmt: skip

    # -- instruments ------------------------------------------------------------------------
    base = HERE.parents[1] / "scirocco_lab/instruments/scirocco-exchange.yaml"
    source = base.read_text(encoding="utf-8") if base.exists() else "id: x\n"
    text("inst-duplicate-key.yaml", source.replace("\nid:", "\nid: twice\nid:", 1), INSTRUMENT,
         "line")  # fmt: skip
    text("inst-bad-yaml.yaml", "id: [\n", INSTRUMENT, "line")
    text("inst-not-a-mapping.yaml", "- 1\n- 2\n", INSTRUMENT, "inst-not-a-mapping.yaml")
    text("inst-no-dimensions.yaml", "format: scirocco-lab/instrument@1\nid: x\ntitle: X\n"
         "version: '1'\nlanguages: [en]\nscale: {min: 0, max: 5}\n", INSTRUMENT,
         "dimensions")  # fmt: skip
    text("inst-duplicate-key.json", '{"id": "a", "id": "b"}', INSTRUMENT, "duplicate key 'id'")
    text("inst-bad-json.json", '{"id": ', INSTRUMENT, "JSON")
    text("inst-latin1.yaml", "id: caf\xe9\n".encode("latin-1"), INSTRUMENT, "UTF-8")

    # -- REFI-QDA (simple malformed files; hostile XML and zips are tested elsewhere) --------
    text("qda-not-a-zip.qdpx", "hello", QDA, "qda-not-a-zip.qdpx")
    with zipfile.ZipFile(FILES / "qda-no-project.qdpx", "w") as archive:
        archive.writestr("sources/readme.txt", "no project.qde here")
    cases.append(("qda-no-project.qdpx", QDA, "project.qde"))
    text("qda-bad-xml.qdc", "<CodeBook><Codes>", QDC, "qda-bad-xml.qdc")
    text("qda-wrong-root.qdc", '<?xml version="1.0"?><Banana/>', QDC, "qda-wrong-root.qdc")
    text("qda-empty.qdc", "", QDC, "qda-empty.qdc")

    with (HERE / "cases.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "command", "expect"])
        writer.writerows(cases)
    print(json.dumps({"cases": len(cases)}))


if __name__ == "__main__":
    main()
