"""What every capture widget shares: its layout (a column ending in the message box), its
buttons, display in a notebook, filling widgets without firing their observers, and how it
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

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

import ipywidgets as widgets

from scirocco_lab.assessment.drafts import describe_problem
from scirocco_lab.capture.views import message_html
from scirocco_lab.errors import DataValidationError, SciroccoLabError
from scirocco_lab.instruments import Instrument

__all__ = ["CaptureWidget", "button", "dimension_picker", "problem_lines"]


def button(description: str, action: Callable[[], object], **style) -> widgets.Button:
    """A button that calls ``action()`` when clicked; ``style`` goes to
    :class:`ipywidgets.Button` (``button_style``, ``icon``, ``layout``...).

    >>> clicks = []
    >>> save = button("Save", lambda: clicks.append("saved"), button_style="success")
    >>> save.click()
    >>> (save.description, save.button_style, clicks)
    ('Save', 'success', ['saved'])
    """
    made = widgets.Button(description=description, **style)
    made.on_click(lambda _b: action())
    return made


def dimension_picker(instrument: Instrument) -> widgets.Dropdown:
    """A dropdown of the instrument's dimensions by number and name; its value is the key.

    >>> from scirocco_lab.instruments import load_instrument
    >>> picker = dimension_picker(load_instrument("scirocco-exchange"))
    >>> picker.options[0], picker.value
    (('1. Readiness to Change', 'readiness_to_change'), 'readiness_to_change')
    """
    return widgets.Dropdown(
        options=[(f"{d.number}. {d.name}", d.key) for d in instrument.dimensions],
        description="Dimension",
        layout=widgets.Layout(width="420px"),
    )


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
    _loading: bool = False

    def _lay_out(
        self, css_class: str, *rows: widgets.Widget, below: Sequence[widgets.Widget] = ()
    ) -> None:
        """Set ``widget``: ``rows`` in a column, then the message box (made here, as
        ``message``), then ``below``; ``css_class`` names the widget for styling and for
        the browser tests."""
        self.message = widgets.HTML()
        self.widget = widgets.VBox([*rows, self.message, *below])
        self.widget.add_class(css_class)

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Filling widgets from stored state is not an edit: inside this block ``_loading``
        is true, and the observers that check it do nothing."""
        self._loading = True
        try:
            yield
        finally:
            self._loading = False

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
