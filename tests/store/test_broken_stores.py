"""Broken stores and environments: one clear message (what, which file, what to do), exit 2."""

import sqlite3

import pytest

from scirocco_lab.cli import main
from scirocco_lab.config import store_url
from scirocco_lab.store import engine, open_store


def run(capsys, *args):
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def store_file(tmp_path, capsys):
    path = tmp_path / "s.db"
    assert run(capsys, "--store", str(path), "subjects", "add", "basque", "--name", "B")[0] == 0
    engine_ = open_store(str(path)).engine
    engine_.dispose()
    # Fold the WAL into the main file so that damaging the file damages the data.
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _assert_clear(status, err, *words):
    assert status == 2
    assert "Traceback" not in err
    assert err.startswith("scirocco-lab: error:")
    for word in words:
        assert word in err


def test_not_sqlite_file_is_refused_naming_it(capsys, tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("just some notes\n")
    status, _, err = run(capsys, "--store", str(path), "subjects", "list")
    _assert_clear(status, err, str(path), "not an SQLite database")
    assert path.read_text() == "just some notes\n"


def test_truncated_store_is_refused_not_listed(capsys, store_file):
    data = store_file.read_bytes()
    store_file.write_bytes(data[: len(data) // 2])
    status, out, err = run(capsys, "--store", str(store_file), "subjects", "list")
    _assert_clear(status, err, str(store_file), "damaged", "backup")
    assert out == ""


def test_corrupted_store_is_refused_not_listed(capsys, store_file):
    data = bytearray(store_file.read_bytes())
    for offset in range(4096, len(data), 4096):  # every page after the first: garbage
        data[offset + 8 : offset + 200] = b"\xff" * 192
    store_file.write_bytes(bytes(data))
    status, out, err = run(capsys, "--store", str(store_file), "subjects", "list")
    _assert_clear(status, err, str(store_file))
    assert "basque" not in out


def test_store_check_says_healthy(capsys, store_file):
    status, out, _ = run(capsys, "--store", str(store_file), "store", "check")
    assert status == 0 and "healthy" in out


def test_store_check_on_damaged_store_exits_2(capsys, store_file):
    data = store_file.read_bytes()
    store_file.write_bytes(data[: len(data) // 2])
    status, _, err = run(capsys, "--store", str(store_file), "store", "check")
    _assert_clear(status, err, "damaged")


def test_reading_a_missing_store_never_creates_it(capsys, tmp_path):
    path = tmp_path / "nowhere" / "s.db"
    status, _, err = run(capsys, "--store", str(path), "subjects", "list")
    _assert_clear(status, err, str(path), "store init")
    assert not path.exists() and not path.parent.exists()


def test_read_only_store_gives_one_clear_message(capsys, store_file):
    # Opened read-only by SQLite itself: file permissions would not bind when run as root.
    url = f"sqlite:///file:{store_file}?mode=ro&uri=true"
    status, _, err = run(capsys, "--store", url, "subjects", "add", "x", "--name", "X")
    _assert_clear(status, err, str(store_file), "cannot be written", "writable")


def test_import_while_another_process_holds_the_write_lock(
    capsys, store_file, tmp_path, monkeypatch
):
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_SECONDS", 0.2)
    ratings = tmp_path / "r.csv"
    ratings.write_text(
        "subject,kind,status,assessor,role,dimension,level\n"
        "basque,HS,draft,A1,clinician,funding,3\n"
    )
    holder = sqlite3.connect(store_file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        status, _, err = run(capsys, "--store", str(store_file), "import", str(ratings))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    _assert_clear(status, err, "busy", "write lock", "again")


def test_relative_store_path_is_relative_to_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert store_url("data/x.db") == f"sqlite:///{tmp_path / 'data' / 'x.db'}"
    assert store_url("sqlite:///x.db") == f"sqlite:///{tmp_path / 'x.db'}"


def test_export_where_no_file_can_be_written_is_clear_and_leaves_nothing(
    capsys, store_file, tmp_path
):
    # A file where the folder should be: mkdir fails as it does in a read-only folder
    # (permissions themselves do not bind when the tests run as root).
    blocker = tmp_path / "reports"
    blocker.write_text("")
    status, _, err = run(capsys, "--store", str(store_file), "export", str(blocker / "x.csv"))
    _assert_clear(status, err, "cannot be written", str(blocker / "x.csv"))
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".") or "partial" in p.name]
