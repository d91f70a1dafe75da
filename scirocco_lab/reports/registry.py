"""Which reports exist: each domain declares its report kinds, the engine asks this registry.

A :class:`ReportKind` says, in one place, which template a report runs, which subjects it is
built for (its ``tasks`` function), which store tables it reads (what an incremental build
fingerprints) and which other report kinds depend on the same data. Each domain's ``report``
module lists its kinds in ``REPORT_KINDS``; :data:`DOMAIN_REPORT_MODULES` names those modules.

>>> [kind.name for kind in report_kinds()]
['region_profile', 'comparison', 'twinning', 'programme', 'evaluation']
>>> report_kind("twinning").programme_wide
True
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scirocco_lab.errors import NotFoundError

__all__ = [
    "DOMAIN_REPORT_MODULES",
    "ReportKind",
    "ReportTask",
    "TaskBuilder",
    "region_subjects",
    "report_kind",
    "report_kinds",
    "report_tasks",
]

# The domains sit above the report engine, so the registry imports their report modules by
# name when asked, never at import time (that would be an import cycle).
DOMAIN_REPORT_MODULES = (
    "scirocco_lab.assessment.report",
    "scirocco_lab.comparison.report",
    "scirocco_lab.planning.report",
    "scirocco_lab.evaluation.report",
)


@dataclass(frozen=True)
class ReportTask:
    """One report to build: which template, with which parameters, written where."""

    template: str
    title: str
    parameters: dict
    output: Path
    synthetic: bool = False
    group: str = "Region reports"
    kind: str = ""


# tasks(store_url, out_dir, *, regions, instrument) -> the reports of one kind
TaskBuilder = Callable[..., list[ReportTask]]


@dataclass(frozen=True)
class ReportKind:
    """A kind of report a domain offers.

    ``tasks`` lists the reports of this kind for a store (which subjects it is built for);
    ``reads`` names the store tables its notebook reads; ``programme_wide`` kinds cover every
    region at once (a rebuild of some regions still concerns them); ``depends_on`` names the
    kinds whose subjects' data this one also shows. ``subject_parameters`` names the
    parameters that hold the keys of the subjects whose assessment data a report shows, and
    ``reads_assessment_kinds`` adds every subject with assessments of those kinds ("GP": every
    good practice); with ``subject_parameters`` ``None`` a report shows every subject's.
    Incremental builds fingerprint exactly these inputs
    (:mod:`scirocco_lab.reports.fingerprint`).
    """

    name: str
    template: str
    group: str
    tasks: TaskBuilder
    reads: tuple[str, ...]
    programme_wide: bool = False
    depends_on: tuple[str, ...] = field(default_factory=tuple)
    subject_parameters: tuple[str, ...] | None = None
    reads_assessment_kinds: tuple[str, ...] = ()

    def subjects(self, task: ReportTask, assessment_kinds: dict) -> tuple[str, ...] | None:
        """The subjects whose assessment data ``task`` shows: the values of its
        ``subject_parameters`` and every subject with assessments of the kinds in
        ``reads_assessment_kinds`` (``assessment_kinds``: kind -> subject keys); ``None``
        when the kind does not narrow them (every subject).

        >>> kind = ReportKind("k", "t", "g", list, (), subject_parameters=("region",),
        ...                   reads_assessment_kinds=("GP",))
        >>> kind.subjects(ReportTask("t", "T", {"region": "a"}, Path("a.html")), {"GP": ("p",)})
        ('a', 'p')
        """
        if self.subject_parameters is None:
            return None
        keys = [task.parameters.get(name) for name in self.subject_parameters]
        for kind in self.reads_assessment_kinds:
            keys.extend(assessment_kinds.get(kind, ()))
        return tuple(dict.fromkeys(str(key) for key in keys if key is not None))


def report_kinds(extra: Sequence[ReportKind] = ()) -> tuple[ReportKind, ...]:
    """Every report kind the domains declare, in the order the index lists them, then the
    ``extra`` kinds (a user's template folder declares them: :mod:`scirocco_lab.reports.custom`)."""
    kinds: list[ReportKind] = []
    for module in DOMAIN_REPORT_MODULES:
        kinds.extend(importlib.import_module(module).REPORT_KINDS)
    return (*kinds, *extra)


def report_kind(name: str) -> ReportKind:
    """The kind called ``name``; :class:`NotFoundError` lists the known kinds otherwise."""
    kinds = {kind.name: kind for kind in report_kinds()}
    if name not in kinds:
        raise NotFoundError(f"no report kind '{name}'; kinds: {', '.join(kinds)}")
    return kinds[name]


def report_tasks(
    store_url: str,
    out_dir: Path,
    *,
    regions: Sequence[str] | None = None,
    instrument: str = "scirocco-exchange",
    extra_kinds: Sequence[ReportKind] = (),
) -> list[ReportTask]:
    """The reports to build for the store: every kind's tasks (the domains' and
    ``extra_kinds``), for all regions or those named.

    A partial rebuild (``regions`` given) still includes the programme-wide reports, which
    show those regions too: an incremental build rebuilds them only when the named regions'
    data changed, so they never go stale.
    """
    tasks: list[ReportTask] = []
    for kind in report_kinds(extra_kinds):
        narrowed = None if kind.programme_wide else regions
        for task in kind.tasks(store_url, out_dir, regions=narrowed, instrument=instrument):
            tasks.append(task if task.kind else _with_kind(task, kind.name))
    return tasks


def _with_kind(task: ReportTask, kind: str) -> ReportTask:
    from dataclasses import replace

    return replace(task, kind=kind)


def region_subjects(store, regions: Sequence[str] | None = None):
    """The store's regions (``subjects_frame`` rows of kind "system") indexed by key: all of
    them, or those named in ``regions`` in that order. An unknown key raises
    :class:`NotFoundError` listing the regions the store has."""
    from scirocco_lab.store import subjects_frame

    systems = subjects_frame(store, kind="system").set_index("key", drop=False)
    if regions:
        unknown = sorted(set(regions) - set(systems.index))
        if unknown:
            raise NotFoundError(
                f"unknown region(s): {', '.join(unknown)}. Regions in the store: "
                f"{', '.join(systems.index)}."
            )
        systems = systems.loc[list(regions)]
    return systems
