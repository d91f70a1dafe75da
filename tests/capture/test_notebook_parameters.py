"""Every capture notebook takes its inputs from a cell tagged ``parameters``, so papermill
(``-p region corvalla``) and a facilitator's copy override them."""

import json
from pathlib import Path

import nbformat
import papermill
import pytest

from scirocco_lab.capture.serve import CAPTURE_NOTEBOOKS

NOTEBOOKS = CAPTURE_NOTEBOOKS
# notebook -> (parameter, a value other than the notebook's default); the form notebook takes
# its inputs from `scirocco-lab serve`, not from parameters.
NON_DEFAULT = {
    "action_plan": ("region", "corvalla"),
    "coaching_log": ("programme", "coach-elsewhere"),
    "consensus_workshop": ("subject", "corvalla"),
    "knowledge_transfer": ("region", "corvalla"),
    "twinning_meeting": ("receiving", "corvalla"),
    "coding": ("coder", "coder-Z"),
}


def parameters_cells(path: Path) -> list:
    notebook = nbformat.read(path, as_version=4)
    return [c for c in notebook.cells if "parameters" in c.get("metadata", {}).get("tags", [])]


@pytest.mark.parametrize("name", sorted(NON_DEFAULT))
def test_capture_notebook_has_one_parameters_cell(name):
    assert len(parameters_cells(NOTEBOOKS / f"{name}.ipynb")) == 1


def test_every_capture_notebook_with_inputs_is_listed():
    tagged = {path.stem for path in NOTEBOOKS.glob("*.ipynb") if parameters_cells(path)}
    assert tagged == set(NON_DEFAULT)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(NON_DEFAULT))
def test_capture_notebook_uses_a_papermill_parameter(name, demo_store_url, tmp_path):
    parameter, value = NON_DEFAULT[name]
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    # Run the cells up to building params, then print them: what matters is that the value
    # reached the code that builds the widget (which may refuse an unknown key).
    probe = nbformat.v4.new_code_cell("import json\nprint(json.dumps(params, default=str))")
    index = next(i for i, c in enumerate(notebook.cells) if "params = {" in c.source)
    call = notebook.cells[index]
    lines = call.source.splitlines()
    end = max(i for i, line in enumerate(lines) if line.startswith("params = {")) + 1
    while end < len(lines) and lines[end - 1].count("{") > lines[end - 1].count("}"):
        end += 1
    call.source = "\n".join(lines[:end])
    notebook.cells = [*notebook.cells[: index + 1], probe]
    source = tmp_path / f"{name}.ipynb"
    nbformat.write(notebook, source)
    executed = papermill.execute_notebook(
        str(source),
        str(tmp_path / f"{name}-out.ipynb"),
        parameters={parameter: value, "store_url": demo_store_url},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(NOTEBOOKS),
    )
    printed = "".join(o.get("text", "") for o in executed.cells[-1].get("outputs", []))
    assert json.loads(printed)[parameter] == value
