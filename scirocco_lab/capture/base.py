"""What every capture widget shares: its message box, display in a notebook, and how it
shows a refusal.

>>> from scirocco_lab.errors import DataValidationError, InputProblem
>>> class Demo(CaptureWidget):
...     def __init__(self):
...         self.message = widgets.HTML()
>>> demo = Demo()
>>> problem = InputProblem("Funding", None, "level", 9, "level outside the scale", "use 0 to 5")
>>> demo._refused(DataValidationError([problem]), "Not saved")
False
>>> "Not saved — please correct:" in demo.message.value
True
"""

from __future__ import annotations

from dataclasses import replace

import ipywidgets as widgets

from scirocco_lab.assessment.drafts import describe_problem
from scirocco_lab.capture.views import message_html
from scirocco_lab.errors import DataValidationError, SciroccoLabError

__all__ = ["CaptureWidget", "problem_lines"]


def problem_lines(problems) -> list[str]:
    """Validation problems as sentences for a widget, naming the item number when a
    problem belongs to one item of a list (the third activity, the second action).

    >>> from scirocco_lab.errors import InputProblem
    >>> problem_lines([InputProblem("action plan 'p' actions", 2, "end", "2025-01-01",
    ...                             "the action ends before it starts", "swap the dates")])
    ["action plan 'p' actions, item 2 — end: the action ends before it starts (you entered \
'2025-01-01'). Fix: swap the dates."]
    """
    return [
        describe_problem(replace(p, source=f"{p.source}, item {p.row}") if p.row else p)
        for p in problems
    ]


class CaptureWidget:
    """The plumbing of a capture widget: ``message`` (an HTML box) and ``widget`` (the
    layout shown in the notebook), both set by the subclass."""

    message: widgets.HTML
    widget: widgets.Widget

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _show(self, text: str, tone: str = "info", details=()) -> None:
        self.message.value = message_html(text, tone, list(details))

    def _refused(
        self, exc: SciroccoLabError, what: str = "Not saved", ask: str = "please correct"
    ) -> bool:
        """Show why a save was refused (each validation problem on its own line) and return
        False, the result of an action that wrote nothing."""
        if isinstance(exc, DataValidationError):
            self._show(f"{what} — {ask}:", "error", problem_lines(exc.problems))
        else:
            self._show(f"{what}: {exc}", "error")
        return False
