"""Reports rebuilt after ``people forget`` no longer show the person or their words."""

import html

import pytest

from scirocco_lab.evaluation.report import evaluation_tasks
from scirocco_lab.evaluation.store import turns_frame
from scirocco_lab.reports.engine import build_reports
from scirocco_lab.store import open_store
from scirocco_lab.store.erasure import forget_person

pytestmark = pytest.mark.slow

PARTICIPANT = "CRV-P02"


def _page(url, out):
    (result,) = build_reports(
        evaluation_tasks(url, out, regions=["corvalla"]), out, workers=1, force=True
    )
    assert result.ok, result.error
    return result.task.output.read_text("utf-8")


def _shown(texts, page):
    return [text for text in texts if html.escape(text, quote=False) in page or text in page]


def test_evaluation_report_rebuilt_after_forget_has_neither_pseudonym_nor_turns(
    demo_copy_url, tmp_path
):
    store = open_store(demo_copy_url)
    turns = turns_frame(store)
    texts = turns.loc[turns["speaker"] == PARTICIPANT, "text"].tolist()
    before = _page(demo_copy_url, tmp_path / "before")
    assert PARTICIPANT in before and _shown(texts, before)
    forget_person(store, PARTICIPANT, contributions=True)
    after = _page(demo_copy_url, tmp_path / "after")
    assert PARTICIPANT not in after
    assert _shown(texts, after) == []
