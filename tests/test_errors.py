"""Every error pickles and unpickles with its message and problems intact (report batches
and kernels send them between processes)."""

import inspect
import pickle

import pytest

from scirocco_lab import errors
from scirocco_lab.capture.coding import ExcerptNotFoundError
from scirocco_lab.errors import DataValidationError, InputProblem, ProblemCollector
from scirocco_lab.planning.records import DuplicatePlanningRecordError

PROBLEM = InputProblem("ratings.csv", 7, "level", "7", "level outside 0..5", "use 0 to 5")

ERROR_CLASSES = [
    cls
    for _name, cls in inspect.getmembers(errors, inspect.isclass)
    if issubclass(cls, errors.SciroccoLabError)
] + [DuplicatePlanningRecordError, ExcerptNotFoundError]


def example(cls):
    if issubclass(cls, DataValidationError):
        return cls([PROBLEM], outcome="nothing was computed")
    return cls("ratings.csv: the file is empty. Fix: add a header row.")


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_error_survives_pickling(cls):
    error = example(cls)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert str(copy) == str(error)


def test_one_problem_validation_error_keeps_its_one_problem():
    copy = pickle.loads(pickle.dumps(DataValidationError([PROBLEM])))
    assert copy.problems == (PROBLEM,)
    assert str(copy).startswith("1 problem(s) found; nothing was written")


def test_problem_collector_raises_nothing_when_empty():
    ProblemCollector().raise_if_any()
