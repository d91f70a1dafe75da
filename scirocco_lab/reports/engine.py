"""Batch report building: papermill runs a template per region, nbconvert exports HTML.

Each report is self-contained HTML (figures embedded, no script or style fetched from the
network). A region whose report fails does not stop the others; the failures are returned
(and the CLI exits non-zero).

>>> from scirocco_lab.reports.engine import report_templates
>>> sorted(report_templates())
['comparison', 'evaluation', 'programme', 'region_profile', 'twinning']
"""

from __future__ import annotations

import html
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from scirocco_lab.errors import ConfigurationError, NotFoundError
from scirocco_lab.io.clock import utc_now
from scirocco_lab.io.figures import SYNTHETIC_NOTE
from scirocco_lab.io.files import write_atomically
from scirocco_lab.reports.kernels import ENGINE_NAME, template_process
from scirocco_lab.reports.registry import ReportTask

__all__ = [
    "PACKAGE_TEMPLATES",
    "TEMPLATE_DIR_ENV",
    "ReportResult",
    "build_reports",
    "export_html",
    "render_report",
    "report_templates",
    "write_index",
]

TEMPLATE_DIR_ENV = "SCIROCCO_LAB_TEMPLATES"


# The report notebooks ship inside the package, so an installed copy finds them too.
PACKAGE_TEMPLATES = Path(__file__).parent / "notebooks"


def _templates_dir() -> Path:
    configured = os.environ.get(TEMPLATE_DIR_ENV)
    return Path(configured) if configured else PACKAGE_TEMPLATES


def report_templates() -> dict[str, Path]:
    """Report template notebooks by name (file stem): the package's, or the folder named by
    ``$SCIROCCO_LAB_TEMPLATES``."""
    folder = _templates_dir()
    return {path.stem: path for path in sorted(folder.glob("*.ipynb"))}


@dataclass(frozen=True)
class ReportResult:
    """The outcome of one report: the HTML written, or the error that stopped it."""

    task: ReportTask
    ok: bool
    seconds: float
    error: str | None = None


_exporters = threading.local()


def _html_exporter():
    """One HTMLExporter per thread (building one loads its Jinja templates)."""
    exporter = getattr(_exporters, "html", None)
    if exporter is None:
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(
            template_name="scirocco_report",
            extra_template_basedirs=[str(Path(__file__).parent / "templates")],
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


def render_report(task: ReportTask, *, engine: str | None = ENGINE_NAME) -> ReportResult:
    """Execute one template with papermill and export it; exceptions become a failed result.

    ``engine`` is the papermill engine: by default the fork engine of
    :mod:`scirocco_lab.reports.kernels` (a fresh kernel forked from a warm template per
    report); ``None`` is papermill's own (a new ``python -m ipykernel_launcher`` per report).
    """
    import papermill

    started = time.perf_counter()
    templates = report_templates()
    try:
        if task.template not in templates:
            raise NotFoundError(
                f"no report template '{task.template}' in {_templates_dir()}; "
                f"templates: {', '.join(templates)}"
            )
        notebook = papermill.execute_notebook(
            str(templates[task.template]),
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
    except Exception as exc:  # one failing region must not stop the batch
        message = str(exc).strip().splitlines()
        summary = next((line for line in reversed(message) if line.strip()), type(exc).__name__)
        return ReportResult(task, False, time.perf_counter() - started, summary[:2000])
    return ReportResult(task, True, time.perf_counter() - started)


def build_reports(
    tasks: Iterable[ReportTask],
    out_dir: Path,
    *,
    workers: int = 2,
    on_result: Callable[[ReportResult], None] | None = None,
) -> list[ReportResult]:
    """Run every task (``workers`` kernels at a time), then write ``out_dir/index.html``.

    Each report runs in a kernel of its own, forked from one warm template process
    (:mod:`scirocco_lab.reports.kernels`); ``workers`` threads of this process drive them
    (papermill and nbconvert here, the report's code in its kernel). Returns one result per
    task, in task order.
    """
    tasks = list(tasks)
    if workers < 1:
        raise ConfigurationError("workers must be 1 or more")
    results: dict[int, ReportResult] = {}
    if tasks:
        template_process()  # its imports run while the first reports are set up
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(tasks)))) as pool:
        futures = {pool.submit(render_report, task): i for i, task in enumerate(tasks)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if on_result:
                on_result(results[futures[future]])
    ordered = [results[i] for i in range(len(tasks))]
    write_index(ordered, out_dir)
    return ordered


def _update_manifest(results: Sequence[ReportResult], out_dir: Path) -> list[dict]:
    """Merge this run's results into reports/manifest.json, so a partial rebuild
    (``--region``) keeps the links to reports built earlier."""
    path = out_dir / "manifest.json"
    entries: dict[str, dict] = {}
    if path.exists():
        try:
            entries = {e["path"]: e for e in json.loads(path.read_text("utf-8"))}
        except (ValueError, KeyError, TypeError):
            entries = {}  # a damaged manifest is rebuilt from this run
    for result in results:
        relative = result.task.output.relative_to(out_dir).as_posix()
        entries[relative] = {
            "path": relative,
            "title": result.task.title,
            "group": result.task.group,
            "synthetic": result.task.synthetic,
            "ok": result.ok,
            "error": result.error,
            "built_at": utc_now(whole_seconds=True).isoformat(),
        }
    kept = [
        entry for entry in entries.values() if not entry["ok"] or (out_dir / entry["path"]).exists()
    ]
    kept.sort(key=lambda entry: (entry["group"], entry["title"]))
    text = json.dumps(kept, indent=2, ensure_ascii=False)
    write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    return kept


def write_index(results: Sequence[ReportResult], out_dir: Path) -> Path:
    """reports/index.html: a link to every report built (this run and earlier ones),
    grouped, with failures listed and synthetic demo data marked."""
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = _update_manifest(results, out_dir)
    groups: dict[str, list[dict]] = {}
    for entry in entries:
        groups.setdefault(entry["group"], []).append(entry)
    synthetic = any(entry["synthetic"] for entry in entries)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"/>',
        "<title>scirocco-lab reports</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;"
        "padding:0 1em;color:#222}li{margin:.3em 0}.failed{color:#9c1c12}"
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
    parts.append(f'<p class="meta">Index updated {generated}.</p>')
    for group, members in groups.items():
        parts.append(f"<h2>{html.escape(group)}</h2><ul>")
        for entry in members:
            title = html.escape(entry["title"])
            mark = " &#9888;" if entry["synthetic"] else ""
            built = html.escape(entry["built_at"].replace("T", " ")[:16])
            if entry["ok"]:
                link = html.escape(entry["path"])
                parts.append(
                    f'<li><a href="{link}">{title}</a>{mark} <span class="meta">{built}</span></li>'
                )
            else:
                parts.append(
                    f'<li class="failed">{title}{mark}: failed &mdash; '
                    f"{html.escape(entry['error'] or 'unknown error')}</li>"
                )
        parts.append("</ul>")
    parts.append("</body></html>")
    index = out_dir / "index.html"
    page = "\n".join(parts)
    write_atomically(index, lambda temporary: temporary.write_text(page, encoding="utf-8"))
    return index
