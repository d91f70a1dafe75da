"""``reports build``: every report the domains declare, built in a batch, incrementally."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from scirocco_lab.cli.output import add_flag, add_group

__all__ = ["DEFAULT_WORKERS", "register"]

# Threads driving report kernels: one more than the cores, since each report waits for its
# kernel to start and stop (idle time another report's kernel can use).
DEFAULT_WORKERS = (os.cpu_count() or 1) + 1


def _cmd_reports_build(args) -> int:
    from scirocco_lab.config import store_url
    from scirocco_lab.io.files import check_writable_folder
    from scirocco_lab.reports.custom import configured_template_folder, load_template_folder
    from scirocco_lab.reports.engine import reports_up_to_date
    from scirocco_lab.reports.fingerprint import store_snapshot
    from scirocco_lab.store import open_store

    out_dir = Path(args.out).resolve()  # workers elsewhere (--scheduler) need full paths
    url = _absolute_sqlite(store_url(args.store))
    if args.scheduler:
        from scirocco_lab.reports.cluster import parse_scheduler

        parse_scheduler(args.scheduler)  # a bad value is refused before anything runs
    # A bad template folder is refused before anything runs, too.
    templates = (
        load_template_folder(Path(args.templates))
        if args.templates
        else configured_template_folder()
    )
    if templates is not None and templates.unused():
        print(
            f"warning: {templates.path}: "
            + ", ".join(f"{name}.ipynb" for name in templates.unused())
            + " neither replace a shipped template nor are declared in reports.yaml: not used",
            file=sys.stderr,
        )
    regions = sorted(set(args.region)) if args.region else None
    options = {"regions": regions, "instrument": args.instrument, "store": url}
    if templates is not None:
        options["templates"] = str(templates.path)
    snapshot = store_snapshot(open_store(url, create=False))
    if not args.force:
        current = reports_up_to_date(out_dir, snapshot, options, pdf=args.pdf, templates=templates)
        if current is not None:
            print(
                f"{len(current)} report(s) up to date (data revision {snapshot.revision}); "
                f"nothing to build. index: {out_dir / 'index.html'}"
            )
            return 0
    check_writable_folder(out_dir)  # before any kernel starts
    return _build(args, url, out_dir, regions, options, snapshot, templates)


def _build(args, url, out_dir, regions, options, snapshot, templates) -> int:
    from tqdm import tqdm

    from scirocco_lab.reports.engine import build_reports
    from scirocco_lab.reports.registry import report_tasks

    if not args.scheduler:
        from scirocco_lab.reports.kernels import template_process

        # Something probably changed: let the kernel template do its imports (about 2 s of
        # one core) while the batch is planned on the other.
        template_process()
    tasks = report_tasks(
        url,
        out_dir,
        regions=regions,
        instrument=args.instrument,
        extra_kinds=templates.kinds if templates else (),
    )
    if not any(task.kind == "region_profile" for task in tasks):
        print("no regions in the store: import data or run `scirocco-lab demo seed` first")
        return 1
    with tqdm(total=len(tasks), unit="report", disable=args.quiet, file=sys.stderr) as bar:
        results = build_reports(
            tasks,
            out_dir,
            workers=args.workers,
            on_result=lambda _result: bar.update(),
            force=args.force,
            pdf=args.pdf,
            scheduler=args.scheduler,
            snapshots={url: snapshot},
            plan_options=options,
            templates=templates,
        )
    failed = [r for r in results if not r.ok]
    built = [r for r in results if r.status == "built"]
    for result in results:
        if result.status == "unchanged":
            continue
        state = "ok    " if result.ok else "FAILED"
        print(
            f"{state} {result.task.output}  ({result.seconds:.1f} s)"
            + (f"\n       {result.error}" if result.error else "")
        )
    print(
        f"{len(built)} report(s) built, {len(results) - len(built) - len(failed)} unchanged, "
        f"{len(failed)} failed (data revision {snapshot.revision}); "
        f"index: {out_dir / 'index.html'}"
    )
    return 1 if failed else 0


def _cmd_reports_templates(args) -> int:
    """Copy shipped report notebooks into a folder, as the start of ``--templates DIR``."""
    import shutil

    from scirocco_lab.errors import ConfigurationError
    from scirocco_lab.reports.custom import PACKAGE_NOTEBOOKS

    shipped = {path.stem: path for path in sorted(PACKAGE_NOTEBOOKS.glob("*.ipynb"))}
    names = list(dict.fromkeys(args.names)) if args.names else list(shipped)
    unknown = [name for name in names if name not in shipped]
    if unknown:
        raise ConfigurationError(
            f"no shipped report template {', '.join(unknown)}; templates: {', '.join(shipped)}"
        )
    folder = Path(args.dir)
    existing = [folder / f"{name}.ipynb" for name in names if (folder / f"{name}.ipynb").exists()]
    if existing:
        raise ConfigurationError(
            f"{', '.join(map(str, existing))} already exist(s); nothing was copied. Choose "
            "another folder, or name only the templates you have not copied yet."
        )
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(shipped[name], folder / f"{name}.ipynb")
    print(
        f"copied {len(names)} template(s) to {folder}: edit them, then "
        f"scirocco-lab reports build --templates {folder}"
    )
    return 0


def _absolute_sqlite(url: str) -> str:
    """A relative SQLite path made absolute, so kernels and workers in another folder find
    the same file.

    >>> _absolute_sqlite("sqlite:///data/x.db").endswith("/data/x.db")
    True
    >>> _absolute_sqlite("postgresql://db/x")
    'postgresql://db/x'
    """
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url[len(prefix) :].startswith(("/", ":memory:")):
        return prefix + str(Path(url[len(prefix) :]).resolve())
    return url


def _positive(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {text!r}")
    return value


def register(commands) -> None:
    """Add this domain's commands to the ``scirocco-lab`` parser's subcommands."""
    report_commands = add_group(commands, "reports", help="build reports")
    build = report_commands.add_parser(
        "build",
        help="build every region's reports (HTML); only those whose inputs changed",
    )
    build.add_argument(
        "--region",
        nargs="+",
        action="extend",
        default=None,
        metavar="KEY",
        help="only these regions' reports, and the programme-wide ones that show them "
        "(--region A B C, or the flag repeated)",
    )
    build.add_argument("--out", default="reports", help="output folder (default: reports)")
    build.add_argument("--instrument", default="scirocco-exchange")
    build.add_argument(
        "--workers",
        type=_positive,
        default=DEFAULT_WORKERS,
        help=f"reports built at once (default {DEFAULT_WORKERS}: the cores plus one)",
    )
    add_flag(build, "--force", "rebuild every report, changed or not")
    add_flag(
        build,
        "--pdf",
        "also a PDF beside each HTML report (Debian's chromium: bash scripts/ensure-chromium.sh)",
    )
    build.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run the reports on a Dask cluster: tcp://HOST:8786 (a running scheduler) or "
        "local:N (N local worker processes); see docs/reports.md",
    )
    build.add_argument(
        "--templates",
        default=None,
        metavar="DIR",
        help="your own report notebooks: DIR/NAME.ipynb replaces the shipped template NAME, "
        "DIR/reports.yaml declares new kinds (docs/reports.md)",
    )
    add_flag(build, "--quiet", "no progress bar")
    build.set_defaults(handler=_cmd_reports_build)
    templates = report_commands.add_parser(
        "templates",
        help="copy the shipped report notebooks into a folder, to edit for --templates DIR",
    )
    templates.add_argument("dir", metavar="DIR", help="folder to copy them into")
    templates.add_argument(
        "names", nargs="*", metavar="NAME", help="only these templates (e.g. region_profile)"
    )
    templates.set_defaults(handler=_cmd_reports_templates)
