"""The coding panel without a browser: set values, click, and check what the store holds."""

import papermill
import pytest

from scirocco_lab.capture.coding import CodingPanel, find_excerpt
from scirocco_lab.capture.serve import CAPTURE_NOTEBOOKS
from scirocco_lab.errors import NotFoundError
from scirocco_lab.evaluation.records import (
    CodeRecord,
    CoderRecord,
    ParticipantRecord,
    TurnRecord,
)
from scirocco_lab.evaluation.store import segments_frame, write_evaluation
from scirocco_lab.store import open_store

TEXT = (
    "FG-P01: The <script>alert(1)</script> visit showed us integrated care.\n\n"
    "Facilitator: What about the budget?\n\n"
    "FG-P02: The budget was pooled. Trust came later."
)


def _turn(number, speaker, utterance):
    start = TEXT.index(utterance)
    return TurnRecord("fg-1", number, start, start + len(utterance), speaker)


@pytest.fixture
def store(tmp_path, focus_group_batch):
    store = open_store(str(tmp_path / "store.db"))
    write_evaluation(
        store,
        focus_group_batch(
            TEXT,
            (
                ParticipantRecord("FG-P01", group="clinician", full_name="Secret Person One"),
                ParticipantRecord("FG-P02", group="manager", full_name="Secret Person Two"),
            ),
            turns=(
                _turn(
                    1, "FG-P01", "The <script>alert(1)</script> visit showed us integrated care."
                ),
                _turn(2, "Facilitator", "What about the budget?"),
                _turn(3, "FG-P02", "The budget was pooled. Trust came later."),
            ),
            codes=(
                CodeRecord("context", "Context", colour="#123456"),
                CodeRecord("funding", "Funding", parent="context"),
                CodeRecord("trust", "Trust"),
            ),
            coders=(CoderRecord("coder-A"), CoderRecord("coder-B")),
        ),
    )
    return store


def stored(store):
    return segments_frame(store)[["code", "coder", "text", "origin"]].to_dict("records")


def test_applying_a_code_to_an_excerpt_writes_a_segment(store):
    panel = CodingPanel(store, coder="coder-A", source="fg-1")
    panel.select_turns(3)
    panel.excerpt.value = "budget was pooled"
    panel.code_picker.value = "funding"
    panel.apply_button.click()
    assert stored(store) == [
        {"code": "funding", "coder": "coder-A", "text": "budget was pooled", "origin": "manual"}
    ]
    assert "Context/Funding" in panel.message.value
    assert "<mark" in panel.transcript.value


def test_a_range_of_turns_is_coded_as_one_segment(store):
    panel = CodingPanel(store, coder="coder-A", source="fg-1")
    panel.select_turns(2, 3)
    panel.code_picker.value = "trust"
    panel.apply_button.click()
    (segment,) = stored(store)
    assert segment["text"].startswith("What about the budget?")
    assert segment["text"].endswith("Trust came later.")


def test_remove_button_removes_the_segment(store):
    panel = CodingPanel(store, coder="coder-A", source="fg-1")
    panel.select_turns(3)
    panel.code_picker.value = "trust"
    panel.apply_button.click()
    (segment_id,) = panel.remove_buttons
    panel.remove_buttons[segment_id].click()
    assert segments_frame(store).empty
    assert "Removed Trust" in panel.message.value


def test_excerpt_not_found_shows_a_message_and_writes_nothing(store):
    panel = CodingPanel(store, coder="coder-A", source="fg-1")
    panel.select_turns(1)
    panel.excerpt.value = "budget was pooled"  # it is in turn 3, not turn 1
    panel.code_picker.value = "funding"
    panel.apply_button.click()
    assert "is not in the chosen turn" in panel.message.value
    assert segments_frame(store).empty


def test_an_excerpt_occurring_twice_is_refused():
    with pytest.raises(NotFoundError, match="occurs 2 times"):
        find_excerpt("the budget, the budget", 0, 22, "budget")


def test_widget_shows_pseudonyms_and_escapes_the_text(store):
    panel = CodingPanel(store, coder="coder-A", source="fg-1")
    page = panel.transcript.value
    assert "FG-P01" in page and "FG-P02" in page
    assert "Secret Person" not in page
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_panel_lists_only_the_coders_own_segments(store):
    panel = CodingPanel(store, coder="coder-B", source="fg-1")
    panel.select_turns(3)
    panel.code_picker.value = "trust"
    panel.apply_button.click()
    panel.choose_coder("coder-A")
    assert panel.remove_buttons == {}


def test_without_a_coder_nothing_is_written(store):
    panel = CodingPanel(store, source="fg-1")
    panel.code_picker.value = "trust"
    panel.apply_button.click()
    assert "Choose or type a coder" in panel.message.value
    assert segments_frame(store).empty


def test_a_new_coder_is_added_with_the_first_segment(store):
    panel = CodingPanel(store, source="fg-1")
    panel.coder_picker.value = "coder-new"
    panel.select_turns(3)
    panel.code_picker.value = "trust"
    panel.apply_button.click()
    assert [s["coder"] for s in stored(store)] == ["coder-new"]


def test_the_same_segment_twice_is_refused_in_the_widget(store):
    panel = CodingPanel(store, coder="coder-A", source="fg-1")
    panel.select_turns(3)
    panel.code_picker.value = "trust"
    panel.apply_button.click()
    panel.code_picker.value = "trust"
    panel.apply_button.click()
    assert "nothing was written" in panel.message.value
    assert len(segments_frame(store)) == 1


# --- auto-coding tab -------------------------------------------------------------------------


def write_rules(tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text(
        "code,kind,pattern,unit\nfunding,keyword,budget,sentence\ntrust,keyword,trust,\n"
    )
    return path


def test_loaded_rules_propose_without_writing(store, tmp_path):
    panel = CodingPanel(store, coder="coder-A", source="fg-1")
    panel.rules_path.value = str(write_rules(tmp_path))
    panel.load_button.click()
    assert sorted(panel.proposals["code"]) == ["funding", "funding", "trust"]
    assert len(panel.proposal_buttons) == 3
    assert segments_frame(store).empty


def test_accept_button_writes_an_auto_segment(store, tmp_path):
    panel = CodingPanel(store, coder="coder-A", source="fg-1", rules=write_rules(tmp_path))
    index = panel.proposals.index[panel.proposals["code"] == "trust"][0]
    accept, _reject = panel.proposal_buttons[index]
    accept.click()
    assert stored(store) == [
        {"code": "trust", "coder": "coder-A", "text": "Trust came later.", "origin": "auto"}
    ]
    assert "trust" not in set(panel.proposals["code"])  # covered now, not proposed again


def test_rejected_proposals_are_not_proposed_again_in_the_session(store, tmp_path):
    panel = CodingPanel(store, coder="coder-A", source="fg-1", rules=write_rules(tmp_path))
    panel.reject_all_button.click()
    assert panel.proposals.empty and len(panel.rejected) == 3
    panel.load_rules(write_rules(tmp_path))
    assert panel.proposals.empty
    assert segments_frame(store).empty


def test_accept_all_writes_every_proposal(store, tmp_path):
    panel = CodingPanel(store, coder="coder-A", source="fg-1", rules=write_rules(tmp_path))
    panel.accept_all_button.click()
    assert sorted(s["code"] for s in stored(store)) == ["funding", "funding", "trust"]
    assert {s["origin"] for s in stored(store)} == {"auto"}


def test_bad_rules_file_shows_file_and_row(store, tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text("code,kind,pattern\nfunding,regex,budget(\nnope,keyword,x\n")
    panel = CodingPanel(store, coder="coder-A", source="fg-1")
    panel.load_rules(path)
    assert "row 2" in panel.message.value and "row 3" in panel.message.value
    assert "unknown code" in panel.message.value
    assert panel.proposals.empty


@pytest.mark.slow
def test_coding_notebook_runs(store, tmp_path):
    notebook = CAPTURE_NOTEBOOKS / "coding.ipynb"
    executed = papermill.execute_notebook(
        str(notebook),
        str(tmp_path / "coding.ipynb"),
        parameters={"store_url": str(store.engine.url), "coder": "coder-A"},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(notebook.parent),
    )
    outputs = [o for cell in executed.cells for o in cell.get("outputs", [])]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
