"""Every exploratory notebook runs top to bottom against a freshly seeded demo store."""

from pathlib import Path

import papermill
import pytest

from scirocco_lab.assessment.demo import generate_demo
from scirocco_lab.assessment.store import write_batch
from scirocco_lab.evaluation.demo import seed_evaluation_demo
from scirocco_lab.planning.demo import seed_planning_demo
from scirocco_lab.store import open_store

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks" / "explore").glob("*.ipynb"))


@pytest.fixture(scope="module")
def demo_store_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('nb') / 'demo.db'}"
    store = open_store(url)
    write_batch(store, generate_demo())
    seed_planning_demo(store)
    seed_evaluation_demo(store)
    return url


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_explore_notebook_runs(notebook, demo_store_url, tmp_path):
    papermill.execute_notebook(
        str(notebook),
        str(tmp_path / notebook.name),
        parameters={"store_url": demo_store_url},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(notebook.parent),
    )
