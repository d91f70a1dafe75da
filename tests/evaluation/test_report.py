"""The evaluation report: its data, escaped HTML pieces, report tasks and one full render."""

import re

import nbformat
import pytest

from scirocco_lab.assessment.records import (
    AssessmentRecord,
    AssessorRecord,
    RatingRecord,
    RecordBatch,
    SubjectRecord,
)
from scirocco_lab.assessment.store import write_batch
from scirocco_lab.errors import NotFoundError
from scirocco_lab.evaluation.analysis import joint_display_html
from scirocco_lab.evaluation.records import (
    CodeRecord,
    CoderRecord,
    EvaluationBatch,
    ParticipantRecord,
    SegmentRecord,
    SourceRecord,
    TurnRecord,
)
from scirocco_lab.evaluation.report import (
    agreement_reading,
    coder_agreement_html,
    evaluation_report_data,
    evaluation_tasks,
    likert_summary_html,
    quotes_html,
    sources_summary_html,
)
from scirocco_lab.evaluation.store import write_evaluation
from scirocco_lab.instruments import load_instrument
from scirocco_lab.reports.engine import PACKAGE_TEMPLATES, render_report
from scirocco_lab.store import open_store

TEMPLATE = PACKAGE_TEMPLATES / "evaluation.ipynb"
ANSWERS = [(5, "a"), (4, "a"), (2, "b")]  # (value, group) of the respondents R0, R1, R2
HOSTILE = '<script>alert("x")</script>'
UTTERANCES = [
    ("VL-P01", f"Funding was the hard part {HOSTILE} and the budget ran out in spring."),
    ("VL-P02", "We trusted the visiting team because they had done it before, twice."),
    ("VL-P01", "The budget for the pilot was pooled, which built trust between us all."),
]


def _transcript():
    text, turns = "", []
    for number, (speaker, utterance) in enumerate(UTTERANCES, 1):
        if text:
            text += "\n\n"
        text += f"{speaker}: "
        turns.append(TurnRecord("vl-fg", number, len(text), len(text) + len(utterance), speaker))
        text += utterance
    return text, turns


def _segment(coder, code, turn, words=None):
    text, turns = _transcript()
    record = turns[turn - 1]
    start, end = record.start_char, record.end_char
    if words:
        start = text.index(words, start)
        end = start + len(words)
    return SegmentRecord("vl-fg", code, coder, start, end)


@pytest.fixture
def store(focus_group_batch, visit_questionnaire):
    exchange = load_instrument()
    store = open_store("sqlite://")
    write_batch(
        store,
        RecordBatch(
            subjects=(
                SubjectRecord("vale", f"{HOSTILE} Vale", synthetic=True),
                SubjectRecord("quiet", "Quiet", synthetic=True),
            ),
            assessors=(AssessorRecord("V-1"),),
            assessments=(
                AssessmentRecord(
                    "HS",
                    "vale",
                    exchange.id,
                    mode="consensus",
                    ratings=tuple(RatingRecord(k, level=2) for k in exchange.dimension_keys),
                ),
            ),
        ),
    )
    text, turns = _transcript()
    dimension = exchange.dimension_keys[0]  # the code "money" is linked to it
    write_evaluation(
        store,
        focus_group_batch(
            text,
            (
                ParticipantRecord("VL-P01", group="clinician", full_name="Secret Person"),
                ParticipantRecord("VL-P02", group="manager"),
            ),
            title=f"Focus group {HOSTILE}",
            key="vl-fg",
            source_fields={"region": "vale", "synthetic": True},
            turns=tuple(turns),
            codes=(
                CodeRecord("money", "Money", dimensions=(dimension,)),
                CodeRecord("trust", f"Trust {HOSTILE}"),
            ),
            coders=(CoderRecord("coder-A"), CoderRecord("coder-B")),
            segments=(
                _segment("coder-A", "money", 1),
                _segment("coder-B", "money", 1, "the budget ran out in spring"),
                _segment("coder-A", "trust", 2),
                _segment("coder-A", "money", 3),
                _segment("coder-B", "trust", 3, "built trust between us all"),
            ),
            **visit_questionnaire(
                "vl-q",
                "Study visit",
                ("disagree", "rather disagree", "neutral", "rather agree", "agree"),
                {"useful": f"The visit was useful {HOSTILE}"},
                [(f"R{n}", "useful", value, group) for n, (value, group) in enumerate(ANSWERS)],
                region="vale",
                synthetic=True,
            ),
        ),
    )
    return store


def test_report_data_collects_every_part(store):
    report = evaluation_report_data(store, region="vale")
    assert report.summary[["n_turns", "n_segments", "coders"]].to_dict("records") == [
        {"n_turns": 3, "n_segments": 5, "coders": "coder-A, coder-B"}
    ]
    assert report.frequencies.set_index("code")["n_segments"].to_dict() == {"money": 3, "trust": 2}
    assert set(report.likert["group"]) == {"all respondents", "a", "b"}
    assert len(report.joint) == len(report.instrument.dimensions)
    assert report.joint["n_segments"].iloc[0] == 3
    assert report.agreement_unit == "turn"
    assert report.agreement.iloc[-1]["scope"] == "overall"
    assert report.synthetic


def test_agreement_unit_is_a_parameter(store):
    by_turn = evaluation_report_data(store, region="vale")
    by_character = evaluation_report_data(store, region="vale", agreement_unit="character")
    assert set(by_character.agreement["unit"]) == {"character"}
    turn_units = by_turn.agreement.iloc[-1]["n_units"]
    assert by_character.agreement.iloc[-1]["n_units"] > turn_units


def test_report_html_escapes_user_text(store):
    report = evaluation_report_data(store, region="vale")
    page = "".join(
        [
            sources_summary_html(report.summary),
            likert_summary_html(report.likert),
            quotes_html(report.quotes),
            joint_display_html(report.joint),
            coder_agreement_html(report.agreement, report.code_names),
            agreement_reading(report.agreement, report.agreement_unit),
        ]
    )
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "Secret Person" not in page


def test_agreement_reading_names_the_unit(store):
    report = evaluation_report_data(store, region="vale")
    reading = agreement_reading(report.agreement, "turn")
    assert "Unit: each speaker turn" in reading
    assert "coder-A and coder-B" in reading


def test_unknown_region_is_refused(store):
    with pytest.raises(NotFoundError, match="no region with key 'nowhere'"):
        evaluation_report_data(store, region="nowhere")


def test_a_region_without_evaluation_data_is_refused(store):
    with pytest.raises(NotFoundError, match="no evaluation sources or questionnaires"):
        evaluation_report_data(store, region="quiet")


def test_tasks_only_for_regions_with_evaluation_data(tmp_path):
    url = f"sqlite:///{tmp_path / 's.db'}"
    write_batch(open_store(url), RecordBatch(subjects=(SubjectRecord("quiet", "Quiet"),)))
    write_evaluation(
        open_store(url),
        EvaluationBatch(
            sources=(SourceRecord("q", "Q", "interview", None, "Hello.", region=None),),
        ),
    )
    assert evaluation_tasks(url, tmp_path / "reports") == []


# --- the demo data -------------------------------------------------------------------------


def test_evaluation_tasks_for_the_demo_regions(demo_store_url, tmp_path):
    from scirocco_lab.evaluation.store import questionnaires_frame, sources_frame

    store = open_store(demo_store_url)
    expected = sorted(
        set(sources_frame(store)["region"].dropna())
        | set(questionnaires_frame(store)["region"].dropna())
    )
    tasks = evaluation_tasks(demo_store_url, tmp_path)
    assert expected and sorted(t.parameters["region"] for t in tasks) == expected
    assert {t.group for t in tasks} == {"Evaluation"}
    assert all(t.synthetic and t.template == "evaluation" for t in tasks)
    assert tasks[0].output == tmp_path / "evaluation" / f"{tasks[0].parameters['region']}.html"
    assert [t.parameters["region"] for t in evaluation_tasks(demo_store_url, tmp_path, regions=[
        expected[0]])] == [expected[0]]  # fmt: skip


@pytest.mark.slow
def test_evaluation_report_renders_for_a_demo_region(demo_store_url, tmp_path):
    task = evaluation_tasks(demo_store_url, tmp_path)[0]
    result = render_report(task)
    assert result.ok, result.error
    page = task.output.read_text("utf-8")
    assert "Synthetic demo data" in page  # the banner
    assert 'class="sl-table sl-joint-display"' in page
    assert "Krippendorff&#x27;s alpha" in page or "Krippendorff's alpha" in page
    assert "Unit: each speaker turn" in page
    assert not re.search(r"<script[^>]+src=", page)


def test_template_has_one_parameters_cell():
    notebook = nbformat.read(TEMPLATE, as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for name in ("store_url", "region", "programme", "instrument", "agreement_unit"):
        assert f"{name} =" in tagged[0].source


def test_group_chart_pools_items_with_reverse_scored_ones_reversed(items_frame):
    import pandas as pd

    from scirocco_lab.evaluation.report import _pooled_items

    answers = pd.DataFrame(
        {
            "questionnaire": "q",
            "respondent": ["R1", "R1"],
            "group": "a",
            "item": ["useful", "too-long"],
            "value": [5.0, 2.0],
        }
    )
    items = items_frame("q", {"useful": "Useful", "too-long": "Too long"}, reversed=("too-long",))
    pooled, pooled_items = _pooled_items(answers, items, 1, 5)
    assert pooled["value"].tolist() == [5.0, 4.0]
    assert set(pooled["item"]) == {"all-items"} == set(pooled_items["item"])


def test_group_chart_is_one_chart_per_questionnaire(store):
    charts = evaluation_report_data(store, region="vale").likert_charts(by="group")
    assert len(charts) == 1
    assert "by respondent group" in charts[0][0]
