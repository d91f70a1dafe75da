"""Fixtures shared by the whole suite: the bundled instrument and one demo store per session.

Tests that write build their own small store (usually ``open_store("sqlite://")`` with a few
generated records), so the session-wide demo store is only ever read.
"""

import pytest

from scirocco_lab.assessment.demo import generate_demo
from scirocco_lab.assessment.store import write_batch
from scirocco_lab.evaluation.demo import seed_evaluation_demo
from scirocco_lab.instruments import load_instrument
from scirocco_lab.planning.demo import seed_planning_demo
from scirocco_lab.store import open_store


@pytest.fixture(scope="session")
def exchange():
    """The default instrument, SCIROCCO Exchange (12 dimensions, levels 0..5)."""
    return load_instrument("scirocco-exchange")


@pytest.fixture(scope="session")
def demo_store_url(tmp_path_factory):
    """A file store holding the whole synthetic demo: ratings, planning and evaluation records.

    Built once per session; tests read it and never write to it.
    """
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    store = open_store(url)
    write_batch(store, generate_demo())
    seed_planning_demo(store)
    seed_evaluation_demo(store)
    store.engine.dispose()
    return url
