"""Each report kind declares exactly the store tables its notebook reads: an incremental
build fingerprints the declared tables, so a table read but not declared would leave reports
stale, and one declared but not read would rebuild them for nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from scirocco_lab.reports.engine import report_templates
from scirocco_lab.reports.registry import report_kinds
from scirocco_lab.store import schema

# Read only in some stores: a store's own copy of an instrument that is not bundled.
SOMETIMES_READ = {"instruments"}

TABLE = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', re.IGNORECASE)


def tables_read(notebook: Path, parameters: dict) -> set[str]:
    """The store tables the notebook's SELECTs name, running its code cells in this process
    with the task's parameters (as papermill injects them)."""
    schema.register_tables()
    known = set(schema.metadata.tables)
    seen: set[str] = set()

    def record(_connection, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.update(name for name in TABLE.findall(statement) if name in known)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        namespace: dict = {}
        for cell in json.loads(notebook.read_text("utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            exec("".join(cell["source"]), namespace)  # the package's own notebook
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                namespace.update(parameters)
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    return seen


@pytest.mark.slow
@pytest.mark.parametrize("kind", report_kinds(), ids=lambda kind: kind.name)
def test_a_kind_declares_the_tables_its_notebook_reads(kind, demo_store_url, tmp_path, capsys):
    tasks = kind.tasks(demo_store_url, tmp_path, regions=None, instrument="scirocco-exchange")
    assert tasks, f"the demo store gives no {kind.name} report to check"
    notebook = report_templates()[kind.template]
    read = set().union(*(tables_read(notebook, task.parameters) for task in tasks[:2]))
    capsys.readouterr()  # the notebooks' displayed HTML
    declared = set(kind.reads)
    assert read - declared == set(), "read but not declared"
    assert declared - read - SOMETIMES_READ == set(), "declared but not read"
