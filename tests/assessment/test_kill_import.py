"""kill -9 in the middle of a ratings import: the store opens, SQLite's integrity check
passes, and the import happened wholly or not at all (every table's row count is the one
before or the one after the whole import, never one between)."""

import csv
import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest

from scirocco_lab.cli import main
from scirocco_lab.store import open_store

pytestmark = pytest.mark.slow

COPIES = 30  # regions in the generated file: 30 x 240 = 7,200 rating rows


def copy_store(source_url, target):
    source = sqlite3.connect(source_url.removeprefix("sqlite:///"))
    copy = sqlite3.connect(target)
    with closing(source), closing(copy):
        source.backup(copy)
    return target


@pytest.fixture(scope="module")
def large_ratings_csv(tmp_path_factory, demo_store_url):
    """A long-layout ratings CSV of ``COPIES`` generated regions, made from one demo region's
    export (new region keys and assessor pseudonyms, so all of it is new to the store)."""
    folder = tmp_path_factory.mktemp("large-import")
    exported = folder / "northvale.csv"
    assert main(["--store", demo_store_url, "export", str(exported)]) == 0
    with exported.open(newline="", encoding="utf-8") as handle:
        rows = [
            row
            for row in csv.DictReader(handle)
            if row["subject"] == "northvale" and row["round"] == "1" and row["kind"] == "HS"
        ]
    large = folder / "large.csv"
    with large.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for number in range(COPIES):
            for row in rows:
                writer.writerow(
                    {
                        **row,
                        "subject": f"generated-{number:03d}",
                        "subject_name": f"Generated region {number}",
                        "assessor": f"G{number:03d}-{row['assessor']}" if row["assessor"] else "",
                    }
                )
    return large


def import_command(store_file, csv_file):
    return [sys.executable, "-m", "scirocco_lab", "--store", str(store_file), "import",
            str(csv_file)]  # fmt: skip


@pytest.fixture(scope="module")
def counts_before_and_after(tmp_path_factory, demo_store_url, large_ratings_csv):
    """The demo store's row counts, and those after the whole import, run uninterrupted."""
    import_counts = {}
    folder = tmp_path_factory.mktemp("uninterrupted")
    store_file = copy_store(demo_store_url, folder / "store.db")
    import_counts["before"] = _counts(store_file)
    subprocess.run(import_command(store_file, large_ratings_csv), check=True, capture_output=True)
    import_counts["after"] = _counts(store_file)
    assert import_counts["after"]["ratings"] > import_counts["before"]["ratings"]
    return import_counts["before"], import_counts["after"]


def _counts(store_file):
    with closing(sqlite3.connect(store_file)) as connection:
        names = [
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {n: connection.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


@pytest.mark.parametrize("delay", [0.0, 0.05], ids=["at-first-write", "50ms-in"])
def test_kill_during_import_leaves_all_or_nothing(
    tmp_path,
    demo_store_url,
    large_ratings_csv,
    counts_before_and_after,
    kill_while_writing,
    table_counts,
    delay,
):
    before, after = counts_before_and_after
    store_file = copy_store(demo_store_url, tmp_path / "store.db")
    killed = kill_while_writing(
        import_command(store_file, large_ratings_csv), store_file, delay=delay
    )
    counts = table_counts(store_file)
    if delay == 0.0:
        assert killed, "the import finished before it could be killed mid-transaction"
        assert counts == before
    assert counts in (before, after)
    open_store(str(store_file), create=False).engine.dispose()
    # Nothing is left stuck: the same import runs to the end afterwards.
    if counts == before:
        subprocess.run(
            import_command(store_file, large_ratings_csv), check=True, capture_output=True
        )
        assert table_counts(store_file) == after
