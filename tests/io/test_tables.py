"""read_table: every row of a workbook, and levels only when written as integers."""

import pytest
from openpyxl import Workbook

from scirocco_lab.io.tables import read_table, whole_number

N_ROWS = 30_000


def _big_workbook(path, *, blank_first_row: bool = False):
    workbook = Workbook()
    sheet = workbook.active
    if blank_first_row:
        sheet.append([])
    sheet.append(["subject", "kind", "assessor", "dimension", "level"])
    for number in range(N_ROWS):
        sheet.append(["northvale", "HS", f"A{number:05d}", "funding", number % 6])
    workbook.save(path)
    return path


@pytest.mark.parametrize("blank_first_row", [False, True])
def test_large_workbook_with_placeholder_dimension_reads_every_row(
    tmp_path, blank_first_row, with_placeholder_dimension
):
    path = with_placeholder_dimension(
        _big_workbook(tmp_path / "big.xlsx", blank_first_row=blank_first_row)
    )
    table = read_table(path, None)
    assert table.header == ["subject", "kind", "assessor", "dimension", "level"]
    assert len(table.rows) == N_ROWS
    assert table.rows[-1][1][2] == f"A{N_ROWS - 1:05d}"


def test_large_workbook_keeps_its_row_numbers(tmp_path):
    table = read_table(_big_workbook(tmp_path / "big.xlsx"), None)
    assert table.rows[0][0] == 2 and table.rows[-1][0] == N_ROWS + 1


@pytest.mark.parametrize("text", ["1e0", "3.0000001", "2.5", "3.", ".3", "0x3", "3 4", ""])
def test_whole_number_refuses_what_is_not_written_as_an_integer(text):
    assert whole_number(text) is None


@pytest.mark.parametrize(("text", "value"), [("0", 0), ("5", 5), ("+3", 3), ("-1", -1)])
def test_whole_number_reads_integers(text, value):
    assert whole_number(text) == value
