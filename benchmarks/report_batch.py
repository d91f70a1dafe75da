"""Time the demo report batch: the naive CLI loop against `scirocco-lab reports build`.

Run: ``.venv/bin/python benchmarks/report_batch.py`` (options: ``--help``).

In one run, on a fresh temporary store seeded with the synthetic demo data (never the
project's own store):

(a) the loop a user writes in five minutes: for every report of the batch, the ``papermill``
    CLI executes the template with the report's parameters, then ``jupyter nbconvert --to html``
    exports it, one report after the other;
(b) ``scirocco-lab reports build --force`` (a full rebuild through the report engine), run as
    a command so its start-up counts;
(c) ``scirocco-lab reports build`` again with nothing changed (the incremental rebuild);
(d) with ``--pdf``: ``reports build --force --pdf`` (the extra cost of the PDFs).

It prints seconds, reports per minute and the ratio side by side. Both loops build the same
task list (the engine's own), so they do the same work. The measured numbers are in the
README's speed section.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main"]

BIN = Path(sys.executable).parent


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    completed = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if completed.returncode not in (0,):
        sys.exit(
            f"benchmark step failed ({completed.returncode}): {' '.join(command)}\n"
            f"{completed.stdout[-2000:]}\n{completed.stderr[-3000:]}"
        )
    return completed


def _cli(url: str, *arguments: str) -> subprocess.CompletedProcess:
    return _run([str(BIN / "scirocco-lab"), "--store", url, *arguments])


def batch_task_list(url: str, out: Path) -> list[tuple[Path, dict, Path]]:
    """(template file, parameters, html output) for every report of the batch, as the
    engine plans it: asked from the engine itself, so both loops build the same reports."""
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from scirocco_lab.reports.engine import report_templates\n"
        "from scirocco_lab.reports.registry import report_tasks\n"
        "templates = report_templates()\n"
        "tasks = report_tasks(sys.argv[1], Path(sys.argv[2]))\n"
        "print(json.dumps([[str(templates[t.template]), t.parameters, str(t.output)]"
        " for t in tasks]))\n"
    )
    completed = _run([sys.executable, "-c", script, url, str(out)])
    return [(Path(t), p, Path(o)) for t, p, o in json.loads(completed.stdout)]


def naive_loop(tasks, work: Path) -> float:
    """papermill CLI then nbconvert CLI, per report, serially."""
    started = time.perf_counter()
    for number, (template, parameters, output) in enumerate(tasks):
        executed = work / f"{number:03d}-{template.stem}.ipynb"
        command = [str(BIN / "papermill"), str(template), str(executed), "--no-progress-bar"]
        for name, value in parameters.items():
            command += ["-y", json.dumps({name: value})]  # JSON is YAML: None stays None
        _run(command, cwd=template.parent)
        output.parent.mkdir(parents=True, exist_ok=True)
        _run(
            [
                str(BIN / "jupyter"),
                "nbconvert",
                "--to",
                "html",
                "--no-input",
                str(executed),
                "--output",
                output.stem,
                "--output-dir",
                str(output.parent),
            ]
        )
    return time.perf_counter() - started


def engine_build(url: str, out: Path, *extra: str) -> float:
    started = time.perf_counter()
    _cli(url, "reports", "build", "--out", str(out), "--quiet", *extra)
    return time.perf_counter() - started


def _row(label: str, seconds: float, count: int, baseline: float | None) -> str:
    rate = count / seconds * 60 if seconds else float("inf")
    ratio = f"{baseline / seconds:6.1f}x" if baseline else "     - "
    return f"{label:<44} {seconds:8.1f} s {rate:9.1f} reports/min {ratio}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--naive-sample",
        type=int,
        default=0,
        metavar="N",
        help="time the naive loop on the first N reports only and report its per-report rate "
        "(default: the whole batch, about 4 minutes)",
    )
    parser.add_argument("--workers", type=int, help="engine workers (default: its own)")
    parser.add_argument("--pdf", action="store_true", help="also time a build with --pdf")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="scirocco-bench-"))
    try:
        url = f"sqlite:///{folder / 'demo.db'}"
        _cli(url, "store", "init", "--seed-demo-if-empty")
        tasks = batch_task_list(url, folder / "naive")
        count = len(tasks)
        sample = tasks[: args.naive_sample] if args.naive_sample else tasks
        (folder / "naive-work").mkdir()
        naive = naive_loop(sample, folder / "naive-work")
        naive_full = naive / len(sample) * count  # = naive when the whole batch ran
        extra = ("--workers", str(args.workers)) if args.workers else ()
        force = ("--force",) if "--force" in _cli(url, "reports", "build", "--help").stdout else ()
        engine = engine_build(url, folder / "engine", *force, *extra)
        again = engine_build(url, folder / "engine", *extra)
        pdf = None
        if args.pdf:
            pdf = engine_build(url, folder / "engine-pdf", "--force", "--pdf", *extra)
        print(f"demo batch: {count} reports, {os.cpu_count()} CPU(s), one run")
        label = "naive loop (papermill CLI + nbconvert CLI)"
        if args.naive_sample:
            label = f"naive loop, {len(sample)} timed, scaled to {count}"
        print(_row(label, naive_full, count, None))
        print(_row("scirocco-lab reports build --force", engine, count, naive_full))
        print(_row("reports build, nothing changed", again, count, naive_full))
        if pdf is not None:
            print(_row("reports build --force --pdf", pdf, count, naive_full))
            print(f"PDF extra cost: {(pdf - engine) / count:.2f} s per report")
    finally:
        if args.keep:
            print(f"kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
