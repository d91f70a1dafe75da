"""Fixtures of the report-engine tests: a demo store of the test's own, and a build command."""

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
