"""Every exploratory notebook runs top to bottom against a freshly seeded demo store."""

from pathlib import Path

import papermill
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks" / "explore").glob("*.ipynb"))


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
