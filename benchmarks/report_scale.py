"""Time report planning and the twinning programme report as the number of regions grows.

Run: ``.venv/bin/python benchmarks/report_scale.py --regions 100 300`` (options: ``--help``).

For each size, a temporary store gets N synthetic regions (each with 12 stakeholders' ratings
and a consensus, about 160 ratings a region) and 6 good practices, then, each in a fresh
process so that its peak memory is its own:

- planning: ``report_tasks`` for every report kind (the task list ``reports build`` starts
  from; the import of the domains' report modules timed apart), and the fingerprints of
  those tasks (``plan_reports``: one digest pass over the store), seconds and peak memory;
- the twinning programme's data (region profiles, complementarity matrix, each region's best
  partner, the programme pairing with its reasons) computed side by side by the per-pair
  pandas reference the package used before (``benchmarks/twinning_reference.py``) and by the
  package's vectorised functions, from the same ratings frame: seconds, peak memory, the
  ratio, and whether both give identical results;
- the twinning programme report: its notebook executed and exported like ``reports build``
  does it (``render_report``), seconds, peak memory of the kernel and the HTML size;
- with ``--build``, the whole batch: ``scirocco-lab reports build --force`` as a command,
  seconds and reports per minute, so that sizes can be compared (a build linear in the
  report count keeps the same rate), then the same build with nothing changed.

``--reference-max N`` skips the per-pair reference above N regions (it takes minutes there).
"""

from __future__ import annotations

import argparse
import json
import os
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
        owner = f"region-{p % n_regions:04d}"
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
from scirocco_lab.reports.engine import plan_reports
from scirocco_lab.reports.registry import report_kinds, report_tasks
started = time.perf_counter()
report_kinds()  # imports the domains' report modules (pandas, matplotlib, ...)
imports = time.perf_counter() - started
started = time.perf_counter()
tasks = report_tasks(sys.argv[1], Path(sys.argv[2]))
seconds = time.perf_counter() - started
started = time.perf_counter()
planned = plan_reports(tasks)
fingerprints = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "imports": imports, "tasks": len(tasks),
                  "fingerprints": fingerprints, "peak_mb": peak}))
"""

# The twinning programme's data, by the per-pair reference or the package (argv[3]); the
# ratings are read first, outside the timing, the same for both.
TWINNING_DATA = """
import hashlib, json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from scirocco_lab.assessment.store import ratings_frame
from scirocco_lab.comparison import gaps, twinning
from scirocco_lab.instruments import load_instrument
from scirocco_lab.store import open_store
instrument = load_instrument()
ratings = ratings_frame(open_store(sys.argv[1], create=False), instrument=instrument.id)
started = time.perf_counter()
if sys.argv[3] == "reference":
    import twinning_reference as ref
    profiles = ref.region_profiles(ratings, instrument)
    matrix = ref.complementarity_matrix(profiles, instrument)
    partners = ref.programme_partners(profiles, instrument, sorted(set(profiles["subject"])))
    reasons = twinning.explain_pairing(
        twinning.programme_pairing(matrix), matrix, ref.region_reasons(profiles, instrument)
    )
else:
    profiles = gaps.region_profiles(ratings, instrument)
    matrix = twinning.complementarity_matrix(profiles, instrument)
    partners = twinning.best_partners(profiles, instrument)
    reasons = twinning.pairing_reasons(
        twinning.programme_pairing(matrix), matrix, profiles, instrument
    )
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
digest = hashlib.sha256()
for frame in (profiles[["subject", "dimension", "level"]], matrix.reset_index(drop=True),
              partners.drop(columns="owner"), reasons):
    digest.update(frame.to_csv(index=False, float_format="%.9g").encode())
print(json.dumps({"seconds": seconds, "peak_mb": peak, "digest": digest.hexdigest()}))
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


def _measure(script: str, *args: str) -> dict:
    completed = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True
    )
    if completed.returncode != 0:
        sys.exit(f"measurement failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, nargs="+", default=[100, 300])
    parser.add_argument(
        "--reference-max",
        type=int,
        default=300,
        metavar="N",
        help="time the per-pair reference only up to N regions (default 300)",
    )
    parser.add_argument(
        "--build",
        action="store_true",
        help="also time the whole batch (reports build --force) at each size",
    )
    args = parser.parse_args(argv)
    from scirocco_lab.assessment.store import write_batch
    from scirocco_lab.store import open_store

    here = str(Path(__file__).resolve().parent)
    for n in args.regions:
        with tempfile.TemporaryDirectory(prefix="scirocco-scale-") as folder:
            url = f"sqlite:///{Path(folder) / 'scale.db'}"
            started = time.perf_counter()
            write_batch(open_store(url), scale_batch(n))
            seeded = time.perf_counter() - started
            out = str(Path(folder) / "out")
            plan = _measure(PLAN, url, out)
            print(
                f"{n} regions (seeded in {seeded:.1f} s): task list of {plan['tasks']} reports "
                f"{plan['seconds']:.2f} s (after {plan['imports']:.1f} s of imports), their "
                f"fingerprints {plan['fingerprints']:.2f} s, "
                f"peak {plan['peak_mb']:.0f} MB",
                flush=True,
            )
            new = _measure(TWINNING_DATA, url, here, "vectorised")
            line = (
                f"  twinning data: vectorised {new['seconds']:.2f} s, peak {new['peak_mb']:.0f} MB"
            )
            if n <= args.reference_max:
                old = _measure(TWINNING_DATA, url, here, "reference")
                same = "identical" if old["digest"] == new["digest"] else "DIFFERENT"
                line += (
                    f"; per-pair reference {old['seconds']:.1f} s, peak {old['peak_mb']:.0f} MB"
                    f" ({old['seconds'] / new['seconds']:.0f}x); results {same}"
                )
            print(line, flush=True)
            report = _measure(TWINNING, url, out)
            print(
                f"  twinning report: {report['seconds']:.1f} s, kernel peak "
                f"{report['kernel_peak_mb']:.0f} MB, HTML {report['html_mb']:.1f} MB"
                + ("" if report["ok"] else f" FAILED: {report['error']}"),
                flush=True,
            )
            if args.build:
                print("  " + _whole_batch(url, Path(folder) / "batch", plan["tasks"]), flush=True)
    return 0


def _whole_batch(url: str, out: Path, count: int) -> str:
    """``reports build --force`` of every report as a command: its line of the output."""
    command = [sys.executable, "-m", "scirocco_lab", "--store", url, "reports", "build"]
    started = time.perf_counter()
    completed = subprocess.run(
        [*command, "--force", "--quiet", "--out", str(out)], capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        return f"whole batch FAILED ({completed.returncode}): {completed.stderr[-500:]}"
    from scirocco_lab.reports.manifest import read_manifest

    failed = sum(1 for entry in read_manifest(out).entries.values() if not entry["ok"])
    load = os.getloadavg()[0]
    started = time.perf_counter()
    subprocess.run([*command, "--quiet", "--out", str(out)], capture_output=True, check=True)
    unchanged = time.perf_counter() - started
    return (
        f"whole batch: {count} reports in {seconds:.1f} s, {count / seconds * 60:.1f} reports/min"
        f" ({failed} failed, load {load:.1f}); again with nothing changed {unchanged:.1f} s"
    )


if __name__ == "__main__":
    sys.exit(main())
