"""One rounding rule for shown numbers: round half up at the shown precision."""

import pandas as pd
import pytest

from scirocco_lab.errors import ConfigurationError
from scirocco_lab.io.display import format_number
from scirocco_lab.io.html import table_html


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (0.25, 1, "0.3"),  # Python's format gives 0.2 (half to even on the binary value)
        (0.125, 2, "0.13"),
        (2.5, 0, "3"),
        (3.5, 0, "4"),
        (1.05, 1, "1.1"),  # stored as 1.04999..., shown as a reader rounds 1.05
        (-0.25, 1, "-0.3"),
        (37.5, 1, "37.5"),
        (41.666666, 1, "41.7"),
        (0.4302445, 3, "0.430"),
    ],
)
def test_format_number_rounds_half_up(value, decimals, shown):
    assert format_number(value, decimals) == shown


def test_format_number_shows_missing_values_as_empty():
    assert format_number(float("nan")) == ""
    assert format_number(None) == ""


def test_format_number_never_shows_minus_zero():
    assert format_number(-0.04, 1) == "0.0"


def test_format_number_rejects_negative_decimals():
    with pytest.raises(ConfigurationError, match="decimals"):
        format_number(1.0, -1)


def test_report_tables_use_the_same_rule():
    html = table_html(pd.DataFrame({"iqr": [0.25]}), decimals=1)
    assert "<td>0.3</td>" in html
