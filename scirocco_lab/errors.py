"""One exception hierarchy for the whole workbench.

Every error raised on purpose by scirocco-lab derives from :class:`SciroccoLabError`, so
scripts can catch one class. Messages say what was wrong, where (file, row, field) and
how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AssessmentLockedError",
    "ConfigurationError",
    "DataValidationError",
    "DraftConflictError",
    "DuplicateRecordError",
    "FileFormatError",
    "InputProblem",
    "InstrumentError",
    "InvitationError",
    "NotFoundError",
    "ProblemCollector",
    "SchemaVersionError",
    "SciroccoLabError",
    "StoreError",
    "StoreUpgradeRequiredError",
    "WriteError",
    "require_columns",
]


class SciroccoLabError(Exception):
    """Base of every error scirocco-lab raises on purpose.

    Errors pickle with their message and fields intact (a report batch sends them between
    processes): subclasses with their own ``__init__`` keep their arguments in ``args``.
    """


class ConfigurationError(SciroccoLabError):
    """A setting (environment variable, CLI option, parameter) is missing or invalid."""


class InstrumentError(SciroccoLabError):
    """An instrument file is malformed or an instrument cannot be found."""


class FileFormatError(SciroccoLabError, ValueError):
    """A file cannot be read at all: missing, empty, not CSV, a corrupt workbook, ..."""


class StoreError(SciroccoLabError):
    """The store cannot be opened or a write was refused."""


class AssessmentLockedError(StoreError):
    """The assessment was already submitted; it can no longer be changed."""


class DraftConflictError(StoreError):
    """A draft was changed elsewhere (another tab) since this form last read it."""


class WriteError(ConfigurationError):
    """An output file could not be written (folder missing or read-only, disk full); nothing
    was left half-written."""


class InvitationError(SciroccoLabError):
    """An invitation token is unknown, expired, revoked or for another subject or round."""


class SchemaVersionError(StoreError):
    """The store was written by a newer scirocco-lab than this one."""


class StoreUpgradeRequiredError(StoreError):
    """The store is at an older schema revision: ``scirocco-lab store upgrade`` migrates it."""


class NotFoundError(SciroccoLabError, LookupError):
    """A region, good practice, assessment or other record does not exist."""


class DuplicateRecordError(StoreError):
    """A record that must be unique already exists."""


@dataclass(frozen=True)
class InputProblem:
    """One problem found while validating user input (a file, a form).

    ``row`` is the 1-based line number as a spreadsheet or editor shows it (the header
    is row 1), or ``None`` when the problem is not tied to one row.
    """

    source: str
    row: int | None
    field: str | None
    value: object
    message: str
    fix: str

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f", row {self.row}"
        if self.field is not None:
            where += f", column '{self.field}'"
        # numpy scalars print as np.float64(7.0); show the plain value a user typed.
        value = self.value.item() if hasattr(self.value, "item") else self.value
        shown = "" if value is None else f" (value {value!r})"
        return f"{where}: {self.message}{shown}. Fix: {self.fix}"


class DataValidationError(SciroccoLabError, ValueError):
    """Input failed validation; nothing was written (or computed).

    ``problems`` lists every problem found (validation does not stop at the first).
    """

    def __init__(
        self,
        problems: list[InputProblem] | tuple[InputProblem, ...],
        *,
        limit: int = 20,
        outcome: str = "nothing was written",
    ):
        # One problem is reported once, however many records it was found on.
        unique: dict[str, InputProblem] = {}
        for problem in problems:
            unique.setdefault(str(problem), problem)
        self.problems = tuple(unique.values())
        self.limit = limit
        self.outcome = outcome
        shown = "\n".join(f"  - {p}" for p in self.problems[:limit])
        more = len(self.problems) - limit
        if more > 0:
            shown += f"\n  ... and {more} more problem(s)"
        super().__init__(f"{len(self.problems)} problem(s) found; {outcome}:\n{shown}")

    def __reduce__(self):
        # The default would call cls(message) and read the message as a list of problems.
        return (_rebuild_validation_error, (type(self), self.problems, self.limit, self.outcome))


def _rebuild_validation_error(cls, problems, limit, outcome):
    return cls(problems, limit=limit, outcome=outcome)


class ProblemCollector:
    """Collects every problem found while validating one input, to report them together.

    Validation never stops at the first problem: checks call :meth:`add`, and the caller
    raises once with :meth:`raise_if_any` (or returns :attr:`items`).

    >>> problems = ProblemCollector()
    >>> problems.add("plan.csv", 3, "end_on", "2026-01-01", "ends before it starts", "fix it")
    >>> len(problems), bool(problems)
    (1, True)
    >>> problems.raise_if_any()
    Traceback (most recent call last):
    ...
    scirocco_lab.errors.DataValidationError: 1 problem(s) found; nothing was written:
      - plan.csv, row 3, column 'end_on': ends before it starts (value '2026-01-01'). Fix: fix it
    """

    def __init__(self) -> None:
        self.items: list[InputProblem] = []

    def add(self, source, row, field, value, message: str, fix: str) -> None:
        """Record one problem (``row`` as a spreadsheet shows it, or None)."""
        self.items.append(InputProblem(source, row, field, value, message, fix))

    def extend(self, problems) -> None:
        """Record problems found elsewhere."""
        self.items.extend(problems)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self, *, outcome: str = "nothing was written") -> None:
        """Raise :class:`DataValidationError` with every problem, if there is any."""
        if self.items:
            raise DataValidationError(self.items, outcome=outcome)


def require_columns(frame, columns, source: str, *, fix: str | None = None) -> None:
    """Raise :class:`DataValidationError` naming every column of ``columns`` that ``frame``
    (a pandas DataFrame) lacks, and the columns it has, so the fix is obvious; ``fix`` says
    where such a frame comes from when that is the better advice.

    >>> import pandas as pd
    >>> try:
    ...     require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], "profiles", fix="pass x")
    ... except DataValidationError as error:
    ...     print(error.problems[0])
    profiles, column 'b': column is missing. Fix: pass x
    """
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        present = ", ".join(map(str, frame.columns)) or "none"
        raise DataValidationError(
            [
                InputProblem(
                    source=source,
                    row=None,
                    field=column,
                    value=None,
                    message="column is missing",
                    fix=fix
                    or f"add the column, or pass the name your data uses (columns present: "
                    f"{present})",
                )
                for column in missing
            ]
        )
