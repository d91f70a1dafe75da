"""Every malformed or hostile input in tests/corpus/ is refused the same way.

For each case of cases.csv: exit status 2 (or a SciroccoLabError from the API), no traceback,
one message naming the file and what cases.csv expects (row/line/field), and every table's row
count unchanged.
"""

import csv
import re
import shlex
import shutil
import traceback
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, inspect, select, table

from scirocco_lab.cli import main
from scirocco_lab.errors import SciroccoLabError
from scirocco_lab.evaluation.autocode import load_rules

HERE = Path(__file__).parent
with (HERE / "cases.csv").open(encoding="utf-8") as _handle:
    CASES = list(csv.DictReader(_handle))
BIG_ROWS = 25_000


@pytest.fixture
def store_copy(demo_store_url, tmp_path):
    source = Path(demo_store_url.removeprefix("sqlite:///"))
    target = tmp_path / "store.db"
    shutil.copy(source, target)
    return f"sqlite:///{target}"


def _counts(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            names = inspect(connection).get_table_names()
            return {
                name: connection.execute(select(func.count()).select_from(table(name))).scalar()
                for name in names
            }
    finally:
        engine.dispose()


def _run(command: str, file: Path, store: str, capsys) -> tuple[int, str]:
    filled = command.format(file=file, support=HERE / "support")
    if filled.startswith("api:load_rules "):
        try:
            load_rules(Path(shlex.split(filled)[1]))
        except SciroccoLabError as exc:
            return 2, f"scirocco-lab: error: {exc}"
        return 0, ""
    try:
        status = main(["--store", store, *shlex.split(filled)])
    except SystemExit as exc:  # argparse
        status = exc.code
    except Exception:  # what the user would see as a traceback
        return -1, traceback.format_exc()
    return status, capsys.readouterr().err


def _check(status: int, message: str, file: Path, expect: str) -> None:
    assert status == 2, message
    assert "Traceback" not in message
    assert message.count("scirocco-lab: error:") == 1, message
    assert file.name in message or str(file) in message, message
    for fragment in expect.split("|"):
        assert re.search(re.escape(fragment), message, flags=re.IGNORECASE), (fragment, message)


@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_malformed_input_is_refused_cleanly(case, store_copy, capsys):
    file = HERE / "files" / case["file"]
    before = _counts(store_copy)
    status, message = _run(case["command"], file, store_copy, capsys)
    _check(status, message, file, case["expect"])
    assert _counts(store_copy) == before


def _big_workbook(path: Path, last_level) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["subject", "kind", "status", "assessor", "role", "dimension", "level"])
    for number in range(BIG_ROWS):
        level = last_level if number == BIG_ROWS - 1 else 3
        sheet.append(["northvale", "HS", "draft", f"NV-B{number}", "nurse", "funding", level])
    workbook.save(path)
    return path


def test_big_workbook_with_a_bad_last_row_names_that_row(
    store_copy, tmp_path, capsys, with_placeholder_dimension
):
    # written with a placeholder <dimension ref="A1"/>, as streaming writers do
    file = with_placeholder_dimension(_big_workbook(tmp_path / "big.xlsx", "2.5"))
    before = _counts(store_copy)
    status, message = _run("import {file}", file, store_copy, capsys)
    _check(status, message, file, f"row {BIG_ROWS + 1}|level")
    assert _counts(store_copy) == before


def test_corpus_has_at_least_sixty_cases():
    assert len(CASES) >= 60
    assert all((HERE / "files" / case["file"]).is_file() for case in CASES)
