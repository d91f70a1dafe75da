"""Report templates from a user's folder: ``scirocco-lab reports build --templates DIR``.

A notebook ``DIR/NAME.ipynb`` whose name is a shipped template's (``region_profile``,
``comparison``, ...) replaces it for every report of that template. A new kind of report is
declared in ``DIR/reports.yaml``; each entry names its notebook (by name, looked up among
DIR's notebooks), whether it is built per region or once for the programme, and the store
tables it reads (what an incremental build fingerprints)::

    reports:
      - kind: quick_summary        # letters, digits, _ and -; not a shipped kind
        template: quick_summary    # DIR/quick_summary.ipynb (default: the kind)
        scope: region              # region: one report per region; programme: one in all
        reads: [subjects, assessments, ratings]
        title: Quick summary       # optional (default: the kind)
        group: Custom reports      # optional: the index heading

Its notebook gets the parameters ``region`` (per-region kinds), ``store_url`` and
``instrument``; reports go to ``OUT/custom/KIND/REGION.html`` or ``OUT/custom/KIND.html``.
The file is validated strictly: any problem is one :class:`ConfigurationError` naming the
file, entry and field. A notebook in DIR that is neither a shipped template nor declared is
not used; ``reports build`` warns about it (a misspelt override, most likely).

>>> spec = CustomTasks("quick", "Quick", "Custom reports", kind="quick", scope="programme")
>>> spec.output(Path("out"), None).as_posix()
'out/custom/quick.html'
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from scirocco_lab.errors import ConfigurationError
from scirocco_lab.io.html import is_missing
from scirocco_lab.io.strict_yaml import describe_yaml_error, load_yaml
from scirocco_lab.reports.registry import ReportKind, ReportTask, region_subjects

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DECLARATIONS_FILE",
    "PACKAGE_NOTEBOOKS",
    "SCOPES",
    "TEMPLATE_DIR_ENV",
    "CustomTasks",
    "TemplateFolder",
    "configured_template_folder",
    "load_template_folder",
    "record_regions",
]

DECLARATIONS_FILE = "reports.yaml"
#: ``$SCIROCCO_LAB_TEMPLATES``: a template folder used when none is passed.
TEMPLATE_DIR_ENV = "SCIROCCO_LAB_TEMPLATES"
# The report notebooks ship inside the package, so an installed copy finds them too.
PACKAGE_NOTEBOOKS = Path(__file__).parent / "notebooks"
SCOPES = ("region", "programme")

_NAME = re.compile(r"[a-z][a-z0-9_-]{0,63}")
_FIELDS = ("kind", "template", "scope", "reads", "title", "group")
_REQUIRED = ("kind", "scope", "reads")


@dataclass(frozen=True)
class CustomTasks:
    """The tasks of a template run once per region (``scope`` "region") or once for the
    programme; a :data:`~scirocco_lab.reports.registry.TaskBuilder`. A kind declared in
    ``reports.yaml`` is one; so are the shipped per-region reports (the region profile,
    programme and evaluation reports).

    Per-region reports: one per region of the store (or of the regions named), each region
    once, in the store's order (by key), written to ``OUT/FOLDER/REGION.html`` (``folder``;
    default ``custom/KIND``). With ``records``, only the regions that hold a domain's
    records: ``records(store)`` gives the record frames, each with the column naming the
    region a record concerns (and a ``synthetic`` column), and a report is synthetic when
    its region or any of its records is. A report gets the parameters ``region``,
    ``store_url``, ``instrument`` and ``parameters`` (name, value pairs). A ``kind`` of ""
    (the default) leaves the tasks' kind to the registry (a shipped kind, named where it is
    declared).

    >>> profiles = CustomTasks("region_profile", "maturity profile", "Region reports",
    ...                        folder="regions")
    >>> profiles.output(Path("out"), "vale").as_posix()
    'out/regions/vale.html'
    """

    template: str
    title: str
    group: str
    kind: str = ""
    scope: str = "region"
    folder: str | None = None
    records: Callable[..., Iterable[tuple[pd.DataFrame, str]]] | None = None
    parameters: tuple[tuple[str, object], ...] = ()

    def output(self, out_dir: Path, region: str | None) -> Path:
        """Where a report of this kind is written."""
        folder = out_dir / "custom"
        if region is None:
            return folder / f"{self.kind}.html"
        return (out_dir / self.folder if self.folder else folder / self.kind) / f"{region}.html"

    def __call__(
        self,
        store_url: str,
        out_dir: Path,
        *,
        regions: Sequence[str] | None = None,
        instrument: str = "scirocco-exchange",
    ) -> list[ReportTask]:
        from scirocco_lab.store import open_store

        store = open_store(store_url, create=False)
        systems = region_subjects(store, regions)
        systems = systems[~systems.index.duplicated()].sort_index()
        base = {"store_url": store_url, "instrument": instrument, **dict(self.parameters)}
        if self.scope == "programme":
            if systems.empty:
                return []
            task = ReportTask(
                template=self.template,
                title=self.title,
                parameters=base,
                output=self.output(out_dir, None),
                synthetic=bool(systems["synthetic"].any()),
                group=self.group,
                kind=self.kind,
            )
            return [task]
        found = None if self.records is None else record_regions(self.records(store))
        return [
            ReportTask(
                template=self.template,
                title=f"{row.name}: {self.title}",
                parameters={"region": row.key, **base},
                output=self.output(out_dir, row.key),
                synthetic=bool(row.synthetic) or bool(found and found[row.key]),
                group=self.group,
                kind=self.kind,
            )
            for row in systems.itertuples()
            if found is None or row.key in found
        ]


def record_regions(records: Iterable[tuple[pd.DataFrame, str]]) -> dict[str, bool]:
    """The regions that ``(frame, region column)`` records name -> whether any of their
    records is synthetic (a missing region names none).

    >>> import pandas as pd
    >>> plans = pd.DataFrame({"region": ["vale", None, "vale"], "synthetic": [0, 1, 1]})
    >>> record_regions([(plans, "region")])
    {'vale': True}
    """
    found: dict[str, bool] = {}
    for frame, column in records:
        if frame.empty:
            continue
        for region, synthetic in zip(frame[column], frame["synthetic"], strict=True):
            if not is_missing(region):
                found[region] = found.get(region, False) or bool(synthetic)
    return found


@dataclass(frozen=True)
class TemplateFolder:
    """A user's template folder: its notebooks by name (overrides and new templates) and
    the report kinds its ``reports.yaml`` declares."""

    path: Path
    notebooks: Mapping[str, Path]
    kinds: tuple[ReportKind, ...] = ()

    def unused(self) -> tuple[str, ...]:
        """Notebooks of the folder that neither replace a shipped template nor are declared
        (a misspelt override, most likely: the CLI warns about them)."""
        shipped = {file.stem for file in PACKAGE_NOTEBOOKS.glob("*.ipynb")}
        declared = {kind.template for kind in self.kinds}
        return tuple(sorted(set(self.notebooks) - shipped - declared))


def configured_template_folder() -> TemplateFolder | None:
    """The folder named by ``$SCIROCCO_LAB_TEMPLATES``, loaded; ``None`` when unset."""
    configured = os.environ.get(TEMPLATE_DIR_ENV)
    return load_template_folder(Path(configured)) if configured else None


def load_template_folder(path: Path, shipped_kinds: Sequence[str] | None = None) -> TemplateFolder:
    """Read and validate a template folder (``shipped_kinds``: the kind names a declaration
    may not reuse; default: the registry's)."""
    folder = Path(path).expanduser().absolute()
    if not folder.is_dir():
        raise ConfigurationError(
            f"template folder {path}: not a folder. Give a folder of report notebooks (.ipynb) "
            f"and, for new kinds of report, a {DECLARATIONS_FILE}."
        )
    notebooks = {file.stem: file for file in sorted(folder.glob("*.ipynb")) if file.is_file()}
    if shipped_kinds is None:
        from scirocco_lab.reports.registry import report_kinds

        shipped_kinds = [kind.name for kind in report_kinds()]
    declarations = folder / DECLARATIONS_FILE
    kinds = (
        _read_declarations(declarations, notebooks, shipped_kinds) if declarations.is_file() else ()
    )
    return TemplateFolder(path=folder, notebooks=notebooks, kinds=tuple(kinds))


def _read_declarations(
    file: Path, notebooks: Mapping[str, Path], shipped_kinds: Sequence[str]
) -> list[ReportKind]:
    try:
        document = load_yaml(file.read_text("utf-8"))
    except UnicodeDecodeError:
        raise ConfigurationError(f"{file}: not UTF-8 text. Save it as UTF-8.") from None
    except OSError as exc:
        raise ConfigurationError(f"{file}: cannot be read ({exc.strerror or exc}).") from None
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{file}: not valid YAML ({describe_yaml_error(exc)}).") from None
    if not isinstance(document, dict) or set(document) != {"reports"}:
        raise ConfigurationError(
            f"{file}: expected one key, `reports:`, holding a list of report kinds "
            "(see docs/reports.md, 'Your own templates')."
        )
    entries = document["reports"]
    if not isinstance(entries, list):
        raise ConfigurationError(f"{file}: `reports` must be a list of report kinds.")
    tables = _store_tables()
    problems: list[str] = []
    kinds: list[ReportKind] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"{file}: report {number}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a mapping with {', '.join(_REQUIRED)}")
            continue
        found = _entry_problems(entry, notebooks, shipped_kinds, tables)
        kind = entry.get("kind")
        if isinstance(kind, str) and kind in seen:
            found.append(f"kind: '{kind}' is declared twice")
        problems.extend(f"{where}, {problem}" for problem in found)
        if found:
            continue
        seen.add(kind)
        spec = CustomTasks(
            kind=kind,
            template=entry.get("template", kind),
            title=entry.get("title", kind),
            scope=entry["scope"],
            group=entry.get("group", "Custom reports"),
        )
        kinds.append(
            ReportKind(
                name=kind,
                template=spec.template,
                group=spec.group,
                tasks=spec,
                reads=tuple(entry["reads"]),
                programme_wide=spec.scope == "programme",
                subject_parameters=("region",) if spec.scope == "region" else None,
            )
        )
    if problems:
        raise ConfigurationError("\n".join(problems))
    return kinds


def _entry_problems(entry: dict, notebooks, shipped_kinds, tables) -> list[str]:
    problems = [f"{name}: missing" for name in _REQUIRED if name not in entry]
    problems += [
        f"{name}: unknown field (fields: {', '.join(_FIELDS)})"
        for name in entry
        if name not in _FIELDS
    ]
    kind = entry.get("kind")
    if "kind" in entry and not (isinstance(kind, str) and _NAME.fullmatch(kind)):
        problems.append(
            f"kind: {kind!r} is not a name (lower-case letters, digits, _ and -, starting "
            "with a letter)"
        )
    elif kind in shipped_kinds:
        problems.append(
            f"kind: '{kind}' is a shipped kind; replace its notebook by giving the folder a "
            f"notebook of the same template name, or choose another kind"
        )
    template = entry.get("template", kind)
    if isinstance(template, str) and _NAME.fullmatch(template):
        if template not in notebooks:
            problems.append(f"template: no notebook {template}.ipynb in the folder")
    elif "template" in entry:
        problems.append(f"template: {template!r} is not a notebook name (without .ipynb)")
    if "scope" in entry and entry["scope"] not in SCOPES:
        problems.append(f"scope: {entry['scope']!r}; expected region or programme")
    reads = entry.get("reads")
    if "reads" in entry:
        if not (isinstance(reads, list) and reads and all(isinstance(t, str) for t in reads)):
            problems.append("reads: expected a list of store table names")
        else:
            unknown = sorted(set(reads) - tables)
            if unknown:
                problems.append(
                    f"reads: unknown table(s) {', '.join(unknown)}; the store has "
                    f"{', '.join(sorted(tables))}"
                )
    for name in ("title", "group"):
        if name in entry and not (isinstance(entry[name], str) and entry[name].strip()):
            problems.append(f"{name}: expected text")
    return problems


def _store_tables() -> set[str]:
    from scirocco_lab.store import schema

    schema.register_tables()
    return set(schema.metadata.tables)
