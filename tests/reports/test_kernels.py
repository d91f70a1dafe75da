"""Report kernels forked from the warm template: isolated per report, papermill's conventions."""

import json
import re

import papermill
import pytest

from scirocco_lab.reports.engine import build_reports, render_report
from scirocco_lab.reports.kernels import ENGINE_NAME, template_process
from scirocco_lab.reports.registry import ReportTask

pytestmark = pytest.mark.slow


def run(path, **parameters):
    return papermill.execute_notebook(
        str(path),
        None,
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        engine_name=ENGINE_NAME,
        shutdown_kernel="immediate",
    )


def stdout_of(notebook, index=-1):
    outputs = notebook.cells[index].outputs
    return "".join(out.get("text", "") for out in outputs if out.output_type == "stream")


def test_a_report_sees_nothing_another_report_left_behind(tmp_path, write_notebook):
    polluter = write_notebook(
        tmp_path / "polluter.ipynb",
        "import json, os\nimport matplotlib\n"
        "json.LEFT_BEHIND = 1\nmatplotlib.rcParams['lines.linewidth'] = 9.0\n"
        "leftover = 1\nprint(os.getpid())",
    )
    checker = write_notebook(
        tmp_path / "checker.ipynb",
        "import json, os\nimport matplotlib\n"
        "print(json.dumps([hasattr(json, 'LEFT_BEHIND'), matplotlib.rcParams['lines.linewidth'],"
        " 'leftover' in globals(), os.getpid()]))",
    )
    first_pid = int(stdout_of(run(polluter)))
    module_state, linewidth, variable, second_pid = json.loads(stdout_of(run(checker)))
    assert (module_state, linewidth, variable) == (False, 1.5, False)
    assert len({first_pid, second_pid, template_process().pid}) == 3


def test_parameters_arrive_in_papermills_injected_cell(tmp_path, write_notebook):
    notebook = run(write_notebook(tmp_path / "p.ipynb", "print(region.upper())"), region="vale")
    assert "injected-parameters" in notebook.cells[1].metadata["tags"]
    assert stdout_of(notebook).strip() == "VALE"


def test_an_error_in_a_report_is_papermills_execution_error(tmp_path, write_notebook):
    path = write_notebook(tmp_path / "e.ipynb", "raise ValueError('deliberate 42')")
    with pytest.raises(papermill.PapermillExecutionError) as raised:
        run(path)
    assert raised.value.ename == "ValueError" and "deliberate 42" in raised.value.evalue


def test_a_crashing_kernel_fails_only_its_own_report(tmp_path, write_notebook, monkeypatch):
    templates = tmp_path / "templates"
    templates.mkdir()
    write_notebook(
        templates / "crash.ipynb",
        "import os\nif region == 'bad':\n    os._exit(3)",
        "from IPython.display import HTML, display\ndisplay(HTML(f'<p>report {region}</p>'))",
    )
    monkeypatch.setenv("SCIROCCO_LAB_TEMPLATES", str(templates))
    out = tmp_path / "out"
    tasks = [
        ReportTask("crash", f"Report {key}", {"region": key}, out / f"{key}.html")
        for key in ("bad", "good")
    ]
    bad, good = build_reports(tasks, out, workers=2)
    assert not bad.ok and "died" in bad.error.lower()
    assert good.ok and "report good" in (out / "good.html").read_text("utf-8")
    assert not (out / "bad.html").exists()


def test_papermills_own_engine_gives_the_same_outputs(tmp_path, write_notebook, monkeypatch):
    templates = tmp_path / "templates"
    templates.mkdir()
    write_notebook(
        templates / "plain.ipynb",
        "from IPython.display import HTML, display\n"
        "import numpy as np\ndisplay(HTML(f'<p>{region}: {np.arange(4).sum()}</p>'))",
    )
    monkeypatch.setenv("SCIROCCO_LAB_TEMPLATES", str(templates))
    pages = []
    for engine in (ENGINE_NAME, None):
        task = ReportTask("plain", "Plain", {"region": "vale"}, tmp_path / f"{engine}.html")
        result = render_report(task, engine=engine)
        assert result.ok, result.error
        # The injected-parameters cell gets a new random id on every run.
        pages.append(re.sub(r"cell-id=[0-9a-f-]+", "", task.output.read_text("utf-8")))
    assert pages[0] == pages[1] and "vale: 6" in pages[0]
