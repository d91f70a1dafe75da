"""Questionnaires to SPSS (.sav) or Stata (.dta): one row per respondent, one column per item.

Each item column's variable label is its wording (``(reverse-scored)`` appended when it is),
its value labels are the scale labels (a scale point without a label is labelled with its
number, so the whole scale travels), and the file label is the questionnaire's title.
:func:`~scirocco_lab.evaluation.questionnaires.read_questionnaire` reads such a file back with
no items file and no ``--scale``. Item keys that are not valid variable names are written
with underscores (``too-packed`` -> ``too_packed``) and come back that way.

>>> import tempfile, pathlib
>>> from scirocco_lab.store import open_store
>>> from scirocco_lab.assessment.demo import generate_demo
>>> from scirocco_lab.assessment.store import write_batch
>>> from scirocco_lab.evaluation.demo import seed_evaluation_demo
>>> from scirocco_lab.evaluation.store import questionnaires_frame
>>> store = open_store("sqlite://")
>>> _ = write_batch(store, generate_demo())
>>> _ = seed_evaluation_demo(store)
>>> key = questionnaires_frame(store)["questionnaire"].iloc[0]
>>> export_questionnaire(store, key, pathlib.Path(tempfile.mkdtemp()) / "form.sav") > 0
True
"""

from __future__ import annotations

import os
from pathlib import Path

from scirocco_lab.errors import ConfigurationError
from scirocco_lab.evaluation.questionnaires import RESPONDENT_COLUMNS, REVERSE_SCORED_NOTE
from scirocco_lab.evaluation.store import (
    questionnaire_items_frame,
    questionnaires_frame,
    responses_frame,
)
from scirocco_lab.io.stats_files import (
    STATS_SUFFIXES,
    StatsVariable,
    variable_name,
    write_stats_file,
)

__all__ = ["export_questionnaire"]

_RESPONDENT_LABELS = {
    "respondent": "Respondent (pseudonym or number)",
    "group": "Participant group",
    "region": "Region",
}


def export_questionnaire(store, questionnaire: str, path: str | os.PathLike[str]) -> int:
    """Write one questionnaire's responses with its wording and scale; return the respondents."""
    target = Path(path)
    if target.suffix.lower() not in STATS_SUFFIXES:
        raise ConfigurationError(
            f"{target}: cannot export a questionnaire to '{target.suffix or '(no suffix)'}'. "
            "Fix: end the file name with .sav (SPSS) or .dta (Stata)."
        )
    forms = questionnaires_frame(store)
    form = forms[forms["questionnaire"] == questionnaire]
    if form.empty:
        known = ", ".join(forms["questionnaire"]) or "none"
        raise ConfigurationError(
            f"no questionnaire '{questionnaire}' in the store. Fix: use one of: {known} "
            "(scirocco-lab questionnaires list)."
        )
    info = form.iloc[0]
    low, high = int(info["scale_min"]), int(info["scale_max"])
    labels = tuple(info["scale_labels"])
    scale = tuple(
        (value, (labels[value - low] if value - low < len(labels) else "") or str(value))
        for value in range(low, high + 1)
    )
    items = questionnaire_items_frame(store, questionnaire=questionnaire)
    responses = responses_frame(store, questionnaire=questionnaire)
    # Item keys become variable names (too-packed -> too_packed) and are read back so.
    header = [*RESPONDENT_COLUMNS, *(variable_name(item) for item in items["item"])]
    variables = {name: StatsVariable(label) for name, label in _RESPONDENT_LABELS.items()}
    for item in items.itertuples(index=False):
        wording = item.wording + (REVERSE_SCORED_NOTE if item.reverse_scored else "")
        variables[variable_name(item.item)] = StatsVariable(wording, scale)
    rows = []
    for respondent, answers in responses.groupby("respondent", sort=False):
        first = answers.iloc[0]
        values = dict(zip(answers["item"], answers["value"], strict=True))
        rows.append(
            [respondent, first["group"], first["region"], *(values.get(i) for i in items["item"])]
        )
    write_stats_file(target, header, rows, variables, file_label=str(info["title"]))
    return len(rows)
