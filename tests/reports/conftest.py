"""Fixtures of the report-engine tests: a demo store of the test's own, a build command and
small report notebooks."""

import pytest

from scirocco_lab.cli import main


@pytest.fixture
def demo_url(tmp_path):
    """A fresh file store seeded with the synthetic demo, for a test that writes to it."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["--store", url, "store", "init", "--seed-demo-if-empty"]) == 0
    return url


@pytest.fixture
def build():
    """``build(url, out, *options)``: `scirocco-lab reports build --quiet`, its exit status."""

    def run(url, out, *extra):
        return main(["--store", url, "reports", "build", "--out", str(out), "--quiet", *extra])

    return run


@pytest.fixture(scope="session")
def write_notebook():
    """``write_notebook(path, *cells, parameters="region = None")``: a report notebook as
    papermill runs it (a python3 kernelspec, the cell tagged ``parameters`` first, then one
    code cell per source); returns ``path``."""
    import nbformat

    def write(path, *cells, parameters="region = None"):
        notebook = nbformat.v4.new_notebook()
        notebook.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        notebook.metadata["language_info"] = {"name": "python"}
        tagged = nbformat.v4.new_code_cell(parameters)
        tagged.metadata["tags"] = ["parameters"]
        notebook.cells = [tagged, *(nbformat.v4.new_code_cell(source) for source in cells)]
        nbformat.write(notebook, path)
        return path

    return write
