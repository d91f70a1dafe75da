"""Time report planning and the twinning programme report as the number of regions grows.

Run: ``.venv/bin/python benchmarks/report_scale.py --regions 100 300`` (options: ``--help``).

For each size, a temporary store gets N synthetic regions (each with 12 stakeholders' ratings
and a consensus, about 160 ratings a region) and 6 good practices, then, each in a fresh
process so that memory is its own:

- planning: ``report_tasks`` for every report kind (the task list ``reports build`` starts
  from), seconds and peak memory;
- the twinning programme report: its notebook executed and exported like ``reports build``
  does it (``render_report``), seconds, peak memory of the kernel and the HTML size.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main", "scale_batch"]


def scale_batch(n_regions: int, seed: int = 7):
    """A deterministic synthetic batch of ``n_regions`` regions and 6 good practices."""
    import numpy as np

    from scirocco_lab.assessment.records import (
        AssessmentRecord,
        AssessorRecord,
        RatingRecord,
        RecordBatch,
        SubjectRecord,
    )
    from scirocco_lab.instruments import load_instrument

    exchange = load_instrument()
    keys = exchange.dimension_keys
    rng = np.random.default_rng(seed)
    subjects, assessors, assessments = [], [], []
    for r in range(n_regions):
        key = f"region-{r:04d}"
        subjects.append(SubjectRecord(key, f"Region {r:04d}", country="Scaleland", synthetic=True))
        truth = rng.integers(0, 6, size=len(keys))
        for a in range(12):
            pseudonym = f"{key}-A{a:02d}"
            assessors.append(AssessorRecord(pseudonym, synthetic=True))
            levels = np.clip(truth + rng.integers(-1, 2, size=len(keys)), 0, 5)
            ratings = tuple(
                RatingRecord(k, level=int(v)) for k, v in zip(keys, levels, strict=True)
            )
            assessments.append(
                AssessmentRecord("HS", key, exchange.id, assessor=pseudonym, ratings=ratings)
            )
        consensus = tuple(RatingRecord(k, level=int(v)) for k, v in zip(keys, truth, strict=True))
        assessments.append(
            AssessmentRecord("HS", key, exchange.id, mode="consensus", ratings=consensus)
        )
    for p in range(6):
        key = f"practice-{p}"
        owner = f"region-{p:04d}"
        subjects.append(
            SubjectRecord(key, f"Practice {p}", kind="good_practice", owner=owner, synthetic=True)
        )
        levels = rng.integers(1, 6, size=len(keys))
        for a in range(3):
            pseudonym = f"{key}-A{a}"
            assessors.append(AssessorRecord(pseudonym, synthetic=True))
            ratings = tuple(
                RatingRecord(k, level=int(v), features=("a feature",))
                for k, v in zip(keys, levels, strict=True)
            )
            assessments.append(
                AssessmentRecord("GP", key, exchange.id, assessor=pseudonym, ratings=ratings)
            )
    return RecordBatch(
        subjects=tuple(subjects), assessors=tuple(assessors), assessments=tuple(assessments)
    )


PLAN = """
import json, resource, sys, time
from pathlib import Path
from scirocco_lab.reports.registry import report_tasks
started = time.perf_counter()
tasks = report_tasks(sys.argv[1], Path(sys.argv[2]))
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "tasks": len(tasks), "peak_mb": peak}))
"""

TWINNING = """
import json, resource, sys, time
from pathlib import Path
from scirocco_lab.reports.engine import render_report
from scirocco_lab.reports.registry import report_kind
(task,) = [t for t in report_kind("twinning").tasks(sys.argv[1], Path(sys.argv[2]))
           if t.parameters.get("receiving_region") is None]
started = time.perf_counter()
result = render_report(task, engine=None)  # the kernel a direct child: its memory counted
seconds = time.perf_counter() - started
kernels = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
size = task.output.stat().st_size / 1e6 if result.ok else 0
print(json.dumps({"seconds": seconds, "ok": result.ok, "error": result.error,
                  "kernel_peak_mb": kernels, "html_mb": size}))
"""


def _measure(script: str, url: str, out: Path) -> dict:
    completed = subprocess.run(
        [sys.executable, "-c", script, url, str(out)], capture_output=True, text=True
    )
    if completed.returncode != 0:
        sys.exit(f"measurement failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, nargs="+", default=[100, 300])
    args = parser.parse_args(argv)
    from scirocco_lab.assessment.store import write_batch
    from scirocco_lab.store import open_store

    for n in args.regions:
        with tempfile.TemporaryDirectory(prefix="scirocco-scale-") as folder:
            url = f"sqlite:///{Path(folder) / 'scale.db'}"
            started = time.perf_counter()
            write_batch(open_store(url), scale_batch(n))
            seeded = time.perf_counter() - started
            plan = _measure(PLAN, url, Path(folder) / "out")
            twinning = _measure(TWINNING, url, Path(folder) / "out")
            print(
                f"{n} regions (seeded in {seeded:.1f} s): planning {plan['tasks']} reports "
                f"{plan['seconds']:.2f} s, peak {plan['peak_mb']:.0f} MB; twinning report "
                f"{twinning['seconds']:.1f} s, kernel peak {twinning['kernel_peak_mb']:.0f} MB, "
                f"HTML {twinning['html_mb']:.1f} MB"
                + ("" if twinning["ok"] else f" FAILED: {twinning['error']}")
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
