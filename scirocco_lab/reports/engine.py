"""Batch report building: papermill runs a template per region, nbconvert exports HTML.

Each report is self-contained HTML (figures embedded, no script or style fetched from the
network). A region whose report fails does not stop the others; the failures are returned
(and the CLI exits non-zero). Builds are incremental: a report whose fingerprint
(:mod:`scirocco_lab.reports.fingerprint`) matches the one it was last built with is left as
it is, unless ``force``.

>>> from scirocco_lab.reports.engine import report_templates
>>> sorted(report_templates())
['comparison', 'evaluation', 'programme', 'region_profile', 'twinning']
"""

from __future__ import annotations

import asyncio
import html
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from scirocco_lab.errors import ConfigurationError, NotFoundError, WriteError
from scirocco_lab.io.clock import utc_now
from scirocco_lab.io.files import check_writable_folder, write_atomically
from scirocco_lab.reports.custom import (
    PACKAGE_NOTEBOOKS,
    TEMPLATE_DIR_ENV,
    TemplateFolder,
    configured_template_folder,
)
from scirocco_lab.reports.fingerprint import StoreSnapshot, file_digest, report_fingerprint
from scirocco_lab.reports.manifest import Manifest, read_manifest, stale_reason, write_manifest
from scirocco_lab.reports.registry import ReportTask

# The papermill engine of scirocco_lab.reports.kernels (imported when a report runs).
ENGINE_NAME = "scirocco-fork"
HTML_TEMPLATES = Path(__file__).parent / "templates"

__all__ = [
    "ENGINE_NAME",
    "HTML_TEMPLATES",
    "PACKAGE_TEMPLATES",
    "TEMPLATE_DIR_ENV",
    "PlannedReport",
    "ReportResult",
    "build_reports",
    "code_digest",
    "export_html",
    "package_version",
    "plan_reports",
    "render_report",
    "report_templates",
    "reports_up_to_date",
    "write_index",
]

# The report notebooks ship inside the package, so an installed copy finds them too.
PACKAGE_TEMPLATES = PACKAGE_NOTEBOOKS


def _folder(templates: TemplateFolder | None) -> TemplateFolder | None:
    """The user's template folder: the one given, else ``$SCIROCCO_LAB_TEMPLATES``'s."""
    return templates if templates is not None else configured_template_folder()


def report_templates(templates: TemplateFolder | None = None) -> dict[str, Path]:
    """Report template notebooks by name (file stem): the package's, with those of the
    user's template folder (``templates``, else ``$SCIROCCO_LAB_TEMPLATES``) replacing the
    ones of the same name and adding new ones."""
    found = {path.stem: path for path in sorted(PACKAGE_TEMPLATES.glob("*.ipynb"))}
    folder = _folder(templates)
    if folder is not None:
        found.update(folder.notebooks)
    return found


@dataclass(frozen=True)
class ReportResult:
    """The outcome of one report: the HTML written, or the error that stopped it."""

    task: ReportTask
    ok: bool
    seconds: float
    error: str | None = None
    status: str = "built"  # "built", "unchanged" (fingerprint matched: left as it was), "failed"


_exporters = threading.local()


def _html_exporter():
    """One HTMLExporter per thread (building one loads its Jinja templates)."""
    exporter = getattr(_exporters, "html", None)
    if exporter is None:
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(
            template_name="scirocco_report",
            extra_template_basedirs=[str(HTML_TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        _exporters.html = exporter
    return exporter


def export_html(notebook, output: Path, *, title: str) -> None:
    """Export an executed notebook to self-contained HTML without code cells."""
    notebook.metadata["title"] = title
    body, _resources = _html_exporter().from_notebook_node(notebook)
    # never leave a half-written report behind
    write_atomically(output, lambda temporary: temporary.write_text(body, encoding="utf-8"))


def render_report(
    task: ReportTask,
    *,
    engine: str | None = ENGINE_NAME,
    templates: TemplateFolder | None = None,
) -> ReportResult:
    """Execute one template with papermill and export it; exceptions become a failed result.

    ``engine`` is the papermill engine: by default the fork engine of
    :mod:`scirocco_lab.reports.kernels` (a fresh kernel forked from a warm template per
    report); ``None`` is papermill's own (a new ``python -m ipykernel_launcher`` per report).
    ``templates``: the user's template folder (:func:`report_templates`).
    """
    import papermill

    started = time.perf_counter()
    try:
        notebooks = report_templates(templates)
        if task.template not in notebooks:
            raise NotFoundError(
                f"no report template '{task.template}'; templates: {', '.join(notebooks)}"
            )
        notebook = papermill.execute_notebook(
            str(notebooks[task.template]),
            None,
            parameters=task.parameters,
            kernel_name="python3",
            progress_bar=False,
            # No cwd: papermill would chdir the whole process, which threads share; kernels
            # start in this process's folder, so relative store paths mean what they say.
            engine_name=engine,
            # The default kernel shutdown waits ~0.5 s per report for nothing.
            shutdown_kernel="immediate",
            # ipykernel warns on every start that loopback TCP is unencrypted; in a batch of
            # reports that noise hides real errors (which still surface as failed results).
            # A report kernel runs one notebook: no input history to keep.
            extra_arguments=["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"],
        )
        export_html(notebook, task.output, title=task.title)
    except WriteError:  # the output folder fails every report alike: stop the batch
        raise
    except Exception as exc:  # one failing region must not stop the batch
        message = str(exc).strip().splitlines()
        summary = next((line for line in reversed(message) if line.strip()), type(exc).__name__)
        return ReportResult(
            task, False, time.perf_counter() - started, summary[:2000], status="failed"
        )
    return ReportResult(task, True, time.perf_counter() - started)


def package_version() -> str:
    """The installed scirocco-lab version (what fingerprints record)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("scirocco-lab")
    except PackageNotFoundError:  # running from a plain checkout
        return "unknown"


def code_digest(templates: TemplateFolder | None = None) -> str:
    """A digest of everything but the data a report depends on: the package version, the
    report notebooks, the HTML template and the user's template folder."""
    folder = _folder(templates)
    paths = (PACKAGE_TEMPLATES, HTML_TEMPLATES, *([folder.path] if folder else []))
    return file_digest(*paths) + "-" + package_version()


@dataclass(frozen=True)
class PlannedReport:
    """A task with what it would be built from: its fingerprint (``None``: unknown inputs,
    always built), the digests of the tables it reads and the subjects it reads them for."""

    task: ReportTask
    fingerprint: str | None
    inputs: Mapping[str, str] | None = None
    reads: tuple[str, ...] = ()
    subjects: tuple[str, ...] | None = None
    revision: str | None = None


def plan_reports(
    tasks: Sequence[ReportTask],
    snapshots: Mapping[str, StoreSnapshot] | None = None,
    templates: TemplateFolder | None = None,
) -> list[PlannedReport]:
    """Fingerprint every task. A task of a kind the registry declares is fingerprinted from
    its template, the package version, its parameters and the data its kind reads from the
    store named by its ``store_url`` parameter (``snapshots`` by store URL, else taken now);
    other tasks get no fingerprint. ``templates``: the user's template folder (its
    notebooks replace the package's of the same name; its declared kinds count)."""
    from scirocco_lab.reports.fingerprint import store_snapshot
    from scirocco_lab.reports.registry import report_kinds
    from scirocco_lab.store import open_store

    folder = _folder(templates)
    extra = folder.kinds if folder else ()
    kinds = {kind.name: kind for kind in report_kinds(extra)} if tasks else {}
    snapshots = dict(snapshots or {})
    notebooks = report_templates(folder)
    template_digests: dict[str, str] = {}
    html_digest = file_digest(HTML_TEMPLATES)
    version = package_version()
    planned = []
    for task in tasks:
        kind = kinds.get(task.kind)
        url = task.parameters.get("store_url")
        if kind is None or task.template not in notebooks or not url:
            planned.append(PlannedReport(task, None))
            continue
        if url not in snapshots:
            snapshots[url] = store_snapshot(open_store(url, create=False))
        snapshot = snapshots[url]
        if task.template not in template_digests:
            template_digests[task.template] = file_digest(notebooks[task.template]) + html_digest
        subjects = kind.subjects(task, snapshot.assessment_kinds)
        inputs = snapshot.inputs(kind.reads, subjects)
        fingerprint = report_fingerprint(
            template=template_digests[task.template],
            version=version,
            parameters=task.parameters,
            data=inputs,
        )
        planned.append(
            PlannedReport(task, fingerprint, inputs, tuple(kind.reads), subjects, snapshot.revision)
        )
    return planned


def _relative(task: ReportTask, out_dir: Path) -> str:
    return _relative_path(task.output, out_dir)


def _relative_path(path: Path, out_dir: Path) -> str:
    return path.relative_to(out_dir).as_posix()


def _is_current(plan: PlannedReport, entry: Mapping | None, out_dir: Path, pdf: bool) -> bool:
    if plan.fingerprint is None or not entry or not entry.get("ok"):
        return False
    if entry.get("fingerprint") != plan.fingerprint or not plan.task.output.exists():
        return False
    return not pdf or plan.task.output.with_suffix(".pdf").exists()


def build_reports(
    tasks: Iterable[ReportTask],
    out_dir: Path,
    *,
    workers: int = 2,
    on_result: Callable[[ReportResult], None] | None = None,
    force: bool = False,
    pdf: bool = False,
    scheduler: str | None = None,
    snapshots: Mapping[str, StoreSnapshot] | None = None,
    plan_options: Mapping | None = None,
    templates: TemplateFolder | None = None,
) -> list[ReportResult]:
    """Build the tasks whose fingerprint changed since they were last built into ``out_dir``
    (every task with ``force``), then write ``out_dir/manifest.json`` and ``index.html``.

    Each report runs in a kernel of its own, forked from one warm template process
    (:mod:`scirocco_lab.reports.kernels`); ``workers`` threads of this process drive them
    (papermill and nbconvert here, the report's code in its kernel). Returns one result per
    task, in task order: reports left as they were have status ``"unchanged"``.
    ``plan_options`` (the build's options: regions, instrument) are recorded in the manifest
    so that :func:`reports_up_to_date` can answer the next identical build without planning.
    With ``pdf``, a PDF is printed beside each HTML report (:mod:`scirocco_lab.reports.pdf`:
    one Chromium for the whole build, in a thread of its own, while other reports run); an
    unchanged report missing its PDF gets one without running again. With ``scheduler``
    (``tcp://HOST:8786`` or ``local:N``) the reports run on a Dask cluster instead
    (:mod:`scirocco_lab.reports.cluster`); planning, PDFs and the index stay here.
    ``templates``: the user's template folder (:mod:`scirocco_lab.reports.custom`).
    """
    tasks = list(tasks)
    templates = _folder(templates)
    render = partial(render_report, templates=templates)
    if workers < 1:
        raise ConfigurationError("workers must be 1 or more")
    if pdf:
        from scirocco_lab.reports.pdf import chromium_path

        chromium_path()  # a missing browser is a clear error before anything runs
    # A read-only or impossible output folder is refused before any report runs.
    check_writable_folder(out_dir)
    manifest = read_manifest(out_dir)
    planned = plan_reports(tasks, snapshots, templates)
    results: dict[int, ReportResult] = {}
    todo = []
    for index, plan in enumerate(planned):
        entry = manifest.entries.get(_relative(plan.task, out_dir))
        if not force and _is_current(plan, entry, out_dir, pdf=False):
            results[index] = ReportResult(plan.task, True, 0.0, status="unchanged")
            if on_result:
                on_result(results[index])
        else:
            todo.append(index)
    printing = _PdfQueue() if pdf else None
    if printing:
        for index, result in results.items():
            if not result.task.output.with_suffix(".pdf").exists():
                printing.submit(index, result.task)

    def done(index: int, result: ReportResult) -> None:
        results[index] = result
        if printing and result.ok:
            printing.submit(index, result.task)
        elif on_result:
            on_result(result)

    try:
        if todo and scheduler:
            from scirocco_lab.reports.cluster import run_on_cluster

            def lost(n: int, exc: BaseException) -> None:
                message = f"its Dask task failed ({type(exc).__name__}: {exc})"
                done(todo[n], ReportResult(tasks[todo[n]], False, 0.0, message, status="failed"))

            run_on_cluster(
                render,
                [tasks[i] for i in todo],
                scheduler,
                lambda n, result: done(todo[n], result),
                lost,
            )
        elif todo:
            from scirocco_lab.reports.kernels import template_process

            template_process()  # its imports run while the first reports are set up
            with ThreadPoolExecutor(max_workers=max(1, min(workers, len(todo)))) as pool:
                futures = {pool.submit(_render_in_thread, render, tasks[i]): i for i in todo}
                try:
                    for future in as_completed(futures):
                        done(futures[future], future.result())
                except BaseException:  # a WriteError: reports not started yet are cancelled
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
    except BaseException:
        if printing:  # the browser is closed, not left running
            printing.finish()
        raise
    if printing:
        for index, problem in printing.finish().items():
            if problem:
                results[index] = replace(
                    results[index], ok=False, status="failed", error=f"PDF: {problem}"
                )
            if on_result and results[index].status != "unchanged":
                on_result(results[index])
    ordered = [results[i] for i in range(len(tasks))]
    _record(manifest, planned, ordered, out_dir, snapshots, plan_options, code_digest(templates))
    return ordered


def _render_in_thread(render: Callable, task: ReportTask) -> ReportResult:
    """``render`` (:func:`render_report`) in a worker thread, closing the event loop
    papermill's client made for this thread (a pool's thread may end before the loop is
    collected)."""
    try:
        return render(task)
    finally:
        try:
            loop = asyncio.get_event_loop_policy().get_event_loop()
        except RuntimeError:  # none was made
            loop = None
        if loop is not None and not loop.is_running():
            loop.close()
            asyncio.set_event_loop(None)


class _PdfQueue:
    """Reports waiting for their PDF: one thread owns the browser and prints them in turn."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf")
        self._printer = None
        self._futures: dict[int, Future] = {}

    def _print(self, task: ReportTask) -> str | None:
        from scirocco_lab.reports.pdf import PdfPrinter

        try:
            if self._printer is None:
                self._printer = PdfPrinter().__enter__()
            self._printer.print_pdf(
                task.output,
                task.output.with_suffix(".pdf"),
                title=task.title,
                synthetic=task.synthetic,
            )
        except Exception as exc:  # one PDF's failure fails only that report
            return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return None

    def _close(self) -> None:
        if self._printer is not None:
            self._printer.__exit__(None, None, None)

    def submit(self, index: int, task: ReportTask) -> None:
        self._futures[index] = self._pool.submit(self._print, task)

    def finish(self) -> dict[int, str | None]:
        """Wait for every PDF; the problem per report index (``None``: printed)."""
        problems = {index: future.result() for index, future in self._futures.items()}
        self._pool.submit(self._close).result()
        self._pool.shutdown()
        return problems


def _record(
    manifest: Manifest,
    planned: Sequence[PlannedReport],
    results: Sequence[ReportResult],
    out_dir: Path,
    snapshots: Mapping[str, StoreSnapshot] | None,
    plan_options: Mapping | None,
    code: str,
) -> None:
    """Merge this build into the manifest (reports built earlier keep their entries, so a
    partial rebuild keeps their links) and write the index; ``code``: :func:`code_digest`."""
    entries = {path: dict(entry) for path, entry in manifest.entries.items()}
    built_at = utc_now(whole_seconds=True).isoformat()
    for plan, result in zip(planned, results, strict=True):
        relative = _relative(plan.task, out_dir)
        if result.status == "unchanged":
            entries[relative]["status"] = "unchanged"
            continue
        entries[relative] = {
            "path": relative,
            "title": plan.task.title,
            "group": plan.task.group,
            "kind": plan.task.kind,
            "synthetic": plan.task.synthetic,
            "ok": result.ok,
            "status": result.status,
            "error": result.error,
            "built_at": built_at,
            "seconds": round(result.seconds, 2),
            "fingerprint": plan.fingerprint if result.ok else None,
            "revision": plan.revision,
            "code": code,
            "store": plan.task.parameters.get("store_url"),
            "reads": list(plan.reads),
            "subjects": None if plan.subjects is None else list(plan.subjects),
            "inputs": dict(plan.inputs) if plan.inputs is not None else None,
        }
    for plan in planned:
        entry = entries.get(_relative(plan.task, out_dir))
        pdf_file = plan.task.output.with_suffix(".pdf")
        if entry is not None:
            entry["pdf"] = _relative_path(pdf_file, out_dir) if pdf_file.exists() else None
    if plan_options is not None and not plan_options.get("regions"):
        _prune(entries, planned, out_dir)
    entries = {
        path: entry
        for path, entry in entries.items()
        if not entry.get("ok") or (out_dir / path).exists()
    }
    # Reports this build did not cover may no longer match the store: say so in the index.
    snapshot_by_store = dict(snapshots or {})
    for entry in entries.values():
        current = None
        snapshot = snapshot_by_store.get(entry.get("store") or "")
        if snapshot is not None and entry.get("reads"):
            try:
                current = snapshot.inputs(entry["reads"], entry.get("subjects"))
            except ConfigurationError:
                current = None
        entry["stale"] = stale_reason(entry, current, code)
    revisions = {plan.revision for plan in planned if plan.revision}
    plan_record = {
        "revision": revisions.pop() if len(revisions) == 1 else None,
        "code": code,
        "options": dict(plan_options) if plan_options is not None else None,
        "paths": sorted(_relative(plan.task, out_dir) for plan in planned),
    }
    updated = Manifest(entries=entries, plan=plan_record)
    write_manifest(out_dir, updated)
    write_index(
        list(updated.entries.values()),
        out_dir,
        overview=_overview(list(updated.entries.values()), snapshot_by_store, plan_options),
    )


def _prune(entries: dict[str, dict], planned: Sequence[PlannedReport], out_dir: Path) -> None:
    """After a build of the whole batch, remove the reports of the same store it no longer
    plans (a region taken out of the store, a report renamed by a new version): their
    manifest entries, HTML and PDF. Only files the manifest lists as this engine's reports,
    inside ``out_dir``, are removed; everything else in the folder is left alone."""
    stores = {plan.task.parameters.get("store_url") for plan in planned}
    kept = {_relative(plan.task, out_dir) for plan in planned}
    folder = out_dir.resolve()
    for path in [p for p, e in entries.items() if p not in kept and e.get("store") in stores]:
        report = (out_dir / path).resolve()
        if report.suffix != ".html" or not report.is_relative_to(folder):
            continue  # not a report this engine writes: a damaged or edited manifest
        for file in (report, report.with_suffix(".pdf")):
            file.unlink(missing_ok=True)
        del entries[path]


def _overview(entries, snapshots: Mapping, plan_options: Mapping | None) -> str:
    """The programme overview of the build's store, when the build used exactly one."""
    from scirocco_lab.reports.overview import overview_html
    from scirocco_lab.store import open_store

    if len(snapshots) != 1:
        return ""
    (url,) = snapshots
    instrument = (plan_options or {}).get("instrument") or "scirocco-exchange"
    return overview_html(open_store(url, create=False), entries, instrument=instrument)


def reports_up_to_date(
    out_dir: Path,
    snapshot: StoreSnapshot,
    options: Mapping,
    *,
    pdf: bool = False,
    templates: TemplateFolder | None = None,
) -> list[dict] | None:
    """The manifest entries of the last build when building again with ``options`` would
    change nothing (same store revision and code, the same options, every report built and
    on disk, with its PDF if ``pdf``); ``None`` otherwise. Cheap: no planning, no report
    module imported."""
    manifest = read_manifest(out_dir)
    plan = manifest.plan
    if not plan or plan.get("revision") != snapshot.revision:
        return None
    if plan.get("options") != dict(options) or plan.get("code") != code_digest(templates):
        return None
    entries = [manifest.entries.get(path) for path in plan.get("paths") or []]
    if not entries or any(e is None or not e.get("ok") for e in entries):
        return None
    if not all((out_dir / e["path"]).exists() for e in entries):
        return None
    if pdf and not all(e.get("pdf") and (out_dir / e["pdf"]).exists() for e in entries):
        return None
    return entries


def write_index(entries: Sequence[Mapping], out_dir: Path, *, overview: str = "") -> Path:
    """reports/index.html: the programme ``overview`` (:mod:`scirocco_lab.reports.overview`),
    a filter box, and a link to every report built (this run and earlier ones), grouped,
    with when it was built and from which data revision, failures and stale reports with
    their reasons, and synthetic demo data marked."""
    from scirocco_lab.io.figures import SYNTHETIC_NOTE  # matplotlib: not for up-to-date checks
    from scirocco_lab.reports.overview import FILTER_SCRIPT

    out_dir.mkdir(parents=True, exist_ok=True)
    entries = sorted(entries, key=lambda e: (e.get("group", ""), e.get("title", "")))
    groups: dict[str, list[Mapping]] = {}
    for entry in entries:
        groups.setdefault(entry.get("group", ""), []).append(entry)
    synthetic = any(entry.get("synthetic") for entry in entries)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"/>',
        "<title>scirocco-lab reports</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;"
        "padding:0 1em;color:#222}li{margin:.3em 0}.failed{color:#9c1c12}"
        ".stale{color:#8a5a00}table.sl-heatmap{border-collapse:collapse;font-size:.85em}"
        ".sl-heatmap td,.sl-heatmap th{border:1px solid #fff;padding:.15em .45em;"
        "text-align:center}.sl-heatmap th.sl-region{text-align:left;font-weight:500}"
        ".sl-heatmap td.sl-links{text-align:left;background:#fff}"
        "#sl-filter{font-size:1em;padding:.3em .5em;width:22em;margin:.5em 0}"
        ".banner{background:#fdecea;color:#8a1c12;border:1px solid #e6a19a;padding:.6em 1em;"
        "border-radius:4px;font-weight:600}.meta{color:#666;font-size:.9em}</style>",
        "</head><body>",
        "<h1>scirocco-lab reports</h1>",
    ]
    if synthetic:
        parts.append(
            f'<p class="banner">{html.escape(SYNTHETIC_NOTE)}: reports marked '
            "&#9888; are built from invented demo data.</p>"
        )
    generated = utc_now().strftime("%Y-%m-%d %H:%M UTC")
    failed = sum(1 for e in entries if not e.get("ok"))
    stale = sum(1 for e in entries if e.get("ok") and e.get("stale"))
    parts.append(
        f'<p class="meta">Index updated {generated}. {len(entries) - failed} report(s) built, '
        f"{stale} stale, {failed} failed.</p>"
        '<input id="sl-filter" type="search" placeholder="Filter regions and reports" '
        'aria-label="Filter regions and reports"/>'
    )
    parts.append(overview)
    for group, members in groups.items():
        parts.append(f"<h2>{html.escape(group)}</h2><ul>")
        for entry in members:
            title = html.escape(entry.get("title", ""))
            words = [entry.get("title", ""), entry.get("path", ""), *(entry.get("subjects") or [])]
            keywords = html.escape(" ".join(words).lower())
            mark = " &#9888;" if entry.get("synthetic") else ""
            built = html.escape(str(entry.get("built_at", "")).replace("T", " ")[:16])
            revision = entry.get("revision")
            meta = f"built {built}" + (
                f", data revision {html.escape(revision)}" if revision else ""
            )
            if entry.get("ok"):
                link = html.escape(entry["path"])
                if entry.get("pdf"):
                    meta += f' (<a href="{html.escape(entry["pdf"])}">PDF</a>)'
                stale = entry.get("stale")
                note = f' <span class="stale">stale: {html.escape(stale)}</span>' if stale else ""
                parts.append(
                    f'<li data-filter="{keywords}"><a href="{link}">{title}</a>{mark} '
                    f'<span class="meta">{meta}</span>{note}</li>'
                )
            else:
                parts.append(
                    f'<li data-filter="{keywords}" class="failed">{title}{mark}: failed &mdash; '
                    f"{html.escape(entry.get('error') or 'unknown error')} "
                    f'<span class="meta">{meta}</span></li>'
                )
        parts.append("</ul>")
    parts.append(FILTER_SCRIPT)
    parts.append("</body></html>")
    index = out_dir / "index.html"
    page = "\n".join(parts)
    write_atomically(index, lambda temporary: temporary.write_text(page, encoding="utf-8"))
    return index
