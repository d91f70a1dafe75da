"""Commands for the store itself: ``store init``, ``store info``, ``store check``,
``store upgrade``, ``audit``, ``people list``, ``people forget`` and ``demo seed``."""

from __future__ import annotations

import argparse

from scirocco_lab.cli.output import (
    add_command,
    add_flag,
    add_format,
    add_group,
    date_argument,
    print_frame,
    print_problems,
)

__all__ = ["register"]


def _cmd_store_init(args) -> int:
    from scirocco_lab.assessment.demo import DEMO_MARK, generate_demo
    from scirocco_lab.assessment.store import write_batch
    from scirocco_lab.errors import StoreError
    from scirocco_lab.store import SCHEMA_VERSION, is_empty, open_store, subjects_frame
    from scirocco_lab.store.ledger import audit

    try:
        store = open_store(args.store, create=False)
    except StoreError:  # not a store yet (or damaged: opening it again says so)
        store = open_store(args.store)
        with store.transaction() as connection:
            audit(connection, "init", "store_meta", counts={"schema_version": SCHEMA_VERSION})
    print(f"store ready: {store.display_url}")
    if args.title is not None:
        from scirocco_lab.store import set_store_title

        set_store_title(store, args.title)
        print(f"reports name it: {store.label}")
    if args.seed_demo_if_empty:
        if is_empty(store):
            summary = write_batch(store, generate_demo(), action="seed demo")
            print(f"seeded with {DEMO_MARK.lower()}: {summary}")
            _seed_demo_records(store)
        # A demo store made before planning and evaluation records existed gets them.
        elif not (subjects_frame(store)["synthetic"].all() and _seed_demo_records(store)):
            print("store already holds data; demo data not added")
    return 0


def _seed_demo_records(store) -> int:
    """Planning and evaluation demo records for the demo regions, where the store has none
    yet; returns how many kinds were seeded."""
    from scirocco_lab.evaluation.demo import seed_evaluation_demo
    from scirocco_lab.planning.demo import seed_planning_demo

    seeded = 0
    for seed in (seed_planning_demo, seed_evaluation_demo):
        summary = seed(store)
        if summary:
            print(f"seeded: {summary}")
            seeded += 1
    return seeded


def _cmd_store_info(args) -> int:
    import pandas as pd

    from scirocco_lab.assessment.store import assessments_frame
    from scirocco_lab.store import open_store, subjects_frame

    store = open_store(args.store, create=False)
    subjects = subjects_frame(store)
    assessments = assessments_frame(store)
    print(f"store: {store.display_url}")
    counts = pd.DataFrame(
        {
            "records": ["regions", "good practices", "assessments", "synthetic subjects"],
            "count": [
                int((subjects["kind"] == "system").sum()),
                int((subjects["kind"] == "good_practice").sum()),
                len(assessments),
                int(subjects["synthetic"].sum()) if not subjects.empty else 0,
            ],
        }
    )
    print_frame(counts, "table")
    return 0


def _cmd_store_check(args) -> int:
    from scirocco_lab.store import integrity_problems, open_store
    from scirocco_lab.store.engine import store_revision
    from scirocco_lab.store.migrate import schema_differences
    from scirocco_lab.store.schema import HEAD_REVISION

    store = open_store(args.store, create=False, any_revision=True)
    problems = integrity_problems(store)
    if problems:
        return print_problems(
            f"store {store.display_url}: DAMAGED, {len(problems)} problem(s):",
            problems,
            "Fix: restore it from a backup, or recover it with `sqlite3 FILE .recover`.",
        )
    print(f"store {store.display_url}: healthy (integrity and foreign-key checks passed)")
    revision = store_revision(store)
    if revision != HEAD_REVISION:
        at = revision or "none (made before schema revisions were recorded)"
        print(
            f"schema revision: {at}, older than this scirocco-lab's {HEAD_REVISION}. Run "
            "`scirocco-lab store upgrade` to migrate it (a backup is made first)."
        )
        return 0
    differences = schema_differences(store)
    if differences:
        return print_problems(
            f"schema revision: {revision}, but its tables differ from it:",
            differences,
            "Fix: restore the store from a backup; its tables were changed outside scirocco-lab.",
        )
    print(f"schema revision: {revision} (the newest; tables match it)")
    return 0


def _cmd_store_upgrade(args) -> int:
    import sys

    from scirocco_lab.store import open_store
    from scirocco_lab.store.engine import store_revision
    from scirocco_lab.store.migrate import UNVERSIONED, upgrade_store
    from scirocco_lab.store.schema import HEAD_REVISION

    store = open_store(args.store, create=False, any_revision=True)
    before = store_revision(store) or UNVERSIONED
    if before == HEAD_REVISION:
        print(f"store {store.display_url}: already at revision {HEAD_REVISION}; nothing to do")
        return 0
    if args.no_backup:
        print(
            "scirocco-lab: warning: no backup made (--no-backup); if the upgrade fails midway "
            "only your own backup or dump restores the store.",
            file=sys.stderr,
        )
    print(f"store {store.display_url}: upgrading from revision {before} to {HEAD_REVISION}")
    result = upgrade_store(args.store, backup=not args.no_backup, store=store)
    if result.backup is not None:
        print(f"backup written first: {result.backup}")
    print(f"store {result.url}: now at revision {result.to_revision}")
    return 0


def _cmd_audit(args) -> int:
    from scirocco_lab.store import open_store
    from scirocco_lab.store.ledger import audit_frame

    frame = audit_frame(
        open_store(args.store, create=False), since=args.since, all_keys=args.all_keys
    )
    since = f" since {args.since}" if args.since else ""
    print_frame(frame, args.format, empty=f"no writes recorded in the audit trail{since}")
    return 0


def _cmd_people_list(args) -> int:
    from scirocco_lab.store import open_store
    from scirocco_lab.store.people import people_frame

    frame = people_frame(open_store(args.store, create=False))
    print_frame(frame, args.format, empty="no assessors or participants in the store")
    return 0


def _cmd_people_forget(args) -> int:
    import sys

    from scirocco_lab.store import open_store
    from scirocco_lab.store.erasure import erasure_plan, forget_person

    store = open_store(args.store, create=False)
    wanted = {"ratings": args.ratings, "contributions": args.contributions}
    plan = erasure_plan(store, args.pseudonym, **wanted)
    print(f"to be removed from {store.display_url}:")
    for table, count in plan.counts:
        what = "text replaced" if table == "evaluation_turns" else "row(s)"
        print(f"  {table}: {count} {what}")
    if plan.total == 0:
        print(
            f"nothing to remove for {args.pseudonym}: no identity stored (pass --ratings or "
            "--contributions to remove their records too)"
        )
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            print(
                "scirocco-lab: error: not removing anything: confirmation needs a terminal. "
                "Fix: run it in a terminal, or pass --yes to confirm in a script.",
                file=sys.stderr,
            )
            return 2
        answer = input(f"Remove this for {args.pseudonym}? This cannot be undone [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("nothing removed")
            return 0
    done = forget_person(store, args.pseudonym, **wanted)
    print(f"removed: {done}")
    return 0


def _cmd_demo_seed(args) -> int:
    from scirocco_lab.assessment.demo import generate_demo
    from scirocco_lab.assessment.store import write_batch
    from scirocco_lab.store import open_store

    store = open_store(args.store)
    summary = write_batch(store, generate_demo(args.seed), replace=args.replace, action="seed demo")
    print(f"demo data written to {store.display_url}: {summary}")
    _seed_demo_records(store)
    return 0


def register(commands) -> None:
    """Add this domain's commands to the ``scirocco-lab`` parser's subcommands."""
    store_commands = add_group(commands, "store", help="create or describe the store")
    init = add_command(
        store_commands, "init", _cmd_store_init, help="create the store if it does not exist"
    )
    add_flag(
        init,
        "--seed-demo-if-empty",
        "add the synthetic demo data when the store holds nothing yet",
    )
    init.add_argument(
        "--title",
        default=None,
        help="how reports name the store (default: its file name); '' removes the title",
    )
    add_command(store_commands, "info", _cmd_store_info, help="what the store holds")
    add_command(
        store_commands,
        "check",
        _cmd_store_check,
        help="run the integrity check and say whether the store is healthy",
    )
    upgrading = add_command(
        store_commands,
        "upgrade",
        _cmd_store_upgrade,
        help="migrate an older store to this scirocco-lab's schema revision, in place, after "
        "a backup",
    )
    # --store here too (`store upgrade --store FILE`); SUPPRESS keeps the global one otherwise.
    upgrading.add_argument("--store", default=argparse.SUPPRESS, metavar="URL", help="the store")
    add_flag(
        upgrading,
        "--no-backup",
        "do not copy the store first (required for PostgreSQL: make a dump yourself)",
    )

    auditing = add_command(
        commands,
        "audit",
        _cmd_audit,
        help="the audit trail: who wrote what, when, from which file (no identities)",
    )
    auditing.add_argument("--since", type=date_argument, default=None, metavar="YYYY-MM-DD")
    add_flag(auditing, "--all-keys", "every record key of each write, not the first 5")
    add_format(auditing)

    people_commands = add_group(
        commands, "people", help="assessors and participants by pseudonym; the right to erasure"
    )
    listing = add_command(
        people_commands,
        "list",
        _cmd_people_list,
        help="pseudonyms, their kind and whether an identity is stored (never shown)",
    )
    add_format(listing)
    forget = add_command(
        people_commands,
        "forget",
        _cmd_people_forget,
        help="remove a person's identity (and with --ratings/--contributions their records)",
        description="Remove an assessor's or participant's identity (name, e-mail) in one "
        "transaction, after showing what will go and asking to confirm. Consensus results "
        "are a group's and stay.",
    )
    forget.add_argument("pseudonym", metavar="PSEUDONYM")
    add_flag(
        forget, "--ratings", "an assessor: also their individual ratings, drafts and invitations"
    )
    add_flag(
        forget,
        "--contributions",
        "a participant: also their transcript turns (text replaced), the coded segments "
        "on them and their questionnaire answers",
    )
    add_flag(forget, "--yes", "do not ask to confirm (scripts)")

    demo_commands = add_group(commands, "demo", help="synthetic demo data")
    seed = add_command(
        demo_commands, "seed", _cmd_demo_seed, help="write the synthetic demo data to the store"
    )
    seed.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    add_flag(seed, "--replace", "overwrite demo assessments already in the store")
