"""Kernels and memory of the web app under anonymous page loads, and time to a ready form.

Run: ``.venv/bin/python benchmarks/serve_load.py`` (options: ``--help``).

Side by side in one run, on a temporary store with synthetic participants:

1. **Gated** (``scirocco-lab serve`` today): Voilà behind the invitation gate. ``--loads``
   anonymous page loads (default 40, then up to 200), each a plain HTTP GET of ``/`` as a
   visitor without an invitation makes; reports the kernels running and the resident memory
   of Voilà plus its kernels before, right after and ``--settle`` seconds after the loads.
2. **Ungated** (the app before the gate): the same Voilà without it, ``--baseline-loads``
   anonymous loads (default 10: each starts a kernel of about 150 MB, so fewer are enough).
3. **Time to form ready**: ``--participants`` invited participants (default 5) open their
   personal links one after another in Debian's chromium; the time from ``goto`` to the form
   showing "Participant ..." (median and worst).

Prints each measurement and the ratio of memory added per anonymous load (ungated / gated).
The numbers measured on the project machine are in the README.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

from scirocco_lab.assessment.invitations import create_invitations, invitation_link
from scirocco_lab.assessment.records import AssessorRecord, SubjectRecord
from scirocco_lab.assessment.store import add_assessors, add_subjects
from scirocco_lab.capture.serve import (
    ServeSettings,
    kernel_processes,
    local_settings,
    running_voila,
)
from scirocco_lab.store import open_store

CHROMIUM = "/usr/bin/chromium"


def memory_mb(server_pid: int) -> float:
    """Resident memory of the server and every process under it, in MB."""
    try:
        root = psutil.Process(server_pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += process.memory_info().rss
    return total / 1e6


def anonymous_load(url: str) -> int:
    """One anonymous page load (redirects followed); returns the HTTP status."""
    with urllib.request.urlopen(url, timeout=300) as response:
        response.read()
        return response.status


def measure_loads(settings: ServeSettings, counts: list[int], settle: float) -> list[dict]:
    """Kernels and memory after each cumulative number of anonymous loads in ``counts``."""
    rows = []
    with running_voila(settings) as server:
        time.sleep(1.0)
        base_memory = memory_mb(server.pid)
        done = 0
        for count in counts:
            while done < count:
                anonymous_load(server.url)
                done += 1
            row = {
                "loads": count,
                "kernels": len(kernel_processes(server.pid)),
                "memory_mb": memory_mb(server.pid),
                "base_memory_mb": base_memory,
            }
            rows.append(row)
        if settle > 0:
            time.sleep(settle)
            rows[-1]["kernels_after_settle"] = len(kernel_processes(server.pid))
            rows[-1]["memory_after_settle_mb"] = memory_mb(server.pid)
    return rows


def time_to_form(settings: ServeSettings, store, participants: int) -> list[float]:
    """Seconds from opening a personal link to the form being ready, per participant."""
    from playwright.sync_api import expect, sync_playwright

    codes = [f"BM-{i:02d}" for i in range(1, participants + 1)]
    tokens = {
        item.assessor: item.token
        for item in create_invitations(store, "benchmark-region", 1, assessors=codes)
    }
    seconds = []
    with running_voila(settings) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for code in codes:
            context = browser.new_context()
            page = context.new_page()
            page.set_default_timeout(240_000)
            start = time.perf_counter()
            page.goto(invitation_link(server.url, tokens[code]))
            expect(page.locator(".scirocco-assessment-form")).to_contain_text(f"Participant {code}")
            seconds.append(time.perf_counter() - start)
            context.close()
        browser.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, nargs="+", default=[40, 200])
    parser.add_argument("--baseline-loads", type=int, default=10)
    parser.add_argument("--settle", type=float, default=60.0, help="seconds to wait after")
    parser.add_argument("--participants", type=int, default=5)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="serve-load-"))
    store_path = folder / "store.db"
    store = open_store(str(store_path))
    add_subjects(store, [SubjectRecord("benchmark-region", "Benchmark region", synthetic=True)])
    add_assessors(
        store,
        [AssessorRecord(f"BM-{i:02d}", synthetic=True) for i in range(1, args.participants + 1)],
    )

    def settings(gate: bool) -> ServeSettings:
        return local_settings(store_path, subject="benchmark-region", round=1, gate=gate)

    print("synthetic benchmark data; Voila on 127.0.0.1")
    gated = measure_loads(settings(True), sorted(args.loads), args.settle)
    for row in gated:
        print(
            f"gated:   {row['loads']:4d} anonymous loads -> {row['kernels']} kernel(s), "
            f"{row['memory_mb']:.0f} MB (idle server {row['base_memory_mb']:.0f} MB)"
        )
    last = gated[-1]
    if "kernels_after_settle" in last:
        print(
            f"gated:   {args.settle:.0f} s later -> {last['kernels_after_settle']} kernel(s), "
            f"{last['memory_after_settle_mb']:.0f} MB"
        )
    [ungated] = measure_loads(settings(False), [args.baseline_loads], 0)
    print(
        f"ungated: {ungated['loads']:4d} anonymous loads -> {ungated['kernels']} kernel(s), "
        f"{ungated['memory_mb']:.0f} MB (idle server {ungated['base_memory_mb']:.0f} MB)"
    )
    per_load_gated = max(last["memory_mb"] - last["base_memory_mb"], 0.0) / last["loads"]
    per_load_ungated = (ungated["memory_mb"] - ungated["base_memory_mb"]) / ungated["loads"]
    bound = per_load_gated < 0.01
    ratio = per_load_ungated / max(per_load_gated, 0.01)
    print(
        f"memory added per anonymous load: ungated {per_load_ungated:.1f} MB, gated "
        f"{per_load_gated:.2f} MB; ratio {'>' if bound else ''}{ratio:.0f}x"
    )
    if args.participants:
        seconds = time_to_form(settings(True), store, args.participants)
        print(
            f"time from opening a personal link to the form ready ({len(seconds)} participants, "
            f"one after another): median {statistics.median(seconds):.2f} s, "
            f"worst {max(seconds):.2f} s"
        )


if __name__ == "__main__":
    main()
